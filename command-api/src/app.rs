//! Assembly of the command API: pools, migrations, routes and the listener. The binary and
//! the tests build the same [`CommandApi`].

use std::net::SocketAddr;
use std::sync::Arc;

use axum::extract::{DefaultBodyLimit, FromRef};
use axum::routing::post;
use axum::Router;
use cqrs_es::Aggregate;
use prism_aggregates::finance::books::BooksSource;
use prism_aggregates::finance::budget::Budgets;
use prism_aggregates::finance::calendar::FiscalCalendar;
use prism_aggregates::finance::invoice::Invoice;
use prism_aggregates::finance::journal_entry::JournalEntry;
use prism_aggregates::finance::payment::Payment;
use prism_aggregates::identity::user::User;
use prism_platform::auth::{authenticate, Authenticator, Tokens};
use prism_platform::db;
use prism_platform::health::Readiness;
use prism_platform::http::{operational_routes, refuse_unreadable_uri, serve, unknown_route};
use prism_platform::http_metrics;
use prism_platform::personal_data::PersonalDataKeys;
use prism_platform::pool_metrics;
use prism_platform::rate_limit::{self, RateLimiter};
use prism_platform::tenancy::{TenantProvisioner, TenantStatuses};
use sqlx::PgPool;
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;

use crate::authorization::{self, PUBLIC_PATHS};
use crate::books::BooksCache;
use crate::config::CommandApiConfig;
use crate::counterparty_lock::CounterpartyLocks;
use crate::crm::credit_check::CreditCheck;
use crate::event_store::{ServicesFactory, TenantEventStores, TENANT_SETS};
use crate::idempotency::{self, Idempotency};
use crate::identity::login_attempts::LoginAttempts;
use crate::identity::sessions::{self, Sessions};
use crate::ledger_totals::EventStoreLedger;
use crate::payments::PaymentLookups;
use crate::production::lookups::ProductionStores;
use crate::supply::catalog_lookups::SupplyServices;
use crate::{
    budgets, calendar, chart, crm, exchange_rates, hr, identity, invoices, journal_entries, nexus, payments,
    production, report_definitions, revaluations, supply, tax_rates, tenants,
};

/// Start of every key of the refresh-token sessions in Redis.
const SESSION_KEY_PREFIX: &str = "prism:session";
/// Start of every key of the sign-in attempts per account in Redis.
const LOGIN_ATTEMPTS_KEY_PREFIX: &str = "prism:login-attempts";

/// Shared state of the command routes.
#[derive(Clone, FromRef)]
pub struct AppState {
    /// Database pool.
    pub pool: PgPool,
    /// Tenant provisioner.
    pub provisioner: Arc<TenantProvisioner>,
    /// Journal-entry event stores.
    pub journal_entries: journal_entries::Stores,
    /// Chart-of-accounts event stores.
    pub chart: chart::Stores,
    /// Fiscal-calendar event stores.
    pub calendar: calendar::Stores,
    /// Tax-rate event stores.
    pub tax_rates: tax_rates::Stores,
    /// Budget event stores.
    pub budgets: budgets::Stores,
    /// Exchange-rate event stores.
    pub exchange_rates: exchange_rates::Stores,
    /// Invoice event stores.
    pub invoices: invoices::Stores,
    /// Payment event stores.
    pub payments: payments::Stores,
    /// Item event stores.
    pub items: supply::items::Stores,
    /// Locations event stores.
    pub locations: supply::locations::Stores,
    /// Supply-settings event stores.
    pub supply_settings: supply::settings::Stores,
    /// Stock event stores.
    pub stock: supply::stock::Stores,
    /// Sales order event stores.
    pub sales_orders: supply::sales_orders::Stores,
    /// Purchase order event stores.
    pub purchase_orders: supply::purchase_orders::Stores,
    /// Opportunity event stores.
    pub opportunities: crm::opportunities::Stores,
    /// Support ticket event stores.
    pub tickets: crm::tickets::Stores,
    /// Customer event stores.
    pub customers: crm::customers::Stores,
    /// Employee event stores.
    pub employees: hr::employees::Stores,
    /// Payroll run event stores.
    pub payroll_runs: hr::payroll_runs::Stores,
    /// Performance review event stores.
    pub performance_reviews: hr::performance_reviews::Stores,
    /// Job opening event stores.
    pub job_openings: hr::recruitment::Stores,
    /// Leave account event stores.
    pub leave_accounts: hr::leave::Stores,
    /// The employees' personal-data keys.
    pub personal_data_keys: PersonalDataKeys,
    /// Bill-of-materials event stores.
    pub boms: production::boms::Stores,
    /// Work-order event stores.
    pub work_orders: production::work_orders::Stores,
    /// Quality-check event stores.
    pub quality_checks: production::quality_checks::Stores,
    /// Asset event stores.
    pub assets: production::assets::Stores,
    /// The credit check of sales orders for registered customers.
    pub credit_check: Arc<CreditCheck>,
    /// Every tenant's books as the command side sees them.
    pub books: Arc<BooksCache>,
    /// The locks serialising money-moving commands per counterparty.
    pub counterparty_locks: Arc<CounterpartyLocks>,
    /// User event stores.
    pub users: identity::users::Stores,
    /// Organisation event stores.
    pub organization: identity::organization::Stores,
    /// Custom-role event stores.
    pub roles: identity::roles::Stores,
    /// Tenant-account event stores.
    pub tenant_accounts: tenants::Stores,
    /// Access tokens issued at login.
    pub tokens: Arc<Tokens>,
    /// Refresh tokens, in Redis.
    pub sessions: Sessions,
    /// Sign-in attempts per account, in Redis.
    pub login_attempts: LoginAttempts,
    /// MongoDB, holding the saved report definitions (connects lazily).
    pub mongo: mongodb::Client,
}

