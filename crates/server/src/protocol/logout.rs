//! RP-Initiated Logout 1.0 (the `end_session_endpoint`), GET and POST.
//!
//! When the relying party proves its involvement with an `id_token_hint` for the current
//! session, the session ends at once. Otherwise the user confirms on a page first, so a
//! third-party site cannot sign people out with a link.

use crate::error::PageError;
use crate::http::page::PageContext;
use crate::http::session::{ActiveSession, CurrentSession, clear_session_cookie};
use crate::service::logout::{self, CheckedLogout, LogoutParameters};
use crate::state::AppState;
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

fn ui_locales(parameters: &LogoutParameters) -> Vec<String> {
    parameters
        .ui_locales
        .as_deref()
        .unwrap_or_default()
        .split(' ')
        .filter(|tag| !tag.is_empty())
        .map(str::to_owned)
        .collect()
}

async fn finish(
    state: &AppState,
    page: &PageContext,
    session: Option<&ActiveSession>,
    checked: &CheckedLogout,
) -> Result<Response, PageError> {
    if let Some(active) = session {
        crate::service::sessions::end_session(
            state,
            active.session.id.clone(),
            active.user.id.clone(),
            gatehouse_store::sessions::Revocation::OnlineGrants,
        )
        .await?;
        tracing::info!(session = %active.session.id, "session ended by logout");
    }
    let mut response = match &checked.redirect_to {
        Some(url) => Redirect::to(url).into_response(),
        None => page.render(state, "logged_out.html", minijinja::context! {})?,
    };
    if let Ok(value) = HeaderValue::from_str(&clear_session_cookie(state)) {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
    Ok(response)
}

async fn handle_request(
    state: &AppState,
    page: PageContext,
    session: Option<ActiveSession>,
    parameters: LogoutParameters,
) -> Result<Response, PageError> {
    let page = page.with_ui_locales(state, &ui_locales(&parameters));
    let checked = logout::check(state, &parameters).await?;
    let Some(active) = session else {
        return finish(state, &page, None, &checked).await;
    };
    let hint_matches = match (&checked.hinted_session, &checked.hinted_subject) {
        (Some(sid), _) => sid == active.session.id.as_str(),
        (None, Some(subject)) => subject == active.user.id.as_str(),
        (None, None) => false,
    };
    if hint_matches {
        return finish(state, &page, Some(&active), &checked).await;
    }
    page.render(
        state,
        "logout.html",
        minijinja::context! {
            post_logout_redirect_uri => parameters.post_logout_redirect_uri,
            client_id => checked.client_id,
            state => parameters.state,
        },
    )
}

/// `GET /logout`
pub async fn get(
    State(state): State<AppState>,
    page: PageContext,
    CurrentSession(session): CurrentSession,
    Query(parameters): Query<LogoutParameters>,
) -> Result<Response, PageError> {
    handle_request(&state, page, session, parameters).await
}

/// The confirmation form's fields, beside the protocol parameters.
#[derive(Debug, Deserialize)]
struct Confirmation {
    decision: Option<String>,
    #[serde(default)]
    csrf_token: String,
}

/// `POST /logout`: either a relying party's form post, or our confirmation form.
pub async fn post(
    State(state): State<AppState>,
    page: PageContext,
    CurrentSession(session): CurrentSession,
    body: Bytes,
) -> Result<Response, PageError> {
    let parameters: LogoutParameters = serde_urlencoded::from_bytes(&body)
        .map_err(|_| PageError::bad_request("error-bad-request"))?;
    let confirmation: Confirmation = serde_urlencoded::from_bytes(&body)
        .map_err(|_| PageError::bad_request("error-bad-request"))?;
    let Some(decision) = confirmation.decision else {
        return handle_request(&state, page, session, parameters).await;
    };
    if !page.is_valid_csrf(&state, &confirmation.csrf_token) {
        return Err(PageError::csrf());
    }
    if decision != "logout" {
        return Ok(Redirect::to("/").into_response());
    }
    // Only the redirect target is re-checked; the user confirmed, so no hint is needed.
    let checked = logout::check(
        &state,
        &LogoutParameters {
            id_token_hint: None,
            ..parameters
        },
    )
    .await?;
    finish(&state, &page, session.as_ref(), &checked).await
}
