//! `Idempotency-Key` on every command: the first answer to a key is stored and replayed, byte
//! for byte, to a retry with the same key within 24 hours, so a client that lost an answer can
//! send the command again without it running twice.
//!
//! - A key is 1 to [`MAX_KEY_CHARS`] visible ASCII characters, scoped to the caller's tenant
//!   (from the access token; the layer runs after authentication); anything else is 422
//!   `invalid-idempotency-key` naming the header.
//! - The request is fingerprinted (SHA-256 of method, path and body, computed by Postgres): the
//!   same key with another request is 422 `idempotency-key-reused`, and nothing runs.
//! - While the first request runs, a retry is 409 `idempotency-key-in-progress` with
//!   `Retry-After: 1`. A claim left behind by a server that died mid-request is taken over
//!   after [`ABANDONED_AFTER`].
//! - Every answer but a server error (5xx) is stored, refusals included. A server error drops
//!   the claim, so a retry runs the command again (a failed command recorded nothing).
//! - A replayed answer carries `Idempotent-Replayed: true`. Keys are purged, and may be used
//!   again, once [`RETENTION`] has passed.
//! - Requests without the header run as they always did, and so do those to
//!   [`UNSTORED_PATHS`] (signing in, a user's own MFA), whose answers carry credentials.

use std::time::Duration;

use axum::body::{to_bytes, Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use prism_platform::auth::Caller;
use prism_platform::problem::Problem;
use sqlx::PgPool;

/// The request header carrying the key.
pub const IDEMPOTENCY_HEADER: &str = "idempotency-key";
/// Routes whose answers are never stored, a key or not: they carry credentials (an access
/// token, a TOTP secret), which must not sit in a table for a day, or act on the caller's own
/// credentials (keys are scoped to the tenant, not the user).
pub const UNSTORED_PATHS: &[&str] =
    &["/v1/auth/login", "/v1/auth/refresh", "/v1/auth/mfa/enrol", "/v1/auth/mfa/confirm", "/v1/auth/mfa/disable"];
/// The response header marking a replayed answer.
pub const REPLAYED_HEADER: &str = "idempotent-replayed";
/// Longest key accepted.
pub const MAX_KEY_CHARS: usize = 255;
/// How long an answer is replayed (and its key taken).
pub const RETENTION: Duration = Duration::from_secs(24 * 60 * 60);
/// How long a claim without an answer blocks retries before it counts as abandoned.
pub const ABANDONED_AFTER: Duration = Duration::from_secs(60);
/// The scope of the operator's keys (provisioning tenants): no tenant slug can equal it.
const OPERATOR_SCOPE: &str = ":operator";
/// How often expired keys are purged.
pub const PURGE_EVERY: Duration = Duration::from_secs(15 * 60);

/// What the middleware needs: the pool and the request body limit.
#[derive(Clone)]
pub struct Idempotency {
    pool: PgPool,
    body_limit_bytes: usize,
}

impl Idempotency {
    /// Keys stored in `pool`, request bodies read up to `body_limit_bytes`.
    #[must_use]
    pub fn new(pool: PgPool, body_limit_bytes: usize) -> Self {
        Self { pool, body_limit_bytes }
    }

    /// Deletes the keys older than [`RETENTION`]; how many.
    ///
    /// # Errors
    /// When the database fails.
    pub async fn purge_expired(&self) -> Result<u64, sqlx::Error> {
        let deleted = sqlx::query("DELETE FROM shared.idempotency_keys WHERE claimed_at < now() - $1::interval")
            .bind(interval(RETENTION))
            .execute(&self.pool)
            .await?;
        Ok(deleted.rows_affected())
    }
}

/// The middleware: runs a keyed `POST` once and replays its answer to retries.
pub async fn layer(State(idempotency): State<Idempotency>, request: Request, next: Next) -> Response {
    let key = request.headers().get(IDEMPOTENCY_HEADER).cloned();
    let stored = request.method() == Method::POST && !UNSTORED_PATHS.contains(&request.uri().path());
    let Some(key) = key.filter(|_| stored) else {
        return next.run(request).await;
    };
    match keyed(&idempotency, &key, request, next).await {
        Ok(response) | Err(response) => response,
    }
}

/// A stored answer, or what a claim found instead.
enum Claim {
    /// The key is ours: run the request.
    Claimed,
    /// The same request was answered: replay the answer.
    Answered { status: i16, headers: serde_json::Value, body: Vec<u8> },
    /// The same request is running.
    InProgress,
    /// Another request holds the key.
    Reused,
}

async fn keyed(
    idempotency: &Idempotency,
    key: &HeaderValue,
    request: Request,
    next: Next,
) -> Result<Response, Response> {
    let key = valid_key(key).map_err(IntoResponse::into_response)?;
    let tenant = match request.extensions().get::<Caller>() {
        Some(Caller::User(identity)) => identity.tenant.as_str().to_owned(),
        // the operator's keys are scoped apart from every tenant's (no slug starts with `:`)
        _ => OPERATOR_SCOPE.to_owned(),
    };
    let (parts, body) = request.into_parts();
    let body = to_bytes(body, idempotency.body_limit_bytes).await.map_err(|_| {
        Problem::new(StatusCode::PAYLOAD_TOO_LARGE, "body-too-large", "Request body too large")
            .with_detail(format!("the body is over {} bytes", idempotency.body_limit_bytes))
            .into_response()
    })?;
    let fingerprint = fingerprint(parts.method.as_str(), &parts.uri.to_string(), &body);
    let store = KeyStore { pool: &idempotency.pool, tenant: &tenant, key: &key };
    match store.claim(&fingerprint).await.map_err(failure)? {
        Claim::Claimed => {}
        Claim::Answered { status, headers, body } => return Ok(replay(status, &headers, body)),
        Claim::InProgress => {
            let mut response = Problem::new(StatusCode::CONFLICT, "idempotency-key-in-progress", "Request in progress")
                .with_detail(format!("a request with Idempotency-Key {key} is still running; retry shortly"))
                .into_response();
            response.headers_mut().insert("retry-after", HeaderValue::from_static("1"));
            return Err(response);
        }
        Claim::Reused => {
            return Err(Problem::unprocessable(
                "idempotency-key-reused",
                "Idempotency-Key",
                format!("Idempotency-Key {key} was used with another request (method, path or body)"),
            )
            .into_response())
        }
    }
    let response = next.run(Request::from_parts(parts, Body::from(body))).await;
    if response.status().is_server_error() {
        if let Err(error) = store.release().await {
            tracing::error!(%error, key, "idempotency claim not released");
        }
        return Ok(response);
    }
    let (parts, body) = response.into_parts();
    let body = to_bytes(body, usize::MAX).await.map_err(failure)?;
    if let Err(error) = store.complete(parts.status, &parts.headers, &body).await {
        tracing::error!(%error, key, "idempotent answer not stored; a retry after the claim expires runs again");
    }
    Ok(Response::from_parts(parts, Body::from(body)))
}

/// The key, if it is 1 to [`MAX_KEY_CHARS`] visible ASCII characters.
fn valid_key(key: &HeaderValue) -> Result<String, Problem> {
    let text = key.to_str().unwrap_or_default();
    if text.is_empty() || text.len() > MAX_KEY_CHARS || !text.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(Problem::unprocessable(
            "invalid-idempotency-key",
            "Idempotency-Key",
            format!("an Idempotency-Key is 1 to {MAX_KEY_CHARS} visible ASCII characters"),
        ));
    }
    Ok(text.to_owned())
}

