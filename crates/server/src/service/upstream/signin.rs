//! A sign-in through an upstream provider, from the button to a session.
//!
//! 1. [`start`] keeps what the answer must match (state, nonce, PKCE verifier, the browser)
//!    sealed in a row keyed by the state's digest, and sends the browser upstream.
//! 2. [`finish`] takes that row once (the delete decides, so an answer cannot be replayed),
//!    reads the identity, and either signs in the linked account, parks a link to an
//!    existing account until its owner proves it ([`prove_with_password`],
//!    [`prove_with_code`]), or creates an account where the studio provisions them.
//!
//! Every way it can end is audited as `upstream.*`; nothing is written before the identity
//! is read, and a new account and its link are one transaction.

use super::protocol::{self, RequestSecrets, UpstreamFailure};
use crate::error::ServerError;
use crate::messaging::{self, Outgoing};
use crate::service::audit::{self, Actor, Event};
use crate::service::login::{self, Browser, Continuation, LoginFailure, Next};
use crate::service::users::{
    self as accounts, CreateRefusal, Credential, NewAccount, NewMembership,
};
use crate::service::verification::{self, Request, Requester, SendRefusal};
use crate::state::AppState;
use gatehouse_core::UserId;
use gatehouse_core::secret::{constant_time_eq, sha256_base64url};
use gatehouse_core::session::{ACR_MULTI_FACTOR, ACR_SINGLE_FACTOR, Authentication};
use gatehouse_core::studio::Studio;
use gatehouse_core::upstream::{
    AMR_FEDERATED, UpstreamIdentity, UpstreamProvider, upstream_used_mfa,
};
use gatehouse_core::user::{User, UserStatus};
use gatehouse_core::verification::{CodeRejection, Purpose};
use gatehouse_store::upstream::{self as store, FederatedIdentity};
use gatehouse_store::{StoreError, studios, users, verifications};
use openidconnect::PkceCodeChallenge;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::net::IpAddr;

/// How long the browser may stay at the provider.
const WAITING_SECONDS: i64 = 600;
/// How long a parked link waits for its owner's proof.
const PROOF_SECONDS: i64 = 900;

/// What the answer is checked against, sealed in the waiting row.
#[derive(Debug, Serialize, Deserialize)]
struct Waiting {
    nonce: String,
    pkce_verifier: String,
    /// The browser that pressed the button.
    binding: String,
    continuation: Continuation,
    /// The studio the sign-in page belonged to.
    studio: Option<String>,
}

/// A link to an existing account that waits for its owner's proof.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct ParkedLink {
    provider_id: String,
    subject: String,
    email: Option<String>,
    amr: Vec<String>,
    binding: String,
    continuation: Continuation,
    studio: Option<String>,
}

/// Why an upstream sign-in ended without a session, each with its own page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Failure {
    /// No such provider, or it is switched off.
    UnknownProvider,
    /// The provider is not offered in this studio.
    NotAllowed,
    /// The answer's `state` is unknown, used, expired or from another browser.
    Expired,
    /// The user said no at the provider.
    Denied,
    /// The provider is down or answered garbage.
    Unavailable,
    /// The answer failed a check: ID token, issuer, nonce.
    Invalid,
    /// The provider does not vouch for the user's address, and the account needs it.
    UnverifiedEmail,
    /// No account, and none may be created here.
    NoAccount,
    /// The account cannot sign in (disabled, awaiting approval, unconfirmed).
    AccountUnusable,
    /// Too many sign-ins started from this address.
    TooMany,
}

