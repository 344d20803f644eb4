//! `/api/v1/webhooks`: audit events posted, signed, to other systems. Instance webhooks
//! receive every event they subscribe to and are for instance administrators and
//! applications; a studio webhook receives its studio's events and those of its members,
//! and the studio's admins manage it.

use crate::api::caller::Caller;
use crate::api::conventions::{ApiJson, ApiQuery, no_content};
use crate::api::views::rfc3339;
use crate::error::ApiError;
use crate::service::webhooks::{self, WebhookRefusal, WebhookSettings};
use crate::state::AppState;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use gatehouse_core::StudioId;
use gatehouse_store::webhooks::{Delivery, DeliveryState, Webhook};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A webhook as the API shows it (its secret only once, when made or rotated).
#[derive(Debug, Serialize, ToSchema)]
pub struct WebhookView {
    /// Id.
    id: String,
    /// The studio (slug) whose events it receives; absent: the whole instance's.
    #[serde(skip_serializing_if = "Option::is_none")]
    studio: Option<String>,
    /// Where deliveries are posted.
    url: String,
    /// A note.
    description: String,
    /// Event patterns: `account.closed`, `account.*`, `*`.
    events: Vec<String>,
    /// Whether events are queued for it.
    enabled: bool,
    /// Created (RFC 3339).
    created_at: String,
    /// Last changed (RFC 3339).
    updated_at: String,
    /// The signing secret (`whsec_…`), shown only in the answer that made it.
    #[serde(skip_serializing_if = "Option::is_none")]
    secret: Option<String>,
}

async fn view(
    state: &AppState,
    hook: Webhook,
    secret: Option<String>,
) -> Result<WebhookView, ApiError> {
    let studio = match hook.studio_id.clone() {
        Some(id) => state
            .store
            .read(move |connection| gatehouse_store::studios::find(connection, &id))
            .await?
            .map(|studio| studio.slug),
        None => None,
    };
    Ok(WebhookView {
        id: hook.id,
        studio,
        url: hook.url,
        description: hook.description,
        events: hook.events,
        enabled: hook.enabled,
        created_at: rfc3339(hook.created_at),
        updated_at: rfc3339(hook.updated_at),
        secret,
    })
}

fn refusal(refusal: WebhookRefusal) -> ApiError {
    match refusal {
        WebhookRefusal::Invalid { field, message } => {
            ApiError::invalid_field(format!("/{field}"), message)
        }
        WebhookRefusal::NotFound => ApiError::not_found("no such webhook"),
    }
}

/// The webhook `id`, when the caller may manage it; another studio's is "not found".
async fn reachable(state: &AppState, caller: &Caller, id: &str) -> Result<Webhook, ApiError> {
    let not_found = || ApiError::not_found(format!("no webhook {id:?}"));
    let hook = webhooks::find(state, id).await?.ok_or_else(not_found)?;
    match &hook.studio_id {
        None => caller.require_everywhere("manage instance webhooks")?,
        Some(studio_id) if !caller.may_in(studio_id, None) => return Err(not_found()),
        Some(_) => {}
    }
    Ok(hook)
}

/// List the webhooks the caller may manage.
#[utoipa::path(
    get, path = "/api/v1/webhooks", tag = "webhooks",
    operation_id = "webhooks_list",
    responses((status = 200, description = "The webhooks, oldest first", body = Vec<WebhookView>)),
    security(("gatehouse" = ["webhooks:read"]))
)]
pub async fn list(State(state): State<AppState>, caller: Caller) -> Result<Response, ApiError> {
    caller.require("webhooks:read")?;
    let mut views = Vec::new();
    for hook in webhooks::list(&state, caller.studio_ids()).await? {
        views.push(view(&state, hook, None).await?);
    }
    Ok(Json(views).into_response())
}

/// A webhook's settings; on creation `url` and `events` are required, on change fields left
/// out stay as they are.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WebhookBody {
    /// The studio (slug) whose events it receives (creation only); leave out for an
    /// instance webhook.
    studio: Option<String>,
    /// `https`, or `http` to localhost.
    url: Option<String>,
    /// Event patterns: `account.closed`, `account.*`, `*`.
    events: Option<Vec<String>>,
    description: Option<String>,
    enabled: Option<bool>,
    /// On change: replace the secret; the answer shows the new one.
    rotate_secret: Option<bool>,
}

