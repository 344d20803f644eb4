//! A sign-in between its factors: the first factor passed, the second is awaited (or must
//! be enrolled), or a signed-in session steps up. Kept as a one-time request row, bound to
//! the browser that began it.

use crate::error::ServerError;
use crate::service::login::Continuation;
use crate::service::verification;
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
    verification::store_web_request(
        state,
        Purpose::SecondFactor,
        Some(user_id),
        serde_json::to_value(attempt).unwrap_or_default(),
        state.config.sessions.flow_ttl_seconds,
    )
    .await
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

/// Takes one of the attempt's `mfa.max_attempts` guesses before a code is compared, in one
/// conditional update; `false` when none is left (parallel guesses took them) or the attempt
/// ended. The guess stays counted: a right one ends the attempt anyway.
pub async fn reserve_guess(state: &AppState, loaded: &Loaded) -> Result<bool, ServerError> {
    let (row_id, now, max) = (
        loaded.row_id.clone(),
        state.now(),
        state.config.mfa.max_attempts,
    );
    Ok(state
        .store
        .write(move |connection| verifications::reserve_attempt(connection, &row_id, max, now))
        .await?)
}

/// Ends the attempt. `false` when it had ended already (a double submission).
pub async fn finish(state: &AppState, loaded: &Loaded) -> Result<bool, ServerError> {
    let (row_id, now) = (loaded.row_id.clone(), state.now());
    Ok(state
        .store
        .write(move |connection| verifications::consume(connection, &row_id, now))
        .await?)
}
