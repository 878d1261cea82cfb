//! The JSON shapes of the Confluent REST API and the body extractor that reads them.
//!
//! Requests may come as `application/vnd.schemaregistry.v1+json`, `application/json` (any
//! `…json` type) or without a content type; unknown fields are ignored, as Confluent's
//! clients send extras such as `metadata` and `ruleSet`.

use std::collections::HashMap;

use axum::{
    body::Bytes,
    extract::{FromRequest, Request},
    http::{header, StatusCode},
};
use serde::{de::DeserializeOwned, Deserialize, Serialize};

use crate::{error::ApiError, registry::Submission, store::SubjectVersion};

/// A JSON request body, read whatever JSON-ish content type it came with.
#[derive(Debug)]
pub struct JsonBody<T>(pub T);

impl<S, T> FromRequest<S> for JsonBody<T>
where
    S: Send + Sync,
    T: DeserializeOwned,
{
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        if let Some(value) = req.headers().get(header::CONTENT_TYPE) {
            let text = value.to_str().unwrap_or_default();
            let essence = text.split(';').next().unwrap_or_default().trim();
            if !essence.to_ascii_lowercase().ends_with("json") {
                return Err(ApiError::UnsupportedMediaType(text.to_owned()));
            }
        }
        let bytes = Bytes::from_request(req, state).await.map_err(|rejection| match rejection.status() {
            StatusCode::PAYLOAD_TOO_LARGE => ApiError::BodyTooLarge,
            _ => ApiError::MalformedBody(rejection.body_text()),
        })?;
        serde_json::from_slice(&bytes)
            .map(JsonBody)
            .map_err(|e| ApiError::MalformedBody(format!("Invalid JSON body: {e}")))
    }
}

/// Body of register, lookup and compatibility requests.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SchemaRequest {
    /// The schema text.
    #[serde(default)]
    pub schema: Option<String>,
    /// `AVRO` when absent.
    #[serde(default)]
    pub schema_type: Option<String>,
    /// Schema references (only an empty list is supported).
    #[serde(default)]
    pub references: Option<Vec<serde_json::Value>>,
}

impl SchemaRequest {
    /// The request as a registry submission (a missing schema is an empty one).
    #[must_use]
    pub fn submission(&self) -> Submission<'_> {
        Submission {
            schema: self.schema.as_deref().unwrap_or_default(),
            schema_type: self.schema_type.as_deref(),
            reference_count: self.references.as_ref().map_or(0, Vec::len),
        }
    }
}

/// Body of `PUT /config` and `PUT /config/{subject}`.
#[derive(Debug, Deserialize)]
pub struct ConfigRequest {
    /// The level name.
    #[serde(default, alias = "compatibilityLevel")]
    pub compatibility: Option<String>,
}

/// Answer to a registration.
#[derive(Debug, Serialize)]
pub struct IdResponse {
    /// The global schema id.
    pub id: i32,
}

/// One subject version, as `GET …/versions/{v}` and lookup return it.
#[derive(Debug, Serialize)]
pub struct VersionResponse {
    /// The subject.
    pub subject: String,
    /// The version number.
    pub version: i32,
    /// The global schema id.
    pub id: i32,
    /// The schema text.
    pub schema: String,
}

impl From<SubjectVersion> for VersionResponse {
    fn from(v: SubjectVersion) -> Self {
        Self { subject: v.subject, version: v.version, id: v.schema_id, schema: v.schema_text }
    }
}

/// Answer to `GET /schemas/ids/{id}`.
#[derive(Debug, Serialize)]
pub struct SchemaResponse {
    /// The schema text.
    pub schema: String,
}

/// One `(subject, version)` pair using a schema id.
#[derive(Debug, Serialize)]
pub struct SubjectVersionRef {
    /// The subject.
    pub subject: String,
    /// The version.
    pub version: i32,
}

/// Answer to a compatibility test.
#[derive(Debug, Serialize)]
pub struct CompatibilityResponse {
    /// Whether the schema passes the subject's level.
    pub is_compatible: bool,
    /// Why not, when the request asked for `verbose=true`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub messages: Option<Vec<String>>,
}

/// Answer to `GET /config…` and `DELETE /config/{subject}`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ConfigResponse {
    /// The level name.
    pub compatibility_level: &'static str,
}

/// Answer to `PUT /config…`.
#[derive(Debug, Serialize)]
pub struct ConfigUpdateResponse {
    /// The level name now in force.
    pub compatibility: &'static str,
}

/// Query parameters, read leniently: unknown ones are ignored.
#[derive(Debug, Default)]
pub struct Flags(HashMap<String, String>);

impl Flags {
    /// Wraps the parsed query string.
    #[must_use]
    pub fn new(params: HashMap<String, String>) -> Self {
        Self(params)
    }

    /// Whether `name` is present and `true` (any case).
    #[must_use]
    pub fn is_set(&self, name: &str) -> bool {
        self.0.get(name).is_some_and(|v| v.eq_ignore_ascii_case("true"))
    }
}
