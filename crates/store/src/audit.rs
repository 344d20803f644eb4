//! The audit log: what happened to accounts, by whom, from where.

use crate::DbConn;
use crate::error::StoreResult;
use crate::schema::audit_events;
use diesel::prelude::*;
use gatehouse_core::{UnixTime, UserId};

/// One event.
#[derive(Debug, Clone)]
pub struct AuditEvent<'a> {
    /// Row id.
    pub id: &'a str,
    /// When.
    pub at: UnixTime,
    /// What, e.g. `account.closed`.
    pub kind: &'a str,
    /// The account concerned.
    pub user_id: Option<&'a UserId>,
    /// A pseudonym of the account that survives its purge.
    pub subject: &'a str,
    /// Who did it (a user id, `cli`, `system`).
    pub actor: Option<&'a str>,
    /// From where.
    pub ip_address: Option<&'a str>,
    /// Details, JSON.
    pub detail: &'a serde_json::Value,
    /// The studio concerned, if any.
    pub studio_id: Option<&'a str>,
    /// The client (application) concerned, if any.
    pub client_id: Option<&'a str>,
    /// The caller's user agent.
    pub user_agent: Option<&'a str>,
    /// The account webhooks are told about when `user_id` is not kept (a purge keeps only
    /// the pseudonym, but relying applications know the account by its id).
    pub about: Option<&'a UserId>,
}

/// Records an event and queues it for the webhooks that subscribe to it, in the caller's
/// transaction.
pub fn record(connection: &mut DbConn, event: &AuditEvent<'_>) -> StoreResult<()> {
    diesel::insert_into(audit_events::table)
        .values((
            audit_events::id.eq(event.id),
            audit_events::occurred_at.eq(event.at.as_secs()),
            audit_events::kind.eq(event.kind),
            audit_events::user_id.eq(event.user_id.map(UserId::as_str)),
            audit_events::subject.eq(event.subject),
            audit_events::actor.eq(event.actor),
            audit_events::ip_address.eq(event.ip_address),
            audit_events::detail.eq(event.detail.to_string()),
            audit_events::studio_id.eq(event.studio_id),
            audit_events::client_id.eq(event.client_id),
            audit_events::user_agent.eq(event.user_agent),
        ))
        .execute(connection)?;
    crate::webhooks::enqueue_event(connection, event)?;
    Ok(())
}

/// Strips a purged account from the log: the pseudonym stays, the link to the account, the
/// addresses and the details go.
pub fn pseudonymise(connection: &mut DbConn, user_id: &UserId) -> StoreResult<usize> {
    Ok(
        diesel::update(audit_events::table.filter(audit_events::user_id.eq(user_id.as_str())))
            .set((
                audit_events::user_id.eq(None::<String>),
                audit_events::ip_address.eq(None::<String>),
                audit_events::user_agent.eq(None::<String>),
                audit_events::detail.eq("{}"),
            ))
            .execute(connection)?,
    )
}

/// Event kinds of an account, oldest first (for tests and support).
pub fn kinds_for_subject(connection: &mut DbConn, subject: &str) -> StoreResult<Vec<String>> {
    Ok(audit_events::table
        .filter(audit_events::subject.eq(subject))
        .order(audit_events::occurred_at.asc())
        .select(audit_events::kind)
        .load(connection)?)
}

/// How many events of `kind` the account had since `since` (rate limits on rare actions).
pub fn count_since(
    connection: &mut DbConn,
    user_id: &UserId,
    kind: &str,
    since: UnixTime,
) -> StoreResult<i64> {
    Ok(audit_events::table
        .filter(audit_events::user_id.eq(user_id.as_str()))
        .filter(audit_events::kind.eq(kind))
        .filter(audit_events::occurred_at.ge(since.as_secs()))
        .count()
        .get_result(connection)?)
}

/// Event kinds of an account that is not purged, oldest first (support and tests).
pub fn kinds_for_user(connection: &mut DbConn, user_id: &UserId) -> StoreResult<Vec<String>> {
    Ok(audit_events::table
        .filter(audit_events::user_id.eq(user_id.as_str()))
        .order(audit_events::occurred_at.asc())
        .select(audit_events::kind)
        .load(connection)?)
}

