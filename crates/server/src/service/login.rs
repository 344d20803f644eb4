//! Signing in: the sign-in name, the password, the device, and the new browser session.

use crate::crypto::password::Verification;
use crate::error::ServerError;
use crate::service::audit::{self, Actor, Event};
use crate::service::devices::{self, Admission};
use crate::service::mfa::attempt;
use crate::state::AppState;
use crate::throttle::{Key, RetryAfter};
use gatehouse_core::identifier::{SignInName, parse_sign_in_name};
use gatehouse_core::mfa;
use gatehouse_core::password::is_plausible_login_password;
use gatehouse_core::secret::sha256_base64url;
use gatehouse_core::session::{ACR_MULTI_FACTOR, AMR_PASSWORD, Authentication, BrowserSession};
use gatehouse_core::studio::{Membership, account_allows_device_swap, account_device_limit};
use gatehouse_core::user::{User, UserStatus};
use gatehouse_core::verification::Purpose;
use gatehouse_core::{DeviceId, SessionId, StudioId, UnixTime};
use gatehouse_store::sessions::SessionOrigin;
use gatehouse_store::{StoreError, factors, sessions, studios, users};
use secrecy::{ExposeSecret as _, SecretString};
use std::net::IpAddr;

/// Why a sign-in failed. Never says whether an account exists.
#[derive(Debug)]
pub enum LoginFailure {
    /// Wrong name or password, unknown or disabled account: all look the same.
    InvalidCredentials,
    /// Too many failures; try again after this many seconds.
    Throttled(i64),
    /// Neither an e-mail address nor `user@licence`.
    MalformedName,
    /// `user@licence` names a studio that does not exist.
    UnknownStudio,
    /// The account has as many registered devices as its limit allows.
    DeviceLimitReached,
    /// Every factor passed but the account is at its device limit, and it may replace its
    /// least recently used device after a code to its verified e-mail or phone.
    DeviceSwapOffered(Verified),
    /// Right password, but the e-mail address is not confirmed yet.
    Unconfirmed,
    /// Right password, but a studio admin has not approved the registration yet.
    AwaitingApproval,
    /// Right password, but it has expired: a new one must be set before any token.
    PasswordExpired(Verified),
    /// Right password for a closed account within its grace period: offer to reopen it.
    AccountClosed(Verified),
    /// First factor passed; the user must present a second one.
    SecondFactorRequired(Verified),
    /// First factor passed; a studio requires a second factor and the user has none yet.
    EnrolmentRequired(Verified),
    /// The sign-in in progress expired, was completed already, or belongs to another
    /// browser.
    Expired,
    /// Our fault.
    Server(ServerError),
}

impl From<ServerError> for LoginFailure {
    fn from(error: ServerError) -> Self {
        Self::Server(error)
    }
}

impl From<StoreError> for LoginFailure {
    fn from(error: StoreError) -> Self {
        Self::Server(error.into())
    }
}

/// The browser signing in.
#[derive(Debug, Clone)]
pub struct Browser {
    /// Client address.
    pub address: IpAddr,
    /// User-Agent.
    pub user_agent: Option<String>,
    /// The device cookie, if the browser has one.
    pub device_cookie: Option<String>,
    /// This browser's current session, ended by the new one (no session fixation).
    pub previous_session: Option<SessionId>,
}

/// Credentials checked, sign-in not yet complete.
#[derive(Debug, Clone)]
pub struct Verified {
    /// The user.
    pub user: User,
    /// The studio the sign-in name selected.
    pub requested_studio: Option<StudioId>,
    /// What the user proved so far.
    pub authentication: Authentication,
}

/// Where an interrupted sign-in (expired password, closed account, second factor) goes
/// once it is complete.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct Continuation {
    /// The authorization flow to resume.
    pub flow: Option<String>,
    /// "Remember me" was ticked.
    pub remember: bool,
    /// The studio the sign-in name selected.
    pub studio: Option<String>,
    /// A page of ours to return to (a step-up from the account pages); local paths only.
    #[serde(default)]
    pub return_to: Option<String>,
}

