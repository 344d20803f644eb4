//! What the management API answers with: JSON views of the domain types. Times are RFC 3339
//! strings; secrets never appear.

use gatehouse_core::UnixTime;
use gatehouse_core::client::{AuthenticationMethod, Client, ClientKeys};
use gatehouse_core::device::Device;
use gatehouse_core::mfa::{Factor, FactorKind};
use gatehouse_core::studio::{Membership, Studio};
use gatehouse_core::user::{User, UserStatus};
use serde::Serialize;
use utoipa::ToSchema;

/// A time as RFC 3339.
#[must_use]
pub fn rfc3339(time: UnixTime) -> String {
    crate::service::users::rfc3339(time)
}

/// Parses an account state as the API names it.
#[must_use]
pub fn user_status(text: &str) -> Option<UserStatus> {
    [
        UserStatus::Active,
        UserStatus::Disabled,
        UserStatus::PendingVerification,
        UserStatus::PendingApproval,
        UserStatus::PendingActivation,
        UserStatus::Closed,
    ]
    .into_iter()
    .find(|status| status.as_str() == text)
}

/// Profile fields.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProfileView {
    trade_name: Option<String>,
    country: Option<String>,
    city: Option<String>,
    /// `YYYY-MM-DD`.
    date_of_birth: Option<String>,
    company: Option<String>,
    job_title: Option<String>,
}

/// A studio membership of an account.
#[derive(Debug, Serialize, ToSchema)]
pub struct MembershipView {
    /// The studio's slug.
    studio: String,
    /// The studio's id (the `studio_id` claim).
    studio_id: String,
    /// Role names.
    roles: Vec<String>,
    /// The studio user name, for `user@licence` sign-in.
    username: Option<String>,
}

impl MembershipView {
    /// The view of `membership`.
    #[must_use]
    pub fn of(membership: &Membership) -> Self {
        Self {
            studio: membership.studio.slug.clone(),
            studio_id: membership.studio.id.as_str().to_owned(),
            roles: membership.roles.clone(),
            username: membership.username.clone(),
        }
    }
}

/// An account.
#[derive(Debug, Serialize, ToSchema)]
pub struct UserView {
    /// Stable id, also the `sub` claim.
    id: String,
    /// E-mail address, the sign-in name.
    email: String,
    email_verified: bool,
    name: Option<String>,
    /// E.164 phone number.
    phone: Option<String>,
    phone_verified: bool,
    /// Language (BCP 47).
    locale: Option<String>,
    /// `active`, `disabled`, `pending_verification`, `pending_approval`,
    /// `pending_activation` or `closed`.
    status: String,
    profile: ProfileView,
    /// The account's studios (in single-account answers, not in lists).
    #[serde(skip_serializing_if = "Option::is_none")]
    memberships: Option<Vec<MembershipView>>,
    created_at: String,
    updated_at: String,
    password_changed_at: Option<String>,
    closed_at: Option<String>,
}

impl UserView {
    /// The view of `user`, with its memberships when given.
    #[must_use]
    pub fn of(user: &User, memberships: Option<&[Membership]>) -> Self {
        Self {
            id: user.id.as_str().to_owned(),
            email: user.email.clone(),
            email_verified: user.email_verified,
            name: user.name.clone(),
            phone: user.phone_number.clone(),
            phone_verified: user.phone_number_verified,
            locale: user.locale.clone(),
            status: user.status.as_str().to_owned(),
            profile: ProfileView {
                trade_name: user.profile.trade_name.clone(),
                country: user.profile.country.clone(),
                city: user.profile.city.clone(),
                date_of_birth: user.profile.date_of_birth.clone(),
                company: user.profile.company.clone(),
                job_title: user.profile.job_title.clone(),
            },
            memberships: memberships
                .map(|memberships| memberships.iter().map(MembershipView::of).collect()),
            created_at: rfc3339(user.created_at),
            updated_at: rfc3339(user.updated_at),
            password_changed_at: user.password_changed_at.map(rfc3339),
            closed_at: user.closed_at.map(rfc3339),
        }
    }
}

/// A registered device.
#[derive(Debug, Serialize, ToSchema)]
pub struct DeviceView {
    id: String,
    /// A readable summary of the browser, e.g. "Firefox on Windows".
    name: String,
    first_seen_at: String,
    last_seen_at: String,
}

impl DeviceView {
    /// The view of `device`.
    #[must_use]
    pub fn of(device: &Device) -> Self {
        Self {
            id: device.id.as_str().to_owned(),
            name: device.name.clone(),
            first_seen_at: rfc3339(device.first_seen_at),
            last_seen_at: rfc3339(device.last_seen_at),
        }
    }
}

/// An active browser session.
#[derive(Debug, Serialize, ToSchema)]
pub struct SessionView {
    /// The session id (the `sid` claim).
    id: String,
    /// Authentication methods (RFC 8176), e.g. `["pwd", "otp"]`.
    amr: Vec<String>,
    acr: String,
    authenticated_at: String,
    created_at: String,
    expires_at: String,
    last_seen_at: String,
    device_id: Option<String>,
    device_name: Option<String>,
    studio_id: Option<String>,
    ip_address: Option<String>,
    user_agent: Option<String>,
}

