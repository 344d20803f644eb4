//! What operators watch: Prometheus metrics at `/metrics` and one access-log line per
//! request, both tagged with a request id that is echoed to the caller.
//!
//! The metrics recorder is process-wide (the `metrics` facade has one global recorder), so
//! every application in a process shares one registry; with `metrics.enabled = false` no
//! recorder is installed and every `metrics::` call is a no-op.

use crate::http::ClientAddress;
use crate::state::AppState;
use axum::extract::{FromRequestParts, MatchedPath, RawPathParams, Request, State};
use axum::http::{HeaderName, HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// The request id header, accepted from the caller (a proxy that already assigned one) and
/// echoed on every response.
pub const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

const REQUESTS: &str = "gatehouse_http_requests_total";
const REQUEST_DURATION: &str = "gatehouse_http_request_duration_seconds";
const SIGN_INS: &str = "gatehouse_sign_ins_total";
const TOKENS_ISSUED: &str = "gatehouse_tokens_issued_total";
const MESSAGES_DELIVERED: &str = "gatehouse_outbox_delivered_total";
const MESSAGE_FAILURES: &str = "gatehouse_outbox_failures_total";
const OUTBOX_PENDING: &str = "gatehouse_outbox_pending";
const POOL_CONNECTIONS: &str = "gatehouse_db_pool_connections";
const POOL_MAX: &str = "gatehouse_db_pool_max_connections";
const HASH_QUEUE: &str = "gatehouse_password_hash_queue";

/// Latency buckets in seconds: from a cached JWKS read to a queued argon2 hash.
const LATENCY_BUCKETS: [f64; 12] = [
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0,
];

/// How often recorded histogram samples are folded into their buckets when nobody scrapes.
pub const UPKEEP_EVERY: Duration = Duration::from_secs(5);

static RECORDER: OnceLock<Option<PrometheusHandle>> = OnceLock::new();

/// Installs the process's metrics recorder (once; later calls return the same handle).
/// `None` when another recorder was installed first by the embedding program.
pub fn recorder() -> Option<&'static PrometheusHandle> {
    RECORDER
        .get_or_init(|| {
            let builder = PrometheusBuilder::new()
                .set_buckets_for_metric(
                    Matcher::Full(REQUEST_DURATION.to_owned()),
                    &LATENCY_BUCKETS,
                )
                .ok()?;
            match builder.install_recorder() {
                Ok(handle) => {
                    describe();
                    Some(handle)
                }
                Err(error) => {
                    tracing::warn!(%error, "metrics recorder not installed");
                    None
                }
            }
        })
        .as_ref()
}

fn describe() {
    use metrics::{describe_counter, describe_gauge, describe_histogram};
    describe_counter!(
        REQUESTS,
        "HTTP requests answered, by method, route and status."
    );
    describe_histogram!(
        REQUEST_DURATION,
        metrics::Unit::Seconds,
        "Time to answer an HTTP request, by method and route."
    );
    describe_counter!(
        SIGN_INS,
        "Sign-in steps by step (first_factor, second_factor), method and outcome."
    );
    describe_counter!(TOKENS_ISSUED, "Token responses by grant type.");
    describe_counter!(MESSAGES_DELIVERED, "Queued messages delivered, by kind.");
    describe_counter!(
        MESSAGE_FAILURES,
        "Failed deliveries of queued messages, by kind and whether the message was given up."
    );
    describe_gauge!(
        OUTBOX_PENDING,
        "Queued messages not yet delivered or given up."
    );
    describe_gauge!(
        POOL_CONNECTIONS,
        "Database connections, by state (idle, in_use)."
    );
    describe_gauge!(POOL_MAX, "database.max_connections.");
    describe_gauge!(HASH_QUEUE, "Password hashes waiting for a hashing thread.");
}

/// A sign-in `step` (`first_factor`, `second_factor`) by `method` ended with `outcome`
/// (`succeeded`, `continued` to another step, `failed`, `throttled`, `refused`, `expired`,
/// `error`).
pub fn sign_in(step: &'static str, method: &'static str, outcome: &'static str) {
    metrics::counter!(SIGN_INS, "step" => step, "method" => method, "outcome" => outcome)
        .increment(1);
}

/// The token endpoint answered a `grant` with tokens.
pub fn token_issued(grant: &'static str) {
    metrics::counter!(TOKENS_ISSUED, "grant" => grant).increment(1);
}

/// A queued message of `kind` was delivered.
pub fn message_delivered(kind: &str) {
    metrics::counter!(MESSAGES_DELIVERED, "kind" => kind.to_owned()).increment(1);
}

/// A delivery of a queued message of `kind` failed; `given_up` when it will not be retried.
pub fn message_failed(kind: &str, given_up: bool) {
    let given_up = if given_up { "true" } else { "false" };
    metrics::counter!(MESSAGE_FAILURES, "kind" => kind.to_owned(), "given_up" => given_up)
        .increment(1);
}

/// The client a request was made by, when the handler knows it better than the query string
/// does (the token endpoint authenticates it from the body or a header). Handlers put it in
/// the response's extensions; the access log reads it from there.
#[derive(Debug, Clone)]
pub struct LoggedClient(pub String);

