//! Second factors, kept in `user_credentials` beside the password (see the MFA migration for
//! what each kind stores).

use crate::DbConn;
use crate::error::{StoreResult, corrupt};
use crate::schema::{devices, user_credentials, users};
use diesel::prelude::*;
use gatehouse_core::mfa::{Factor, FactorKind};
use gatehouse_core::{UnixTime, UserId};

/// The password's kind, never touched here.
const PASSWORD: &str = "password";

#[derive(Queryable, Selectable)]
#[diesel(table_name = user_credentials)]
struct FactorRow {
    id: String,
    user_id: String,
    kind: String,
    label: Option<String>,
    created_at: i64,
    last_used_at: Option<i64>,
    confirmed_at: Option<i64>,
}

impl TryFrom<FactorRow> for Factor {
    type Error = crate::StoreError;

    fn try_from(row: FactorRow) -> StoreResult<Self> {
        Ok(Factor {
            id: row.id,
            user_id: UserId::new(row.user_id),
            kind: row.kind.parse().map_err(corrupt)?,
            label: row.label,
            created_at: UnixTime(row.created_at),
            last_used_at: row.last_used_at.map(UnixTime),
            confirmed_at: row.confirmed_at.map(UnixTime),
        })
    }
}

/// A factor with its stored secret (encrypted TOTP key, passkey JSON, recovery digest).
#[derive(Debug, Clone)]
pub struct FactorSecret {
    /// The factor.
    pub factor: Factor,
    /// The stored secret.
    pub secret: String,
    /// TOTP: the last accepted time step.
    pub last_step: Option<i64>,
}

/// A factor row selected with its secret columns.
type SecretRow = (FactorRow, String, Option<i64>);

fn factor_secret((row, secret, last_step): SecretRow) -> StoreResult<FactorSecret> {
    Ok(FactorSecret {
        factor: Factor::try_from(row)?,
        secret,
        last_step,
    })
}

/// What a new factor is made of.
#[derive(Debug, Clone)]
pub struct NewFactor<'a> {
    /// Row id.
    pub id: &'a str,
    /// Owner.
    pub user_id: &'a UserId,
    /// Kind.
    pub kind: FactorKind,
    /// The stored secret ("" when the kind has none).
    pub secret: &'a str,
    /// The user's name for it.
    pub label: Option<&'a str>,
    /// Passkeys: the credential id.
    pub lookup: Option<&'a str>,
    /// Creation time.
    pub now: UnixTime,
    /// Confirmed at once (kinds proven during enrolment) or later.
    pub is_confirmed: bool,
}

/// Stores a factor.
pub fn insert(connection: &mut DbConn, new: &NewFactor<'_>) -> StoreResult<()> {
    diesel::insert_into(user_credentials::table)
        .values((
            user_credentials::id.eq(new.id),
            user_credentials::user_id.eq(new.user_id.as_str()),
            user_credentials::kind.eq(new.kind.as_str()),
            user_credentials::secret.eq(new.secret),
            user_credentials::label.eq(new.label),
            user_credentials::lookup.eq(new.lookup),
            user_credentials::created_at.eq(new.now.as_secs()),
            user_credentials::confirmed_at.eq(new.is_confirmed.then_some(new.now.as_secs())),
        ))
        .execute(connection)?;
    Ok(())
}

/// The user's factors (confirmed or not), oldest first.
pub fn list_for_user(connection: &mut DbConn, user_id: &UserId) -> StoreResult<Vec<Factor>> {
    user_credentials::table
        .filter(user_credentials::user_id.eq(user_id.as_str()))
        .filter(user_credentials::kind.ne(PASSWORD))
        .order((
            user_credentials::created_at.asc(),
            user_credentials::id.asc(),
        ))
        .select(FactorRow::as_select())
        .load(connection)?
        .into_iter()
        .map(Factor::try_from)
        .collect()
}

/// The user's factors of `kind` with their secrets.
pub fn secrets_of_kind(
    connection: &mut DbConn,
    user_id: &UserId,
    kind: FactorKind,
) -> StoreResult<Vec<FactorSecret>> {
    user_credentials::table
        .filter(user_credentials::user_id.eq(user_id.as_str()))
        .filter(user_credentials::kind.eq(kind.as_str()))
        .order(user_credentials::created_at.asc())
        .select((
            FactorRow::as_select(),
            user_credentials::secret,
            user_credentials::last_step,
        ))
        .load::<SecretRow>(connection)?
        .into_iter()
        .map(factor_secret)
        .collect()
}

/// One of the user's factors, with its secret.
pub fn find_for_user(
    connection: &mut DbConn,
    user_id: &UserId,
    id: &str,
) -> StoreResult<Option<FactorSecret>> {
    user_credentials::table
        .filter(user_credentials::id.eq(id))
        .filter(user_credentials::user_id.eq(user_id.as_str()))
        .filter(user_credentials::kind.ne(PASSWORD))
        .select((
            FactorRow::as_select(),
            user_credentials::secret,
            user_credentials::last_step,
        ))
        .first::<SecretRow>(connection)
        .optional()?
        .map(factor_secret)
        .transpose()
}

