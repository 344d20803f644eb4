//! E-mailed and texted codes as second factors: enrolment (a code proves the address or
//! phone works) and sign-in codes tied to one sign-in attempt.

use crate::error::ServerError;
use crate::messaging::{self, Outgoing};
use crate::service::mfa::attempt::Loaded;
use crate::service::verification::{self, Quota, Request, Requester, SendRefusal};
use crate::state::AppState;
use gatehouse_core::mfa::FactorKind;
use gatehouse_core::secret::sha256_base64url;
use gatehouse_core::user::User;
use gatehouse_core::verification::{CodeRejection, Purpose};
use gatehouse_store::factors::{self, NewFactor};
use gatehouse_store::{StoreError, verifications};
use std::collections::BTreeMap;

/// Where codes of `kind` go for this user: the verified address or phone.
#[must_use]
pub fn target(user: &User, kind: FactorKind) -> Option<String> {
    match kind {
        FactorKind::EmailCode if user.email_verified => Some(user.email.clone()),
        FactorKind::SmsCode if user.phone_number_verified => user.phone_number.clone(),
        _ => None,
    }
}

/// Why no code was sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NotSent {
    /// The account has no verified address or phone for this kind.
    NoTarget,
    /// Too many codes went to this address or phone this hour.
    TooMany,
    /// Too many codes were asked for today (per session, account or address).
    TooManyToday,
    /// The instance's hourly budget of text messages is used up.
    SmsUnavailable,
}

impl From<SendRefusal> for NotSent {
    fn from(refusal: SendRefusal) -> Self {
        match refusal {
            SendRefusal::TooManyToday => Self::TooManyToday,
            SendRefusal::SmsBudget => Self::SmsUnavailable,
        }
    }
}

fn channel(kind: FactorKind) -> &'static str {
    if kind == FactorKind::SmsCode {
        "sms"
    } else {
        "email"
    }
}

/// Sends a code of `purpose` to the user's address or phone for `kind`.
pub(crate) async fn send(
    state: &AppState,
    user: &User,
    kind: FactorKind,
    purpose: Purpose,
    data: serde_json::Value,
    language: &str,
    quotas: Vec<Quota>,
) -> Result<Result<String, NotSent>, ServerError> {
    let Some(target) = target(user, kind) else {
        return Ok(Err(NotSent::NoTarget));
    };
    if !verification::may_send(state, purpose, &target).await? {
        return Ok(Err(NotSent::TooMany));
    }
    let ttl = state.config.mfa.code_ttl_seconds;
    let issued = verification::prepare(
        state,
        &Request {
            purpose,
            user_id: Some(&user.id),
            channel: channel(kind),
            target: Some(&target),
            with_link: false,
            with_code: true,
            data,
            ttl_seconds: ttl,
        },
    );
    let mut variables = BTreeMap::new();
    variables.insert("name", user.name.clone().unwrap_or_default());
    variables.insert("code", issued.code.clone().unwrap_or_default());
    variables.insert("minutes", ((ttl + 59) / 60).to_string());
    let sealed = if kind == FactorKind::SmsCode {
        let sms = messaging::render_sms(
            state,
            &Outgoing {
                name: if purpose == Purpose::DeviceSwapCode {
                    "device_swap_code_sms"
                } else {
                    "mfa_code_sms"
                },
                language,
                studio: None,
                variables,
            },
            &target,
        );
        messaging::seal_sms(&state.kek, &sms)?
    } else {
        let email = messaging::render_email(
            state,
            &Outgoing {
                name: if purpose == Purpose::DeviceSwapCode {
                    "device_swap_code"
                } else {
                    "mfa_code"
                },
                language,
                studio: None,
                variables,
            },
            &target,
        )?;
        messaging::seal_email(&state.kek, &email)?
    };
    Ok(
        verification::store_and_send_within(state, issued, vec![sealed], quotas)
            .await?
            .map(|()| target)
            .map_err(NotSent::from),
    )
}

fn attempt_tag(loaded: &Loaded) -> String {
    sha256_base64url(loaded.request_id.as_bytes())
}

/// Sends a sign-in code for this attempt; returns where it went.
pub async fn send_sign_in_code(
    state: &AppState,
    loaded: &Loaded,
    kind: FactorKind,
    language: &str,
) -> Result<Result<String, NotSent>, ServerError> {
    send(
        state,
        &loaded.user,
        kind,
        Purpose::FactorCode,
        serde_json::json!({ "attempt": attempt_tag(loaded), "kind": kind }),
        language,
        Vec::new(),
    )
    .await
}

