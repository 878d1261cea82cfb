//! Bills of materials over REST: `POST /v1/boms/{sku}/revisions` records the next version of
//! the bill of finished item `sku` (or nothing when the lines are those of the latest).
//! `If-Match` carries the bill's version.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use prism_aggregates::production::bill_of_materials::{
    BillOfMaterials, BomCommand, BomLineInput, ReviseBillOfMaterials,
};
use prism_platform::http::{JsonBody, Tenant};
use prism_platform::problem::Problem;
use serde::{Deserialize, Serialize};

use crate::dispatch::{accepted, check_if_match, execute};
use crate::request_context::RequestContext;

/// State shared by the bill-of-materials routes.
pub type Stores = Arc<crate::event_store::TenantEventStores<BillOfMaterials>>;

/// Body of `POST /v1/boms/{sku}/revisions`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReviseRequest {
    /// What one unit of the item is made of: 1–200 lines, each component once.
    #[schema(value_type = Vec<crate::openapi::bodies::BomLineInput>)]
    pub lines: Vec<BomLineInput>,
    /// Why it was revised.
    #[serde(default)]
    pub note: Option<String>,
}

/// Answer to an accepted revision.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct BomRevised {
    /// The finished item.
    pub sku: String,
    /// Its latest bill version after the command.
    pub bom_version: i32,
    /// The aggregate's version after the command.
    pub version: i64,
    /// Global position of its last event: send as `X-Prism-Min-Position` to read your write.
    pub position: i64,
}

/// `POST /v1/boms/{sku}/revisions` with a [`ReviseRequest`] body: 201 with the new version,
/// 200 when the lines are the latest version's already.
#[utoipa::path(post, path = "/v1/boms/{sku}/revisions",
    params(("sku" = String, Path, description = "The finished item"), crate::openapi::IfMatch),
    request_body = ReviseRequest,
    responses((status = 201, description = "Revised", body = BomRevised),
        (status = 200, description = "Unchanged: the lines are the latest version's", body = BomRevised)))]
#[tracing::instrument(skip_all, fields(tenant = %tenant, sku = %sku))]
pub async fn revise(
    State(stores): State<Stores>,
    Tenant(tenant): Tenant,
    Path(sku): Path<String>,
    headers: HeaderMap,
    context: RequestContext,
    JsonBody(request): JsonBody<ReviseRequest>,
) -> Result<Response, Problem> {
    check_if_match(&stores, &tenant, &sku, &headers).await?;
    let command =
        BomCommand::Revise(ReviseBillOfMaterials { sku: sku.clone(), lines: request.lines, note: request.note });
    let committed = execute(&stores, &tenant, &sku, command, &context).await?;
    let bom = stores.load(&tenant, &sku).await.map_err(|e| Problem::internal(&e))?;
    let status = if committed.recorded > 0 { StatusCode::CREATED } else { StatusCode::OK };
    let body = BomRevised {
        sku: sku.clone(),
        bom_version: bom.latest_version().unwrap_or_default(),
        version: committed.version,
        position: committed.position,
    };
    Ok(accepted(status, body, &format!("/v1/boms/{sku}"), committed))
}
