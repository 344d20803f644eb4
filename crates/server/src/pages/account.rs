//! The account page: the user's studio, devices, sessions and password.

use crate::error::{PageError, ServerError};
use crate::http::page::{CsrfForm, CsrfProtected, PageContext};
use crate::http::session::{ActiveSession, CurrentSession};
use crate::service::accounts::{self, ChangePasswordError};
use crate::service::{devices, sessions};
use crate::state::AppState;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use gatehouse_core::password::PasswordViolation;
use gatehouse_core::studio::PERMISSION_MANAGE_DEVICES;
use gatehouse_core::{DeviceId, SessionId, StudioId, UnixTime};
use gatehouse_store::sessions::Revocation;
use gatehouse_store::{StoreError, studios, users};
use secrecy::SecretString;
use serde::Deserialize;

/// A time as the pages show it.
pub(crate) fn format_time(time: UnixTime) -> String {
    chrono::DateTime::from_timestamp(time.as_secs(), 0)
        .map(|moment| moment.format("%Y-%m-%d %H:%M UTC").to_string())
        .unwrap_or_default()
}

/// `?notice=` after an action.
#[derive(Debug, Deserialize)]
pub struct NoticeQuery {
    notice: Option<String>,
}

const NOTICES: [&str; 4] = [
    "device-removed",
    "session-ended",
    "studio-switched",
    "password-changed",
];

async fn render(
    state: &AppState,
    page: &PageContext,
    active: &ActiveSession,
    notice: Option<&str>,
    error: Option<String>,
) -> Result<Response, PageError> {
    let user_id = active.user.id.clone();
    let now = state.now();
    let (memberships, registered, active_sessions, admin_of) = state
        .store
        .read(move |connection| {
            let memberships = studios::memberships_of(connection, &user_id)?;
            let mut admin_of = Vec::new();
            for membership in &memberships {
                if studios::has_permission(
                    connection,
                    &membership.studio.id,
                    &user_id,
                    PERMISSION_MANAGE_DEVICES,
                )? {
                    admin_of.push(membership.studio.id.clone());
                }
            }
            let registered = gatehouse_store::devices::list_for_user(connection, &user_id)?;
            let active_sessions =
                gatehouse_store::sessions::list_active_for_user(connection, &user_id, now)?;
            Ok((memberships, registered, active_sessions, admin_of))
        })
        .await?;
    let current_studio = active.session.studio_id.as_ref();
    let studio_items: Vec<minijinja::Value> = memberships
        .iter()
        .map(|membership| {
            minijinja::context! {
                id => membership.studio.id.as_str(),
                slug => membership.studio.slug.clone(),
                name => membership.studio.name.clone(),
                is_current => current_studio == Some(&membership.studio.id),
                is_admin => admin_of.contains(&membership.studio.id),
            }
        })
        .collect();
    let device_items: Vec<minijinja::Value> = registered
        .iter()
        .map(|device| {
            minijinja::context! {
                id => device.id.as_str(),
                name => device.name.clone(),
                last_seen => format_time(device.last_seen_at),
                is_current => active.session.device_id.as_ref() == Some(&device.id),
            }
        })
        .collect();
    let session_items: Vec<minijinja::Value> = active_sessions
        .iter()
        .map(|summary| {
            minijinja::context! {
                id => summary.session.id.as_str(),
                device => summary.device_name.clone().unwrap_or_else(|| {
                    gatehouse_core::device::describe_user_agent(summary.origin.user_agent.as_deref())
                }),
                started => format_time(summary.session.created_at),
                address => summary.origin.ip_address.clone(),
                is_current => summary.session.id == active.session.id,
            }
        })
        .collect();
    let notice = notice
        .filter(|notice| NOTICES.contains(notice))
        .map(|notice| {
            crate::i18n::translate(&page.language, &format!("account-notice-{notice}"), &[])
        });
    page.render(
        state,
        "account.html",
        minijinja::context! {
            email => active.user.email.clone(),
            studios => studio_items,
            current_studio => memberships
                .iter()
                .find(|membership| current_studio == Some(&membership.studio.id))
                .map(|membership| membership.studio.name.clone()),
            devices => device_items,
            sessions => session_items,
            notice => notice,
            error => error,
        },
    )
}

/// `GET /account`
pub async fn show(
    State(state): State<AppState>,
    page: PageContext,
    CurrentSession(session): CurrentSession,
    Query(query): Query<NoticeQuery>,
) -> Result<Response, PageError> {
    let Some(active) = session else {
        return Ok(Redirect::to("/login").into_response());
    };
    render(&state, &page, &active, query.notice.as_deref(), None).await
}

fn done(notice: &str) -> Response {
    Redirect::to(&format!("/account?notice={notice}")).into_response()
}

/// A form naming one thing (a device, a session, a studio).
#[derive(Debug, Deserialize)]
pub struct ChoiceForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    device_id: String,
    #[serde(default)]
    session_id: String,
    #[serde(default)]
    studio_id: String,
}

impl CsrfProtected for ChoiceForm {
    fn csrf_token(&self) -> &str {
        &self.csrf_token
    }
}

