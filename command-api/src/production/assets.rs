//! Plant equipment over REST: register an asset (201), schedule its next maintenance, record
//! maintenance done, start and end a downtime, retire it. Each asset is its own aggregate,
//! addressed by its UUID; `If-Match` carries its version. Downtime times default to now (to
//! the second) when the body gives none. The runner is the one the CRM routes use
//! ([`crate::crm::routes`]).

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use chrono::{DateTime, NaiveDate, Utc};
use prism_aggregates::production::asset::{
    Asset, AssetCommand, AssetStatus, EndDowntime, RecordMaintenance, RegisterAsset, RetireAsset, StartDowntime,
};
use prism_aggregates::tenant::TenantId;
use prism_platform::http::{parse_optional_json, JsonBody, Tenant};
use prism_platform::problem::Problem;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::crm::routes::{run, Target};
use crate::dispatch::path_uuid;
use crate::event_store::Committed;
use crate::group_commit::NewAggregateId;
use crate::request_context::RequestContext;

/// State shared by the asset routes.
pub type Stores = Arc<crate::event_store::TenantEventStores<Asset>>;

/// Where assets are read.
const LOCATION: &str = "/v1/assets";

/// Body of `POST /v1/assets`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RegisterRequest {
    /// Client-chosen id; generated when absent.
    #[serde(default)]
    pub asset_id: Option<Uuid>,
    /// Its name, e.g. `Press 2`.
    pub name: String,
    /// Code of the open location it stands at.
    pub location: String,
    /// Days between maintenances, 1 to 3,650; no schedule when absent.
    #[serde(default)]
    pub maintenance_interval_days: Option<i32>,
    /// When the first maintenance is due.
    #[serde(default)]
    pub next_maintenance_due: Option<NaiveDate>,
}

/// Body of `POST /v1/assets/{id}/maintenance-schedule`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ScheduleRequest {
    /// The day the next maintenance is due; not before the last one done.
    pub due_on: NaiveDate,
}

/// Body of `POST /v1/assets/{id}/maintenance`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MaintenanceRequest {
    /// The day it was done; not before the last one.
    pub performed_on: NaiveDate,
    /// What was done.
    #[serde(default)]
    pub notes: Option<String>,
}

/// Body of `POST /v1/assets/{id}/downtime/start`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DowntimeStartRequest {
    /// When it stopped (RFC 3339); now when absent. Not before the previous downtime ended.
    #[serde(default)]
    pub started_at: Option<DateTime<Utc>>,
    /// Why.
    pub reason: String,
    /// Whether the stop was planned (maintenance, changeover); a breakdown when absent.
    #[serde(default)]
    pub planned: bool,
}

/// Body of `POST /v1/assets/{id}/downtime/end`; optional.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DowntimeEndRequest {
    /// When it ran again (RFC 3339); now when absent. After the downtime started.
    #[serde(default)]
    pub ended_at: Option<DateTime<Utc>>,
}

/// Body of `POST /v1/assets/{id}/retire`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RetireRequest {
    /// The day it left service.
    pub retired_on: NaiveDate,
    /// Why.
    pub reason: String,
}

/// Answer to an accepted asset command.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct AssetChanged {
    /// The asset.
    pub asset_id: Uuid,
    /// Its status after the command: `running`, `down` or `retired`.
    pub status: &'static str,
    /// When its next maintenance is due.
    pub next_maintenance_due: Option<NaiveDate>,
    /// When the downtime under way started.
    pub down_since: Option<DateTime<Utc>>,
    /// Its version after the command.
    pub version: i64,
    /// Global position of its last event: send as `X-Prism-Min-Position` to read your write.
    pub position: i64,
}

/// Runs `command` on asset `id`, answering `status` with [`AssetChanged`].
async fn run_on(
    stores: &Stores,
    tenant: &TenantId,
    id: Uuid,
    headers: &HeaderMap,
    command: AssetCommand,
    context: &RequestContext,
    status: StatusCode,
) -> Result<Response, Problem> {
    let target = Target { stores, tenant, id, location: LOCATION };
    run(target, headers, command, context, status, |asset: &Asset, committed: &Committed| AssetChanged {
        asset_id: id,
        status: asset.status().map(AssetStatus::as_str).unwrap_or_default(),
        next_maintenance_due: asset.next_maintenance_due(),
        down_since: asset.down_since(),
        version: committed.version,
        position: committed.position,
    })
    .await
}

/// `POST /v1/assets` with a [`RegisterRequest`] body: 201, the asset registered, running.
#[utoipa::path(post, path = "/v1/assets", params(crate::openapi::IfMatch), request_body = RegisterRequest,
    responses((status = 201, description = "Registered", body = AssetChanged)))]
#[tracing::instrument(skip_all, fields(tenant = %tenant))]
pub async fn register(
    State(stores): State<Stores>,
    Tenant(tenant): Tenant,
    headers: HeaderMap,
    context: RequestContext,
    JsonBody(request): JsonBody<RegisterRequest>,
) -> Result<Response, Problem> {
    let new_id = NewAggregateId::named_or_minted(request.asset_id);
    let id = new_id.uuid();
    let command = AssetCommand::Register(RegisterAsset {
        asset_id: id,
        name: request.name,
        location: request.location,
        maintenance_interval_days: request.maintenance_interval_days,
        next_maintenance_due: request.next_maintenance_due,
    });
    new_id.run(run_on(&stores, &tenant, id, &headers, command, &context, StatusCode::CREATED)).await
}