/// A built, not yet running, command API.
pub struct CommandApi {
    listener: TcpListener,
    router: Router,
    idempotency: Idempotency,
    pool: PgPool,
}

impl CommandApi {
    /// Connects, brings the database's migrations up to date and binds the listener.
    ///
    /// # Errors
    /// When the database is unreachable, a migration fails or the address cannot be bound.
    pub async fn build(config: &CommandApiConfig) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        let pool = db::connect(&config.database).await?;
        db::bring_up_to_date(&pool, db::MAIN_DATABASE).await?;
        let provisioner = Arc::new(TenantProvisioner::new(pool.clone(), TENANT_SETS));
        let idempotency = Idempotency::new(pool.clone(), config.http.body_limit_bytes);
        config.http.auth.check()?;
        let tokens = Arc::new(Tokens::new(&config.http.auth));
        let authenticator = Authenticator::new(tokens.clone(), PUBLIC_PATHS);
        let redis = sessions::connect(&config.http.rate_limit.redis_url)?;
        let login_attempts = LoginAttempts::new(redis.clone(), LOGIN_ATTEMPTS_KEY_PREFIX, &config.login_limit);
        let sessions = Sessions::new(redis, SESSION_KEY_PREFIX);
        let statuses = Arc::new(TenantStatuses::new(pool.clone()));
        let mongo = prism_optics::store::client(&config.mongodb_url, "prism-command-api").await?;
        let state = state(pool.clone(), provisioner, tokens, sessions, login_attempts, mongo);
        let limiter = RateLimiter::new(&config.http.rate_limit)?;
        let layers = Layers {
            authenticator,
            limiter,
            idempotency: idempotency.clone(),
            statuses,
            readiness: config.readiness(),
        };
        let router = router(state, layers, config.http.body_limit_bytes);
        let listener = TcpListener::bind(&config.http.addr).await?;
        Ok(Self { listener, router, idempotency, pool })
    }

    /// The bound address (useful with port 0).
    ///
    /// # Errors
    /// When the socket has no local address.
    pub fn local_addr(&self) -> std::io::Result<SocketAddr> {
        self.listener.local_addr()
    }

    /// Serves until `shutdown` is cancelled, purging expired idempotency keys and reporting the
    /// pool's usage meanwhile.
    ///
    /// # Errors
    /// When the listener fails.
    pub async fn run(self, shutdown: CancellationToken) -> std::io::Result<()> {
        tokio::spawn(purge_idempotency_keys(self.idempotency, shutdown.clone()));
        pool_metrics::report(self.pool, "main", shutdown.clone());
        serve(self.listener, self.router, shutdown).await
    }
}

/// Purges expired idempotency keys every [`idempotency::PURGE_EVERY`] until `shutdown`.
async fn purge_idempotency_keys(idempotency: Idempotency, shutdown: CancellationToken) {
    let mut every = tokio::time::interval(idempotency::PURGE_EVERY);
    loop {
        tokio::select! {
            () = shutdown.cancelled() => return,
            _ = every.tick() => match idempotency.purge_expired().await {
                Ok(purged) => tracing::debug!(purged, "expired idempotency keys purged"),
                Err(error) => tracing::warn!(%error, "expired idempotency keys not purged"),
            },
        }
    }
}

