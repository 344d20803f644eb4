//! The authorization endpoint's decisions: accept or refuse a request, send the user through
//! sign-in, account choice and consent, and finally issue the code (RFC 6749 §4.1,
//! OIDC Core §3.1.2, RFC 9207).

use crate::error::ServerError;
use crate::service::sessions::ActiveSession;
use crate::service::tokens::{self, CodeRequest};
use crate::state::AppState;
use gatehouse_core::authorize::{
    self, AuthorizationErrorCode, AuthorizationRequest, FlowProgress, NextStep,
    RawAuthorizationRequest, SessionSnapshot, StudioRefusal, UntrustedRequestError,
};
use gatehouse_core::client::Client;
use gatehouse_core::mfa::{self, MfaPolicy};
use gatehouse_core::scope::Scope;
use gatehouse_core::secret::sha256_base64url;
use gatehouse_core::studio::{
    Studio, StudioChoice, StudioContext, StudioRestriction, choose_studio,
};
use gatehouse_core::user::User;
use gatehouse_store::flows::StoredFlow;
use gatehouse_store::{StoreError, clients, consents, flows, studios};
use url::Url;

/// Where the browser goes next.
#[derive(Debug)]
pub enum Outcome {
    /// Back to the client with a code or an error.
    ToClient(String),
    /// To one of our pages, carrying the flow id.
    ToPage(String),
}

/// A page of the flow.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FlowPage {
    /// `/login`.
    Login,
    /// `/select-account`.
    SelectAccount,
    /// `/consent`.
    Consent,
    /// `/mfa/step-up`: a second factor for the signed-in session.
    SecondFactor,
}

impl FlowPage {
    fn path(self) -> &'static str {
        match self {
            Self::Login => "/login",
            Self::SelectAccount => "/select-account",
            Self::Consent => "/consent",
            Self::SecondFactor => "/mfa/step-up",
        }
    }
}

/// The URL of a flow page.
#[must_use]
pub fn page_url(page: FlowPage, flow_id: &str) -> String {
    format!("{}?flow={}", page.path(), flow_id)
}

/// Why an authorization request cannot go on. `error.rs` shows each on a page: none of them
/// may be redirected (the redirect URI is not trusted, or the browser is mid-flow on our
/// pages).
#[derive(Debug)]
pub enum AuthorizationRefusal {
    /// The client or redirect URI cannot be trusted.
    Untrusted(UntrustedRequestError),
    /// The flow expired or was completed.
    FlowExpired,
    /// The user's studios do not fit the client.
    Studio(StudioRefusal),
    /// This address has too many pending requests.
    TooManyPending,
    /// Our fault.
    Server(ServerError),
}

impl<E: Into<ServerError>> From<E> for AuthorizationRefusal {
    fn from(error: E) -> Self {
        Self::Server(error.into())
    }
}

fn untrusted_page(error: UntrustedRequestError) -> AuthorizationRefusal {
    AuthorizationRefusal::Untrusted(error)
}

/// The authorization response URL: `redirect_uri` plus our parameters and `iss` (RFC 9207).
fn redirect_to_client(
    state: &AppState,
    redirect_uri: &str,
    parameters: &[(&str, &str)],
    client_state: Option<&str>,
) -> String {
    let Ok(mut url) = Url::parse(redirect_uri) else {
        return redirect_uri.to_owned();
    };
    {
        let mut query = url.query_pairs_mut();
        for (name, value) in parameters {
            query.append_pair(name, value);
        }
        if let Some(client_state) = client_state {
            query.append_pair("state", client_state);
        }
        query.append_pair("iss", &state.issuer);
    }
    url.into()
}

/// An error response to a validated redirect URI (RFC 6749 §4.1.2.1).
#[must_use]
pub fn error_redirect(
    state: &AppState,
    redirect_uri: &str,
    code: AuthorizationErrorCode,
    description: &str,
    client_state: Option<&str>,
) -> String {
    redirect_to_client(
        state,
        redirect_uri,
        &[("error", code.as_str()), ("error_description", description)],
        client_state,
    )
}