/// The passkey with credential id `lookup`, whoever owns it.
pub fn find_passkey(connection: &mut DbConn, lookup: &str) -> StoreResult<Option<FactorSecret>> {
    user_credentials::table
        .filter(user_credentials::lookup.eq(lookup))
        .filter(user_credentials::kind.eq(FactorKind::Passkey.as_str()))
        .select((
            FactorRow::as_select(),
            user_credentials::secret,
            user_credentials::last_step,
        ))
        .first::<SecretRow>(connection)
        .optional()?
        .map(factor_secret)
        .transpose()
}

/// Whether a passkey with credential id `lookup` is registered to anyone.
pub fn passkey_exists(connection: &mut DbConn, lookup: &str) -> StoreResult<bool> {
    Ok(user_credentials::table
        .filter(user_credentials::lookup.eq(lookup))
        .count()
        .get_result::<i64>(connection)?
        > 0)
}

/// Marks a pending factor confirmed, optionally replacing its secret. `false` when it was
/// not pending.
pub fn confirm(
    connection: &mut DbConn,
    user_id: &UserId,
    id: &str,
    now: UnixTime,
) -> StoreResult<bool> {
    Ok(diesel::update(
        user_credentials::table
            .filter(user_credentials::id.eq(id))
            .filter(user_credentials::user_id.eq(user_id.as_str()))
            .filter(user_credentials::confirmed_at.is_null()),
    )
    .set((
        user_credentials::confirmed_at.eq(now.as_secs()),
        user_credentials::last_used_at.eq(now.as_secs()),
    ))
    .execute(connection)?
        == 1)
}

/// Accepts TOTP time step `step` for the factor only if it is later than every step accepted
/// before (RFC 6238 §5.2: a code is valid once). One statement, so two sign-ins racing with
/// the same code cannot both win.
pub fn accept_totp_step(
    connection: &mut DbConn,
    id: &str,
    step: i64,
    now: UnixTime,
) -> StoreResult<bool> {
    Ok(diesel::update(
        user_credentials::table
            .filter(user_credentials::id.eq(id))
            .filter(
                user_credentials::last_step
                    .is_null()
                    .or(user_credentials::last_step.lt(step)),
            ),
    )
    .set((
        user_credentials::last_step.eq(step),
        user_credentials::last_used_at.eq(now.as_secs()),
    ))
    .execute(connection)?
        == 1)
}

/// Spends a recovery code. `false` when it was spent already.
pub fn spend_recovery_code(connection: &mut DbConn, id: &str, now: UnixTime) -> StoreResult<bool> {
    Ok(diesel::update(
        user_credentials::table
            .filter(user_credentials::id.eq(id))
            .filter(user_credentials::kind.eq(FactorKind::RecoveryCode.as_str()))
            .filter(user_credentials::last_used_at.is_null()),
    )
    .set(user_credentials::last_used_at.eq(now.as_secs()))
    .execute(connection)?
        == 1)
}

/// Records a use of the factor, replacing its secret when given (a passkey's counter).
pub fn record_use(
    connection: &mut DbConn,
    id: &str,
    new_secret: Option<&str>,
    now: UnixTime,
) -> StoreResult<()> {
    match new_secret {
        Some(secret) => diesel::update(user_credentials::table.find(id))
            .set((
                user_credentials::last_used_at.eq(now.as_secs()),
                user_credentials::secret.eq(secret),
            ))
            .execute(connection)?,
        None => diesel::update(user_credentials::table.find(id))
            .set(user_credentials::last_used_at.eq(now.as_secs()))
            .execute(connection)?,
    };
    Ok(())
}

/// Renames one of the user's factors. `false` when there is no such factor.
pub fn rename(
    connection: &mut DbConn,
    user_id: &UserId,
    id: &str,
    label: &str,
) -> StoreResult<bool> {
    Ok(diesel::update(
        user_credentials::table
            .filter(user_credentials::id.eq(id))
            .filter(user_credentials::user_id.eq(user_id.as_str()))
            .filter(user_credentials::kind.ne(PASSWORD)),
    )
    .set(user_credentials::label.eq(label))
    .execute(connection)?
        == 1)
}

/// Deletes one of the user's factors. `false` when there is no such factor.
pub fn delete(connection: &mut DbConn, user_id: &UserId, id: &str) -> StoreResult<bool> {
    Ok(diesel::delete(
        user_credentials::table
            .filter(user_credentials::id.eq(id))
            .filter(user_credentials::user_id.eq(user_id.as_str()))
            .filter(user_credentials::kind.ne(PASSWORD)),
    )
    .execute(connection)?
        == 1)
}

/// Deletes the user's factors of `kind` (pending ones too).
pub fn delete_kind(
    connection: &mut DbConn,
    user_id: &UserId,
    kind: FactorKind,
) -> StoreResult<usize> {
    Ok(diesel::delete(
        user_credentials::table
            .filter(user_credentials::user_id.eq(user_id.as_str()))
            .filter(user_credentials::kind.eq(kind.as_str())),
    )
    .execute(connection)?)
}

