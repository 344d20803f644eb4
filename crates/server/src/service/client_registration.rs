//! Dynamic client registration (RFC 7591, RFC 7592, OIDC Registration): clients registering
//! themselves with an initial access token an administrator issued, each token good for one
//! registration. What a registered client may ask for is narrower than what an
//! administrator may grant: the OpenID Connect scopes only (never the management API's),
//! never first-party, never FAPI or studio restrictions. A registered client reads,
//! replaces (RFC 7592 §2.2) and deletes its registration with its registration access
//! token; how it authenticates stays what it registered with.

use crate::service::audit::Actor;
use crate::service::clients::{self, ClientChange, CreateClientError, CreatedClient, NewClient};
use crate::state::AppState;
use gatehouse_core::client::{Client, ClientKeys, GrantType};
use gatehouse_core::keys::SigningAlgorithm;
use gatehouse_core::scope::{STANDARD_SCOPES, Scope};
use gatehouse_core::secret::sha256_base64url;
use gatehouse_core::{ClientId, UnixTime};
use gatehouse_store::{StoreError, registrations};
use serde::Deserialize;

/// The metadata a client registers with (RFC 7591 §2); what Gatehouse does not use is
/// ignored, as §2 allows.
#[derive(Debug, Default, Deserialize)]
pub struct ClientMetadata {
    /// On a replacement (RFC 7592 §2.2) only: the client's own id, which must be given.
    pub client_id: Option<String>,
    /// On a replacement only: the client's current secret, if given; it must match.
    pub client_secret: Option<String>,
    /// Redirect URIs (exact).
    #[serde(default)]
    pub redirect_uris: Vec<String>,
    /// The name shown on the consent page.
    pub client_name: Option<String>,
    /// Default `["authorization_code"]`.
    pub grant_types: Option<Vec<String>>,
    /// `["code"]` only.
    pub response_types: Option<Vec<String>>,
    /// `client_secret_basic` (default), `client_secret_post`, `private_key_jwt` or `none`.
    pub token_endpoint_auth_method: Option<String>,
    /// Public keys, for `private_key_jwt`.
    pub jwks: Option<serde_json::Value>,
    /// Where the public keys are published, for `private_key_jwt`.
    pub jwks_uri: Option<String>,
    /// Space-separated scopes (default `openid`); OpenID Connect scopes only.
    pub scope: Option<String>,
    /// `RS256`, `PS256`, `ES256` or `EdDSA`.
    pub id_token_signed_response_alg: Option<String>,
    /// `RS256`, `PS256`, `ES256` or `EdDSA`: UserInfo answers as signed JWTs.
    pub userinfo_signed_response_alg: Option<String>,
    /// Where RP-initiated logout may return.
    #[serde(default)]
    pub post_logout_redirect_uris: Vec<String>,
    /// Back-channel logout.
    pub backchannel_logout_uri: Option<String>,
    /// RFC 9126 §6.
    #[serde(default)]
    pub require_pushed_authorization_requests: bool,
}

/// Why a registration was refused (RFC 7591 §3.2.2).
#[derive(Debug)]
pub enum RegistrationRefusal {
    /// No valid, unused initial access token.
    InvalidToken,
    /// A redirect URI is not acceptable (`invalid_redirect_uri`).
    InvalidRedirectUri(String),
    /// Other metadata is not acceptable (`invalid_client_metadata`).
    InvalidMetadata(String),
    /// Our fault.
    Server(crate::error::ServerError),
}

impl<E: Into<crate::error::ServerError>> From<E> for RegistrationRefusal {
    fn from(error: E) -> Self {
        Self::Server(error.into())
    }
}

/// A registration made: the client, its secret (once) and its registration access token
/// (once).
#[derive(Debug)]
pub struct Registered {
    /// The client and its secret.
    pub created: CreatedClient,
    /// For reading and deleting the registration (RFC 7592).
    pub registration_access_token: String,
}

/// Issues an initial access token, good for one registration until it expires.
pub async fn issue_initial_token(state: &AppState) -> Result<(String, UnixTime), StoreError> {
    let token = crate::random::token();
    let digest = sha256_base64url(token.as_bytes());
    let now = state.now();
    let expires_at = now.plus_seconds(state.config.dynamic_registration.initial_token_hours * 3600);
    state
        .store
        .write(move |connection| {
            registrations::insert_initial_token(connection, &digest, now, expires_at)
        })
        .await?;
    Ok((token, expires_at))
}

