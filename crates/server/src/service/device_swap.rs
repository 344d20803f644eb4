//! A device swap that needs no support ticket: a sign-in refused at the device limit (every
//! factor already passed) may replace the account's least recently used device once the user
//! proves the account again with a code sent to its verified e-mail or phone.

use crate::error::ServerError;
use crate::messaging::{self, Outgoing};
use crate::service::audit::{self, Actor, Event};
use crate::service::login::{Browser, Interruption, Next};
use crate::service::mfa::codes::{self, NotSent};
use crate::service::mfa::language_of;
use crate::service::sessions::end_sessions_in;
use crate::service::verification::{self, Requester};
use crate::state::AppState;
use gatehouse_core::device::{Device, describe_user_agent};
use gatehouse_core::mfa::FactorKind;
use gatehouse_core::secret::{constant_time_eq, sha256_base64url};
use gatehouse_core::studio::PERMISSION_MANAGE_DEVICES;
use gatehouse_core::user::User;
use gatehouse_core::verification::{CodeRejection, Purpose};
use gatehouse_core::{DeviceId, UnixTime};
use gatehouse_store::sessions::Revocation;
use gatehouse_store::{
    StoreError, devices, grants, rate_limits, sessions, studios, users, verifications,
};
use std::collections::BTreeMap;

/// A sign-in parked at the device limit.
#[derive(Debug, Clone)]
pub struct Parked {
    row_id: String,
    tag: String,
    /// The account.
    pub user: User,
    interruption: Interruption,
}

/// The parked sign-in behind `request_id`, if it is alive and belongs to the browser with
/// `binding`.
pub async fn load(
    state: &AppState,
    request_id: &str,
    binding: &str,
) -> Result<Option<Parked>, ServerError> {
    let Some(found) = verification::find_request(state, Purpose::DeviceSwap, request_id).await?
    else {
        return Ok(None);
    };
    let Ok(interruption) = serde_json::from_value::<Interruption>(found.data.clone()) else {
        return Ok(None);
    };
    if !constant_time_eq(interruption.binding.as_bytes(), binding.as_bytes()) {
        return Ok(None);
    }
    let Some(user_id) = found.user_id.clone() else {
        return Ok(None);
    };
    let Some(user) = state
        .store
        .read(move |connection| users::find(connection, &user_id))
        .await?
    else {
        return Ok(None);
    };
    Ok(Some(Parked {
        row_id: found.id,
        tag: sha256_base64url(request_id.as_bytes()),
        user,
        interruption,
    }))
}

/// The account's devices, most recently used first; the last one is the one a swap
/// replaces.
pub async fn devices_of(state: &AppState, parked: &Parked) -> Result<Vec<Device>, ServerError> {
    let user_id = parked.user.id.clone();
    Ok(state
        .store
        .read(move |connection| devices::list_for_user(connection, &user_id))
        .await?)
}

/// Sends the code that allows the swap to the verified address or phone of `kind`, within
/// the daily caps of this sign-in, the account and the address; returns where it went.
pub async fn send_code(
    state: &AppState,
    parked: &Parked,
    kind: FactorKind,
    language: &str,
    address: std::net::IpAddr,
) -> Result<Result<String, NotSent>, ServerError> {
    let requester = Requester {
        session: &parked.tag,
        user_id: &parked.user.id,
        address,
    };
    codes::send(
        state,
        &parked.user,
        kind,
        Purpose::DeviceSwapCode,
        serde_json::json!({ "swap": parked.tag }),
        language,
        requester.daily_quotas(state),
    )
    .await
}

/// Whether a code for this swap is waiting, and where it went.
pub async fn pending_code(
    state: &AppState,
    parked: &Parked,
) -> Result<Option<String>, ServerError> {
    Ok(
        verification::pending(state, Purpose::DeviceSwapCode, &parked.user.id)
            .await?
            .filter(|pending| pending.data["swap"] == parked.tag.as_str())
            .and_then(|pending| pending.target),
    )
}

