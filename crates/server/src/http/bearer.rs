//! Access tokens presented to our resources (UserInfo, the management API): where the
//! token is read from (RFC 6750 §2.1–2.2, RFC 9449 §7.1) and the DPoP binding check.

use crate::error::BearerError;
use crate::http::dpop;
use crate::service::tokens;
use crate::state::AppState;
use axum::http::{HeaderMap, header};
use gatehouse_core::claims::AccessTokenClaims;
use gatehouse_core::dpop::DpopRejection;
use std::net::IpAddr;

/// How the token was presented.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scheme {
    /// `Authorization: Bearer`, or the form body.
    Bearer,
    /// `Authorization: DPoP`.
    Dpop,
}

/// The token from the `Authorization` header, or (when `body` is given, for POST) from
/// an `access_token` form field; never from both.
pub fn presented_token(
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

/// Where a request arrived, for the DPoP proof's `htm` and `htu`.
#[derive(Debug, Clone, Copy)]
pub struct Target<'a> {
    /// The HTTP method.
    pub method: &'a str,
    /// The request URL without query (`htu`).
    pub url: &'a str,
    /// The caller's address (DPoP proof records are limited per address).
    pub address: IpAddr,
}

/// Validates a presented token: signature, issuer, expiry, revocation, and, for a
/// DPoP-bound token, a proof from its key made for this request (RFC 9449 §7).
pub async fn authenticate(
    state: &AppState,
    headers: &HeaderMap,
    target: Target<'_>,
    presented: (Scheme, String),
) -> Result<AccessTokenClaims, BearerError> {
    let (claims, ()) =
        authenticate_reading(state, headers, target, presented, |_, _| Ok(())).await?;
    Ok(claims)
}

/// [`authenticate`], and `read` in the database visit that checks revocation (see
/// `tokens::validate_access_token_reading`).
pub async fn authenticate_reading<T, F>(
    state: &AppState,
    headers: &HeaderMap,
    target: Target<'_>,
    (scheme, token): (Scheme, String),
    read: F,
) -> Result<(AccessTokenClaims, T), BearerError>
where
    F: FnOnce(
            &mut gatehouse_store::DbConn,
            &AccessTokenClaims,
        ) -> Result<T, gatehouse_store::StoreError>
        + Send
        + 'static,
    T: Send + 'static,
{
    let (claims, extra) = tokens::validate_access_token_reading(state, &token, read).await?;
    match (&claims.cnf, scheme) {
        (Some(confirmation), Scheme::Dpop) => {
            let proof = dpop::verify(
                state,
                headers,
                target.address,
                target.method,
                target.url,
                Some(&token),
            )
            .await
            .map_err(|rejection| match rejection {
                DpopRejection::NonceRequired => BearerError::UseDpopNonce,
                _ => BearerError::InvalidDpopProof("the DPoP proof is missing or invalid"),
            })?
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
    Ok((claims, extra))
}
