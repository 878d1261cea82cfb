//! `GET /v1/customers`, `GET /v1/customers/{id}` (the customer 360) and
//! `GET /v1/customers/{id}/document`.
//!
//! The list reads `customers` (the `postgres` projector's read model), filtered by `status`
//! (`active`, `deactivated`) and `q` (a case-insensitive part of the name or id), by customer
//! id, keyset-paginated: `next_cursor` is the id of the last customer on the page.
//!
//! The 360 is the customer's row with what the other read models know of it: its sales orders
//! (`sales_orders`, newest first) and its customer invoices and credit notes (`invoices`,
//! newest first), at most [`LATEST_MAX`] of each, and per currency its open balance from
//! finance — the open amounts of its issued and partly paid invoices less those of its credit
//! notes — with its open orders that have shipped nothing yet and their sum, its exposure (what
//! the credit check counts; see the command API). All from Postgres, after the `postgres`
//! projector reached the consistency token, if any.
//!
//! The document is the customer's MongoDB document (contacts, addresses, custom fields), after
//! the `mongo` projector reached the token.

use axum::extract::{Path, State};
use axum::Json;
use chrono::{DateTime, Utc};
use prism_aggregates::tenant::TenantId;
use prism_platform::problem::Problem;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sqlx::{FromRow, PgPool, Postgres, QueryBuilder};

use crate::consistency::MinPosition;
use crate::error::{absent_if_unprovisioned, ReadError};
use crate::invoices::queries::SUMMARY_COLUMNS;
use crate::invoices::InvoiceSummary;
use crate::params::{self, InputError, QueryParams};
use crate::state::{AppState, DEFAULT_PAGE_SIZE};
use crate::stores::tenant_table;
use crate::supply::order_documents::find_document;
use crate::supply::orders::{OrderTable, SalesOrderView};
use crate::tenants::KnownTenant;

/// The statuses a customer can be in.
pub const STATUSES: &[&str] = &["active", "deactivated"];

/// Most sales orders and most invoices the 360 lists (the newest).
pub const LATEST_MAX: i64 = 100;

/// Longest search text `q`, in characters.
pub const MAX_SEARCH_CHARS: usize = 100;

/// Collection of customer documents in the tenant's MongoDB database.
pub const CUSTOMER_DOCUMENTS: &str = "customers";

/// The columns of a [`CustomerView`].
const COLUMNS: &str =
    "customer_id, name, currency::text AS currency, credit_limit_minor, status, registered_at, updated_at";

/// The statuses of an order that has shipped nothing yet and is not cancelled.
const UNSHIPPED: &[&str] = &["placed", "confirmed", "allocated", "picked"];

/// One customer; read from the `customers` columns of the same names.
#[derive(Debug, Serialize, FromRow, utoipa::ToSchema)]
pub struct CustomerView {
    /// The customer id.
    pub customer_id: String,
    /// Display name.
    pub name: String,
    /// ISO 4217 code of the currency it trades in.
    pub currency: String,
    /// Credit limit in minor units of `currency`; `null`: no limit.
    pub credit_limit_minor: Option<i64>,
    /// `active` or `deactivated`.
    pub status: String,
    /// When it was registered.
    pub registered_at: DateTime<Utc>,
    /// When its name, limit or status last changed; its registration until then.
    pub updated_at: DateTime<Utc>,
}

/// A page of the customer list.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct CustomerPage {
    /// Customers by id.
    pub items: Vec<CustomerView>,
    /// Pass as `cursor` for the next page; `null` on the last page.
    pub next_cursor: Option<String>,
}

/// Query parameters of `GET /v1/customers`; unknown ones are refused.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct CustomerListParams {
    /// Only customers of this status: `active` or `deactivated`.
    pub status: Option<String>,
    /// Only customers whose name or id contains this text, ignoring case (at most 100
    /// characters).
    pub q: Option<String>,
    /// Page size, 1 to the configured maximum; 50 when absent.
    pub limit: Option<String>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// Which customers a page holds.
struct CustomerFilter {
    status: Option<&'static str>,
    /// `%<q>%` with `%`, `_` and `\` escaped.
    pattern: Option<String>,
    after: Option<String>,
    limit: u32,
}

