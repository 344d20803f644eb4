//! Upstream identity providers: Gatehouse as a relying party of Google, Microsoft,
//! Facebook, X or any OpenID Connect / OAuth2 provider, and the rules for what an upstream
//! identity may do here (link, provision, count as a second factor).

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// The authentication method reference of an upstream sign-in in our tokens (`amr`). RFC
/// 8176 has no value for federation; `fed` is the one in common use.
pub const AMR_FEDERATED: &str = "fed";

/// The kind of an upstream provider: how we talk to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProviderKind {
    /// Any OpenID Connect provider, through discovery.
    Oidc,
    /// Google (OpenID Connect).
    Google,
    /// Microsoft Entra ID and Microsoft accounts (OpenID Connect, multi-tenant aware).
    Microsoft,
    /// Facebook: OAuth2 and the Graph API.
    Facebook,
    /// X (Twitter): OAuth 2.0 with PKCE and its users-me API.
    X,
    /// Any OAuth2 provider with a UserInfo URL and a claim mapping.
    Oauth2,
}

impl ProviderKind {
    /// Every kind.
    pub const ALL: [Self; 6] = [
        Self::Oidc,
        Self::Google,
        Self::Microsoft,
        Self::Facebook,
        Self::X,
        Self::Oauth2,
    ];

    /// The stored name.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Oidc => "oidc",
            Self::Google => "google",
            Self::Microsoft => "microsoft",
            Self::Facebook => "facebook",
            Self::X => "x",
            Self::Oauth2 => "oauth2",
        }
    }

    /// Whether it speaks OpenID Connect (ID tokens, discovery).
    #[must_use]
    pub fn is_oidc(self) -> bool {
        matches!(self, Self::Oidc | Self::Google | Self::Microsoft)
    }

    /// The scopes asked for unless configured otherwise.
    #[must_use]
    pub fn default_scopes(self) -> &'static [&'static str] {
        match self {
            Self::Oidc | Self::Google | Self::Microsoft => &["openid", "email", "profile"],
            Self::Facebook => &["email", "public_profile"],
            // `users.email` lets users-me answer the confirmed address.
            Self::X => &["users.read", "tweet.read", "users.email"],
            Self::Oauth2 => &[],
        }
    }

    /// The button's name unless configured otherwise.
    #[must_use]
    pub fn default_display_name(self) -> &'static str {
        match self {
            Self::Oidc | Self::Oauth2 => "Single sign-on",
            Self::Google => "Google",
            Self::Microsoft => "Microsoft",
            Self::Facebook => "Facebook",
            Self::X => "X",
        }
    }

    /// The issuer (OpenID Connect kinds) unless configured otherwise.
    #[must_use]
    pub fn default_issuer(self) -> Option<&'static str> {
        match self {
            Self::Google => Some("https://accounts.google.com"),
            _ => None,
        }
    }
}

impl fmt::Display for ProviderKind {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(self.as_str())
    }
}

impl FromStr for ProviderKind {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|kind| kind.as_str() == text)
            .ok_or_else(|| {
                format!(
                    "unknown provider kind {text:?}; use oidc, google, microsoft, facebook, x or oauth2"
                )
            })
    }
}

/// Where a provider's answer keeps each fact about the user (a generic OAuth2 provider's
/// UserInfo, or an OpenID Connect provider with unusual claim names). Dotted names reach
/// into nested objects (`data.username`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ClaimMapping {
    /// The stable user id.
    pub subject: String,
    /// The e-mail address.
    pub email: String,
    /// Whether the address is verified; `None`: the provider's addresses count as verified
    /// only when the provider is configured to vouch for them.
    pub email_verified: Option<String>,
    /// Full name.
    pub name: String,
    /// Given name.
    pub given_name: String,
    /// Family name.
    pub family_name: String,
    /// Language.
    pub locale: String,
}

impl Default for ClaimMapping {
    fn default() -> Self {
        Self {
            subject: "sub".to_owned(),
            email: "email".to_owned(),
            email_verified: Some("email_verified".to_owned()),
            name: "name".to_owned(),
            given_name: "given_name".to_owned(),
            family_name: "family_name".to_owned(),
            locale: "locale".to_owned(),
        }
    }
}

