//! Issuing and checking one-time codes and links.

use crate::error::ServerError;
use crate::messaging::{self, Sealed};
use crate::state::AppState;
use gatehouse_core::secret::{constant_time_eq, sha256_base64url};
use gatehouse_core::verification::{self, CodeRejection, CodeState, Purpose};
use gatehouse_core::{UnixTime, UserId};
use gatehouse_store::verifications::{self, NewVerification, Verification};
use gatehouse_store::{DbConn, StoreError, StoreResult, rate_limits};

/// What to issue.
#[derive(Debug, Clone)]
pub struct Request<'a> {
    /// Purpose.
    pub purpose: Purpose,
    /// The account; `None` issues a decoy that behaves the same but can never succeed.
    pub user_id: Option<&'a UserId>,
    /// `email` or `sms`.
    pub channel: &'a str,
    /// The address or number it goes to.
    pub target: Option<&'a str>,
    /// Issue a link token.
    pub with_link: bool,
    /// Issue a six-digit code.
    pub with_code: bool,
    /// Purpose-specific data.
    pub data: serde_json::Value,
    /// Validity.
    pub ttl_seconds: i64,
}

/// The secrets of an issued code, for the message and the next page.
#[derive(Debug, Clone)]
pub struct Issued {
    /// The request id; travels in the code-entry page's URL.
    pub request_id: String,
    /// The link token, when one was issued.
    pub link_token: Option<String>,
    /// The six-digit code, when one was issued (never for decoys).
    pub code: Option<String>,
    row: PreparedRow,
}

#[derive(Debug, Clone)]
struct PreparedRow {
    id: String,
    purpose: Purpose,
    user_id: Option<UserId>,
    channel: String,
    target: Option<String>,
    request_digest: String,
    link_digest: Option<String>,
    code_digest: Option<String>,
    data: serde_json::Value,
    now: UnixTime,
    expires_at: UnixTime,
}

/// Generates the secrets of a code; store it with [`store`] in the caller's transaction.
#[must_use]
pub fn prepare(state: &AppState, request: &Request<'_>) -> Issued {
    let now = state.now();
    let request_id = crate::random::token();
    let link_token = request.with_link.then(crate::random::token);
    let code = (request.with_code && request.user_id.is_some())
        .then(|| verification::six_digit_code(crate::random::bytes::<4>()));
    let id = crate::random::row_id();
    let code_digest = code
        .as_deref()
        .map(|code| state.secrets.code_digest(&id, code));
    let row = PreparedRow {
        id,
        code_digest,
        purpose: request.purpose,
        user_id: request.user_id.cloned(),
        channel: request.channel.to_owned(),
        target: request.target.map(str::to_owned),
        request_digest: sha256_base64url(request_id.as_bytes()),
        link_digest: link_token
            .as_deref()
            .map(|token| sha256_base64url(token.as_bytes())),

        data: request.data.clone(),
        now,
        expires_at: now.plus_seconds(request.ttl_seconds),
    };
    Issued {
        request_id,
        link_token,
        code,
        row,
    }
}

/// Stores a prepared code, retiring the account's older unused codes of the same purpose.
pub fn store(connection: &mut DbConn, issued: &Issued) -> StoreResult<()> {
    let row = &issued.row;
    if let Some(user_id) = row
        .user_id
        .as_ref()
        .filter(|_| row.purpose.replaces_earlier())
    {
        verifications::retire_for_user(connection, user_id, row.purpose, row.now)?;
    }
    verifications::insert(
        connection,
        &NewVerification {
            id: &row.id,
            purpose: row.purpose,
            user_id: row.user_id.as_ref(),
            channel: &row.channel,
            target: row.target.as_deref(),
            request_digest: &row.request_digest,
            link_digest: row.link_digest.as_deref(),
            code_digest: row.code_digest.as_deref(),
            data: &row.data,
            now: row.now,
            expires_at: row.expires_at,
        },
    )
}

/// A limit that sending a message counts against: at most `max` per window of
/// `window_seconds` for `key`.
#[derive(Debug, Clone)]
pub struct Quota {
    key: String,
    window_seconds: i64,
    max: i64,
    refusal: SendRefusal,
}

impl Quota {
    /// At most `max` a day for `key`; a refusal says "too many today".
    #[must_use]
    pub fn per_day(key: impl Into<String>, max: i64) -> Self {
        Self {
            key: key.into(),
            window_seconds: 86_400,
            max,
            refusal: SendRefusal::TooManyToday,
        }
    }

    fn window_start(&self, now: UnixTime) -> UnixTime {
        UnixTime(now.as_secs() - now.as_secs().rem_euclid(self.window_seconds))
    }
}

