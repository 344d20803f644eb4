//! Account life cycle: creation (with a password, or with an activation message), password
//! changes, closure with a grace period, and the purge after it. Every change that tells
//! the user something queues the message in the same transaction.

use crate::crypto::password::{PasswordHashError, PasswordHasher};
use crate::crypto::secrets::InstanceSecrets;
use crate::error::ServerError;
use crate::messaging::{self, Outgoing, Sealed};
use crate::service::verification::{self, Request};
use crate::state::AppState;
use gatehouse_core::password::{PasswordOwner, PasswordPolicy, PasswordViolation};
use gatehouse_core::profile::Profile;
use gatehouse_core::studio::{Studio, normalize_username};
use gatehouse_core::user::{InvalidEmail, User, UserStatus, normalize_email};
use gatehouse_core::verification::Purpose;
use gatehouse_core::{SessionId, UnixTime, UserId};
use gatehouse_store::sessions::Revocation;
use gatehouse_store::{
    DbConn, Store, StoreError, StoreResult, audit, consents, grants, sessions, studios, users,
};
use secrecy::{ExposeSecret, SecretString};
use std::collections::BTreeMap;

/// Records an audit event inside the caller's transaction.
#[expect(
    clippy::too_many_arguments,
    reason = "an audit event has this many facts"
)]
pub fn audit(
    connection: &mut DbConn,
    secrets: &InstanceSecrets,
    kind: &str,
    user_id: &UserId,
    actor: Option<&str>,
    ip_address: Option<&str>,
    detail: serde_json::Value,
    now: UnixTime,
) -> StoreResult<()> {
    audit::record(
        connection,
        &audit::AuditEvent {
            id: &crate::random::row_id(),
            at: now,
            kind,
            user_id: Some(user_id),
            subject: &secrets.audit_subject(user_id.as_str()),
            actor,
            ip_address,
            detail: &detail,
        },
    )
}

