//! Second factors: which kinds exist, what a sign-in with them proves (`amr`, `acr`), which
//! one the sign-in page offers first, how recovery codes look, and what a user's studios
//! demand.

use crate::session::{ACR_MULTI_FACTOR, AMR_PASSWORD, Authentication, acr_satisfies};
use crate::studio::Membership;
use crate::{UnixTime, UserId};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// RFC 8176 §2: one-time password (authenticator app, e-mailed code, recovery code).
pub const AMR_ONE_TIME_PASSWORD: &str = "otp";
/// RFC 8176 §2: confirmation by SMS.
pub const AMR_SMS: &str = "sms";
/// RFC 8176 §2: proof of possession of a hardware-secured key (a passkey or security key).
pub const AMR_HARDWARE_KEY: &str = "hwk";
/// RFC 8176 §2: proof of possession of a software-secured key (a remembered device's cookie).
pub const AMR_SOFTWARE_KEY: &str = "swk";
/// RFC 8176 §2: user presence was tested (the authenticator verified the user).
pub const AMR_USER_PRESENCE: &str = "user";
/// RFC 8176 §2: more than one factor.
pub const AMR_MULTIPLE_FACTORS: &str = "mfa";

/// Recovery codes issued at a time.
pub const RECOVERY_CODE_COUNT: usize = 10;
/// Characters of a recovery code, without the separator. 10 characters of a 32-letter
/// alphabet carry 50 bits, plenty for a code that is single-use and rate-limited.
const RECOVERY_CODE_LENGTH: usize = 10;
/// Crockford's base32 alphabet: no I, L, O or U, so codes survive being read aloud or
/// copied by hand.
const RECOVERY_ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// A kind of second factor. The stored name is [`FactorKind::as_str`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FactorKind {
    /// A WebAuthn credential: security key or platform authenticator.
    Passkey,
    /// An authenticator app (RFC 6238).
    Totp,
    /// A code e-mailed to the verified address.
    #[serde(rename = "email_otp")]
    EmailCode,
    /// A code sent by SMS to the verified phone.
    #[serde(rename = "sms_otp")]
    SmsCode,
    /// A single-use recovery code.
    RecoveryCode,
}

impl FactorKind {
    /// Every kind, in the order the sign-in page prefers them.
    pub const ALL: [Self; 5] = [
        Self::Passkey,
        Self::Totp,
        Self::EmailCode,
        Self::SmsCode,
        Self::RecoveryCode,
    ];

    /// The stored name (`user_credentials.kind`).
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Passkey => "passkey",
            Self::Totp => "totp",
            Self::EmailCode => "email_otp",
            Self::SmsCode => "sms_otp",
            Self::RecoveryCode => "recovery_code",
        }
    }

    /// The `amr` value (RFC 8176) of presenting this factor.
    #[must_use]
    pub fn method_reference(self) -> &'static str {
        match self {
            Self::Passkey => AMR_HARDWARE_KEY,
            Self::SmsCode => AMR_SMS,
            Self::Totp | Self::EmailCode | Self::RecoveryCode => AMR_ONE_TIME_PASSWORD,
        }
    }

    /// Whether enrolling this kind counts as "having a second factor". Recovery codes only
    /// back up the others.
    #[must_use]
    pub fn is_primary(self) -> bool {
        self != Self::RecoveryCode
    }
}

impl fmt::Display for FactorKind {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(self.as_str())
    }
}

/// A kind name we do not know.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown factor kind {0:?}")]
pub struct UnknownFactorKind(pub String);

impl FromStr for FactorKind {
    type Err = UnknownFactorKind;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|kind| kind.as_str() == text)
            .ok_or_else(|| UnknownFactorKind(text.to_owned()))
    }
}

/// An enrolled (or half-enrolled) second factor. Secrets stay in the store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Factor {
    /// Row id.
    pub id: String,
    /// Owner.
    pub user_id: UserId,
    /// Kind.
    pub kind: FactorKind,
    /// The user's name for it ("YubiKey", "Work phone").
    pub label: Option<String>,
    /// Enrolment time.
    pub created_at: UnixTime,
    /// When it last let the user in.
    pub last_used_at: Option<UnixTime>,
    /// When enrolment was confirmed; `None` while it waits for its first code.
    pub confirmed_at: Option<UnixTime>,
}