/// What a customer owes and has on order, in one currency.
#[derive(Debug, Serialize, FromRow, utoipa::ToSchema)]
pub struct CustomerBalance {
    /// ISO 4217 currency code.
    pub currency: String,
    /// Open receivables: its issued and partly paid invoices' open amounts less its credit
    /// notes'.
    pub open_balance_minor: i64,
    /// Its sales orders that have shipped nothing yet and are not cancelled, at their total.
    pub open_orders_minor: i64,
    /// `open_balance_minor` + `open_orders_minor`: what the credit limit is held against.
    pub exposure_minor: i64,
}

/// The customer 360.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Customer360 {
    /// The customer.
    pub customer: CustomerView,
    /// Per currency with invoices or orders: open balance, open orders and exposure.
    pub balances: Vec<CustomerBalance>,
    /// Its newest sales orders, newest first.
    pub sales_orders: Vec<SalesOrderView>,
    /// Its newest customer invoices and credit notes, newest first (drafts first).
    pub invoices: Vec<InvoiceSummary>,
}

/// `GET /v1/customers?status=&q=&limit=&cursor=`: one page of customers.
#[utoipa::path(get, path = "/v1/customers", params(CustomerListParams),
    responses((status = 200, description = "One page of customers by id", body = CustomerPage)))]
#[tracing::instrument(skip_all, fields(tenant = %tenant))]
pub async fn list(
    State(state): State<AppState>,
    KnownTenant(tenant): KnownTenant,
    token: MinPosition,
    QueryParams(query): QueryParams<CustomerListParams>,
) -> Result<Json<CustomerPage>, Problem> {
    let filter = customer_filter(query, state.limits.page_size_max)?;
    state.await_postgres(&tenant, token).await?;
    let mut items = read_customers(&state.stores.postgres, &tenant, &filter).await?;
    let limit = usize::try_from(filter.limit).unwrap_or(usize::MAX);
    let has_more = items.len() > limit;
    items.truncate(limit);
    let next_cursor = has_more.then(|| items.last()).flatten().map(|last| last.customer_id.clone());
    Ok(Json(CustomerPage { items, next_cursor }))
}

/// `GET /v1/customers/{id}`: the customer 360; 404 when there is no such customer.
#[utoipa::path(get, path = "/v1/customers/{id}", params(("id" = String, Path, description = "The customer")),
    responses((status = 200, description = "The customer with its orders, invoices and balances", body = Customer360)))]
#[tracing::instrument(skip_all, fields(tenant = %tenant, customer_id = %id))]
pub async fn get_360(
    State(state): State<AppState>,
    KnownTenant(tenant): KnownTenant,
    token: MinPosition,
    Path(id): Path<String>,
) -> Result<Json<Customer360>, Problem> {
    state.await_postgres(&tenant, token).await?;
    let pool = &state.stores.postgres;
    let sql = format!("SELECT {COLUMNS} FROM {} WHERE customer_id = $1", tenant_table(&tenant, "customers"));
    let row = sqlx::query_as::<_, CustomerView>(&sql).bind(&id).fetch_optional(pool).await;
    let customer = absent_if_unprovisioned(row, None)?.ok_or_else(|| params::no_such("customer", &id))?;
    Ok(Json(Customer360 {
        balances: balances(pool, &tenant, &id).await?,
        sales_orders: sales_orders(pool, &tenant, &id).await?,
        invoices: invoices(pool, &tenant, &id).await?,
        customer,
    }))
}

/// `GET /v1/customers/{id}/document`: the customer's MongoDB document as relaxed extended
/// JSON; 404 when absent.
#[utoipa::path(get, path = "/v1/customers/{id}/document", params(("id" = String, Path, description = "The customer")),
    responses((status = 200, description = "The customer's MongoDB document (contacts, addresses, custom fields)", body = Object)))]
#[tracing::instrument(skip_all, fields(tenant = %tenant, customer_id = %id))]
pub async fn get_document(
    State(state): State<AppState>,
    KnownTenant(tenant): KnownTenant,
    token: MinPosition,
    Path(id): Path<String>,
) -> Result<Json<Value>, Problem> {
    find_document(&state, &tenant, token, ("customer", CUSTOMER_DOCUMENTS), &id).await
}

