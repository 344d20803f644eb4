//! Two-step verification on the account pages: list, add, rename and remove second factors,
//! and replace recovery codes. The enrolment forms also serve a sign-in that must enrol a
//! factor before it may finish (a studio requires one): they then carry the sign-in's
//! `request` instead of relying on a session.

use super::{enrolment_choices, format_time, load_attempt};
use crate::error::PageError;
use crate::http::ClientAddress;
use crate::http::page::{CsrfForm, CsrfProtected, PageContext};
use crate::http::session::{ActiveSession, CurrentSession, SignInFirst, SignedIn};
use crate::service::mfa::attempt::Loaded;
use crate::service::mfa::{self, Removal, codes, passkeys, totp};
use crate::service::reauth;
use crate::service::verification::Requester;
use crate::state::AppState;
use crate::throttle::RetryAfter;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use gatehouse_core::mfa::{Factor, FactorKind, has_second_factor, mask_target, with_second_factor};
use gatehouse_core::session::ACR_MULTI_FACTOR;
use gatehouse_core::user::User;
use gatehouse_core::verification::CodeRejection;
use gatehouse_store::sessions;
use serde::Deserialize;
use std::net::IpAddr;

const SECURITY_PAGE: &str = "/account/security";

/// Who is enrolling a factor.
#[derive(Debug)]
enum Enroller {
    /// A signed-in user on the account page.
    Session(ActiveSession),
    /// A sign-in that must enrol a factor before it finishes.
    Attempt(Loaded),
}

impl Enroller {
    fn user(&self) -> &User {
        match self {
            Self::Session(active) => &active.user,
            Self::Attempt(loaded) => &loaded.user,
        }
    }

    fn request(&self) -> Option<String> {
        match self {
            Self::Session(_) => None,
            Self::Attempt(loaded) => Some(loaded.request_id.clone()),
        }
    }
}

/// A session may change second factors once it proved one, or when there are none yet:
/// otherwise a stolen password alone could replace the user's authenticator.
fn may_manage(active: &ActiveSession, enrolled: &[Factor]) -> bool {
    !has_second_factor(enrolled) || active.session.authentication.acr == ACR_MULTI_FACTOR
}

fn step_up_url() -> String {
    format!("/mfa/step-up?return={SECURITY_PAGE}")
}

/// Changes to second factors need a recent proof of identity: the browser goes to the
/// re-authentication page and comes back here.
fn reauthenticate_first() -> Response {
    Redirect::to(&super::reauthenticate_for_page(SECURITY_PAGE)).into_response()
}

/// Finds who is enrolling: the sign-in named by `request`, which must be one that has to
/// enrol (a user who has a factor already presents it instead), or the signed-in user, who
/// must be allowed to manage factors. `Err(response)` sends the browser elsewhere first.
async fn enroller(
    state: &AppState,
    page: PageContext,
    session: Option<ActiveSession>,
    request: &str,
) -> Result<Result<(PageContext, Enroller), Response>, PageError> {
    if !request.is_empty() {
        let (page, loaded) = load_attempt(state, page, request).await?;
        let enrolled = mfa::factors_of(state, &loaded.user.id).await?;
        if !loaded.attempt.must_enrol || has_second_factor(&enrolled) {
            return Err(PageError::new(StatusCode::FORBIDDEN, "error-not-permitted"));
        }
        return Ok(Ok((page, Enroller::Attempt(loaded))));
    }
    let Some(active) = session else {
        return Ok(Err(SignInFirst::back_to(SECURITY_PAGE).into_response()));
    };
    let page = page.with_user_locale(state, active.user.locale.as_deref());
    let enrolled = mfa::factors_of(state, &active.user.id).await?;
    if !may_manage(&active, &enrolled) {
        return Ok(Err(Redirect::to(&step_up_url()).into_response()));
    }
    if !reauth::is_recent(state, &active.session) {
        return Ok(Err(reauthenticate_first()));
    }
    Ok(Ok((page, Enroller::Session(active))))
}

/// `?notice=` after an action.
#[derive(Debug, Deserialize)]
pub struct NoticeQuery {
    notice: Option<String>,
}

