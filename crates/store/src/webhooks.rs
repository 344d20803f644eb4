//! Webhooks and their deliveries. A delivery is an outbox message of kind
//! [`DELIVERY_KIND`] naming its webhook; it is queued by [`enqueue_event`] in the
//! transaction that records the audit event, so an event is sent if and only if it happened.

use crate::DbConn;
use crate::audit::AuditEvent;
use crate::error::StoreResult;
use crate::schema::{memberships, outbox, webhooks};
use diesel::prelude::*;
use gatehouse_core::webhook::{EventBody, EventData, subscribes};
use gatehouse_core::{StudioId, UnixTime, UserId};

/// The outbox kind of a webhook delivery.
pub const DELIVERY_KIND: &str = "webhook";

/// A registered webhook.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Webhook {
    /// Id.
    pub id: String,
    /// The studio whose events it receives; `None`: the whole instance's.
    pub studio_id: Option<StudioId>,
    /// Where deliveries are posted.
    pub url: String,
    /// The administrator's note.
    pub description: String,
    /// Event patterns (`*`, `account.*`, `account.closed`).
    pub events: Vec<String>,
    /// The signing secret, encrypted under the key-encryption key.
    pub encrypted_secret: String,
    /// Whether events are queued for it.
    pub enabled: bool,
    /// Created.
    pub created_at: UnixTime,
    /// Last changed.
    pub updated_at: UnixTime,
}

type WebhookRow = (
    String,
    Option<String>,
    String,
    String,
    String,
    String,
    bool,
    i64,
    i64,
);

fn webhook(row: WebhookRow) -> Webhook {
    let (id, studio_id, url, description, events, secret, enabled, created_at, updated_at) = row;
    Webhook {
        id,
        studio_id: studio_id.map(StudioId::new),
        url,
        description,
        events: events.split_whitespace().map(str::to_owned).collect(),
        encrypted_secret: secret,
        enabled,
        created_at: UnixTime(created_at),
        updated_at: UnixTime(updated_at),
    }
}

/// Stores a new webhook.
pub fn insert(connection: &mut DbConn, hook: &Webhook) -> StoreResult<()> {
    diesel::insert_into(webhooks::table)
        .values((
            webhooks::id.eq(&hook.id),
            webhooks::studio_id.eq(hook.studio_id.as_ref().map(StudioId::as_str)),
            webhooks::url.eq(&hook.url),
            webhooks::description.eq(&hook.description),
            webhooks::events.eq(hook.events.join(" ")),
            webhooks::secret.eq(&hook.encrypted_secret),
            webhooks::enabled.eq(hook.enabled),
            webhooks::created_at.eq(hook.created_at.as_secs()),
            webhooks::updated_at.eq(hook.updated_at.as_secs()),
        ))
        .execute(connection)?;
    Ok(())
}

/// Writes a webhook's changeable fields (URL, description, events, secret, enabled).
pub fn update(connection: &mut DbConn, hook: &Webhook) -> StoreResult<bool> {
    Ok(diesel::update(webhooks::table.find(&hook.id))
        .set((
            webhooks::url.eq(&hook.url),
            webhooks::description.eq(&hook.description),
            webhooks::events.eq(hook.events.join(" ")),
            webhooks::secret.eq(&hook.encrypted_secret),
            webhooks::enabled.eq(hook.enabled),
            webhooks::updated_at.eq(hook.updated_at.as_secs()),
        ))
        .execute(connection)?
        > 0)
}

/// Deletes a webhook and the deliveries still waiting for it; returns whether it existed.
pub fn delete(connection: &mut DbConn, id: &str) -> StoreResult<bool> {
    diesel::delete(
        outbox::table
            .filter(outbox::webhook_id.eq(id))
            .filter(outbox::delivered_at.is_null()),
    )
    .execute(connection)?;
    Ok(diesel::delete(webhooks::table.find(id)).execute(connection)? > 0)
}

/// The webhook `id`.
pub fn find(connection: &mut DbConn, id: &str) -> StoreResult<Option<Webhook>> {
    Ok(webhooks::table
        .find(id)
        .select(webhooks::all_columns)
        .first::<WebhookRow>(connection)
        .optional()?
        .map(webhook))
}

/// Webhooks, oldest first: every one when `studios` is `None`, else those of these studios.
pub fn list(connection: &mut DbConn, studios: Option<&[StudioId]>) -> StoreResult<Vec<Webhook>> {
    let mut query = webhooks::table.select(webhooks::all_columns).into_boxed();
    if let Some(studios) = studios {
        let ids: Vec<&str> = studios.iter().map(StudioId::as_str).collect();
        query = query.filter(webhooks::studio_id.eq_any(ids));
    }
    Ok(query
        .order((webhooks::created_at.asc(), webhooks::id.asc()))
        .load::<WebhookRow>(connection)?
        .into_iter()
        .map(webhook)
        .collect())
}