impl ClaimMapping {
    /// The mapping of a kind's own API (Facebook's Graph API, X's users-me).
    #[must_use]
    pub fn for_kind(kind: ProviderKind) -> Self {
        match kind {
            ProviderKind::Facebook => Self {
                subject: "id".to_owned(),
                // Facebook returns only addresses its users confirmed.
                email_verified: None,
                given_name: "first_name".to_owned(),
                family_name: "last_name".to_owned(),
                ..Self::default()
            },
            ProviderKind::X => Self {
                subject: "data.id".to_owned(),
                email: "data.confirmed_email".to_owned(),
                email_verified: None,
                name: "data.name".to_owned(),
                given_name: String::new(),
                family_name: String::new(),
                locale: String::new(),
            },
            _ => Self::default(),
        }
    }
}

/// A configured upstream provider (its client secret is kept apart, encrypted).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UpstreamProvider {
    /// Id, used in URLs and studio settings (`google`, `corp-sso`).
    pub id: String,
    /// How we talk to it.
    pub kind: ProviderKind,
    /// The button's label.
    pub display_name: String,
    /// Our client id there.
    pub client_id: String,
    /// The issuer (OpenID Connect); for Microsoft the tenant's, or `common` /
    /// `organizations` / `consumers` for multi-tenant sign-in.
    pub issuer: Option<String>,
    /// Overrides of the endpoints (all of them for Facebook, X and OAuth2 when not the
    /// public ones; tests point them at local servers).
    pub endpoints: Endpoints,
    /// The scopes asked for.
    pub scopes: Vec<String>,
    /// Where the answer keeps each fact.
    pub claims: ClaimMapping,
    /// Whether its e-mail addresses count as verified when it does not say (Facebook:
    /// yes, it returns confirmed addresses only).
    pub email_trusted: bool,
    /// Position of its button (lower first).
    pub button_order: i32,
    /// Offered at all.
    pub enabled: bool,
}

/// Endpoint overrides of a provider.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Endpoints {
    /// Authorization endpoint.
    pub authorization: Option<String>,
    /// Token endpoint.
    pub token: Option<String>,
    /// UserInfo endpoint (or the Graph API's `/me`, X's `/2/users/me`).
    pub userinfo: Option<String>,
    /// JWKS (OpenID Connect without discovery).
    pub jwks: Option<String>,
}

impl Endpoints {
    /// The public endpoints of a kind that has no discovery.
    #[must_use]
    pub fn defaults(kind: ProviderKind) -> Self {
        let some = |url: &str| Some(url.to_owned());
        match kind {
            ProviderKind::Facebook => Self {
                authorization: some("https://www.facebook.com/v19.0/dialog/oauth"),
                token: some("https://graph.facebook.com/v19.0/oauth/access_token"),
                userinfo: some(
                    "https://graph.facebook.com/v19.0/me?fields=id,name,email,first_name,last_name",
                ),
                jwks: None,
            },
            ProviderKind::X => Self {
                authorization: some("https://x.com/i/oauth2/authorize"),
                token: some("https://api.x.com/2/oauth2/token"),
                userinfo: some("https://api.x.com/2/users/me?user.fields=confirmed_email"),
                jwks: None,
            },
            _ => Self::default(),
        }
    }

    /// These overrides on top of `base`.
    #[must_use]
    pub fn over(&self, base: Self) -> Self {
        Self {
            authorization: self.authorization.clone().or(base.authorization),
            token: self.token.clone().or(base.token),
            userinfo: self.userinfo.clone().or(base.userinfo),
            jwks: self.jwks.clone().or(base.jwks),
        }
    }
}

/// A provider id we refuse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("provider id {0:?}: use 1 to 40 lower-case letters, digits and hyphens (not `link`)")]
pub struct InvalidProviderId(pub String);

/// Checks a provider id: lower-case letters, digits and hyphens, 1 to 40 characters.
pub fn check_provider_id(id: &str) -> Result<String, InvalidProviderId> {
    let id = id.trim().to_lowercase();
    let valid = (1..=40).contains(&id.len())
        && id
            .bytes()
            .all(|byte| byte.is_ascii_lowercase() || byte.is_ascii_digit() || byte == b'-')
        && !id.starts_with('-')
        && !id.ends_with('-')
        // `/login/upstream/link` is the page that links an existing account.
        && id != "link";
    if valid {
        Ok(id)
    } else {
        Err(InvalidProviderId(id))
    }
}

