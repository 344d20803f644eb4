//! Back-off counters shared by every node: failed sign-ins, second factors, code requests.
//!
//! An attempt takes the row lock of each of its counters (an upsert that creates the row or
//! locks the existing one), judges them, and counts itself, all in the caller's write
//! transaction: parallel attempts on any number of nodes are counted one after another, and
//! none of them reads a count that another is about to change.

use crate::DbConn;
use crate::error::StoreResult;
use crate::schema::backoff;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Integer, Text};
use gatehouse_core::UnixTime;
use gatehouse_core::throttle::{BackoffPolicy, FailureHistory};

/// One counter and the policy that judges it.
#[derive(Debug, Clone)]
pub struct Counter {
    /// The counter's key (its purpose and subject).
    pub key: String,
    /// How quickly its failures slow further attempts.
    pub policy: BackoffPolicy,
}

/// How a counter is refunded when the secret turns out right.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refund {
    /// Forget every failure (the owner proved themselves).
    Forget,
    /// Give back the one attempt counted for this check.
    OneAttempt,
}

#[derive(QueryableByName)]
struct LockedHistory {
    #[diesel(sql_type = Integer)]
    failures: i32,
    #[diesel(sql_type = BigInt)]
    last_failure: i64,
}

impl LockedHistory {
    fn history(&self) -> FailureHistory {
        FailureHistory {
            failures: u32::try_from(self.failures).unwrap_or(0),
            last_failure: (self.last_failure > 0).then_some(UnixTime(self.last_failure)),
        }
    }
}

/// Counts one attempt against every counter unless one of them says to wait: then nothing
/// is counted and the longest wait in seconds is returned. Runs inside a write transaction.
pub fn begin(
    connection: &mut DbConn,
    counters: &[Counter],
    now: UnixTime,
) -> StoreResult<Option<i64>> {
    // Rows are locked in key order, so two attempts sharing counters cannot deadlock.
    let mut ordered: Vec<&Counter> = counters.iter().collect();
    ordered.sort_by(|a, b| a.key.cmp(&b.key));
    ordered.dedup_by(|a, b| a.key == b.key);
    let lock = match connection {
        DbConn::Postgres(_) => {
            "INSERT INTO backoff (key, failures, last_failure) VALUES ($1, 0, 0) \
             ON CONFLICT (key) DO UPDATE SET failures = backoff.failures \
             RETURNING failures, last_failure"
        }
        DbConn::Sqlite(_) => {
            "INSERT INTO backoff (key, failures, last_failure) VALUES (?, 0, 0) \
             ON CONFLICT (key) DO UPDATE SET failures = backoff.failures \
             RETURNING failures, last_failure"
        }
    };
    let mut histories = Vec::with_capacity(ordered.len());
    for counter in &ordered {
        let locked: LockedHistory = diesel::sql_query(lock)
            .bind::<Text, _>(&counter.key)
            .get_result(connection)?;
        histories.push(locked.history());
    }
    let wait = ordered
        .iter()
        .zip(&histories)
        .filter_map(|(counter, history)| counter.policy.retry_after(history, now))
        .max();
    if wait.is_some() {
        return Ok(wait);
    }
    for (counter, history) in ordered.iter().zip(&histories) {
        let counted = counter.policy.record_failure(history, now);
        diesel::update(backoff::table.find(&counter.key))
            .set((
                backoff::failures.eq(i32::try_from(counted.failures).unwrap_or(i32::MAX)),
                backoff::last_failure.eq(now.as_secs()),
            ))
            .execute(connection)?;
    }
    Ok(None)
}

/// Refunds an attempt counted by [`begin`] whose secret was right.
pub fn refund(connection: &mut DbConn, refunds: &[(&str, Refund)]) -> StoreResult<()> {
    for &(key, refund) in refunds {
        match refund {
            Refund::Forget => {
                diesel::delete(backoff::table.find(key)).execute(connection)?;
            }
            Refund::OneAttempt => {
                diesel::update(backoff::table.find(key).filter(backoff::failures.gt(0)))
                    .set(backoff::failures.eq(backoff::failures - 1))
                    .execute(connection)?;
            }
        }
    }
    Ok(())
}