/// The authorization request a signed request object (`request`, RFC 9101) carries: signed
/// with one of `client`'s keys (never `alg=none`), its claims checked; only `client_id`
/// is taken from outside it.
pub async fn unpack_request_object(
    state: &AppState,
    client: &Client,
    raw: &RawAuthorizationRequest,
) -> Result<RawAuthorizationRequest, gatehouse_core::request_object::RequestObjectError> {
    use gatehouse_core::request_object::RequestObjectError;
    let jwt = raw.get("request").unwrap_or_default();
    let read = super::client_keys::UnverifiedAssertion::read(jwt)
        .ok_or_else(|| RequestObjectError("the request object is not a signed JWT".to_owned()))?;
    if !super::client_keys::is_signed_by(state, client, jwt, &read).await {
        return Err(RequestObjectError(
            "the request object is not signed with one of the client's keys (PS256, ES256, EdDSA, or RS256 except for a FAPI 2.0 client)"
                .to_owned(),
        ));
    }
    let mut parameters = gatehouse_core::request_object::parameters(
        &read.claims,
        client.id.as_str(),
        &state.issuer,
        state.now(),
    )?;
    parameters.retain(|(name, _)| name != "client_id");
    parameters.push(("client_id".to_owned(), client.id.as_str().to_owned()));
    Ok(RawAuthorizationRequest::from_pairs(parameters))
}

/// How long a pushed authorization request waits for its `/authorize` (RFC 9126 §2.2: short).
pub const PUSHED_REQUEST_SECONDS: i64 = 90;

/// Handles a new authorization request.
pub async fn begin(
    state: &AppState,
    raw: RawAuthorizationRequest,
    session: Option<&ActiveSession>,
    address: std::net::IpAddr,
) -> Result<Outcome, AuthorizationRefusal> {
    // A pushed request (RFC 9126) is taken once; its parameters replace the query's.
    let (raw, is_pushed) = match raw.get("request_uri") {
        Some(request_uri) => {
            let client_id = authorize::client_id(&raw)
                .ok_or_else(|| untrusted_page(UntrustedRequestError::MissingClientId))?;
            let digest = sha256_base64url(request_uri.as_bytes());
            let now = state.now();
            let taken = state
                .store
                .write(move |connection| {
                    gatehouse_store::pushed_requests::take(connection, &digest, &client_id, now)
                })
                .await?;
            match taken {
                Some(parameters) => (RawAuthorizationRequest::from_pairs(parameters), true),
                None => return Err(AuthorizationRefusal::FlowExpired),
            }
        }
        None => (raw, false),
    };
    // A signed request object (JAR) replaces the query's parameters with its own.
    let raw = if raw.get("request").is_some() {
        let client_id = authorize::client_id(&raw)
            .ok_or_else(|| untrusted_page(UntrustedRequestError::MissingClientId))?;
        let client = super::clients::get_fresh(state, &client_id)
            .await?
            .ok_or_else(|| untrusted_page(UntrustedRequestError::UnknownClient))?;
        unpack_request_object(state, &client, &raw)
            .await
            .map_err(|error| {
                tracing::info!(client_id = %client.id, %error, "request object refused");
                untrusted_page(UntrustedRequestError::InvalidRequestObject)
            })?
    } else {
        raw
    };
    let mut client = None;
    if let Some(client_id) = authorize::client_id(&raw) {
        let (found, is_copy) = super::clients::get_cached(state, &client_id).await?;
        client = found;
        // A copy that refuses may predate a change made elsewhere (a redirect URI or scope
        // just registered with the CLI): only the stored row may refuse.
        let copy_refuses = || match authorize::check_client_and_redirect(&raw, client.as_ref()) {
            Ok(redirect_uri) => client
                .as_ref()
                .is_some_and(|client| authorize::validate(&raw, client, redirect_uri).is_err()),
            Err(_) => true,
        };
        if is_copy && copy_refuses() {
            client = super::clients::get_fresh(state, &client_id).await?;
        }
    }
    let redirect_uri =
        authorize::check_client_and_redirect(&raw, client.as_ref()).map_err(untrusted_page)?;
    let Some(client) = client else {
        return Err(untrusted_page(UntrustedRequestError::UnknownClient));
    };
    if client.requires_pushed_requests && !is_pushed {
        return Ok(Outcome::ToClient(error_redirect(
            state,
            &redirect_uri,
            AuthorizationErrorCode::InvalidRequest,
            "this client pushes its authorization requests first (POST /par), then sends request_uri",
            authorize::state(&raw).as_deref(),
        )));
    }
    let request = match authorize::validate(&raw, &client, redirect_uri.clone()) {
        Ok(request) => request,
        Err(error) => {
            return Ok(Outcome::ToClient(error_redirect(
                state,
                &redirect_uri,
                error.code,
                &error.description,
                authorize::state(&raw).as_deref(),
            )));
        }
    };
    if client.is_fapi && request.code_challenge.is_none() {
        return Ok(Outcome::ToClient(error_redirect(
            state,
            &redirect_uri,
            AuthorizationErrorCode::InvalidRequest,
            "FAPI 2.0: this client sends a PKCE code_challenge with S256",
            request.state.as_deref(),
        )));
    }
    advance(
        state,
        &client,
        request,
        FlowRow::New { address },
        FlowProgress::default(),
        session,
    )
    .await
}

