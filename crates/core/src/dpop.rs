//! Demonstrating Proof of Possession (RFC 9449): the checks on a DPoP proof that do not need
//! cryptography, and JWK thumbprints (RFC 7638) that name the bound key.

use crate::UnixTime;
use crate::secret::{base64url, constant_time_eq, sha256_base64url};
use serde::Deserialize;
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

/// Proof signing algorithms we accept.
pub const PROOF_ALGORITHMS: [&str; 4] = ["ES256", "PS256", "RS256", "EdDSA"];
/// The `typ` of a DPoP proof.
pub const PROOF_TYPE: &str = "dpop+jwt";

/// Why a proof is refused; all are `invalid_dpop_proof` (RFC 9449 §5) or, at a resource,
/// `invalid_token` / `invalid_dpop_proof`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum DpopRejection {
    /// Not a JWS with a JSON header and payload.
    #[error("the DPoP proof is malformed")]
    Malformed,
    /// `typ` is not `dpop+jwt`.
    #[error("the DPoP proof must have typ dpop+jwt")]
    WrongType,
    /// An algorithm we do not accept (never `none`, never symmetric).
    #[error("the DPoP proof algorithm is not supported")]
    UnsupportedAlgorithm,
    /// The header carries no public key, or a private one.
    #[error("the DPoP proof must carry the public key in its jwk header")]
    BadKey,
    /// The signature does not verify.
    #[error("the DPoP proof signature is invalid")]
    BadSignature,
    /// `htm` is not the request method.
    #[error("the DPoP proof htm does not match the request method")]
    WrongMethod,
    /// `htu` is not the request URL.
    #[error("the DPoP proof htu does not match the request URL")]
    WrongUrl,
    /// `iat` is too far from now.
    #[error("the DPoP proof is too old or from the future")]
    Stale,
    /// The `jti` was seen before.
    #[error("the DPoP proof was already used")]
    Replayed,
    /// `ath` is missing or does not hash the access token.
    #[error("the DPoP proof does not match the access token")]
    WrongAccessTokenHash,
    /// The proof's key is not the key the token is bound to.
    #[error("the DPoP proof key does not match the token's key")]
    KeyMismatch,
    /// This address sent more proofs this hour than we keep records for.
    #[error("too many DPoP proofs from this address; retry later")]
    TooMany,
    /// Nonces are required and the proof has none, or a stale or made-up one (§8).
    #[error("a DPoP nonce is required: sign a new proof with the one in the DPoP-Nonce header")]
    NonceRequired,
}

impl DpopRejection {
    /// The OAuth error code: `use_dpop_nonce` asks the client to retry with the nonce it
    /// was given (RFC 9449 §8); every other refusal is `invalid_dpop_proof`.
    #[must_use]
    pub fn error_code(self) -> &'static str {
        match self {
            Self::NonceRequired => "use_dpop_nonce",
            _ => "invalid_dpop_proof",
        }
    }
}

/// How long one server nonce is handed out (RFC 9449 §8). A nonce is accepted in its own
/// window and the next one, so it lives between one and two windows: long enough for a
/// client to make its next request, short enough that proofs cannot be made far ahead.
pub const NONCE_WINDOW_SECONDS: i64 = 300;

/// The nonce windows a proof made at `now` may name: the current one, then the previous.
#[must_use]
pub fn nonce_windows(now: UnixTime) -> [i64; 2] {
    let current = now.as_secs().div_euclid(NONCE_WINDOW_SECONDS);
    [current, current - 1]
}

/// A verified proof: the thumbprint of the key that signed it, which tokens get bound to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DpopProof {
    /// JWK SHA-256 thumbprint (`jkt`).
    pub jkt: String,
    /// The `alg` it was signed with, one of [`PROOF_ALGORITHMS`].
    pub algorithm: &'static str,
}

impl DpopProof {
    /// Whether a FAPI 2.0 client may sign proofs this way: PS256, ES256 or EdDSA, never the
    /// RSASSA-PKCS1-v1_5 of RS256 (FAPI 2.0 §5.4.1).
    #[must_use]
    pub fn is_fapi_approved(&self) -> bool {
        self.algorithm != "RS256"
    }
}

/// The claims of a proof.
#[derive(Debug, Clone, Deserialize)]
pub struct ProofClaims {
    /// Unique id.
    pub jti: String,
    /// HTTP method.
    pub htm: String,
    /// HTTP URL without query and fragment.
    pub htu: String,
    /// Creation time.
    pub iat: i64,
    /// Hash of the access token, at resources.
    pub ath: Option<String>,
    /// The server-provided nonce (§8), when the client was given one.
    pub nonce: Option<String>,
}

