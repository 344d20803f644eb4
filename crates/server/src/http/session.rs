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
            .read_by_key(move |connection| {
                sessions::find_with_user_by_token_digest(connection, &digest)
            })
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

/// A signed-in user. Without an active session, the handler does not run: the browser is
/// sent to the sign-in page, which brings it back here afterwards (every page that needs a
/// user answers "not signed in" the same way).
#[derive(Debug, Clone)]
pub struct SignedIn(pub ActiveSession);

/// The answer to a request that needs a signed-in user and has none.
#[derive(Debug)]
pub struct SignInFirst {
    return_to: String,
}

impl SignInFirst {
    /// Where the sign-in page should bring the browser back: the page itself for a `GET`,
    /// the page a form was on for a `POST` (its answer cannot be replayed).
    fn for_request(parts: &Parts) -> Self {
        let path = parts.uri.path();
        let return_to = if parts.method == axum::http::Method::GET {
            parts
                .uri
                .path_and_query()
                .map_or_else(|| path.to_owned(), |whole| whole.as_str().to_owned())
        } else {
            crate::pages::page_of_form(path)
        };
        Self { return_to }
    }

    /// Sign in, then come back to `page` (one of our account or studio pages).
    #[must_use]
    pub fn back_to(page: &str) -> Self {
        Self {
            return_to: page.to_owned(),
        }
    }

    /// The sign-in page's URL that comes back to `return_to`.
    #[must_use]
    pub fn url(&self) -> String {
        let mut query = url::form_urlencoded::Serializer::new(String::new());
        query.append_pair("return_to", &self.return_to);
        format!("/login?{}", query.finish())
    }
}

impl axum::response::IntoResponse for SignInFirst {
    fn into_response(self) -> axum::response::Response {
        axum::response::Redirect::to(&self.url()).into_response()
    }
}

impl FromRequestParts<AppState> for SignedIn {
    type Rejection = SignInFirst;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let Ok(CurrentSession(session)) = CurrentSession::from_request_parts(parts, state).await;
        session
            .map(Self)
            .ok_or_else(|| SignInFirst::for_request(parts))
    }
}

/// A signed-in administrator of the studio named in the path (`/studios/{slug}/...`), with
/// the permissions they hold there. Not signed in: sign in and come back. No permission in
/// the studio at all: `403`; each action still checks the permission it needs.
#[derive(Debug, Clone)]
pub struct StudioAdmin {
    /// The admin's session.
    pub active: ActiveSession,
    /// The studio.
    pub studio: gatehouse_core::studio::Studio,
    /// The permissions held there (`members.manage`, `devices.manage`, `mfa.reset`).
    pub permissions: Vec<String>,
}

impl StudioAdmin {
    /// Whether the admin holds `permission` in the studio.
    #[must_use]
    pub fn may(&self, permission: &str) -> bool {
        self.permissions.iter().any(|held| held == permission)
    }
}

/// Why a studio page refused its caller.
#[derive(Debug)]
pub enum NotStudioAdmin {
    /// Nobody is signed in.
    SignIn(SignInFirst),
    /// No such studio, no permission in it, or our fault.
    Refused(crate::error::PageError),
}

impl axum::response::IntoResponse for NotStudioAdmin {
    fn into_response(self) -> axum::response::Response {
        match self {
            Self::SignIn(sign_in) => sign_in.into_response(),
            Self::Refused(error) => error.into_response(),
        }
    }
}

impl FromRequestParts<AppState> for StudioAdmin {
    type Rejection = NotStudioAdmin;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        use crate::error::PageError;
        use axum::http::StatusCode;
        let SignedIn(active) = SignedIn::from_request_parts(parts, state)
            .await
            .map_err(NotStudioAdmin::SignIn)?;
        let slug = axum::extract::Path::<String>::from_request_parts(parts, state)
            .await
            .map_err(|_| {
                NotStudioAdmin::Refused(PageError::new(StatusCode::NOT_FOUND, "error-not-found"))
            })?
            .0;
        let studio = crate::service::studios::get_by_slug(&state.store, &slug)
            .await
            .map_err(|_| {
                NotStudioAdmin::Refused(PageError::new(
                    StatusCode::NOT_FOUND,
                    "error-studio-unknown",
                ))
            })?;
        let (studio_id, user_id) = (studio.id.clone(), active.user.id.clone());
        let permissions = state
            .store
            .read(move |connection| {
                gatehouse_store::studios::permissions_of(connection, &studio_id, &user_id)
            })
            .await
            .map_err(|error| NotStudioAdmin::Refused(error.into()))?;
        if permissions.is_empty() {
            return Err(NotStudioAdmin::Refused(PageError::new(
                StatusCode::FORBIDDEN,
                "error-not-permitted",
            )));
        }
        Ok(Self {
            active,
            studio,
            permissions,
        })
    }
}
