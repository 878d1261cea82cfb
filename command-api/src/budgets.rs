//! Budgets over REST: set amounts of one budget per account and fiscal period. Every route
//! addresses the tenant's one budgets aggregate, so `If-Match` carries its version. The
//! answer says how many amounts the command changed: an amount set to what it already was
//! records no event.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use prism_aggregates::finance::budget::{BudgetAmountInput, Budgets, BudgetsCommand, SetBudgetAmounts, BUDGETS_ID};
use prism_platform::http::{JsonBody, Tenant};
use prism_platform::problem::Problem;
use serde::{Deserialize, Serialize};

use crate::dispatch::{accepted, check_if_match, execute};
use crate::event_store::TenantEventStores;
use crate::request_context::RequestContext;

/// State shared by the budget routes.
pub type Stores = Arc<TenantEventStores<Budgets>>;

/// Body of `POST /v1/budgets/{budget}/amounts`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SetBudgetAmountsRequest {
    /// ISO 4217 currency of every amount.
    pub currency: String,
    /// The amounts to set: account, fiscal period and amount in minor units (0 clears it).
    #[schema(value_type = Vec<crate::openapi::bodies::BudgetAmountInput>)]
    pub amounts: Vec<BudgetAmountInput>,
}

/// Answer to an accepted budget command.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct BudgetAmountsSetView {
    /// The budget name.
    pub budget: String,
    /// How many amounts the command changed (one `BudgetAmountSet` event each).
    pub changed: i64,
    /// The budgets' version after the command.
    pub version: i64,
    /// Global position of the budgets' last event: send as `X-Prism-Min-Position` to read
    /// your write.
    pub position: i64,
}

/// `POST /v1/budgets/{budget}/amounts` with a [`SetBudgetAmountsRequest`] body.
#[utoipa::path(post, path = "/v1/budgets/{budget}/amounts",
    params(("budget" = String, Path, description = "The budget name"), crate::openapi::IfMatch),
    request_body = SetBudgetAmountsRequest,
    responses((status = 200, description = "Set", body = BudgetAmountsSetView)))]
#[tracing::instrument(skip_all, fields(tenant = %tenant, budget = %budget))]
pub async fn set_amounts(
    State(stores): State<Stores>,
    Tenant(tenant): Tenant,
    Path(budget): Path<String>,
    headers: HeaderMap,
    context: RequestContext,
    JsonBody(request): JsonBody<SetBudgetAmountsRequest>,
) -> Result<Response, Problem> {
    let command = BudgetsCommand::SetBudgetAmounts(SetBudgetAmounts {
        budget: budget.clone(),
        currency: request.currency,
        amounts: request.amounts,
    });
    check_if_match(&stores, &tenant, BUDGETS_ID, &headers).await?;
    let committed = execute(&stores, &tenant, BUDGETS_ID, command, &context).await?;
    let changed = committed.recorded;
    tracing::info!(position = committed.position, changed, "budget amounts set");
    let location = format!("/v1/budgets/{budget}");
    let body = BudgetAmountsSetView { budget, changed, version: committed.version, position: committed.position };
    Ok(accepted(StatusCode::OK, body, &location, committed))
}
