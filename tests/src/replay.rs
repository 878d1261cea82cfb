//! Replaying read models and comparing them with the live ones: a projector run as a child
//! process (so a test can SIGKILL it mid-stream), a projector run in-process in a consumer
//! group of its own on another store (to replay the topics from the start), where each kind of
//! projector records the event positions it applied and how to wait for them, and a tenant's
//! tables and MongoDB documents read as JSON arrays and compared row by row.

use std::collections::BTreeMap;
use std::time::Duration;

use futures::TryStreamExt;
use mongodb::bson::{doc, Bson, Document};
use prism_projections::config::{ProjectorConfig, ProjectorKind};
use prism_projections::projection::{Projection, ProjectionError};
use prism_projections::projectors::checkpoint::SqlWriter;
use prism_projections::projectors::mongo::{self, DocumentProjection};
use prism_projections::projectors::postgres::LedgerWriter;
use prism_projections::projectors::timescale::PostingsWriter;
use prism_projections::runtime::ProjectorRuntime;
use serde_json::{json, Value};
use sqlx::PgPool;
use tokio::process::Child;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

use crate::env::unique_suffix;
use crate::system::{eventually, System};

/// A read-model table of a tenant: its name, the order of its primary key and the columns compared.
pub type Table = (&'static str, &'static str, &'static str);

/// The finance read-model tables of the `postgres` projector that the ledger workloads fill.
pub const LEDGER_TABLES: &[Table] = &[
    ("accounts", "code", "*"),
    ("fiscal_years", "year", "*"),
    ("fiscal_periods", "period", "*"),
    ("journal_entries", "entry_id", "*"),
    ("journal_lines", "entry_id, line_no", "*"),
    ("account_balances", "account, currency", "*"),
    ("tax_rates", "code", "*"),
    ("invoices", "invoice_id", "*"),
    ("invoice_lines", "invoice_id, line_no", "*"),
    ("invoice_payments", "invoice_id, payment_id", "*"),
    ("payments", "payment_id", "*"),
    ("payment_allocations", "payment_id, invoice_id", "*"),
    ("budget_amounts", "budget, account, period, currency", "*"),
];

/// The identity read-model tables of the `postgres` projector: users (every tenant has its
/// admin), organisation units and custom roles.
pub const IDENTITY_TABLES: &[Table] =
    &[("users", "user_id", "*"), ("organization_units", "unit_id", "*"), ("roles", "name", "*")];

/// The positions each SQL projector applied. `applied_at` is left out: it is the wall-clock
/// time of the write, which differs between two projectors by construction.
pub const APPLIED: Table = ("projection_applied", "projector, global_position", "projector, global_position");

/// Runs the `prism-projector` binary for `kind` on `system`'s stores and topics, in its usual
/// consumer group, with batches of at most 5 events so that a kill lands between (and inside)
/// many of its writes. Killed when dropped.
///
/// # Panics
/// When the binary cannot be started (build it with `cargo build --bins`).
#[must_use]
pub fn spawn_projector(system: &System, kind: ProjectorKind) -> Child {
    // Small batches, so that a kill lands between (and inside) many transactions.
    crate::processes::spawn_projector_batching(system, kind, 5)
}

/// SIGKILLs `child` and waits until it is gone.
///
/// # Panics
/// When the signal cannot be sent or the process not reaped.
pub async fn kill(child: &mut Child) {
    child.start_kill().expect("SIGKILL sent");
    child.wait().await.expect("process ended");
}

/// A projector running in-process until stopped: a replay in a consumer group of its own.
pub struct InProcessProjector {
    stop: CancellationToken,
    running: JoinHandle<Result<(), ProjectionError>>,
}

/// How an in-process projector ended: within the wait, without panicking, without error.
pub type Stopped = Result<Result<Result<(), ProjectionError>, tokio::task::JoinError>, tokio::time::error::Elapsed>;

impl InProcessProjector {
    /// Builds the store and runtime `config` describes (migrating the store) and starts consuming.
    ///
    /// # Panics
    /// When the store or Kafka cannot be reached.
    pub async fn start(config: &ProjectorConfig) -> Self {
        let projection = prism_projections::projectors::build(config).await.expect("replay store migrates");
        let runtime = ProjectorRuntime::build(config.projector.name(), &config.consumer, projection)
            .await
            .expect("replay projector starts");
        let stop = CancellationToken::new();
        let running = tokio::spawn(runtime.run(stop.clone()));
        Self { stop, running }
    }

    /// Asks it to stop after the batch in hand and waits at most 10 s for it.
    pub async fn stop(self) -> Stopped {
        self.stop.cancel();
        tokio::time::timeout(Duration::from_secs(10), self.running).await
    }
}

/// The aggregate types whose events projector `kind` follows (and records as applied).
///
/// # Panics
/// When the MongoDB URL is invalid.
pub async fn followed_aggregate_types(system: &System, kind: ProjectorKind) -> &'static [&'static str] {
    match kind {
        ProjectorKind::Postgres => LedgerWriter::AGGREGATE_TYPES,
        ProjectorKind::Timescale => PostingsWriter::AGGREGATE_TYPES,
        ProjectorKind::Mongo => {
            let projection = DocumentProjection::connect(&system.env.mongodb_url).await.expect("MongoDB URL valid");
            projection.aggregate_types()
        }
    }
}

