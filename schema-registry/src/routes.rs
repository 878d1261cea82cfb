//! HTTP routes of the Confluent REST subset, each a thin call into [`Registry`].
//!
//! Handlers parse path segments and flags, call one registry method and shape its answer;
//! every refusal goes out through [`ApiError`]'s single mapping.

use std::collections::HashMap;

use axum::{
    extract::{DefaultBodyLimit, Path, Query, State},
    http::{header, HeaderValue, StatusCode},
    response::{IntoResponse, Response},
    routing::{get, post},
    Router,
};

use crate::{
    compatibility::CompatibilityLevel,
    error::{json_response, ApiError, RegistryError, CONTENT_TYPE},
    registry::{parse_schema_id, parse_version, Registry},
    store::Deleted,
    wire::{
        CompatibilityResponse, ConfigRequest, ConfigResponse, ConfigUpdateResponse, Flags, IdResponse, JsonBody,
        SchemaRequest, SchemaResponse, SubjectVersionRef, VersionResponse,
    },
};

type ApiResult = Result<Response, ApiError>;
type Params = Query<HashMap<String, String>>;

/// The only schema type this registry stores.
const SCHEMA_TYPES: [&str; 1] = ["AVRO"];

/// Builds the router over `registry`, refusing bodies over `max_request_bytes`.
pub fn router(registry: Registry, max_request_bytes: usize) -> Router {
    Router::new()
        .route("/", get(root))
        .route("/health", get(health))
        .route("/subjects", get(list_subjects))
        .route("/subjects/{subject}", post(lookup).delete(delete_subject))
        .route("/subjects/{subject}/versions", get(list_versions).post(register))
        .route("/subjects/{subject}/versions/{version}", get(get_version).delete(delete_version))
        .route("/subjects/{subject}/versions/{version}/schema", get(get_version_schema))
        .route("/subjects/{subject}/versions/{version}/referencedby", get(referenced_by))
        .route("/schemas/types", get(schema_types))
        .route("/schemas/ids/{id}", get(get_schema))
        .route("/schemas/ids/{id}/schema", get(get_raw_schema))
        .route("/schemas/ids/{id}/versions", get(get_schema_versions))
        .route("/schemas/ids/{id}/subjects", get(get_schema_subjects))
        .route("/compatibility/subjects/{subject}/versions", post(test_against_all))
        .route("/compatibility/subjects/{subject}/versions/{version}", post(test_against_version))
        .route("/config", get(get_global_config).put(put_global_config))
        .route("/config/{subject}", get(get_subject_config).put(put_subject_config).delete(delete_subject_config))
        .route("/mode", get(get_mode))
        .fallback(not_found)
        .layer(DefaultBodyLimit::max(max_request_bytes))
        .with_state(registry)
}

fn ok<T: serde::Serialize>(body: &T) -> ApiResult {
    Ok(json_response(StatusCode::OK, body))
}

fn deleted_flag(flags: &Flags) -> Deleted {
    if flags.is_set("deleted") {
        Deleted::Include
    } else {
        Deleted::Exclude
    }
}

fn parse_level(request: &ConfigRequest) -> Result<CompatibilityLevel, RegistryError> {
    request.compatibility.as_deref().and_then(CompatibilityLevel::parse).ok_or(RegistryError::InvalidCompatibilityLevel)
}

async fn root() -> ApiResult {
    ok(&serde_json::json!({}))
}

async fn health() -> ApiResult {
    ok(&serde_json::json!({ "status": "UP" }))
}

async fn not_found() -> ApiError {
    ApiError::RouteNotFound
}

async fn get_mode() -> ApiResult {
    ok(&serde_json::json!({ "mode": "READWRITE" }))
}

#[tracing::instrument(skip(registry, body))]
async fn register(
    State(registry): State<Registry>,
    Path(subject): Path<String>,
    JsonBody(body): JsonBody<SchemaRequest>,
) -> ApiResult {
    let id = registry.register(&subject, body.submission()).await?;
    ok(&IdResponse { id })
}

#[tracing::instrument(skip(registry, body))]
async fn lookup(
    State(registry): State<Registry>,
    Path(subject): Path<String>,
    JsonBody(body): JsonBody<SchemaRequest>,
) -> ApiResult {
    let found = registry.lookup(&subject, body.submission()).await?;
    ok(&VersionResponse::from(found))
}

async fn list_subjects(State(registry): State<Registry>, Query(params): Params) -> ApiResult {
    let flags = Flags::new(params);
    ok(&registry.subjects(deleted_flag(&flags)).await?)
}

async fn list_versions(
    State(registry): State<Registry>,
    Path(subject): Path<String>,
    Query(params): Params,
) -> ApiResult {
    let flags = Flags::new(params);
    ok(&registry.versions(&subject, deleted_flag(&flags)).await?)
}

async fn get_version(
    State(registry): State<Registry>,
    Path((subject, version)): Path<(String, String)>,
    Query(params): Params,
) -> ApiResult {
    let selector = parse_version(&version)?;
    let flags = Flags::new(params);
    let found = registry.version(&subject, selector, deleted_flag(&flags)).await?;
    ok(&VersionResponse::from(found))
}

async fn get_version_schema(
    State(registry): State<Registry>,
    Path((subject, version)): Path<(String, String)>,
    Query(params): Params,
) -> ApiResult {
    let selector = parse_version(&version)?;
    let flags = Flags::new(params);
    let found = registry.version(&subject, selector, deleted_flag(&flags)).await?;
    Ok(raw_schema(found.schema_text))
}