impl Failure {
    /// The catalogue key of the page's message.
    #[must_use]
    pub fn message_key(self) -> &'static str {
        match self {
            Self::UnknownProvider => "upstream-error-unknown",
            Self::NotAllowed => "upstream-error-not-allowed",
            Self::Expired => "upstream-error-expired",
            Self::Denied => "upstream-error-denied",
            Self::Unavailable => "upstream-error-unavailable",
            Self::Invalid => "upstream-error-invalid",
            Self::UnverifiedEmail => "upstream-error-unverified",
            Self::NoAccount => "upstream-error-no-account",
            Self::AccountUnusable => "upstream-error-unusable",
            Self::TooMany => "error-rate-limited",
        }
    }

    fn as_str(self) -> &'static str {
        match self {
            Self::UnknownProvider => "unknown_provider",
            Self::NotAllowed => "not_allowed",
            Self::Expired => "state_mismatch",
            Self::Denied => "denied",
            Self::Unavailable => "unavailable",
            Self::Invalid => "invalid_answer",
            Self::UnverifiedEmail => "unverified_email",
            Self::NoAccount => "no_account",
            Self::AccountUnusable => "account_unusable",
            Self::TooMany => "too_many",
        }
    }
}

/// Where a finished upstream answer goes.
#[derive(Debug)]
pub enum Finished {
    /// On as any sign-in: a session, or the page of the step still missing.
    SignIn(Box<Result<Next, LoginFailure>>),
    /// An account has the address: its owner proves it on `/login/upstream/link?request=`.
    ProveOwnership(String),
    /// It ended here, with the continuation and the studio (slug) of the sign-in page to
    /// go back to.
    Failed(Failure, Continuation, Option<String>),
}

/// The redirect URI registered at every provider for provider `id`.
#[must_use]
pub fn redirect_uri(state: &AppState, provider_id: &str) -> String {
    format!("{}/login/upstream/{provider_id}/callback", state.issuer)
}

async fn enabled_provider(
    state: &AppState,
    provider_id: &str,
) -> Result<Option<(UpstreamProvider, Option<String>)>, ServerError> {
    Ok(super::find(state, provider_id)
        .await?
        .filter(|(provider, _)| provider.enabled))
}

fn offered_in(provider: &UpstreamProvider, studio: Option<&Studio>) -> bool {
    studio.is_none_or(|studio| studio.settings.allowed_providers.contains(&provider.id))
}

async fn studio_by_slug(
    state: &AppState,
    slug: Option<&str>,
) -> Result<Option<Studio>, ServerError> {
    let Some(slug) = slug.map(str::to_owned) else {
        return Ok(None);
    };
    Ok(state
        .store
        .read(move |connection| studios::find_by_slug(connection, &slug))
        .await?)
}

async fn failure_event(
    state: &AppState,
    actor: &Actor,
    provider_id: &str,
    failure: Failure,
    detail: Option<String>,
    user_id: Option<&UserId>,
) -> Result<(), ServerError> {
    tracing::info!(provider = %provider_id, reason = failure.as_str(), detail = detail.as_deref().unwrap_or(""), "upstream sign-in failed");
    let (actor, secrets, now) = (actor.clone(), state.secrets.clone(), state.now());
    let (provider_id, user_id) = (provider_id.to_owned(), user_id.cloned());
    state
        .store
        .write(move |connection| {
            audit::record(
                connection,
                &secrets,
                &actor,
                &Event {
                    user_id: user_id.as_ref(),
                    detail: serde_json::json!({
                        "provider": provider_id,
                        "reason": failure.as_str(),
                    }),
                    ..Event::new("upstream.failed")
                },
                now,
            )
        })
        .await?;
    Ok(())
}

