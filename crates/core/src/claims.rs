//! Claim sets of ID tokens (OIDC Core §2), JWT access tokens (RFC 9068) and UserInfo (§5.3).

use crate::keys::SigningAlgorithm;
use crate::scope::{self, Scope};
use crate::secret::base64url;
use crate::user::User;
use crate::{ClientId, UnixTime};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use sha2::{Digest, Sha256, Sha512};

/// The claims of an ID token.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IdTokenClaims {
    /// Issuer.
    pub iss: String,
    /// Subject: the user id.
    pub sub: String,
    /// Audience: the client.
    pub aud: String,
    /// Expiry.
    pub exp: i64,
    /// Issue time.
    pub iat: i64,
    /// When the user authenticated.
    pub auth_time: i64,
    /// The authorization request's nonce.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub nonce: Option<String>,
    /// Session id, for logout (OIDC Back-Channel Logout §2.1).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub sid: Option<String>,
    /// Access token hash (OIDC Core §3.1.3.6).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub at_hash: Option<String>,
    /// Authentication methods (RFC 8176).
    pub amr: Vec<String>,
    /// Authentication context class.
    pub acr: String,
    /// Authorized party: the client.
    pub azp: String,
    /// Scope-selected user claims.
    #[serde(flatten)]
    pub user_claims: Map<String, Value>,
}

/// The claims of a JWT access token (RFC 9068 §2.2).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccessTokenClaims {
    /// Issuer.
    pub iss: String,
    /// Expiry.
    pub exp: i64,
    /// Audience: the resource servers.
    pub aud: Vec<String>,
    /// The user, or the client itself for client credentials.
    pub sub: String,
    /// The client the token was issued to.
    pub client_id: String,
    /// Issue time.
    pub iat: i64,
    /// Unique id; `<grant id>.<random>` when a grant stands behind the token, so revoking
    /// the grant revokes the token.
    pub jti: String,
    /// Granted scope.
    pub scope: String,
    /// When the user authenticated.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub auth_time: Option<i64>,
    /// Authentication context class.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub acr: Option<String>,
    /// Authentication methods.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub amr: Option<Vec<String>>,
    /// Browser session.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub sid: Option<String>,
    /// Proof-of-possession key (RFC 9449 §6.1): `{"jkt": <thumbprint>}`.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub cnf: Option<Confirmation>,
    /// The studio claims (see [`studio_claims`]).
    #[serde(flatten)]
    pub studio: Map<String, Value>,
}

/// A member's studio sign-in name (`matti@123`): the studio user name at the studio's
/// licence number, or at its slug when it has none. `None` for members without a user name.
#[must_use]
pub fn studio_sign_in_name(membership: &crate::studio::Membership) -> Option<String> {
    let username = membership.username.as_deref()?;
    let studio = &membership.studio;
    let at = studio.licence_number.as_deref().unwrap_or(&studio.slug);
    Some(format!("{username}@{at}"))
}

/// `preferred_username` of a sign-in in `membership`'s studio, when `scope` releases the
/// profile and the member has a studio sign-in name; the e-mail address stays otherwise.
pub fn apply_studio_username(
    claims: &mut Map<String, Value>,
    scope: &Scope,
    membership: &crate::studio::Membership,
) {
    if scope.contains(scope::PROFILE)
        && let Some(name) = studio_sign_in_name(membership)
    {
        claims.insert("preferred_username".into(), Value::from(name));
    }
}

impl AccessTokenClaims {
    /// Whether `caller` may learn about this token at introspection (RFC 7662 §4: the
    /// server decides whom it tells): the client it was issued to, or a resource server it
    /// is meant for (its `aud`). Anyone else hears `{"active": false}`.
    #[must_use]
    pub fn is_disclosed_to(&self, caller: &str) -> bool {
        self.client_id == caller || self.aud.iter().any(|audience| audience == caller)
    }
}

/// The event that marks a logout token (OIDC Back-Channel Logout 1.0 §2.4).
pub const BACKCHANNEL_LOGOUT_EVENT: &str = "http://schemas.openid.net/event/backchannel-logout";

/// The claims of a logout token (OIDC Back-Channel Logout 1.0 §2.4). Never a `nonce`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LogoutTokenClaims {
    /// Issuer.
    pub iss: String,
    /// The relying party.
    pub aud: String,
    /// Issue time.
    pub iat: i64,
    /// Expiry (short: the token is delivered at once).
    pub exp: i64,
    /// Unique id, so receivers can reject replays.
    pub jti: String,
    /// The user.
    pub sub: String,
    /// The session that ended.
    pub sid: String,
    /// `{"http://schemas.openid.net/event/backchannel-logout": {}}`.
    pub events: Map<String, Value>,
}