/// Who asks the account pages for a code: their caps are per browser session (or sign-in
/// attempt), per account and per client address, each per day.
#[derive(Debug, Clone, Copy)]
pub struct Requester<'a> {
    /// The session id, or the sign-in attempt's request id during forced enrolment.
    pub session: &'a str,
    /// The account.
    pub user_id: &'a UserId,
    /// The client address.
    pub address: std::net::IpAddr,
}

impl Requester<'_> {
    /// The three daily caps of `[security]`.
    #[must_use]
    pub fn daily_quotas(&self, state: &AppState) -> Vec<Quota> {
        let limits = &state.config.security;
        vec![
            Quota::per_day(
                format!(
                    "codes:session:{}",
                    sha256_base64url(self.session.as_bytes())
                ),
                limits.codes_per_session_per_day,
            ),
            Quota::per_day(
                format!("codes:account:{}", self.user_id),
                limits.codes_per_account_per_day,
            ),
            Quota::per_day(
                format!("codes:address:{}", self.address),
                limits.codes_per_address_per_day,
            ),
        ]
    }
}

/// Why a message was not sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SendRefusal {
    /// A daily cap (per session, account or address) is used up.
    TooManyToday,
    /// The instance's hourly budget of text messages (`sms.max_per_hour`) is used up.
    SmsBudget,
}

/// The transaction's way out when a quota refuses: everything it wrote is rolled back.
enum SendFailure {
    Store(StoreError),
    Refused(SendRefusal),
}

impl From<StoreError> for SendFailure {
    fn from(error: StoreError) -> Self {
        Self::Store(error)
    }
}

impl From<gatehouse_store::DieselError> for SendFailure {
    fn from(error: gatehouse_store::DieselError) -> Self {
        Self::Store(error.into())
    }
}

/// Stores an issued request with the messages that carry its code or link, in one
/// transaction (a request is never live without its message queued), then wakes the
/// outbox. Every text message counts against the instance's hourly SMS budget.
pub async fn store_and_send(
    state: &AppState,
    issued: Issued,
    messages: Vec<Sealed>,
) -> Result<Result<(), SendRefusal>, ServerError> {
    store_and_send_within(state, issued, messages, Vec::new()).await
}

/// [`store_and_send`] that also counts against `quotas`. Each allowance is taken with one
/// conditional write in the same transaction as the message; when one is used up, nothing
/// is stored and nothing is sent.
pub async fn store_and_send_within(
    state: &AppState,
    issued: Issued,
    messages: Vec<Sealed>,
    mut quotas: Vec<Quota>,
) -> Result<Result<(), SendRefusal>, ServerError> {
    let now = state.now();
    let texts = messages
        .iter()
        .filter(|message| message.kind == messaging::SMS)
        .count();
    let budget = state.config.sms.max_per_hour;
    if texts > 0 && budget > 0 {
        for _ in 0..texts {
            quotas.push(Quota {
                key: "sms:instance".to_owned(),
                window_seconds: 3600,
                max: budget,
                refusal: SendRefusal::SmsBudget,
            });
        }
    }
    let outcome = state
        .store
        .write(move |connection| -> Result<(), SendFailure> {
            for quota in &quotas {
                let window = quota.window_start(now);
                if !rate_limits::take(connection, &quota.key, window, quota.max)? {
                    return Err(SendFailure::Refused(quota.refusal));
                }
            }
            store(connection, &issued)?;
            messaging::enqueue(connection, &messages, now)?;
            Ok(())
        })
        .await;
    match outcome {
        Ok(()) => {
            state.outbox_wakeup.notify_one();
            Ok(Ok(()))
        }
        Err(SendFailure::Refused(refusal)) => {
            tracing::info!(?refusal, "a message was not sent: its limit is used up");
            Ok(Err(refusal))
        }
        Err(SendFailure::Store(error)) => Err(error.into()),
    }
}

/// Stores a decoy request with a stand-in message that is never sent, in one transaction:
/// the same writes as [`store_and_send`], so a request about no account takes as long as
/// one about an account.
pub async fn store_decoy(
    state: &AppState,
    issued: Issued,
    stand_in: Sealed,
) -> Result<(), ServerError> {
    let now = state.now();
    state
        .store
        .write(move |connection| -> Result<(), StoreError> {
            store(connection, &issued)?;
            messaging::enqueue_discarded(connection, &stand_in, now)
        })
        .await?;
    Ok(())
}

/// Stores a request that sends nothing — a sign-in parked between its steps, a passkey
/// ceremony — and returns its id, the bearer secret the page's URL or form carries.
pub async fn store_web_request(
    state: &AppState,
    purpose: Purpose,
    user_id: Option<&UserId>,
    data: serde_json::Value,
    ttl_seconds: i64,
) -> Result<String, ServerError> {
    let issued = prepare(
        state,
        &Request {
            purpose,
            user_id,
            channel: "web",
            target: None,
            with_link: false,
            with_code: false,
            data,
            ttl_seconds,
        },
    );
    let request_id = issued.request_id.clone();
    state
        .store
        .write(move |connection| store(connection, &issued))
        .await?;
    Ok(request_id)
}

