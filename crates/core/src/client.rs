//! Registered clients (relying parties) and the rules that govern their redirect URIs.

use crate::keys::SigningAlgorithm;
use crate::scope::Scope;
use crate::{ClientId, StudioId, UnixTime};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;
use url::Url;

/// An OAuth2 grant type a client may use at the token endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GrantType {
    /// RFC 6749 §4.1, with PKCE.
    AuthorizationCode,
    /// RFC 6749 §6.
    RefreshToken,
    /// RFC 6749 §4.4; confidential clients only.
    ClientCredentials,
}

impl GrantType {
    /// Every grant type we implement.
    pub const ALL: [GrantType; 3] = [
        Self::AuthorizationCode,
        Self::RefreshToken,
        Self::ClientCredentials,
    ];

    /// The `grant_type` parameter value.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::AuthorizationCode => "authorization_code",
            Self::RefreshToken => "refresh_token",
            Self::ClientCredentials => "client_credentials",
        }
    }
}

impl fmt::Display for GrantType {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(self.as_str())
    }
}

impl FromStr for GrantType {
    type Err = ClientRegistrationError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|grant| grant.as_str() == text)
            .ok_or_else(|| ClientRegistrationError::UnknownGrantType(text.to_owned()))
    }
}

/// A registered relying party.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Client {
    /// The public `client_id`.
    pub id: ClientId,
    /// Shown on the consent page.
    pub name: String,
    /// Keyed digest of the client secret; `None` for public clients.
    pub secret_digest: Option<String>,
    /// For `client_secret_jwt` only: the secret, encrypted under the key-encryption key
    /// (an HMAC is checked with the secret itself, not its digest).
    pub encrypted_secret: Option<String>,
    /// Exact redirect URIs (RFC 6749 §3.1.2), loopback ports excepted (RFC 8252 §7.3).
    pub redirect_uris: Vec<String>,
    /// Where RP-Initiated Logout may send the browser afterwards.
    pub post_logout_redirect_uris: Vec<String>,
    /// The grants this client may use.
    pub grant_types: Vec<GrantType>,
    /// The scopes this client may ask for.
    pub scopes: Scope,
    /// First-party clients skip the consent page.
    pub is_first_party: bool,
    /// Audiences of the access tokens it receives; empty means its own `client_id`.
    pub access_token_audiences: Vec<String>,
    /// The `alg` of its ID tokens (`id_token_signed_response_alg`).
    pub id_token_signing_algorithm: SigningAlgorithm,
    /// Studios the client is limited to; empty means any.
    pub allowed_studios: Vec<StudioId>,
    /// Every token must name a studio.
    pub require_studio: bool,
    /// OpenID Connect Back-Channel Logout: where to send logout tokens.
    pub backchannel_logout_uri: Option<String>,
    /// Its sign-in page offers registration even when the instance does not.
    pub allows_registration: bool,
    /// The public keys it authenticates with (`private_key_jwt`), instead of a secret.
    pub keys: Option<ClientKeys>,
    /// Its authorization requests must be pushed first (RFC 9126
    /// `require_pushed_authorization_requests`).
    pub requires_pushed_requests: bool,
    /// Held to the FAPI 2.0 Security Profile: pushed requests with PKCE, `private_key_jwt`,
    /// DPoP-bound tokens, codes of at most a minute.
    pub is_fapi: bool,
    /// The `alg` its UserInfo answers are signed with (`userinfo_signed_response_alg`);
    /// `None`: plain JSON.
    pub userinfo_signing_algorithm: Option<SigningAlgorithm>,
    /// Registration time.
    pub created_at: UnixTime,
}

/// Where a client's public keys are: given at registration, or published by the client.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ClientKeys {
    /// A JWK Set (RFC 7517 §5), as JSON text.
    Jwks(String),
    /// The URL the client publishes its JWK Set at (`jwks_uri`).
    JwksUri(String),
}

/// How a client proves who it is at the token, introspection and revocation endpoints.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthenticationMethod {
    /// A shared secret: `client_secret_basic` or `client_secret_post`.
    Secret,
    /// A JWT the client MACs with its secret (`client_secret_jwt`, OIDC Core §9).
    SecretJwt,
    /// A JWT signed with one of its registered keys (RFC 7523, OIDC Core §9).
    PrivateKeyJwt,
    /// Nothing: a public client.
    None,
}

impl Client {
    /// Public clients (RFC 6749 §2.1) cannot keep a secret or a key: native and browser
    /// apps.
    #[must_use]
    pub fn is_public(&self) -> bool {
        self.authentication_method() == AuthenticationMethod::None
    }

