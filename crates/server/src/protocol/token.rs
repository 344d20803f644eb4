//! The token endpoint (RFC 6749 §3.2).

use crate::error::OAuthError;
use crate::http::client_auth::AuthenticatedClient;
use crate::http::dpop;
use crate::observability::LoggedClient;
use crate::protocol::discovery::paths;
use crate::service::tokens;
use crate::state::AppState;
use axum::Extension;
use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Response};

/// `POST /token`
pub async fn issue(
    State(state): State<AppState>,
    headers: HeaderMap,
    request: AuthenticatedClient,
) -> Result<Response, OAuthError> {
    let AuthenticatedClient {
        client,
        parameters,
        address,
    } = request;
    let token_url = format!("{}{}", state.issuer, paths::TOKEN);
    let proof = dpop::verify(&state, &headers, address.0, "POST", &token_url, None)
        .await
        .map_err(OAuthError::dpop_refused)?;
    // FAPI 2.0 §5.3.2.2: only sender-constrained tokens.
    if client.is_fapi {
        match &proof {
            None => {
                return Err(OAuthError::invalid_dpop_proof(
                    "FAPI 2.0: this client's tokens are DPoP-bound; send a DPoP proof",
                ));
            }
            Some(proof) if !proof.is_fapi_approved() => {
                return Err(OAuthError::invalid_dpop_proof(
                    "FAPI 2.0: sign DPoP proofs with PS256, ES256 or EdDSA, not RS256",
                ));
            }
            Some(_) => {}
        }
    }
    let logged_client = LoggedClient(client.id.as_str().to_owned());
    let (grant, response) = match parameters.require("grant_type")? {
        "authorization_code" => (
            "authorization_code",
            tokens::exchange_code(&state, client, &parameters, proof).await?,
        ),
        "refresh_token" => (
            "refresh_token",
            tokens::refresh(&state, client, &parameters, proof).await?,
        ),
        "client_credentials" => (
            "client_credentials",
            tokens::client_credentials(&state, &client, &parameters, proof.as_ref())?,
        ),
        _ => return Err(OAuthError::unsupported_grant_type()),
    };
    crate::observability::token_issued(grant);
    // RFC 6749 §5.1: token responses must not be cached.
    Ok((
        Extension(logged_client),
        [
            (header::CACHE_CONTROL, "no-store"),
            (header::PRAGMA, "no-cache"),
        ],
        Json(response),
    )
        .into_response())
}
