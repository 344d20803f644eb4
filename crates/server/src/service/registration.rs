//! Self-registration: the form, the confirmation link, and optional approval by a studio
//! admin. Registering an e-mail that has an account reveals nothing: that address gets a
//! "you already have an account" message and the page looks the same.

use crate::error::ServerError;
use crate::messaging::{self, Outgoing};
use crate::service::accounts::{audit, notice_email};
use crate::service::audit::{Actor, Event};
use crate::service::verification::{self, Request};
use crate::state::AppState;
use gatehouse_core::password::{PasswordOwner, PasswordViolation};
use gatehouse_core::profile::{InvalidField, Profile, clean_text, normalize_phone};
use gatehouse_core::studio::{FieldRule, RegistrationFields, Studio};
use gatehouse_core::user::{User, UserStatus, normalize_email};
use gatehouse_core::verification::{CodeRejection, Purpose};
use gatehouse_core::{StudioId, UnixTime, UserId};
use gatehouse_store::{DbConn, StoreError, studios, users, verifications};
use secrecy::SecretString;
use std::collections::BTreeMap;

/// Where registration leads: the instance, or a studio.
#[derive(Debug, Clone)]
pub struct Target {
    /// The studio, when registering into one.
    pub studio: Option<Studio>,
    /// Which fields the form has.
    pub fields: RegistrationFields,
    /// Whether a studio admin must approve.
    pub requires_approval: bool,
}

/// The registration target for `/register` (instance) or `/register?studio=slug`; `None`
/// when registration is closed there. `invited_by_client`: the form was reached from the
/// sign-in page of a client that takes registrations although the instance does not.
pub async fn target(
    state: &AppState,
    studio_slug: Option<&str>,
    invited_by_client: bool,
) -> Result<Option<Target>, ServerError> {
    match studio_slug {
        Some(slug) => {
            let Ok(studio) = crate::service::studios::get_by_slug(&state.store, slug).await else {
                return Ok(None);
            };
            let settings = studio.settings.registration;
            Ok(settings.enabled.then_some(Target {
                fields: settings.fields,
                requires_approval: settings.requires_approval,
                studio: Some(studio),
            }))
        }
        None => {
            let config = &state.config.registration;
            Ok((config.enabled || invited_by_client).then_some(Target {
                studio: None,
                fields: RegistrationFields {
                    phone: config.phone,
                    country: config.country,
                    company: config.company,
                    job_title: config.job_title,
                },
                requires_approval: false,
            }))
        }
    }
}

/// The form as submitted.
#[derive(Debug, Clone, Default)]
pub struct Form {
    /// Full name.
    pub name: String,
    /// E-mail, the sign-in name.
    pub email: String,
    /// Phone.
    pub phone: String,
    /// Country.
    pub country: String,
    /// Company.
    pub company: String,
    /// Job title.
    pub job_title: String,
    /// Password.
    pub password: String,
    /// Password again.
    pub confirm_password: String,
}

/// Why the form was refused: one message key per field, or password rules.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// Field problems: `(field, message key)`.
    Fields(Vec<(&'static str, &'static str)>),
    /// Password rules broken.
    Password(Vec<PasswordViolation>),
}

fn required(
    field: &'static str,
    rule: FieldRule,
    value: &str,
    problems: &mut Vec<(&'static str, &'static str)>,
) {
    if rule == FieldRule::Required && value.trim().is_empty() {
        problems.push((field, "field-error-required"));
    }
}

fn allowed(rule: FieldRule, value: &str) -> Option<&str> {
    (rule != FieldRule::Hidden).then_some(value)
}

