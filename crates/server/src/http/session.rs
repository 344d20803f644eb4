//! The browser session behind the session cookie.

use crate::http::cookies::{self, Lifetime};
use crate::state::AppState;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use gatehouse_core::secret::sha256_base64url;
use gatehouse_store::sessions;

pub use crate::service::sessions::ActiveSession;

/// The request's session, if it has a valid one. Never rejects: pages decide what to do
/// without one. A database failure counts as no session and is logged.
#[derive(Debug, Clone)]
pub struct CurrentSession(pub Option<ActiveSession>);

impl FromRequestParts<AppState> for CurrentSession {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let name = cookies::name(cookies::SESSION, state.config.is_https());
        let Some(secret) = cookies::read(&parts.headers, &name) else {
            return Ok(Self(None));
        };
        let digest = sha256_base64url(secret.as_bytes());
        let found = state
            .store
            .read(move |connection| sessions::find_with_user_by_token_digest(connection, &digest))
            .await;
        let now = state.now();
        match found {
            Ok(Some((session, user))) if session.is_active(now) && user.is_active() => {
                Ok(Self(Some(ActiveSession { session, user })))
            }
            Ok(_) => Ok(Self(None)),
            Err(error) => {
                tracing::error!(%error, "session lookup failed");
                Ok(Self(None))
            }
        }
    }
}

/// The `Set-Cookie` value that carries a new session secret.
#[must_use]
pub fn session_cookie(state: &AppState, secret: &str, is_persistent: bool) -> String {
    let is_https = state.config.is_https();
    let lifetime = if is_persistent {
        Lifetime::Seconds(state.config.sessions.remember_me_seconds)
    } else {
        Lifetime::BrowserSession
    };
    cookies::set(
        &cookies::name(cookies::SESSION, is_https),
        secret,
        lifetime,
        is_https,
    )
}

/// The `Set-Cookie` value that removes the session cookie.
#[must_use]
pub fn clear_session_cookie(state: &AppState) -> String {
    let is_https = state.config.is_https();
    cookies::set(
        &cookies::name(cookies::SESSION, is_https),
        "",
        Lifetime::Expired,
        is_https,
    )
}
