//! The sign-in page: password and passkey sign-in. Where a sign-in goes next is decided by
//! `service::login`; `pages::go_on` turns it into cookies and a redirect.

use crate::error::PageError;
use crate::http::ClientAddress;
use crate::http::page::{CsrfForm, CsrfProtected, PageContext};
use crate::http::session::CurrentSession;
use crate::service::login::{self, Continuation, LoginFailure};
use crate::service::mfa;
use crate::state::AppState;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::Response;
use gatehouse_core::client::Client;
use secrecy::SecretString;
use serde::Deserialize;

/// What a sign-in page shows for its studio: the studio's slug and name, the upstream
/// providers' buttons (within a studio, only those it allows), and whether the studio takes
/// registrations.
#[derive(Debug, Default)]
struct StudioContext {
    id: Option<gatehouse_core::StudioId>,
    slug: Option<String>,
    name: Option<String>,
    providers: Vec<minijinja::Value>,
    takes_registrations: bool,
}

/// The context of a sign-in page of studio `slug` (its own address, or the flow's
/// `organization`/`studio` parameter); unknown studios show the instance's page.
async fn studio_context(state: &AppState, slug: Option<&str>) -> Result<StudioContext, PageError> {
    let studio = match slug.filter(|slug| !slug.is_empty()).map(str::to_owned) {
        Some(slug) => {
            state
                .store
                .read(move |connection| gatehouse_store::studios::find_by_slug(connection, &slug))
                .await?
        }
        None => None,
    };
    let providers = crate::service::upstream::buttons(state, studio.as_ref())
        .await?
        .into_iter()
        .map(|button| {
            minijinja::context! { id => button.id, name => button.name, kind => button.kind }
        })
        .collect();
    Ok(StudioContext {
        id: studio.as_ref().map(|studio| studio.id.clone()),
        slug: studio.as_ref().map(|studio| studio.slug.clone()),
        takes_registrations: studio
            .as_ref()
            .is_some_and(|studio| studio.settings.registration.enabled),
        name: studio.map(|studio| studio.name),
        providers,
    })
}

/// Everything around a sign-in form: the application and studio it is for, their buttons
/// and links. The form's own values (what was typed, the error) come separately.
struct Surroundings {
    flow: Option<String>,
    client_name: Option<String>,
    branding: crate::service::branding::PageBranding,
    studio: StudioContext,
    registration_url: Option<String>,
}

impl Surroundings {
    async fn new(
        state: &AppState,
        flow: Option<String>,
        client: Option<&Client>,
        studio: StudioContext,
    ) -> Result<Self, PageError> {
        let branding = crate::service::branding::for_page(
            state,
            studio.id.as_ref(),
            client.map(|client| &client.id),
        )
        .await?;
        // A studio that takes registrations offers its own form; otherwise the instance's,
        // when it is open instance-wide or for this client.
        let registration_url = match &studio.slug {
            Some(slug) if studio.takes_registrations => {
                let mut query = url::form_urlencoded::Serializer::new(String::new());
                query.append_pair("studio", slug);
                Some(format!("/register?{}", query.finish()))
            }
            _ => (state.config.registration.enabled
                || client.is_some_and(|client| client.allows_registration))
            .then(|| "/register".to_owned()),
        }
        .map(|url| super::with_flow(&url, flow.as_deref()));
        Ok(Self {
            flow,
            client_name: branding
                .client_display_name
                .clone()
                .or_else(|| client.map(|client| client.name.clone())),
            branding,
            studio,
            registration_url,
        })
    }

    fn render(
        &self,
        state: &AppState,
        page: &PageContext,
        form: minijinja::Value,
    ) -> Result<Response, PageError> {
        let flow = self.flow.as_deref();
        page.render(
            state,
            "login.html",
            minijinja::context! {
                flow => flow,
                client_name => self.client_name.as_deref(),
                registration_url => self.registration_url.as_deref(),
                forgot_password_url => super::with_flow("/forgot-password", flow),
                forgot_username_url => super::with_flow("/forgot-username", flow),
                passkeys => state.webauthn.is_some(),
                studio => self.studio.slug.as_deref(),
                studio_name => self.studio.name.as_deref(),
                providers => &self.studio.providers,
                brand => crate::service::branding::template_value(&self.branding.shown),
                ..form
            },
        )
    }
}

/// `?flow=` (a sign-in for an application) or `?return_to=` (a page of ours that needs a
/// signed-in user); `?returned=` after a side trip begun on the page.
#[derive(Debug, Deserialize)]
pub struct LoginQuery {
    flow: Option<String>,
    return_to: Option<String>,
    returned: Option<super::Returned>,
}

