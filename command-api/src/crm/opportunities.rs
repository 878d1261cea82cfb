//! The sales pipeline over REST: open an opportunity as a lead (owned by the user calling
//! unless the body names an owner), move it through the pipeline stages, win it (optionally
//! creating a sales order, which the order-fulfilment process places) or lose it. Each
//! opportunity is its own aggregate, addressed by its UUID; `If-Match` carries its version.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{FromRef, Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use chrono::NaiveDate;
use prism_aggregates::crm::opportunity::{
    LoseOpportunity, MoveOpportunity, OpenOpportunity, Opportunity, OpportunityCommand, OpportunityError, Stage,
    WinOpportunity, WinSalesOrder,
};
use prism_aggregates::supply::order_lines::OrderLineInput;
use prism_aggregates::supply::sales_order::{PlaceOrder, SalesOrderCommand, SalesOrderError};
use prism_aggregates::tenant::TenantId;
use prism_platform::http::{parse_optional_json, JsonBody, Tenant};
use prism_platform::problem::Problem;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::credit_check::CreditCheck;
use super::routes::{run, Target};
use crate::app::AppState;
use crate::counterparty_lock::CounterpartyLock;
use crate::dispatch::path_uuid;
use crate::error::{command_problem, refusal};
use crate::event_store::Committed;
use crate::group_commit::NewAggregateId;
use crate::request_context::RequestContext;

/// State shared by the opportunity routes.
pub type Stores = Arc<crate::event_store::TenantEventStores<Opportunity>>;

/// Where opportunities are read.
const LOCATION: &str = "/v1/opportunities";

/// Body of `POST /v1/opportunities`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OpenRequest {
    /// Client-chosen id; generated when absent.
    #[serde(default)]
    pub opportunity_id: Option<Uuid>,
    /// Id of the customer.
    pub customer_id: String,
    /// What is being sold.
    pub title: String,
    /// Expected amount, minor units of `currency`; not negative.
    pub amount_minor: i64,
    /// ISO-4217 code of the amount.
    pub currency: String,
    /// When the sale is expected to close.
    pub expected_close_date: NaiveDate,
    /// Id of the owning user; the user calling when absent.
    #[serde(default)]
    pub owner: Option<String>,
    /// Probability in percent, 0–100; the lead stage's default (10) when absent.
    #[serde(default)]
    pub probability: Option<i64>,
}

/// Body of `POST /v1/opportunities/{id}/win`.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WinRequest {
    /// The day it was won; today (UTC) when absent.
    #[serde(default)]
    pub won_on: Option<NaiveDate>,
    /// The sales order the win creates for the opportunity's customer, in its currency; none
    /// when absent.
    #[serde(default)]
    pub sales_order: Option<WinOrderRequest>,
}

/// The sales order a win creates (`sales_order` of a [`WinRequest`]).
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WinOrderRequest {
    /// Id of the order; derived from the opportunity's when absent (UUID v5 of
    /// `"<opportunity_id>/sales-order"`).
    #[serde(default)]
    pub order_id: Option<Uuid>,
    /// Name of the customer on the order; the registered customer's name when absent.
    #[serde(default)]
    pub customer_name: Option<String>,
    /// Code of the location the order ships from.
    pub ship_from: String,
    /// The lines, priced in the opportunity's currency.
    #[schema(value_type = Vec<crate::openapi::bodies::OrderLineInput>)]
    pub lines: Vec<OrderLineInput>,
}

/// Answer to an accepted opportunity command.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct OpportunityChanged {
    /// The opportunity.
    pub opportunity_id: Uuid,
    /// Its stage after the command: `lead`, `qualification`, `proposal`, `negotiation`, `won` or `lost`.
    pub stage: &'static str,
    /// Its probability in percent after the command.
    pub probability: u8,
    /// The sales order its win created, which the order-fulfilment process places; `null`
    /// unless won with one.
    pub sales_order_id: Option<String>,
    /// Its version after the command.
    pub version: i64,
    /// Global position of its last event: send as `X-Prism-Min-Position` to read your write.
    pub position: i64,
}

