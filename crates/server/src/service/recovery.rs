//! Forgotten passwords and user names. Every answer reads the same whether or not an account
//! matches; codes and links are single-use, short-lived and rate-limited.

use crate::error::ServerError;
use crate::messaging::{self, Outgoing};
use crate::service::accounts::{ChangePasswordError, audit, sign_in_name};
use crate::service::audit::Actor;
use crate::service::verification::{self, Request};
use crate::state::AppState;
use gatehouse_core::identifier::{SignInName, parse_sign_in_name};
use gatehouse_core::profile::normalize_phone;
use gatehouse_core::user::{User, UserStatus, normalize_email};
use gatehouse_core::verification::Purpose;
use gatehouse_store::verifications::Verification;
use gatehouse_store::{studios, users, verifications};
use secrecy::SecretString;
use std::collections::BTreeMap;

/// How the user wants the reset code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Channel {
    /// By e-mail (a link and a code).
    Email,
    /// By SMS (a code).
    Sms,
}

impl Channel {
    fn as_str(self) -> &'static str {
        match self {
            Self::Email => "email",
            Self::Sms => "sms",
        }
    }
}

async fn find_account(state: &AppState, identifier: &str) -> Result<Option<User>, ServerError> {
    let Ok(name) = parse_sign_in_name(identifier) else {
        return Ok(None);
    };
    Ok(state
        .store
        .read(move |connection| match name {
            SignInName::Email(email) => users::find_by_email(connection, &email),
            SignInName::StudioUser { username, studio } => {
                let Some(studio) = studios::find_by_reference(connection, &studio)? else {
                    return Ok(None);
                };
                match studios::find_member_by_username(connection, &studio.id, &username)? {
                    Some(user_id) => users::find(connection, &user_id),
                    None => Ok(None),
                }
            }
        })
        .await?)
}

/// Starts a password reset; returns the request id for the code page. For an unknown
/// account, an unverified address or phone, or too many recent codes, a decoy request is
/// made and nothing is sent — the page cannot tell the difference, and neither can a
/// stopwatch: both paths read the same rows, render and seal a message, and write a request
/// and a message row (the decoy's message is stored as never to be sent).
pub async fn request_password_reset(
    state: &AppState,
    identifier: &str,
    channel: Channel,
    language: &str,
    return_flow: Option<&str>,
) -> Result<String, ServerError> {
    // A registration never confirmed can be recovered too: a reset sent to the address
    // proves it as well as the confirmation link would.
    let account = find_account(state, identifier).await?.filter(|user| {
        matches!(
            user.status,
            UserStatus::Active | UserStatus::Closed | UserStatus::PendingVerification
        )
    });
    let target = account.as_ref().and_then(|user| match channel {
        Channel::Email => (user.email_verified || user.status == UserStatus::PendingVerification)
            .then(|| user.email.clone()),
        Channel::Sms => user
            .phone_number
            .clone()
            .filter(|_| user.phone_number_verified),
    });
    let counted = target
        .clone()
        .unwrap_or_else(|| identifier.trim().to_lowercase());
    let allowed = verification::may_send(state, Purpose::PasswordReset, &counted).await?;
    let recipient = account.as_ref().filter(|_| allowed && target.is_some());
    let issued = verification::prepare(
        state,
        &Request {
            purpose: Purpose::PasswordReset,
            user_id: recipient.map(|user| &user.id),
            channel: channel.as_str(),
            target: target.as_deref().filter(|_| recipient.is_some()),
            with_link: channel == Channel::Email,
            with_code: true,
            data: match return_flow {
                Some(flow) => serde_json::json!({ "flow": flow }),
                None => serde_json::json!({}),
            },
            ttl_seconds: state.config.accounts.code_ttl_seconds,
        },
    );
    let language = recipient
        .and_then(|user| user.locale.clone())
        .unwrap_or_else(|| language.to_owned());
    let mut variables = BTreeMap::new();
    variables.insert(
        "name",
        recipient
            .and_then(|user| user.name.clone())
            .unwrap_or_default(),
    );
    // A decoy has no code: its stand-in message carries a random one of the same length.
    variables.insert(
        "code",
        issued.code.clone().unwrap_or_else(|| {
            gatehouse_core::verification::six_digit_code(crate::random::bytes::<4>())
        }),
    );
    variables.insert(
        "minutes",
        (state.config.accounts.code_ttl_seconds / 60).to_string(),
    );
    let to = target.clone().unwrap_or_else(|| counted.clone());
    let outgoing = |name, variables| Outgoing {
        name,
        language: &language,
        studio: None,
        variables,
    };
    let sealed = match channel {
        Channel::Email => {
            variables.insert(
                "link",
                format!(
                    "{}/reset-password?token={}",
                    state.issuer,
                    issued.link_token.clone().unwrap_or_default()
                ),
            );
            let email =
                messaging::render_email(state, &outgoing("password_reset", variables), &to)?;
            messaging::seal_email(&state.kek, &email)?
        }
        Channel::Sms => {
            let sms = messaging::render_sms(state, &outgoing("password_reset_sms", variables), &to);
            messaging::seal_sms(&state.kek, &sms)?
        }
    };
    let request_id = issued.request_id.clone();
    if recipient.is_none() {
        verification::store_decoy(state, issued, sealed).await?;
        return Ok(request_id);
    }
    // A refused text (the SMS budget is used up) stores nothing: the code page then says the
    // code is invalid, as for any other address — nothing tells the caller more.
    if let Err(refusal) = verification::store_and_send(state, issued, vec![sealed]).await? {
        tracing::warn!(?refusal, "a password-reset code was not sent");
    }
    Ok(request_id)
}

