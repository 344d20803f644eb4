//! One-time codes and links that prove control of an e-mail address or phone number
//! (registration, activation, password reset, changing e-mail or phone).

use crate::UnixTime;
use serde::{Deserialize, Serialize};

/// Wrong codes accepted before a code is burnt.
pub const MAX_CODE_ATTEMPTS: i32 = 5;

/// What a code or link is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Purpose {
    /// Confirm the e-mail of a self-registration.
    ConfirmRegistration,
    /// Activate an admin-created account (set the first password).
    Activation,
    /// Reset a forgotten password.
    PasswordReset,
    /// Confirm a new e-mail address.
    ChangeEmail,
    /// Confirm a new phone number.
    ChangePhone,
    /// Let a user whose password expired set a new one during sign-in.
    ExpiredPassword,
    /// Let a user reopen a closed account during sign-in.
    Reactivation,
    /// A sign-in that passed its first factor and waits for the second (or for the user to
    /// enrol one), or a session stepping up.
    SecondFactor,
    /// A code e-mailed or texted for one second-factor attempt.
    FactorCode,
    /// A code that confirms a new e-mail or SMS second factor.
    FactorEnrolment,
    /// A passkey registration ceremony (WebAuthn state kept server-side).
    PasskeyRegistration,
    /// A passkey authentication ceremony, passwordless or as a second factor.
    PasskeyChallenge,
    /// A link to the previous e-mail address that undoes an e-mail change.
    UndoEmailChange,
    /// A sensitive change parked until the user proves again who they are.
    Reauthentication,
    /// An upstream identity waiting to be linked to the account with its e-mail address,
    /// once the user proves the account is theirs (password or e-mailed code).
    UpstreamLink,
    /// A sign-in refused at the device limit, parked while the user proves the account
    /// with a code to replace the least recently used device.
    DeviceSwap,
    /// The code e-mailed or texted for a device swap.
    DeviceSwapCode,
}

impl Purpose {
    /// The stored name.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::ConfirmRegistration => "confirm_registration",
            Self::Activation => "activation",
            Self::PasswordReset => "password_reset",
            Self::ChangeEmail => "change_email",
            Self::ChangePhone => "change_phone",
            Self::ExpiredPassword => "expired_password",
            Self::Reactivation => "reactivation",
            Self::SecondFactor => "second_factor",
            Self::FactorCode => "factor_code",
            Self::FactorEnrolment => "factor_enrolment",
            Self::PasskeyRegistration => "passkey_registration",
            Self::PasskeyChallenge => "passkey_challenge",
            Self::UndoEmailChange => "undo_email_change",
            Self::Reauthentication => "reauthentication",
            Self::UpstreamLink => "upstream_link",
            Self::DeviceSwap => "device_swap",
            Self::DeviceSwapCode => "device_swap_code",
        }
    }

    /// Whether a new request replaces the user's earlier ones of this purpose. A newer link
    /// or code makes older ones worthless, but some requests are independent: a user may
    /// sign in on a laptop and a phone at once, and a stranger who knows the password must
    /// not be able to cancel the owner's half-finished sign-in; each registration of an
    /// address keeps its own link (the mailbox's owner chooses); and every e-mail change
    /// keeps its undo link, so a second change cannot take the first one's away.
    #[must_use]
    pub fn replaces_earlier(self) -> bool {
        !matches!(
            self,
            Self::SecondFactor
                | Self::PasskeyChallenge
                | Self::ConfirmRegistration
                | Self::UndoEmailChange
                | Self::Reauthentication
                | Self::UpstreamLink
                | Self::DeviceSwap
        )
    }
}

/// Why a code or link is refused. Deliberately coarse towards the user.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum CodeRejection {
    /// Unknown, already used, or expired.
    #[error("the code or link is invalid or has expired")]
    InvalidOrExpired,
    /// The code does not match.
    #[error("the code is not correct")]
    WrongCode,
    /// Too many wrong codes: ask for a new one.
    #[error("too many wrong codes; ask for a new one")]
    TooManyAttempts,
}

/// The state of a stored code, as far as the rules care.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CodeState {
    /// End of validity.
    pub expires_at: UnixTime,
    /// When it was used.
    pub consumed_at: Option<UnixTime>,
    /// Wrong codes entered so far.
    pub attempts: i32,
}

/// Checks a code entry; `matches` says whether the entered code was right.
pub fn check_code(state: CodeState, matches: bool, now: UnixTime) -> Result<(), CodeRejection> {
    if state.consumed_at.is_some() || now >= state.expires_at {
        return Err(CodeRejection::InvalidOrExpired);
    }
    if state.attempts >= MAX_CODE_ATTEMPTS {
        return Err(CodeRejection::TooManyAttempts);
    }
    if matches {
        Ok(())
    } else {
        Err(CodeRejection::WrongCode)
    }
}

/// A six-digit code from random bytes (uniform enough: 2^32 / 10^6 leaves a bias below 0.03%).
#[must_use]
pub fn six_digit_code(random: [u8; 4]) -> String {
    format!("{:06}", u32::from_le_bytes(random) % 1_000_000)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_rules() {
        let state = CodeState {
            expires_at: UnixTime(100),
            consumed_at: None,
            attempts: 0,
        };
        assert_eq!(check_code(state, true, UnixTime(10)), Ok(()));
        assert_eq!(
            check_code(state, false, UnixTime(10)),
            Err(CodeRejection::WrongCode)
        );
        assert_eq!(
            check_code(state, true, UnixTime(100)),
            Err(CodeRejection::InvalidOrExpired)
        );
        let used = CodeState {
            consumed_at: Some(UnixTime(5)),
            ..state
        };
        assert_eq!(
            check_code(used, true, UnixTime(10)),
            Err(CodeRejection::InvalidOrExpired)
        );
        let burnt = CodeState {
            attempts: 5,
            ..state
        };
        assert_eq!(
            check_code(burnt, true, UnixTime(10)),
            Err(CodeRejection::TooManyAttempts)
        );
        assert_eq!(six_digit_code([0, 0, 0, 0]), "000000");
        assert_eq!(six_digit_code([255, 255, 255, 255]).len(), 6);
    }
}
