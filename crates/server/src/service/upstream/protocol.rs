//! The upstream side of a federated sign-in: the authorization request we send the
//! provider, and reading its answer into an [`UpstreamIdentity`]. OpenID Connect providers
//! go through the `openidconnect` crate (discovery, code flow with PKCE and nonce, ID token
//! validation, UserInfo); Facebook, X and other OAuth2 providers through `oauth2` and their
//! users-me API.

use super::http::UpstreamHttp;
use gatehouse_core::upstream::{
    ClaimMapping, Endpoints, ProviderKind, UpstreamIdentity, UpstreamProvider, identity_from,
    microsoft_issuer_matches,
};
use openidconnect::core::{
    CoreAuthenticationFlow, CoreClient, CoreGenderClaim, CoreJsonWebKeySet, CoreProviderMetadata,
};
use openidconnect::{
    AuthorizationCode, ClientId, ClientSecret, CsrfToken, EmptyAdditionalClaims, IssuerUrl, Nonce,
    OAuth2TokenResponse, PkceCodeChallenge, PkceCodeVerifier, RedirectUrl, Scope, TokenResponse,
    UserInfoClaims,
};

/// Why an upstream sign-in could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UpstreamFailure {
    /// The provider did not answer, or answered garbage.
    #[error("the provider is unreachable: {0}")]
    Unreachable(String),
    /// The provider refused our request (bad client credentials, expired code).
    #[error("the provider refused: {0}")]
    Refused(String),
    /// The ID token failed validation (signature, audience, expiry).
    #[error("the ID token is invalid: {0}")]
    InvalidToken(String),
    /// The ID token or discovery names another issuer than expected.
    #[error("unexpected issuer: {0}")]
    UnexpectedIssuer(String),
    /// The ID token's nonce is not the one we sent.
    #[error("the nonce does not match")]
    NonceMismatch,
    /// The answer lacks the user's id.
    #[error("{0}")]
    MissingClaim(String),
    /// The provider is not configured completely.
    #[error("the provider is misconfigured: {0}")]
    Misconfigured(String),
}

/// What the authorization request carries, to be checked in the answer.
#[derive(Debug, Clone)]
pub struct RequestSecrets {
    /// The `state` parameter.
    pub state: String,
    /// The `nonce` (OpenID Connect).
    pub nonce: String,
    /// The PKCE verifier.
    pub pkce_verifier: String,
}

fn discovery_base(provider: &UpstreamProvider) -> Result<String, UpstreamFailure> {
    let issuer = provider
        .issuer
        .clone()
        .or_else(|| provider.kind.default_issuer().map(str::to_owned))
        .or_else(|| {
            (provider.kind == ProviderKind::Microsoft)
                .then(|| "https://login.microsoftonline.com/common/v2.0".to_owned())
        })
        .ok_or_else(|| UpstreamFailure::Misconfigured("no issuer".to_owned()))?;
    Ok(issuer.trim_end_matches('/').to_owned())
}

