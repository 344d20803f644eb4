//! Webhooks as administrators manage them: registered for the instance or one studio,
//! signed with a secret Gatehouse generates and shows once, and their deliveries (dead
//! letters included) listed and retried. Delivery itself is the outbox worker's.

use crate::error::ServerError;
use crate::service::Aborted;
use crate::service::audit::{self, Actor, Event};
use crate::state::AppState;
use gatehouse_core::StudioId;
use gatehouse_core::webhook::{display_secret, parse_event_patterns};
use gatehouse_store::webhooks::{self as store, Delivery, DeliveryState, Webhook};

/// Longest accepted URL.
const LONGEST_URL: usize = 2000;
/// Longest accepted description.
const LONGEST_DESCRIPTION: usize = 500;

/// Why a webhook change was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WebhookRefusal {
    /// A field is wrong.
    Invalid {
        /// The field.
        field: &'static str,
        /// Why.
        message: String,
    },
    /// No such webhook (or not one the caller may see).
    NotFound,
}

fn invalid(field: &'static str, message: impl Into<String>) -> WebhookRefusal {
    WebhookRefusal::Invalid {
        field,
        message: message.into(),
    }
}

/// What an administrator sets; on creation `url` and `events` are required, on change
/// fields left out stay as they are.
#[derive(Debug, Clone, Default)]
pub struct WebhookSettings {
    /// Where deliveries are posted.
    pub url: Option<String>,
    /// Event patterns.
    pub events: Option<Vec<String>>,
    /// A note.
    pub description: Option<String>,
    /// Whether events are queued for it.
    pub enabled: Option<bool>,
}

/// Checks a receiver URL: `https`, or `http` to this machine only (a receiver beside
/// Gatehouse, or a test). Events leave the provider, so nothing is sent in the clear over a
/// network.
pub fn check_url(url: &str) -> Result<String, String> {
    if url.len() > LONGEST_URL {
        return Err(format!("at most {LONGEST_URL} characters"));
    }
    let parsed = url::Url::parse(url).map_err(|error| format!("not a URL: {error}"))?;
    let loopback = match parsed.host() {
        Some(url::Host::Domain(domain)) => domain.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(address)) => address.is_loopback(),
        Some(url::Host::Ipv6(address)) => address.is_loopback(),
        None => return Err("the URL needs a host".to_owned()),
    };
    match parsed.scheme() {
        "https" => {}
        "http" if loopback => {}
        "http" => return Err("use https (http only to localhost)".to_owned()),
        _ => return Err("use an https URL".to_owned()),
    }
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return Err("put no credentials in the URL; check the signature instead".to_owned());
    }
    if parsed.fragment().is_some() {
        return Err("a URL with a #fragment is not posted to".to_owned());
    }
    Ok(parsed.to_string())
}

fn apply(hook: &mut Webhook, settings: &WebhookSettings) -> Result<(), WebhookRefusal> {
    if let Some(url) = &settings.url {
        hook.url = check_url(url).map_err(|message| invalid("url", message))?;
    }
    if let Some(events) = &settings.events {
        hook.events =
            parse_event_patterns(events).map_err(|error| invalid("events", error.to_string()))?;
    }
    if let Some(description) = &settings.description {
        if description.chars().count() > LONGEST_DESCRIPTION
            || description.chars().any(char::is_control)
        {
            return Err(invalid(
                "description",
                format!("one line of at most {LONGEST_DESCRIPTION} characters"),
            ));
        }
        description.clone_into(&mut hook.description);
    }
    if let Some(enabled) = settings.enabled {
        hook.enabled = enabled;
    }
    Ok(())
}

/// A new secret: 32 random bytes, returned as shown once and as stored (encrypted).
fn new_secret(state: &AppState) -> Result<(String, String), ServerError> {
    let key = crate::random::bytes::<32>();
    Ok((display_secret(&key), state.kek.encrypt(&key)?))
}

