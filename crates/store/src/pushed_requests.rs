//! Pushed authorization requests (RFC 9126), each usable once.

use crate::DbConn;
use crate::error::{StoreResult, corrupt};
use crate::schema::pushed_requests;
use diesel::prelude::*;
use gatehouse_core::{ClientId, UnixTime};
use std::collections::BTreeMap;

/// Keeps `parameters` for `client_id` under the digest of their `request_uri`.
pub fn insert(
    connection: &mut DbConn,
    uri_digest: &str,
    client_id: &ClientId,
    parameters: &BTreeMap<String, String>,
    expires_at: UnixTime,
) -> StoreResult<()> {
    diesel::insert_into(pushed_requests::table)
        .values((
            pushed_requests::uri_digest.eq(uri_digest),
            pushed_requests::client_id.eq(client_id.as_str()),
            pushed_requests::parameters.eq(serde_json::to_string(parameters).map_err(corrupt)?),
            pushed_requests::expires_at.eq(expires_at.as_secs()),
        ))
        .execute(connection)?;
    Ok(())
}

/// Takes the parameters pushed by `client_id` under `uri_digest`, once: the delete decides,
/// so of two uses at the same moment only one gets them. `None` when unknown, another
/// client's, expired or already taken.
pub fn take(
    connection: &mut DbConn,
    uri_digest: &str,
    client_id: &ClientId,
    now: UnixTime,
) -> StoreResult<Option<BTreeMap<String, String>>> {
    let found: Option<String> = pushed_requests::table
        .find(uri_digest)
        .filter(pushed_requests::client_id.eq(client_id.as_str()))
        .filter(pushed_requests::expires_at.gt(now.as_secs()))
        .select(pushed_requests::parameters)
        .first(connection)
        .optional()?;
    let Some(parameters) = found else {
        return Ok(None);
    };
    let deleted = diesel::delete(
        pushed_requests::table
            .find(uri_digest)
            .filter(pushed_requests::client_id.eq(client_id.as_str())),
    )
    .execute(connection)?;
    if deleted != 1 {
        return Ok(None);
    }
    Ok(Some(serde_json::from_str(&parameters).map_err(corrupt)?))
}

/// Removes expired requests.
pub fn purge_expired(connection: &mut DbConn, now: UnixTime) -> StoreResult<usize> {
    Ok(
        diesel::delete(
            pushed_requests::table.filter(pushed_requests::expires_at.le(now.as_secs())),
        )
        .execute(connection)?,
    )
}