/// A stored event, as the audit query returns it.
#[derive(Debug, Clone)]
pub struct StoredEvent {
    /// Row id (time-ordered).
    pub id: String,
    /// When.
    pub at: UnixTime,
    /// What.
    pub kind: String,
    /// The account concerned, while it exists.
    pub user_id: Option<UserId>,
    /// The account's pseudonym.
    pub subject: String,
    /// Who did it.
    pub actor: Option<String>,
    /// From where.
    pub ip_address: Option<String>,
    /// With what.
    pub user_agent: Option<String>,
    /// The studio concerned.
    pub studio_id: Option<String>,
    /// The client concerned.
    pub client_id: Option<String>,
    /// Details.
    pub detail: serde_json::Value,
}

/// What to look for in the audit log; every field narrows the result.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    /// Event kind, exactly (`mfa.reset`), or a family ending in `.` (`mfa.`).
    pub kind: Option<String>,
    /// The account.
    pub user_id: Option<UserId>,
    /// The actor.
    pub actor: Option<String>,
    /// The studio.
    pub studio_id: Option<String>,
    /// The client.
    pub client_id: Option<String>,
    /// Not before.
    pub since: Option<UnixTime>,
    /// Before.
    pub until: Option<UnixTime>,
    /// Only events after this id (the previous page's last), newest first.
    pub before_id: Option<String>,
}

type EventColumns = (
    String,
    i64,
    String,
    Option<String>,
    String,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    String,
);

/// Events matching `filter`, newest first, at most `limit`.
pub fn list(connection: &mut DbConn, filter: &Filter, limit: i64) -> StoreResult<Vec<StoredEvent>> {
    let mut query = audit_events::table.into_boxed();
    if let Some(kind) = &filter.kind {
        query = match kind.strip_suffix('.') {
            Some(family) => query.filter(audit_events::kind.like(format!("{family}.%"))),
            None => query.filter(audit_events::kind.eq(kind.clone())),
        };
    }
    if let Some(user_id) = &filter.user_id {
        query = query.filter(audit_events::user_id.eq(user_id.as_str().to_owned()));
    }
    if let Some(actor) = &filter.actor {
        query = query.filter(audit_events::actor.eq(actor.clone()));
    }
    if let Some(studio_id) = &filter.studio_id {
        query = query.filter(audit_events::studio_id.eq(studio_id.clone()));
    }
    if let Some(client_id) = &filter.client_id {
        query = query.filter(audit_events::client_id.eq(client_id.clone()));
    }
    if let Some(since) = filter.since {
        query = query.filter(audit_events::occurred_at.ge(since.as_secs()));
    }
    if let Some(until) = filter.until {
        query = query.filter(audit_events::occurred_at.lt(until.as_secs()));
    }
    if let Some(before) = &filter.before_id {
        query = query.filter(audit_events::id.lt(before.clone()));
    }
    let rows: Vec<EventColumns> = query
        .order(audit_events::id.desc())
        .limit(limit)
        .select((
            audit_events::id,
            audit_events::occurred_at,
            audit_events::kind,
            audit_events::user_id,
            audit_events::subject,
            audit_events::actor,
            audit_events::ip_address,
            audit_events::user_agent,
            audit_events::studio_id,
            audit_events::client_id,
            audit_events::detail,
        ))
        .load(connection)?;
    Ok(rows
        .into_iter()
        .map(
            |(id, at, kind, user_id, subject, actor, ip, agent, studio, client, detail)| {
                StoredEvent {
                    id,
                    at: UnixTime(at),
                    kind,
                    user_id: user_id.map(UserId::new),
                    subject,
                    actor,
                    ip_address: ip,
                    user_agent: agent,
                    studio_id: studio,
                    client_id: client,
                    detail: serde_json::from_str(&detail).unwrap_or_default(),
                }
            },
        )
        .collect())
}

/// Deletes events older than `cutoff` (the retention period).
pub fn purge_before(connection: &mut DbConn, cutoff: UnixTime) -> StoreResult<usize> {
    Ok(
        diesel::delete(audit_events::table.filter(audit_events::occurred_at.lt(cutoff.as_secs())))
            .execute(connection)?,
    )
}
