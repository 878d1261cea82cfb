//! `GET /v1/leave-requests`, `GET /v1/employees/{id}/leave-balances`, `GET /v1/leave-accounts/{id}`:
//! the leave requests from `leave_requests` (filtered by employee, status and the days they
//! touch), and the balances per leave type of an employee's year from the `leave_balances` view
//! (entitled, pending, approved and remaining working days).

use axum::extract::{Path, State};
use axum::Json;
use chrono::{Datelike, NaiveDate, Utc};
use prism_aggregates::hr::leave_account::{leave_account_id_for, YEARS};
use prism_aggregates::tenant::TenantId;
use prism_platform::problem::Problem;
use serde::{Deserialize, Serialize};
use sqlx::FromRow;
use uuid::Uuid;

use super::{Leave, NeedsHrPermission};
use crate::consistency::MinPosition;
use crate::error::absent_if_unprovisioned;
use crate::params::{self, InputError, QueryParams};
use crate::permitted::PermittedReader;
use crate::state::AppState;
use crate::stores::tenant_table;

/// Most requests one list answers.
const MAX_LIMIT: u32 = 1_000;
/// Requests a list answers unless `limit` says otherwise.
const DEFAULT_LIMIT: u32 = 100;
/// The statuses a request list may be filtered by.
const STATUSES: &[&str] = &["pending", "approved", "rejected", "cancelled"];

/// Query parameters of the request list; any other is refused.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct LeaveRequestParams {
    /// Only this employee's requests (a UUID).
    pub employee_id: Option<String>,
    /// Only requests in this status: `pending`, `approved`, `rejected` or `cancelled`.
    pub status: Option<String>,
    /// Only requests whose last day is on or after this day, `YYYY-MM-DD`.
    pub from: Option<String>,
    /// Only requests whose first day is on or before this day, `YYYY-MM-DD`.
    pub to: Option<String>,
    /// At most this many, 1–1,000 (100 when absent).
    pub limit: Option<String>,
}

/// Query parameters of an employee's balances.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct BalanceParams {
    /// The calendar year, 2000–2100; the current one (UTC) when absent.
    pub year: Option<String>,
}

/// One leave request.
#[derive(Debug, Serialize, FromRow, utoipa::ToSchema)]
pub struct LeaveRequestView {
    /// The employee's leave account of the year: where the request is approved, rejected or
    /// cancelled.
    pub leave_account_id: Uuid,
    /// The request.
    pub request_id: Uuid,
    /// The employee.
    pub employee_id: Uuid,
    /// The year.
    pub year: i32,
    /// The leave type.
    pub leave_type: String,
    /// The first day of leave.
    pub start_date: NaiveDate,
    /// The last day of leave.
    pub end_date: NaiveDate,
    /// Mondays to Fridays from the first to the last day.
    pub working_days: i32,
    /// The note for the approver.
    pub note: Option<String>,
    /// `pending`, `approved`, `rejected` or `cancelled`.
    pub status: String,
    /// Why it was rejected.
    pub reason: Option<String>,
    /// The day it was approved, rejected or cancelled.
    pub decided_on: Option<NaiveDate>,
}

/// The requests, by first day.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct LeaveRequestsView {
    /// One row per request.
    pub items: Vec<LeaveRequestView>,
}

/// The balance of one leave type.
#[derive(Debug, Serialize, FromRow, utoipa::ToSchema)]
pub struct LeaveBalanceView {
    /// The leave type.
    pub leave_type: String,
    /// Working days entitled; `null` when no entitlement is set (the type is not limited).
    pub entitled_days: Option<i32>,
    /// Working days of pending requests.
    pub pending_days: i32,
    /// Working days of approved requests (taken or to be taken).
    pub approved_days: i32,
    /// Entitled less pending and approved; `null` without an entitlement.
    pub remaining_days: Option<i32>,
}

/// An employee's leave in one year: the balance of each type with an entitlement or a request.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct LeaveBalancesView {
    /// The employee's leave account of the year.
    pub leave_account_id: Uuid,
    /// The employee.
    pub employee_id: Uuid,
    /// The year.
    pub year: i32,
    /// One row per leave type, by type.
    pub items: Vec<LeaveBalanceView>,
}

/// An employee's leave account of one year: its balances and its requests.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct LeaveAccountView {
    /// The account's balances.
    #[serde(flatten)]
    pub balances: LeaveBalancesView,
    /// Its requests, by first day.
    pub requests: Vec<LeaveRequestView>,
}

/// The select of [`LeaveRequestView`] over `leave_requests r`.
fn select_requests(tenant: &TenantId) -> String {
    format!(
        "SELECT leave_account_id, request_id, employee_id, year, leave_type, start_date, end_date, working_days, note,
                status, reason, decided_on
           FROM {} r",
        tenant_table(tenant, "leave_requests")
    )
}

/// `GET /v1/leave-requests`.
#[utoipa::path(get, path = "/v1/leave-requests", params(LeaveRequestParams),
    responses((status = 200, description = "The leave requests, by first day", body = LeaveRequestsView), NeedsHrPermission))]
