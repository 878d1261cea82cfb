//! Assembly of the query API: store connections, routes and the listener. The binary and
//! the tests build the same [`QueryApi`].

use std::net::SocketAddr;
use std::sync::Arc;

use axum::routing::get;
use axum::Router;
use prism_platform::auth::{authenticate, Authenticator, Tokens};
use prism_platform::db;
use prism_platform::health::Readiness;
use prism_platform::http::{
    operational_routes, refuse_unreadable_uri, serve, unknown_route, HEALTH_PATH, LIVE_PATH, METRICS_PATH, READY_PATH,
};
use prism_platform::http_metrics;
use prism_platform::pool_metrics;
use prism_platform::rate_limit::{self, RateLimiter};
use sqlx::PgPool;
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;

use crate::config::QueryApiConfig;
use crate::state::{AppState, Limits};
use crate::stores::Stores;
use crate::tenants::KnownTenants;
use crate::{
    accounts, audit, documents, fiscal_years, invoices, journal_entries, payments, reports, supply, tax_rates,
};

/// A built, not yet running, query API.
#[derive(Debug)]
pub struct QueryApi {
    listener: TcpListener,
    router: Router,
    pool: PgPool,
}

impl QueryApi {
    /// Connects to the stores and binds the listener. Migrations are the writers' business;
    /// the query API only reads.
    ///
    /// # Errors
    /// When a database is unreachable, the MongoDB URL is invalid or the address cannot be
    /// bound.
    pub async fn build(config: &QueryApiConfig) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        let stores = Stores::connect(config).await?;
        let state = AppState {
            tenants: KnownTenants::new(stores.postgres.clone()),
            stores,
            limits: Limits {
                page_size_max: config.page_size_max,
                bucket_count_max: config.bucket_count_max,
                min_position_wait: config.min_position_wait(),
                report_timeout: config.report_timeout(),
            },
        };
        let listener = TcpListener::bind(&config.http.addr).await?;
        let limiter = RateLimiter::new(&config.http.rate_limit)?;
        config.http.auth.check()?;
        let authenticator = Authenticator::new(Arc::new(Tokens::new(&config.http.auth)), PUBLIC_PATHS)
            .with_page_paths(&[crate::dashboard::PATH]);
        let readiness = Readiness::new()
            .postgres("postgres", &config.database.url, db::MAIN_DATABASE)
            .postgres("timescale", config.timeseries_url(), db::TIMESERIES_DATABASE)
            .mongodb(state.stores.mongo.clone());
        let pool = state.stores.postgres.clone();
        Ok(Self { listener, router: router(state, authenticator, limiter, readiness), pool })
    }

    /// The bound address (useful with port 0).
    ///
    /// # Errors
    /// When the socket has no local address.
    pub fn local_addr(&self) -> std::io::Result<SocketAddr> {
        self.listener.local_addr()
    }

    /// Serves until `shutdown` is cancelled, finishing in-flight requests, reporting the main
    /// pool's usage meanwhile.
    ///
    /// # Errors
    /// When the listener fails.
    pub async fn run(self, shutdown: CancellationToken) -> std::io::Result<()> {
        pool_metrics::report(self.pool, "main", shutdown.clone());
        serve(self.listener, self.router, shutdown).await
    }
}

/// Paths anyone may read, without a token; every other read needs a user's access token, and
/// answers from that user's tenant only (the audit routes, only to a user allowed `audit.read`).
const PUBLIC_PATHS: &[&str] = &[LIVE_PATH, HEALTH_PATH, READY_PATH, METRICS_PATH, "/openapi.json"];