/// Wraps every request: assigns the request id (or keeps a well-formed one from the caller),
/// times the request, counts it by route and status, and writes the access-log line.
/// The route is the matched pattern (`/s/{slug}/login`), never the raw path, so the number
/// of series stays bounded and no path parameter lands in a label.
pub async fn track(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let started = Instant::now();
    let (mut parts, body) = request.into_parts();
    let request_id = parts
        .headers
        .get(&REQUEST_ID)
        .and_then(|value| value.to_str().ok())
        .filter(|value| is_plain_id(value))
        .map_or_else(|| uuid::Uuid::new_v4().simple().to_string(), str::to_owned);
    if let Ok(value) = HeaderValue::from_str(&request_id) {
        parts.headers.insert(REQUEST_ID, value);
    }
    let route = parts
        .extensions
        .get::<MatchedPath>()
        .map_or("unmatched", MatchedPath::as_str)
        .to_owned();
    let method = parts.method.clone();
    let studio = RawPathParams::from_request_parts(&mut parts, &state)
        .await
        .ok()
        .and_then(|parameters| {
            parameters
                .iter()
                .find(|(name, _)| *name == "slug")
                .map(|(_, value)| value.to_owned())
        });
    // `client_id` is public (it sits in every authorization URL); nothing else of the query
    // string is read, since it can carry codes and tokens.
    let query_client = parts.uri.query().and_then(|query| {
        url::form_urlencoded::parse(query.as_bytes())
            .find(|(name, _)| name == "client_id")
            .map(|(_, value)| value.chars().take(128).collect::<String>())
    });
    let Ok(ClientAddress(address)) = ClientAddress::from_request_parts(&mut parts, &state).await;

    let mut response = next.run(Request::from_parts(parts, body)).await;

    let elapsed = started.elapsed();
    let status = response.status().as_u16();
    let client_id = response
        .extensions_mut()
        .remove::<LoggedClient>()
        .map(|LoggedClient(id)| id)
        .or(query_client);
    if let Ok(value) = HeaderValue::from_str(&request_id) {
        response.headers_mut().insert(REQUEST_ID, value);
    }
    metrics::counter!(
        REQUESTS,
        "method" => method.as_str().to_owned(),
        "route" => route.clone(),
        "status" => status.to_string(),
    )
    .increment(1);
    metrics::histogram!(
        REQUEST_DURATION,
        "method" => method.as_str().to_owned(),
        "route" => route.clone(),
    )
    .record(elapsed.as_secs_f64());
    tracing::info!(
        target: "gatehouse::access",
        request_id = %request_id,
        method = %method,
        route = %route,
        status,
        duration_ms = elapsed.as_secs_f64() * 1000.0,
        client_id = client_id.as_deref().unwrap_or("-"),
        studio = studio.as_deref().unwrap_or("-"),
        address = %address,
        "request"
    );
    response
}

/// A request id worth keeping: short, and only characters that cannot forge a log line.
fn is_plain_id(value: &str) -> bool {
    (1..=64).contains(&value.len())
        && value
            .bytes()
            .all(|byte| byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.'))
}

/// `GET /metrics`: the Prometheus text format, to callers from `metrics.allowed_networks`
/// only; anyone else gets the same `404` as an unknown path, so the endpoint's existence
/// is not advertised.
pub async fn render(
    State(state): State<AppState>,
    ClientAddress(address): ClientAddress,
) -> Response {
    let allowed = state
        .config
        .metrics
        .allowed_networks
        .iter()
        .any(|range| range.contains(address));
    let handle = recorder().filter(|_| state.config.metrics.enabled && allowed);
    let Some(handle) = handle else {
        return crate::router::not_found(axum::http::Uri::from_static("/metrics")).await;
    };
    record_gauges(&state).await;
    handle.run_upkeep();
    (
        StatusCode::OK,
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        handle.render(),
    )
        .into_response()
}

/// Readings taken at scrape time rather than kept up to date on every change.
async fn record_gauges(state: &AppState) {
    let usage = state.store.pool_usage();
    let in_use = usage.open.saturating_sub(usage.idle);
    metrics::gauge!(POOL_CONNECTIONS, "state" => "idle").set(usage.idle as f64);
    metrics::gauge!(POOL_CONNECTIONS, "state" => "in_use").set(in_use as f64);
    metrics::gauge!(POOL_MAX).set(usage.max as f64);
    metrics::gauge!(HASH_QUEUE).set(state.passwords.queued() as f64);
    match state
        .store
        .read(gatehouse_store::outbox::pending_count)
        .await
    {
        Ok(pending) => metrics::gauge!(OUTBOX_PENDING).set(pending as f64),
        Err(error) => tracing::warn!(%error, "cannot count the outbox for metrics"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_ids_that_could_forge_a_log_line_are_replaced() {
        assert!(is_plain_id("4bf92f3577b34da6a3ce929d0e0e4736"));
        assert!(is_plain_id("req-1.2_3"));
        assert!(!is_plain_id(""));
        assert!(!is_plain_id("a b"));
        assert!(!is_plain_id("id\nstatus=200"));
        assert!(!is_plain_id(&"x".repeat(65)));
    }
}
