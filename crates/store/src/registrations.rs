//! Dynamic client registration (RFC 7591 / 7592): initial access tokens, each good for one
//! registration, and the registration access token of each registered client. Tokens are
//! kept as digests.

use crate::DbConn;
use crate::error::StoreResult;
use crate::schema::{client_registrations, initial_access_tokens};
use diesel::prelude::*;
use gatehouse_core::{ClientId, UnixTime};

/// Keeps a new initial access token.
pub fn insert_initial_token(
    connection: &mut DbConn,
    token_digest: &str,
    now: UnixTime,
    expires_at: UnixTime,
) -> StoreResult<()> {
    diesel::insert_into(initial_access_tokens::table)
        .values((
            initial_access_tokens::token_digest.eq(token_digest),
            initial_access_tokens::created_at.eq(now.as_secs()),
            initial_access_tokens::expires_at.eq(expires_at.as_secs()),
        ))
        .execute(connection)?;
    Ok(())
}

/// Uses an initial access token: `true` when it was valid and unused. The conditional
/// update decides, so one token cannot register two clients, even at the same moment.
pub fn use_initial_token(
    connection: &mut DbConn,
    token_digest: &str,
    now: UnixTime,
) -> StoreResult<bool> {
    Ok(diesel::update(
        initial_access_tokens::table
            .find(token_digest)
            .filter(initial_access_tokens::used_at.is_null())
            .filter(initial_access_tokens::expires_at.gt(now.as_secs())),
    )
    .set(initial_access_tokens::used_at.eq(now.as_secs()))
    .execute(connection)?
        == 1)
}

/// Gives a used initial access token back (the registration it was used for was refused).
pub fn restore_initial_token(connection: &mut DbConn, token_digest: &str) -> StoreResult<()> {
    diesel::update(initial_access_tokens::table.find(token_digest))
        .set(initial_access_tokens::used_at.eq(None::<i64>))
        .execute(connection)?;
    Ok(())
}

/// Keeps a registered client's registration access token.
pub fn insert_registration(
    connection: &mut DbConn,
    client_id: &ClientId,
    token_digest: &str,
) -> StoreResult<()> {
    diesel::insert_into(client_registrations::table)
        .values((
            client_registrations::client_id.eq(client_id.as_str()),
            client_registrations::token_digest.eq(token_digest),
        ))
        .execute(connection)?;
    Ok(())
}

/// The digest of `client_id`'s registration access token, if it registered itself.
pub fn registration_token(
    connection: &mut DbConn,
    client_id: &ClientId,
) -> StoreResult<Option<String>> {
    Ok(client_registrations::table
        .find(client_id.as_str())
        .select(client_registrations::token_digest)
        .first(connection)
        .optional()?)
}

/// Removes initial access tokens expired before `cutoff`.
pub fn purge_expired(connection: &mut DbConn, cutoff: UnixTime) -> StoreResult<usize> {
    Ok(diesel::delete(
        initial_access_tokens::table.filter(initial_access_tokens::expires_at.le(cutoff.as_secs())),
    )
    .execute(connection)?)
}
