//! Webhooks: which audit events a subscription receives, the body a delivery carries, and
//! its signature. Signatures follow the Standard Webhooks scheme (`webhook-id`,
//! `webhook-timestamp`, `webhook-signature: v1,<base64 HMAC-SHA-256>`), so receivers can
//! check them with any of its libraries.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, Mac};
use serde::Serialize;
use sha2::Sha256;

/// The prefix of a webhook secret as it is shown to an administrator.
pub const SECRET_PREFIX: &str = "whsec_";
/// Most event patterns one webhook may list.
pub const MOST_EVENT_PATTERNS: usize = 64;

/// Why a list of event patterns was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EventPatternError {
    /// The list was empty.
    #[error("name at least one event, or * for all")]
    Empty,
    /// Too many patterns.
    #[error("at most {MOST_EVENT_PATTERNS} event patterns")]
    TooMany,
    /// A pattern was not `*`, `area.*` or `area.name`.
    #[error("{0:?} is not an event name: use *, area.* or area.name in lower case")]
    Malformed(String),
}

/// Checks and normalises event patterns: `*` (everything), `account.*` (an area) or an
/// exact kind such as `account.closed`. Duplicates are dropped; order is kept.
pub fn parse_event_patterns<S: AsRef<str>>(
    patterns: &[S],
) -> Result<Vec<String>, EventPatternError> {
    if patterns.is_empty() {
        return Err(EventPatternError::Empty);
    }
    if patterns.len() > MOST_EVENT_PATTERNS {
        return Err(EventPatternError::TooMany);
    }
    let mut parsed: Vec<String> = Vec::with_capacity(patterns.len());
    for pattern in patterns {
        let pattern = pattern.as_ref().trim();
        if !is_pattern(pattern) {
            return Err(EventPatternError::Malformed(pattern.to_owned()));
        }
        if !parsed.iter().any(|seen| seen == pattern) {
            parsed.push(pattern.to_owned());
        }
    }
    Ok(parsed)
}

fn is_pattern(pattern: &str) -> bool {
    if pattern == "*" {
        return true;
    }
    let Some((area, name)) = pattern.split_once('.') else {
        return false;
    };
    let is_word = |word: &str| {
        !word.is_empty()
            && word.len() <= 40
            && word
                .bytes()
                .all(|byte| byte.is_ascii_lowercase() || byte == b'_')
    };
    is_word(area) && (name == "*" || is_word(name))
}

/// Whether an event of `kind` matches one of `patterns`.
#[must_use]
pub fn subscribes<S: AsRef<str>>(patterns: &[S], kind: &str) -> bool {
    patterns.iter().any(|pattern| {
        let pattern = pattern.as_ref();
        pattern == "*"
            || pattern == kind
            || pattern
                .strip_suffix(".*")
                .is_some_and(|area| kind.split_once('.').is_some_and(|(of, _)| of == area))
    })
}

/// The JSON body of a delivery: the event, never an address, a user agent or a secret.
#[derive(Debug, Clone, Serialize)]
pub struct EventBody<'a> {
    /// The audit event's id: the same event sent to several webhooks keeps it.
    pub id: &'a str,
    /// What happened, e.g. `account.closed`.
    #[serde(rename = "type")]
    pub kind: &'a str,
    /// When, in seconds since the Unix epoch.
    pub occurred_at: i64,
    /// What it is about.
    pub data: EventData<'a>,
}

/// The facts of an event.
#[derive(Debug, Clone, Serialize)]
pub struct EventData<'a> {
    /// The account (`sub` in the tokens relying applications hold).
    pub user_id: Option<&'a str>,
    /// The studio.
    pub studio_id: Option<&'a str>,
    /// The application.
    pub client_id: Option<&'a str>,
    /// Who acted: a user id, `client:<id>`, `cli` or `system`.
    pub actor: Option<&'a str>,
    /// Ids and kinds, as the audit log keeps them.
    pub detail: &'a serde_json::Value,
}

/// Why a webhook secret could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("a webhook secret is whsec_ followed by base64")]
pub struct MalformedSecret;

/// The secret as shown to an administrator: `whsec_` and the key in base64.
#[must_use]
pub fn display_secret(key: &[u8]) -> String {
    format!("{SECRET_PREFIX}{}", STANDARD.encode(key))
}

/// The key inside a secret shown by [`display_secret`].
pub fn secret_key(secret: &str) -> Result<Vec<u8>, MalformedSecret> {
    let encoded = secret.strip_prefix(SECRET_PREFIX).ok_or(MalformedSecret)?;
    STANDARD.decode(encoded).map_err(|_| MalformedSecret)
}

/// The `webhook-signature` value of message `id` sent at `timestamp` with `body`:
/// `v1,` and the base64 HMAC-SHA-256 of `id.timestamp.body` under `key`.
#[must_use]
pub fn signature(key: &[u8], id: &str, timestamp: i64, body: &[u8]) -> String {
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(key) else {
        unreachable!("HMAC takes keys of any length")
    };
    mac.update(id.as_bytes());
    mac.update(b".");
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    format!("v1,{}", STANDARD.encode(mac.finalize().into_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_name_everything_an_area_or_one_kind() {
        let patterns = parse_event_patterns(&["account.*", "login.failed", "account.*"])
            .expect("valid patterns");
        assert_eq!(patterns, ["account.*", "login.failed"]);
        assert!(subscribes(&patterns, "account.closed"));
        assert!(subscribes(&patterns, "login.failed"));
        assert!(!subscribes(&patterns, "login.succeeded"));
        assert!(!subscribes(&patterns, "accounts.closed"));
        assert!(subscribes(&["*"], "anything.at_all"));
        for bad in [
            "",
            "account",
            "Account.closed",
            "account.",
            ".closed",
            "a.b.c",
            "a b.c",
        ] {
            assert_eq!(
                parse_event_patterns(&[bad]),
                Err(EventPatternError::Malformed(bad.to_owned())),
                "{bad:?}"
            );
        }
        assert_eq!(
            parse_event_patterns::<&str>(&[]),
            Err(EventPatternError::Empty)
        );
    }

    #[test]
    fn signatures_match_the_standard_webhooks_example() {
        // The example of the Standard Webhooks specification.
        let key = secret_key("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").expect("a secret");
        let body = br#"{"test": 2432232314}"#;
        assert_eq!(
            signature(&key, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1_614_265_330, body),
            "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
        );
        assert_eq!(
            secret_key("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"),
            Err(MalformedSecret)
        );
        assert_eq!(
            display_secret(&key),
            "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
        );
    }
}
