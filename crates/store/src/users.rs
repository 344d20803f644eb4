//! Users and their credentials.

use crate::DbConn;
use crate::error::{StoreError, StoreResult, corrupt};
use crate::schema::{user_credentials, users};
use diesel::prelude::*;
use gatehouse_core::profile::Profile;
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
    trade_name: Option<String>,
    country: Option<String>,
    city: Option<String>,
    date_of_birth: Option<String>,
    company: Option<String>,
    job_title: Option<String>,
    closed_at: Option<i64>,
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
            profile: Profile {
                trade_name: row.trade_name,
                country: row.country,
                city: row.city,
                date_of_birth: row.date_of_birth,
                company: row.company,
                job_title: row.job_title,
            },
            closed_at: row.closed_at.map(UnixTime),
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
            trade_name: user.profile.trade_name.clone(),
            country: user.profile.country.clone(),
            city: user.profile.city.clone(),
            date_of_birth: user.profile.date_of_birth.clone(),
            company: user.profile.company.clone(),
            job_title: user.profile.job_title.clone(),
            closed_at: user.closed_at.map(UnixTime::as_secs),
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

/// The e-mail address of the user with `id` (token introspection's `username`).
pub fn email_of(connection: &mut DbConn, id: &UserId) -> StoreResult<Option<String>> {
    Ok(users::table
        .find(id.as_str())
        .select(users::email)
        .first(connection)
        .optional()?)
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

// Each update below writes only the columns it is about, so two changes made at the same
// time (a profile edit and an e-mail confirmation, say) never undo each other. Status
// changes are conditional on the status they start from: the one that finds it changed
// already does nothing and says so.

/// Saves the name and profile fields.
pub fn update_profile(
    connection: &mut DbConn,
    user_id: &UserId,
    name: Option<&str>,
    profile: &Profile,
    now: UnixTime,
) -> StoreResult<()> {
    diesel::update(users::table.find(user_id.as_str()))
        .set((
            users::name.eq(name),
            users::trade_name.eq(profile.trade_name.as_deref()),
            users::country.eq(profile.country.as_deref()),
            users::city.eq(profile.city.as_deref()),
            users::date_of_birth.eq(profile.date_of_birth.as_deref()),
            users::company.eq(profile.company.as_deref()),
            users::job_title.eq(profile.job_title.as_deref()),
            users::updated_at.eq(now.as_secs()),
        ))
        .execute(connection)?;
    Ok(())
}

/// Saves the user's language.
pub fn set_locale(
    connection: &mut DbConn,
    user_id: &UserId,
    locale: Option<&str>,
    now: UnixTime,
) -> StoreResult<()> {
    diesel::update(users::table.find(user_id.as_str()))
        .set((
            users::locale.eq(locale),
            users::updated_at.eq(now.as_secs()),
        ))
        .execute(connection)?;
    Ok(())
}

/// Replaces the e-mail address; [`StoreError::Conflict`] when another account has it.
pub fn set_email(
    connection: &mut DbConn,
    user_id: &UserId,
    email: &str,
    is_verified: bool,
    now: UnixTime,
) -> StoreResult<()> {
    diesel::update(users::table.find(user_id.as_str()))
        .set((
            users::email.eq(email),
            users::email_verified.eq(is_verified),
            users::updated_at.eq(now.as_secs()),
        ))
        .execute(connection)
        .map_err(|error| StoreError::conflict_as(error, "a user with this e-mail"))?;
    Ok(())
}

/// Replaces the phone number.
pub fn set_phone(
    connection: &mut DbConn,
    user_id: &UserId,
    phone: Option<&str>,
    is_verified: bool,
    now: UnixTime,
) -> StoreResult<()> {
    diesel::update(users::table.find(user_id.as_str()))
        .set((
            users::phone_number.eq(phone),
            users::phone_number_verified.eq(is_verified),
            users::updated_at.eq(now.as_secs()),
        ))
        .execute(connection)?;
    Ok(())
}

/// Moves the account from status `from` to `to`; `confirms_email` also marks the address
/// verified (the change was proved by a message to it). `false` when the account was not
/// in `from` any more.
pub fn change_status(
    connection: &mut DbConn,
    user_id: &UserId,
    from: UserStatus,
    to: UserStatus,
    confirms_email: bool,
    now: UnixTime,
) -> StoreResult<bool> {
    let target = users::table
        .find(user_id.as_str())
        .filter(users::status.eq(from.as_str()));
    let changed = if confirms_email {
        diesel::update(target)
            .set((
                users::status.eq(to.as_str()),
                users::email_verified.eq(true),
                users::updated_at.eq(now.as_secs()),
            ))
            .execute(connection)?
    } else {
        diesel::update(target)
            .set((
                users::status.eq(to.as_str()),
                users::updated_at.eq(now.as_secs()),
            ))
            .execute(connection)?
    };
    Ok(changed == 1)
}

/// Closes an active account, stamping when (the grace period counts from it).
pub fn close(connection: &mut DbConn, user_id: &UserId, now: UnixTime) -> StoreResult<bool> {
    Ok(diesel::update(
        users::table
            .find(user_id.as_str())
            .filter(users::status.eq(UserStatus::Active.as_str())),
    )
    .set((
        users::status.eq(UserStatus::Closed.as_str()),
        users::closed_at.eq(now.as_secs()),
        users::updated_at.eq(now.as_secs()),
    ))
    .execute(connection)?
        == 1)
}

/// Reopens a closed account.
pub fn reopen(connection: &mut DbConn, user_id: &UserId, now: UnixTime) -> StoreResult<bool> {
    Ok(diesel::update(
        users::table
            .find(user_id.as_str())
            .filter(users::status.eq(UserStatus::Closed.as_str())),
    )
    .set((
        users::status.eq(UserStatus::Active.as_str()),
        users::closed_at.eq(None::<i64>),
        users::updated_at.eq(now.as_secs()),
    ))
    .execute(connection)?
        == 1)
}

/// Holds the account row until the transaction ends (PostgreSQL), so checks made about the
/// account in this transaction (how many devices it has) cannot be raced by another
/// transaction. SQLite transactions are serialised already.
pub fn lock(connection: &mut DbConn, user_id: &UserId) -> StoreResult<()> {
    if let DbConn::Postgres(_) = connection {
        diesel::sql_query("SELECT id FROM users WHERE id = $1 FOR UPDATE")
            .bind::<diesel::sql_types::Text, _>(user_id.as_str())
            .execute(connection)?;
    }
    Ok(())
}

/// Users whose verified phone number is `phone`.
pub fn find_by_verified_phone(connection: &mut DbConn, phone: &str) -> StoreResult<Vec<User>> {
    Ok(users::table
        .filter(users::phone_number.eq(phone))
        .filter(users::phone_number_verified.eq(true))
        .select(UserRow::as_select())
        .load(connection)?
        .into_iter()
        .map(User::from)
        .collect())
}

/// Accounts closed before `cutoff`: their grace period is over.
pub fn closed_before(connection: &mut DbConn, cutoff: UnixTime) -> StoreResult<Vec<UserId>> {
    Ok(users::table
        .filter(users::status.eq(UserStatus::Closed.as_str()))
        .filter(users::closed_at.lt(cutoff.as_secs()))
        .select(users::id)
        .load::<String>(connection)?
        .into_iter()
        .map(UserId::new)
        .collect())
}

/// Deletes an account and, through the foreign keys, everything that is its: credentials,
/// sessions, devices, memberships, consents, grants, codes.
pub fn delete(connection: &mut DbConn, user_id: &UserId) -> StoreResult<bool> {
    Ok(diesel::delete(users::table.find(user_id.as_str())).execute(connection)? > 0)
}

/// The last `count` password hashes of the user, the current one first.
pub fn recent_password_hashes(
    connection: &mut DbConn,
    user_id: &UserId,
    count: usize,
) -> StoreResult<Vec<String>> {
    use crate::schema::password_history;
    let mut hashes: Vec<String> = user_credentials::table
        .filter(user_credentials::user_id.eq(user_id.as_str()))
        .filter(user_credentials::kind.eq(PASSWORD))
        .select(user_credentials::secret)
        .load(connection)?;
    let older: Vec<String> = password_history::table
        .filter(password_history::user_id.eq(user_id.as_str()))
        .order(password_history::created_at.desc())
        .limit(i64::try_from(count).unwrap_or(i64::MAX))
        .select(password_history::hash)
        .load(connection)?;
    hashes.extend(older);
    hashes.truncate(count);
    Ok(hashes)
}

/// Sets (or replaces) the user's password hash; the previous one goes to the history.
pub fn set_password(
    connection: &mut DbConn,
    user_id: &UserId,
    credential_id: &str,
    password_hash: &str,
    now: UnixTime,
) -> StoreResult<()> {
    use crate::schema::password_history;
    let previous: Option<String> = user_credentials::table
        .filter(user_credentials::user_id.eq(user_id.as_str()))
        .filter(user_credentials::kind.eq(PASSWORD))
        .select(user_credentials::secret)
        .first(connection)
        .optional()?;
    if let Some(previous) = previous {
        diesel::insert_into(password_history::table)
            .values((
                password_history::id.eq(uuid_like(credential_id)),
                password_history::user_id.eq(user_id.as_str()),
                password_history::hash.eq(previous),
                password_history::created_at.eq(now.as_secs()),
            ))
            .execute(connection)?;
        // Keep a bounded history: no policy needs more than the last 24.
        let keep: Vec<String> = password_history::table
            .filter(password_history::user_id.eq(user_id.as_str()))
            .order(password_history::created_at.desc())
            .limit(24)
            .select(password_history::id)
            .load(connection)?;
        diesel::delete(
            password_history::table
                .filter(password_history::user_id.eq(user_id.as_str()))
                .filter(password_history::id.ne_all(keep)),
        )
        .execute(connection)?;
    }
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

/// A history row id derived from the new credential's id, so one call writes unique ids.
fn uuid_like(credential_id: &str) -> String {
    format!("{credential_id}-previous")
}

/// Whether the user is an instance administrator (acts everywhere in the management API).
pub fn is_instance_admin(connection: &mut DbConn, user_id: &UserId) -> StoreResult<bool> {
    Ok(users::table
        .find(user_id.as_str())
        .select(users::is_instance_admin)
        .first::<bool>(connection)
        .optional()?
        .unwrap_or(false))
}

/// Grants or withdraws instance administration; `false` when there is no such user.
pub fn set_instance_admin(
    connection: &mut DbConn,
    user_id: &UserId,
    is_admin: bool,
    now: UnixTime,
) -> StoreResult<bool> {
    Ok(diesel::update(users::table.find(user_id.as_str()))
        .set((
            users::is_instance_admin.eq(is_admin),
            users::updated_at.eq(now.as_secs()),
        ))
        .execute(connection)?
        == 1)
}

/// What a user listing looks for; every field narrows it.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    /// Part of the e-mail address (case-insensitive).
    pub email_contains: Option<String>,
    /// One status.
    pub status: Option<UserStatus>,
    /// Members of any of these studios (an administrator's reach, or one studio asked for).
    pub studio_ids: Option<Vec<StudioId>>,
}

/// The order of a user listing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Order {
    /// Oldest first (ids are time-ordered).
    #[default]
    Created,
    /// Newest first.
    CreatedDescending,
    /// By e-mail address.
    Email,
    /// By e-mail address, backwards.
    EmailDescending,
}

