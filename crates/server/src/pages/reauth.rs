//! `/reauthenticate`: the user proves again who they are (password, or a code from the
//! authenticator app) before a sensitive change, which then goes on.

use crate::error::PageError;
use crate::http::ClientAddress;
use crate::http::page::{CsrfForm, CsrfProtected, PageContext};
use crate::http::session::{ActiveSession, CurrentSession};
use crate::service::reauth::{self, ParkedChange, Proof, Proved};
use crate::state::AppState;
use axum::extract::{Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use gatehouse_core::mfa::FactorKind;
use serde::Deserialize;

/// The page's URL for a parked change.
#[must_use]
pub fn for_change(request_id: &str) -> String {
    format!("/reauthenticate?request={request_id}")
}

/// The page's URL for going back to `return_to` (one of the account pages) afterwards.
#[must_use]
pub fn for_page(return_to: &str) -> String {
    let mut query = url::form_urlencoded::Serializer::new(String::new());
    query.append_pair("return_to", return_to);
    format!("/reauthenticate?{}", query.finish())
}

/// `?request=` (a parked change) or `?return_to=` (a page).
#[derive(Debug, Deserialize)]
pub struct ReauthQuery {
    #[serde(default)]
    request: String,
    #[serde(default)]
    return_to: String,
}

fn describe(page: &PageContext, change: &ParkedChange) -> String {
    match change {
        ParkedChange::ChangeEmail { email } => {
            page.translate("reauth-pending-email", &[("email", email.clone())])
        }
        ParkedChange::ChangePhone { phone } => {
            page.translate("reauth-pending-phone", &[("phone", phone.clone())])
        }
    }
}

async fn render(
    state: &AppState,
    page: &PageContext,
    active: &ActiveSession,
    request: &str,
    return_to: &str,
    error: Option<String>,
) -> Result<Response, PageError> {
    let pending = match request {
        "" => None,
        request => {
            reauth::find_parked(state, request, &active.session, &page.browser_binding()).await?
        }
    };
    if !request.is_empty() && pending.is_none() {
        return Err(PageError::flow_expired());
    }
    let has_authenticator = crate::service::mfa::factors_of(state, &active.user.id)
        .await?
        .iter()
        .any(|factor| factor.kind == FactorKind::Totp && factor.is_active());
    page.render(
        state,
        "reauthenticate.html",
        minijinja::context! {
            request => request,
            return_to => return_to,
            pending => pending.as_ref().map(|change| describe(page, change)),
            has_authenticator => has_authenticator,
            error => error,
        },
    )
}

/// `GET /reauthenticate`
pub async fn show(
    State(state): State<AppState>,
    page: PageContext,
    CurrentSession(session): CurrentSession,
    Query(query): Query<ReauthQuery>,
) -> Result<Response, PageError> {
    let Some(active) = session else {
        return Ok(Redirect::to("/login").into_response());
    };
    let page = page.with_user_locale(&state, active.user.locale.as_deref());
    let return_to = super::safe_return(Some(&query.return_to));
    render(&state, &page, &active, &query.request, &return_to, None).await
}

/// The proof form.
#[derive(Debug, Deserialize)]
pub struct ProofForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    request: String,
    #[serde(default)]
    return_to: String,
    #[serde(default)]
    method: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    code: String,
}

impl CsrfProtected for ProofForm {
    fn csrf_token(&self) -> &str {
        &self.csrf_token
    }
}

/// `POST /reauthenticate`
pub async fn submit(
    State(state): State<AppState>,
    CurrentSession(session): CurrentSession,
    ClientAddress(address): ClientAddress,
    CsrfForm { page, form }: CsrfForm<ProofForm>,
) -> Result<Response, PageError> {
    let Some(mut active) = session else {
        return Ok(Redirect::to("/login").into_response());
    };
    let page = page.with_user_locale(&state, active.user.locale.as_deref());
    let return_to = super::safe_return(Some(&form.return_to));
    let proof = if form.method == "totp" {
        Proof::AuthenticatorCode(&form.code)
    } else {
        Proof::Password(&form.password)
    };
    let refusal = match reauth::prove(&state, &active.session, &active.user, proof, address).await?
    {
        Proved::Yes => None,
        Proved::No => Some((
            page.translate(
                if form.method == "totp" {
                    "mfa-error-wrong-code"
                } else {
                    "account-error-current-password"
                },
                &[],
            ),
            StatusCode::UNAUTHORIZED,
            None,
        )),
        Proved::Wait(seconds) => Some((
            page.translate("login-error-throttled", &[("seconds", seconds.to_string())]),
            StatusCode::TOO_MANY_REQUESTS,
            Some(seconds),
        )),
    };
    if let Some((message, status, wait)) = refusal {
        let mut response = render(
            &state,
            &page,
            &active,
            &form.request,
            &return_to,
            Some(message),
        )
        .await?;
        *response.status_mut() = status;
        if let Some(seconds) = wait
            && let Ok(value) = HeaderValue::from_str(&seconds.to_string())
        {
            response.headers_mut().insert(header::RETRY_AFTER, value);
        }
        return Ok(response);
    }
    if form.request.is_empty() {
        return Ok(Redirect::to(&return_to).into_response());
    }
    let Some(change) = reauth::take_parked(
        &state,
        &form.request,
        &active.session,
        &page.browser_binding(),
    )
    .await?
    else {
        return Err(PageError::flow_expired());
    };
    active.session.authentication.auth_time = state.now();
    super::account::carry_out(&state, &page, &active, change, address).await
}
