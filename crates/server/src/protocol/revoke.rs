//! Token revocation (RFC 7009).

use crate::error::OAuthError;
use crate::http::client_auth::AuthenticatedClient;
use crate::service::tokens;
use crate::state::AppState;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;

/// `POST /revoke`
pub async fn revoke(
    State(state): State<AppState>,
    request: AuthenticatedClient,
) -> Result<impl IntoResponse, OAuthError> {
    tokens::revoke(&state, &request.client, &request.parameters).await?;
    Ok((StatusCode::OK, [(header::CACHE_CONTROL, "no-store")]))
}
