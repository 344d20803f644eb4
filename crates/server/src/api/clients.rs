//! `/api/v1/clients`: registered applications. Instance administrators and applications
//! only.

use crate::api::caller::Caller;
use crate::api::conventions::{
    ApiJson, IdempotencyKey, IfMatch, fingerprint, no_content, once, parse_json, present, with_etag,
};
use crate::api::views::ClientView;
use crate::error::ApiError;
use crate::service::clients::{self, ClientChange, CreateClientError, NewClient};
use crate::state::AppState;
use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use gatehouse_core::ClientId;
use gatehouse_core::client::{Client, ClientKeys, GrantType};
use gatehouse_core::keys::SigningAlgorithm;
use gatehouse_core::scope::Scope;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

fn client_refusal(error: CreateClientError) -> ApiError {
    match error {
        CreateClientError::Invalid(invalid) => {
            use gatehouse_core::client::ClientRegistrationError as Rule;
            let field = match &invalid {
                Rule::InvalidName => "/name".to_owned(),
                Rule::NoGrantTypes | Rule::UnknownGrantType(_) => "/grant_types".to_owned(),
                Rule::PublicClientCredentials => "/public".to_owned(),
                Rule::MissingRedirectUri | Rule::InvalidRedirectUri { .. } => {
                    "/redirect_uris".to_owned()
                }
                Rule::InvalidKeys(_) => "/jwks".to_owned(),
                Rule::FapiRule(_) => "/fapi".to_owned(),
                Rule::FapiSigningAlgorithm(metadata) => format!("/{metadata}"),
                _ => "/".to_owned(),
            };
            ApiError::invalid_field(field, invalid.to_string())
        }
        CreateClientError::UnknownStudio(slug) => {
            ApiError::invalid_field("/studios", format!("no studio with slug {slug:?}"))
        }
        CreateClientError::Stale => ApiError::stale(),
        CreateClientError::NotFound => ApiError::not_found("no such client"),
        CreateClientError::Store(error) => error.into(),
        CreateClientError::Encryption(error) => error.into(),
    }
}

fn grant_types(names: &[String]) -> Result<Vec<GrantType>, ApiError> {
    names
        .iter()
        .map(|name| {
            name.parse::<GrantType>().map_err(|_| {
                ApiError::invalid_field(
                    "/grant_types",
                    format!(
                        "unknown grant type {name:?}; use authorization_code, refresh_token or client_credentials"
                    ),
                )
            })
        })
        .collect()
}

fn scopes(text: &str) -> Result<Scope, ApiError> {
    Scope::parse(text).map_err(|error| ApiError::invalid_field("/scopes", error.to_string()))
}

fn keys(
    jwks: Option<serde_json::Value>,
    jwks_uri: Option<String>,
) -> Result<Option<ClientKeys>, ApiError> {
    match (jwks, jwks_uri) {
        (Some(_), Some(_)) => Err(ApiError::invalid_field(
            "/jwks_uri",
            "give jwks or jwks_uri, not both",
        )),
        (Some(jwks), None) => Ok(Some(ClientKeys::Jwks(jwks.to_string()))),
        (None, Some(uri)) => Ok(Some(ClientKeys::JwksUri(uri))),
        (None, None) => Ok(None),
    }
}

fn algorithm(state: &AppState, name: &str) -> Result<SigningAlgorithm, ApiError> {
    enabled_algorithm(state, name, "/id_token_signed_response_alg")
}

fn userinfo_algorithm(state: &AppState, name: &str) -> Result<SigningAlgorithm, ApiError> {
    enabled_algorithm(state, name, "/userinfo_signed_response_alg")
}

fn enabled_algorithm(
    state: &AppState,
    name: &str,
    field: &str,
) -> Result<SigningAlgorithm, ApiError> {
    let algorithm: SigningAlgorithm = name
        .parse()
        .map_err(|_| ApiError::invalid_field(field, "unknown algorithm"))?;
    let enabled = state
        .config
        .signing_algorithms()
        .map_err(|error| crate::error::ServerError::Configuration(error.to_string()))?;
    if !enabled.contains(&algorithm) {
        return Err(ApiError::invalid_field(
            field,
            format!("{algorithm} is not enabled in keys.algorithms"),
        ));
    }
    Ok(algorithm)
}

