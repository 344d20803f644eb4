//! `Idempotency-Key` of creating API requests: the first answer is kept, and a replay of
//! the same request gets it again instead of creating twice.

use crate::DbConn;
use crate::error::StoreResult;
use crate::schema::idempotency_keys;
use diesel::prelude::*;
use gatehouse_core::UnixTime;

/// What a request with a key finds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Claim {
    /// The key is new: answer the request, then [`finish`].
    New,
    /// The same request was answered: this status and body.
    Answered {
        /// HTTP status.
        status: u16,
        /// The JSON body.
        body: String,
    },
    /// The same key is being answered right now.
    InProgress,
    /// The key was used for a different request.
    Mismatch,
}

/// Claims `key` for `principal`'s request with `request_digest`: one insert decides, so two
/// requests with the same key cannot both create.
pub fn claim(
    connection: &mut DbConn,
    principal: &str,
    key: &str,
    request_digest: &str,
    now: UnixTime,
) -> StoreResult<Claim> {
    // ON CONFLICT DO NOTHING rather than a failing insert: on PostgreSQL a failed statement
    // would abort the caller's transaction.
    let sql = match connection {
        DbConn::Postgres(_) => {
            "INSERT INTO idempotency_keys (principal, key, request_digest, status, created_at) \
             VALUES ($1, $2, $3, 0, $4) ON CONFLICT (principal, key) DO NOTHING"
        }
        DbConn::Sqlite(_) => {
            "INSERT INTO idempotency_keys (principal, key, request_digest, status, created_at) \
             VALUES (?, ?, ?, 0, ?) ON CONFLICT (principal, key) DO NOTHING"
        }
    };
    let inserted = diesel::sql_query(sql)
        .bind::<diesel::sql_types::Text, _>(principal)
        .bind::<diesel::sql_types::Text, _>(key)
        .bind::<diesel::sql_types::Text, _>(request_digest)
        .bind::<diesel::sql_types::BigInt, _>(now.as_secs())
        .execute(connection)?;
    if inserted == 1 {
        return Ok(Claim::New);
    }
    let (digest, status, body) = idempotency_keys::table
        .find((principal, key))
        .select((
            idempotency_keys::request_digest,
            idempotency_keys::status,
            idempotency_keys::body,
        ))
        .first::<(String, i32, Option<String>)>(connection)?;
    Ok(if digest != request_digest {
        Claim::Mismatch
    } else if status == 0 {
        Claim::InProgress
    } else {
        Claim::Answered {
            status: u16::try_from(status).unwrap_or(500),
            body: body.unwrap_or_default(),
        }
    })
}

/// Keeps the answer of a claimed key.
pub fn finish(
    connection: &mut DbConn,
    principal: &str,
    key: &str,
    status: u16,
    body: &str,
) -> StoreResult<()> {
    diesel::update(idempotency_keys::table.find((principal, key)))
        .set((
            idempotency_keys::status.eq(i32::from(status)),
            idempotency_keys::body.eq(body),
        ))
        .execute(connection)?;
    Ok(())
}

/// Lets go of a claimed key whose request failed, so it can be tried again.
pub fn release(connection: &mut DbConn, principal: &str, key: &str) -> StoreResult<()> {
    diesel::delete(
        idempotency_keys::table
            .find((principal, key))
            .filter(idempotency_keys::status.eq(0)),
    )
    .execute(connection)?;
    Ok(())
}

/// Deletes keys older than `cutoff`.
pub fn purge_before(connection: &mut DbConn, cutoff: UnixTime) -> StoreResult<usize> {
    Ok(diesel::delete(
        idempotency_keys::table.filter(idempotency_keys::created_at.lt(cutoff.as_secs())),
    )
    .execute(connection)?)
}
