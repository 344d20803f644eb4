//! Administering accounts: finding and listing them, changing their details on someone's
//! behalf, disabling and enabling, instance administration, purging. The management API and
//! the command line both call these, so the two cannot drift apart.

use crate::crypto::legacy;
use crate::error::ServerError;
use crate::messaging;
use crate::service::Aborted;
use crate::service::accounts::{activation_message, describe};
use crate::service::audit::{self, Actor, Event};
use crate::service::sessions::end_sessions_in;
use crate::state::AppState;
use gatehouse_core::password::PasswordOwner;
use gatehouse_core::profile::{InvalidField, Profile, clean_text, normalize_phone};
use gatehouse_core::secret::sha256_base64url;
use gatehouse_core::studio::{Membership, Studio, normalize_role, normalize_username};
use gatehouse_core::user::{User, UserStatus, normalize_email};
use gatehouse_core::verification::Purpose;
use gatehouse_core::{UnixTime, UserId};
use gatehouse_store::sessions::Revocation;
use gatehouse_store::users::{After, Filter, Order};
use gatehouse_store::{StoreError, grants, sessions, studios, users, verifications};
use secrecy::{ExposeSecret, SecretString};

/// The version of an account as it stands, for `ETag` / `If-Match`: any change to any of
/// its fields changes it.
#[must_use]
pub fn version(user: &User) -> String {
    let digest = sha256_base64url(format!("{user:?}").as_bytes());
    digest.chars().take(22).collect()
}

/// The account with `id`.
pub async fn get(state: &AppState, id: &UserId) -> Result<Option<User>, ServerError> {
    let id = id.clone();
    Ok(state
        .store
        .read(move |connection| users::find(connection, &id))
        .await?)
}

/// The account with `email` (any case).
pub async fn find_by_email(state: &AppState, email: &str) -> Result<Option<User>, ServerError> {
    let Ok(email) = normalize_email(email) else {
        return Ok(None);
    };
    Ok(state
        .store
        .read(move |connection| users::find_by_email(connection, &email))
        .await?)
}

/// One page of accounts.
pub async fn list(
    state: &AppState,
    filter: Filter,
    order: Order,
    after: Option<After>,
    limit: i64,
) -> Result<Vec<User>, ServerError> {
    Ok(state
        .store
        .read(move |connection| users::list(connection, &filter, order, after.as_ref(), limit))
        .await?)
}

/// Changes an administrator may make to an account's details; `None` leaves a field alone.
#[derive(Debug, Clone, Default)]
pub struct DetailsChange {
    /// Full name (empty removes it).
    pub name: Option<String>,
    /// Profile fields, each `None` to leave it.
    pub profile: ProfileChange,
    /// Phone number in international form (empty removes it); set by an administrator it is
    /// not verified.
    pub phone: Option<String>,
    /// Language.
    pub locale: Option<String>,
}

/// Profile fields to change.
#[derive(Debug, Clone, Default)]
pub struct ProfileChange {
    /// Trade name.
    pub trade_name: Option<String>,
    /// Country.
    pub country: Option<String>,
    /// City.
    pub city: Option<String>,
    /// Date of birth, `YYYY-MM-DD`.
    pub date_of_birth: Option<String>,
    /// Company.
    pub company: Option<String>,
    /// Job title.
    pub job_title: Option<String>,
}

/// Why a change to an account was refused.
#[derive(Debug)]
pub enum ChangeRefusal {
    /// No such account.
    NotFound,
    /// The account changed since the version the caller saw (`If-Match`).
    Stale,
    /// A field is not acceptable; names it.
    Invalid(InvalidField),
}