/// A successful sign-in.
#[derive(Debug)]
pub struct SignedIn {
    /// The user.
    pub user: User,
    /// The new session.
    pub session: BrowserSession,
    /// The session cookie value; only its digest is stored.
    pub session_cookie: String,
    /// A device cookie to set, when the browser got one now.
    pub new_device_cookie: Option<String>,
    /// The studio the sign-in name selected (`user@licence`).
    pub requested_studio: Option<StudioId>,
}

/// Checks the sign-in name and password and whether the account may sign in, then goes on
/// to the second factor ([`proceed`]). Interruptions that need a proven user (an expired
/// password, a closed account to reopen) come only after every factor ([`after_factors`]).
pub async fn sign_in(
    state: &AppState,
    name: &str,
    password: SecretString,
    browser: Browser,
    is_persistent: bool,
) -> Result<SignedIn, LoginFailure> {
    let outcome = async {
        let verified = verify(state, name, password, &browser).await?;
        admissible(state, &verified.user)?;
        proceed(state, verified, browser, is_persistent).await
    }
    .await;
    count(FIRST_FACTOR, "password", &outcome);
    outcome
}

/// The `step` label of a first factor in the sign-in metrics.
const FIRST_FACTOR: &str = "first_factor";
/// The `step` label of a second factor in the sign-in metrics.
pub(crate) const SECOND_FACTOR: &str = "second_factor";

/// Counts a sign-in step (`step`, `method`) in the metrics, by how it ended.
fn count(step: &'static str, method: &'static str, outcome: &Result<SignedIn, LoginFailure>) {
    let outcome = match outcome {
        Ok(_) => "succeeded",
        Err(
            LoginFailure::SecondFactorRequired(_)
            | LoginFailure::EnrolmentRequired(_)
            | LoginFailure::PasswordExpired(_)
            | LoginFailure::AccountClosed(_)
            | LoginFailure::DeviceSwapOffered(_),
        ) => "continued",
        Err(
            LoginFailure::InvalidCredentials
            | LoginFailure::MalformedName
            | LoginFailure::UnknownStudio,
        ) => "failed",
        Err(LoginFailure::Throttled(_)) => "throttled",
        Err(
            LoginFailure::DeviceLimitReached
            | LoginFailure::Unconfirmed
            | LoginFailure::AwaitingApproval,
        ) => "refused",
        Err(LoginFailure::Expired) => "expired",
        Err(LoginFailure::Server(_)) => "error",
    };
    crate::observability::sign_in(step, method, outcome);
}

/// Why an account whose credentials were right may not sign in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum NotAdmissible {
    Unconfirmed,
    AwaitingApproval,
    Unusable,
}

impl From<NotAdmissible> for LoginFailure {
    fn from(reason: NotAdmissible) -> Self {
        match reason {
            NotAdmissible::Unconfirmed => Self::Unconfirmed,
            NotAdmissible::AwaitingApproval => Self::AwaitingApproval,
            NotAdmissible::Unusable => Self::InvalidCredentials,
        }
    }
}

/// Whether an account whose credentials were right may go on signing in.
fn admissible(state: &AppState, user: &User) -> Result<(), NotAdmissible> {
    match user.status {
        UserStatus::Active => Ok(()),
        UserStatus::Closed
            if crate::service::accounts::is_within_grace(state, user, state.now()) =>
        {
            Ok(())
        }
        UserStatus::PendingVerification => Err(NotAdmissible::Unconfirmed),
        UserStatus::PendingApproval => Err(NotAdmissible::AwaitingApproval),
        UserStatus::Closed | UserStatus::Disabled | UserStatus::PendingActivation => {
            Err(NotAdmissible::Unusable)
        }
    }
}

