//! `GET /v1/audit/aggregates/{aggregate_type}/{id}/history`: every event of one aggregate,
//! oldest first, a page at a time — version, position, event type and version, when, the user
//! and request it came from, and what it recorded (`prism-audit history`).

use axum::extract::{Path, State};
use axum::Json;
use prism_audit::store::quoted_schema;
use prism_platform::problem::Problem;

use super::page::{EventPage, PageParams};
use super::{problem, Auditor, NeedsAuditRead, NoSuchAggregate};
use crate::params::QueryParams;
use crate::state::AppState;

/// `GET /v1/audit/aggregates/{aggregate_type}/{id}/history?limit=&cursor=`: one page.
#[utoipa::path(get, path = "/v1/audit/aggregates/{aggregate_type}/{id}/history",
    params(
        ("aggregate_type" = String, Path, description = "Aggregate type, e.g. `finance.journal_entry`, `supply.sales_order`"),
        ("id" = String, Path, description = "Aggregate id (entry id, order id, SKU, `chart`…)"),
        PageParams),
    responses((status = 200, description = "One page of the aggregate's events by version; `next_cursor` is a version",
        body = EventPage), NeedsAuditRead, NoSuchAggregate))]
#[tracing::instrument(skip_all, fields(tenant = %tenant, aggregate_type = %aggregate_type, aggregate_id = %id))]
pub async fn get(
    State(state): State<AppState>,
    Auditor(tenant): Auditor,
    Path((aggregate_type, id)): Path<(String, String)>,
    QueryParams(page): QueryParams<PageParams>,
) -> Result<Json<EventPage>, Problem> {
    let request = page.request(state.limits.page_size_max)?;
    let schema = quoted_schema(&tenant);
    let events = prism_audit::history::events(&state.stores.postgres, &schema, &aggregate_type, &id, request.window)
        .await
        .map_err(problem)?;
    Ok(Json(EventPage::of(events, request, |event| event.version)))
}