/// Changes an account's details as an administrator, only when it still is at
/// `expected_version` (if given): the check and the change are one transaction holding the
/// account's row.
pub async fn change_details(
    state: &AppState,
    actor: &Actor,
    user_id: &UserId,
    change: DetailsChange,
    expected_version: Option<String>,
) -> Result<Result<User, ChangeRefusal>, ServerError> {
    let today = chrono::DateTime::from_timestamp(state.now().as_secs(), 0)
        .map(|moment| moment.date_naive())
        .unwrap_or_default();
    let name = match change
        .name
        .as_deref()
        .map(|name| clean_text("name", Some(name), 200))
    {
        Some(Ok(name)) => Some(name),
        Some(Err(invalid)) => return Ok(Err(ChangeRefusal::Invalid(invalid))),
        None => None,
    };
    let phone = match change.phone.as_deref().map(str::trim) {
        Some("") => Some(None),
        Some(phone) => match normalize_phone(phone) {
            Ok(phone) => Some(Some(phone)),
            Err(_) => {
                return Ok(Err(ChangeRefusal::Invalid(InvalidField {
                    field: "phone",
                    problem: "field-error-phone",
                })));
            }
        },
        None => None,
    };
    if let Some(locale) = &change.locale
        && !crate::i18n::is_supported(locale)
    {
        return Ok(Err(ChangeRefusal::Invalid(InvalidField {
            field: "locale",
            problem: "field-error-invalid",
        })));
    }
    let (user_id, actor, secrets, now) = (
        user_id.clone(),
        actor.clone(),
        state.secrets.clone(),
        state.now(),
    );
    let outcome = state
        .store
        .write(
            move |connection| -> Result<Result<User, ChangeRefusal>, StoreError> {
                users::lock(connection, &user_id)?;
                let Some(user) = users::find(connection, &user_id)? else {
                    return Ok(Err(ChangeRefusal::NotFound));
                };
                if expected_version.is_some_and(|expected| expected != version(&user)) {
                    return Ok(Err(ChangeRefusal::Stale));
                }
                let merged = Profile {
                    trade_name: change
                        .profile
                        .trade_name
                        .or(user.profile.trade_name.clone()),
                    country: change.profile.country.or(user.profile.country.clone()),
                    city: change.profile.city.or(user.profile.city.clone()),
                    date_of_birth: change
                        .profile
                        .date_of_birth
                        .or(user.profile.date_of_birth.clone()),
                    company: change.profile.company.or(user.profile.company.clone()),
                    job_title: change.profile.job_title.or(user.profile.job_title.clone()),
                };
                let profile = match merged.cleaned(today) {
                    Ok(profile) => profile,
                    Err(invalid) => return Ok(Err(ChangeRefusal::Invalid(invalid))),
                };
                let name = name.unwrap_or(user.name.clone());
                users::update_profile(connection, &user_id, name.as_deref(), &profile, now)?;
                if let Some(phone) = &phone {
                    users::set_phone(connection, &user_id, phone.as_deref(), false, now)?;
                }
                if let Some(locale) = &change.locale {
                    users::set_locale(connection, &user_id, Some(locale), now)?;
                }
                audit::record(
                    connection,
                    &secrets,
                    &actor,
                    &Event {
                        user_id: Some(&user_id),
                        ..Event::new("user.details_changed")
                    },
                    now,
                )?;
                Ok(users::find(connection, &user_id)?.ok_or(ChangeRefusal::NotFound))
            },
        )
        .await?;
    Ok(outcome)
}

/// Disables an account (it cannot sign in; its sessions end and its tokens are revoked) or
/// enables it again. `false` when the account was not in the state to change from.
pub async fn set_enabled(
    state: &AppState,
    actor: &Actor,
    user_id: &UserId,
    is_enabled: bool,
) -> Result<bool, ServerError> {
    let (user_id, actor, secrets, now) = (
        user_id.clone(),
        actor.clone(),
        state.secrets.clone(),
        state.now(),
    );
    let changed = state
        .store
        .write(move |connection| -> Result<bool, StoreError> {
            let (from, to) = if is_enabled {
                (UserStatus::Disabled, UserStatus::Active)
            } else {
                (UserStatus::Active, UserStatus::Disabled)
            };
            if !users::change_status(connection, &user_id, from, to, false, now)? {
                return Ok(false);
            }
            if !is_enabled {
                let ended = sessions::active_ids(connection, &user_id, None, now)?;
                end_sessions_in(connection, &ended, &user_id, Revocation::AllGrants, now)?;
                grants::revoke_all_for_user(connection, &user_id, now)?;
            }
            audit::record(
                connection,
                &secrets,
                &actor,
                &Event {
                    user_id: Some(&user_id),
                    ..Event::new(if is_enabled {
                        "user.enabled"
                    } else {
                        "user.disabled"
                    })
                },
                now,
            )?;
            Ok(true)
        })
        .await?;
    state.outbox_wakeup.notify_one();
    Ok(changed)
}