/// Signs in the owner of a passkey (a passwordless sign-in). The passkey proved two factors,
/// so no second factor is asked; the password's age does not matter, as none was used.
pub async fn sign_in_with_passkey(
    state: &AppState,
    user_id: &gatehouse_core::UserId,
    browser: Browser,
    is_persistent: bool,
) -> Result<SignedIn, LoginFailure> {
    let outcome = async {
        let lookup = user_id.clone();
        let user = state
            .store
            .read(move |connection| users::find(connection, &lookup))
            .await?
            .ok_or(LoginFailure::InvalidCredentials)?;
        match admissible(state, &user) {
            Err(NotAdmissible::Unconfirmed) => return Err(LoginFailure::InvalidCredentials),
            other => other?,
        }
        let verified = Verified {
            authentication: mfa::passkey_sign_in(state.now()),
            requested_studio: None,
            user,
        };
        proceed(state, verified, browser, is_persistent).await
    }
    .await;
    count(FIRST_FACTOR, "passkey", &outcome);
    outcome
}

/// Signs in the owner of an upstream identity. `authentication` says what the upstream
/// sign-in proved here (one factor, or two where the user's studios trust the upstream's);
/// the device limit and the studios' second-factor rules apply as to any sign-in.
pub async fn sign_in_upstream(
    state: &AppState,
    user: User,
    authentication: Authentication,
    requested_studio: Option<StudioId>,
    browser: Browser,
    is_persistent: bool,
) -> Result<SignedIn, LoginFailure> {
    let outcome = async {
        match admissible(state, &user) {
            Err(NotAdmissible::Unconfirmed) => return Err(LoginFailure::InvalidCredentials),
            other => other?,
        }
        let verified = Verified {
            authentication,
            requested_studio,
            user,
        };
        proceed(state, verified, browser, is_persistent).await
    }
    .await;
    count(FIRST_FACTOR, "upstream", &outcome);
    outcome
}

/// Goes on from a first factor: asks for a second factor when the user has one (unless this
/// device is remembered) or must enrol one, then completes the sign-in.
pub async fn proceed(
    state: &AppState,
    mut verified: Verified,
    browser: Browser,
    is_persistent: bool,
) -> Result<SignedIn, LoginFailure> {
    let user_id = verified.user.id.clone();
    let device_digest = browser
        .device_cookie
        .as_deref()
        .map(|cookie| sha256_base64url(cookie.as_bytes()));
    let needs_check = verified.authentication.acr != ACR_MULTI_FACTOR;
    let (memberships, enrolled, remembered_until) = state
        .store
        .read(move |connection| {
            let memberships = studios::memberships_of(connection, &user_id)?;
            if !needs_check {
                return Ok((memberships, Vec::new(), None));
            }
            let enrolled = factors::list_for_user(connection, &user_id)?;
            let remembered = match device_digest {
                Some(digest) if mfa::has_second_factor(&enrolled) => {
                    factors::device_remembered_until(connection, &user_id, &digest)?
                }
                _ => None,
            };
            Ok((memberships, enrolled, remembered))
        })
        .await?;
    if needs_check {
        let policy = mfa::policy_for(&memberships, state.config.mfa.remember_device_days);
        let now = state.now();
        if mfa::has_second_factor(&enrolled) {
            let remembered = policy.remember_device_days > 0
                && remembered_until.is_some_and(|until| now < until);
            if !remembered {
                return Err(LoginFailure::SecondFactorRequired(verified));
            }
            verified.authentication = mfa::remembered_device_sign_in(now);
        } else if policy.is_required {
            return Err(LoginFailure::EnrolmentRequired(verified));
        }
    }
    after_factors_with(state, verified, browser, is_persistent, memberships).await
}

/// Goes on once every factor is settled: a closed account within its grace period is
/// offered reopening and an expired password must be replaced (each interrupts the
/// sign-in); otherwise the sign-in completes. The interruption pages come back here.
pub async fn after_factors(
    state: &AppState,
    verified: Verified,
    browser: Browser,
    is_persistent: bool,
) -> Result<SignedIn, LoginFailure> {
    let user_id = verified.user.id.clone();
    let memberships = state
        .store
        .read(move |connection| studios::memberships_of(connection, &user_id))
        .await?;
    after_factors_with(state, verified, browser, is_persistent, memberships).await
}

