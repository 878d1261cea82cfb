//! `GET /v1/sales-orders` and `GET /v1/purchase-orders`: the open orders from `sales_orders`
//! and `purchase_orders` (the `postgres` projector's read model), oldest first. Without
//! `status`, every order not yet final (a sales order neither delivered nor cancelled, a
//! purchase order neither closed nor cancelled); with `status`, exactly the orders in it. Not
//! paginated.
//!
//! CSV (`Accept: text/csv`): sales orders `order_id,customer_id,customer_name,currency,
//! ship_from,status,total_minor,paid_minor,placed_at`; purchase orders `order_id,vendor_id,
//! vendor_name,currency,status,total_minor,billed_minor,matched,requested_by,approved_by,
//! drafted_at`.

use axum::extract::State;
use axum::response::Response;
use chrono::{DateTime, Utc};
use prism_aggregates::tenant::TenantId;
use prism_platform::problem::Problem;
use serde::{Deserialize, Serialize};
use sqlx::postgres::PgRow;
use sqlx::FromRow;
use uuid::Uuid;

use crate::consistency::MinPosition;
use crate::csv::{optional, CsvWriter, ToCsv};
use crate::error::absent_if_unprovisioned;
use crate::negotiate::Format;
use crate::params::{self, QueryParams};
use crate::state::AppState;
use crate::stores::tenant_table;
use crate::tenants::KnownTenant;

/// Query parameters of the order lists; any other is refused.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct OrderParams {
    /// Only orders in this status; the open ones when absent.
    pub status: Option<String>,
}

/// The orders, oldest first.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct OrdersView<R> {
    /// One row per order.
    pub items: Vec<R>,
}

/// One sales order.
#[derive(Debug, Serialize, FromRow, utoipa::ToSchema)]
pub struct SalesOrderView {
    /// The order.
    pub order_id: Uuid,
    /// Id of the customer.
    pub customer_id: String,
    /// Name of the customer.
    pub customer_name: String,
    /// ISO 4217 currency of its prices.
    pub currency: String,
    /// Location it ships from.
    pub ship_from: String,
    /// `placed`, `confirmed`, `allocated`, `picked`, `partially_shipped`, `shipped`,
    /// `delivered` or `cancelled`.
    pub status: String,
    /// Sum of the line nets, minor units.
    pub total_minor: i64,
    /// Paid so far, minor units.
    pub paid_minor: i64,
    /// When it was placed.
    pub placed_at: DateTime<Utc>,
}

/// One purchase order.
#[derive(Debug, Serialize, FromRow, utoipa::ToSchema)]
pub struct PurchaseOrderView {
    /// The order.
    pub order_id: Uuid,
    /// Id of the vendor.
    pub vendor_id: String,
    /// Name of the vendor.
    pub vendor_name: String,
    /// ISO 4217 currency of its prices.
    pub currency: String,
    /// `draft`, `submitted`, `approved`, `partially_received`, `received`, `billed`, `closed`
    /// or `cancelled`.
    pub status: String,
    /// Sum of the line nets, minor units.
    pub total_minor: i64,
    /// Sum of the vendor's bills so far, minor units.
    pub billed_minor: i64,
    /// Whether the last bill matched order and receipts in full; `null` before a bill.
    pub matched: Option<bool>,
    /// Id of the requesting user.
    pub requested_by: String,
    /// Id of the approving user; `null` until approved by someone (or when auto-approved).
    pub approved_by: Option<String>,
    /// When it was drafted.
    pub drafted_at: DateTime<Utc>,
}

/// What a list needs to know about its order table.
pub(crate) trait OrderTable: for<'r> FromRow<'r, PgRow> + Serialize + ToCsv + Send + Unpin {
    /// The read-model table.
    const TABLE: &'static str;
    /// The selected columns, in the view's order.
    const COLUMNS: &'static str;
    /// Column the list is ordered by (then `order_id`).
    const SINCE: &'static str;
    /// Every status, as accepted by `status`.
    const STATUSES: &'static [&'static str];
    /// The final statuses, left out of the open orders.
    const FINAL: &'static [&'static str];
}

impl OrderTable for SalesOrderView {
    const TABLE: &'static str = "sales_orders";
    const COLUMNS: &'static str = "order_id, customer_id, customer_name, currency::text AS currency, ship_from, \
                                   status, total_minor, paid_minor, placed_at";
    const SINCE: &'static str = "placed_at";
    const STATUSES: &'static [&'static str] =
        &["placed", "confirmed", "allocated", "picked", "partially_shipped", "shipped", "delivered", "cancelled"];
    const FINAL: &'static [&'static str] = &["delivered", "cancelled"];
}