impl Factor {
    /// Whether it may be used to sign in.
    #[must_use]
    pub fn is_active(&self) -> bool {
        self.confirmed_at.is_some()
            && !(self.kind == FactorKind::RecoveryCode && self.last_used_at.is_some())
    }
}

/// The kinds a user can sign in with, from their factors, without duplicates, in the
/// preferred order.
#[must_use]
pub fn available_kinds(factors: &[Factor]) -> Vec<FactorKind> {
    FactorKind::ALL
        .into_iter()
        .filter(|kind| {
            factors
                .iter()
                .any(|factor| factor.kind == *kind && factor.is_active())
        })
        .collect()
}

/// Whether the user has a second factor (recovery codes alone do not count).
#[must_use]
pub fn has_second_factor(factors: &[Factor]) -> bool {
    factors
        .iter()
        .any(|factor| factor.kind.is_primary() && factor.is_active())
}

/// The factor the sign-in page shows first: the one the user used last time, when still
/// available, else the strongest available. Recovery codes are never the default while
/// another kind exists.
#[must_use]
pub fn default_kind(available: &[FactorKind], last_used: Option<FactorKind>) -> Option<FactorKind> {
    match last_used {
        Some(last) if available.contains(&last) && last != FactorKind::RecoveryCode => Some(last),
        _ => available
            .iter()
            .copied()
            .find(|kind| kind.is_primary())
            .or_else(|| available.first().copied()),
    }
}

/// What a user's studios demand of their second factors.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct MfaPolicy {
    /// A second factor is required (some studio of the user requires it).
    pub is_required: bool,
    /// Days a device may skip the second factor after one was presented on it; 0: never.
    pub remember_device_days: u32,
}

/// The policy for an account: MFA is required when any of its studios requires it (one
/// studio's rule protects that studio's data wherever else the user belongs), and a device
/// is remembered for the shortest period its studios allow. `instance_remember_days` applies
/// to studios that do not set their own and to users in no studio.
#[must_use]
pub fn policy_for(memberships: &[Membership], instance_remember_days: u32) -> MfaPolicy {
    let is_required = memberships
        .iter()
        .any(|membership| membership.studio.settings.mfa_required);
    let remember_device_days = memberships
        .iter()
        .map(|membership| {
            membership
                .studio
                .settings
                .mfa_remember_device_days
                .unwrap_or(instance_remember_days)
        })
        .min()
        .unwrap_or(instance_remember_days);
    MfaPolicy {
        is_required,
        remember_device_days,
    }
}

/// Adds a presented second factor to what the session proved so far. `auth_time` moves to
/// now: the user just authenticated again.
#[must_use]
pub fn with_second_factor(
    first: &Authentication,
    kind: FactorKind,
    now: UnixTime,
) -> Authentication {
    let mut amr = first.amr.clone();
    for value in [kind.method_reference(), AMR_MULTIPLE_FACTORS] {
        if !amr.iter().any(|existing| existing == value) {
            amr.push(value.to_owned());
        }
    }
    Authentication {
        auth_time: now,
        amr,
        acr: ACR_MULTI_FACTOR.to_owned(),
    }
}

/// A passwordless sign-in with a passkey: the authenticator holds the key and verified the
/// user (PIN or biometrics), which is two factors on its own.
#[must_use]
pub fn passkey_sign_in(now: UnixTime) -> Authentication {
    Authentication {
        auth_time: now,
        amr: vec![
            AMR_HARDWARE_KEY.to_owned(),
            AMR_USER_PRESENCE.to_owned(),
            AMR_MULTIPLE_FACTORS.to_owned(),
        ],
        acr: ACR_MULTI_FACTOR.to_owned(),
    }
}

/// A password sign-in on a device that presented a second factor within the remembered
/// period: the device cookie is the possession factor.
#[must_use]
pub fn remembered_device_sign_in(now: UnixTime) -> Authentication {
    Authentication {
        auth_time: now,
        amr: vec![
            AMR_PASSWORD.to_owned(),
            AMR_SOFTWARE_KEY.to_owned(),
            AMR_MULTIPLE_FACTORS.to_owned(),
        ],
        acr: ACR_MULTI_FACTOR.to_owned(),
    }
}

