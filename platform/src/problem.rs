//! RFC 9457 problem details: the one error body every Prism HTTP endpoint returns.
//! Layers keep their own precise error enums and map them here once.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use serde_json::{Map, Value};

use crate::db;

/// Media type of a problem body.
pub const PROBLEM_JSON: &str = "application/problem+json";

/// An RFC 9457 problem: status, a stable `type` URI, human title and detail, plus
/// extension members (for example `field` naming the input at fault). Boxed, so the
/// `Err` side of results stays small.
#[derive(Debug, Clone)]
pub struct Problem {
    body: Box<ProblemBody>,
}

/// The serialised members of a [`Problem`].
#[derive(Debug, Clone, Serialize)]
struct ProblemBody {
    #[serde(rename = "type")]
    kind: String,
    title: String,
    status: u16,
    #[serde(skip_serializing_if = "Option::is_none")]
    detail: Option<String>,
    #[serde(flatten)]
    extensions: Map<String, Value>,
    /// Seconds the client should wait before sending the request again (`Retry-After`).
    #[serde(skip)]
    retry_after_secs: Option<u64>,
}

/// The `Retry-After` of a 503 [`Problem::unavailable`], in seconds.
pub const UNAVAILABLE_RETRY_AFTER_SECS: u64 = 1;

impl Problem {
    /// A problem with the given status; `code` becomes the `type` URI `urn:prism:problem:<code>`
    /// (snake_case codes are written kebab-case, so every type reads alike).
    #[must_use]
    pub fn new(status: StatusCode, code: &str, title: impl Into<String>) -> Self {
        let body = ProblemBody {
            kind: format!("urn:prism:problem:{}", code.replace('_', "-")),
            title: title.into(),
            status: status.as_u16(),
            detail: None,
            extensions: Map::new(),
            retry_after_secs: None,
        };
        Self { body: Box::new(body) }
    }

    /// Adds the human-readable explanation of this occurrence.
    #[must_use]
    pub fn with_detail(mut self, detail: impl Into<String>) -> Self {
        self.body.detail = Some(detail.into());
        self
    }

    /// Names the input field at fault, as a JSON path such as `lines[1].debit`.
    #[must_use]
    pub fn with_field(self, field: impl Into<String>) -> Self {
        self.with_extension("field", Value::String(field.into()))
    }

    /// Renames the `field` member to what `rename` maps it to, if anything: for a layer whose
    /// request names an input differently from the command it builds.
    #[must_use]
    pub fn renaming_field(self, rename: impl FnOnce(&str) -> Option<&'static str>) -> Self {
        let renamed = self.body.extensions.get("field").and_then(Value::as_str).and_then(rename);
        match renamed {
            Some(field) => self.with_field(field),
            None => self,
        }
    }

    /// Puts `prefix` before the `field` member, if there is one: for a layer whose request nests
    /// the command's input (`admin.` + `roles[0]`).
    #[must_use]
    pub fn prefixing_field(self, prefix: &str) -> Self {
        let field = self.body.extensions.get("field").and_then(Value::as_str).map(|field| format!("{prefix}{field}"));
        match field {
            Some(field) if !prefix.is_empty() => self.with_field(field),
            _ => self,
        }
    }

    /// Adds an extension member.
    #[must_use]
    pub fn with_extension(mut self, name: &str, value: Value) -> Self {
        self.body.extensions.insert(name.to_owned(), value);
        self
    }

    /// The HTTP status of this problem.
    #[must_use]
    pub fn status(&self) -> StatusCode {
        StatusCode::from_u16(self.body.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    }

    /// 400: the request could not be read (malformed JSON, bad header).
    #[must_use]
    pub fn bad_request(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "malformed-request", "Malformed request").with_detail(detail)
    }

    /// 422: the request was read but breaks a rule; `field` names the input at fault.
    #[must_use]
    pub fn unprocessable(code: &str, field: &str, detail: impl Into<String>) -> Self {
        Self::new(StatusCode::UNPROCESSABLE_ENTITY, code, "Request breaks a rule").with_detail(detail).with_field(field)
    }

