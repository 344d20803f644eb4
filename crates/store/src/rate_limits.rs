//! Counters of limited actions, one row per key and time window.

use crate::DbConn;
use crate::error::StoreResult;
use crate::schema::rate_limits;
use diesel::prelude::*;
use gatehouse_core::UnixTime;

/// Takes one unit of `key`'s allowance of `max` in the window starting at `window_start`:
/// one conditional upsert, so parallel callers never take more than `max` between them.
/// `false` when the allowance is used up.
pub fn take(
    connection: &mut DbConn,
    key: &str,
    window_start: UnixTime,
    max: i64,
) -> StoreResult<bool> {
    if max <= 0 {
        return Ok(false);
    }
    // Both backends know ON CONFLICT ... DO UPDATE ... WHERE; only the placeholders differ.
    let sql = match connection {
        DbConn::Postgres(_) => {
            "INSERT INTO rate_limits (key, window_start, count) VALUES ($1, $2, 1) \
             ON CONFLICT (key, window_start) DO UPDATE SET count = rate_limits.count + 1 \
             WHERE rate_limits.count < $3"
        }
        DbConn::Sqlite(_) => {
            "INSERT INTO rate_limits (key, window_start, count) VALUES (?, ?, 1) \
             ON CONFLICT (key, window_start) DO UPDATE SET count = rate_limits.count + 1 \
             WHERE rate_limits.count < ?"
        }
    };
    let changed = diesel::sql_query(sql)
        .bind::<diesel::sql_types::Text, _>(key)
        .bind::<diesel::sql_types::BigInt, _>(window_start.as_secs())
        .bind::<diesel::sql_types::BigInt, _>(max)
        .execute(connection)?;
    Ok(changed == 1)
}

/// Gives back one unit taken with [`take`] (a later limit refused the action).
pub fn give_back(connection: &mut DbConn, key: &str, window_start: UnixTime) -> StoreResult<()> {
    diesel::update(
        rate_limits::table
            .filter(rate_limits::key.eq(key))
            .filter(rate_limits::window_start.eq(window_start.as_secs()))
            .filter(rate_limits::count.gt(0)),
    )
    .set(rate_limits::count.eq(rate_limits::count - 1))
    .execute(connection)?;
    Ok(())
}

/// Deletes counters of windows that started before `cutoff`.
pub fn purge_before(connection: &mut DbConn, cutoff: UnixTime) -> StoreResult<usize> {
    Ok(
        diesel::delete(rate_limits::table.filter(rate_limits::window_start.lt(cutoff.as_secs())))
            .execute(connection)?,
    )
}
