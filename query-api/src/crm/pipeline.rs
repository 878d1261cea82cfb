//! `GET /v1/pipeline`: the sales pipeline by stage and currency — how many opportunities, their
//! amount and the probability-weighted expected revenue (Σ amount × probability / 100, rounded
//! half away from zero to minor units) — with the open pipeline's totals per currency; and
//! `GET /v1/opportunities`, `GET /v1/opportunities/{id}`: the opportunities themselves. All
//! from `opportunities` (the `postgres` projector's read model). Leads are opportunities in
//! stage `lead`.

use axum::extract::{Path, State};
use axum::Json;
use chrono::{DateTime, NaiveDate, Utc};
use prism_aggregates::crm::opportunity::Stage;
use prism_platform::problem::Problem;
use serde::{Deserialize, Serialize};
use sqlx::FromRow;
use uuid::Uuid;

use crate::consistency::MinPosition;
use crate::error::absent_if_unprovisioned;
use crate::params::{self, QueryParams};
use crate::state::AppState;
use crate::stores::tenant_table;
use crate::tenants::KnownTenant;

/// Most opportunities one list answers.
const MAX_LIMIT: u32 = 1_000;
/// Opportunities a list answers unless `limit` says otherwise.
const DEFAULT_LIMIT: u32 = 100;
/// Every stage name, as accepted by `stage`.
const STAGES: &[&str] = &["lead", "qualification", "proposal", "negotiation", "won", "lost"];

/// Query parameters of the pipeline; any other is refused.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct PipelineParams {
    /// Only this ISO-4217 currency.
    pub currency: Option<String>,
}

/// One stage of the pipeline in one currency.
#[derive(Debug, Serialize, FromRow, utoipa::ToSchema)]
pub struct StageView {
    /// `lead`, `qualification`, `proposal`, `negotiation`, `won` or `lost`.
    pub stage: String,
    /// ISO-4217 code.
    pub currency: String,
    /// Opportunities in the stage.
    pub count: i64,
    /// Their amounts, minor units.
    pub amount_minor: i64,
    /// Σ amount × probability / 100, rounded half away from zero, minor units.
    pub expected_revenue_minor: i64,
}

/// The open pipeline (lead to negotiation) of one currency.
#[derive(Debug, Serialize, FromRow, utoipa::ToSchema)]
pub struct PipelineTotal {
    /// ISO-4217 code.
    pub currency: String,
    /// Open opportunities.
    pub count: i64,
    /// Their amounts, minor units.
    pub amount_minor: i64,
    /// Their expected revenue, minor units.
    pub expected_revenue_minor: i64,
}

/// The pipeline.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct PipelineView {
    /// One row per stage and currency that has opportunities, in pipeline order, then by currency.
    pub stages: Vec<StageView>,
    /// The open stages' totals per currency (won and lost left out).
    pub open: Vec<PipelineTotal>,
}

/// `GET /v1/pipeline`.
#[utoipa::path(get, path = "/v1/pipeline", params(PipelineParams),
    responses((status = 200, description = "The pipeline by stage and currency, with the open totals", body = PipelineView)))]
#[tracing::instrument(skip_all, fields(tenant = %tenant))]
pub async fn pipeline(
    State(state): State<AppState>,
    KnownTenant(tenant): KnownTenant,
    token: MinPosition,
    QueryParams(query): QueryParams<PipelineParams>,
) -> Result<Json<PipelineView>, Problem> {
    let currency = params::optional_currency("currency", query.currency.as_deref())?.map(|c| c.as_str());
    state.await_postgres(&tenant, token).await?;
    let sql = format!(
        "SELECT stage, currency::text AS currency, count(*) AS count, sum(amount_minor)::bigint AS amount_minor,
                round(sum(amount_minor::numeric * probability) / 100)::bigint AS expected_revenue_minor
           FROM {}
          WHERE $1::text IS NULL OR currency = $1
          GROUP BY stage, currency
          ORDER BY array_position($2, stage), currency",
        tenant_table(&tenant, "opportunities")
    );
    let rows = sqlx::query_as::<_, StageView>(&sql).bind(currency).bind(STAGES).fetch_all(&state.stores.postgres).await;
    let stages = absent_if_unprovisioned(rows, Vec::new())?;
    let mut open: Vec<PipelineTotal> = Vec::new();
    for row in stages.iter().filter(|row| Stage::parse(&row.stage).is_some_and(|stage| !stage.is_final())) {
        match open.iter_mut().find(|total| total.currency == row.currency) {
            Some(total) => {
                total.count += row.count;
                total.amount_minor += row.amount_minor;
                total.expected_revenue_minor += row.expected_revenue_minor;
            }
            None => open.push(PipelineTotal {
                currency: row.currency.clone(),
                count: row.count,
                amount_minor: row.amount_minor,
                expected_revenue_minor: row.expected_revenue_minor,
            }),
        }
    }
    open.sort_by(|a, b| a.currency.cmp(&b.currency));
    Ok(Json(PipelineView { stages, open }))
}

