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
}

/// Records an event.
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
        ))
        .execute(connection)?;
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