/// Positions of `tenant`'s events of `aggregate_types` in `pool`'s event store, in order.
///
/// # Panics
/// When the event store cannot be read.
pub async fn event_positions(pool: &PgPool, tenant: &str, aggregate_types: &[&str]) -> Vec<i64> {
    sqlx::query_scalar(&format!(
        "SELECT global_position FROM tenant_{tenant}.events WHERE aggregate_type = ANY($1) ORDER BY global_position"
    ))
    .bind(aggregate_types)
    .fetch_all(pool)
    .await
    .expect("event store readable")
}

/// Where a projector records the global positions it applied.
#[derive(Clone, Copy)]
pub enum AppliedLog<'a> {
    /// Rows of `projection_applied` of `projector` in the tenant's schema of `pool`'s database.
    Sql {
        /// The database.
        pool: &'a PgPool,
        /// The projector's name.
        projector: &'a str,
    },
    /// Documents of the `projection_applied` collection of the tenant's MongoDB database.
    Mongo(&'a mongodb::Client),
}

impl<'a> AppliedLog<'a> {
    /// Where projector `kind` records its positions: `pool` for the SQL kinds, `mongo` for `mongo`.
    #[must_use]
    pub fn of(kind: ProjectorKind, pool: &'a PgPool, mongo: &'a mongodb::Client) -> Self {
        match kind {
            ProjectorKind::Mongo => Self::Mongo(mongo),
            ProjectorKind::Postgres | ProjectorKind::Timescale => Self::Sql { pool, projector: kind.name() },
        }
    }

    /// How many of `positions` the projector has applied for `tenant` (0 while its schema or
    /// database does not exist yet).
    ///
    /// # Panics
    /// When a count does not fit a `usize`.
    pub async fn count(&self, tenant: &str, positions: &[i64]) -> usize {
        let count = match self {
            Self::Sql { pool, projector } => sqlx::query_scalar(&format!(
                "SELECT count(*) FROM tenant_{tenant}.projection_applied
                  WHERE projector = $1 AND global_position = ANY($2)"
            ))
            .bind(projector)
            .bind(positions)
            .fetch_one(*pool)
            .await
            .unwrap_or(0_i64),
            Self::Mongo(client) => {
                let applied = client.database(&mongo::database_name(tenant)).collection::<Document>(mongo::APPLIED);
                let count = applied.count_documents(doc! { "_id": { "$in": positions } }).await.unwrap_or(0);
                i64::try_from(count).expect("count fits")
            }
        };
        usize::try_from(count).expect("count fits")
    }

    /// Waits until the projector has applied every one of `positions` of `tenant`.
    ///
    /// # Panics
    /// When it has not within `timeout`, with `what` in the message.
    pub async fn wait_for_all(&self, tenant: &str, positions: &[i64], timeout: Duration, what: &str) {
        eventually(timeout, what, || async { (self.count(tenant, positions).await == positions.len()).then_some(()) })
            .await;
    }
}

/// Waits until the `projector` whose applied positions are in `pool` has applied `positions` of `tenant`.
///
/// # Panics
/// When it has not within `timeout`, with `what` in the message.
pub async fn wait_until_applied(
    pool: &PgPool,
    tenant: &str,
    projector: &str,
    positions: &[i64],
    timeout: Duration,
    what: &str,
) {
    AppliedLog::Sql { pool, projector }.wait_for_all(tenant, positions, timeout, what).await;
}

/// `tenant`'s rows of `table` as one JSON array ordered by `order`, `columns` only.
///
/// # Panics
/// When the table cannot be read.
pub async fn rows(pool: &PgPool, tenant: &str, (table, order, columns): Table) -> Value {
    let json: String = sqlx::query_scalar(&format!(
        "SELECT coalesce(json_agg(t ORDER BY {order}), '[]')::text FROM (SELECT {columns} FROM tenant_{tenant}.{table}) t"
    ))
    .fetch_one(pool)
    .await
    .unwrap_or_else(|error| panic!("{table} readable: {error}"));
    serde_json::from_str(&json).expect("Postgres wrote JSON")
}

