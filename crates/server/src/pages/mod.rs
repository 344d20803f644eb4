//! The hosted pages: sign-in, account choice, consent, the landing page and static assets.

pub mod account;
pub mod activate;
pub mod assets;
pub mod consent;
pub mod device_swap;
pub mod home;
pub mod interrupts;
pub mod login;
pub mod mfa;
pub mod recovery;
pub mod register;
pub mod security;
pub mod select_account;
pub mod studio_admin;
pub mod upstream;

use crate::error::PageError;
use crate::http::cookies::{self, Lifetime};
use crate::http::page::PageContext;
use crate::http::session::session_cookie;
use crate::service::authorization::{self, Outcome};
use crate::service::login::{self as sign_in, LoginFailure};
use crate::service::mfa::attempt::{self, Loaded};
use crate::service::mfa::{self as factors, codes};
use crate::service::sessions::ActiveSession;
use crate::state::AppState;
use axum::http::header::USER_AGENT;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use gatehouse_core::UnixTime;
use gatehouse_core::authorize::FlowProgress;
use gatehouse_core::client::Client;
use gatehouse_core::mfa::{FactorKind, mask_target};
use gatehouse_core::user::User;
use gatehouse_core::verification::CodeRejection;
use gatehouse_store::flows::StoredFlow;

/// Loads the flow a page belongs to; remembers a language picked on the page for the rest
/// of the flow; and applies the flow's `ui_locales` to the page.
pub(crate) async fn flow_page(
    state: &AppState,
    page: PageContext,
    flow_id: &str,
) -> Result<(PageContext, StoredFlow, Client), PageError> {
    if let Some(language) = page.chosen_language() {
        authorization::save_language(state, flow_id, language).await?;
    }
    let (flow, client) = authorization::load_flow(state, flow_id).await?;
    let page = page.with_ui_locales(state, &flow.request.ui_locales);
    Ok((page, flow, client))
}

/// A time as the pages show it.
pub(crate) fn format_time(time: UnixTime) -> String {
    chrono::DateTime::from_timestamp(time.as_secs(), 0)
        .map(|moment| moment.format("%Y-%m-%d %H:%M UTC").to_string())
        .unwrap_or_default()
}

/// What a refused code means, in the page's language.
pub(crate) fn code_error(page: &PageContext, rejection: CodeRejection) -> String {
    page.translate(
        match rejection {
            CodeRejection::WrongCode => "code-error-wrong",
            CodeRejection::InvalidOrExpired => "code-error-expired",
            CodeRejection::TooManyAttempts => "code-error-too-many",
        },
        &[],
    )
}

/// `?flow=` on flow pages.
#[derive(Debug, serde::Deserialize)]
pub struct FlowQuery {
    /// The authorization flow, if the page is part of one.
    pub flow: Option<String>,
}

/// Loads the attempt behind the page, in the user's language (or the flow's).
pub(crate) async fn load_attempt(
    state: &AppState,
    page: PageContext,
    request_id: &str,
) -> Result<(PageContext, Loaded), PageError> {
    let loaded = attempt::load(state, request_id, &page.browser_binding())
        .await?
        .ok_or_else(PageError::flow_expired)?;
    let mut page = page.with_user_locale(state, loaded.user.locale.as_deref());
    if let Some(flow_id) = &loaded.attempt.continuation.flow
        && let Ok((flow, _)) = authorization::load_flow(state, flow_id).await
    {
        page = page.with_ui_locales(state, &flow.request.ui_locales);
    }
    Ok((page, loaded))
}

/// The factors a user can add now, as the choice lists show them.
pub(crate) fn enrolment_choices(
    state: &AppState,
    page: &PageContext,
    user: &User,
) -> Vec<minijinja::Value> {
    let mut choices = vec![minijinja::context! {
        kind => FactorKind::Totp.as_str(),
        name => factors::kind_name(&page.language, FactorKind::Totp),
        hint => page.translate("security-hint-totp", &[]),
    }];
    if state.webauthn.is_some() {
        choices.push(minijinja::context! {
            kind => FactorKind::Passkey.as_str(),
            name => factors::kind_name(&page.language, FactorKind::Passkey),
            hint => page.translate("security-hint-passkey", &[]),
        });
    }
    for kind in [FactorKind::EmailCode, FactorKind::SmsCode] {
        if let Some(target) = codes::target(user, kind) {
            choices.push(minijinja::context! {
                kind => kind.as_str(),
                name => factors::kind_name(&page.language, kind),
                hint => page.translate("security-hint-code", &[("target", mask_target(&target))]),
            });
        }
    }
    choices
}

