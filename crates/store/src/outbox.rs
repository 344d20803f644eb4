//! The outbox: messages written in the same transaction as the change that causes them, and
//! delivered afterwards by a worker with retries. A crash between the two loses nothing.

use crate::DbConn;
use crate::error::StoreResult;
use crate::schema::outbox;
use diesel::prelude::*;
use gatehouse_core::UnixTime;

/// A message waiting for delivery.
#[derive(Debug, Clone)]
pub struct OutboxMessage {
    /// Id.
    pub id: String,
    /// What it is: `backchannel_logout`, `email`, `sms` or `webhook`.
    pub kind: String,
    /// Kind-specific JSON.
    pub payload: String,
    /// Attempts made so far.
    pub attempts: i32,
    /// The webhook a delivery of kind `webhook` goes to.
    pub webhook_id: Option<String>,
}

/// Queues a message.
pub fn enqueue(
    connection: &mut DbConn,
    id: &str,
    kind: &str,
    payload: &str,
    now: UnixTime,
) -> StoreResult<()> {
    insert(connection, id, kind, payload, now, None)
}

/// Stores a message that is never sent: the stand-in a request about nobody writes, so
/// that it does the same work as a real one and takes as long.
pub fn insert_discarded(
    connection: &mut DbConn,
    id: &str,
    kind: &str,
    payload: &str,
    now: UnixTime,
) -> StoreResult<()> {
    insert(connection, id, kind, payload, now, Some(now))
}

fn insert(
    connection: &mut DbConn,
    id: &str,
    kind: &str,
    payload: &str,
    now: UnixTime,
    delivered_at: Option<UnixTime>,
) -> StoreResult<()> {
    diesel::insert_into(outbox::table)
        .values((
            outbox::id.eq(id),
            outbox::kind.eq(kind),
            outbox::payload.eq(payload),
            outbox::next_attempt_at.eq(now.as_secs()),
            outbox::created_at.eq(now.as_secs()),
            outbox::delivered_at.eq(delivered_at.map(UnixTime::as_secs)),
        ))
        .execute(connection)?;
    Ok(())
}

/// Claims up to `limit` due messages for `lock_seconds`, so that another node does not
/// deliver them at the same time. A worker that dies lets its claims lapse.
pub fn claim_due(
    connection: &mut DbConn,
    now: UnixTime,
    limit: i64,
    lock_seconds: i64,
) -> StoreResult<Vec<OutboxMessage>> {
    let due = outbox::table
        .filter(outbox::delivered_at.is_null())
        .filter(outbox::failed_at.is_null())
        .filter(outbox::next_attempt_at.le(now.as_secs()))
        .filter(
            outbox::locked_until
                .is_null()
                .or(outbox::locked_until.lt(now.as_secs())),
        )
        .order(outbox::next_attempt_at.asc())
        .limit(limit)
        .select((
            outbox::id,
            outbox::kind,
            outbox::payload,
            outbox::attempts,
            outbox::locked_until,
            outbox::webhook_id,
        ))
        .load::<(String, String, String, i32, Option<i64>, Option<String>)>(connection)?;
    let mut claimed = Vec::new();
    for (id, kind, payload, attempts, locked_until, webhook_id) in due {
        // Compare-and-set on the lock we read, so two nodes never both win a message.
        let updated = match locked_until {
            Some(previous) => diesel::update(
                outbox::table
                    .find(&id)
                    .filter(outbox::locked_until.eq(previous)),
            )
            .set(outbox::locked_until.eq(now.as_secs() + lock_seconds))
            .execute(connection)?,
            None => diesel::update(
                outbox::table
                    .find(&id)
                    .filter(outbox::locked_until.is_null()),
            )
            .set(outbox::locked_until.eq(now.as_secs() + lock_seconds))
            .execute(connection)?,
        };
        if updated == 1 {
            claimed.push(OutboxMessage {
                id,
                kind,
                payload,
                attempts,
                webhook_id,
            });
        }
    }
    Ok(claimed)
}

/// Marks a message delivered.
pub fn mark_delivered(connection: &mut DbConn, id: &str, now: UnixTime) -> StoreResult<()> {
    diesel::update(outbox::table.find(id))
        .set((
            outbox::delivered_at.eq(now.as_secs()),
            outbox::locked_until.eq(None::<i64>),
        ))
        .execute(connection)?;
    Ok(())
}

/// Records a failed attempt: retry at `retry_at`, or give up when it is `None`.
pub fn mark_attempt_failed(
    connection: &mut DbConn,
    id: &str,
    error: &str,
    retry_at: Option<UnixTime>,
    now: UnixTime,
) -> StoreResult<()> {
    let error: String = error.chars().take(500).collect();
    diesel::update(outbox::table.find(id))
        .set((
            outbox::attempts.eq(outbox::attempts + 1),
            outbox::last_error.eq(error),
            outbox::locked_until.eq(None::<i64>),
            outbox::next_attempt_at.eq(retry_at.unwrap_or(now).as_secs()),
            outbox::failed_at.eq(retry_at.is_none().then_some(now.as_secs())),
        ))
        .execute(connection)?;
    Ok(())
}

/// Counts messages not yet delivered or given up (for health output and tests).
pub fn pending_count(connection: &mut DbConn) -> StoreResult<i64> {
    Ok(outbox::table
        .filter(outbox::delivered_at.is_null())
        .filter(outbox::failed_at.is_null())
        .count()
        .get_result(connection)?)
}

/// Deletes delivered or abandoned messages older than `cutoff`.
pub fn purge_finished(connection: &mut DbConn, cutoff: UnixTime) -> StoreResult<usize> {
    Ok(diesel::delete(
        outbox::table.filter(
            outbox::delivered_at
                .lt(cutoff.as_secs())
                .or(outbox::failed_at.lt(cutoff.as_secs())),
        ),
    )
    .execute(connection)?)
}
