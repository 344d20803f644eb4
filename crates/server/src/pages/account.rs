//! The account page: the user's studio, devices, sessions and password.

use super::format_time;
use crate::error::PageError;
use crate::http::ClientAddress;
use crate::http::page::{CsrfForm, CsrfProtected, PageContext};
use crate::http::session::{ActiveSession, SignedIn};
use crate::service::accounts::{self, ChangePasswordError};
use crate::service::audit::Actor;
use crate::service::login;
use crate::service::profile::ChangeRefusal;
use crate::service::reauth::{self, ParkedChange, Proof, Proved};
use crate::service::verification::Requester;
use crate::state::AppState;
use crate::throttle::RetryAfter;
use axum::extract::{Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use gatehouse_core::mfa::FactorKind;
use gatehouse_core::profile::{InvalidField, Profile};
use gatehouse_core::studio::PERMISSION_MANAGE_DEVICES;
use gatehouse_core::verification::Purpose;
use gatehouse_core::{DeviceId, SessionId, StudioId};
use gatehouse_store::{StoreError, studios, users};
use secrecy::SecretString;
use serde::Deserialize;
use std::net::IpAddr;

/// `?notice=` after an action.
#[derive(Debug, Deserialize)]
pub struct NoticeQuery {
    notice: Option<String>,
}

/// What an action on the account page confirms: the same value names the redirect
/// (`?notice=`) and the message shown, so neither can drift from the other.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Notice {
    /// A device was removed.
    DeviceRemoved,
    /// A session was ended.
    SessionEnded,
    /// The session works in another studio.
    StudioSwitched,
    /// The password was changed.
    PasswordChanged,
    /// The profile was saved.
    ProfileSaved,
    /// A confirmation code was sent for a new address or number.
    CodeSent,
    /// The e-mail address was changed.
    EmailChanged,
    /// The phone number was confirmed.
    PhoneChanged,
    /// The language was saved.
    LanguageSaved,
    /// An upstream provider was unlinked.
    ProviderUnlinked,
    /// An application was disconnected.
    AppDisconnected,
}

impl Notice {
    /// Every notice.
    pub const ALL: [Self; 11] = [
        Self::DeviceRemoved,
        Self::SessionEnded,
        Self::StudioSwitched,
        Self::PasswordChanged,
        Self::ProfileSaved,
        Self::CodeSent,
        Self::EmailChanged,
        Self::PhoneChanged,
        Self::LanguageSaved,
        Self::ProviderUnlinked,
        Self::AppDisconnected,
    ];

    /// The value of `?notice=`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::DeviceRemoved => "device-removed",
            Self::SessionEnded => "session-ended",
            Self::StudioSwitched => "studio-switched",
            Self::PasswordChanged => "password-changed",
            Self::ProfileSaved => "profile-saved",
            Self::CodeSent => "code-sent",
            Self::EmailChanged => "email-changed",
            Self::PhoneChanged => "phone-changed",
            Self::LanguageSaved => "language-saved",
            Self::ProviderUnlinked => "provider-unlinked",
            Self::AppDisconnected => "app-disconnected",
        }
    }

    /// The notice `?notice=` names, if any.
    #[must_use]
    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|notice| notice.as_str() == value)
    }

    /// The catalogue key of its message.
    #[must_use]
    pub fn message_key(self) -> String {
        format!("account-notice-{}", self.as_str())
    }
}

