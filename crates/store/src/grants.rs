//! Grants, refresh tokens and revoked access tokens.

use crate::DbConn;
use crate::error::StoreResult;
use crate::rows::{authentication, parse_scope, to_json_list};
use crate::schema::{clients, dpop_proofs, grants, refresh_tokens, revoked_access_tokens};
use diesel::prelude::*;
use gatehouse_core::grant::{Grant, RefreshToken};
use gatehouse_core::{ClientId, DeviceId, GrantId, SessionId, StudioId, UnixTime, UserId};

#[derive(Queryable, Selectable)]
#[diesel(table_name = grants)]
struct GrantRow {
    id: String,
    client_id: String,
    user_id: String,
    session_id: Option<String>,
    scopes: String,
    auth_time: i64,
    amr: String,
    acr: String,
    is_offline: bool,
    created_at: i64,
    expires_at: i64,
    revoked_at: Option<i64>,
    studio_id: Option<String>,
    device_id: Option<String>,
    dpop_jkt: Option<String>,
}

impl TryFrom<GrantRow> for Grant {
    type Error = crate::StoreError;

    fn try_from(row: GrantRow) -> StoreResult<Self> {
        Ok(Grant {
            id: GrantId::new(row.id),
            client_id: ClientId::new(row.client_id),
            user_id: UserId::new(row.user_id),
            session_id: row.session_id.map(SessionId::new),
            scope: parse_scope(&row.scopes, "grants.scopes")?,
            authentication: authentication(row.auth_time, &row.amr, row.acr)?,
            is_offline: row.is_offline,
            studio_id: row.studio_id.map(StudioId::new),
            device_id: row.device_id.map(DeviceId::new),
            dpop_jkt: row.dpop_jkt,
            created_at: UnixTime(row.created_at),
            expires_at: UnixTime(row.expires_at),
            revoked_at: row.revoked_at.map(UnixTime),
        })
    }
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = refresh_tokens)]
struct RefreshTokenRow {
    id: String,
    grant_id: String,
    created_at: i64,
    expires_at: i64,
    used_at: Option<i64>,
}

impl From<RefreshTokenRow> for RefreshToken {
    fn from(row: RefreshTokenRow) -> Self {
        RefreshToken {
            id: row.id,
            grant_id: GrantId::new(row.grant_id),
            created_at: UnixTime(row.created_at),
            expires_at: UnixTime(row.expires_at),
            used_at: row.used_at.map(UnixTime),
        }
    }
}

/// Stores a grant.
pub fn insert(connection: &mut DbConn, grant: &Grant) -> StoreResult<()> {
    diesel::insert_into(grants::table)
        .values((
            grants::id.eq(grant.id.as_str()),
            grants::client_id.eq(grant.client_id.as_str()),
            grants::user_id.eq(grant.user_id.as_str()),
            grants::session_id.eq(grant.session_id.as_ref().map(SessionId::as_str)),
            grants::scopes.eq(grant.scope.to_string()),
            grants::auth_time.eq(grant.authentication.auth_time.as_secs()),
            grants::amr.eq(to_json_list(&grant.authentication.amr)),
            grants::acr.eq(&grant.authentication.acr),
            grants::is_offline.eq(grant.is_offline),
            grants::created_at.eq(grant.created_at.as_secs()),
            grants::expires_at.eq(grant.expires_at.as_secs()),
            grants::studio_id.eq(grant.studio_id.as_ref().map(StudioId::as_str)),
            grants::device_id.eq(grant.device_id.as_ref().map(DeviceId::as_str)),
            grants::dpop_jkt.eq(grant.dpop_jkt.as_deref()),
        ))
        .execute(connection)?;
    Ok(())
}

/// The grant with `id`.
pub fn find(connection: &mut DbConn, id: &GrantId) -> StoreResult<Option<Grant>> {
    grants::table
        .find(id.as_str())
        .select(GrantRow::as_select())
        .first(connection)
        .optional()?
        .map(Grant::try_from)
        .transpose()
}