async fn referenced_by(
    State(registry): State<Registry>,
    Path((subject, version)): Path<(String, String)>,
) -> ApiResult {
    let selector = parse_version(&version)?;
    registry.version(&subject, selector, Deleted::Exclude).await?;
    ok(&Vec::<i32>::new())
}

#[tracing::instrument(skip(registry))]
async fn delete_subject(
    State(registry): State<Registry>,
    Path(subject): Path<String>,
    Query(params): Params,
) -> ApiResult {
    let flags = Flags::new(params);
    ok(&registry.delete_subject(&subject, flags.is_set("permanent")).await?)
}

#[tracing::instrument(skip(registry))]
async fn delete_version(
    State(registry): State<Registry>,
    Path((subject, version)): Path<(String, String)>,
    Query(params): Params,
) -> ApiResult {
    let selector = parse_version(&version)?;
    let flags = Flags::new(params);
    ok(&registry.delete_version(&subject, selector, flags.is_set("permanent")).await?)
}

async fn schema_types() -> ApiResult {
    ok(&SCHEMA_TYPES)
}

async fn get_schema(State(registry): State<Registry>, Path(id): Path<String>) -> ApiResult {
    let schema = registry.schema_by_id(parse_schema_id(&id)?).await?;
    ok(&SchemaResponse { schema })
}

async fn get_raw_schema(State(registry): State<Registry>, Path(id): Path<String>) -> ApiResult {
    let schema = registry.schema_by_id(parse_schema_id(&id)?).await?;
    Ok(raw_schema(schema))
}

async fn get_schema_versions(
    State(registry): State<Registry>,
    Path(id): Path<String>,
    Query(params): Params,
) -> ApiResult {
    let flags = Flags::new(params);
    let usages = registry.schema_usages(parse_schema_id(&id)?, deleted_flag(&flags)).await?;
    let refs: Vec<SubjectVersionRef> =
        usages.into_iter().map(|(subject, version)| SubjectVersionRef { subject, version }).collect();
    ok(&refs)
}

async fn get_schema_subjects(
    State(registry): State<Registry>,
    Path(id): Path<String>,
    Query(params): Params,
) -> ApiResult {
    let flags = Flags::new(params);
    let usages = registry.schema_usages(parse_schema_id(&id)?, deleted_flag(&flags)).await?;
    let mut subjects: Vec<String> = usages.into_iter().map(|(subject, _)| subject).collect();
    subjects.dedup();
    ok(&subjects)
}

#[tracing::instrument(skip(registry, params, body))]
async fn test_against_all(
    State(registry): State<Registry>,
    Path(subject): Path<String>,
    Query(params): Params,
    JsonBody(body): JsonBody<SchemaRequest>,
) -> ApiResult {
    let messages = registry.test_compatibility(&subject, None, body.submission()).await?;
    compatibility_answer(messages, &Flags::new(params))
}

#[tracing::instrument(skip(registry, params, body))]
async fn test_against_version(
    State(registry): State<Registry>,
    Path((subject, version)): Path<(String, String)>,
    Query(params): Params,
    JsonBody(body): JsonBody<SchemaRequest>,
) -> ApiResult {
    let selector = parse_version(&version)?;
    let messages = registry.test_compatibility(&subject, Some(selector), body.submission()).await?;
    compatibility_answer(messages, &Flags::new(params))
}

fn compatibility_answer(messages: Vec<String>, flags: &Flags) -> ApiResult {
    ok(&CompatibilityResponse {
        is_compatible: messages.is_empty(),
        messages: flags.is_set("verbose").then_some(messages),
    })
}

async fn get_global_config(State(registry): State<Registry>) -> ApiResult {
    let level = registry.global_level().await?;
    ok(&ConfigResponse { compatibility_level: level.as_str() })
}

#[tracing::instrument(skip(registry))]
async fn put_global_config(State(registry): State<Registry>, JsonBody(body): JsonBody<ConfigRequest>) -> ApiResult {
    let level = parse_level(&body)?;
    registry.set_global_level(level).await?;
    ok(&ConfigUpdateResponse { compatibility: level.as_str() })
}

async fn get_subject_config(
    State(registry): State<Registry>,
    Path(subject): Path<String>,
    Query(params): Params,
) -> ApiResult {
    let flags = Flags::new(params);
    let level = registry.subject_level(&subject, flags.is_set("defaultToGlobal")).await?;
    ok(&ConfigResponse { compatibility_level: level.as_str() })
}

#[tracing::instrument(skip(registry))]
async fn put_subject_config(
    State(registry): State<Registry>,
    Path(subject): Path<String>,
    JsonBody(body): JsonBody<ConfigRequest>,
) -> ApiResult {
    let level = parse_level(&body)?;
    registry.set_subject_level(&subject, level).await?;
    ok(&ConfigUpdateResponse { compatibility: level.as_str() })
}

#[tracing::instrument(skip(registry))]
async fn delete_subject_config(State(registry): State<Registry>, Path(subject): Path<String>) -> ApiResult {
    let level = registry.delete_subject_level(&subject).await?;
    ok(&ConfigResponse { compatibility_level: level.as_str() })
}

/// A stored schema text sent as the body itself, as Confluent's `/schema` endpoints do.
fn raw_schema(text: String) -> Response {
    (StatusCode::OK, [(header::CONTENT_TYPE, HeaderValue::from_static(CONTENT_TYPE))], text).into_response()
}
