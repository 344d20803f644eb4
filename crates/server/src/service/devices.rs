//! Registered devices: admitting a sign-in under the device limit, and removing devices.

use crate::error::ServerError;
use crate::service::audit::{self, Actor, Event};
use crate::service::sessions::end_sessions_in;
use crate::state::AppState;
use gatehouse_core::device::{Device, describe_user_agent};
use gatehouse_core::secret::sha256_base64url;
use gatehouse_core::studio::DeviceLimit;
use gatehouse_core::{DeviceId, UnixTime, UserId};
use gatehouse_store::sessions::Revocation;
use gatehouse_store::{Store, StoreError, devices, grants, sessions};

/// The outcome of signing in on a browser.
#[derive(Debug)]
pub enum Admission {
    /// A device of this account, already registered or registered now.
    Admitted {
        /// The device.
        device_id: DeviceId,
        /// A new device-cookie secret to set, when the browser had none.
        new_cookie: Option<String>,
    },
    /// The account already has as many devices as its limit allows.
    LimitReached,
}

/// Recognises the browser by its device cookie, or registers it when the account's limit
/// allows. Check and registration are one transaction, so two sign-ins at once cannot both
/// take the last place.
pub async fn admit(
    state: &AppState,
    user_id: &UserId,
    cookie: Option<String>,
    user_agent: Option<String>,
    limit: DeviceLimit,
    address: std::net::IpAddr,
) -> Result<Admission, ServerError> {
    let now = state.now();
    let secrets = state.secrets.clone();
    let actor = Actor {
        id: user_id.as_str().to_owned(),
        address: Some(address.to_string()),
        user_agent: user_agent.clone(),
    };
    let new_cookie = cookie.is_none().then(crate::random::token);
    let secret = cookie.or_else(|| new_cookie.clone()).unwrap_or_default();
    let digest = sha256_base64url(secret.as_bytes());
    let user_id = user_id.clone();
    let admission = state
        .store
        .write(move |connection| -> Result<Admission, StoreError> {
            // Count and insert under the account's row lock: two first sign-ins at once on
            // PostgreSQL (read committed) would otherwise both see room for one more.
            gatehouse_store::users::lock(connection, &user_id)?;
            if let Some(device) = devices::find_by_token(connection, &user_id, &digest)? {
                devices::touch(connection, &device.id, now)?;
                return Ok(Admission::Admitted {
                    device_id: device.id,
                    new_cookie,
                });
            }
            if !limit.allows_another(devices::count_for_user(connection, &user_id)?) {
                audit::record(
                    connection,
                    &secrets,
                    &actor,
                    &Event {
                        user_id: Some(&user_id),
                        detail: serde_json::json!({ "limit": limit.to_string() }),
                        ..Event::new("device.refused")
                    },
                    now,
                )?;
                return Ok(Admission::LimitReached);
            }
            let device = Device {
                id: DeviceId::new(crate::random::row_id()),
                user_id: user_id.clone(),
                name: describe_user_agent(user_agent.as_deref()),
                first_seen_at: now,
                last_seen_at: now,
            };
            devices::insert(connection, &device, &digest, user_agent.as_deref())?;
            audit::record(
                connection,
                &secrets,
                &actor,
                &Event {
                    user_id: Some(&user_id),
                    detail: serde_json::json!({ "device": device.id, "name": device.name }),
                    ..Event::new("device.registered")
                },
                now,
            )?;
            Ok(Admission::Admitted {
                device_id: device.id,
                new_cookie,
            })
        })
        .await?;
    Ok(admission)
}

/// Removes a device: its sessions end, every grant issued on it is revoked (refresh tokens
/// included, offline or not), and relying parties are queued a back-channel logout for the
/// ended sessions — one transaction. Returns the removed device, or `None` when there was
/// none. Callers in the server wake the outbox worker afterwards.
pub async fn remove(
    store: &Store,
    device_id: DeviceId,
    now: UnixTime,
) -> Result<Option<Device>, StoreError> {
    let removed = store
        .write(move |connection| -> Result<Option<Device>, StoreError> {
            let Some(device) = devices::find(connection, &device_id)? else {
                return Ok(None);
            };
            let ended = sessions::active_ids(connection, &device.user_id, Some(&device.id), now)?;
            end_sessions_in(
                connection,
                &ended,
                &device.user_id,
                Revocation::AllGrants,
                now,
            )?;
            grants::revoke_for_device(connection, &device.id, now)?;
            devices::delete(connection, &device.id)?;
            Ok(Some(device))
        })
        .await?;
    if let Some(device) = &removed {
        tracing::info!(device = %device.id, user = %device.user_id, "device removed");
    }
    Ok(removed)
}
