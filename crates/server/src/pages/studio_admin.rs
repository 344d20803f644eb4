//! The studio admin's page: members and their devices, with removal (the "support removes a
//! device when the customer changes phones" rule).

use crate::error::PageError;
use crate::http::page::{CsrfForm, CsrfProtected, PageContext};
use crate::http::session::CurrentSession;
use crate::pages::account::format_time;
use crate::service::studios::{self, AdminRemoval};
use crate::state::AppState;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use gatehouse_core::DeviceId;
use gatehouse_core::studio::{PERMISSION_MANAGE_DEVICES, Studio};
use gatehouse_core::user::User;
use serde::Deserialize;

async fn studio_for_admin(state: &AppState, slug: &str, actor: &User) -> Result<Studio, PageError> {
    let studio = studios::get_by_slug(&state.store, slug)
        .await
        .map_err(|_| PageError::new(StatusCode::NOT_FOUND, "error-studio-unknown"))?;
    let (studio_id, actor_id) = (studio.id.clone(), actor.id.clone());
    let permitted = state
        .store
        .read(move |connection| {
            gatehouse_store::studios::has_permission(
                connection,
                &studio_id,
                &actor_id,
                PERMISSION_MANAGE_DEVICES,
            )
        })
        .await?;
    if permitted {
        Ok(studio)
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
    let studio = studio_for_admin(&state, &slug, &active.user).await?;
    let studio_id = studio.id.clone();
    let listed = state
        .store
        .read(move |connection| {
            let mut listed = Vec::new();
            for (membership, user) in gatehouse_store::studios::members(connection, &studio_id)? {
                let registered = gatehouse_store::devices::list_for_user(connection, &user.id)?;
                listed.push((membership, user, registered));
            }
            Ok(listed)
        })
        .await?;
    let members: Vec<minijinja::Value> = listed
        .iter()
        .map(|(membership, user, registered)| {
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
            }
        })
        .collect();
    let notice = match query.notice.as_deref() {
        Some("device-removed") => Some(page.translate("account-notice-device-removed", &[])),
        Some("approved") => Some(page.translate("members-notice-approved", &[])),
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
    let studio = studio_for_admin(&state, &slug, &active.user).await?;
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
    let studio = studio_for_admin(&state, &slug, &active.user).await?;
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