/// The flow row behind a step: one stored earlier, or one to store for a new request (from
/// an address whose allowance of pending rows it takes).
#[derive(Debug, Clone, Copy)]
enum FlowRow<'a> {
    New { address: std::net::IpAddr },
    Stored(&'a str),
}

/// Continues a stored flow after one of its pages.
pub async fn resume(
    state: &AppState,
    flow_id: &str,
    progress: FlowProgress,
    session: Option<&ActiveSession>,
) -> Result<Outcome, AuthorizationRefusal> {
    let (flow, client) = load_flow(state, flow_id).await?;
    advance(
        state,
        &client,
        flow.request,
        FlowRow::Stored(flow_id),
        progress,
        session,
    )
    .await
}

/// Loads a live flow and its client.
pub async fn load_flow(
    state: &AppState,
    flow_id: &str,
) -> Result<(StoredFlow, Client), AuthorizationRefusal> {
    let digest = sha256_base64url(flow_id.as_bytes());
    let now = state.now();
    let found = state
        .store
        .read(move |connection| {
            let Some(flow) = flows::find(connection, &digest)? else {
                return Ok(None);
            };
            let client = clients::find(connection, &flow.request.client_id)?;
            Ok(client.map(|client| (flow, client)))
        })
        .await?;
    match found {
        Some((flow, client)) if now < flow.expires_at => Ok((flow, client)),
        _ => Err(AuthorizationRefusal::FlowExpired),
    }
}

/// Records what happened on a page of the flow.
pub async fn save_progress(
    state: &AppState,
    flow_id: &str,
    progress: FlowProgress,
) -> Result<(), ServerError> {
    let digest = sha256_base64url(flow_id.as_bytes());
    state
        .store
        .write(move |connection| flows::update_progress(connection, &digest, &progress))
        .await?;
    Ok(())
}

/// Replaces the flow's `ui_locales` with the language the user picked on our pages.
pub async fn save_language(
    state: &AppState,
    flow_id: &str,
    language: &str,
) -> Result<(), AuthorizationRefusal> {
    let (mut flow, _) = load_flow(state, flow_id).await?;
    flow.request.ui_locales = vec![language.to_owned()];
    let digest = sha256_base64url(flow_id.as_bytes());
    state
        .store
        .write(move |connection| flows::update_request(connection, &digest, &flow.request))
        .await?;
    Ok(())
}