impl SessionView {
    /// The view of a session summary.
    #[must_use]
    pub fn of(summary: &gatehouse_store::sessions::SessionSummary) -> Self {
        let session = &summary.session;
        Self {
            id: session.id.as_str().to_owned(),
            amr: session.authentication.amr.clone(),
            acr: session.authentication.acr.clone(),
            authenticated_at: rfc3339(session.authentication.auth_time),
            created_at: rfc3339(session.created_at),
            expires_at: rfc3339(session.expires_at),
            last_seen_at: rfc3339(summary.last_seen_at),
            device_id: session.device_id.as_ref().map(|id| id.as_str().to_owned()),
            device_name: summary.device_name.clone(),
            studio_id: session.studio_id.as_ref().map(|id| id.as_str().to_owned()),
            ip_address: summary.origin.ip_address.clone(),
            user_agent: summary.origin.user_agent.clone(),
        }
    }
}

/// A second factor. Recovery codes appear as one entry with the number left.
#[derive(Debug, Serialize, ToSchema)]
pub struct FactorView {
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<String>,
    /// `passkey`, `totp`, `email_otp`, `sms_otp` or `recovery_code`.
    kind: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    label: Option<String>,
    /// Enrolment finished (an authenticator app answered its first code).
    confirmed: bool,
    created_at: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    last_used_at: Option<String>,
    /// Unused recovery codes.
    #[serde(skip_serializing_if = "Option::is_none")]
    remaining: Option<usize>,
}

impl FactorView {
    /// The views of a user's factors.
    #[must_use]
    pub fn list(enrolled: &[Factor]) -> Vec<Self> {
        let mut listed: Vec<Self> = enrolled
            .iter()
            .filter(|factor| factor.kind.is_primary())
            .map(|factor| Self {
                id: Some(factor.id.clone()),
                kind: factor.kind.as_str().to_owned(),
                label: factor.label.clone(),
                confirmed: factor.confirmed_at.is_some(),
                created_at: rfc3339(factor.created_at),
                last_used_at: factor.last_used_at.map(rfc3339),
                remaining: None,
            })
            .collect();
        let recovery: Vec<&Factor> = enrolled
            .iter()
            .filter(|factor| factor.kind == FactorKind::RecoveryCode)
            .collect();
        if let Some(first) = recovery.first() {
            listed.push(Self {
                id: None,
                kind: FactorKind::RecoveryCode.as_str().to_owned(),
                label: None,
                confirmed: true,
                created_at: rfc3339(first.created_at),
                last_used_at: None,
                remaining: Some(recovery.iter().filter(|factor| factor.is_active()).count()),
            });
        }
        listed
    }
}

/// A studio (licence).
#[derive(Debug, Serialize, ToSchema)]
pub struct StudioView {
    /// Stable id (the `studio_id` claim).
    id: String,
    /// Unique short name, used in URLs and `user@slug` sign-in names.
    slug: String,
    name: String,
    /// Licence number, used in `user@licence` sign-in names.
    licence: Option<String>,
    /// The studio's settings (absent values follow the instance's).
    #[schema(value_type = Object)]
    settings: serde_json::Value,
    created_at: String,
}

impl StudioView {
    /// The view of `studio`.
    #[must_use]
    pub fn of(studio: &Studio) -> Self {
        Self {
            id: studio.id.as_str().to_owned(),
            slug: studio.slug.clone(),
            name: studio.name.clone(),
            licence: studio.licence_number.clone(),
            settings: serde_json::to_value(&studio.settings).unwrap_or_default(),
            created_at: rfc3339(studio.created_at),
        }
    }
}

/// A member of a studio.
#[derive(Debug, Serialize, ToSchema)]
pub struct MemberView {
    user_id: String,
    email: String,
    name: Option<String>,
    /// The account's state (see the user resource).
    status: String,
    roles: Vec<String>,
    username: Option<String>,
}

impl MemberView {
    /// The view of a member.
    #[must_use]
    pub fn of(membership: &Membership, user: &User) -> Self {
        Self {
            user_id: user.id.as_str().to_owned(),
            email: user.email.clone(),
            name: user.name.clone(),
            status: user.status.as_str().to_owned(),
            roles: membership.roles.clone(),
            username: membership.username.clone(),
        }
    }
}