#[tracing::instrument(skip_all, fields(tenant = %tenant))]
pub async fn list(
    State(state): State<AppState>,
    PermittedReader(tenant, _): PermittedReader<Leave>,
    token: MinPosition,
    QueryParams(query): QueryParams<LeaveRequestParams>,
) -> Result<Json<LeaveRequestsView>, Problem> {
    let limit = params::limit(query.limit.as_deref(), DEFAULT_LIMIT, MAX_LIMIT)?;
    let employee_id = query
        .employee_id
        .as_deref()
        .map(|raw| Uuid::parse_str(raw).map_err(|_| params::invalid("employee_id", format!("{raw:?} is not a UUID"))))
        .transpose()?;
    let status = params::one_of("status", query.status.as_deref(), STATUSES)?;
    let from = params::optional_date("from", query.from.as_deref())?;
    let to = params::optional_date("to", query.to.as_deref())?;
    params::ordered(from, to)?;
    state.await_postgres(&tenant, token).await?;
    let sql = format!(
        "{} WHERE ($1::uuid IS NULL OR r.employee_id = $1) AND ($2::text IS NULL OR r.status = $2)
              AND ($3::date IS NULL OR r.end_date >= $3) AND ($4::date IS NULL OR r.start_date <= $4)
            ORDER BY r.start_date, r.employee_id, r.request_id LIMIT $5",
        select_requests(&tenant)
    );
    let rows = sqlx::query_as::<_, LeaveRequestView>(&sql)
        .bind(employee_id)
        .bind(status)
        .bind(from)
        .bind(to)
        .bind(i64::from(limit))
        .fetch_all(&state.stores.postgres)
        .await;
    Ok(Json(LeaveRequestsView { items: absent_if_unprovisioned(rows, Vec::new())? }))
}

/// The balances of `employee_id`'s `year`.
async fn balances(
    state: &AppState,
    tenant: &TenantId,
    employee_id: Uuid,
    year: i32,
) -> Result<LeaveBalancesView, Problem> {
    let sql = format!(
        "SELECT leave_type, entitled_days, pending_days, approved_days, remaining_days
           FROM {} WHERE employee_id = $1 AND year = $2 ORDER BY leave_type",
        tenant_table(tenant, "leave_balances")
    );
    let rows = sqlx::query_as::<_, LeaveBalanceView>(&sql)
        .bind(employee_id)
        .bind(year)
        .fetch_all(&state.stores.postgres)
        .await;
    Ok(LeaveBalancesView {
        leave_account_id: leave_account_id_for(employee_id, year),
        employee_id,
        year,
        items: absent_if_unprovisioned(rows, Vec::new())?,
    })
}

/// Parses the year of a balance read: the current one when absent.
fn year(raw: Option<&str>) -> Result<i32, InputError> {
    let Some(text) = raw else { return Ok(Utc::now().year()) };
    match text.parse::<i32>() {
        Ok(year) if YEARS.contains(&year) => Ok(year),
        _ => Err(params::invalid("year", format!("year must be from 2000 to 2100, got {text:?}"))),
    }
}

/// `GET /v1/employees/{id}/leave-balances?year=`: every leave type with an entitlement or a
/// request that year (none for an employee without leave).
#[utoipa::path(get, path = "/v1/employees/{id}/leave-balances",
    params(("id" = Uuid, Path, description = "The employee"), BalanceParams),
    responses((status = 200, description = "The employee's balances of the year, by leave type", body = LeaveBalancesView),
        NeedsHrPermission))]
#[tracing::instrument(skip_all, fields(tenant = %tenant, employee_id = %id))]
pub async fn employee_balances(
    State(state): State<AppState>,
    PermittedReader(tenant, _): PermittedReader<Leave>,
    token: MinPosition,
    Path(id): Path<String>,
    QueryParams(query): QueryParams<BalanceParams>,
) -> Result<Json<LeaveBalancesView>, Problem> {
    let employee_id = params::path_uuid("employee", &id)?;
    let year = year(query.year.as_deref())?;
    state.await_postgres(&tenant, token).await?;
    Ok(Json(balances(&state, &tenant, employee_id, year).await?))
}

/// `GET /v1/leave-accounts/{id}`: 404 when the account has no entitlement and no request.
#[utoipa::path(get, path = "/v1/leave-accounts/{id}", params(("id" = Uuid, Path, description = "The leave account")),
    responses((status = 200, description = "The account's balances and requests", body = LeaveAccountView), NeedsHrPermission))]
#[tracing::instrument(skip_all, fields(tenant = %tenant, leave_account_id = %id))]
pub async fn get(
    State(state): State<AppState>,
    PermittedReader(tenant, _): PermittedReader<Leave>,
    token: MinPosition,
    Path(id): Path<String>,
) -> Result<Json<LeaveAccountView>, Problem> {
    let account_id = params::path_uuid("leave account", &id)?;
    state.await_postgres(&tenant, token).await?;
    let sql = format!(
        "SELECT employee_id, year FROM {} WHERE leave_account_id = $1
          UNION SELECT employee_id, year FROM {} WHERE leave_account_id = $1 LIMIT 1",
        tenant_table(&tenant, "leave_entitlements"),
        tenant_table(&tenant, "leave_requests")
    );
    let found = sqlx::query_as::<_, (Uuid, i32)>(&sql).bind(account_id).fetch_optional(&state.stores.postgres).await;
    let (employee_id, year) =
        absent_if_unprovisioned(found, None)?.ok_or_else(|| params::no_such("leave account", &id))?;
    let sql = format!("{} WHERE r.leave_account_id = $1 ORDER BY r.start_date, r.request_id", select_requests(&tenant));
    let requests = sqlx::query_as::<_, LeaveRequestView>(&sql).bind(account_id).fetch_all(&state.stores.postgres).await;
    Ok(Json(LeaveAccountView {
        balances: balances(&state, &tenant, employee_id, year).await?,
        requests: absent_if_unprovisioned(requests, Vec::new())?,
    }))
}
