//! Studios, their roles, and memberships.

use crate::DbConn;
use crate::error::{StoreError, StoreResult, corrupt};
use crate::rows::{from_json_list, to_json_list};
use crate::schema::{memberships, studio_roles, studios, users};
use diesel::prelude::*;
use gatehouse_core::studio::{Membership, Role, Studio, StudioSettings};
use gatehouse_core::user::User;
use gatehouse_core::{StudioId, UnixTime, UserId};

#[derive(Queryable, Selectable)]
#[diesel(table_name = studios)]
struct StudioRow {
    id: String,
    slug: String,
    licence_number: Option<String>,
    name: String,
    settings: String,
    created_at: i64,
}

impl TryFrom<StudioRow> for Studio {
    type Error = StoreError;

    fn try_from(row: StudioRow) -> StoreResult<Self> {
        Ok(Studio {
            id: StudioId::new(row.id),
            slug: row.slug,
            licence_number: row.licence_number,
            name: row.name,
            settings: serde_json::from_str::<StudioSettings>(&row.settings)
                .map_err(|error| corrupt(format!("studios.settings: {error}")))?,
            created_at: UnixTime(row.created_at),
        })
    }
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = memberships)]
struct MembershipRow {
    user_id: String,
    roles: String,
    username: Option<String>,
}

fn membership(studio: StudioRow, row: MembershipRow) -> StoreResult<Membership> {
    Ok(Membership {
        studio: Studio::try_from(studio)?,
        user_id: UserId::new(row.user_id),
        roles: from_json_list(&row.roles, "memberships.roles")?,
        username: row.username,
    })
}

fn settings_json(settings: &StudioSettings) -> StoreResult<String> {
    serde_json::to_string(settings).map_err(corrupt)
}

/// Adds a studio with its roles. [`StoreError::Conflict`] when the slug or licence is taken.
pub fn insert(connection: &mut DbConn, studio: &Studio, roles: &[Role]) -> StoreResult<()> {
    diesel::insert_into(studios::table)
        .values((
            studios::id.eq(studio.id.as_str()),
            studios::slug.eq(&studio.slug),
            studios::licence_number.eq(studio.licence_number.as_deref()),
            studios::name.eq(&studio.name),
            studios::settings.eq(settings_json(&studio.settings)?),
            studios::created_at.eq(studio.created_at.as_secs()),
            studios::updated_at.eq(studio.created_at.as_secs()),
        ))
        .execute(connection)
        .map_err(|error| {
            StoreError::conflict_as(error, "a studio with this slug or licence number")
        })?;
    for role in roles {
        diesel::insert_into(studio_roles::table)
            .values((
                studio_roles::studio_id.eq(studio.id.as_str()),
                studio_roles::name.eq(&role.name),
                studio_roles::permissions.eq(to_json_list(&role.permissions)),
            ))
            .execute(connection)?;
    }
    Ok(())
}

/// Defines (or redefines) one of a studio's roles.
pub fn upsert_role(connection: &mut DbConn, studio_id: &StudioId, role: &Role) -> StoreResult<()> {
    diesel::delete(
        studio_roles::table
            .filter(studio_roles::studio_id.eq(studio_id.as_str()))
            .filter(studio_roles::name.eq(&role.name)),
    )
    .execute(connection)?;
    diesel::insert_into(studio_roles::table)
        .values((
            studio_roles::studio_id.eq(studio_id.as_str()),
            studio_roles::name.eq(&role.name),
            studio_roles::permissions.eq(to_json_list(&role.permissions)),
        ))
        .execute(connection)?;
    Ok(())
}

/// Replaces a studio's settings.
pub fn update_settings(
    connection: &mut DbConn,
    id: &StudioId,
    settings: &StudioSettings,
    now: UnixTime,
) -> StoreResult<()> {
    diesel::update(studios::table.find(id.as_str()))
        .set((
            studios::settings.eq(settings_json(settings)?),
            studios::updated_at.eq(now.as_secs()),
        ))
        .execute(connection)?;
    Ok(())
}

/// Renames a studio.
pub fn rename(connection: &mut DbConn, id: &StudioId, name: &str) -> StoreResult<()> {
    diesel::update(studios::table.find(id.as_str()))
        .set(studios::name.eq(name))
        .execute(connection)?;
    Ok(())
}

/// Holds the studio's row until the transaction ends (PostgreSQL), so a read-check-write
/// of its settings cannot interleave with another. SQLite transactions are serialised
/// already.
pub fn lock(connection: &mut DbConn, id: &StudioId) -> StoreResult<()> {
    if let DbConn::Postgres(_) = connection {
        diesel::sql_query("SELECT id FROM studios WHERE id = $1 FOR UPDATE")
            .bind::<diesel::sql_types::Text, _>(id.as_str())
            .execute(connection)?;
    }
    Ok(())
}