/// Checks the header fields of a proof; returns the key's thumbprint.
pub fn check_header(
    typ: Option<&str>,
    alg: Option<&str>,
    jwk: Option<&Map<String, Value>>,
) -> Result<String, DpopRejection> {
    if typ != Some(PROOF_TYPE) {
        return Err(DpopRejection::WrongType);
    }
    if !alg.is_some_and(|alg| PROOF_ALGORITHMS.contains(&alg)) {
        return Err(DpopRejection::UnsupportedAlgorithm);
    }
    let jwk = jwk.ok_or(DpopRejection::BadKey)?;
    if jwk.contains_key("d") {
        return Err(DpopRejection::BadKey);
    }
    jwk_thumbprint(jwk)
}

/// Checks the claims of a proof against the request (RFC 9449 §4.3).
pub fn check_claims(
    claims: &ProofClaims,
    method: &str,
    url: &str,
    access_token: Option<&str>,
    now: UnixTime,
    max_age_seconds: i64,
) -> Result<(), DpopRejection> {
    if claims.jti.is_empty() || claims.jti.len() > 256 {
        return Err(DpopRejection::Malformed);
    }
    if !claims.htm.eq_ignore_ascii_case(method) {
        return Err(DpopRejection::WrongMethod);
    }
    if !same_target(&claims.htu, url) {
        return Err(DpopRejection::WrongUrl);
    }
    if !is_fresh(claims.iat, now, max_age_seconds) {
        return Err(DpopRejection::Stale);
    }
    if let Some(token) = access_token {
        let expected = sha256_base64url(token.as_bytes());
        if !claims
            .ath
            .as_deref()
            .is_some_and(|ath| constant_time_eq(ath.as_bytes(), expected.as_bytes()))
        {
            return Err(DpopRejection::WrongAccessTokenHash);
        }
    }
    Ok(())
}

/// Seconds a proof may claim to come from the future (clock skew between client and us).
pub const FUTURE_SKEW_SECONDS: i64 = 5;

/// Whether a proof issued at `iat` is acceptable at `now`: at most `max_age_seconds` old and
/// at most [`FUTURE_SKEW_SECONDS`] ahead. `iat` is the caller's number, so the arithmetic is
/// checked: an `iat` far outside the clock's range is refused, never wrapped around.
#[must_use]
pub fn is_fresh(iat: i64, now: UnixTime, max_age_seconds: i64) -> bool {
    now.as_secs()
        .checked_sub(iat)
        .is_some_and(|age| (-FUTURE_SKEW_SECONDS..=max_age_seconds).contains(&age))
}

/// Compares URLs as RFC 9449 §4.3 says: scheme, host, port and path, ignoring query and
/// fragment, after normalisation.
fn same_target(claimed: &str, actual: &str) -> bool {
    let (Ok(claimed), Ok(actual)) = (url::Url::parse(claimed), url::Url::parse(actual)) else {
        return false;
    };
    claimed.scheme() == actual.scheme()
        && claimed.host() == actual.host()
        && claimed.port_or_known_default() == actual.port_or_known_default()
        && claimed.path() == actual.path()
}

