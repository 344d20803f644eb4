//! Password rules: length, character classes, personal data, common passwords, history and
//! maximum age. History is checked by the caller (it needs the stored hashes); everything
//! else is here.

use crate::UnixTime;
use serde::{Deserialize, Serialize};
use std::collections::HashSet;
use std::sync::LazyLock;

/// A compact list of passwords people choose most, shipped with the binary (no network).
static COMMON_PASSWORDS: LazyLock<HashSet<&'static str>> = LazyLock::new(|| {
    include_str!("common-passwords.txt")
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
        .collect()
});

/// The rules a new password must meet. Every field has a default, so stored policies stay
/// readable when fields are added.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PasswordPolicy {
    /// Fewest characters.
    pub min_length: usize,
    /// Most characters; a bound also keeps hashing cost predictable.
    pub max_length: usize,
    /// At least one lower-case letter.
    pub require_lowercase: bool,
    /// At least one upper-case letter.
    pub require_uppercase: bool,
    /// At least one digit.
    pub require_digit: bool,
    /// At least one character that is neither a letter nor a digit.
    pub require_symbol: bool,
    /// Must not contain the e-mail's local part or a part of the name.
    pub forbid_personal_data: bool,
    /// Must not be one of the last N passwords (0: no history).
    pub history: usize,
    /// Days after which the password must be changed at sign-in (`None`: never).
    pub max_age_days: Option<u32>,
    /// Must not be on the list of common passwords.
    pub reject_common: bool,
}

impl Default for PasswordPolicy {
    fn default() -> Self {
        Self {
            min_length: 8,
            max_length: 128,
            require_lowercase: false,
            require_uppercase: false,
            require_digit: false,
            require_symbol: false,
            forbid_personal_data: true,
            history: 0,
            max_age_days: None,
            reject_common: true,
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
    /// No lower-case letter.
    MissingLowercase,
    /// No upper-case letter.
    MissingUppercase,
    /// No digit.
    MissingDigit,
    /// No symbol.
    MissingSymbol,
    /// Contains the e-mail or the name.
    ContainsPersonalData,
    /// On the list of common passwords.
    Common,
    /// One of the last passwords.
    Reused {
        /// How many previous passwords are remembered.
        history: usize,
    },
}

impl PasswordViolation {
    /// The message catalogue key that explains the rule.
    #[must_use]
    pub fn message_key(self) -> &'static str {
        match self {
            Self::TooShort { .. } => "password-rule-too-short",
            Self::TooLong { .. } => "password-rule-too-long",
            Self::MissingLowercase => "password-rule-lowercase",
            Self::MissingUppercase => "password-rule-uppercase",
            Self::MissingDigit => "password-rule-digit",
            Self::MissingSymbol => "password-rule-symbol",
            Self::ContainsPersonalData => "password-rule-personal",
            Self::Common => "password-rule-common",
            Self::Reused { .. } => "password-rule-reused",
        }
    }
}

/// Who the password is for: what it must not contain.
#[derive(Debug, Clone, Copy, Default)]
pub struct PasswordOwner<'a> {
    /// The account's e-mail.
    pub email: &'a str,
    /// The account's name.
    pub name: Option<&'a str>,
}

impl PasswordPolicy {
    /// Every rule `password` breaks (history aside); empty when it is acceptable.
    #[must_use]
    pub fn check(&self, password: &str, owner: PasswordOwner<'_>) -> Vec<PasswordViolation> {
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
        let has = |test: fn(char) -> bool| password.chars().any(test);
        if self.require_lowercase && !has(char::is_lowercase) {
            violations.push(PasswordViolation::MissingLowercase);
        }
        if self.require_uppercase && !has(char::is_uppercase) {
            violations.push(PasswordViolation::MissingUppercase);
        }
        if self.require_digit && !has(|character| character.is_ascii_digit()) {
            violations.push(PasswordViolation::MissingDigit);
        }
        if self.require_symbol
            && !has(|character| !character.is_alphanumeric() && !character.is_whitespace())
        {
            violations.push(PasswordViolation::MissingSymbol);
        }
        if self.forbid_personal_data && contains_personal_data(password, owner) {
            violations.push(PasswordViolation::ContainsPersonalData);
        }
        if self.reject_common && is_common(password) {
            violations.push(PasswordViolation::Common);
        }
        violations
    }

    /// The strictest combination of two policies (an account in several studios).
    #[must_use]
    pub fn strictest(self, other: Self) -> Self {
        let max_age_days = match (self.max_age_days, other.max_age_days) {
            (Some(left), Some(right)) => Some(left.min(right)),
            (left, right) => left.or(right),
        };
        Self {
            min_length: self.min_length.max(other.min_length),
            max_length: self
                .max_length
                .min(other.max_length)
                .max(self.min_length.max(other.min_length)),
            require_lowercase: self.require_lowercase || other.require_lowercase,
            require_uppercase: self.require_uppercase || other.require_uppercase,
            require_digit: self.require_digit || other.require_digit,
            require_symbol: self.require_symbol || other.require_symbol,
            forbid_personal_data: self.forbid_personal_data || other.forbid_personal_data,
            history: self.history.max(other.history),
            max_age_days,
            reject_common: self.reject_common || other.reject_common,
        }
    }