/// The event stores of every aggregate, each with the services its commands need.
fn state(
    pool: PgPool,
    provisioner: Arc<TenantProvisioner>,
    tokens: Arc<Tokens>,
    sessions: Sessions,
    login_attempts: LoginAttempts,
    mongo: mongodb::Client,
) -> AppState {
    let books = Arc::new(BooksCache::new(pool.clone()));
    let factory = EventStoresFactory { pool: pool.clone(), provisioner: provisioner.clone() };
    let stores = &factory;
    let invoices: invoices::Stores = stores.build(books_source::<Invoice>(&books));
    let lookups: ServicesFactory<Payment> = {
        let (books, invoices) = (books.clone(), invoices.clone());
        Box::new(move |tenant| Arc::new(PaymentLookups::new(tenant, books.clone(), invoices.clone())))
    };
    let items: supply::items::Stores = stores.build(Box::new(|_| ()));
    let locations: supply::locations::Stores = stores.build(Box::new(|_| ()));
    let supply_settings: supply::settings::Stores = stores.build(Box::new(|_| ()));
    let supply = SupplyServices::new(&items, &locations, &supply_settings);
    let production = ProductionStores::new(&pool, &provisioner, &items, &locations);
    let roles: identity::roles::Stores = stores.build(Box::new(|_| ()));
    let customers: crm::customers::Stores = stores.build(Box::new(|_| ()));
    let counterparty_locks = Arc::new(CounterpartyLocks::new(pool.clone()));
    let credit_check = Arc::new(CreditCheck::new(pool.clone(), customers.clone(), counterparty_locks.clone()));
    let defined_roles: ServicesFactory<User> = {
        let roles = roles.clone();
        Box::new(move |tenant| Arc::new(identity::roles::TenantRoles::new(tenant.clone(), roles.clone())))
    };
    let ledger: ServicesFactory<FiscalCalendar> = {
        let (pool, books) = (pool.clone(), books.clone());
        Box::new(move |tenant| Arc::new(EventStoreLedger::new(tenant, pool.clone(), books.clone())))
    };
    AppState {
        journal_entries: stores.build(books_source::<JournalEntry>(&books)),
        chart: stores.build(Box::new(|_| ())),
        calendar: stores.build(ledger),
        tax_rates: stores.build(Box::new(|_| ())),
        budgets: stores.build(books_source::<Budgets>(&books)),
        exchange_rates: stores.build(Box::new(|_| ())),
        payments: stores.build(lookups),
        stock: Arc::new(stores.unshared(supply.stock).snapshotted()),
        sales_orders: stores.build(supply.sales_orders),
        purchase_orders: stores.build(supply.purchase_orders),
        opportunities: stores.build(Box::new(|_| ())),
        tickets: stores.build(Box::new(|_| ())),
        employees: stores.build(Box::new(|_| ())),
        payroll_runs: stores.build(Box::new(|_| ())),
        performance_reviews: stores.build(Box::new(|_| ())),
        job_openings: stores.build(Box::new(|_| ())),
        leave_accounts: stores.build(Box::new(|_| ())),
        personal_data_keys: PersonalDataKeys::new(pool.clone()),
        boms: production.boms,
        work_orders: production.work_orders,
        quality_checks: production.quality_checks,
        assets: production.assets,
        items,
        locations,
        supply_settings,
        invoices,
        books,
        counterparty_locks,
        customers,
        credit_check,
        users: stores.build(defined_roles),
        organization: stores.build(Box::new(|_| ())),
        roles,
        tenant_accounts: stores.build(Box::new(|_| ())),
        tokens,
        sessions,
        login_attempts,
        mongo,
        pool,
        provisioner,
    }
}

/// Builds event stores over one pool and provisioner.
struct EventStoresFactory {
    pool: PgPool,
    provisioner: Arc<TenantProvisioner>,
}

impl EventStoresFactory {
    fn build<A: Aggregate + 'static>(&self, services: ServicesFactory<A>) -> Arc<TenantEventStores<A>> {
        Arc::new(self.unshared(services))
    }

    fn unshared<A: Aggregate + 'static>(&self, services: ServicesFactory<A>) -> TenantEventStores<A> {
        TenantEventStores::new(self.pool.clone(), self.provisioner.clone(), services)
    }
}