    /// How the client authenticates.
    #[must_use]
    pub fn authentication_method(&self) -> AuthenticationMethod {
        match (&self.secret_digest, &self.keys) {
            (Some(_), _) if self.encrypted_secret.is_some() => AuthenticationMethod::SecretJwt,
            (Some(_), _) => AuthenticationMethod::Secret,
            (None, Some(_)) => AuthenticationMethod::PrivateKeyJwt,
            (None, None) => AuthenticationMethod::None,
        }
    }

    /// Whether each refresh answers with a new refresh token and retires the old one (with
    /// reuse detection, OAuth 2.0 Security BCP §4.14.2). A FAPI client's refresh tokens are
    /// bound to its DPoP key, which is what rotation would stand in for, and FAPI 2.0
    /// §5.3.2.1 asks for no rotation: a response lost on the network would otherwise leave
    /// the client with a retired token and a dead grant. Its refresh token is kept.
    #[must_use]
    pub fn rotates_refresh_tokens(&self) -> bool {
        !self.is_fapi
    }

    /// Whether the client is registered for `grant`.
    #[must_use]
    pub fn allows_grant(&self, grant: GrantType) -> bool {
        self.grant_types.contains(&grant)
    }

    /// The registered redirect URI that `requested` matches, if any.
    ///
    /// Comparison is exact string equality (RFC 6749 §3.1.2.3, OAuth 2.0 Security BCP §4.1.3),
    /// with one exception: a registered loopback IP literal with `http` matches any port,
    /// because a native app binds whatever port is free (RFC 8252 §7.3).
    #[must_use]
    pub fn match_redirect_uri(&self, requested: &str) -> Option<&str> {
        self.redirect_uris
            .iter()
            .find(|registered| {
                registered.as_str() == requested
                    || is_same_loopback_except_port(registered, requested)
            })
            .map(String::as_str)
    }

    /// Whether `requested` is registered as a post-logout redirect URI (exact match).
    #[must_use]
    pub fn has_post_logout_redirect_uri(&self, requested: &str) -> bool {
        self.post_logout_redirect_uris
            .iter()
            .any(|registered| registered == requested)
    }

    /// The `aud` of access tokens for this client.
    #[must_use]
    pub fn access_token_audience(&self) -> Vec<String> {
        if self.access_token_audiences.is_empty() {
            vec![self.id.as_str().to_owned()]
        } else {
            self.access_token_audiences.clone()
        }
    }
}

fn is_same_loopback_except_port(registered: &str, requested: &str) -> bool {
    let (Ok(registered), Ok(requested)) = (Url::parse(registered), Url::parse(requested)) else {
        return false;
    };
    let is_loopback_literal = |url: &Url| {
        url.scheme() == "http"
            && match url.host() {
                Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
                Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
                _ => false,
            }
    };
    is_loopback_literal(&registered)
        && registered.host() == requested.host()
        && registered.scheme() == requested.scheme()
        && registered.path() == requested.path()
        && registered.query() == requested.query()
        && requested.fragment().is_none()
        && requested.username().is_empty()
        && requested.password().is_none()
}

/// Why a client registration was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ClientRegistrationError {
    /// The name is empty or too long.
    #[error("the client name must be 1 to 200 characters")]
    InvalidName,
    /// A client that uses the code flow needs somewhere to send the code.
    #[error("at least one --redirect-uri is required for the authorization_code grant")]
    MissingRedirectUri,
    /// A redirect URI breaks a rule; the message says which.
    #[error("redirect URI {uri:?} is not allowed: {reason}")]
    InvalidRedirectUri {
        /// The offending URI.
        uri: String,
        /// Which rule it breaks.
        reason: &'static str,
    },
    /// Unknown grant type.
    #[error(
        "unknown grant type {0:?}; use authorization_code, refresh_token or client_credentials"
    )]
    UnknownGrantType(String),
    /// Public clients cannot authenticate, so they cannot use client credentials.
    #[error("a public client cannot use the client_credentials grant")]
    PublicClientCredentials,
    /// The scope string is malformed.
    #[error("invalid scopes: {0}")]
    InvalidScopes(String),
    /// No grant type at all.
    #[error("at least one grant type is required")]
    NoGrantTypes,
    /// The keys given for `private_key_jwt` are not usable; the message says why.
    #[error("client keys: {0}")]
    InvalidKeys(String),
    /// A setting a FAPI 2.0 client cannot have; the message says which.
    #[error("{0}")]
    FapiRule(&'static str),
    /// A FAPI 2.0 client's ID tokens or UserInfo answers (the metadata name) would be
    /// signed with RS256.
    #[error(
        "a FAPI 2.0 client's {0} must be PS256, ES256 or EdDSA: FAPI 2.0 §5.4.1 rules out RS256"
    )]
    FapiSigningAlgorithm(&'static str),
}

