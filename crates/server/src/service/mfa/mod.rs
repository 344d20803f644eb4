//! Second factors: what a user has enrolled, what their studios demand, and the changes to
//! them (enrolment, removal, recovery codes, admin reset, help requests), each audited and
//! told to the user by e-mail.

pub mod attempt;
pub mod codes;
pub mod passkeys;
pub mod recovery;
pub mod totp;

use crate::crypto::secrets::InstanceSecrets;
use crate::error::ServerError;
use crate::messaging::{self, Outgoing, Sealed};
use crate::service::accounts::{audit, notice_email};
use crate::state::AppState;
use crate::throttle::{Key, Permit, RetryAfter};
use gatehouse_core::mfa::{self, Factor, FactorKind, MfaPolicy};
use gatehouse_core::studio::PERMISSION_RESET_MFA;
use gatehouse_core::user::User;
use gatehouse_core::{UnixTime, UserId};
use gatehouse_store::{DbConn, StoreError, factors, studios};
use std::collections::BTreeMap;
use std::net::IpAddr;

/// The user's factors, pending ones included.
pub async fn factors_of(state: &AppState, user_id: &UserId) -> Result<Vec<Factor>, ServerError> {
    let user_id = user_id.clone();
    Ok(state
        .store
        .read(move |connection| factors::list_for_user(connection, &user_id))
        .await?)
}

/// What the user's studios demand.
pub async fn policy(state: &AppState, user_id: &UserId) -> Result<MfaPolicy, ServerError> {
    let user_id = user_id.clone();
    let memberships = state
        .store
        .read(move |connection| studios::memberships_of(connection, &user_id))
        .await?;
    Ok(mfa::policy_for(
        &memberships,
        state.config.mfa.remember_device_days,
    ))
}

/// The language messages to the user are written in.
#[must_use]
pub fn language_of(state: &AppState, user: &User) -> String {
    user.locale
        .clone()
        .unwrap_or_else(|| state.config.ui.default_locale.clone())
}

/// A factor kind's name in `language`, for pages and messages.
#[must_use]
pub fn kind_name(language: &str, kind: FactorKind) -> String {
    crate::i18n::translate(language, &format!("factor-{}", kind.as_str()), &[])
}

/// The throttle purpose of second-factor checks.
const SECOND_FACTOR: &str = "second-factor";
/// The throttle purpose of starting enrolments and sending codes.
const ENROLMENT: &str = "enrolment";

/// Counts a second-factor check by the user from `address` before the code is compared
/// (per user, and per address); refund it with [`record_success`] when the factor passes.
pub async fn begin_check(
    state: &AppState,
    user_id: &UserId,
    address: IpAddr,
) -> Result<Result<Permit, RetryAfter>, ServerError> {
    state
        .throttle
        .begin(
            vec![
                Key::subject(SECOND_FACTOR, user_id.as_str()),
                Key::address(SECOND_FACTOR, address),
            ],
            state.now(),
        )
        .await
}

/// Counts an enrolment started or a code sent from `address`; each one counts, so a burst
/// of them backs off. `Err` says how long to wait.
pub async fn count_enrolment(
    state: &AppState,
    user_id: &UserId,
    address: IpAddr,
) -> Result<Result<(), RetryAfter>, ServerError> {
    Ok(state
        .throttle
        .begin(
            vec![
                Key::subject(ENROLMENT, user_id.as_str()),
                Key::address(ENROLMENT, address),
            ],
            state.now(),
        )
        .await?
        .map(drop))
}

/// Records a failed second-factor check in the audit log (the throttle counted it already).
pub async fn record_failure(
    state: &AppState,
    user_id: &UserId,
    address: IpAddr,
    kind: Option<FactorKind>,
    during: &str,
) -> Result<(), ServerError> {
    if let (Some(kind), "sign-in") = (kind, during) {
        crate::observability::sign_in(
            crate::service::login::SECOND_FACTOR,
            kind.as_str(),
            "failed",
        );
    }
    let now = state.now();
    let (user_id, secrets, ip) = (user_id.clone(), state.secrets.clone(), address.to_string());
    let detail = serde_json::json!({ "factor": kind.map(FactorKind::as_str), "during": during });
    state
        .store
        .write(move |connection| {
            audit(
                connection,
                &secrets,
                "mfa.failed",
                &user_id,
                Some(user_id.as_str()),
                Some(&ip),
                detail,
                now,
            )
        })
        .await?;
    tracing::info!(address = %address, during, "second factor refused");
    Ok(())
}

