//! `GET /v1/work-orders`: the work-order status board — the orders, by due date, optionally of
//! one status or item — and `GET /v1/work-orders/board`: how many orders and how much quantity
//! are in each status; `GET /v1/work-orders/{id}`: one order with its components;
//! `GET /v1/work-orders/{id}/document`: its MongoDB document, with its status history;
//! `GET /v1/material-requirements`: what the open orders not yet started (planned or
//! released) need of each component at their location, against the stock there: on hand,
//! reserved, available (on hand − reserved) and the shortage (required − available, when
//! positive). Orders in progress have consumed their components and need nothing more.

use axum::extract::{Path, State};
use axum::Json;
use chrono::{DateTime, NaiveDate, Utc};
use prism_platform::problem::Problem;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sqlx::FromRow;
use uuid::Uuid;

use crate::consistency::MinPosition;
use crate::error::absent_if_unprovisioned;
use crate::params::{self, QueryParams};
use crate::state::AppState;
use crate::stores::tenant_table;
use crate::supply::order_documents::find_document;
use crate::tenants::KnownTenant;

/// Most rows one list answers.
const MAX_LIMIT: u32 = 1_000;
/// Rows a list answers unless `limit` says otherwise.
const DEFAULT_LIMIT: u32 = 100;
/// Every status name, in board order, as accepted by `status`.
const STATUSES: &[&str] = &["planned", "released", "in_progress", "completed", "scrapped"];

/// Query parameters of the work-order list; any other is refused.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct WorkOrderParams {
    /// Only orders in this status.
    pub status: Option<String>,
    /// Only orders making this item.
    pub sku: Option<String>,
    /// At most this many, 1–1,000 (100 when absent).
    pub limit: Option<String>,
}

/// One work order on the board.
#[derive(Debug, Serialize, FromRow, utoipa::ToSchema)]
pub struct WorkOrderView {
    /// The work order.
    pub work_order_id: Uuid,
    /// The item it makes.
    pub sku: String,
    /// Quantity planned, thousandths.
    pub quantity_milli: i64,
    /// The version of the item's bill it is made by.
    pub bom_version: i32,
    /// Where components come from and the goods go.
    pub location: String,
    /// When it is due.
    pub due_date: Option<NaiveDate>,
    /// `planned`, `released`, `in_progress`, `completed` or `scrapped`.
    pub status: String,
    /// Good quantity made, thousandths; once completed.
    pub good_quantity_milli: Option<i64>,
    /// Quantity scrapped in the run, thousandths; once completed.
    pub scrapped_quantity_milli: Option<i64>,
    /// Why it was scrapped; once scrapped.
    pub scrap_reason: Option<String>,
    /// When it was planned.
    pub planned_at: DateTime<Utc>,
    /// When it was released.
    pub released_at: Option<DateTime<Utc>>,
    /// When production started.
    pub started_at: Option<DateTime<Utc>>,
    /// When it was completed or scrapped.
    pub finished_at: Option<DateTime<Utc>>,
    /// When it last changed.
    pub updated_at: DateTime<Utc>,
}

/// The columns of [`WorkOrderView`].
const COLUMNS: &str = "work_order_id, sku, quantity_milli, bom_version, location, due_date, status, \
                       good_quantity_milli, scrapped_quantity_milli, scrap_reason, planned_at, released_at, \
                       started_at, finished_at, updated_at";

/// The work orders.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct WorkOrdersView {
    /// One row per order, by due date (none last), then id.
    pub items: Vec<WorkOrderView>,
}

/// `GET /v1/work-orders`.
#[utoipa::path(get, path = "/v1/work-orders", params(WorkOrderParams),
    responses((status = 200, description = "The work orders by due date, then id", body = WorkOrdersView)))]
#[tracing::instrument(skip_all, fields(tenant = %tenant))]
pub async fn list(
    State(state): State<AppState>,
    KnownTenant(tenant): KnownTenant,
    token: MinPosition,
    QueryParams(query): QueryParams<WorkOrderParams>,
) -> Result<Json<WorkOrdersView>, Problem> {
    let status = params::one_of("status", query.status.as_deref(), STATUSES)?;
    let limit = params::limit(query.limit.as_deref(), DEFAULT_LIMIT, MAX_LIMIT)?;
    state.await_postgres(&tenant, token).await?;
    let sql = format!(
        "SELECT {COLUMNS} FROM {}
          WHERE ($1::text IS NULL OR status = $1) AND ($2::text IS NULL OR sku = $2)
          ORDER BY due_date NULLS LAST, work_order_id LIMIT $3",
        tenant_table(&tenant, "work_orders")
    );
    let rows = sqlx::query_as::<_, WorkOrderView>(&sql)
        .bind(status)
        .bind(query.sku)
        .bind(i64::from(limit))
        .fetch_all(&state.stores.postgres)
        .await;
    Ok(Json(WorkOrdersView { items: absent_if_unprovisioned(rows, Vec::new())? }))
}