async fn render(
    state: &AppState,
    page: &PageContext,
    active: &ActiveSession,
    notice: Option<&str>,
    error: Option<String>,
) -> Result<Response, PageError> {
    let user_id = active.user.id.clone();
    let now = state.now();
    let (memberships, registered, active_sessions, admin_of, enrolled) = state
        .store
        .read(move |connection| {
            let memberships = studios::memberships_of(connection, &user_id)?;
            let mut admin_of = Vec::new();
            for membership in &memberships {
                if studios::has_permission(
                    connection,
                    &membership.studio.id,
                    &user_id,
                    PERMISSION_MANAGE_DEVICES,
                )? {
                    admin_of.push(membership.studio.id.clone());
                }
            }
            let registered = gatehouse_store::devices::list_for_user(connection, &user_id)?;
            let active_sessions =
                gatehouse_store::sessions::list_active_for_user(connection, &user_id, now)?;
            let enrolled = gatehouse_store::factors::list_for_user(connection, &user_id)?;
            Ok((memberships, registered, active_sessions, admin_of, enrolled))
        })
        .await?;
    let current_studio = active.session.studio_id.as_ref();
    let studio_items: Vec<minijinja::Value> = memberships
        .iter()
        .map(|membership| {
            minijinja::context! {
                id => membership.studio.id.as_str(),
                slug => membership.studio.slug.clone(),
                name => membership.studio.name.clone(),
                is_current => current_studio == Some(&membership.studio.id),
                is_admin => admin_of.contains(&membership.studio.id),
            }
        })
        .collect();
    let device_items: Vec<minijinja::Value> = registered
        .iter()
        .map(|device| {
            minijinja::context! {
                id => device.id.as_str(),
                name => device.name.clone(),
                last_seen => format_time(device.last_seen_at),
                is_current => active.session.device_id.as_ref() == Some(&device.id),
            }
        })
        .collect();
    let session_items: Vec<minijinja::Value> = active_sessions
        .iter()
        .map(|summary| {
            minijinja::context! {
                id => summary.session.id.as_str(),
                device => summary.device_name.clone().unwrap_or_else(|| {
                    gatehouse_core::device::describe_user_agent(summary.origin.user_agent.as_deref())
                }),
                started => format_time(summary.session.created_at),
                address => summary.origin.ip_address.clone(),
                is_current => summary.session.id == active.session.id,
            }
        })
        .collect();
    let notice = notice
        .and_then(Notice::parse)
        .map(|notice| page.translate(&notice.message_key(), &[]));
    let user = &active.user;
    let field = |name: &'static str,
                 label: &str,
                 kind: &'static str,
                 value: Option<String>,
                 autocomplete: Option<&'static str>| {
        minijinja::context! {
            name => name,
            label => page.translate(label, &[]),
            type => kind,
            value => value.unwrap_or_default(),
            autocomplete => autocomplete,
        }
    };
    let profile_fields = vec![
        field(
            "name",
            "field-name",
            "text",
            user.name.clone(),
            Some("name"),
        ),
        field(
            "trade_name",
            "field-trade-name",
            "text",
            user.profile.trade_name.clone(),
            None,
        ),
        field(
            "country",
            "field-country",
            "text",
            user.profile.country.clone(),
            Some("country-name"),
        ),
        field(
            "city",
            "field-city",
            "text",
            user.profile.city.clone(),
            Some("address-level2"),
        ),
        field(
            "date_of_birth",
            "field-date-of-birth",
            "date",
            user.profile.date_of_birth.clone(),
            Some("bday"),
        ),
        field(
            "company",
            "field-company",
            "text",
            user.profile.company.clone(),
            Some("organization"),
        ),
        field(
            "job_title",
            "field-job-title",
            "text",
            user.profile.job_title.clone(),
            Some("organization-title"),
        ),
    ];
    let pending_email =
        crate::service::verification::pending(state, Purpose::ChangeEmail, &user.id)
            .await?
            .and_then(|pending| pending.target);
    let pending_phone =
        crate::service::verification::pending(state, Purpose::ChangePhone, &user.id)
            .await?
            .and_then(|pending| pending.target);
    let linked = crate::service::upstream::identities_of(state, &user.id).await?;
    let providers = crate::service::upstream::list(state).await?;
    let linked_items: Vec<minijinja::Value> = linked
        .iter()
        .map(|identity| {
            let provider = providers
                .iter()
                .find(|provider| provider.id == identity.provider_id);
            minijinja::context! {
                id => identity.provider_id.clone(),
                name => provider.map_or_else(|| identity.provider_id.clone(), |provider| provider.display_name.clone()),
                kind => provider.map(|provider| provider.kind.as_str()),
                email => identity.email.clone(),
                since => format_time(identity.created_at),
            }
        })
        .collect();
    let connected_apps: Vec<minijinja::Value> = crate::service::connected::list(state, &user.id)
        .await?
        .into_iter()
        .map(|app| {
            let scope = gatehouse_core::scope::Scope::parse(&app.scopes).unwrap_or_default();
            minijinja::context! {
                id => app.client_id.as_str().to_owned(),
                name => app.name,
                permissions => super::consent::describe_scopes(&page.language, &scope),
                since => format_time(app.since),
                last_used => format_time(app.last_used_at),
            }
        })
        .collect();
    let languages: Vec<minijinja::Value> = crate::i18n::SUPPORTED
        .iter()
        .map(|code| minijinja::context! { code => *code, name => crate::i18n::translate(code, "language-name", &[]) })
        .collect();
    page.render(
        state,
        "account.html",
        minijinja::context! {
            email_verified => user.email_verified,
            mfa_enabled => gatehouse_core::mfa::has_second_factor(&enrolled),
            phone => user.phone_number.clone(),
            phone_verified => user.phone_number_verified,
            profile_fields => profile_fields,
            pending_email => pending_email,
            pending_phone => pending_phone,
            languages => languages,
            saved_language => user.locale.clone(),
            grace_days => state.config.accounts.closure_grace_days,
            email => active.user.email.clone(),
            studios => studio_items,
            current_studio => memberships
                .iter()
                .find(|membership| current_studio == Some(&membership.studio.id))
                .map(|membership| membership.studio.name.clone()),
            devices => device_items,
            sessions => session_items,
            linked_providers => linked_items,
            connected_apps => connected_apps,
            notice => notice,
            error => error,
        },
    )
}

