//! Leave over REST: grant or adjust an employee's entitlement of a leave type for a year,
//! request leave, and approve, reject or cancel a request. Each employee's year is one leave
//! account aggregate, addressed by [`leave_account_id_for`] the employee and year; the employee
//! must be hired and not terminated (read from its own events, as payroll runs do) before an
//! entitlement or a request is recorded. `If-Match` carries the account's version.
//!
//! Leave is self-service ([`LeaveActor`]): a caller who may only request leave
//! (`hr.leave.request`) requests and cancels it for the employee linked to their user (the
//! hire's `user_id`), for no one else (403 `not-own-employee`); a caller who may also approve
//! leave or manage employees does it on anyone's behalf.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{FromRequestParts, Path, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use chrono::{Datelike, NaiveDate, Utc};
use prism_aggregates::hr::employee::Employee;
use prism_aggregates::hr::leave_account::{
    leave_account_id_for, ApproveLeave, CancelLeave, LeaveAccount, LeaveAccountCommand, RejectLeave, RequestLeave,
    SetEntitlement, YEARS,
};
use prism_aggregates::identity::permissions::Permission;
use prism_aggregates::tenant::TenantId;
use prism_platform::auth::{caller_of, permitted};
use prism_platform::http::{parse_optional_json, JsonBody, Tenant};
use prism_platform::problem::Problem;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::employees;
use crate::app::AppState;
use crate::crm::routes::{run, Target};
use crate::dispatch::path_uuid;
use crate::error::command_problem;
use crate::event_store::Committed;
use crate::request_context::RequestContext;

/// State shared by the leave routes.
pub type Stores = Arc<crate::event_store::TenantEventStores<LeaveAccount>>;

/// Where leave accounts are read.
const LOCATION: &str = "/v1/leave-accounts";

/// Body of `POST /v1/employees/{id}/leave-entitlements`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EntitlementRequest {
    /// The calendar year, 2000–2100.
    pub year: i32,
    /// `annual`, `sick`, `unpaid`, `parental` or `compassionate`.
    pub leave_type: String,
    /// Working days entitled, 0–366; not below the days already pending or approved.
    pub days: i32,
}

/// Body of `POST /v1/employees/{id}/leave-requests`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LeaveRequestBody {
    /// Client-chosen id; generated when absent.
    #[serde(default)]
    pub request_id: Option<Uuid>,
    /// `annual`, `sick`, `unpaid`, `parental` or `compassionate`.
    pub leave_type: String,
    /// The first day of leave; its year is the account's.
    pub start_date: NaiveDate,
    /// The last day of leave, in the same year.
    pub end_date: NaiveDate,
    /// A note for the approver.
    #[serde(default)]
    pub note: Option<String>,
}

/// Body of `POST /v1/leave-accounts/{id}/requests/{request_id}/approve`.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ApproveBody {
    /// The day it is approved; today (UTC) when absent.
    #[serde(default)]
    pub approved_on: Option<NaiveDate>,
}

/// Body of `POST /v1/leave-accounts/{id}/requests/{request_id}/reject`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RejectBody {
    /// Why; non-blank.
    pub reason: String,
    /// The day it is rejected; today (UTC) when absent.
    #[serde(default)]
    pub rejected_on: Option<NaiveDate>,
}

/// Body of `POST /v1/leave-accounts/{id}/requests/{request_id}/cancel`.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CancelBody {
    /// The day it is cancelled (an approved request only before its first day); today (UTC)
    /// when absent.
    #[serde(default)]
    pub cancelled_on: Option<NaiveDate>,
}

/// Answer to an accepted leave command: the request it concerns (if any) and the balance of
/// its leave type after it.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct LeaveChanged {
    /// The leave account (the employee's year).
    pub leave_account_id: Uuid,
    /// The request, for a request command.
    pub request_id: Option<Uuid>,
    /// `pending`, `approved`, `rejected` or `cancelled`, for a request command.
    pub status: Option<&'static str>,
    /// The request's working days, for a request command.
    pub working_days: Option<i32>,
    /// The leave type.
    pub leave_type: String,
    /// Working days entitled; null when the type has no entitlement (not limited).
    pub entitled_days: Option<i32>,
    /// Working days of pending requests.
    pub pending_days: i32,
    /// Working days of approved requests.
    pub approved_days: i32,
    /// Entitled less pending and approved; null without an entitlement.
    pub remaining_days: Option<i32>,
    /// The account's version after the command.
    pub version: i64,
    /// Global position of its last event: send as `X-Prism-Min-Position` to read your write.
    pub position: i64,
}