/// Whether a session that reached `acr` is strong enough for a user under `policy` and a
/// request asking for `acr_values`.
#[must_use]
pub fn is_strong_enough(acr: &str, policy_requires_mfa: bool, acr_values: &[String]) -> bool {
    if policy_requires_mfa && acr != ACR_MULTI_FACTOR {
        return false;
    }
    acr_satisfies(acr, acr_values)
}

/// Formats random bytes as a recovery code `XXXXX-XXXXX`.
#[must_use]
pub fn recovery_code(random: [u8; RECOVERY_CODE_LENGTH]) -> String {
    let characters: String = random
        .iter()
        .map(|byte| char::from(RECOVERY_ALPHABET[usize::from(byte & 31)]))
        .collect();
    format!("{}-{}", &characters[..5], &characters[5..])
}

/// Normalises a typed recovery code: case, spaces and hyphens do not matter, and the
/// letters people confuse with digits are read as those digits. `None` when it cannot be a
/// recovery code at all.
#[must_use]
pub fn normalize_recovery_code(typed: &str) -> Option<String> {
    let mut characters = String::with_capacity(RECOVERY_CODE_LENGTH);
    for character in typed.chars() {
        let character = match character.to_ascii_uppercase() {
            ' ' | '-' => continue,
            'O' => '0',
            'I' | 'L' => '1',
            other => other,
        };
        if !RECOVERY_ALPHABET.contains(&u8::try_from(character).ok()?) {
            return None;
        }
        characters.push(character);
    }
    (characters.len() == RECOVERY_CODE_LENGTH)
        .then(|| format!("{}-{}", &characters[..5], &characters[5..]))
}

