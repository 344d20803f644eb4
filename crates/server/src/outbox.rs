//! The outbox worker: delivers queued messages with retries and exponential back-off.
//! Messages are claimed with a lease, so several nodes can run the worker side by side.

use crate::error::ServerError;
use crate::service::sessions::{BACKCHANNEL_LOGOUT, LogoutNotice};
use crate::state::AppState;
use gatehouse_core::ClientId;
use gatehouse_core::claims::LogoutTokenClaims;
use gatehouse_store::outbox::OutboxMessage;
use gatehouse_store::{clients, outbox, webhooks};
use std::time::Duration;

/// The `typ` of logout tokens (OIDC Back-Channel Logout 1.0 §2.4).
pub const LOGOUT_TOKEN_TYPE: &str = "logout+jwt";
/// Messages claimed per round.
const BATCH: i64 = 20;

/// Delivers due messages whenever woken or every poll interval, until `stop` turns true.
/// A delivery round in progress is finished first, so no message is left half-sent.
pub async fn run(state: AppState, mut stop: tokio::sync::watch::Receiver<bool>) {
    let http = match reqwest::Client::builder()
        .timeout(Duration::from_secs(
            state.config.outbox.request_timeout_seconds,
        ))
        .redirect(reqwest::redirect::Policy::none())
        .build()
    {
        Ok(client) => client,
        Err(error) => {
            tracing::error!(%error, "the outbox worker cannot build its HTTP client");
            return;
        }
    };
    let poll = Duration::from_secs(state.config.outbox.poll_interval_seconds);
    while !*stop.borrow() {
        tokio::select! {
            () = tokio::time::sleep(poll) => {}
            () = state.outbox_wakeup.notified() => {}
            _ = stop.changed() => break,
        }
        while !*stop.borrow() {
            match deliver_due(&state, &http).await {
                Ok(0) => break,
                Ok(_) => {}
                Err(error) => {
                    tracing::error!(%error, "outbox delivery round failed");
                    break;
                }
            }
        }
    }
}

/// Delivers one batch of due messages; returns how many were attempted.
pub async fn deliver_due(state: &AppState, http: &reqwest::Client) -> Result<usize, ServerError> {
    let now = state.now();
    let claim_seconds = state.config.outbox.claim_seconds;
    let claimed = std::time::Instant::now();
    let messages = state
        .store
        .write(move |connection| outbox::claim_due(connection, now, BATCH, claim_seconds))
        .await?;
    // A delivery must end while the claim holds; after it, another node may take the
    // message. What is left of the batch waits for the claim to run out.
    let longest = Duration::from_secs(state.config.longest_delivery_seconds());
    let safe_for =
        Duration::from_secs(u64::try_from(claim_seconds).unwrap_or(0)).saturating_sub(longest);
    let mut attempted = 0;
    for message in messages {
        if claimed.elapsed() >= safe_for {
            tracing::info!("the outbox claim is running out; the rest of the batch waits for it");
            break;
        }
        attempted += 1;
        let delivery = async {
            match message.kind.as_str() {
                BACKCHANNEL_LOGOUT => deliver_logout(state, http, &message).await,
                crate::messaging::EMAIL => deliver_email(state, &message).await,
                crate::messaging::SMS => deliver_sms(state, http, &message).await,
                webhooks::DELIVERY_KIND => deliver_webhook(state, http, &message).await,
                other => Err(format!("unknown message kind {other}")),
            }
        };
        let result = tokio::time::timeout(longest, delivery)
            .await
            .unwrap_or_else(|_| Err(format!("no answer within {}s", longest.as_secs())));
        let now = state.now();
        let id = message.id.clone();
        match result {
            Ok(()) => {
                crate::observability::message_delivered(&message.kind);
                state
                    .store
                    .write(move |connection| outbox::mark_delivered(connection, &id, now))
                    .await?;
            }
            Err(error) => {
                let attempts = message.attempts + 1;
                let retry_at = (attempts < state.config.outbox.max_attempts).then(|| {
                    let delay = state
                        .config
                        .outbox
                        .retry_base_seconds
                        .saturating_mul(1_i64 << (attempts - 1).clamp(0, 30))
                        .min(state.config.outbox.retry_max_seconds);
                    now.plus_seconds(delay)
                });
                crate::observability::message_failed(&message.kind, retry_at.is_none());
                if retry_at.is_none() {
                    tracing::error!(message = %message.id, kind = %message.kind, %error, attempts, "giving up on a message");
                } else {
                    tracing::warn!(message = %message.id, kind = %message.kind, %error, attempts, "delivery failed; will retry");
                }
                state
                    .store
                    .write(move |connection| {
                        outbox::mark_attempt_failed(connection, &id, &error, retry_at, now)
                    })
                    .await?;
            }
        }
    }
    Ok(attempted)
}