    /// 404: the named resource does not exist.
    #[must_use]
    pub fn not_found(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, "not-found", "Not found").with_detail(detail)
    }

    /// 503 `code`: a dependency is unavailable for now and the request may be sent again (with
    /// the same `Idempotency-Key`, to be safe) after `Retry-After` seconds; the body says so
    /// with `"retryable": true`.
    #[must_use]
    pub fn unavailable(code: &str, detail: impl Into<String>) -> Self {
        let mut problem = Self::new(StatusCode::SERVICE_UNAVAILABLE, code, "A dependency is unavailable; retry")
            .with_detail(detail)
            .with_extension("retryable", Value::Bool(true));
        problem.body.retry_after_secs = Some(UNAVAILABLE_RETRY_AFTER_SECS);
        problem
    }

    /// An unexpected failure as a problem: 503 `database-unavailable` ([`Problem::unavailable`])
    /// when the database could not be reached ([`db::is_unreachable`]), else the 500 of
    /// [`Problem::internal`]. The cause is logged, never sent.
    #[must_use]
    pub fn from_failure(error: &(dyn std::error::Error + 'static)) -> Self {
        if db::is_unreachable(error) {
            tracing::warn!(%error, "database unreachable");
            return Self::unavailable(
                "database-unavailable",
                "the database cannot be reached right now; retry shortly",
            );
        }
        Self::internal(&error)
    }

    /// 500 with a generic body; the cause is logged, never sent.
    #[must_use]
    pub fn internal(cause: &dyn std::fmt::Display) -> Self {
        tracing::error!(error = %cause, "internal error");
        Self::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", "Internal error")
            .with_detail("The server could not complete the request; it has been logged.")
    }
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        let status = self.status();
        let retry_after_secs = self.body.retry_after_secs;
        let mut response = (status, axum::Json(self.body)).into_response();
        response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static(PROBLEM_JSON));
        if let Some(secs) = retry_after_secs {
            response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        response
    }
}

/// The shape of a [`Problem`] body as the APIs' OpenAPI documents describe it (component
/// `Problem`): the RFC 9457 members and the extension members Prism sends. Never built; a
/// [`Problem`] is what goes on the wire.
#[derive(Debug, utoipa::ToSchema)]
#[schema(as = Problem, description = "An RFC 9457 problem: the body of every error answer, as `application/problem+json`.")]
pub struct ProblemSchema {
    /// Stable URI of the kind of problem, `urn:prism:problem:<code>` (`…:version-conflict`).
    #[schema(rename = "type", example = "urn:prism:problem:version-conflict")]
    pub kind: String,
    /// Short human summary of the kind of problem.
    pub title: String,
    /// The HTTP status, repeated.
    pub status: u16,
    /// Human explanation of this occurrence.
    pub detail: Option<String>,
    /// The input at fault: a JSON path into the body (`lines[1].debit`), a query parameter
    /// or a header (`Idempotency-Key`).
    pub field: Option<String>,
    /// On a 403 `forbidden`: the permission the caller's roles lack (`finance.journal.post`).
    pub permission: Option<String>,
    /// On a 409 version conflict: the aggregate's version now (send it as `If-Match`).
    pub current_version: Option<i64>,
    /// On a 504 consistency timeout: the `X-Prism-Min-Position` waited for.
    pub min_position: Option<i64>,
    /// On a 504 consistency timeout: how long the server waited, in milliseconds.
    pub waited_ms: Option<u64>,
    /// On a 503: `true`, the request may be sent again after `Retry-After` seconds.
    pub retryable: Option<bool>,
}

impl ProblemSchema {
    /// A response of `description` whose body is a `Problem` as [`PROBLEM_JSON`].
    #[must_use]
    pub fn response(description: &str) -> utoipa::openapi::Response {
        let body =
            utoipa::openapi::ContentBuilder::new().schema(Some(utoipa::openapi::Ref::from_schema_name("Problem")));
        utoipa::openapi::ResponseBuilder::new().description(description).content(PROBLEM_JSON, body.build()).build()
    }

    /// The 401 response of `description`, with the `WWW-Authenticate: Bearer` challenge it
    /// carries.
    #[must_use]
    pub fn unauthorized_response(description: &str) -> utoipa::openapi::Response {
        Self::response_with_header(description, "WWW-Authenticate", "`Bearer`")
    }

    /// The 429 response of the rate limiter ([`crate::rate_limit`]), with its `Retry-After`.
    #[must_use]
    pub fn rate_limited_response() -> utoipa::openapi::Response {
        let description = "Too many requests (`rate-limited`): over the tenant's or the client IP's limit \
             (`PRISM_RATE_LIMIT_*`); the detail names the limit";
        Self::response_with_header(description, "Retry-After", "Seconds until the limit's window ends")
    }

    /// A response of `description` carrying the header `name`, described by `meaning`.
    fn response_with_header(description: &str, name: &str, meaning: &str) -> utoipa::openapi::Response {
        let mut response = Self::response(description);
        let schema = utoipa::openapi::ObjectBuilder::new().schema_type(utoipa::openapi::schema::Type::String);
        let mut header = utoipa::openapi::Header::new(schema);
        header.description = Some(meaning.to_owned());
        response.headers.insert(name.to_owned(), header);
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unreachable_database_is_a_retryable_503_with_retry_after() {
        let problem = Problem::from_failure(&sqlx::Error::PoolTimedOut);
        assert_eq!(problem.body.kind, "urn:prism:problem:database-unavailable");
        assert_eq!(problem.body.extensions["retryable"], Value::Bool(true));
        let response = problem.into_response();
        assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(response.headers()[header::RETRY_AFTER], UNAVAILABLE_RETRY_AFTER_SECS.to_string());
    }

    #[test]
    fn any_other_failure_is_a_500_without_retry_after() {
        let response = Problem::from_failure(&sqlx::Error::RowNotFound).into_response();
        assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
        assert!(response.headers().get(header::RETRY_AFTER).is_none());
    }
}