/// Why an account could not be created.
#[derive(Debug, thiserror::Error)]
pub enum CreateUserError {
    /// The e-mail address is malformed.
    #[error(transparent)]
    InvalidEmail(#[from] InvalidEmail),
    /// The name is too long.
    #[error("the name must be at most 200 characters")]
    InvalidName,
    /// The password breaks the policy.
    #[error("the password is not acceptable: {}", describe(.0))]
    WeakPassword(Vec<PasswordViolation>),
    /// The e-mail is taken.
    #[error("a user with this e-mail already exists")]
    EmailTaken,
    /// The studio does not exist.
    #[error("no studio with slug {0:?}")]
    UnknownStudio(String),
    /// The studio user name is malformed or taken.
    #[error("{0}")]
    InvalidUsername(String),
    /// Database trouble.
    #[error(transparent)]
    Store(StoreError),
    /// Hashing trouble.
    #[error(transparent)]
    Hashing(#[from] PasswordHashError),
    /// Anything else on our side.
    #[error(transparent)]
    Server(#[from] ServerError),
}

impl From<StoreError> for CreateUserError {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::Conflict(what) if what.contains("e-mail") => Self::EmailTaken,
            StoreError::Conflict(what) => Self::InvalidUsername(format!("{what} already exists")),
            other => Self::Store(other),
        }
    }
}

/// English descriptions of violations, for the command line.
#[must_use]
pub fn describe(violations: &[PasswordViolation]) -> String {
    crate::service::passwords::describe("en", &PasswordPolicy::default(), violations).join(" ")
}

/// What a new account starts with.
#[derive(Debug)]
pub struct NewUser {
    /// E-mail, the sign-in name.
    pub email: String,
    /// Full name.
    pub name: Option<String>,
    /// Initial password.
    pub password: SecretString,
}

fn clean_name(name: Option<String>) -> Result<Option<String>, CreateUserError> {
    let name = name
        .map(|name| name.trim().to_owned())
        .filter(|name| !name.is_empty());
    if name
        .as_ref()
        .is_some_and(|name| name.chars().count() > 200 || name.chars().any(char::is_control))
    {
        return Err(CreateUserError::InvalidName);
    }
    Ok(name)
}

fn new_user(email: String, name: Option<String>, status: UserStatus, now: UnixTime) -> User {
    User {
        id: UserId::new(crate::random::row_id()),
        email,
        email_verified: false,
        name,
        phone_number: None,
        phone_number_verified: false,
        locale: None,
        status,
        last_studio_id: None,
        password_changed_at: None,
        profile: Profile::default(),
        closed_at: None,
        created_at: now,
        updated_at: now,
    }
}

/// Creates an active account with a password (an operator vouches for the address).
pub async fn create_user(
    store: &Store,
    hasher: &PasswordHasher,
    policy: &PasswordPolicy,
    new: NewUser,
    now: UnixTime,
) -> Result<User, CreateUserError> {
    let email = normalize_email(&new.email)?;
    let name = clean_name(new.name)?;
    let violations = policy.check(
        new.password.expose_secret(),
        PasswordOwner {
            email: &email,
            name: name.as_deref(),
        },
    );
    if !violations.is_empty() {
        return Err(CreateUserError::WeakPassword(violations));
    }
    let hash = hasher.hash(new.password).await?;
    let mut user = new_user(email, name, UserStatus::Active, now);
    user.email_verified = true;
    user.password_changed_at = Some(now);
    let stored = user.clone();
    store
        .write(move |connection| -> Result<(), StoreError> {
            users::insert(connection, &stored)?;
            users::set_password(connection, &stored.id, &crate::random::row_id(), &hash, now)
        })
        .await?;
    Ok(user)
}

/// An account an administrator creates for someone, who activates it themselves.
#[derive(Debug, Clone)]
pub struct NewActivation {
    /// E-mail.
    pub email: String,
    /// Full name.
    pub name: Option<String>,
    /// Studio to join (slug).
    pub studio: Option<String>,
    /// Studio-scoped user name.
    pub username: Option<String>,
    /// Language of the activation message.
    pub language: String,
}

/// The name a user signs in with: `username@licence` (or `@slug`) where the studio gives
/// one, else the e-mail.
#[must_use]
pub fn sign_in_name(email: &str, studio: Option<&Studio>, username: Option<&str>) -> String {
    match (studio, username) {
        (Some(studio), Some(username)) => {
            format!(
                "{username}@{}",
                studio.licence_number.as_deref().unwrap_or(&studio.slug)
            )
        }
        _ => email.to_owned(),
    }
}

/// Creates an account without a password and queues the activation message: the user
/// name, and a link to set the password (the SoftOne way).
pub async fn create_for_activation(
    state: &AppState,
    new: NewActivation,
    actor: &str,
) -> Result<User, CreateUserError> {
    let now = state.now();
    let email = normalize_email(&new.email)?;
    let name = clean_name(new.name)?;
    let studio = match &new.studio {
        Some(slug) => Some(
            crate::service::studios::get_by_slug(&state.store, slug)
                .await
                .map_err(|_| CreateUserError::UnknownStudio(slug.clone()))?,
        ),
        None => None,
    };
    let username = new
        .username
        .as_deref()
        .map(normalize_username)
        .transpose()
        .map_err(|error| CreateUserError::InvalidUsername(error.to_string()))?;
    let user = new_user(
        email.clone(),
        name.clone(),
        UserStatus::PendingActivation,
        now,
    );
    let issued = verification::prepare(
        state,
        &Request {
            purpose: Purpose::Activation,
            user_id: Some(&user.id),
            channel: "email",
            target: Some(&email),
            with_link: true,
            with_code: false,
            data: serde_json::json!({}),
            ttl_seconds: state.config.accounts.link_ttl_seconds,
        },
    );
    let link = format!(
        "{}/activate?token={}",
        state.issuer,
        issued.link_token.clone().unwrap_or_default()
    );
    let mut variables = BTreeMap::new();
    variables.insert("name", name.clone().unwrap_or_default());
    variables.insert(
        "username",
        sign_in_name(&email, studio.as_ref(), username.as_deref()),
    );
    variables.insert("link", link);
    variables.insert(
        "days",
        (state.config.accounts.link_ttl_seconds / 86_400)
            .max(1)
            .to_string(),
    );
    let message = messaging::render_email(
        state,
        &Outgoing {
            name: "activation",
            language: &new.language,
            studio: studio.as_ref(),
            variables,
        },
        &email,
    )
    .map_err(ServerError::from)?;
    let sealed = messaging::seal_email(&state.kek, &message)?;
    let stored = user.clone();
    let secrets = state.secrets.clone();
    let actor = actor.to_owned();
    let language = new.language.clone();
    state
        .store
        .write(move |connection| -> Result<(), StoreError> {
            let mut stored = stored;
            stored.locale = Some(language);
            users::insert(connection, &stored)?;
            if let Some(studio) = &studio {
                studios::upsert_membership(
                    connection,
                    &studio.id,
                    &stored.id,
                    &["member".to_owned()],
                    username.as_deref(),
                    now,
                )?;
            }
            verification::store(connection, &issued)?;
            messaging::enqueue(connection, &[sealed], now)?;
            audit(
                connection,
                &secrets,
                "account.created",
                &stored.id,
                Some(&actor),
                None,
                serde_json::json!({"activation": true}),
                now,
            )
        })
        .await?;
    state.outbox_wakeup.notify_one();
    Ok(user)
}

/// Why a password change was refused.
#[derive(Debug, thiserror::Error)]
pub enum ChangePasswordError {
    /// The new password breaks the policy.
    #[error("the password is not acceptable: {}", describe(.0))]
    WeakPassword(Vec<PasswordViolation>),
    /// Database trouble.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// Hashing and other trouble.
    #[error(transparent)]
    Server(#[from] ServerError),
}

impl From<PasswordHashError> for ChangePasswordError {
    fn from(error: PasswordHashError) -> Self {
        Self::Server(error.into())
    }
}

/// Sets a new password after checking it against the account's policy and history.
/// Every refresh token of the user is revoked (offline ones too) and every session ends
/// except `keep_session`, so apps — the mobile app behind its PIN included — must ask for
/// the new password exactly now. The user is told by e-mail.
pub async fn set_password(
    state: &AppState,
    user: &User,
    password: SecretString,
    keep_session: Option<SessionId>,
    actor: &str,
) -> Result<(), ChangePasswordError> {
    set_password_with(state, user, password, keep_session, actor, false).await
}

/// [`set_password`] for a reset whose code or link was sent to the account's e-mail
/// address: that proves the address, so a registration never confirmed becomes an account
/// in the same transaction (its other pending registrations are discarded).
pub async fn set_password_proving_email(
    state: &AppState,
    user: &User,
    password: SecretString,
    actor: &str,
) -> Result<(), ChangePasswordError> {
    set_password_with(state, user, password, None, actor, true).await
}

async fn set_password_with(
    state: &AppState,
    user: &User,
    password: SecretString,
    keep_session: Option<SessionId>,
    actor: &str,
    proves_email: bool,
) -> Result<(), ChangePasswordError> {
    let confirms_registration = proves_email && user.status == UserStatus::PendingVerification;
    let policy = crate::service::passwords::policy_for_user(state, &user.id).await?;
    let violations = crate::service::passwords::check_new_password(
        state,
        &policy,
        PasswordOwner {
            email: &user.email,
            name: user.name.as_deref(),
        },
        Some(&user.id),
        &password,
    )
    .await?;
    if !violations.is_empty() {
        return Err(ChangePasswordError::WeakPassword(violations));
    }
    let hash = state.passwords.hash(password).await?;
    let notice = notice_email(state, user, "password_changed", BTreeMap::new())?;
    let now = state.now();
    let (user_id, secrets, actor) = (user.id.clone(), state.secrets.clone(), actor.to_owned());
    state
        .store
        .write(move |connection| -> Result<(), StoreError> {
            users::set_password(connection, &user_id, &crate::random::row_id(), &hash, now)?;
            if confirms_registration {
                crate::service::registration::activate_pending_in(connection, &user_id, now)?;
            }
            let ended: Vec<_> = sessions::active_ids(connection, &user_id, None, now)?
                .into_iter()
                .filter(|id| Some(id) != keep_session.as_ref())
                .collect();
            crate::service::sessions::end_sessions_in(
                connection,
                &ended,
                &user_id,
                Revocation::AllGrants,
                now,
            )?;
            grants::revoke_all_for_user(connection, &user_id, now)?;
            if let Some(notice) = &notice {
                messaging::enqueue(connection, std::slice::from_ref(notice), now)?;
            }
            audit(
                connection,
                &secrets,
                "password.changed",
                &user_id,
                Some(&actor),
                None,
                serde_json::json!({}),
                now,
            )
        })
        .await?;
    state.outbox_wakeup.notify_one();
    Ok(())
}

/// A notice e-mail to the account's (verified) address, sealed for the outbox.
pub fn notice_email(
    state: &AppState,
    user: &User,
    name: &'static str,
    mut variables: BTreeMap<&'static str, String>,
) -> Result<Option<Sealed>, ServerError> {
    if !user.email_verified {
        return Ok(None);
    }
    variables.insert("name", user.name.clone().unwrap_or_default());
    let language = user
        .locale
        .clone()
        .unwrap_or_else(|| state.config.ui.default_locale.clone());
    let email = messaging::render_email(
        state,
        &Outgoing {
            name,
            language: &language,
            studio: None,
            variables,
        },
        &user.email,
    )?;
    Ok(Some(messaging::seal_email(&state.kek, &email)?))
}

/// Closes an account: disabled at once, sessions ended, tokens revoked, consents withdrawn.
/// Signing in within `accounts.closure_grace_days` reopens it; afterwards it is purged.
pub async fn close(state: &AppState, user: &User, actor: &str) -> Result<(), ServerError> {
    let now = state.now();
    let mut variables = BTreeMap::new();
    variables.insert("days", state.config.accounts.closure_grace_days.to_string());
    let notice = notice_email(state, user, "account_closed", variables)?;
    let (closed, secrets, actor) = (user.clone(), state.secrets.clone(), actor.to_owned());
    state
        .store
        .write(move |connection| -> Result<(), StoreError> {
            if !users::close(connection, &closed.id, now)? {
                // Closed (or disabled) meanwhile: nothing more to do.
                return Ok(());
            }
            let ended = sessions::active_ids(connection, &closed.id, None, now)?;
            crate::service::sessions::end_sessions_in(
                connection,
                &ended,
                &closed.id,
                Revocation::AllGrants,
                now,
            )?;
            grants::revoke_all_for_user(connection, &closed.id, now)?;
            consents::withdraw_all(connection, &closed.id)?;
            if let Some(notice) = &notice {
                messaging::enqueue(connection, std::slice::from_ref(notice), now)?;
            }
            audit(
                connection,
                &secrets,
                "account.closed",
                &closed.id,
                Some(&actor),
                None,
                serde_json::json!({}),
                now,
            )
        })
        .await?;
    state.outbox_wakeup.notify_one();
    Ok(())
}

/// Whether a closed account can still be reopened at `now`.
#[must_use]
pub fn is_within_grace(state: &AppState, user: &User, now: UnixTime) -> bool {
    user.status == UserStatus::Closed
        && user.closed_at.is_some_and(|closed_at| {
            now.seconds_since(closed_at) <= state.config.accounts.closure_grace_days * 86_400
        })
}

/// Reopens a closed account within its grace period.
pub async fn reopen(state: &AppState, user: &User) -> Result<User, ServerError> {
    let now = state.now();
    let mut reopened = user.clone();
    reopened.status = UserStatus::Active;
    reopened.closed_at = None;
    reopened.updated_at = now;
    let notice = notice_email(state, &reopened, "account_reactivated", BTreeMap::new())?;
    let (stored, secrets) = (reopened.clone(), state.secrets.clone());
    state
        .store
        .write(move |connection| -> Result<(), StoreError> {
            if !users::reopen(connection, &stored.id, now)? {
                return Ok(());
            }
            if let Some(notice) = &notice {
                messaging::enqueue(connection, std::slice::from_ref(notice), now)?;
            }
            audit(
                connection,
                &secrets,
                "account.reactivated",
                &stored.id,
                Some(stored.id.as_str()),
                None,
                serde_json::json!({}),
                now,
            )
        })
        .await?;
    state.outbox_wakeup.notify_one();
    Ok(reopened)
}

/// Deletes an account's personal data for good: the user row and everything hanging off
/// it. The audit log keeps its events under the pseudonym only.
pub fn purge_in(
    connection: &mut DbConn,
    secrets: &InstanceSecrets,
    user_id: &UserId,
    actor: &str,
    now: UnixTime,
) -> StoreResult<bool> {
    audit::record(
        connection,
        &audit::AuditEvent {
            id: &crate::random::row_id(),
            at: now,
            kind: "account.purged",
            user_id: None,
            subject: &secrets.audit_subject(user_id.as_str()),
            actor: Some(actor),
            ip_address: None,
            detail: &serde_json::json!({}),
        },
    )?;
    audit::pseudonymise(connection, user_id)?;
    users::delete(connection, user_id)
}

/// Purges every account whose grace period is over; returns how many.
pub async fn purge_expired(
    store: &Store,
    secrets: &std::sync::Arc<InstanceSecrets>,
    grace_days: i64,
    now: UnixTime,
) -> Result<usize, StoreError> {
    let cutoff = now.plus_seconds(-grace_days * 86_400);
    let secrets_key = secrets.clone();
    store
        .write(move |connection| -> Result<usize, StoreError> {
            let mut purged = 0;
            for user_id in users::closed_before(connection, cutoff)? {
                if purge_in(connection, &secrets_key, &user_id, "system", now)? {
                    purged += 1;
                }
            }
            Ok(purged)
        })
        .await
}