/// Handles a registration. `Ok(())` means "check your e-mail" whether or not the address
/// already had an account.
pub async fn register(
    state: &AppState,
    target: &Target,
    form: Form,
    language: &str,
    return_flow: Option<&str>,
) -> Result<Result<(), Refusal>, ServerError> {
    let fields = target.fields;
    let mut problems = Vec::new();
    let name = match clean_text("name", Some(&form.name), 200) {
        Ok(Some(name)) => Some(name),
        Ok(None) => {
            problems.push(("name", "field-error-required"));
            None
        }
        Err(InvalidField { field, problem }) => {
            problems.push((field, problem));
            None
        }
    };
    let email = match normalize_email(&form.email) {
        Ok(email) => Some(email),
        Err(_) => {
            problems.push(("email", "field-error-email"));
            None
        }
    };
    required("phone", fields.phone, &form.phone, &mut problems);
    required("country", fields.country, &form.country, &mut problems);
    required("company", fields.company, &form.company, &mut problems);
    required(
        "job_title",
        fields.job_title,
        &form.job_title,
        &mut problems,
    );
    let phone = match allowed(fields.phone, &form.phone)
        .map(str::trim)
        .filter(|phone| !phone.is_empty())
    {
        Some(phone) => match normalize_phone(phone) {
            Ok(phone) => Some(phone),
            Err(_) => {
                problems.push(("phone", "field-error-phone"));
                None
            }
        },
        None => None,
    };
    let mut profile = Profile::default();
    for (field, rule, value, slot) in [
        (
            "country",
            fields.country,
            &form.country,
            &mut profile.country,
        ),
        (
            "company",
            fields.company,
            &form.company,
            &mut profile.company,
        ),
        (
            "job_title",
            fields.job_title,
            &form.job_title,
            &mut profile.job_title,
        ),
    ] {
        match clean_text(field, allowed(rule, value), 200) {
            Ok(value) => *slot = value,
            Err(InvalidField { field, problem }) => problems.push((field, problem)),
        }
    }
    if form.password != form.confirm_password {
        problems.push(("confirm_password", "field-error-password-mismatch"));
    }
    if !problems.is_empty() {
        return Ok(Err(Refusal::Fields(problems)));
    }
    let (Some(email), Some(name)) = (email, name) else {
        return Ok(Err(Refusal::Fields(vec![("email", "field-error-email")])));
    };
    let policy = crate::service::passwords::policy_for_studio(state, target.studio.as_ref());
    let password = SecretString::from(form.password);
    let violations = crate::service::passwords::check_new_password(
        state,
        &policy,
        PasswordOwner {
            email: &email,
            name: Some(&name),
        },
        None,
        &password,
    )
    .await?;
    if !violations.is_empty() {
        return Ok(Err(Refusal::Password(violations)));
    }
    // Hash in both branches, so an existing address costs the same time as a new one.
    let hash = state.passwords.hash(password).await?;
    let lookup = email.clone();
    let existing = state
        .store
        .read(move |connection| users::find_by_email(connection, &lookup))
        .await?;
    let now = state.now();
    let registration = PendingRegistration {
        studio: target
            .studio
            .as_ref()
            .map(|studio| studio.id.as_str().to_owned()),
        name: name.clone(),
        phone: phone.clone(),
        profile: profile.clone(),
        password_hash: hash.clone(),
        language: language.to_owned(),
        return_flow: return_flow.map(str::to_owned),
    };
    if let Some(pending) = existing
        .as_ref()
        .filter(|existing| existing.status == UserStatus::PendingVerification)
    {
        // An earlier registration of this address was never confirmed: this one gets its own
        // link. Whichever link the mailbox's owner follows decides the account; the earlier
        // registrant's password stays out of it.
        return send_confirmation(
            state,
            target,
            &pending.id,
            &email,
            registration,
            language,
            None,
        )
        .await
        .map(Ok);
    }
    if let Some(existing) = existing {
        let mut variables = BTreeMap::new();
        variables.insert("name", existing.name.clone().unwrap_or_default());
        variables.insert("link", format!("{}/forgot-password", state.issuer));
        let message = messaging::render_email(
            state,
            &Outgoing {
                name: "already_registered",
                language,
                studio: target.studio.as_ref(),
                variables,
            },
            &existing.email,
        )?;
        let sealed = messaging::seal_email(&state.kek, &message)?;
        if verification::may_send(state, Purpose::ConfirmRegistration, &existing.email).await? {
            state
                .store
                .write(move |connection| messaging::enqueue(connection, &[sealed], now))
                .await?;
            state.outbox_wakeup.notify_one();
        }
        return Ok(Ok(()));
    }

    let user = User {
        id: UserId::new(crate::random::row_id()),
        email: email.clone(),
        email_verified: false,
        name: Some(name.clone()),
        phone_number: phone,
        phone_number_verified: false,
        locale: Some(language.to_owned()),
        status: UserStatus::PendingVerification,
        last_studio_id: None,
        password_changed_at: Some(now),
        profile,
        closed_at: None,
        created_at: now,
        updated_at: now,
    };
    let user_id = user.id.clone();
    send_confirmation(
        state,
        target,
        &user_id,
        &email,
        registration,
        language,
        Some(user),
    )
    .await
    .map(Ok)
}

