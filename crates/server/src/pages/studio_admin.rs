//! The studio admin's page: members and their devices, with removal (the "support removes a
//! device when the customer changes phones" rule).

use super::format_time;
use crate::error::PageError;
use crate::http::page::{CsrfForm, CsrfProtected, PageContext};
use crate::http::session::StudioAdmin;
use crate::http::{ClientAddress, Origin};
use crate::service::studios::{self, AdminRemoval, AdminReset};
use crate::state::AppState;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use gatehouse_core::DeviceId;
use gatehouse_core::studio::{
    PERMISSION_MANAGE_DEVICES, PERMISSION_MANAGE_MEMBERS, PERMISSION_RESET_MFA,
};
use serde::Deserialize;

/// `?notice=`.
#[derive(Debug, Deserialize)]
pub struct MembersQuery {
    notice: Option<String>,
}

/// `GET /studios/{slug}/members`
pub async fn members(
    State(state): State<AppState>,
    page: PageContext,
    admin: StudioAdmin,
    Query(query): Query<MembersQuery>,
) -> Result<Response, PageError> {
    let StudioAdmin { studio, .. } = &admin;
    let studio = studio.clone();
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
            can_manage_devices => admin.may(PERMISSION_MANAGE_DEVICES),
            can_reset_mfa => admin.may(PERMISSION_RESET_MFA),
            can_approve => admin.may(PERMISSION_MANAGE_MEMBERS),
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
    StudioAdmin { active, studio, .. }: StudioAdmin,
    CsrfForm { form, .. }: CsrfForm<RemoveDeviceForm>,
) -> Result<Response, PageError> {
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
    origin: Origin,
    admin: StudioAdmin,
    CsrfForm { form, .. }: CsrfForm<ApproveForm>,
) -> Result<Response, PageError> {
    // Approving a registration lets a person into the studio: a members matter.
    if !admin.may(PERMISSION_MANAGE_MEMBERS) {
        return Err(PageError::new(StatusCode::FORBIDDEN, "error-not-permitted"));
    }
    let StudioAdmin { active, studio, .. } = admin;
    let user_id = gatehouse_core::UserId::new(form.user_id);
    let actor = origin.actor(active.user.id.as_str());
    if !crate::service::registration::approve(&state, &actor, &studio, &user_id).await? {
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
    StudioAdmin { active, studio, .. }: StudioAdmin,
    ClientAddress(address): ClientAddress,
    CsrfForm { form, .. }: CsrfForm<ResetMfaForm>,
) -> Result<Response, PageError> {
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