/// Runs `command` on opportunity `id`, answering `status` with [`OpportunityChanged`].
async fn run_on(
    stores: &Stores,
    tenant: &prism_aggregates::tenant::TenantId,
    id: Uuid,
    headers: &HeaderMap,
    command: OpportunityCommand,
    context: &RequestContext,
    status: StatusCode,
) -> Result<Response, Problem> {
    let target = Target { stores, tenant, id, location: LOCATION };
    run(target, headers, command, context, status, |opportunity: &Opportunity, committed: &Committed| {
        OpportunityChanged {
            opportunity_id: id,
            stage: opportunity.stage().map(Stage::as_str).unwrap_or_default(),
            probability: opportunity.probability().unwrap_or_default(),
            sales_order_id: opportunity.sales_order_id().map(str::to_owned),
            version: committed.version,
            position: committed.position,
        }
    })
    .await
}

/// `POST /v1/opportunities` with an [`OpenRequest`] body: 201, the opportunity a lead.
#[utoipa::path(post, path = "/v1/opportunities", params(crate::openapi::IfMatch), request_body = OpenRequest,
    responses((status = 201, description = "Opened as a lead", body = OpportunityChanged)))]
#[tracing::instrument(skip_all, fields(tenant = %tenant))]
pub async fn open(
    State(stores): State<Stores>,
    Tenant(tenant): Tenant,
    headers: HeaderMap,
    context: RequestContext,
    JsonBody(request): JsonBody<OpenRequest>,
) -> Result<Response, Problem> {
    let new_id = NewAggregateId::named_or_minted(request.opportunity_id);
    let id = new_id.uuid();
    let owner = match request.owner {
        Some(owner) => owner,
        None => context.user_id.clone().unwrap_or_default(),
    };
    let command = OpportunityCommand::Open(OpenOpportunity {
        opportunity_id: id,
        customer_id: request.customer_id,
        title: request.title,
        amount_minor: request.amount_minor,
        currency: request.currency,
        expected_close_date: request.expected_close_date,
        owner,
        probability: request.probability,
    });
    new_id.run(run_on(&stores, &tenant, id, &headers, command, &context, StatusCode::CREATED)).await
}

/// `POST /v1/opportunities/{id}/stage` with a [`MoveOpportunity`] body: to another open stage,
/// at its default probability unless one is given.
#[utoipa::path(post, path = "/v1/opportunities/{id}/stage",
    params(("id" = Uuid, Path, description = "The opportunity"), crate::openapi::IfMatch),
    request_body = crate::openapi::bodies::MoveOpportunity,
    responses((status = 200, description = "Moved", body = OpportunityChanged), crate::openapi::NotFound))]
#[tracing::instrument(skip_all, fields(tenant = %tenant, opportunity_id = %id))]
pub async fn move_stage(
    State(stores): State<Stores>,
    Tenant(tenant): Tenant,
    Path(id): Path<String>,
    headers: HeaderMap,
    context: RequestContext,
    JsonBody(request): JsonBody<MoveOpportunity>,
) -> Result<Response, Problem> {
    let id = path_uuid("opportunity", &id)?;
    let command = OpportunityCommand::Move(request);
    run_on(&stores, &tenant, id, &headers, command, &context, StatusCode::OK).await
}

/// `POST /v1/opportunities/{id}/win` with an optional [`WinRequest`] body. A win that creates
/// a sales order passes the order's [`CreditCheck`] first, holding the customer's lock until
/// the win is stored (the order counts towards the customer's exposure from then on, before
/// the order-fulfilment process places it).
#[utoipa::path(post, path = "/v1/opportunities/{id}/win",
    params(("id" = Uuid, Path, description = "The opportunity"), crate::openapi::IfMatch),
    request_body(content = Option<WinRequest>, description = "Optional: absent, empty or null to win today"),
    responses((status = 200, description = "Won", body = OpportunityChanged), crate::openapi::NotFound))]
#[tracing::instrument(skip_all, fields(tenant = %tenant, opportunity_id = %id))]
pub async fn win(
    State(orders): State<WinOrders>,
    Tenant(tenant): Tenant,
    Path(id): Path<String>,
    headers: HeaderMap,
    context: RequestContext,
    body: Bytes,
) -> Result<Response, Problem> {
    let id = path_uuid("opportunity", &id)?;
    let request: WinRequest = parse_optional_json(&body)?;
    let won_on = request.won_on.unwrap_or_else(|| chrono::Utc::now().date_naive());
    let (sales_order, _customer_lock) = match request.sales_order {
        Some(order) => orders.checked(&tenant, id, order).await?,
        None => (None, None),
    };
    let command = OpportunityCommand::Win(WinOpportunity { won_on, sales_order });
    run_on(&orders.opportunities, &tenant, id, &headers, command, &context, StatusCode::OK).await
}

