//! The UserInfo endpoint (OIDC Core §5.3), GET and POST.

use crate::error::BearerError;
use crate::service::tokens;
use crate::state::AppState;
use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, header};
use axum::response::IntoResponse;
use gatehouse_core::UserId;
use gatehouse_core::claims::user_claims;
use gatehouse_core::scope::{self, Scope};
use gatehouse_store::users;

/// The bearer token from the header, or (POST only) the form body (RFC 6750 §2.1–2.2).
fn bearer_token(headers: &HeaderMap, body: Option<&[u8]>) -> Result<String, BearerError> {
    let from_header = headers
        .get(header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| {
            value
                .strip_prefix("Bearer ")
                .or_else(|| value.strip_prefix("bearer "))
        })
        .map(|token| token.trim().to_owned());
    let is_form = headers
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.starts_with("application/x-www-form-urlencoded"));
    let from_body = body.filter(|_| is_form).and_then(|body| {
        url::form_urlencoded::parse(body)
            .find(|(name, _)| name == "access_token")
            .map(|(_, value)| value.into_owned())
    });
    match (from_header, from_body) {
        (Some(_), Some(_)) => Err(BearerError::InvalidRequest(
            "send the token in one place only",
        )),
        (Some(token), None) | (None, Some(token)) if !token.is_empty() => Ok(token),
        _ => Err(BearerError::Missing),
    }
}

async fn respond(
    state: &AppState,
    token: String,
) -> Result<impl IntoResponse + use<>, BearerError> {
    let claims = tokens::validate_access_token(state, &token).await?;
    let granted = Scope::parse(&claims.scope).unwrap_or_default();
    if !granted.contains(scope::OPENID) {
        return Err(BearerError::InsufficientScope(scope::OPENID));
    }
    let user_id = UserId::new(claims.sub.clone());
    let user = state
        .store
        .read(move |connection| users::find(connection, &user_id))
        .await?
        .filter(gatehouse_core::user::User::is_active)
        .ok_or(BearerError::InvalidToken("the account is no longer active"))?;
    let mut body = user_claims(&user, &granted);
    body.insert("sub".into(), user.id.as_str().into());
    Ok(([(header::CACHE_CONTROL, "no-store")], Json(body)))
}

/// `GET /userinfo`
pub async fn get(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<impl IntoResponse, BearerError> {
    let token = bearer_token(&headers, None)?;
    respond(&state, token).await
}

/// `POST /userinfo`
pub async fn post(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<impl IntoResponse, BearerError> {
    let token = bearer_token(&headers, Some(&body))?;
    respond(&state, token).await
}