async fn after_factors_with(
    state: &AppState,
    verified: Verified,
    browser: Browser,
    is_persistent: bool,
    memberships: Vec<Membership>,
) -> Result<SignedIn, LoginFailure> {
    let user = &verified.user;
    let now = state.now();
    match user.status {
        UserStatus::Closed if crate::service::accounts::is_within_grace(state, user, now) => {
            return Err(LoginFailure::AccountClosed(verified));
        }
        UserStatus::Active => {
            let used_password = verified
                .authentication
                .amr
                .iter()
                .any(|method| method == AMR_PASSWORD);
            let policy = crate::service::passwords::policy_of_memberships(state, &memberships);
            if used_password && policy.is_expired(user.password_changed_at, now) {
                return Err(LoginFailure::PasswordExpired(verified));
            }
        }
        // Disabled or closed for good since the first factor.
        _ => return Err(LoginFailure::InvalidCredentials),
    }
    complete_with(state, verified, browser, is_persistent, memberships).await
}

/// Checks the sign-in name and password. Unknown accounts cost the same argon2 work as known
/// ones. The attempt is counted before the password is compared (per account from this
/// address, per address, and per account from anywhere unless this browser holds a device
/// cookie of the account) and refunded only when it was right.
async fn verify(
    state: &AppState,
    name: &str,
    password: SecretString,
    browser: &Browser,
) -> Result<Verified, LoginFailure> {
    let now = state.now();
    let address = browser.address;
    let parsed = parse_sign_in_name(name).map_err(|_| LoginFailure::MalformedName)?;
    let plausible = is_plausible_login_password(password.expose_secret());
    let device_digest = browser
        .device_cookie
        .as_deref()
        .map(|cookie| sha256_base64url(cookie.as_bytes()));
    let (candidate, requested_studio, is_known_device) = state
        .store
        .read(move |connection| {
            let (candidate, requested_studio) = match parsed {
                SignInName::Email(email) => {
                    let found = if plausible {
                        users::find_with_password_by_email(connection, &email)?
                    } else {
                        None
                    };
                    (found, None)
                }
                SignInName::StudioUser { username, studio } => {
                    let Some(studio) = studios::find_by_reference(connection, &studio)? else {
                        return Ok(None);
                    };
                    let found = match studios::find_member_by_username(
                        connection, &studio.id, &username,
                    )? {
                        Some(user_id) if plausible => {
                            users::find_with_password(connection, &user_id)?
                        }
                        _ => None,
                    };
                    (found, Some(studio.id))
                }
            };
            let is_known_device = match (&candidate, &device_digest) {
                (Some((user, _)), Some(digest)) => {
                    gatehouse_store::devices::find_by_token(connection, &user.id, digest)?.is_some()
                }
                _ => false,
            };
            Ok(Some((candidate, requested_studio, is_known_device)))
        })
        .await?
        .ok_or(LoginFailure::UnknownStudio)?;
    // One account has several sign-in names (e-mail, user@licence, user@slug): count them
    // together once the account is known.
    let account = candidate.as_ref().map_or_else(
        || name.trim().to_lowercase(),
        |(user, _)| user.id.as_str().to_owned(),
    );
    let permit = state
        .throttle
        .begin(sign_in_keys(&account, address, is_known_device), now)
        .await?
        .map_err(|RetryAfter(seconds)| LoginFailure::Throttled(seconds))?;
    let (user, stored_hash) = match candidate {
        Some((user, hash)) => (Some(user), hash),
        None => (None, None),
    };
    let verification = state
        .passwords
        .verify(password, stored_hash.clone())
        .await
        .map_err(ServerError::from)?;
    match (user, verification) {
        (Some(user), Verification::Match { upgraded_hash })
            if user.status != UserStatus::Disabled =>
        {
            permit.succeeded().await;
            if let (Some(new_hash), Some(old_hash)) = (upgraded_hash, stored_hash) {
                let user_id = user.id.clone();
                state
                    .store
                    .write(move |connection| {
                        users::upgrade_password_hash(connection, &user_id, &old_hash, &new_hash)
                    })
                    .await?;
            }
            Ok(Verified {
                user,
                requested_studio,
                authentication: Authentication::password(now),
            })
        }
        (user, _) => {
            tracing::info!(address = %address, "sign-in failed");
            // Failures against a real account are audited; guesses at accounts that do not
            // exist leave no row (they would let anyone fill the table).
            if let Some(user) = user {
                let (secrets, now) = (state.secrets.clone(), state.now());
                let actor = Actor {
                    id: "anonymous".to_owned(),
                    address: Some(address.to_string()),
                    user_agent: browser.user_agent.clone(),
                };
                state
                    .store
                    .write(move |connection| {
                        audit::record(
                            connection,
                            &secrets,
                            &actor,
                            &Event {
                                user_id: Some(&user.id),
                                detail: serde_json::json!({ "method": "password" }),
                                ..Event::new("login.failed")
                            },
                            now,
                        )
                    })
                    .await?;
            }
            Err(LoginFailure::InvalidCredentials)
        }
    }
}