/// `POST /v1/assets/{id}/maintenance-schedule` with a [`ScheduleRequest`] body.
#[utoipa::path(post, path = "/v1/assets/{id}/maintenance-schedule",
    params(("id" = Uuid, Path, description = "The asset"), crate::openapi::IfMatch), request_body = ScheduleRequest,
    responses((status = 200, description = "Scheduled", body = AssetChanged), crate::openapi::NotFound))]
#[tracing::instrument(skip_all, fields(tenant = %tenant, asset_id = %id))]
pub async fn schedule_maintenance(
    State(stores): State<Stores>,
    Tenant(tenant): Tenant,
    Path(id): Path<String>,
    headers: HeaderMap,
    context: RequestContext,
    JsonBody(request): JsonBody<ScheduleRequest>,
) -> Result<Response, Problem> {
    let command = AssetCommand::ScheduleMaintenance { due_on: request.due_on };
    run_on(&stores, &tenant, path_uuid("asset", &id)?, &headers, command, &context, StatusCode::OK).await
}

/// `POST /v1/assets/{id}/maintenance` with a [`MaintenanceRequest`] body: the next due date
/// moves by the asset's interval.
#[utoipa::path(post, path = "/v1/assets/{id}/maintenance",
    params(("id" = Uuid, Path, description = "The asset"), crate::openapi::IfMatch), request_body = MaintenanceRequest,
    responses((status = 200, description = "Recorded", body = AssetChanged), crate::openapi::NotFound))]
#[tracing::instrument(skip_all, fields(tenant = %tenant, asset_id = %id))]
pub async fn record_maintenance(
    State(stores): State<Stores>,
    Tenant(tenant): Tenant,
    Path(id): Path<String>,
    headers: HeaderMap,
    context: RequestContext,
    JsonBody(request): JsonBody<MaintenanceRequest>,
) -> Result<Response, Problem> {
    let command =
        AssetCommand::RecordMaintenance(RecordMaintenance { performed_on: request.performed_on, notes: request.notes });
    run_on(&stores, &tenant, path_uuid("asset", &id)?, &headers, command, &context, StatusCode::OK).await
}

/// `POST /v1/assets/{id}/downtime/start` with a [`DowntimeStartRequest`] body.
#[utoipa::path(post, path = "/v1/assets/{id}/downtime/start",
    params(("id" = Uuid, Path, description = "The asset"), crate::openapi::IfMatch),
    request_body = DowntimeStartRequest,
    responses((status = 200, description = "Down", body = AssetChanged), crate::openapi::NotFound))]
#[tracing::instrument(skip_all, fields(tenant = %tenant, asset_id = %id))]
pub async fn start_downtime(
    State(stores): State<Stores>,
    Tenant(tenant): Tenant,
    Path(id): Path<String>,
    headers: HeaderMap,
    context: RequestContext,
    JsonBody(request): JsonBody<DowntimeStartRequest>,
) -> Result<Response, Problem> {
    let command = AssetCommand::StartDowntime(StartDowntime {
        started_at: request.started_at.unwrap_or_else(Utc::now),
        reason: request.reason,
        planned: request.planned,
    });
    run_on(&stores, &tenant, path_uuid("asset", &id)?, &headers, command, &context, StatusCode::OK).await
}

/// `POST /v1/assets/{id}/downtime/end` with an optional [`DowntimeEndRequest`] body (none:
/// ended now).
#[utoipa::path(post, path = "/v1/assets/{id}/downtime/end",
    params(("id" = Uuid, Path, description = "The asset"), crate::openapi::IfMatch),
    request_body(content = Option<DowntimeEndRequest>, description = "Optional: absent, empty or null to end it now"),
    responses((status = 200, description = "Running again", body = AssetChanged), crate::openapi::NotFound))]
#[tracing::instrument(skip_all, fields(tenant = %tenant, asset_id = %id))]
pub async fn end_downtime(
    State(stores): State<Stores>,
    Tenant(tenant): Tenant,
    Path(id): Path<String>,
    headers: HeaderMap,
    context: RequestContext,
    body: Bytes,
) -> Result<Response, Problem> {
    let request: DowntimeEndRequest = parse_optional_json(&body)?;
    let command = AssetCommand::EndDowntime(EndDowntime { ended_at: request.ended_at.unwrap_or_else(Utc::now) });
    run_on(&stores, &tenant, path_uuid("asset", &id)?, &headers, command, &context, StatusCode::OK).await
}

/// `POST /v1/assets/{id}/retire` with a [`RetireRequest`] body: final.
#[utoipa::path(post, path = "/v1/assets/{id}/retire",
    params(("id" = Uuid, Path, description = "The asset"), crate::openapi::IfMatch), request_body = RetireRequest,
    responses((status = 200, description = "Retired", body = AssetChanged), crate::openapi::NotFound))]
#[tracing::instrument(skip_all, fields(tenant = %tenant, asset_id = %id))]
pub async fn retire(
    State(stores): State<Stores>,
    Tenant(tenant): Tenant,
    Path(id): Path<String>,
    headers: HeaderMap,
    context: RequestContext,
    JsonBody(request): JsonBody<RetireRequest>,
) -> Result<Response, Problem> {
    let command = AssetCommand::Retire(RetireAsset { retired_on: request.retired_on, reason: request.reason });
    run_on(&stores, &tenant, path_uuid("asset", &id)?, &headers, command, &context, StatusCode::OK).await
}
