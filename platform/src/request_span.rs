//! The `http.request` span around every API request: method, matched route, status, the
//! caller's tenant (recorded by authentication), the `X-Correlation-ID` and the trace id. When
//! spans are exported its parent is the request's W3C `traceparent`; otherwise a request
//! without one is given a new one here, so the trace id in its log lines is the one its events
//! carry on.

use axum::extract::{MatchedPath, Request};
use axum::http::HeaderValue;
use axum::middleware::Next;
use axum::response::Response;
use tracing::field::Empty;
use tracing::{Instrument, Span};

use crate::telemetry::traces::{self, TRACEPARENT};

/// Header a caller may set to correlate its requests.
pub const CORRELATION_HEADER: &str = "x-correlation-id";

/// Middleware: runs the request inside its `http.request` span.
pub async fn layer(mut request: Request, next: Next) -> Response {
    let route = request.extensions().get::<MatchedPath>().map_or(request.uri().path(), MatchedPath::as_str);
    let span = tracing::info_span!(
        "http.request",
        method = %request.method(),
        route,
        status = Empty,
        tenant = Empty,
        correlation_id = Empty,
        trace_id = Empty,
        span_id = Empty,
    );
    if let Some(correlation_id) = header(&request, CORRELATION_HEADER) {
        span.record("correlation_id", correlation_id);
    }
    if traces::active() {
        traces::continue_trace(&span, header(&request, TRACEPARENT));
    } else {
        let traceparent = match header(&request, TRACEPARENT) {
            Some(traceparent) => traceparent.to_owned(),
            None => given_traceparent(&mut request),
        };
        span.record("trace_id", traces::trace_id_of(&traceparent));
    }
    let response = next.run(request).instrument(span.clone()).await;
    span.record("status", response.status().as_u16());
    response
}

/// Records the caller's tenant on the current request's span (authentication knows it).
pub fn record_tenant(tenant: &str) {
    Span::current().record("tenant", tenant);
}

/// Gives `request` a new `traceparent` header, and returns it.
fn given_traceparent(request: &mut Request) -> String {
    let traceparent = traces::new_traceparent();
    if let Ok(value) = HeaderValue::from_str(&traceparent) {
        request.headers_mut().insert(TRACEPARENT, value);
    }
    traceparent
}

/// Header `name` of `request` as text, if present and readable.
fn header<'r>(request: &'r Request, name: &str) -> Option<&'r str> {
    request.headers().get(name).and_then(|value| value.to_str().ok())
}