/// Makes an account an instance administrator (it may administer everything through the
/// management API), or takes that away. `false` when there is no such account.
pub async fn set_instance_admin(
    state: &AppState,
    actor: &Actor,
    user_id: &UserId,
    is_admin: bool,
) -> Result<bool, ServerError> {
    let (user_id, actor, secrets, now) = (
        user_id.clone(),
        actor.clone(),
        state.secrets.clone(),
        state.now(),
    );
    Ok(state
        .store
        .write(move |connection| -> Result<bool, StoreError> {
            if !users::set_instance_admin(connection, &user_id, is_admin, now)? {
                return Ok(false);
            }
            audit::record(
                connection,
                &secrets,
                &actor,
                &Event {
                    user_id: Some(&user_id),
                    ..Event::new(if is_admin {
                        "user.admin_granted"
                    } else {
                        "user.admin_revoked"
                    })
                },
                now,
            )?;
            Ok(true)
        })
        .await?)
}

/// Whether the account is an instance administrator.
pub async fn is_instance_admin(state: &AppState, user_id: &UserId) -> Result<bool, ServerError> {
    let user_id = user_id.clone();
    Ok(state
        .store
        .read(move |connection| users::is_instance_admin(connection, &user_id))
        .await?)
}

/// Deletes an account's personal data for good, now (not after the closure's grace
/// period). `false` when there was no such account.
pub async fn purge(state: &AppState, actor: &Actor, user_id: &UserId) -> Result<bool, ServerError> {
    let (user_id, secrets, now, actor) = (
        user_id.clone(),
        state.secrets.clone(),
        state.now(),
        actor.clone(),
    );
    Ok(state
        .store
        .write(move |connection| {
            crate::service::accounts::purge_in(connection, &secrets, &user_id, &actor, now)
        })
        .await?)
}

/// A time for JSON answers (RFC 3339).
#[must_use]
pub fn rfc3339(time: UnixTime) -> String {
    chrono::DateTime::from_timestamp(time.as_secs(), 0)
        .map(|moment| moment.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
        .unwrap_or_default()
}

/// How a new account gets its password.
#[derive(Debug)]
pub enum Credential {
    /// Chosen by the administrator, checked against the password policy.
    Password(SecretString),
    /// None yet: the activation message asks the user to choose one.
    Activation {
        /// The language of the message.
        language: String,
    },
    /// A hash brought from another system (see [`crate::crypto::legacy`]): verified at the
    /// first sign-in, then replaced by argon2id.
    ImportedHash(String),
    /// None: the account signs in through this upstream identity, linked in the same
    /// transaction that creates it.
    Federated {
        /// The provider.
        provider_id: String,
        /// The provider's id for the user.
        subject: String,
    },
}

/// A studio membership a new account starts with.
#[derive(Debug, Clone)]
pub struct NewMembership {
    /// The studio's slug.
    pub studio: String,
    /// The role (`member` when not said).
    pub role: String,
    /// The studio-scoped user name, for `user@licence` sign-in.
    pub username: Option<String>,
}

/// What a new account starts with.
#[derive(Debug)]
pub struct NewAccount {
    /// E-mail, the sign-in name.
    pub email: String,
    /// Whether the address is known to be the user's (an activation proves it later).
    pub email_verified: bool,
    /// Full name.
    pub name: Option<String>,
    /// Phone number in international form.
    pub phone: Option<String>,
    /// Whether the number is known to be the user's.
    pub phone_verified: bool,
    /// Language.
    pub locale: Option<String>,
    /// Profile fields.
    pub profile: Profile,
    /// Studio memberships.
    pub memberships: Vec<NewMembership>,
    /// The password, or how the user gets one.
    pub credential: Credential,
}

/// Why an account was not created. Fields are named as the API's request body names them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CreateRefusal {
    /// A field is not acceptable.
    Invalid {
        /// The field, e.g. `email` or `memberships/0/studio`.
        field: String,
        /// What is wrong, in English.
        message: String,
    },
    /// An account with this e-mail exists.
    EmailTaken,
    /// The studio user name is taken in that studio.
    UsernameTaken {
        /// The field naming it.
        field: String,
    },
    /// The upstream identity is linked to another account already.
    IdentityTaken,
}