async fn view(state: &AppState, client: &Client) -> Result<ClientView, ApiError> {
    Ok(ClientView::of(
        client,
        clients::studio_slugs(state, client).await?,
    ))
}

/// List registered applications, oldest first.
#[utoipa::path(
    get, path = "/api/v1/clients", tag = "clients",
    operation_id = "clients_list",
    responses((status = 200, description = "The clients", body = Vec<ClientView>)),
    security(("gatehouse" = ["clients:read"]))
)]
pub async fn list(State(state): State<AppState>, caller: Caller) -> Result<Response, ApiError> {
    caller.require("clients:read")?;
    caller.require_everywhere("see registered applications")?;
    let mut views = Vec::new();
    for client in clients::list(&state).await? {
        views.push(view(&state, &client).await?);
    }
    Ok(Json(views).into_response())
}

/// `POST /api/v1/clients`: every option of `gatehouse clients create`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateClient {
    /// Shown on the consent page.
    name: String,
    /// Exact redirect URIs.
    #[serde(default)]
    redirect_uris: Vec<String>,
    /// Where RP-Initiated Logout may send the browser afterwards.
    #[serde(default)]
    post_logout_redirect_uris: Vec<String>,
    /// A public client (no secret; PKCE required): mobile and single-page apps.
    #[serde(default)]
    public: bool,
    /// First-party clients skip the consent page.
    #[serde(default)]
    first_party: bool,
    /// Default `["authorization_code", "refresh_token"]`.
    #[serde(default = "default_grant_types")]
    grant_types: Vec<String>,
    /// Space-separated scopes it may ask for. Default `openid profile email offline_access`.
    #[serde(default = "default_scopes")]
    scopes: String,
    /// Audiences of its access tokens (default: its own id).
    #[serde(default)]
    audiences: Vec<String>,
    /// The `alg` of its ID tokens (default `tokens.id_token_signing_alg`; for a FAPI client,
    /// which may not use `RS256`, that default or else the first of `ES256`, `PS256`,
    /// `EdDSA` enabled).
    id_token_signed_response_alg: Option<String>,
    /// Studios (slugs) it is limited to; empty means any.
    #[serde(default)]
    studios: Vec<String>,
    /// Every sign-in must choose a studio.
    #[serde(default)]
    require_studio: bool,
    /// OpenID Connect Back-Channel Logout URI.
    backchannel_logout_uri: Option<String>,
    /// Its sign-in page offers registration even when the instance does not.
    #[serde(default)]
    allows_registration: bool,
    /// A JWK Set of the public keys it authenticates with (`private_key_jwt`); it then
    /// gets no secret.
    jwks: Option<serde_json::Value>,
    /// Or the URL where it publishes that JWK Set.
    jwks_uri: Option<String>,
    /// Its authorization requests must be pushed to `/par` first (RFC 9126).
    #[serde(default)]
    require_pushed_authorization_requests: bool,
    /// Hold it to the FAPI 2.0 Security Profile: pushed requests with PKCE,
    /// `private_key_jwt` (give `jwks` or `jwks_uri`), DPoP-bound tokens that are not
    /// rotated, short-lived codes, no `RS256`.
    #[serde(default)]
    fapi: bool,
    /// Sign its UserInfo answers with this `alg` (`RS256`, `PS256`, `ES256`, `EdDSA`, as enabled); default plain
    /// JSON.
    userinfo_signed_response_alg: Option<String>,
    /// Authenticate with `client_secret_jwt` (a JWT MACed with the secret) instead of
    /// sending the secret.
    #[serde(default)]
    client_secret_jwt: bool,
}

fn default_grant_types() -> Vec<String> {
    vec!["authorization_code".to_owned(), "refresh_token".to_owned()]
}

fn default_scopes() -> String {
    "openid profile email offline_access".to_owned()
}

/// A new client with its secret, shown this once.
#[derive(Debug, Serialize, ToSchema)]
pub struct CreatedClientView {
    #[serde(flatten)]
    client: ClientView,
    /// The secret of a confidential client. Store it now: only its digest is kept.
    #[serde(skip_serializing_if = "Option::is_none")]
    client_secret: Option<String>,
}

