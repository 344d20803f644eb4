//! Forgotten password (by e-mail or SMS, code or link) and forgotten user name.

use crate::error::PageError;
use crate::http::ClientAddress;
use crate::http::page::{CsrfForm, CsrfProtected, PageContext};
use crate::service::accounts::ChangePasswordError;
use crate::service::recovery::{self, Channel, ResetOutcome};
use crate::service::verification;
use crate::state::AppState;
use crate::throttle::{Key, RetryAfter};
use axum::extract::{Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use gatehouse_core::password::PasswordPolicy;
use gatehouse_core::verification::Purpose;
use gatehouse_store::verifications::Verification;
use secrecy::SecretString;
use serde::Deserialize;

/// Throttle purposes: reset requests, reset codes typed, user-name reminders.
const RESET_REQUEST: &str = "reset-request";
const RESET_CODE: &str = "reset-code";
const USERNAME_REMINDER: &str = "username-reminder";

/// The sign-in page a side trip came from: the flow's, or the instance's.
fn login_url(flow: Option<&str>) -> String {
    super::with_flow("/login", flow)
}

/// The forgotten-password form, `error` and `identifier` given after a refusal.
fn render_forgot_password(
    state: &AppState,
    page: &PageContext,
    flow: Option<&str>,
    identifier: &str,
    error: Option<String>,
) -> Result<Response, PageError> {
    page.render(
        state,
        "forgot_password.html",
        minijinja::context! {
            identifier => identifier,
            error => error,
            flow => flow,
            login_url => login_url(flow),
            forgot_username_url => super::with_flow("/forgot-username", flow),
        },
    )
}

/// `GET /forgot-password`
pub async fn show_forgot_password(
    State(state): State<AppState>,
    page: PageContext,
    Query(query): Query<super::FlowQuery>,
) -> Result<Response, PageError> {
    let flow = super::live_flow(&state, query.flow.as_deref()).await;
    render_forgot_password(&state, &page, flow.as_deref(), "", None)
}

/// The request form.
#[derive(Debug, Deserialize)]
pub struct ForgotPasswordForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    identifier: String,
    #[serde(default)]
    channel: String,
    /// The authorization request whose sign-in page the form was reached from.
    flow: Option<String>,
}

impl CsrfProtected for ForgotPasswordForm {
    fn csrf_token(&self) -> &str {
        &self.csrf_token
    }
}

/// `POST /forgot-password`
pub async fn request_reset(
    State(state): State<AppState>,
    ClientAddress(address): ClientAddress,
    CsrfForm { page, form }: CsrfForm<ForgotPasswordForm>,
) -> Result<Response, PageError> {
    let identifier = form.identifier.trim();
    let flow = super::live_flow(&state, form.flow.as_deref()).await;
    if identifier.is_empty() || identifier.len() > 254 {
        let error = page.translate("login-error-malformed", &[]);
        let mut response = render_forgot_password(&state, &page, flow.as_deref(), "", Some(error))?;
        *response.status_mut() = StatusCode::BAD_REQUEST;
        return Ok(response);
    }
    // Each request counts, per identifier and per address: the form must not be a way to
    // flood someone's inbox or phone.
    let keys = vec![
        Key::subject(RESET_REQUEST, &identifier.to_lowercase()),
        Key::address(RESET_REQUEST, address),
    ];
    if let Err(RetryAfter(seconds)) = state.throttle.begin(keys, state.now()).await? {
        let error = page.translate("login-error-throttled", &[("seconds", seconds.to_string())]);
        let mut response =
            render_forgot_password(&state, &page, flow.as_deref(), identifier, Some(error))?;
        *response.status_mut() = StatusCode::TOO_MANY_REQUESTS;
        if let Ok(value) = HeaderValue::from_str(&seconds.to_string()) {
            response.headers_mut().insert(header::RETRY_AFTER, value);
        }
        return Ok(response);
    }
    let channel = if form.channel == "sms" {
        Channel::Sms
    } else {
        Channel::Email
    };
    let request_id = recovery::request_password_reset(
        &state,
        identifier,
        channel,
        &page.language,
        flow.as_deref(),
    )
    .await?;
    let channel_name = if channel == Channel::Sms {
        "sms"
    } else {
        "email"
    };
    Ok(Redirect::to(&super::with_flow(
        &format!("/forgot-password/code?request={request_id}&via={channel_name}"),
        flow.as_deref(),
    ))
    .into_response())
}

/// `?request=&via=&flow=`
#[derive(Debug, Deserialize)]
pub struct CodeQuery {
    #[serde(default)]
    request: String,
    #[serde(default)]
    via: String,
    flow: Option<String>,
}

impl CodeQuery {
    /// Where the code page's form posts (the way it came, and the flow, travel along).
    fn action(&self) -> String {
        let via = if self.via == "sms" { "sms" } else { "email" };
        super::with_flow(
            &format!("/forgot-password/code?via={via}"),
            self.flow.as_deref(),
        )
    }
}

