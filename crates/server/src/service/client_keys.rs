//! `private_key_jwt` (RFC 7523, OIDC Core §9): a client assertion verified with the
//! client's registered keys — given inline, or fetched from its `jwks_uri` with a timeout
//! and a size cap, and kept for a few minutes.

use crate::state::AppState;
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use gatehouse_core::client::{AuthenticationMethod, Client, ClientKeys};
use gatehouse_core::client_assertion::{self, AcceptedAssertion, AssertionRejection, AudienceRule};
use gatehouse_core::secret::sha256_base64url;
use josekit::jwk::Jwk;
use josekit::jws::{self, ES256, EdDSA, HS256, JwsVerifier, PS256, RS256};
use serde_json::{Map, Value};
use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

/// Fetched key sets, by URL.
#[derive(Debug, Default)]
pub struct JwksCache {
    entries: Mutex<HashMap<String, (Instant, Value)>>,
}

impl JwksCache {
    /// How long a fetched set is used.
    pub const TIME_TO_LIVE: Duration = Duration::from_secs(300);
    /// A set at least this old is fetched again when no key in it verifies (the client
    /// rotated its keys); younger, it is not, so bad assertions cannot make us fetch often.
    pub const REFETCH_AFTER: Duration = Duration::from_secs(30);
    /// Most sets kept.
    pub const CAPACITY: usize = 1024;

    fn get(&self, uri: &str) -> Option<(Instant, Value)> {
        let entries = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
        entries
            .get(uri)
            .filter(|(fetched, _)| fetched.elapsed() < Self::TIME_TO_LIVE)
            .cloned()
    }

    fn put(&self, uri: &str, set: Value) {
        let mut entries = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
        if entries.len() >= Self::CAPACITY {
            entries.retain(|_, (fetched, _)| fetched.elapsed() < Self::TIME_TO_LIVE);
            if entries.len() >= Self::CAPACITY {
                entries.clear();
            }
        }
        entries.insert(uri.to_owned(), (Instant::now(), set));
    }
}

/// The header and claims of a client-signed JWT (an assertion or a request object), read
/// before its signature is checked (to know whose keys to check it with).
#[derive(Debug)]
pub struct UnverifiedAssertion {
    /// `alg`.
    pub algorithm: String,
    /// `kid`, if given.
    pub key_id: Option<String>,
    /// The claims.
    pub claims: Map<String, Value>,
}

impl UnverifiedAssertion {
    /// Reads a compact JWS; `None` when it is not one.
    #[must_use]
    pub fn read(assertion: &str) -> Option<Self> {
        if assertion.len() > 16 * 1024 {
            return None;
        }
        let mut parts = assertion.split('.');
        let (Some(header), Some(payload), Some(_), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return None;
        };
        let decode = |part: &str| -> Option<Map<String, Value>> {
            serde_json::from_slice(&URL_SAFE_NO_PAD.decode(part).ok()?).ok()
        };
        let header = decode(header)?;
        Some(Self {
            algorithm: header.get("alg")?.as_str()?.to_owned(),
            key_id: header.get("kid").and_then(Value::as_str).map(str::to_owned),
            claims: decode(payload)?,
        })
    }

    /// The `iss` claim: the client that says it signed.
    #[must_use]
    pub fn issuer(&self) -> Option<&str> {
        self.claims.get("iss").and_then(Value::as_str)
    }
}

fn verifier(algorithm: &str, key: &Value) -> Option<Box<dyn JwsVerifier>> {
    let Value::Object(map) = key else {
        return None;
    };
    let jwk = Jwk::from_map(map.clone()).ok()?;
    if jwk.key_use().is_some_and(|usage| usage != "sig") {
        return None;
    }
    Some(match algorithm {
        "RS256" => Box::new(RS256.verifier_from_jwk(&jwk).ok()?),
        "PS256" => Box::new(PS256.verifier_from_jwk(&jwk).ok()?),
        "ES256" => Box::new(ES256.verifier_from_jwk(&jwk).ok()?),
        "EdDSA" => Box::new(EdDSA.verifier_from_jwk(&jwk).ok()?),
        _ => return None,
    })
}

/// Whether a key of `set` (the one named by `kid`, or any) verifies `assertion`.
fn verifies(set: &Value, assertion: &str, algorithm: &str, key_id: Option<&str>) -> bool {
    let keys = set
        .get("keys")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or_default();
    keys.iter()
        .filter(|key| {
            key_id.is_none_or(|wanted| key.get("kid").and_then(Value::as_str) == Some(wanted))
        })
        .filter_map(|key| verifier(algorithm, key))
        .any(|verifier| jws::deserialize_compact(assertion, verifier.as_ref()).is_ok())
}