/// How a swap ended.
#[derive(Debug)]
pub enum SwapOutcome {
    /// The old device is gone, this browser is registered; the sign-in goes on. `cookie`
    /// is the device cookie to set when the browser had none.
    Swapped {
        /// Where the sign-in goes next.
        next: Next,
        /// A new device cookie for the browser.
        cookie: Option<String>,
    },
    /// The code was refused.
    Refused(CodeRejection),
    /// The account used up this month's swaps.
    MonthlyLimitReached,
}

/// Why the swap transaction stopped (everything it wrote is rolled back).
enum Stop {
    Store(StoreError),
    Spent,
    MonthlyLimit,
}

impl From<StoreError> for Stop {
    fn from(error: StoreError) -> Self {
        Self::Store(error)
    }
}

impl From<gatehouse_store::DieselError> for Stop {
    fn from(error: gatehouse_store::DieselError) -> Self {
        Self::Store(error.into())
    }
}

/// The first second of the calendar month (UTC) of `now`: the window of the monthly limit.
fn month_start(now: UnixTime) -> UnixTime {
    use chrono::Datelike as _;
    chrono::DateTime::from_timestamp(now.as_secs(), 0)
        .and_then(|moment| moment.date_naive().with_day(1))
        .and_then(|day| day.and_hms_opt(0, 0, 0))
        .map_or(now, |start| UnixTime(start.and_utc().timestamp()))
}

/// Checks the code and swaps: in one transaction the code and the parked sign-in are spent,
/// the month's allowance is taken (one conditional write), the least recently used device
/// is removed (its sessions end, its grants and refresh tokens are revoked, relying parties
/// are told) and this browser is registered in its place, and the user and the studios'
/// device admins are notified. Then the sign-in goes on.
pub async fn complete(
    state: &AppState,
    parked: Parked,
    code: &str,
    mut browser: Browser,
) -> Result<SwapOutcome, crate::service::login::LoginFailure> {
    let found = match verification::check_pending_code(
        state,
        Purpose::DeviceSwapCode,
        &parked.user.id,
        code,
    )
    .await?
    {
        Ok(found) if found.data["swap"] == parked.tag.as_str() => found,
        Ok(_) => return Ok(SwapOutcome::Refused(CodeRejection::InvalidOrExpired)),
        Err(rejection) => return Ok(SwapOutcome::Refused(rejection)),
    };
    let now = state.now();
    let replaced = devices_of(state, &parked).await?.pop();
    let new_name = describe_user_agent(browser.user_agent.as_deref());
    let notices = notices(state, &parked.user, replaced.as_ref(), &new_name).await?;
    let new_cookie = browser.device_cookie.is_none().then(crate::random::token);
    let cookie = browser
        .device_cookie
        .clone()
        .or_else(|| new_cookie.clone())
        .unwrap_or_default();
    let device = Device {
        id: DeviceId::new(crate::random::row_id()),
        user_id: parked.user.id.clone(),
        name: new_name,
        first_seen_at: now,
        last_seen_at: now,
    };
    let user_id = parked.user.id.clone();
    let (code_row, parked_row) = (found.id.clone(), parked.row_id.clone());
    let (allowance, window) = (state.config.devices.swaps_per_month, month_start(now));
    let (secrets, user_agent) = (state.secrets.clone(), browser.user_agent.clone());
    let actor = Actor {
        id: user_id.as_str().to_owned(),
        address: Some(browser.address.to_string()),
        user_agent: user_agent.clone(),
    };
    let replaced_id = replaced.as_ref().map(|device| device.id.clone());
    let outcome = state
        .store
        .write(move |connection| -> Result<(), Stop> {
            if !verifications::consume(connection, &code_row, now)?
                || !verifications::consume(connection, &parked_row, now)?
            {
                return Err(Stop::Spent);
            }
            users::lock(connection, &user_id)?;
            let key = format!("device-swap:{user_id}");
            if !rate_limits::take(connection, &key, window, allowance)? {
                return Err(Stop::MonthlyLimit);
            }
            if let Some(old) = replaced_id
                .as_ref()
                .and_then(|id| devices::find(connection, id).transpose())
                .transpose()?
            {
                let ended = sessions::active_ids(connection, &user_id, Some(&old.id), now)?;
                end_sessions_in(connection, &ended, &user_id, Revocation::AllGrants, now)?;
                grants::revoke_for_device(connection, &old.id, now)?;
                devices::delete(connection, &old.id)?;
            }
            let digest = sha256_base64url(cookie.as_bytes());
            devices::insert(connection, &device, &digest, user_agent.as_deref())?;
            audit::record(
                connection,
                &secrets,
                &actor,
                &Event {
                    user_id: Some(&user_id),
                    detail: serde_json::json!({
                        "removed": replaced_id,
                        "added": device.id,
                        "name": device.name,
                    }),
                    ..Event::new("device.swapped")
                },
                now,
            )?;
            messaging::enqueue(connection, &notices, now)?;
            Ok(())
        })
        .await;
    match outcome {
        Ok(()) => {}
        Err(Stop::Spent) => {
            return Ok(SwapOutcome::Refused(CodeRejection::InvalidOrExpired));
        }
        Err(Stop::MonthlyLimit) => return Ok(SwapOutcome::MonthlyLimitReached),
        Err(Stop::Store(error)) => return Err(ServerError::from(error).into()),
    }
    state.outbox_wakeup.notify_one();
    tracing::info!(user = %parked.user.id, "device swapped by its user");
    if let Some(cookie) = &new_cookie {
        browser.device_cookie = Some(cookie.clone());
    }
    let next = crate::service::login::resume_after_interruption(
        state,
        parked.user,
        parked.interruption,
        browser,
    )
    .await?;
    Ok(SwapOutcome::Swapped {
        next,
        cookie: new_cookie,
    })
}

