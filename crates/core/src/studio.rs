//! Studios: the organisations users belong to ("studio", "licence", "tenant"), their
//! settings, roles and memberships, and how one is chosen for a sign-in.

use crate::password::PasswordPolicy;
use crate::{StudioId, UnixTime, UserId};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use std::str::FromStr;

/// The upstream provider ids a new studio allows: those of the built-in kinds, when an
/// administrator configures them under these ids.
pub const DEFAULT_ALLOWED_PROVIDERS: [&str; 4] = ["google", "microsoft", "facebook", "x"];

/// The messages Gatehouse sends; studios may reword each.
pub const MESSAGE_NAMES: [&str; 28] = [
    "confirm_registration",
    "already_registered",
    "registration_approved",
    "activation",
    "password_reset",
    "password_reset_sms",
    "password_changed",
    "usernames",
    "usernames_sms",
    "email_change_code",
    "email_changed",
    "phone_code",
    "phone_changed",
    "account_closed",
    "account_reactivated",
    "mfa_code",
    "mfa_code_sms",
    "mfa_added",
    "mfa_removed",
    "mfa_reset",
    "mfa_help_request",
    "mfa_reset_elsewhere",
    "recovery_code_used",
    "upstream_link",
    "device_swap_code",
    "device_swap_code_sms",
    "device_swapped",
    "device_swapped_admin",
];

/// Permission to manage a studio's members and their roles.
pub const PERMISSION_MANAGE_MEMBERS: &str = "members.manage";
/// Permission to list and remove members' devices.
pub const PERMISSION_MANAGE_DEVICES: &str = "devices.manage";
/// Permission to reset members' second factors.
pub const PERMISSION_RESET_MFA: &str = "mfa.reset";
/// Every permission a role can hold.
pub const PERMISSIONS: [&str; 3] = [
    PERMISSION_MANAGE_MEMBERS,
    PERMISSION_MANAGE_DEVICES,
    PERMISSION_RESET_MFA,
];

/// The roles every new studio starts with: `member` (no permissions) and `admin`.
#[must_use]
pub fn default_roles() -> Vec<Role> {
    vec![
        Role {
            name: "member".into(),
            permissions: vec![],
        },
        Role {
            name: "admin".into(),
            permissions: vec![
                PERMISSION_MANAGE_MEMBERS.into(),
                PERMISSION_MANAGE_DEVICES.into(),
                PERMISSION_RESET_MFA.into(),
            ],
        },
    ]
}

/// How many devices an account may register.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeviceLimit {
    /// No limit.
    Unlimited,
    /// At most this many (at least one).
    AtMost(u32),
}

impl DeviceLimit {
    /// Whether one more device may be registered when `registered` exist.
    #[must_use]
    pub fn allows_another(self, registered: usize) -> bool {
        match self {
            Self::Unlimited => true,
            Self::AtMost(limit) => registered < limit as usize,
        }
    }

    /// The stricter of two limits.
    #[must_use]
    pub fn stricter(self, other: Self) -> Self {
        match (self, other) {
            (Self::AtMost(left), Self::AtMost(right)) => Self::AtMost(left.min(right)),
            (Self::AtMost(limit), Self::Unlimited) | (Self::Unlimited, Self::AtMost(limit)) => {
                Self::AtMost(limit)
            }
            (Self::Unlimited, Self::Unlimited) => Self::Unlimited,
        }
    }
}

impl fmt::Display for DeviceLimit {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Unlimited => formatter.write_str("unlimited"),
            Self::AtMost(limit) => write!(formatter, "{limit}"),
        }
    }
}

/// A device limit that is neither `unlimited` nor a whole number from 1 to 1000.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("must be a whole number from 1 to 1000, or unlimited (got {0:?})")]
pub struct InvalidDeviceLimit(pub String);

impl FromStr for DeviceLimit {
    type Err = InvalidDeviceLimit;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let text = text.trim();
        if text.eq_ignore_ascii_case("unlimited") {
            return Ok(Self::Unlimited);
        }
        match text.parse::<u32>() {
            Ok(limit @ 1..=1000) => Ok(Self::AtMost(limit)),
            _ => Err(InvalidDeviceLimit(text.to_owned())),
        }
    }
}

