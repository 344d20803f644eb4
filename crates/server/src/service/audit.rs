//! The audit log as the services write it: who did what to whom, in which studio and
//! application, from where and with what. Never a secret: details are ids and kinds.

use crate::crypto::secrets::InstanceSecrets;
use gatehouse_core::{UnixTime, UserId};
use gatehouse_store::{DbConn, StoreResult, audit};

/// Who acts, and from where: carried into every event an action records.
#[derive(Debug, Clone, Default)]
pub struct Actor {
    /// A user id, `client:<client id>` for an application, `cli`, or `system`.
    pub id: String,
    /// The caller's address, when over HTTP.
    pub address: Option<String>,
    /// The caller's user agent, when over HTTP.
    pub user_agent: Option<String>,
}

impl Actor {
    /// The command line on the server.
    #[must_use]
    pub fn cli() -> Self {
        Self {
            id: "cli".to_owned(),
            ..Self::default()
        }
    }

    /// A part of the system acting on its own (`system`, `password-reset`).
    #[must_use]
    pub fn named(id: &str) -> Self {
        Self {
            id: id.to_owned(),
            ..Self::default()
        }
    }

    /// A user acting for themselves or as an administrator.
    #[must_use]
    pub fn user(user_id: &UserId) -> Self {
        Self {
            id: user_id.as_str().to_owned(),
            ..Self::default()
        }
    }
}

/// One event to record.
#[derive(Debug, Clone)]
pub struct Event<'a> {
    /// What happened, e.g. `user.disabled`.
    pub kind: &'a str,
    /// The account concerned, if any.
    pub user_id: Option<&'a UserId>,
    /// The studio concerned, if any.
    pub studio_id: Option<&'a str>,
    /// The application concerned, if any.
    pub client_id: Option<&'a str>,
    /// Ids and kinds, never secrets.
    pub detail: serde_json::Value,
}

impl<'a> Event<'a> {
    /// An event of `kind` about nothing in particular yet.
    #[must_use]
    pub fn new(kind: &'a str) -> Self {
        Self {
            kind,
            user_id: None,
            studio_id: None,
            client_id: None,
            detail: serde_json::json!({}),
        }
    }
}

/// Records `event` by `actor`, in the caller's transaction.
pub fn record(
    connection: &mut DbConn,
    secrets: &InstanceSecrets,
    actor: &Actor,
    event: &Event<'_>,
    now: UnixTime,
) -> StoreResult<()> {
    let subject = event
        .user_id
        .map_or_else(|| "-".to_owned(), |id| secrets.audit_subject(id.as_str()));
    audit::record(
        connection,
        &audit::AuditEvent {
            id: &crate::random::row_id(),
            at: now,
            kind: event.kind,
            user_id: event.user_id,
            subject: &subject,
            actor: Some(&actor.id),
            ip_address: actor.address.as_deref(),
            detail: &event.detail,
            studio_id: event.studio_id,
            client_id: event.client_id,
            user_agent: actor.user_agent.as_deref(),
            about: None,
        },
    )
}

/// Events matching `filter`, newest first, at most `limit`.
pub async fn query(
    state: &crate::state::AppState,
    filter: audit::Filter,
    limit: i64,
) -> Result<Vec<audit::StoredEvent>, crate::error::ServerError> {
    Ok(state
        .store
        .read(move |connection| audit::list(connection, &filter, limit))
        .await?)
}