/// `GET /account`
pub async fn show(
    State(state): State<AppState>,
    page: PageContext,
    SignedIn(active): SignedIn,
    Query(query): Query<NoticeQuery>,
) -> Result<Response, PageError> {
    let page = page.with_user_locale(&state, active.user.locale.as_deref());
    render(&state, &page, &active, query.notice.as_deref(), None).await
}

fn done(notice: Notice) -> Response {
    Redirect::to(&format!("/account?notice={}", notice.as_str())).into_response()
}

/// A form naming one thing (a device, a session, a studio).
#[derive(Debug, Deserialize)]
pub struct ChoiceForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    device_id: String,
    #[serde(default)]
    session_id: String,
    #[serde(default)]
    studio_id: String,
}

impl CsrfProtected for ChoiceForm {
    fn csrf_token(&self) -> &str {
        &self.csrf_token
    }
}

/// `POST /account/devices/remove`: the user removes one of their other devices.
pub async fn remove_device(
    State(state): State<AppState>,
    origin: crate::http::Origin,
    SignedIn(active): SignedIn,
    CsrfForm { form, .. }: CsrfForm<ChoiceForm>,
) -> Result<Response, PageError> {
    let device_id = DeviceId::new(form.device_id);
    // The current device cannot be removed from itself: that is what signing out is for.
    if active.session.device_id.as_ref() == Some(&device_id) {
        return Err(PageError::bad_request("error-bad-request"));
    }
    let actor = origin.actor(active.user.id.as_str());
    let removed =
        crate::service::users::remove_device(&state, &actor, Some(&active.user.id), &device_id)
            .await?;
    if removed.is_none() {
        return Err(PageError::new(StatusCode::NOT_FOUND, "error-not-found"));
    }
    Ok(done(Notice::DeviceRemoved))
}

/// `POST /account/sessions/end`: the user ends one of their sessions.
pub async fn end_session(
    State(state): State<AppState>,
    origin: crate::http::Origin,
    SignedIn(active): SignedIn,
    CsrfForm { form, .. }: CsrfForm<ChoiceForm>,
) -> Result<Response, PageError> {
    let actor = origin.actor(active.user.id.as_str());
    let session_id = SessionId::new(form.session_id);
    if !crate::service::users::end_session(&state, &actor, &active.user.id, &session_id).await? {
        return Err(PageError::new(StatusCode::NOT_FOUND, "error-not-found"));
    }
    Ok(done(Notice::SessionEnded))
}

/// The unlink form.
#[derive(Debug, Deserialize)]
pub struct UnlinkForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    provider_id: String,
}

impl CsrfProtected for UnlinkForm {
    fn csrf_token(&self) -> &str {
        &self.csrf_token
    }
}

