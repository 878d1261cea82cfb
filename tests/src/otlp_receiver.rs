//! An OpenTelemetry collector for tests, in-process: a real OTLP/HTTP endpoint on a port of its
//! own (`POST /v1/traces`, `application/x-protobuf`) that decodes every export request and keeps
//! its spans — service, name, ids and attributes — for a test to follow a trace through them.

use std::collections::HashMap;
use std::fmt::Write;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::IntoResponse;
use axum::Router;
use opentelemetry_proto::tonic::collector::trace::v1::{ExportTraceServiceRequest, ExportTraceServiceResponse};
use opentelemetry_proto::tonic::common::v1::any_value::Value;
use opentelemetry_proto::tonic::common::v1::KeyValue;
use prost::Message;
use tokio::sync::Mutex;

/// The content type of OTLP/HTTP protobuf bodies.
const PROTOBUF: &str = "application/x-protobuf";

/// One span the collector got.
#[derive(Debug, Clone)]
pub struct ReceivedSpan {
    /// The `service.name` of the process that sent it.
    pub service: String,
    /// Its name, e.g. `http.request`.
    pub name: String,
    /// Its trace id, lower-case hex.
    pub trace_id: String,
    /// Its span id, lower-case hex.
    pub span_id: String,
    /// Its parent's span id, lower-case hex; empty for a root span.
    pub parent_span_id: String,
    /// Its attributes, each value as text.
    pub attributes: HashMap<String, String>,
}

impl ReceivedSpan {
    /// Attribute `key` as text, if set.
    #[must_use]
    pub fn attribute(&self, key: &str) -> Option<&str> {
        self.attributes.get(key).map(String::as_str)
    }
}

/// The running collector.
pub struct OtlpReceiver {
    /// Base URL, what `OTEL_EXPORTER_OTLP_ENDPOINT` is set to.
    pub url: String,
    spans: Arc<Mutex<Vec<ReceivedSpan>>>,
}

impl OtlpReceiver {
    /// Starts the collector on a free port of 127.0.0.1.
    ///
    /// # Panics
    /// When no port can be bound.
    pub async fn start() -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("a free port");
        let url = format!("http://{}", listener.local_addr().expect("bound"));
        let spans = Arc::new(Mutex::new(Vec::new()));
        let app = Router::new().route("/v1/traces", axum::routing::post(export)).with_state(spans.clone());
        tokio::spawn(async move { axum::serve(listener, app).await });
        Self { url, spans }
    }

    /// Every span received so far, in order of arrival.
    pub async fn spans(&self) -> Vec<ReceivedSpan> {
        self.spans.lock().await.clone()
    }
}

/// Keeps the spans of one export request; 400 when it does not decode.
async fn export(State(spans): State<Arc<Mutex<Vec<ReceivedSpan>>>>, body: Bytes) -> impl IntoResponse {
    let Ok(request) = ExportTraceServiceRequest::decode(body) else {
        return (StatusCode::BAD_REQUEST, [(header::CONTENT_TYPE, PROTOBUF)], Vec::new());
    };
    let mut received = spans.lock().await;
    for resource_spans in request.resource_spans {
        let resource = resource_spans.resource.map(|resource| attributes(&resource.attributes)).unwrap_or_default();
        let service = resource.get("service.name").cloned().unwrap_or_default();
        for span in resource_spans.scope_spans.into_iter().flat_map(|scope| scope.spans) {
            received.push(ReceivedSpan {
                service: service.clone(),
                name: span.name,
                trace_id: hex(&span.trace_id),
                span_id: hex(&span.span_id),
                parent_span_id: hex(&span.parent_span_id),
                attributes: attributes(&span.attributes),
            });
        }
    }
    (StatusCode::OK, [(header::CONTENT_TYPE, PROTOBUF)], ExportTraceServiceResponse::default().encode_to_vec())
}

/// `key_values` as text by key.
fn attributes(key_values: &[KeyValue]) -> HashMap<String, String> {
    key_values
        .iter()
        .map(|kv| {
            let value = match kv.value.as_ref().and_then(|value| value.value.as_ref()) {
                Some(Value::StringValue(text)) => text.clone(),
                Some(Value::IntValue(number)) => number.to_string(),
                Some(Value::BoolValue(flag)) => flag.to_string(),
                Some(Value::DoubleValue(number)) => number.to_string(),
                Some(other) => format!("{other:?}"),
                None => String::new(),
            };
            (kv.key.clone(), value)
        })
        .collect()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().fold(String::with_capacity(bytes.len() * 2), |mut text, byte| {
        let _ = write!(text, "{byte:02x}");
        text
    })
}