/// Revokes a grant and with it every token of its family.
pub fn revoke(connection: &mut DbConn, id: &GrantId, now: UnixTime) -> StoreResult<()> {
    diesel::update(
        grants::table
            .find(id.as_str())
            .filter(grants::revoked_at.is_null()),
    )
    .set(grants::revoked_at.eq(now.as_secs()))
    .execute(connection)?;
    Ok(())
}

/// Revokes every grant of the user (password change: apps must ask for credentials again).
pub fn revoke_all_for_user(
    connection: &mut DbConn,
    user_id: &UserId,
    now: UnixTime,
) -> StoreResult<usize> {
    Ok(diesel::update(
        grants::table
            .filter(grants::user_id.eq(user_id.as_str()))
            .filter(grants::revoked_at.is_null()),
    )
    .set(grants::revoked_at.eq(now.as_secs()))
    .execute(connection)?)
}

/// Revokes every grant issued on a device (the device was removed).
pub fn revoke_for_device(
    connection: &mut DbConn,
    device_id: &DeviceId,
    now: UnixTime,
) -> StoreResult<usize> {
    Ok(diesel::update(
        grants::table
            .filter(grants::device_id.eq(device_id.as_str()))
            .filter(grants::revoked_at.is_null()),
    )
    .set(grants::revoked_at.eq(now.as_secs()))
    .execute(connection)?)
}

/// Records the id of a proof that may be used once (a DPoP proof, a client assertion), by
/// digest; `false` when it was seen before (a replay). The insert decides, so two
/// concurrent uses cannot both pass.
pub fn record_used_once(
    connection: &mut DbConn,
    jti_digest: &str,
    expires_at: UnixTime,
) -> StoreResult<bool> {
    let seen = dpop_proofs::table
        .find(jti_digest)
        .count()
        .get_result::<i64>(connection)?
        > 0;
    if seen {
        return Ok(false);
    }
    match diesel::insert_into(dpop_proofs::table)
        .values((
            dpop_proofs::jti_digest.eq(jti_digest),
            dpop_proofs::expires_at.eq(expires_at.as_secs()),
        ))
        .execute(connection)
    {
        Ok(_) => Ok(true),
        Err(diesel::result::Error::DatabaseError(
            diesel::result::DatabaseErrorKind::UniqueViolation,
            _,
        )) => Ok(false),
        Err(error) => Err(error.into()),
    }
}

/// Stores a refresh token under its digest.
pub fn insert_refresh_token(
    connection: &mut DbConn,
    token: &RefreshToken,
    token_digest: &str,
) -> StoreResult<()> {
    diesel::insert_into(refresh_tokens::table)
        .values((
            refresh_tokens::id.eq(&token.id),
            refresh_tokens::token_digest.eq(token_digest),
            refresh_tokens::grant_id.eq(token.grant_id.as_str()),
            refresh_tokens::created_at.eq(token.created_at.as_secs()),
            refresh_tokens::expires_at.eq(token.expires_at.as_secs()),
        ))
        .execute(connection)?;
    Ok(())
}

/// The refresh token with `token_digest` and its grant, in one query.
pub fn find_refresh_token(
    connection: &mut DbConn,
    token_digest: &str,
) -> StoreResult<Option<(RefreshToken, Grant)>> {
    let row = refresh_tokens::table
        .inner_join(grants::table)
        .filter(refresh_tokens::token_digest.eq(token_digest))
        .select((RefreshTokenRow::as_select(), GrantRow::as_select()))
        .first::<(RefreshTokenRow, GrantRow)>(connection)
        .optional()?;
    row.map(|(token, grant)| Ok((RefreshToken::from(token), Grant::try_from(grant)?)))
        .transpose()
}

/// Marks a refresh token rotated. `false` means a concurrent request rotated it first.
pub fn mark_refresh_token_used(
    connection: &mut DbConn,
    id: &str,
    now: UnixTime,
) -> StoreResult<bool> {
    let updated = diesel::update(
        refresh_tokens::table
            .find(id)
            .filter(refresh_tokens::used_at.is_null()),
    )
    .set(refresh_tokens::used_at.eq(now.as_secs()))
    .execute(connection)?;
    Ok(updated == 1)
}