/// `POST /account/devices/remove`: the user removes one of their other devices.
pub async fn remove_device(
    State(state): State<AppState>,
    CurrentSession(session): CurrentSession,
    CsrfForm { form, .. }: CsrfForm<ChoiceForm>,
) -> Result<Response, PageError> {
    let active =
        session.ok_or_else(|| PageError::new(StatusCode::UNAUTHORIZED, "error-not-permitted"))?;
    let device_id = DeviceId::new(form.device_id);
    // The current device cannot be removed from itself: that is what signing out is for.
    if active.session.device_id.as_ref() == Some(&device_id) {
        return Err(PageError::bad_request("error-bad-request"));
    }
    let lookup = device_id.clone();
    let owned = state
        .store
        .read(move |connection| gatehouse_store::devices::find(connection, &lookup))
        .await?
        .is_some_and(|device| device.user_id == active.user.id);
    if !owned {
        return Err(PageError::new(StatusCode::NOT_FOUND, "error-not-found"));
    }
    devices::remove(&state.store, device_id, state.now()).await?;
    state.outbox_wakeup.notify_one();
    Ok(done("device-removed"))
}

/// `POST /account/sessions/end`: the user ends one of their sessions.
pub async fn end_session(
    State(state): State<AppState>,
    CurrentSession(session): CurrentSession,
    CsrfForm { form, .. }: CsrfForm<ChoiceForm>,
) -> Result<Response, PageError> {
    let active =
        session.ok_or_else(|| PageError::new(StatusCode::UNAUTHORIZED, "error-not-permitted"))?;
    let session_id = SessionId::new(form.session_id);
    let lookup = session_id.clone();
    let owned = state
        .store
        .read(move |connection| gatehouse_store::sessions::find(connection, &lookup))
        .await?
        .is_some_and(|found| found.user_id == active.user.id);
    if !owned {
        return Err(PageError::new(StatusCode::NOT_FOUND, "error-not-found"));
    }
    sessions::end_session(
        &state,
        session_id,
        active.user.id.clone(),
        Revocation::AllGrants,
    )
    .await?;
    Ok(done("session-ended"))
}

/// `POST /account/studio`: switch the studio the session works in.
pub async fn switch_studio(
    State(state): State<AppState>,
    CurrentSession(session): CurrentSession,
    CsrfForm { form, .. }: CsrfForm<ChoiceForm>,
) -> Result<Response, PageError> {
    let active =
        session.ok_or_else(|| PageError::new(StatusCode::UNAUTHORIZED, "error-not-permitted"))?;
    let studio_id = StudioId::new(form.studio_id);
    let (user_id, session_id) = (active.user.id.clone(), active.session.id.clone());
    let switched = state
        .store
        .write(move |connection| -> Result<bool, StoreError> {
            if studios::find_membership(connection, &studio_id, &user_id)?.is_none() {
                return Ok(false);
            }
            gatehouse_store::sessions::set_studio(connection, &session_id, &studio_id)?;
            users::set_last_studio(connection, &user_id, &studio_id)?;
            Ok(true)
        })
        .await?;
    if !switched {
        return Err(PageError::new(
            StatusCode::FORBIDDEN,
            "error-studio-not-member",
        ));
    }
    Ok(done("studio-switched"))
}

/// The password form.
#[derive(Debug, Deserialize)]
pub struct PasswordForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    current_password: String,
    #[serde(default)]
    new_password: String,
    #[serde(default)]
    confirm_password: String,
}

impl CsrfProtected for PasswordForm {
    fn csrf_token(&self) -> &str {
        &self.csrf_token
    }
}

/// `POST /account/password`: old, new, confirm. Every other session and every refresh token
/// ends, so apps must ask for the new password.
pub async fn change_password(
    State(state): State<AppState>,
    CurrentSession(session): CurrentSession,
    CsrfForm { page, form }: CsrfForm<PasswordForm>,
) -> Result<Response, PageError> {
    let active =
        session.ok_or_else(|| PageError::new(StatusCode::UNAUTHORIZED, "error-not-permitted"))?;
    let refuse = |key: &str, arguments: &[(&str, String)]| {
        crate::i18n::translate(&page.language, key, arguments)
    };
    let user_id = active.user.id.clone();
    let stored = state
        .store
        .read(move |connection| users::find_with_password(connection, &user_id))
        .await?
        .and_then(|(_, hash)| hash);
    let verification = state
        .passwords
        .verify(SecretString::from(form.current_password.clone()), stored)
        .await
        .map_err(ServerError::from)?;
    let error = if !matches!(
        verification,
        crate::crypto::password::Verification::Match { .. }
    ) {
        Some(refuse("account-error-current-password", &[]))
    } else if form.new_password != form.confirm_password {
        Some(refuse("account-error-password-mismatch", &[]))
    } else {
        match accounts::set_password(
            &state.store,
            &state.passwords,
            &state.config.passwords.policy(),
            &active.user.id,
            SecretString::from(form.new_password.clone()),
            Some(active.session.id.clone()),
            state.now(),
        )
        .await
        {
            Ok(_) => {
                state.outbox_wakeup.notify_one();
                return Ok(done("password-changed"));
            }
            Err(ChangePasswordError::WeakPassword(violations)) => Some(
                violations
                    .iter()
                    .map(|violation| match violation {
                        PasswordViolation::TooShort { min } => {
                            refuse("account-error-password-short", &[("min", min.to_string())])
                        }
                        PasswordViolation::TooLong { max } => {
                            refuse("account-error-password-long", &[("max", max.to_string())])
                        }
                    })
                    .collect::<Vec<_>>()
                    .join(" "),
            ),
            Err(ChangePasswordError::Store(error)) => return Err(error.into()),
            Err(ChangePasswordError::Hashing(error)) => return Err(ServerError::from(error).into()),
        }
    };
    let mut response = render(&state, &page, &active, None, error).await?;
    *response.status_mut() = StatusCode::BAD_REQUEST;
    Ok(response)
}
