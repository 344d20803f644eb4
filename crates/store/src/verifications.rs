//! One-time codes and links (registration, activation, password reset, e-mail and phone
//! changes), kept as digests.

use crate::DbConn;
use crate::error::{StoreResult, corrupt};
use crate::schema::verification_codes;
use diesel::prelude::*;
use gatehouse_core::verification::Purpose;
use gatehouse_core::{UnixTime, UserId};

/// A stored code or link.
#[derive(Debug, Clone)]
pub struct Verification {
    /// Row id.
    pub id: String,
    /// What it is for.
    pub purpose: String,
    /// The account, or `None` for a request about no account (answered the same way).
    pub user_id: Option<UserId>,
    /// `email` or `sms`.
    pub channel: String,
    /// The address or number it was sent to.
    pub target: Option<String>,
    /// Keyed digest of the short code, if one was sent.
    pub code_digest: Option<String>,
    /// Wrong codes so far.
    pub attempts: i32,
    /// Purpose-specific JSON (the flow to resume, the new e-mail, ...).
    pub data: serde_json::Value,
    /// End of validity.
    pub expires_at: UnixTime,
    /// When it was used.
    pub consumed_at: Option<UnixTime>,
}

/// What a new code or link is made of.
#[derive(Debug, Clone)]
pub struct NewVerification<'a> {
    /// Row id.
    pub id: &'a str,
    /// Purpose.
    pub purpose: Purpose,
    /// The account, if any.
    pub user_id: Option<&'a UserId>,
    /// `email` or `sms`.
    pub channel: &'a str,
    /// Where it was sent.
    pub target: Option<&'a str>,
    /// Digest of the request id that travels in page URLs.
    pub request_digest: &'a str,
    /// Digest of the link token, for links.
    pub link_digest: Option<&'a str>,
    /// Keyed digest of the short code, for codes.
    pub code_digest: Option<&'a str>,
    /// Purpose-specific data.
    pub data: &'a serde_json::Value,
    /// Creation time.
    pub now: UnixTime,
    /// End of validity.
    pub expires_at: UnixTime,
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = verification_codes)]
struct VerificationRow {
    id: String,
    purpose: String,
    user_id: Option<String>,
    channel: String,
    target: Option<String>,
    code_digest: Option<String>,
    attempts: i32,
    data: String,
    expires_at: i64,
    consumed_at: Option<i64>,
}

impl TryFrom<VerificationRow> for Verification {
    type Error = crate::StoreError;

    fn try_from(row: VerificationRow) -> StoreResult<Self> {
        Ok(Verification {
            id: row.id,
            purpose: row.purpose,
            user_id: row.user_id.map(UserId::new),
            channel: row.channel,
            target: row.target,
            code_digest: row.code_digest,
            attempts: row.attempts,
            data: serde_json::from_str(&row.data).map_err(corrupt)?,
            expires_at: UnixTime(row.expires_at),
            consumed_at: row.consumed_at.map(UnixTime),
        })
    }
}

/// Stores a code or link.
pub fn insert(connection: &mut DbConn, new: &NewVerification<'_>) -> StoreResult<()> {
    diesel::insert_into(verification_codes::table)
        .values((
            verification_codes::id.eq(new.id),
            verification_codes::purpose.eq(new.purpose.as_str()),
            verification_codes::user_id.eq(new.user_id.map(UserId::as_str)),
            verification_codes::channel.eq(new.channel),
            verification_codes::target.eq(new.target),
            verification_codes::request_digest.eq(new.request_digest),
            verification_codes::link_digest.eq(new.link_digest),
            verification_codes::code_digest.eq(new.code_digest),
            verification_codes::data.eq(new.data.to_string()),
            verification_codes::created_at.eq(new.now.as_secs()),
            verification_codes::expires_at.eq(new.expires_at.as_secs()),
        ))
        .execute(connection)?;
    Ok(())
}

/// The code behind a request id (the code-entry page's URL).
pub fn find_by_request(
    connection: &mut DbConn,
    purpose: Purpose,
    request_digest: &str,
) -> StoreResult<Option<Verification>> {
    verification_codes::table
        .filter(verification_codes::request_digest.eq(request_digest))
        .filter(verification_codes::purpose.eq(purpose.as_str()))
        .select(VerificationRow::as_select())
        .first(connection)
        .optional()?
        .map(Verification::try_from)
        .transpose()
}

/// The code behind a link token.
pub fn find_by_link(
    connection: &mut DbConn,
    purpose: Purpose,
    link_digest: &str,
) -> StoreResult<Option<Verification>> {
    verification_codes::table
        .filter(verification_codes::link_digest.eq(link_digest))
        .filter(verification_codes::purpose.eq(purpose.as_str()))
        .select(VerificationRow::as_select())
        .first(connection)
        .optional()?
        .map(Verification::try_from)
        .transpose()
}