/// The browser as the sign-in services see it: its address, User-Agent, device cookie and
/// the session it has now (a new sign-in replaces it).
pub(crate) fn browser(
    state: &AppState,
    headers: &HeaderMap,
    address: std::net::IpAddr,
    previous: Option<ActiveSession>,
) -> sign_in::Browser {
    let is_https = state.config.is_https();
    sign_in::Browser {
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

/// The page of a sign-in step, or the session: sets the session (and device) cookies once
/// signed in, then goes back into the authorization flow, to the page the sign-in started
/// from, or home.
pub(crate) async fn go_on(
    state: &AppState,
    page: &PageContext,
    next: sign_in::Next,
) -> Result<Response, PageError> {
    let mut set_cookies = Vec::new();
    let mut response = match next {
        sign_in::Next::SignedIn(signed_in, continuation) => {
            let signed_in = *signed_in;
            let is_https = state.config.is_https();
            set_cookies.push(session_cookie(
                state,
                &signed_in.session_cookie,
                continuation.remember,
            ));
            if let Some(device_cookie) = &signed_in.new_device_cookie {
                set_cookies.push(cookies::set(
                    &cookies::name(cookies::DEVICE, is_https),
                    device_cookie,
                    Lifetime::Seconds(state.config.devices.cookie_lifetime_seconds),
                    is_https,
                ));
            }
            let flow = match &continuation.flow {
                Some(flow_id) => authorization::load_flow(state, flow_id)
                    .await
                    .ok()
                    .map(|(flow, _)| (flow_id.clone(), flow)),
                None => None,
            };
            match flow {
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
                    follow(authorization::resume(state, &flow_id, progress, Some(&active)).await?)
                }
                None => match continuation.return_to.as_deref() {
                    Some(path) => Redirect::to(&safe_return(Some(path))).into_response(),
                    None => Redirect::to("/").into_response(),
                },
            }
        }
        sign_in::Next::SteppedUp(active, continuation) => match continuation.flow {
            Some(flow_id) => {
                let (flow, _) = authorization::load_flow(state, &flow_id).await?;
                follow(authorization::resume(state, &flow_id, flow.progress, Some(&active)).await?)
            }
            None => Redirect::to(&safe_return(continuation.return_to.as_deref())).into_response(),
        },
        sign_in::Next::SecondFactor(request) => {
            Redirect::to(&format!("/mfa?request={request}")).into_response()
        }
        sign_in::Next::EnrolFactor(request) => {
            Redirect::to(&format!("/mfa/setup?request={request}")).into_response()
        }
        sign_in::Next::ExpiredPassword(request) => {
            Redirect::to(&format!("/password-expired?request={request}")).into_response()
        }
        sign_in::Next::Reopen(request) => {
            Redirect::to(&format!("/reactivate?request={request}")).into_response()
        }
        sign_in::Next::SwapDevice(request) => {
            Redirect::to(&format!("/device-swap?request={request}")).into_response()
        }
    };
    for cookie in set_cookies {
        if let Ok(value) = HeaderValue::from_str(&cookie) {
            response.headers_mut().append(header::SET_COOKIE, value);
        }
    }
    page.finish(state, &mut response);
    Ok(response)
}

/// Finishes a sign-in attempt (or step-up) whose second factor `kind` was just presented,
/// and goes on.
#[expect(
    clippy::too_many_arguments,
    reason = "the request parts a finished sign-in needs"
)]
pub(crate) async fn finish_second_factor(
    state: &AppState,
    page: &PageContext,
    loaded: Loaded,
    kind: FactorKind,
    remember_device: bool,
    session: Option<ActiveSession>,
    address: std::net::IpAddr,
    headers: &HeaderMap,
) -> Result<Response, PageError> {
    let browser = browser(state, headers, address, session.clone());
    match sign_in::complete_second_factor(
        state,
        loaded,
        kind,
        remember_device,
        session,
        browser,
        &page.browser_binding(),
    )
    .await
    {
        Ok(next) => go_on(state, page, next).await,
        Err(failure) => Err(sign_in_refused(failure)),
    }
}

/// A sign-in that cannot go on, where no form can show why: an error page.
pub(crate) fn sign_in_refused(failure: LoginFailure) -> PageError {
    match failure {
        LoginFailure::DeviceLimitReached => {
            PageError::new(StatusCode::FORBIDDEN, "error-device-limit")
        }
        LoginFailure::AwaitingApproval => {
            PageError::new(StatusCode::FORBIDDEN, "login-error-awaiting-approval")
        }
        LoginFailure::Server(error) => error.into(),
        _ => PageError::flow_expired(),
    }
}

/// The re-authentication page's URL for a parked change.
#[must_use]
pub(crate) fn reauthenticate_for_change(request_id: &str) -> String {
    format!("/reauthenticate?request={request_id}")
}

/// The re-authentication page's URL for going back to `return_to` (one of the account
/// pages) afterwards.
#[must_use]
pub(crate) fn reauthenticate_for_page(return_to: &str) -> String {
    let mut query = url::form_urlencoded::Serializer::new(String::new());
    query.append_pair("return_to", return_to);
    format!("/reauthenticate?{}", query.finish())
}

