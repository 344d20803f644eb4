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
) -> Result<axum::response::Response, BearerError> {
    let url = format!("{}{}", state.issuer, paths::USERINFO);
    let target = bearer::Target {
        method,
        url: &url,
        address,
    };
    // The account (and the studio member's sign-in name, when the profile is granted) is
    // read in the same database visit as the revocation check.
    let (claims, (granted, user, membership)) =
        bearer::authenticate_reading(state, headers, target, presented, |connection, claims| {
            let granted = Scope::parse(&claims.scope).unwrap_or_default();
            if !granted.contains(scope::OPENID) {
                return Ok((granted, None, None));
            }
            let user_id = UserId::new(claims.sub.clone());
            let user = users::find(connection, &user_id)?;
            let studio_id = claims
                .studio
                .get("studio_id")
                .and_then(serde_json::Value::as_str)
                .filter(|_| granted.contains(scope::PROFILE))
                .map(|id| gatehouse_core::StudioId::new(id.to_owned()));
            let membership = match &studio_id {
                Some(studio_id) => {
                    gatehouse_store::studios::find_membership(connection, studio_id, &user_id)?
                }
                None => None,
            };
            Ok((granted, user, membership))
        })
        .await?;
    if !granted.contains(scope::OPENID) {
        return Err(BearerError::InsufficientScope(scope::OPENID));
    }
    let user = user
        .filter(gatehouse_core::user::User::is_active)
        .ok_or(BearerError::InvalidToken("the account is no longer active"))?;
    let mut body = user_claims(&user, &granted);
    body.insert("sub".into(), user.id.as_str().into());
    if let Some(membership) = &membership {
        gatehouse_core::claims::apply_studio_username(&mut body, &granted, membership);
    }
    // The studio of the sign-in, as the token carries it.
    body.extend(claims.studio);
    // A client registered for signed answers gets a JWT (OIDC Core §5.3.2): issuer and
    // audience added, signed with the algorithm it asked for.
    let client_id = gatehouse_core::ClientId::new(claims.client_id.clone());
    let (client, _) = crate::service::clients::get_cached(state, &client_id)
        .await
        .map_err(|error| BearerError::Internal(error.into()))?;
    if let Some(algorithm) = client.and_then(|client| client.userinfo_signing_algorithm) {
        body.insert("iss".into(), state.issuer.clone().into());
        body.insert("aud".into(), claims.client_id.clone().into());
        let signed = state
            .keys
            .sign(algorithm, "JWT", &body)
            .map_err(|error| BearerError::Internal(error.into()))?;
        return Ok((
            [
                (header::CACHE_CONTROL, "no-store"),
                (header::CONTENT_TYPE, "application/jwt"),
            ],
            signed,
        )
            .into_response());
    }
    Ok(([(header::CACHE_CONTROL, "no-store")], Json(body)).into_response())
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