fn open<T: serde::de::DeserializeOwned>(
    state: &AppState,
    message: &OutboxMessage,
) -> Result<T, String> {
    let plaintext = state
        .kek
        .decrypt(&message.payload)
        .map_err(|error| error.to_string())?;
    serde_json::from_slice(&plaintext).map_err(|error| error.to_string())
}

async fn deliver_email(state: &AppState, message: &OutboxMessage) -> Result<(), String> {
    let email: crate::messaging::Email = open(state, message)?;
    state.mailer.send(&email).await
}

async fn deliver_sms(
    state: &AppState,
    http: &reqwest::Client,
    message: &OutboxMessage,
) -> Result<(), String> {
    let sms: crate::messaging::Sms = open(state, message)?;
    crate::messaging::send_sms(&state.config.sms, http, &sms).await
}

/// Signs a logout token and posts it to the relying party (Back-Channel Logout §2.5).
async fn deliver_logout(
    state: &AppState,
    http: &reqwest::Client,
    message: &OutboxMessage,
) -> Result<(), String> {
    let notice: LogoutNotice =
        serde_json::from_str(&message.payload).map_err(|error| error.to_string())?;
    let client_id = ClientId::new(notice.client_id.clone());
    let client = state
        .store
        .read(move |connection| clients::find(connection, &client_id))
        .await
        .map_err(|error| error.to_string())?
        .ok_or("the client no longer exists")?;
    let claims = LogoutTokenClaims::new(
        &state.issuer,
        client.id.as_str(),
        &notice.sub,
        &notice.sid,
        crate::random::identifier(),
        state.now(),
    );
    let token = state
        .keys
        .sign(
            client.id_token_signing_algorithm,
            LOGOUT_TOKEN_TYPE,
            &claims,
        )
        .map_err(|error| error.to_string())?;
    let response = http
        .post(&notice.uri)
        .header(reqwest::header::CACHE_CONTROL, "no-store")
        .form(&[("logout_token", token.as_str())])
        .send()
        .await;
    accepted(response, "the relying party")
}

/// Posts an event to a webhook, signed the Standard Webhooks way: the delivery's id, the
/// time of this attempt, and an HMAC of both with the body under the webhook's secret.
async fn deliver_webhook(
    state: &AppState,
    http: &reqwest::Client,
    message: &OutboxMessage,
) -> Result<(), String> {
    let id = message
        .webhook_id
        .clone()
        .ok_or("a delivery without its webhook")?;
    let Some(hook) = state
        .store
        .read(move |connection| webhooks::find(connection, &id))
        .await
        .map_err(|error| error.to_string())?
    else {
        // Deleted since: its waiting deliveries went with it, this one was already claimed.
        return Ok(());
    };
    if !hook.enabled {
        return Err("the webhook is disabled".to_owned());
    }
    let key = state
        .kek
        .decrypt(&hook.encrypted_secret)
        .map_err(|error| error.to_string())?;
    let timestamp = state.now().as_secs();
    let signature = gatehouse_core::webhook::signature(
        &key,
        &message.id,
        timestamp,
        message.payload.as_bytes(),
    );
    let response = http
        .post(&hook.url)
        .header(reqwest::header::CONTENT_TYPE, "application/json")
        .header(reqwest::header::USER_AGENT, "Gatehouse-Webhooks")
        .header("webhook-id", &message.id)
        .header("webhook-timestamp", timestamp)
        .header("webhook-signature", signature)
        .body(message.payload.clone())
        .send()
        .await;
    accepted(response, "the receiver")
}

/// A delivery counts when the other side answers `2xx`; anything else is retried.
fn accepted(response: reqwest::Result<reqwest::Response>, who: &str) -> Result<(), String> {
    let response = response.map_err(|error| error.to_string())?;
    if response.status().is_success() {
        Ok(())
    } else {
        Err(format!("{who} answered {}", response.status()))
    }
}
