//! Quality checks over REST: `POST /v1/quality-checks` records one check of a work order's
//! output or a receipt with its result (201); a failed one names the quarantine location the
//! production saga moves the goods to. Each check is its own aggregate, addressed by its UUID.

use std::sync::Arc;

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use prism_aggregates::production::quality_check::{QualityCheck, QualityCheckCommand, RecordQualityCheck};
use prism_aggregates::quantity::Quantity;
use prism_platform::http::{JsonBody, Tenant};
use prism_platform::problem::Problem;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::crm::routes::{run, Target};
use crate::event_store::Committed;
use crate::group_commit::NewAggregateId;
use crate::request_context::RequestContext;

/// State shared by the quality-check route.
pub type Stores = Arc<crate::event_store::TenantEventStores<QualityCheck>>;

/// Body of `POST /v1/quality-checks`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RecordRequest {
    /// Client-chosen id; generated when absent.
    #[serde(default)]
    pub quality_check_id: Option<Uuid>,
    /// The work order whose output was inspected.
    #[serde(default)]
    pub work_order_id: Option<Uuid>,
    /// The receipt inspected (a movement id or delivery reference); this or `work_order_id`.
    #[serde(default)]
    pub receipt_reference: Option<String>,
    /// The item inspected.
    pub sku: String,
    /// Code of the open location where it is.
    pub location: String,
    /// Positive quantity inspected.
    #[schema(value_type = crate::openapi::bodies::Quantity)]
    pub quantity: Quantity,
    /// `pass` or `fail`.
    pub result: String,
    /// Where failed goods go on hold; required when the check fails.
    #[serde(default)]
    pub quarantine_location: Option<String>,
    /// What was found.
    #[serde(default)]
    pub notes: Option<String>,
}

/// Answer to a recorded check.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct QualityCheckRecorded {
    /// The check.
    pub quality_check_id: Uuid,
    /// `pass` or `fail`.
    pub result: String,
    /// Its version after the command.
    pub version: i64,
    /// Global position of its event: send as `X-Prism-Min-Position` to read your write.
    pub position: i64,
}

/// `POST /v1/quality-checks` with a [`RecordRequest`] body: 201.
#[utoipa::path(post, path = "/v1/quality-checks", params(crate::openapi::IfMatch), request_body = RecordRequest,
    responses((status = 201, description = "Recorded", body = QualityCheckRecorded)))]
#[tracing::instrument(skip_all, fields(tenant = %tenant))]
pub async fn record(
    State(stores): State<Stores>,
    Tenant(tenant): Tenant,
    headers: HeaderMap,
    context: RequestContext,
    JsonBody(request): JsonBody<RecordRequest>,
) -> Result<Response, Problem> {
    let new_id = NewAggregateId::named_or_minted(request.quality_check_id);
    let id = new_id.uuid();
    let command = QualityCheckCommand::Record(RecordQualityCheck {
        quality_check_id: id,
        work_order_id: request.work_order_id,
        receipt_reference: request.receipt_reference,
        sku: request.sku,
        location: request.location,
        quantity: request.quantity,
        result: request.result,
        quarantine_location: request.quarantine_location,
        notes: request.notes,
    });
    let target = Target { stores: &stores, tenant: &tenant, id, location: "/v1/quality-checks" };
    let answer = |check: &QualityCheck, committed: &Committed| QualityCheckRecorded {
        quality_check_id: id,
        result: check.result().unwrap_or_default().to_owned(),
        version: committed.version,
        position: committed.position,
    };
    new_id.run(run(target, &headers, command, &context, StatusCode::CREATED, answer)).await
}