/// The counters a password check of `account` from `address` draws on. They are shared by
/// every page that checks the account's password, so none of them is a side door.
#[must_use]
pub fn sign_in_keys(account: &str, address: IpAddr, is_known_device: bool) -> Vec<Key> {
    let mut keys = vec![
        Key::subject_from(SIGN_IN, account, address),
        Key::address(SIGN_IN, address),
    ];
    if !is_known_device {
        keys.push(Key::account_anywhere(SIGN_IN, account));
    }
    keys
}

/// The throttle purpose of password checks.
const SIGN_IN: &str = "sign-in";

/// Checks the signed-in user's current password (changing the password, closing the
/// account, confirming it is them), on the same counters as the sign-in page.
pub async fn check_current_password(
    state: &AppState,
    user: &User,
    password: &str,
    address: IpAddr,
) -> Result<Result<bool, RetryAfter>, ServerError> {
    // The browser is signed in on a registered device: the account-wide limit is not its.
    check_password(state, user, password, address, true).await
}

/// Checks the account's password on the sign-in counters; `is_known_device` exempts the
/// browser from the account-wide limit (it holds a session or device of the account).
pub async fn check_password(
    state: &AppState,
    user: &User,
    password: &str,
    address: IpAddr,
    is_known_device: bool,
) -> Result<Result<bool, RetryAfter>, ServerError> {
    let user_id = user.id.clone();
    let permit = match state
        .throttle
        .begin(
            sign_in_keys(user.id.as_str(), address, is_known_device),
            state.now(),
        )
        .await?
    {
        Ok(permit) => permit,
        Err(wait) => return Ok(Err(wait)),
    };
    let stored = state
        .store
        .read(move |connection| users::find_with_password(connection, &user_id))
        .await?
        .and_then(|(_, hash)| hash);
    let verification = state
        .passwords
        .verify(SecretString::from(password.to_owned()), stored)
        .await?;
    let matches = matches!(verification, Verification::Match { .. });
    if matches {
        permit.succeeded().await;
    }
    Ok(Ok(matches))
}

