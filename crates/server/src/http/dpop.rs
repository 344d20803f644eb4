//! Verifying DPoP proofs (RFC 9449 §4.3): the `DPoP` header's JWT, signed by the key it
//! carries, bound to this request, used once.

use crate::state::AppState;
use axum::http::HeaderMap;
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use gatehouse_core::dpop::{self, DpopRejection, ProofClaims};
use gatehouse_core::secret::sha256_base64url;
use josekit::jwk::Jwk;
use josekit::jws::{self, ES256, EdDSA, JwsVerifier, PS256, RS256};
use serde_json::{Map, Value};

pub use gatehouse_core::dpop::DpopProof;

#[derive(serde::Deserialize)]
struct ProofHeader {
    typ: Option<String>,
    alg: Option<String>,
    jwk: Option<Map<String, Value>>,
}

/// Verifies the request's DPoP proof for `method` on `url`; `Ok(None)` when there is none.
/// At a resource, `access_token` is the presented token, whose hash the proof must carry.
pub async fn verify(
    state: &AppState,
    headers: &HeaderMap,
    address: std::net::IpAddr,
    method: &str,
    url: &str,
    access_token: Option<&str>,
) -> Result<Option<DpopProof>, DpopRejection> {
    let mut values = headers.get_all("dpop").iter();
    let Some(value) = values.next() else {
        return Ok(None);
    };
    if values.next().is_some() {
        return Err(DpopRejection::Malformed);
    }
    let proof = value.to_str().map_err(|_| DpopRejection::Malformed)?;
    let now = state.now();
    let max_age = state.config.dpop.proof_max_age_seconds;
    let CheckedProof {
        jkt,
        jti,
        algorithm,
        nonce,
    } = check_proof(proof, method, url, access_token, now, max_age)?;
    if state.config.dpop.require_nonce
        && !nonce.is_some_and(|nonce| {
            state
                .secrets
                .is_dpop_nonce(&nonce, &dpop::nonce_windows(now))
        })
    {
        return Err(DpopRejection::NonceRequired);
    }
    // The same jti may only be used once within the proof's lifetime (§11.1); each one
    // is a row, so one address may only leave so many.
    if !state.pending_rows.take(address, now) {
        return Err(DpopRejection::TooMany);
    }
    let jti_digest = sha256_base64url(format!("{jkt}:{jti}").as_bytes());
    let expires_at = now.plus_seconds(max_age + 10);
    let is_new = state
        .store
        .write(move |connection| {
            gatehouse_store::grants::record_used_once(connection, &jti_digest, expires_at)
        })
        .await
        .map_err(|error| {
            tracing::error!(%error, "recording a DPoP proof failed");
            DpopRejection::Replayed
        })?;
    if !is_new {
        return Err(DpopRejection::Replayed);
    }
    Ok(Some(DpopProof { jkt, algorithm }))
}

/// A proof whose form, signature and claims are right; whether its `jti` is new is the
/// database's to say.
#[derive(Debug)]
pub struct CheckedProof {
    /// The thumbprint of the key that signed it.
    pub jkt: String,
    /// The proof's unique id.
    pub jti: String,
    /// The `alg` it was signed with.
    pub algorithm: &'static str,
    /// The server nonce it names, if any.
    pub nonce: Option<String>,
}

/// The nonce a client should put in its next proof (the `DPoP-Nonce` header).
#[must_use]
pub fn current_nonce(state: &AppState) -> String {
    let [current, _] = dpop::nonce_windows(state.now());
    state.secrets.dpop_nonce(current)
}

/// With nonces required, every answer to a request that carried a DPoP proof hands out
/// the current nonce, refusals included: that is how a client learns it (RFC 9449 §8.1).
pub async fn hand_out_nonces(
    axum::extract::State(state): axum::extract::State<AppState>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let carries_proof = request.headers().contains_key("dpop");
    let mut response = next.run(request).await;
    if carries_proof
        && state.config.dpop.require_nonce
        && let Ok(value) = axum::http::HeaderValue::from_str(&current_nonce(&state))
    {
        response.headers_mut().insert("dpop-nonce", value);
    }
    response
}

/// Everything about a DPoP proof that needs no database: the header (type, algorithm, an
/// embedded public key), the signature by that key, and the claims bound to `method`,
/// `url` and `access_token`, no older than `max_age` seconds at `now`. Outside input
/// reaches it unfiltered, so it is a fuzz target.
pub fn check_proof(
    proof: &str,
    method: &str,
    url: &str,
    access_token: Option<&str>,
    now: gatehouse_core::UnixTime,
    max_age: i64,
) -> Result<CheckedProof, DpopRejection> {
    let encoded_header = proof.split('.').next().ok_or(DpopRejection::Malformed)?;
    let header: ProofHeader = URL_SAFE_NO_PAD
        .decode(encoded_header)
        .ok()
        .and_then(|bytes| serde_json::from_slice(&bytes).ok())
        .ok_or(DpopRejection::Malformed)?;
    let jkt = dpop::check_header(
        header.typ.as_deref(),
        header.alg.as_deref(),
        header.jwk.as_ref(),
    )?;
    let algorithm = dpop::PROOF_ALGORITHMS
        .into_iter()
        .find(|known| header.alg.as_deref() == Some(*known))
        .ok_or(DpopRejection::UnsupportedAlgorithm)?;
    let jwk = Jwk::from_map(header.jwk.unwrap_or_default()).map_err(|_| DpopRejection::BadKey)?;
    let verifier: Box<dyn JwsVerifier> = match algorithm {
        "ES256" => Box::new(
            ES256
                .verifier_from_jwk(&jwk)
                .map_err(|_| DpopRejection::BadKey)?,
        ),
        "RS256" => Box::new(
            RS256
                .verifier_from_jwk(&jwk)
                .map_err(|_| DpopRejection::BadKey)?,
        ),
        "PS256" => Box::new(
            PS256
                .verifier_from_jwk(&jwk)
                .map_err(|_| DpopRejection::BadKey)?,
        ),
        "EdDSA" => Box::new(
            EdDSA
                .verifier_from_jwk(&jwk)
                .map_err(|_| DpopRejection::BadKey)?,
        ),
        _ => return Err(DpopRejection::UnsupportedAlgorithm),
    };
    let (payload, _) = jws::deserialize_compact(proof, verifier.as_ref())
        .map_err(|_| DpopRejection::BadSignature)?;
    let claims: ProofClaims =
        serde_json::from_slice(&payload).map_err(|_| DpopRejection::Malformed)?;
    dpop::check_claims(&claims, method, url, access_token, now, max_age)?;
    Ok(CheckedProof {
        jkt,
        jti: claims.jti,
        algorithm,
        nonce: claims.nonce,
    })
}
