//! The pushed authorization request endpoint (RFC 9126): a client posts its authorization
//! request, authenticated, and sends the browser to `/authorize` with only the
//! `request_uri` it gets back, so the request is neither readable nor alterable in the
//! browser.

use crate::error::OAuthError;
use crate::http::client_auth::AuthenticatedClient;
use crate::http::dpop;
use crate::protocol::discovery::paths;
use crate::service::authorization::{self, PushRefusal};
use crate::state::AppState;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

/// `POST /par`
pub async fn push(
    State(state): State<AppState>,
    headers: HeaderMap,
    request: AuthenticatedClient,
) -> Result<Response, OAuthError> {
    let AuthenticatedClient {
        client,
        parameters,
        address,
    } = request;
    let par_url = format!("{}{}", state.issuer, paths::PAR);
    let proof = dpop::verify(&state, &headers, address.0, "POST", &par_url, None)
        .await
        .map_err(OAuthError::dpop_refused)?;
    match authorization::push(&state, &client, parameters.all().clone(), proof, address.0).await {
        Ok((request_uri, expires_in)) => {
            let mut response = (
                StatusCode::CREATED,
                axum::Json(serde_json::json!({
                    "request_uri": request_uri,
                    "expires_in": expires_in,
                })),
            )
                .into_response();
            response
                .headers_mut()
                .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            Ok(response)
        }
        Err(PushRefusal::Invalid(code, description)) => {
            Err(OAuthError::authorization_error(code.as_str(), description))
        }
        Err(PushRefusal::TooMany) => Err(OAuthError::too_many_attempts(60)),
        Err(PushRefusal::DpopKeyMismatch) => Err(OAuthError::invalid_dpop_proof(
            "the DPoP proof is signed with another key than dpop_jkt names",
        )),
        Err(PushRefusal::Server(error)) => Err(error.into()),
    }
}
