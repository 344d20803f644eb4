//! The client registration endpoint (RFC 7591) and the registration management endpoint
//! (RFC 7592: read, replace and delete), when `dynamic_registration.enabled`.

use crate::error::OAuthError;
use crate::service::client_registration::{self, ClientMetadata, RegistrationRefusal};
use crate::state::AppState;
use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use gatehouse_core::client::{AuthenticationMethod, Client, ClientKeys};
use serde_json::{Value, json};

/// Where clients register.
pub const PATH: &str = "/connect/register";

fn bearer(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| {
            value
                .strip_prefix("Bearer ")
                .or_else(|| value.strip_prefix("bearer "))
        })
        .map(str::trim)
        .filter(|token| !token.is_empty())
}

/// `401 invalid_token` with its challenge (RFC 6750 §3).
fn invalid_token(description: &str) -> Response {
    let mut response = (
        StatusCode::UNAUTHORIZED,
        Json(json!({"error": "invalid_token", "error_description": description})),
    )
        .into_response();
    response.headers_mut().insert(
        header::WWW_AUTHENTICATE,
        HeaderValue::from_static("Bearer error=\"invalid_token\""),
    );
    response
}

fn refused(code: &str, description: &str) -> Response {
    (
        StatusCode::BAD_REQUEST,
        Json(json!({"error": code, "error_description": description})),
    )
        .into_response()
}

fn no_store(mut response: Response) -> Response {
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// The registered metadata of `client`, as RFC 7591 §3.2.1 answers it.
fn metadata(state: &AppState, client: &Client) -> Value {
    let mut answer = json!({
        "client_id": client.id.as_str(),
        "client_id_issued_at": client.created_at.as_secs(),
        "client_name": client.name,
        "redirect_uris": client.redirect_uris,
        "post_logout_redirect_uris": client.post_logout_redirect_uris,
        "grant_types": client.grant_types.iter().map(|grant| grant.as_str()).collect::<Vec<_>>(),
        "response_types": ["code"],
        "scope": client.scopes.to_string(),
        "token_endpoint_auth_method": match client.authentication_method() {
            AuthenticationMethod::Secret => "client_secret_basic",
            AuthenticationMethod::SecretJwt => "client_secret_jwt",
            AuthenticationMethod::PrivateKeyJwt => "private_key_jwt",
            AuthenticationMethod::None => "none",
        },
        "id_token_signed_response_alg": client.id_token_signing_algorithm.as_str(),
        "require_pushed_authorization_requests": client.requires_pushed_requests,
        "registration_client_uri": format!("{}{PATH}/{}", state.issuer, client.id.as_str()),
    });
    match &client.keys {
        Some(ClientKeys::Jwks(text)) => {
            answer["jwks"] = serde_json::from_str(text).unwrap_or(Value::Null);
        }
        Some(ClientKeys::JwksUri(uri)) => answer["jwks_uri"] = json!(uri),
        None => {}
    }
    if let Some(uri) = &client.backchannel_logout_uri {
        answer["backchannel_logout_uri"] = json!(uri);
    }
    if let Some(algorithm) = client.userinfo_signing_algorithm {
        answer["userinfo_signed_response_alg"] = json!(algorithm.as_str());
    }
    answer
}

/// `POST /connect/register`
pub async fn register(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, OAuthError> {
    if !state.config.dynamic_registration.enabled {
        return Ok(crate::router::not_found(axum::http::Uri::from_static(PATH)).await);
    }
    let Some(token) = bearer(&headers) else {
        return Ok(invalid_token(
            "registration needs an initial access token from an administrator",
        ));
    };
    let request = match parse_metadata(&body) {
        Ok(request) => request,
        Err(refusal) => return refusal_response(refusal),
    };
    match client_registration::register(&state, token, request).await {
        Ok(registered) => {
            let mut answer = metadata(&state, &registered.created.client);
            answer["registration_access_token"] = json!(registered.registration_access_token);
            if let Some(secret) = registered.created.secret {
                answer["client_secret"] = json!(secret);
                answer["client_secret_expires_at"] = json!(0);
            }
            Ok(no_store(
                (StatusCode::CREATED, Json(answer)).into_response(),
            ))
        }
        Err(refusal) => refusal_response(refusal),
    }
}

fn refusal_response(refusal: RegistrationRefusal) -> Result<Response, OAuthError> {
    match refusal {
        RegistrationRefusal::InvalidToken => Ok(invalid_token(
            "the initial access token is unknown, expired or already used",
        )),
        RegistrationRefusal::InvalidRedirectUri(message) => {
            Ok(refused("invalid_redirect_uri", &message))
        }
        RegistrationRefusal::InvalidMetadata(message) => {
            Ok(refused("invalid_client_metadata", &message))
        }
        RegistrationRefusal::Server(error) => Err(error.into()),
    }
}

fn parse_metadata(body: &[u8]) -> Result<ClientMetadata, RegistrationRefusal> {
    serde_json::from_slice(body).map_err(|error| {
        RegistrationRefusal::InvalidMetadata(format!("the body is not client metadata: {error}"))
    })
}

async fn managed(
    state: &AppState,
    headers: &HeaderMap,
    client_id: &str,
) -> Result<Result<Client, Response>, OAuthError> {
    if !state.config.dynamic_registration.enabled {
        return Ok(Err(crate::router::not_found(axum::http::Uri::from_static(
            PATH,
        ))
        .await));
    }
    let Some(token) = bearer(headers) else {
        return Ok(Err(invalid_token("send the registration access token")));
    };
    match client_registration::registered_client(state, client_id, token).await? {
        Some(client) => Ok(Ok(client)),
        // RFC 7592 §2.1: an unknown client and a wrong token look the same.
        None => Ok(Err(invalid_token(
            "the registration access token is not valid for this client",
        ))),
    }
}

/// `GET /connect/register/{client_id}`: the client reads its registration.
pub async fn read(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(client_id): Path<String>,
) -> Result<Response, OAuthError> {
    Ok(match managed(&state, &headers, &client_id).await? {
        Ok(client) => no_store(Json(metadata(&state, &client)).into_response()),
        Err(response) => response,
    })
}

/// `PUT /connect/register/{client_id}`: the client replaces its registration (RFC 7592
/// §2.2) and gets it back as it now stands.
pub async fn replace(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(client_id): Path<String>,
    body: Bytes,
) -> Result<Response, OAuthError> {
    let client = match managed(&state, &headers, &client_id).await? {
        Ok(client) => client,
        Err(response) => return Ok(response),
    };
    let request = match parse_metadata(&body) {
        Ok(request) => request,
        Err(refusal) => return refusal_response(refusal),
    };
    match client_registration::replace(&state, &client, request).await {
        Ok(client) => Ok(no_store(Json(metadata(&state, &client)).into_response())),
        Err(refusal) => refusal_response(refusal),
    }
}

/// `DELETE /connect/register/{client_id}`: the client deregisters; its tokens and grants go
/// with it.
pub async fn delete(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(client_id): Path<String>,
) -> Result<Response, OAuthError> {
    let client = match managed(&state, &headers, &client_id).await? {
        Ok(client) => client,
        Err(response) => return Ok(response),
    };
    let actor = crate::service::audit::Actor::named("dynamic-registration");
    crate::service::clients::delete(&state, &actor, &client.id).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}
