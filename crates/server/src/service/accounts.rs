//! Creating user accounts.

use crate::crypto::password::{PasswordHashError, PasswordHasher};
use gatehouse_core::password::{PasswordPolicy, PasswordViolation};
use gatehouse_core::user::{InvalidEmail, User, UserStatus, normalize_email};
use gatehouse_core::{UnixTime, UserId};
use gatehouse_store::{Store, StoreError, users};
use secrecy::{ExposeSecret, SecretString};

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
    /// Database trouble.
    #[error(transparent)]
    Store(StoreError),
    /// Hashing trouble.
    #[error(transparent)]
    Hashing(#[from] PasswordHashError),
}

fn describe(violations: &[PasswordViolation]) -> String {
    violations
        .iter()
        .map(|violation| match violation {
            PasswordViolation::TooShort { min } => format!("shorter than {min} characters"),
            PasswordViolation::TooLong { max } => format!("longer than {max} characters"),
        })
        .collect::<Vec<_>>()
        .join(", ")
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

/// Creates an account with a password.
pub async fn create_user(
    store: &Store,
    hasher: &PasswordHasher,
    policy: &PasswordPolicy,
    new_user: NewUser,
    now: UnixTime,
) -> Result<User, CreateUserError> {
    let email = normalize_email(&new_user.email)?;
    let name = new_user
        .name
        .map(|name| name.trim().to_owned())
        .filter(|name| !name.is_empty());
    if name.as_ref().is_some_and(|name| name.chars().count() > 200) {
        return Err(CreateUserError::InvalidName);
    }
    let violations = policy.check(new_user.password.expose_secret());
    if !violations.is_empty() {
        return Err(CreateUserError::WeakPassword(violations));
    }
    let hash = hasher.hash(new_user.password).await?;
    let user = User {
        id: UserId::new(crate::random::row_id()),
        email,
        // An operator creating the account vouches for the address.
        email_verified: true,
        name,
        phone_number: None,
        phone_number_verified: false,
        locale: None,
        status: UserStatus::Active,
        last_studio_id: None,
        password_changed_at: Some(now),
        created_at: now,
        updated_at: now,
    };
    let stored = user.clone();
    store
        .write(move |connection| -> Result<(), StoreError> {
            users::insert(connection, &stored)?;
            users::set_password(connection, &stored.id, &crate::random::row_id(), &hash, now)
        })
        .await
        .map_err(|error| match error {
            StoreError::Conflict(_) => CreateUserError::EmailTaken,
            other => CreateUserError::Store(other),
        })?;
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
    /// Hashing trouble.
    #[error(transparent)]
    Hashing(#[from] PasswordHashError),
}

/// Sets a new password. Every refresh token of the user is revoked (offline ones too) and
/// every session ends except `keep_session`, so apps — the mobile app behind its PIN
/// included — must ask for the new password exactly now.
pub async fn set_password(
    store: &Store,
    hasher: &PasswordHasher,
    policy: &PasswordPolicy,
    user_id: &UserId,
    password: SecretString,
    keep_session: Option<gatehouse_core::SessionId>,
    now: UnixTime,
) -> Result<usize, ChangePasswordError> {
    let violations = policy.check(password.expose_secret());
    if !violations.is_empty() {
        return Err(ChangePasswordError::WeakPassword(violations));
    }
    let hash = hasher.hash(password).await?;
    let user_id = user_id.clone();
    let queued = store
        .write(move |connection| -> Result<usize, StoreError> {
            users::set_password(connection, &user_id, &crate::random::row_id(), &hash, now)?;
            let ended: Vec<_> =
                gatehouse_store::sessions::active_ids(connection, &user_id, None, now)?
                    .into_iter()
                    .filter(|id| Some(id) != keep_session.as_ref())
                    .collect();
            let queued = crate::service::sessions::end_sessions_in(
                connection,
                &ended,
                &user_id,
                gatehouse_store::sessions::Revocation::AllGrants,
                now,
            )?;
            gatehouse_store::grants::revoke_all_for_user(connection, &user_id, now)?;
            Ok(queued)
        })
        .await?;
    Ok(queued)
}