/// Register an application. The answer holds its secret, which is never shown again.
#[utoipa::path(
    post, path = "/api/v1/clients", tag = "clients",
    operation_id = "clients_create",
    request_body = CreateClient,
    params(("Idempotency-Key" = Option<String>, Header, description = "Makes a retried request create once")),
    responses((status = 201, description = "Registered", body = CreatedClientView)),
    security(("gatehouse" = ["clients:write"]))
)]
pub async fn create(
    State(state): State<AppState>,
    caller: Caller,
    key: IdempotencyKey,
    body: Bytes,
) -> Result<Response, ApiError> {
    caller.require("clients:write")?;
    caller.require_everywhere("register applications")?;
    let request: CreateClient = parse_json(&body)?;
    let id_token_signing_algorithm = match &request.id_token_signed_response_alg {
        Some(name) => algorithm(&state, name)?,
        None => state
            .config
            .default_id_token_algorithm(request.fapi)
            .map_err(|error| crate::error::ServerError::Configuration(error.to_string()))?,
    };
    let new_client = NewClient {
        name: request.name,
        redirect_uris: request.redirect_uris,
        post_logout_redirect_uris: request.post_logout_redirect_uris,
        is_public: request.public,
        is_first_party: request.first_party,
        grant_types: grant_types(&request.grant_types)?,
        scopes: scopes(&request.scopes)?,
        audiences: request.audiences,
        id_token_signing_algorithm,
        allowed_studio_slugs: request.studios,
        require_studio: request.require_studio,
        backchannel_logout_uri: request.backchannel_logout_uri,
        allows_registration: request.allows_registration,
        keys: keys(request.jwks, request.jwks_uri)?,
        requires_pushed_requests: request.require_pushed_authorization_requests,
        is_fapi: request.fapi,
        uses_secret_jwt: request.client_secret_jwt,
        userinfo_signing_algorithm: request
            .userinfo_signed_response_alg
            .as_deref()
            .map(|name| userinfo_algorithm(&state, name))
            .transpose()?,
    };
    let request_bytes = fingerprint("POST", "/api/v1/clients", &body);
    once(&state, &caller, key, &request_bytes, || async {
        let created = clients::create_client(&state, &caller.actor, new_client)
            .await
            .map_err(client_refusal)?;
        let answer = CreatedClientView {
            client: view(&state, &created.client).await?,
            client_secret: created.secret,
        };
        Ok((
            StatusCode::CREATED,
            serde_json::to_value(answer).unwrap_or_default(),
        ))
    })
    .await
}

async fn find(state: &AppState, id: &str) -> Result<Client, ApiError> {
    clients::get(state, &ClientId::new(id.to_owned()))
        .await?
        .ok_or_else(|| ApiError::not_found(format!("no client {id:?}")))
}

/// Read a registered application.
#[utoipa::path(
    get, path = "/api/v1/clients/{client_id}", tag = "clients",
    operation_id = "clients_get",
    params(("client_id" = String, Path, description = "The client id")),
    responses((status = 200, description = "The client; `ETag` carries its version", body = ClientView)),
    security(("gatehouse" = ["clients:read"]))
)]
pub async fn get(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    caller.require("clients:read")?;
    caller.require_everywhere("see registered applications")?;
    let client = find(&state, &id).await?;
    Ok(with_etag(
        &clients::version(&client),
        view(&state, &client).await?,
    ))
}

/// `PATCH /api/v1/clients/{client_id}`: fields left out stay as they are.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateClient {
    name: Option<String>,
    redirect_uris: Option<Vec<String>>,
    post_logout_redirect_uris: Option<Vec<String>>,
    first_party: Option<bool>,
    grant_types: Option<Vec<String>>,
    /// Space-separated.
    scopes: Option<String>,
    audiences: Option<Vec<String>>,
    id_token_signed_response_alg: Option<String>,
    /// Studio slugs; empty means any.
    studios: Option<Vec<String>>,
    require_studio: Option<bool>,
    /// `null` removes it.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    backchannel_logout_uri: Option<Option<String>>,
    allows_registration: Option<bool>,
    /// New public keys (JWK Set) for a client that authenticates with keys; replaces its
    /// `jwks` or `jwks_uri`. A client registered with a secret keeps authenticating with it.
    jwks: Option<serde_json::Value>,
    /// Or the URL where it now publishes them.
    jwks_uri: Option<String>,
    require_pushed_authorization_requests: Option<bool>,
    /// FAPI 2.0 Security Profile (needs keys and ID tokens not signed with `RS256`; turns
    /// pushed requests on).
    fapi: Option<bool>,
    /// `null`: plain JSON UserInfo again.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    userinfo_signed_response_alg: Option<Option<String>>,
}