const NOTICES: [&str; 4] = [
    "factor-added",
    "factor-removed",
    "factor-renamed",
    "last-required",
];

/// `GET /account/security`
pub async fn show(
    State(state): State<AppState>,
    page: PageContext,
    SignedIn(active): SignedIn,
    Query(query): Query<NoticeQuery>,
) -> Result<Response, PageError> {
    if !reauth::is_recent(&state, &active.session) {
        return Ok(reauthenticate_first());
    }
    let page = page.with_user_locale(&state, active.user.locale.as_deref());
    let enrolled = mfa::factors_of(&state, &active.user.id).await?;
    let policy = mfa::policy(&state, &active.user.id).await?;
    let listed: Vec<minijinja::Value> = enrolled
        .iter()
        .filter(|factor| factor.kind.is_primary() && factor.is_active())
        .map(|factor| {
            minijinja::context! {
                id => factor.id.clone(),
                kind => factor.kind.as_str(),
                name => factor.label.clone().unwrap_or_else(|| mfa::kind_name(&page.language, factor.kind)),
                kind_name => mfa::kind_name(&page.language, factor.kind),
                added => format_time(factor.created_at),
                last_used => factor.last_used_at.map(format_time),
                target => codes::target(&active.user, factor.kind).map(|target| mask_target(&target)),
            }
        })
        .collect();
    let recovery_left = enrolled
        .iter()
        .filter(|factor| factor.kind == FactorKind::RecoveryCode && factor.is_active())
        .count();
    let enrolled_kinds: Vec<FactorKind> = enrolled
        .iter()
        .filter(|factor| factor.is_active())
        .map(|factor| factor.kind)
        .collect();
    let choices: Vec<minijinja::Value> = enrolment_choices(&state, &page, &active.user)
        .into_iter()
        .filter(|choice| {
            let kind = choice
                .get_attr("kind")
                .ok()
                .and_then(|kind| kind.as_str().and_then(|kind| kind.parse::<FactorKind>().ok()));
            // One e-mail and one SMS factor are enough; apps and passkeys may be several.
            !matches!(kind, Some(kind @ (FactorKind::EmailCode | FactorKind::SmsCode)) if enrolled_kinds.contains(&kind))
        })
        .collect();
    let notice = query
        .notice
        .as_deref()
        .filter(|notice| NOTICES.contains(notice))
        .map(|notice| page.translate(&format!("security-notice-{notice}"), &[]));
    page.render(
        &state,
        "security.html",
        minijinja::context! {
            factors => listed,
            has_factors => has_second_factor(&enrolled),
            recovery_left => recovery_left,
            choices => choices,
            is_required => policy.is_required,
            locked => !may_manage(&active, &enrolled),
            step_up_url => step_up_url(),
            notice => notice,
        },
    )
}

/// Every enrolment form: the sign-in's `request` (empty on the account page) and the
/// fields of the step.
#[derive(Debug, Deserialize)]
pub struct EnrolForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    request: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    code: String,
    #[serde(default)]
    ceremony: String,
    #[serde(default)]
    credential: String,
    #[serde(default)]
    label: String,
    #[serde(default)]
    factor_id: String,
}

impl CsrfProtected for EnrolForm {
    fn csrf_token(&self) -> &str {
        &self.csrf_token
    }
}

fn throttled_page(
    page: &PageContext,
    state: &AppState,
    seconds: i64,
) -> Result<Response, PageError> {
    let mut response = page.render_message(
        state,
        "security-throttled-title",
        vec![page.translate("login-error-throttled", &[("seconds", seconds.to_string())])],
        Some((SECURITY_PAGE, "security-back")),
    )?;
    *response.status_mut() = StatusCode::TOO_MANY_REQUESTS;
    Ok(response)
}

