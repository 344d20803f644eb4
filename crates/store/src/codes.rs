//! Authorization codes, kept as digests.

use crate::DbConn;
use crate::error::StoreResult;
use crate::rows::{authentication, parse_scope, to_json_list};
use crate::schema::authorization_codes;
use diesel::prelude::*;
use gatehouse_core::grant::AuthorizationCode;
use gatehouse_core::{ClientId, GrantId, SessionId, StudioId, UnixTime, UserId};

#[derive(Queryable, Selectable)]
#[diesel(table_name = authorization_codes)]
struct CodeRow {
    client_id: String,
    user_id: String,
    session_id: String,
    redirect_uri: String,
    scopes: String,
    nonce: Option<String>,
    code_challenge: Option<String>,
    auth_time: i64,
    amr: String,
    acr: String,
    created_at: i64,
    expires_at: i64,
    consumed_at: Option<i64>,
    grant_id: Option<String>,
    studio_id: Option<String>,
    dpop_jkt: Option<String>,
}

/// Stores a code under `code_digest`.
pub fn insert(
    connection: &mut DbConn,
    code_digest: &str,
    code: &AuthorizationCode,
) -> StoreResult<()> {
    diesel::insert_into(authorization_codes::table)
        .values((
            authorization_codes::code_digest.eq(code_digest),
            authorization_codes::client_id.eq(code.client_id.as_str()),
            authorization_codes::user_id.eq(code.user_id.as_str()),
            authorization_codes::session_id.eq(code.session_id.as_str()),
            authorization_codes::redirect_uri.eq(&code.redirect_uri),
            authorization_codes::scopes.eq(code.scope.to_string()),
            authorization_codes::nonce.eq(code.nonce.as_deref()),
            authorization_codes::code_challenge.eq(code.code_challenge.as_deref()),
            authorization_codes::auth_time.eq(code.authentication.auth_time.as_secs()),
            authorization_codes::amr.eq(to_json_list(&code.authentication.amr)),
            authorization_codes::acr.eq(&code.authentication.acr),
            authorization_codes::created_at.eq(code.created_at.as_secs()),
            authorization_codes::expires_at.eq(code.expires_at.as_secs()),
            authorization_codes::studio_id.eq(code.studio_id.as_ref().map(StudioId::as_str)),
            authorization_codes::dpop_jkt.eq(code.dpop_jkt.as_deref()),
        ))
        .execute(connection)?;
    Ok(())
}

/// The code with `code_digest`, used or not.
pub fn find(connection: &mut DbConn, code_digest: &str) -> StoreResult<Option<AuthorizationCode>> {
    let Some(row) = authorization_codes::table
        .find(code_digest)
        .select(CodeRow::as_select())
        .first(connection)
        .optional()?
    else {
        return Ok(None);
    };
    Ok(Some(AuthorizationCode {
        client_id: ClientId::new(row.client_id),
        user_id: UserId::new(row.user_id),
        session_id: SessionId::new(row.session_id),
        redirect_uri: row.redirect_uri,
        scope: parse_scope(&row.scopes, "authorization_codes.scopes")?,
        nonce: row.nonce,
        code_challenge: row.code_challenge,
        authentication: authentication(row.auth_time, &row.amr, row.acr)?,
        studio_id: row.studio_id.map(StudioId::new),
        created_at: UnixTime(row.created_at),
        expires_at: UnixTime(row.expires_at),
        consumed_at: row.consumed_at.map(UnixTime),
        grant_id: row.grant_id.map(GrantId::new),
        dpop_jkt: row.dpop_jkt,
    }))
}

/// Marks the code used by `grant_id`. Returns `false` when another request used it first:
/// the conditional update is what makes a code single-use under concurrency.
pub fn consume(
    connection: &mut DbConn,
    code_digest: &str,
    grant_id: &GrantId,
    now: UnixTime,
) -> StoreResult<bool> {
    let updated = diesel::update(
        authorization_codes::table
            .find(code_digest)
            .filter(authorization_codes::consumed_at.is_null()),
    )
    .set((
        authorization_codes::consumed_at.eq(now.as_secs()),
        authorization_codes::grant_id.eq(grant_id.as_str()),
    ))
    .execute(connection)?;
    Ok(updated == 1)
}

/// Deletes codes that expired before `cutoff`. Used codes are kept until then so that a
/// replay within their lifetime is still recognised.
pub fn purge_expired(connection: &mut DbConn, cutoff: UnixTime) -> StoreResult<usize> {
    Ok(diesel::delete(
        authorization_codes::table.filter(authorization_codes::expires_at.lt(cutoff.as_secs())),
    )
    .execute(connection)?)
}