fn new_client(metadata: ClientMetadata) -> Result<NewClient, RegistrationRefusal> {
    let invalid = |message: &str| RegistrationRefusal::InvalidMetadata(message.to_owned());
    let grant_types = metadata
        .grant_types
        .unwrap_or_else(|| vec!["authorization_code".to_owned()])
        .iter()
        .map(|grant| grant.parse::<GrantType>())
        .collect::<Result<Vec<_>, _>>()
        .map_err(|error| invalid(&error.to_string()))?;
    if metadata
        .response_types
        .is_some_and(|types| types.iter().any(|kind| kind != "code"))
    {
        return Err(invalid("response_types: only code is supported"));
    }
    let scope = Scope::parse(metadata.scope.as_deref().unwrap_or("openid"))
        .map_err(|error| invalid(&error.to_string()))?;
    if let Some(other) = scope.iter().find(|token| !STANDARD_SCOPES.contains(token)) {
        return Err(invalid(&format!(
            "scope {other:?} cannot be registered by a client itself; ask an administrator"
        )));
    }
    let keys = match (metadata.jwks, metadata.jwks_uri) {
        (Some(_), Some(_)) => return Err(invalid("give jwks or jwks_uri, not both")),
        (Some(jwks), None) => Some(ClientKeys::Jwks(jwks.to_string())),
        (None, Some(uri)) => Some(ClientKeys::JwksUri(uri)),
        (None, None) => None,
    };
    let uses_secret_jwt =
        metadata.token_endpoint_auth_method.as_deref() == Some("client_secret_jwt");
    let is_public = match (
        metadata
            .token_endpoint_auth_method
            .as_deref()
            .unwrap_or("client_secret_basic"),
        &keys,
    ) {
        ("client_secret_basic" | "client_secret_post" | "client_secret_jwt", None) => false,
        ("private_key_jwt", Some(_)) => false,
        ("private_key_jwt", None) => {
            return Err(invalid("private_key_jwt needs jwks or jwks_uri"));
        }
        ("none", None) => true,
        (_, Some(_)) => {
            return Err(invalid(
                "jwks and jwks_uri go with token_endpoint_auth_method private_key_jwt",
            ));
        }
        (other, None) => {
            return Err(invalid(&format!(
                "token_endpoint_auth_method {other:?} is not supported; use client_secret_basic, client_secret_post, client_secret_jwt, private_key_jwt or none"
            )));
        }
    };
    let id_token_signing_algorithm = match metadata.id_token_signed_response_alg.as_deref() {
        None => SigningAlgorithm::RS256,
        Some(name) => name
            .parse()
            .map_err(|_| invalid("id_token_signed_response_alg is RS256, PS256, ES256 or EdDSA"))?,
    };
    let userinfo_signing_algorithm = metadata
        .userinfo_signed_response_alg
        .as_deref()
        .map(|name| {
            name.parse().map_err(|_| {
                invalid("userinfo_signed_response_alg is RS256, PS256, ES256 or EdDSA")
            })
        })
        .transpose()?;
    Ok(NewClient {
        name: metadata
            .client_name
            .unwrap_or_else(|| "Registered application".to_owned()),
        redirect_uris: metadata.redirect_uris,
        post_logout_redirect_uris: metadata.post_logout_redirect_uris,
        is_public,
        is_first_party: false,
        grant_types,
        scopes: scope,
        audiences: Vec::new(),
        id_token_signing_algorithm,
        allowed_studio_slugs: Vec::new(),
        require_studio: false,
        backchannel_logout_uri: metadata.backchannel_logout_uri,
        allows_registration: false,
        keys,
        requires_pushed_requests: metadata.require_pushed_authorization_requests,
        is_fapi: false,
        userinfo_signing_algorithm,
        uses_secret_jwt,
    })
}

/// Refuses algorithms the instance does not sign with.
fn check_algorithms(state: &AppState, new: &NewClient) -> Result<(), RegistrationRefusal> {
    let enabled = state
        .config
        .signing_algorithms()
        .map_err(|error| crate::error::ServerError::Configuration(error.to_string()))?;
    for algorithm in [
        Some(new.id_token_signing_algorithm),
        new.userinfo_signing_algorithm,
    ]
    .into_iter()
    .flatten()
    {
        if !enabled.contains(&algorithm) {
            return Err(RegistrationRefusal::InvalidMetadata(format!(
                "this provider does not sign with {algorithm}"
            )));
        }
    }
    Ok(())
}

/// The registration error (RFC 7591 §3.2.2) for a client the registration rules refuse.
fn refusal_of(refusal: CreateClientError) -> RegistrationRefusal {
    use gatehouse_core::client::ClientRegistrationError as Rule;
    match refusal {
        CreateClientError::Invalid(
            invalid @ (Rule::InvalidRedirectUri { .. } | Rule::MissingRedirectUri),
        ) => RegistrationRefusal::InvalidRedirectUri(invalid.to_string()),
        CreateClientError::Invalid(invalid) => {
            RegistrationRefusal::InvalidMetadata(invalid.to_string())
        }
        CreateClientError::Store(error) => error.into(),
        CreateClientError::Encryption(error) => error.into(),
        CreateClientError::Stale => RegistrationRefusal::InvalidMetadata(
            "the registration changed meanwhile; read it and send the change again".to_owned(),
        ),
        other => RegistrationRefusal::InvalidMetadata(other.to_string()),
    }
}