impl std::fmt::Display for CreateRefusal {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Invalid { field, message } => write!(formatter, "{field}: {message}"),
            Self::EmailTaken => formatter.write_str("a user with this e-mail already exists"),
            Self::UsernameTaken { field } => {
                write!(formatter, "{field}: this user name is taken in the studio")
            }
            Self::IdentityTaken => {
                formatter.write_str("the upstream identity is linked to another account")
            }
        }
    }
}

fn invalid(field: impl Into<String>, message: impl Into<String>) -> CreateRefusal {
    CreateRefusal::Invalid {
        field: field.into(),
        message: message.into(),
    }
}

fn field_message(invalid_field: &InvalidField) -> CreateRefusal {
    invalid(
        invalid_field.field,
        crate::i18n::translate(
            "en",
            invalid_field.problem,
            &[("field", invalid_field.field.to_owned())],
        ),
    )
}

/// A new account's details, checked and normalised.
struct CheckedAccount {
    user: User,
    memberships: Vec<(Studio, String, Option<String>)>,
    password_hash: Option<String>,
    activation_language: Option<String>,
    federated: Option<(String, String)>,
    credential_kind: &'static str,
}

async fn check_new_account(
    state: &AppState,
    new: NewAccount,
) -> Result<Result<CheckedAccount, CreateRefusal>, ServerError> {
    let now = state.now();
    let Ok(email) = normalize_email(&new.email) else {
        return Ok(Err(invalid("email", "this is not a valid e-mail address")));
    };
    let name = match clean_text("name", new.name.as_deref(), 200) {
        Ok(name) => name,
        Err(problem) => return Ok(Err(field_message(&problem))),
    };
    let phone = match new
        .phone
        .as_deref()
        .map(str::trim)
        .filter(|phone| !phone.is_empty())
    {
        Some(phone) => match normalize_phone(phone) {
            Ok(phone) => Some(phone),
            Err(_) => {
                return Ok(Err(invalid(
                    "phone",
                    "use the international form, for example +358401234567",
                )));
            }
        },
        None => None,
    };
    if let Some(locale) = &new.locale
        && !crate::i18n::is_supported(locale)
    {
        return Ok(Err(invalid(
            "locale",
            format!("use one of {}", crate::i18n::SUPPORTED.join(", ")),
        )));
    }
    let today = chrono::DateTime::from_timestamp(now.as_secs(), 0)
        .map(|moment| moment.date_naive())
        .unwrap_or_default();
    let profile = match new.profile.cleaned(today) {
        Ok(profile) => profile,
        Err(problem) => return Ok(Err(field_message(&problem))),
    };
    let mut memberships = Vec::new();
    for (index, membership) in new.memberships.iter().enumerate() {
        let Ok(slug) = gatehouse_core::studio::normalize_slug(&membership.studio) else {
            return Ok(Err(invalid(
                format!("memberships/{index}/studio"),
                "no such studio",
            )));
        };
        let found = state
            .store
            .read(move |connection| {
                let Some(studio) = studios::find_by_slug(connection, &slug)? else {
                    return Ok(None);
                };
                let roles = studios::roles(connection, &studio.id)?;
                Ok(Some((studio, roles)))
            })
            .await?;
        let Some((studio, roles)) = found else {
            return Ok(Err(invalid(
                format!("memberships/{index}/studio"),
                "no such studio",
            )));
        };
        let role = match normalize_role(&membership.role) {
            Ok(role) if roles.iter().any(|defined| defined.name == role) => role,
            _ => {
                let defined: Vec<&str> = roles.iter().map(|role| role.name.as_str()).collect();
                return Ok(Err(invalid(
                    format!("memberships/{index}/role"),
                    format!("the studio's roles are {}", defined.join(", ")),
                )));
            }
        };
        let username = match membership.username.as_deref().map(normalize_username) {
            None => None,
            Some(Ok(username)) => Some(username),
            Some(Err(error)) => {
                return Ok(Err(invalid(
                    format!("memberships/{index}/username"),
                    error.to_string(),
                )));
            }
        };
        if memberships
            .iter()
            .any(|(known, _, _): &(Studio, String, Option<String>)| known.id == studio.id)
        {
            return Ok(Err(invalid(
                format!("memberships/{index}/studio"),
                "the studio is listed twice",
            )));
        }
        memberships.push((studio, role, username));
    }
    let status = match new.credential {
        Credential::Activation { .. } => UserStatus::PendingActivation,
        Credential::Password(_) | Credential::ImportedHash(_) | Credential::Federated { .. } => {
            UserStatus::Active
        }
    };
    let user = User {
        id: UserId::new(crate::random::row_id()),
        email,
        email_verified: new.email_verified,
        name,
        phone_number: phone,
        phone_number_verified: new.phone_verified && new.phone.is_some(),
        locale: new.locale.clone(),
        status,
        last_studio_id: None,
        password_changed_at: None,
        profile,
        closed_at: None,
        created_at: now,
        updated_at: now,
    };
    let mut federated = None;
    let (password_hash, activation_language, credential_kind) = match new.credential {
        Credential::Password(password) => {
            let as_members: Vec<Membership> = memberships
                .iter()
                .map(|(studio, role, username)| Membership {
                    studio: studio.clone(),
                    user_id: user.id.clone(),
                    roles: vec![role.clone()],
                    username: username.clone(),
                })
                .collect();
            let policy = crate::service::passwords::policy_of_memberships(state, &as_members);
            let violations = policy.check(
                password.expose_secret(),
                PasswordOwner {
                    email: &user.email,
                    name: user.name.as_deref(),
                },
            );
            if !violations.is_empty() {
                return Ok(Err(invalid("password", describe(&violations))));
            }
            (
                Some(state.passwords.hash(password).await?),
                None,
                "password",
            )
        }
        Credential::ImportedHash(hash) => match legacy::recognise(&hash) {
            Ok(_) => (Some(hash.trim().to_owned()), None, "imported"),
            Err(message) => return Ok(Err(invalid("password_hash", message))),
        },
        Credential::Activation { language } => {
            if !crate::i18n::is_supported(&language) {
                return Ok(Err(invalid(
                    "language",
                    format!("use one of {}", crate::i18n::SUPPORTED.join(", ")),
                )));
            }
            (None, Some(language), "activation")
        }
        Credential::Federated {
            provider_id,
            subject,
        } => {
            federated = Some((provider_id, subject));
            (None, None, "upstream")
        }
    };
    Ok(Ok(CheckedAccount {
        user,
        memberships,
        password_hash,
        activation_language,
        federated,
        credential_kind,
    }))
}

