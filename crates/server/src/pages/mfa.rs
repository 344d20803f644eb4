//! The second step of a sign-in: the user presents a second factor (authenticator app,
//! e-mailed or texted code, passkey, recovery code), or asks their studio's admins for help
//! when they have lost it. A signed-in session steps up through the same pages.

use crate::error::PageError;
use crate::http::ClientAddress;
use crate::http::page::{CsrfForm, CsrfProtected, PageContext};
use crate::http::session::{CurrentSession, SignedIn};
use crate::service::authorization;
use crate::service::login::Continuation;
use crate::service::mfa::attempt::{self, Attempt, Loaded};
use crate::service::mfa::{self, codes, passkeys, recovery, totp};
use crate::state::AppState;
use crate::throttle::RetryAfter;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use gatehouse_core::mfa::{FactorKind, available_kinds, default_kind, mask_target};
use gatehouse_core::verification::CodeRejection;
use gatehouse_store::factors;
use serde::Deserialize;

/// `?request=&method=` on the second-factor pages.
#[derive(Debug, Deserialize)]
pub struct AttemptQuery {
    #[serde(default)]
    request: String,
    method: Option<String>,
}

/// The kinds this user can use now: enrolled, and usable here (a verified address for
/// codes, passkeys turned on).
async fn usable_kinds(state: &AppState, loaded: &Loaded) -> Result<Vec<FactorKind>, PageError> {
    let enrolled = mfa::factors_of(state, &loaded.user.id).await?;
    Ok(available_kinds(&enrolled)
        .into_iter()
        .filter(|kind| match kind {
            FactorKind::EmailCode | FactorKind::SmsCode => {
                codes::target(&loaded.user, *kind).is_some()
            }
            FactorKind::Passkey => state.webauthn.is_some(),
            FactorKind::Totp | FactorKind::RecoveryCode => true,
        })
        .collect())
}

/// What the code page shows besides the form.
#[derive(Debug, Default)]
struct Shown {
    error: Option<String>,
    notice: Option<String>,
    status: Option<StatusCode>,
}

async fn render(
    state: &AppState,
    page: &PageContext,
    loaded: &Loaded,
    method: FactorKind,
    available: &[FactorKind],
    shown: Shown,
) -> Result<Response, PageError> {
    let methods: Vec<minijinja::Value> = available
        .iter()
        .filter(|kind| **kind != method)
        .map(|kind| {
            minijinja::context! {
                name => mfa::kind_name(&page.language, *kind),
                url => format!("/mfa?request={}&method={}", loaded.request_id, kind.as_str()),
            }
        })
        .collect();
    let remember_days = if loaded.attempt.session.is_none() {
        mfa::policy(state, &loaded.user.id)
            .await?
            .remember_device_days
    } else {
        0
    };
    let target = codes::target(&loaded.user, method).map(|target| mask_target(&target));
    let mut response = page.render(
        state,
        "mfa.html",
        minijinja::context! {
            request => loaded.request_id.clone(),
            method => method.as_str(),
            method_name => mfa::kind_name(&page.language, method),
            methods => methods,
            target => target,
            remember_days => remember_days,
            is_step_up => loaded.attempt.session.is_some(),
            error => shown.error,
            notice => shown.notice,
        },
    )?;
    if let Some(status) = shown.status {
        *response.status_mut() = status;
    }
    Ok(response)
}

fn chosen(
    method: Option<&str>,
    available: &[FactorKind],
    preferred: Option<FactorKind>,
) -> Option<FactorKind> {
    method
        .and_then(|name| name.parse::<FactorKind>().ok())
        .filter(|kind| available.contains(kind))
        .or_else(|| default_kind(available, preferred))
}

async fn send_code(
    state: &AppState,
    page: &PageContext,
    loaded: &Loaded,
    kind: FactorKind,
) -> Result<Shown, PageError> {
    Ok(
        match codes::send_sign_in_code(state, loaded, kind, &page.language).await? {
            Ok(target) => Shown {
                notice: Some(page.translate("mfa-code-sent", &[("target", mask_target(&target))])),
                ..Shown::default()
            },
            Err(codes::NotSent::TooMany) => Shown {
                error: Some(page.translate("code-error-too-many-sent", &[])),
                status: Some(StatusCode::TOO_MANY_REQUESTS),
                ..Shown::default()
            },
            Err(codes::NotSent::TooManyToday) => Shown {
                error: Some(page.translate("code-error-too-many-today", &[])),
                status: Some(StatusCode::TOO_MANY_REQUESTS),
                ..Shown::default()
            },
            Err(codes::NotSent::SmsUnavailable) => Shown {
                error: Some(page.translate("sms-error-budget", &[])),
                status: Some(StatusCode::SERVICE_UNAVAILABLE),
                ..Shown::default()
            },
            Err(codes::NotSent::NoTarget) => Shown {
                error: Some(page.translate("mfa-error-no-target", &[])),
                ..Shown::default()
            },
        },
    )
}