/// Starts a sign-in at `provider_id` from a sign-in page of `studio` (by slug): the URL to
/// send the browser to.
pub async fn start(
    state: &AppState,
    provider_id: &str,
    studio_slug: Option<&str>,
    continuation: Continuation,
    binding: &str,
    actor: &Actor,
    address: IpAddr,
) -> Result<Result<String, Failure>, ServerError> {
    let Some((provider, _)) = enabled_provider(state, provider_id).await? else {
        return Ok(Err(Failure::UnknownProvider));
    };
    let studio = studio_by_slug(state, studio_slug).await?;
    if !offered_in(&provider, studio.as_ref()) {
        return Ok(Err(Failure::NotAllowed));
    }
    // Each press is a row until it expires or comes back.
    if !state.pending_rows.take(address, state.now()) {
        return Ok(Err(Failure::TooMany));
    }
    let (_, verifier) = PkceCodeChallenge::new_random_sha256();
    let secrets = RequestSecrets {
        state: crate::random::token(),
        nonce: crate::random::token(),
        pkce_verifier: verifier.secret().clone(),
    };
    let url = match protocol::authorization_url(
        &state.upstream_http,
        &provider,
        &redirect_uri(state, &provider.id),
        &secrets,
    )
    .await
    {
        Ok(url) => url,
        Err(error) => {
            failure_event(
                state,
                actor,
                &provider.id,
                Failure::Unavailable,
                Some(error.to_string()),
                None,
            )
            .await?;
            return Ok(Err(Failure::Unavailable));
        }
    };
    let waiting = Waiting {
        nonce: secrets.nonce,
        pkce_verifier: secrets.pkce_verifier,
        binding: binding.to_owned(),
        continuation,
        studio: studio.map(|studio| studio.slug),
    };
    let sealed = state.kek.encrypt(
        &serde_json::to_vec(&waiting).map_err(|error| StoreError::Corrupt(error.to_string()))?,
    )?;
    let (digest, provider_id, now) = (
        sha256_base64url(secrets.state.as_bytes()),
        provider.id.clone(),
        state.now(),
    );
    state
        .store
        .write(move |connection| {
            store::insert_attempt(
                connection,
                &digest,
                &provider_id,
                &sealed,
                now,
                now.plus_seconds(WAITING_SECONDS),
            )
        })
        .await?;
    Ok(Ok(url))
}

/// The provider's answer at the callback.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Answer {
    /// The authorization code.
    pub code: Option<String>,
    /// Our `state`, sent back.
    pub state: Option<String>,
    /// An OAuth2 error code (`access_denied`).
    pub error: Option<String>,
}

/// Takes the waiting sign-in the answer belongs to, once.
async fn take_waiting(
    state: &AppState,
    provider_id: &str,
    answer_state: &str,
    binding: &str,
) -> Result<Option<Waiting>, ServerError> {
    let (digest, provider_id, now) = (
        sha256_base64url(answer_state.as_bytes()),
        provider_id.to_owned(),
        state.now(),
    );
    let Some(sealed) = state
        .store
        .write(move |connection| store::take_attempt(connection, &digest, &provider_id, now))
        .await?
    else {
        return Ok(None);
    };
    let waiting: Waiting = serde_json::from_slice(&state.kek.decrypt(&sealed)?)
        .map_err(|error| StoreError::Corrupt(error.to_string()))?;
    // Another browser bringing this answer (a link sent to a victim) gets nothing.
    Ok(constant_time_eq(waiting.binding.as_bytes(), binding.as_bytes()).then_some(waiting))
}

