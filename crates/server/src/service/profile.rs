//! The account page's changes: profile fields, e-mail and phone (each confirmed by a code sent
//! to the new address or number before it takes effect), and the language.

use crate::error::ServerError;
use crate::messaging::{self, Outgoing};
use crate::service::accounts::{audit, notice_email};
use crate::service::verification::{self, Request, Requester, SendRefusal};
use crate::state::AppState;
use gatehouse_core::profile::{InvalidField, Profile, clean_text, normalize_phone};
use gatehouse_core::user::{User, normalize_email};
use gatehouse_core::verification::{CodeRejection, Purpose};
use gatehouse_store::{StoreError, users, verifications};
use std::collections::BTreeMap;

/// Saves name and profile fields.
pub async fn update_profile(
    state: &AppState,
    user: &User,
    name: &str,
    profile: Profile,
) -> Result<Result<(), InvalidField>, ServerError> {
    let today = chrono::DateTime::from_timestamp(state.now().as_secs(), 0)
        .map(|moment| moment.date_naive())
        .unwrap_or_default();
    let profile = match profile.cleaned(today) {
        Ok(profile) => profile,
        Err(error) => return Ok(Err(error)),
    };
    let name = match clean_text("name", Some(name), 200) {
        Ok(name) => name,
        Err(error) => return Ok(Err(error)),
    };
    let (user_id, now) = (user.id.clone(), state.now());
    state
        .store
        .write(move |connection| {
            users::update_profile(connection, &user_id, name.as_deref(), &profile, now)
        })
        .await?;
    Ok(Ok(()))
}

/// Saves the user's language.
pub async fn set_language(
    state: &AppState,
    user: &User,
    language: &str,
) -> Result<bool, ServerError> {
    if !crate::i18n::is_supported(language) {
        return Ok(false);
    }
    let (user_id, language, now) = (user.id.clone(), language.to_owned(), state.now());
    state
        .store
        .write(move |connection| users::set_locale(connection, &user_id, Some(&language), now))
        .await?;
    Ok(true)
}

/// Why a change could not start.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChangeRefusal {
    /// Malformed address or number.
    Invalid,
    /// Too many codes to this address or number this hour.
    TooManyCodes,
    /// Too many codes asked for today (per session, account or address).
    TooManyToday,
    /// The instance's hourly budget of text messages is used up.
    SmsUnavailable,
}

impl From<SendRefusal> for ChangeRefusal {
    fn from(refusal: SendRefusal) -> Self {
        match refusal {
            SendRefusal::TooManyToday => Self::TooManyToday,
            SendRefusal::SmsBudget => Self::SmsUnavailable,
        }
    }
}

/// Starts an e-mail change: a code goes to the new address. If the address belongs to
/// another account, that address is told instead and no code works — from the page it looks
/// the same. Returns the request id for the code page.
pub async fn request_email_change(
    state: &AppState,
    user: &User,
    new_email: &str,
    language: &str,
    requester: Requester<'_>,
) -> Result<Result<String, ChangeRefusal>, ServerError> {
    let Ok(new_email) = normalize_email(new_email) else {
        return Ok(Err(ChangeRefusal::Invalid));
    };
    if !verification::may_send(state, Purpose::ChangeEmail, &new_email).await? {
        return Ok(Err(ChangeRefusal::TooManyCodes));
    }
    let lookup = new_email.clone();
    let taken = state
        .store
        .read(move |connection| users::find_by_email(connection, &lookup))
        .await?
        .is_some_and(|other| other.id != user.id);
    let issued = verification::prepare(
        state,
        &Request {
            purpose: Purpose::ChangeEmail,
            // A taken address gets a pending change whose code can never match.
            user_id: Some(&user.id),
            channel: "email",
            target: Some(&new_email),
            with_link: false,
            with_code: !taken,
            data: serde_json::json!({ "email": new_email }),
            ttl_seconds: state.config.accounts.code_ttl_seconds,
        },
    );
    let mut variables = BTreeMap::new();
    variables.insert("name", user.name.clone().unwrap_or_default());
    let name = if taken {
        variables.insert("link", format!("{}/forgot-password", state.issuer));
        "already_registered"
    } else {
        variables.insert("code", issued.code.clone().unwrap_or_default());
        variables.insert(
            "minutes",
            (state.config.accounts.code_ttl_seconds / 60).to_string(),
        );
        "email_change_code"
    };
    let email = messaging::render_email(
        state,
        &Outgoing {
            name,
            language,
            studio: None,
            variables,
        },
        &new_email,
    )?;
    let sealed = messaging::seal_email(&state.kek, &email)?;
    let request_id = issued.request_id.clone();
    Ok(verification::store_and_send_within(
        state,
        issued,
        vec![sealed],
        requester.daily_quotas(state),
    )
    .await?
    .map(|()| request_id)
    .map_err(ChangeRefusal::from))
}

