//! Scopes (RFC 6749 §3.3) and the OpenID Connect scopes that select claims (OIDC Core §5.4).

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::collections::BTreeSet;
use std::fmt;

/// The scope that makes an authorization request an OpenID Connect request.
pub const OPENID: &str = "openid";
/// Claims `name`, `preferred_username`, `birthdate`, `locale`, `updated_at`.
pub const PROFILE: &str = "profile";
/// Claims `email`, `email_verified`.
pub const EMAIL: &str = "email";
/// Claims `phone_number`, `phone_number_verified`.
pub const PHONE: &str = "phone";
/// Claim `address` (city and country of the profile).
pub const ADDRESS: &str = "address";
/// Asks for a refresh token that outlives the browser session (OIDC Core §11).
pub const OFFLINE_ACCESS: &str = "offline_access";
/// Gatehouse's claims for the profile fields OpenID Connect has no claim for: `company`,
/// `trade_name`, `job_title`.
pub const GATEHOUSE_PROFILE: &str = "gatehouse:profile";

/// The scopes this provider understands itself; clients may be registered with others.
pub const STANDARD_SCOPES: [&str; 7] = [
    OPENID,
    PROFILE,
    EMAIL,
    ADDRESS,
    PHONE,
    GATEHOUSE_PROFILE,
    OFFLINE_ACCESS,
];

/// A set of scope tokens, kept sorted so that equal sets print identically.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Scope(BTreeSet<String>);

/// A scope string that breaks the RFC 6749 §3.3 grammar.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("scope token {0:?} contains a character RFC 6749 §3.3 does not allow")]
pub struct InvalidScope(pub String);

impl Scope {
    /// Parses a space-separated scope string. Empty strings give the empty set.
    pub fn parse(text: &str) -> Result<Self, InvalidScope> {
        let mut tokens = BTreeSet::new();
        for token in text.split(' ').filter(|token| !token.is_empty()) {
            // scope-token = 1*( %x21 / %x23-5B / %x5D-7E )
            let is_valid = token.bytes().all(|byte| {
                byte == 0x21 || (0x23..=0x5B).contains(&byte) || (0x5D..=0x7E).contains(&byte)
            });
            if !is_valid {
                return Err(InvalidScope(token.to_owned()));
            }
            tokens.insert(token.to_owned());
        }
        Ok(Self(tokens))
    }

    /// Builds a scope from known-good tokens.
    pub fn from_tokens<I, S>(tokens: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        Self(tokens.into_iter().map(Into::into).collect())
    }

    /// Whether the set holds `token`.
    #[must_use]
    pub fn contains(&self, token: &str) -> bool {
        self.0.contains(token)
    }

    /// Whether every token of `self` is also in `other`.
    #[must_use]
    pub fn is_subset_of(&self, other: &Scope) -> bool {
        self.0.is_subset(&other.0)
    }

    /// Whether the set is empty.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The tokens of `self` that are not in `other`.
    #[must_use]
    pub fn difference(&self, other: &Scope) -> Scope {
        Scope(self.0.difference(&other.0).cloned().collect())
    }

    /// The tokens in both sets.
    #[must_use]
    pub fn intersection(&self, other: &Scope) -> Scope {
        Scope(self.0.intersection(&other.0).cloned().collect())
    }

    /// The tokens in either set.
    #[must_use]
    pub fn union(&self, other: &Scope) -> Scope {
        Scope(self.0.union(&other.0).cloned().collect())
    }

    /// Iterates over the tokens in sorted order.
    pub fn iter(&self) -> impl Iterator<Item = &str> {
        self.0.iter().map(String::as_str)
    }

    /// Whether this is an OpenID Connect request (OIDC Core §3.1.2.1).
    #[must_use]
    pub fn is_openid(&self) -> bool {
        self.contains(OPENID)
    }
}

impl fmt::Display for Scope {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut first = true;
        for token in &self.0 {
            if !first {
                formatter.write_str(" ")?;
            }
            formatter.write_str(token)?;
            first = false;
        }
        Ok(())
    }
}

impl Serialize for Scope {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Scope {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Scope::parse(&text).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(input: &str, expected: Result<&str, ()>) {
        let parsed = Scope::parse(input)
            .map(|scope| scope.to_string())
            .map_err(|_| ());
        assert_eq!(
            parsed.as_deref().map_err(|_| ()),
            expected,
            "input {input:?}"
        );
    }

    #[test]
    fn parses_and_normalises() {
        check("openid profile", Ok("openid profile"));
        check("profile  openid openid", Ok("openid profile"));
        check("", Ok(""));
        check("read:orders write\"x", Err(()));
        check("a\\b", Err(()));
        check("é", Err(()));
    }

    #[test]
    fn set_operations() {
        let requested = Scope::parse("openid email admin").unwrap_or_default();
        let allowed = Scope::parse("openid email profile").unwrap_or_default();
        assert!(!requested.is_subset_of(&allowed));
        assert_eq!(requested.difference(&allowed).to_string(), "admin");
        assert_eq!(requested.intersection(&allowed).to_string(), "email openid");
    }
}