/// The provider's metadata. Microsoft's multi-tenant documents name a template issuer
/// (`.../{tenantid}/v2.0`) rather than their own URL, so they are read without the
/// issuer check and each token's issuer is checked against its `tid` instead.
async fn metadata(
    http: &UpstreamHttp,
    provider: &UpstreamProvider,
) -> Result<CoreProviderMetadata, UpstreamFailure> {
    let base = discovery_base(provider)?;
    let client = http.for_crates();
    let mut metadata = if provider.kind == ProviderKind::Microsoft {
        let document = http
            .get_json(&format!("{base}/.well-known/openid-configuration"), None)
            .await
            .map_err(|error| UpstreamFailure::Unreachable(error.to_string()))?;
        let metadata: CoreProviderMetadata = serde_json::from_value(document)
            .map_err(|error| UpstreamFailure::Unreachable(error.to_string()))?;
        let keys: CoreJsonWebKeySet = serde_json::from_value(
            http.get_json(metadata.jwks_uri().url().as_str(), None)
                .await
                .map_err(|error| UpstreamFailure::Unreachable(error.to_string()))?,
        )
        .map_err(|error| UpstreamFailure::Unreachable(error.to_string()))?;
        metadata.set_jwks(keys)
    } else {
        let issuer = IssuerUrl::new(base.clone())
            .map_err(|error| UpstreamFailure::Misconfigured(error.to_string()))?;
        CoreProviderMetadata::discover_async(issuer, &client)
            .await
            .map_err(|error| match error {
                openidconnect::DiscoveryError::Validation(message) => {
                    UpstreamFailure::UnexpectedIssuer(message)
                }
                other => UpstreamFailure::Unreachable(other.to_string()),
            })?
    };
    let overrides = &provider.endpoints;
    if let Some(url) = &overrides.authorization {
        metadata = metadata.set_authorization_endpoint(
            openidconnect::AuthUrl::new(url.clone())
                .map_err(|error| UpstreamFailure::Misconfigured(error.to_string()))?,
        );
    }
    if let Some(url) = &overrides.token {
        metadata = metadata.set_token_endpoint(Some(
            openidconnect::TokenUrl::new(url.clone())
                .map_err(|error| UpstreamFailure::Misconfigured(error.to_string()))?,
        ));
    }
    if let Some(url) = &overrides.userinfo {
        metadata = metadata.set_userinfo_endpoint(Some(
            openidconnect::UserInfoUrl::new(url.clone())
                .map_err(|error| UpstreamFailure::Misconfigured(error.to_string()))?,
        ));
    }
    Ok(metadata)
}

fn scopes(provider: &UpstreamProvider) -> Vec<String> {
    if provider.scopes.is_empty() {
        provider
            .kind
            .default_scopes()
            .iter()
            .map(|scope| (*scope).to_owned())
            .collect()
    } else {
        provider.scopes.clone()
    }
}

fn redirect(redirect_uri: &str) -> Result<RedirectUrl, UpstreamFailure> {
    RedirectUrl::new(redirect_uri.to_owned())
        .map_err(|error| UpstreamFailure::Misconfigured(error.to_string()))
}

/// The URL of the authorization request to send the browser to.
pub async fn authorization_url(
    http: &UpstreamHttp,
    provider: &UpstreamProvider,
    redirect_uri: &str,
    secrets: &RequestSecrets,
) -> Result<String, UpstreamFailure> {
    let challenge = PkceCodeChallenge::from_code_verifier_sha256(&PkceCodeVerifier::new(
        secrets.pkce_verifier.clone(),
    ));
    let (state, nonce) = (secrets.state.clone(), secrets.nonce.clone());
    if provider.kind.is_oidc() {
        let metadata = metadata(http, provider).await?;
        let client = CoreClient::from_provider_metadata(
            metadata,
            ClientId::new(provider.client_id.clone()),
            None,
        )
        .set_redirect_uri(redirect(redirect_uri)?);
        let mut request = client.authorize_url(
            CoreAuthenticationFlow::AuthorizationCode,
            move || CsrfToken::new(state),
            move || Nonce::new(nonce),
        );
        for scope in scopes(provider) {
            request = request.add_scope(Scope::new(scope));
        }
        let (url, _, _) = request.set_pkce_challenge(challenge).url();
        return Ok(url.to_string());
    }
    let endpoints = provider.endpoints.over(Endpoints::defaults(provider.kind));
    let authorization = endpoints
        .authorization
        .ok_or_else(|| UpstreamFailure::Misconfigured("no authorization endpoint".to_owned()))?;
    let client = oauth2::basic::BasicClient::new(ClientId::new(provider.client_id.clone()))
        .set_auth_uri(
            oauth2::AuthUrl::new(authorization)
                .map_err(|error| UpstreamFailure::Misconfigured(error.to_string()))?,
        )
        .set_redirect_uri(redirect(redirect_uri)?);
    let mut request = client.authorize_url(move || CsrfToken::new(state));
    for scope in scopes(provider) {
        request = request.add_scope(Scope::new(scope));
    }
    let (url, _) = request.set_pkce_challenge(challenge).url();
    Ok(url.to_string())
}