/// What a registration asked for, kept with its confirmation link until the link is used.
/// The account takes these details from the link that is followed, not from whichever
/// registration came first.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
struct PendingRegistration {
    studio: Option<String>,
    name: String,
    phone: Option<String>,
    profile: Profile,
    password_hash: String,
    language: String,
    /// The authorization request the registration was begun from, to go back to.
    #[serde(default)]
    return_flow: Option<String>,
}

/// Stores a confirmation link for `registration` (and the pending account itself, when
/// `new_account` is given) and queues the mail, in one transaction.
async fn send_confirmation(
    state: &AppState,
    target: &Target,
    user_id: &UserId,
    email: &str,
    registration: PendingRegistration,
    language: &str,
    new_account: Option<User>,
) -> Result<(), ServerError> {
    let now = state.now();
    let issued = verification::prepare(
        state,
        &Request {
            purpose: Purpose::ConfirmRegistration,
            user_id: Some(user_id),
            channel: "email",
            target: Some(email),
            with_link: true,
            with_code: false,
            data: serde_json::to_value(&registration).unwrap_or_default(),
            ttl_seconds: state.config.accounts.link_ttl_seconds,
        },
    );
    let mut variables = BTreeMap::new();
    variables.insert("name", registration.name.clone());
    variables.insert(
        "link",
        format!(
            "{}/register/confirm?token={}",
            state.issuer,
            issued.link_token.clone().unwrap_or_default()
        ),
    );
    variables.insert(
        "days",
        (state.config.accounts.link_ttl_seconds / 86_400)
            .max(1)
            .to_string(),
    );
    let message = messaging::render_email(
        state,
        &Outgoing {
            name: "confirm_registration",
            language,
            studio: target.studio.as_ref(),
            variables,
        },
        email,
    )?;
    let sealed = messaging::seal_email(&state.kek, &message)?;
    let (studio_id, secrets, hash) = (
        target.studio.as_ref().map(|studio| studio.id.clone()),
        state.secrets.clone(),
        registration.password_hash,
    );
    let stored = state
        .store
        .write(move |connection| -> Result<bool, StoreError> {
            if let Some(user) = &new_account {
                match users::insert(connection, user) {
                    // Registered at the same moment by someone else: answer the same way.
                    Err(StoreError::Conflict(_)) => return Ok(false),
                    other => other?,
                }
                users::set_password(connection, &user.id, &crate::random::row_id(), &hash, now)?;
                if let Some(studio_id) = &studio_id {
                    studios::upsert_membership(
                        connection,
                        studio_id,
                        &user.id,
                        &["member".to_owned()],
                        None,
                        now,
                    )?;
                }
                audit(
                    connection,
                    &secrets,
                    "account.registered",
                    &user.id,
                    Some(user.id.as_str()),
                    None,
                    serde_json::json!({}),
                    now,
                )?;
            }
            verification::store(connection, &issued)?;
            messaging::enqueue(connection, &[sealed], now)?;
            Ok(true)
        })
        .await?;
    if stored {
        state.outbox_wakeup.notify_one();
    }
    Ok(())
}

/// What confirming the e-mail led to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Confirmed {
    /// The account is active: sign in.
    Active,
    /// A studio admin must approve first.
    AwaitingApproval,
}