/// Where a page may send the browser back to: only our own account and studio pages, never
/// a path another site could be hiding in (`//host`, backslashes, control characters).
pub(crate) fn safe_return(path: Option<&str>) -> String {
    match path {
        Some(path)
            if (path.starts_with("/account") || path.starts_with("/studios/"))
                && !path.contains("//")
                && !path.contains('\\')
                && !path.chars().any(char::is_control) =>
        {
            path.to_owned()
        }
        _ => "/account".to_owned(),
    }
}

/// The page a form at `path` belongs to, to come back to after signing in.
#[must_use]
pub(crate) fn page_of_form(path: &str) -> String {
    let segments: Vec<&str> = path
        .split('/')
        .filter(|segment| !segment.is_empty())
        .collect();
    match segments.as_slice() {
        ["studios", slug, ..] => format!("/studios/{slug}/members"),
        ["account", "security", ..] => "/account/security".to_owned(),
        _ => "/account".to_owned(),
    }
}

/// What the sign-in page of an authorization request says when a side trip begun on it
/// (forgotten password or user name, registration) comes back.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Returned {
    /// The password was reset.
    PasswordChanged,
    /// The e-mail address of a registration was confirmed.
    Registered,
    /// The user names were sent.
    UsernamesSent,
}

impl Returned {
    fn as_str(self) -> &'static str {
        match self {
            Self::PasswordChanged => "password-changed",
            Self::Registered => "registered",
            Self::UsernamesSent => "usernames-sent",
        }
    }

    /// The message the sign-in page shows.
    pub(crate) fn message_key(self) -> &'static str {
        match self {
            Self::PasswordChanged => "login-returned-password-changed",
            Self::Registered => "login-returned-registered",
            Self::UsernamesSent => "login-returned-usernames-sent",
        }
    }
}

/// The authorization request a side trip was begun from, if it can still be finished.
pub(crate) async fn live_flow(state: &AppState, flow_id: Option<&str>) -> Option<String> {
    let flow_id = flow_id.filter(|flow_id| !flow_id.is_empty() && flow_id.len() <= 128)?;
    authorization::load_flow(state, flow_id)
        .await
        .ok()
        .map(|_| flow_id.to_owned())
}

/// The sign-in page of authorization request `flow_id`, saying what the side trip did.
#[must_use]
pub(crate) fn back_to_flow(flow_id: &str, returned: Returned) -> String {
    let mut query = url::form_urlencoded::Serializer::new(String::new());
    query.append_pair("flow", flow_id);
    query.append_pair("returned", returned.as_str());
    format!("/login?{}", query.finish())
}

/// `path` with the flow of the sign-in page it was reached from, so the side trip can come
/// back to it.
#[must_use]
pub(crate) fn with_flow(path: &str, flow_id: Option<&str>) -> String {
    match flow_id.filter(|flow_id| !flow_id.is_empty()) {
        Some(flow_id) => {
            let separator = if path.contains('?') { '&' } else { '?' };
            let mut query = url::form_urlencoded::Serializer::new(String::new());
            query.append_pair("flow", flow_id);
            format!("{path}{separator}{}", query.finish())
        }
        None => path.to_owned(),
    }
}

/// `?token=` of a page that an e-mailed link opens.
#[derive(Debug, serde::Deserialize)]
pub struct TokenQuery {
    /// The link's token.
    #[serde(default)]
    pub token: String,
}

/// The button of a page that an e-mailed link opens: its token, posted back.
#[derive(Debug, serde::Deserialize)]
pub struct TokenForm {
    #[serde(default)]
    csrf_token: String,
    /// The link's token.
    #[serde(default)]
    pub token: String,
}

impl crate::http::page::CsrfProtected for TokenForm {
    fn csrf_token(&self) -> &str {
        &self.csrf_token
    }
}

/// "This link is invalid or has expired" (`400`), with a way on where there is one.
pub(crate) fn invalid_link(
    state: &AppState,
    page: &PageContext,
    way_on: Option<(&str, &str)>,
) -> Result<Response, PageError> {
    let mut response = page.render_message(
        state,
        "link-invalid-title",
        vec![page.translate("link-invalid-body", &[])],
        way_on,
    )?;
    *response.status_mut() = StatusCode::BAD_REQUEST;
    Ok(response)
}

/// A redirect for an authorization outcome.
pub(crate) fn follow(outcome: Outcome) -> Response {
    match outcome {
        Outcome::ToClient(url) | Outcome::ToPage(url) => Redirect::to(&url).into_response(),
    }
}

/// The JSON answer to a passkey options request: the ceremony id and the options for
/// `navigator.credentials`.
pub(crate) fn ceremony_response(ceremony: &crate::service::mfa::passkeys::Ceremony) -> Response {
    let mut body = ceremony.options.clone();
    body["ceremony"] = ceremony.id.clone().into();
    let mut response = axum::Json(body).into_response();
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}