/// `GET /mfa`
pub async fn show(
    State(state): State<AppState>,
    page: PageContext,
    Query(query): Query<AttemptQuery>,
) -> Result<Response, PageError> {
    let (page, loaded) = super::load_attempt(&state, page, &query.request).await?;
    if loaded.attempt.must_enrol {
        return Ok(
            Redirect::to(&format!("/mfa/setup?request={}", loaded.request_id)).into_response(),
        );
    }
    let available = usable_kinds(&state, &loaded).await?;
    let user_id = loaded.user.id.clone();
    let preferred = state
        .store
        .read(move |connection| factors::preferred_kind(connection, &user_id))
        .await?;
    let Some(method) = chosen(query.method.as_deref(), &available, preferred) else {
        // Nothing can be asked (the factors were reset meanwhile, or the only one is a code
        // to an address that is no longer confirmed): fail closed, never on to a session.
        let mut response = page.render(
            &state,
            "mfa_help.html",
            minijinja::context! { request => loaded.request_id, none_usable => true },
        )?;
        *response.status_mut() = StatusCode::FORBIDDEN;
        return Ok(response);
    };
    let mut shown = Shown::default();
    if matches!(method, FactorKind::EmailCode | FactorKind::SmsCode)
        && !codes::has_live_code(&state, &loaded, method).await?
    {
        shown = send_code(&state, &page, &loaded, method).await?;
    }
    render(&state, &page, &loaded, method, &available, shown).await
}

/// The code form.
#[derive(Debug, Deserialize)]
pub struct CodeForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    request: String,
    #[serde(default)]
    method: String,
    #[serde(default)]
    code: String,
    remember_device: Option<String>,
    #[serde(default)]
    ceremony: String,
    #[serde(default)]
    credential: String,
}

impl CsrfProtected for CodeForm {
    fn csrf_token(&self) -> &str {
        &self.csrf_token
    }
}

/// The second-factor page saying how long to wait, answered `429` with `Retry-After`.
async fn render_throttled(
    state: &AppState,
    page: &PageContext,
    loaded: &Loaded,
    method: FactorKind,
    available: &[FactorKind],
    seconds: i64,
) -> Result<Response, PageError> {
    let shown = Shown {
        error: Some(page.translate("login-error-throttled", &[("seconds", seconds.to_string())])),
        status: Some(StatusCode::TOO_MANY_REQUESTS),
        ..Shown::default()
    };
    let response = render(state, page, loaded, method, available, shown).await?;
    Ok(with_retry_after(response, seconds))
}

fn with_retry_after(mut response: Response, seconds: i64) -> Response {
    if let Ok(value) = HeaderValue::from_str(&seconds.to_string()) {
        response.headers_mut().insert(header::RETRY_AFTER, value);
    }
    response
}