/// What an upstream provider told us about its user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UpstreamIdentity {
    /// The provider's stable id for the user.
    pub subject: String,
    /// The e-mail address, normalised when present.
    pub email: Option<String>,
    /// Whether the provider vouches for the address.
    pub email_verified: bool,
    /// Full name.
    pub name: Option<String>,
    /// Language.
    pub locale: Option<String>,
    /// How the user authenticated there (ID token `amr`).
    pub amr: Vec<String>,
}

/// A claim the provider's answer lacks.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the provider's answer has no {0:?}")]
pub struct MissingClaim(pub String);

/// The value at a dotted path of a JSON document, as text.
fn text_at<'a>(document: &'a serde_json::Value, path: &str) -> Option<&'a serde_json::Value> {
    if path.is_empty() {
        return None;
    }
    path.split('.')
        .try_fold(document, |value, segment| value.get(segment))
}

fn as_text(value: &serde_json::Value) -> Option<String> {
    match value {
        serde_json::Value::String(text) if !text.trim().is_empty() => Some(text.trim().to_owned()),
        serde_json::Value::Number(number) => Some(number.to_string()),
        _ => None,
    }
}

/// Reads the identity out of a provider's answer (ID token claims merged with UserInfo, or
/// an API's JSON) with `mapping`.
pub fn identity_from(
    mapping: &ClaimMapping,
    answer: &serde_json::Value,
    email_trusted: bool,
) -> Result<UpstreamIdentity, MissingClaim> {
    let subject = text_at(answer, &mapping.subject)
        .and_then(as_text)
        .ok_or_else(|| MissingClaim(mapping.subject.clone()))?;
    let email = text_at(answer, &mapping.email)
        .and_then(as_text)
        .and_then(|email| crate::user::normalize_email(&email).ok());
    let email_verified = match &mapping.email_verified {
        Some(path) => match text_at(answer, path) {
            Some(serde_json::Value::Bool(verified)) => *verified,
            // Some providers send "true" as a string.
            Some(serde_json::Value::String(text)) => text.eq_ignore_ascii_case("true"),
            _ => email_trusted,
        },
        None => email_trusted,
    } && email.is_some();
    let name = text_at(answer, &mapping.name)
        .and_then(as_text)
        .or_else(|| {
            let given = text_at(answer, &mapping.given_name).and_then(as_text);
            let family = text_at(answer, &mapping.family_name).and_then(as_text);
            match (given, family) {
                (Some(given), Some(family)) => Some(format!("{given} {family}")),
                (Some(one), None) | (None, Some(one)) => Some(one),
                (None, None) => None,
            }
        });
    let locale = text_at(answer, &mapping.locale)
        .and_then(as_text)
        .and_then(|tag| tag.split(['-', '_']).next().map(str::to_lowercase));
    let amr = answer
        .get("amr")
        .and_then(serde_json::Value::as_array)
        .map(|values| {
            values
                .iter()
                .filter_map(|value| value.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default();
    Ok(UpstreamIdentity {
        subject,
        email,
        email_verified,
        name,
        locale,
        amr,
    })
}

/// The multi-tenant names of Microsoft's endpoints: the token's issuer then names the
/// user's own tenant.
pub const MICROSOFT_MULTI_TENANTS: [&str; 3] = ["common", "organizations", "consumers"];

/// The issuer Microsoft's ID tokens carry for tenant `tenant_id`.
#[must_use]
pub fn microsoft_issuer(tenant_id: &str) -> String {
    format!("https://login.microsoftonline.com/{tenant_id}/v2.0")
}

/// Whether a Microsoft ID token's `iss` is right: its tenant must be the token's `tid`, and
/// for a single-tenant configuration also the configured tenant. `issuer_template` is the
/// configured issuer with `{tenantid}` where the tenant goes.
#[must_use]
pub fn microsoft_issuer_matches(issuer_template: &str, iss: &str, tid: Option<&str>) -> bool {
    let Some(tid) = tid.filter(|tid| !tid.is_empty()) else {
        return false;
    };
    iss == issuer_template.replace("{tenantid}", tid)
}

/// Whether the upstream's `amr` says the user passed more than one factor there.
#[must_use]
pub fn upstream_used_mfa(amr: &[String]) -> bool {
    amr.iter().any(|method| {
        matches!(
            method.as_str(),
            "mfa" | "otp" | "hwk" | "swk" | "sms" | "fpt" | "face"
        )
    })
}

/// A studio's rules for accounts that arrive through an upstream provider.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Provisioning {
    /// A first upstream sign-in with a verified address no account has creates an account
    /// in the studio.
    pub enabled: bool,
    /// Only for these e-mail domains (empty: any).
    pub email_domains: Vec<String>,
}

impl Provisioning {
    /// Whether an account may be created for `email`.
    #[must_use]
    pub fn allows(&self, email: &str) -> bool {
        if !self.enabled {
            return false;
        }
        if self.email_domains.is_empty() {
            return true;
        }
        let domain = email.rsplit_once('@').map_or("", |(_, domain)| domain);
        self.email_domains.iter().any(|allowed| {
            allowed
                .trim()
                .trim_start_matches('@')
                .eq_ignore_ascii_case(domain)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn identities_are_read_with_the_mapping() {
        let answer = json!({"sub": "abc", "email": "Ana@Example.COM", "email_verified": true,
                            "given_name": "Ana", "family_name": "Lima", "locale": "fi-FI",
                            "amr": ["pwd", "mfa"]});
        let identity = identity_from(&ClaimMapping::default(), &answer, false).expect("reads");
        assert_eq!(identity.subject, "abc");
        assert_eq!(identity.email.as_deref(), Some("ana@example.com"));
        assert!(identity.email_verified);
        assert_eq!(identity.name.as_deref(), Some("Ana Lima"));
        assert_eq!(identity.locale.as_deref(), Some("fi"));
        assert!(upstream_used_mfa(&identity.amr));

        let unverified = json!({"sub": "abc", "email": "ana@example.com", "email_verified": false});
        assert!(
            !identity_from(&ClaimMapping::default(), &unverified, true)
                .expect("reads")
                .email_verified
        );
        let silent = json!({"sub": 7, "email": "ana@example.com"});
        let trusted = identity_from(&ClaimMapping::default(), &silent, true).expect("reads");
        assert_eq!(trusted.subject, "7");
        assert!(trusted.email_verified);
        assert!(
            !identity_from(&ClaimMapping::default(), &silent, false)
                .expect("reads")
                .email_verified
        );
        assert_eq!(
            identity_from(&ClaimMapping::default(), &json!({"email": "x@y.z"}), true),
            Err(MissingClaim("sub".to_owned()))
        );
    }

    #[test]
    fn x_answers_are_nested() {
        let answer = json!({"data": {"id": "2244994945", "name": "Ana", "username": "ana"}});
        let identity =
            identity_from(&ClaimMapping::for_kind(ProviderKind::X), &answer, true).expect("reads");
        assert_eq!(identity.subject, "2244994945");
        assert_eq!(identity.email, None);
        assert!(!identity.email_verified, "no address, nothing verified");
    }

    #[test]
    fn microsoft_issuers_name_the_tokens_tenant() {
        let template = "https://login.microsoftonline.com/{tenantid}/v2.0";
        let tid = "9188040d-6c67-4c5b-b112-36a304b66dad";
        assert!(microsoft_issuer_matches(
            template,
            &microsoft_issuer(tid),
            Some(tid)
        ));
        assert!(!microsoft_issuer_matches(
            template,
            &microsoft_issuer(tid),
            Some("other")
        ));
        assert!(!microsoft_issuer_matches(
            template,
            &microsoft_issuer(tid),
            None
        ));
        let single = format!("https://login.microsoftonline.com/{tid}/v2.0");
        assert!(microsoft_issuer_matches(
            &single,
            &microsoft_issuer(tid),
            Some(tid)
        ));
        assert!(!microsoft_issuer_matches(
            &single,
            &microsoft_issuer("evil"),
            Some("evil")
        ));
    }

    #[test]
    fn provisioning_follows_the_domains() {
        let open = Provisioning {
            enabled: true,
            email_domains: vec![],
        };
        assert!(open.allows("a@anywhere.example"));
        let corporate = Provisioning {
            enabled: true,
            email_domains: vec!["acme.example".into(), "@acme.fi".into()],
        };
        assert!(corporate.allows("ana@acme.example"));
        assert!(corporate.allows("ana@ACME.fi"));
        assert!(!corporate.allows("ana@evil-acme.example"));
        assert!(!Provisioning::default().allows("ana@acme.example"));
    }

    #[test]
    fn provider_ids() {
        assert_eq!(check_provider_id(" Google "), Ok("google".to_owned()));
        assert!(check_provider_id("corp-sso").is_ok());
        for bad in ["", "-x", "x-", "no spaces", "ünï", &"x".repeat(41)] {
            assert!(check_provider_id(bad).is_err(), "{bad}");
        }
    }
}