/// Creates an account: the user, its password (or activation message), its memberships
/// and the audit event, in one transaction, so a refused membership leaves no account.
pub async fn create(
    state: &AppState,
    actor: &Actor,
    new: NewAccount,
) -> Result<Result<User, CreateRefusal>, ServerError> {
    let checked = match check_new_account(state, new).await? {
        Ok(checked) => checked,
        Err(refusal) => return Ok(Err(refusal)),
    };
    let mut user = checked.user;
    if checked.password_hash.is_some() {
        user.password_changed_at = Some(user.created_at);
    }
    let activation = match &checked.activation_language {
        Some(language) => {
            user.locale = Some(language.clone());
            let first = checked.memberships.first();
            Some(activation_message(
                state,
                &user,
                first.map(|(studio, _, _)| studio),
                first.and_then(|(_, _, username)| username.as_deref()),
                language,
            )?)
        }
        None => None,
    };
    let (stored, actor, secrets, now) = (
        user.clone(),
        actor.clone(),
        state.secrets.clone(),
        state.now(),
    );
    let (memberships, password_hash, kind, federated) = (
        checked.memberships,
        checked.password_hash,
        checked.credential_kind,
        checked.federated,
    );
    let outcome = state
        .store
        .write(move |connection| -> Result<(), Aborted<CreateRefusal>> {
            users::insert(connection, &stored).map_err(|error| match error {
                StoreError::Conflict(_) => Aborted::Refused(CreateRefusal::EmailTaken),
                other => Aborted::Store(other),
            })?;
            if let Some(hash) = &password_hash {
                users::set_password(connection, &stored.id, &crate::random::row_id(), hash, now)?;
            }
            for (index, (studio, role, username)) in memberships.iter().enumerate() {
                studios::upsert_membership(
                    connection,
                    &studio.id,
                    &stored.id,
                    std::slice::from_ref(role),
                    username.as_deref(),
                    now,
                )
                .map_err(|error| match error {
                    StoreError::Conflict(_) => Aborted::Refused(CreateRefusal::UsernameTaken {
                        field: format!("memberships/{index}/username"),
                    }),
                    other => Aborted::Store(other),
                })?;
            }
            if let Some((provider_id, subject)) = &federated {
                gatehouse_store::upstream::link(
                    connection,
                    &gatehouse_store::upstream::FederatedIdentity {
                        provider_id: provider_id.clone(),
                        subject: subject.clone(),
                        user_id: stored.id.clone(),
                        email: Some(stored.email.clone()),
                        created_at: now,
                        last_used_at: now,
                    },
                )
                .map_err(|error| match error {
                    StoreError::Conflict(_) => Aborted::Refused(CreateRefusal::IdentityTaken),
                    other => Aborted::Store(other),
                })?;
            }
            if let Some((issued, message)) = &activation {
                crate::service::verification::store(connection, issued)?;
                messaging::enqueue(connection, std::slice::from_ref(message), now)?;
            }
            audit::record(
                connection,
                &secrets,
                &actor,
                &Event {
                    user_id: Some(&stored.id),
                    studio_id: memberships.first().map(|(studio, _, _)| studio.id.as_str()),
                    detail: serde_json::json!({ "credential": kind }),
                    ..Event::new("user.created")
                },
                now,
            )?;
            Ok(())
        })
        .await;
    state.outbox_wakeup.notify_one();
    Ok(Aborted::settle(outcome)?.map(|()| user))
}

