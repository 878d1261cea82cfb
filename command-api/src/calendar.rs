//! The fiscal calendar over REST: open a fiscal year split into periods, then close, reopen
//! (with a reason) and lock its periods. Every route addresses the tenant's one calendar
//! aggregate, so `If-Match` carries the calendar's version.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use chrono::NaiveDate;
use prism_aggregates::finance::calendar::{CalendarCommand, FiscalCalendar, OpenFiscalYear, CALENDAR_ID};
use prism_aggregates::tenant::TenantId;
use prism_platform::http::{parse_optional_json, JsonBody, Tenant};
use prism_platform::problem::Problem;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::books::BooksCache;
use crate::dispatch::{accepted, check_if_match, execute};
use crate::event_store::{Committed, TenantEventStores};
use crate::request_context::RequestContext;

/// State shared by the calendar routes.
pub type Stores = Arc<TenantEventStores<FiscalCalendar>>;

/// Body of `POST /v1/fiscal-periods/{period}/reopen`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReopenPeriodRequest {
    /// Why the period is reopened.
    pub reason: String,
}

/// One period of an opened year, as answered.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct PeriodView {
    /// Period label, e.g. `2026-03`.
    pub period: String,
    /// First day.
    pub start_date: NaiveDate,
    /// Last day (inclusive).
    pub end_date: NaiveDate,
}

/// Answer to `POST /v1/fiscal-years`.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct FiscalYearOpenedView {
    /// The year's label.
    pub year: String,
    /// Its periods, in order.
    pub periods: Vec<PeriodView>,
    /// The calendar's version after the command.
    pub version: i64,
    /// Global position of the event: send as `X-Prism-Min-Position` to read your write.
    pub position: i64,
}

/// Answer to a period command.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct PeriodChanged {
    /// The period.
    pub period: String,
    /// Its status after the command: `open`, `closed` or `locked`.
    pub status: &'static str,
    /// The calendar's version after the command.
    pub version: i64,
    /// Global position of the event.
    pub position: i64,
}

/// `POST /v1/fiscal-years` with an [`OpenFiscalYear`] body: 201 with the year's periods.
#[utoipa::path(post, path = "/v1/fiscal-years", params(crate::openapi::IfMatch),
    request_body = crate::openapi::bodies::OpenFiscalYear,
    responses((status = 201, description = "Opened, with its periods", body = FiscalYearOpenedView)))]
#[tracing::instrument(skip_all, fields(tenant = %tenant))]
pub async fn open_year(
    State(stores): State<Stores>,
    State(books): State<Arc<BooksCache>>,
    Tenant(tenant): Tenant,
    headers: HeaderMap,
    context: RequestContext,
    JsonBody(request): JsonBody<OpenFiscalYear>,
) -> Result<Response, Problem> {
    let start_date = request.start_date;
    let command = CalendarCommand::OpenFiscalYear(request);
    let committed = run(&stores, &tenant, &headers, command, &context).await?;
    let books = books.current(&tenant).await.map_err(|e| Problem::internal(&e))?;
    let year = books.calendar.year_of(start_date).ok_or_else(|| Problem::internal(&"opened year not found"))?;
    let periods = books
        .calendar
        .periods()
        .filter(|period| period.year() == year.year())
        .map(|period| PeriodView {
            period: period.period().to_owned(),
            start_date: period.start_date(),
            end_date: period.end_date(),
        })
        .collect();
    let body = FiscalYearOpenedView {
        year: year.year().to_owned(),
        periods,
        version: committed.version,
        position: committed.position,
    };
    Ok(accepted(StatusCode::CREATED, body, "/v1/fiscal-years", committed))
}

/// Body of `POST /v1/fiscal-years/{year}/close`.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CloseYearRequest {
    /// The equity account that receives the year's result; `3200` when absent.
    #[serde(default)]
    pub retained_earnings_account: Option<String>,
}

/// Answer to `POST /v1/fiscal-years/{year}/close`.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct YearClosedView {
    /// The year.
    pub year: String,
    /// The closing journal entry (absent when there was nothing to close).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub entry_id: Option<Uuid>,
    /// The calendar's version after the command.
    pub version: i64,
    /// Global position of the event: send as `X-Prism-Min-Position` to read your write.
    pub position: i64,
}

/// `POST /v1/fiscal-years/{year}/close`, with an optional [`CloseYearRequest`] body (absent,
/// empty or `null` for the defaults): once every
/// period of the year is closed, posts the closing entry that moves income and expense balances
/// to retained earnings.
#[utoipa::path(post, path = "/v1/fiscal-years/{year}/close",
    params(("year" = String, Path, description = "The year label (`2026`)"), crate::openapi::IfMatch),
    request_body(content = Option<CloseYearRequest>, description = "Optional: absent, empty or null for the defaults"),
    responses((status = 200, description = "Closed, with the closing entry", body = YearClosedView), crate::openapi::NotFound))]
