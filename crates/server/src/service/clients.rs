//! Registering clients.

use crate::crypto::secrets::InstanceSecrets;
use gatehouse_core::client::{Client, ClientRegistrationError, GrantType, validate_redirect_uri};
use gatehouse_core::keys::SigningAlgorithm;
use gatehouse_core::scope::Scope;
use gatehouse_core::{ClientId, UnixTime};
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
}

/// Why registration failed.
#[derive(Debug, thiserror::Error)]
pub enum CreateClientError {
    /// The registration breaks a rule.
    #[error(transparent)]
    Invalid(#[from] ClientRegistrationError),
    /// A restriction names a studio that does not exist.
    #[error("no studio with slug {0:?}")]
    UnknownStudio(String),
    /// Database trouble.
    #[error(transparent)]
    Store(#[from] StoreError),
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
    store: &Store,
    secrets: &InstanceSecrets,
    new_client: NewClient,
    now: UnixTime,
) -> Result<CreatedClient, CreateClientError> {
    let name = new_client.name.trim().to_owned();
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
    let mut allowed_studios = Vec::new();
    for slug in &new_client.allowed_studio_slugs {
        let normalized = gatehouse_core::studio::normalize_slug(slug)
            .map_err(|_| CreateClientError::UnknownStudio(slug.clone()))?;
        let found = store
            .read(move |connection| gatehouse_store::studios::find_by_slug(connection, &normalized))
            .await?
            .ok_or_else(|| CreateClientError::UnknownStudio(slug.clone()))?;
        allowed_studios.push(found.id);
    }
    let secret = (!new_client.is_public).then(crate::random::token);
    let client = Client {
        id: ClientId::new(crate::random::identifier()),
        name,
        secret_digest: secret
            .as_deref()
            .map(|secret| secrets.client_secret_digest(secret)),
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
        created_at: now,
    };
    let stored = client.clone();
    store
        .write(move |connection| clients::insert(connection, &stored))
        .await?;
    Ok(CreatedClient { client, secret })
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
