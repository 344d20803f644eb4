//! Password sign-in and browser sessions.

use crate::crypto::password::Verification;
use crate::error::ServerError;
use crate::state::AppState;
use gatehouse_core::password::is_plausible_login_password;
use gatehouse_core::secret::sha256_base64url;
use gatehouse_core::session::{Authentication, BrowserSession};
use gatehouse_core::user::{User, normalize_email};
use gatehouse_core::{SessionId, UnixTime};
use gatehouse_store::sessions::SessionOrigin;
use gatehouse_store::{StoreError, sessions, users};
use secrecy::SecretString;
use std::net::IpAddr;

/// Why a sign-in failed. Deliberately coarse: the page never says whether the account exists.
#[derive(Debug)]
pub enum LoginFailure {
    /// Wrong e-mail or password, unknown or disabled account: all look the same.
    InvalidCredentials,
    /// Too many failures; try again after this many seconds.
    Throttled(i64),
    /// Our fault.
    Server(ServerError),
}

impl From<ServerError> for LoginFailure {
    fn from(error: ServerError) -> Self {
        Self::Server(error)
    }
}

impl From<StoreError> for LoginFailure {
    fn from(error: StoreError) -> Self {
        Self::Server(error.into())
    }
}

/// Checks an e-mail and password. Unknown accounts cost the same argon2 work as known
/// ones, and every failure feeds the per-account and per-address back-off.
pub async fn authenticate(
    state: &AppState,
    email: &str,
    password: SecretString,
    address: IpAddr,
) -> Result<User, LoginFailure> {
    use secrecy::ExposeSecret as _;
    let now = state.now();
    let account_key = email.trim().to_lowercase();
    let address_key = address.to_string();
    if let Some(seconds) = state.throttle.retry_after(&account_key, &address_key, now) {
        return Err(LoginFailure::Throttled(seconds));
    }
    let candidate = match normalize_email(email) {
        Ok(normalized) if is_plausible_login_password(password.expose_secret()) => {
            state
                .store
                .read(move |connection| users::find_with_password_by_email(connection, &normalized))
                .await?
        }
        _ => None,
    };
    let (user, stored_hash) = match candidate {
        Some((user, hash)) => (Some(user), hash),
        None => (None, None),
    };
    let verification = state
        .passwords
        .verify(password, stored_hash.clone())
        .await
        .map_err(ServerError::from)?;
    match (user, verification) {
        (Some(user), Verification::Match { upgraded_hash }) if user.is_active() => {
            state.throttle.record_success(&account_key);
            if let (Some(new_hash), Some(old_hash)) = (upgraded_hash, stored_hash) {
                let user_id = user.id.clone();
                state
                    .store
                    .write(move |connection| {
                        users::upgrade_password_hash(connection, &user_id, &old_hash, &new_hash)
                    })
                    .await?;
            }
            Ok(user)
        }
        _ => {
            state
                .throttle
                .record_failure(&account_key, &address_key, now);
            tracing::info!(address = %address, "sign-in failed");
            Err(LoginFailure::InvalidCredentials)
        }
    }
}

/// A new session and the secret for its cookie.
#[derive(Debug)]
pub struct NewSession {
    /// The stored session.
    pub session: BrowserSession,
    /// The cookie value; only its digest is stored.
    pub cookie_secret: String,
}

/// Starts a session for `user`, ending `previous` (this browser's old session) so a session
/// id never survives a sign-in (session fixation).
pub async fn start_session(
    state: &AppState,
    user: &User,
    authentication: Authentication,
    is_persistent: bool,
    origin: SessionOrigin,
    previous: Option<SessionId>,
) -> Result<NewSession, ServerError> {
    let now: UnixTime = state.now();
    let lifetime = if is_persistent {
        state.config.sessions.remember_me_seconds
    } else {
        state.config.sessions.lifetime_seconds
    };
    let session = BrowserSession {
        id: SessionId::new(crate::random::identifier()),
        user_id: user.id.clone(),
        authentication,
        is_persistent,
        created_at: now,
        expires_at: now.plus_seconds(lifetime),
        ended_at: None,
    };
    let cookie_secret = crate::random::token();
    let digest = sha256_base64url(cookie_secret.as_bytes());
    let stored = session.clone();
    state
        .store
        .write(move |connection| -> Result<(), StoreError> {
            if let Some(previous) = previous {
                sessions::end(connection, &previous, now)?;
            }
            sessions::insert(connection, &stored, &digest, &origin)
        })
        .await?;
    Ok(NewSession {
        session,
        cookie_secret,
    })
}