async fn complete_with(
    state: &AppState,
    verified: Verified,
    browser: Browser,
    is_persistent: bool,
    memberships: Vec<Membership>,
) -> Result<SignedIn, LoginFailure> {
    let now = state.now();
    let Verified {
        user,
        requested_studio,
        authentication,
    } = verified;
    let limit = account_device_limit(&memberships, state.config.devices.default_limit());
    let (device_id, new_device_cookie) = match devices::admit(
        state,
        &user.id,
        browser.device_cookie.clone(),
        browser.user_agent.clone(),
        limit,
        browser.address,
    )
    .await?
    {
        Admission::Admitted {
            device_id,
            new_cookie,
        } => (device_id, new_cookie),
        Admission::LimitReached => {
            tracing::info!(user = %user.id, %limit, "sign-in refused: device limit reached");
            if account_allows_device_swap(&memberships, state.config.devices.self_service_swap) {
                return Err(LoginFailure::DeviceSwapOffered(Verified {
                    user,
                    requested_studio,
                    authentication,
                }));
            }
            return Err(LoginFailure::DeviceLimitReached);
        }
    };
    let studio_id = requested_studio.clone().or_else(|| {
        user.last_studio_id.clone().filter(|last| {
            memberships
                .iter()
                .any(|membership| &membership.studio.id == last)
        })
    });
    let (session, session_cookie) = start_session(
        state,
        &user,
        NewSessionParameters {
            authentication,
            is_persistent,
            lifetime_seconds: session_lifetime(state, &memberships, is_persistent),
            device_id: Some(device_id),
            studio_id,
            origin: SessionOrigin {
                user_agent: browser.user_agent,
                ip_address: Some(browser.address.to_string()),
            },
            previous: browser.previous_session,
        },
        now,
    )
    .await?;
    Ok(SignedIn {
        user,
        session,
        session_cookie,
        new_device_cookie,
        requested_studio,
    })
}

/// The session lifetime for an account: the strictest of its studios' settings, or the
/// instance's.
fn session_lifetime(state: &AppState, memberships: &[Membership], is_persistent: bool) -> i64 {
    let instance = if is_persistent {
        state.config.sessions.remember_me_seconds
    } else {
        state.config.sessions.lifetime_seconds
    };
    memberships
        .iter()
        .filter_map(|membership| {
            let settings = &membership.studio.settings;
            if is_persistent {
                settings.remember_me_seconds
            } else {
                settings.session_lifetime_seconds
            }
        })
        .fold(instance, i64::min)
}

/// What a new session is made of.
#[derive(Debug)]
struct NewSessionParameters {
    authentication: Authentication,
    is_persistent: bool,
    lifetime_seconds: i64,
    device_id: Option<DeviceId>,
    studio_id: Option<StudioId>,
    origin: SessionOrigin,
    previous: Option<SessionId>,
}

async fn start_session(
    state: &AppState,
    user: &User,
    parameters: NewSessionParameters,
    now: UnixTime,
) -> Result<(BrowserSession, String), ServerError> {
    let session = BrowserSession {
        id: SessionId::new(crate::random::identifier()),
        user_id: user.id.clone(),
        authentication: parameters.authentication,
        is_persistent: parameters.is_persistent,
        device_id: parameters.device_id,
        studio_id: parameters.studio_id,
        created_at: now,
        expires_at: now.plus_seconds(parameters.lifetime_seconds),
        ended_at: None,
    };
    let cookie_secret = crate::random::token();
    let digest = sha256_base64url(cookie_secret.as_bytes());
    let (stored, secrets) = (session.clone(), state.secrets.clone());
    let (origin, previous) = (parameters.origin, parameters.previous);
    let queued = state
        .store
        .write(move |connection| -> Result<usize, StoreError> {
            // The browser's previous session may belong to another user.
            let queued = match previous
                .map(|id| sessions::find(connection, &id))
                .transpose()?
                .flatten()
            {
                Some(previous) => crate::service::sessions::end_sessions_in(
                    connection,
                    &[previous.id],
                    &previous.user_id,
                    sessions::Revocation::OnlineGrants,
                    now,
                )?,
                None => 0,
            };
            sessions::insert(connection, &stored, &digest, &origin)?;
            let actor = Actor {
                id: stored.user_id.as_str().to_owned(),
                address: origin.ip_address.clone(),
                user_agent: origin.user_agent.clone(),
            };
            audit::record(
                connection,
                &secrets,
                &actor,
                &Event {
                    user_id: Some(&stored.user_id),
                    studio_id: stored.studio_id.as_ref().map(StudioId::as_str),
                    detail: serde_json::json!({
                        "amr": stored.authentication.amr,
                        "acr": stored.authentication.acr,
                        "session": stored.id,
                    }),
                    ..Event::new("login.succeeded")
                },
                now,
            )?;
            Ok(queued)
        })
        .await?;
    if queued > 0 {
        state.outbox_wakeup.notify_one();
    }
    Ok((session, cookie_secret))
}