/// The user refused consent: the flow ends with `access_denied`.
pub async fn deny(state: &AppState, flow_id: &str) -> Result<Outcome, AuthorizationRefusal> {
    let (flow, _) = load_flow(state, flow_id).await?;
    let digest = sha256_base64url(flow_id.as_bytes());
    state
        .store
        .write(move |connection| flows::delete(connection, &digest))
        .await?;
    Ok(Outcome::ToClient(error_redirect(
        state,
        &flow.request.redirect_uri,
        AuthorizationErrorCode::AccessDenied,
        "the user denied the request",
        flow.request.state.as_deref(),
    )))
}

/// Records consent for the flow's scope.
pub async fn record_consent(
    state: &AppState,
    flow_id: &str,
    session: &ActiveSession,
    actor: &crate::service::audit::Actor,
) -> Result<FlowProgress, AuthorizationRefusal> {
    let (flow, _) = load_flow(state, flow_id).await?;
    let (actor, secrets) = (actor.clone(), state.secrets.clone());
    let user_id = session.user.id.clone();
    let client_id = flow.request.client_id.clone();
    let scope = flow.request.scope.clone();
    let now = state.now();
    let progress = FlowProgress {
        consent_given: true,
        ..flow.progress
    };
    let digest = sha256_base64url(flow_id.as_bytes());
    let stored_progress = progress.clone();
    state
        .store
        .write(move |connection| -> Result<(), StoreError> {
            consents::grant(connection, &user_id, &client_id, &scope, now)?;
            crate::service::audit::record(
                connection,
                &secrets,
                &actor,
                &crate::service::audit::Event {
                    user_id: Some(&user_id),
                    client_id: Some(client_id.as_str()),
                    detail: serde_json::json!({ "scope": scope.to_string() }),
                    ..crate::service::audit::Event::new("consent.granted")
                },
                now,
            )?;
            flows::update_progress(connection, &digest, &stored_progress)
        })
        .await?;
    Ok(progress)
}

/// Chooses the studio of the sign-in; `None` when the request names a studio that does not
/// exist.
async fn studio_choice(
    state: &AppState,
    client: &Client,
    request: &AuthorizationRequest,
    progress: &FlowProgress,
    user: &User,
) -> Result<(Option<StudioChoice>, MfaPolicy), AuthorizationRefusal> {
    let user_id = user.id.clone();
    let organization = request.organization.clone();
    let (memberships, pinned) = state
        .store
        .read(move |connection| {
            let memberships = studios::memberships_of(connection, &user_id)?;
            let pinned = match organization {
                Some(slug) => Some(studios::find_by_slug(connection, &slug)?),
                None => None,
            };
            Ok((memberships, pinned))
        })
        .await?;
    let policy = mfa::policy_for(&memberships, state.config.mfa.remember_device_days);
    let requested = match pinned {
        Some(Some(studio)) => Some(studio.id),
        Some(None) => return Ok((None, policy)),
        None => progress.requested_studio.clone(),
    };
    let context = StudioContext {
        memberships: &memberships,
        restriction: StudioRestriction {
            allowed: client.allowed_studios.clone(),
            is_required: client.require_studio,
            is_fapi: client.is_fapi,
        },
        requested,
        picked: progress.picked_studio.clone(),
        remembered: user.last_studio_id.clone(),
        force_picker: request.prompt.select_account
            && !progress.account_selected
            && progress.picked_studio.is_none(),
    };
    Ok((Some(choose_studio(&context)), policy))
}

/// The studios the user may pick for this flow's client.
pub async fn studio_candidates(
    state: &AppState,
    client: &Client,
    user: &User,
) -> Result<Vec<Studio>, AuthorizationRefusal> {
    let user_id = user.id.clone();
    let memberships = state
        .store
        .read(move |connection| studios::memberships_of(connection, &user_id))
        .await?;
    Ok(memberships
        .into_iter()
        .map(|membership| membership.studio)
        .filter(|studio| {
            client.allowed_studios.is_empty() || client.allowed_studios.contains(&studio.id)
        })
        .filter(|studio| client.is_fapi || !studio.settings.fapi_required)
        .collect())
}

