//! Client assertions (RFC 7523 §3, OIDC Core §9 `private_key_jwt`): the claims of a JWT a
//! client signs to authenticate. The signature is checked by the server against the
//! client's keys; these are the rules for what the JWT says.

use crate::UnixTime;
use serde_json::{Map, Value};

/// `client_assertion_type` of a JWT client assertion.
pub const ASSERTION_TYPE: &str = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

/// Longest lifetime an assertion may claim (`exp` − `iat`, or `exp` − now): a client makes a
/// new one per request, so a long-lived one is a bearer credential in disguise.
pub const MAX_LIFETIME_SECONDS: i64 = 300;
/// Clock difference tolerated between client and server.
pub const LEEWAY_SECONDS: i64 = 30;

/// The signature algorithms accepted for client assertions: asymmetric only.
pub const ALGORITHMS: [&str; 4] = ["RS256", "PS256", "ES256", "EdDSA"];

/// Whether a JWS a client signs (an assertion, a request object) may use `algorithm`: one
/// of [`ALGORITHMS`], and for a FAPI 2.0 client not RS256 (§5.4.1 rules out
/// RSASSA-PKCS1-v1_5).
#[must_use]
pub fn is_accepted_algorithm(algorithm: &str, is_fapi: bool) -> bool {
    ALGORITHMS.contains(&algorithm) && !(is_fapi && algorithm == "RS256")
}

/// Why an assertion is refused; each one is `invalid_client` to the client.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum AssertionRejection {
    /// Not a JWS with a JSON header and payload.
    #[error("the client assertion is malformed")]
    Malformed,
    /// `iss` or `sub` is not the client's id.
    #[error("the client assertion's iss and sub must both be the client_id")]
    WrongIssuer,
    /// `aud` names neither this issuer nor the endpoint.
    #[error("the client assertion's aud must be the issuer or the endpoint URL")]
    WrongAudience,
    /// A FAPI client's `aud` is not the issuer alone, as a single string.
    #[error("the client assertion's aud must be the issuer identifier, as a single string")]
    AudienceNotIssuer,
    /// `exp` is missing, past, or too far ahead.
    #[error("the client assertion is expired or lives too long")]
    Expired,
    /// `nbf` or `iat` is in the future.
    #[error("the client assertion is not valid yet")]
    NotYetValid,
    /// No `jti`.
    #[error("the client assertion needs a jti")]
    MissingJti,
    /// The algorithm is not an accepted asymmetric one.
    #[error("the client assertion algorithm is not supported")]
    UnsupportedAlgorithm,
    /// No registered key verifies the signature.
    #[error("the client assertion signature does not verify with the client's keys")]
    BadSignature,
    /// The `jti` was used before.
    #[error("the client assertion was already used")]
    Replayed,
}

/// What a checked assertion leaves to be done: remember its `jti` until `expires_at`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AcceptedAssertion {
    /// The assertion's id, to be used once.
    pub jti: String,
    /// Its expiry: the `jti` must be remembered until then.
    pub expires_at: UnixTime,
}

/// Which `aud` values name this server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AudienceRule<'a> {
    /// RFC 7523 §3 and RFC 9126 §2: the issuer or the URL of the endpoint the assertion was
    /// sent to, as the value or one member of it.
    IssuerOrEndpoint {
        /// This server's issuer identifier.
        issuer: &'a str,
        /// The URL the assertion was received at.
        endpoint: &'a str,
    },
    /// FAPI 2.0 Security Profile §5.3.2.1: the issuer identifier as a single string and
    /// nothing else. An endpoint URL is what a client copies from metadata, and metadata
    /// served by a malicious server can name another server's endpoint (the "audience
    /// injection" attack); the issuer is what the client itself checks in every response.
    IssuerOnly {
        /// This server's issuer identifier.
        issuer: &'a str,
    },
}

impl AudienceRule<'_> {
    fn check(self, audience: Option<&Value>) -> Result<(), AssertionRejection> {
        match self {
            Self::IssuerOrEndpoint { issuer, endpoint } => {
                let names_us = |value: &str| value == issuer || value == endpoint;
                let matches = match audience {
                    Some(Value::String(value)) => names_us(value),
                    Some(Value::Array(listed)) => {
                        listed.iter().filter_map(Value::as_str).any(names_us)
                    }
                    _ => false,
                };
                matches
                    .then_some(())
                    .ok_or(AssertionRejection::WrongAudience)
            }
            Self::IssuerOnly { issuer } => match audience {
                Some(Value::String(value)) if value == issuer => Ok(()),
                _ => Err(AssertionRejection::AudienceNotIssuer),
            },
        }
    }
}