/// Whether `target` may receive another code of `purpose` this hour.
pub async fn may_send(
    state: &AppState,
    purpose: Purpose,
    target: &str,
) -> Result<bool, ServerError> {
    let since = state.now().plus_seconds(-3600);
    let target = target.to_owned();
    let sent = state
        .store
        .read(move |connection| {
            verifications::count_sent_since(connection, purpose, &target, since)
        })
        .await?;
    Ok(sent < state.config.accounts.codes_per_hour)
}

fn state_of(found: &Verification) -> CodeState {
    CodeState {
        expires_at: found.expires_at,
        consumed_at: found.consumed_at,
        attempts: found.attempts,
    }
}

/// Checks a code typed on the page of request `request_id`. A wrong code counts an attempt;
/// five burn the code. The code is not consumed here: the caller consumes it in the
/// transaction that acts on it.
pub async fn check_code(
    state: &AppState,
    purpose: Purpose,
    request_id: &str,
    code: &str,
) -> Result<Result<Verification, CodeRejection>, ServerError> {
    let digest = sha256_base64url(request_id.as_bytes());
    let found = state
        .store
        .read(move |connection| verifications::find_by_request(connection, purpose, &digest))
        .await?;
    check_found(state, found, code).await
}

/// Checks a code against the user's pending change of `purpose` (the account page).
pub async fn check_pending_code(
    state: &AppState,
    purpose: Purpose,
    user_id: &UserId,
    code: &str,
) -> Result<Result<Verification, CodeRejection>, ServerError> {
    let (user_id, now) = (user_id.clone(), state.now());
    let found = state
        .store
        .read(move |connection| {
            verifications::find_pending_for_user(connection, &user_id, purpose, now)
        })
        .await?;
    check_found(state, found, code).await
}

async fn check_found(
    state: &AppState,
    found: Option<Verification>,
    code: &str,
) -> Result<Result<Verification, CodeRejection>, ServerError> {
    let Some(found) = found else {
        return Ok(Err(CodeRejection::InvalidOrExpired));
    };
    let now = state.now();
    if let Err(rejection) = verification::check_code(state_of(&found), true, now) {
        return Ok(Err(rejection));
    }
    // The guess is counted before it is compared: one conditional update decides.
    let id = found.id.clone();
    let reserved = state
        .store
        .write(move |connection| {
            verifications::reserve_attempt(connection, &id, verification::MAX_CODE_ATTEMPTS, now)
        })
        .await?;
    if !reserved {
        // Used or out of attempts since it was read: parallel guesses took the rest.
        return Ok(Err(CodeRejection::TooManyAttempts));
    }
    let code = code.trim();
    let matches = found.code_digest.as_deref().is_some_and(|stored| {
        constant_time_eq(
            state.secrets.code_digest(&found.id, code).as_bytes(),
            stored.as_bytes(),
        )
    });
    if !matches {
        return Ok(Err(CodeRejection::WrongCode));
    }
    let id = found.id.clone();
    state
        .store
        .write(move |connection| verifications::refund_attempt(connection, &id))
        .await?;
    Ok(Ok(found))
}

/// The user's pending change of `purpose`, if any (to show "enter the code sent to ...").
pub async fn pending(
    state: &AppState,
    purpose: Purpose,
    user_id: &UserId,
) -> Result<Option<Verification>, ServerError> {
    let (user_id, now) = (user_id.clone(), state.now());
    Ok(state
        .store
        .read(move |connection| {
            verifications::find_pending_for_user(connection, &user_id, purpose, now)
        })
        .await?)
}

/// Finds the live request behind a request id (pages that show a form before the code).
pub async fn find_request(
    state: &AppState,
    purpose: Purpose,
    request_id: &str,
) -> Result<Option<Verification>, ServerError> {
    let digest = sha256_base64url(request_id.as_bytes());
    let now = state.now();
    Ok(state
        .store
        .read(move |connection| verifications::find_by_request(connection, purpose, &digest))
        .await?
        .filter(|found| found.consumed_at.is_none() && now < found.expires_at))
}

/// Checks a link token.
pub async fn check_link(
    state: &AppState,
    purpose: Purpose,
    token: &str,
) -> Result<Result<Verification, CodeRejection>, ServerError> {
    let digest = sha256_base64url(token.as_bytes());
    let found = state
        .store
        .read(move |connection| verifications::find_by_link(connection, purpose, &digest))
        .await?;
    Ok(match found {
        Some(found) => {
            verification::check_code(state_of(&found), true, state.now()).map(|()| found)
        }
        None => Err(CodeRejection::InvalidOrExpired),
    })
}
