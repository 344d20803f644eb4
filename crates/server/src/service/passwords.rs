//! Which password rules apply to an account, and checking a new password against them —
//! history included, which needs the stored hashes.

use crate::error::ServerError;
use crate::state::AppState;
use gatehouse_core::UserId;
use gatehouse_core::password::{PasswordOwner, PasswordPolicy, PasswordViolation};
use gatehouse_core::studio::{Membership, Studio};
use gatehouse_store::{studios, users};
use secrecy::{ExposeSecret, SecretString};

/// The policy of an account: the instance's, made stricter by each of its studios'.
pub async fn policy_for_user(
    state: &AppState,
    user_id: &UserId,
) -> Result<PasswordPolicy, ServerError> {
    let user_id = user_id.clone();
    let memberships = state
        .store
        .read(move |connection| studios::memberships_of(connection, &user_id))
        .await?;
    Ok(policy_of_memberships(state, &memberships))
}

/// The policy of an account with these memberships.
#[must_use]
pub fn policy_of_memberships(state: &AppState, memberships: &[Membership]) -> PasswordPolicy {
    memberships
        .iter()
        .fold(state.config.passwords.policy(), |policy, membership| {
            policy.strictest(membership.studio.settings.password_policy)
        })
}

/// The policy for a new account joining `studio` (or none).
#[must_use]
pub fn policy_for_studio(state: &AppState, studio: Option<&Studio>) -> PasswordPolicy {
    let instance = state.config.passwords.policy();
    studio.map_or(instance, |studio| {
        instance.strictest(studio.settings.password_policy)
    })
}

/// Every rule `password` breaks for the account `user_id` (if it exists yet), history
/// included: the current password and the last `policy.history` ones may not come back.
pub async fn check_new_password(
    state: &AppState,
    policy: &PasswordPolicy,
    owner: PasswordOwner<'_>,
    user_id: Option<&UserId>,
    password: &SecretString,
) -> Result<Vec<PasswordViolation>, ServerError> {
    let mut violations = policy.check(password.expose_secret(), owner);
    if let Some(user_id) = user_id {
        let remembered = policy.history.max(1);
        let user_id = user_id.clone();
        let hashes = state
            .store
            .read(move |connection| users::recent_password_hashes(connection, &user_id, remembered))
            .await?;
        for hash in hashes {
            let verification = state.passwords.verify(password.clone(), Some(hash)).await?;
            if matches!(
                verification,
                crate::crypto::password::Verification::Match { .. }
            ) {
                violations.push(PasswordViolation::Reused {
                    history: policy.history,
                });
                break;
            }
        }
    }
    Ok(violations)
}

/// The violations as sentences in `language`.
#[must_use]
pub fn describe(
    language: &str,
    policy: &PasswordPolicy,
    violations: &[PasswordViolation],
) -> Vec<String> {
    violations
        .iter()
        .map(|violation| {
            let arguments = match violation {
                PasswordViolation::TooShort { min } => vec![("min", min.to_string())],
                PasswordViolation::TooLong { max } => vec![("max", max.to_string())],
                PasswordViolation::Reused { history } => {
                    vec![("count", (*history).max(1).to_string())]
                }
                _ => vec![("min", policy.min_length.to_string())],
            };
            crate::i18n::translate(language, violation.message_key(), &arguments)
        })
        .collect()
}
