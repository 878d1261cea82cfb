//! HTTP plumbing shared by the command and query APIs: a JSON body extractor whose
//! rejections are problem+json naming the field, the tenant of the caller, health and metrics
//! routes (see [`crate::health`]), and serving with graceful shutdown.

use std::future::IntoFuture;
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use prism_aggregates::tenant::TenantId;
use serde::de::DeserializeOwned;
use serde_json::Value;
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;

use crate::health::Readiness;
use crate::problem::Problem;
use crate::telemetry;

/// Path of the liveness route every Prism HTTP service has.
pub const LIVE_PATH: &str = "/health/live";

/// Older name of [`LIVE_PATH`], kept for deployments that probe it.
pub const HEALTH_PATH: &str = "/health";

/// Path of the readiness route every Prism HTTP service has.
pub const READY_PATH: &str = "/health/ready";

/// Path of the Prometheus metrics route every Prism HTTP service has.
pub const METRICS_PATH: &str = "/metrics";

/// The routes of [`operational_routes`]: open to anyone and never rate-limited.
pub const OPERATIONAL_PATHS: [&str; 4] = [LIVE_PATH, HEALTH_PATH, READY_PATH, METRICS_PATH];

/// A JSON request body. Unreadable JSON is 400, JSON of the wrong shape is 422 naming the
/// field, a body over the router's limit is 413.
#[derive(Debug)]
pub struct JsonBody<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for JsonBody<T> {
    type Rejection = Problem;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let bytes = Bytes::from_request(req, state).await.map_err(|rejection| {
            if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
                Problem::new(StatusCode::PAYLOAD_TOO_LARGE, "body-too-large", "Request body too large")
                    .with_detail(rejection.body_text())
            } else {
                Problem::bad_request(rejection.body_text())
            }
        })?;
        parse_json(&bytes).map(JsonBody)
    }
}

/// Parses an optional JSON body: an empty body or `null` gives `T::default()`.
///
/// # Errors
/// As [`parse_json`], for a body that is there.
pub fn parse_optional_json<T: DeserializeOwned + Default>(bytes: &[u8]) -> Result<T, Problem> {
    if bytes.is_empty() {
        return Ok(T::default());
    }
    parse_json::<Option<T>>(bytes).map(Option::unwrap_or_default)
}

/// Parses a JSON document, telling syntax errors (400) from shape errors (422 with field).
/// Text holding the NUL character is refused (422 with field), since neither Postgres text
/// nor `jsonb` can store it.
///
/// # Errors
/// A problem describing the first thing wrong with the document.
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, Problem> {
    if let Some(field) = field_with_nul(bytes) {
        return Err(Problem::unprocessable(
            "invalid-field",
            &field,
            "text must not contain the NUL character (U+0000)",
        ));
    }
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    let parsed = serde_path_to_error::deserialize(&mut deserializer);
    match parsed {
        Ok(value) => {
            deserializer.end().map(|()| value).map_err(|e| Problem::bad_request(format!("malformed JSON: {e}")))
        }
        Err(error) => {
            let field = error.path().to_string();
            let inner = error.into_inner();
            if inner.is_data() {
                Err(Problem::unprocessable("invalid-field", &field, inner.to_string()))
            } else {
                Err(Problem::bad_request(format!("malformed JSON: {inner}")))
            }
        }
    }
}

/// The path (as `lines[0].memo`) of the first string or key in the JSON `bytes` that holds the
/// NUL character, if any. Only a body that spells the escape `\u0000` is looked into.
fn field_with_nul(bytes: &[u8]) -> Option<String> {
    if !bytes.windows(6).any(|window| window.eq_ignore_ascii_case(b"\\u0000")) {
        return None;
    }
    // serde_json bounds the nesting it parses, and so this walk's recursion.
    let document: Value = serde_json::from_slice(bytes).ok()?;
    nul_within(&document, "")
}

/// The path of the first string or key holding NUL within `value`, found at `path`.
fn nul_within(value: &Value, path: &str) -> Option<String> {
    match value {
        Value::String(text) => text.contains('\0').then(|| path.to_owned()),
        Value::Array(items) => {
            items.iter().enumerate().find_map(|(index, item)| nul_within(item, &format!("{path}[{index}]")))
        }
        Value::Object(fields) => fields.iter().find_map(|(key, item)| {
            let here = if path.is_empty() { key.clone() } else { format!("{path}.{key}") };
            if key.contains('\0') {
                Some(here)
            } else {
                nul_within(item, &here)
            }
        }),
        Value::Null | Value::Bool(_) | Value::Number(_) => None,
    }
}