/// What a leave command concerns: a leave type, or a request of the account.
enum Concern {
    Type(String),
    Request(Uuid),
}

/// The leave account `id` of `tenant`, where it is read.
fn account<'a>(stores: &'a Stores, tenant: &'a TenantId, id: Uuid) -> Target<'a, LeaveAccount> {
    Target { stores, tenant, id, location: LOCATION }
}

/// Runs `command` on `target`, answering `status` with [`LeaveChanged`] about `concern`.
async fn run_on(
    target: Target<'_, LeaveAccount>,
    headers: &HeaderMap,
    command: LeaveAccountCommand,
    context: &RequestContext,
    status: StatusCode,
    concern: Concern,
) -> Result<Response, Problem> {
    let id = target.id;
    run(target, headers, command, context, status, |account: &LeaveAccount, committed: &Committed| {
        let (request_id, request) = match &concern {
            Concern::Type(_) => (None, None),
            Concern::Request(request_id) => (Some(*request_id), account.request(&request_id.to_string())),
        };
        let leave_type = match (&concern, request) {
            (_, Some(request)) => request.leave_type.clone(),
            (Concern::Type(leave_type), None) => leave_type.clone(),
            (Concern::Request(_), None) => String::new(),
        };
        let balance = account.balance(&leave_type);
        LeaveChanged {
            leave_account_id: id,
            request_id,
            status: request.map(|request| request.status.as_str()),
            working_days: request.map(|request| request.working_days),
            entitled_days: balance.entitled,
            pending_days: balance.pending,
            approved_days: balance.approved,
            remaining_days: balance.remaining(),
            leave_type,
            version: committed.version,
            position: committed.position,
        }
    })
    .await
}

/// Employee `employee_id` of `tenant`, once it is hired (else 422 `employee_not_found`) and not
/// terminated (422 `employee_terminated`), both naming `employee_id`.
async fn employed(employees: &employees::Stores, tenant: &TenantId, employee_id: Uuid) -> Result<Employee, Problem> {
    let employee = employees.load(tenant, &employee_id.to_string()).await.map_err(command_problem)?;
    if employee.salary().is_none() {
        return Err(Problem::unprocessable(
            "employee_not_found",
            "employee_id",
            format!("employee {employee_id} is not hired"),
        ));
    }
    if let Some(terminated_on) = employee.terminated_on() {
        return Err(Problem::unprocessable(
            "employee_terminated",
            "employee_id",
            format!("employee {employee_id} was terminated on {terminated_on}"),
        ));
    }
    Ok(employee)
}

/// Who requests or cancels leave, and for whom they may: the employee linked to their user, or
/// — when they may also approve leave or manage employees — anyone.
pub struct LeaveActor {
    employees: employees::Stores,
    /// The caller's user id when they act only for the employee linked to it.
    only_for_user: Option<String>,
}

impl FromRequestParts<AppState> for LeaveActor {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let identity = permitted(caller_of(&parts.extensions)?, Permission::LeaveRequest)?;
        let for_anyone = identity.may(Permission::LeaveApprove) || identity.may(Permission::EmployeeManage);
        let only_for_user = (!for_anyone).then(|| identity.user_id.clone());
        Ok(Self { employees: state.employees.clone(), only_for_user })
    }
}

impl LeaveActor {
    /// Refuses a caller who acts only for their own employee when `employee` (`employee_id`) is
    /// not linked to their user: 403 `not_own_employee`.
    fn may_act_for(&self, employee: &Employee, employee_id: Uuid) -> Result<(), Problem> {
        match &self.only_for_user {
            Some(user_id) if employee.user_id() != Some(user_id.as_str()) => {
                Err(Problem::new(StatusCode::FORBIDDEN, "not_own_employee", "Forbidden").with_detail(format!(
                    "employee {employee_id} is not linked to your user: requesting or cancelling another employee's \
                     leave needs {} or {}",
                    Permission::LeaveApprove.as_str(),
                    Permission::EmployeeManage.as_str()
                )))
            }
            _ => Ok(()),
        }
    }