/// `POST /account/upstream/unlink`: the user unlinks a provider, as long as another way
/// to sign in remains.
pub async fn unlink_provider(
    State(state): State<AppState>,
    origin: crate::http::Origin,
    SignedIn(active): SignedIn,
    CsrfForm { page, form }: CsrfForm<UnlinkForm>,
) -> Result<Response, PageError> {
    use crate::service::upstream::{self, Unlinking};
    let actor = origin.actor(active.user.id.as_str());
    match upstream::unlink(&state, &actor, &active.user.id, &form.provider_id, false).await? {
        Unlinking::Unlinked => Ok(done(Notice::ProviderUnlinked)),
        Unlinking::NotLinked => Err(PageError::new(StatusCode::NOT_FOUND, "error-not-found")),
        Unlinking::LastWayIn => {
            let page = page.with_user_locale(&state, active.user.locale.as_deref());
            let mut response = render(
                &state,
                &page,
                &active,
                None,
                Some(page.translate("account-error-last-way-in", &[])),
            )
            .await?;
            *response.status_mut() = StatusCode::CONFLICT;
            Ok(response)
        }
    }
}

/// `POST /account/apps/disconnect`: the user takes an application's access away.
pub async fn disconnect_app(
    State(state): State<AppState>,
    origin: crate::http::Origin,
    SignedIn(active): SignedIn,
    CsrfForm { form, .. }: CsrfForm<AppForm>,
) -> Result<Response, PageError> {
    let actor = origin.actor(active.user.id.as_str());
    let client_id = gatehouse_core::ClientId::new(form.client_id);
    if !crate::service::connected::disconnect(&state, &actor, &active.user.id, &client_id).await? {
        return Err(PageError::new(StatusCode::NOT_FOUND, "error-not-found"));
    }
    Ok(done(Notice::AppDisconnected))
}

/// The disconnect form.
#[derive(Debug, Deserialize)]
pub struct AppForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    client_id: String,
}

impl CsrfProtected for AppForm {
    fn csrf_token(&self) -> &str {
        &self.csrf_token
    }
}

/// `POST /account/studio`: switch the studio the session works in.
pub async fn switch_studio(
    State(state): State<AppState>,
    SignedIn(active): SignedIn,
    CsrfForm { form, .. }: CsrfForm<ChoiceForm>,
) -> Result<Response, PageError> {
    let studio_id = StudioId::new(form.studio_id);
    let (user_id, session_id) = (active.user.id.clone(), active.session.id.clone());
    let switched = state
        .store
        .write(move |connection| -> Result<bool, StoreError> {
            if studios::find_membership(connection, &studio_id, &user_id)?.is_none() {
                return Ok(false);
            }
            gatehouse_store::sessions::set_studio(connection, &session_id, &studio_id)?;
            users::set_last_studio(connection, &user_id, &studio_id)?;
            Ok(true)
        })
        .await?;
    if !switched {
        return Err(PageError::new(
            StatusCode::FORBIDDEN,
            "error-studio-not-member",
        ));
    }
    Ok(done(Notice::StudioSwitched))
}

/// The password form.
#[derive(Debug, Deserialize)]
pub struct PasswordForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    current_password: String,
    #[serde(default)]
    new_password: String,
    #[serde(default)]
    confirm_password: String,
}

impl CsrfProtected for PasswordForm {
    fn csrf_token(&self) -> &str {
        &self.csrf_token
    }
}

/// `POST /account/password`: old, new, confirm. Every other session and every refresh token
/// ends, so apps must ask for the new password.
pub async fn change_password(
    State(state): State<AppState>,
    SignedIn(active): SignedIn,
    ClientAddress(address): ClientAddress,
    CsrfForm { page, form }: CsrfForm<PasswordForm>,
) -> Result<Response, PageError> {
    let page = page.with_user_locale(&state, active.user.locale.as_deref());
    let mut status = StatusCode::BAD_REQUEST;
    let error = if let Err((message, refusal_status)) =
        check_current_password(&state, &page, &active, &form.current_password, address).await?
    {
        status = refusal_status;
        Some(message)
    } else if form.new_password != form.confirm_password {
        Some(page.translate("account-error-password-mismatch", &[]))
    } else {
        match accounts::set_password(
            &state,
            &active.user,
            SecretString::from(form.new_password.clone()),
            Some(active.session.id.clone()),
            &Actor::user(&active.user.id),
        )
        .await
        {
            Ok(()) => return Ok(done(Notice::PasswordChanged)),
            Err(ChangePasswordError::WeakPassword(violations)) => {
                let policy =
                    crate::service::passwords::policy_for_user(&state, &active.user.id).await?;
                Some(
                    crate::service::passwords::describe(&page.language, &policy, &violations)
                        .join(" "),
                )
            }
            Err(ChangePasswordError::Store(error)) => return Err(error.into()),
            Err(ChangePasswordError::Server(error)) => return Err(error.into()),
        }
    };
    let mut response = render(&state, &page, &active, None, error).await?;
    *response.status_mut() = status;
    Ok(response)
}

