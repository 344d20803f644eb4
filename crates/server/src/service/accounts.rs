//! Account life cycle: creation (with a password, or with an activation message), password
//! changes, closure with a grace period, and the purge after it. Every change that tells
//! the user something queues the message in the same transaction.

use crate::crypto::password::PasswordHashError;
use crate::crypto::secrets::InstanceSecrets;
use crate::error::ServerError;
use crate::messaging::{self, Outgoing, Sealed};
use crate::service::audit::{Actor, Event};
use crate::service::verification::{self, Request};
use crate::state::AppState;
use gatehouse_core::password::{PasswordOwner, PasswordPolicy, PasswordViolation};
use gatehouse_core::studio::Studio;
use gatehouse_core::user::{User, UserStatus};
use gatehouse_core::verification::Purpose;
use gatehouse_core::{SessionId, UnixTime, UserId};
use gatehouse_store::sessions::Revocation;
use gatehouse_store::{
    DbConn, Store, StoreError, StoreResult, audit, consents, grants, sessions, users,
};
use secrecy::SecretString;
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
            studio_id: None,
            client_id: None,
            user_agent: None,
            about: None,
        },
    )
}

/// English descriptions of violations, for the command line and the management API.
#[must_use]
pub fn describe(violations: &[PasswordViolation]) -> String {
    crate::service::passwords::describe("en", &PasswordPolicy::default(), violations).join(" ")
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

/// The activation request and message of an account created without a password: the
/// user name, and a link to choose the password (the SoftOne way). Stored and queued by
/// the caller, in its transaction.
pub fn activation_message(
    state: &AppState,
    user: &User,
    studio: Option<&Studio>,
    username: Option<&str>,
    language: &str,
) -> Result<(verification::Issued, Sealed), ServerError> {
    let issued = verification::prepare(
        state,
        &Request {
            purpose: Purpose::Activation,
            user_id: Some(&user.id),
            channel: "email",
            target: Some(&user.email),
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
    variables.insert("name", user.name.clone().unwrap_or_default());
    variables.insert("username", sign_in_name(&user.email, studio, username));
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
            language,
            studio,
            variables,
        },
        &user.email,
    )?;
    Ok((issued, messaging::seal_email(&state.kek, &message)?))
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
    actor: &Actor,
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
    actor: &Actor,
) -> Result<(), ChangePasswordError> {
    set_password_with(state, user, password, None, actor, true).await
}

async fn set_password_with(
    state: &AppState,
    user: &User,
    password: SecretString,
    keep_session: Option<SessionId>,
    actor: &Actor,
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
    let (user_id, secrets, actor) = (user.id.clone(), state.secrets.clone(), actor.clone());
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
            crate::service::audit::record(
                connection,
                &secrets,
                &actor,
                &Event {
                    user_id: Some(&user_id),
                    ..Event::new("password.changed")
                },
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
pub async fn close(state: &AppState, user: &User, actor: &Actor) -> Result<(), ServerError> {
    let now = state.now();
    let mut variables = BTreeMap::new();
    variables.insert("days", state.config.accounts.closure_grace_days.to_string());
    let notice = notice_email(state, user, "account_closed", variables)?;
    let (closed, secrets, actor) = (user.clone(), state.secrets.clone(), actor.clone());
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
            // Grants that outlived their sessions (offline access) end too, and their
            // applications hear of it like the sessions' ones.
            let targets =
                grants::logout_targets(connection, &closed.id, grants::GrantSelection::All)?;
            grants::revoke_all_for_user(connection, &closed.id, now)?;
            crate::service::sessions::tell_of_revoked_grants(connection, &closed.id, targets, now)?;
            consents::withdraw_all(connection, &closed.id)?;
            if let Some(notice) = &notice {
                messaging::enqueue(connection, std::slice::from_ref(notice), now)?;
            }
            crate::service::audit::record(
                connection,
                &secrets,
                &actor,
                &Event {
                    user_id: Some(&closed.id),
                    ..Event::new("account.closed")
                },
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
pub async fn reopen(state: &AppState, user: &User, actor: &Actor) -> Result<User, ServerError> {
    let now = state.now();
    let mut reopened = user.clone();
    reopened.status = UserStatus::Active;
    reopened.closed_at = None;
    reopened.updated_at = now;
    let notice = notice_email(state, &reopened, "account_reactivated", BTreeMap::new())?;
    let (stored, secrets, actor) = (reopened.clone(), state.secrets.clone(), actor.clone());
    state
        .store
        .write(move |connection| -> Result<(), StoreError> {
            if !users::reopen(connection, &stored.id, now)? {
                return Ok(());
            }
            if let Some(notice) = &notice {
                messaging::enqueue(connection, std::slice::from_ref(notice), now)?;
            }
            crate::service::audit::record(
                connection,
                &secrets,
                &actor,
                &Event {
                    user_id: Some(&stored.id),
                    ..Event::new("account.reactivated")
                },
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
    actor: &Actor,
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
            actor: Some(&actor.id),
            ip_address: actor.address.as_deref(),
            detail: &serde_json::json!({}),
            studio_id: None,
            client_id: None,
            user_agent: actor.user_agent.as_deref(),
            about: Some(user_id),
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
                if purge_in(
                    connection,
                    &secrets_key,
                    &user_id,
                    &Actor::named("system"),
                    now,
                )? {
                    purged += 1;
                }
            }
            Ok(purged)
        })
        .await
}