/// The bytes hashed into a request's fingerprint: method, path with query, body.
fn fingerprint(method: &str, uri: &str, body: &Bytes) -> Vec<u8> {
    let mut bytes = Vec::with_capacity(method.len() + uri.len() + 2 + body.len());
    for part in [method.as_bytes(), b" ", uri.as_bytes(), b"\n", body] {
        bytes.extend_from_slice(part);
    }
    bytes
}

/// A stored answer as it was sent, marked as replayed.
fn replay(status: i16, headers: &serde_json::Value, body: Vec<u8>) -> Response {
    let mut response = Response::new(Body::from(body));
    *response.status_mut() =
        u16::try_from(status).ok().and_then(|s| StatusCode::from_u16(s).ok()).unwrap_or(StatusCode::OK);
    let pairs = headers.as_array().map_or(&[][..], Vec::as_slice);
    for pair in pairs {
        let (Some(name), Some(value)) = (pair.get(0).and_then(|v| v.as_str()), pair.get(1).and_then(|v| v.as_str()))
        else {
            continue;
        };
        if let (Ok(name), Ok(value)) = (HeaderName::try_from(name), HeaderValue::try_from(value)) {
            response.headers_mut().append(name, value);
        }
    }
    response.headers_mut().insert(REPLAYED_HEADER, HeaderValue::from_static("true"));
    response
}

/// An unexpected failure as its problem (a retryable 503 when the database is out of reach).
fn failure(error: impl std::error::Error + 'static) -> Response {
    Problem::from_failure(&error).into_response()
}

/// A duration as a Postgres interval literal.
fn interval(duration: Duration) -> String {
    format!("{} seconds", duration.as_secs())
}

/// A key as another request left it: whether it was for the same request, and its answer once
/// there is one.
#[derive(sqlx::FromRow)]
struct HeldKey {
    same_request: bool,
    status: Option<i16>,
    headers: Option<serde_json::Value>,
    body: Option<Vec<u8>>,
}

/// One tenant's key in `shared.idempotency_keys`.
struct KeyStore<'a> {
    pool: &'a PgPool,
    tenant: &'a str,
    key: &'a str,
}