    /// Whether a password set at `changed_at` has expired at `now`.
    #[must_use]
    pub fn is_expired(&self, changed_at: Option<UnixTime>, now: UnixTime) -> bool {
        match (self.max_age_days, changed_at) {
            (Some(days), Some(changed_at)) => {
                now.seconds_since(changed_at) > i64::from(days) * 24 * 3600
            }
            _ => false,
        }
    }
}

fn contains_personal_data(password: &str, owner: PasswordOwner<'_>) -> bool {
    let lowered = password.to_lowercase();
    let local = owner
        .email
        .split('@')
        .next()
        .unwrap_or_default()
        .to_lowercase();
    // "anna.rossi" also counts as "anna" and "rossi".
    let mut parts: Vec<String> = local
        .split(['.', '_', '-', '+'])
        .map(str::to_owned)
        .chain(std::iter::once(local.clone()))
        .collect();
    if let Some(name) = owner.name {
        parts.extend(name.split_whitespace().map(str::to_lowercase));
    }
    parts
        .iter()
        .filter(|part| part.chars().count() >= 3)
        .any(|part| lowered.contains(part.as_str()))
}

/// Whether the password, or its core without trailing digits and symbols ("Password123!"),
/// is a common password.
#[must_use]
pub fn is_common(password: &str) -> bool {
    let lowered = password.to_lowercase();
    let core = lowered.trim_end_matches(|character: char| !character.is_alphabetic());
    COMMON_PASSWORDS.contains(lowered.as_str())
        || (core.chars().count() >= 4 && COMMON_PASSWORDS.contains(core))
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

    const OWNER: PasswordOwner<'static> = PasswordOwner {
        email: "anna.rossi@example.com",
        name: Some("Anna Rossi"),
    };

    fn check(policy: &PasswordPolicy, password: &str, expected: &[PasswordViolation]) {
        assert_eq!(policy.check(password, OWNER), expected, "{password:?}");
    }

    #[test]
    fn default_rules() {
        let policy = PasswordPolicy::default();
        check(&policy, "short", &[PasswordViolation::TooShort { min: 8 }]);
        check(&policy, "long enough phrase", &[]);
        check(
            &policy,
            &"x".repeat(129),
            &[PasswordViolation::TooLong { max: 128 }],
        );
        // Length counts characters, not bytes.
        check(&policy, "ääääåååå", &[]);
        check(&policy, "password", &[PasswordViolation::Common]);
        check(&policy, "Password123!", &[PasswordViolation::Common]);
        check(
            &policy,
            "rossi-loves-cats",
            &[PasswordViolation::ContainsPersonalData],
        );
        let nameless = PasswordOwner {
            email: "anna.rossi@example.com",
            name: None,
        };
        assert_eq!(
            policy.check("Rossi#2026x", nameless),
            vec![PasswordViolation::ContainsPersonalData]
        );
    }

    #[test]
    fn connectprof_rules() {
        // 8 to 20 characters, all four classes, renewed every 90 days.
        let policy = PasswordPolicy {
            min_length: 8,
            max_length: 20,
            require_lowercase: true,
            require_uppercase: true,
            require_digit: true,
            require_symbol: true,
            max_age_days: Some(90),
            ..PasswordPolicy::default()
        };
        check(&policy, "Tr0ub4dor&3", &[]);
        check(
            &policy,
            "troubadour",
            &[
                PasswordViolation::MissingUppercase,
                PasswordViolation::MissingDigit,
                PasswordViolation::MissingSymbol,
            ],
        );
        check(
            &policy,
            "Tr0ub4dor&3-and-more-words",
            &[PasswordViolation::TooLong { max: 20 }],
        );
        assert!(!policy.is_expired(Some(UnixTime(0)), UnixTime(89 * 86_400)));
        assert!(policy.is_expired(Some(UnixTime(0)), UnixTime(91 * 86_400)));
        assert!(!PasswordPolicy::default().is_expired(Some(UnixTime(0)), UnixTime(i64::MAX / 2)));
    }

    #[test]
    fn strictest_combination() {
        let loose = PasswordPolicy::default();
        let strict = PasswordPolicy {
            min_length: 12,
            max_length: 20,
            require_digit: true,
            history: 5,
            max_age_days: Some(90),
            ..PasswordPolicy::default()
        };
        let combined = loose.strictest(strict);
        assert_eq!(combined.min_length, 12);
        assert_eq!(combined.max_length, 20);
        assert!(combined.require_digit);
        assert_eq!(combined.history, 5);
        assert_eq!(combined.max_age_days, Some(90));
    }
}
