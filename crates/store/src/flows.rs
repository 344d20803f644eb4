//! Authorization requests waiting for the user (sign-in, account choice, consent).

use crate::DbConn;
use crate::error::{StoreResult, corrupt};
use crate::schema::authorization_flows;
use diesel::prelude::*;
use gatehouse_core::UnixTime;
use gatehouse_core::authorize::{AuthorizationRequest, FlowProgress};

/// A stored flow.
#[derive(Debug, Clone)]
pub struct StoredFlow {
    /// The accepted request.
    pub request: AuthorizationRequest,
    /// What has happened so far.
    pub progress: FlowProgress,
    /// End of validity.
    pub expires_at: UnixTime,
}

/// Stores a flow under the digest of its id (the id itself travels in the page URL).
pub fn insert(
    connection: &mut DbConn,
    id_digest: &str,
    request: &AuthorizationRequest,
    now: UnixTime,
    expires_at: UnixTime,
) -> StoreResult<()> {
    diesel::insert_into(authorization_flows::table)
        .values((
            authorization_flows::id_digest.eq(id_digest),
            authorization_flows::client_id.eq(request.client_id.as_str()),
            authorization_flows::request.eq(serde_json::to_string(request).map_err(corrupt)?),
            authorization_flows::progress
                .eq(serde_json::to_string(&FlowProgress::default()).map_err(corrupt)?),
            authorization_flows::created_at.eq(now.as_secs()),
            authorization_flows::expires_at.eq(expires_at.as_secs()),
        ))
        .execute(connection)?;
    Ok(())
}

/// The flow with `id_digest`, expired or not.
pub fn find(connection: &mut DbConn, id_digest: &str) -> StoreResult<Option<StoredFlow>> {
    let row = authorization_flows::table
        .find(id_digest)
        .select((
            authorization_flows::request,
            authorization_flows::progress,
            authorization_flows::expires_at,
        ))
        .first::<(String, String, i64)>(connection)
        .optional()?;
    row.map(|(request, progress, expires_at)| {
        Ok(StoredFlow {
            request: serde_json::from_str(&request).map_err(corrupt)?,
            progress: serde_json::from_str(&progress).map_err(corrupt)?,
            expires_at: UnixTime(expires_at),
        })
    })
    .transpose()
}

/// Records progress.
pub fn update_progress(
    connection: &mut DbConn,
    id_digest: &str,
    progress: &FlowProgress,
) -> StoreResult<()> {
    diesel::update(authorization_flows::table.find(id_digest))
        .set(authorization_flows::progress.eq(serde_json::to_string(progress).map_err(corrupt)?))
        .execute(connection)?;
    Ok(())
}

/// Replaces the stored request (the user changed the language mid-flow).
pub fn update_request(
    connection: &mut DbConn,
    id_digest: &str,
    request: &AuthorizationRequest,
) -> StoreResult<()> {
    diesel::update(authorization_flows::table.find(id_digest))
        .set(authorization_flows::request.eq(serde_json::to_string(request).map_err(corrupt)?))
        .execute(connection)?;
    Ok(())
}

/// Removes a finished flow; returns whether it was still there (so it finishes only once).
pub fn delete(connection: &mut DbConn, id_digest: &str) -> StoreResult<bool> {
    Ok(diesel::delete(authorization_flows::table.find(id_digest)).execute(connection)? > 0)
}

/// Deletes flows that expired before `now`.
pub fn purge_expired(connection: &mut DbConn, now: UnixTime) -> StoreResult<usize> {
    Ok(diesel::delete(
        authorization_flows::table.filter(authorization_flows::expires_at.lt(now.as_secs())),
    )
    .execute(connection)?)
}