/// A change to a user's factors as the audit log keeps it; `notice` tells the user.
struct Change<'a> {
    event: &'static str,
    user_id: &'a UserId,
    actor: &'a str,
    address: Option<&'a str>,
    detail: serde_json::Value,
    notice: Option<&'a Sealed>,
    now: UnixTime,
}

/// Queues the notice and writes the audit row, in the caller's transaction.
fn record(
    connection: &mut DbConn,
    secrets: &InstanceSecrets,
    change: Change<'_>,
) -> Result<(), StoreError> {
    if let Some(notice) = change.notice {
        messaging::enqueue(connection, std::slice::from_ref(notice), change.now)?;
    }
    audit(
        connection,
        secrets,
        change.event,
        change.user_id,
        Some(change.actor),
        change.address,
        change.detail,
        change.now,
    )
}

/// Records a passed second-factor check: its attempt is refunded and the factor becomes the
/// one offered first.
pub async fn record_success(
    state: &AppState,
    permit: Permit,
    user_id: &UserId,
    kind: FactorKind,
) -> Result<(), ServerError> {
    permit.succeeded().await;
    let user_id = user_id.clone();
    state
        .store
        .write(move |connection| factors::set_preferred_kind(connection, &user_id, kind))
        .await?;
    Ok(())
}

fn factor_notice(
    state: &AppState,
    user: &User,
    name: &'static str,
    kind: Option<FactorKind>,
    mut variables: BTreeMap<&'static str, String>,
) -> Result<Option<Sealed>, ServerError> {
    if let Some(kind) = kind {
        variables.insert("factor", kind_name(&language_of(state, user), kind));
    }
    variables.insert("link", format!("{}/account/security", state.issuer));
    notice_email(state, user, name, variables)
}

/// After a factor was confirmed: the user is told, the change is audited, and on the first
/// enrolment a set of recovery codes is made. Returns those codes, to be shown once.
pub async fn enrolled(
    state: &AppState,
    user: &User,
    kind: FactorKind,
    address: Option<IpAddr>,
) -> Result<Option<Vec<String>>, ServerError> {
    let existing = factors_of(state, &user.id).await?;
    let has_codes = existing
        .iter()
        .any(|factor| factor.kind == FactorKind::RecoveryCode && factor.is_active());
    let fresh = (!has_codes).then(|| recovery::generate(state));
    let notice = factor_notice(state, user, "mfa_added", Some(kind), BTreeMap::new())?;
    let now = state.now();
    let (user_id, secrets, stored) = (user.id.clone(), state.secrets.clone(), fresh.clone());
    let ip = address.map(|address| address.to_string());
    state
        .store
        .write(move |connection| -> Result<(), StoreError> {
            if let Some(fresh) = &stored {
                recovery::replace(connection, &user_id, fresh, now)?;
            }
            record(
                connection,
                &secrets,
                Change {
                    event: "mfa.enrolled",
                    user_id: &user_id,
                    actor: user_id.as_str(),
                    address: ip.as_deref(),
                    detail: serde_json::json!({ "factor": kind.as_str() }),
                    notice: notice.as_ref(),
                    now,
                },
            )
        })
        .await?;
    state.outbox_wakeup.notify_one();
    Ok(fresh.map(|fresh| fresh.codes))
}

/// Replaces the user's recovery codes; returns the new ones, to be shown once.
pub async fn regenerate_recovery_codes(
    state: &AppState,
    user: &User,
    address: Option<IpAddr>,
) -> Result<Vec<String>, ServerError> {
    let fresh = recovery::generate(state);
    let notice = factor_notice(
        state,
        user,
        "mfa_added",
        Some(FactorKind::RecoveryCode),
        BTreeMap::new(),
    )?;
    let now = state.now();
    let (user_id, secrets, stored) = (user.id.clone(), state.secrets.clone(), fresh.clone());
    let ip = address.map(|address| address.to_string());
    state
        .store
        .write(move |connection| -> Result<(), StoreError> {
            recovery::replace(connection, &user_id, &stored, now)?;
            record(
                connection,
                &secrets,
                Change {
                    event: "mfa.recovery_codes_replaced",
                    user_id: &user_id,
                    actor: user_id.as_str(),
                    address: ip.as_deref(),
                    detail: serde_json::json!({}),
                    notice: notice.as_ref(),
                    now,
                },
            )
        })
        .await?;
    state.outbox_wakeup.notify_one();
    Ok(fresh.codes)
}