/// Sends a new activation message to an account still waiting for its first password;
/// the earlier link stops working. `false` when the account is not waiting.
pub async fn resend_activation(
    state: &AppState,
    actor: &Actor,
    user: &User,
) -> Result<bool, ServerError> {
    if user.status != UserStatus::PendingActivation {
        return Ok(false);
    }
    let user_id = user.id.clone();
    let first = state
        .store
        .read(move |connection| {
            Ok(studios::memberships_of(connection, &user_id)?
                .into_iter()
                .next())
        })
        .await?;
    let language = user
        .locale
        .clone()
        .unwrap_or_else(|| state.config.ui.default_locale.clone());
    let (issued, message) = activation_message(
        state,
        user,
        first.as_ref().map(|membership| &membership.studio),
        first
            .as_ref()
            .and_then(|membership| membership.username.as_deref()),
        &language,
    )?;
    let (user_id, actor, secrets, now) = (
        user.id.clone(),
        actor.clone(),
        state.secrets.clone(),
        state.now(),
    );
    state
        .store
        .write(move |connection| -> Result<(), StoreError> {
            verifications::retire_for_user(connection, &user_id, Purpose::Activation, now)?;
            crate::service::verification::store(connection, &issued)?;
            messaging::enqueue(connection, std::slice::from_ref(&message), now)?;
            audit::record(
                connection,
                &secrets,
                &actor,
                &Event {
                    user_id: Some(&user_id),
                    ..Event::new("user.activation_sent")
                },
                now,
            )
        })
        .await?;
    state.outbox_wakeup.notify_one();
    Ok(true)
}