impl KeyStore<'_> {
    /// Claims the key for the request of `fingerprint`, taking over an expired or abandoned
    /// claim, or says what holds it.
    async fn claim(&self, fingerprint: &[u8]) -> Result<Claim, sqlx::Error> {
        // A claim deleted (after a server error) between the two statements is claimed anew.
        for _ in 0..3 {
            let claimed: Option<bool> = sqlx::query_scalar(
                "INSERT INTO shared.idempotency_keys AS k (tenant, idempotency_key, request_hash)
                 VALUES ($1, $2, sha256($3))
                 ON CONFLICT (tenant, idempotency_key) DO UPDATE
                    SET request_hash = EXCLUDED.request_hash, claimed_at = now(),
                        completed_at = NULL, status = NULL, headers = NULL, body = NULL
                  WHERE k.claimed_at < now() - $4::interval
                     OR (k.completed_at IS NULL AND k.claimed_at < now() - $5::interval)
                 RETURNING true",
            )
            .bind(self.tenant)
            .bind(self.key)
            .bind(fingerprint)
            .bind(interval(RETENTION))
            .bind(interval(ABANDONED_AFTER))
            .fetch_optional(self.pool)
            .await?;
            if claimed.is_some() {
                return Ok(Claim::Claimed);
            }
            let held: Option<HeldKey> = sqlx::query_as(
                "SELECT request_hash = sha256($3) AS same_request, status, headers, body
                   FROM shared.idempotency_keys WHERE tenant = $1 AND idempotency_key = $2",
            )
            .bind(self.tenant)
            .bind(self.key)
            .bind(fingerprint)
            .fetch_optional(self.pool)
            .await?;
            match held {
                None => continue,
                Some(HeldKey { same_request: false, .. }) => return Ok(Claim::Reused),
                Some(HeldKey { status: Some(status), headers, body, .. }) => {
                    return Ok(Claim::Answered {
                        status,
                        headers: headers.unwrap_or_default(),
                        body: body.unwrap_or_default(),
                    })
                }
                Some(HeldKey { status: None, .. }) => return Ok(Claim::InProgress),
            }
        }
        Ok(Claim::InProgress)
    }

    /// Stores the answer of the claimed request.
    async fn complete(&self, status: StatusCode, headers: &HeaderMap, body: &[u8]) -> Result<(), sqlx::Error> {
        let headers: Vec<[&str; 2]> = headers
            .iter()
            .filter_map(|(name, value)| value.to_str().ok().map(|value| [name.as_str(), value]))
            .collect();
        sqlx::query(
            "UPDATE shared.idempotency_keys SET completed_at = now(), status = $3, headers = $4, body = $5
              WHERE tenant = $1 AND idempotency_key = $2",
        )
        .bind(self.tenant)
        .bind(self.key)
        .bind(i16::try_from(status.as_u16()).unwrap_or(i16::MAX))
        .bind(sqlx::types::Json(headers))
        .bind(body)
        .execute(self.pool)
        .await?;
        Ok(())
    }

    /// Drops the claim of a request that failed with a server error.
    async fn release(&self) -> Result<(), sqlx::Error> {
        sqlx::query(
            "DELETE FROM shared.idempotency_keys WHERE tenant = $1 AND idempotency_key = $2 AND completed_at IS NULL",
        )
        .bind(self.tenant)
        .bind(self.key)
        .execute(self.pool)
        .await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_one_to_255_visible_ascii_characters() {
        for good in ["a", "order-42/retry_1", &"k".repeat(MAX_KEY_CHARS)] {
            assert_eq!(valid_key(&HeaderValue::from_str(good).unwrap()).unwrap(), good);
        }
        for bad in ["", "two words", &"k".repeat(MAX_KEY_CHARS + 1)] {
            assert!(valid_key(&HeaderValue::from_str(bad).unwrap()).is_err(), "{bad:?}");
        }
        assert!(valid_key(&HeaderValue::from_bytes(b"caf\xc3\xa9").unwrap()).is_err(), "non-ASCII");
    }

    #[test]
    fn the_fingerprint_covers_method_path_and_body() {
        let body = Bytes::from_static(b"{}");
        let base = fingerprint("POST", "/v1/items", &body);
        assert_ne!(base, fingerprint("POST", "/v1/locations", &body));
        assert_ne!(base, fingerprint("PUT", "/v1/items", &body));
        assert_ne!(base, fingerprint("POST", "/v1/items", &Bytes::from_static(b"{ }")));
        assert_eq!(base, b"POST /v1/items\n{}");
    }

    #[test]
    fn a_stored_answer_is_replayed_with_its_status_headers_and_body() {
        let headers = serde_json::json!([["content-type", "application/json"], ["location", "/v1/items/A"]]);
        let response = replay(201, &headers, b"{\"sku\":\"A\"}".to_vec());
        assert_eq!(response.status(), StatusCode::CREATED);
        assert_eq!(response.headers()["location"], "/v1/items/A");
        assert_eq!(response.headers()[REPLAYED_HEADER], "true");
    }
}