/// Services that are a tenant's books. Public so that `prism-bench` builds the journal-entry
/// stores exactly as [`CommandApi::build`] does.
#[must_use]
pub fn books_source<A>(books: &Arc<BooksCache>) -> ServicesFactory<A>
where
    A: Aggregate<Services = Arc<dyn BooksSource>>,
{
    let books = books.clone();
    Box::new(move |tenant| books.source_for(tenant))
}

/// The layers every command route runs through, outermost first: who calls (the token), how
/// often (rate limits per tenant and IP), retries (`Idempotency-Key`), what the route needs
/// of the caller, and whether the caller's tenant is suspended.
struct Layers {
    authenticator: Authenticator,
    limiter: RateLimiter,
    idempotency: Idempotency,
    statuses: Arc<TenantStatuses>,
    readiness: Readiness,
}

fn router(state: AppState, layers: Layers, body_limit_bytes: usize) -> Router {
    Router::new()
        .route("/v1/tenants", post(tenants::provisioning::provision))
        .route("/v1/tenants/{tenant}/suspend", post(tenants::lifecycle::suspend))
        .route("/v1/tenants/{tenant}/reactivate", post(tenants::lifecycle::reactivate))
        .route("/v1/tenants/{tenant}/feature-flags", post(tenants::feature_flags::set))
        .route("/v1/auth/login", post(identity::login::login))
        .route("/v1/auth/refresh", post(identity::login::refresh))
        .route("/v1/auth/logout", post(identity::login::logout))
        .route("/v1/auth/mfa/enrol", post(identity::mfa::enrol))
        .route("/v1/auth/mfa/confirm", post(identity::mfa::confirm))
        .route("/v1/auth/mfa/disable", post(identity::mfa::disable))
        .route("/v1/users", post(identity::users::create))
        .route("/v1/users/{id}/roles", post(identity::users::change_roles))
        .route("/v1/users/{id}/deactivate", post(identity::users::deactivate))
        .route("/v1/users/{id}/reactivate", post(identity::users::reactivate))
        .route("/v1/organization-units", post(identity::organization::add))
        .route("/v1/organization-units/{unit_id}/rename", post(identity::organization::rename))
        .route("/v1/organization-units/{unit_id}/move", post(identity::organization::move_unit))
        .route("/v1/organization-units/{unit_id}/close", post(identity::organization::close))
        .route("/v1/roles", post(identity::roles::define))
        .route("/v1/roles/{name}/permissions", post(identity::roles::change_permissions))
        .route("/v1/roles/{name}/retire", post(identity::roles::retire))
        .route("/v1/journal-entries", post(journal_entries::post))
        .route("/v1/journal-entries/{id}/reverse", post(journal_entries::reverse))
        .route("/v1/journal-entries/{id}/post", post(journal_entries::post_draft))
        .route("/v1/journal-entries/{id}/discard", post(journal_entries::discard_draft))
        .route("/v1/accounts", post(chart::open))
        .route("/v1/chart-of-accounts/default", post(chart::load_default))
        .route("/v1/accounts/{code}/rename", post(chart::rename))
        .route("/v1/accounts/{code}/archive", post(chart::archive))
        .route("/v1/accounts/{code}/reactivate", post(chart::reactivate))
        .route("/v1/fiscal-years", post(calendar::open_year))
        .route("/v1/fiscal-years/{year}/close", post(calendar::close_year))
        .route("/v1/fiscal-periods/{period}/close", post(calendar::close))
        .route("/v1/fiscal-periods/{period}/reopen", post(calendar::reopen))
        .route("/v1/fiscal-periods/{period}/lock", post(calendar::lock))
        .route("/v1/tax-rates", post(tax_rates::define))
        .route("/v1/tax-rates/{code}/change", post(tax_rates::change))
        .route("/v1/tax-rates/{code}/retire", post(tax_rates::retire))
        .route("/v1/budgets/{budget}/amounts", post(budgets::set_amounts))
        .route("/v1/exchange-rates", post(exchange_rates::set_rates))
        .route("/v1/revaluations", post(revaluations::revalue))
        .route("/v1/exchange-rates/functional-currency", post(exchange_rates::set_functional_currency))
        .route("/v1/invoices", post(invoices::draft))
        .route("/v1/invoices/{id}/issue", post(invoices::issue))
        .route("/v1/invoices/{id}/void", post(invoices::void))
        .route("/v1/payments", post(payments::process))
        .route("/v1/items", post(supply::items::define))
        .route("/v1/items/{sku}/reorder-policy", post(supply::items::change_reorder_policy))
        .route("/v1/items/{sku}/rename", post(supply::items::rename))
        .route("/v1/items/{sku}/discontinue", post(supply::items::discontinue))
        .route("/v1/locations", post(supply::locations::open))
        .route("/v1/locations/{code}/rename", post(supply::locations::rename))
        .route("/v1/locations/{code}/close", post(supply::locations::close))
        .route("/v1/supply-settings", post(supply::settings::configure))
        .route("/v1/stock/receipts", post(supply::stock::receive))
        .route("/v1/stock/issues", post(supply::stock::issue))
        .route("/v1/stock/transfers", post(supply::stock::transfer))
        .route("/v1/stock/adjustments", post(supply::stock::adjust))
        .route("/v1/stock/reservations", post(supply::stock::reserve))
        .route("/v1/stock/releases", post(supply::stock::release))
        .route("/v1/sales-orders", post(supply::sales_orders::place))
        .route("/v1/sales-orders/{id}/confirm", post(supply::sales_orders::confirm))
        .route("/v1/sales-orders/{id}/pick", post(supply::sales_orders::pick))
        .route("/v1/sales-orders/{id}/shipments", post(supply::sales_orders::ship))
        .route("/v1/sales-orders/{id}/deliver", post(supply::sales_orders::deliver))
        .route("/v1/sales-orders/{id}/cancel", post(supply::sales_orders::cancel))
        .route("/v1/sales-orders/{id}/returns", post(supply::sales_orders::record_return))
        .route("/v1/purchase-orders", post(supply::purchase_orders::draft))
        .route("/v1/purchase-orders/{id}/submit", post(supply::purchase_orders::submit))
        .route("/v1/purchase-orders/{id}/approve", post(supply::purchase_orders::approve))
        .route("/v1/purchase-orders/{id}/receipts", post(supply::purchase_orders::receive))
        .route("/v1/purchase-orders/{id}/bills", post(supply::purchase_orders::bill))
        .route("/v1/purchase-orders/{id}/close", post(supply::purchase_orders::close))
        .route("/v1/purchase-orders/{id}/cancel", post(supply::purchase_orders::cancel))
        .route("/v1/opportunities", post(crm::opportunities::open))
        .route("/v1/opportunities/{id}/stage", post(crm::opportunities::move_stage))
        .route("/v1/opportunities/{id}/win", post(crm::opportunities::win))
        .route("/v1/opportunities/{id}/lose", post(crm::opportunities::lose))
        .route("/v1/support-tickets", post(crm::tickets::open))
        .route("/v1/support-tickets/{id}/assign", post(crm::tickets::assign))
        .route("/v1/support-tickets/{id}/responses", post(crm::tickets::respond))
        .route("/v1/support-tickets/{id}/resolve", post(crm::tickets::resolve))
        .route("/v1/support-tickets/{id}/close", post(crm::tickets::close))
        .route("/v1/support-tickets/{id}/reopen", post(crm::tickets::reopen))
        .route("/v1/customers", post(crm::customers::register))
        .route("/v1/customers/{id}/rename", post(crm::customers::rename))
        .route("/v1/customers/{id}/contacts", post(crm::customers::add_contact))
        .route("/v1/customers/{id}/contacts/{contact_id}/remove", post(crm::customers::remove_contact))
        .route("/v1/customers/{id}/addresses", post(crm::customers::add_address))
        .route("/v1/customers/{id}/addresses/{address_id}/remove", post(crm::customers::remove_address))
        .route("/v1/customers/{id}/credit-limit", post(crm::customers::change_credit_limit))
        .route("/v1/customers/{id}/custom-fields", post(crm::customers::set_custom_fields))
        .route("/v1/customers/{id}/deactivate", post(crm::customers::deactivate))
        .route("/v1/employees", post(hr::employees::hire))
        .route("/v1/employees/{id}/transfer", post(hr::employees::transfer))
        .route("/v1/employees/{id}/salary", post(hr::employees::change_salary))
        .route("/v1/employees/{id}/terminate", post(hr::employees::terminate))
        .route("/v1/employees/{id}/erase", post(hr::employees::erase))
        .route("/v1/payroll-runs", post(hr::payroll_runs::draft))
        .route("/v1/payroll-runs/{id}/approve", post(hr::payroll_runs::approve))
        .route("/v1/performance-reviews", post(hr::performance_reviews::open))
        .route("/v1/performance-reviews/{id}/complete", post(hr::performance_reviews::complete))
        .route("/v1/performance-reviews/{id}/acknowledge", post(hr::performance_reviews::acknowledge))
        .route("/v1/performance-reviews/{id}/cancel", post(hr::performance_reviews::cancel))
        .route("/v1/notification-templates/{event_type}/{channel}", post(nexus::notifications::set_template))
        .route("/v1/notifications/{id}/read", post(nexus::notifications::mark_read))
        .route("/v1/webhook-subscriptions", post(nexus::webhooks::subscribe))
        .route("/v1/webhook-subscriptions/{id}/disable", post(nexus::webhooks::disable))
        .route("/v1/webhook-subscriptions/{id}/enable", post(nexus::webhooks::enable))
        .route("/v1/webhook-subscriptions/{id}/redeliver", post(nexus::webhooks::redeliver))
        .route("/v1/report-definitions", post(report_definitions::create))
        .route("/v1/report-definitions/{id}/revise", post(report_definitions::revise))
        .route("/v1/report-definitions/{id}/remove", post(report_definitions::remove))
        .route("/v1/job-openings", post(hr::recruitment::post_opening))
        .route("/v1/job-openings/{id}/close", post(hr::recruitment::close))
        .route("/v1/job-openings/{id}/applicants", post(hr::recruitment::apply))
        .route("/v1/job-openings/{id}/applicants/{applicant_id}/advance", post(hr::recruitment::advance))
        .route("/v1/job-openings/{id}/applicants/{applicant_id}/reject", post(hr::recruitment::reject))
        .route("/v1/job-openings/{id}/applicants/{applicant_id}/hire", post(hr::recruitment::hire))
        .route("/v1/job-openings/{id}/applicants/{applicant_id}/erase", post(hr::recruitment::erase))
        .route("/v1/employees/{id}/leave-entitlements", post(hr::leave::set_entitlement))
        .route("/v1/employees/{id}/leave-requests", post(hr::leave::request))
        .route("/v1/leave-accounts/{id}/requests/{request_id}/approve", post(hr::leave::approve))
        .route("/v1/leave-accounts/{id}/requests/{request_id}/reject", post(hr::leave::reject))
        .route("/v1/leave-accounts/{id}/requests/{request_id}/cancel", post(hr::leave::cancel))
        .route("/v1/boms/{sku}/revisions", post(production::boms::revise))
        .route("/v1/work-orders", post(production::work_orders::plan))
        .route("/v1/work-orders/{id}/release", post(production::work_orders::release))
        .route("/v1/work-orders/{id}/start", post(production::work_orders::start))
        .route("/v1/work-orders/{id}/complete", post(production::work_orders::complete))
        .route("/v1/work-orders/{id}/scrap", post(production::work_orders::scrap))
        .route("/v1/quality-checks", post(production::quality_checks::record))
        .route("/v1/assets", post(production::assets::register))
        .route("/v1/assets/{id}/maintenance-schedule", post(production::assets::schedule_maintenance))
        .route("/v1/assets/{id}/maintenance", post(production::assets::record_maintenance))
        .route("/v1/assets/{id}/downtime/start", post(production::assets::start_downtime))
        .route("/v1/assets/{id}/downtime/end", post(production::assets::end_downtime))
        .route("/v1/assets/{id}/retire", post(production::assets::retire))
        .route("/openapi.json", axum::routing::get(crate::openapi::serve))
        .merge(operational_routes(layers.readiness))
        .fallback(unknown_route)
        .layer(axum::middleware::from_fn(refuse_unreadable_uri))
        .layer(DefaultBodyLimit::max(body_limit_bytes))
        .layer(axum::middleware::from_fn_with_state(layers.statuses, tenants::suspension::refuse_suspended))
        .layer(axum::middleware::from_fn(authorization::authorize))
        .layer(axum::middleware::from_fn_with_state(layers.idempotency, idempotency::layer))
        .layer(axum::middleware::from_fn_with_state(layers.limiter, rate_limit::layer))
        .layer(axum::middleware::from_fn_with_state(layers.authenticator, authenticate))
        .layer(axum::middleware::from_fn(http_metrics::record))
        .layer(axum::middleware::from_fn(prism_platform::request_span::layer))
        .with_state(state)
}