/// What completing a reset came to.
#[derive(Debug)]
pub enum ResetOutcome {
    /// Done; every session ended and every refresh token was revoked.
    Done,
    /// The code or link is no longer valid.
    Invalid,
    /// The new password breaks rules.
    Refused(ChangePasswordError),
}

/// Sets the new password for a checked reset request, consuming it.
pub async fn complete_password_reset(
    state: &AppState,
    request: Verification,
    password: SecretString,
) -> Result<ResetOutcome, ServerError> {
    let Some(user_id) = request.user_id.clone() else {
        return Ok(ResetOutcome::Invalid);
    };
    let Some(user) = state
        .store
        .read(move |connection| users::find(connection, &user_id))
        .await?
    else {
        return Ok(ResetOutcome::Invalid);
    };
    // Consume first: a code works once even if two tabs race.
    let (id, now) = (request.id.clone(), state.now());
    if !state
        .store
        .write(move |connection| verifications::consume(connection, &id, now))
        .await?
    {
        return Ok(ResetOutcome::Invalid);
    }
    let outcome = if request.channel == "email" {
        crate::service::accounts::set_password_proving_email(
            state,
            &user,
            password,
            &Actor::named("password-reset"),
        )
        .await
    } else {
        crate::service::accounts::set_password(
            state,
            &user,
            password,
            None,
            &Actor::named("password-reset"),
        )
        .await
    };
    match outcome {
        Ok(()) => {
            let (user_id, secrets) = (user.id.clone(), state.secrets.clone());
            state
                .store
                .write(move |connection| {
                    audit(
                        connection,
                        &secrets,
                        "password.reset",
                        &user_id,
                        Some(user_id.as_str()),
                        None,
                        serde_json::json!({}),
                        now,
                    )
                })
                .await?;
            Ok(ResetOutcome::Done)
        }
        Err(error @ ChangePasswordError::WeakPassword(_)) => {
            // The rules were broken: give the code back so the user can try another password.
            let id = request.id.clone();
            state
                .store
                .write(move |connection| verifications::release(connection, &id))
                .await?;
            Ok(ResetOutcome::Refused(error))
        }
        Err(ChangePasswordError::Store(error)) => Err(error.into()),
        Err(ChangePasswordError::Server(error)) => Err(error),
    }
}

