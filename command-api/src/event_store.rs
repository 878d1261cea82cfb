//! The tenant-scoped event store: one cqrs-es framework per tenant schema, built on first use,
//! reading as postgres-es does and appending through the tenant's group committer
//! ([`crate::group_commit`]), from snapshots where an aggregate's history grows without end
//! ([`crate::snapshots`]), and the command execution that reports where the events landed
//! (aggregate version and the tenant's global position — the consistency token).

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use cqrs_es::persist::PersistedEventStore;
use cqrs_es::{Aggregate, AggregateContext, AggregateError, CqrsFramework, EventStore};
use postgres_es::PostgresEventRepository;
use prism_aggregates::tenant::TenantId;
use prism_aggregates::upcasting::StoredEventUpcaster;
use prism_platform::db::{self, quote_ident};
use prism_platform::tenancy::{schema_of, TenantProvisioner};
use serde::Serialize;
use sqlx::PgPool;

use crate::group_commit::{noting_landing, Committer, GroupCommitRepository, Landed};
use crate::request_context::RequestContext;
use crate::snapshots::{Snapshots, SNAPSHOT_EVERY};

/// One tenant's framework for the aggregate `A`.
type Framework<A> = CqrsFramework<A, PersistedEventStore<GroupCommitRepository, A>>;

/// Where a command's last event landed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Committed {
    /// The aggregate's version (sequence of its last event).
    pub version: i64,
    /// The tenant-wide global position of the last event.
    pub position: i64,
    /// How many events the command recorded (0 when it was accepted without any).
    pub recorded: i64,
}

/// Builds the services an aggregate's commands get for one tenant.
pub type ServicesFactory<A> = Box<dyn Fn(&TenantId) -> <A as Aggregate>::Services + Send + Sync>;

/// Event store access for every tenant, one framework per tenant and aggregate type.
pub struct TenantEventStores<A: Aggregate> {
    pool: PgPool,
    provisioner: Arc<TenantProvisioner>,
    services: ServicesFactory<A>,
    frameworks: Mutex<HashMap<TenantId, Arc<Framework<A>>>>,
    committers: Mutex<HashMap<TenantId, Committer>>,
    snapshotted: bool,
}