/// Tells the user a recovery code was spent and how many remain.
pub async fn recovery_code_spent(
    state: &AppState,
    user: &User,
    remaining: usize,
    address: IpAddr,
) -> Result<(), ServerError> {
    let mut variables = BTreeMap::new();
    variables.insert("remaining", remaining.to_string());
    let notice = factor_notice(state, user, "recovery_code_used", None, variables)?;
    let now = state.now();
    let (user_id, secrets, ip) = (user.id.clone(), state.secrets.clone(), address.to_string());
    state
        .store
        .write(move |connection| {
            record(
                connection,
                &secrets,
                Change {
                    event: "mfa.recovery_code_used",
                    user_id: &user_id,
                    actor: user_id.as_str(),
                    address: Some(&ip),
                    detail: serde_json::json!({ "remaining": remaining }),
                    notice: notice.as_ref(),
                    now,
                },
            )
        })
        .await?;
    state.outbox_wakeup.notify_one();
    Ok(())
}

/// Why a factor was not removed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Removal {
    /// Removed.
    Removed,
    /// No such factor of this user.
    NotFound,
    /// It is the last second factor and a studio of the user requires one.
    LastRequired,
}

/// Removes one of the user's factors. Without any second factor left, the recovery codes
/// go too, and every device asks again.
pub async fn remove(
    state: &AppState,
    user: &User,
    factor_id: &str,
    address: Option<IpAddr>,
) -> Result<Removal, ServerError> {
    let existing = factors_of(state, &user.id).await?;
    let Some(target) = existing.iter().find(|factor| factor.id == factor_id) else {
        return Ok(Removal::NotFound);
    };
    let kind = target.kind;
    let others_left = existing
        .iter()
        .any(|factor| factor.id != factor_id && factor.kind.is_primary() && factor.is_active());
    if kind.is_primary() && !others_left && policy(state, &user.id).await?.is_required {
        return Ok(Removal::LastRequired);
    }
    let notice = factor_notice(state, user, "mfa_removed", Some(kind), BTreeMap::new())?;
    let now = state.now();
    let (user_id, secrets, id) = (user.id.clone(), state.secrets.clone(), factor_id.to_owned());
    let ip = address.map(|address| address.to_string());
    let removed = state
        .store
        .write(move |connection| -> Result<bool, StoreError> {
            if !factors::delete(connection, &user_id, &id)? {
                return Ok(false);
            }
            if !others_left {
                factors::delete_kind(connection, &user_id, FactorKind::RecoveryCode)?;
                factors::forget_devices(connection, &user_id)?;
            }
            record(
                connection,
                &secrets,
                Change {
                    event: "mfa.removed",
                    user_id: &user_id,
                    actor: user_id.as_str(),
                    address: ip.as_deref(),
                    detail: serde_json::json!({ "factor": kind.as_str() }),
                    notice: notice.as_ref(),
                    now,
                },
            )?;
            Ok(true)
        })
        .await?;
    state.outbox_wakeup.notify_one();
    Ok(if removed {
        Removal::Removed
    } else {
        Removal::NotFound
    })
}

/// Renames one of the user's factors. `false` when there is no such factor.
pub async fn rename(
    state: &AppState,
    user_id: &UserId,
    factor_id: &str,
    label: &str,
) -> Result<bool, ServerError> {
    let label: String = label.trim().chars().take(60).collect();
    if label.is_empty() {
        return Ok(false);
    }
    let (user_id, id) = (user_id.clone(), factor_id.to_owned());
    Ok(state
        .store
        .write(move |connection| factors::rename(connection, &user_id, &id, &label))
        .await?)
}

/// Who resets a user's second factors, why, and what else the reset must do.
#[derive(Debug, Default)]
pub struct ResetBy<'a> {
    /// The actor for the audit log (`cli`, or the admin's user id).
    pub actor: &'a str,
    /// Why, for the audit log and the message to the user.
    pub reason: &'a str,
    /// The studio whose admin resets, if any.
    pub studio: Option<&'a str>,
    /// The admin's address.
    pub address: Option<IpAddr>,
    /// Further notices queued with the reset (the admins of the user's other studios).
    pub also_tell: Vec<Sealed>,
    /// A daily cap the reset counts against: `(key, most per day)`.
    pub daily_cap: Option<(String, i64)>,
}