/// A sign-in parked behind an interruption page (expired password, closed account): what
/// was proved, where it goes next, and the browser it belongs to.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Interruption {
    /// Where the sign-in goes once complete.
    pub continuation: Continuation,
    /// Digest of the browser's CSRF cookie: only the browser that signed in may go on.
    pub binding: String,
    /// The factors proved before the interruption.
    pub authentication: Authentication,
}

/// Where a sign-in goes after one of its steps. Pages turn each into a redirect (and, once
/// signed in, the session cookies); the order of the steps lives here.
#[derive(Debug)]
pub enum Next {
    /// Signed in: set the cookies, then on to the authorization flow or page of the
    /// continuation.
    SignedIn(Box<SignedIn>, Continuation),
    /// A signed-in session proved a second factor in place (step-up).
    SteppedUp(Box<crate::service::sessions::ActiveSession>, Continuation),
    /// The second factor is asked on `/mfa?request=`.
    SecondFactor(String),
    /// A factor must be enrolled first, on `/mfa/setup?request=`.
    EnrolFactor(String),
    /// A new password must be set first, on `/password-expired?request=`.
    ExpiredPassword(String),
    /// The closed account may be reopened, on `/reactivate?request=`.
    Reopen(String),
    /// The device limit is reached; the user may replace a device, on
    /// `/device-swap?request=`.
    SwapDevice(String),
}

/// Turns the outcome of a sign-in step into where it goes next: a session, or the page of
/// the step still missing (stored as a request bound to the browser with `binding`).
/// Failures that belong on the page come back as `Err`.
pub async fn next(
    state: &AppState,
    outcome: Result<SignedIn, LoginFailure>,
    binding: &str,
    mut continuation: Continuation,
) -> Result<Next, LoginFailure> {
    let failure = match outcome {
        Ok(signed_in) => return Ok(Next::SignedIn(Box::new(signed_in), continuation)),
        Err(failure) => failure,
    };
    let studio_of = |verified: &Verified| {
        verified
            .requested_studio
            .as_ref()
            .map(|id| id.as_str().to_owned())
    };
    match failure {
        LoginFailure::PasswordExpired(verified) => {
            continuation.studio = studio_of(&verified);
            let request = interrupt(
                state,
                &verified,
                Purpose::ExpiredPassword,
                binding,
                continuation,
            )
            .await?;
            Ok(Next::ExpiredPassword(request))
        }
        LoginFailure::AccountClosed(verified) => {
            continuation.studio = studio_of(&verified);
            let request = interrupt(
                state,
                &verified,
                Purpose::Reactivation,
                binding,
                continuation,
            )
            .await?;
            Ok(Next::Reopen(request))
        }
        LoginFailure::DeviceSwapOffered(verified) => {
            continuation.studio = studio_of(&verified);
            let request =
                interrupt(state, &verified, Purpose::DeviceSwap, binding, continuation).await?;
            Ok(Next::SwapDevice(request))
        }
        LoginFailure::SecondFactorRequired(verified) => {
            continuation.studio = studio_of(&verified);
            let request = begin_attempt(state, &verified, binding, continuation, false).await?;
            Ok(Next::SecondFactor(request))
        }
        LoginFailure::EnrolmentRequired(verified) => {
            continuation.studio = studio_of(&verified);
            let request = begin_attempt(state, &verified, binding, continuation, true).await?;
            Ok(Next::EnrolFactor(request))
        }
        other => Err(other),
    }
}

