//! Registering clients.

use crate::service::audit::{self, Actor, Event};
use crate::state::AppState;
use gatehouse_core::client::{
    Client, ClientKeys, ClientRegistrationError, GrantType, validate_keys, validate_redirect_uri,
};
use gatehouse_core::keys::SigningAlgorithm;
use gatehouse_core::scope::Scope;
use gatehouse_core::{ClientId, StudioId};
use gatehouse_store::{Store, StoreError, clients};

/// What a new client is registered with.
#[derive(Debug, Clone)]
pub struct NewClient {
    /// Display name.
    pub name: String,
    /// Redirect URIs.
    pub redirect_uris: Vec<String>,
    /// Post-logout redirect URIs.
    pub post_logout_redirect_uris: Vec<String>,
    /// Public (no secret) or confidential.
    pub is_public: bool,
    /// Skips consent.
    pub is_first_party: bool,
    /// Allowed grants.
    pub grant_types: Vec<GrantType>,
    /// Allowed scopes.
    pub scopes: Scope,
    /// Access token audiences (empty: the client id).
    pub audiences: Vec<String>,
    /// ID token algorithm.
    pub id_token_signing_algorithm: SigningAlgorithm,
    /// Studios (slugs) the client is limited to; empty means any.
    pub allowed_studio_slugs: Vec<String>,
    /// Every token must name a studio.
    pub require_studio: bool,
    /// OpenID Connect Back-Channel Logout URI.
    pub backchannel_logout_uri: Option<String>,
    /// Its sign-in page offers registration even when the instance does not.
    pub allows_registration: bool,
    /// Keys it authenticates with (`private_key_jwt`) instead of a secret.
    pub keys: Option<ClientKeys>,
    /// Its authorization requests must be pushed (`/par`) first.
    pub requires_pushed_requests: bool,
    /// Held to the FAPI 2.0 Security Profile (it then pushes its requests too).
    pub is_fapi: bool,
    /// UserInfo answers signed with this algorithm; `None`: plain JSON.
    pub userinfo_signing_algorithm: Option<SigningAlgorithm>,
    /// It authenticates with `client_secret_jwt` (its secret then kept encrypted too).
    pub uses_secret_jwt: bool,
}