/// The longest wait any of `counters` asks for now, without counting an attempt.
pub fn retry_after(
    connection: &mut DbConn,
    counters: &[Counter],
    now: UnixTime,
) -> StoreResult<Option<i64>> {
    let keys: Vec<&str> = counters
        .iter()
        .map(|counter| counter.key.as_str())
        .collect();
    let rows: Vec<(String, i32, i64)> = backoff::table
        .filter(backoff::key.eq_any(&keys))
        .select((backoff::key, backoff::failures, backoff::last_failure))
        .load(connection)?;
    Ok(rows
        .into_iter()
        .filter_map(|(key, failures, last_failure)| {
            let counter = counters.iter().find(|counter| counter.key == key)?;
            let history = LockedHistory {
                failures,
                last_failure,
            }
            .history();
            counter.policy.retry_after(&history, now)
        })
        .max())
}

/// Deletes counters whose last failure is older than `cutoff` (and placeholders never
/// counted).
pub fn purge_before(connection: &mut DbConn, cutoff: UnixTime) -> StoreResult<usize> {
    Ok(
        diesel::delete(backoff::table.filter(backoff::last_failure.lt(cutoff.as_secs())))
            .execute(connection)?,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use diesel::connection::SimpleConnection as _;
    use diesel::sqlite::SqliteConnection;

    const POLICY: BackoffPolicy = BackoffPolicy {
        free_failures: 2,
        base_delay_seconds: 10,
        max_delay_seconds: 60,
        forget_after_seconds: 900,
    };

    fn database() -> DbConn {
        let mut sqlite = SqliteConnection::establish(":memory:").expect("in-memory SQLite");
        sqlite
            .batch_execute(include_str!(
                "../../../migrations/sqlite/2026-12-05-000009_shared_nodes/up.sql"
            ))
            .expect("the backoff table");
        DbConn::Sqlite(sqlite)
    }

    fn counters(keys: &[&str]) -> Vec<Counter> {
        keys.iter()
            .map(|key| Counter {
                key: (*key).to_owned(),
                policy: POLICY,
            })
            .collect()
    }

    #[test]
    fn attempts_count_until_the_policy_says_wait_and_a_refusal_counts_nothing() {
        let mut connection = database();
        let now = UnixTime(1_000);
        let both = counters(&[
            "subject/sign-in:anna@192.0.2.1",
            "address/sign-in:192.0.2.1",
        ]);
        for _ in 0..2 {
            assert_eq!(begin(&mut connection, &both, now).expect("begin"), None);
        }
        assert_eq!(begin(&mut connection, &both, now).expect("begin"), Some(10));
        // The refused attempt was not counted: after the wait, one more is allowed.
        assert_eq!(
            retry_after(&mut connection, &both, now).expect("read"),
            Some(10)
        );
        let after_wait = now.plus_seconds(10);
        assert_eq!(
            begin(&mut connection, &both, after_wait).expect("begin"),
            None
        );
        assert_eq!(
            begin(&mut connection, &both, after_wait).expect("begin"),
            Some(20),
            "each further failure doubles the wait"
        );
    }

    #[test]
    fn a_refund_forgets_the_subject_and_gives_the_address_one_attempt_back() {
        let mut connection = database();
        let now = UnixTime(1_000);
        let (subject, address) = (
            "subject/sign-in:anna@192.0.2.1",
            "address/sign-in:192.0.2.1",
        );
        let both = counters(&[subject, address]);
        assert_eq!(begin(&mut connection, &both, now).expect("begin"), None);
        assert_eq!(begin(&mut connection, &both, now).expect("begin"), None);
        refund(
            &mut connection,
            &[(subject, Refund::Forget), (address, Refund::OneAttempt)],
        )
        .expect("refund");
        assert_eq!(
            retry_after(&mut connection, &counters(&[subject]), now).expect("read"),
            None
        );
        // The address still holds one failure: one more attempt, then it waits.
        let address_only = counters(&[address]);
        assert_eq!(
            begin(&mut connection, &address_only, now).expect("begin"),
            None
        );
        assert_eq!(
            begin(&mut connection, &address_only, now).expect("begin"),
            Some(10)
        );
        assert_eq!(
            purge_before(&mut connection, now.plus_seconds(1)).expect("purge"),
            1,
            "only the address's counter is left"
        );
    }
}