impl Serialize for DeviceLimit {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::Unlimited => serializer.serialize_str("unlimited"),
            Self::AtMost(limit) => serializer.serialize_u32(*limit),
        }
    }
}

impl<'de> Deserialize<'de> for DeviceLimit {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = serde_json::Value::deserialize(deserializer)?;
        let text = match &value {
            serde_json::Value::String(text) => text.clone(),
            other => other.to_string(),
        };
        text.parse().map_err(serde::de::Error::custom)
    }
}

/// Whether a registration form field is shown and needed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FieldRule {
    /// Not on the form.
    Hidden,
    /// On the form, may be left empty.
    Optional,
    /// On the form, must be filled in.
    Required,
}

impl FromStr for FieldRule {
    type Err = InvalidSetting;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        match text {
            "hidden" => Ok(Self::Hidden),
            "optional" => Ok(Self::Optional),
            "required" => Ok(Self::Required),
            _ => Err(InvalidSetting {
                setting: "registration",
                message: format!("field rule {text:?} must be hidden, optional or required"),
            }),
        }
    }
}

/// The registration form's optional fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RegistrationFields {
    /// Phone number.
    pub phone: FieldRule,
    /// Country.
    pub country: FieldRule,
    /// Company name.
    pub company: FieldRule,
    /// Job title.
    pub job_title: FieldRule,
}

impl Default for RegistrationFields {
    fn default() -> Self {
        Self {
            phone: FieldRule::Optional,
            country: FieldRule::Optional,
            company: FieldRule::Optional,
            job_title: FieldRule::Optional,
        }
    }
}

/// Self-registration into a studio.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RegistrationSettings {
    /// Whether people may register themselves into the studio.
    pub enabled: bool,
    /// Whether a studio admin must approve each registration.
    pub requires_approval: bool,
    /// Which fields the form has.
    pub fields: RegistrationFields,
}

/// A studio's own wording of one message; each part is a template (minijinja syntax) with
/// the message's variables.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct MessageOverride {
    /// Subject (e-mail).
    pub subject: Option<String>,
    /// Plain text body (e-mail) or the SMS text.
    pub text: Option<String>,
    /// HTML body (e-mail).
    pub html: Option<String>,
}

/// Whose second factors a studio's admins may reset.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MfaResetScope {
    /// Any member (the help pages' rule: a studio admin helps members who lost a factor).
    #[default]
    AllMembers,
    /// Only members who belong to no other studio. A member this studio shares with others
    /// cannot have their factors reset by a studio admin, here or there: the instance's
    /// administrators must do it.
    ExclusiveMembers,
}

impl FromStr for MfaResetScope {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        match text {
            "all_members" => Ok(Self::AllMembers),
            "exclusive_members" => Ok(Self::ExclusiveMembers),
            other => Err(format!(
                "{other:?} is not a reset scope; use all_members or exclusive_members"
            )),
        }
    }
}

/// Whether an admin of studio `acting` may reset the second factors of a user with
/// `memberships` (which must include `acting`). A member of `acting` alone: yes. A member
/// shared with other studios: only when none of the member's studios keeps resets to its
/// exclusive members.
#[must_use]
pub fn may_reset_mfa(acting: &StudioId, memberships: &[Membership]) -> bool {
    let is_member = memberships
        .iter()
        .any(|membership| &membership.studio.id == acting);
    let is_shared = memberships
        .iter()
        .any(|membership| &membership.studio.id != acting);
    is_member
        && (!is_shared
            || memberships.iter().all(|membership| {
                membership.studio.settings.mfa_reset_scope == MfaResetScope::AllMembers
            }))
}

