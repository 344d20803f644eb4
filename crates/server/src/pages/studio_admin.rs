//! The studio admin's page: members and their devices, with removal (the "support removes a
//! device when the customer changes phones" rule).

use crate::error::PageError;
use crate::http::ClientAddress;
use crate::http::page::{CsrfForm, CsrfProtected, PageContext};
use crate::http::session::CurrentSession;
use crate::pages::account::format_time;
use crate::service::studios::{self, AdminRemoval, AdminReset};
use crate::state::AppState;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use gatehouse_core::DeviceId;
use gatehouse_core::studio::{
    PERMISSION_MANAGE_DEVICES, PERMISSION_MANAGE_MEMBERS, PERMISSION_RESET_MFA, Studio,
};
use gatehouse_core::user::User;
use serde::Deserialize;

/// What the admin may do in the studio.
#[derive(Debug, Clone, Copy)]
struct AdminPowers {
    devices: bool,
    mfa: bool,
    members: bool,
}

/// The studio, for an actor who may administer something in it (devices, second factors
/// or members).
async fn studio_for_admin(
    state: &AppState,
    slug: &str,
    actor: &User,
) -> Result<(Studio, AdminPowers), PageError> {
    let studio = studios::get_by_slug(&state.store, slug)
        .await
        .map_err(|_| PageError::new(StatusCode::NOT_FOUND, "error-studio-unknown"))?;
    let (studio_id, actor_id) = (studio.id.clone(), actor.id.clone());
    let powers = state
        .store
        .read(
            move |connection| -> Result<AdminPowers, gatehouse_store::StoreError> {
                let held = |connection: &mut gatehouse_store::DbConn, permission| {
                    gatehouse_store::studios::has_permission(
                        connection, &studio_id, &actor_id, permission,
                    )
                };
                Ok(AdminPowers {
                    devices: held(connection, PERMISSION_MANAGE_DEVICES)?,
                    mfa: held(connection, PERMISSION_RESET_MFA)?,
                    members: held(connection, PERMISSION_MANAGE_MEMBERS)?,
                })
            },
        )
        .await?;
    if powers.devices || powers.mfa || powers.members {
        Ok((studio, powers))
    } else {
        Err(PageError::new(StatusCode::FORBIDDEN, "error-not-permitted"))
    }
}

/// `?notice=`.
#[derive(Debug, Deserialize)]
pub struct MembersQuery {
    notice: Option<String>,
}

/// `GET /studios/{slug}/members`
pub async fn members(
    State(state): State<AppState>,
    page: PageContext,
    CurrentSession(session): CurrentSession,
    Path(slug): Path<String>,
    Query(query): Query<MembersQuery>,
) -> Result<Response, PageError> {
    let Some(active) = session else {
        return Ok(Redirect::to("/login").into_response());
    };
    let (studio, powers) = studio_for_admin(&state, &slug, &active.user).await?;
    let studio_id = studio.id.clone();
    let listed = state
        .store
        .read(move |connection| {
            let mut listed = Vec::new();
            for (membership, user) in gatehouse_store::studios::members(connection, &studio_id)? {
                let registered = gatehouse_store::devices::list_for_user(connection, &user.id)?;
                let enrolled = gatehouse_store::factors::list_for_user(connection, &user.id)?;
                listed.push((membership, user, registered, enrolled));
            }
            Ok(listed)
        })
        .await?;
    let members: Vec<minijinja::Value> = listed
        .iter()
        .map(|(membership, user, registered, enrolled)| {
            let devices: Vec<minijinja::Value> = registered
                .iter()
                .map(|device| {
                    minijinja::context! {
                        id => device.id.as_str(),
                        name => device.name.clone(),
                        last_seen => format_time(device.last_seen_at),
                    }
                })
                .collect();
            minijinja::context! {
                id => user.id.as_str(),
                is_pending => user.status == gatehouse_core::user::UserStatus::PendingApproval,
                email => user.email.clone(),
                name => user.name.clone(),
                roles => membership.roles.join(", "),
                username => membership.username.clone(),
                devices => devices,
                mfa_enabled => gatehouse_core::mfa::has_second_factor(enrolled),
            }
        })
        .collect();
    let notice = match query.notice.as_deref() {
        Some("device-removed") => Some(page.translate("account-notice-device-removed", &[])),
        Some("approved") => Some(page.translate("members-notice-approved", &[])),
        Some("mfa-reset") => Some(page.translate("members-notice-mfa-reset", &[])),
        _ => None,
    };
    page.render(
        &state,
        "studio_members.html",
        minijinja::context! {
            studio_name => studio.name,
            studio_slug => studio.slug,
            members => members,
            notice => notice,
            can_manage_devices => powers.devices,
            can_reset_mfa => powers.mfa,
            can_approve => powers.members,
        },
    )
}

/// The removal form.
#[derive(Debug, Deserialize)]
pub struct RemoveDeviceForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    device_id: String,
}

impl CsrfProtected for RemoveDeviceForm {
    fn csrf_token(&self) -> &str {
        &self.csrf_token
    }
}