/// Middleware of both APIs: refuses with 400 (problem+json) a request whose path, decoded, is
/// not UTF-8 text or holds the NUL character, or whose query holds NUL (`%00`). No id, code
/// or parameter is such text; Postgres text cannot store NUL (one that reached a query was a
/// 500), and axum's own refusal of a path that is not UTF-8 is plain text.
pub async fn refuse_unreadable_uri(request: Request, next: Next) -> Response {
    let uri = request.uri();
    let path_readable =
        percent_encoding::percent_decode_str(uri.path()).decode_utf8().is_ok_and(|path| !path.contains('\0'));
    if !path_readable || uri.query().is_some_and(|query| query.contains("%00")) {
        return Problem::bad_request(
            "the path must be UTF-8 text, and neither path nor query may hold the NUL character",
        )
        .into_response();
    }
    next.run(request).await
}

/// The tenant of the user calling, from the access token [`crate::auth::authenticate`]
/// verified: never from a header or a body.
#[derive(Debug, Clone)]
pub struct Tenant(pub TenantId);

impl<S: Send + Sync> FromRequestParts<S> for Tenant {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        match crate::auth::caller_of(&parts.extensions)? {
            crate::auth::Caller::User(identity) => Ok(Tenant(identity.tenant.clone())),
            crate::auth::Caller::Operator => {
                Err(crate::auth::forbidden("the operator key names no tenant; use a user's access token"))
            }
        }
    }
}

/// Routes every Prism HTTP service has: `GET /health/live` (and `/health`), `GET /health/ready`
/// running `readiness`, and `GET /metrics` (Prometheus text).
pub fn operational_routes<S: Clone + Send + Sync + 'static>(readiness: Readiness) -> Router<S> {
    Router::new()
        .route(LIVE_PATH, get(|| async { "ok" }))
        .route(HEALTH_PATH, get(|| async { "ok" }))
        .route(READY_PATH, get(move || async move { readiness.answer().await }))
        .route(METRICS_PATH, get(|| async { telemetry::render_metrics() }))
}

/// Serves only the operational routes on `addr` until `shutdown`, for processes without an API
/// of their own (relay, projectors, process managers). Returns the bound address.
///
/// # Errors
/// When the address cannot be bound.
pub async fn spawn_operational_server(
    addr: &str,
    readiness: Readiness,
    shutdown: CancellationToken,
) -> std::io::Result<std::net::SocketAddr> {
    let listener = TcpListener::bind(addr).await?;
    let bound = listener.local_addr()?;
    let router = operational_routes(readiness).fallback(unknown_route);
    tokio::spawn(async move {
        if let Err(error) = serve(listener, router, shutdown).await {
            tracing::error!(%error, "operational HTTP server failed");
        }
    });
    Ok(bound)
}

/// The 404 problem for paths no route matches.
pub async fn unknown_route() -> impl IntoResponse {
    Problem::not_found("no such endpoint")
}

/// Longest a server waits, once shut down, for the requests in flight to finish before it
/// stops anyway: longer than any request takes (the query API's consistency wait defaults to
/// 5 s), short enough that a client stalled mid-request cannot hold a stopping process.
pub const SHUTDOWN_GRACE: Duration = Duration::from_secs(6);

/// Serves `router` on `listener` until `shutdown` is cancelled, finishing in-flight requests
/// for at most [`SHUTDOWN_GRACE`]. Handlers and middleware see the peer address as
/// `ConnectInfo<SocketAddr>`.
///
/// # Errors
/// When the listener fails.
pub async fn serve(listener: TcpListener, router: Router, shutdown: CancellationToken) -> std::io::Result<()> {
    let server = axum::serve(listener, router.into_make_service_with_connect_info::<std::net::SocketAddr>())
        .with_graceful_shutdown(shutdown.clone().cancelled_owned());
    let grace_over = async {
        shutdown.cancelled().await;
        tokio::time::sleep(SHUTDOWN_GRACE).await;
    };
    tokio::select! {
        served = server.into_future() => served,
        () = grace_over => {
            tracing::warn!(grace_ms = SHUTDOWN_GRACE.as_millis(), "requests still open after the shutdown grace; stopping");
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_nul_character_is_found_by_its_path_and_an_escaped_backslash_is_not_it() {
        let nested = br#"{"description": "ok", "lines": [{"memo": "a"}, {"memo": "b\u0000c"}]}"#;
        assert_eq!(field_with_nul(nested).as_deref(), Some("lines[1].memo"));
        assert_eq!(field_with_nul(br#"{"memo": "a\\u0000"}"#), None, "a backslash, then the text u0000");
        assert_eq!(field_with_nul(br#"{"memo": "plain"}"#), None);
    }
}