#[tracing::instrument(skip_all, fields(tenant = %tenant, year = %year))]
pub async fn close_year(
    State(stores): State<Stores>,
    Tenant(tenant): Tenant,
    Path(year): Path<String>,
    headers: HeaderMap,
    context: RequestContext,
    body: Bytes,
) -> Result<Response, Problem> {
    let request: CloseYearRequest = parse_optional_json(&body)?;
    let command = CalendarCommand::CloseFiscalYear {
        year: year.clone(),
        retained_earnings_account: request.retained_earnings_account,
    };
    let committed = run(&stores, &tenant, &headers, command, &context).await?;
    let calendar = stores.load(&tenant, CALENDAR_ID).await.map_err(|e| Problem::internal(&e))?;
    let entry_id = calendar.year(&year).and_then(|y| y.closing_entry_id()).and_then(|id| Uuid::parse_str(id).ok());
    let body = YearClosedView { year, entry_id, version: committed.version, position: committed.position };
    Ok(accepted(StatusCode::OK, body, "/v1/fiscal-years", committed))
}

/// `POST /v1/fiscal-periods/{period}/close`.
#[utoipa::path(post, path = "/v1/fiscal-periods/{period}/close",
    params(("period" = String, Path, description = "The period label (`2026-03`)"), crate::openapi::IfMatch),
    responses((status = 200, description = "Closed", body = PeriodChanged), crate::openapi::NotFound))]
#[tracing::instrument(skip_all, fields(tenant = %tenant, period = %period))]
pub async fn close(
    State(stores): State<Stores>,
    Tenant(tenant): Tenant,
    Path(period): Path<String>,
    headers: HeaderMap,
    context: RequestContext,
) -> Result<Response, Problem> {
    let command = CalendarCommand::ClosePeriod { period: period.clone() };
    let committed = run(&stores, &tenant, &headers, command, &context).await?;
    Ok(period_changed(period, "closed", committed))
}

/// `POST /v1/fiscal-periods/{period}/reopen` with a reason; a locked period never reopens.
#[utoipa::path(post, path = "/v1/fiscal-periods/{period}/reopen",
    params(("period" = String, Path, description = "The period label (`2026-03`)"), crate::openapi::IfMatch),
    request_body = ReopenPeriodRequest,
    responses((status = 200, description = "Reopened", body = PeriodChanged), crate::openapi::NotFound))]
#[tracing::instrument(skip_all, fields(tenant = %tenant, period = %period))]
pub async fn reopen(
    State(stores): State<Stores>,
    Tenant(tenant): Tenant,
    Path(period): Path<String>,
    headers: HeaderMap,
    context: RequestContext,
    JsonBody(request): JsonBody<ReopenPeriodRequest>,
) -> Result<Response, Problem> {
    let command = CalendarCommand::ReopenPeriod { period: period.clone(), reason: request.reason };
    let committed = run(&stores, &tenant, &headers, command, &context).await?;
    Ok(period_changed(period, "open", committed))
}

/// `POST /v1/fiscal-periods/{period}/lock`: a closed period is locked for good.
#[utoipa::path(post, path = "/v1/fiscal-periods/{period}/lock",
    params(("period" = String, Path, description = "The period label (`2026-03`)"), crate::openapi::IfMatch),
    responses((status = 200, description = "Locked", body = PeriodChanged), crate::openapi::NotFound))]
#[tracing::instrument(skip_all, fields(tenant = %tenant, period = %period))]
pub async fn lock(
    State(stores): State<Stores>,
    Tenant(tenant): Tenant,
    Path(period): Path<String>,
    headers: HeaderMap,
    context: RequestContext,
) -> Result<Response, Problem> {
    let command = CalendarCommand::LockPeriod { period: period.clone() };
    let committed = run(&stores, &tenant, &headers, command, &context).await?;
    Ok(period_changed(period, "locked", committed))
}

pub(crate) async fn run(
    stores: &Stores,
    tenant: &TenantId,
    headers: &HeaderMap,
    command: CalendarCommand,
    context: &RequestContext,
) -> Result<Committed, Problem> {
    check_if_match(stores, tenant, CALENDAR_ID, headers).await?;
    let committed = execute(stores, tenant, CALENDAR_ID, command, context).await?;
    tracing::info!(position = committed.position, "fiscal calendar changed");
    Ok(committed)
}

fn period_changed(period: String, status: &'static str, committed: Committed) -> Response {
    let body = PeriodChanged { period, status, version: committed.version, position: committed.position };
    accepted(StatusCode::OK, body, "/v1/fiscal-years", committed)
}
