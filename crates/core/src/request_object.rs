//! Signed request objects (JAR, RFC 9101): an authorization request carried as a JWT the
//! client signed. The signature is the server's business; these are the rules for its
//! claims and how they become the request's parameters.

use crate::UnixTime;
use serde_json::{Map, Value};

/// Longest lifetime a request object may claim (`exp` − `nbf`, FAPI 2.0 Message Signing: 60
/// minutes).
pub const MAX_LIFETIME_SECONDS: i64 = 3600;
/// Clock difference tolerated between client and server.
const LEEWAY_SECONDS: i64 = 30;

/// Claims that describe the JWT itself rather than the authorization request.
const ENVELOPE: [&str; 6] = ["iss", "aud", "exp", "nbf", "iat", "jti"];

/// Why a request object is refused (`invalid_request_object`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct RequestObjectError(pub String);

fn refuse<T>(message: &str) -> Result<T, RequestObjectError> {
    Err(RequestObjectError(message.to_owned()))
}

/// The authorization request parameters in `claims`, checked: `iss` and `client_id` (when
/// present) are the client, `aud` names `issuer`, `exp` is ahead and at most
/// [`MAX_LIFETIME_SECONDS`] after `nbf`, and it carries no nested request.
pub fn parameters(
    claims: &Map<String, Value>,
    client_id: &str,
    issuer: &str,
    now: UnixTime,
) -> Result<Vec<(String, String)>, RequestObjectError> {
    let text = |name: &str| claims.get(name).and_then(Value::as_str);
    if claims.get("iss").is_some() && text("iss") != Some(client_id) {
        return refuse("the request object's iss must be the client_id");
    }
    if claims.get("client_id").is_some() && text("client_id") != Some(client_id) {
        return refuse("the request object's client_id must be the client's");
    }
    let audience_matches = match claims.get("aud") {
        Some(Value::String(audience)) => audience == issuer,
        Some(Value::Array(listed)) => listed.iter().any(|audience| audience == issuer),
        _ => false,
    };
    if !audience_matches {
        return refuse("the request object's aud must be the issuer");
    }
    let time = |name: &str| claims.get(name).and_then(Value::as_i64);
    let now_seconds = now.as_secs();
    if let Some(expires) = time("exp") {
        if expires + LEEWAY_SECONDS <= now_seconds {
            return refuse("the request object has expired");
        }
        let start = time("nbf").or(time("iat")).unwrap_or(now_seconds);
        if expires - start > MAX_LIFETIME_SECONDS {
            return refuse("the request object lives longer than 60 minutes");
        }
    }
    if time("nbf").is_some_and(|moment| moment > now_seconds + LEEWAY_SECONDS) {
        return refuse("the request object is not valid yet");
    }
    let mut parameters = Vec::new();
    for (name, value) in claims {
        if ENVELOPE.contains(&name.as_str()) {
            continue;
        }
        if name == "request" || name == "request_uri" {
            return refuse("a request object cannot carry another request");
        }
        let text = match value {
            Value::String(text) => text.clone(),
            Value::Null => continue,
            Value::Number(number) => number.to_string(),
            Value::Bool(flag) => flag.to_string(),
            // The `claims` parameter and the like travel as JSON text.
            other => other.to_string(),
        };
        parameters.push((name.clone(), text));
    }
    Ok(parameters)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const NOW: i64 = 1_800_000_000;

    fn read(claims: Value) -> Result<Vec<(String, String)>, RequestObjectError> {
        let Value::Object(claims) = claims else {
            panic!("an object")
        };
        parameters(&claims, "portal", "https://id.example", UnixTime(NOW))
    }

    #[test]
    fn the_request_object_claims_become_the_parameters() {
        let parameters = read(json!({
            "iss": "portal", "aud": "https://id.example", "exp": NOW + 300, "nbf": NOW,
            "client_id": "portal", "response_type": "code", "max_age": 600,
            "claims": {"userinfo": {"email": null}}, "state": "s",
        }))
        .expect("accepted");
        let get = |name: &str| {
            parameters
                .iter()
                .find(|(key, _)| key == name)
                .map(|(_, value)| value.as_str())
        };
        assert_eq!(get("response_type"), Some("code"));
        assert_eq!(get("max_age"), Some("600"));
        assert_eq!(get("claims"), Some(r#"{"userinfo":{"email":null}}"#));
        assert_eq!(get("iss"), None);
        assert_eq!(get("exp"), None);
    }

    #[test]
    fn request_objects_that_break_a_rule_are_refused() {
        let base = json!({"iss": "portal", "aud": "https://id.example", "exp": NOW + 300});
        let with = |name: &str, value: Value| {
            let mut claims = base.clone();
            claims[name] = value;
            read(claims)
        };
        assert!(with("iss", json!("other")).is_err());
        assert!(with("aud", json!("https://elsewhere.example")).is_err());
        assert!(with("exp", json!(NOW - 120)).is_err());
        assert!(with("exp", json!(NOW + 7200)).is_err());
        assert!(with("nbf", json!(NOW + 600)).is_err());
        assert!(with("client_id", json!("other")).is_err());
        assert!(with("request", json!("x.y.z")).is_err());
        assert!(read(json!({"iss": "portal"})).is_err(), "aud is required");
    }
}