fn router(state: AppState, authenticator: Authenticator, limiter: RateLimiter, readiness: Readiness) -> Router {
    Router::new()
        .route("/v1/journal-entries", get(journal_entries::list))
        .route("/v1/journal-entries/drafts", get(journal_entries::drafts::list))
        .route("/v1/journal-entries/{id}", get(journal_entries::get))
        .route("/v1/journal-entries/{id}/document", get(documents::get))
        .route("/v1/accounts", get(accounts::chart::list))
        .route("/v1/accounts/{code}/balance", get(accounts::balance::get))
        .route("/v1/accounts/{code}/postings", get(accounts::postings::get))
        .route("/v1/fiscal-years", get(fiscal_years::list))
        .route("/v1/reports/trial-balance", get(reports::trial_balance::get))
        .route("/v1/reports/income-statement", get(reports::income_statement::get))
        .route("/v1/reports/balance-sheet", get(reports::balance_sheet::get))
        .route("/v1/reports/aging", get(reports::aging::get))
        .route("/v1/reports/cash-flow", get(reports::cash_flow::get))
        .route("/v1/reports/budget-vs-actual", get(reports::budget_vs_actual::get))
        .route("/v1/reports/revenue-expense", get(reports::revenue_expense::get))
        .route("/v1/kpis/{kpi}", get(crate::kpis::get))
        .route("/v1/dashboard", get(crate::dashboard::get))
        .route("/v1/report-sources", get(crate::optics::sources))
        .route("/v1/report-definitions", get(crate::optics::list))
        .route("/v1/report-definitions/{id}", get(crate::optics::get))
        .route("/v1/report-definitions/{id}/run", get(crate::optics::run::run))
        .route("/v1/invoices", get(invoices::list))
        .route("/v1/invoices/{id}", get(invoices::get))
        .route("/v1/payments/{id}", get(payments::get))
        .route("/v1/tax-rates", get(tax_rates::list))
        .route("/v1/users", get(crate::identity::list_users))
        .route("/v1/users/{id}", get(crate::identity::get_user))
        .route("/v1/organization-units", get(crate::identity::list_units))
        .route("/v1/roles", get(crate::roles::list_roles))
        .route("/v1/feature-flags", get(crate::feature_flags::get))
        .route("/v1/budgets", get(crate::budgets::list))
        .route("/v1/exchange-rates", get(crate::exchange_rates::list))
        .route("/v1/items", get(supply::catalog::list_items))
        .route("/v1/items/{sku}", get(supply::catalog::get_item))
        .route("/v1/locations", get(supply::catalog::list_locations))
        .route("/v1/stock", get(supply::stock::levels))
        .route("/v1/reorder-suggestions", get(supply::stock::reorder_suggestions))
        .route("/v1/stock/{sku}/movements", get(supply::movements::list))
        .route("/v1/stock/{sku}/as-of", get(supply::movements::as_of))
        .route("/v1/stock/{sku}/daily", get(supply::movements::daily))
        .route("/v1/sales-orders", get(supply::orders::list_sales_orders))
        .route("/v1/sales-orders/{id}", get(supply::order_documents::get_sales_order))
        .route("/v1/purchase-orders", get(supply::orders::list_purchase_orders))
        .route("/v1/purchase-orders/{id}", get(supply::order_documents::get_purchase_order))
        .route("/v1/pipeline", get(crate::crm::pipeline::pipeline))
        .route("/v1/opportunities", get(crate::crm::pipeline::list))
        .route("/v1/opportunities/{id}", get(crate::crm::pipeline::get))
        .route("/v1/support-tickets", get(crate::crm::tickets::list))
        .route("/v1/support-tickets/sla-breaches", get(crate::crm::tickets::breaches))
        .route("/v1/support-tickets/{id}", get(crate::crm::tickets::get))
        .route("/v1/employees", get(crate::hr::employees::list))
        .route("/v1/employees/{id}", get(crate::hr::employees::get))
        .route("/v1/payroll-runs", get(crate::hr::payroll_runs::list))
        .route("/v1/payroll-runs/{id}", get(crate::hr::payroll_runs::get))
        .route("/v1/leave-requests", get(crate::hr::leave::list))
        .route("/v1/employees/{id}/leave-balances", get(crate::hr::leave::employee_balances))
        .route("/v1/leave-accounts/{id}", get(crate::hr::leave::get))
        .route("/v1/customers", get(crate::crm::customers::list))
        .route("/v1/customers/{id}", get(crate::crm::customers::get_360))
        .route("/v1/customers/{id}/document", get(crate::crm::customers::get_document))
        .route("/v1/boms/{sku}", get(crate::production::boms::get))
        .route("/v1/boms/{sku}/explosion", get(crate::production::boms::explosion))
        .route("/v1/work-orders", get(crate::production::work_orders::list))
        .route("/v1/work-orders/board", get(crate::production::work_orders::board))
        .route("/v1/work-orders/{id}", get(crate::production::work_orders::get))
        .route("/v1/work-orders/{id}/document", get(crate::production::work_orders::get_document))
        .route("/v1/material-requirements", get(crate::production::work_orders::requirements))
        .route("/v1/quality-checks", get(crate::production::quality_checks::list))
        .route("/v1/production/yield", get(crate::production::yield_rates::get))
        .route("/v1/performance-reviews", get(crate::hr::performance_reviews::list))
        .route("/v1/performance-reviews/{id}", get(crate::hr::performance_reviews::get))
        .route("/v1/notifications", get(crate::notifications::list))
        .route("/v1/webhook-subscriptions", get(crate::webhooks::list))
        .route("/v1/webhook-subscriptions/{id}", get(crate::webhooks::get))
        .route("/v1/webhook-subscriptions/{id}/deliveries", get(crate::webhooks::deliveries))
        .route("/v1/job-openings", get(crate::hr::recruitment::list))
        .route("/v1/job-openings/{id}", get(crate::hr::recruitment::get))
        .route("/v1/assets", get(crate::production::assets::list))
        .route("/v1/assets/downtime", get(crate::production::assets::downtime))
        .route("/v1/assets/{id}", get(crate::production::assets::get))
        .route("/v1/audit/aggregates/{aggregate_type}/{id}/history", get(audit::history::get))
        .route("/v1/audit/aggregates/{aggregate_type}/{id}/state", get(audit::state::get))
        .route("/v1/audit/traces/{correlation_id}", get(audit::trace::get))
        .route("/openapi.json", get(crate::openapi::serve))
        .merge(operational_routes(readiness))
        .fallback(unknown_route)
        .layer(axum::middleware::from_fn(refuse_unreadable_uri))
        .layer(axum::middleware::from_fn_with_state(limiter, rate_limit::layer))
        .layer(axum::middleware::from_fn_with_state(authenticator, authenticate))
        .layer(axum::middleware::from_fn(http_metrics::record))
        .layer(axum::middleware::from_fn(prism_platform::request_span::layer))
        .with_state(state)
}
