//! Pages that interrupt a sign-in after the password: an expired password must be replaced,
//! and a closed account may be reopened, before any session or token exists.

use super::{browser, format_time, go_on, sign_in_refused};
use crate::error::{PageError, ServerError};
use crate::http::ClientAddress;
use crate::http::page::{CsrfForm, CsrfProtected, PageContext};
use crate::http::session::CurrentSession;
use crate::service::accounts::{self, ChangePasswordError};
use crate::service::audit::Actor;
use crate::service::login::{self, Interruption};
use crate::service::verification;
use crate::state::AppState;
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use gatehouse_core::secret::constant_time_eq;
use gatehouse_core::user::User;
use gatehouse_core::verification::Purpose;
use gatehouse_store::verifications::Verification;
use gatehouse_store::{users, verifications};
use secrecy::SecretString;
use serde::Deserialize;

/// `?request=`.
#[derive(Debug, Deserialize)]
pub struct RequestQuery {
    #[serde(default)]
    request: String,
}

/// The parked sign-in behind `request_id`, if it is live and belongs to this browser.
async fn load(
    state: &AppState,
    page: &PageContext,
    purpose: Purpose,
    request_id: &str,
) -> Result<(Verification, User, Interruption), PageError> {
    let found = verification::find_request(state, purpose, request_id)
        .await?
        .ok_or_else(PageError::flow_expired)?;
    let parked: Interruption =
        serde_json::from_value(found.data.clone()).map_err(|_| PageError::flow_expired())?;
    if !constant_time_eq(parked.binding.as_bytes(), page.browser_binding().as_bytes()) {
        return Err(PageError::flow_expired());
    }
    let user_id = found.user_id.clone().ok_or_else(PageError::flow_expired)?;
    let user = state
        .store
        .read(move |connection| users::find(connection, &user_id))
        .await?
        .ok_or_else(PageError::flow_expired)?;
    Ok((found, user, parked))
}

/// Uses up the parked request: `false` when it was used already (a second submission).
async fn consume(state: &AppState, found: &Verification) -> Result<bool, PageError> {
    let (id, now) = (found.id.clone(), state.now());
    Ok(state
        .store
        .write(move |connection| verifications::consume(connection, &id, now))
        .await?)
}

fn password_rules(page: &PageContext, state: &AppState) -> String {
    page.translate(
        "password-rules-summary",
        &[("min", state.config.passwords.min_length.to_string())],
    )
}

fn render_expired(
    state: &AppState,
    page: &PageContext,
    request_id: &str,
    errors: Vec<String>,
) -> Result<Response, PageError> {
    page.render(
        state,
        "password_form.html",
        minijinja::context! {
            title => page.translate("expired-title", &[]),
            intro => page.translate("expired-intro", &[]),
            action => "/password-expired",
            hidden => vec![minijinja::context! { name => "request", value => request_id }],
            rules => password_rules(page, state),
            submit => page.translate("reset-submit", &[]),
            errors => errors,
        },
    )
}

/// `GET /password-expired`
pub async fn show_expired(
    State(state): State<AppState>,
    page: PageContext,
    Query(query): Query<RequestQuery>,
) -> Result<Response, PageError> {
    load(&state, &page, Purpose::ExpiredPassword, &query.request).await?;
    render_expired(&state, &page, &query.request, Vec::new())
}

/// The new-password form.
#[derive(Debug, Deserialize)]
pub struct NewPasswordForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    request: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    confirm_password: String,
}

impl CsrfProtected for NewPasswordForm {
    fn csrf_token(&self) -> &str {
        &self.csrf_token
    }
}

async fn continue_sign_in(
    state: &AppState,
    page: &PageContext,
    user: User,
    parked: Interruption,
    browser: login::Browser,
) -> Result<Response, PageError> {
    match login::resume_after_interruption(state, user, parked, browser).await {
        Ok(next) => go_on(state, page, next).await,
        Err(failure) => Err(sign_in_refused(failure)),
    }
}