/// Reads the provider's answer and goes on from it.
pub async fn finish(
    state: &AppState,
    provider_id: &str,
    answer: &Answer,
    binding: &str,
    browser: Browser,
    actor: &Actor,
) -> Result<Finished, ServerError> {
    let waiting = match answer.state.as_deref().filter(|value| !value.is_empty()) {
        Some(answer_state) => take_waiting(state, provider_id, answer_state, binding).await?,
        None => None,
    };
    let Some(waiting) = waiting else {
        failure_event(state, actor, provider_id, Failure::Expired, None, None).await?;
        return Ok(Finished::Failed(
            Failure::Expired,
            Continuation::default(),
            None,
        ));
    };
    let (continuation, studio_slug) = (waiting.continuation.clone(), waiting.studio.clone());
    let failed = |failure| Finished::Failed(failure, continuation.clone(), studio_slug.clone());
    if let Some(error) = &answer.error {
        let failure = if error == "access_denied" {
            Failure::Denied
        } else {
            Failure::Unavailable
        };
        failure_event(
            state,
            actor,
            provider_id,
            failure,
            Some(error.clone()),
            None,
        )
        .await?;
        return Ok(failed(failure));
    }
    let Some((provider, client_secret)) = enabled_provider(state, provider_id).await? else {
        return Ok(failed(Failure::UnknownProvider));
    };
    let Some(code) = answer.code.as_deref().filter(|code| !code.is_empty()) else {
        failure_event(state, actor, provider_id, Failure::Invalid, None, None).await?;
        return Ok(failed(Failure::Invalid));
    };
    let secrets = RequestSecrets {
        state: String::new(),
        nonce: waiting.nonce.clone(),
        pkce_verifier: waiting.pkce_verifier.clone(),
    };
    let identity = match protocol::identity(
        &state.upstream_http,
        &provider,
        client_secret,
        &redirect_uri(state, &provider.id),
        code,
        &secrets,
    )
    .await
    {
        Ok(identity) => identity,
        Err(error) => {
            let failure = match error {
                UpstreamFailure::Unreachable(_)
                | UpstreamFailure::Refused(_)
                | UpstreamFailure::Misconfigured(_) => Failure::Unavailable,
                UpstreamFailure::InvalidToken(_)
                | UpstreamFailure::UnexpectedIssuer(_)
                | UpstreamFailure::NonceMismatch
                | UpstreamFailure::MissingClaim(_) => Failure::Invalid,
            };
            failure_event(
                state,
                actor,
                &provider.id,
                failure,
                Some(error.to_string()),
                None,
            )
            .await?;
            return Ok(failed(failure));
        }
    };
    let studio = studio_by_slug(state, waiting.studio.as_deref()).await?;
    go_on_with(state, &provider, identity, studio, waiting, browser, actor).await
}

async fn go_on_with(
    state: &AppState,
    provider: &UpstreamProvider,
    identity: UpstreamIdentity,
    studio: Option<Studio>,
    waiting: Waiting,
    browser: Browser,
    actor: &Actor,
) -> Result<Finished, ServerError> {
    let continuation = waiting.continuation.clone();
    let failed = |failure| {
        Ok(Finished::Failed(
            failure,
            continuation.clone(),
            waiting.studio.clone(),
        ))
    };
    let (provider_id, subject, now) = (provider.id.clone(), identity.subject.clone(), state.now());
    let linked = state
        .store
        .write(move |connection| -> Result<Option<User>, StoreError> {
            let Some(found) = store::find_identity(connection, &provider_id, &subject)? else {
                return Ok(None);
            };
            store::touch_identity(connection, &provider_id, &subject, now)?;
            users::find(connection, &found.user_id)
        })
        .await?;
    if let Some(user) = linked {
        return sign_in(
            state,
            &provider.id,
            &identity.amr,
            user,
            studio.as_ref(),
            continuation,
            &waiting.binding,
            browser,
        )
        .await;
    }
    // Not linked yet: an address is needed, and one the provider vouches for.
    let Some(email) = identity.email.clone().filter(|_| identity.email_verified) else {
        failure_event(
            state,
            actor,
            &provider.id,
            Failure::UnverifiedEmail,
            None,
            None,
        )
        .await?;
        return failed(Failure::UnverifiedEmail);
    };
    let lookup = email.clone();
    let existing = state
        .store
        .read(move |connection| users::find_by_email(connection, &lookup))
        .await?;
    if let Some(user) = existing {
        // Never linked silently: the owner proves the account first.
        let parked = ParkedLink {
            provider_id: provider.id.clone(),
            subject: identity.subject.clone(),
            email: Some(email),
            amr: identity.amr.clone(),
            binding: waiting.binding.clone(),
            continuation,
            studio: waiting.studio.clone(),
        };
        let request_id = verification::store_web_request(
            state,
            Purpose::UpstreamLink,
            Some(&user.id),
            serde_json::to_value(&parked)
                .map_err(|error| StoreError::Corrupt(error.to_string()))?,
            PROOF_SECONDS,
        )
        .await?;
        return Ok(Finished::ProveOwnership(request_id));
    }
    let allowed = match &studio {
        Some(studio) => studio.settings.upstream_provisioning.allows(&email),
        None => state.config.registration.enabled,
    };
    if !allowed {
        failure_event(state, actor, &provider.id, Failure::NoAccount, None, None).await?;
        return failed(Failure::NoAccount);
    }
    let new = NewAccount {
        email,
        email_verified: true,
        name: identity.name.clone(),
        phone: None,
        phone_verified: false,
        locale: identity
            .locale
            .as_deref()
            .map(|locale| {
                locale
                    .split(['-', '_'])
                    .next()
                    .unwrap_or_default()
                    .to_lowercase()
            })
            .filter(|language| crate::i18n::is_supported(language)),
        profile: gatehouse_core::profile::Profile::default(),
        memberships: studio
            .iter()
            .map(|studio| NewMembership {
                studio: studio.slug.clone(),
                role: "member".to_owned(),
                username: None,
            })
            .collect(),
        credential: Credential::Federated {
            provider_id: provider.id.clone(),
            subject: identity.subject.clone(),
        },
    };
    let provisioning = Actor {
        id: format!("upstream:{}", provider.id),
        ..actor.clone()
    };
    let user = match accounts::create(state, &provisioning, new).await? {
        Ok(user) => user,
        Err(CreateRefusal::IdentityTaken) => {
            // Another answer for the same identity created the account a moment ago.
            failure_event(state, actor, &provider.id, Failure::Expired, None, None).await?;
            return failed(Failure::Expired);
        }
        Err(refusal) => {
            tracing::info!(%refusal, "an upstream account was not created");
            failure_event(
                state,
                actor,
                &provider.id,
                Failure::NoAccount,
                Some(refusal.to_string()),
                None,
            )
            .await?;
            return failed(Failure::NoAccount);
        }
    };
    sign_in(
        state,
        &provider.id,
        &identity.amr,
        user,
        studio.as_ref(),
        waiting.continuation,
        &waiting.binding,
        browser,
    )
    .await
}