/// `POST /mfa`: a code from the authenticator app, e-mail, SMS or the recovery list.
pub async fn submit(
    State(state): State<AppState>,
    CurrentSession(session): CurrentSession,
    ClientAddress(address): ClientAddress,
    headers: HeaderMap,
    CsrfForm { page, form }: CsrfForm<CodeForm>,
) -> Result<Response, PageError> {
    let (page, loaded) = super::load_attempt(&state, page, &form.request).await?;
    let available = usable_kinds(&state, &loaded).await?;
    let Some(method) = form
        .method
        .parse::<FactorKind>()
        .ok()
        .filter(|kind| available.contains(kind) && *kind != FactorKind::Passkey)
    else {
        return Err(PageError::bad_request("error-bad-request"));
    };
    let permit = match mfa::begin_check(&state, &loaded.user.id, address).await? {
        Ok(permit) => permit,
        Err(RetryAfter(seconds)) => {
            count_throttled(method);
            return render_throttled(&state, &page, &loaded, method, &available, seconds).await;
        }
    };
    if !attempt::reserve_guess(&state, &loaded).await? {
        return Err(PageError::flow_expired());
    }
    let passed = match method {
        FactorKind::Totp => totp::verify(&state, &loaded.user, &form.code)
            .await?
            .is_some(),
        FactorKind::RecoveryCode => {
            match recovery::spend(&state, &loaded.user.id, &form.code).await? {
                Some(remaining) => {
                    mfa::recovery_code_spent(&state, &loaded.user, remaining, address).await?;
                    true
                }
                None => false,
            }
        }
        FactorKind::EmailCode | FactorKind::SmsCode => {
            match codes::verify_sign_in_code(&state, &loaded, method, &form.code).await? {
                Ok(()) => true,
                Err(CodeRejection::WrongCode) => false,
                Err(CodeRejection::InvalidOrExpired | CodeRejection::TooManyAttempts) => {
                    let shown = Shown {
                        error: Some(page.translate("mfa-error-code-expired", &[])),
                        ..Shown::default()
                    };
                    return render(&state, &page, &loaded, method, &available, shown).await;
                }
            }
        }
        FactorKind::Passkey => false,
    };
    if !passed {
        mfa::record_failure(&state, &loaded.user.id, address, Some(method), "sign-in").await?;
        let shown = Shown {
            error: Some(page.translate("mfa-error-wrong-code", &[])),
            status: Some(StatusCode::UNAUTHORIZED),
            ..Shown::default()
        };
        return render(&state, &page, &loaded, method, &available, shown).await;
    }
    mfa::record_success(&state, permit, &loaded.user.id, method).await?;
    super::finish_second_factor(
        &state,
        &page,
        loaded,
        method,
        form.remember_device.is_some(),
        session,
        address,
        &headers,
    )
    .await
}

/// `POST /mfa/send`: send another e-mail or SMS code.
pub async fn resend(
    State(state): State<AppState>,
    ClientAddress(address): ClientAddress,
    CsrfForm { page, form }: CsrfForm<CodeForm>,
) -> Result<Response, PageError> {
    let (page, loaded) = super::load_attempt(&state, page, &form.request).await?;
    let available = usable_kinds(&state, &loaded).await?;
    let Some(method) = form
        .method
        .parse::<FactorKind>()
        .ok()
        .filter(|kind| available.contains(kind))
        .filter(|kind| matches!(kind, FactorKind::EmailCode | FactorKind::SmsCode))
    else {
        return Err(PageError::bad_request("error-bad-request"));
    };
    if let Err(RetryAfter(seconds)) = mfa::count_enrolment(&state, &loaded.user.id, address).await?
    {
        return render_throttled(&state, &page, &loaded, method, &available, seconds).await;
    }
    let shown = send_code(&state, &page, &loaded, method).await?;
    render(&state, &page, &loaded, method, &available, shown).await
}

/// `POST /mfa/passkey/options`
pub async fn passkey_options(
    State(state): State<AppState>,
    CsrfForm { page, form }: CsrfForm<CodeForm>,
) -> Result<Response, PageError> {
    let binding = page.browser_binding();
    let loaded = attempt::load(&state, &form.request, &binding)
        .await?
        .ok_or_else(PageError::flow_expired)?;
    let ceremony = passkeys::start_authentication(&state, &loaded.user.id, &binding)
        .await?
        .ok_or_else(|| PageError::new(StatusCode::NOT_FOUND, "error-not-found"))?;
    Ok(super::ceremony_response(&ceremony))
}

/// `POST /mfa/passkey`: the browser's answer to a passkey check.
pub async fn passkey_submit(
    State(state): State<AppState>,
    CurrentSession(session): CurrentSession,
    ClientAddress(address): ClientAddress,
    headers: HeaderMap,
    CsrfForm { page, form }: CsrfForm<CodeForm>,
) -> Result<Response, PageError> {
    let (page, loaded) = super::load_attempt(&state, page, &form.request).await?;
    let permit = match mfa::begin_check(&state, &loaded.user.id, address).await? {
        Ok(permit) => permit,
        Err(RetryAfter(seconds)) => {
            count_throttled(FactorKind::Passkey);
            let available = usable_kinds(&state, &loaded).await?;
            return render_throttled(
                &state,
                &page,
                &loaded,
                FactorKind::Passkey,
                &available,
                seconds,
            )
            .await;
        }
    };
    if !attempt::reserve_guess(&state, &loaded).await? {
        return Err(PageError::flow_expired());
    }
    let answered = passkeys::finish_authentication(
        &state,
        &loaded.user.id,
        &form.ceremony,
        &form.credential,
        &page.browser_binding(),
    )
    .await?;
    if answered.is_none() {
        mfa::record_failure(
            &state,
            &loaded.user.id,
            address,
            Some(FactorKind::Passkey),
            "sign-in",
        )
        .await?;
        let available = usable_kinds(&state, &loaded).await?;
        let shown = Shown {
            error: Some(page.translate("mfa-error-passkey", &[])),
            status: Some(StatusCode::UNAUTHORIZED),
            ..Shown::default()
        };
        return render(
            &state,
            &page,
            &loaded,
            FactorKind::Passkey,
            &available,
            shown,
        )
        .await;
    }
    mfa::record_success(&state, permit, &loaded.user.id, FactorKind::Passkey).await?;
    super::finish_second_factor(
        &state,
        &page,
        loaded,
        FactorKind::Passkey,
        form.remember_device.is_some(),
        session,
        address,
        &headers,
    )
    .await
}

