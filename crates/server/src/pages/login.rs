//! The sign-in page, and finishing a sign-in (cookies, then back into the authorization flow).

use crate::error::PageError;
use crate::http::ClientAddress;
use crate::http::cookies::{self, Lifetime};
use crate::http::page::{CsrfForm, CsrfProtected, PageContext};
use crate::http::session::{ActiveSession, CurrentSession, session_cookie};
use crate::service::authorization;
use crate::service::login::{self, Browser, Continuation, LoginFailure, SignedIn, Verified};
use crate::service::mfa::{self, attempt};
use crate::service::verification;
use crate::state::AppState;
use axum::extract::{Query, State};
use axum::http::header::USER_AGENT;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use gatehouse_core::authorize::FlowProgress;
use gatehouse_core::verification::Purpose;
use secrecy::SecretString;
use serde::Deserialize;

/// `?flow=` on flow pages.
#[derive(Debug, Deserialize)]
pub struct FlowQuery {
    /// The authorization flow, if the page is part of one.
    pub flow: Option<String>,
}

async fn registration_open(state: &AppState) -> bool {
    state.config.registration.enabled
}

/// `GET /login`
pub async fn show(
    State(state): State<AppState>,
    page: PageContext,
    Query(query): Query<FlowQuery>,
) -> Result<Response, PageError> {
    let registration_open = registration_open(&state).await;
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
                    registration_open => registration_open,
                    passkeys => state.webauthn.is_some(),
                },
            )
        }
        None => page.render(
            &state,
            "login.html",
            minijinja::context! {
                email => "",
                registration_open => registration_open,
                passkeys => state.webauthn.is_some(),
            },
        ),
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

/// The browser as the sign-in services see it.
pub(crate) fn browser(
    state: &AppState,
    headers: &HeaderMap,
    address: std::net::IpAddr,
    previous: Option<ActiveSession>,
) -> Browser {
    let is_https = state.config.is_https();
    Browser {
        address,
        user_agent: headers
            .get(USER_AGENT)
            .and_then(|value| value.to_str().ok())
            .map(|agent| agent.chars().take(512).collect()),
        device_cookie: cookies::read(headers, &cookies::name(cookies::DEVICE, is_https))
            .filter(|value| value.len() >= 32),
        previous_session: previous.map(|active| active.session.id),
    }
}

/// A sign-in parked behind an interruption page (expired password, closed account): what
/// was proved, where it goes next, and the browser it belongs to.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub(crate) struct Interruption {
    /// Where the sign-in goes once complete.
    pub continuation: Continuation,
    /// Digest of the browser's CSRF cookie: only the browser that signed in may go on.
    pub binding: String,
    /// The factors proved before the interruption.
    pub authentication: gatehouse_core::session::Authentication,
}

/// Parks a verified sign-in behind an interruption page; returns the page's URL.
async fn interrupt(
    state: &AppState,
    page: &PageContext,
    verified: &Verified,
    purpose: Purpose,
    path: &str,
    continuation: Continuation,
) -> Result<String, PageError> {
    let parked = Interruption {
        continuation,
        binding: page.browser_binding(),
        authentication: verified.authentication.clone(),
    };
    let request_id = verification::store_web_request(
        state,
        purpose,
        Some(&verified.user.id),
        serde_json::to_value(parked).unwrap_or_default(),
        state.config.sessions.flow_ttl_seconds,
    )
    .await?;
    Ok(format!("{path}?request={request_id}"))
}

