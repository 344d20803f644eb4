//! A sign-in between its factors: the first factor passed, the second is awaited (or must
//! be enrolled), or a signed-in session steps up. Kept as a one-time request row, bound to
//! the browser that began it.

use crate::error::ServerError;
use crate::service::login::Continuation;
use crate::service::verification::{self, Request};
use crate::state::AppState;
use gatehouse_core::secret::constant_time_eq;
use gatehouse_core::session::Authentication;
use gatehouse_core::user::User;
use gatehouse_core::verification::Purpose;
use gatehouse_core::{SessionId, UserId};
use gatehouse_store::{users, verifications};
use serde::{Deserialize, Serialize};

/// What a waiting sign-in remembers.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Attempt {
    /// Where the sign-in goes once complete.
    pub continuation: Continuation,
    /// Digest of the browser's CSRF cookie: only the browser that began the sign-in may
    /// finish it, so a leaked page URL is worth nothing.
    pub binding: String,
    /// What the user proved so far.
    pub authentication: Authentication,
    /// A signed-in session stepping up, rather than a new sign-in.
    #[serde(default)]
    pub session: Option<SessionId>,
    /// The user has no second factor yet and must enrol one (a studio requires it, or the
    /// client asked for two factors).
    #[serde(default)]
    pub must_enrol: bool,
}

/// A live attempt.
#[derive(Debug, Clone)]
pub struct Loaded {
    /// Its row.
    pub row_id: String,
    /// The id in page URLs.
    pub request_id: String,
    /// Wrong codes so far.
    pub failures: i32,
    /// The user.
    pub user: User,
    /// What it remembers.
    pub attempt: Attempt,
}

/// Starts an attempt; returns the request id for the pages' URLs.
pub async fn begin(
    state: &AppState,
    user_id: &UserId,
    attempt: &Attempt,
) -> Result<String, ServerError> {
    let issued = verification::prepare(
        state,
        &Request {
            purpose: Purpose::SecondFactor,
            user_id: Some(user_id),
            channel: "web",
            target: None,
            with_link: false,
            with_code: false,
            data: serde_json::to_value(attempt).unwrap_or_default(),
            ttl_seconds: state.config.sessions.flow_ttl_seconds,
        },
    );
    let request_id = issued.request_id.clone();
    state
        .store
        .write(move |connection| verification::store(connection, &issued))
        .await?;
    Ok(request_id)
}

/// The live attempt behind `request_id` in the browser with `binding`, if any. Too many
/// wrong codes end it: the password must be entered again.
pub async fn load(
    state: &AppState,
    request_id: &str,
    binding: &str,
) -> Result<Option<Loaded>, ServerError> {
    let Some(found) = verification::find_request(state, Purpose::SecondFactor, request_id).await?
    else {
        return Ok(None);
    };
    if found.attempts >= state.config.mfa.max_attempts {
        return Ok(None);
    }
    let Ok(attempt) = serde_json::from_value::<Attempt>(found.data.clone()) else {
        return Ok(None);
    };
    if !constant_time_eq(attempt.binding.as_bytes(), binding.as_bytes()) {
        return Ok(None);
    }
    let Some(user_id) = found.user_id.clone() else {
        return Ok(None);
    };
    let user = state
        .store
        .read(move |connection| users::find(connection, &user_id))
        .await?;
    Ok(user.map(|user| Loaded {
        row_id: found.id,
        request_id: request_id.to_owned(),
        failures: found.attempts,
        user,
        attempt,
    }))
}

/// Counts a wrong code against the attempt.
pub async fn record_failure(state: &AppState, loaded: &Loaded) -> Result<(), ServerError> {
    let row_id = loaded.row_id.clone();
    state
        .store
        .write(move |connection| verifications::record_failed_attempt(connection, &row_id))
        .await?;
    Ok(())
}

/// Ends the attempt. `false` when it had ended already (a double submission).
pub async fn finish(state: &AppState, loaded: &Loaded) -> Result<bool, ServerError> {
    let (row_id, now) = (loaded.row_id.clone(), state.now());
    Ok(state
        .store
        .write(move |connection| verifications::consume(connection, &row_id, now))
        .await?)
}