/// `?flow=&return=` of a step-up.
#[derive(Debug, Deserialize)]
pub struct StepUpQuery {
    flow: Option<String>,
    #[serde(rename = "return")]
    return_to: Option<String>,
}

/// `GET /mfa/step-up`: the signed-in user must present a second factor (or enrol one) for
/// this flow or page.
pub async fn step_up(
    State(state): State<AppState>,
    SignedIn(active): SignedIn,
    page: PageContext,
    Query(query): Query<StepUpQuery>,
) -> Result<Response, PageError> {
    let flow = query.flow.filter(|flow| !flow.is_empty());
    if let Some(flow_id) = &flow {
        authorization::load_flow(&state, flow_id).await?;
    }
    let enrolled = mfa::factors_of(&state, &active.user.id).await?;
    let must_enrol = !gatehouse_core::mfa::has_second_factor(&enrolled);
    let request = attempt::begin(
        &state,
        &active.user.id,
        &Attempt {
            continuation: Continuation {
                flow,
                return_to: Some(super::safe_return(query.return_to.as_deref())),
                ..Continuation::default()
            },
            binding: page.browser_binding(),
            authentication: active.session.authentication.clone(),
            session: Some(active.session.id.clone()),
            must_enrol,
        },
    )
    .await?;
    let path = if must_enrol { "/mfa/setup" } else { "/mfa" };
    let mut response = Redirect::to(&format!("{path}?request={request}")).into_response();
    page.finish(&state, &mut response);
    Ok(response)
}

/// `GET /mfa/setup`: a studio requires a second factor and the user has none: choose one.
pub async fn setup(
    State(state): State<AppState>,
    page: PageContext,
    Query(query): Query<AttemptQuery>,
) -> Result<Response, PageError> {
    let (page, loaded) = super::load_attempt(&state, page, &query.request).await?;
    let choices = super::enrolment_choices(&state, &page, &loaded.user);
    page.render(
        &state,
        "mfa_setup.html",
        minijinja::context! {
            request => loaded.request_id,
            choices => choices,
            passkeys => state.webauthn.is_some(),
        },
    )
}

/// `GET /mfa/help`: "no access to your authenticator?"
pub async fn help(
    State(state): State<AppState>,
    page: PageContext,
    Query(query): Query<AttemptQuery>,
) -> Result<Response, PageError> {
    let (page, loaded) = super::load_attempt(&state, page, &query.request).await?;
    page.render(
        &state,
        "mfa_help.html",
        minijinja::context! { request => loaded.request_id },
    )
}

/// `POST /mfa/help`: ask the studio's admins to reset the user's second factors.
pub async fn request_help(
    State(state): State<AppState>,
    ClientAddress(address): ClientAddress,
    CsrfForm { page, form }: CsrfForm<CodeForm>,
) -> Result<Response, PageError> {
    let (page, loaded) = super::load_attempt(&state, page, &form.request).await?;
    mfa::request_help(&state, &loaded.user, address).await?;
    // The same answer whether admins were written to now, earlier this hour, or not at all:
    // the page tells what happens next, not who administers what.
    page.render_message(
        &state,
        "mfa-help-sent-title",
        vec![page.translate("mfa-help-sent", &[])],
        Some(("/login", "mfa-help-back")),
    )
}

/// A second-factor check refused by the back-off, in the sign-in metrics.
fn count_throttled(kind: FactorKind) {
    crate::observability::sign_in(
        crate::service::login::SECOND_FACTOR,
        kind.as_str(),
        "throttled",
    );
}