/// `POST /studios/{slug}/devices/remove`
pub async fn remove_device(
    State(state): State<AppState>,
    CurrentSession(session): CurrentSession,
    Path(slug): Path<String>,
    CsrfForm { form, .. }: CsrfForm<RemoveDeviceForm>,
) -> Result<Response, PageError> {
    let active =
        session.ok_or_else(|| PageError::new(StatusCode::UNAUTHORIZED, "error-not-permitted"))?;
    let (studio, _) = studio_for_admin(&state, &slug, &active.user).await?;
    match studios::remove_member_device(
        &state,
        &active.user.id,
        &studio.id,
        DeviceId::new(form.device_id),
    )
    .await?
    {
        AdminRemoval::Removed(device) => {
            tracing::info!(admin = %active.user.id, device = %device.id, studio = %studio.slug, "device removed by studio admin");
            Ok(Redirect::to(&format!(
                "/studios/{}/members?notice=device-removed",
                studio.slug
            ))
            .into_response())
        }
        AdminRemoval::NotPermitted => {
            Err(PageError::new(StatusCode::FORBIDDEN, "error-not-permitted"))
        }
        AdminRemoval::NotFound => Err(PageError::new(StatusCode::NOT_FOUND, "error-not-found")),
    }
}

/// The approval form.
#[derive(Debug, Deserialize)]
pub struct ApproveForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    user_id: String,
}

impl CsrfProtected for ApproveForm {
    fn csrf_token(&self) -> &str {
        &self.csrf_token
    }
}

/// `POST /studios/{slug}/members/approve`: a studio admin approves a pending registration.
pub async fn approve(
    State(state): State<AppState>,
    CurrentSession(session): CurrentSession,
    Path(slug): Path<String>,
    CsrfForm { form, .. }: CsrfForm<ApproveForm>,
) -> Result<Response, PageError> {
    let active =
        session.ok_or_else(|| PageError::new(StatusCode::UNAUTHORIZED, "error-not-permitted"))?;
    let (studio, powers) = studio_for_admin(&state, &slug, &active.user).await?;
    // Approving a registration lets a person into the studio: a members matter.
    if !powers.members {
        return Err(PageError::new(StatusCode::FORBIDDEN, "error-not-permitted"));
    }
    let user_id = gatehouse_core::UserId::new(form.user_id);
    let (studio_id, member) = (studio.id.clone(), user_id.clone());
    let is_member = state
        .store
        .read(move |connection| {
            gatehouse_store::studios::find_membership(connection, &studio_id, &member)
        })
        .await?
        .is_some();
    if !is_member
        || !crate::service::registration::approve(&state, &active.user.id, &studio, &user_id)
            .await?
    {
        return Err(PageError::new(StatusCode::NOT_FOUND, "error-not-found"));
    }
    Ok(Redirect::to(&format!("/studios/{}/members?notice=approved", studio.slug)).into_response())
}

/// The MFA reset form.
#[derive(Debug, Deserialize)]
pub struct ResetMfaForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    user_id: String,
    #[serde(default)]
    reason: String,
}

impl CsrfProtected for ResetMfaForm {
    fn csrf_token(&self) -> &str {
        &self.csrf_token
    }
}

/// `POST /studios/{slug}/members/mfa-reset`: a studio admin removes a member's second
/// factors (the member lost their phone), giving a reason for the audit log.
pub async fn reset_mfa(
    State(state): State<AppState>,
    CurrentSession(session): CurrentSession,
    ClientAddress(address): ClientAddress,
    Path(slug): Path<String>,
    CsrfForm { form, .. }: CsrfForm<ResetMfaForm>,
) -> Result<Response, PageError> {
    let active =
        session.ok_or_else(|| PageError::new(StatusCode::UNAUTHORIZED, "error-not-permitted"))?;
    let (studio, _) = studio_for_admin(&state, &slug, &active.user).await?;
    let reason = form.reason.trim();
    if reason.is_empty() || reason.chars().count() > 500 {
        return Err(PageError::bad_request("members-reset-reason-required"));
    }
    let member = gatehouse_core::UserId::new(form.user_id);
    match studios::reset_member_mfa(
        &state,
        &active.user.id,
        &studio,
        &member,
        reason,
        Some(address),
    )
    .await?
    {
        AdminReset::Reset(removed) => {
            tracing::info!(admin = %active.user.id, member = %member, removed, studio = %studio.slug, "second factors reset by studio admin");
            Ok(Redirect::to(&format!(
                "/studios/{}/members?notice=mfa-reset",
                studio.slug
            ))
            .into_response())
        }
        AdminReset::NotPermitted => {
            Err(PageError::new(StatusCode::FORBIDDEN, "error-not-permitted"))
        }
        AdminReset::SharedMember => Err(PageError::new(
            StatusCode::FORBIDDEN,
            "members-reset-shared-member",
        )),
        AdminReset::TooManyToday => Err(PageError::new(
            StatusCode::TOO_MANY_REQUESTS,
            "members-reset-too-many",
        )),
        AdminReset::NotFound => Err(PageError::new(StatusCode::NOT_FOUND, "error-not-found")),
    }
}