fn refusal_page(refusal: StudioRefusal) -> AuthorizationRefusal {
    AuthorizationRefusal::Studio(refusal)
}

async fn delete_flow(
    state: &AppState,
    flow_id: Option<&str>,
) -> Result<bool, AuthorizationRefusal> {
    let Some(flow_id) = flow_id else {
        return Ok(true);
    };
    let digest = sha256_base64url(flow_id.as_bytes());
    Ok(state
        .store
        .write(move |connection| flows::delete(connection, &digest))
        .await?)
}

async fn advance(
    state: &AppState,
    client: &Client,
    request: AuthorizationRequest,
    flow_row: FlowRow<'_>,
    progress: FlowProgress,
    session: Option<&ActiveSession>,
) -> Result<Outcome, AuthorizationRefusal> {
    let flow_id = match flow_row {
        FlowRow::Stored(existing) => Some(existing),
        FlowRow::New { .. } => None,
    };
    let granted: Option<Scope> = match (session, client.is_first_party) {
        (Some(active), false) => {
            let user_id = active.user.id.clone();
            let client_id = client.id.clone();
            state
                .store
                .read(move |connection| consents::find(connection, &user_id, &client_id))
                .await?
        }
        _ => None,
    };
    let (studio, policy) = match session {
        Some(active) => studio_choice(state, client, &request, &progress, &active.user).await?,
        None => (Some(StudioChoice::NoStudio), MfaPolicy::default()),
    };
    let snapshot = session.map(|active| SessionSnapshot {
        user_id: active.user.id.clone(),
        session_id: active.session.id.clone(),
        auth_time: active.session.authentication.auth_time,
        acr: active.session.authentication.acr.clone(),
        mfa_required: policy.is_required,
    });
    let now = state.now();
    let step = authorize::next_step(
        &request,
        snapshot.as_ref(),
        client,
        granted.as_ref(),
        studio.as_ref(),
        &progress,
        now,
    );
    let page = match step {
        NextStep::Fail(code) => {
            delete_flow(state, flow_id).await?;
            return Ok(Outcome::ToClient(error_redirect(
                state,
                &request.redirect_uri,
                code,
                "user interaction is required",
                request.state.as_deref(),
            )));
        }
        NextStep::StudioRefused(refusal) => {
            // Never tokens: the flow ends here, on a page that says why.
            delete_flow(state, flow_id).await?;
            return Err(refusal_page(refusal));
        }
        NextStep::IssueCode => {
            let Some(active) = session else {
                return Err(AuthorizationRefusal::FlowExpired);
            };
            // A flow finishes once: a second submission (double click, back button) finds
            // it gone.
            if !delete_flow(state, flow_id).await? {
                return Err(AuthorizationRefusal::FlowExpired);
            }
            let studio_id = match studio {
                Some(StudioChoice::Chosen(studio_id)) => Some(studio_id),
                _ => None,
            };
            let code = tokens::issue_authorization_code(
                state,
                CodeRequest {
                    request: &request,
                    user_id: &active.user.id,
                    session_id: &active.session.id,
                    authentication: &active.session.authentication,
                    studio_id,
                    is_fapi: client.is_fapi,
                },
            )
            .await?;
            return Ok(Outcome::ToClient(redirect_to_client(
                state,
                &request.redirect_uri,
                &[("code", &code)],
                request.state.as_deref(),
            )));
        }
        NextStep::Login => FlowPage::Login,
        NextStep::SecondFactor => FlowPage::SecondFactor,
        NextStep::SelectAccount => FlowPage::SelectAccount,
        NextStep::Consent(_) => FlowPage::Consent,
    };
    let flow_id = match flow_row {
        FlowRow::Stored(existing) => existing.to_owned(),
        FlowRow::New { address } => {
            if !state.pending_rows.take(address, now) {
                return Err(AuthorizationRefusal::TooManyPending);
            }
            let flow_id = crate::random::token();
            let digest = sha256_base64url(flow_id.as_bytes());
            let expires_at = now.plus_seconds(state.config.sessions.flow_ttl_seconds);
            state
                .store
                .write(move |connection| {
                    flows::insert(connection, &digest, &request, now, expires_at)
                })
                .await?;
            flow_id
        }
    };
    Ok(Outcome::ToPage(page_url(page, &flow_id)))
}

