//! Password rules that do not depend on storage.

use serde::{Deserialize, Serialize};

/// Limits on a new password. Later policy (character classes, history, expiry) extends this.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PasswordPolicy {
    /// Fewest characters.
    pub min_length: usize,
    /// Most characters; a bound also keeps hashing cost predictable.
    pub max_length: usize,
}

impl Default for PasswordPolicy {
    fn default() -> Self {
        Self {
            min_length: 8,
            max_length: 128,
        }
    }
}

/// A rule a new password breaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "rule", rename_all = "snake_case")]
pub enum PasswordViolation {
    /// Shorter than the minimum.
    TooShort {
        /// The minimum.
        min: usize,
    },
    /// Longer than the maximum.
    TooLong {
        /// The maximum.
        max: usize,
    },
}

impl PasswordPolicy {
    /// Every rule `password` breaks; empty when it is acceptable.
    #[must_use]
    pub fn check(&self, password: &str) -> Vec<PasswordViolation> {
        let length = password.chars().count();
        let mut violations = Vec::new();
        if length < self.min_length {
            violations.push(PasswordViolation::TooShort {
                min: self.min_length,
            });
        }
        if length > self.max_length {
            violations.push(PasswordViolation::TooLong {
                max: self.max_length,
            });
        }
        violations
    }
}

/// Whether a password presented at sign-in is worth hashing at all. Anything longer than
/// any policy allows is refused before hashing, so nobody can make us hash a megabyte.
#[must_use]
pub fn is_plausible_login_password(password: &str) -> bool {
    !password.is_empty() && password.len() <= 1024
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn length_rules() {
        let policy = PasswordPolicy::default();
        assert_eq!(
            policy.check("short"),
            vec![PasswordViolation::TooShort { min: 8 }]
        );
        assert!(policy.check("long enough").is_empty());
        assert_eq!(
            policy.check(&"x".repeat(129)),
            vec![PasswordViolation::TooLong { max: 128 }]
        );
        // Length counts characters, not bytes.
        assert!(policy.check("ääääåååå").is_empty());
    }
}