/// Parks a verified sign-in behind an interruption; returns the request id.
async fn interrupt(
    state: &AppState,
    verified: &Verified,
    purpose: Purpose,
    binding: &str,
    continuation: Continuation,
) -> Result<String, ServerError> {
    let parked = Interruption {
        continuation,
        binding: binding.to_owned(),
        authentication: verified.authentication.clone(),
    };
    crate::service::verification::store_web_request(
        state,
        purpose,
        Some(&verified.user.id),
        serde_json::to_value(parked).unwrap_or_default(),
        state.config.sessions.flow_ttl_seconds,
    )
    .await
}

async fn begin_attempt(
    state: &AppState,
    verified: &Verified,
    binding: &str,
    continuation: Continuation,
    must_enrol: bool,
) -> Result<String, ServerError> {
    attempt::begin(
        state,
        &verified.user.id,
        &attempt::Attempt {
            continuation,
            binding: binding.to_owned(),
            authentication: verified.authentication.clone(),
            session: None,
            must_enrol,
        },
    )
    .await
}

/// Finishes an attempt whose second factor (`kind`) was just presented: the session of a
/// sign-in (after any interruption still due), or a stronger session for a step-up.
/// `remember_device` asks to skip the second factor on this device from now on, as long as
/// the user's studios allow it.
pub async fn complete_second_factor(
    state: &AppState,
    loaded: attempt::Loaded,
    kind: mfa::FactorKind,
    remember_device: bool,
    session: Option<crate::service::sessions::ActiveSession>,
    browser: Browser,
    binding: &str,
) -> Result<Next, LoginFailure> {
    if !attempt::finish(state, &loaded).await? {
        return Err(LoginFailure::Expired);
    }
    let now = state.now();
    let authentication = mfa::with_second_factor(&loaded.attempt.authentication, kind, now);
    let attempt::Attempt {
        continuation,
        session: step_up,
        ..
    } = loaded.attempt;
    if let Some(session_id) = step_up {
        let Some(mut active) = session.filter(|active| active.session.id == session_id) else {
            return Err(LoginFailure::Expired);
        };
        let (session_id, stored) = (active.session.id.clone(), authentication.clone());
        state
            .store
            .write(move |connection| sessions::set_authentication(connection, &session_id, &stored))
            .await?;
        active.session.authentication = authentication;
        return Ok(Next::SteppedUp(Box::new(active), continuation));
    }
    let verified = Verified {
        user: loaded.user,
        requested_studio: continuation.studio.clone().map(StudioId::new),
        authentication,
    };
    let outcome = after_factors(state, verified, browser, continuation.remember).await;
    count(SECOND_FACTOR, kind.as_str(), &outcome);
    if let (Ok(signed_in), true) = (&outcome, remember_device) {
        remember_this_device(state, signed_in).await?;
    }
    next(state, outcome, binding, continuation).await
}

async fn remember_this_device(state: &AppState, signed_in: &SignedIn) -> Result<(), ServerError> {
    let user_id = signed_in.user.id.clone();
    let days = crate::service::mfa::policy(state, &user_id)
        .await?
        .remember_device_days;
    let Some(device_id) = signed_in.session.device_id.clone() else {
        return Ok(());
    };
    if days == 0 {
        return Ok(());
    }
    let until = state.now().plus_seconds(i64::from(days) * 86_400);
    state
        .store
        .write(move |connection| factors::remember_device(connection, &device_id, until))
        .await?;
    Ok(())
}

/// Goes on with a sign-in parked behind an interruption, once the interruption is dealt
/// with (the password replaced, the account reopened): every factor was proved before it.
pub async fn resume_after_interruption(
    state: &AppState,
    user: User,
    parked: Interruption,
    browser: Browser,
) -> Result<Next, LoginFailure> {
    let Interruption {
        continuation,
        authentication,
        binding,
    } = parked;
    let verified = Verified {
        user,
        requested_studio: continuation.studio.clone().map(StudioId::new),
        authentication,
    };
    let outcome = after_factors(state, verified, browser, continuation.remember).await;
    next(state, outcome, &binding, continuation).await
}