/// Deletes the user's unconfirmed factors of `kind` (an enrolment started over).
pub fn delete_pending(
    connection: &mut DbConn,
    user_id: &UserId,
    kind: FactorKind,
) -> StoreResult<usize> {
    Ok(diesel::delete(
        user_credentials::table
            .filter(user_credentials::user_id.eq(user_id.as_str()))
            .filter(user_credentials::kind.eq(kind.as_str()))
            .filter(user_credentials::confirmed_at.is_null()),
    )
    .execute(connection)?)
}

/// Deletes every second factor of the user and forgets every device's "remember me for the
/// second factor" (an MFA reset). Returns how many factors went.
pub fn delete_all(connection: &mut DbConn, user_id: &UserId) -> StoreResult<usize> {
    let deleted = diesel::delete(
        user_credentials::table
            .filter(user_credentials::user_id.eq(user_id.as_str()))
            .filter(user_credentials::kind.ne(PASSWORD)),
    )
    .execute(connection)?;
    forget_devices(connection, user_id)?;
    diesel::update(users::table.find(user_id.as_str()))
        .set(users::preferred_factor.eq(None::<String>))
        .execute(connection)?;
    Ok(deleted)
}

/// Deletes pending factors whose enrolment window closed before `cutoff`.
pub fn purge_unconfirmed(connection: &mut DbConn, cutoff: UnixTime) -> StoreResult<usize> {
    Ok(diesel::delete(
        user_credentials::table
            .filter(user_credentials::kind.ne(PASSWORD))
            .filter(user_credentials::confirmed_at.is_null())
            .filter(user_credentials::created_at.lt(cutoff.as_secs())),
    )
    .execute(connection)?)
}

/// The factor kind the user used last.
pub fn preferred_kind(
    connection: &mut DbConn,
    user_id: &UserId,
) -> StoreResult<Option<FactorKind>> {
    let stored: Option<Option<String>> = users::table
        .find(user_id.as_str())
        .select(users::preferred_factor)
        .first(connection)
        .optional()?;
    Ok(stored.flatten().and_then(|kind| kind.parse().ok()))
}

/// Remembers the factor kind the user used last.
pub fn set_preferred_kind(
    connection: &mut DbConn,
    user_id: &UserId,
    kind: FactorKind,
) -> StoreResult<()> {
    diesel::update(users::table.find(user_id.as_str()))
        .set(users::preferred_factor.eq(kind.as_str()))
        .execute(connection)?;
    Ok(())
}

/// The user's WebAuthn user handle, if one was made.
pub fn passkey_handle(connection: &mut DbConn, user_id: &UserId) -> StoreResult<Option<String>> {
    let stored: Option<Option<String>> = users::table
        .find(user_id.as_str())
        .select(users::passkey_handle)
        .first(connection)
        .optional()?;
    Ok(stored.flatten())
}

/// Sets the user's WebAuthn user handle unless one exists; returns the handle in force.
pub fn ensure_passkey_handle(
    connection: &mut DbConn,
    user_id: &UserId,
    candidate: &str,
) -> StoreResult<String> {
    diesel::update(
        users::table
            .find(user_id.as_str())
            .filter(users::passkey_handle.is_null()),
    )
    .set(users::passkey_handle.eq(candidate))
    .execute(connection)?;
    passkey_handle(connection, user_id)?.ok_or_else(|| corrupt("the user vanished"))
}

/// The user with WebAuthn user handle `handle`.
pub fn user_by_passkey_handle(
    connection: &mut DbConn,
    handle: &str,
) -> StoreResult<Option<UserId>> {
    Ok(users::table
        .filter(users::passkey_handle.eq(handle))
        .select(users::id)
        .first::<String>(connection)
        .optional()?
        .map(UserId::new))
}

/// Until when the user's device with cookie digest `token_digest` may skip the second factor.
pub fn device_remembered_until(
    connection: &mut DbConn,
    user_id: &UserId,
    token_digest: &str,
) -> StoreResult<Option<UnixTime>> {
    let stored: Option<Option<i64>> = devices::table
        .filter(devices::user_id.eq(user_id.as_str()))
        .filter(devices::token_digest.eq(token_digest))
        .select(devices::mfa_remembered_until)
        .first(connection)
        .optional()?;
    Ok(stored.flatten().map(UnixTime))
}

/// Lets the device skip the second factor until `until`.
pub fn remember_device(
    connection: &mut DbConn,
    device_id: &gatehouse_core::DeviceId,
    until: UnixTime,
) -> StoreResult<()> {
    diesel::update(devices::table.find(device_id.as_str()))
        .set(devices::mfa_remembered_until.eq(until.as_secs()))
        .execute(connection)?;
    Ok(())
}

/// Makes every device of the user ask for the second factor again.
pub fn forget_devices(connection: &mut DbConn, user_id: &UserId) -> StoreResult<usize> {
    Ok(
        diesel::update(devices::table.filter(devices::user_id.eq(user_id.as_str())))
            .set(devices::mfa_remembered_until.eq(None::<i64>))
            .execute(connection)?,
    )
}
