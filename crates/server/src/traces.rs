//! OpenTelemetry trace export (OTLP over HTTP), when `traces.otlp_endpoint` is set.
//!
//! Every request's span (see `router::request_span`) becomes an OpenTelemetry server span,
//! continuing the caller's trace when it sends a W3C `traceparent`. Spans are batched on a
//! thread of their own and sent with a timeout, so a slow or absent collector never holds
//! up a request; what cannot be sent is dropped, not queued without bound.

use crate::config::TracesConfig;
use opentelemetry::propagation::{Extractor, TextMapPropagator};
use opentelemetry::trace::TracerProvider as _;
use opentelemetry_otlp::WithExportConfig;
use opentelemetry_sdk::Resource;
use opentelemetry_sdk::propagation::TraceContextPropagator;
use opentelemetry_sdk::trace::{Sampler, SdkTracerProvider};
use std::sync::OnceLock;
use std::time::Duration;
use tracing_opentelemetry::OpenTelemetrySpanExt as _;

/// How long one export may take.
const EXPORT_TIMEOUT: Duration = Duration::from_secs(5);

/// The provider of this process, when export is on: flushed at shutdown.
static PROVIDER: OnceLock<SdkTracerProvider> = OnceLock::new();

/// The layer that turns `tracing` spans into exported OpenTelemetry spans, or `None` when
/// export is off.
pub fn layer<S>(config: &TracesConfig) -> anyhow::Result<Option<impl tracing_subscriber::Layer<S>>>
where
    S: tracing::Subscriber + for<'span> tracing_subscriber::registry::LookupSpan<'span>,
{
    if config.otlp_endpoint.is_empty() {
        return Ok(None);
    }
    let endpoint = format!("{}/v1/traces", config.otlp_endpoint.trim_end_matches('/'));
    // The blocking HTTP client runs a runtime of its own: it is built (and later dropped)
    // outside the server's.
    let exporter = std::thread::spawn(move || {
        opentelemetry_otlp::SpanExporter::builder()
            .with_http()
            .with_endpoint(endpoint)
            .with_timeout(EXPORT_TIMEOUT)
            .build()
    })
    .join()
    .map_err(|_| anyhow::anyhow!("building the OTLP exporter panicked"))??;
    let provider = SdkTracerProvider::builder()
        .with_batch_exporter(exporter)
        .with_sampler(Sampler::ParentBased(Box::new(Sampler::TraceIdRatioBased(
            config.sample_ratio,
        ))))
        .with_resource(
            Resource::builder()
                .with_service_name(config.service_name.clone())
                .build(),
        )
        .build();
    let tracer = provider.tracer("gatehouse");
    let _ = PROVIDER.set(provider);
    Ok(Some(tracing_opentelemetry::layer().with_tracer(tracer)))
}

/// Makes `span` continue the trace the request's `traceparent` names, when export is on.
pub fn continue_trace(span: &tracing::Span, headers: &axum::http::HeaderMap) {
    if PROVIDER.get().is_none() {
        return;
    }
    let parent = TraceContextPropagator::new().extract(&Headers(headers));
    let _ = span.set_parent(parent);
}

/// Sends what is still batched; called once the server stopped.
pub async fn flush() {
    if let Some(provider) = PROVIDER.get() {
        let provider = provider.clone();
        let _ = tokio::task::spawn_blocking(move || provider.shutdown()).await;
    }
}

struct Headers<'a>(&'a axum::http::HeaderMap);

impl Extractor for Headers<'_> {
    fn get(&self, key: &str) -> Option<&str> {
        self.0.get(key).and_then(|value| value.to_str().ok())
    }

    fn keys(&self) -> Vec<&str> {
        self.0.keys().map(axum::http::HeaderName::as_str).collect()
    }
}