/// One status of the board.
#[derive(Debug, Serialize, FromRow, utoipa::ToSchema)]
pub struct BoardColumn {
    /// `planned`, `released`, `in_progress`, `completed` or `scrapped`.
    pub status: String,
    /// Orders in it.
    pub count: i64,
    /// Their planned quantity, thousandths (of whatever items they make).
    pub quantity_milli: i64,
    /// Orders in it past their due date (open statuses only; 0 for completed and scrapped).
    pub overdue: i64,
}

/// The board: every status, in order, with its orders counted.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct BoardView {
    /// One column per status, each present.
    pub columns: Vec<BoardColumn>,
}

/// `GET /v1/work-orders/board`.
#[utoipa::path(get, path = "/v1/work-orders/board",
    responses((status = 200, description = "Orders and quantity per status", body = BoardView)))]
#[tracing::instrument(skip_all, fields(tenant = %tenant))]
pub async fn board(
    State(state): State<AppState>,
    KnownTenant(tenant): KnownTenant,
    token: MinPosition,
) -> Result<Json<BoardView>, Problem> {
    state.await_postgres(&tenant, token).await?;
    let sql = format!(
        "SELECT s.status, count(w.work_order_id) AS count, coalesce(sum(w.quantity_milli), 0)::bigint AS quantity_milli,
                count(*) FILTER (WHERE w.due_date < current_date AND w.status IN ('planned', 'released', 'in_progress'))
                    AS overdue
           FROM unnest($1::text[]) WITH ORDINALITY AS s(status, ord)
           LEFT JOIN {} w ON w.status = s.status
          GROUP BY s.status, s.ord ORDER BY s.ord",
        tenant_table(&tenant, "work_orders")
    );
    let rows = sqlx::query_as::<_, BoardColumn>(&sql).bind(STATUSES).fetch_all(&state.stores.postgres).await;
    let empty = || {
        STATUSES
            .iter()
            .map(|status| BoardColumn { status: (*status).to_owned(), count: 0, quantity_milli: 0, overdue: 0 })
            .collect()
    };
    Ok(Json(BoardView { columns: absent_if_unprovisioned(rows, empty())? }))
}

/// One component of a work order.
#[derive(Debug, Serialize, FromRow, utoipa::ToSchema)]
pub struct ComponentView {
    /// 1-based line of the bill it comes from.
    pub line_no: i32,
    /// SKU of the component.
    pub component_sku: String,
    /// Thousandths the order needs.
    pub quantity_milli: i64,
}

/// A work order with its components.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct WorkOrderDetail {
    /// The order.
    #[serde(flatten)]
    pub order: WorkOrderView,
    /// What it needs, in the bill's line order.
    pub components: Vec<ComponentView>,
}

/// `GET /v1/work-orders/{id}`: 404 when absent.
#[utoipa::path(get, path = "/v1/work-orders/{id}", params(("id" = Uuid, Path, description = "The work order")),
    responses((status = 200, description = "The work order with its components", body = WorkOrderDetail)))]
#[tracing::instrument(skip_all, fields(tenant = %tenant, work_order_id = %id))]
pub async fn get(
    State(state): State<AppState>,
    KnownTenant(tenant): KnownTenant,
    token: MinPosition,
    Path(id): Path<String>,
) -> Result<Json<WorkOrderDetail>, Problem> {
    let work_order_id = params::path_uuid("work order", &id)?;
    state.await_postgres(&tenant, token).await?;
    let pool = &state.stores.postgres;
    let sql = format!("SELECT {COLUMNS} FROM {} WHERE work_order_id = $1", tenant_table(&tenant, "work_orders"));
    let found = sqlx::query_as::<_, WorkOrderView>(&sql).bind(work_order_id).fetch_optional(pool).await;
    let order = absent_if_unprovisioned(found, None)?.ok_or_else(|| params::no_such("work order", &id))?;
    let sql = format!(
        "SELECT line_no, component_sku, quantity_milli FROM {} WHERE work_order_id = $1 ORDER BY line_no",
        tenant_table(&tenant, "work_order_components")
    );
    let components = sqlx::query_as::<_, ComponentView>(&sql).bind(work_order_id).fetch_all(pool).await;
    Ok(Json(WorkOrderDetail { order, components: absent_if_unprovisioned(components, Vec::new())? }))
}

