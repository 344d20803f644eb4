//! The authorization endpoint, GET and POST (OIDC Core §3.1.2.1).

use crate::error::PageError;
use crate::http::ClientAddress;
use crate::http::session::CurrentSession;
use crate::service::authorization::{self, Outcome};
use crate::state::AppState;
use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::response::{IntoResponse, Redirect, Response};
use gatehouse_core::authorize::RawAuthorizationRequest;

fn respond(outcome: Outcome) -> Response {
    match outcome {
        Outcome::ToClient(url) | Outcome::ToPage(url) => Redirect::to(&url).into_response(),
    }
}

fn parse(text: &[u8]) -> RawAuthorizationRequest {
    RawAuthorizationRequest::from_pairs(url::form_urlencoded::parse(text).into_owned())
}

/// `GET /authorize`
pub async fn get(
    State(state): State<AppState>,
    CurrentSession(session): CurrentSession,
    ClientAddress(address): ClientAddress,
    RawQuery(query): RawQuery,
) -> Result<Response, PageError> {
    let raw = parse(query.unwrap_or_default().as_bytes());
    Ok(respond(
        authorization::begin(&state, raw, session.as_ref(), address).await?,
    ))
}

/// `POST /authorize` (form-encoded parameters).
pub async fn post(
    State(state): State<AppState>,
    CurrentSession(session): CurrentSession,
    ClientAddress(address): ClientAddress,
    body: Bytes,
) -> Result<Response, PageError> {
    let raw = parse(&body);
    Ok(respond(
        authorization::begin(&state, raw, session.as_ref(), address).await?,
    ))
}
