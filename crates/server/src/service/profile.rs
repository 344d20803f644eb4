//! The account page's changes: profile fields, e-mail and phone (each confirmed by a code sent
//! to the new address or number before it takes effect), and the language.

use crate::error::ServerError;
use crate::messaging::{self, Outgoing};
use crate::service::accounts::{audit, notice_email};
use crate::service::verification::{self, Request};
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
    let mut updated = user.clone();
    updated.name = name;
    updated.profile = profile;
    updated.updated_at = state.now();
    state
        .store
        .write(move |connection| users::update(connection, &updated))
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
    let mut updated = user.clone();
    updated.locale = Some(language.to_owned());
    state
        .store
        .write(move |connection| users::update(connection, &updated))
        .await?;
    Ok(true)
}

/// Why a change could not start.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChangeRefusal {
    /// Malformed address or number.
    Invalid,
    /// Too many codes this hour.
    TooManyCodes,
}

/// Starts an e-mail change: a code goes to the new address. If the address belongs to
/// another account, that address is told instead and no code works — from the page it looks
/// the same. Returns the request id for the code page.
pub async fn request_email_change(
    state: &AppState,
    user: &User,
    new_email: &str,
    language: &str,
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
    verification::store_and_send(state, issued, vec![sealed]).await?;
    Ok(Ok(request_id))
}

/// Starts a phone change: an SMS code goes to the new number.
pub async fn request_phone_change(
    state: &AppState,
    user: &User,
    new_phone: &str,
    language: &str,
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
    verification::store_and_send(state, issued, vec![sealed]).await?;
    Ok(Ok(request_id))
}

/// Confirms the user's pending e-mail or phone change with the code; the old e-mail is told
/// about an e-mail change.
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
    let mut updated = user.clone();
    let mut notice = None;
    match purpose {
        Purpose::ChangeEmail => {
            let Some(email) = found.data["email"].as_str() else {
                return Ok(Err(CodeRejection::InvalidOrExpired));
            };
            let mut variables = BTreeMap::new();
            variables.insert("email", email.to_owned());
            notice = notice_email(state, user, "email_changed", variables)?;
            updated.email = email.to_owned();
            updated.email_verified = true;
        }
        Purpose::ChangePhone => {
            updated.phone_number = found.data["phone"].as_str().map(str::to_owned);
            updated.phone_number_verified = true;
        }
        _ => return Ok(Err(CodeRejection::InvalidOrExpired)),
    }
    let now = state.now();
    updated.updated_at = now;
    let (secrets, kind) = (
        state.secrets.clone(),
        if purpose == Purpose::ChangeEmail {
            "email.changed"
        } else {
            "phone.changed"
        },
    );
    let outcome = state
        .store
        .write(
            move |connection| -> Result<Result<(), CodeRejection>, StoreError> {
                if !verifications::consume(connection, &found.id, now)? {
                    return Ok(Err(CodeRejection::InvalidOrExpired));
                }
                match users::update(connection, &updated) {
                    Err(StoreError::Conflict(_)) => {
                        return Ok(Err(CodeRejection::InvalidOrExpired));
                    }
                    other => other?,
                }
                if let Some(notice) = &notice {
                    messaging::enqueue(connection, std::slice::from_ref(notice), now)?;
                }
                audit(
                    connection,
                    &secrets,
                    kind,
                    &updated.id,
                    Some(updated.id.as_str()),
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