/// Denies one access token until it expires.
pub fn revoke_access_token(
    connection: &mut DbConn,
    jti: &str,
    expires_at: UnixTime,
) -> StoreResult<()> {
    let exists = revoked_access_tokens::table
        .find(jti)
        .count()
        .get_result::<i64>(connection)?
        > 0;
    if !exists {
        diesel::insert_into(revoked_access_tokens::table)
            .values((
                revoked_access_tokens::jti.eq(jti),
                revoked_access_tokens::expires_at.eq(expires_at.as_secs()),
            ))
            .execute(connection)?;
    }
    Ok(())
}

/// Whether an access token was revoked, on its own or through its grant.
pub fn is_access_token_revoked(
    connection: &mut DbConn,
    jti: &str,
    grant_id: Option<&str>,
) -> StoreResult<bool> {
    use diesel::dsl::{exists, not};
    // One statement, so a token check is one round trip on PostgreSQL.
    let revoked_alone = exists(revoked_access_tokens::table.find(jti));
    let revoked = match grant_id {
        Some(grant_id) => diesel::select(
            revoked_alone.or(not(exists(
                grants::table
                    .find(grant_id)
                    .filter(grants::revoked_at.is_null()),
            ))),
        )
        .get_result::<bool>(connection)?,
        None => diesel::select(revoked_alone).get_result::<bool>(connection)?,
    };
    Ok(revoked)
}

/// Deletes expired grants (their tokens go with them) and expired denials.
pub fn purge_expired(connection: &mut DbConn, cutoff: UnixTime) -> StoreResult<usize> {
    let tokens = diesel::delete(
        refresh_tokens::table.filter(refresh_tokens::expires_at.lt(cutoff.as_secs())),
    )
    .execute(connection)?;
    let grants = diesel::delete(grants::table.filter(grants::expires_at.lt(cutoff.as_secs())))
        .execute(connection)?;
    let denials = diesel::delete(
        revoked_access_tokens::table.filter(revoked_access_tokens::expires_at.lt(cutoff.as_secs())),
    )
    .execute(connection)?;
    Ok(tokens + grants + denials)
}

/// Deletes DPoP proof records whose proofs can no longer be replayed (past `now`): they
/// are only kept to refuse a replay within the proof's lifetime.
pub fn purge_dpop_proofs(connection: &mut DbConn, now: UnixTime) -> StoreResult<usize> {
    Ok(
        diesel::delete(dpop_proofs::table.filter(dpop_proofs::expires_at.lt(now.as_secs())))
            .execute(connection)?,
    )
}

/// An application the user has live grants for: its id, the scopes of those grants (joined),
/// when the first was made and when one was last used (issued or refreshed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConnectedClient {
    /// The application.
    pub client_id: ClientId,
    /// The scopes granted, space-separated.
    pub scopes: String,
    /// The oldest live grant.
    pub since: UnixTime,
    /// The newest grant or refresh.
    pub last_used_at: UnixTime,
}

/// The applications holding live (unrevoked, unexpired) grants of the user.
pub fn connected_clients(
    connection: &mut DbConn,
    user_id: &UserId,
    now: UnixTime,
) -> StoreResult<Vec<ConnectedClient>> {
    let live: Vec<(String, String, String, i64)> = grants::table
        .filter(grants::user_id.eq(user_id.as_str()))
        .filter(grants::revoked_at.is_null())
        .filter(grants::expires_at.gt(now.as_secs()))
        .select((
            grants::id,
            grants::client_id,
            grants::scopes,
            grants::created_at,
        ))
        .load(connection)?;
    let grant_ids: Vec<&str> = live.iter().map(|(id, ..)| id.as_str()).collect();
    let refreshed: Vec<(String, i64)> = refresh_tokens::table
        .filter(refresh_tokens::grant_id.eq_any(&grant_ids))
        .select((refresh_tokens::grant_id, refresh_tokens::created_at))
        .load(connection)?;
    let mut connected: Vec<ConnectedClient> = Vec::new();
    for (grant_id, client_id, scopes, created_at) in &live {
        let last = refreshed
            .iter()
            .filter(|(id, _)| id == grant_id)
            .map(|(_, at)| *at)
            .chain(std::iter::once(*created_at))
            .max()
            .unwrap_or(*created_at);
        match connected
            .iter_mut()
            .find(|entry| entry.client_id.as_str() == client_id)
        {
            Some(entry) => {
                entry.since = entry.since.min(UnixTime(*created_at));
                entry.last_used_at = entry.last_used_at.max(UnixTime(last));
                let mut tokens: Vec<&str> = entry.scopes.split(' ').collect();
                tokens.extend(scopes.split(' '));
                tokens.sort_unstable();
                tokens.dedup();
                entry.scopes = tokens.join(" ");
            }
            None => connected.push(ConnectedClient {
                client_id: ClientId::new(client_id.clone()),
                scopes: scopes.clone(),
                since: UnixTime(*created_at),
                last_used_at: UnixTime(last),
            }),
        }
    }
    connected.sort_by_key(|entry| std::cmp::Reverse(entry.last_used_at));
    Ok(connected)
}