/// A registered application (relying party). Its secret is never shown again.
#[derive(Debug, Serialize, ToSchema)]
pub struct ClientView {
    client_id: String,
    name: String,
    /// Public clients have no secret and must use PKCE.
    public: bool,
    /// First-party clients skip the consent page.
    first_party: bool,
    redirect_uris: Vec<String>,
    post_logout_redirect_uris: Vec<String>,
    /// `authorization_code`, `refresh_token`, `client_credentials`.
    grant_types: Vec<String>,
    /// Space-separated scopes the client may ask for.
    scopes: String,
    /// Audiences of its access tokens (empty: its own id).
    audiences: Vec<String>,
    id_token_signed_response_alg: String,
    /// Studios (slugs) it is limited to; empty means any.
    studios: Vec<String>,
    require_studio: bool,
    backchannel_logout_uri: Option<String>,
    /// Its sign-in page offers registration even when the instance does not.
    allows_registration: bool,
    /// `client_secret_basic` (or `_post`), `private_key_jwt` or `none`.
    token_endpoint_auth_method: String,
    /// The public keys it authenticates with, when given inline.
    #[schema(value_type = Option<Object>)]
    jwks: Option<serde_json::Value>,
    /// Where it publishes its keys.
    jwks_uri: Option<String>,
    /// Its authorization requests must be pushed to `/par` first.
    require_pushed_authorization_requests: bool,
    /// Held to the FAPI 2.0 Security Profile.
    fapi: bool,
    /// Its UserInfo answers are signed with this `alg`.
    userinfo_signed_response_alg: Option<String>,
    created_at: String,
}

impl ClientView {
    /// The view of `client`, its studio restrictions given as slugs.
    #[must_use]
    pub fn of(client: &Client, studio_slugs: Vec<String>) -> Self {
        Self {
            client_id: client.id.as_str().to_owned(),
            name: client.name.clone(),
            public: client.is_public(),
            first_party: client.is_first_party,
            redirect_uris: client.redirect_uris.clone(),
            post_logout_redirect_uris: client.post_logout_redirect_uris.clone(),
            grant_types: client
                .grant_types
                .iter()
                .map(|grant| grant.as_str().to_owned())
                .collect(),
            scopes: client.scopes.to_string(),
            audiences: client.access_token_audiences.clone(),
            id_token_signed_response_alg: client.id_token_signing_algorithm.as_str().to_owned(),
            studios: studio_slugs,
            require_studio: client.require_studio,
            backchannel_logout_uri: client.backchannel_logout_uri.clone(),
            allows_registration: client.allows_registration,
            token_endpoint_auth_method: match client.authentication_method() {
                AuthenticationMethod::Secret => "client_secret_basic",
                AuthenticationMethod::SecretJwt => "client_secret_jwt",
                AuthenticationMethod::PrivateKeyJwt => "private_key_jwt",
                AuthenticationMethod::None => "none",
            }
            .to_owned(),
            jwks: match &client.keys {
                Some(ClientKeys::Jwks(text)) => serde_json::from_str(text).ok(),
                _ => None,
            },
            jwks_uri: match &client.keys {
                Some(ClientKeys::JwksUri(uri)) => Some(uri.clone()),
                _ => None,
            },
            require_pushed_authorization_requests: client.requires_pushed_requests,
            fapi: client.is_fapi,
            userinfo_signed_response_alg: client
                .userinfo_signing_algorithm
                .map(|algorithm| algorithm.as_str().to_owned()),
            created_at: rfc3339(client.created_at),
        }
    }
}

/// A signing key (never its private part).
#[derive(Debug, Serialize, ToSchema)]
pub struct KeyView {
    kid: String,
    /// `ES256`, `RS256`, `EdDSA`, ...
    algorithm: String,
    /// `current` (signs), `next` (published, signs after the next rotation) or `retired`
    /// (published until its tokens expire).
    status: String,
    created_at: String,
    retired_at: Option<String>,
}

impl KeyView {
    /// The view of a stored key.
    #[must_use]
    pub fn of(key: &gatehouse_store::keys::StoredKey) -> Self {
        Self {
            kid: key.metadata.kid.clone(),
            algorithm: key.metadata.algorithm.as_str().to_owned(),
            status: serde_json::to_value(key.metadata.status)
                .ok()
                .and_then(|value| value.as_str().map(str::to_owned))
                .unwrap_or_default(),
            created_at: rfc3339(key.metadata.created_at),
            retired_at: key.metadata.retired_at.map(rfc3339),
        }
    }
}

/// One audit event.
#[derive(Debug, Serialize, ToSchema)]
pub struct AuditEventView {
    id: String,
    /// When it happened.
    at: String,
    /// What happened, e.g. `user.disabled`, `login.failed`.
    kind: String,
    /// The account concerned (absent once it is purged).
    user_id: Option<String>,
    /// A stable pseudonym of the account, kept after a purge.
    subject: String,
    /// Who acted: a user id, `client:<client id>`, `cli` or `system`.
    actor: Option<String>,
    studio_id: Option<String>,
    client_id: Option<String>,
    ip_address: Option<String>,
    user_agent: Option<String>,
    /// Ids and kinds, never secrets.
    #[schema(value_type = Object)]
    detail: serde_json::Value,
}

impl AuditEventView {
    /// The view of a stored event.
    #[must_use]
    pub fn of(event: &gatehouse_store::audit::StoredEvent) -> Self {
        Self {
            id: event.id.clone(),
            at: rfc3339(event.at),
            kind: event.kind.clone(),
            user_id: event.user_id.as_ref().map(|id| id.as_str().to_owned()),
            subject: event.subject.clone(),
            actor: event.actor.clone(),
            studio_id: event.studio_id.clone(),
            client_id: event.client_id.clone(),
            ip_address: event.ip_address.clone(),
            user_agent: event.user_agent.clone(),
            detail: event.detail.clone(),
        }
    }
}