/// What an upstream sign-in proves here: one factor, or two when the upstream's `amr`
/// shows a second factor and every studio of the account trusts the upstream's.
async fn authentication_for(
    state: &AppState,
    user: &User,
    upstream_amr: &[String],
) -> Result<Authentication, ServerError> {
    let user_id = user.id.clone();
    let memberships = state
        .store
        .read(move |connection| studios::memberships_of(connection, &user_id))
        .await?;
    let trusted = upstream_used_mfa(upstream_amr)
        && !memberships.is_empty()
        && memberships
            .iter()
            .all(|membership| membership.studio.settings.trust_upstream_mfa);
    let mut amr = vec![AMR_FEDERATED.to_owned()];
    if trusted {
        amr.push(gatehouse_core::mfa::AMR_MULTIPLE_FACTORS.to_owned());
    }
    Ok(Authentication {
        auth_time: state.now(),
        amr,
        acr: if trusted {
            ACR_MULTI_FACTOR
        } else {
            ACR_SINGLE_FACTOR
        }
        .to_owned(),
    })
}

#[expect(
    clippy::too_many_arguments,
    reason = "the parts a finished upstream sign-in carries"
)]
async fn sign_in(
    state: &AppState,
    provider_id: &str,
    upstream_amr: &[String],
    user: User,
    studio: Option<&Studio>,
    mut continuation: Continuation,
    binding: &str,
    browser: Browser,
) -> Result<Finished, ServerError> {
    if !matches!(user.status, UserStatus::Active | UserStatus::Closed) {
        let actor = Actor::user(&user.id);
        failure_event(
            state,
            &actor,
            provider_id,
            Failure::AccountUnusable,
            None,
            Some(&user.id),
        )
        .await?;
        let studio_slug = studio.map(|studio| studio.slug.clone());
        return Ok(Finished::Failed(
            Failure::AccountUnusable,
            continuation,
            studio_slug,
        ));
    }
    let authentication = authentication_for(state, &user, upstream_amr).await?;
    if let Some(studio) = studio {
        continuation.studio = Some(studio.id.as_str().to_owned());
    }
    let outcome = login::sign_in_upstream(
        state,
        user,
        authentication,
        studio.map(|studio| studio.id.clone()),
        browser,
        continuation.remember,
    )
    .await;
    let next = login::next(state, outcome, binding, continuation).await;
    Ok(Finished::SignIn(Box::new(next)))
}

