//! Studios: creating them, their settings and members, and what their admins may do.

use crate::error::ServerError;
use crate::messaging::{self, Outgoing};
use crate::service::audit::{self, Actor, Event};
use crate::service::devices;
use crate::state::AppState;
use gatehouse_core::device::Device;
use gatehouse_core::studio::{
    self, DeviceLimit, InvalidName, InvalidSetting, Role, Studio, StudioSettings, default_roles,
    normalize_licence, normalize_role, normalize_slug, normalize_username,
};
use gatehouse_core::user::{InvalidEmail, normalize_email};
use gatehouse_core::{DeviceId, StudioId, UserId};
use gatehouse_store::{Store, StoreError, studios, users};
use std::collections::BTreeMap;

/// Why a studio operation was refused.
#[derive(Debug, thiserror::Error)]
pub enum StudioError {
    /// A slug, licence, user name or role is malformed.
    #[error(transparent)]
    InvalidName(#[from] InvalidName),
    /// A setting is invalid.
    #[error(transparent)]
    InvalidSetting(#[from] InvalidSetting),
    /// The display name is empty or too long.
    #[error("the studio name must be 1 to 200 characters")]
    InvalidDisplayName,
    /// No such studio.
    #[error("no studio with slug {0:?}")]
    UnknownStudio(String),
    /// No such user.
    #[error("no user with e-mail {0:?}")]
    UnknownUser(String),
    /// The e-mail is malformed.
    #[error(transparent)]
    InvalidEmail(#[from] InvalidEmail),
    /// The role is not defined in the studio.
    #[error("the studio has no role {role:?}; its roles are {defined}")]
    UnknownRole {
        /// The requested role.
        role: String,
        /// The defined roles.
        defined: String,
    },
    /// Slug, licence or user name already taken.
    #[error("{0} already exists")]
    Taken(&'static str),
    /// The studio changed since the version the caller saw (`If-Match`).
    #[error("the studio changed since it was read")]
    Stale,
    /// Database trouble.
    #[error(transparent)]
    Store(StoreError),
}

impl From<gatehouse_store::DieselError> for StudioError {
    fn from(error: gatehouse_store::DieselError) -> Self {
        StoreError::from(error).into()
    }
}

impl From<StoreError> for StudioError {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::Conflict(what) => Self::Taken(what),
            other => Self::Store(other),
        }
    }
}

/// What a new studio starts with.
#[derive(Debug, Clone)]
pub struct NewStudio {
    /// Unique slug.
    pub slug: String,
    /// Display name.
    pub name: String,
    /// Optional licence number.
    pub licence_number: Option<String>,
    /// Settings (validated here).
    pub settings: StudioSettings,
}

/// The version of a studio as it stands, for `ETag` / `If-Match`.
#[must_use]
pub fn version(studio: &Studio) -> String {
    let digest = gatehouse_core::secret::sha256_base64url(format!("{studio:?}").as_bytes());
    digest.chars().take(22).collect()
}

/// Creates a studio with the default roles (`member`, `admin`).
pub async fn create(
    state: &AppState,
    actor: &Actor,
    new_studio: NewStudio,
) -> Result<Studio, StudioError> {
    let name = new_studio.name.trim().to_owned();
    if name.is_empty() || name.chars().count() > 200 {
        return Err(StudioError::InvalidDisplayName);
    }
    new_studio.settings.validate()?;
    let studio = Studio {
        id: StudioId::new(crate::random::row_id()),
        slug: normalize_slug(&new_studio.slug)?,
        licence_number: new_studio
            .licence_number
            .as_deref()
            .map(normalize_licence)
            .transpose()?,
        name,
        settings: new_studio.settings,
        created_at: state.now(),
    };
    let (stored, actor, secrets, now) = (
        studio.clone(),
        actor.clone(),
        state.secrets.clone(),
        state.now(),
    );
    state
        .store
        .write(move |connection| -> Result<(), StoreError> {
            studios::insert(connection, &stored, &default_roles())?;
            audit::record(
                connection,
                &secrets,
                &actor,
                &Event {
                    studio_id: Some(stored.id.as_str()),
                    detail: serde_json::json!({ "slug": stored.slug }),
                    ..Event::new("studio.created")
                },
                now,
            )
        })
        .await?;
    Ok(studio)
}

/// Finds a studio by slug or fails naming it.
pub async fn get_by_slug(store: &Store, slug: &str) -> Result<Studio, StudioError> {
    let normalized = normalize_slug(slug)?;
    store
        .read(move |connection| studios::find_by_slug(connection, &normalized))
        .await?
        .ok_or_else(|| StudioError::UnknownStudio(slug.to_owned()))
}

/// The studio with `id`.
pub async fn get(state: &AppState, id: &StudioId) -> Result<Option<Studio>, ServerError> {
    let id = id.clone();
    Ok(state
        .store
        .read(move |connection| studios::find(connection, &id))
        .await?)
}

/// Every studio, by slug.
pub async fn all(state: &AppState) -> Result<Vec<Studio>, ServerError> {
    Ok(state.store.read(studios::list).await?)
}

/// One page of studios by slug, after `after_slug`.
pub async fn list(
    state: &AppState,
    after_slug: Option<String>,
    limit: i64,
) -> Result<Vec<Studio>, ServerError> {
    Ok(state
        .store
        .read(move |connection| studios::list_page(connection, after_slug.as_deref(), limit))
        .await?)
}

/// Changes to a studio's settings; `None` leaves a setting as it is.
#[derive(Debug, Clone, Default)]
pub struct SettingsChange {
    /// New display name.
    pub name: Option<String>,
    /// New device limit; `Some(None)` returns to the instance default.
    pub device_limit: Option<Option<DeviceLimit>>,
    /// New MFA requirement.
    pub mfa_required: Option<bool>,
    /// Days a device may skip the second factor; `Some(None)` follows the instance.
    pub mfa_remember_device_days: Option<Option<u32>>,
    /// New password length limits.
    pub password_length: Option<(usize, usize)>,
    /// New allowed providers.
    pub allowed_providers: Option<Vec<String>>,
    /// New session lifetime.
    pub session_lifetime_seconds: Option<Option<i64>>,
    /// Require all four character classes.
    pub password_classes: Option<bool>,
    /// Password maximum age in days (0: never).
    pub password_max_age_days: Option<u32>,
    /// Password history length.
    pub password_history: Option<usize>,
    /// Self-registration: (enabled, requires approval).
    pub registration: Option<(bool, bool)>,
    /// Whose second factors the studio's admins may reset.
    pub mfa_reset_scope: Option<studio::MfaResetScope>,
    /// Sender name of the studio's e-mail; `Some(None)` returns to the instance's.
    pub email_sender_name: Option<Option<String>>,
    /// The studio's message wording, replacing what it had.
    pub message_overrides: Option<BTreeMap<String, studio::MessageOverride>>,
    /// Accounts created at a first upstream sign-in.
    pub upstream_provisioning: Option<gatehouse_core::upstream::Provisioning>,
    /// Trust the upstream's second factor.
    pub trust_upstream_mfa: Option<bool>,
    /// Self-service device swaps; `Some(None)` follows the instance.
    pub device_self_service_swap: Option<Option<bool>>,
    /// Only FAPI 2.0 clients sign members in.
    pub fapi_required: Option<bool>,
}

fn apply(studio: &mut Studio, change: SettingsChange) -> Result<(), StudioError> {
    if let Some(name) = change.name {
        let name = name.trim().to_owned();
        if name.is_empty() || name.chars().count() > 200 {
            return Err(StudioError::InvalidDisplayName);
        }
        studio.name = name;
    }
    let settings = &mut studio.settings;
    if let Some(limit) = change.device_limit {
        settings.device_limit = limit;
    }
    if let Some(required) = change.mfa_required {
        settings.mfa_required = required;
    }
    if let Some(days) = change.mfa_remember_device_days {
        settings.mfa_remember_device_days = days;
    }
    if let Some((min, max)) = change.password_length {
        settings.password_policy.min_length = min;
        settings.password_policy.max_length = max;
    }
    if let Some(providers) = change.allowed_providers {
        settings.allowed_providers = providers;
    }
    if let Some(lifetime) = change.session_lifetime_seconds {
        settings.session_lifetime_seconds = lifetime;
    }
    if let Some(required) = change.password_classes {
        let policy = &mut settings.password_policy;
        policy.require_lowercase = required;
        policy.require_uppercase = required;
        policy.require_digit = required;
        policy.require_symbol = required;
    }
    if let Some(days) = change.password_max_age_days {
        settings.password_policy.max_age_days = (days > 0).then_some(days);
    }
    if let Some(history) = change.password_history {
        settings.password_policy.history = history;
    }
    if let Some((enabled, requires_approval)) = change.registration {
        settings.registration.enabled = enabled;
        settings.registration.requires_approval = requires_approval;
    }
    if let Some(scope) = change.mfa_reset_scope {
        settings.mfa_reset_scope = scope;
    }
    if let Some(name) = change.email_sender_name {
        settings.email_sender_name = name;
    }
    if let Some(overrides) = change.message_overrides {
        settings.message_overrides = overrides;
    }
    if let Some(provisioning) = change.upstream_provisioning {
        settings.upstream_provisioning = provisioning;
    }
    if let Some(trusted) = change.trust_upstream_mfa {
        settings.trust_upstream_mfa = trusted;
    }
    if let Some(swap) = change.device_self_service_swap {
        settings.device_self_service_swap = swap;
    }
    if let Some(required) = change.fapi_required {
        settings.fapi_required = required;
    }
    settings.validate()?;
    Ok(())
}

/// Applies a settings change after validating the result, only when the studio still is
/// at `expected_version` (if given): read, check and write are one transaction holding the
/// studio's row.
pub async fn update_settings(
    state: &AppState,
    actor: &Actor,
    slug: &str,
    change: SettingsChange,
    expected_version: Option<String>,
) -> Result<Studio, StudioError> {
    let slug = normalize_slug(slug)?;
    let (actor, secrets, now) = (actor.clone(), state.secrets.clone(), state.now());
    state
        .store
        .write(move |connection| -> Result<Studio, StudioError> {
            let Some(found) = studios::find_by_slug(connection, &slug)? else {
                return Err(StudioError::UnknownStudio(slug));
            };
            studios::lock(connection, &found.id)?;
            // Read again under the lock: another change may have landed meanwhile.
            let mut studio = studios::find(connection, &found.id)?
                .ok_or_else(|| StudioError::UnknownStudio(slug.clone()))?;
            if expected_version.is_some_and(|expected| expected != version(&studio)) {
                return Err(StudioError::Stale);
            }
            // A newly listed provider must exist: a typo would otherwise offer nothing.
            for id in change.allowed_providers.iter().flatten() {
                if gatehouse_store::upstream::find(connection, id)?.is_none() {
                    return Err(StudioError::InvalidSetting(InvalidSetting {
                        setting: "allowed_providers",
                        message: format!(
                            "no upstream provider {id:?}; configure it first (gatehouse providers create)"
                        ),
                    }));
                }
            }
            apply(&mut studio, change)?;
            studios::update_settings(connection, &studio.id, &studio.settings, now)?;
            studios::rename(connection, &studio.id, &studio.name)?;
            audit::record(
                connection,
                &secrets,
                &actor,
                &Event {
                    studio_id: Some(studio.id.as_str()),
                    ..Event::new("studio.settings_changed")
                },
                now,
            )?;
            Ok(studio)
        })
        .await
}

/// Defines a role of a studio with exactly `permissions` (each one of the known ones).
pub async fn define_role(
    state: &AppState,
    actor: &Actor,
    slug: &str,
    role: &str,
    permissions: Vec<String>,
) -> Result<(Studio, Role), StudioError> {
    let studio = get_by_slug(&state.store, slug).await?;
    let name = normalize_role(role)?;
    if let Some(unknown) = permissions
        .iter()
        .find(|permission| !studio::PERMISSIONS.contains(&permission.as_str()))
    {
        return Err(StudioError::InvalidSetting(InvalidSetting {
            setting: "permissions",
            message: format!(
                "unknown permission {unknown:?}; use {}",
                studio::PERMISSIONS.join(", ")
            ),
        }));
    }
    let role = Role { name, permissions };
    let (studio_id, stored) = (studio.id.clone(), role.clone());
    let (actor, secrets, now) = (actor.clone(), state.secrets.clone(), state.now());
    state
        .store
        .write(move |connection| -> Result<(), StoreError> {
            studios::upsert_role(connection, &studio_id, &stored)?;
            audit::record(
                connection,
                &secrets,
                &actor,
                &Event {
                    studio_id: Some(studio_id.as_str()),
                    detail: serde_json::json!({
                        "role": stored.name,
                        "permissions": stored.permissions,
                    }),
                    ..Event::new("studio.role_defined")
                },
                now,
            )
        })
        .await?;
    Ok((studio, role))
}

/// Who a membership change is about.
#[derive(Debug, Clone)]
pub enum Member {
    /// The account with this e-mail (the command line).
    Email(String),
    /// The account with this id (the management API).
    Id(UserId),
}

/// Adds a user to a studio, or changes their role and studio user name there.
pub async fn add_member(
    state: &AppState,
    actor: &Actor,
    slug: &str,
    member: Member,
    role: &str,
    username: Option<&str>,
) -> Result<(Studio, UserId), StudioError> {
    let studio = get_by_slug(&state.store, slug).await?;
    let member = match member {
        Member::Email(email) => Member::Email(normalize_email(&email)?),
        by_id @ Member::Id(_) => by_id,
    };
    let role = normalize_role(role)?;
    let username = username.map(normalize_username).transpose()?;
    let studio_id = studio.id.clone();
    let (actor, secrets, now) = (actor.clone(), state.secrets.clone(), state.now());
    let user_id = state
        .store
        .write(move |connection| -> Result<UserId, StudioError> {
            let user = match &member {
                Member::Email(email) => users::find_by_email(connection, email)?
                    .ok_or_else(|| StudioError::UnknownUser(email.clone()))?,
                Member::Id(id) => users::find(connection, id)?
                    .ok_or_else(|| StudioError::UnknownUser(id.as_str().to_owned()))?,
            };
            let defined = studios::roles(connection, &studio_id)?;
            if !defined.iter().any(|candidate| candidate.name == role) {
                return Err(StudioError::UnknownRole {
                    role,
                    defined: defined
                        .iter()
                        .map(|role| role.name.as_str())
                        .collect::<Vec<_>>()
                        .join(", "),
                });
            }
            studios::upsert_membership(
                connection,
                &studio_id,
                &user.id,
                std::slice::from_ref(&role),
                username.as_deref(),
                now,
            )?;
            audit::record(
                connection,
                &secrets,
                &actor,
                &Event {
                    user_id: Some(&user.id),
                    studio_id: Some(studio_id.as_str()),
                    detail: serde_json::json!({ "role": role, "username": username }),
                    ..Event::new("studio.member_set")
                },
                now,
            )?;
            Ok(user.id)
        })
        .await?;
    Ok((studio, user_id))
}

/// Ends a user's membership of a studio; `false` when there was none.
pub async fn remove_member(
    state: &AppState,
    actor: &Actor,
    studio: &Studio,
    user_id: &UserId,
) -> Result<bool, ServerError> {
    let (studio_id, user_id) = (studio.id.clone(), user_id.clone());
    let (actor, secrets, now) = (actor.clone(), state.secrets.clone(), state.now());
    let (removed, told) = state
        .store
        .write(move |connection| -> Result<(bool, usize), StoreError> {
            if !studios::remove_membership(connection, &studio_id, &user_id)? {
                return Ok((false, 0));
            }
            // What applications hold for the member in this studio goes with the membership,
            // and they hear of it.
            let targets = gatehouse_store::grants::logout_targets(
                connection,
                &user_id,
                gatehouse_store::grants::GrantSelection::InStudio(&studio_id),
            )?;
            let revoked =
                gatehouse_store::grants::revoke_in_studio(connection, &user_id, &studio_id, now)?;
            let told = crate::service::sessions::tell_of_revoked_grants(
                connection, &user_id, targets, now,
            )?;
            audit::record(
                connection,
                &secrets,
                &actor,
                &Event {
                    user_id: Some(&user_id),
                    studio_id: Some(studio_id.as_str()),
                    detail: serde_json::json!({ "grants_revoked": revoked }),
                    ..Event::new("studio.member_removed")
                },
                now,
            )?;
            Ok((true, told))
        })
        .await?;
    if told > 0 {
        state.outbox_wakeup.notify_one();
    }
    Ok(removed)
}

/// The members of a studio with their accounts, by e-mail.
pub async fn members(
    state: &AppState,
    studio: &Studio,
) -> Result<Vec<(studio::Membership, gatehouse_core::user::User)>, ServerError> {
    let studio_id = studio.id.clone();
    Ok(state
        .store
        .read(move |connection| studios::members(connection, &studio_id))
        .await?)
}

/// What a studio admin's request to remove a member's device came to.
#[derive(Debug)]
pub enum AdminRemoval {
    /// Removed.
    Removed(Device),
    /// The actor may not manage devices in this studio, or the device's owner is not a member.
    NotPermitted,
    /// No such device.
    NotFound,
}

/// A studio admin removes a member's device.
pub async fn remove_member_device(
    state: &AppState,
    actor: &UserId,
    studio_id: &StudioId,
    device_id: DeviceId,
) -> Result<AdminRemoval, ServerError> {
    let (actor, studio_id, lookup) = (actor.clone(), studio_id.clone(), device_id.clone());
    let allowed = state
        .store
        .read(move |connection| {
            let Some(device) = gatehouse_store::devices::find(connection, &lookup)? else {
                return Ok(None);
            };
            let may_manage = studios::has_permission(
                connection,
                &studio_id,
                &actor,
                studio::PERMISSION_MANAGE_DEVICES,
            )?;
            let owner_is_member = studios::memberships_of(connection, &device.user_id)?
                .iter()
                .any(|membership| membership.studio.id == studio_id);
            Ok(Some(may_manage && owner_is_member))
        })
        .await?;
    match allowed {
        None => Ok(AdminRemoval::NotFound),
        Some(false) => Ok(AdminRemoval::NotPermitted),
        Some(true) => {
            let removed = devices::remove(&state.store, device_id, state.now()).await?;
            state.outbox_wakeup.notify_one();
            Ok(removed.map_or(AdminRemoval::NotFound, AdminRemoval::Removed))
        }
    }
}

/// The outcome of a studio admin's MFA reset.
#[derive(Debug)]
pub enum AdminReset {
    /// Done; this many factors were removed.
    Reset(usize),
    /// The actor may not reset second factors in this studio, or the user is not its member.
    NotPermitted,
    /// The member belongs to other studios too, and one of the member's studios keeps
    /// resets to its exclusive members.
    SharedMember,
    /// The studio reset as many members today as `security.mfa_resets_per_studio_per_day`.
    TooManyToday,
    /// No such user.
    NotFound,
}

/// A studio admin removes a member's second factors (a lost phone). Allowed only with the
/// `mfa.reset` permission in that studio, only for that studio's members, and for members
/// shared with other studios only when none of them keeps resets to its own members. The
/// user is told, and so are the admins of the user's other studios; each studio resets at
/// most `security.mfa_resets_per_studio_per_day` members a day.
pub async fn reset_member_mfa(
    state: &AppState,
    actor: &UserId,
    studio: &Studio,
    member: &UserId,
    reason: &str,
    address: Option<std::net::IpAddr>,
) -> Result<AdminReset, ServerError> {
    let (actor_id, studio_id, member_id) = (actor.clone(), studio.id.clone(), member.clone());
    let found = state
        .store
        .read(move |connection| -> Result<_, StoreError> {
            let Some(user) = users::find(connection, &member_id)? else {
                return Ok(None);
            };
            let may_reset = studios::has_permission(
                connection,
                &studio_id,
                &actor_id,
                studio::PERMISSION_RESET_MFA,
            )?;
            let memberships = studios::memberships_of(connection, &member_id)?;
            let mut other_admins = Vec::new();
            for membership in memberships
                .iter()
                .filter(|membership| membership.studio.id != studio_id)
            {
                for admin in studios::members_with_permission(
                    connection,
                    &membership.studio.id,
                    studio::PERMISSION_RESET_MFA,
                )? {
                    if admin.id != member_id && admin.id != actor_id && admin.email_verified {
                        other_admins.push((membership.studio.clone(), admin));
                    }
                }
            }
            Ok(Some((user, may_reset, memberships, other_admins)))
        })
        .await?;
    let Some((user, may_reset, memberships, other_admins)) = found else {
        return Ok(AdminReset::NotFound);
    };
    let is_member = memberships
        .iter()
        .any(|membership| membership.studio.id == studio.id);
    if !may_reset || !is_member {
        return Ok(AdminReset::NotPermitted);
    }
    if !studio::may_reset_mfa(&studio.id, &memberships) {
        return Ok(AdminReset::SharedMember);
    }
    let mut also_tell = Vec::with_capacity(other_admins.len());
    for (their_studio, admin) in &other_admins {
        let mut variables = BTreeMap::new();
        variables.insert("name", admin.name.clone().unwrap_or_default());
        variables.insert(
            "member",
            match &user.name {
                Some(name) => format!("{name} <{}>", user.email),
                None => user.email.clone(),
            },
        );
        variables.insert("studio", their_studio.name.clone());
        variables.insert("acting_studio", studio.name.clone());
        variables.insert("reason", reason.to_owned());
        let language = admin
            .locale
            .clone()
            .unwrap_or_else(|| state.config.ui.default_locale.clone());
        let email = messaging::render_email(
            state,
            &Outgoing {
                name: "mfa_reset_elsewhere",
                language: &language,
                studio: Some(their_studio),
                variables,
            },
            &admin.email,
        )?;
        also_tell.push(messaging::seal_email(&state.kek, &email)?);
    }
    let removed = crate::service::mfa::reset(
        state,
        &user,
        crate::service::mfa::ResetBy {
            actor: actor.as_str(),
            reason,
            studio: Some(&studio.slug),
            address,
            also_tell,
            daily_cap: Some((
                format!("mfa-resets:studio:{}", studio.id),
                state.config.security.mfa_resets_per_studio_per_day,
            )),
        },
    )
    .await?;
    Ok(removed.map_or(AdminReset::TooManyToday, AdminReset::Reset))
}

/// The roles a studio defines.
pub async fn roles(state: &AppState, studio: &Studio) -> Result<Vec<Role>, ServerError> {
    let studio_id = studio.id.clone();
    Ok(state
        .store
        .read(move |connection| studios::roles(connection, &studio_id))
        .await?)
}