/// An address or phone number as the code page shows it: enough to recognise, too little
/// to learn it from (`j•••@example.com`, `+•••••••••12`).
#[must_use]
pub fn mask_target(target: &str) -> String {
    match target.split_once('@') {
        Some((local, domain)) => {
            let first: String = local.chars().take(1).collect();
            format!("{first}•••@{domain}")
        }
        None => {
            let count = target.chars().count();
            target
                .chars()
                .enumerate()
                .map(|(index, character)| {
                    if index + 2 >= count || character == '+' {
                        character
                    } else {
                        '•'
                    }
                })
                .collect()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::session::ACR_SINGLE_FACTOR;
    use crate::studio::{Studio, StudioSettings};
    use crate::{StudioId, UserId};

    fn factor(kind: FactorKind, confirmed: bool, used: bool) -> Factor {
        Factor {
            id: kind.as_str().into(),
            user_id: UserId::new("u"),
            kind,
            label: None,
            created_at: UnixTime(1),
            last_used_at: used.then_some(UnixTime(2)),
            confirmed_at: confirmed.then_some(UnixTime(1)),
        }
    }

    #[test]
    fn kinds_round_trip_and_order() {
        for kind in FactorKind::ALL {
            assert_eq!(kind.as_str().parse::<FactorKind>(), Ok(kind));
            // Serialised (in stored request data) under the same name as in the table.
            assert_eq!(
                serde_json::to_value(kind).ok(),
                Some(serde_json::Value::from(kind.as_str()))
            );
        }
        assert!("password".parse::<FactorKind>().is_err());
        let factors = vec![
            factor(FactorKind::RecoveryCode, true, false),
            factor(FactorKind::Totp, true, false),
            factor(FactorKind::Passkey, false, false),
            factor(FactorKind::EmailCode, true, false),
        ];
        assert_eq!(
            available_kinds(&factors),
            vec![
                FactorKind::Totp,
                FactorKind::EmailCode,
                FactorKind::RecoveryCode
            ]
        );
        assert!(has_second_factor(&factors));
        assert!(!has_second_factor(&[factor(
            FactorKind::RecoveryCode,
            true,
            false
        )]));
        assert!(!factor(FactorKind::RecoveryCode, true, true).is_active());
        assert!(factor(FactorKind::Totp, true, true).is_active());
    }

    #[test]
    fn default_factor_remembers_the_last_one() {
        let available = [
            FactorKind::Totp,
            FactorKind::EmailCode,
            FactorKind::RecoveryCode,
        ];
        assert_eq!(default_kind(&available, None), Some(FactorKind::Totp));
        assert_eq!(
            default_kind(&available, Some(FactorKind::EmailCode)),
            Some(FactorKind::EmailCode)
        );
        assert_eq!(
            default_kind(&available, Some(FactorKind::RecoveryCode)),
            Some(FactorKind::Totp)
        );
        assert_eq!(
            default_kind(&available, Some(FactorKind::Passkey)),
            Some(FactorKind::Totp)
        );
        assert_eq!(
            default_kind(&[FactorKind::RecoveryCode], None),
            Some(FactorKind::RecoveryCode)
        );
        assert_eq!(default_kind(&[], None), None);
    }

    fn membership(mfa_required: bool, remember: Option<u32>) -> Membership {
        Membership {
            studio: Studio {
                id: StudioId::new("s"),
                slug: "s".into(),
                licence_number: None,
                name: "S".into(),
                settings: StudioSettings {
                    mfa_required,
                    mfa_remember_device_days: remember,
                    ..StudioSettings::default()
                },
                created_at: UnixTime(0),
            },
            user_id: UserId::new("u"),
            roles: vec![],
            username: None,
        }
    }

    #[test]
    fn policy_takes_the_strictest_studio() {
        assert_eq!(
            policy_for(&[], 0),
            MfaPolicy {
                is_required: false,
                remember_device_days: 0
            }
        );
        assert_eq!(policy_for(&[], 7).remember_device_days, 7);
        let both = [membership(true, Some(30)), membership(false, Some(14))];
        assert_eq!(
            policy_for(&both, 0),
            MfaPolicy {
                is_required: true,
                remember_device_days: 14
            }
        );
        // A studio without its own setting follows the instance (here: never remember).
        let mixed = [membership(false, Some(30)), membership(false, None)];
        assert_eq!(policy_for(&mixed, 0).remember_device_days, 0);
    }

    #[test]
    fn authentication_references() {
        let first = Authentication::password(UnixTime(10));
        let both = with_second_factor(&first, FactorKind::Totp, UnixTime(20));
        assert_eq!(both.amr, vec!["pwd", "otp", "mfa"]);
        assert_eq!(both.acr, ACR_MULTI_FACTOR);
        assert_eq!(both.auth_time, UnixTime(20));
        let sms = with_second_factor(&first, FactorKind::SmsCode, UnixTime(20));
        assert_eq!(sms.amr, vec!["pwd", "sms", "mfa"]);
        let again = with_second_factor(&both, FactorKind::Passkey, UnixTime(30));
        assert_eq!(again.amr, vec!["pwd", "otp", "mfa", "hwk"]);
        assert_eq!(passkey_sign_in(UnixTime(1)).amr, vec!["hwk", "user", "mfa"]);
        assert_eq!(
            remembered_device_sign_in(UnixTime(1)).amr,
            vec!["pwd", "swk", "mfa"]
        );
    }

    #[test]
    fn strength_rules() {
        let none: Vec<String> = vec![];
        let two = vec![ACR_MULTI_FACTOR.to_owned()];
        let either = vec![ACR_SINGLE_FACTOR.to_owned(), ACR_MULTI_FACTOR.to_owned()];
        assert!(is_strong_enough(ACR_SINGLE_FACTOR, false, &none));
        assert!(!is_strong_enough(ACR_SINGLE_FACTOR, true, &none));
        assert!(!is_strong_enough(ACR_SINGLE_FACTOR, false, &two));
        assert!(is_strong_enough(ACR_SINGLE_FACTOR, false, &either));
        assert!(is_strong_enough(ACR_MULTI_FACTOR, true, &two));
        assert!(is_strong_enough(
            ACR_SINGLE_FACTOR,
            false,
            &["urn:example:unknown".to_owned()]
        ));
    }

    #[test]
    fn masked_targets() {
        assert_eq!(mask_target("jane.doe@example.com"), "j•••@example.com");
        assert_eq!(mask_target("+358401234567"), "+••••••••••67");
    }

    #[test]
    fn recovery_codes() {
        let code = recovery_code([0, 1, 2, 3, 4, 5, 6, 7, 8, 31]);
        assert_eq!(code, "01234-5678Z");
        assert_eq!(normalize_recovery_code("01234-5678z"), Some(code.clone()));
        assert_eq!(normalize_recovery_code(" o1234 5678Z "), Some(code));
        assert_eq!(normalize_recovery_code("01234-5678"), None);
        assert_eq!(normalize_recovery_code("01234-5678U"), None);
        assert_eq!(normalize_recovery_code("01234-5678Zé"), None);
        assert_eq!(recovery_code([255; 10]), "ZZZZZ-ZZZZZ");
    }
}
