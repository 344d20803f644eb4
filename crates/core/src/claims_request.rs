//! The `claims` request parameter (OIDC Core §5.5): individual claims asked for the ID
//! token and UserInfo.
//!
//! Gatehouse releases claims by scope, the unit the user consents to. A claims request
//! therefore widens the request by the scope that carries each claim asked for, when the
//! client may ask for that scope: the user consents to it as to any scope, and the claim
//! then reaches both the ID token and UserInfo. An `acr` with `values` asked for the ID
//! token works as `acr_values`.

use crate::scope;
use serde_json::Value;
use std::collections::BTreeSet;

/// What a claims request asks for, in Gatehouse's terms.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ClaimsRequest {
    /// The scopes that carry the claims asked for.
    pub scopes: BTreeSet<&'static str>,
    /// Authentication context classes asked for with `acr` `values` (or `value`).
    pub acr_values: Vec<String>,
}

/// The scope that releases `claim`; `None` for claims that come with every ID token or that
/// Gatehouse does not know (RFC: not understood, ignored).
#[must_use]
pub fn scope_of_claim(claim: &str) -> Option<&'static str> {
    Some(match claim {
        "name" | "preferred_username" | "locale" | "birthdate" | "updated_at" => scope::PROFILE,
        "email" | "email_verified" => scope::EMAIL,
        "phone_number" | "phone_number_verified" => scope::PHONE,
        "address" => scope::ADDRESS,
        "company" | "trade_name" | "job_title" => scope::GATEHOUSE_PROFILE,
        _ => return None,
    })
}

/// Parses the `claims` parameter; the error says what is malformed (`invalid_request`).
pub fn parse(text: &str) -> Result<ClaimsRequest, String> {
    let Ok(Value::Object(targets)) = serde_json::from_str::<Value>(text) else {
        return Err("claims is a JSON object (OIDC Core §5.5)".to_owned());
    };
    let mut request = ClaimsRequest::default();
    for (target, asked) in &targets {
        if target != "userinfo" && target != "id_token" {
            continue;
        }
        let Value::Object(asked) = asked else {
            return Err(format!("claims.{target} is an object of claim names"));
        };
        for (claim, detail) in asked {
            match detail {
                Value::Null => {}
                Value::Object(detail) => {
                    if detail
                        .get("essential")
                        .is_some_and(|essential| !essential.is_boolean())
                    {
                        return Err(format!(
                            "claims.{target}.{claim}.essential is true or false"
                        ));
                    }
                    if detail
                        .get("values")
                        .is_some_and(|values| !values.is_array())
                    {
                        return Err(format!("claims.{target}.{claim}.values is an array"));
                    }
                    if claim == "acr" && target == "id_token" {
                        let values = detail
                            .get("values")
                            .and_then(Value::as_array)
                            .into_iter()
                            .flatten()
                            .chain(detail.get("value"));
                        for value in values.filter_map(Value::as_str) {
                            if !request.acr_values.iter().any(|have| have == value) {
                                request.acr_values.push(value.to_owned());
                            }
                        }
                    }
                }
                _ => {
                    return Err(format!(
                        "claims.{target}.{claim} is null or an object (essential, value, values)"
                    ));
                }
            }
            if let Some(scope) = scope_of_claim(claim) {
                request.scopes.insert(scope);
            }
        }
    }
    Ok(request)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn claims_asked_for_become_their_scopes() {
        let request = parse(
            r#"{"userinfo": {"email": {"essential": true}, "nickname": null},
                "id_token": {"job_title": null, "acr": {"essential": true, "values": ["urn:gatehouse:acr:2fa"]}},
                "other": 1}"#,
        )
        .expect("valid");
        assert_eq!(
            request.scopes,
            BTreeSet::from([scope::EMAIL, scope::GATEHOUSE_PROFILE])
        );
        assert_eq!(request.acr_values, ["urn:gatehouse:acr:2fa"]);
    }

    #[test]
    fn malformed_requests_say_what_is_wrong() {
        for bad in [
            "[]",
            "not json",
            r#"{"userinfo": ["email"]}"#,
            r#"{"userinfo": {"email": true}}"#,
            r#"{"id_token": {"email": {"essential": "yes"}}}"#,
            r#"{"id_token": {"acr": {"values": "x"}}}"#,
        ] {
            assert!(parse(bad).is_err(), "{bad} was accepted");
        }
    }
}