/// Sends the sign-in names linked to a verified e-mail or phone. Says nothing about whether
/// any were found, and takes as long either way: the same reads, a rendered and sealed
/// message, and the same writes (a stand-in message that is never sent when nobody matched).
pub async fn send_usernames(
    state: &AppState,
    email_or_phone: &str,
    language: &str,
) -> Result<(), ServerError> {
    let input = email_or_phone.trim().to_owned();
    let (by_email, by_phone) = (normalize_email(&input).ok(), normalize_phone(&input).ok());
    let (channel, target, accounts) = match (by_email, by_phone) {
        (Some(email), _) => {
            let lookup = email.clone();
            let found = state
                .store
                .read(move |connection| users::find_by_email(connection, &lookup))
                .await?;
            (
                "email",
                email,
                found
                    .filter(|user| user.email_verified)
                    .into_iter()
                    .collect::<Vec<_>>(),
            )
        }
        (None, Some(phone)) => {
            let lookup = phone.clone();
            let found = state
                .store
                .read(move |connection| users::find_by_verified_phone(connection, &lookup))
                .await?;
            ("sms", phone, found)
        }
        (None, None) => return Ok(()),
    };
    let accounts: Vec<User> = accounts
        .into_iter()
        .filter(|user| user.status == UserStatus::Active)
        .collect();
    let allowed = verification::may_send(state, Purpose::PasswordReset, &target).await?;
    let mut names = Vec::new();
    // With nobody to write to, the memberships of a made-up account are read instead.
    let owners: Vec<(Option<&User>, gatehouse_core::UserId)> = if accounts.is_empty() {
        vec![(None, gatehouse_core::UserId::new(crate::random::row_id()))]
    } else {
        accounts
            .iter()
            .map(|user| (Some(user), user.id.clone()))
            .collect()
    };
    for (user, user_id) in owners {
        let memberships = state
            .store
            .read(move |connection| studios::memberships_of(connection, &user_id))
            .await?;
        let Some(user) = user else { continue };
        names.push(user.email.clone());
        for membership in &memberships {
            if let Some(username) = &membership.username {
                names.push(format!(
                    "{} ({})",
                    sign_in_name(&user.email, Some(&membership.studio), Some(username)),
                    membership.studio.name
                ));
            }
        }
    }
    let first = accounts.first();
    let language = first
        .and_then(|user| user.locale.clone())
        .unwrap_or_else(|| language.to_owned());
    let mut variables = BTreeMap::new();
    variables.insert(
        "name",
        first.and_then(|user| user.name.clone()).unwrap_or_default(),
    );
    variables.insert("usernames", names.join("\n"));
    variables.insert("link", format!("{}/login", state.issuer));
    let sealed = if channel == "email" {
        let email = messaging::render_email(
            state,
            &Outgoing {
                name: "usernames",
                language: &language,
                studio: None,
                variables,
            },
            &target,
        )?;
        messaging::seal_email(&state.kek, &email)?
    } else {
        let sms = messaging::render_sms(
            state,
            &Outgoing {
                name: "usernames_sms",
                language: &language,
                studio: None,
                variables,
            },
            &target,
        );
        messaging::seal_sms(&state.kek, &sms)?
    };
    // Count it against the recipient's hourly allowance like a code.
    let issued = verification::prepare(
        state,
        &Request {
            purpose: Purpose::PasswordReset,
            user_id: None,
            channel,
            target: Some(&target),
            with_link: false,
            with_code: false,
            data: serde_json::json!({ "usernames": true }),
            ttl_seconds: 60,
        },
    );
    if accounts.is_empty() || !allowed {
        return verification::store_decoy(state, issued, sealed).await;
    }
    if let Err(refusal) = verification::store_and_send(state, issued, vec![sealed]).await? {
        tracing::warn!(?refusal, "a user-name reminder was not sent");
    }
    Ok(())
}
