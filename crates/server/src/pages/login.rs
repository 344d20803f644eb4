//! The sign-in page.

use crate::error::PageError;
use crate::http::ClientAddress;
use crate::http::page::{CsrfForm, CsrfProtected, PageContext};
use crate::http::session::{ActiveSession, CurrentSession, session_cookie};
use crate::service::authorization;
use crate::service::login::{self, LoginFailure};
use crate::state::AppState;
use axum::extract::{Query, State};
use axum::http::header::USER_AGENT;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use gatehouse_core::authorize::FlowProgress;
use gatehouse_core::session::Authentication;
use gatehouse_store::sessions::SessionOrigin;
use secrecy::SecretString;
use serde::Deserialize;

/// `?flow=` on flow pages.
#[derive(Debug, Deserialize)]
pub struct FlowQuery {
    /// The authorization flow, if the page is part of one.
    pub flow: Option<String>,
}

/// `GET /login`
pub async fn show(
    State(state): State<AppState>,
    page: PageContext,
    Query(query): Query<FlowQuery>,
) -> Result<Response, PageError> {
    match query.flow.filter(|flow| !flow.is_empty()) {
        Some(flow_id) => {
            let (page, flow, client) = super::flow_page(&state, page, &flow_id).await?;
            page.render(
                &state,
                "login.html",
                minijinja::context! {
                    flow => flow_id,
                    client_name => client.name,
                    email => flow.request.login_hint.unwrap_or_default(),
                },
            )
        }
        None => page.render(&state, "login.html", minijinja::context! { email => "" }),
    }
}

/// The sign-in form.
#[derive(Debug, Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    csrf_token: String,
    flow: Option<String>,
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    remember_me: Option<String>,
}

impl CsrfProtected for LoginForm {
    fn csrf_token(&self) -> &str {
        &self.csrf_token
    }
}

/// `POST /login`
pub async fn submit(
    State(state): State<AppState>,
    CurrentSession(previous): CurrentSession,
    ClientAddress(address): ClientAddress,
    headers: HeaderMap,
    CsrfForm { page, form }: CsrfForm<LoginForm>,
) -> Result<Response, PageError> {
    let flow_id = form.flow.clone().filter(|flow| !flow.is_empty());
    let (page, flow) = match &flow_id {
        Some(flow_id) => {
            let (page, flow, client) = super::flow_page(&state, page, flow_id).await?;
            (page, Some((flow, client)))
        }
        None => (page, None),
    };
    let is_persistent = form.remember_me.is_some();
    let rerender = |message: String, status: StatusCode| -> Result<Response, PageError> {
        let mut response = page.render(
            &state,
            "login.html",
            minijinja::context! {
                flow => flow_id.clone(),
                client_name => flow.as_ref().map(|(_, client)| client.name.clone()),
                email => form.email.clone(),
                remember_me => is_persistent,
                error => message,
            },
        )?;
        *response.status_mut() = status;
        Ok(response)
    };
    if form.email.trim().is_empty() || form.password.is_empty() {
        return rerender(
            crate::i18n::translate(&page.language, "login-error-missing", &[]),
            StatusCode::OK,
        );
    }
    let user = match login::authenticate(
        &state,
        &form.email,
        SecretString::from(form.password.clone()),
        address,
    )
    .await
    {
        Ok(user) => user,
        Err(LoginFailure::InvalidCredentials) => {
            return rerender(
                crate::i18n::translate(&page.language, "login-error-invalid", &[]),
                StatusCode::OK,
            );
        }
        Err(LoginFailure::Throttled(seconds)) => {
            let mut response = rerender(
                crate::i18n::translate(
                    &page.language,
                    "login-error-throttled",
                    &[("seconds", seconds.to_string())],
                ),
                StatusCode::TOO_MANY_REQUESTS,
            )?;
            if let Ok(value) = HeaderValue::from_str(&seconds.to_string()) {
                response.headers_mut().insert(header::RETRY_AFTER, value);
            }
            return Ok(response);
        }
        Err(LoginFailure::Server(error)) => return Err(error.into()),
    };
    let origin = SessionOrigin {
        user_agent: headers
            .get(USER_AGENT)
            .and_then(|value| value.to_str().ok())
            .map(|agent| agent.chars().take(512).collect()),
        ip_address: Some(address.to_string()),
    };
    let new_session = login::start_session(
        &state,
        &user,
        Authentication::password(state.now()),
        is_persistent,
        origin,
        previous.map(|active| active.session.id),
    )
    .await?;
    let cookie = session_cookie(&state, &new_session.cookie_secret, is_persistent);
    let mut response = match (flow_id, flow) {
        (Some(flow_id), Some((flow, _))) => {
            let progress = FlowProgress {
                login_completed: true,
                account_selected: true,
                ..flow.progress
            };
            authorization::save_progress(&state, &flow_id, progress).await?;
            let active = ActiveSession {
                session: new_session.session,
                user,
            };
            super::follow(authorization::resume(&state, &flow_id, progress, Some(&active)).await?)
        }
        _ => Redirect::to("/").into_response(),
    };
    if let Ok(value) = HeaderValue::from_str(&cookie) {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
    page.finish(&state, &mut response);
    Ok(response)
}
