//! Payroll runs over REST: draft a run for a period (each line's gross pay given, or the
//! employee's current salary read from its events when not), then approve it; the approval is
//! what the payroll process manager posts to the ledger. Each run is its own aggregate,
//! addressed by its UUID; `If-Match` carries its version.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use chrono::NaiveDate;
use prism_aggregates::hr::payroll_run::{
    ApprovePayrollRun, DraftPayrollRun, PayrollLineInput, PayrollRun, PayrollRunCommand, PayrollRunError, MAX_LINES,
};
use prism_aggregates::tenant::TenantId;
use prism_platform::http::{parse_optional_json, JsonBody, Tenant};
use prism_platform::problem::Problem;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::employees;
use crate::crm::routes::{run, Target};
use crate::dispatch::path_uuid;
use crate::error::{command_problem, refusal};
use crate::event_store::Committed;
use crate::group_commit::NewAggregateId;
use crate::request_context::RequestContext;

/// State shared by the payroll run routes.
pub type Stores = Arc<crate::event_store::TenantEventStores<PayrollRun>>;

/// Where payroll runs are read.
const LOCATION: &str = "/v1/payroll-runs";

/// Body of `POST /v1/payroll-runs`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DraftRequest {
    /// Client-chosen id; generated when absent.
    #[serde(default)]
    pub payroll_run_id: Option<Uuid>,
    /// The month paid, `YYYY-MM`.
    pub period: String,
    /// The day it is paid: the date of the salary journal entry.
    pub pay_date: NaiveDate,
    /// ISO-4217 code of every line.
    pub currency: String,
    /// One line per employee, 1–1,000.
    pub lines: Vec<LineRequest>,
}

/// One line of [`DraftRequest`].
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LineRequest {
    /// The employee.
    pub employee_id: Uuid,
    /// Gross pay in minor units; the employee's current salary when absent.
    #[serde(default)]
    pub gross_minor: Option<i64>,
}

/// Body of `POST /v1/payroll-runs/{id}/approve`.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ApproveRequest {
    /// The day it is approved; today (UTC) when absent.
    #[serde(default)]
    pub approved_on: Option<NaiveDate>,
}

/// Answer to an accepted payroll run command.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct PayrollRunChanged {
    /// The run.
    pub payroll_run_id: Uuid,
    /// Total gross pay, minor units of `currency`.
    pub total_minor: i64,
    /// ISO-4217 code of the total.
    pub currency: String,
    /// `drafted` or `approved`.
    pub status: &'static str,
    /// Its version after the command.
    pub version: i64,
    /// Global position of its last event: send as `X-Prism-Min-Position` to read your write.
    pub position: i64,
}

/// Runs `command` on run `id`, answering `status` with [`PayrollRunChanged`].
async fn run_on(
    stores: &Stores,
    tenant: &TenantId,
    id: Uuid,
    headers: &HeaderMap,
    command: PayrollRunCommand,
    context: &RequestContext,
    status: StatusCode,
) -> Result<Response, Problem> {
    let target = Target { stores, tenant, id, location: LOCATION };
    run(target, headers, command, context, status, |payroll: &PayrollRun, committed: &Committed| {
        let (total_minor, currency) = payroll.total().unwrap_or_default();
        PayrollRunChanged {
            payroll_run_id: id,
            total_minor,
            currency: currency.to_owned(),
            status: if payroll.is_approved() { "approved" } else { "drafted" },
            version: committed.version,
            position: committed.position,
        }
    })
    .await
}

/// The gross pay of line `index`: as given, or the current salary of its employee (who must
/// be hired and paid in `currency`).
async fn gross_of(
    employees: &employees::Stores,
    tenant: &TenantId,
    index: usize,
    line: &LineRequest,
    currency: &str,
) -> Result<i64, Problem> {
    if let Some(gross) = line.gross_minor {
        return Ok(gross);
    }
    let field = format!("lines[{index}].employee_id");
    let employee = employees.load(tenant, &line.employee_id.to_string()).await.map_err(command_problem)?;
    match employee.salary() {
        None => Err(Problem::unprocessable(
            "employee_not_found",
            &field,
            format!("employee {} is not hired, so its salary cannot fill in the line", line.employee_id),
        )),
        Some((_, paid_in)) if paid_in != currency => Err(Problem::unprocessable(
            "currency_mismatch",
            &field,
            format!("employee {} is paid in {paid_in}, the run is in {currency}", line.employee_id),
        )),
        Some((salary_minor, _)) => Ok(salary_minor),
    }
}

/// `POST /v1/payroll-runs` with a [`DraftRequest`] body: 201.
#[utoipa::path(post, path = "/v1/payroll-runs", params(crate::openapi::IfMatch), request_body = DraftRequest,
    responses((status = 201, description = "Drafted", body = PayrollRunChanged)))]
#[tracing::instrument(skip_all, fields(tenant = %tenant))]
pub async fn draft(
    State(stores): State<Stores>,
    State(employees): State<employees::Stores>,
    Tenant(tenant): Tenant,
    headers: HeaderMap,
    context: RequestContext,
    JsonBody(request): JsonBody<DraftRequest>,
) -> Result<Response, Problem> {
    let new_id = NewAggregateId::named_or_minted(request.payroll_run_id);
    let id = new_id.uuid();
    let count = request.lines.len();
    if count > MAX_LINES {
        return Err(refusal(&PayrollRunError::LineCount { count, max: MAX_LINES }));
    }
    let mut lines = Vec::with_capacity(count);
    for (index, line) in request.lines.iter().enumerate() {
        let gross_minor = gross_of(&employees, &tenant, index, line, &request.currency).await?;
        lines.push(PayrollLineInput { employee_id: line.employee_id, gross_minor });
    }
    let command = PayrollRunCommand::Draft(DraftPayrollRun {
        payroll_run_id: id,
        period: request.period,
        pay_date: request.pay_date,
        currency: request.currency,
        lines,
    });
    new_id.run(run_on(&stores, &tenant, id, &headers, command, &context, StatusCode::CREATED)).await
}

/// `POST /v1/payroll-runs/{id}/approve` with an optional [`ApproveRequest`] body: the payroll
/// process manager then posts the salary journal entry.
#[utoipa::path(post, path = "/v1/payroll-runs/{id}/approve",
    params(("id" = Uuid, Path, description = "The payroll run"), crate::openapi::IfMatch),
    request_body(content = Option<ApproveRequest>, description = "Optional: absent, empty or null to approve today"),
    responses((status = 200, description = "Approved", body = PayrollRunChanged), crate::openapi::NotFound))]
#[tracing::instrument(skip_all, fields(tenant = %tenant, payroll_run_id = %id))]
pub async fn approve(
    State(stores): State<Stores>,
    Tenant(tenant): Tenant,
    Path(id): Path<String>,
    headers: HeaderMap,
    context: RequestContext,
    body: Bytes,
) -> Result<Response, Problem> {
    let id = path_uuid("payroll run", &id)?;
    let request: ApproveRequest = parse_optional_json(&body)?;
    let approved_on = request.approved_on.unwrap_or_else(|| chrono::Utc::now().date_naive());
    let command = PayrollRunCommand::Approve(ApprovePayrollRun { approved_on });
    run_on(&stores, &tenant, id, &headers, command, &context, StatusCode::OK).await
}