/// A studio's own settings. Absent values follow the instance defaults.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct StudioSettings {
    /// Devices per account; `None` follows `devices.default_limit`.
    pub device_limit: Option<DeviceLimit>,
    /// Members must use a second factor.
    pub mfa_required: bool,
    /// Days a device may skip the second factor after one was presented on it (0: never);
    /// `None` follows `mfa.remember_device_days`.
    pub mfa_remember_device_days: Option<u32>,
    /// Rules for members' new passwords.
    pub password_policy: PasswordPolicy,
    /// Upstream identity providers members may sign in with.
    pub allowed_providers: Vec<String>,
    /// Browser session lifetime; `None` follows `sessions.lifetime_seconds`.
    pub session_lifetime_seconds: Option<i64>,
    /// "Remember me" lifetime; `None` follows `sessions.remember_me_seconds`.
    pub remember_me_seconds: Option<i64>,
    /// Self-registration into this studio.
    pub registration: RegistrationSettings,
    /// Sender name on this studio's e-mail; `None` uses the instance's.
    pub email_sender_name: Option<String>,
    /// The studio's wording of messages, by message name (e.g. `activation`).
    pub message_overrides: std::collections::BTreeMap<String, MessageOverride>,
    /// Whose second factors the studio's admins may reset.
    pub mfa_reset_scope: MfaResetScope,
    /// Accounts created at a first upstream sign-in (just-in-time provisioning).
    pub upstream_provisioning: crate::upstream::Provisioning,
    /// An upstream sign-in whose `amr` shows a second factor counts as two factors here.
    pub trust_upstream_mfa: bool,
    /// A member refused at the device limit may replace their least recently used device
    /// after a code to their verified e-mail or phone; `None` follows
    /// `devices.self_service_swap`.
    pub device_self_service_swap: Option<bool>,
    /// Members sign in only to applications held to the FAPI 2.0 Security Profile (the
    /// client's FAPI switch): tokens naming this studio go to no other client.
    pub fapi_required: bool,
}

impl Default for StudioSettings {
    fn default() -> Self {
        Self {
            device_limit: None,
            mfa_required: false,
            mfa_remember_device_days: None,
            password_policy: PasswordPolicy::default(),
            allowed_providers: DEFAULT_ALLOWED_PROVIDERS
                .iter()
                .map(|provider| (*provider).to_owned())
                .collect(),
            session_lifetime_seconds: None,
            remember_me_seconds: None,
            registration: RegistrationSettings::default(),
            email_sender_name: None,
            message_overrides: std::collections::BTreeMap::new(),
            mfa_reset_scope: MfaResetScope::AllMembers,
            upstream_provisioning: crate::upstream::Provisioning::default(),
            trust_upstream_mfa: false,
            device_self_service_swap: None,
            fapi_required: false,
        }
    }
}

/// A setting with a value we refuse, named.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid setting {setting}: {message}")]
pub struct InvalidSetting {
    /// The setting's name, e.g. `device_limit`.
    pub setting: &'static str,
    /// What is wrong.
    pub message: String,
}

impl StudioSettings {
    /// Checks every value.
    pub fn validate(&self) -> Result<(), InvalidSetting> {
        let invalid = |setting, message: &str| {
            Err(InvalidSetting {
                setting,
                message: message.to_owned(),
            })
        };
        if let Some(DeviceLimit::AtMost(limit)) = self.device_limit
            && !(1..=1000).contains(&limit)
        {
            return invalid(
                "device_limit",
                "must be a whole number from 1 to 1000, or unlimited",
            );
        }
        if self.mfa_remember_device_days.is_some_and(|days| days > 365) {
            return invalid("mfa_remember_device_days", "must be from 0 to 365 days");
        }
        let policy = &self.password_policy;
        if policy.min_length < 1
            || policy.min_length > policy.max_length
            || policy.max_length > 1024
        {
            return invalid(
                "password_policy",
                "min_length must be at least 1 and max_length between min_length and 1024",
            );
        }
        if let Some(invalid_id) = self.allowed_providers.iter().find(|provider| {
            crate::upstream::check_provider_id(provider).as_deref() != Ok(provider.as_str())
        }) {
            return Err(InvalidSetting {
                setting: "allowed_providers",
                message: format!(
                    "{invalid_id:?} is not a provider id: lower-case letters, digits and hyphens"
                ),
            });
        }
        if self.email_sender_name.as_deref().is_some_and(|name| {
            name.trim().is_empty()
                || name.chars().count() > 100
                || name.contains(['<', '>', '"', '\n'])
        }) {
            return invalid(
                "email_sender_name",
                "must be 1 to 100 characters without <, > or quotes",
            );
        }
        if let Some(unknown) = self
            .message_overrides
            .keys()
            .find(|name| !MESSAGE_NAMES.contains(&name.as_str()))
        {
            return Err(InvalidSetting {
                setting: "message_overrides",
                message: format!(
                    "unknown message {unknown:?}; use {}",
                    MESSAGE_NAMES.join(", ")
                ),
            });
        }
        for (setting, value) in [
            ("session_lifetime_seconds", self.session_lifetime_seconds),
            ("remember_me_seconds", self.remember_me_seconds),
        ] {
            if value.is_some_and(|seconds| !(60..=366 * 24 * 3600).contains(&seconds)) {
                return invalid(setting, "must be between 60 seconds and 366 days");
            }
        }
        Ok(())
    }
}

