//! The token endpoint (RFC 6749 §3.2).

use crate::error::OAuthError;
use crate::http::client_auth::AuthenticatedClient;
use crate::service::tokens;
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};

/// `POST /token`
pub async fn issue(
    State(state): State<AppState>,
    request: AuthenticatedClient,
) -> Result<Response, OAuthError> {
    let AuthenticatedClient {
        client, parameters, ..
    } = request;
    let response = match parameters.require("grant_type")? {
        "authorization_code" => tokens::exchange_code(&state, client, &parameters).await?,
        "refresh_token" => tokens::refresh(&state, client, &parameters).await?,
        "client_credentials" => tokens::client_credentials(&state, &client, &parameters)?,
        _ => return Err(OAuthError::unsupported_grant_type()),
    };
    // RFC 6749 §5.1: token responses must not be cached.
    Ok((
        [
            (header::CACHE_CONTROL, "no-store"),
            (header::PRAGMA, "no-cache"),
        ],
        Json(response),
    )
        .into_response())
}