    /// Loads employee `employee_id` of `tenant` and refuses it as [`Self::may_act_for`] does.
    async fn acting_for(&self, tenant: &TenantId, employee_id: Uuid) -> Result<(), Problem> {
        let employee = self.employees.load(tenant, &employee_id.to_string()).await.map_err(command_problem)?;
        self.may_act_for(&employee, employee_id)
    }
}

/// `POST /v1/employees/{id}/leave-entitlements` with an [`EntitlementRequest`] body: grants or
/// adjusts the entitlement of one leave type for the year.
#[utoipa::path(post, path = "/v1/employees/{id}/leave-entitlements",
    params(("id" = Uuid, Path, description = "The employee"), crate::openapi::IfMatch),
    request_body = EntitlementRequest,
    responses((status = 200, description = "Entitlement set", body = LeaveChanged), crate::openapi::NotFound))]
#[tracing::instrument(skip_all, fields(tenant = %tenant, employee_id = %id))]
pub async fn set_entitlement(
    State(stores): State<Stores>,
    State(employees): State<employees::Stores>,
    Tenant(tenant): Tenant,
    Path(id): Path<String>,
    headers: HeaderMap,
    context: RequestContext,
    JsonBody(request): JsonBody<EntitlementRequest>,
) -> Result<Response, Problem> {
    let employee_id = path_uuid("employee", &id)?;
    employed(&employees, &tenant, employee_id).await?;
    let account_id = leave_account_id_for(employee_id, request.year);
    let concern = Concern::Type(request.leave_type.clone());
    let command = LeaveAccountCommand::SetEntitlement(SetEntitlement {
        employee_id,
        year: request.year,
        leave_type: request.leave_type,
        days: request.days,
    });
    run_on(account(&stores, &tenant, account_id), &headers, command, &context, StatusCode::OK, concern).await
}

/// `POST /v1/employees/{id}/leave-requests` with a [`LeaveRequestBody`]: 201, pending. The
/// account is the one of `start_date`'s year (2000–2100, else 422 `invalid-year` naming
/// `start_date`: the body has no `year`).
#[utoipa::path(post, path = "/v1/employees/{id}/leave-requests",
    params(("id" = Uuid, Path, description = "The employee"), crate::openapi::IfMatch),
    request_body = LeaveRequestBody,
    responses((status = 201, description = "Requested, pending", body = LeaveChanged), crate::openapi::NotFound))]
#[tracing::instrument(skip_all, fields(tenant = %tenant, employee_id = %id))]
pub async fn request(
    State(stores): State<Stores>,
    actor: LeaveActor,
    Tenant(tenant): Tenant,
    Path(id): Path<String>,
    headers: HeaderMap,
    context: RequestContext,
    JsonBody(body): JsonBody<LeaveRequestBody>,
) -> Result<Response, Problem> {
    let employee_id = path_uuid("employee", &id)?;
    let employee = employed(&actor.employees, &tenant, employee_id).await?;
    actor.may_act_for(&employee, employee_id)?;
    let year = body.start_date.year();
    if !YEARS.contains(&year) {
        let detail = format!("start_date {} is not in a year from 2000 to 2100", body.start_date);
        return Err(Problem::unprocessable("invalid_year", "start_date", detail));
    }
    let request_id = body.request_id.unwrap_or_else(Uuid::now_v7);
    let command = LeaveAccountCommand::Request(RequestLeave {
        employee_id,
        year,
        request_id,
        leave_type: body.leave_type,
        start_date: body.start_date,
        end_date: body.end_date,
        note: body.note,
    });
    let account_id = leave_account_id_for(employee_id, year);
    let concern = Concern::Request(request_id);
    run_on(account(&stores, &tenant, account_id), &headers, command, &context, StatusCode::CREATED, concern).await
}

/// The account and request a decision path names.
fn decision_target(id: &str, request_id: &str) -> Result<(Uuid, Uuid), Problem> {
    Ok((path_uuid("leave account", id)?, path_uuid("leave request", request_id)?))
}

