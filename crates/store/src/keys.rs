//! Signing keys, their life cycle, with private parts encrypted by the caller.

use crate::DbConn;
use crate::error::{StoreError, StoreResult, corrupt};
use crate::schema::signing_keys;
use diesel::prelude::*;
use gatehouse_core::UnixTime;
use gatehouse_core::keys::{KeyMetadata, KeyStatus, SigningAlgorithm};

/// A stored key.
#[derive(Debug, Clone)]
pub struct StoredKey {
    /// Id, status and times.
    pub metadata: KeyMetadata,
    /// The private key, encrypted with the key-encryption key (compact JWE).
    pub encrypted_private_key: String,
    /// The public JWK (JSON).
    pub public_jwk: String,
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = signing_keys)]
struct KeyRow {
    kid: String,
    algorithm: String,
    status: String,
    private_key: String,
    public_jwk: String,
    created_at: i64,
    retired_at: Option<i64>,
}

impl TryFrom<KeyRow> for StoredKey {
    type Error = StoreError;

    fn try_from(row: KeyRow) -> StoreResult<Self> {
        Ok(StoredKey {
            metadata: KeyMetadata {
                kid: row.kid,
                algorithm: row.algorithm.parse::<SigningAlgorithm>().map_err(corrupt)?,
                status: KeyStatus::parse(&row.status)
                    .ok_or_else(|| corrupt(format!("key status {}", row.status)))?,
                created_at: UnixTime(row.created_at),
                retired_at: row.retired_at.map(UnixTime),
            },
            encrypted_private_key: row.private_key,
            public_jwk: row.public_jwk,
        })
    }
}

/// Every key, newest first.
pub fn list(connection: &mut DbConn) -> StoreResult<Vec<StoredKey>> {
    signing_keys::table
        .order(signing_keys::created_at.desc())
        .select(KeyRow::as_select())
        .load(connection)?
        .into_iter()
        .map(StoredKey::try_from)
        .collect()
}

/// Adds a key. [`StoreError::Conflict`] when the algorithm already has a key in that status
/// (another node got there first).
pub fn insert(connection: &mut DbConn, key: &StoredKey) -> StoreResult<()> {
    diesel::insert_into(signing_keys::table)
        .values((
            signing_keys::kid.eq(&key.metadata.kid),
            signing_keys::algorithm.eq(key.metadata.algorithm.as_str()),
            signing_keys::status.eq(key.metadata.status.as_str()),
            signing_keys::private_key.eq(&key.encrypted_private_key),
            signing_keys::public_jwk.eq(&key.public_jwk),
            signing_keys::created_at.eq(key.metadata.created_at.as_secs()),
            signing_keys::activated_at.eq((key.metadata.status == KeyStatus::Current)
                .then_some(key.metadata.created_at.as_secs())),
        ))
        .execute(connection)
        .map_err(|error| StoreError::conflict_as(error, "a key in this status"))?;
    Ok(())
}

/// Retires the current key of `algorithm` and promotes its next key. The caller inserts the
/// new next key in the same transaction.
pub fn promote_next(
    connection: &mut DbConn,
    algorithm: SigningAlgorithm,
    now: UnixTime,
) -> StoreResult<()> {
    diesel::update(
        signing_keys::table
            .filter(signing_keys::algorithm.eq(algorithm.as_str()))
            .filter(signing_keys::status.eq(KeyStatus::Current.as_str())),
    )
    .set((
        signing_keys::status.eq(KeyStatus::Retired.as_str()),
        signing_keys::retired_at.eq(now.as_secs()),
    ))
    .execute(connection)?;
    diesel::update(
        signing_keys::table
            .filter(signing_keys::algorithm.eq(algorithm.as_str()))
            .filter(signing_keys::status.eq(KeyStatus::Next.as_str())),
    )
    .set((
        signing_keys::status.eq(KeyStatus::Current.as_str()),
        signing_keys::activated_at.eq(now.as_secs()),
    ))
    .execute(connection)?;
    Ok(())
}

/// Deletes retired keys that stopped signing before `cutoff`.
pub fn purge_retired_before(connection: &mut DbConn, cutoff: UnixTime) -> StoreResult<usize> {
    Ok(diesel::delete(
        signing_keys::table
            .filter(signing_keys::status.eq(KeyStatus::Retired.as_str()))
            .filter(signing_keys::retired_at.lt(cutoff.as_secs())),
    )
    .execute(connection)?)
}