/// A parked link as its page shows it.
#[derive(Debug, Clone)]
pub struct PendingLink {
    /// The provider's button label.
    pub provider_name: String,
    /// The account's address.
    pub email: String,
    /// Whether the account has a password to prove it with.
    pub has_password: bool,
    /// Whether a code was sent (the page asks for it).
    pub code_sent: bool,
    /// Where to go back to.
    pub continuation: Continuation,
}

async fn parked(
    state: &AppState,
    request_id: &str,
    binding: &str,
) -> Result<Option<(verifications::Verification, ParkedLink, User, bool)>, ServerError> {
    let Some(found) = verification::find_request(state, Purpose::UpstreamLink, request_id).await?
    else {
        return Ok(None);
    };
    let Ok(link) = serde_json::from_value::<ParkedLink>(found.data.clone()) else {
        return Ok(None);
    };
    if !constant_time_eq(link.binding.as_bytes(), binding.as_bytes()) {
        return Ok(None);
    }
    let Some(user_id) = found.user_id.clone() else {
        return Ok(None);
    };
    let Some((user, hash)) = state
        .store
        .read(move |connection| users::find_with_password(connection, &user_id))
        .await?
    else {
        return Ok(None);
    };
    Ok(Some((found, link, user, hash.is_some())))
}

/// The parked link behind `request_id`, for this browser only.
pub async fn pending_link(
    state: &AppState,
    request_id: &str,
    binding: &str,
) -> Result<Option<PendingLink>, ServerError> {
    let Some((found, link, user, has_password)) = parked(state, request_id, binding).await? else {
        return Ok(None);
    };
    let provider_name = super::display_name(state, &link.provider_id).await?;
    Ok(Some(PendingLink {
        provider_name,
        email: user.email,
        has_password,
        code_sent: found.channel == "email",
        continuation: link.continuation,
    }))
}

/// What a proof came to.
#[derive(Debug)]
pub enum Proof {
    /// Linked; the sign-in goes on.
    Linked(Box<Result<Next, LoginFailure>>),
    /// The password was wrong.
    WrongPassword,
    /// Too many password attempts; wait this many seconds.
    Throttled(i64),
    /// The code was refused.
    WrongCode(CodeRejection),
    /// The parked link is gone (expired, used, another browser).
    Expired,
}

/// Links the parked identity after the owner typed the account's password.
pub async fn prove_with_password(
    state: &AppState,
    request_id: &str,
    password: &str,
    browser: Browser,
    binding: &str,
) -> Result<Proof, ServerError> {
    let Some((found, link, user, _)) = parked(state, request_id, binding).await? else {
        return Ok(Proof::Expired);
    };
    match login::check_password(state, &user, password, browser.address, false).await? {
        Err(wait) => Ok(Proof::Throttled(wait.0)),
        Ok(false) => Ok(Proof::WrongPassword),
        Ok(true) => link_and_sign_in(state, found.id, link, user, "password", browser).await,
    }
}