/// Sets the session (and device) cookies and continues: back into the authorization flow,
/// or to the landing page.
pub(crate) async fn finish(
    state: &AppState,
    page: &PageContext,
    signed_in: SignedIn,
    flow_id: Option<String>,
    is_persistent: bool,
) -> Result<Response, PageError> {
    let is_https = state.config.is_https();
    let mut set_cookies = vec![session_cookie(
        state,
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
    let flow = match &flow_id {
        Some(flow_id) => authorization::load_flow(state, flow_id)
            .await
            .ok()
            .map(|(flow, _)| (flow_id.clone(), flow)),
        None => None,
    };
    let mut response = match flow {
        Some((flow_id, flow)) => {
            let progress = FlowProgress {
                login_completed: true,
                account_selected: true,
                requested_studio: signed_in.requested_studio.clone(),
                ..flow.progress
            };
            authorization::save_progress(state, &flow_id, progress.clone()).await?;
            let active = ActiveSession {
                session: signed_in.session,
                user: signed_in.user,
            };
            super::follow(authorization::resume(state, &flow_id, progress, Some(&active)).await?)
        }
        None => Redirect::to("/").into_response(),
    };
    for cookie in set_cookies {
        if let Ok(value) = HeaderValue::from_str(&cookie) {
            response.headers_mut().append(header::SET_COOKIE, value);
        }
    }
    page.finish(state, &mut response);
    Ok(response)
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
    let (page, client_name) = match &flow_id {
        Some(flow_id) => {
            let (page, _, client) = super::flow_page(&state, page, flow_id).await?;
            (page, Some(client.name))
        }
        None => (page, None),
    };
    let is_persistent = form.remember_me.is_some();
    let registration_open = registration_open(&state).await;
    let rerender = |message_key: &str,
                    arguments: &[(&str, String)],
                    status: StatusCode|
     -> Result<Response, PageError> {
        let mut response = page.render(
            &state,
            "login.html",
            minijinja::context! {
                flow => flow_id.clone(),
                client_name => client_name.clone(),
                email => form.email.clone(),
                remember_me => is_persistent,
                error => page.translate(message_key, arguments),
                registration_open => registration_open,
                passkeys => state.webauthn.is_some(),
            },
        )?;
        *response.status_mut() = status;
        Ok(response)
    };
    if form.email.trim().is_empty() || form.password.is_empty() {
        return rerender("login-error-missing", &[], StatusCode::OK);
    }
    let browser = browser(&state, &headers, address, previous);
    let password = SecretString::from(form.password.clone());
    let continuation = Continuation {
        flow: flow_id.clone(),
        remember: is_persistent,
        ..Continuation::default()
    };
    let failure = match login::sign_in(&state, &form.email, password, browser, is_persistent).await
    {
        Ok(signed_in) => return finish(&state, &page, signed_in, flow_id, is_persistent).await,
        Err(failure) => match divert(&state, &page, failure, continuation).await? {
            Ok(response) => return Ok(response),
            Err(failure) => failure,
        },
    };
    match failure {
        LoginFailure::InvalidCredentials => rerender("login-error-invalid", &[], StatusCode::OK),
        LoginFailure::MalformedName => rerender("login-error-malformed", &[], StatusCode::OK),
        LoginFailure::UnknownStudio => rerender("login-error-unknown-studio", &[], StatusCode::OK),
        LoginFailure::Unconfirmed => rerender("login-error-unconfirmed", &[], StatusCode::OK),
        LoginFailure::AwaitingApproval => {
            rerender("login-error-awaiting-approval", &[], StatusCode::OK)
        }
        LoginFailure::Throttled(seconds) => {
            let mut response = rerender(
                "login-error-throttled",
                &[("seconds", seconds.to_string())],
                StatusCode::TOO_MANY_REQUESTS,
            )?;
            if let Ok(value) = HeaderValue::from_str(&seconds.to_string()) {
                response.headers_mut().insert(header::RETRY_AFTER, value);
            }
            Ok(response)
        }
        // `divert` answered the rest.
        _ => Err(PageError::flow_expired()),
    }
}

/// Sends a sign-in that stopped after its first factor where it must go next: the expired
/// password form, the reopen page, the second-factor page or enrolment. Failures that
/// belong on the sign-in form come back for the caller to show.
pub(crate) async fn divert(
    state: &AppState,
    page: &PageContext,
    failure: LoginFailure,
    mut continuation: Continuation,
) -> Result<Result<Response, LoginFailure>, PageError> {
    let studio_of = |verified: &Verified| {
        verified
            .requested_studio
            .as_ref()
            .map(|id| id.as_str().to_owned())
    };
    let url = match failure {
        LoginFailure::DeviceLimitReached => {
            return Err(PageError::new(StatusCode::FORBIDDEN, "error-device-limit"));
        }
        LoginFailure::Server(error) => return Err(error.into()),
        LoginFailure::PasswordExpired(verified) => {
            continuation.studio = studio_of(&verified);
            interrupt(
                state,
                page,
                &verified,
                Purpose::ExpiredPassword,
                "/password-expired",
                continuation,
            )
            .await?
        }
        LoginFailure::AccountClosed(verified) => {
            continuation.studio = studio_of(&verified);
            interrupt(
                state,
                page,
                &verified,
                Purpose::Reactivation,
                "/reactivate",
                continuation,
            )
            .await?
        }
        LoginFailure::SecondFactorRequired(verified) => {
            continuation.studio = studio_of(&verified);
            let request = begin_attempt(state, page, &verified, continuation, false).await?;
            format!("/mfa?request={request}")
        }
        LoginFailure::EnrolmentRequired(verified) => {
            continuation.studio = studio_of(&verified);
            let request = begin_attempt(state, page, &verified, continuation, true).await?;
            format!("/mfa/setup?request={request}")
        }
        other => return Ok(Err(other)),
    };
    let mut response = Redirect::to(&url).into_response();
    page.finish(state, &mut response);
    Ok(Ok(response))
}

async fn begin_attempt(
    state: &AppState,
    page: &PageContext,
    verified: &Verified,
    continuation: Continuation,
    must_enrol: bool,
) -> Result<String, PageError> {
    Ok(attempt::begin(
        state,
        &verified.user.id,
        &attempt::Attempt {
            continuation,
            binding: page.browser_binding(),
            authentication: verified.authentication.clone(),
            session: None,
            must_enrol,
        },
    )
    .await?)
}

/// A passkey ceremony's id and the browser's answer (`PublicKeyCredential.toJSON()`).
#[derive(Debug, Deserialize)]
pub struct PasskeyForm {
    #[serde(default)]
    csrf_token: String,
    flow: Option<String>,
    #[serde(default)]
    ceremony: String,
    #[serde(default)]
    credential: String,
    remember_me: Option<String>,
}

impl CsrfProtected for PasskeyForm {
    fn csrf_token(&self) -> &str {
        &self.csrf_token
    }
}

/// `POST /login/passkey/options`: options for a passwordless sign-in.
pub async fn passkey_options(
    State(state): State<AppState>,
    ClientAddress(address): ClientAddress,
    CsrfForm { page, .. }: CsrfForm<PasskeyForm>,
) -> Result<Response, PageError> {
    // Anyone may ask, and each ceremony is a row until it expires.
    if !state.pending_rows.take(address, state.now()) {
        return Err(PageError::new(
            StatusCode::TOO_MANY_REQUESTS,
            "error-rate-limited",
        ));
    }
    let ceremony = mfa::passkeys::start_discoverable(&state, &page.browser_binding())
        .await?
        .ok_or_else(|| PageError::new(StatusCode::NOT_FOUND, "error-not-found"))?;
    Ok(super::ceremony_response(&ceremony))
}

/// `POST /login/passkey`: a passwordless sign-in with the browser's answer.
pub async fn passkey_submit(
    State(state): State<AppState>,
    CurrentSession(previous): CurrentSession,
    ClientAddress(address): ClientAddress,
    headers: HeaderMap,
    CsrfForm { page, form }: CsrfForm<PasskeyForm>,
) -> Result<Response, PageError> {
    let flow_id = form.flow.clone().filter(|flow| !flow.is_empty());
    let page = match &flow_id {
        Some(flow_id) => super::flow_page(&state, page, flow_id).await?.0,
        None => page,
    };
    let is_persistent = form.remember_me.is_some();
    let user_id = mfa::passkeys::finish_discoverable(
        &state,
        &form.ceremony,
        &form.credential,
        &page.browser_binding(),
    )
    .await?;
    let Some(user_id) = user_id else {
        tracing::info!(address = %address, "passwordless sign-in refused");
        let mut response = page.render(
            &state,
            "login.html",
            minijinja::context! {
                flow => flow_id,
                email => "",
                error => page.translate("login-error-passkey", &[]),
                registration_open => registration_open(&state).await,
                passkeys => state.webauthn.is_some(),
            },
        )?;
        *response.status_mut() = StatusCode::UNAUTHORIZED;
        return Ok(response);
    };
    let browser = browser(&state, &headers, address, previous);
    let continuation = Continuation {
        flow: flow_id.clone(),
        remember: is_persistent,
        ..Continuation::default()
    };
    match login::sign_in_with_passkey(&state, &user_id, browser, is_persistent).await {
        Ok(signed_in) => finish(&state, &page, signed_in, flow_id, is_persistent).await,
        Err(failure) => match divert(&state, &page, failure, continuation).await? {
            Ok(response) => Ok(response),
            Err(LoginFailure::AwaitingApproval) => Err(PageError::new(
                StatusCode::FORBIDDEN,
                "login-error-awaiting-approval",
            )),
            Err(_) => Err(PageError::new(
                StatusCode::UNAUTHORIZED,
                "login-error-passkey",
            )),
        },
    }
}
