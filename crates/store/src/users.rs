//! Users and their credentials.

use crate::DbConn;
use crate::error::{StoreError, StoreResult, corrupt};
use crate::schema::{user_credentials, users};
use diesel::prelude::*;
use gatehouse_core::user::{User, UserStatus};
use gatehouse_core::{StudioId, UnixTime, UserId};

/// The credential kind of a password (a PHC-format argon2id hash).
pub const PASSWORD: &str = "password";

#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = users)]
pub(crate) struct UserRow {
    id: String,
    email: String,
    email_verified: bool,
    name: Option<String>,
    phone_number: Option<String>,
    phone_number_verified: bool,
    locale: Option<String>,
    status: String,
    created_at: i64,
    updated_at: i64,
    last_studio_id: Option<String>,
    password_changed_at: Option<i64>,
}

impl From<UserRow> for User {
    fn from(row: UserRow) -> Self {
        User {
            id: UserId::new(row.id),
            email: row.email,
            email_verified: row.email_verified,
            name: row.name,
            phone_number: row.phone_number,
            phone_number_verified: row.phone_number_verified,
            locale: row.locale,
            status: UserStatus::parse(&row.status),
            last_studio_id: row.last_studio_id.map(StudioId::new),
            password_changed_at: row.password_changed_at.map(UnixTime),
            created_at: UnixTime(row.created_at),
            updated_at: UnixTime(row.updated_at),
        }
    }
}

impl From<&User> for UserRow {
    fn from(user: &User) -> Self {
        UserRow {
            id: user.id.as_str().to_owned(),
            email: user.email.clone(),
            email_verified: user.email_verified,
            name: user.name.clone(),
            phone_number: user.phone_number.clone(),
            phone_number_verified: user.phone_number_verified,
            locale: user.locale.clone(),
            status: user.status.as_str().to_owned(),
            created_at: user.created_at.as_secs(),
            updated_at: user.updated_at.as_secs(),
            last_studio_id: user
                .last_studio_id
                .as_ref()
                .map(|id| id.as_str().to_owned()),
            password_changed_at: user.password_changed_at.map(UnixTime::as_secs),
        }
    }
}

/// Adds a user; [`StoreError::Conflict`] when the e-mail is taken.
pub fn insert(connection: &mut DbConn, user: &User) -> StoreResult<()> {
    diesel::insert_into(users::table)
        .values(UserRow::from(user))
        .execute(connection)
        .map_err(|error| StoreError::conflict_as(error, "a user with this e-mail"))?;
    Ok(())
}

/// The user with `id`.
pub fn find(connection: &mut DbConn, id: &UserId) -> StoreResult<Option<User>> {
    Ok(users::table
        .find(id.as_str())
        .select(UserRow::as_select())
        .first(connection)
        .optional()?
        .map(User::from))
}

/// The user with `id`, or [`StoreError::NotFound`].
pub fn get(connection: &mut DbConn, id: &UserId) -> StoreResult<User> {
    find(connection, id)?.ok_or(StoreError::NotFound("user"))
}

/// The user whose normalised e-mail is `email`.
pub fn find_by_email(connection: &mut DbConn, email: &str) -> StoreResult<Option<User>> {
    Ok(users::table
        .filter(users::email.eq(email))
        .select(UserRow::as_select())
        .first(connection)
        .optional()?
        .map(User::from))
}

/// The user with `email` and their password hash, in one query: the sign-in hot path.
pub fn find_with_password_by_email(
    connection: &mut DbConn,
    email: &str,
) -> StoreResult<Option<(User, Option<String>)>> {
    let row = users::table
        .left_join(
            user_credentials::table.on(user_credentials::user_id
                .eq(users::id)
                .and(user_credentials::kind.eq(PASSWORD))),
        )
        .filter(users::email.eq(email))
        .select((UserRow::as_select(), user_credentials::secret.nullable()))
        .first::<(UserRow, Option<String>)>(connection)
        .optional()?;
    Ok(row.map(|(user, hash)| (User::from(user), hash)))
}

/// The user with `id` and their password hash, in one query.
pub fn find_with_password(
    connection: &mut DbConn,
    id: &UserId,
) -> StoreResult<Option<(User, Option<String>)>> {
    let row = users::table
        .left_join(
            user_credentials::table.on(user_credentials::user_id
                .eq(users::id)
                .and(user_credentials::kind.eq(PASSWORD))),
        )
        .filter(users::id.eq(id.as_str()))
        .select((UserRow::as_select(), user_credentials::secret.nullable()))
        .first::<(UserRow, Option<String>)>(connection)
        .optional()?;
    Ok(row.map(|(user, hash)| (User::from(user), hash)))
}

/// Sets (or replaces) the user's password hash.
pub fn set_password(
    connection: &mut DbConn,
    user_id: &UserId,
    credential_id: &str,
    password_hash: &str,
    now: UnixTime,
) -> StoreResult<()> {
    diesel::delete(
        user_credentials::table
            .filter(user_credentials::user_id.eq(user_id.as_str()))
            .filter(user_credentials::kind.eq(PASSWORD)),
    )
    .execute(connection)?;
    diesel::insert_into(user_credentials::table)
        .values((
            user_credentials::id.eq(credential_id),
            user_credentials::user_id.eq(user_id.as_str()),
            user_credentials::kind.eq(PASSWORD),
            user_credentials::secret.eq(password_hash),
            user_credentials::created_at.eq(now.as_secs()),
        ))
        .execute(connection)?;
    diesel::update(users::table.find(user_id.as_str()))
        .set((
            users::password_changed_at.eq(now.as_secs()),
            users::updated_at.eq(now.as_secs()),
        ))
        .execute(connection)?;
    Ok(())
}

/// Remembers the studio the user chose, to offer it first next time.
pub fn set_last_studio(
    connection: &mut DbConn,
    user_id: &UserId,
    studio_id: &StudioId,
) -> StoreResult<()> {
    diesel::update(users::table.find(user_id.as_str()))
        .set(users::last_studio_id.eq(studio_id.as_str()))
        .execute(connection)?;
    Ok(())
}

/// Replaces the stored hash with a re-hash under newer parameters, if it is unchanged.
pub fn upgrade_password_hash(
    connection: &mut DbConn,
    user_id: &UserId,
    old_hash: &str,
    new_hash: &str,
) -> StoreResult<()> {
    diesel::update(
        user_credentials::table
            .filter(user_credentials::user_id.eq(user_id.as_str()))
            .filter(user_credentials::kind.eq(PASSWORD))
            .filter(user_credentials::secret.eq(old_hash)),
    )
    .set(user_credentials::secret.eq(new_hash))
    .execute(connection)?;
    Ok(())
}

/// Counts users; used by health output and tests.
pub fn count(connection: &mut DbConn) -> StoreResult<i64> {
    users::table
        .count()
        .get_result(connection)
        .map_err(|error| corrupt(format!("counting users: {error}")))
}