/// Removes all of a user's second factors (an admin reset): audited with its reason, and
/// the user is told. The next sign-in asks for a password only, or — where a studio
/// requires MFA — for a new enrolment. Returns how many factors went, or `None` when the
/// daily cap is used up (nothing changed then).
pub async fn reset(
    state: &AppState,
    user: &User,
    by: ResetBy<'_>,
) -> Result<Option<usize>, ServerError> {
    let mut variables = BTreeMap::new();
    variables.insert("reason", by.reason.to_owned());
    let notice = factor_notice(state, user, "mfa_reset", None, variables)?;
    let now = state.now();
    let (user_id, secrets) = (user.id.clone(), state.secrets.clone());
    let (actor, reason) = (by.actor.to_owned(), by.reason.to_owned());
    let studio = by.studio.map(str::to_owned);
    let ip = by.address.map(|address| address.to_string());
    let (also_tell, daily_cap) = (by.also_tell, by.daily_cap);
    let removed = state
        .store
        .write(move |connection| -> Result<Option<usize>, StoreError> {
            if let Some((key, max)) = &daily_cap {
                let today = UnixTime(now.as_secs() - now.as_secs().rem_euclid(86_400));
                if !gatehouse_store::rate_limits::take(connection, key, today, *max)? {
                    return Ok(None);
                }
            }
            let removed = factors::delete_all(connection, &user_id)?;
            messaging::enqueue(connection, &also_tell, now)?;
            record(
                connection,
                &secrets,
                Change {
                    event: "mfa.reset",
                    user_id: &user_id,
                    actor: &actor,
                    address: ip.as_deref(),
                    detail: serde_json::json!({
                        "reason": reason,
                        "removed": removed,
                        "studio": studio,
                    }),
                    notice: notice.as_ref(),
                    now,
                },
            )?;
            Ok(Some(removed))
        })
        .await?;
    state.outbox_wakeup.notify_one();
    Ok(removed)
}

/// Asks the admins of the user's studios to reset the user's second factors. Once an hour
/// at most; returns how many admins were written to (0 when none could be, or when a
/// request went out within the hour).
pub async fn request_help(
    state: &AppState,
    user: &User,
    address: IpAddr,
) -> Result<usize, ServerError> {
    let now = state.now();
    let user_id = user.id.clone();
    let since = now.plus_seconds(-3600);
    let (recent, admins) = state
        .store
        .read(move |connection| -> Result<_, StoreError> {
            let recent = gatehouse_store::audit::count_since(
                connection,
                &user_id,
                "mfa.help_requested",
                since,
            )?;
            let admins = studios::admins_of_member(connection, &user_id, PERMISSION_RESET_MFA)?;
            Ok((recent, admins))
        })
        .await?;
    if recent > 0 {
        return Ok(0);
    }
    let mut sealed = Vec::with_capacity(admins.len());
    for (studio, admin) in &admins {
        let mut variables = BTreeMap::new();
        variables.insert("name", admin.name.clone().unwrap_or_default());
        variables.insert(
            "member",
            match &user.name {
                Some(name) => format!("{name} <{}>", user.email),
                None => user.email.clone(),
            },
        );
        variables.insert("studio", studio.name.clone());
        variables.insert(
            "link",
            format!("{}/studios/{}/members", state.issuer, studio.slug),
        );
        let email = messaging::render_email(
            state,
            &Outgoing {
                name: "mfa_help_request",
                language: &language_of(state, admin),
                studio: Some(studio),
                variables,
            },
            &admin.email,
        )?;
        sealed.push(messaging::seal_email(&state.kek, &email)?);
    }
    let written = sealed.len();
    let (user_id, secrets, ip) = (user.id.clone(), state.secrets.clone(), address.to_string());
    state
        .store
        .write(move |connection| -> Result<(), StoreError> {
            messaging::enqueue(connection, &sealed, now)?;
            audit(
                connection,
                &secrets,
                "mfa.help_requested",
                &user_id,
                Some(user_id.as_str()),
                Some(&ip),
                serde_json::json!({ "admins": written }),
                now,
            )
        })
        .await?;
    state.outbox_wakeup.notify_one();
    Ok(written)
}
