//! The sign-in page.

use crate::error::PageError;
use crate::http::ClientAddress;
use crate::http::cookies::{self, Lifetime};
use crate::http::page::{CsrfForm, CsrfProtected, PageContext};
use crate::http::session::{ActiveSession, CurrentSession, session_cookie};
use crate::service::authorization;
use crate::service::login::{self, Browser, LoginFailure};
use crate::state::AppState;
use axum::extract::{Query, State};
use axum::http::header::USER_AGENT;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use gatehouse_core::authorize::FlowProgress;
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
    let rerender = |message_key: &str,
                    arguments: &[(&str, String)],
                    status: StatusCode|
     -> Result<Response, PageError> {
        let mut response = page.render(
            &state,
            "login.html",
            minijinja::context! {
                flow => flow_id.clone(),
                client_name => flow.as_ref().map(|(_, client)| client.name.clone()),
                email => form.email.clone(),
                remember_me => is_persistent,
                error => crate::i18n::translate(&page.language, message_key, arguments),
            },
        )?;
        *response.status_mut() = status;
        Ok(response)
    };
    if form.email.trim().is_empty() || form.password.is_empty() {
        return rerender("login-error-missing", &[], StatusCode::OK);
    }
    let is_https = state.config.is_https();
    let browser = Browser {
        address,
        user_agent: headers
            .get(USER_AGENT)
            .and_then(|value| value.to_str().ok())
            .map(|agent| agent.chars().take(512).collect()),
        device_cookie: cookies::read(&headers, &cookies::name(cookies::DEVICE, is_https))
            .filter(|value| value.len() >= 32),
        previous_session: previous.map(|active| active.session.id),
    };
    let password = SecretString::from(form.password.clone());
    let signed_in =
        match login::sign_in(&state, &form.email, password, browser, is_persistent).await {
            Ok(signed_in) => signed_in,
            Err(LoginFailure::InvalidCredentials) => {
                return rerender("login-error-invalid", &[], StatusCode::OK);
            }
            Err(LoginFailure::MalformedName) => {
                return rerender("login-error-malformed", &[], StatusCode::OK);
            }
            Err(LoginFailure::UnknownStudio) => {
                return rerender("login-error-unknown-studio", &[], StatusCode::OK);
            }
            Err(LoginFailure::DeviceLimitReached) => {
                return Err(PageError::new(StatusCode::FORBIDDEN, "error-device-limit"));
            }
            Err(LoginFailure::Throttled(seconds)) => {
                let mut response = rerender(
                    "login-error-throttled",
                    &[("seconds", seconds.to_string())],
                    StatusCode::TOO_MANY_REQUESTS,
                )?;
                if let Ok(value) = HeaderValue::from_str(&seconds.to_string()) {
                    response.headers_mut().insert(header::RETRY_AFTER, value);
                }
                return Ok(response);
            }
            Err(LoginFailure::Server(error)) => return Err(error.into()),
        };
    let mut set_cookies = vec![session_cookie(
        &state,
        &signed_in.session_cookie,
        is_persistent,
    )];
    if let Some(device_cookie) = &signed_in.new_device_cookie {
        set_cookies.push(cookies::set(
            &cookies::name(cookies::DEVICE, is_https),
            device_cookie,
            Lifetime::Seconds(state.config.devices.cookie_lifetime_seconds),
            is_https,
        ));
    }
    let mut response = match (flow_id, flow) {
        (Some(flow_id), Some((flow, _))) => {
            let progress = FlowProgress {
                login_completed: true,
                account_selected: true,
                requested_studio: signed_in.requested_studio.clone(),
                ..flow.progress
            };
            authorization::save_progress(&state, &flow_id, progress.clone()).await?;
            let active = ActiveSession {
                session: signed_in.session,
                user: signed_in.user,
            };
            super::follow(authorization::resume(&state, &flow_id, progress, Some(&active)).await?)
        }
        _ => Redirect::to("/").into_response(),
    };
    for cookie in set_cookies {
        if let Ok(value) = HeaderValue::from_str(&cookie) {
            response.headers_mut().append(header::SET_COOKIE, value);
        }
    }
    page.finish(&state, &mut response);
    Ok(response)
}