/// Sends a code to the account's address, to prove it with instead of the password; the
/// new request id replaces the page's.
pub async fn send_code(
    state: &AppState,
    request_id: &str,
    binding: &str,
    address: IpAddr,
    language: &str,
) -> Result<Option<Result<String, SendRefusal>>, ServerError> {
    let Some((found, link, user, _)) = parked(state, request_id, binding).await? else {
        return Ok(None);
    };
    let issued = verification::prepare(
        state,
        &Request {
            purpose: Purpose::UpstreamLink,
            user_id: Some(&user.id),
            channel: "email",
            target: Some(&user.email),
            with_link: false,
            with_code: true,
            data: found.data.clone(),
            ttl_seconds: PROOF_SECONDS,
        },
    );
    let provider_name = super::display_name(state, &link.provider_id).await?;
    let mut variables = BTreeMap::new();
    variables.insert("name", user.name.clone().unwrap_or_default());
    variables.insert("code", issued.code.clone().unwrap_or_default());
    variables.insert("provider", provider_name);
    variables.insert("minutes", (PROOF_SECONDS / 60).to_string());
    let language = user.locale.clone().unwrap_or_else(|| language.to_owned());
    let email = messaging::render_email(
        state,
        &Outgoing {
            name: "upstream_link",
            language: &language,
            studio: None,
            variables,
        },
        &user.email,
    )?;
    let sealed = messaging::seal_email(&state.kek, &email)?;
    let new_request = issued.request_id.clone();
    let requester = Requester {
        session: request_id,
        user_id: &user.id,
        address,
    };
    let quotas = requester.daily_quotas(state);
    Ok(Some(
        verification::store_and_send_within(state, issued, vec![sealed], quotas)
            .await?
            .map(|()| new_request),
    ))
}

/// Links the parked identity after the owner typed the e-mailed code.
pub async fn prove_with_code(
    state: &AppState,
    request_id: &str,
    code: &str,
    browser: Browser,
    binding: &str,
) -> Result<Proof, ServerError> {
    let Some((_, link, user, _)) = parked(state, request_id, binding).await? else {
        return Ok(Proof::Expired);
    };
    match verification::check_code(state, Purpose::UpstreamLink, request_id, code).await? {
        Err(rejection) => Ok(Proof::WrongCode(rejection)),
        Ok(found) => link_and_sign_in(state, found.id, link, user, "email_code", browser).await,
    }
}

async fn link_and_sign_in(
    state: &AppState,
    verification_id: String,
    link: ParkedLink,
    user: User,
    proof: &'static str,
    browser: Browser,
) -> Result<Proof, ServerError> {
    let identity = FederatedIdentity {
        provider_id: link.provider_id.clone(),
        subject: link.subject.clone(),
        user_id: user.id.clone(),
        email: link.email.clone(),
        created_at: state.now(),
        last_used_at: state.now(),
    };
    let actor = Actor {
        address: Some(browser.address.to_string()),
        user_agent: browser.user_agent.clone(),
        ..Actor::user(&user.id)
    };
    let (secrets, now) = (state.secrets.clone(), state.now());
    let linked = state
        .store
        .write(move |connection| -> Result<bool, StoreError> {
            // The proof is used once: the consuming write decides.
            if !verifications::consume(connection, &verification_id, now)? {
                return Ok(false);
            }
            match store::link(connection, &identity) {
                Ok(()) => {}
                Err(StoreError::Conflict(_)) => return Ok(false),
                Err(other) => return Err(other),
            }
            audit::record(
                connection,
                &secrets,
                &actor,
                &Event {
                    user_id: Some(&identity.user_id),
                    detail: serde_json::json!({ "provider": identity.provider_id, "proof": proof }),
                    ..Event::new("upstream.linked")
                },
                now,
            )?;
            Ok(true)
        })
        .await?;
    if !linked {
        return Ok(Proof::Expired);
    }
    let studio = studio_by_slug(state, link.studio.as_deref()).await?;
    let finished = sign_in(
        state,
        &link.provider_id,
        &link.amr,
        user,
        studio.as_ref(),
        link.continuation,
        &link.binding,
        browser,
    )
    .await?;
    Ok(match finished {
        Finished::SignIn(next) => Proof::Linked(next),
        Finished::ProveOwnership(_) | Finished::Failed(..) => Proof::Expired,
    })
}
