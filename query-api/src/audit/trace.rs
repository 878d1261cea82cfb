//! `GET /v1/audit/traces/{correlation_id}`: every event one request caused, across aggregates,
//! in the tenant's order, a page at a time (`prism-audit trace`). A correlation id no event
//! carries is an empty page, not 404: the request may have been refused, or not yet made.

use axum::extract::{Path, State};
use axum::Json;
use prism_audit::store::quoted_schema;
use prism_platform::problem::Problem;

use super::page::{EventPage, PageParams};
use super::{problem, Auditor, NeedsAuditRead};
use crate::params::QueryParams;
use crate::state::AppState;

/// `GET /v1/audit/traces/{correlation_id}?limit=&cursor=`: one page.
#[utoipa::path(get, path = "/v1/audit/traces/{correlation_id}",
    params(
        ("correlation_id" = String, Path,
            description = "The request's `X-Correlation-ID` (or, when it sent none, its command id)"),
        PageParams),
    responses((status = 200, description = "One page of the request's events by global position; `next_cursor` is \
        a position", body = EventPage), NeedsAuditRead))]
#[tracing::instrument(skip_all, fields(tenant = %tenant, correlation_id = %correlation_id))]
pub async fn get(
    State(state): State<AppState>,
    Auditor(tenant): Auditor,
    Path(correlation_id): Path<String>,
    QueryParams(page): QueryParams<PageParams>,
) -> Result<Json<EventPage>, Problem> {
    let request = page.request(state.limits.page_size_max)?;
    let schema = quoted_schema(&tenant);
    let events = prism_audit::trace::events(&state.stores.postgres, &schema, &correlation_id, request.window)
        .await
        .map_err(problem)?;
    Ok(Json(EventPage::of(events, request, |event| event.position)))
}
