//! The command side's view of each tenant's books (chart of accounts and fiscal calendar),
//! folded from their events in the tenant's event store — never from a read model. Each
//! tenant's books are cached with the versions they were folded to; every journal-entry
//! command reads only the events recorded since (one indexed query, usually empty), so the
//! books it is checked against are current as of that command.
//!
//! One aggregate's events become visible in sequence order (the next sequence is only
//! written once the previous one committed), so tailing by sequence misses nothing.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use cqrs_es::Aggregate;
use prism_aggregates::finance::books::{Books, BooksSource};
use prism_aggregates::finance::calendar::{FiscalCalendar, CALENDAR_ID};
use prism_aggregates::finance::chart::{ChartOfAccounts, CHART_ID};
use prism_aggregates::tenant::TenantId;
use prism_platform::db::quote_ident;
use prism_platform::tenancy::schema_of;
use sqlx::PgPool;

/// Books folded up to known versions of the chart and calendar aggregates.
#[derive(Debug, Default)]
struct Folded {
    books: Arc<Books>,
    chart_version: i64,
    calendar_version: i64,
}

/// Every tenant's books, shared by the journal-entry commands of all tenants.
#[derive(Debug)]
pub struct BooksCache {
    pool: PgPool,
    tenants: Mutex<HashMap<TenantId, Arc<Folded>>>,
}

impl BooksCache {
    /// An empty cache reading through `pool`.
    #[must_use]
    pub fn new(pool: PgPool) -> Self {
        Self { pool, tenants: Mutex::new(HashMap::new()) }
    }

    /// The source of `tenant`'s books, as a journal entry's service.
    #[must_use]
    pub fn source_for(self: &Arc<Self>, tenant: &TenantId) -> Arc<dyn BooksSource> {
        Arc::new(TenantBooks { tenant: tenant.clone(), cache: self.clone() })
    }

    /// `tenant`'s books with every event recorded so far folded in.
    ///
    /// # Errors
    /// When the event store cannot be read or holds an event that does not decode.
    pub async fn current(&self, tenant: &TenantId) -> Result<Arc<Books>, String> {
        let cached = self.cached(tenant);
        let newer = self.events_after(tenant, &cached).await.map_err(|e| e.to_string())?;
        if newer.is_empty() {
            return Ok(cached.books.clone());
        }
        let mut folded = Folded {
            books: cached.books.clone(),
            chart_version: cached.chart_version,
            calendar_version: cached.calendar_version,
        };
        let books = Arc::make_mut(&mut folded.books);
        for (aggregate_type, sequence, payload) in newer {
            if aggregate_type == ChartOfAccounts::TYPE {
                books.apply_chart(serde_json::from_value(payload).map_err(|e| e.to_string())?);
                folded.chart_version = sequence;
            } else {
                books.apply_calendar(serde_json::from_value(payload).map_err(|e| e.to_string())?);
                folded.calendar_version = sequence;
            }
        }
        let books = folded.books.clone();
        self.store(tenant, folded);
        Ok(books)
    }

    fn cached(&self, tenant: &TenantId) -> Arc<Folded> {
        self.tenants.lock().unwrap_or_else(PoisonError::into_inner).get(tenant).cloned().unwrap_or_default()
    }

    /// Keeps `folded` unless a concurrent command already cached something at least as new.
    fn store(&self, tenant: &TenantId, folded: Folded) {
        let mut tenants = self.tenants.lock().unwrap_or_else(PoisonError::into_inner);
        let newer = tenants.get(tenant).is_none_or(|current| {
            folded.chart_version >= current.chart_version && folded.calendar_version >= current.calendar_version
        });
        if newer {
            tenants.insert(tenant.clone(), Arc::new(folded));
        }
    }

    async fn events_after(
        &self,
        tenant: &TenantId,
        folded: &Folded,
    ) -> Result<Vec<(String, i64, serde_json::Value)>, sqlx::Error> {
        let sql = format!(
            "SELECT aggregate_type, sequence, payload FROM {}.events
              WHERE (aggregate_type = $1 AND aggregate_id = $2 AND sequence > $3)
                 OR (aggregate_type = $4 AND aggregate_id = $5 AND sequence > $6)
              ORDER BY aggregate_type, sequence",
            quote_ident(&schema_of(tenant))
        );
        sqlx::query_as(&sql)
            .bind(ChartOfAccounts::TYPE)
            .bind(CHART_ID)
            .bind(folded.chart_version)
            .bind(FiscalCalendar::TYPE)
            .bind(CALENDAR_ID)
            .bind(folded.calendar_version)
            .fetch_all(&self.pool)
            .await
    }
}

/// One tenant's books, read through the shared cache.
struct TenantBooks {
    tenant: TenantId,
    cache: Arc<BooksCache>,
}

#[async_trait::async_trait]
impl BooksSource for TenantBooks {
    async fn books(&self) -> Result<Arc<Books>, String> {
        self.cache.current(&self.tenant).await
    }
}