impl OrderTable for PurchaseOrderView {
    const TABLE: &'static str = "purchase_orders";
    const COLUMNS: &'static str = "order_id, vendor_id, vendor_name, currency::text AS currency, status, \
                                   total_minor, billed_minor, matched, requested_by, approved_by, drafted_at";
    const SINCE: &'static str = "drafted_at";
    const STATUSES: &'static [&'static str] =
        &["draft", "submitted", "approved", "partially_received", "received", "billed", "closed", "cancelled"];
    const FINAL: &'static [&'static str] = &["closed", "cancelled"];
}

/// `GET /v1/sales-orders`.
#[utoipa::path(get, path = "/v1/sales-orders", params(OrderParams, crate::openapi::Csv),
    responses((status = 200, description = "The open sales orders, oldest first", body = OrdersView<SalesOrderView>)))]
#[tracing::instrument(skip_all, fields(tenant = %tenant))]
pub async fn list_sales_orders(
    State(state): State<AppState>,
    KnownTenant(tenant): KnownTenant,
    token: MinPosition,
    format: Format,
    QueryParams(query): QueryParams<OrderParams>,
) -> Result<Response, Problem> {
    list::<SalesOrderView>(&state, &tenant, token, format, &query).await
}

/// `GET /v1/purchase-orders`.
#[utoipa::path(get, path = "/v1/purchase-orders", params(OrderParams, crate::openapi::Csv),
    responses((status = 200, description = "The open purchase orders, oldest first", body = OrdersView<PurchaseOrderView>)))]
#[tracing::instrument(skip_all, fields(tenant = %tenant))]
pub async fn list_purchase_orders(
    State(state): State<AppState>,
    KnownTenant(tenant): KnownTenant,
    token: MinPosition,
    format: Format,
    QueryParams(query): QueryParams<OrderParams>,
) -> Result<Response, Problem> {
    list::<PurchaseOrderView>(&state, &tenant, token, format, &query).await
}

/// The orders of table `R` in `query`'s status, or the open ones.
async fn list<R: OrderTable>(
    state: &AppState,
    tenant: &TenantId,
    token: MinPosition,
    format: Format,
    query: &OrderParams,
) -> Result<Response, Problem> {
    let status = params::one_of("status", query.status.as_deref(), R::STATUSES)?;
    state.await_postgres(tenant, token).await?;
    let sql = format!(
        "SELECT {} FROM {} WHERE CASE WHEN $1::text IS NULL THEN status <> ALL($2) ELSE status = $1 END
          ORDER BY {}, order_id",
        R::COLUMNS,
        tenant_table(tenant, R::TABLE),
        R::SINCE
    );
    let rows = sqlx::query_as::<_, R>(&sql).bind(status).bind(R::FINAL).fetch_all(&state.stores.postgres).await;
    let items = absent_if_unprovisioned(rows, Vec::new())?;
    Ok(format.respond(&OrdersView { items }))
}

impl<R: ToCsv> ToCsv for OrdersView<R> {
    const HEADER: &'static [&'static str] = R::HEADER;

    fn write_records(&self, csv: &mut CsvWriter) {
        for order in &self.items {
            order.write_records(csv);
        }
    }
}

impl ToCsv for SalesOrderView {
    const HEADER: &'static [&'static str] = &[
        "order_id",
        "customer_id",
        "customer_name",
        "currency",
        "ship_from",
        "status",
        "total_minor",
        "paid_minor",
        "placed_at",
    ];

    fn write_records(&self, csv: &mut CsvWriter) {
        csv.record(&[
            &self.order_id.to_string(),
            &self.customer_id,
            &self.customer_name,
            &self.currency,
            &self.ship_from,
            &self.status,
            &self.total_minor.to_string(),
            &self.paid_minor.to_string(),
            &self.placed_at.to_rfc3339(),
        ]);
    }
}

impl ToCsv for PurchaseOrderView {
    const HEADER: &'static [&'static str] = &[
        "order_id",
        "vendor_id",
        "vendor_name",
        "currency",
        "status",
        "total_minor",
        "billed_minor",
        "matched",
        "requested_by",
        "approved_by",
        "drafted_at",
    ];

    fn write_records(&self, csv: &mut CsvWriter) {
        csv.record(&[
            &self.order_id.to_string(),
            &self.vendor_id,
            &self.vendor_name,
            &self.currency,
            &self.status,
            &self.total_minor.to_string(),
            &self.billed_minor.to_string(),
            &optional(self.matched.as_ref()),
            &self.requested_by,
            &optional(self.approved_by.as_ref()),
            &self.drafted_at.to_rfc3339(),
        ]);
    }
}