fn render_code_page(
    state: &AppState,
    page: &PageContext,
    request_id: &str,
    query: &CodeQuery,
    error: Option<String>,
) -> Result<Response, PageError> {
    let via = query.via.as_str();
    let intro = if via == "sms" {
        "forgot-password-code-intro-sms"
    } else {
        "forgot-password-code-intro-email"
    };
    page.render(
        state,
        "code.html",
        minijinja::context! {
            title => page.translate("forgot-password-code-title", &[]),
            intro => page.translate(intro, &[]),
            action => query.action(),
            request => request_id,
            back => super::with_flow("/forgot-password", query.flow.as_deref()),
            error => error,
        },
    )
}

/// `GET /forgot-password/code`
pub async fn show_code(
    State(state): State<AppState>,
    page: PageContext,
    Query(query): Query<CodeQuery>,
) -> Result<Response, PageError> {
    render_code_page(&state, &page, &query.request, &query, None)
}

/// The code form, and afterwards the new password (the code travels along).
#[derive(Debug, Deserialize)]
pub struct CodeForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    request: String,
    #[serde(default)]
    code: String,
    password: Option<String>,
    #[serde(default)]
    confirm_password: String,
    #[serde(default)]
    token: String,
}

impl CsrfProtected for CodeForm {
    fn csrf_token(&self) -> &str {
        &self.csrf_token
    }
}

fn render_new_password(
    state: &AppState,
    page: &PageContext,
    action: &str,
    hidden: Vec<minijinja::Value>,
    errors: Vec<String>,
) -> Result<Response, PageError> {
    page.render(
        state,
        "password_form.html",
        minijinja::context! {
            title => page.translate("reset-title", &[]),
            intro => page.translate("reset-intro", &[]),
            action => action,
            hidden => hidden,
            rules => page.translate("password-rules-summary", &[("min", state.config.passwords.min_length.to_string())]),
            submit => page.translate("reset-submit", &[]),
            errors => errors,
        },
    )
}

async fn apply_reset(
    state: &AppState,
    page: &PageContext,
    request: Verification,
    form: &CodeForm,
    action: &str,
    hidden: Vec<minijinja::Value>,
) -> Result<Response, PageError> {
    let password = form.password.clone().unwrap_or_default();
    if password != form.confirm_password {
        return render_new_password(
            state,
            page,
            action,
            hidden,
            vec![page.translate("field-error-password-mismatch", &[])],
        );
    }
    let user_id = request.user_id.clone();
    // The flow goes with the request, so a reset finished through the e-mailed link comes
    // back to it as well as one finished with the code.
    let flow = request
        .data
        .get("flow")
        .and_then(serde_json::Value::as_str)
        .map(str::to_owned);
    match recovery::complete_password_reset(state, request, SecretString::from(password)).await? {
        ResetOutcome::Done => match super::live_flow(state, flow.as_deref()).await {
            Some(flow) => Ok(Redirect::to(&super::back_to_flow(
                &flow,
                super::Returned::PasswordChanged,
            ))
            .into_response()),
            None => page.render_message(
                state,
                "reset-done-title",
                vec![page.translate("reset-done-body", &[])],
                Some(("/login", "login-title")),
            ),
        },
        ResetOutcome::Invalid => {
            let mut response = page.render_message(
                state,
                "link-invalid-title",
                vec![page.translate("link-invalid-body", &[])],
                Some(("/forgot-password", "forgot-password-title")),
            )?;
            *response.status_mut() = StatusCode::BAD_REQUEST;
            Ok(response)
        }
        ResetOutcome::Refused(ChangePasswordError::WeakPassword(violations)) => {
            let policy = match &user_id {
                Some(user_id) => crate::service::passwords::policy_for_user(state, user_id).await?,
                None => PasswordPolicy::default(),
            };
            let errors = crate::service::passwords::describe(&page.language, &policy, &violations);
            let mut response = render_new_password(state, page, action, hidden, errors)?;
            *response.status_mut() = StatusCode::BAD_REQUEST;
            Ok(response)
        }
        ResetOutcome::Refused(ChangePasswordError::Store(error)) => Err(error.into()),
        ResetOutcome::Refused(ChangePasswordError::Server(error)) => Err(error.into()),
    }
}

