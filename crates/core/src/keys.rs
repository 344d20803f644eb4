//! Signing keys: algorithms, the next/current/retired life cycle, and what the JWKS publishes.

use crate::UnixTime;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// A JWS algorithm we sign with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String")]
pub enum SigningAlgorithm {
    /// RSASSA-PKCS1-v1_5 with SHA-256; OIDC Core §15.1 makes it mandatory.
    RS256,
    /// RSASSA-PSS with SHA-256 (the RSA choice of FAPI 2.0); opt-in in `keys.algorithms`.
    PS256,
    /// ECDSA on P-256 with SHA-256.
    ES256,
    /// Ed25519 (RFC 8037).
    EdDSA,
}

impl SigningAlgorithm {
    /// Every algorithm we can sign with, in the order the discovery document lists them.
    pub const ALL: [SigningAlgorithm; 4] = [Self::RS256, Self::PS256, Self::ES256, Self::EdDSA];

    /// The algorithms an instance signs with unless configured otherwise: one RSA, one EC
    /// and one Edwards algorithm (PS256 is added by listing it).
    pub const DEFAULT: [SigningAlgorithm; 3] = [Self::RS256, Self::ES256, Self::EdDSA];

    /// Whether FAPI 2.0 (§5.4.1) lets a JWS use it: PS256, ES256 and EdDSA, not the
    /// RSASSA-PKCS1-v1_5 of RS256.
    #[must_use]
    pub fn is_fapi_approved(self) -> bool {
        !matches!(self, Self::RS256)
    }

    /// The JOSE `alg` name.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::RS256 => "RS256",
            Self::PS256 => "PS256",
            Self::ES256 => "ES256",
            Self::EdDSA => "EdDSA",
        }
    }
}

impl fmt::Display for SigningAlgorithm {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(self.as_str())
    }
}

/// An `alg` name we do not sign with.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unsupported signing algorithm {0:?}; use RS256, PS256, ES256 or EdDSA")]
pub struct UnsupportedAlgorithm(pub String);

impl TryFrom<String> for SigningAlgorithm {
    type Error = UnsupportedAlgorithm;

    fn try_from(text: String) -> Result<Self, Self::Error> {
        text.trim().parse()
    }
}

impl FromStr for SigningAlgorithm {
    type Err = UnsupportedAlgorithm;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|algorithm| algorithm.as_str() == text)
            .ok_or_else(|| UnsupportedAlgorithm(text.to_owned()))
    }
}

/// Where a key is in its life.
///
/// A key is published as `Next` before it signs anything, so relying parties that cache the
/// JWKS already know it when it becomes `Current`; a `Retired` key stays published until
/// every token it signed has expired.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum KeyStatus {
    /// Published, not yet signing.
    Next,
    /// Signing new tokens.
    Current,
    /// No longer signing; published until its tokens have expired.
    Retired,
}

impl KeyStatus {
    /// The stored name.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Next => "next",
            Self::Current => "current",
            Self::Retired => "retired",
        }
    }

    /// Parses the stored name.
    #[must_use]
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "next" => Some(Self::Next),
            "current" => Some(Self::Current),
            "retired" => Some(Self::Retired),
            _ => None,
        }
    }
}

/// A key's metadata, without its private part.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyMetadata {
    /// The `kid` header value.
    pub kid: String,
    /// The algorithm this key signs with.
    pub algorithm: SigningAlgorithm,
    /// Its place in the life cycle.
    pub status: KeyStatus,
    /// When it was created.
    pub created_at: UnixTime,
    /// When it stopped signing, for retired keys.
    pub retired_at: Option<UnixTime>,
}

impl KeyMetadata {
    /// Whether the JWKS should still publish this key at `now`.
    #[must_use]
    pub fn is_published(&self, now: UnixTime, retired_retention_seconds: i64) -> bool {
        match (self.status, self.retired_at) {
            (KeyStatus::Retired, Some(retired_at)) => {
                now.seconds_since(retired_at) <= retired_retention_seconds
            }
            (KeyStatus::Retired, None) => false,
            _ => true,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retired_keys_stay_published_for_the_retention() {
        let key = KeyMetadata {
            kid: "k".into(),
            algorithm: SigningAlgorithm::RS256,
            status: KeyStatus::Retired,
            created_at: UnixTime(0),
            retired_at: Some(UnixTime(100)),
        };
        assert!(key.is_published(UnixTime(150), 60));
        assert!(!key.is_published(UnixTime(161), 60));
        assert_eq!(
            "ES256".parse::<SigningAlgorithm>(),
            Ok(SigningAlgorithm::ES256)
        );
        assert!("HS256".parse::<SigningAlgorithm>().is_err());
    }
}