/// Most keys a client may register inline.
pub const MAX_CLIENT_KEYS: usize = 10;
/// Largest JWK Set accepted, inline or fetched, in bytes.
pub const MAX_JWKS_BYTES: usize = 64 * 1024;
/// Shortest RSA modulus a client key may have (RFC 7518 §3.3 and §3.5; shorter keys never
/// verify a signature, so registering one is refused with a reason instead).
pub const MIN_RSA_BITS: usize = 2048;

/// The length in bits of an RSA JWK's modulus `n`; `None` when it is not base64url.
fn rsa_modulus_bits(jwk: &serde_json::Value) -> Option<usize> {
    let modulus = crate::secret::decode_base64url(jwk.get("n")?.as_str()?)?;
    let significant = modulus.iter().position(|byte| *byte != 0)?;
    let leading = usize::try_from(modulus[significant].leading_zeros()).ok()?;
    Some((modulus.len() - significant) * 8 - leading)
}

/// Checks a client's keys for registration: an inline JWK Set of public RSA, EC or OKP
/// keys (never a private or symmetric one), or an `https` `jwks_uri` (`http` on loopback
/// only, for development).
pub fn validate_keys(keys: &ClientKeys) -> Result<(), ClientRegistrationError> {
    let refuse = |reason: &str| Err(ClientRegistrationError::InvalidKeys(reason.to_owned()));
    match keys {
        ClientKeys::Jwks(text) => {
            if text.len() > MAX_JWKS_BYTES {
                return refuse("the JWK Set is larger than 64 KiB");
            }
            let Ok(set) = serde_json::from_str::<serde_json::Value>(text) else {
                return refuse("the JWK Set is not JSON");
            };
            let Some(listed) = set.get("keys").and_then(serde_json::Value::as_array) else {
                return refuse("a JWK Set is an object with a keys array");
            };
            if listed.is_empty() || listed.len() > MAX_CLIENT_KEYS {
                return refuse("a JWK Set holds 1 to 10 keys");
            }
            for key in listed {
                let kty = key.get("kty").and_then(serde_json::Value::as_str);
                if !matches!(kty, Some("RSA" | "EC" | "OKP")) {
                    return refuse("each key is an RSA, EC or OKP public key");
                }
                if key.get("d").is_some() || key.get("p").is_some() {
                    return refuse("a key is private; register only the public part");
                }
                if kty == Some("RSA")
                    && rsa_modulus_bits(key).is_none_or(|bits| bits < MIN_RSA_BITS)
                {
                    return refuse("an RSA key needs a modulus of at least 2048 bits");
                }
            }
            Ok(())
        }
        ClientKeys::JwksUri(uri) => {
            let Ok(parsed) = Url::parse(uri) else {
                return refuse("jwks_uri is not a URL");
            };
            let loopback = matches!(
                parsed.host(),
                Some(url::Host::Ipv4(address)) if address.is_loopback()
            ) || matches!(parsed.host(), Some(url::Host::Ipv6(address)) if address.is_loopback())
                || parsed.host_str() == Some("localhost");
            match parsed.scheme() {
                "https" => {}
                "http" if loopback => {}
                _ => return refuse("jwks_uri must use https"),
            }
            if !parsed.username().is_empty() || parsed.fragment().is_some() {
                return refuse("jwks_uri has no user information and no fragment");
            }
            Ok(())
        }
    }
}