/// Why registration or a change failed.
#[derive(Debug, thiserror::Error)]
pub enum CreateClientError {
    /// The registration breaks a rule.
    #[error(transparent)]
    Invalid(#[from] ClientRegistrationError),
    /// A restriction names a studio that does not exist.
    #[error("no studio with slug {0:?}")]
    UnknownStudio(String),
    /// The client changed since the version the caller saw (`If-Match`).
    #[error("the client changed since it was read")]
    Stale,
    /// No such client.
    #[error("no such client")]
    NotFound,
    /// Database trouble.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The secret of a `client_secret_jwt` client could not be encrypted.
    #[error(transparent)]
    Encryption(#[from] crate::crypto::encryption::EncryptionError),
}

impl From<gatehouse_store::DieselError> for CreateClientError {
    fn from(error: gatehouse_store::DieselError) -> Self {
        Self::Store(error.into())
    }
}

/// A registered client and, for confidential clients, its secret (shown once).
#[derive(Debug)]
pub struct CreatedClient {
    /// The client.
    pub client: Client,
    /// The plain secret; only its keyed digest is stored.
    pub secret: Option<String>,
}

/// Validates and stores a client, generating its id and (256-bit) secret.
pub async fn create_client(
    state: &AppState,
    actor: &Actor,
    new_client: NewClient,
) -> Result<CreatedClient, CreateClientError> {
    let (store, secrets, now) = (&state.store, &state.secrets, state.now());
    let name = new_client.name.trim().to_owned();
    validate(&new_client)?;
    let allowed_studios = studio_ids(store, &new_client.allowed_studio_slugs).await?;
    // A client with keys proves itself with them: it gets no secret to leak.
    let secret = (!new_client.is_public && new_client.keys.is_none()).then(crate::random::token);
    let encrypted_secret = match (&secret, new_client.uses_secret_jwt) {
        (Some(secret), true) => Some(state.kek.encrypt(secret.as_bytes())?),
        _ => None,
    };
    let client = Client {
        id: ClientId::new(crate::random::identifier()),
        name,
        secret_digest: secret
            .as_deref()
            .map(|secret| secrets.client_secret_digest(secret)),
        encrypted_secret,
        redirect_uris: new_client.redirect_uris,
        post_logout_redirect_uris: new_client.post_logout_redirect_uris,
        grant_types: new_client.grant_types,
        scopes: new_client.scopes,
        is_first_party: new_client.is_first_party,
        access_token_audiences: new_client.audiences,
        id_token_signing_algorithm: new_client.id_token_signing_algorithm,
        allowed_studios,
        require_studio: new_client.require_studio,
        backchannel_logout_uri: new_client.backchannel_logout_uri,
        allows_registration: new_client.allows_registration,
        keys: new_client.keys,
        requires_pushed_requests: new_client.requires_pushed_requests || new_client.is_fapi,
        is_fapi: new_client.is_fapi,
        userinfo_signing_algorithm: new_client.userinfo_signing_algorithm,
        created_at: now,
    };
    let (stored, actor, audit_secrets) = (client.clone(), actor.clone(), secrets.clone());
    store
        .write(move |connection| -> Result<(), StoreError> {
            clients::insert(connection, &stored)?;
            audit::record(
                connection,
                &audit_secrets,
                &actor,
                &Event {
                    client_id: Some(stored.id.as_str()),
                    detail: serde_json::json!({ "name": stored.name }),
                    ..Event::new("client.created")
                },
                now,
            )
        })
        .await?;
    Ok(CreatedClient { client, secret })
}

/// The rules every registration keeps, at creation and at each change.
fn validate(new_client: &NewClient) -> Result<(), CreateClientError> {
    let name = new_client.name.trim();
    if name.is_empty() || name.chars().count() > 200 {
        return Err(ClientRegistrationError::InvalidName.into());
    }
    if new_client.grant_types.is_empty() {
        return Err(ClientRegistrationError::NoGrantTypes.into());
    }
    if new_client.is_public
        && new_client
            .grant_types
            .contains(&GrantType::ClientCredentials)
    {
        return Err(ClientRegistrationError::PublicClientCredentials.into());
    }
    if new_client
        .grant_types
        .contains(&GrantType::AuthorizationCode)
        && new_client.redirect_uris.is_empty()
    {
        return Err(ClientRegistrationError::MissingRedirectUri.into());
    }
    for uri in new_client
        .redirect_uris
        .iter()
        .chain(&new_client.post_logout_redirect_uris)
    {
        validate_redirect_uri(uri)?;
    }
    if let Some(uri) = &new_client.backchannel_logout_uri {
        validate_backchannel_uri(uri)?;
    }
    if new_client.uses_secret_jwt && (new_client.is_public || new_client.keys.is_some()) {
        return Err(ClientRegistrationError::InvalidKeys(
            "client_secret_jwt is for a client with a secret, not a public client or one with keys"
                .to_owned(),
        )
        .into());
    }
    if new_client.is_fapi {
        if !new_client.id_token_signing_algorithm.is_fapi_approved() {
            return Err(ClientRegistrationError::FapiSigningAlgorithm(
                "id_token_signed_response_alg",
            )
            .into());
        }
        if new_client
            .userinfo_signing_algorithm
            .is_some_and(|algorithm| !algorithm.is_fapi_approved())
        {
            return Err(ClientRegistrationError::FapiSigningAlgorithm(
                "userinfo_signed_response_alg",
            )
            .into());
        }
    }
    if new_client.is_fapi && new_client.keys.is_none() {
        return Err(ClientRegistrationError::InvalidKeys(
            "a FAPI 2.0 client authenticates with private_key_jwt: give --jwks or --jwks-uri"
                .to_owned(),
        )
        .into());
    }
    if let Some(keys) = &new_client.keys {
        if new_client.is_public {
            return Err(ClientRegistrationError::InvalidKeys(
                "a public client has no keys; leave out --public".to_owned(),
            )
            .into());
        }
        validate_keys(keys)?;
    }
    Ok(())
}

/// The ids of the studios named by `slugs`.
async fn studio_ids(store: &Store, slugs: &[String]) -> Result<Vec<StudioId>, CreateClientError> {
    let mut allowed_studios = Vec::new();
    for slug in slugs {
        let normalized = gatehouse_core::studio::normalize_slug(slug)
            .map_err(|_| CreateClientError::UnknownStudio(slug.clone()))?;
        let found = store
            .read(move |connection| gatehouse_store::studios::find_by_slug(connection, &normalized))
            .await?
            .ok_or_else(|| CreateClientError::UnknownStudio(slug.clone()))?;
        allowed_studios.push(found.id);
    }
    Ok(allowed_studios)
}

/// A back-channel logout URI must be an absolute http(s) URI without a fragment
/// (Back-Channel Logout §2.2); plain http only on loopback, as for redirect URIs.
fn validate_backchannel_uri(uri: &str) -> Result<(), ClientRegistrationError> {
    validate_redirect_uri(uri)?;
    if uri.starts_with("https://") || uri.starts_with("http://") {
        Ok(())
    } else {
        Err(ClientRegistrationError::InvalidRedirectUri {
            uri: uri.to_owned(),
            reason: "a back-channel logout URI must use http or https",
        })
    }
}

/// The version of a client as it stands, for `ETag` / `If-Match`.
#[must_use]
pub fn version(client: &Client) -> String {
    let digest = gatehouse_core::secret::sha256_base64url(format!("{client:?}").as_bytes());
    digest.chars().take(22).collect()
}

/// The client with `id`.
pub async fn get(state: &AppState, id: &ClientId) -> Result<Option<Client>, StoreError> {
    let id = id.clone();
    state
        .store
        .read_by_key(move |connection| clients::find(connection, &id))
        .await
}

/// The client with `id` for a hot path: the copy read in the last few seconds when there
/// is one (see `service::client_cache`). `true` with it when it came from the copy, so a
/// caller about to refuse can read the row again with [`get_fresh`].
pub async fn get_cached(
    state: &AppState,
    id: &ClientId,
) -> Result<(Option<Client>, bool), StoreError> {
    if let Some(client) = state.client_cache.get(id) {
        return Ok((Some(client), true));
    }
    Ok((get_fresh(state, id).await?, false))
}

/// The client with `id` as stored now; refreshes the cached copy.
pub async fn get_fresh(state: &AppState, id: &ClientId) -> Result<Option<Client>, StoreError> {
    let client = get(state, id).await?;
    match &client {
        Some(client) => state.client_cache.put(client),
        None => state.client_cache.forget(id),
    }
    Ok(client)
}

/// Every client, oldest first.
pub async fn list(state: &AppState) -> Result<Vec<Client>, StoreError> {
    state.store.read(clients::list).await
}

/// The slugs of the studios a client is limited to.
pub async fn studio_slugs(state: &AppState, client: &Client) -> Result<Vec<String>, StoreError> {
    let ids = client.allowed_studios.clone();
    state
        .store
        .read(move |connection| {
            let mut slugs = Vec::with_capacity(ids.len());
            for id in &ids {
                if let Some(studio) = gatehouse_store::studios::find(connection, id)? {
                    slugs.push(studio.slug);
                }
            }
            Ok(slugs)
        })
        .await
}

/// Changes to a client; `None` leaves a setting as it is.
#[derive(Debug, Clone, Default)]
pub struct ClientChange {
    /// Display name.
    pub name: Option<String>,
    /// Redirect URIs.
    pub redirect_uris: Option<Vec<String>>,
    /// Post-logout redirect URIs.
    pub post_logout_redirect_uris: Option<Vec<String>>,
    /// Allowed grants.
    pub grant_types: Option<Vec<GrantType>>,
    /// Allowed scopes.
    pub scopes: Option<Scope>,
    /// Skips consent.
    pub is_first_party: Option<bool>,
    /// Access token audiences.
    pub audiences: Option<Vec<String>>,
    /// ID token algorithm.
    pub id_token_signing_algorithm: Option<SigningAlgorithm>,
    /// Studios (slugs) the client is limited to.
    pub allowed_studio_slugs: Option<Vec<String>>,
    /// Every token must name a studio.
    pub require_studio: Option<bool>,
    /// Back-channel logout URI; `Some(None)` removes it.
    pub backchannel_logout_uri: Option<Option<String>>,
    /// Its sign-in page offers registration.
    pub allows_registration: Option<bool>,
    /// New public keys, for a client that authenticates with keys (`private_key_jwt`).
    /// How a client authenticates is fixed when it is registered: a client with a secret
    /// cannot be given keys, nor the other way round.
    pub keys: Option<ClientKeys>,
    /// Its authorization requests must be pushed first (RFC 9126).
    pub requires_pushed_requests: Option<bool>,
    /// Held to the FAPI 2.0 Security Profile (which implies pushed requests).
    pub is_fapi: Option<bool>,
    /// UserInfo signing algorithm; `Some(None)`: plain JSON again.
    pub userinfo_signing_algorithm: Option<Option<SigningAlgorithm>>,
}

/// Changes a client after checking the result against the registration rules, only when
/// it still is at `expected_version` (if given): one transaction holding its row.
pub async fn update(
    state: &AppState,
    actor: &Actor,
    id: &ClientId,
    change: ClientChange,
    expected_version: Option<String>,
) -> Result<Client, CreateClientError> {
    let current = get(state, id).await?.ok_or(CreateClientError::NotFound)?;
    let allowed_studios = match &change.allowed_studio_slugs {
        Some(slugs) => Some(studio_ids(&state.store, slugs).await?),
        None => None,
    };
    let mut updated = current.clone();
    if let Some(name) = change.name {
        updated.name = name.trim().to_owned();
    }
    if let Some(uris) = change.redirect_uris {
        updated.redirect_uris = uris;
    }
    if let Some(uris) = change.post_logout_redirect_uris {
        updated.post_logout_redirect_uris = uris;
    }
    if let Some(grants) = change.grant_types {
        updated.grant_types = grants;
    }
    if let Some(scopes) = change.scopes {
        updated.scopes = scopes;
    }
    if let Some(first_party) = change.is_first_party {
        updated.is_first_party = first_party;
    }
    if let Some(audiences) = change.audiences {
        updated.access_token_audiences = audiences;
    }
    if let Some(algorithm) = change.id_token_signing_algorithm {
        updated.id_token_signing_algorithm = algorithm;
    }
    if let Some(studios) = allowed_studios {
        updated.allowed_studios = studios;
    }
    if let Some(required) = change.require_studio {
        updated.require_studio = required;
    }
    if let Some(uri) = change.backchannel_logout_uri {
        updated.backchannel_logout_uri = uri;
    }
    if let Some(allows) = change.allows_registration {
        updated.allows_registration = allows;
    }
    if let Some(keys) = change.keys {
        if current.keys.is_none() {
            return Err(ClientRegistrationError::InvalidKeys(
                "this client authenticates with a secret (or none); keys are set when a client is registered with them"
                    .to_owned(),
            )
            .into());
        }
        updated.keys = Some(keys);
    }
    if let Some(required) = change.requires_pushed_requests {
        updated.requires_pushed_requests = required;
    }
    if let Some(fapi) = change.is_fapi {
        updated.is_fapi = fapi;
    }
    if updated.is_fapi && !updated.requires_pushed_requests {
        if change.requires_pushed_requests == Some(false) {
            return Err(ClientRegistrationError::FapiRule(
                "a FAPI 2.0 client pushes its authorization requests; turn fapi off first",
            )
            .into());
        }
        // Turning FAPI on turns pushed requests on, as at registration.
        updated.requires_pushed_requests = true;
    }
    if let Some(algorithm) = change.userinfo_signing_algorithm {
        updated.userinfo_signing_algorithm = algorithm;
    }
    validate(&NewClient {
        name: updated.name.clone(),
        redirect_uris: updated.redirect_uris.clone(),
        post_logout_redirect_uris: updated.post_logout_redirect_uris.clone(),
        is_public: updated.is_public(),
        is_first_party: updated.is_first_party,
        grant_types: updated.grant_types.clone(),
        scopes: updated.scopes.clone(),
        audiences: updated.access_token_audiences.clone(),
        id_token_signing_algorithm: updated.id_token_signing_algorithm,
        allowed_studio_slugs: Vec::new(),
        require_studio: updated.require_studio,
        backchannel_logout_uri: updated.backchannel_logout_uri.clone(),
        allows_registration: updated.allows_registration,
        keys: updated.keys.clone(),
        requires_pushed_requests: updated.requires_pushed_requests,
        is_fapi: updated.is_fapi,
        userinfo_signing_algorithm: updated.userinfo_signing_algorithm,
        uses_secret_jwt: updated.encrypted_secret.is_some(),
    })?;
    let (actor, secrets, now) = (actor.clone(), state.secrets.clone(), state.now());
    let stored = updated.clone();
    state
        .store
        .write(move |connection| -> Result<(), CreateClientError> {
            clients::lock(connection, &stored.id)?;
            let Some(found) = clients::find(connection, &stored.id)? else {
                return Err(CreateClientError::NotFound);
            };
            // The change was made from `current`; another change since then, or a stale
            // `If-Match`, means it would overwrite something unseen.
            if found != current
                || expected_version.is_some_and(|expected| expected != version(&found))
            {
                return Err(CreateClientError::Stale);
            }
            clients::update(connection, &stored, now)?;
            audit::record(
                connection,
                &secrets,
                &actor,
                &Event {
                    client_id: Some(stored.id.as_str()),
                    ..Event::new("client.updated")
                },
                now,
            )?;
            Ok(())
        })
        .await?;
    state.client_cache.forget(&updated.id);
    Ok(updated)
}

/// Gives a confidential client a new secret (shown once); the old one stops working at
/// once. `None` for a public client, which has none.
pub async fn rotate_secret(
    state: &AppState,
    actor: &Actor,
    id: &ClientId,
) -> Result<Option<String>, CreateClientError> {
    let client = get(state, id).await?.ok_or(CreateClientError::NotFound)?;
    // Public clients and clients with keys have no secret to rotate.
    if client.secret_digest.is_none() {
        return Ok(None);
    }
    let secret = crate::random::token();
    let digest = state.secrets.client_secret_digest(&secret);
    let encrypted = match client.encrypted_secret {
        Some(_) => Some(state.kek.encrypt(secret.as_bytes())?),
        None => None,
    };
    let (id, actor, secrets, now) = (
        client.id.clone(),
        actor.clone(),
        state.secrets.clone(),
        state.now(),
    );
    state
        .store
        .write(move |connection| -> Result<(), CreateClientError> {
            if !clients::set_secret_digest(connection, &id, &digest, encrypted.as_deref(), now)? {
                return Err(CreateClientError::NotFound);
            }
            audit::record(
                connection,
                &secrets,
                &actor,
                &Event {
                    client_id: Some(id.as_str()),
                    ..Event::new("client.secret_rotated")
                },
                now,
            )?;
            Ok(())
        })
        .await?;
    state.client_cache.forget(&client.id);
    Ok(Some(secret))
}

/// Deletes a client: its grants, codes and consents go with it, so its refresh tokens stop
/// working. `false` when there was none.
pub async fn delete(state: &AppState, actor: &Actor, id: &ClientId) -> Result<bool, StoreError> {
    let (actor, secrets, now) = (actor.clone(), state.secrets.clone(), state.now());
    let deleted_id = id.clone();
    let deleted = state
        .store
        .write(move |connection| -> Result<bool, StoreError> {
            let id = deleted_id;
            if !clients::delete(connection, &id)? {
                return Ok(false);
            }
            audit::record(
                connection,
                &secrets,
                &actor,
                &Event {
                    client_id: Some(id.as_str()),
                    ..Event::new("client.deleted")
                },
                now,
            )?;
            Ok(true)
        })
        .await;
    state.client_cache.forget(id);
    deleted
}