/// Checks a confirmation link without using it (the page the link opens).
pub async fn check_confirmation(state: &AppState, token: &str) -> Result<bool, ServerError> {
    Ok(
        verification::check_link(state, Purpose::ConfirmRegistration, token)
            .await?
            .is_ok(),
    )
}

/// Confirms the address with the link's token (posted from the page the link opens, never
/// on a GET that mail scanners follow). The account comes to life with the details and the
/// password of the registration whose link was used; every other pending registration of
/// the address is discarded.
pub async fn confirm(
    state: &AppState,
    token: &str,
) -> Result<Result<(Confirmed, Option<String>), CodeRejection>, ServerError> {
    let found = match verification::check_link(state, Purpose::ConfirmRegistration, token).await? {
        Ok(found) => found,
        Err(rejection) => return Ok(Err(rejection)),
    };
    let Some(user_id) = found.user_id.clone() else {
        return Ok(Err(CodeRejection::InvalidOrExpired));
    };
    let registration = serde_json::from_value::<PendingRegistration>(found.data.clone()).ok();
    let return_flow = registration
        .as_ref()
        .and_then(|registration| registration.return_flow.clone());
    let now = state.now();
    let secrets = state.secrets.clone();
    let outcome = state
        .store
        .write(
            move |connection| -> Result<Result<Confirmed, CodeRejection>, StoreError> {
                if !verifications::consume(connection, &found.id, now)? {
                    return Ok(Err(CodeRejection::InvalidOrExpired));
                }
                let Some(user) = users::find(connection, &user_id)? else {
                    return Ok(Err(CodeRejection::InvalidOrExpired));
                };
                if user.status != UserStatus::PendingVerification {
                    return Ok(Err(CodeRejection::InvalidOrExpired));
                }
                if let Some(registration) = &registration {
                    apply_registration(connection, &user.id, registration, now)?;
                }
                let confirmed = activate_pending_in(connection, &user.id, now)?;
                audit(
                    connection,
                    &secrets,
                    "account.email_confirmed",
                    &user.id,
                    Some(user.id.as_str()),
                    None,
                    serde_json::json!({}),
                    now,
                )?;
                Ok(Ok(confirmed))
            },
        )
        .await?;
    Ok(outcome.map(|confirmed| (confirmed, return_flow)))
}

/// Makes the pending account what `registration` asked for: its password, its details, and
/// its studio (the only membership a pending account has came from a registration).
fn apply_registration(
    connection: &mut DbConn,
    user_id: &UserId,
    registration: &PendingRegistration,
    now: UnixTime,
) -> Result<(), StoreError> {
    users::set_password(
        connection,
        user_id,
        &crate::random::row_id(),
        &registration.password_hash,
        now,
    )?;
    users::update_profile(
        connection,
        user_id,
        Some(&registration.name),
        &registration.profile,
        now,
    )?;
    users::set_phone(
        connection,
        user_id,
        registration.phone.as_deref(),
        false,
        now,
    )?;
    users::set_locale(connection, user_id, Some(&registration.language), now)?;
    for membership in studios::memberships_of(connection, user_id)? {
        studios::remove_membership(connection, &membership.studio.id, user_id)?;
    }
    if let Some(studio) = &registration.studio {
        studios::upsert_membership(
            connection,
            &StudioId::new(studio.clone()),
            user_id,
            &["member".to_owned()],
            None,
            now,
        )?;
    }
    Ok(())
}

/// A pending account whose address was just proved (its confirmation link, or a password
/// reset sent to it) becomes active, or waits for approval when one of its studios requires
/// it; the other pending registrations of the address are discarded.
pub fn activate_pending_in(
    connection: &mut DbConn,
    user_id: &UserId,
    now: UnixTime,
) -> Result<Confirmed, StoreError> {
    let requires_approval = studios::memberships_of(connection, user_id)?
        .iter()
        .any(|membership| membership.studio.settings.registration.requires_approval);
    let (status, confirmed) = if requires_approval {
        (UserStatus::PendingApproval, Confirmed::AwaitingApproval)
    } else {
        (UserStatus::Active, Confirmed::Active)
    };
    users::change_status(
        connection,
        user_id,
        UserStatus::PendingVerification,
        status,
        true,
        now,
    )?;
    verifications::retire_for_user(connection, user_id, Purpose::ConfirmRegistration, now)?;
    Ok(confirmed)
}

