//! `/.well-known/openid-configuration` (OpenID Connect Discovery 1.0 §3).

use crate::config::{Config, ConfigError};
use crate::state::AppState;
use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;
use gatehouse_core::scope::STANDARD_SCOPES;
use gatehouse_core::session::{ACR_MULTI_FACTOR, ACR_SINGLE_FACTOR};

/// Endpoint paths, relative to the issuer.
pub mod paths {
    /// Authorization endpoint.
    pub const AUTHORIZE: &str = "/authorize";
    /// Token endpoint.
    pub const TOKEN: &str = "/token";
    /// Pushed authorization requests (RFC 9126).
    pub const PAR: &str = "/par";
    /// UserInfo endpoint.
    pub const USERINFO: &str = "/userinfo";
    /// JWKS.
    pub const JWKS: &str = "/jwks";
    /// RP-Initiated Logout.
    pub const END_SESSION: &str = "/logout";
    /// RFC 7009.
    pub const REVOCATION: &str = "/revoke";
    /// RFC 7662.
    pub const INTROSPECTION: &str = "/introspect";
    /// Discovery.
    pub const DISCOVERY: &str = "/.well-known/openid-configuration";
}

/// Builds the discovery document once at start-up.
pub fn build_document(config: &Config) -> Result<String, ConfigError> {
    let issuer = config.issuer();
    let endpoint = |path: &str| format!("{issuer}{path}");
    let algorithms: Vec<&str> = config
        .signing_algorithms()?
        .into_iter()
        .map(|algorithm| algorithm.as_str())
        .collect();
    // Client assertions: the asymmetric algorithms of private_key_jwt, and client_secret_jwt's
    // HMAC.
    let assertion_algorithms: Vec<&str> = gatehouse_core::client_assertion::ALGORITHMS
        .into_iter()
        .chain([crate::service::client_keys::SECRET_ALGORITHM])
        .collect();
    let document = serde_json::json!({
        "issuer": issuer,
        "authorization_endpoint": endpoint(paths::AUTHORIZE),
        "token_endpoint": endpoint(paths::TOKEN),
        "userinfo_endpoint": endpoint(paths::USERINFO),
        "jwks_uri": endpoint(paths::JWKS),
        "end_session_endpoint": endpoint(paths::END_SESSION),
        "revocation_endpoint": endpoint(paths::REVOCATION),
        "introspection_endpoint": endpoint(paths::INTROSPECTION),
        "pushed_authorization_request_endpoint": endpoint(paths::PAR),
        "require_pushed_authorization_requests": false,
        "scopes_supported": STANDARD_SCOPES,
        "response_types_supported": ["code"],
        "response_modes_supported": ["query"],
        "grant_types_supported": ["authorization_code", "refresh_token", "client_credentials"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": algorithms,
        "userinfo_signing_alg_values_supported": algorithms,
        "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post", "client_secret_jwt", "private_key_jwt", "none"],
        "token_endpoint_auth_signing_alg_values_supported": assertion_algorithms,
        "revocation_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post", "client_secret_jwt", "private_key_jwt", "none"],
        "revocation_endpoint_auth_signing_alg_values_supported": assertion_algorithms,
        "introspection_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post", "client_secret_jwt", "private_key_jwt"],
        "introspection_endpoint_auth_signing_alg_values_supported": assertion_algorithms,
        "code_challenge_methods_supported": ["S256"],
        "claims_supported": [
            "sub", "iss", "aud", "exp", "iat", "auth_time", "nonce", "acr", "amr", "azp", "sid", "at_hash",
            "name", "preferred_username", "locale", "birthdate", "updated_at",
            "email", "email_verified", "phone_number", "phone_number_verified", "address",
            "company", "trade_name", "job_title",
            "studio_id", "studio_slug", "studio_name", "studio_roles", "studio_licence"
        ],
        "claim_types_supported": ["normal"],
        "claims_parameter_supported": true,
        "request_parameter_supported": true,
        "request_object_signing_alg_values_supported": gatehouse_core::client_assertion::ALGORITHMS,
        "request_uri_parameter_supported": false,
        "prompt_values_supported": ["none", "login", "consent", "select_account"],
        "acr_values_supported": [ACR_SINGLE_FACTOR, ACR_MULTI_FACTOR],
        "ui_locales_supported": crate::i18n::SUPPORTED,
        "authorization_response_iss_parameter_supported": true,
        "dpop_signing_alg_values_supported": gatehouse_core::dpop::PROOF_ALGORITHMS,
        "backchannel_logout_supported": true,
        "backchannel_logout_session_supported": true,
    });
    let mut document = document;
    if config.dynamic_registration.enabled {
        document["registration_endpoint"] =
            serde_json::json!(endpoint(crate::protocol::client_registration::PATH));
    }
    Ok(document.to_string())
}

/// `GET /.well-known/openid-configuration`
pub async fn show(State(state): State<AppState>) -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "application/json"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
            (header::ACCESS_CONTROL_ALLOW_ORIGIN, "*"),
        ],
        state.discovery_document.to_string(),
    )
}