/// Queues `event` for every enabled webhook that subscribes to it: instance webhooks, and
/// the webhooks of the event's studio and of every studio its account belongs to. Returns
/// how many deliveries were queued. With no enabled webhook this is one small read.
pub fn enqueue_event(connection: &mut DbConn, event: &AuditEvent<'_>) -> StoreResult<usize> {
    let candidates = webhooks::table
        .filter(webhooks::enabled.eq(true))
        .select((webhooks::id, webhooks::studio_id, webhooks::events))
        .load::<(String, Option<String>, String)>(connection)?;
    let patterns = |events: &str| {
        events
            .split_whitespace()
            .map(str::to_owned)
            .collect::<Vec<_>>()
    };
    let mut targets: Vec<(String, Option<String>)> = candidates
        .into_iter()
        .filter(|(_, _, events)| subscribes(&patterns(events), event.kind))
        .map(|(id, studio_id, _)| (id, studio_id))
        .collect();
    if targets.is_empty() {
        return Ok(0);
    }
    let user_id = event.about.or(event.user_id);
    if targets.iter().any(|(_, studio_id)| studio_id.is_some()) {
        let mut studios: Vec<String> = event.studio_id.map(str::to_owned).into_iter().collect();
        if let Some(user_id) = user_id {
            studios.extend(
                memberships::table
                    .filter(memberships::user_id.eq(user_id.as_str()))
                    .select(memberships::studio_id)
                    .load::<String>(connection)?,
            );
        }
        targets.retain(|(_, studio_id)| studio_id.as_ref().is_none_or(|id| studios.contains(id)));
    }
    let body = serde_json::to_string(&EventBody {
        id: event.id,
        kind: event.kind,
        occurred_at: event.at.as_secs(),
        data: EventData {
            user_id: user_id.map(UserId::as_str),
            studio_id: event.studio_id,
            client_id: event.client_id,
            actor: event.actor,
            detail: event.detail,
        },
    })
    .map_err(crate::error::corrupt)?;
    for (webhook_id, _) in &targets {
        diesel::insert_into(outbox::table)
            .values((
                // One delivery per event and webhook: its id is the receivers' dedup key.
                outbox::id.eq(format!("{}.{webhook_id}", event.id)),
                outbox::kind.eq(DELIVERY_KIND),
                outbox::payload.eq(&body),
                outbox::next_attempt_at.eq(event.at.as_secs()),
                outbox::created_at.eq(event.at.as_secs()),
                outbox::webhook_id.eq(webhook_id),
            ))
            .execute(connection)?;
    }
    Ok(targets.len())
}

/// Where a delivery stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeliveryState {
    /// Waiting for its first or next attempt.
    Pending,
    /// Accepted by the receiver.
    Delivered,
    /// Given up after the last attempt: a dead letter until retried or purged.
    Failed,
}

/// One delivery of an event to a webhook.
#[derive(Debug, Clone)]
pub struct Delivery {
    /// Id (the `webhook-id` header).
    pub id: String,
    /// The body posted.
    pub body: String,
    /// Where it stands.
    pub state: DeliveryState,
    /// Attempts made.
    pub attempts: i32,
    /// The last attempt's error.
    pub last_error: Option<String>,
    /// Queued.
    pub created_at: UnixTime,
    /// The next attempt, while pending.
    pub next_attempt_at: UnixTime,
    /// Delivered or given up.
    pub finished_at: Option<UnixTime>,
}

type DeliveryRow = (
    String,
    String,
    i32,
    Option<String>,
    i64,
    i64,
    Option<i64>,
    Option<i64>,
);

/// The webhook's deliveries, newest first, at most `limit`, in `state` if one is named.
pub fn deliveries(
    connection: &mut DbConn,
    webhook_id: &str,
    state: Option<DeliveryState>,
    limit: i64,
) -> StoreResult<Vec<Delivery>> {
    let mut query = outbox::table
        .filter(outbox::webhook_id.eq(webhook_id))
        .into_boxed();
    query = match state {
        None => query,
        Some(DeliveryState::Pending) => query
            .filter(outbox::delivered_at.is_null())
            .filter(outbox::failed_at.is_null()),
        Some(DeliveryState::Delivered) => query.filter(outbox::delivered_at.is_not_null()),
        Some(DeliveryState::Failed) => query.filter(outbox::failed_at.is_not_null()),
    };
    Ok(query
        .order((outbox::created_at.desc(), outbox::id.desc()))
        .limit(limit)
        .select((
            outbox::id,
            outbox::payload,
            outbox::attempts,
            outbox::last_error,
            outbox::created_at,
            outbox::next_attempt_at,
            outbox::delivered_at,
            outbox::failed_at,
        ))
        .load::<DeliveryRow>(connection)?
        .into_iter()
        .map(
            |(
                id,
                body,
                attempts,
                last_error,
                created_at,
                next_attempt_at,
                delivered_at,
                failed_at,
            )| {
                let state = match (delivered_at, failed_at) {
                    (Some(_), _) => DeliveryState::Delivered,
                    (None, Some(_)) => DeliveryState::Failed,
                    (None, None) => DeliveryState::Pending,
                };
                Delivery {
                    id,
                    body,
                    state,
                    attempts,
                    last_error,
                    created_at: UnixTime(created_at),
                    next_attempt_at: UnixTime(next_attempt_at),
                    finished_at: delivered_at.or(failed_at).map(UnixTime),
                }
            },
        )
        .collect())
}

/// Puts a dead letter back in the queue with a fresh set of attempts; returns whether the
/// delivery was one (a pending or delivered one is left alone).
pub fn retry_delivery(
    connection: &mut DbConn,
    webhook_id: &str,
    delivery_id: &str,
    now: UnixTime,
) -> StoreResult<bool> {
    Ok(diesel::update(
        outbox::table
            .find(delivery_id)
            .filter(outbox::webhook_id.eq(webhook_id))
            .filter(outbox::failed_at.is_not_null()),
    )
    .set((
        outbox::failed_at.eq(None::<i64>),
        outbox::attempts.eq(0),
        outbox::next_attempt_at.eq(now.as_secs()),
        outbox::locked_until.eq(None::<i64>),
    ))
    .execute(connection)?
        > 0)
}