/// `POST /forgot-password/code`: check the code; then, with the password fields, reset.
pub async fn submit_code(
    State(state): State<AppState>,
    Query(query): Query<CodeQuery>,
    ClientAddress(address): ClientAddress,
    CsrfForm { page, form }: CsrfForm<CodeForm>,
) -> Result<Response, PageError> {
    // Besides the code's own five guesses: per account (however many codes were asked
    // for) and per address (however many accounts).
    let account = verification::find_request(&state, Purpose::PasswordReset, &form.request)
        .await?
        .map_or_else(
            || form.request.clone(),
            |request| {
                request
                    .user_id
                    .map_or(request.id, |user_id| user_id.as_str().to_owned())
            },
        );
    let keys = vec![
        Key::subject(RESET_CODE, &account),
        Key::address(RESET_CODE, address),
    ];
    let permit = match state.throttle.begin(keys, state.now()).await? {
        Ok(permit) => permit,
        Err(RetryAfter(seconds)) => {
            let message =
                page.translate("login-error-throttled", &[("seconds", seconds.to_string())]);
            let mut response =
                render_code_page(&state, &page, &form.request, &query, Some(message))?;
            *response.status_mut() = StatusCode::TOO_MANY_REQUESTS;
            if let Ok(value) = HeaderValue::from_str(&seconds.to_string()) {
                response.headers_mut().insert(header::RETRY_AFTER, value);
            }
            return Ok(response);
        }
    };
    let request =
        match verification::check_code(&state, Purpose::PasswordReset, &form.request, &form.code)
            .await?
        {
            Ok(request) => {
                permit.succeeded().await;
                request
            }
            Err(rejection) => {
                let mut response = render_code_page(
                    &state,
                    &page,
                    &form.request,
                    &query,
                    Some(super::code_error(&page, rejection)),
                )?;
                *response.status_mut() = StatusCode::BAD_REQUEST;
                return Ok(response);
            }
        };
    let action = query.action();
    let hidden = vec![
        minijinja::context! { name => "request", value => form.request.clone() },
        minijinja::context! { name => "code", value => form.code.clone() },
    ];
    if form.password.is_none() {
        return render_new_password(&state, &page, &action, hidden, Vec::new());
    }
    apply_reset(&state, &page, request, &form, &action, hidden).await
}

/// `GET /reset-password?token=` (the e-mailed link).
pub async fn show_reset_link(
    State(state): State<AppState>,
    page: PageContext,
    Query(query): Query<super::TokenQuery>,
) -> Result<Response, PageError> {
    if verification::check_link(&state, Purpose::PasswordReset, &query.token)
        .await?
        .is_err()
    {
        return super::invalid_link(
            &state,
            &page,
            Some(("/forgot-password", "forgot-password-title")),
        );
    }
    render_new_password(
        &state,
        &page,
        "/reset-password",
        vec![minijinja::context! { name => "token", value => query.token }],
        Vec::new(),
    )
}

/// `POST /reset-password`
pub async fn submit_reset_link(
    State(state): State<AppState>,
    CsrfForm { page, form }: CsrfForm<CodeForm>,
) -> Result<Response, PageError> {
    let Ok(request) = verification::check_link(&state, Purpose::PasswordReset, &form.token).await?
    else {
        return super::invalid_link(
            &state,
            &page,
            Some(("/forgot-password", "forgot-password-title")),
        );
    };
    let hidden = vec![minijinja::context! { name => "token", value => form.token.clone() }];
    apply_reset(&state, &page, request, &form, "/reset-password", hidden).await
}

/// `GET /forgot-username`
pub async fn show_forgot_username(
    State(state): State<AppState>,
    page: PageContext,
    Query(query): Query<super::FlowQuery>,
) -> Result<Response, PageError> {
    let flow = super::live_flow(&state, query.flow.as_deref()).await;
    page.render(
        &state,
        "forgot_username.html",
        minijinja::context! { login_url => login_url(flow.as_deref()), flow => flow },
    )
}

/// The form.
#[derive(Debug, Deserialize)]
pub struct ForgotUsernameForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    contact: String,
    /// The authorization request whose sign-in page the form was reached from.
    flow: Option<String>,
}

impl CsrfProtected for ForgotUsernameForm {
    fn csrf_token(&self) -> &str {
        &self.csrf_token
    }
}

/// `POST /forgot-username`: the same answer whatever happened.
pub async fn send_usernames(
    State(state): State<AppState>,
    ClientAddress(address): ClientAddress,
    CsrfForm { page, form }: CsrfForm<ForgotUsernameForm>,
) -> Result<Response, PageError> {
    let keys = vec![
        Key::subject(USERNAME_REMINDER, &form.contact.trim().to_lowercase()),
        Key::address(USERNAME_REMINDER, address),
    ];
    if form.contact.len() <= 254 && state.throttle.begin(keys, state.now()).await?.is_ok() {
        recovery::send_usernames(&state, &form.contact, &page.language).await?;
    }
    if let Some(flow) = super::live_flow(&state, form.flow.as_deref()).await {
        return Ok(
            Redirect::to(&super::back_to_flow(&flow, super::Returned::UsernamesSent))
                .into_response(),
        );
    }
    page.render_message(
        &state,
        "forgot-username-sent-title",
        vec![
            page.translate("forgot-username-sent-body", &[]),
            page.translate("forgot-spam-hint", &[]),
        ],
        Some(("/login", "login-title")),
    )
}
