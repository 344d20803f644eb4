//! The UserInfo endpoint (OIDC Core §5.3), GET and POST, for bearer and DPoP-bound tokens.

use crate::error::BearerError;
use crate::http::{ClientAddress, bearer};
use crate::protocol::discovery::paths;
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

async fn respond(
    state: &AppState,
    headers: &HeaderMap,
    address: std::net::IpAddr,
    method: &str,
    presented: (bearer::Scheme, String),
) -> Result<impl IntoResponse + use<>, BearerError> {
    let url = format!("{}{}", state.issuer, paths::USERINFO);
    let target = bearer::Target {
        method,
        url: &url,
        address,
    };
    let claims = bearer::authenticate(state, headers, target, presented).await?;
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
    // The studio of the sign-in, as the token carries it.
    body.extend(claims.studio);
    Ok(([(header::CACHE_CONTROL, "no-store")], Json(body)))
}

/// `GET /userinfo`
pub async fn get(
    State(state): State<AppState>,
    ClientAddress(address): ClientAddress,
    headers: HeaderMap,
) -> Result<impl IntoResponse, BearerError> {
    let token = bearer::presented_token(&headers, None)?;
    respond(&state, &headers, address, "GET", token).await
}

/// `POST /userinfo`
pub async fn post(
    State(state): State<AppState>,
    ClientAddress(address): ClientAddress,
    headers: HeaderMap,
    body: Bytes,
) -> Result<impl IntoResponse, BearerError> {
    let token = bearer::presented_token(&headers, Some(&body))?;
    respond(&state, &headers, address, "POST", token).await
}
