//! Ending browser sessions, with what must follow: grants revoked and relying parties told
//! over OpenID Connect Back-Channel Logout, all in one transaction.

/// A session that is active and whose user may sign in.
#[derive(Debug, Clone)]
pub struct ActiveSession {
    /// The session.
    pub session: gatehouse_core::session::BrowserSession,
    /// Its user.
    pub user: gatehouse_core::user::User,
}

use crate::error::ServerError;
use crate::state::AppState;
use gatehouse_core::{SessionId, UnixTime, UserId};
use gatehouse_store::sessions::Revocation;
use gatehouse_store::{DbConn, StoreError, StoreResult, outbox, sessions};
use serde::{Deserialize, Serialize};

/// The outbox kind of back-channel logout notices.
pub const BACKCHANNEL_LOGOUT: &str = "backchannel_logout";

/// A queued back-channel logout: the token is signed at delivery, so retries never send an
/// expired one.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct LogoutNotice {
    /// The relying party.
    pub client_id: String,
    /// Its `backchannel_logout_uri`.
    pub uri: String,
    /// The user.
    pub sub: String,
    /// The session that ended.
    pub sid: String,
}

/// Ends `ids` (sessions of `user_id`) inside the caller's transaction, revoking their grants
/// and queueing a logout notice for every client with a back-channel URI that got tokens in
/// them. Returns how many notices were queued.
pub fn end_sessions_in(
    connection: &mut DbConn,
    ids: &[SessionId],
    user_id: &UserId,
    revocation: Revocation,
    now: UnixTime,
) -> StoreResult<usize> {
    let mut queued = 0;
    for id in ids {
        let audience = sessions::logout_audience(connection, id)?;
        if !sessions::end(connection, id, revocation, now)? {
            continue;
        }
        for (client_id, uri) in audience {
            let notice = LogoutNotice {
                client_id: client_id.into_string(),
                uri,
                sub: user_id.as_str().to_owned(),
                sid: id.as_str().to_owned(),
            };
            enqueue_notice(connection, &notice, now)?;
            queued += 1;
        }
    }
    Ok(queued)
}

/// Queues a back-channel logout notice for each of `targets` (relying parties whose grants
/// of `user_id` are being revoked) inside the caller's transaction. Returns how many.
pub fn tell_of_revoked_grants(
    connection: &mut DbConn,
    user_id: &UserId,
    targets: Vec<gatehouse_store::grants::LogoutTarget>,
    now: UnixTime,
) -> StoreResult<usize> {
    for target in &targets {
        let notice = LogoutNotice {
            client_id: target.client_id.as_str().to_owned(),
            uri: target.uri.clone(),
            sub: user_id.as_str().to_owned(),
            sid: target.session_id.as_str().to_owned(),
        };
        enqueue_notice(connection, &notice, now)?;
    }
    Ok(targets.len())
}

fn enqueue_notice(
    connection: &mut DbConn,
    notice: &LogoutNotice,
    now: UnixTime,
) -> StoreResult<()> {
    let payload =
        serde_json::to_string(notice).map_err(|error| StoreError::Corrupt(error.to_string()))?;
    outbox::enqueue(
        connection,
        &crate::random::row_id(),
        BACKCHANNEL_LOGOUT,
        &payload,
        now,
    )
}

/// Ends one session.
pub async fn end_session(
    state: &AppState,
    id: SessionId,
    user_id: UserId,
    revocation: Revocation,
) -> Result<(), ServerError> {
    let now = state.now();
    let queued = state
        .store
        .write(move |connection| end_sessions_in(connection, &[id], &user_id, revocation, now))
        .await?;
    if queued > 0 {
        state.outbox_wakeup.notify_one();
    }
    Ok(())
}