/// Whether `password` is the user's current one; a refusal message (wrong, or wait) when not.
async fn check_current_password(
    state: &AppState,
    page: &PageContext,
    active: &ActiveSession,
    password: &str,
    address: IpAddr,
) -> Result<Result<(), (String, StatusCode)>, PageError> {
    match login::check_current_password(state, &active.user, password, address).await? {
        Ok(true) => Ok(Ok(())),
        Ok(false) => Ok(Err((
            page.translate("account-error-current-password", &[]),
            StatusCode::BAD_REQUEST,
        ))),
        Err(RetryAfter(seconds)) => Ok(Err((
            page.translate("login-error-throttled", &[("seconds", seconds.to_string())]),
            StatusCode::TOO_MANY_REQUESTS,
        ))),
    }
}

/// The profile form.
#[derive(Debug, Deserialize)]
pub struct ProfileForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    trade_name: String,
    #[serde(default)]
    country: String,
    #[serde(default)]
    city: String,
    #[serde(default)]
    date_of_birth: String,
    #[serde(default)]
    company: String,
    #[serde(default)]
    job_title: String,
}

impl CsrfProtected for ProfileForm {
    fn csrf_token(&self) -> &str {
        &self.csrf_token
    }
}

async fn refuse(
    state: &AppState,
    page: &PageContext,
    active: &ActiveSession,
    message: String,
) -> Result<Response, PageError> {
    let mut response = render(state, page, active, None, Some(message)).await?;
    *response.status_mut() = StatusCode::BAD_REQUEST;
    Ok(response)
}

/// `POST /account/profile`
pub async fn update_profile(
    State(state): State<AppState>,
    SignedIn(active): SignedIn,
    CsrfForm { page, form }: CsrfForm<ProfileForm>,
) -> Result<Response, PageError> {
    let page = page.with_user_locale(&state, active.user.locale.as_deref());
    let profile = Profile {
        trade_name: Some(form.trade_name),
        country: Some(form.country),
        city: Some(form.city),
        date_of_birth: Some(form.date_of_birth),
        company: Some(form.company),
        job_title: Some(form.job_title),
    };
    match crate::service::profile::update_profile(&state, &active.user, &form.name, profile).await?
    {
        Ok(()) => Ok(done(Notice::ProfileSaved)),
        Err(InvalidField { field, problem }) => {
            let label = page.translate(&format!("field-{}", field.replace('_', "-")), &[]);
            let message = page.translate(problem, &[("field", label)]);
            refuse(&state, &page, &active, message).await
        }
    }
}

/// A form with one value: the new e-mail, phone or language, or a code.
#[derive(Debug, Deserialize)]
pub struct ValueForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    phone: String,
    #[serde(default)]
    language: String,
    #[serde(default)]
    code: String,
}

impl CsrfProtected for ValueForm {
    fn csrf_token(&self) -> &str {
        &self.csrf_token
    }
}

/// `POST /account/email`: a code goes to the new address (after a recent proof of
/// identity: without one, the change waits on the re-authentication page).
pub async fn change_email(
    State(state): State<AppState>,
    SignedIn(active): SignedIn,
    ClientAddress(address): ClientAddress,
    CsrfForm { page, form }: CsrfForm<ValueForm>,
) -> Result<Response, PageError> {
    let page = page.with_user_locale(&state, active.user.locale.as_deref());
    let change = ParkedChange::ChangeEmail { email: form.email };
    proceed_or_reauthenticate(&state, &page, &active, change, address).await
}

