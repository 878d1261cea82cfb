//! Period-end revaluation over REST: `POST /v1/revaluations` revalues the foreign-currency
//! balances of the asset and liability accounts at the rates of a date, posting unrealised
//! exchange gains and losses. The fiscal calendar decides it (it owns period-end procedures),
//! so `If-Match` carries the calendar's version.

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use chrono::NaiveDate;
use prism_aggregates::finance::calendar::{CalendarCommand, CALENDAR_ID};
use prism_platform::http::{JsonBody, Tenant};
use prism_platform::problem::Problem;
use serde::{Deserialize, Serialize};

use crate::calendar::{run, Stores};
use crate::dispatch::accepted;
use crate::request_context::RequestContext;

/// Body of `POST /v1/revaluations`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RevaluationRequest {
    /// Accounting date: in an open period, after the last revaluation.
    pub date: NaiveDate,
}

/// Answer to `POST /v1/revaluations`.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct RevaluationView {
    /// The revaluation date.
    pub date: NaiveDate,
    /// The revaluation journal entry; absent when no functional value changed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub entry_id: Option<String>,
    /// The calendar's version after the command.
    pub version: i64,
    /// Global position of the event: send as `X-Prism-Min-Position` to read your write.
    pub position: i64,
}

/// `POST /v1/revaluations` with a [`RevaluationRequest`]: 201 with the entry posted.
#[utoipa::path(post, path = "/v1/revaluations", params(crate::openapi::IfMatch), request_body = RevaluationRequest,
    responses((status = 201, description = "Revalued", body = RevaluationView)))]
#[tracing::instrument(skip_all, fields(tenant = %tenant))]
pub async fn revalue(
    State(stores): State<Stores>,
    Tenant(tenant): Tenant,
    headers: HeaderMap,
    context: RequestContext,
    JsonBody(request): JsonBody<RevaluationRequest>,
) -> Result<Response, Problem> {
    let date = request.date;
    let committed = run(&stores, &tenant, &headers, CalendarCommand::RevalueForeignCurrency { date }, &context).await?;
    let calendar = stores.load(&tenant, CALENDAR_ID).await.map_err(|e| Problem::internal(&e))?;
    let entry_id = calendar.last_revaluation().filter(|last| last.date == date).and_then(|last| last.entry_id.clone());
    let body = RevaluationView { date, entry_id, version: committed.version, position: committed.position };
    Ok(accepted(StatusCode::CREATED, body, "/v1/revaluations", committed))
}