/// Starts a phone change: an SMS code goes to the new number.
pub async fn request_phone_change(
    state: &AppState,
    user: &User,
    new_phone: &str,
    language: &str,
    requester: Requester<'_>,
) -> Result<Result<String, ChangeRefusal>, ServerError> {
    let Ok(new_phone) = normalize_phone(new_phone) else {
        return Ok(Err(ChangeRefusal::Invalid));
    };
    if !verification::may_send(state, Purpose::ChangePhone, &new_phone).await? {
        return Ok(Err(ChangeRefusal::TooManyCodes));
    }
    let issued = verification::prepare(
        state,
        &Request {
            purpose: Purpose::ChangePhone,
            user_id: Some(&user.id),
            channel: "sms",
            target: Some(&new_phone),
            with_link: false,
            with_code: true,
            data: serde_json::json!({ "phone": new_phone }),
            ttl_seconds: state.config.accounts.code_ttl_seconds,
        },
    );
    let mut variables = BTreeMap::new();
    variables.insert("code", issued.code.clone().unwrap_or_default());
    variables.insert(
        "minutes",
        (state.config.accounts.code_ttl_seconds / 60).to_string(),
    );
    let sms = messaging::render_sms(
        state,
        &Outgoing {
            name: "phone_code",
            language,
            studio: None,
            variables,
        },
        &new_phone,
    );
    let sealed = messaging::seal_sms(&state.kek, &sms)?;
    let request_id = issued.request_id.clone();
    Ok(verification::store_and_send_within(
        state,
        issued,
        vec![sealed],
        requester.daily_quotas(state),
    )
    .await?
    .map(|()| request_id)
    .map_err(ChangeRefusal::from))
}

/// How long the previous address may undo an e-mail change.
pub const UNDO_EMAIL_CHANGE_SECONDS: i64 = 72 * 3600;

/// Confirms the user's pending e-mail or phone change with the code. The previous e-mail
/// address is told of an e-mail change, with a link that undoes it for 72 hours (whoever
/// changed it may not be the owner); the e-mail address is told of a phone change.
pub async fn confirm_change(
    state: &AppState,
    user: &User,
    purpose: Purpose,
    code: &str,
) -> Result<Result<(), CodeRejection>, ServerError> {
    let found = match verification::check_pending_code(state, purpose, &user.id, code).await? {
        Ok(found) => found,
        Err(rejection) => return Ok(Err(rejection)),
    };
    if found.user_id.as_ref() != Some(&user.id) {
        return Ok(Err(CodeRejection::InvalidOrExpired));
    }
    let now = state.now();
    let (change, undo, notice) = match purpose {
        Purpose::ChangeEmail => {
            let Some(email) = found.data["email"].as_str().map(str::to_owned) else {
                return Ok(Err(CodeRejection::InvalidOrExpired));
            };
            let undo = verification::prepare(
                state,
                &Request {
                    purpose: Purpose::UndoEmailChange,
                    user_id: Some(&user.id),
                    channel: "email",
                    target: Some(&user.email),
                    with_link: true,
                    with_code: false,
                    data: serde_json::json!({ "previous": user.email, "changed_to": email }),
                    ttl_seconds: UNDO_EMAIL_CHANGE_SECONDS,
                },
            );
            let mut variables = BTreeMap::new();
            variables.insert("email", email.clone());
            variables.insert(
                "link",
                format!(
                    "{}/account/email/undo?token={}",
                    state.issuer,
                    undo.link_token.clone().unwrap_or_default()
                ),
            );
            let notice = notice_email(state, user, "email_changed", variables)?;
            (Change::Email(email), Some(undo), notice)
        }
        Purpose::ChangePhone => {
            let phone = found.data["phone"].as_str().map(str::to_owned);
            let mut variables = BTreeMap::new();
            variables.insert("phone", phone.clone().unwrap_or_default());
            let notice = notice_email(state, user, "phone_changed", variables)?;
            (Change::Phone(phone), None, notice)
        }
        _ => return Ok(Err(CodeRejection::InvalidOrExpired)),
    };
    let (secrets, user_id) = (state.secrets.clone(), user.id.clone());
    let outcome = state
        .store
        .write(
            move |connection| -> Result<Result<(), CodeRejection>, StoreError> {
                if !verifications::consume(connection, &found.id, now)? {
                    return Ok(Err(CodeRejection::InvalidOrExpired));
                }
                let kind = match &change {
                    Change::Email(email) => {
                        match users::set_email(connection, &user_id, email, true, now) {
                            Err(StoreError::Conflict(_)) => {
                                return Ok(Err(CodeRejection::InvalidOrExpired));
                            }
                            other => other?,
                        }
                        "email.changed"
                    }
                    Change::Phone(phone) => {
                        users::set_phone(connection, &user_id, phone.as_deref(), true, now)?;
                        "phone.changed"
                    }
                };
                if let Some(undo) = &undo {
                    verification::store(connection, undo)?;
                }
                if let Some(notice) = &notice {
                    messaging::enqueue(connection, std::slice::from_ref(notice), now)?;
                }
                audit(
                    connection,
                    &secrets,
                    kind,
                    &user_id,
                    Some(user_id.as_str()),
                    None,
                    serde_json::json!({}),
                    now,
                )?;
                Ok(Ok(()))
            },
        )
        .await?;
    state.outbox_wakeup.notify_one();
    Ok(outcome)
}

