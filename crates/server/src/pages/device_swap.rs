//! `/device-swap`: a sign-in refused at the device limit replaces the least recently used
//! device after a code to the verified e-mail or phone (when the studios allow it).

use super::{browser, format_time, go_on};
use crate::error::PageError;
use crate::http::ClientAddress;
use crate::http::cookies::{self, Lifetime};
use crate::http::page::{CsrfForm, CsrfProtected, PageContext};
use crate::http::session::CurrentSession;
use crate::service::device_swap::{self, Parked, SwapOutcome};
use crate::service::mfa::codes::{self, NotSent};
use crate::state::AppState;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use gatehouse_core::mfa::{FactorKind, mask_target};
use serde::Deserialize;

/// `?request=`.
#[derive(Debug, Deserialize)]
pub struct SwapQuery {
    #[serde(default)]
    request: String,
}

/// The forms: the way to send the code, or the code.
#[derive(Debug, Deserialize)]
pub struct SwapForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    request: String,
    #[serde(default)]
    channel: String,
    #[serde(default)]
    code: String,
}

impl CsrfProtected for SwapForm {
    fn csrf_token(&self) -> &str {
        &self.csrf_token
    }
}

async fn load(
    state: &AppState,
    page: PageContext,
    request_id: &str,
) -> Result<(PageContext, Parked), PageError> {
    let parked = device_swap::load(state, request_id, &page.browser_binding())
        .await?
        .ok_or_else(PageError::flow_expired)?;
    let page = page.with_user_locale(state, parked.user.locale.as_deref());
    Ok((page, parked))
}

async fn render(
    state: &AppState,
    page: &PageContext,
    parked: &Parked,
    request_id: &str,
    error: Option<String>,
    status: StatusCode,
) -> Result<Response, PageError> {
    let devices: Vec<minijinja::Value> = device_swap::devices_of(state, parked)
        .await?
        .iter()
        .map(|device| {
            minijinja::context! {
                name => device.name.as_str(),
                last_used => format_time(device.last_seen_at),
            }
        })
        .collect();
    let channels: Vec<minijinja::Value> = [FactorKind::EmailCode, FactorKind::SmsCode]
        .into_iter()
        .filter_map(|kind| {
            let target = codes::target(&parked.user, kind)?;
            let key = if kind == FactorKind::SmsCode {
                "device-swap-by-sms"
            } else {
                "device-swap-by-email"
            };
            Some(minijinja::context! {
                kind => if kind == FactorKind::SmsCode { "sms" } else { "email" },
                label => page.translate(key, &[("target", mask_target(&target))]),
            })
        })
        .collect();
    let code_sent_to = device_swap::pending_code(state, parked)
        .await?
        .map(|target| mask_target(&target));
    let mut response = page.render(
        state,
        "device_swap.html",
        minijinja::context! {
            request => request_id,
            devices => devices,
            channels => channels,
            code_sent_to => code_sent_to,
            swaps_per_month => state.config.devices.swaps_per_month,
            error => error,
        },
    )?;
    *response.status_mut() = status;
    Ok(response)
}

/// `GET /device-swap?request=`
pub async fn show(
    State(state): State<AppState>,
    page: PageContext,
    Query(query): Query<SwapQuery>,
) -> Result<Response, PageError> {
    let (page, parked) = load(&state, page, &query.request).await?;
    render(&state, &page, &parked, &query.request, None, StatusCode::OK).await
}

/// `POST /device-swap/send`: sends the code by e-mail or SMS.
pub async fn send(
    State(state): State<AppState>,
    ClientAddress(address): ClientAddress,
    CsrfForm { page, form }: CsrfForm<SwapForm>,
) -> Result<Response, PageError> {
    let (page, parked) = load(&state, page, &form.request).await?;
    let kind = if form.channel == "sms" {
        FactorKind::SmsCode
    } else {
        FactorKind::EmailCode
    };
    let sent = device_swap::send_code(&state, &parked, kind, &page.language, address).await?;
    let (problem, status) = match sent {
        Ok(_) => {
            return Ok(
                Redirect::to(&format!("/device-swap?request={}", form.request)).into_response(),
            );
        }
        Err(NotSent::NoTarget) => ("device-swap-no-target", StatusCode::BAD_REQUEST),
        Err(NotSent::TooMany) => ("code-error-too-many-sent", StatusCode::TOO_MANY_REQUESTS),
        Err(NotSent::TooManyToday) => ("code-error-too-many-today", StatusCode::TOO_MANY_REQUESTS),
        Err(NotSent::SmsUnavailable) => ("sms-error-budget", StatusCode::SERVICE_UNAVAILABLE),
    };
    let error = page.translate(problem, &[]);
    render(&state, &page, &parked, &form.request, Some(error), status).await
}

/// `POST /device-swap`: the code; the swap, and the sign-in goes on.
pub async fn submit(
    State(state): State<AppState>,
    CurrentSession(previous): CurrentSession,
    ClientAddress(address): ClientAddress,
    headers: HeaderMap,
    CsrfForm { page, form }: CsrfForm<SwapForm>,
) -> Result<Response, PageError> {
    let (page, parked) = load(&state, page, &form.request).await?;
    let browser = browser(&state, &headers, address, previous);
    let outcome = device_swap::complete(&state, parked.clone(), &form.code, browser)
        .await
        .map_err(super::sign_in_refused)?;
    let (error, status) = match outcome {
        SwapOutcome::Swapped { next, cookie } => {
            let mut response = go_on(&state, &page, next).await?;
            // The browser is registered under this cookie whatever step comes next.
            if let Some(cookie) = cookie {
                let is_https = state.config.is_https();
                let value = cookies::set(
                    &cookies::name(cookies::DEVICE, is_https),
                    &cookie,
                    Lifetime::Seconds(state.config.devices.cookie_lifetime_seconds),
                    is_https,
                );
                if let Ok(value) = HeaderValue::from_str(&value) {
                    response.headers_mut().append(header::SET_COOKIE, value);
                }
            }
            return Ok(response);
        }
        SwapOutcome::Refused(rejection) => {
            (super::code_error(&page, rejection), StatusCode::BAD_REQUEST)
        }
        SwapOutcome::MonthlyLimitReached => (
            page.translate(
                "device-swap-monthly-limit",
                &[("count", state.config.devices.swaps_per_month.to_string())],
            ),
            StatusCode::TOO_MANY_REQUESTS,
        ),
    };
    render(&state, &page, &parked, &form.request, Some(error), status).await
}
