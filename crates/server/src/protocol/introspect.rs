//! Token introspection (RFC 7662).

use crate::error::OAuthError;
use crate::http::client_auth::AuthenticatedClient;
use crate::service::tokens;
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;

/// `POST /introspect`
pub async fn introspect(
    State(state): State<AppState>,
    request: AuthenticatedClient,
) -> Result<impl IntoResponse, OAuthError> {
    let body = tokens::introspect(&state, &request.client, &request.parameters).await?;
    Ok(([(header::CACHE_CONTROL, "no-store")], Json(body)))
}