/// A confirmed change of contact details.
enum Change {
    Email(String),
    Phone(Option<String>),
}

/// Checks an undo link without using it (the page the link opens).
pub async fn check_undo_link(state: &AppState, token: &str) -> Result<bool, ServerError> {
    Ok(
        verification::check_link(state, Purpose::UndoEmailChange, token)
            .await?
            .is_ok(),
    )
}

/// Undoes an e-mail change from the link sent to the previous address: the previous
/// address comes back, every session ends and every token is revoked (whoever made the
/// change is out), and pending e-mail changes are dropped. Returns the restored address.
pub async fn undo_email_change(
    state: &AppState,
    token: &str,
) -> Result<Result<String, CodeRejection>, ServerError> {
    let found = match verification::check_link(state, Purpose::UndoEmailChange, token).await? {
        Ok(found) => found,
        Err(rejection) => return Ok(Err(rejection)),
    };
    let (Some(user_id), Some(previous)) = (
        found.user_id.clone(),
        found.data["previous"].as_str().map(str::to_owned),
    ) else {
        return Ok(Err(CodeRejection::InvalidOrExpired));
    };
    let (now, secrets) = (state.now(), state.secrets.clone());
    let restored = previous.clone();
    let outcome = state
        .store
        .write(
            move |connection| -> Result<Result<String, CodeRejection>, StoreError> {
                if !verifications::consume(connection, &found.id, now)? {
                    return Ok(Err(CodeRejection::InvalidOrExpired));
                }
                match users::set_email(connection, &user_id, &previous, true, now) {
                    // Another account has taken the address since: nothing to give back.
                    Err(StoreError::Conflict(_)) => {
                        return Ok(Err(CodeRejection::InvalidOrExpired));
                    }
                    other => other?,
                }
                verifications::retire_for_user(connection, &user_id, Purpose::ChangeEmail, now)?;
                let ended = gatehouse_store::sessions::active_ids(connection, &user_id, None, now)?;
                crate::service::sessions::end_sessions_in(
                    connection,
                    &ended,
                    &user_id,
                    gatehouse_store::sessions::Revocation::AllGrants,
                    now,
                )?;
                gatehouse_store::grants::revoke_all_for_user(connection, &user_id, now)?;
                audit(
                    connection,
                    &secrets,
                    "email.change_undone",
                    &user_id,
                    Some(user_id.as_str()),
                    None,
                    serde_json::json!({}),
                    now,
                )?;
                Ok(Ok(restored))
            },
        )
        .await?;
    state.outbox_wakeup.notify_one();
    Ok(outcome)
}