/// Why a pushed authorization request was refused; answered as JSON to the client.
#[derive(Debug)]
pub enum PushRefusal {
    /// An authorization error (`error`, `error_description`).
    Invalid(AuthorizationErrorCode, String),
    /// This address has too many pending requests.
    TooMany,
    /// The DPoP proof sent with the request is for another key than its `dpop_jkt`.
    DpopKeyMismatch,
    /// Our fault.
    Server(ServerError),
}

impl<E: Into<ServerError>> From<E> for PushRefusal {
    fn from(error: E) -> Self {
        Self::Server(error.into())
    }
}

/// A pushed authorization request (RFC 9126): checked now as `/authorize` would check it,
/// kept for [`PUSHED_REQUEST_SECONDS`], answered with the `request_uri` that names it.
pub async fn push(
    state: &AppState,
    client: &Client,
    mut parameters: std::collections::BTreeMap<String, String>,
    proof: Option<crate::http::dpop::DpopProof>,
    address: std::net::IpAddr,
) -> Result<(String, i64), PushRefusal> {
    let invalid = |description: &str| {
        PushRefusal::Invalid(
            AuthorizationErrorCode::InvalidRequest,
            description.to_owned(),
        )
    };
    for credential in ["client_secret", "client_assertion", "client_assertion_type"] {
        parameters.remove(credential);
    }
    if parameters.contains_key("request_uri") {
        return Err(invalid(
            "a pushed request cannot itself carry a request_uri",
        ));
    }
    parameters.insert("client_id".to_owned(), client.id.as_str().to_owned());
    let mut raw = RawAuthorizationRequest::from_pairs(parameters.clone());
    // A request object pushed (JAR through PAR) is checked now and kept unpacked.
    if raw.get("request").is_some() {
        raw = unpack_request_object(state, client, &raw)
            .await
            .map_err(|error| {
                PushRefusal::Invalid(AuthorizationErrorCode::InvalidRequestObject, error.0)
            })?;
        parameters = raw.parameters().clone();
    }
    let redirect_uri = authorize::check_client_and_redirect(&raw, Some(client))
        .map_err(|error| invalid(&error.to_string()))?;
    let request = authorize::validate(&raw, client, redirect_uri)
        .map_err(|error| PushRefusal::Invalid(error.code, error.description))?;
    if client.is_fapi && request.code_challenge.is_none() {
        return Err(invalid(
            "FAPI 2.0: this client sends a PKCE code_challenge with S256",
        ));
    }
    // RFC 9449 §10.1: a proof sent with the pushed request binds the code to its key, as
    // `dpop_jkt` would; both must then name the same key.
    if let Some(proof) = proof {
        if request
            .dpop_jkt
            .as_ref()
            .is_some_and(|jkt| *jkt != proof.jkt)
        {
            return Err(PushRefusal::DpopKeyMismatch);
        }
        parameters.insert("dpop_jkt".to_owned(), proof.jkt);
    }
    let now = state.now();
    if !state.pending_rows.take(address, now) {
        return Err(PushRefusal::TooMany);
    }
    let request_uri = format!(
        "urn:ietf:params:oauth:request_uri:{}",
        crate::random::token()
    );
    let digest = sha256_base64url(request_uri.as_bytes());
    let (client_id, expires_at) = (client.id.clone(), now.plus_seconds(PUSHED_REQUEST_SECONDS));
    state
        .store
        .write(move |connection| {
            gatehouse_store::pushed_requests::insert(
                connection,
                &digest,
                &client_id,
                &parameters,
                expires_at,
            )
        })
        .await?;
    Ok((request_uri, PUSHED_REQUEST_SECONDS))
}
