//! Server-wide secrets, encrypted by the caller with the key-encryption key.

use crate::DbConn;
use crate::error::{StoreError, StoreResult};
use crate::schema::instance_secrets;
use diesel::prelude::*;
use gatehouse_core::UnixTime;

/// The encrypted secret called `name`.
pub fn find(connection: &mut DbConn, name: &str) -> StoreResult<Option<String>> {
    Ok(instance_secrets::table
        .find(name)
        .select(instance_secrets::ciphertext)
        .first(connection)
        .optional()?)
}

/// Stores a secret; [`StoreError::Conflict`] when another node stored one first.
pub fn insert(
    connection: &mut DbConn,
    name: &str,
    ciphertext: &str,
    now: UnixTime,
) -> StoreResult<()> {
    diesel::insert_into(instance_secrets::table)
        .values((
            instance_secrets::name.eq(name),
            instance_secrets::ciphertext.eq(ciphertext),
            instance_secrets::created_at.eq(now.as_secs()),
        ))
        .execute(connection)
        .map_err(|error| StoreError::conflict_as(error, "this instance secret"))?;
    Ok(())
}