/// What a win that creates a sales order reads: the opportunity, its registered customer, the
/// orders (so the order's id is not taken) and the credit check.
#[derive(Clone)]
pub struct WinOrders {
    /// The opportunities.
    pub opportunities: Stores,
    /// The customers, for the name on the order.
    pub customers: super::customers::Stores,
    /// The sales orders.
    pub sales_orders: crate::supply::sales_orders::Stores,
    /// The credit check the order passes.
    pub credit_check: Arc<CreditCheck>,
}

impl FromRef<AppState> for WinOrders {
    fn from_ref(state: &AppState) -> Self {
        Self {
            opportunities: state.opportunities.clone(),
            customers: state.customers.clone(),
            sales_orders: state.sales_orders.clone(),
            credit_check: state.credit_check.clone(),
        }
    }
}

impl WinOrders {
    /// The sales order of `request` for opportunity `id` — its id and customer name filled in
    /// — and the customer's credit lock, held until the win is stored. `(None, None)` when the
    /// opportunity does not exist: winning it is then refused as not found.
    ///
    /// # Errors
    /// 409 (field `sales_order.order_id`) when the id is another order's; the
    /// credit check's 422; 503 when what they read cannot be read.
    async fn checked(
        &self,
        tenant: &TenantId,
        id: Uuid,
        request: WinOrderRequest,
    ) -> Result<(Option<WinSalesOrder>, Option<CounterpartyLock>), Problem> {
        let opportunity = self.opportunities.load(tenant, &id.to_string()).await.map_err(command_problem)?;
        let (Some(customer_id), Some(currency)) = (opportunity.customer_id(), opportunity.currency()) else {
            return Ok((None, None));
        };
        let order_id = request
            .order_id
            .unwrap_or_else(|| Uuid::new_v5(&Uuid::NAMESPACE_OID, format!("{id}/sales-order").as_bytes()));
        let existing = self.sales_orders.load(tenant, &order_id.to_string()).await.map_err(command_problem)?;
        if existing.id().is_some() {
            return Err(refusal(&OpportunityError::SalesOrder(SalesOrderError::AlreadyExists)));
        }
        let customer_name = match request.customer_name {
            Some(name) => name,
            None => {
                let customer = self.customers.load(tenant, customer_id).await.map_err(command_problem)?;
                customer.name().unwrap_or_default().to_owned()
            }
        };
        let order = WinSalesOrder { order_id, customer_name, ship_from: request.ship_from, lines: request.lines };
        let placement = SalesOrderCommand::Place(PlaceOrder {
            order_id,
            customer_id: customer_id.to_owned(),
            customer_name: order.customer_name.clone(),
            currency: currency.to_owned(),
            ship_from: order.ship_from.clone(),
            lines: order.lines.clone(),
        });
        let lock = self.credit_check.check_order(tenant, &placement).await?;
        Ok((Some(order), lock))
    }
}

/// `POST /v1/opportunities/{id}/lose` with a [`LoseOpportunity`] body.
#[utoipa::path(post, path = "/v1/opportunities/{id}/lose",
    params(("id" = Uuid, Path, description = "The opportunity"), crate::openapi::IfMatch),
    request_body = crate::openapi::bodies::LoseOpportunity,
    responses((status = 200, description = "Lost", body = OpportunityChanged), crate::openapi::NotFound))]
#[tracing::instrument(skip_all, fields(tenant = %tenant, opportunity_id = %id))]
pub async fn lose(
    State(stores): State<Stores>,
    Tenant(tenant): Tenant,
    Path(id): Path<String>,
    headers: HeaderMap,
    context: RequestContext,
    JsonBody(request): JsonBody<LoseOpportunity>,
) -> Result<Response, Problem> {
    let id = path_uuid("opportunity", &id)?;
    run_on(&stores, &tenant, id, &headers, OpportunityCommand::Lose(request), &context, StatusCode::OK).await
}