impl<A> TenantEventStores<A>
where
    A: Aggregate + 'static,
{
    /// Stores over `pool`, provisioning tenants on first use with `provisioner`; each tenant's
    /// commands get the services `services` builds for it.
    #[must_use]
    pub fn new(pool: PgPool, provisioner: Arc<TenantProvisioner>, services: ServicesFactory<A>) -> Self {
        Self {
            pool,
            provisioner,
            services,
            frameworks: Mutex::new(HashMap::new()),
            committers: Mutex::new(HashMap::new()),
            snapshotted: false,
        }
    }

    /// The same stores, loading each aggregate from its newest snapshot and the events after
    /// it, and keeping a snapshot every [`SNAPSHOT_EVERY`] events ([`crate::snapshots`]): for
    /// aggregates whose history grows without end, such as an item's stock.
    #[must_use]
    pub fn snapshotted(self) -> Self {
        Self { snapshotted: true, ..self }
    }

    /// Executes `command` on aggregate `id` of `tenant`; on success, where its events landed
    /// (where the aggregate's last event is, when the command was accepted without any).
    ///
    /// # Errors
    /// The aggregate's refusal, an optimistic-lock conflict, or a database failure.
    pub async fn execute(
        &self,
        tenant: &TenantId,
        id: &str,
        command: A::Command,
        context: &RequestContext,
    ) -> Result<Committed, AggregateError<A::Error>> {
        let framework = self.framework(tenant).await?;
        let (outcome, landed) = noting_landing(framework.execute_with_metadata(id, command, context.metadata())).await;
        outcome?;
        match landed {
            Some(landed) => {
                if self.snapshotted && crosses_snapshot(&landed) {
                    self.keep_snapshot(tenant, id).await;
                }
                Ok(Committed { version: landed.sequence, position: landed.position, recorded: landed.events })
            }
            None => self.last_event_of(tenant, id).await.map_err(unexpected),
        }
    }

    /// The current version of aggregate `id` (0 when it has no events).
    ///
    /// # Errors
    /// When the database refuses.
    pub async fn version(&self, tenant: &TenantId, id: &str) -> Result<i64, sqlx::Error> {
        let sql = format!(
            "SELECT COALESCE(max(sequence), 0) FROM {}.events WHERE aggregate_type = $1 AND aggregate_id = $2",
            quote_ident(&schema_of(tenant))
        );
        sqlx::query_scalar(&sql).bind(A::TYPE).bind(id).fetch_one(&self.pool).await
    }

    /// Keeps a snapshot of aggregate `id` of `tenant` as it now stands (loaded from its previous
    /// snapshot and the events after it). Taken here rather than by cqrs-es, whose 0.5 release
    /// computes a snapshot by applying a command's events to a state its event sink has already
    /// applied them to. A failure is logged: the command's events are committed.
    async fn keep_snapshot(&self, tenant: &TenantId, id: &str) {
        let taken = match self.event_store(tenant).load_aggregate(id).await {
            Ok(context) => serde_json::to_value(&context.aggregate)
                .map(|state| (context.current_sequence, state))
                .map_err(|error| error.to_string()),
            Err(error) => Err(error.to_string()),
        };
        match taken {
            Ok((sequence, state)) => {
                let snapshots = Snapshots::new(self.pool.clone(), snapshots_table(tenant));
                snapshots.record(A::TYPE, id, sequence, sequence / SNAPSHOT_EVERY, &state).await;
            }
            Err(error) => tracing::warn!(%error, aggregate_id = id, "snapshot not taken"),
        }
    }

    /// Where aggregate `id`'s last event is, for a command accepted without recording any.
    async fn last_event_of(&self, tenant: &TenantId, id: &str) -> Result<Committed, sqlx::Error> {
        let sql = format!(
            "SELECT sequence, global_position FROM {}.events
              WHERE aggregate_type = $1 AND aggregate_id = $2 ORDER BY sequence DESC LIMIT 1",
            quote_ident(&schema_of(tenant))
        );
        let found: Option<(i64, i64)> = sqlx::query_as(&sql).bind(A::TYPE).bind(id).fetch_optional(&self.pool).await?;
        let (version, position) = found.unwrap_or_default();
        Ok(Committed { version, position, recorded: 0 })
    }

    /// The current state of aggregate `id` of `tenant` (the default state when it has no events).
    ///
    /// # Errors
    /// When the event store cannot be read or holds an event that does not decode.
    pub async fn load(&self, tenant: &TenantId, id: &str) -> Result<A, AggregateError<A::Error>> {
        self.provisioner.ensure(tenant).await.map_err(unexpected)?;
        let store = self.event_store(tenant);
        let mut context = store.load_aggregate(id).await?;
        Ok(std::mem::take(context.aggregate()))
    }

    /// `tenant`'s event store, which upcasts payloads stored at an older version of their
    /// event ([`prism_aggregates::upcasting`]) as it loads them, and appends through the
    /// tenant's committer.
    fn event_store(&self, tenant: &TenantId) -> PersistedEventStore<GroupCommitRepository, A> {
        let schema = quote_ident(&schema_of(tenant));
        let events = format!("{schema}.events");
        let reads =
            PostgresEventRepository::new(self.pool.clone()).with_tables(&events, &format!("{schema}.snapshots"));
        let committer = {
            let mut committers = self.committers.lock().unwrap_or_else(PoisonError::into_inner);
            let started = || Committer::start(self.pool.clone(), events.clone());
            committers.entry(tenant.clone()).or_insert_with(started).clone()
        };
        let snapshots = Snapshots::new(self.pool.clone(), snapshots_table(tenant));
        let repository = GroupCommitRepository::new(reads, committer, snapshots);
        let store = if self.snapshotted {
            // Loads from the newest snapshot; never takes one on commit (see `keep_snapshot`).
            PersistedEventStore::new_snapshot_store(repository, usize::MAX)
        } else {
            PersistedEventStore::new_event_store(repository)
        };
        store.with_upcasters(vec![Box::new(StoredEventUpcaster)])
    }

    async fn framework(&self, tenant: &TenantId) -> Result<Arc<Framework<A>>, AggregateError<A::Error>> {
        if let Some(existing) = self.frameworks.lock().unwrap_or_else(PoisonError::into_inner).get(tenant) {
            return Ok(existing.clone());
        }
        self.provisioner.ensure(tenant).await.map_err(unexpected)?;
        let services = (self.services)(tenant);
        let store = self.event_store(tenant);
        let framework = Arc::new(CqrsFramework::new(store, vec![], services));
        let mut frameworks = self.frameworks.lock().unwrap_or_else(PoisonError::into_inner);
        Ok(frameworks.entry(tenant.clone()).or_insert(framework).clone())
    }
}

/// `tenant`'s snapshot table, schema-qualified and quoted.
fn snapshots_table(tenant: &TenantId) -> String {
    format!("{}.snapshots", quote_ident(&schema_of(tenant)))
}

/// Whether the events of `landed` reach a multiple of [`SNAPSHOT_EVERY`] the aggregate had
/// not reached before them.
fn crosses_snapshot(landed: &Landed) -> bool {
    let every = i64::try_from(SNAPSHOT_EVERY).unwrap_or(i64::MAX);
    (landed.sequence - landed.events) / every < landed.sequence / every
}

fn unexpected<E: std::error::Error>(error: sqlx::Error) -> AggregateError<E> {
    AggregateError::UnexpectedError(Box::new(error))
}

/// The migration sets the command side needs in each tenant schema.
pub const TENANT_SETS: &[db::MigrationSet] = &[db::TENANT];