/// Where a page of users starts: after this e-mail address (for the e-mail orders) and id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct After {
    /// The e-mail address of the previous page's last user.
    pub email: String,
    /// Its id.
    pub id: String,
}

/// One page of users matching `filter` in `order`, starting after `after`.
pub fn list(
    connection: &mut DbConn,
    filter: &Filter,
    order: Order,
    after: Option<&After>,
    limit: i64,
) -> StoreResult<Vec<User>> {
    use crate::schema::memberships;
    let mut query = users::table.into_boxed();
    if let Some(part) = &filter.email_contains {
        let escaped = part
            .to_lowercase()
            .replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_");
        query = query.filter(users::email.like(format!("%{escaped}%")).escape('\\'));
    }
    if let Some(status) = filter.status {
        query = query.filter(users::status.eq(status.as_str()));
    }
    if let Some(studio_ids) = &filter.studio_ids {
        let ids: Vec<String> = studio_ids.iter().map(|id| id.as_str().to_owned()).collect();
        query = query.filter(
            users::id.eq_any(
                memberships::table
                    .filter(memberships::studio_id.eq_any(ids))
                    .select(memberships::user_id),
            ),
        );
    }
    if let Some(after) = after {
        let (email, id) = (after.email.clone(), after.id.clone());
        query = match order {
            Order::Created => query.filter(users::id.gt(id)),
            Order::CreatedDescending => query.filter(users::id.lt(id)),
            Order::Email => query.filter(
                users::email
                    .gt(email.clone())
                    .or(users::email.eq(email).and(users::id.gt(id))),
            ),
            Order::EmailDescending => query.filter(
                users::email
                    .lt(email.clone())
                    .or(users::email.eq(email).and(users::id.lt(id))),
            ),
        };
    }
    query = match order {
        Order::Created => query.order(users::id.asc()),
        Order::CreatedDescending => query.order(users::id.desc()),
        Order::Email => query.order((users::email.asc(), users::id.asc())),
        Order::EmailDescending => query.order((users::email.desc(), users::id.desc())),
    };
    Ok(query
        .limit(limit)
        .select(UserRow::as_select())
        .load(connection)?
        .into_iter()
        .map(User::from)
        .collect())
}