/// A studio.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Studio {
    /// Stable id (`studio_id` claim).
    pub id: StudioId,
    /// Unique short name, used in URLs and `user@slug` sign-in names.
    pub slug: String,
    /// Optional licence number, used in `user@licence` sign-in names.
    pub licence_number: Option<String>,
    /// Display name.
    pub name: String,
    /// Settings.
    pub settings: StudioSettings,
    /// Creation time.
    pub created_at: UnixTime,
}

/// A role of a studio and what it permits.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Role {
    /// Name, unique in the studio.
    pub name: String,
    /// Permission names.
    pub permissions: Vec<String>,
}

/// A user's membership of a studio.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Membership {
    /// The studio.
    pub studio: Studio,
    /// The member.
    pub user_id: UserId,
    /// Role names.
    pub roles: Vec<String>,
    /// The studio-scoped user name, for `username@licence` sign-in.
    pub username: Option<String>,
}

/// A slug, licence number, user name or role name we refuse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{what} {value:?} is not valid: {rule}")]
pub struct InvalidName {
    /// Which kind of name.
    pub what: &'static str,
    /// The refused value.
    pub value: String,
    /// The rule it breaks.
    pub rule: &'static str,
}

fn check_name(
    what: &'static str,
    value: &str,
    max: usize,
    allowed: fn(char) -> bool,
    rule: &'static str,
) -> Result<String, InvalidName> {
    let normalized = value.trim().to_lowercase();
    let starts_well = normalized
        .chars()
        .next()
        .is_some_and(|first| first.is_ascii_alphanumeric());
    if normalized.is_empty()
        || normalized.len() > max
        || !starts_well
        || !normalized.chars().all(allowed)
    {
        return Err(InvalidName {
            what,
            value: value.to_owned(),
            rule,
        });
    }
    Ok(normalized)
}

/// Normalises a studio slug: lower-case letters, digits and `-`, 2 to 63 characters.
pub fn normalize_slug(value: &str) -> Result<String, InvalidName> {
    let slug = check_name(
        "studio slug",
        value,
        63,
        |character| {
            character.is_ascii_lowercase() || character.is_ascii_digit() || character == '-'
        },
        "use 2 to 63 lower-case letters, digits and hyphens, starting with a letter or digit",
    )?;
    if slug.len() < 2 {
        return Err(InvalidName {
            what: "studio slug",
            value: value.to_owned(),
            rule: "use 2 to 63 lower-case letters, digits and hyphens, starting with a letter or digit",
        });
    }
    Ok(slug)
}

/// Normalises a licence number: letters, digits, `-`, 1 to 32 characters.
pub fn normalize_licence(value: &str) -> Result<String, InvalidName> {
    check_name(
        "licence number",
        value,
        32,
        |character| character.is_ascii_alphanumeric() || character == '-',
        "use 1 to 32 letters, digits and hyphens",
    )
}

/// Normalises a studio-scoped user name: letters, digits, `.`, `_`, `-`, 1 to 64 characters.
pub fn normalize_username(value: &str) -> Result<String, InvalidName> {
    check_name(
        "user name",
        value,
        64,
        |character| character.is_ascii_alphanumeric() || matches!(character, '.' | '_' | '-'),
        "use 1 to 64 letters, digits, dots, underscores and hyphens",
    )
}