/// `POST /account/phone`: an SMS code goes to the new number (after a recent proof).
pub async fn change_phone(
    State(state): State<AppState>,
    SignedIn(active): SignedIn,
    ClientAddress(address): ClientAddress,
    CsrfForm { page, form }: CsrfForm<ValueForm>,
) -> Result<Response, PageError> {
    let page = page.with_user_locale(&state, active.user.locale.as_deref());
    let change = ParkedChange::ChangePhone { phone: form.phone };
    proceed_or_reauthenticate(&state, &page, &active, change, address).await
}

async fn proceed_or_reauthenticate(
    state: &AppState,
    page: &PageContext,
    active: &ActiveSession,
    change: ParkedChange,
    address: IpAddr,
) -> Result<Response, PageError> {
    if reauth::is_recent(state, &active.session) {
        return carry_out(state, page, active, change, address).await;
    }
    let request = reauth::park(state, &active.session, &page.browser_binding(), change).await?;
    let mut response = Redirect::to(&super::reauthenticate_for_change(&request)).into_response();
    page.finish(state, &mut response);
    Ok(response)
}

/// Starts an e-mail or phone change whose proof of identity is settled: the code goes out
/// within the session's, account's and address's daily caps.
pub(crate) async fn carry_out(
    state: &AppState,
    page: &PageContext,
    active: &ActiveSession,
    change: ParkedChange,
    address: IpAddr,
) -> Result<Response, PageError> {
    let requester = Requester {
        session: active.session.id.as_str(),
        user_id: &active.user.id,
        address,
    };
    let (outcome, invalid_key) = match &change {
        ParkedChange::ChangeEmail { email } => (
            crate::service::profile::request_email_change(
                state,
                &active.user,
                email,
                &page.language,
                requester,
            )
            .await?,
            "field-error-email",
        ),
        ParkedChange::ChangePhone { phone } => (
            crate::service::profile::request_phone_change(
                state,
                &active.user,
                phone,
                &page.language,
                requester,
            )
            .await?,
            "field-error-phone",
        ),
    };
    let (message, status) = match outcome {
        Ok(_) => return Ok(done(Notice::CodeSent)),
        Err(ChangeRefusal::Invalid) => (page.translate(invalid_key, &[]), StatusCode::BAD_REQUEST),
        Err(ChangeRefusal::TooManyCodes) => (
            page.translate("code-error-too-many-sent", &[]),
            StatusCode::TOO_MANY_REQUESTS,
        ),
        Err(ChangeRefusal::TooManyToday) => (
            page.translate("code-error-too-many-today", &[]),
            StatusCode::TOO_MANY_REQUESTS,
        ),
        Err(ChangeRefusal::SmsUnavailable) => (
            page.translate("sms-error-budget", &[]),
            StatusCode::SERVICE_UNAVAILABLE,
        ),
    };
    let mut response = render(state, page, active, None, Some(message)).await?;
    *response.status_mut() = status;
    Ok(response)
}

async fn confirm(
    state: AppState,
    active: ActiveSession,
    page: PageContext,
    form: ValueForm,
    purpose: Purpose,
) -> Result<Response, PageError> {
    let page = page.with_user_locale(&state, active.user.locale.as_deref());
    match crate::service::profile::confirm_change(&state, &active.user, purpose, &form.code).await?
    {
        Ok(()) => Ok(done(if purpose == Purpose::ChangeEmail {
            Notice::EmailChanged
        } else {
            Notice::PhoneChanged
        })),
        Err(rejection) => {
            let message = super::code_error(&page, rejection);
            refuse(&state, &page, &active, message).await
        }
    }
}

/// `POST /account/email/confirm`
pub async fn confirm_email(
    State(state): State<AppState>,
    SignedIn(active): SignedIn,
    CsrfForm { page, form }: CsrfForm<ValueForm>,
) -> Result<Response, PageError> {
    confirm(state, active, page, form, Purpose::ChangeEmail).await
}

/// `POST /account/phone/confirm`
pub async fn confirm_phone(
    State(state): State<AppState>,
    SignedIn(active): SignedIn,
    CsrfForm { page, form }: CsrfForm<ValueForm>,
) -> Result<Response, PageError> {
    confirm(state, active, page, form, Purpose::ChangePhone).await
}

