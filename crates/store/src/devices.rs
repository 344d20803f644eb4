//! Registered devices.

use crate::DbConn;
use crate::error::StoreResult;
use crate::schema::devices;
use diesel::prelude::*;
use gatehouse_core::device::Device;
use gatehouse_core::{DeviceId, UnixTime, UserId};

#[derive(Queryable, Selectable)]
#[diesel(table_name = devices)]
struct DeviceRow {
    id: String,
    user_id: String,
    name: String,
    first_seen_at: i64,
    last_seen_at: i64,
}

impl From<DeviceRow> for Device {
    fn from(row: DeviceRow) -> Self {
        Device {
            id: DeviceId::new(row.id),
            user_id: UserId::new(row.user_id),
            name: row.name,
            first_seen_at: UnixTime(row.first_seen_at),
            last_seen_at: UnixTime(row.last_seen_at),
        }
    }
}

/// The user's device that carries the device cookie with `token_digest`.
pub fn find_by_token(
    connection: &mut DbConn,
    user_id: &UserId,
    token_digest: &str,
) -> StoreResult<Option<Device>> {
    Ok(devices::table
        .filter(devices::user_id.eq(user_id.as_str()))
        .filter(devices::token_digest.eq(token_digest))
        .select(DeviceRow::as_select())
        .first(connection)
        .optional()?
        .map(Device::from))
}

/// The device with `id`.
pub fn find(connection: &mut DbConn, id: &DeviceId) -> StoreResult<Option<Device>> {
    Ok(devices::table
        .find(id.as_str())
        .select(DeviceRow::as_select())
        .first(connection)
        .optional()?
        .map(Device::from))
}

/// The user's devices, most recently used first.
pub fn list_for_user(connection: &mut DbConn, user_id: &UserId) -> StoreResult<Vec<Device>> {
    Ok(devices::table
        .filter(devices::user_id.eq(user_id.as_str()))
        .order(devices::last_seen_at.desc())
        .select(DeviceRow::as_select())
        .load(connection)?
        .into_iter()
        .map(Device::from)
        .collect())
}

/// How many devices the user has registered.
pub fn count_for_user(connection: &mut DbConn, user_id: &UserId) -> StoreResult<usize> {
    let count: i64 = devices::table
        .filter(devices::user_id.eq(user_id.as_str()))
        .count()
        .get_result(connection)?;
    Ok(usize::try_from(count).unwrap_or(usize::MAX))
}

/// Registers a device.
pub fn insert(
    connection: &mut DbConn,
    device: &Device,
    token_digest: &str,
    user_agent: Option<&str>,
) -> StoreResult<()> {
    diesel::insert_into(devices::table)
        .values((
            devices::id.eq(device.id.as_str()),
            devices::user_id.eq(device.user_id.as_str()),
            devices::token_digest.eq(token_digest),
            devices::name.eq(&device.name),
            devices::user_agent.eq(user_agent),
            devices::first_seen_at.eq(device.first_seen_at.as_secs()),
            devices::last_seen_at.eq(device.last_seen_at.as_secs()),
        ))
        .execute(connection)?;
    Ok(())
}

/// Records a sign-in from the device.
pub fn touch(connection: &mut DbConn, id: &DeviceId, now: UnixTime) -> StoreResult<()> {
    diesel::update(devices::table.find(id.as_str()))
        .set(devices::last_seen_at.eq(now.as_secs()))
        .execute(connection)?;
    Ok(())
}

/// Deletes the device row; the caller ends its sessions and revokes its grants in the same
/// transaction. Returns whether it existed.
pub fn delete(connection: &mut DbConn, id: &DeviceId) -> StoreResult<bool> {
    Ok(diesel::delete(devices::table.find(id.as_str())).execute(connection)? > 0)
}