/// `POST /password-expired`
pub async fn submit_expired(
    State(state): State<AppState>,
    CurrentSession(previous): CurrentSession,
    ClientAddress(address): ClientAddress,
    headers: HeaderMap,
    CsrfForm { page, form }: CsrfForm<NewPasswordForm>,
) -> Result<Response, PageError> {
    let (found, user, parked) =
        load(&state, &page, Purpose::ExpiredPassword, &form.request).await?;
    if form.password != form.confirm_password {
        let errors = vec![page.translate("field-error-password-mismatch", &[])];
        return render_expired(&state, &page, &form.request, errors);
    }
    // The request is used up before the password changes, so two submissions cannot both
    // go on; a refused password gives it back.
    if !consume(&state, &found).await? {
        return Err(PageError::flow_expired());
    }
    let refusal = match accounts::set_password(
        &state,
        &user,
        SecretString::from(form.password),
        None,
        &Actor::user(&user.id),
    )
    .await
    {
        Ok(()) => None,
        Err(ChangePasswordError::WeakPassword(violations)) => Some(violations),
        Err(ChangePasswordError::Store(error)) => return Err(error.into()),
        Err(ChangePasswordError::Server(error)) => return Err(error.into()),
    };
    if let Some(violations) = refusal {
        let id = found.id.clone();
        state
            .store
            .write(move |connection| verifications::release(connection, &id))
            .await?;
        let policy = crate::service::passwords::policy_for_user(&state, &user.id).await?;
        let errors = crate::service::passwords::describe(&page.language, &policy, &violations);
        return render_expired(&state, &page, &form.request, errors);
    }
    let user = reload(&state, &user).await?;
    continue_sign_in(
        &state,
        &page,
        user,
        parked,
        browser(&state, &headers, address, previous),
    )
    .await
}

async fn reload(state: &AppState, user: &User) -> Result<User, ServerError> {
    let user_id = user.id.clone();
    Ok(state
        .store
        .read(move |connection| users::get(connection, &user_id))
        .await?)
}

/// `GET /reactivate`
pub async fn show_reactivate(
    State(state): State<AppState>,
    page: PageContext,
    Query(query): Query<RequestQuery>,
) -> Result<Response, PageError> {
    let (_, user, _) = load(&state, &page, Purpose::Reactivation, &query.request).await?;
    let purge_at = user
        .closed_at
        .unwrap_or_else(|| state.now())
        .plus_seconds(state.config.accounts.closure_grace_days * 86_400);
    page.render(
        &state,
        "reactivate.html",
        minijinja::context! { request => query.request, purge_date => format_time(purge_at) },
    )
}

/// The reopen decision.
#[derive(Debug, Deserialize)]
pub struct ReactivateForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    request: String,
    #[serde(default)]
    decision: String,
}

impl CsrfProtected for ReactivateForm {
    fn csrf_token(&self) -> &str {
        &self.csrf_token
    }
}

/// `POST /reactivate`
pub async fn submit_reactivate(
    State(state): State<AppState>,
    CurrentSession(previous): CurrentSession,
    ClientAddress(address): ClientAddress,
    headers: HeaderMap,
    CsrfForm { page, form }: CsrfForm<ReactivateForm>,
) -> Result<Response, PageError> {
    let (found, user, parked) = load(&state, &page, Purpose::Reactivation, &form.request).await?;
    if form.decision != "reopen" {
        return Ok(Redirect::to("/login").into_response());
    }
    if !accounts::is_within_grace(&state, &user, state.now()) {
        return Err(PageError::flow_expired());
    }
    if !consume(&state, &found).await? {
        return Err(PageError::flow_expired());
    }
    let user = accounts::reopen(&state, &user, &Actor::user(&user.id)).await?;
    continue_sign_in(
        &state,
        &page,
        user,
        parked,
        browser(&state, &headers, address, previous),
    )
    .await
}
