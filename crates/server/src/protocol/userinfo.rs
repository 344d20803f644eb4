//! The UserInfo endpoint (OIDC Core §5.3), GET and POST, for bearer and DPoP-bound tokens.

use crate::error::BearerError;
use crate::http::{ClientAddress, dpop};
use crate::protocol::discovery::paths;
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

/// How the token was presented.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Scheme {
    Bearer,
    Dpop,
}

/// The token from the header, or (POST only) the form body (RFC 6750 §2.1–2.2, RFC 9449 §7.1).
fn presented_token(
    headers: &HeaderMap,
    body: Option<&[u8]>,
) -> Result<(Scheme, String), BearerError> {
    let from_header = headers
        .get(header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| {
            let (scheme, token) = value.split_once(' ')?;
            let scheme = if scheme.eq_ignore_ascii_case("bearer") {
                Scheme::Bearer
            } else if scheme.eq_ignore_ascii_case("dpop") {
                Scheme::Dpop
            } else {
                return None;
            };
            Some((scheme, token.trim().to_owned()))
        });
    let is_form = headers
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.starts_with("application/x-www-form-urlencoded"));
    let from_body = body.filter(|_| is_form).and_then(|body| {
        url::form_urlencoded::parse(body)
            .find(|(name, _)| name == "access_token")
            .map(|(_, value)| (Scheme::Bearer, value.into_owned()))
    });
    match (from_header, from_body) {
        (Some(_), Some(_)) => Err(BearerError::InvalidRequest(
            "send the token in one place only",
        )),
        (Some(token), None) | (None, Some(token)) if !token.1.is_empty() => Ok(token),
        _ => Err(BearerError::Missing),
    }
}

async fn respond(
    state: &AppState,
    headers: &HeaderMap,
    address: std::net::IpAddr,
    method: &str,
    (scheme, token): (Scheme, String),
) -> Result<impl IntoResponse + use<>, BearerError> {
    let claims = tokens::validate_access_token(state, &token).await?;
    // A DPoP-bound token is only good with a proof from its key (RFC 9449 §7).
    match (&claims.cnf, scheme) {
        (Some(confirmation), Scheme::Dpop) => {
            let url = format!("{}{}", state.issuer, paths::USERINFO);
            let proof = dpop::verify(state, headers, address, method, &url, Some(&token))
                .await
                .map_err(|_| BearerError::InvalidDpopProof("the DPoP proof is missing or invalid"))?
                .ok_or(BearerError::InvalidDpopProof("a DPoP proof is required"))?;
            if proof.jkt != confirmation.jkt {
                return Err(BearerError::InvalidDpopProof(
                    "the DPoP proof key does not match the token",
                ));
            }
        }
        (Some(_), Scheme::Bearer) => {
            return Err(BearerError::InvalidToken(
                "the access token is DPoP-bound; present it with the DPoP scheme",
            ));
        }
        (None, Scheme::Dpop) => {
            return Err(BearerError::InvalidToken(
                "the access token is not DPoP-bound",
            ));
        }
        (None, Scheme::Bearer) => {}
    }
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
    let token = presented_token(&headers, None)?;
    respond(&state, &headers, address, "GET", token).await
}

/// `POST /userinfo`
pub async fn post(
    State(state): State<AppState>,
    ClientAddress(address): ClientAddress,
    headers: HeaderMap,
    body: Bytes,
) -> Result<impl IntoResponse, BearerError> {
    let token = presented_token(&headers, Some(&body))?;
    respond(&state, &headers, address, "POST", token).await
}
