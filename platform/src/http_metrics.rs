//! Request metrics of the two APIs, by route — each command and each query is a route, so this
//! is the rate, latency and errors of every command and query type:
//! `prism_http_requests_total{method, route, status}` and
//! `prism_http_request_duration_seconds{method, route}`. The route is the template the router
//! matched (`/v1/invoices/{id}/void`), never the path itself, so ids never become labels; a
//! request no route matches counts under `route="unmatched"`, a method outside the standard
//! ones under `method="other"`.

use std::time::Instant;

use axum::extract::{MatchedPath, Request};
use axum::http::Method;
use axum::middleware::Next;
use axum::response::Response;

/// The middleware; wire it outside the other layers (a later `.layer` call), so requests they
/// refuse count too.
pub async fn record(request: Request, next: Next) -> Response {
    let route = request.extensions().get::<MatchedPath>().map_or("unmatched", MatchedPath::as_str).to_owned();
    let method = known_method(request.method());
    let started = Instant::now();
    let response = next.run(request).await;
    let status = response.status().as_u16().to_string();
    metrics::histogram!("prism_http_request_duration_seconds", "method" => method, "route" => route.clone())
        .record(started.elapsed().as_secs_f64());
    metrics::counter!("prism_http_requests_total", "method" => method, "route" => route, "status" => status)
        .increment(1);
    response
}

/// The method as a label: one of the standard ones, else `other` (a client may send any token
/// as a method; each must not become a series).
fn known_method(method: &Method) -> &'static str {
    const KNOWN: [Method; 7] =
        [Method::GET, Method::POST, Method::PUT, Method::PATCH, Method::DELETE, Method::HEAD, Method::OPTIONS];
    KNOWN.iter().find(|known| *known == method).map_or("other", Method::as_str)
}