/// Revokes every grant the user gave `client_id`; how many were live.
pub fn revoke_for_client(
    connection: &mut DbConn,
    user_id: &UserId,
    client_id: &ClientId,
    now: UnixTime,
) -> StoreResult<usize> {
    Ok(diesel::update(
        grants::table
            .filter(grants::user_id.eq(user_id.as_str()))
            .filter(grants::client_id.eq(client_id.as_str()))
            .filter(grants::revoked_at.is_null()),
    )
    .set(grants::revoked_at.eq(now.as_secs()))
    .execute(connection)?)
}

/// Which of a user's live grants a revocation reaches.
#[derive(Debug, Clone, Copy)]
pub enum GrantSelection<'a> {
    /// Those held by one client (the user disconnected it).
    OfClient(&'a ClientId),
    /// Those issued in one studio (the studio removed the member).
    InStudio(&'a StudioId),
    /// All of them (the account closed).
    All,
}

/// A relying party to tell, over back-channel logout, that its grants born in a session
/// were revoked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogoutTarget {
    /// The relying party.
    pub client_id: ClientId,
    /// Its `backchannel_logout_uri`.
    pub uri: String,
    /// The browser session the grant was born in (the logout token's `sid`).
    pub session_id: SessionId,
}

/// The relying parties (with a back-channel logout URI) behind the user's live grants that
/// `selection` picks, one per client and session. Read in the revoking transaction, before
/// the revocation.
pub fn logout_targets(
    connection: &mut DbConn,
    user_id: &UserId,
    selection: GrantSelection<'_>,
) -> StoreResult<Vec<LogoutTarget>> {
    let mut query = grants::table
        .inner_join(clients::table.on(clients::id.eq(grants::client_id)))
        .filter(grants::user_id.eq(user_id.as_str()))
        .filter(grants::revoked_at.is_null())
        .filter(clients::backchannel_logout_uri.is_not_null())
        .select((
            clients::id,
            clients::backchannel_logout_uri,
            grants::session_id,
        ))
        .distinct()
        .into_boxed();
    query = match selection {
        GrantSelection::OfClient(client_id) => {
            query.filter(grants::client_id.eq(client_id.as_str().to_owned()))
        }
        GrantSelection::InStudio(studio_id) => {
            query.filter(grants::studio_id.eq(studio_id.as_str().to_owned()))
        }
        GrantSelection::All => query,
    };
    let rows = query.load::<(String, Option<String>, Option<String>)>(connection)?;
    Ok(rows
        .into_iter()
        .filter_map(|(client_id, uri, session_id)| {
            Some(LogoutTarget {
                client_id: ClientId::new(client_id),
                uri: uri?,
                session_id: SessionId::new(session_id?),
            })
        })
        .collect())
}

/// Revokes every grant the user holds in a studio (the studio removed the member).
pub fn revoke_in_studio(
    connection: &mut DbConn,
    user_id: &UserId,
    studio_id: &StudioId,
    now: UnixTime,
) -> StoreResult<usize> {
    Ok(diesel::update(
        grants::table
            .filter(grants::user_id.eq(user_id.as_str()))
            .filter(grants::studio_id.eq(studio_id.as_str()))
            .filter(grants::revoked_at.is_null()),
    )
    .set(grants::revoked_at.eq(now.as_secs()))
    .execute(connection)?)
}