/// Registers a client with `initial_token`. The token is used first (one registration per
/// token, decided by a conditional write) and given back if the metadata is refused.
pub async fn register(
    state: &AppState,
    initial_token: &str,
    metadata: ClientMetadata,
) -> Result<Registered, RegistrationRefusal> {
    let new = new_client(metadata)?;
    check_algorithms(state, &new)?;
    let digest = sha256_base64url(initial_token.as_bytes());
    let now = state.now();
    let used_digest = digest.clone();
    let used = state
        .store
        .write(move |connection| registrations::use_initial_token(connection, &used_digest, now))
        .await?;
    if !used {
        return Err(RegistrationRefusal::InvalidToken);
    }
    let actor = Actor::named("dynamic-registration");
    let created = match clients::create_client(state, &actor, new).await {
        Ok(created) => created,
        Err(refusal) => {
            let restored = digest.clone();
            state
                .store
                .write(move |connection| {
                    registrations::restore_initial_token(connection, &restored)
                })
                .await?;
            return Err(refusal_of(refusal));
        }
    };
    let registration_access_token = crate::random::token();
    let token_digest = sha256_base64url(registration_access_token.as_bytes());
    let client_id = created.client.id.clone();
    state
        .store
        .write(move |connection| {
            registrations::insert_registration(connection, &client_id, &token_digest)
        })
        .await?;
    Ok(Registered {
        created,
        registration_access_token,
    })
}

/// The client `client_id` when `registration_access_token` is its registration access
/// token (compared by digest, in constant time).
pub async fn registered_client(
    state: &AppState,
    client_id: &str,
    registration_access_token: &str,
) -> Result<Option<Client>, StoreError> {
    let id = ClientId::new(client_id.to_owned());
    let lookup = id.clone();
    let Some(kept) = state
        .store
        .read(move |connection| registrations::registration_token(connection, &lookup))
        .await?
    else {
        return Ok(None);
    };
    let presented = sha256_base64url(registration_access_token.as_bytes());
    if !gatehouse_core::secret::constant_time_eq(presented.as_bytes(), kept.as_bytes()) {
        return Ok(None);
    }
    clients::get(state, &id).await
}

/// Replaces the registration of `client` (RFC 7592 §2.2): the metadata sent is the whole
/// registration, so what is left out returns to its default. The client's id must be given
/// and, if its secret is given, it must be the current one; how the client authenticates
/// cannot change (a different method is a different client: register one).
pub async fn replace(
    state: &AppState,
    client: &Client,
    mut metadata: ClientMetadata,
) -> Result<Client, RegistrationRefusal> {
    if metadata.client_id.as_deref() != Some(client.id.as_str()) {
        return Err(RegistrationRefusal::InvalidMetadata(
            "client_id must be given and be this client's id".to_owned(),
        ));
    }
    if let Some(secret) = metadata.client_secret.take() {
        let matches = client
            .secret_digest
            .as_deref()
            .is_some_and(|digest| state.secrets.verify_client_secret(&secret, digest));
        if !matches {
            return Err(RegistrationRefusal::InvalidMetadata(
                "client_secret is not this client's secret; a secret is rotated by an administrator, not here"
                    .to_owned(),
            ));
        }
    }
    let new = new_client(metadata)?;
    check_algorithms(state, &new)?;
    if new.is_public != client.is_public()
        || new.keys.is_some() != client.keys.is_some()
        || new.uses_secret_jwt != client.encrypted_secret.is_some()
    {
        return Err(RegistrationRefusal::InvalidMetadata(
            "token_endpoint_auth_method cannot change; register a new client for another method"
                .to_owned(),
        ));
    }
    let change = ClientChange {
        name: Some(new.name),
        redirect_uris: Some(new.redirect_uris),
        post_logout_redirect_uris: Some(new.post_logout_redirect_uris),
        grant_types: Some(new.grant_types),
        scopes: Some(new.scopes),
        id_token_signing_algorithm: Some(new.id_token_signing_algorithm),
        backchannel_logout_uri: Some(new.backchannel_logout_uri),
        keys: new.keys,
        requires_pushed_requests: Some(new.requires_pushed_requests),
        userinfo_signing_algorithm: Some(new.userinfo_signing_algorithm),
        ..ClientChange::default()
    };
    let actor = Actor::named("dynamic-registration");
    clients::update(state, &actor, &client.id, change, None)
        .await
        .map_err(refusal_of)
}