fn refused<E: std::error::Error>(
    error: &oauth2::RequestTokenError<E, impl oauth2::ErrorResponse>,
) -> UpstreamFailure {
    match error {
        oauth2::RequestTokenError::ServerResponse(response) => {
            UpstreamFailure::Refused(response.to_string())
        }
        oauth2::RequestTokenError::Request(transport) => {
            UpstreamFailure::Unreachable(transport.to_string())
        }
        other => UpstreamFailure::Unreachable(other.to_string()),
    }
}

/// Exchanges the code and reads who signed in.
pub async fn identity(
    http: &UpstreamHttp,
    provider: &UpstreamProvider,
    client_secret: Option<String>,
    redirect_uri: &str,
    code: &str,
    secrets: &RequestSecrets,
) -> Result<UpstreamIdentity, UpstreamFailure> {
    if provider.kind.is_oidc() {
        oidc_identity(http, provider, client_secret, redirect_uri, code, secrets).await
    } else {
        oauth2_identity(http, provider, client_secret, redirect_uri, code, secrets).await
    }
}

async fn oidc_identity(
    http: &UpstreamHttp,
    provider: &UpstreamProvider,
    client_secret: Option<String>,
    redirect_uri: &str,
    code: &str,
    secrets: &RequestSecrets,
) -> Result<UpstreamIdentity, UpstreamFailure> {
    let metadata = metadata(http, provider).await?;
    let issuer_template = metadata.issuer().as_str().to_owned();
    // The provider's own algorithms (the crate would accept RS256 only); `none` never.
    let algorithms: Vec<_> = metadata
        .id_token_signing_alg_values_supported()
        .iter()
        .filter(|algorithm| **algorithm != openidconnect::core::CoreJwsSigningAlgorithm::None)
        .cloned()
        .collect();
    let client = CoreClient::from_provider_metadata(
        metadata,
        ClientId::new(provider.client_id.clone()),
        client_secret.map(ClientSecret::new),
    )
    .set_redirect_uri(redirect(redirect_uri)?);
    let crates_http = http.for_crates();
    let tokens = client
        .exchange_code(AuthorizationCode::new(code.to_owned()))
        .map_err(|error| UpstreamFailure::Misconfigured(error.to_string()))?
        .set_pkce_verifier(PkceCodeVerifier::new(secrets.pkce_verifier.clone()))
        .request_async(&crates_http)
        .await
        .map_err(|error| refused(&error))?;
    let id_token = tokens
        .id_token()
        .ok_or_else(|| UpstreamFailure::InvalidToken("the answer has no ID token".to_owned()))?;
    let is_microsoft = provider.kind == ProviderKind::Microsoft;
    let verifier = client
        .id_token_verifier()
        .set_allowed_algs(algorithms)
        .require_issuer_match(!is_microsoft);
    let nonce = Nonce::new(secrets.nonce.clone());
    let claims = id_token
        .claims(&verifier, &nonce)
        .map_err(|error| match error {
            openidconnect::ClaimsVerificationError::InvalidNonce(_) => {
                UpstreamFailure::NonceMismatch
            }
            openidconnect::ClaimsVerificationError::InvalidIssuer(message) => {
                UpstreamFailure::UnexpectedIssuer(message)
            }
            other => UpstreamFailure::InvalidToken(other.to_string()),
        })?;
    // The signature is checked: the payload can be read as JSON for claims the crate's
    // types leave out (Microsoft's `tid`, `amr` as sent).
    let mut answer = payload_of(&id_token.to_string())?;
    if is_microsoft {
        let iss = answer["iss"].as_str().unwrap_or_default();
        let tid = answer["tid"].as_str();
        if !microsoft_issuer_matches(&issuer_template, iss, tid) {
            return Err(UpstreamFailure::UnexpectedIssuer(format!(
                "{iss} is not the issuer of tenant {}",
                tid.unwrap_or("(none)")
            )));
        }
    }
    if client.user_info_url().is_some() {
        let info: UserInfoClaims<EmptyAdditionalClaims, CoreGenderClaim> = client
            .user_info(
                tokens.access_token().clone(),
                Some(claims.subject().clone()),
            )
            .map_err(|error| UpstreamFailure::Misconfigured(error.to_string()))?
            .request_async(&crates_http)
            .await
            .map_err(|error| UpstreamFailure::Unreachable(error.to_string()))?;
        let info = serde_json::to_value(&info)
            .map_err(|error| UpstreamFailure::Unreachable(error.to_string()))?;
        // UserInfo adds what the ID token lacks; the ID token's own claims win.
        if let (Some(answer), serde_json::Value::Object(info)) = (answer.as_object_mut(), info) {
            for (name, value) in info {
                answer.entry(name).or_insert(value);
            }
        }
    }
    identity_from(&provider.claims, &answer, provider.email_trusted)
        .map_err(|missing| UpstreamFailure::MissingClaim(missing.to_string()))
}