/// `GET /login`
pub async fn show(
    State(state): State<AppState>,
    page: PageContext,
    Query(query): Query<LoginQuery>,
) -> Result<Response, PageError> {
    show_page(&state, page, query, None).await
}

/// `GET /s/{slug}/login`: a studio's own sign-in address, with its name and only its
/// providers' buttons.
pub async fn show_studio(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    page: PageContext,
    Query(query): Query<LoginQuery>,
) -> Result<Response, PageError> {
    show_page(&state, page, query, Some(slug)).await
}

/// The studio context of a sign-in page: the studio of its own address (`/s/<slug>/login`,
/// which must exist), else the flow's.
async fn page_studio(
    state: &AppState,
    address_slug: Option<&str>,
    flow_slug: Option<&str>,
) -> Result<StudioContext, PageError> {
    let studio = studio_context(state, address_slug.or(flow_slug)).await?;
    if address_slug.is_some() && studio.slug.is_none() {
        return Err(PageError::new(
            StatusCode::NOT_FOUND,
            "error-studio-unknown",
        ));
    }
    Ok(studio)
}

async fn show_page(
    state: &AppState,
    page: PageContext,
    query: LoginQuery,
    studio_slug: Option<String>,
) -> Result<Response, PageError> {
    let return_to = query
        .return_to
        .as_deref()
        .filter(|path| !path.is_empty())
        .map(|path| super::safe_return(Some(path)));
    match query.flow.filter(|flow| !flow.is_empty()) {
        Some(flow_id) => {
            let (page, flow, client) = super::flow_page(state, page, &flow_id).await?;
            let studio = page_studio(
                state,
                studio_slug.as_deref(),
                flow.request.organization.as_deref(),
            )
            .await?;
            let notice = query
                .returned
                .map(|returned| page.translate(returned.message_key(), &[]));
            Surroundings::new(state, Some(flow_id), Some(&client), studio)
                .await?
                .render(
                    state,
                    &page,
                    minijinja::context! {
                        email => flow.request.login_hint.unwrap_or_default(),
                        notice => notice,
                    },
                )
        }
        None => {
            let studio = page_studio(state, studio_slug.as_deref(), None).await?;
            Surroundings::new(state, None, None, studio).await?.render(
                state,
                &page,
                minijinja::context! { email => "", return_to => return_to },
            )
        }
    }
}

/// The sign-in form.
#[derive(Debug, Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    csrf_token: String,
    flow: Option<String>,
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    remember_me: Option<String>,
    /// A page of ours to come back to (a page that needed a signed-in user).
    return_to: Option<String>,
    /// The studio whose sign-in page this was (its slug).
    studio: Option<String>,
}

impl CsrfProtected for LoginForm {
    fn csrf_token(&self) -> &str {
        &self.csrf_token
    }
}

/// `POST /login`
pub async fn submit(
    State(state): State<AppState>,
    CurrentSession(previous): CurrentSession,
    ClientAddress(address): ClientAddress,
    headers: HeaderMap,
    CsrfForm { page, form }: CsrfForm<LoginForm>,
) -> Result<Response, PageError> {
    let flow_id = form.flow.clone().filter(|flow| !flow.is_empty());
    let (page, client, organization) = match &flow_id {
        Some(flow_id) => {
            let (page, flow, client) = super::flow_page(&state, page, flow_id).await?;
            (page, Some(client), flow.request.organization)
        }
        None => (page, None, None),
    };
    let studio = studio_context(&state, form.studio.as_deref().or(organization.as_deref())).await?;
    let is_persistent = form.remember_me.is_some();
    let surroundings = Surroundings::new(&state, flow_id.clone(), client.as_ref(), studio).await?;
    let rerender = |message_key: &str,
                    arguments: &[(&str, String)],
                    status: StatusCode|
     -> Result<Response, PageError> {
        let mut response = surroundings.render(
            &state,
            &page,
            minijinja::context! {
                email => form.email.clone(),
                return_to => form.return_to.clone(),
                remember_me => is_persistent,
                error => page.translate(message_key, arguments),
            },
        )?;
        *response.status_mut() = status;
        Ok(response)
    };
    if form.email.trim().is_empty() || form.password.is_empty() {
        return rerender("login-error-missing", &[], StatusCode::OK);
    }
    let browser = super::browser(&state, &headers, address, previous);
    let password = SecretString::from(form.password.clone());
    let continuation = Continuation {
        flow: flow_id.clone(),
        remember: is_persistent,
        return_to: form
            .return_to
            .as_deref()
            .filter(|path| !path.is_empty())
            .map(|path| super::safe_return(Some(path))),
        ..Continuation::default()
    };
    let outcome = login::sign_in(&state, &form.email, password, browser, is_persistent).await;
    let failure = match login::next(&state, outcome, &page.browser_binding(), continuation).await {
        Ok(next) => return super::go_on(&state, &page, next).await,
        Err(failure) => failure,
    };
    match failure {
        LoginFailure::InvalidCredentials => rerender("login-error-invalid", &[], StatusCode::OK),
        LoginFailure::MalformedName => rerender("login-error-malformed", &[], StatusCode::OK),
        LoginFailure::UnknownStudio => rerender("login-error-unknown-studio", &[], StatusCode::OK),
        LoginFailure::Unconfirmed => rerender("login-error-unconfirmed", &[], StatusCode::OK),
        LoginFailure::AwaitingApproval => {
            rerender("login-error-awaiting-approval", &[], StatusCode::OK)
        }
        LoginFailure::Throttled(seconds) => {
            let mut response = rerender(
                "login-error-throttled",
                &[("seconds", seconds.to_string())],
                StatusCode::TOO_MANY_REQUESTS,
            )?;
            if let Ok(value) = HeaderValue::from_str(&seconds.to_string()) {
                response.headers_mut().insert(header::RETRY_AFTER, value);
            }
            Ok(response)
        }
        other => Err(super::sign_in_refused(other)),
    }
}