fn render_totp(
    state: &AppState,
    page: &PageContext,
    enroller: &Enroller,
    enrolment: &totp::Enrolment,
    error: Option<String>,
) -> Result<Response, PageError> {
    let minutes = (enrolment.expires_at.as_secs() - state.now().as_secs()).max(60) / 60;
    let grouped: Vec<String> = enrolment
        .secret_base32
        .as_bytes()
        .chunks(4)
        .map(|chunk| String::from_utf8_lossy(chunk).into_owned())
        .collect();
    let mut response = page.render(
        state,
        "totp_setup.html",
        minijinja::context! {
            request => enroller.request(),
            qr_code => enrolment.qr_code.clone(),
            secret => enrolment.secret_base32.clone(),
            secret_grouped => grouped.join(" "),
            otpauth_url => enrolment.otpauth_url.clone(),
            minutes => minutes,
            error => error.clone(),
        },
    )?;
    if error.is_some() {
        *response.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(response)
}

/// `POST /account/security/totp`: start enrolling an authenticator app.
pub async fn start_totp(
    State(state): State<AppState>,
    CurrentSession(session): CurrentSession,
    ClientAddress(address): ClientAddress,
    CsrfForm { page, form }: CsrfForm<EnrolForm>,
) -> Result<Response, PageError> {
    let (page, enroller) = match enroller(&state, page, session, &form.request).await? {
        Ok(found) => found,
        Err(response) => return Ok(response),
    };
    if let Err(RetryAfter(seconds)) =
        mfa::count_enrolment(&state, &enroller.user().id, address).await?
    {
        return throttled_page(&page, &state, seconds);
    }
    let enrolment = totp::start(&state, enroller.user()).await?;
    render_totp(&state, &page, &enroller, &enrolment, None)
}

/// `POST /account/security/totp/confirm`: the first code from the app.
pub async fn confirm_totp(
    State(state): State<AppState>,
    CurrentSession(session): CurrentSession,
    ClientAddress(address): ClientAddress,
    headers: HeaderMap,
    CsrfForm { page, form }: CsrfForm<EnrolForm>,
) -> Result<Response, PageError> {
    let (page, enroller) = match enroller(&state, page, session.clone(), &form.request).await? {
        Ok(found) => found,
        Err(response) => return Ok(response),
    };
    let user = enroller.user().clone();
    let permit = match mfa::begin_check(&state, &user.id, address).await? {
        Ok(permit) => permit,
        Err(RetryAfter(seconds)) => return throttled_page(&page, &state, seconds),
    };
    match totp::confirm(&state, &user, &form.code).await? {
        totp::Confirmation::Confirmed(_) => {
            permit.succeeded().await;
            enrolment_done(
                &state,
                page,
                enroller,
                FactorKind::Totp,
                Some(address),
                session,
                &headers,
            )
            .await
        }
        totp::Confirmation::WrongCode => {
            mfa::record_failure(
                &state,
                &user.id,
                address,
                Some(FactorKind::Totp),
                "enrolment",
            )
            .await?;
            let Some(enrolment) = totp::pending(&state, &user).await? else {
                return lapsed(&state, &page, &enroller);
            };
            let error = page.translate("mfa-error-wrong-code", &[]);
            render_totp(&state, &page, &enroller, &enrolment, Some(error))
        }
        totp::Confirmation::Lapsed => lapsed(&state, &page, &enroller),
    }
}

fn lapsed(
    state: &AppState,
    page: &PageContext,
    enroller: &Enroller,
) -> Result<Response, PageError> {
    let back = match enroller.request() {
        Some(request) => format!("/mfa/setup?request={request}"),
        None => SECURITY_PAGE.to_owned(),
    };
    let mut response = page.render(
        state,
        "message.html",
        minijinja::context! {
            title => page.translate("security-lapsed-title", &[]),
            paragraphs => vec![page.translate("security-lapsed", &[])],
            link => back,
            link_label => page.translate("security-start-again", &[]),
        },
    )?;
    *response.status_mut() = StatusCode::GONE;
    Ok(response)
}

fn render_code_setup(
    state: &AppState,
    page: &PageContext,
    enroller: &Enroller,
    kind: FactorKind,
    target: &str,
    error: Option<String>,
    status: StatusCode,
) -> Result<Response, PageError> {
    let mut response = page.render(
        state,
        "code_setup.html",
        minijinja::context! {
            request => enroller.request(),
            kind => kind.as_str(),
            kind_name => mfa::kind_name(&page.language, kind),
            target => mask_target(target),
            error => error,
        },
    )?;
    *response.status_mut() = status;
    Ok(response)
}

/// `POST /account/security/code`: start enrolling e-mail or SMS codes (a code goes out).
pub async fn start_code(
    State(state): State<AppState>,
    CurrentSession(session): CurrentSession,
    ClientAddress(address): ClientAddress,
    CsrfForm { page, form }: CsrfForm<EnrolForm>,
) -> Result<Response, PageError> {
    let (page, enroller) = match enroller(&state, page, session, &form.request).await? {
        Ok(found) => found,
        Err(response) => return Ok(response),
    };
    let Some(kind) = form
        .kind
        .parse::<FactorKind>()
        .ok()
        .filter(|kind| matches!(kind, FactorKind::EmailCode | FactorKind::SmsCode))
    else {
        return Err(PageError::bad_request("error-bad-request"));
    };
    if let Err(RetryAfter(seconds)) =
        mfa::count_enrolment(&state, &enroller.user().id, address).await?
    {
        return throttled_page(&page, &state, seconds);
    }
    let session_key = match &enroller {
        Enroller::Session(active) => active.session.id.as_str().to_owned(),
        Enroller::Attempt(loaded) => loaded.request_id.clone(),
    };
    let requester = Requester {
        session: &session_key,
        user_id: &enroller.user().id,
        address,
    };
    let refusal_key =
        match codes::send_enrolment_code(&state, enroller.user(), kind, &page.language, requester)
            .await?
        {
            Ok(target) => {
                return render_code_setup(
                    &state,
                    &page,
                    &enroller,
                    kind,
                    &target,
                    None,
                    StatusCode::OK,
                );
            }
            Err(codes::NotSent::TooMany) => "code-error-too-many-sent",
            Err(codes::NotSent::TooManyToday) => "code-error-too-many-today",
            Err(codes::NotSent::SmsUnavailable) => "sms-error-budget",
            Err(codes::NotSent::NoTarget) => {
                return Err(PageError::bad_request("mfa-error-no-target"));
            }
        };
    let mut response = page.render_message(
        &state,
        "security-throttled-title",
        vec![page.translate(refusal_key, &[])],
        Some((SECURITY_PAGE, "security-back")),
    )?;
    *response.status_mut() = StatusCode::TOO_MANY_REQUESTS;
    Ok(response)
}

/// `POST /account/security/code/confirm`: the code that arrived.
pub async fn confirm_code(
    State(state): State<AppState>,
    CurrentSession(session): CurrentSession,
    ClientAddress(address): ClientAddress,
    headers: HeaderMap,
    CsrfForm { page, form }: CsrfForm<EnrolForm>,
) -> Result<Response, PageError> {
    let (page, enroller) = match enroller(&state, page, session.clone(), &form.request).await? {
        Ok(found) => found,
        Err(response) => return Ok(response),
    };
    let user = enroller.user().clone();
    let permit = match mfa::begin_check(&state, &user.id, address).await? {
        Ok(permit) => permit,
        Err(RetryAfter(seconds)) => return throttled_page(&page, &state, seconds),
    };
    let pending = codes::pending_enrolment(&state, &user).await?;
    match codes::confirm_enrolment(&state, &user, &form.code).await? {
        Ok((_, kind)) => {
            permit.succeeded().await;
            enrolment_done(
                &state,
                page,
                enroller,
                kind,
                Some(address),
                session,
                &headers,
            )
            .await
        }
        Err(CodeRejection::WrongCode) => {
            mfa::record_failure(&state, &user.id, address, None, "enrolment").await?;
            let Some((kind, target)) = pending else {
                return lapsed(&state, &page, &enroller);
            };
            let error = page.translate("mfa-error-wrong-code", &[]);
            render_code_setup(
                &state,
                &page,
                &enroller,
                kind,
                &target,
                Some(error),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
        }
        Err(CodeRejection::InvalidOrExpired | CodeRejection::TooManyAttempts) => {
            lapsed(&state, &page, &enroller)
        }
    }
}

/// `POST /account/security/passkeys/options`: options to create a passkey.
pub async fn passkey_options(
    State(state): State<AppState>,
    CurrentSession(session): CurrentSession,
    ClientAddress(address): ClientAddress,
    CsrfForm { page, form }: CsrfForm<EnrolForm>,
) -> Result<Response, PageError> {
    let binding = page.browser_binding();
    let (_, enroller) = match enroller(&state, page, session, &form.request).await? {
        Ok(found) => found,
        Err(_) => return Err(PageError::new(StatusCode::FORBIDDEN, "error-not-permitted")),
    };
    if mfa::count_enrolment(&state, &enroller.user().id, address)
        .await?
        .is_err()
    {
        return Err(PageError::new(
            StatusCode::TOO_MANY_REQUESTS,
            "security-throttled-title",
        ));
    }
    let ceremony = passkeys::start_registration(&state, enroller.user(), &binding)
        .await?
        .ok_or_else(|| PageError::new(StatusCode::NOT_FOUND, "error-not-found"))?;
    Ok(super::ceremony_response(&ceremony))
}

/// `POST /account/security/passkeys`: the browser's new passkey.
pub async fn register_passkey(
    State(state): State<AppState>,
    CurrentSession(session): CurrentSession,
    ClientAddress(address): ClientAddress,
    headers: HeaderMap,
    CsrfForm { page, form }: CsrfForm<EnrolForm>,
) -> Result<Response, PageError> {
    let binding = page.browser_binding();
    let (page, enroller) = match enroller(&state, page, session.clone(), &form.request).await? {
        Ok(found) => found,
        Err(response) => return Ok(response),
    };
    let label = if form.label.trim().is_empty() {
        gatehouse_core::device::describe_user_agent(
            headers
                .get(header::USER_AGENT)
                .and_then(|value| value.to_str().ok()),
        )
    } else {
        form.label.clone()
    };
    let registered = passkeys::finish_registration(
        &state,
        enroller.user(),
        &form.ceremony,
        &form.credential,
        &label,
        &binding,
    )
    .await?;
    if registered.is_none() {
        mfa::record_failure(
            &state,
            &enroller.user().id,
            address,
            Some(FactorKind::Passkey),
            "enrolment",
        )
        .await?;
        let back = match enroller.request() {
            Some(request) => format!("/mfa/setup?request={request}"),
            None => SECURITY_PAGE.to_owned(),
        };
        let mut response = page.render(
            &state,
            "message.html",
            minijinja::context! {
                title => page.translate("security-passkey-refused-title", &[]),
                paragraphs => vec![page.translate("security-passkey-refused", &[])],
                link => back,
                link_label => page.translate("security-start-again", &[]),
            },
        )?;
        *response.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
        return Ok(response);
    }
    enrolment_done(
        &state,
        page,
        enroller,
        FactorKind::Passkey,
        Some(address),
        session,
        &headers,
    )
    .await
}

/// A factor was enrolled: tell and audit; on the account page the session now counts the
/// factor as presented; a sign-in finishes. New recovery codes are shown once first.
async fn enrolment_done(
    state: &AppState,
    page: PageContext,
    enroller: Enroller,
    kind: FactorKind,
    address: Option<IpAddr>,
    session: Option<ActiveSession>,
    headers: &HeaderMap,
) -> Result<Response, PageError> {
    let codes = mfa::enrolled(state, enroller.user(), kind, address).await?;
    let next = match enroller {
        Enroller::Session(active) => {
            let proved = with_second_factor(&active.session.authentication, kind, state.now());
            let session_id = active.session.id.clone();
            state
                .store
                .write(move |connection| {
                    sessions::set_authentication(connection, &session_id, &proved)
                })
                .await?;
            Redirect::to(&format!("{SECURITY_PAGE}?notice=factor-added")).into_response()
        }
        Enroller::Attempt(loaded) => {
            let Some(address) = address else {
                return Err(PageError::flow_expired());
            };
            super::finish_second_factor(
                state, &page, loaded, kind, false, session, address, headers,
            )
            .await?
        }
    };
    match codes {
        Some(codes) => show_codes_then(state, &page, &codes, next),
        None => Ok(next),
    }
}

/// Shows recovery codes once, then continues where `next` would have gone; the cookies
/// `next` sets (a new session) are kept.
fn show_codes_then(
    state: &AppState,
    page: &PageContext,
    codes: &[String],
    next: Response,
) -> Result<Response, PageError> {
    let Some(location) = next
        .headers()
        .get(header::LOCATION)
        .and_then(|value| value.to_str().ok())
        .map(str::to_owned)
    else {
        return Ok(next);
    };
    let mut response = page.render(
        state,
        "recovery_codes.html",
        minijinja::context! { codes => codes.to_vec(), next => location },
    )?;
    for cookie in next.headers().get_all(header::SET_COOKIE) {
        response
            .headers_mut()
            .append(header::SET_COOKIE, cookie.clone());
    }
    Ok(response)
}

async fn managing_session(
    state: &AppState,
    session: Option<ActiveSession>,
) -> Result<Result<ActiveSession, Response>, PageError> {
    let Some(active) = session else {
        return Ok(Err(SignInFirst::back_to(SECURITY_PAGE).into_response()));
    };
    let enrolled = mfa::factors_of(state, &active.user.id).await?;
    if !may_manage(&active, &enrolled) {
        return Ok(Err(Redirect::to(&step_up_url()).into_response()));
    }
    if !reauth::is_recent(state, &active.session) {
        return Ok(Err(reauthenticate_first()));
    }
    Ok(Ok(active))
}

/// `POST /account/security/recovery-codes`: replace the recovery codes.
pub async fn replace_recovery_codes(
    State(state): State<AppState>,
    CurrentSession(session): CurrentSession,
    ClientAddress(address): ClientAddress,
    CsrfForm { page, .. }: CsrfForm<EnrolForm>,
) -> Result<Response, PageError> {
    let active = match managing_session(&state, session).await? {
        Ok(active) => active,
        Err(response) => return Ok(response),
    };
    let page = page.with_user_locale(&state, active.user.locale.as_deref());
    if !has_second_factor(&mfa::factors_of(&state, &active.user.id).await?) {
        return Err(PageError::bad_request("error-bad-request"));
    }
    let codes = mfa::regenerate_recovery_codes(&state, &active.user, Some(address)).await?;
    page.render(
        &state,
        "recovery_codes.html",
        minijinja::context! { codes => codes, next => SECURITY_PAGE },
    )
}

/// `POST /account/security/remove`
pub async fn remove(
    State(state): State<AppState>,
    CurrentSession(session): CurrentSession,
    ClientAddress(address): ClientAddress,
    CsrfForm { form, .. }: CsrfForm<EnrolForm>,
) -> Result<Response, PageError> {
    let active = match managing_session(&state, session).await? {
        Ok(active) => active,
        Err(response) => return Ok(response),
    };
    let notice = match mfa::remove(&state, &active.user, &form.factor_id, Some(address)).await? {
        Removal::Removed => "factor-removed",
        Removal::LastRequired => "last-required",
        Removal::NotFound => return Err(PageError::new(StatusCode::NOT_FOUND, "error-not-found")),
    };
    Ok(Redirect::to(&format!("{SECURITY_PAGE}?notice={notice}")).into_response())
}

/// `POST /account/security/rename`
pub async fn rename(
    State(state): State<AppState>,
    CurrentSession(session): CurrentSession,
    CsrfForm { form, .. }: CsrfForm<EnrolForm>,
) -> Result<Response, PageError> {
    let active = match managing_session(&state, session).await? {
        Ok(active) => active,
        Err(response) => return Ok(response),
    };
    if !mfa::rename(&state, &active.user.id, &form.factor_id, &form.label).await? {
        return Err(PageError::bad_request("error-bad-request"));
    }
    Ok(Redirect::to(&format!("{SECURITY_PAGE}?notice=factor-renamed")).into_response())
}