/// `POST /v1/leave-accounts/{id}/requests/{request_id}/approve` with an optional
/// [`ApproveBody`].
#[utoipa::path(post, path = "/v1/leave-accounts/{id}/requests/{request_id}/approve",
    params(("id" = Uuid, Path, description = "The leave account"), ("request_id" = Uuid, Path, description = "The request"),
        crate::openapi::IfMatch),
    request_body(content = Option<ApproveBody>, description = "Optional: absent, empty or null to approve today"),
    responses((status = 200, description = "Approved", body = LeaveChanged), crate::openapi::NotFound))]
#[tracing::instrument(skip_all, fields(tenant = %tenant, leave_account_id = %id))]
pub async fn approve(
    State(stores): State<Stores>,
    Tenant(tenant): Tenant,
    Path((id, request_id)): Path<(String, String)>,
    headers: HeaderMap,
    context: RequestContext,
    body: Bytes,
) -> Result<Response, Problem> {
    let (account_id, request_id) = decision_target(&id, &request_id)?;
    let body: ApproveBody = parse_optional_json(&body)?;
    let approved_on = body.approved_on.unwrap_or_else(|| Utc::now().date_naive());
    let command = LeaveAccountCommand::Approve(ApproveLeave { request_id, approved_on });
    let concern = Concern::Request(request_id);
    run_on(account(&stores, &tenant, account_id), &headers, command, &context, StatusCode::OK, concern).await
}

/// `POST /v1/leave-accounts/{id}/requests/{request_id}/reject` with a [`RejectBody`].
#[utoipa::path(post, path = "/v1/leave-accounts/{id}/requests/{request_id}/reject",
    params(("id" = Uuid, Path, description = "The leave account"), ("request_id" = Uuid, Path, description = "The request"),
        crate::openapi::IfMatch),
    request_body = RejectBody,
    responses((status = 200, description = "Rejected", body = LeaveChanged), crate::openapi::NotFound))]
#[tracing::instrument(skip_all, fields(tenant = %tenant, leave_account_id = %id))]
pub async fn reject(
    State(stores): State<Stores>,
    Tenant(tenant): Tenant,
    Path((id, request_id)): Path<(String, String)>,
    headers: HeaderMap,
    context: RequestContext,
    JsonBody(body): JsonBody<RejectBody>,
) -> Result<Response, Problem> {
    let (account_id, request_id) = decision_target(&id, &request_id)?;
    let rejected_on = body.rejected_on.unwrap_or_else(|| Utc::now().date_naive());
    let command = LeaveAccountCommand::Reject(RejectLeave { request_id, reason: body.reason, rejected_on });
    let concern = Concern::Request(request_id);
    run_on(account(&stores, &tenant, account_id), &headers, command, &context, StatusCode::OK, concern).await
}

/// `POST /v1/leave-accounts/{id}/requests/{request_id}/cancel` with an optional [`CancelBody`].
#[utoipa::path(post, path = "/v1/leave-accounts/{id}/requests/{request_id}/cancel",
    params(("id" = Uuid, Path, description = "The leave account"), ("request_id" = Uuid, Path, description = "The request"),
        crate::openapi::IfMatch),
    request_body(content = Option<CancelBody>, description = "Optional: absent, empty or null to cancel today"),
    responses((status = 200, description = "Cancelled", body = LeaveChanged), crate::openapi::NotFound))]
#[tracing::instrument(skip_all, fields(tenant = %tenant, leave_account_id = %id))]
pub async fn cancel(
    State(stores): State<Stores>,
    actor: LeaveActor,
    Tenant(tenant): Tenant,
    Path((id, request_id)): Path<(String, String)>,
    headers: HeaderMap,
    context: RequestContext,
    body: Bytes,
) -> Result<Response, Problem> {
    let (account_id, request_id) = decision_target(&id, &request_id)?;
    let leave_account = stores.load(&tenant, &account_id.to_string()).await.map_err(command_problem)?;
    if let Some(employee_id) = leave_account.employee_id() {
        let employee_id = Uuid::parse_str(employee_id).map_err(|error| Problem::internal(&error))?;
        actor.acting_for(&tenant, employee_id).await?;
    }
    let body: CancelBody = parse_optional_json(&body)?;
    let cancelled_on = body.cancelled_on.unwrap_or_else(|| Utc::now().date_naive());
    let command = LeaveAccountCommand::Cancel(CancelLeave { request_id, cancelled_on });
    let concern = Concern::Request(request_id);
    run_on(account(&stores, &tenant, account_id), &headers, command, &context, StatusCode::OK, concern).await
}
