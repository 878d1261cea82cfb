//! OpenTelemetry spans, exported over OTLP/HTTP (protobuf) when an endpoint is configured, and
//! the W3C `traceparent` that carries a trace across processes: the HTTP request span continues
//! the caller's, the events store it, the relay and each projector continue it from the Kafka
//! header. When no endpoint is configured no OpenTelemetry layer is installed at all, the helpers
//! here do nothing, and the `traceparent` is passed along as data only.

use std::collections::HashMap;
use std::sync::OnceLock;

use opentelemetry::propagation::TextMapPropagator;
use opentelemetry::trace::{TraceContextExt, TracerProvider};
use opentelemetry::Context;
use opentelemetry_otlp::{SpanExporter, WithExportConfig};
use opentelemetry_sdk::propagation::TraceContextPropagator;
use opentelemetry_sdk::runtime::Tokio;
use opentelemetry_sdk::trace::span_processor_with_async_runtime::BatchSpanProcessor;
use opentelemetry_sdk::trace::SdkTracerProvider;
use opentelemetry_sdk::Resource;
use tracing::{Level, Span, Subscriber};
use tracing_opentelemetry::OpenTelemetrySpanExt;
use tracing_subscriber::filter::Targets;
use tracing_subscriber::registry::LookupSpan;
use tracing_subscriber::Layer;
use uuid::Uuid;

use super::TelemetryArgs;

/// Name of the W3C trace-context header (HTTP and Kafka alike).
pub const TRACEPARENT: &str = "traceparent";

/// Spans of these targets (Prism's crates) at this level or above are exported.
const EXPORTED_TARGETS: &str = "prism";
const EXPORTED_LEVEL: Level = Level::INFO;

/// The provider of the installed OpenTelemetry layer; unset when spans are not exported.
static PROVIDER: OnceLock<SdkTracerProvider> = OnceLock::new();

/// Whether spans are exported (the OpenTelemetry layer is installed).
#[must_use]
pub fn active() -> bool {
    PROVIDER.get().is_some()
}

/// The OpenTelemetry layer exporting to `settings`' endpoint as `service` (or
/// `OTEL_SERVICE_NAME`), or `None` when no endpoint is set, outside a Tokio runtime (the batch
/// exporter runs on it), or when the exporter cannot be built.
pub(super) fn layer<S>(settings: &TelemetryArgs, service: &str) -> Option<impl Layer<S> + Send + Sync>
where
    S: Subscriber + for<'a> LookupSpan<'a> + Send + Sync,
{
    let endpoint = settings.traces_endpoint()?;
    if tokio::runtime::Handle::try_current().is_err() {
        eprintln!("no span export to {endpoint}: telemetry was initialised outside a Tokio runtime");
        return None;
    }
    let exporter = match SpanExporter::builder().with_http().with_endpoint(&endpoint).build() {
        Ok(exporter) => exporter,
        Err(error) => {
            // No subscriber is installed yet to log through.
            eprintln!("no span export to {endpoint}: {error}");
            return None;
        }
    };
    let service = settings.service_name.clone().unwrap_or_else(|| service.to_owned());
    let provider = SdkTracerProvider::builder()
        .with_span_processor(BatchSpanProcessor::builder(exporter, Tokio).build())
        .with_resource(Resource::builder().with_service_name(service).build())
        .build();
    let tracer = provider.tracer("prism");
    PROVIDER.set(provider).ok()?;
    let prism_spans = Targets::new().with_target(EXPORTED_TARGETS, EXPORTED_LEVEL);
    Some(tracing_opentelemetry::layer().with_tracer(tracer).with_filter(prism_spans))
}

/// Exports the buffered spans and stops the exporter (off the async workers: the SDK blocks
/// while the batch task drains).
pub(super) async fn shutdown() {
    let Some(provider) = PROVIDER.get().cloned() else { return };
    let stopped = tokio::task::spawn_blocking(move || provider.shutdown()).await;
    if let Ok(Err(error)) = stopped {
        tracing::warn!(%error, "spans may have been lost at shutdown");
    }
}