/// Checks a redirect URI for registration.
///
/// Allowed: `https` URIs; `http` only on loopback hosts (development and RFC 8252 §7.3 native
/// apps); private-use schemes in reverse-domain form for native apps (RFC 8252 §7.1). Never a
/// fragment (RFC 6749 §3.1.2), never userinfo.
pub fn validate_redirect_uri(uri: &str) -> Result<(), ClientRegistrationError> {
    let refuse = |reason| {
        Err(ClientRegistrationError::InvalidRedirectUri {
            uri: uri.to_owned(),
            reason,
        })
    };
    if uri.len() > 2000 {
        return refuse("it is longer than 2000 characters");
    }
    let Ok(url) = Url::parse(uri) else {
        return refuse("it is not an absolute URI");
    };
    if url.fragment().is_some() {
        return refuse("it contains a fragment");
    }
    if !url.username().is_empty() || url.password().is_some() {
        return refuse("it contains user information");
    }
    match url.scheme() {
        "https" => Ok(()),
        "http" => match url.host() {
            Some(url::Host::Domain("localhost")) => Ok(()),
            Some(url::Host::Ipv4(ip)) if ip.is_loopback() => Ok(()),
            Some(url::Host::Ipv6(ip)) if ip.is_loopback() => Ok(()),
            _ => refuse("plain http is only allowed for loopback hosts; use https"),
        },
        "javascript" | "data" | "file" | "vbscript" | "blob" | "about" => {
            refuse("that scheme is unsafe")
        }
        scheme if scheme.contains('.') => Ok(()),
        _ => refuse("a private-use scheme must be a reversed domain name such as com.example.app"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn client(redirect_uris: &[&str]) -> Client {
        Client {
            id: ClientId::new("c"),
            name: "C".into(),
            secret_digest: None,
            encrypted_secret: None,
            redirect_uris: redirect_uris.iter().map(|uri| (*uri).to_owned()).collect(),
            post_logout_redirect_uris: vec![],
            grant_types: vec![GrantType::AuthorizationCode],
            scopes: Scope::default(),
            is_first_party: false,
            access_token_audiences: vec![],
            id_token_signing_algorithm: SigningAlgorithm::RS256,
            allowed_studios: vec![],
            require_studio: false,
            backchannel_logout_uri: None,
            allows_registration: false,
            keys: None,
            requires_pushed_requests: false,
            is_fapi: false,
            userinfo_signing_algorithm: None,
            created_at: UnixTime(0),
        }
    }

    fn check(registered: &[&str], requested: &str, expected: bool) {
        assert_eq!(
            client(registered).match_redirect_uri(requested).is_some(),
            expected,
            "{requested} against {registered:?}"
        );
    }

    #[test]
    fn redirect_uri_matching() {
        check(&["https://rp.example/cb"], "https://rp.example/cb", true);
        check(&["https://rp.example/cb"], "https://rp.example/cb/", false);
        check(
            &["https://rp.example/cb"],
            "https://rp.example/cb?x=1",
            false,
        );
        check(&["https://rp.example/cb"], "https://RP.example/cb", false);
        check(
            &["https://rp.example:443/cb"],
            "https://rp.example:8443/cb",
            false,
        );
        check(&["http://127.0.0.1/cb"], "http://127.0.0.1:51234/cb", true);
        check(&["http://[::1]:80/cb"], "http://[::1]:51234/cb", true);
        check(
            &["http://127.0.0.1/cb"],
            "http://127.0.0.1:51234/other",
            false,
        );
        check(&["http://localhost/cb"], "http://localhost:51234/cb", false);
        check(&["com.example.app:/cb"], "com.example.app:/cb", true);
    }

    #[test]
    fn redirect_uri_registration() {
        assert!(validate_redirect_uri("https://rp.example/cb").is_ok());
        assert!(validate_redirect_uri("http://localhost:3000/cb").is_ok());
        assert!(validate_redirect_uri("http://127.0.0.1/cb").is_ok());
        assert!(validate_redirect_uri("com.example.app:/oauth").is_ok());
        assert!(validate_redirect_uri("http://rp.example/cb").is_err());
        assert!(validate_redirect_uri("https://rp.example/cb#x").is_err());
        assert!(validate_redirect_uri("javascript:alert(1)").is_err());
        assert!(validate_redirect_uri("myapp:/cb").is_err());
        assert!(validate_redirect_uri("/relative").is_err());
    }

    #[test]
    fn rsa_client_keys_need_2048_bits() {
        let rsa_key = |modulus: &[u8]| {
            let key = serde_json::json!({
                "kty": "RSA", "e": "AQAB", "n": crate::secret::base64url(modulus),
            });
            ClientKeys::Jwks(serde_json::json!({ "keys": [key] }).to_string())
        };
        let mut modulus = vec![0xc5_u8; 256];
        assert!(validate_keys(&rsa_key(&modulus)).is_ok(), "2048 bits");
        // A leading zero byte and a short top byte do not count.
        modulus[0] = 0x7f;
        assert!(validate_keys(&rsa_key(&modulus)).is_err(), "2047 bits");
        let padded: Vec<u8> = std::iter::once(0).chain(vec![0xc5; 255]).collect();
        assert!(validate_keys(&rsa_key(&padded)).is_err(), "2040 bits");
        assert!(validate_keys(&rsa_key(&[0xc5; 128])).is_err(), "1024 bits");
        let unreadable = ClientKeys::Jwks(
            serde_json::json!({"keys": [{"kty": "RSA", "e": "AQAB", "n": "not base64!"}]})
                .to_string(),
        );
        assert!(validate_keys(&unreadable).is_err());
    }
}