impl WebhookBody {
    fn settings(&self) -> WebhookSettings {
        WebhookSettings {
            url: self.url.clone(),
            events: self.events.clone(),
            description: self.description.clone(),
            enabled: self.enabled,
        }
    }
}

/// Register a webhook. The answer holds its secret, which is never shown again.
#[utoipa::path(
    post, path = "/api/v1/webhooks", tag = "webhooks",
    operation_id = "webhooks_create",
    request_body = WebhookBody,
    responses((status = 201, description = "Registered, with its secret", body = WebhookView)),
    security(("gatehouse" = ["webhooks:write"]))
)]
pub async fn create(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(body): ApiJson<WebhookBody>,
) -> Result<Response, ApiError> {
    caller.require("webhooks:write")?;
    if body.rotate_secret.is_some() {
        return Err(ApiError::invalid_field(
            "/rotate_secret",
            "a new webhook gets its secret anyway",
        ));
    }
    let studio_id: Option<StudioId> = match &body.studio {
        Some(slug) => Some(
            crate::api::studios::reachable(&state, &caller, slug, None)
                .await?
                .id,
        ),
        None => {
            caller.require_everywhere("register instance webhooks")?;
            None
        }
    };
    let (hook, secret) = webhooks::create(&state, &caller.actor, studio_id, &body.settings())
        .await?
        .map_err(refusal)?;
    Ok((
        StatusCode::CREATED,
        Json(view(&state, hook, Some(secret)).await?),
    )
        .into_response())
}

/// Read a webhook.
#[utoipa::path(
    get, path = "/api/v1/webhooks/{id}", tag = "webhooks",
    operation_id = "webhooks_get",
    params(("id" = String, Path, description = "The webhook id")),
    responses((status = 200, description = "The webhook", body = WebhookView)),
    security(("gatehouse" = ["webhooks:read"]))
)]
pub async fn get(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    caller.require("webhooks:read")?;
    let hook = reachable(&state, &caller, &id).await?;
    Ok(Json(view(&state, hook, None).await?).into_response())
}

/// Change a webhook: its URL, events, description, whether it is enabled, or its secret.
#[utoipa::path(
    patch, path = "/api/v1/webhooks/{id}", tag = "webhooks",
    operation_id = "webhooks_update",
    params(("id" = String, Path, description = "The webhook id")),
    request_body = WebhookBody,
    responses((status = 200, description = "Changed (with the new secret when rotated)", body = WebhookView)),
    security(("gatehouse" = ["webhooks:write"]))
)]
pub async fn update(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<WebhookBody>,
) -> Result<Response, ApiError> {
    caller.require("webhooks:write")?;
    if body.studio.is_some() {
        return Err(ApiError::invalid_field(
            "/studio",
            "a webhook stays with its studio; register another",
        ));
    }
    let hook = reachable(&state, &caller, &id).await?;
    let rotate = body.rotate_secret.unwrap_or(false);
    let (hook, secret) = webhooks::update(&state, &caller.actor, hook, &body.settings(), rotate)
        .await?
        .map_err(refusal)?;
    Ok(Json(view(&state, hook, secret).await?).into_response())
}

/// Remove a webhook; deliveries still waiting for it are dropped.
#[utoipa::path(
    delete, path = "/api/v1/webhooks/{id}", tag = "webhooks",
    operation_id = "webhooks_delete",
    params(("id" = String, Path, description = "The webhook id")),
    responses((status = 204, description = "Removed")),
    security(("gatehouse" = ["webhooks:write"]))
)]
pub async fn delete(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    caller.require("webhooks:write")?;
    let hook = reachable(&state, &caller, &id).await?;
    webhooks::delete(&state, &caller.actor, hook).await?;
    Ok(no_content())
}

/// A delivery of one event to the webhook.
#[derive(Debug, Serialize, ToSchema)]
pub struct DeliveryView {
    /// Id: the `webhook-id` header, the same on every attempt.
    id: String,
    /// The event's type.
    event_type: String,
    /// The body posted.
    #[schema(value_type = Object)]
    event: serde_json::Value,
    /// `pending`, `delivered` or `failed` (a dead letter: every attempt failed).
    state: &'static str,
    /// Attempts made.
    attempts: i32,
    /// The last failed attempt's error.
    #[serde(skip_serializing_if = "Option::is_none")]
    last_error: Option<String>,
    /// Queued (RFC 3339).
    created_at: String,
    /// The next attempt, while pending (RFC 3339).
    #[serde(skip_serializing_if = "Option::is_none")]
    next_attempt_at: Option<String>,
    /// Delivered or given up (RFC 3339).
    #[serde(skip_serializing_if = "Option::is_none")]
    finished_at: Option<String>,
}