async fn fetch(state: &AppState, uri: &str) -> Option<Value> {
    match state.upstream_http.get_json(uri, None).await {
        Ok(set) if set.get("keys").is_some_and(Value::is_array) => {
            state.client_jwks.put(uri, set.clone());
            Some(set)
        }
        Ok(_) => {
            tracing::warn!(%uri, "a client's jwks_uri did not answer a JWK Set");
            None
        }
        Err(error) => {
            tracing::warn!(%uri, error = %error.0, "a client's jwks_uri could not be fetched");
            None
        }
    }
}

/// Whether one of `client`'s keys signed `jwt` (whose header `read` holds) with an accepted
/// asymmetric algorithm. A `jwks_uri` copy older than [`JwksCache::REFETCH_AFTER`] in which
/// no key verifies is fetched again, to follow a client that rotated its keys.
pub async fn is_signed_by(
    state: &AppState,
    client: &Client,
    jwt: &str,
    read: &UnverifiedAssertion,
) -> bool {
    if !client_assertion::is_accepted_algorithm(&read.algorithm, client.is_fapi) {
        return false;
    }
    let key_id = read.key_id.as_deref();
    match &client.keys {
        Some(ClientKeys::Jwks(text)) => serde_json::from_str::<Value>(text)
            .is_ok_and(|set| verifies(&set, jwt, &read.algorithm, key_id)),
        Some(ClientKeys::JwksUri(uri)) => {
            let cached = state.client_jwks.get(uri);
            let cached_verifies = cached
                .as_ref()
                .is_some_and(|(_, set)| verifies(set, jwt, &read.algorithm, key_id));
            let may_refetch = cached
                .as_ref()
                .is_none_or(|(fetched, _)| fetched.elapsed() >= JwksCache::REFETCH_AFTER);
            cached_verifies
                || (may_refetch
                    && fetch(state, uri)
                        .await
                        .is_some_and(|set| verifies(&set, jwt, &read.algorithm, key_id)))
        }
        None => false,
    }
}

/// The MAC algorithm of `client_secret_jwt` assertions.
pub const SECRET_ALGORITHM: &str = "HS256";

/// Whether `jwt` carries an HS256 MAC made with `client`'s secret (`client_secret_jwt`).
fn is_maced_with_secret(state: &AppState, client: &Client, jwt: &str) -> bool {
    let Some(secret) = client
        .encrypted_secret
        .as_deref()
        .and_then(|encrypted| state.kek.decrypt(encrypted).ok())
    else {
        return false;
    };
    HS256
        .verifier_from_bytes(&secret)
        .is_ok_and(|verifier| jws::deserialize_compact(jwt, &verifier).is_ok())
}

/// Verifies `client`'s assertion for an endpoint: the signature with one of its keys, the
/// claims (audience: the issuer or `endpoint_url`; the issuer alone for a FAPI client), and that its `jti` was not used before.
pub async fn verify(
    state: &AppState,
    client: &Client,
    assertion: &str,
    read: &UnverifiedAssertion,
    endpoint_url: &str,
) -> Result<AcceptedAssertion, AssertionRejection> {
    let uses_secret = client.authentication_method() == AuthenticationMethod::SecretJwt;
    let accepted_algorithm = if uses_secret {
        read.algorithm == SECRET_ALGORITHM
    } else {
        client_assertion::is_accepted_algorithm(&read.algorithm, client.is_fapi)
    };
    if !accepted_algorithm {
        return Err(AssertionRejection::UnsupportedAlgorithm);
    }
    let now = state.now();
    let issuer = state.issuer.as_str();
    let audience = if client.is_fapi {
        AudienceRule::IssuerOnly { issuer }
    } else {
        AudienceRule::IssuerOrEndpoint {
            issuer,
            endpoint: endpoint_url,
        }
    };
    let accepted = client_assertion::check_claims(&read.claims, client.id.as_str(), audience, now)?;
    let signed = if uses_secret {
        is_maced_with_secret(state, client, assertion)
    } else {
        is_signed_by(state, client, assertion, read).await
    };
    if !signed {
        return Err(AssertionRejection::BadSignature);
    }
    // Used once: the jti is remembered (by digest) until the assertion expires.
    let digest = sha256_base64url(
        format!("client-assertion:{}:{}", client.id.as_str(), accepted.jti).as_bytes(),
    );
    let expires_at = accepted.expires_at;
    let is_new = state
        .store
        .write(move |connection| {
            gatehouse_store::grants::record_used_once(connection, &digest, expires_at)
        })
        .await
        .map_err(|error| {
            tracing::error!(%error, "recording a client assertion failed");
            AssertionRejection::Replayed
        })?;
    if !is_new {
        return Err(AssertionRejection::Replayed);
    }
    Ok(accepted)
}