/// A studio admin approves a pending registration; the user is mailed. `false` when the
/// account is not waiting for approval in this studio.
pub async fn approve(
    state: &AppState,
    actor: &Actor,
    studio: &Studio,
    user_id: &UserId,
) -> Result<bool, ServerError> {
    let Some(user) = pending_member(state, studio, user_id).await? else {
        return Ok(false);
    };
    let mut variables = BTreeMap::new();
    variables.insert("studio", studio.name.clone());
    variables.insert("link", format!("{}/login", state.issuer));
    let notice = notice_email(state, &user, "registration_approved", variables)?;
    let now: UnixTime = state.now();
    let (secrets, actor, studio_id) = (state.secrets.clone(), actor.clone(), studio.id.clone());
    let approved = state
        .store
        .write(move |connection| -> Result<bool, StoreError> {
            if !users::change_status(
                connection,
                &user.id,
                UserStatus::PendingApproval,
                UserStatus::Active,
                false,
                now,
            )? {
                // Approved (or rejected) by another admin meanwhile.
                return Ok(false);
            }
            if let Some(notice) = &notice {
                messaging::enqueue(connection, std::slice::from_ref(notice), now)?;
            }
            crate::service::audit::record(
                connection,
                &secrets,
                &actor,
                &Event {
                    user_id: Some(&user.id),
                    studio_id: Some(studio_id.as_str()),
                    ..Event::new("registration.approved")
                },
                now,
            )?;
            Ok(true)
        })
        .await?;
    state.outbox_wakeup.notify_one();
    Ok(approved)
}

/// A studio admin rejects a pending registration: the account, which never signed in, is
/// deleted, and the user is mailed. `false` when the account is not waiting for approval in
/// this studio.
pub async fn reject(
    state: &AppState,
    actor: &Actor,
    studio: &Studio,
    user_id: &UserId,
) -> Result<bool, ServerError> {
    let Some(user) = pending_member(state, studio, user_id).await? else {
        return Ok(false);
    };
    let mut variables = BTreeMap::new();
    variables.insert("studio", studio.name.clone());
    let notice = notice_email(state, &user, "registration_rejected", variables)?;
    let now: UnixTime = state.now();
    let (secrets, actor, studio_id) = (state.secrets.clone(), actor.clone(), studio.id.clone());
    let rejected = state
        .store
        .write(move |connection| -> Result<bool, StoreError> {
            // Only an account still waiting goes: approved meanwhile, it stays.
            if !users::change_status(
                connection,
                &user.id,
                UserStatus::PendingApproval,
                UserStatus::Disabled,
                false,
                now,
            )? {
                return Ok(false);
            }
            if let Some(notice) = &notice {
                messaging::enqueue(connection, std::slice::from_ref(notice), now)?;
            }
            crate::service::audit::record(
                connection,
                &secrets,
                &actor,
                &Event {
                    user_id: Some(&user.id),
                    studio_id: Some(studio_id.as_str()),
                    ..Event::new("registration.rejected")
                },
                now,
            )?;
            crate::service::accounts::purge_in(connection, &secrets, &user.id, &actor, now)?;
            Ok(true)
        })
        .await?;
    state.outbox_wakeup.notify_one();
    Ok(rejected)
}

/// The account `user_id` when it waits for approval and is a member of `studio`.
async fn pending_member(
    state: &AppState,
    studio: &Studio,
    user_id: &UserId,
) -> Result<Option<User>, ServerError> {
    let (user_id, studio_id) = (user_id.clone(), studio.id.clone());
    Ok(state
        .store
        .read(move |connection| {
            let Some(user) = users::find(connection, &user_id)? else {
                return Ok(None);
            };
            let is_member = studios::find_membership(connection, &studio_id, &user_id)?.is_some();
            Ok((is_member && user.status == UserStatus::PendingApproval).then_some(user))
        })
        .await?)
}
