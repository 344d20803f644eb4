//! Browser sessions.

use crate::DbConn;
use crate::error::StoreResult;
use crate::rows::{authentication, to_json_list};
use crate::schema::{grants, sessions, users};
use diesel::prelude::*;
use gatehouse_core::session::BrowserSession;
use gatehouse_core::{SessionId, UnixTime, UserId};

#[derive(Queryable, Selectable)]
#[diesel(table_name = sessions)]
struct SessionRow {
    id: String,
    user_id: String,
    auth_time: i64,
    amr: String,
    acr: String,
    is_persistent: bool,
    created_at: i64,
    expires_at: i64,
    ended_at: Option<i64>,
}

impl TryFrom<SessionRow> for BrowserSession {
    type Error = crate::StoreError;

    fn try_from(row: SessionRow) -> StoreResult<Self> {
        Ok(BrowserSession {
            id: SessionId::new(row.id),
            user_id: UserId::new(row.user_id),
            authentication: authentication(row.auth_time, &row.amr, row.acr)?,
            is_persistent: row.is_persistent,
            created_at: UnixTime(row.created_at),
            expires_at: UnixTime(row.expires_at),
            ended_at: row.ended_at.map(UnixTime),
        })
    }
}

/// Where a session was started from, for the user's session list.
#[derive(Debug, Clone, Default)]
pub struct SessionOrigin {
    /// The browser's User-Agent.
    pub user_agent: Option<String>,
    /// The client address.
    pub ip_address: Option<String>,
}

/// Stores a new session; `token_digest` is the digest of the cookie secret.
pub fn insert(
    connection: &mut DbConn,
    session: &BrowserSession,
    token_digest: &str,
    origin: &SessionOrigin,
) -> StoreResult<()> {
    diesel::insert_into(sessions::table)
        .values((
            sessions::id.eq(session.id.as_str()),
            sessions::token_digest.eq(token_digest),
            sessions::user_id.eq(session.user_id.as_str()),
            sessions::auth_time.eq(session.authentication.auth_time.as_secs()),
            sessions::amr.eq(to_json_list(&session.authentication.amr)),
            sessions::acr.eq(&session.authentication.acr),
            sessions::is_persistent.eq(session.is_persistent),
            sessions::user_agent.eq(origin.user_agent.as_deref()),
            sessions::ip_address.eq(origin.ip_address.as_deref()),
            sessions::created_at.eq(session.created_at.as_secs()),
            sessions::last_seen_at.eq(session.created_at.as_secs()),
            sessions::expires_at.eq(session.expires_at.as_secs()),
        ))
        .execute(connection)?;
    Ok(())
}

/// The session whose cookie secret has `token_digest`, active or not.
pub fn find_by_token_digest(
    connection: &mut DbConn,
    token_digest: &str,
) -> StoreResult<Option<BrowserSession>> {
    sessions::table
        .filter(sessions::token_digest.eq(token_digest))
        .select(SessionRow::as_select())
        .first(connection)
        .optional()?
        .map(BrowserSession::try_from)
        .transpose()
}

/// The session whose cookie secret has `token_digest`, with its user, in one query.
pub fn find_with_user_by_token_digest(
    connection: &mut DbConn,
    token_digest: &str,
) -> StoreResult<Option<(BrowserSession, gatehouse_core::user::User)>> {
    let row = sessions::table
        .inner_join(users::table)
        .filter(sessions::token_digest.eq(token_digest))
        .select((SessionRow::as_select(), crate::users::UserRow::as_select()))
        .first::<(SessionRow, crate::users::UserRow)>(connection)
        .optional()?;
    row.map(|(session, user)| Ok((BrowserSession::try_from(session)?, user.into())))
        .transpose()
}

/// The session with public id `id`.
pub fn find(connection: &mut DbConn, id: &SessionId) -> StoreResult<Option<BrowserSession>> {
    sessions::table
        .find(id.as_str())
        .select(SessionRow::as_select())
        .first(connection)
        .optional()?
        .map(BrowserSession::try_from)
        .transpose()
}

/// Ends a session and revokes the grants born in it, except `offline_access` ones
/// (OIDC Core §11: offline access outlives the browser session). Returns whether the
/// session was active.
pub fn end(connection: &mut DbConn, id: &SessionId, now: UnixTime) -> StoreResult<bool> {
    let ended = diesel::update(
        sessions::table
            .find(id.as_str())
            .filter(sessions::ended_at.is_null()),
    )
    .set(sessions::ended_at.eq(now.as_secs()))
    .execute(connection)?;
    diesel::update(
        grants::table
            .filter(grants::session_id.eq(id.as_str()))
            .filter(grants::is_offline.eq(false))
            .filter(grants::revoked_at.is_null()),
    )
    .set(grants::revoked_at.eq(now.as_secs()))
    .execute(connection)?;
    Ok(ended > 0)
}

/// Deletes sessions that ended or expired before `cutoff`.
pub fn purge_before(connection: &mut DbConn, cutoff: UnixTime) -> StoreResult<usize> {
    Ok(diesel::delete(
        sessions::table.filter(
            sessions::expires_at
                .lt(cutoff.as_secs())
                .or(sessions::ended_at.lt(cutoff.as_secs())),
        ),
    )
    .execute(connection)?)
}