/// A passkey ceremony's id and the browser's answer (`PublicKeyCredential.toJSON()`).
#[derive(Debug, Deserialize)]
pub struct PasskeyForm {
    #[serde(default)]
    csrf_token: String,
    flow: Option<String>,
    #[serde(default)]
    ceremony: String,
    #[serde(default)]
    credential: String,
    remember_me: Option<String>,
    return_to: Option<String>,
}

impl CsrfProtected for PasskeyForm {
    fn csrf_token(&self) -> &str {
        &self.csrf_token
    }
}

/// `POST /login/passkey/options`: options for a passwordless sign-in.
pub async fn passkey_options(
    State(state): State<AppState>,
    ClientAddress(address): ClientAddress,
    CsrfForm { page, .. }: CsrfForm<PasskeyForm>,
) -> Result<Response, PageError> {
    // Anyone may ask, and each ceremony is a row until it expires.
    if !state.pending_rows.take(address, state.now()) {
        return Err(PageError::new(
            StatusCode::TOO_MANY_REQUESTS,
            "error-rate-limited",
        ));
    }
    let ceremony = mfa::passkeys::start_discoverable(&state, &page.browser_binding())
        .await?
        .ok_or_else(|| PageError::new(StatusCode::NOT_FOUND, "error-not-found"))?;
    Ok(super::ceremony_response(&ceremony))
}

/// `POST /login/passkey`: a passwordless sign-in with the browser's answer.
pub async fn passkey_submit(
    State(state): State<AppState>,
    CurrentSession(previous): CurrentSession,
    ClientAddress(address): ClientAddress,
    headers: HeaderMap,
    CsrfForm { page, form }: CsrfForm<PasskeyForm>,
) -> Result<Response, PageError> {
    let flow_id = form.flow.clone().filter(|flow| !flow.is_empty());
    let page = match &flow_id {
        Some(flow_id) => super::flow_page(&state, page, flow_id).await?.0,
        None => page,
    };
    let is_persistent = form.remember_me.is_some();
    let user_id = mfa::passkeys::finish_discoverable(
        &state,
        &form.ceremony,
        &form.credential,
        &page.browser_binding(),
    )
    .await?;
    let Some(user_id) = user_id else {
        tracing::info!(address = %address, "passwordless sign-in refused");
        let mut response = Surroundings::new(&state, flow_id, None, StudioContext::default())
            .await?
            .render(
                &state,
                &page,
                minijinja::context! {
                    email => "",
                    error => page.translate("login-error-passkey", &[]),
                },
            )?;
        *response.status_mut() = StatusCode::UNAUTHORIZED;
        return Ok(response);
    };
    let browser = super::browser(&state, &headers, address, previous);
    let continuation = Continuation {
        flow: flow_id.clone(),
        remember: is_persistent,
        return_to: form
            .return_to
            .as_deref()
            .filter(|path| !path.is_empty())
            .map(|path| super::safe_return(Some(path))),
        ..Continuation::default()
    };
    let outcome = login::sign_in_with_passkey(&state, &user_id, browser, is_persistent).await;
    match login::next(&state, outcome, &page.browser_binding(), continuation).await {
        Ok(next) => super::go_on(&state, &page, next).await,
        Err(LoginFailure::InvalidCredentials) => Err(PageError::new(
            StatusCode::UNAUTHORIZED,
            "login-error-passkey",
        )),
        Err(other) => Err(super::sign_in_refused(other)),
    }
}
