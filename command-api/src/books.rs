//! The command side's view of each tenant's books (chart of accounts, fiscal calendar, tax
//! rates), folded from their events in the tenant's event store — never from a read model.
//! Each tenant's books are cached with the versions they were folded to; a command that needs
//! them reads only the events recorded since (one indexed query, usually empty), so the books
//! it is checked against are current as of that command.
//!
//! Commands of one tenant that need the books at the same time share a read: a tenant's reads
//! take turns, and a command waiting for its turn uses the result of a read that *started after
//! the command arrived* instead of starting its own — such a read saw every event committed
//! before the command arrived, as its own would have. Under load the commands of a tenant
//! arrive in waves (the group committer answers a batch at once), and each wave then costs one
//! or two reads instead of one per command.
//!
//! One aggregate's events become visible in sequence order (the next sequence is only
//! written once the previous one committed), so tailing by sequence misses nothing.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
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

/// The latest completed read of a tenant's books and what it folded.
#[derive(Debug, Default)]
struct LatestRead {
    /// Number of the read (reads are numbered from 1 in the order they start; 0: none yet).
    number: u64,
    folded: Folded,
}

/// One tenant's cached books and the turns its reads take.
#[derive(Debug, Default)]
struct TenantBooksState {
    /// Reads started so far; a command notes it when it arrives.
    reads_started: AtomicU64,
    /// Held by the read in progress, so a tenant's reads take turns.
    latest: tokio::sync::Mutex<LatestRead>,
}

/// Every tenant's books, shared by the commands of all tenants.
#[derive(Debug)]
pub struct BooksCache {
    pool: PgPool,
    tenants: Mutex<HashMap<TenantId, Arc<TenantBooksState>>>,
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

    /// `tenant`'s books with every event recorded before this call folded in: from a read that
    /// started after the call, this one's own or a concurrent command's.
    ///
    /// # Errors
    /// When the event store cannot be read or holds an event that does not decode.
    pub async fn current(&self, tenant: &TenantId) -> Result<Arc<Books>, String> {
        let state = self.state_of(tenant);
        let started_before_arrival = state.reads_started.load(Ordering::Acquire);
        let mut latest = state.latest.lock().await;
        if latest.number > started_before_arrival {
            return Ok(latest.folded.books.clone());
        }
        let number = state.reads_started.fetch_add(1, Ordering::AcqRel) + 1;
        let newer = self.events_after(tenant, &latest.folded).await.map_err(|e| e.to_string())?;
        if !newer.is_empty() {
            let mut folded = latest.folded.clone();
            let books = Arc::make_mut(&mut folded.books);
            for (aggregate_type, sequence, event_type, event_version, payload) in newer {
                books.apply_stored(&aggregate_type, &event_type, &event_version, payload)?;
                if let Some(index) = BOOKS_AGGREGATES.iter().position(|(t, _)| *t == aggregate_type) {
                    folded.versions[index] = sequence;
                }
            }
            latest.folded = folded;
        }
        latest.number = number;
        Ok(latest.folded.books.clone())
    }

    fn state_of(&self, tenant: &TenantId) -> Arc<TenantBooksState> {
        self.tenants.lock().unwrap_or_else(PoisonError::into_inner).entry(tenant.clone()).or_default().clone()
    }

    async fn events_after(&self, tenant: &TenantId, folded: &Folded) -> Result<Vec<StoredBooksEvent>, sqlx::Error> {
        let sql = events_after_sql(&quote_ident(&schema_of(tenant)));
        let mut query = sqlx::query_as(&sql);
        for ((aggregate_type, id), version) in BOOKS_AGGREGATES.iter().zip(folded.versions) {
            query = query.bind(*aggregate_type).bind(*id).bind(version);
        }
        query.fetch_all(&self.pool).await
    }
}

/// The books' events in `schema` after known versions: one branch per books aggregate, each
/// bound to its aggregate type, id and version, and each a range scan of the events' primary
/// key. (A join against the known versions let the planner pick a hash join over the whole
/// event table while a new tenant's statistics were still those of an empty table: a cost
/// that grew with every event, paid by every command.)
fn events_after_sql(schema: &str) -> String {
    let branches: Vec<String> = (0..BOOKS_AGGREGATES.len())
        .map(|branch| {
            let first = 3 * branch + 1;
            format!(
                "(SELECT aggregate_type, sequence, event_type, event_version, payload FROM {schema}.events
                   WHERE aggregate_type = ${first} AND aggregate_id = ${} AND sequence > ${})",
                first + 1,
                first + 2
            )
        })
        .collect();
    format!("{} ORDER BY aggregate_type, sequence", branches.join(" UNION ALL "))
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
