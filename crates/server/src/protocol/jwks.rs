//! The JSON Web Key Set (RFC 7517 §5): current, next and recently retired keys.

use crate::state::AppState;
use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;

/// `GET /jwks`
pub async fn show(State(state): State<AppState>) -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "application/jwk-set+json"),
            // Short enough that a rotation reaches relying parties well before the promoted
            // key's tokens matter; the next key is published in advance anyway.
            (header::CACHE_CONTROL, "public, max-age=300"),
            (header::ACCESS_CONTROL_ALLOW_ORIGIN, "*"),
        ],
        state.keys.jwks().to_string(),
    )
}
