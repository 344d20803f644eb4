//! Browser sessions on the hosted pages.

use crate::{DeviceId, SessionId, StudioId, UnixTime, UserId};
use serde::{Deserialize, Serialize};

/// How a user proved who they are: `auth_time`, `amr` (RFC 8176) and `acr`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Authentication {
    /// When the user last presented credentials.
    pub auth_time: UnixTime,
    /// Authentication method references, for example `["pwd"]`.
    pub amr: Vec<String>,
    /// The authentication context class reached.
    pub acr: String,
}

/// The class reached by one factor.
pub const ACR_SINGLE_FACTOR: &str = "urn:gatehouse:acr:1fa";
/// The class reached by two independent factors.
pub const ACR_MULTI_FACTOR: &str = "urn:gatehouse:acr:2fa";
/// RFC 8176 §2: password.
pub const AMR_PASSWORD: &str = "pwd";

impl Authentication {
    /// A fresh password sign-in.
    #[must_use]
    pub fn password(now: UnixTime) -> Self {
        Self {
            auth_time: now,
            amr: vec![AMR_PASSWORD.to_owned()],
            acr: ACR_SINGLE_FACTOR.to_owned(),
        }
    }
}

/// Whether the proof behind `authentication` is at most `window_seconds` old at `now`
/// (sensitive changes ask for a recent one). A proof dated in the future counts as old.
#[must_use]
pub fn is_recent(authentication: &Authentication, now: UnixTime, window_seconds: i64) -> bool {
    let age = now.seconds_since(authentication.auth_time);
    (0..=window_seconds).contains(&age)
}

/// Whether a session that reached `acr` satisfies a request's `acr_values` (OIDC Core
/// §3.1.2.1): one listed class must be reached. Classes we do not define are ignored, and a
/// request that lists none of ours asks for nothing.
#[must_use]
pub fn acr_satisfies(acr: &str, acr_values: &[String]) -> bool {
    let known: Vec<&str> = acr_values
        .iter()
        .map(String::as_str)
        .filter(|value| [ACR_SINGLE_FACTOR, ACR_MULTI_FACTOR].contains(value))
        .collect();
    known.is_empty()
        || known.iter().any(|wanted| {
            *wanted == acr || (*wanted == ACR_SINGLE_FACTOR && acr == ACR_MULTI_FACTOR)
        })
}

/// A server-side browser session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BrowserSession {
    /// Public id (`sid`); the cookie carries a separate secret.
    pub id: SessionId,
    /// Who is signed in.
    pub user_id: UserId,
    /// How they signed in.
    pub authentication: Authentication,
    /// "Remember me": the cookie outlives the browser.
    pub is_persistent: bool,
    /// The registered device it runs on.
    pub device_id: Option<DeviceId>,
    /// The studio the user is working in.
    pub studio_id: Option<StudioId>,
    /// Creation time.
    pub created_at: UnixTime,
    /// Absolute end.
    pub expires_at: UnixTime,
    /// When the user signed out or the session was ended.
    pub ended_at: Option<UnixTime>,
}

impl BrowserSession {
    /// Whether the session still signs the user in.
    #[must_use]
    pub fn is_active(&self, now: UnixTime) -> bool {
        self.ended_at.is_none() && now < self.expires_at
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_proof_is_recent_within_the_window_only() {
        let proof = Authentication::password(UnixTime(1_000));
        let check = |now: i64, expected: bool| {
            assert_eq!(is_recent(&proof, UnixTime(now), 300), expected, "at {now}");
        };
        check(1_000, true);
        check(1_300, true);
        check(1_301, false);
        check(999, false);
        check(i64::MAX, false);
    }
}