/// Registers a webhook for `studio_id` (the instance when `None`); returns it with its
/// secret, which is never shown again.
pub async fn create(
    state: &AppState,
    actor: &Actor,
    studio_id: Option<StudioId>,
    settings: &WebhookSettings,
) -> Result<Result<(Webhook, String), WebhookRefusal>, ServerError> {
    if settings.url.is_none() {
        return Ok(Err(invalid("url", "required")));
    }
    if settings.events.is_none() {
        return Ok(Err(invalid("events", "required: event names, area.* or *")));
    }
    let (shown, sealed) = new_secret(state)?;
    let now = state.now();
    let mut hook = Webhook {
        id: crate::random::row_id(),
        studio_id,
        url: String::new(),
        description: String::new(),
        events: Vec::new(),
        encrypted_secret: sealed,
        enabled: true,
        created_at: now,
        updated_at: now,
    };
    if let Err(refusal) = apply(&mut hook, settings) {
        return Ok(Err(refusal));
    }
    let (stored, actor, secrets) = (hook.clone(), actor.clone(), state.secrets.clone());
    state
        .store
        .write(move |connection| {
            store::insert(connection, &stored)?;
            audit::record(
                connection,
                &secrets,
                &actor,
                &changed(&stored, "webhook.created"),
                now,
            )
        })
        .await?;
    Ok(Ok((hook, shown)))
}

fn changed<'a>(hook: &'a Webhook, kind: &'a str) -> Event<'a> {
    Event {
        studio_id: hook.studio_id.as_ref().map(StudioId::as_str),
        detail: serde_json::json!({ "webhook": hook.id, "url": hook.url, "events": hook.events }),
        ..Event::new(kind)
    }
}

/// The webhook `id`.
pub async fn find(state: &AppState, id: &str) -> Result<Option<Webhook>, ServerError> {
    let id = id.to_owned();
    Ok(state
        .store
        .read(move |connection| store::find(connection, &id))
        .await?)
}

/// Webhooks: all of them, or those of `studios`.
pub async fn list(
    state: &AppState,
    studios: Option<Vec<StudioId>>,
) -> Result<Vec<Webhook>, ServerError> {
    Ok(state
        .store
        .read(move |connection| store::list(connection, studios.as_deref()))
        .await?)
}

/// Changes `hook`'s settings; with `rotate_secret`, replaces its secret and returns the new
/// one (shown once).
pub async fn update(
    state: &AppState,
    actor: &Actor,
    mut hook: Webhook,
    settings: &WebhookSettings,
    rotate_secret: bool,
) -> Result<Result<(Webhook, Option<String>), WebhookRefusal>, ServerError> {
    if let Err(refusal) = apply(&mut hook, settings) {
        return Ok(Err(refusal));
    }
    let shown = if rotate_secret {
        let (shown, sealed) = new_secret(state)?;
        hook.encrypted_secret = sealed;
        Some(shown)
    } else {
        None
    };
    let now = state.now();
    hook.updated_at = now;
    let (stored, actor, secrets) = (hook.clone(), actor.clone(), state.secrets.clone());
    let kind = if rotate_secret {
        "webhook.secret_rotated"
    } else {
        "webhook.updated"
    };
    let outcome = state
        .store
        .write(move |connection| -> Result<(), Aborted<WebhookRefusal>> {
            if !store::update(connection, &stored)? {
                return Err(Aborted::Refused(WebhookRefusal::NotFound));
            }
            audit::record(connection, &secrets, &actor, &changed(&stored, kind), now)?;
            Ok(())
        })
        .await;
    Ok(Aborted::settle(outcome)?.map(|()| (hook, shown)))
}

/// Deletes `hook` and the deliveries still waiting for it.
pub async fn delete(state: &AppState, actor: &Actor, hook: Webhook) -> Result<(), ServerError> {
    let (actor, secrets, now) = (actor.clone(), state.secrets.clone(), state.now());
    state
        .store
        .write(move |connection| {
            store::delete(connection, &hook.id)?;
            audit::record(
                connection,
                &secrets,
                &actor,
                &changed(&hook, "webhook.deleted"),
                now,
            )
        })
        .await?;
    Ok(())
}

/// The webhook's deliveries, newest first.
pub async fn deliveries(
    state: &AppState,
    webhook_id: &str,
    in_state: Option<DeliveryState>,
    limit: i64,
) -> Result<Vec<Delivery>, ServerError> {
    let id = webhook_id.to_owned();
    Ok(state
        .store
        .read(move |connection| store::deliveries(connection, &id, in_state, limit))
        .await?)
}

/// Queues a dead letter again; `false` when it is not one of the webhook's dead letters.
pub async fn retry(
    state: &AppState,
    webhook_id: &str,
    delivery_id: &str,
) -> Result<bool, ServerError> {
    let (webhook_id, delivery_id, now) =
        (webhook_id.to_owned(), delivery_id.to_owned(), state.now());
    let retried = state
        .store
        .write(move |connection| store::retry_delivery(connection, &webhook_id, &delivery_id, now))
        .await?;
    if retried {
        state.outbox_wakeup.notify_one();
    }
    Ok(retried)
}