/// Normalises a role name: like a user name.
pub fn normalize_role(value: &str) -> Result<String, InvalidName> {
    check_name(
        "role",
        value,
        64,
        |character| character.is_ascii_alphanumeric() || matches!(character, '.' | '_' | '-'),
        "use 1 to 64 letters, digits, dots, underscores and hyphens",
    )
}

/// The device limit of an account: the strictest of its studios' limits (an account bound
/// by one studio's rule stays bound when it also belongs to another), or the instance
/// default when it belongs to none.
#[must_use]
pub fn account_device_limit(
    memberships: &[Membership],
    instance_default: DeviceLimit,
) -> DeviceLimit {
    if memberships.is_empty() {
        return instance_default;
    }
    memberships
        .iter()
        .map(|membership| {
            membership
                .studio
                .settings
                .device_limit
                .unwrap_or(instance_default)
        })
        .reduce(DeviceLimit::stricter)
        .unwrap_or(instance_default)
}

/// Whether an account refused at its device limit may replace its least recently used
/// device by itself: every studio it belongs to must allow it (the strictest wins, as with
/// the limit itself); an account in no studio follows the instance.
#[must_use]
pub fn account_allows_device_swap(memberships: &[Membership], instance_default: bool) -> bool {
    if memberships.is_empty() {
        return instance_default;
    }
    memberships.iter().all(|membership| {
        membership
            .studio
            .settings
            .device_self_service_swap
            .unwrap_or(instance_default)
    })
}

/// Which studios a client accepts.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StudioRestriction {
    /// Studio ids the client is limited to; empty means any.
    pub allowed: Vec<StudioId>,
    /// The client needs a studio in every token.
    pub is_required: bool,
    /// The client is held to the FAPI 2.0 Security Profile, so studios that require it
    /// accept it.
    pub is_fapi: bool,
}

/// What the sign-in knows when a studio must be chosen.
#[derive(Debug, Clone, Default)]
pub struct StudioContext<'a> {
    /// The user's memberships.
    pub memberships: &'a [Membership],
    /// The client's restriction.
    pub restriction: StudioRestriction,
    /// A studio named by the request (`organization=`) or by the sign-in name
    /// (`user@licence`), already resolved.
    pub requested: Option<StudioId>,
    /// The studio picked on the picker page during this flow.
    pub picked: Option<StudioId>,
    /// The user's last choice.
    pub remembered: Option<StudioId>,
    /// `prompt=select_account`: show the picker even when a choice is remembered.
    pub force_picker: bool,
}

/// The outcome of choosing a studio.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StudioChoice {
    /// Tokens carry no studio (the user has none and the client needs none).
    NoStudio,
    /// This membership is the one.
    Chosen(StudioId),
    /// The user must pick among these.
    Pick(Vec<StudioId>),
    /// The requested studio is not one of the user's acceptable studios.
    NotAMember,
    /// The user belongs to no studio the client accepts.
    NoAcceptableStudio,
    /// The requested studio admits only clients held to the FAPI 2.0 Security Profile, and
    /// this client is not.
    RequiresFapi,
}