impl LogoutTokenClaims {
    /// The claims for the end of session `sid` of `sub`, for `client_id`.
    #[must_use]
    pub fn new(
        issuer: &str,
        client_id: &str,
        sub: &str,
        sid: &str,
        jti: String,
        now: UnixTime,
    ) -> Self {
        let mut events = Map::new();
        events.insert(
            BACKCHANNEL_LOGOUT_EVENT.to_owned(),
            Value::Object(Map::new()),
        );
        Self {
            iss: issuer.to_owned(),
            aud: client_id.to_owned(),
            iat: now.as_secs(),
            exp: now.plus_seconds(120).as_secs(),
            jti,
            sub: sub.to_owned(),
            sid: sid.to_owned(),
            events,
        }
    }
}

/// The `cnf` claim of a DPoP-bound token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Confirmation {
    /// JWK SHA-256 thumbprint of the bound key.
    pub jkt: String,
}

/// The claims naming the studio of a sign-in: `studio_id`, `studio_slug`, `studio_name`,
/// `studio_roles` and, when it has one, `studio_licence`.
#[must_use]
pub fn studio_claims(membership: &crate::studio::Membership) -> Map<String, Value> {
    let studio = &membership.studio;
    let mut claims = Map::new();
    claims.insert("studio_id".into(), Value::from(studio.id.as_str()));
    claims.insert("studio_slug".into(), Value::from(studio.slug.clone()));
    claims.insert("studio_name".into(), Value::from(studio.name.clone()));
    claims.insert("studio_roles".into(), Value::from(membership.roles.clone()));
    if let Some(licence) = &studio.licence_number {
        claims.insert("studio_licence".into(), Value::from(licence.clone()));
    }
    claims
}

impl AccessTokenClaims {
    /// The grant behind the token, if any (see [`AccessTokenClaims::jti`]).
    #[must_use]
    pub fn grant_id(&self) -> Option<&str> {
        self.jti.split_once('.').map(|(grant, _)| grant)
    }
}

/// Builds the `jti` of an access token from its grant and a random suffix.
#[must_use]
pub fn access_token_jti(grant_id: Option<&str>, random_suffix: &str) -> String {
    match grant_id {
        Some(grant) => format!("{grant}.{random_suffix}"),
        None => random_suffix.to_owned(),
    }
}

/// The user's claims that `scope` releases (OIDC Core §5.4).
#[must_use]
pub fn user_claims(user: &User, scope: &Scope) -> Map<String, Value> {
    let mut claims = Map::new();
    if scope.contains(scope::PROFILE) {
        if let Some(name) = &user.name {
            claims.insert("name".into(), Value::from(name.clone()));
        }
        claims.insert("preferred_username".into(), Value::from(user.email.clone()));
        if let Some(locale) = &user.locale {
            claims.insert("locale".into(), Value::from(locale.clone()));
        }
        if let Some(birthdate) = &user.profile.date_of_birth {
            claims.insert("birthdate".into(), Value::from(birthdate.clone()));
        }
        claims.insert("updated_at".into(), Value::from(user.updated_at.as_secs()));
    }
    if scope.contains(scope::ADDRESS) {
        let profile = &user.profile;
        let mut address = Map::new();
        if let Some(city) = &profile.city {
            address.insert("locality".into(), Value::from(city.clone()));
        }
        if let Some(country) = &profile.country {
            address.insert("country".into(), Value::from(country.clone()));
        }
        let formatted: Vec<&str> = [profile.city.as_deref(), profile.country.as_deref()]
            .into_iter()
            .flatten()
            .collect();
        if !formatted.is_empty() {
            address.insert("formatted".into(), Value::from(formatted.join(", ")));
            claims.insert("address".into(), Value::Object(address));
        }
    }
    if scope.contains(scope::GATEHOUSE_PROFILE) {
        let profile = &user.profile;
        for (name, value) in [
            ("company", &profile.company),
            ("trade_name", &profile.trade_name),
            ("job_title", &profile.job_title),
        ] {
            if let Some(value) = value {
                claims.insert(name.into(), Value::from(value.clone()));
            }
        }
    }
    if scope.contains(scope::EMAIL) {
        claims.insert("email".into(), Value::from(user.email.clone()));
        claims.insert("email_verified".into(), Value::from(user.email_verified));
    }
    if scope.contains(scope::PHONE)
        && let Some(phone) = &user.phone_number
    {
        claims.insert("phone_number".into(), Value::from(phone.clone()));
        claims.insert(
            "phone_number_verified".into(),
            Value::from(user.phone_number_verified),
        );
    }
    claims
}

