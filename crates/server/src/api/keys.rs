//! `/api/v1/keys`: signing keys. Instance administrators and applications only.

use crate::api::caller::Caller;
use crate::api::views::KeyView;
use crate::error::ApiError;
use crate::service::keys;
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::ToSchema;

/// List signing keys (never their private parts).
#[utoipa::path(
    get, path = "/api/v1/keys", tag = "keys",
    operation_id = "keys_list",
    responses((status = 200, description = "The keys", body = Vec<KeyView>)),
    security(("gatehouse" = ["keys:read"]))
)]
pub async fn list(State(state): State<AppState>, caller: Caller) -> Result<Response, ApiError> {
    caller.require("keys:read")?;
    caller.require_everywhere("see signing keys")?;
    let stored = keys::list(&state).await?;
    Ok(Json(stored.iter().map(KeyView::of).collect::<Vec<_>>()).into_response())
}

/// The outcome of a rotation for one algorithm.
#[derive(Debug, Serialize, ToSchema)]
pub struct RotationView {
    algorithm: String,
    /// The key that now signs.
    current_kid: String,
    /// The freshly published next key.
    next_kid: String,
    /// The key that stopped signing (published until its tokens expire).
    retired_kid: Option<String>,
}

/// Rotate the signing keys: each algorithm's next key starts signing, the current one is
/// retired (still published), and a new next key is published. Other nodes follow within
/// `keys.reload_interval_seconds`.
#[utoipa::path(
    post, path = "/api/v1/keys/rotate", tag = "keys",
    operation_id = "keys_rotate",
    responses((status = 200, description = "Rotated", body = Vec<RotationView>)),
    security(("gatehouse" = ["keys:write"]))
)]
pub async fn rotate(State(state): State<AppState>, caller: Caller) -> Result<Response, ApiError> {
    caller.require("keys:write")?;
    caller.require_everywhere("rotate signing keys")?;
    let rotations = keys::rotate(&state, &caller.actor).await?;
    Ok(Json(
        rotations
            .into_iter()
            .map(|rotation| RotationView {
                algorithm: rotation.algorithm.as_str().to_owned(),
                current_kid: rotation.current_kid,
                next_kid: rotation.next_kid,
                retired_kid: rotation.retired_kid,
            })
            .collect::<Vec<_>>(),
    )
    .into_response())
}
