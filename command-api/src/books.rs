//! The command side's view of each tenant's books (chart of accounts, fiscal calendar, tax
//! rates), folded from their events in the tenant's event store — never from a read model.
//! Each tenant's books are cached with the versions they were folded to; every command that
//! needs them reads only the events recorded since (one indexed query, usually empty), so the
//! books it is checked against are current as of that command.
//!
//! One aggregate's events become visible in sequence order (the next sequence is only
//! written once the previous one committed), so tailing by sequence misses nothing.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use prism_aggregates::finance::books::{Books, BooksSource, BOOKS_AGGREGATES};
use prism_aggregates::tenant::TenantId;
use prism_platform::db::quote_ident;
use prism_platform::tenancy::schema_of;
use sqlx::PgPool;

/// A stored event of the books: aggregate type, sequence, event type, event version, payload.
type StoredBooksEvent = (String, i64, String, String, serde_json::Value);

/// Books folded up to known versions of each of the [`BOOKS_AGGREGATES`], in that order.
#[derive(Debug, Default, Clone)]
struct Folded {
    books: Arc<Books>,
    versions: [i64; BOOKS_AGGREGATES.len()],
}

impl Folded {
    /// Whether this fold has seen everything `other` has.
    fn covers(&self, other: &Folded) -> bool {
        self.versions.iter().zip(&other.versions).all(|(mine, theirs)| mine >= theirs)
    }
}

/// Every tenant's books, shared by the commands of all tenants.
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

    /// The source of `tenant`'s books, as an aggregate's service.
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
        let mut folded = Folded::clone(&cached);
        let books = Arc::make_mut(&mut folded.books);
        for (aggregate_type, sequence, event_type, event_version, payload) in newer {
            books.apply_stored(&aggregate_type, &event_type, &event_version, payload)?;
            if let Some(index) = BOOKS_AGGREGATES.iter().position(|(t, _)| *t == aggregate_type) {
                folded.versions[index] = sequence;
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
        if tenants.get(tenant).is_none_or(|current| folded.covers(current)) {
            tenants.insert(tenant.clone(), Arc::new(folded));
        }
    }

    async fn events_after(&self, tenant: &TenantId, folded: &Folded) -> Result<Vec<StoredBooksEvent>, sqlx::Error> {
        let sql = format!(
            "SELECT e.aggregate_type, e.sequence, e.event_type, e.event_version, e.payload
               FROM {}.events AS e
               JOIN UNNEST($1::text[], $2::text[], $3::int8[]) AS known (aggregate_type, aggregate_id, version)
                 ON e.aggregate_type = known.aggregate_type AND e.aggregate_id = known.aggregate_id
                AND e.sequence > known.version
              ORDER BY e.aggregate_type, e.sequence",
            quote_ident(&schema_of(tenant))
        );
        sqlx::query_as(&sql)
            .bind(BOOKS_AGGREGATES.iter().map(|(aggregate_type, _)| *aggregate_type).collect::<Vec<_>>())
            .bind(BOOKS_AGGREGATES.iter().map(|(_, id)| *id).collect::<Vec<_>>())
            .bind(folded.versions.to_vec())
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
