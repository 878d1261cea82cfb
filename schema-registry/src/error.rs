//! Error types of each layer and their one mapping to Confluent-style HTTP responses.
//!
//! Clients of a schema registry branch on `error_code`, so the codes and messages follow
//! Confluent's (`{"error_code": 40401, "message": "Subject 'x' not found."}`) rather than
//! RFC 9457 problem documents. Database failures are logged here and answered with a generic
//! 50001 that says nothing about the database.

use std::net::SocketAddr;

use axum::{
    http::{header, HeaderValue, StatusCode},
    response::{IntoResponse, Response},
};
use serde::Serialize;

/// The media type of every registry response.
pub const CONTENT_TYPE: &str = "application/vnd.schemaregistry.v1+json";

/// What a registry operation can refuse or fail with.
#[derive(Debug, thiserror::Error)]
pub enum RegistryError {
    /// The subject has no (live) versions.
    #[error("Subject '{0}' not found.")]
    SubjectNotFound(String),
    /// The subject exists but not this version.
    #[error("Version {0} not found.")]
    VersionNotFound(String),
    /// No schema with this id.
    #[error("Schema {0} not found")]
    SchemaIdNotFound(String),
    /// The submitted schema is not registered under the subject.
    #[error("Schema not found")]
    SchemaNotFound,
    /// A soft delete of a subject whose versions were all soft-deleted already.
    #[error("Subject '{0}' was soft deleted. Set permanent=true to delete permanently")]
    SubjectSoftDeleted(String),
    /// A permanent delete of a subject that still has live versions.
    #[error("Subject '{0}' was not deleted first before being permanently deleted")]
    SubjectNotSoftDeleted(String),
    /// A soft delete of a version that is soft-deleted already.
    #[error("Subject '{subject}' Version {version} was soft deleted. Set permanent=true to delete permanently")]
    VersionSoftDeleted {
        /// The subject.
        subject: String,
        /// The version.
        version: i32,
    },
    /// A permanent delete of a version that is still live.
    #[error("Subject '{subject}' Version {version} was not deleted first before being permanently deleted")]
    VersionNotSoftDeleted {
        /// The subject.
        subject: String,
        /// The version.
        version: i32,
    },
    /// `GET /config/{subject}` for a subject without its own level.
    #[error("Subject '{0}' does not have subject-level compatibility configured")]
    SubjectLevelNotConfigured(String),
    /// The schema breaks the subject's compatibility level.
    #[error("Schema being registered is incompatible with an earlier schema for subject \"{subject}\", details: [{}]", .messages.join("; "))]
    Incompatible {
        /// The subject.
        subject: String,
        /// One line per failed comparison.
        messages: Vec<String>,
    },
    /// The schema text is not a valid schema the registry accepts.
    #[error("{0}")]
    InvalidSchema(String),
    /// A version path segment that is neither a positive number, `-1` nor `latest`.
    #[error("The specified version '{0}' is not a valid version id. Allowed values are between [1, 2^31-1] and the string \"latest\"")]
    InvalidVersion(String),
    /// A compatibility level name that is not one of the seven.
    #[error("Invalid compatibility level. Valid values are none, backward, forward, full, backward_transitive, forward_transitive, and full_transitive")]
    InvalidCompatibilityLevel,
    /// Postgres failed.
    #[error("database error")]
    Store(#[from] sqlx::Error),
    /// Stored data that cannot be what was stored (e.g. a schema that no longer parses).
    #[error("corrupt stored data: {0}")]
    Corrupt(String),
}

impl RegistryError {
    fn status_and_code(&self) -> (StatusCode, u32) {
        match self {
            Self::SubjectNotFound(_) => (StatusCode::NOT_FOUND, 40401),
            Self::VersionNotFound(_) => (StatusCode::NOT_FOUND, 40402),
            Self::SchemaIdNotFound(_) | Self::SchemaNotFound => (StatusCode::NOT_FOUND, 40403),
            Self::SubjectSoftDeleted(_) => (StatusCode::NOT_FOUND, 40404),
            Self::SubjectNotSoftDeleted(_) => (StatusCode::NOT_FOUND, 40405),
            Self::VersionSoftDeleted { .. } => (StatusCode::NOT_FOUND, 40406),
            Self::VersionNotSoftDeleted { .. } => (StatusCode::NOT_FOUND, 40407),
            Self::SubjectLevelNotConfigured(_) => (StatusCode::NOT_FOUND, 40408),
            Self::Incompatible { .. } => (StatusCode::CONFLICT, 409),
            Self::InvalidSchema(_) => (StatusCode::UNPROCESSABLE_ENTITY, 42201),
            Self::InvalidVersion(_) => (StatusCode::UNPROCESSABLE_ENTITY, 42202),
            Self::InvalidCompatibilityLevel => (StatusCode::UNPROCESSABLE_ENTITY, 42203),
            Self::Store(_) | Self::Corrupt(_) => (StatusCode::INTERNAL_SERVER_ERROR, 50001),
        }
    }
}

/// Anything an HTTP handler answers with instead of a success.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// A registry operation's error.
    #[error(transparent)]
    Registry(#[from] RegistryError),
    /// The body is not the JSON the endpoint expects.
    #[error("{0}")]
    MalformedBody(String),
    /// The body's content type is not JSON.
    #[error("Unsupported content type '{0}'; use application/vnd.schemaregistry.v1+json or application/json")]
    UnsupportedMediaType(String),
    /// The body exceeds the configured limit.
    #[error("Request body is larger than this registry accepts")]
    BodyTooLarge,
    /// No route matches the path.
    #[error("HTTP 404 Not Found")]
    RouteNotFound,
}

impl ApiError {
    fn status_and_code(&self) -> (StatusCode, u32) {
        match self {
            Self::Registry(e) => e.status_and_code(),
            Self::MalformedBody(_) => (StatusCode::BAD_REQUEST, 400),
            Self::UnsupportedMediaType(_) => (StatusCode::UNSUPPORTED_MEDIA_TYPE, 415),
            Self::BodyTooLarge => (StatusCode::PAYLOAD_TOO_LARGE, 413),
            Self::RouteNotFound => (StatusCode::NOT_FOUND, 404),
        }
    }
}

/// The JSON body of every error response.
#[derive(Debug, Serialize)]
struct ErrorBody {
    error_code: u32,
    message: String,
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, error_code) = self.status_and_code();
        let message = if status.is_server_error() {
            tracing::error!(error = ?self, "request failed");
            "Error in the backend data store".to_owned()
        } else {
            self.to_string()
        };
        json_response(status, &ErrorBody { error_code, message })
    }
}

impl IntoResponse for RegistryError {
    fn into_response(self) -> Response {
        ApiError::from(self).into_response()
    }
}

/// Serialises `body` as a registry JSON response.
pub(crate) fn json_response<T: Serialize>(status: StatusCode, body: &T) -> Response {
    match serde_json::to_vec(body) {
        Ok(bytes) => (status, [(header::CONTENT_TYPE, HeaderValue::from_static(CONTENT_TYPE))], bytes).into_response(),
        Err(error) => {
            tracing::error!(%error, "response did not serialise");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

/// Why the registry could not start or stopped serving.
#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    /// A setting is out of range.
    #[error("invalid configuration: {0}")]
    InvalidConfig(String),
    /// Postgres could not be reached or the DDL failed.
    #[error("database: {0}")]
    Database(#[from] sqlx::Error),
    /// The listen address could not be bound.
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        /// The address.
        addr: SocketAddr,
        /// The cause.
        source: std::io::Error,
    },
    /// The server failed while serving.
    #[error("server: {0}")]
    Serve(std::io::Error),
}