/// `GET /account/email/undo?token=`: the page the link to the previous address opens (no
/// session needed: the owner may have lost the account to whoever changed the address).
pub async fn show_undo_email(
    State(state): State<AppState>,
    page: PageContext,
    Query(query): Query<super::TokenQuery>,
) -> Result<Response, PageError> {
    if !crate::service::profile::check_undo_link(&state, &query.token).await? {
        return super::invalid_link(&state, &page, None);
    }
    page.render(
        &state,
        "confirm_link.html",
        minijinja::context! {
            title => page.translate("email-undo-title", &[]),
            intro => page.translate("email-undo-intro", &[]),
            submit => page.translate("email-undo-submit", &[]),
            action => "/account/email/undo",
            token => query.token,
        },
    )
}

/// `POST /account/email/undo`
pub async fn undo_email(
    State(state): State<AppState>,
    CsrfForm { page, form }: CsrfForm<super::TokenForm>,
) -> Result<Response, PageError> {
    match crate::service::profile::undo_email_change(&state, &form.token).await? {
        Ok(email) => {
            let mut response = page.render_message(
                &state,
                "email-undo-done-title",
                vec![page.translate("email-undo-done-body", &[("email", email)])],
                Some(("/forgot-password", "forgot-password-title")),
            )?;
            if let Ok(value) =
                HeaderValue::from_str(&crate::http::session::clear_session_cookie(&state))
            {
                response.headers_mut().append(header::SET_COOKIE, value);
            }
            Ok(response)
        }
        Err(_) => super::invalid_link(&state, &page, None),
    }
}

/// `POST /account/language`
pub async fn set_language(
    State(state): State<AppState>,
    SignedIn(active): SignedIn,
    CsrfForm { form, .. }: CsrfForm<ValueForm>,
) -> Result<Response, PageError> {
    if !crate::service::profile::set_language(&state, &active.user, &form.language).await? {
        return Err(PageError::bad_request("error-bad-request"));
    }
    Ok(done(Notice::LanguageSaved))
}

/// The closure form.
#[derive(Debug, Deserialize)]
pub struct CloseForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    password: String,
    acknowledge: Option<String>,
}

impl CsrfProtected for CloseForm {
    fn csrf_token(&self) -> &str {
        &self.csrf_token
    }
}

/// `POST /account/close`: password and the "I have read the warnings" box.
pub async fn close(
    State(state): State<AppState>,
    SignedIn(active): SignedIn,
    ClientAddress(address): ClientAddress,
    CsrfForm { page, form }: CsrfForm<CloseForm>,
) -> Result<Response, PageError> {
    let page = page.with_user_locale(&state, active.user.locale.as_deref());
    if let Err((message, status)) =
        check_current_password(&state, &page, &active, &form.password, address).await?
    {
        let mut response = render(&state, &page, &active, None, Some(message)).await?;
        *response.status_mut() = status;
        return Ok(response);
    }
    if form.acknowledge.is_none() {
        return refuse(
            &state,
            &page,
            &active,
            page.translate("close-error-acknowledge", &[]),
        )
        .await;
    }
    accounts::close(&state, &active.user, &Actor::user(&active.user.id)).await?;
    let mut response = page.render_message(
        &state,
        "closed-title",
        vec![page.translate(
            "closed-body",
            &[("days", state.config.accounts.closure_grace_days.to_string())],
        )],
        None,
    )?;
    if let Ok(value) = HeaderValue::from_str(&crate::http::session::clear_session_cookie(&state)) {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
    Ok(response)
}

/// `?request=` (a parked change) or `?return_to=` (a page).
#[derive(Debug, Deserialize)]
pub struct ReauthQuery {
    #[serde(default)]
    request: String,
    #[serde(default)]
    return_to: String,
}

fn describe_change(page: &PageContext, change: &ParkedChange) -> String {
    match change {
        ParkedChange::ChangeEmail { email } => {
            page.translate("reauth-pending-email", &[("email", email.clone())])
        }
        ParkedChange::ChangePhone { phone } => {
            page.translate("reauth-pending-phone", &[("phone", phone.clone())])
        }
    }
}

async fn render_reauthenticate(
    state: &AppState,
    page: &PageContext,
    active: &ActiveSession,
    request: &str,
    return_to: &str,
    error: Option<String>,
) -> Result<Response, PageError> {
    let pending = match request {
        "" => None,
        request => {
            reauth::find_parked(state, request, &active.session, &page.browser_binding()).await?
        }
    };
    if !request.is_empty() && pending.is_none() {
        return Err(PageError::flow_expired());
    }
    let has_authenticator = crate::service::mfa::factors_of(state, &active.user.id)
        .await?
        .iter()
        .any(|factor| factor.kind == FactorKind::Totp && factor.is_active());
    page.render(
        state,
        "reauthenticate.html",
        minijinja::context! {
            request => request,
            return_to => return_to,
            pending => pending.as_ref().map(|change| describe_change(page, change)),
            has_authenticator => has_authenticator,
            error => error,
        },
    )
}

/// `GET /reauthenticate`: prove it is you again before a sensitive change.
pub async fn show_reauthenticate(
    State(state): State<AppState>,
    page: PageContext,
    SignedIn(active): SignedIn,
    Query(query): Query<ReauthQuery>,
) -> Result<Response, PageError> {
    let page = page.with_user_locale(&state, active.user.locale.as_deref());
    let return_to = super::safe_return(Some(&query.return_to));
    render_reauthenticate(&state, &page, &active, &query.request, &return_to, None).await
}

/// The proof form.
#[derive(Debug, Deserialize)]
pub struct ProofForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    request: String,
    #[serde(default)]
    return_to: String,
    #[serde(default)]
    method: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    code: String,
}