/// The studio with `id`.
pub fn find(connection: &mut DbConn, id: &StudioId) -> StoreResult<Option<Studio>> {
    studios::table
        .find(id.as_str())
        .select(StudioRow::as_select())
        .first(connection)
        .optional()?
        .map(Studio::try_from)
        .transpose()
}

/// The studio with `slug`.
pub fn find_by_slug(connection: &mut DbConn, slug: &str) -> StoreResult<Option<Studio>> {
    studios::table
        .filter(studios::slug.eq(slug))
        .select(StudioRow::as_select())
        .first(connection)
        .optional()?
        .map(Studio::try_from)
        .transpose()
}

/// The studio whose licence number or, failing that, slug is `reference` (the part after
/// the `@` of a sign-in name).
pub fn find_by_reference(connection: &mut DbConn, reference: &str) -> StoreResult<Option<Studio>> {
    let by_licence = studios::table
        .filter(studios::licence_number.eq(reference))
        .select(StudioRow::as_select())
        .first(connection)
        .optional()?;
    match by_licence {
        Some(row) => Some(Studio::try_from(row)).transpose(),
        None => find_by_slug(connection, reference),
    }
}

/// Every studio, by slug.
pub fn list(connection: &mut DbConn) -> StoreResult<Vec<Studio>> {
    studios::table
        .order(studios::slug.asc())
        .select(StudioRow::as_select())
        .load(connection)?
        .into_iter()
        .map(Studio::try_from)
        .collect()
}

/// One page of studios by slug, starting after `after_slug`.
pub fn list_page(
    connection: &mut DbConn,
    after_slug: Option<&str>,
    limit: i64,
) -> StoreResult<Vec<Studio>> {
    let mut query = studios::table.into_boxed();
    if let Some(slug) = after_slug {
        query = query.filter(studios::slug.gt(slug.to_owned()));
    }
    query
        .order(studios::slug.asc())
        .limit(limit)
        .select(StudioRow::as_select())
        .load(connection)?
        .into_iter()
        .map(Studio::try_from)
        .collect()
}

/// The roles a studio defines.
pub fn roles(connection: &mut DbConn, id: &StudioId) -> StoreResult<Vec<Role>> {
    studio_roles::table
        .filter(studio_roles::studio_id.eq(id.as_str()))
        .order(studio_roles::name.asc())
        .select((studio_roles::name, studio_roles::permissions))
        .load::<(String, String)>(connection)?
        .into_iter()
        .map(|(name, permissions)| {
            Ok(Role {
                name,
                permissions: from_json_list(&permissions, "studio_roles.permissions")?,
            })
        })
        .collect()
}

/// Adds (or replaces) a membership. [`StoreError::Conflict`] when the user name is taken in
/// the studio.
pub fn upsert_membership(
    connection: &mut DbConn,
    studio_id: &StudioId,
    user_id: &UserId,
    roles: &[String],
    username: Option<&str>,
    now: UnixTime,
) -> StoreResult<()> {
    diesel::delete(
        memberships::table
            .filter(memberships::studio_id.eq(studio_id.as_str()))
            .filter(memberships::user_id.eq(user_id.as_str())),
    )
    .execute(connection)?;
    diesel::insert_into(memberships::table)
        .values((
            memberships::studio_id.eq(studio_id.as_str()),
            memberships::user_id.eq(user_id.as_str()),
            memberships::roles.eq(to_json_list(roles)),
            memberships::username.eq(username),
            memberships::created_at.eq(now.as_secs()),
        ))
        .execute(connection)
        .map_err(|error| StoreError::conflict_as(error, "this user name in the studio"))?;
    Ok(())
}

/// Ends a membership; `false` when there was none.
pub fn remove_membership(
    connection: &mut DbConn,
    studio_id: &StudioId,
    user_id: &UserId,
) -> StoreResult<bool> {
    Ok(diesel::delete(
        memberships::table
            .filter(memberships::studio_id.eq(studio_id.as_str()))
            .filter(memberships::user_id.eq(user_id.as_str())),
    )
    .execute(connection)?
        > 0)
}

/// The user's memberships, with their studios, by studio name.
pub fn memberships_of(connection: &mut DbConn, user_id: &UserId) -> StoreResult<Vec<Membership>> {
    memberships::table
        .inner_join(studios::table)
        .filter(memberships::user_id.eq(user_id.as_str()))
        .order(studios::name.asc())
        .select((StudioRow::as_select(), MembershipRow::as_select()))
        .load::<(StudioRow, MembershipRow)>(connection)?
        .into_iter()
        .map(|(studio, row)| membership(studio, row))
        .collect()
}

