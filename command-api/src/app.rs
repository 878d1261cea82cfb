//! Assembly of the command API: pools, migrations, routes and the listener. The binary and
//! the tests build the same [`CommandApi`].

use std::net::SocketAddr;
use std::sync::Arc;

use axum::extract::{DefaultBodyLimit, FromRef};
use axum::routing::post;
use axum::Router;
use prism_aggregates::finance::calendar::FiscalCalendar;
use prism_aggregates::finance::chart::ChartOfAccounts;
use prism_aggregates::finance::journal_entry::JournalEntry;
use prism_platform::db;
use prism_platform::http::{operational_routes, serve, unknown_route};
use prism_platform::tenancy::TenantProvisioner;
use sqlx::PgPool;
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;

use crate::books::BooksCache;
use crate::config::CommandApiConfig;
use crate::event_store::{TenantEventStores, TENANT_SETS};
use crate::{calendar, chart, journal_entries, tenants};

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
    /// Every tenant's books as the command side sees them.
    pub books: Arc<BooksCache>,
}

/// A built, not yet running, command API.
pub struct CommandApi {
    listener: TcpListener,
    router: Router,
}

impl CommandApi {
    /// Connects, migrates the shared schema and binds the listener.
    ///
    /// # Errors
    /// When the database is unreachable, a migration fails or the address cannot be bound.
    pub async fn build(config: &CommandApiConfig) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        let pool = db::connect(&config.database).await?;
        db::migrate(&pool, "shared", db::SHARED).await?;
        let provisioner = Arc::new(TenantProvisioner::new(pool.clone(), TENANT_SETS));
        let books = Arc::new(BooksCache::new(pool.clone()));
        let books_for_entries = books.clone();
        let state = AppState {
            journal_entries: Arc::new(TenantEventStores::<JournalEntry>::new(
                pool.clone(),
                provisioner.clone(),
                Box::new(move |tenant| books_for_entries.source_for(tenant)),
            )),
            chart: Arc::new(TenantEventStores::<ChartOfAccounts>::new(
                pool.clone(),
                provisioner.clone(),
                Box::new(|_| ()),
            )),
            calendar: Arc::new(TenantEventStores::<FiscalCalendar>::new(
                pool.clone(),
                provisioner.clone(),
                Box::new(|_| ()),
            )),
            books,
            pool,
            provisioner,
        };
        let router = router(state, config.http.body_limit_bytes);
        let listener = TcpListener::bind(&config.http.addr).await?;
        Ok(Self { listener, router })
    }

    /// The bound address (useful with port 0).
    ///
    /// # Errors
    /// When the socket has no local address.
    pub fn local_addr(&self) -> std::io::Result<SocketAddr> {
        self.listener.local_addr()
    }

    /// Serves until `shutdown` is cancelled.
    ///
    /// # Errors
    /// When the listener fails.
    pub async fn run(self, shutdown: CancellationToken) -> std::io::Result<()> {
        serve(self.listener, self.router, shutdown).await
    }
}

fn router(state: AppState, body_limit_bytes: usize) -> Router {
    Router::new()
        .route("/v1/tenants", post(tenants::provision))
        .route("/v1/journal-entries", post(journal_entries::post))
        .route("/v1/journal-entries/{id}/reverse", post(journal_entries::reverse))
        .route("/v1/accounts", post(chart::open))
        .route("/v1/chart-of-accounts/default", post(chart::load_default))
        .route("/v1/accounts/{code}/rename", post(chart::rename))
        .route("/v1/accounts/{code}/archive", post(chart::archive))
        .route("/v1/accounts/{code}/reactivate", post(chart::reactivate))
        .route("/v1/fiscal-years", post(calendar::open_year))
        .route("/v1/fiscal-periods/{period}/close", post(calendar::close))
        .route("/v1/fiscal-periods/{period}/reopen", post(calendar::reopen))
        .route("/v1/fiscal-periods/{period}/lock", post(calendar::lock))
        .merge(operational_routes())
        .fallback(unknown_route)
        .layer(DefaultBodyLimit::max(body_limit_bytes))
        .with_state(state)
}
