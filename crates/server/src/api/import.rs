//! `POST /api/v1/users:import`: user import for migrations.

use crate::api::caller::Caller;
use crate::error::ApiError;
use crate::service::import::{self, ImportRefusal, Report};
use crate::state::AppState;
use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::response::{IntoResponse, Response};

/// Import accounts from another system, one JSON object per line, with their existing
/// password hashes (argon2id, argon2i, bcrypt, scrypt, PBKDF2-SHA256 in their usual string
/// forms). A legacy hash is verified at the user's next sign-in and replaced by argon2id.
/// Each line is imported on its own: a bad line is reported by number and nothing of it is
/// stored. Instance administrators and applications only; at most 10,000 lines per request.
///
/// A line: `{"email": "ana@example.com", "email_verified": true, "name": "Ana",
/// "password_hash": "$2b$12$...", "memberships": [{"studio": "acme", "role": "member",
/// "username": "ana"}]}`; instead of `password_hash`, `"send_activation": true` mails an
/// activation link.
#[utoipa::path(
    post, path = "/api/v1/users:import", tag = "users",
    operation_id = "users_import",
    request_body(content = String, content_type = "application/x-ndjson", description = "One account per line"),
    responses((status = 200, description = "What was imported and which lines were refused", body = Report)),
    security(("gatehouse" = ["users:write"]))
)]
pub async fn import(
    State(state): State<AppState>,
    caller: Caller,
    body: Bytes,
) -> Result<Response, ApiError> {
    caller.require("users:write")?;
    caller.require_everywhere("import users")?;
    let text = std::str::from_utf8(&body).map_err(|_| {
        ApiError::malformed("the import must be UTF-8 text, one JSON object per line")
    })?;
    match import::import(&state, &caller.actor, text).await {
        Ok(report) => Ok(Json(report).into_response()),
        Err(refusal @ ImportRefusal::TooManyLines) => Err(ApiError::too_large(refusal.to_string())),
        Err(ImportRefusal::Server(error)) => Err(error.into()),
    }
}
