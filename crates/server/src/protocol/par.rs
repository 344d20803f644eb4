//! The pushed authorization request endpoint (RFC 9126): a client posts its authorization
//! request, authenticated, and sends the browser to `/authorize` with only the
//! `request_uri` it gets back, so the request is neither readable nor alterable in the
//! browser.

use crate::error::OAuthError;
use crate::http::client_auth::AuthenticatedClient;
use crate::service::authorization::{self, PushRefusal};
use crate::state::AppState;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

/// `POST /par`
pub async fn push(
    State(state): State<AppState>,
    request: AuthenticatedClient,
) -> Result<Response, OAuthError> {
    let AuthenticatedClient {
        client,
        parameters,
        address,
    } = request;
    match authorization::push(&state, &client, parameters.all().clone(), address.0).await {
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
        Err(PushRefusal::Server(error)) => Err(error.into()),
    }
}