/// The user's membership of one studio.
pub fn find_membership(
    connection: &mut DbConn,
    studio_id: &StudioId,
    user_id: &UserId,
) -> StoreResult<Option<Membership>> {
    memberships::table
        .inner_join(studios::table)
        .filter(memberships::studio_id.eq(studio_id.as_str()))
        .filter(memberships::user_id.eq(user_id.as_str()))
        .select((StudioRow::as_select(), MembershipRow::as_select()))
        .first::<(StudioRow, MembershipRow)>(connection)
        .optional()?
        .map(|(studio, row)| membership(studio, row))
        .transpose()
}

/// The member of studio `studio_id` with user name `username`.
pub fn find_member_by_username(
    connection: &mut DbConn,
    studio_id: &StudioId,
    username: &str,
) -> StoreResult<Option<UserId>> {
    Ok(memberships::table
        .filter(memberships::studio_id.eq(studio_id.as_str()))
        .filter(memberships::username.eq(username))
        .select(memberships::user_id)
        .first::<String>(connection)
        .optional()?
        .map(UserId::new))
}

/// The members of a studio with their accounts, by e-mail.
pub fn members(
    connection: &mut DbConn,
    studio_id: &StudioId,
) -> StoreResult<Vec<(Membership, User)>> {
    memberships::table
        .inner_join(studios::table)
        .inner_join(users::table)
        .filter(memberships::studio_id.eq(studio_id.as_str()))
        .order(users::email.asc())
        .select((
            StudioRow::as_select(),
            MembershipRow::as_select(),
            crate::users::UserRow::as_select(),
        ))
        .load::<(StudioRow, MembershipRow, crate::users::UserRow)>(connection)?
        .into_iter()
        .map(|(studio, row, user)| Ok((membership(studio, row)?, User::from(user))))
        .collect()
}

/// The members of a studio who hold `permission` (for example the admins to ask for help).
pub fn members_with_permission(
    connection: &mut DbConn,
    studio_id: &StudioId,
    permission: &str,
) -> StoreResult<Vec<User>> {
    let defined = roles(connection, studio_id)?;
    Ok(members(connection, studio_id)?
        .into_iter()
        .filter(|(membership, _)| roles_grant(&defined, &membership.roles, permission))
        .map(|(_, user)| user)
        .collect())
}

/// The people to tell about a member: in each studio `user_id` belongs to, the other members
/// who hold `permission` there and have a verified address, with that studio.
pub fn admins_of_member(
    connection: &mut DbConn,
    user_id: &UserId,
    permission: &str,
) -> StoreResult<Vec<(Studio, User)>> {
    let mut admins = Vec::new();
    for membership in memberships_of(connection, user_id)? {
        for admin in members_with_permission(connection, &membership.studio.id, permission)? {
            if &admin.id != user_id && admin.email_verified {
                admins.push((membership.studio.clone(), admin));
            }
        }
    }
    Ok(admins)
}

/// Whether `user_id` holds `permission` in studio `studio_id` through one of its roles.
pub fn has_permission(
    connection: &mut DbConn,
    studio_id: &StudioId,
    user_id: &UserId,
    permission: &str,
) -> StoreResult<bool> {
    let Some(roles) = memberships::table
        .find((studio_id.as_str(), user_id.as_str()))
        .select(memberships::roles)
        .first::<String>(connection)
        .optional()?
    else {
        return Ok(false);
    };
    let held = from_json_list(&roles, "memberships.roles")?;
    Ok(roles_grant(
        &self::roles(connection, studio_id)?,
        &held,
        permission,
    ))
}

/// Every permission the user holds in the studio, through all their roles there (none
/// when they are not a member).
pub fn permissions_of(
    connection: &mut DbConn,
    studio_id: &StudioId,
    user_id: &UserId,
) -> StoreResult<Vec<String>> {
    let Some(roles) = memberships::table
        .find((studio_id.as_str(), user_id.as_str()))
        .select(memberships::roles)
        .first::<String>(connection)
        .optional()?
    else {
        return Ok(Vec::new());
    };
    let held = from_json_list(&roles, "memberships.roles")?;
    let mut permissions: Vec<String> = self::roles(connection, studio_id)?
        .into_iter()
        .filter(|role| held.contains(&role.name))
        .flat_map(|role| role.permissions)
        .collect();
    permissions.sort();
    permissions.dedup();
    Ok(permissions)
}

fn roles_grant(defined: &[Role], held: &[String], permission: &str) -> bool {
    defined
        .iter()
        .filter(|role| held.contains(&role.name))
        .any(|role| role.permissions.iter().any(|granted| granted == permission))
}