/// Whether `value` can be a JWK SHA-256 thumbprint as `dpop_jkt` carries it (RFC 9449
/// §10): 32 bytes, base64url without padding.
#[must_use]
pub fn is_thumbprint(value: &str) -> bool {
    value.len() == 43
        && value
            .bytes()
            .all(|byte| byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_'))
}

/// The JWK SHA-256 thumbprint (RFC 7638 §3): the required members in lexical order, no
/// whitespace.
pub fn jwk_thumbprint(jwk: &Map<String, Value>) -> Result<String, DpopRejection> {
    let member = |name: &str| {
        jwk.get(name)
            .and_then(Value::as_str)
            .ok_or(DpopRejection::BadKey)
    };
    let canonical = match member("kty")? {
        "EC" => format!(
            r#"{{"crv":"{}","kty":"EC","x":"{}","y":"{}"}}"#,
            member("crv")?,
            member("x")?,
            member("y")?
        ),
        "RSA" => format!(
            r#"{{"e":"{}","kty":"RSA","n":"{}"}}"#,
            member("e")?,
            member("n")?
        ),
        "OKP" => format!(
            r#"{{"crv":"{}","kty":"OKP","x":"{}"}}"#,
            member("crv")?,
            member("x")?
        ),
        _ => return Err(DpopRejection::BadKey),
    };
    Ok(base64url(&Sha256::digest(canonical.as_bytes())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc7638_example_thumbprint() {
        let jwk: Map<String, Value> = serde_json::from_str(
            r#"{"kty":"RSA","n":"0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw","e":"AQAB","alg":"RS256","kid":"2011-04-29"}"#,
        )
        .unwrap_or_default();
        assert_eq!(
            jwk_thumbprint(&jwk),
            Ok("NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs".to_owned())
        );
    }

    #[test]
    fn claim_checks() {
        let claims = ProofClaims {
            jti: "j1".into(),
            htm: "POST".into(),
            htu: "https://op.example/token".into(),
            iat: 1000,
            ath: None,
            nonce: None,
        };
        let check =
            |method, url, token, now| check_claims(&claims, method, url, token, UnixTime(now), 60);
        assert_eq!(
            check("POST", "https://op.example/token", None, 1010),
            Ok(())
        );
        assert_eq!(
            check("POST", "https://op.example/token?x=1", None, 1010),
            Ok(())
        );
        assert_eq!(
            check("GET", "https://op.example/token", None, 1010),
            Err(DpopRejection::WrongMethod)
        );
        assert_eq!(
            check("POST", "https://op.example/other", None, 1010),
            Err(DpopRejection::WrongUrl)
        );
        assert_eq!(
            check("POST", "https://op.example/token", None, 1100),
            Err(DpopRejection::Stale)
        );
        assert_eq!(
            check("POST", "https://op.example/token", None, 900),
            Err(DpopRejection::Stale)
        );
        assert_eq!(
            check("POST", "https://op.example/token", Some("token"), 1010),
            Err(DpopRejection::WrongAccessTokenHash)
        );
        assert_eq!(
            check_header(Some("JWT"), Some("ES256"), None),
            Err(DpopRejection::WrongType)
        );
        assert_eq!(
            check_header(Some(PROOF_TYPE), Some("HS256"), None),
            Err(DpopRejection::UnsupportedAlgorithm)
        );
        assert_eq!(
            check_header(Some(PROOF_TYPE), Some("ES256"), None),
            Err(DpopRejection::BadKey)
        );
    }
}

#[cfg(test)]
mod freshness {
    use super::*;
    use proptest::prelude::*;

    /// The rule in plain (overflow-free) arithmetic.
    fn expected(iat: i64, now: i64, max_age: i64) -> bool {
        let age = i128::from(now) - i128::from(iat);
        age >= -i128::from(FUTURE_SKEW_SECONDS) && age <= i128::from(max_age)
    }

    #[test]
    fn extreme_issue_times_are_refused_not_wrapped() {
        let now = UnixTime(1_750_000_000);
        assert!(!is_fresh(i64::MIN, now, 300));
        assert!(!is_fresh(i64::MAX, now, 300));
        assert!(!is_fresh(i64::MIN, UnixTime(i64::MAX), i64::MAX));
        assert!(is_fresh(now.as_secs(), now, 300));
        assert!(is_fresh(now.as_secs() + 5, now, 300));
        assert!(!is_fresh(now.as_secs() + 6, now, 300));
        assert!(is_fresh(now.as_secs() - 300, now, 300));
        assert!(!is_fresh(now.as_secs() - 301, now, 300));
    }

    proptest! {
        #[test]
        fn freshness_matches_the_rule_for_any_numbers(
            iat in any::<i64>(),
            now in any::<i64>(),
            max_age in 0_i64..=86_400,
        ) {
            prop_assert_eq!(is_fresh(iat, UnixTime(now), max_age), expected(iat, now, max_age));
        }

        #[test]
        fn freshness_near_now_matches_the_rule(
            now in 0_i64..=4_102_444_800,
            offset in -100_000_i64..=100_000,
            max_age in 0_i64..=86_400,
        ) {
            let iat = now - offset;
            prop_assert_eq!(is_fresh(iat, UnixTime(now), max_age), expected(iat, now, max_age));
        }
    }

    #[test]
    fn a_nonce_lives_in_its_window_and_the_next() {
        let start = UnixTime(NONCE_WINDOW_SECONDS * 1000);
        assert_eq!(nonce_windows(start), [1000, 999]);
        let end = UnixTime(NONCE_WINDOW_SECONDS * 1001 - 1);
        assert_eq!(nonce_windows(end), [1000, 999]);
        assert_eq!(
            nonce_windows(UnixTime(NONCE_WINDOW_SECONDS * 1001))[1],
            1000
        );
        assert_eq!(DpopRejection::NonceRequired.error_code(), "use_dpop_nonce");
        assert_eq!(DpopRejection::Replayed.error_code(), "invalid_dpop_proof");
    }
}