/// The studios an account belongs to, with its roles and user names there.
pub async fn memberships(
    state: &AppState,
    user_id: &UserId,
) -> Result<Vec<Membership>, ServerError> {
    let user_id = user_id.clone();
    Ok(state
        .store
        .read(move |connection| studios::memberships_of(connection, &user_id))
        .await?)
}

/// The account's registered devices.
pub async fn devices_of(
    state: &AppState,
    user_id: &UserId,
) -> Result<Vec<gatehouse_core::device::Device>, ServerError> {
    let user_id = user_id.clone();
    Ok(state
        .store
        .read(move |connection| gatehouse_store::devices::list_for_user(connection, &user_id))
        .await?)
}

/// Removes a device (of `owner`, when given): its sessions end and its tokens are revoked.
/// `None` when there is no such device.
pub async fn remove_device(
    state: &AppState,
    actor: &Actor,
    owner: Option<&UserId>,
    device_id: &gatehouse_core::DeviceId,
) -> Result<Option<gatehouse_core::device::Device>, ServerError> {
    let lookup = device_id.clone();
    let found = state
        .store
        .read(move |connection| gatehouse_store::devices::find(connection, &lookup))
        .await?;
    if found.is_none_or(|device| owner.is_some_and(|owner| &device.user_id != owner)) {
        return Ok(None);
    }
    let Some(device) =
        crate::service::devices::remove(&state.store, device_id.clone(), state.now()).await?
    else {
        return Ok(None);
    };
    let (actor, secrets, now, removed) = (
        actor.clone(),
        state.secrets.clone(),
        state.now(),
        device.clone(),
    );
    state
        .store
        .write(move |connection| {
            audit::record(
                connection,
                &secrets,
                &actor,
                &Event {
                    user_id: Some(&removed.user_id),
                    detail: serde_json::json!({ "device": removed.id, "name": removed.name }),
                    ..Event::new("device.removed")
                },
                now,
            )
        })
        .await?;
    state.outbox_wakeup.notify_one();
    Ok(Some(device))
}

/// The account's sessions that are still signed in, newest first.
pub async fn sessions_of(
    state: &AppState,
    user_id: &UserId,
) -> Result<Vec<sessions::SessionSummary>, ServerError> {
    let (user_id, now) = (user_id.clone(), state.now());
    Ok(state
        .store
        .read(move |connection| sessions::list_active_for_user(connection, &user_id, now))
        .await?)
}

/// Ends one of the account's sessions and revokes what was issued in it. `false` when the
/// account has no such active session.
pub async fn end_session(
    state: &AppState,
    actor: &Actor,
    user_id: &UserId,
    session_id: &gatehouse_core::SessionId,
) -> Result<bool, ServerError> {
    let (user_id, session_id) = (user_id.clone(), session_id.clone());
    let (actor, secrets, now) = (actor.clone(), state.secrets.clone(), state.now());
    let ended = state
        .store
        .write(move |connection| -> Result<bool, StoreError> {
            let is_theirs = sessions::find(connection, &session_id)?
                .is_some_and(|session| session.user_id == user_id && session.is_active(now));
            if !is_theirs {
                return Ok(false);
            }
            end_sessions_in(
                connection,
                std::slice::from_ref(&session_id),
                &user_id,
                Revocation::AllGrants,
                now,
            )?;
            audit::record(
                connection,
                &secrets,
                &actor,
                &Event {
                    user_id: Some(&user_id),
                    detail: serde_json::json!({ "session": session_id }),
                    ..Event::new("session.ended")
                },
                now,
            )?;
            Ok(true)
        })
        .await?;
    state.outbox_wakeup.notify_one();
    Ok(ended)
}
