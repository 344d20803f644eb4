//! Browser sessions.

use crate::DbConn;
use crate::error::StoreResult;
use crate::rows::{authentication, to_json_list};
use crate::schema::{clients, devices, grants, sessions, users};
use diesel::prelude::*;
use gatehouse_core::session::BrowserSession;
use gatehouse_core::{ClientId, DeviceId, SessionId, StudioId, UnixTime, UserId};

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
    studio_id: Option<String>,
    device_id: Option<String>,
}

impl TryFrom<SessionRow> for BrowserSession {
    type Error = crate::StoreError;

    fn try_from(row: SessionRow) -> StoreResult<Self> {
        Ok(BrowserSession {
            id: SessionId::new(row.id),
            user_id: UserId::new(row.user_id),
            authentication: authentication(row.auth_time, &row.amr, row.acr)?,
            is_persistent: row.is_persistent,
            device_id: row.device_id.map(DeviceId::new),
            studio_id: row.studio_id.map(StudioId::new),
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

/// A session as the account page lists it.
#[derive(Debug, Clone)]
pub struct SessionSummary {
    /// The session.
    pub session: BrowserSession,
    /// Where it was started.
    pub origin: SessionOrigin,
    /// Its device's name.
    pub device_name: Option<String>,
    /// Last activity.
    pub last_seen_at: UnixTime,
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
            sessions::studio_id.eq(session.studio_id.as_ref().map(StudioId::as_str)),
            sessions::device_id.eq(session.device_id.as_ref().map(DeviceId::as_str)),
        ))
        .execute(connection)?;
    Ok(())
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

/// Records a step-up: the session now carries what the user proved just now.
pub fn set_authentication(
    connection: &mut DbConn,
    id: &SessionId,
    authentication: &gatehouse_core::session::Authentication,
) -> StoreResult<()> {
    diesel::update(sessions::table.find(id.as_str()))
        .set((
            sessions::auth_time.eq(authentication.auth_time.as_secs()),
            sessions::amr.eq(to_json_list(&authentication.amr)),
            sessions::acr.eq(&authentication.acr),
        ))
        .execute(connection)?;
    Ok(())
}

/// Records the studio the user is working in.
pub fn set_studio(
    connection: &mut DbConn,
    id: &SessionId,
    studio_id: &StudioId,
) -> StoreResult<()> {
    diesel::update(sessions::table.find(id.as_str()))
        .set(sessions::studio_id.eq(studio_id.as_str()))
        .execute(connection)?;
    Ok(())
}

/// The user's sessions that have not ended or expired, newest first.
pub fn list_active_for_user(
    connection: &mut DbConn,
    user_id: &UserId,
    now: UnixTime,
) -> StoreResult<Vec<SessionSummary>> {
    let rows = sessions::table
        .left_join(devices::table.on(devices::id.nullable().eq(sessions::device_id)))
        .filter(sessions::user_id.eq(user_id.as_str()))
        .filter(sessions::ended_at.is_null())
        .filter(sessions::expires_at.gt(now.as_secs()))
        .order(sessions::created_at.desc())
        .select((
            SessionRow::as_select(),
            sessions::user_agent,
            sessions::ip_address,
            sessions::last_seen_at,
            devices::name.nullable(),
        ))
        .load::<(
            SessionRow,
            Option<String>,
            Option<String>,
            i64,
            Option<String>,
        )>(connection)?;
    rows.into_iter()
        .map(|(row, user_agent, ip_address, last_seen_at, device_name)| {
            Ok(SessionSummary {
                session: BrowserSession::try_from(row)?,
                origin: SessionOrigin {
                    user_agent,
                    ip_address,
                },
                device_name,
                last_seen_at: UnixTime(last_seen_at),
            })
        })
        .collect()
}

/// Ids of the active sessions of a user, or of one of its devices.
pub fn active_ids(
    connection: &mut DbConn,
    user_id: &UserId,
    device_id: Option<&DeviceId>,
    now: UnixTime,
) -> StoreResult<Vec<SessionId>> {
    let mut query = sessions::table
        .filter(sessions::user_id.eq(user_id.as_str()))
        .filter(sessions::ended_at.is_null())
        .filter(sessions::expires_at.gt(now.as_secs()))
        .select(sessions::id)
        .into_boxed();
    if let Some(device_id) = device_id {
        query = query.filter(sessions::device_id.eq(device_id.as_str()));
    }
    Ok(query
        .load::<String>(connection)?
        .into_iter()
        .map(SessionId::new)
        .collect())
}

/// Who must hear about the end of session `id` (OIDC Back-Channel Logout): every client with
/// a back-channel URI that received tokens in it.
pub fn logout_audience(
    connection: &mut DbConn,
    id: &SessionId,
) -> StoreResult<Vec<(ClientId, String)>> {
    let rows = grants::table
        .inner_join(clients::table.on(clients::id.eq(grants::client_id)))
        .filter(grants::session_id.eq(id.as_str()))
        .filter(clients::backchannel_logout_uri.is_not_null())
        .select((clients::id, clients::backchannel_logout_uri))
        .distinct()
        .load::<(String, Option<String>)>(connection)?;
    Ok(rows
        .into_iter()
        .filter_map(|(client, uri)| uri.map(|uri| (ClientId::new(client), uri)))
        .collect())
}

/// How far ending a session reaches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Revocation {
    /// Revoke the session's grants except `offline_access` ones (RP-initiated logout).
    OnlineGrants,
    /// Revoke every grant of the session (the user or an admin ended it explicitly).
    AllGrants,
}

/// Ends a session and revokes the grants born in it. Returns whether it was active.
pub fn end(
    connection: &mut DbConn,
    id: &SessionId,
    revocation: Revocation,
    now: UnixTime,
) -> StoreResult<bool> {
    let ended = diesel::update(
        sessions::table
            .find(id.as_str())
            .filter(sessions::ended_at.is_null()),
    )
    .set(sessions::ended_at.eq(now.as_secs()))
    .execute(connection)?;
    let grants_of_session = grants::table
        .filter(grants::session_id.eq(id.as_str()))
        .filter(grants::revoked_at.is_null());
    match revocation {
        Revocation::OnlineGrants => {
            diesel::update(grants_of_session.filter(grants::is_offline.eq(false)))
                .set(grants::revoked_at.eq(now.as_secs()))
                .execute(connection)?;
        }
        Revocation::AllGrants => {
            diesel::update(grants_of_session)
                .set(grants::revoked_at.eq(now.as_secs()))
                .execute(connection)?;
        }
    }
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