impl From<Delivery> for DeliveryView {
    fn from(delivery: Delivery) -> Self {
        let event: serde_json::Value =
            serde_json::from_str(&delivery.body).unwrap_or(serde_json::Value::Null);
        Self {
            event_type: event["type"].as_str().unwrap_or_default().to_owned(),
            event,
            state: match delivery.state {
                DeliveryState::Pending => "pending",
                DeliveryState::Delivered => "delivered",
                DeliveryState::Failed => "failed",
            },
            attempts: delivery.attempts,
            last_error: delivery.last_error,
            created_at: rfc3339(delivery.created_at),
            next_attempt_at: (delivery.state == DeliveryState::Pending)
                .then(|| rfc3339(delivery.next_attempt_at)),
            finished_at: delivery.finished_at.map(rfc3339),
            id: delivery.id,
        }
    }
}

/// The query of `GET /api/v1/webhooks/{id}/deliveries`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeliveryQuery {
    /// `pending`, `delivered` or `failed` (dead letters); all when left out.
    state: Option<String>,
    /// At most this many, newest first (1 to 200, default 50).
    limit: Option<i64>,
}

/// A webhook's deliveries, newest first: what is waiting, what arrived, and the dead letters
/// that ran out of attempts. Finished deliveries are kept for the outbox retention period.
#[utoipa::path(
    get, path = "/api/v1/webhooks/{id}/deliveries", tag = "webhooks",
    operation_id = "webhooks_deliveries",
    params(
        ("id" = String, Path, description = "The webhook id"),
        ("state" = Option<String>, Query, description = "`pending`, `delivered` or `failed`"),
        ("limit" = Option<i64>, Query, description = "At most this many (1 to 200, default 50)"),
    ),
    responses((status = 200, description = "The deliveries", body = Vec<DeliveryView>)),
    security(("gatehouse" = ["webhooks:read"]))
)]
pub async fn deliveries(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    ApiQuery(query): ApiQuery<DeliveryQuery>,
) -> Result<Response, ApiError> {
    caller.require("webhooks:read")?;
    let hook = reachable(&state, &caller, &id).await?;
    let in_state = match query.state.as_deref() {
        None => None,
        Some("pending") => Some(DeliveryState::Pending),
        Some("delivered") => Some(DeliveryState::Delivered),
        Some("failed") => Some(DeliveryState::Failed),
        Some(_) => {
            return Err(ApiError::invalid_field(
                "state",
                "use pending, delivered or failed",
            ));
        }
    };
    let limit = query.limit.unwrap_or(50);
    if !(1..=200).contains(&limit) {
        return Err(ApiError::invalid_field("limit", "between 1 and 200"));
    }
    let found = webhooks::deliveries(&state, &hook.id, in_state, limit).await?;
    Ok(Json(
        found
            .into_iter()
            .map(DeliveryView::from)
            .collect::<Vec<_>>(),
    )
    .into_response())
}

/// Send a dead letter again, with a fresh set of attempts.
#[utoipa::path(
    post, path = "/api/v1/webhooks/{id}/deliveries/{delivery}/retry", tag = "webhooks",
    operation_id = "webhooks_retry_delivery",
    params(
        ("id" = String, Path, description = "The webhook id"),
        ("delivery" = String, Path, description = "The delivery id"),
    ),
    responses((status = 202, description = "Queued again")),
    security(("gatehouse" = ["webhooks:write"]))
)]
pub async fn retry(
    State(state): State<AppState>,
    caller: Caller,
    Path((id, delivery)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    caller.require("webhooks:write")?;
    let hook = reachable(&state, &caller, &id).await?;
    if !webhooks::retry(&state, &hook.id, &delivery).await? {
        return Err(ApiError::not_found(format!(
            "no failed delivery {delivery:?} of this webhook"
        )));
    }
    Ok(StatusCode::ACCEPTED.into_response())
}