/// Change a registered application (redirect URIs, scopes, grant types, first-party, ...).
///
/// Send the `ETag` you read as `If-Match`: when the client changed meanwhile, the answer is
/// `412` and nothing changes.
#[utoipa::path(
    patch, path = "/api/v1/clients/{client_id}", tag = "clients",
    operation_id = "clients_update",
    request_body = UpdateClient,
    params(
        ("client_id" = String, Path, description = "The client id"),
        ("If-Match" = Option<String>, Header, description = "The ETag the change is based on"),
    ),
    responses((status = 200, description = "The updated client", body = ClientView)),
    security(("gatehouse" = ["clients:write"]))
)]
pub async fn update(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    IfMatch(expected): IfMatch,
    ApiJson(request): ApiJson<UpdateClient>,
) -> Result<Response, ApiError> {
    caller.require("clients:write")?;
    caller.require_everywhere("change registered applications")?;
    let change = ClientChange {
        name: request.name,
        redirect_uris: request.redirect_uris,
        post_logout_redirect_uris: request.post_logout_redirect_uris,
        grant_types: request
            .grant_types
            .as_deref()
            .map(grant_types)
            .transpose()?,
        scopes: request.scopes.as_deref().map(scopes).transpose()?,
        is_first_party: request.first_party,
        audiences: request.audiences,
        id_token_signing_algorithm: request
            .id_token_signed_response_alg
            .as_deref()
            .map(|name| algorithm(&state, name))
            .transpose()?,
        allowed_studio_slugs: request.studios,
        require_studio: request.require_studio,
        backchannel_logout_uri: request.backchannel_logout_uri,
        allows_registration: request.allows_registration,
        keys: keys(request.jwks, request.jwks_uri)?,
        requires_pushed_requests: request.require_pushed_authorization_requests,
        is_fapi: request.fapi,
        userinfo_signing_algorithm: match &request.userinfo_signed_response_alg {
            Some(Some(name)) => Some(Some(userinfo_algorithm(&state, name)?)),
            Some(None) => Some(None),
            None => None,
        },
    };
    let client = clients::update(&state, &caller.actor, &ClientId::new(id), change, expected)
        .await
        .map_err(client_refusal)?;
    Ok(with_etag(
        &clients::version(&client),
        view(&state, &client).await?,
    ))
}

/// A client's new secret.
#[derive(Debug, Serialize, ToSchema)]
pub struct RotatedSecret {
    client_id: String,
    /// Store it now: only its digest is kept. The old secret no longer works.
    client_secret: String,
}

/// Give a confidential client a new secret; the old one stops working at once.
#[utoipa::path(
    post, path = "/api/v1/clients/{client_id}/secret", tag = "clients",
    operation_id = "clients_rotate_secret",
    params(("client_id" = String, Path, description = "The client id")),
    responses((status = 200, description = "The new secret", body = RotatedSecret)),
    security(("gatehouse" = ["clients:write"]))
)]
pub async fn rotate_secret(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    caller.require("clients:write")?;
    caller.require_everywhere("change registered applications")?;
    let secret = clients::rotate_secret(&state, &caller.actor, &ClientId::new(id.clone()))
        .await
        .map_err(client_refusal)?
        .ok_or_else(|| ApiError::conflict("a public client has no secret"))?;
    Ok(Json(RotatedSecret {
        client_id: id,
        client_secret: secret,
    })
    .into_response())
}

/// Delete a registered application: its grants and consents go with it, so its refresh
/// tokens stop working.
#[utoipa::path(
    delete, path = "/api/v1/clients/{client_id}", tag = "clients",
    operation_id = "clients_delete",
    params(("client_id" = String, Path, description = "The client id")),
    responses((status = 204, description = "Deleted")),
    security(("gatehouse" = ["clients:write"]))
)]
pub async fn delete(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    caller.require("clients:write")?;
    caller.require_everywhere("delete registered applications")?;
    if !clients::delete(&state, &caller.actor, &ClientId::new(id.clone())).await? {
        return Err(ApiError::not_found(format!("no client {id:?}")));
    }
    Ok(no_content())
}