/// Checks the claims of `client_id`'s assertion: `iss` = `sub` = the client, `aud` as
/// `audience` demands, `exp` in the future and at most [`MAX_LIFETIME_SECONDS`] away,
/// `nbf`/`iat` not in the future, a `jti`.
pub fn check_claims(
    claims: &Map<String, Value>,
    client_id: &str,
    audience: AudienceRule<'_>,
    now: UnixTime,
) -> Result<AcceptedAssertion, AssertionRejection> {
    let text = |name: &str| claims.get(name).and_then(Value::as_str);
    if text("iss") != Some(client_id) || text("sub") != Some(client_id) {
        return Err(AssertionRejection::WrongIssuer);
    }
    audience.check(claims.get("aud"))?;
    let time = |name: &str| claims.get(name).and_then(Value::as_i64);
    let now_seconds = now.as_secs();
    let expires = time("exp").ok_or(AssertionRejection::Expired)?;
    if expires + LEEWAY_SECONDS <= now_seconds {
        return Err(AssertionRejection::Expired);
    }
    let issued = time("iat");
    let lifetime = expires - issued.unwrap_or(now_seconds).min(now_seconds);
    if lifetime > MAX_LIFETIME_SECONDS + LEEWAY_SECONDS {
        return Err(AssertionRejection::Expired);
    }
    for name in ["nbf", "iat"] {
        if time(name).is_some_and(|moment| moment > now_seconds + LEEWAY_SECONDS) {
            return Err(AssertionRejection::NotYetValid);
        }
    }
    let jti = text("jti")
        .filter(|jti| !jti.is_empty() && jti.len() <= 256)
        .ok_or(AssertionRejection::MissingJti)?;
    Ok(AcceptedAssertion {
        jti: jti.to_owned(),
        expires_at: UnixTime(expires.max(now_seconds) + LEEWAY_SECONDS),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const NOW: i64 = 1_800_000_000;
    const ISSUER: &str = "https://id.example";
    const TOKEN: &str = "https://id.example/token";

    fn check(claims: Value) -> Result<AcceptedAssertion, AssertionRejection> {
        let Value::Object(claims) = claims else {
            panic!("an object");
        };
        let rule = AudienceRule::IssuerOrEndpoint {
            issuer: ISSUER,
            endpoint: TOKEN,
        };
        check_claims(&claims, "erp", rule, UnixTime(NOW))
    }

    fn check_fapi(claims: Value) -> Result<AcceptedAssertion, AssertionRejection> {
        let Value::Object(claims) = claims else {
            panic!("an object");
        };
        let rule = AudienceRule::IssuerOnly { issuer: ISSUER };
        check_claims(&claims, "erp", rule, UnixTime(NOW))
    }

    #[test]
    fn a_fapi_client_must_name_the_issuer_alone() {
        assert!(check_fapi(with("aud", json!(ISSUER))).is_ok());
        for audience in [json!(TOKEN), json!([ISSUER]), json!([ISSUER, TOKEN])] {
            assert_eq!(
                check_fapi(with("aud", audience.clone())),
                Err(AssertionRejection::AudienceNotIssuer),
                "{audience}"
            );
        }
        // The same assertions are fine for an ordinary client.
        assert!(check(with("aud", json!([ISSUER, TOKEN]))).is_ok());
    }

    fn valid() -> Value {
        json!({"iss": "erp", "sub": "erp", "aud": TOKEN, "exp": NOW + 60, "iat": NOW, "jti": "a1"})
    }

    fn with(name: &str, value: Value) -> Value {
        let mut claims = valid();
        claims[name] = value;
        claims
    }

    #[test]
    fn a_fresh_assertion_for_this_endpoint_is_accepted() {
        let accepted = check(valid()).expect("accepted");
        assert_eq!(accepted.jti, "a1");
        assert!(accepted.expires_at.as_secs() >= NOW + 60);
        assert!(check(with("aud", json!(["https://other.example", ISSUER]))).is_ok());
    }

    #[test]
    fn each_wrong_claim_is_refused_for_its_reason() {
        assert_eq!(
            check(with("iss", json!("other"))),
            Err(AssertionRejection::WrongIssuer)
        );
        assert_eq!(
            check(with("sub", json!("other"))),
            Err(AssertionRejection::WrongIssuer)
        );
        assert_eq!(
            check(with("aud", json!("https://id.example/introspect"))),
            Err(AssertionRejection::WrongAudience)
        );
        assert_eq!(
            check(with("exp", json!(NOW - 120))),
            Err(AssertionRejection::Expired)
        );
        assert_eq!(
            check(with("exp", json!(NOW + 3600))),
            Err(AssertionRejection::Expired)
        );
        assert_eq!(
            check(with("nbf", json!(NOW + 600))),
            Err(AssertionRejection::NotYetValid)
        );
        assert_eq!(
            check(with("jti", json!(""))),
            Err(AssertionRejection::MissingJti)
        );
        let mut without_exp = valid();
        without_exp
            .as_object_mut()
            .map(|claims| claims.remove("exp"));
        assert_eq!(check(without_exp), Err(AssertionRejection::Expired));
    }
}