/// The payload of a JWT whose signature has been checked.
fn payload_of(jwt: &str) -> Result<serde_json::Value, UpstreamFailure> {
    use base64::Engine as _;
    let payload = jwt
        .split('.')
        .nth(1)
        .and_then(|part| {
            base64::engine::general_purpose::URL_SAFE_NO_PAD
                .decode(part)
                .ok()
        })
        .and_then(|bytes| serde_json::from_slice(&bytes).ok())
        .ok_or_else(|| UpstreamFailure::InvalidToken("unreadable payload".to_owned()))?;
    Ok(payload)
}

async fn oauth2_identity(
    http: &UpstreamHttp,
    provider: &UpstreamProvider,
    client_secret: Option<String>,
    redirect_uri: &str,
    code: &str,
    secrets: &RequestSecrets,
) -> Result<UpstreamIdentity, UpstreamFailure> {
    let endpoints = provider.endpoints.over(Endpoints::defaults(provider.kind));
    let token = endpoints
        .token
        .ok_or_else(|| UpstreamFailure::Misconfigured("no token endpoint".to_owned()))?;
    let userinfo = endpoints
        .userinfo
        .ok_or_else(|| UpstreamFailure::Misconfigured("no user info endpoint".to_owned()))?;
    let mut client = oauth2::basic::BasicClient::new(ClientId::new(provider.client_id.clone()))
        .set_token_uri(
            oauth2::TokenUrl::new(token)
                .map_err(|error| UpstreamFailure::Misconfigured(error.to_string()))?,
        )
        .set_redirect_uri(redirect(redirect_uri)?);
    if let Some(secret) = client_secret {
        client = client.set_client_secret(ClientSecret::new(secret));
    }
    if provider.kind == ProviderKind::Facebook {
        // Facebook reads the client's credentials from the request body.
        client = client.set_auth_type(oauth2::AuthType::RequestBody);
    }
    let crates_http = http.for_crates();
    let tokens = client
        .exchange_code(AuthorizationCode::new(code.to_owned()))
        .set_pkce_verifier(PkceCodeVerifier::new(secrets.pkce_verifier.clone()))
        .request_async(&crates_http)
        .await
        .map_err(|error| refused(&error))?;
    let answer = http
        .get_json(&userinfo, Some(tokens.access_token().secret()))
        .await
        .map_err(|error| UpstreamFailure::Unreachable(error.to_string()))?;
    let mapping = if provider.kind == ProviderKind::Oauth2 {
        provider.claims.clone()
    } else {
        ClaimMapping::for_kind(provider.kind)
    };
    identity_from(&mapping, &answer, provider.email_trusted)
        .map_err(|missing| UpstreamFailure::MissingClaim(missing.to_string()))
}