/// `make()`'s span, its parent the remote span `traceparent` names (else the current span) —
/// or a disabled span, without calling `make`, when spans are not exported. For work that
/// continues a trace carried as data: the relay publishing an event, a projector applying one.
pub fn child_of(traceparent: Option<&str>, make: impl FnOnce() -> Span) -> Span {
    if !active() {
        return Span::none();
    }
    let span = make();
    continue_trace(&span, traceparent);
    span
}

/// Makes the remote span `traceparent` names `span`'s parent, when spans are exported and it is
/// a valid W3C `traceparent`. Call it before `span` is first entered.
pub fn continue_trace(span: &Span, traceparent: Option<&str>) {
    if let Some(parent) = traceparent.filter(|_| active()).and_then(remote_context) {
        // Fails only when the span is disabled, which then has no parent to set.
        let _ = span.set_parent(parent);
    }
}

/// `span`'s W3C `traceparent`, when spans are exported: what a message it causes carries on.
#[must_use]
pub fn traceparent_of(span: &Span) -> Option<String> {
    if !active() {
        return None;
    }
    let context = span.context();
    if !context.span().span_context().is_valid() {
        return None;
    }
    let mut carrier = HashMap::new();
    TraceContextPropagator::new().inject_context(&context, &mut carrier);
    carrier.remove(TRACEPARENT)
}

/// The trace and span ids (lower-case hex) of the OpenTelemetry context current on this thread —
/// the entered span's — when spans are exported and one is entered.
#[must_use]
pub fn current_ids() -> Option<(String, String)> {
    if !active() {
        return None;
    }
    let context = Context::current();
    let span = context.span();
    let ids = span.span_context();
    ids.is_valid().then(|| (ids.trace_id().to_string(), ids.span_id().to_string()))
}

/// The trace id of a W3C `traceparent` (`00-<trace id>-<span id>-<flags>`), if well formed.
#[must_use]
pub fn trace_id_of(traceparent: &str) -> Option<&str> {
    let mut parts = traceparent.split('-');
    let (_version, trace_id, span_id, _flags) = (parts.next()?, parts.next()?, parts.next()?, parts.next()?);
    let hex = |id: &str, len: usize| id.len() == len && id.bytes().all(|b| b.is_ascii_hexdigit());
    (hex(trace_id, 32) && hex(span_id, 16) && parts.next().is_none()).then_some(trace_id)
}

/// A new W3C `traceparent` (random trace and span ids, sampled): what a command gets when its
/// request carried none and spans are not exported.
#[must_use]
pub fn new_traceparent() -> String {
    let trace = Uuid::new_v4().simple().to_string();
    let span = &Uuid::new_v4().simple().to_string()[..16];
    format!("00-{trace}-{span}-01")
}

/// The remote span context `traceparent` names, if valid.
fn remote_context(traceparent: &str) -> Option<Context> {
    let carrier = HashMap::from([(TRACEPARENT.to_owned(), traceparent.to_owned())]);
    let context = TraceContextPropagator::new().extract(&carrier);
    context.span().span_context().is_valid().then_some(context)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_trace_id_of_a_well_formed_traceparent_is_read_and_a_malformed_one_has_none() {
        let traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
        assert_eq!(trace_id_of(traceparent), Some("4bf92f3577b34da6a3ce929d0e0e4736"));
        assert_eq!(trace_id_of(&new_traceparent()).map(str::len), Some(32));
        for malformed in ["", "00-abc-00f067aa0ba902b7-01", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7", "x"]
        {
            assert_eq!(trace_id_of(malformed), None, "{malformed}");
        }
    }

    #[test]
    fn without_an_exporter_no_span_is_made_and_no_traceparent_is_given() {
        let made = child_of(Some("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"), || {
            panic!("no span is made when spans are not exported")
        });
        assert!(made.is_none());
        assert_eq!(traceparent_of(&Span::current()), None);
        assert_eq!(current_ids(), None);
    }

    #[test]
    fn a_valid_traceparent_is_a_remote_parent_and_a_malformed_one_is_none() {
        let context = remote_context("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01").expect("valid");
        assert_eq!(context.span().span_context().trace_id().to_string(), "4bf92f3577b34da6a3ce929d0e0e4736");
        assert!(remote_context("00-00000000000000000000000000000000-00f067aa0ba902b7-01").is_none());
    }
}