/// Whether a sign-in code for this attempt and kind is waiting (so the page need not send
/// another on every visit).
pub async fn has_live_code(
    state: &AppState,
    loaded: &Loaded,
    kind: FactorKind,
) -> Result<bool, ServerError> {
    Ok(
        verification::pending(state, Purpose::FactorCode, &loaded.user.id)
            .await?
            .is_some_and(|pending| {
                pending.data["attempt"] == attempt_tag(loaded)
                    && pending.data["kind"] == kind.as_str()
            }),
    )
}

/// Checks a sign-in code. It must have been sent for this attempt and this kind; it is
/// spent on success.
pub async fn verify_sign_in_code(
    state: &AppState,
    loaded: &Loaded,
    kind: FactorKind,
    code: &str,
) -> Result<Result<(), CodeRejection>, ServerError> {
    let found =
        match verification::check_pending_code(state, Purpose::FactorCode, &loaded.user.id, code)
            .await?
        {
            Ok(found) => found,
            Err(rejection) => return Ok(Err(rejection)),
        };
    if found.data["attempt"] != attempt_tag(loaded) || found.data["kind"] != kind.as_str() {
        return Ok(Err(CodeRejection::InvalidOrExpired));
    }
    let now = state.now();
    let spent = state
        .store
        .write(move |connection| verifications::consume(connection, &found.id, now))
        .await?;
    Ok(if spent {
        Ok(())
    } else {
        Err(CodeRejection::InvalidOrExpired)
    })
}

/// Sends the code that confirms a new e-mail or SMS factor, within the requester's daily
/// caps.
pub async fn send_enrolment_code(
    state: &AppState,
    user: &User,
    kind: FactorKind,
    language: &str,
    requester: Requester<'_>,
) -> Result<Result<String, NotSent>, ServerError> {
    send(
        state,
        user,
        kind,
        Purpose::FactorEnrolment,
        serde_json::json!({ "kind": kind }),
        language,
        requester.daily_quotas(state),
    )
    .await
}

/// The kind of the enrolment waiting for its code, and where the code went.
pub async fn pending_enrolment(
    state: &AppState,
    user: &User,
) -> Result<Option<(FactorKind, String)>, ServerError> {
    Ok(
        verification::pending(state, Purpose::FactorEnrolment, &user.id)
            .await?
            .and_then(|pending| {
                let kind = serde_json::from_value(pending.data["kind"].clone()).ok()?;
                Some((kind, pending.target?))
            }),
    )
}

/// Confirms a new e-mail or SMS factor with its code; returns the factor's id. The code
/// must have gone to the address or phone the account still has.
pub async fn confirm_enrolment(
    state: &AppState,
    user: &User,
    code: &str,
) -> Result<Result<(String, FactorKind), CodeRejection>, ServerError> {
    let found =
        match verification::check_pending_code(state, Purpose::FactorEnrolment, &user.id, code)
            .await?
        {
            Ok(found) => found,
            Err(rejection) => return Ok(Err(rejection)),
        };
    let Ok(kind) = serde_json::from_value::<FactorKind>(found.data["kind"].clone()) else {
        return Ok(Err(CodeRejection::InvalidOrExpired));
    };
    if found.target != target(user, kind) {
        return Ok(Err(CodeRejection::InvalidOrExpired));
    }
    let (user_id, now, factor_id) = (user.id.clone(), state.now(), crate::random::row_id());
    let stored_id = factor_id.clone();
    let added = state
        .store
        .write(move |connection| -> Result<Option<String>, StoreError> {
            if !verifications::consume(connection, &found.id, now)? {
                return Ok(None);
            }
            let existing = factors::secrets_of_kind(connection, &user_id, kind)?
                .into_iter()
                .find(|row| row.factor.confirmed_at.is_some());
            if let Some(existing) = existing {
                return Ok(Some(existing.factor.id));
            }
            factors::insert(
                connection,
                &NewFactor {
                    id: &stored_id,
                    user_id: &user_id,
                    kind,
                    secret: "",
                    label: None,
                    lookup: None,
                    now,
                    is_confirmed: true,
                },
            )?;
            Ok(Some(stored_id))
        })
        .await?;
    Ok(match added {
        Some(id) => Ok((id, kind)),
        None => Err(CodeRejection::InvalidOrExpired),
    })
}