/// `at_hash`: the left half of the hash of the access token, with the hash of the ID token's
/// `alg` (OIDC Core §3.1.3.6; SHA-512 for Ed25519, as OpenID Foundation guidance says).
#[must_use]
pub fn access_token_hash(access_token: &str, algorithm: SigningAlgorithm) -> String {
    match algorithm {
        SigningAlgorithm::RS256 | SigningAlgorithm::PS256 | SigningAlgorithm::ES256 => {
            let digest = Sha256::digest(access_token.as_bytes());
            base64url(&digest[..16])
        }
        SigningAlgorithm::EdDSA => {
            let digest = Sha512::digest(access_token.as_bytes());
            base64url(&digest[..32])
        }
    }
}

/// The claims every token about a user shares.
#[derive(Debug, Clone)]
pub struct TokenContext<'a> {
    /// Issuer URL.
    pub issuer: &'a str,
    /// The client.
    pub client_id: &'a ClientId,
    /// Issue time.
    pub now: UnixTime,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::UserId;
    use crate::user::UserStatus;

    #[test]
    fn claims_follow_scope() {
        let user = User {
            id: UserId::new("u1"),
            email: "anna@example.com".into(),
            email_verified: true,
            name: Some("Anna Rossi".into()),
            phone_number: None,
            phone_number_verified: false,
            locale: Some("it".into()),
            status: UserStatus::Active,
            last_studio_id: None,
            password_changed_at: None,
            profile: crate::profile::Profile::default(),
            closed_at: None,
            created_at: UnixTime(1),
            updated_at: UnixTime(2),
        };
        let openid_only = user_claims(&user, &Scope::parse("openid").unwrap_or_default());
        assert!(openid_only.is_empty());
        let with_email = user_claims(
            &user,
            &Scope::parse("openid email phone").unwrap_or_default(),
        );
        assert_eq!(
            with_email.get("email"),
            Some(&Value::from("anna@example.com"))
        );
        assert_eq!(with_email.get("email_verified"), Some(&Value::from(true)));
        assert!(!with_email.contains_key("name"));
        assert!(!with_email.contains_key("phone_number"));
        let with_profile = user_claims(&user, &Scope::parse("openid profile").unwrap_or_default());
        assert_eq!(with_profile.get("name"), Some(&Value::from("Anna Rossi")));
        assert!(!with_profile.contains_key("birthdate"));
    }

    #[test]
    fn profile_fields_reach_standard_and_gatehouse_claims() {
        let user = User {
            id: UserId::new("u1"),
            email: "matti@example.fi".into(),
            email_verified: true,
            name: None,
            phone_number: None,
            phone_number_verified: false,
            locale: None,
            status: UserStatus::Active,
            last_studio_id: None,
            password_changed_at: None,
            profile: crate::profile::Profile {
                trade_name: Some("Virtanen Tmi".into()),
                country: Some("Finland".into()),
                city: Some("Tampere".into()),
                date_of_birth: Some("1980-05-17".into()),
                company: None,
                job_title: Some("Analyst".into()),
            },
            closed_at: None,
            created_at: UnixTime(1),
            updated_at: UnixTime(2),
        };
        let all = user_claims(
            &user,
            &Scope::parse("openid profile address gatehouse:profile").unwrap_or_default(),
        );
        assert_eq!(all.get("birthdate"), Some(&Value::from("1980-05-17")));
        assert_eq!(
            all.get("address"),
            Some(&serde_json::json!({
                "locality": "Tampere",
                "country": "Finland",
                "formatted": "Tampere, Finland",
            }))
        );
        assert_eq!(all.get("trade_name"), Some(&Value::from("Virtanen Tmi")));
        assert_eq!(all.get("job_title"), Some(&Value::from("Analyst")));
        assert!(!all.contains_key("company"));
        let standard_only = user_claims(&user, &Scope::parse("openid address").unwrap_or_default());
        assert!(!standard_only.contains_key("job_title"));
        assert!(standard_only.contains_key("address"));
    }

    #[test]
    fn at_hash_matches_oidc_example() {
        // OIDC Core Appendix A.3's access token and at_hash (RS256).
        assert_eq!(
            access_token_hash(
                "jHkWEdUXMU1BwAsC4vtUsZwnNvTIxEl0z9K3vx5KF0Y",
                SigningAlgorithm::RS256
            ),
            "77QmUPtjPfzWtF2AnpK9RQ"
        );
    }

    #[test]
    fn jti_carries_the_grant() {
        let claims = AccessTokenClaims {
            iss: "i".into(),
            exp: 0,
            aud: vec![],
            sub: "s".into(),
            client_id: "c".into(),
            iat: 0,
            jti: access_token_jti(Some("grant1"), "xyz"),
            scope: String::new(),
            auth_time: None,
            acr: None,
            amr: None,
            sid: None,
            cnf: None,
            studio: Map::new(),
        };
        assert_eq!(claims.grant_id(), Some("grant1"));
        assert_eq!(access_token_jti(None, "xyz"), "xyz");
    }
}
