//! Re-authentication before sensitive changes. A stolen session cookie (or a browser left
//! signed in) must not be enough to take the account over: changing the e-mail address or
//! phone number, adding or removing second factors, replacing recovery codes and closing
//! the account need a proof of identity no older than `security.reauthentication_seconds`.
//! A change asked for without one is parked, bound to the session and the browser, until
//! the user proves who they are; then it goes on.

use crate::error::ServerError;
use crate::service::verification;
use crate::state::AppState;
use crate::throttle::RetryAfter;
use gatehouse_core::SessionId;
use gatehouse_core::secret::constant_time_eq;
use gatehouse_core::session::{AMR_PASSWORD, Authentication, BrowserSession};
use gatehouse_core::user::User;
use gatehouse_core::verification::Purpose;
use gatehouse_store::{sessions, verifications};
use serde::{Deserialize, Serialize};
use std::net::IpAddr;

/// How long a parked change waits for the proof.
const PARKED_SECONDS: i64 = 600;

/// Whether the session's last proof of identity (sign-in, step-up or re-authentication) is
/// recent enough for a sensitive change.
#[must_use]
pub fn is_recent(state: &AppState, session: &BrowserSession) -> bool {
    gatehouse_core::session::is_recent(
        &session.authentication,
        state.now(),
        state.config.security.reauthentication_seconds,
    )
}

/// A change that waits for the user to prove who they are.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "change", rename_all = "snake_case")]
pub enum ParkedChange {
    /// A code to a new e-mail address.
    ChangeEmail {
        /// The new address, as typed.
        email: String,
    },
    /// A code to a new phone number.
    ChangePhone {
        /// The new number, as typed.
        phone: String,
    },
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct Parked {
    change: ParkedChange,
    session: SessionId,
    binding: String,
}

/// Parks `change` for this session and browser; returns the request id for the
/// re-authentication page.
pub async fn park(
    state: &AppState,
    session: &BrowserSession,
    binding: &str,
    change: ParkedChange,
) -> Result<String, ServerError> {
    let parked = Parked {
        change,
        session: session.id.clone(),
        binding: binding.to_owned(),
    };
    verification::store_web_request(
        state,
        Purpose::Reauthentication,
        Some(&session.user_id),
        serde_json::to_value(parked).unwrap_or_default(),
        PARKED_SECONDS,
    )
    .await
}

/// The change parked under `request_id` for this session and browser, if it is still live
/// (to describe it before the proof).
pub async fn find_parked(
    state: &AppState,
    request_id: &str,
    session: &BrowserSession,
    binding: &str,
) -> Result<Option<ParkedChange>, ServerError> {
    let Some(found) =
        verification::find_request(state, Purpose::Reauthentication, request_id).await?
    else {
        return Ok(None);
    };
    Ok(belongs(&found.data, session, binding).map(|parked| parked.change))
}

/// Takes the parked change out, once: `None` when it is not this session's and browser's,
/// or was taken already.
pub async fn take_parked(
    state: &AppState,
    request_id: &str,
    session: &BrowserSession,
    binding: &str,
) -> Result<Option<ParkedChange>, ServerError> {
    let Some(found) =
        verification::find_request(state, Purpose::Reauthentication, request_id).await?
    else {
        return Ok(None);
    };
    let Some(parked) = belongs(&found.data, session, binding) else {
        return Ok(None);
    };
    let now = state.now();
    let taken = state
        .store
        .write(move |connection| verifications::consume(connection, &found.id, now))
        .await?;
    Ok(taken.then_some(parked.change))
}

fn belongs(data: &serde_json::Value, session: &BrowserSession, binding: &str) -> Option<Parked> {
    let parked: Parked = serde_json::from_value(data.clone()).ok()?;
    (parked.session == session.id
        && constant_time_eq(parked.binding.as_bytes(), binding.as_bytes()))
    .then_some(parked)
}

/// What the user offered as proof.
#[derive(Debug)]
pub enum Proof<'a> {
    /// The account's password.
    Password(&'a str),
    /// A code from the authenticator app.
    AuthenticatorCode(&'a str),
}

/// How a proof went.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Proved {
    /// Right: the session counts as freshly authenticated.
    Yes,
    /// Wrong.
    No,
    /// Too many attempts: wait.
    Wait(i64),
}

/// Checks a proof on the same counters as sign-in and the second factor, and on success
/// records it on the session (`auth_time` is now; the method joins `amr`).
pub async fn prove(
    state: &AppState,
    session: &BrowserSession,
    user: &User,
    proof: Proof<'_>,
    address: IpAddr,
) -> Result<Proved, ServerError> {
    let method = match proof {
        Proof::Password(password) => {
            match crate::service::login::check_current_password(state, user, password, address)
                .await?
            {
                Ok(true) => AMR_PASSWORD,
                Ok(false) => return Ok(Proved::No),
                Err(RetryAfter(seconds)) => return Ok(Proved::Wait(seconds)),
            }
        }
        Proof::AuthenticatorCode(code) => {
            let permit = match crate::service::mfa::begin_check(state, &user.id, address).await? {
                Ok(permit) => permit,
                Err(RetryAfter(seconds)) => return Ok(Proved::Wait(seconds)),
            };
            if crate::service::mfa::totp::verify(state, user, code)
                .await?
                .is_none()
            {
                crate::service::mfa::record_failure(
                    state,
                    &user.id,
                    address,
                    Some(gatehouse_core::mfa::FactorKind::Totp),
                    "re-authentication",
                )
                .await?;
                return Ok(Proved::No);
            }
            permit.succeeded().await;
            gatehouse_core::mfa::FactorKind::Totp.method_reference()
        }
    };
    let mut amr = session.authentication.amr.clone();
    if !amr.iter().any(|existing| existing == method) {
        amr.push(method.to_owned());
    }
    let renewed = Authentication {
        auth_time: state.now(),
        amr,
        acr: session.authentication.acr.clone(),
    };
    let session_id = session.id.clone();
    state
        .store
        .write(move |connection| sessions::set_authentication(connection, &session_id, &renewed))
        .await?;
    Ok(Proved::Yes)
}