fn customer_filter(query: CustomerListParams, page_size_max: u32) -> Result<CustomerFilter, InputError> {
    let pattern = match query.q {
        Some(q) if q.chars().count() > MAX_SEARCH_CHARS => {
            return Err(params::invalid("q", format!("q may have at most {MAX_SEARCH_CHARS} characters")));
        }
        Some(q) => Some(format!("%{}%", q.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_"))),
        None => None,
    };
    Ok(CustomerFilter {
        status: params::one_of("status", query.status.as_deref(), STATUSES)?,
        pattern,
        after: query.cursor,
        limit: params::limit(query.limit.as_deref(), DEFAULT_PAGE_SIZE, page_size_max)?,
    })
}

/// The customers `filter` selects, one more than its limit when more follow.
async fn read_customers(
    pool: &PgPool,
    tenant: &TenantId,
    filter: &CustomerFilter,
) -> Result<Vec<CustomerView>, ReadError> {
    let customers = tenant_table(tenant, "customers");
    let mut query = QueryBuilder::<Postgres>::new(format!("SELECT {COLUMNS} FROM {customers} WHERE true"));
    if let Some(status) = filter.status {
        query.push(" AND status = ").push_bind(status);
    }
    if let Some(pattern) = &filter.pattern {
        query.push(" AND (name ILIKE ").push_bind(pattern.clone());
        query.push(" OR customer_id ILIKE ").push_bind(pattern.clone()).push(")");
    }
    if let Some(after) = &filter.after {
        query.push(" AND customer_id COLLATE \"C\" > ").push_bind(after.clone());
    }
    query.push(" ORDER BY customer_id COLLATE \"C\" LIMIT ").push_bind(i64::from(filter.limit) + 1);
    let rows = query.build_query_as::<CustomerView>().fetch_all(pool).await;
    absent_if_unprovisioned(rows, Vec::new())
}

/// Per currency, the customer's open balance and its unshipped orders.
async fn balances(pool: &PgPool, tenant: &TenantId, customer_id: &str) -> Result<Vec<CustomerBalance>, ReadError> {
    let sql = format!(
        "WITH receivables AS (
             SELECT currency::text AS currency,
                    sum(CASE WHEN kind = 'customer_credit_note' THEN -open_minor ELSE open_minor END) AS amount
               FROM {invoices}
              WHERE counterparty_id = $1 AND kind IN ('customer_invoice', 'customer_credit_note')
                AND status IN ('issued', 'partially_paid')
              GROUP BY currency),
         orders AS (
             SELECT currency::text AS currency, sum(total_minor) AS amount
               FROM {orders}
              WHERE customer_id = $1 AND status = ANY($2)
              GROUP BY currency)
         SELECT currency,
                COALESCE(r.amount, 0)::bigint AS open_balance_minor,
                COALESCE(o.amount, 0)::bigint AS open_orders_minor,
                (COALESCE(r.amount, 0) + COALESCE(o.amount, 0))::bigint AS exposure_minor
           FROM receivables r FULL JOIN orders o USING (currency)
          ORDER BY currency",
        invoices = tenant_table(tenant, "invoices"),
        orders = tenant_table(tenant, "sales_orders"),
    );
    let rows = sqlx::query_as::<_, CustomerBalance>(&sql).bind(customer_id).bind(UNSHIPPED).fetch_all(pool).await;
    absent_if_unprovisioned(rows, Vec::new())
}

/// The customer's newest sales orders.
async fn sales_orders(pool: &PgPool, tenant: &TenantId, customer_id: &str) -> Result<Vec<SalesOrderView>, ReadError> {
    let sql = format!(
        "SELECT {} FROM {} WHERE customer_id = $1 ORDER BY placed_at DESC, order_id DESC LIMIT $2",
        SalesOrderView::COLUMNS,
        tenant_table(tenant, "sales_orders")
    );
    let rows = sqlx::query_as::<_, SalesOrderView>(&sql).bind(customer_id).bind(LATEST_MAX).fetch_all(pool).await;
    absent_if_unprovisioned(rows, Vec::new())
}

/// The customer's newest invoices and credit notes, drafts first.
async fn invoices(pool: &PgPool, tenant: &TenantId, customer_id: &str) -> Result<Vec<InvoiceSummary>, ReadError> {
    let sql = format!(
        "SELECT {SUMMARY_COLUMNS} FROM {} i
          WHERE i.counterparty_id = $1 AND i.kind IN ('customer_invoice', 'customer_credit_note')
          ORDER BY i.issue_date DESC NULLS FIRST, i.invoice_id DESC LIMIT $2",
        tenant_table(tenant, "invoices")
    );
    let rows = sqlx::query_as::<_, InvoiceSummary>(&sql).bind(customer_id).bind(LATEST_MAX).fetch_all(pool).await;
    absent_if_unprovisioned(rows, Vec::new())
}
