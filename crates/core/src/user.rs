//! User accounts and the identifiers people type to sign in.

use crate::{StudioId, UnixTime, UserId};
use serde::{Deserialize, Serialize};

/// Where an account is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UserStatus {
    /// Normal.
    Active,
    /// Blocked by an administrator.
    Disabled,
    /// Registered; the e-mail address is not confirmed yet.
    PendingVerification,
    /// Confirmed; waiting for a studio admin's approval.
    PendingApproval,
    /// Created by an administrator; the user has not set a password yet.
    PendingActivation,
    /// Closed by the user or an admin; reactivable until the grace period ends.
    Closed,
}

impl UserStatus {
    /// The stored name.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Active => "active",
            Self::Disabled => "disabled",
            Self::PendingVerification => "pending_verification",
            Self::PendingApproval => "pending_approval",
            Self::PendingActivation => "pending_activation",
            Self::Closed => "closed",
        }
    }

    /// Parses the stored name; unknown values are treated as disabled, the safe reading.
    #[must_use]
    pub fn parse(text: &str) -> Self {
        match text {
            "active" => Self::Active,
            "pending_verification" => Self::PendingVerification,
            "pending_approval" => Self::PendingApproval,
            "pending_activation" => Self::PendingActivation,
            "closed" => Self::Closed,
            _ => Self::Disabled,
        }
    }
}

/// A user account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    /// Stable id, also the `sub` claim.
    pub id: UserId,
    /// Normalised e-mail address, the sign-in name.
    pub email: String,
    /// Whether the address was confirmed.
    pub email_verified: bool,
    /// Full name.
    pub name: Option<String>,
    /// E.164 phone number.
    pub phone_number: Option<String>,
    /// Whether the number was confirmed.
    pub phone_number_verified: bool,
    /// The user's chosen language (BCP 47).
    pub locale: Option<String>,
    /// Whether the account may sign in.
    pub status: UserStatus,
    /// The studio chosen at the last sign-in, offered first next time.
    pub last_studio_id: Option<StudioId>,
    /// When the password was last set.
    pub password_changed_at: Option<UnixTime>,
    /// Profile fields.
    pub profile: crate::profile::Profile,
    /// When the account was closed (the grace period runs from here).
    pub closed_at: Option<UnixTime>,
    /// Creation time.
    pub created_at: UnixTime,
    /// Last profile change (`updated_at` claim).
    pub updated_at: UnixTime,
}

impl User {
    /// Whether the account may sign in and hold tokens.
    #[must_use]
    pub fn is_active(&self) -> bool {
        self.status == UserStatus::Active
    }
}

/// An e-mail address we refuse.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("this is not a valid e-mail address")]
pub struct InvalidEmail;

/// Normalises an e-mail address for storage and lookup: trimmed and lower-cased.
///
/// Lower-casing the local part is not what RFC 5321 promises, but every mail provider people
/// use treats it case-insensitively, and two accounts differing only in case are a support
/// incident waiting to happen.
pub fn normalize_email(input: &str) -> Result<String, InvalidEmail> {
    let email = input.trim().to_lowercase();
    if email.len() > 254
        || email
            .chars()
            .any(|character| character.is_whitespace() || character.is_control())
    {
        return Err(InvalidEmail);
    }
    let (local, domain) = email.rsplit_once('@').ok_or(InvalidEmail)?;
    let is_valid_domain = domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !domain.contains("..")
        && domain
            .chars()
            .all(|character| character.is_alphanumeric() || matches!(character, '-' | '.'));
    if local.is_empty() || local.len() > 64 || local.contains('@') || !is_valid_domain {
        return Err(InvalidEmail);
    }
    Ok(email)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn email_normalisation() {
        assert_eq!(
            normalize_email("  Anna.Rossi@Studio.IT "),
            Ok("anna.rossi@studio.it".to_owned())
        );
        assert_eq!(
            normalize_email("nguyen@fiin.vn"),
            Ok("nguyen@fiin.vn".to_owned())
        );
        for bad in [
            "",
            "no-at-sign",
            "@example.com",
            "a@b",
            "a@@b.com",
            "a b@c.com",
            "a@.com",
            "a@b..com",
        ] {
            assert_eq!(normalize_email(bad), Err(InvalidEmail), "{bad:?}");
        }
    }
}