impl CsrfProtected for ProofForm {
    fn csrf_token(&self) -> &str {
        &self.csrf_token
    }
}

/// `POST /reauthenticate`
pub async fn submit_reauthenticate(
    State(state): State<AppState>,
    SignedIn(active): SignedIn,
    ClientAddress(address): ClientAddress,
    CsrfForm { page, form }: CsrfForm<ProofForm>,
) -> Result<Response, PageError> {
    let mut active = active;
    let page = page.with_user_locale(&state, active.user.locale.as_deref());
    let return_to = super::safe_return(Some(&form.return_to));
    let proof = if form.method == "totp" {
        Proof::AuthenticatorCode(&form.code)
    } else {
        Proof::Password(&form.password)
    };
    let refusal = match reauth::prove(&state, &active.session, &active.user, proof, address).await?
    {
        Proved::Yes => None,
        Proved::No => Some((
            page.translate(
                if form.method == "totp" {
                    "mfa-error-wrong-code"
                } else {
                    "account-error-current-password"
                },
                &[],
            ),
            StatusCode::UNAUTHORIZED,
            None,
        )),
        Proved::Wait(seconds) => Some((
            page.translate("login-error-throttled", &[("seconds", seconds.to_string())]),
            StatusCode::TOO_MANY_REQUESTS,
            Some(seconds),
        )),
    };
    if let Some((message, status, wait)) = refusal {
        let mut response = render_reauthenticate(
            &state,
            &page,
            &active,
            &form.request,
            &return_to,
            Some(message),
        )
        .await?;
        *response.status_mut() = status;
        if let Some(seconds) = wait
            && let Ok(value) = HeaderValue::from_str(&seconds.to_string())
        {
            response.headers_mut().insert(header::RETRY_AFTER, value);
        }
        return Ok(response);
    }
    if form.request.is_empty() {
        return Ok(Redirect::to(&return_to).into_response());
    }
    let Some(change) = reauth::take_parked(
        &state,
        &form.request,
        &active.session,
        &page.browser_binding(),
    )
    .await?
    else {
        return Err(PageError::flow_expired());
    };
    active.session.authentication.auth_time = state.now();
    carry_out(&state, &page, &active, change, address).await
}

#[cfg(test)]
mod tests {
    use super::Notice;

    #[test]
    fn every_notice_is_named_once_and_worded_in_every_language() {
        for notice in Notice::ALL {
            assert_eq!(Notice::parse(notice.as_str()), Some(notice));
            for language in crate::i18n::SUPPORTED {
                assert!(
                    crate::i18n::try_translate(language, &notice.message_key(), &[]).is_some(),
                    "{language} lacks {}",
                    notice.message_key()
                );
            }
        }
        assert_eq!(Notice::parse("nothing-happened"), None);
    }
}