/// Query parameters of the opportunity list; any other is refused.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct OpportunityParams {
    /// Only opportunities in this stage.
    pub stage: Option<String>,
    /// Only this customer's.
    pub customer_id: Option<String>,
    /// At most this many, 1–1,000 (100 when absent).
    pub limit: Option<String>,
}

/// One opportunity.
#[derive(Debug, Serialize, FromRow, utoipa::ToSchema)]
pub struct OpportunityView {
    /// The opportunity.
    pub opportunity_id: Uuid,
    /// Id of the customer.
    pub customer_id: String,
    /// What is being sold.
    pub title: String,
    /// Id of the owning user.
    pub owner: String,
    /// ISO-4217 code of the amount.
    pub currency: String,
    /// Expected amount, minor units.
    pub amount_minor: i64,
    /// Probability in percent.
    pub probability: i32,
    /// amount × probability / 100, rounded half away from zero, minor units.
    pub expected_revenue_minor: i64,
    /// `lead`, `qualification`, `proposal`, `negotiation`, `won` or `lost`.
    pub stage: String,
    /// When the sale is expected to close.
    pub expected_close_date: NaiveDate,
    /// The day it was won; `null` unless won.
    pub won_on: Option<NaiveDate>,
    /// Why it was lost; `null` unless lost.
    pub lost_reason: Option<String>,
    /// The sales order its win created (`GET /v1/sales-orders/{id}`); `null` unless won with
    /// an order.
    pub sales_order_id: Option<Uuid>,
    /// When it was opened.
    pub opened_at: DateTime<Utc>,
    /// When it last changed.
    pub updated_at: DateTime<Utc>,
}

/// The opportunities, by expected close date.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct OpportunitiesView {
    /// One row per opportunity.
    pub items: Vec<OpportunityView>,
}

/// The columns of [`OpportunityView`].
const COLUMNS: &str = "opportunity_id, customer_id, title, owner, currency::text AS currency, amount_minor, \
                       probability, round(amount_minor::numeric * probability / 100)::bigint AS expected_revenue_minor, \
                       stage, expected_close_date, won_on, lost_reason, sales_order_id, opened_at, updated_at";

/// `GET /v1/opportunities`.
#[utoipa::path(get, path = "/v1/opportunities", params(OpportunityParams),
    responses((status = 200, description = "The opportunities by expected close date, then id", body = OpportunitiesView)))]
#[tracing::instrument(skip_all, fields(tenant = %tenant))]
pub async fn list(
    State(state): State<AppState>,
    KnownTenant(tenant): KnownTenant,
    token: MinPosition,
    QueryParams(query): QueryParams<OpportunityParams>,
) -> Result<Json<OpportunitiesView>, Problem> {
    let stage = params::one_of("stage", query.stage.as_deref(), STAGES)?;
    let limit = params::limit(query.limit.as_deref(), DEFAULT_LIMIT, MAX_LIMIT)?;
    state.await_postgres(&tenant, token).await?;
    let sql = format!(
        "SELECT {COLUMNS} FROM {}
          WHERE ($1::text IS NULL OR stage = $1) AND ($2::text IS NULL OR customer_id = $2)
          ORDER BY expected_close_date, opportunity_id LIMIT $3",
        tenant_table(&tenant, "opportunities")
    );
    let rows = sqlx::query_as::<_, OpportunityView>(&sql)
        .bind(stage)
        .bind(query.customer_id)
        .bind(i64::from(limit))
        .fetch_all(&state.stores.postgres)
        .await;
    Ok(Json(OpportunitiesView { items: absent_if_unprovisioned(rows, Vec::new())? }))
}

/// `GET /v1/opportunities/{id}`: 404 when absent.
#[utoipa::path(get, path = "/v1/opportunities/{id}", params(("id" = Uuid, Path, description = "The opportunity")),
    responses((status = 200, description = "The opportunity", body = OpportunityView)))]
#[tracing::instrument(skip_all, fields(tenant = %tenant, opportunity_id = %id))]
pub async fn get(
    State(state): State<AppState>,
    KnownTenant(tenant): KnownTenant,
    token: MinPosition,
    Path(id): Path<String>,
) -> Result<Json<OpportunityView>, Problem> {
    let opportunity_id = params::path_uuid("opportunity", &id)?;
    state.await_postgres(&tenant, token).await?;
    let sql = format!("SELECT {COLUMNS} FROM {} WHERE opportunity_id = $1", tenant_table(&tenant, "opportunities"));
    let found =
        sqlx::query_as::<_, OpportunityView>(&sql).bind(opportunity_id).fetch_optional(&state.stores.postgres).await;
    let opportunity = absent_if_unprovisioned(found, None)?.ok_or_else(|| params::no_such("opportunity", &id))?;
    Ok(Json(opportunity))
}