/// Collection of the work orders' MongoDB documents (the `mongo` projector's).
pub const WORK_ORDER_DOCUMENTS: &str = "work_orders";

/// `GET /v1/work-orders/{id}/document`: the work order's MongoDB document as relaxed extended
/// JSON; 404 when absent.
#[utoipa::path(get, path = "/v1/work-orders/{id}/document", params(("id" = Uuid, Path, description = "The work order")),
    responses((status = 200, description = "The work order's MongoDB document (components, outcome, status history)", body = Object)))]
#[tracing::instrument(skip_all, fields(tenant = %tenant, work_order_id = %id))]
pub async fn get_document(
    State(state): State<AppState>,
    KnownTenant(tenant): KnownTenant,
    token: MinPosition,
    Path(id): Path<String>,
) -> Result<Json<Value>, Problem> {
    let work_order_id = params::path_uuid("work order", &id)?;
    find_document(&state, &tenant, token, ("work order", WORK_ORDER_DOCUMENTS), &work_order_id.to_string()).await
}

/// Query parameters of the material requirements; any other is refused.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct RequirementParams {
    /// Only this location.
    pub location: Option<String>,
    /// Only components short of what is required (`true`); all when absent or `false`.
    pub short_only: Option<String>,
}

/// What open orders need of one component at one location, against its stock there.
#[derive(Debug, Serialize, FromRow, utoipa::ToSchema)]
pub struct RequirementView {
    /// SKU of the component.
    pub component_sku: String,
    /// The orders' location.
    pub location: String,
    /// Planned and released orders that need it.
    pub work_orders: i64,
    /// What they need, thousandths.
    pub required_milli: i64,
    /// On hand there, thousandths.
    pub on_hand_milli: i64,
    /// Reserved there, thousandths.
    pub reserved_milli: i64,
    /// On hand − reserved, thousandths.
    pub available_milli: i64,
    /// Required − available when positive, else 0, thousandths.
    pub shortage_milli: i64,
}

/// The material requirements.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct RequirementsView {
    /// One row per component and location, by component then location.
    pub items: Vec<RequirementView>,
}

/// `GET /v1/material-requirements`.
#[utoipa::path(get, path = "/v1/material-requirements", params(RequirementParams),
    responses((status = 200, description = "Components needed by open orders against stock", body = RequirementsView)))]
#[tracing::instrument(skip_all, fields(tenant = %tenant))]
pub async fn requirements(
    State(state): State<AppState>,
    KnownTenant(tenant): KnownTenant,
    token: MinPosition,
    QueryParams(query): QueryParams<RequirementParams>,
) -> Result<Json<RequirementsView>, Problem> {
    let short_only = params::flag("short_only", query.short_only.as_deref())?;
    state.await_postgres(&tenant, token).await?;
    let sql = format!(
        "WITH required AS (
             SELECT c.component_sku, w.location, count(DISTINCT w.work_order_id) AS work_orders,
                    sum(c.quantity_milli)::bigint AS required_milli
               FROM {orders} w JOIN {components} c ON c.work_order_id = w.work_order_id
              WHERE w.status IN ('planned', 'released') AND ($1::text IS NULL OR w.location = $1)
              GROUP BY c.component_sku, w.location)
         SELECT r.component_sku, r.location, r.work_orders, r.required_milli,
                coalesce(s.on_hand_milli, 0) AS on_hand_milli, coalesce(s.reserved_milli, 0) AS reserved_milli,
                coalesce(s.on_hand_milli - s.reserved_milli, 0) AS available_milli,
                greatest(r.required_milli - coalesce(s.on_hand_milli - s.reserved_milli, 0), 0) AS shortage_milli
           FROM required r LEFT JOIN {levels} s ON s.sku = r.component_sku AND s.location = r.location
          WHERE NOT $2 OR r.required_milli > coalesce(s.on_hand_milli - s.reserved_milli, 0)
          ORDER BY r.component_sku, r.location",
        orders = tenant_table(&tenant, "work_orders"),
        components = tenant_table(&tenant, "work_order_components"),
        levels = tenant_table(&tenant, "stock_levels"),
    );
    let rows = sqlx::query_as::<_, RequirementView>(&sql)
        .bind(query.location)
        .bind(short_only)
        .fetch_all(&state.stores.postgres)
        .await;
    Ok(Json(RequirementsView { items: absent_if_unprovisioned(rows, Vec::new())? }))
}