/// Chooses the studio of a sign-in.
#[must_use]
pub fn choose_studio(context: &StudioContext<'_>) -> StudioChoice {
    let restriction = &context.restriction;
    let admits = |studio: &Studio| restriction.is_fapi || !studio.settings.fapi_required;
    let candidates: Vec<&StudioId> = context
        .memberships
        .iter()
        .map(|membership| &membership.studio)
        .filter(|studio| restriction.allowed.is_empty() || restriction.allowed.contains(&studio.id))
        .filter(|studio| admits(studio))
        .map(|studio| &studio.id)
        .collect();
    if let Some(requested) = &context.requested {
        let requires_fapi = context
            .memberships
            .iter()
            .any(|membership| membership.studio.id == *requested && !admits(&membership.studio));
        return if candidates.contains(&requested) {
            StudioChoice::Chosen(requested.clone())
        } else if requires_fapi {
            StudioChoice::RequiresFapi
        } else {
            StudioChoice::NotAMember
        };
    }
    if let Some(picked) = &context.picked
        && candidates.contains(&picked)
    {
        return StudioChoice::Chosen(picked.clone());
    }
    match candidates.as_slice() {
        [] if context.memberships.is_empty()
            && restriction.allowed.is_empty()
            && !restriction.is_required =>
        {
            StudioChoice::NoStudio
        }
        [] => StudioChoice::NoAcceptableStudio,
        [only] if !context.force_picker => StudioChoice::Chosen((*only).clone()),
        _ => match &context.remembered {
            Some(remembered) if !context.force_picker && candidates.contains(&remembered) => {
                StudioChoice::Chosen(remembered.clone())
            }
            _ => StudioChoice::Pick(candidates.into_iter().cloned().collect()),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn membership(id: &str, limit: Option<DeviceLimit>) -> Membership {
        Membership {
            studio: Studio {
                id: StudioId::new(id),
                slug: id.into(),
                licence_number: None,
                name: id.into(),
                settings: StudioSettings {
                    device_limit: limit,
                    ..StudioSettings::default()
                },
                created_at: UnixTime(0),
            },
            user_id: UserId::new("u"),
            roles: vec!["member".into()],
            username: None,
        }
    }

    #[test]
    fn mfa_resets_of_shared_members_follow_every_studio() {
        let with_scope = |id: &str, scope: MfaResetScope| {
            let mut member = membership(id, None);
            member.studio.settings.mfa_reset_scope = scope;
            member
        };
        let acting = StudioId::new("a");
        let open = MfaResetScope::AllMembers;
        let exclusive = MfaResetScope::ExclusiveMembers;
        assert!(may_reset_mfa(&acting, &[with_scope("a", open)]));
        assert!(
            may_reset_mfa(&acting, &[with_scope("a", exclusive)]),
            "its own member"
        );
        assert!(may_reset_mfa(
            &acting,
            &[with_scope("a", open), with_scope("b", open)]
        ));
        assert!(!may_reset_mfa(
            &acting,
            &[with_scope("a", open), with_scope("b", exclusive)]
        ));
        assert!(!may_reset_mfa(
            &acting,
            &[with_scope("a", exclusive), with_scope("b", open)]
        ));
        assert!(
            !may_reset_mfa(&acting, &[with_scope("b", open)]),
            "not a member"
        );
        assert_eq!("exclusive_members".parse(), Ok(exclusive));
        assert!("some".parse::<MfaResetScope>().is_err());
    }

    #[test]
    fn device_limits() {
        assert_eq!("unlimited".parse(), Ok(DeviceLimit::Unlimited));
        assert_eq!("2".parse(), Ok(DeviceLimit::AtMost(2)));
        assert!("0".parse::<DeviceLimit>().is_err());
        assert!("-1".parse::<DeviceLimit>().is_err());
        assert!("many".parse::<DeviceLimit>().is_err());
        assert!(DeviceLimit::AtMost(2).allows_another(1));
        assert!(!DeviceLimit::AtMost(2).allows_another(2));
        let memberships = [
            membership("a", Some(DeviceLimit::AtMost(3))),
            membership("b", None),
        ];
        assert_eq!(
            account_device_limit(&memberships, DeviceLimit::AtMost(1)),
            DeviceLimit::AtMost(1)
        );
        assert_eq!(
            account_device_limit(&memberships, DeviceLimit::Unlimited),
            DeviceLimit::AtMost(3)
        );
        assert_eq!(
            account_device_limit(&[], DeviceLimit::Unlimited),
            DeviceLimit::Unlimited
        );
        let json = serde_json::to_string(&StudioSettings {
            device_limit: Some(DeviceLimit::Unlimited),
            ..StudioSettings::default()
        })
        .unwrap_or_default();
        assert!(json.contains("\"device_limit\":\"unlimited\""));
    }

    #[test]
    fn settings_validation_names_the_setting() {
        let mut settings = StudioSettings::default();
        assert!(settings.validate().is_ok());
        settings.allowed_providers.push("My Space!".into());
        assert_eq!(
            settings.validate().map_err(|error| error.setting),
            Err("allowed_providers")
        );
        let settings = StudioSettings {
            session_lifetime_seconds: Some(5),
            ..StudioSettings::default()
        };
        assert_eq!(
            settings.validate().map_err(|error| error.setting),
            Err("session_lifetime_seconds")
        );
    }

    #[test]
    fn names() {
        assert_eq!(normalize_slug("Studio-Rossi"), Ok("studio-rossi".into()));
        assert!(normalize_slug("a").is_err());
        assert!(normalize_slug("-x").is_err());
        assert!(normalize_slug("a b").is_err());
        assert_eq!(normalize_licence("123"), Ok("123".into()));
        assert_eq!(normalize_username("Kayttaja"), Ok("kayttaja".into()));
        assert!(normalize_username("käyttäjä").is_err());
    }

    #[test]
    fn studio_choice_table() {
        let a = StudioId::new("a");
        let b = StudioId::new("b");
        let two = [membership("a", None), membership("b", None)];
        let one = [membership("a", None)];
        let choose = |memberships: &[Membership], change: &dyn Fn(&mut StudioContext<'_>)| {
            let mut context = StudioContext {
                memberships,
                ..StudioContext::default()
            };
            change(&mut context);
            choose_studio(&context)
        };
        assert_eq!(choose(&[], &|_| {}), StudioChoice::NoStudio);
        assert_eq!(
            choose(&[], &|context| context.restriction.is_required = true),
            StudioChoice::NoAcceptableStudio
        );
        assert_eq!(choose(&one, &|_| {}), StudioChoice::Chosen(a.clone()));
        assert_eq!(
            choose(&two, &|_| {}),
            StudioChoice::Pick(vec![a.clone(), b.clone()])
        );
        assert_eq!(
            choose(&two, &|context| context.remembered =
                Some(StudioId::new("b"))),
            StudioChoice::Chosen(b.clone())
        );
        assert_eq!(
            choose(&two, &|context| {
                context.remembered = Some(StudioId::new("b"));
                context.force_picker = true;
            }),
            StudioChoice::Pick(vec![a.clone(), b.clone()])
        );
        assert_eq!(
            choose(&two, &|context| {
                context.force_picker = true;
                context.picked = Some(StudioId::new("a"));
            }),
            StudioChoice::Chosen(a.clone())
        );
        assert_eq!(
            choose(&two, &|context| context.requested =
                Some(StudioId::new("b"))),
            StudioChoice::Chosen(b.clone())
        );
        assert_eq!(
            choose(&one, &|context| context.requested =
                Some(StudioId::new("b"))),
            StudioChoice::NotAMember
        );
        assert_eq!(
            choose(&two, &|context| context.restriction.allowed =
                vec![StudioId::new("b")]),
            StudioChoice::Chosen(b.clone())
        );
        assert_eq!(
            choose(&one, &|context| context.restriction.allowed =
                vec![StudioId::new("b")]),
            StudioChoice::NoAcceptableStudio
        );
    }

    #[test]
    fn studios_that_require_fapi_admit_only_fapi_clients() {
        let ordinary = membership("ordinary", None);
        let mut guarded = membership("guarded", None);
        guarded.studio.settings.fapi_required = true;
        let both = [ordinary, guarded.clone()];
        let only_guarded = [guarded];
        let choose = |memberships: &[Membership], is_fapi: bool, requested: Option<&str>| {
            choose_studio(&StudioContext {
                memberships,
                restriction: StudioRestriction {
                    is_fapi,
                    ..StudioRestriction::default()
                },
                requested: requested.map(StudioId::new),
                ..StudioContext::default()
            })
        };
        assert_eq!(
            choose(&both, false, None),
            StudioChoice::Chosen(StudioId::new("ordinary")),
            "an ordinary client never sees the guarded studio in the picker"
        );
        assert_eq!(
            choose(&both, false, Some("guarded")),
            StudioChoice::RequiresFapi
        );
        assert_eq!(
            choose(&only_guarded, false, None),
            StudioChoice::NoAcceptableStudio,
            "a member of guarded studios only gets no studio-less token either"
        );
        assert_eq!(
            choose(&both, true, Some("guarded")),
            StudioChoice::Chosen(StudioId::new("guarded"))
        );
        assert_eq!(
            choose(&both, true, None),
            StudioChoice::Pick(vec![StudioId::new("ordinary"), StudioId::new("guarded")])
        );
        assert_eq!(
            choose(&both, false, Some("elsewhere")),
            StudioChoice::NotAMember
        );
    }
}