/// The user's newest live code of `purpose` (the account page's pending change).
pub fn find_pending_for_user(
    connection: &mut DbConn,
    user_id: &UserId,
    purpose: Purpose,
    now: UnixTime,
) -> StoreResult<Option<Verification>> {
    verification_codes::table
        .filter(verification_codes::user_id.eq(user_id.as_str()))
        .filter(verification_codes::purpose.eq(purpose.as_str()))
        .filter(verification_codes::consumed_at.is_null())
        .filter(verification_codes::expires_at.gt(now.as_secs()))
        .order(verification_codes::created_at.desc())
        .select(VerificationRow::as_select())
        .first(connection)
        .optional()?
        .map(Verification::try_from)
        .transpose()
}

/// Reserves one of the `max_attempts` guesses at a live code before the guess is compared:
/// one conditional update, so parallel guesses each take one and the `max_attempts + 1`-th
/// finds none left. `false` when the code is used, expired or out of attempts.
pub fn reserve_attempt(
    connection: &mut DbConn,
    id: &str,
    max_attempts: i32,
    now: UnixTime,
) -> StoreResult<bool> {
    Ok(diesel::update(
        verification_codes::table
            .find(id)
            .filter(verification_codes::attempts.lt(max_attempts))
            .filter(verification_codes::consumed_at.is_null())
            .filter(verification_codes::expires_at.gt(now.as_secs())),
    )
    .set(verification_codes::attempts.eq(verification_codes::attempts + 1))
    .execute(connection)?
        == 1)
}

/// Gives back a reserved attempt whose guess was right (the code may be checked again
/// before it is consumed, as when a reset code comes back with the new password).
pub fn refund_attempt(connection: &mut DbConn, id: &str) -> StoreResult<()> {
    diesel::update(
        verification_codes::table
            .find(id)
            .filter(verification_codes::attempts.gt(0)),
    )
    .set(verification_codes::attempts.eq(verification_codes::attempts - 1))
    .execute(connection)?;
    Ok(())
}

/// Marks a code used. `false` when it was used already (single use under concurrency).
pub fn consume(connection: &mut DbConn, id: &str, now: UnixTime) -> StoreResult<bool> {
    Ok(diesel::update(
        verification_codes::table
            .find(id)
            .filter(verification_codes::consumed_at.is_null()),
    )
    .set(verification_codes::consumed_at.eq(now.as_secs()))
    .execute(connection)?
        == 1)
}

/// Makes a consumed code usable again (the action it allowed was refused, e.g. a password
/// that breaks the rules), so the user can retry with the same code.
pub fn release(connection: &mut DbConn, id: &str) -> StoreResult<()> {
    diesel::update(verification_codes::table.find(id))
        .set(verification_codes::consumed_at.eq(None::<i64>))
        .execute(connection)?;
    Ok(())
}

/// Retires the user's unused codes for `purpose` (a newer one replaces them).
pub fn retire_for_user(
    connection: &mut DbConn,
    user_id: &UserId,
    purpose: Purpose,
    now: UnixTime,
) -> StoreResult<()> {
    diesel::update(
        verification_codes::table
            .filter(verification_codes::user_id.eq(user_id.as_str()))
            .filter(verification_codes::purpose.eq(purpose.as_str()))
            .filter(verification_codes::consumed_at.is_null()),
    )
    .set(verification_codes::consumed_at.eq(now.as_secs()))
    .execute(connection)?;
    Ok(())
}

/// How many codes of `purpose` were sent to `target` since `since` (per-recipient rate limit).
pub fn count_sent_since(
    connection: &mut DbConn,
    purpose: Purpose,
    target: &str,
    since: UnixTime,
) -> StoreResult<i64> {
    Ok(verification_codes::table
        .filter(verification_codes::purpose.eq(purpose.as_str()))
        .filter(verification_codes::target.eq(target))
        .filter(verification_codes::created_at.ge(since.as_secs()))
        .count()
        .get_result(connection)?)
}

/// Deletes requests of `purposes` that expired before `now` (ceremonies and parked sign-ins
/// that nobody will look at again).
pub fn purge_expired_of(
    connection: &mut DbConn,
    purposes: &[Purpose],
    now: UnixTime,
) -> StoreResult<usize> {
    let names: Vec<&str> = purposes.iter().map(|purpose| purpose.as_str()).collect();
    Ok(diesel::delete(
        verification_codes::table
            .filter(verification_codes::purpose.eq_any(names))
            .filter(verification_codes::expires_at.lt(now.as_secs())),
    )
    .execute(connection)?)
}

/// Deletes codes that expired before `cutoff`.
pub fn purge_expired(connection: &mut DbConn, cutoff: UnixTime) -> StoreResult<usize> {
    Ok(diesel::delete(
        verification_codes::table.filter(verification_codes::expires_at.lt(cutoff.as_secs())),
    )
    .execute(connection)?)
}