/// The base tables of `tenant`'s schema in `pool`'s database, by name.
///
/// # Panics
/// When the catalog cannot be read.
pub async fn table_names(pool: &PgPool, tenant: &str) -> Vec<String> {
    sqlx::query_scalar(
        "SELECT table_name::text FROM information_schema.tables
          WHERE table_schema = $1 AND table_type = 'BASE TABLE' ORDER BY table_name",
    )
    .bind(format!("tenant_{tenant}"))
    .fetch_all(pool)
    .await
    .expect("catalog readable")
}

/// Where two tables' rows differ: counts, then every row that differs, side by side.
///
/// # Panics
/// When either is not a JSON array.
#[must_use]
pub fn differences(table: &str, live: &Value, rebuilt: &Value) -> Vec<String> {
    let (live, rebuilt) = (live.as_array().expect("live rows"), rebuilt.as_array().expect("rebuilt rows"));
    let mut found = Vec::new();
    if live.len() != rebuilt.len() {
        found.push(format!("{table}: {} rows live, {} rebuilt", live.len(), rebuilt.len()));
    }
    for index in 0..live.len().max(rebuilt.len()) {
        let (a, b) = (live.get(index), rebuilt.get(index));
        if a != b {
            found.push(format!("{table}[{index}]:\n  live    {}\n  rebuilt {}", json!(a), json!(b)));
        }
    }
    found
}

/// Creates an empty database named like the System's own (`prism_test_<unix seconds>_<suffix>`,
/// so a run that dies before dropping it is cleaned up by a later System), returning its name.
///
/// # Panics
/// When Postgres refuses.
pub async fn create_database(admin: &PgPool) -> String {
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs());
    let name = format!("prism_test_{now}_{}", unique_suffix());
    sqlx::query(&format!("CREATE DATABASE {name}")).execute(admin).await.expect("rebuild database created");
    name
}

/// Drops database `name` (made by [`create_database`]), closing its connections.
///
/// # Panics
/// When Postgres refuses.
pub async fn drop_database(admin: &PgPool, name: &str) {
    sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        .execute(admin)
        .await
        .expect("rebuild database dropped");
}

/// Every collection of `tenant`'s MongoDB database, each as a JSON array of its documents
/// (relaxed extended JSON) ordered by `_id`.
///
/// # Panics
/// When MongoDB cannot be read.
pub async fn documents(client: &mongodb::Client, tenant: &str) -> BTreeMap<String, Value> {
    let database = client.database(&mongo::database_name(tenant));
    let mut collections = BTreeMap::new();
    for name in database.list_collection_names().await.expect("collections listed") {
        let found: Vec<Document> = database
            .collection::<Document>(&name)
            .find(doc! {})
            .sort(doc! { "_id": 1 })
            .await
            .expect("documents found")
            .try_collect()
            .await
            .expect("documents read");
        let found = found.into_iter().map(|document| Bson::Document(document).into_relaxed_extjson()).collect();
        collections.insert(name, Value::Array(found));
    }
    collections
}

/// Replays `tenant`'s `postgres` read model from the topics — a second projector, in a consumer
/// group of its own, on a new empty database — until it has applied `positions`, and compares
/// `tables` of it with the live read model row for row: every difference found (none when they
/// are equal). The replay's database is dropped afterwards.
///
/// # Panics
/// When the replay cannot run, does not apply `positions` within 60 s or does not stop cleanly.
pub async fn postgres_replay_differences(
    system: &System,
    tenant: &str,
    positions: &[i64],
    tables: &[Table],
) -> Vec<String> {
    let admin = prism_platform::db::connect_url(&system.env.database_url, 1).await.expect("stack Postgres reachable");
    let database = create_database(&admin).await;
    let mut config = system.projector_config(ProjectorKind::Postgres);
    config.database.url = system.env.database_url_named(&database);
    config.consumer.consumer_group = Some(format!("{}-replay-postgres-{}", system.topic_prefix, unique_suffix()));
    let running = InProcessProjector::start(&config).await;
    let replayed = prism_platform::db::connect_url(&config.database.url, 2).await.expect("replay database reachable");
    wait_until_applied(&replayed, tenant, "postgres", positions, Duration::from_secs(60), "the replay").await;
    let mut found = Vec::new();
    for table in tables {
        found.extend(differences(
            table.0,
            &rows(&system.pool, tenant, *table).await,
            &rows(&replayed, tenant, *table).await,
        ));
    }
    let stopped = running.stop().await;
    replayed.close().await;
    drop_database(&admin, &database).await;
    admin.close().await;
    assert!(matches!(stopped, Ok(Ok(Ok(())))), "the replay projector stopped cleanly: {stopped:?}");
    found
}
