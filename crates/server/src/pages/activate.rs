//! Activating an account an administrator created: the user sees their user name, chooses a
//! password, and may correct the e-mail and add a phone number (each confirmed by a code).

use crate::error::PageError;
use crate::http::ClientAddress;
use crate::http::page::{CsrfForm, CsrfProtected, PageContext};
use crate::service::accounts::{self, ChangePasswordError, audit, sign_in_name};
use crate::service::audit::Actor;
use crate::service::verification::Requester;
use crate::service::{profile, verification};
use crate::state::AppState;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use gatehouse_core::profile::normalize_phone;
use gatehouse_core::user::{User, UserStatus, normalize_email};
use gatehouse_core::verification::Purpose;
use gatehouse_store::verifications::Verification;
use gatehouse_store::{StoreError, studios, users, verifications};
use secrecy::SecretString;
use serde::Deserialize;

async fn load(
    state: &AppState,
    token: &str,
) -> Result<Option<(Verification, User, String)>, PageError> {
    let Ok(found) = verification::check_link(state, Purpose::Activation, token).await? else {
        return Ok(None);
    };
    let Some(user_id) = found.user_id.clone() else {
        return Ok(None);
    };
    let loaded = state
        .store
        .read(move |connection| {
            let Some(user) = users::find(connection, &user_id)? else {
                return Ok(None);
            };
            let memberships = studios::memberships_of(connection, &user.id)?;
            Ok(Some((user, memberships)))
        })
        .await?;
    let Some((user, memberships)) =
        loaded.filter(|(user, _)| user.status == UserStatus::PendingActivation)
    else {
        return Ok(None);
    };
    let named = memberships
        .iter()
        .find(|membership| membership.username.is_some());
    let username = sign_in_name(
        &user.email,
        named.map(|membership| &membership.studio),
        named.and_then(|membership| membership.username.as_deref()),
    );
    Ok(Some((found, user, username)))
}

struct Shown<'a> {
    token: &'a str,
    username: &'a str,
    email: &'a str,
    phone: &'a str,
}

fn render(
    state: &AppState,
    page: &PageContext,
    shown: &Shown<'_>,
    errors: Vec<String>,
) -> Result<Response, PageError> {
    page.render(
        state,
        "password_form.html",
        minijinja::context! {
            title => page.translate("activate-title", &[]),
            intro => page.translate("activate-intro", &[]),
            username => shown.username,
            action => "/activate",
            hidden => vec![minijinja::context! { name => "token", value => shown.token }],
            show_contact => true,
            email => shown.email,
            phone => shown.phone,
            rules => page.translate("password-rules-summary", &[("min", state.config.passwords.min_length.to_string())]),
            submit => page.translate("activate-submit", &[]),
            errors => errors,
        },
    )
}

/// `GET /activate`
pub async fn show(
    State(state): State<AppState>,
    page: PageContext,
    Query(query): Query<super::TokenQuery>,
) -> Result<Response, PageError> {
    let Some((_, user, username)) = load(&state, &query.token).await? else {
        return super::invalid_link(&state, &page, None);
    };
    let page = page.with_user_locale(&state, user.locale.as_deref());
    render(
        &state,
        &page,
        &Shown {
            token: &query.token,
            username: &username,
            email: &user.email,
            phone: "",
        },
        Vec::new(),
    )
}

/// The activation form.
#[derive(Debug, Deserialize)]
pub struct ActivationForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    token: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    phone: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    confirm_password: String,
}

impl CsrfProtected for ActivationForm {
    fn csrf_token(&self) -> &str {
        &self.csrf_token
    }
}

/// `POST /activate`
pub async fn submit(
    State(state): State<AppState>,
    ClientAddress(address): ClientAddress,
    CsrfForm { page, form }: CsrfForm<ActivationForm>,
) -> Result<Response, PageError> {
    let Some((found, user, username)) = load(&state, &form.token).await? else {
        return super::invalid_link(&state, &page, None);
    };
    let page = page.with_user_locale(&state, user.locale.as_deref());
    let shown = Shown {
        token: &form.token,
        username: &username,
        email: &form.email,
        phone: &form.phone,
    };
    let mut errors = Vec::new();
    let new_email = match form.email.trim() {
        "" => None,
        typed => match normalize_email(typed) {
            Ok(email) if email != user.email => Some(email),
            Ok(_) => None,
            Err(_) => {
                errors.push(page.translate("field-error-email", &[]));
                None
            }
        },
    };
    let phone = match form.phone.trim() {
        "" => None,
        typed => match normalize_phone(typed) {
            Ok(phone) => Some(phone),
            Err(_) => {
                errors.push(page.translate("field-error-phone", &[]));
                None
            }
        },
    };
    if form.password != form.confirm_password {
        errors.push(page.translate("field-error-password-mismatch", &[]));
    }
    if !errors.is_empty() {
        let mut response = render(&state, &page, &shown, errors)?;
        *response.status_mut() = StatusCode::BAD_REQUEST;
        return Ok(response);
    }
    match accounts::set_password(
        &state,
        &user,
        SecretString::from(form.password.clone()),
        None,
        &Actor::user(&user.id),
    )
    .await
    {
        Ok(()) => {}
        Err(ChangePasswordError::WeakPassword(violations)) => {
            let policy = crate::service::passwords::policy_for_user(&state, &user.id).await?;
            let errors = crate::service::passwords::describe(&page.language, &policy, &violations);
            let mut response = render(&state, &page, &shown, errors)?;
            *response.status_mut() = StatusCode::BAD_REQUEST;
            return Ok(response);
        }
        Err(ChangePasswordError::Store(error)) => return Err(error.into()),
        Err(ChangePasswordError::Server(error)) => return Err(error.into()),
    }
    // The link proved the address it was sent to.
    let now = state.now();
    let mut activated = user.clone();
    activated.status = UserStatus::Active;
    activated.email_verified = true;
    activated.password_changed_at = Some(now);
    activated.updated_at = now;
    let secrets = state.secrets.clone();
    let stored = activated.clone();
    let done = state
        .store
        .write(move |connection| -> Result<bool, StoreError> {
            if !verifications::consume(connection, &found.id, now)? {
                return Ok(false);
            }
            users::change_status(
                connection,
                &stored.id,
                UserStatus::PendingActivation,
                UserStatus::Active,
                true,
                now,
            )?;
            audit(
                connection,
                &secrets,
                "account.activated",
                &stored.id,
                Some(stored.id.as_str()),
                None,
                serde_json::json!({}),
                now,
            )?;
            Ok(true)
        })
        .await?;
    if !done {
        return super::invalid_link(&state, &page, None);
    }
    let mut paragraphs = vec![page.translate("activate-done-body", &[])];
    // The activation link is this "session": its codes count against the same daily caps.
    let requester = Requester {
        session: &form.token,
        user_id: &activated.id,
        address,
    };
    if let Some(email) = &new_email {
        profile::request_email_change(&state, &activated, email, &page.language, requester)
            .await?
            .ok();
        paragraphs.push(page.translate("activate-done-confirm-email", &[("email", email.clone())]));
    }
    if let Some(phone) = &phone {
        profile::request_phone_change(&state, &activated, phone, &page.language, requester)
            .await?
            .ok();
    }
    page.render_message(
        &state,
        "activate-done-title",
        paragraphs,
        Some(("/login", "login-title")),
    )
}