/// The messages of a swap: the user hears which device was replaced; the device admins of
/// the user's studios hear it too.
async fn notices(
    state: &AppState,
    user: &User,
    replaced: Option<&Device>,
    new_name: &str,
) -> Result<Vec<messaging::Sealed>, ServerError> {
    let user_id = user.id.clone();
    let admins = state
        .store
        .read(move |connection| {
            studios::admins_of_member(connection, &user_id, PERMISSION_MANAGE_DEVICES)
        })
        .await?;
    let old_name = replaced
        .map(|device| device.name.clone())
        .unwrap_or_default();
    let member = match &user.name {
        Some(name) => format!("{name} <{}>", user.email),
        None => user.email.clone(),
    };
    let mut sealed = Vec::new();
    if user.email_verified {
        let mut variables = BTreeMap::new();
        variables.insert("name", user.name.clone().unwrap_or_default());
        variables.insert("old_device", old_name.clone());
        variables.insert("new_device", new_name.to_owned());
        let email = messaging::render_email(
            state,
            &Outgoing {
                name: "device_swapped",
                language: &language_of(state, user),
                studio: None,
                variables,
            },
            &user.email,
        )?;
        sealed.push(messaging::seal_email(&state.kek, &email)?);
    }
    for (studio, admin) in &admins {
        let mut variables = BTreeMap::new();
        variables.insert("name", admin.name.clone().unwrap_or_default());
        variables.insert("member", member.clone());
        variables.insert("studio", studio.name.clone());
        variables.insert("old_device", old_name.clone());
        variables.insert("new_device", new_name.to_owned());
        variables.insert(
            "link",
            format!("{}/studios/{}/members", state.issuer, studio.slug),
        );
        let email = messaging::render_email(
            state,
            &Outgoing {
                name: "device_swapped_admin",
                language: &language_of(state, admin),
                studio: Some(studio),
                variables,
            },
            &admin.email,
        )?;
        sealed.push(messaging::seal_email(&state.kek, &email)?);
    }
    Ok(sealed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_monthly_window_starts_on_the_first_at_midnight_utc() {
        // 2026-12-05 04:56:07 UTC
        assert_eq!(
            month_start(UnixTime(1_796_446_567)),
            UnixTime(1_796_083_200)
        );
        assert_eq!(
            month_start(UnixTime(1_796_083_200)),
            UnixTime(1_796_083_200)
        );
    }
}
