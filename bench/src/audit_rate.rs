//! Audit tooling on a large event store: a scratch database with one tenant holding `events`
//! journal entries (one `JournalEntryPosted` each, written straight into its event store by
//! SQL, so the store's own triggers chain and hash every event; the outbox rows they enqueue
//! are deleted), then timed: `prism-audit rebuild postgres` (replay into a fresh schema and
//! swap), `verify` of the hash chain, and `verify --read-models` (replay and compare). The
//! database is dropped afterwards, unless it was named with `--keep-database`.

use std::time::Instant;

use indicatif::ProgressBar;
use prism_aggregates::tenant::TenantId;
use prism_audit::{rebuild, verify};
use prism_platform::db::{self, quote_ident};
use prism_platform::tenancy::TenantProvisioner;
use prism_tests::env::{unique_suffix, StackEnv};
use serde::Serialize;
use sqlx::PgPool;

use crate::stats::{self, per_second};
use crate::{ids, BoxError};

/// The tenant the events belong to.
const TENANT: &str = "bench_audit";

/// Events inserted per transaction while filling the store: few, as commands do, because the
/// chain trigger updates the one chain-head row per event, and a long transaction would walk
/// ever more versions of it.
const FILL_CHUNK: i64 = 1_000;

/// Settings of the audit measurement.
#[derive(Debug, Clone, clap::Args)]
pub struct AuditArgs {
    /// Events in the store.
    #[arg(long, default_value_t = 1_000_000)]
    pub events: i64,
    /// Use (and keep) this scratch database instead of a new one that is dropped afterwards:
    /// filled on first use, reused as it is after that, so that trying a change to the
    /// rebuild does not cost a refill.
    #[arg(long)]
    pub keep_database: Option<String>,
}

/// JSON line: one audit operation over the whole store.
#[derive(Debug, Serialize)]
pub struct AuditReport {
    /// `prism_audit_rebuild`, `prism_audit_verify_chain` or `prism_audit_verify_read_models`.
    pub measurement: &'static str,
    /// Events in the store.
    pub events: i64,
    /// Wall-clock seconds of the operation.
    pub seconds: f64,
    /// Events ÷ seconds.
    pub events_per_second: f64,
    /// Peak resident set of this process so far, right after the operation: the operations
    /// run in this order, so it bounds the memory of the first one alone.
    pub peak_rss_mib_after: Option<f64>,
}

impl AuditReport {
    /// One line for people.
    #[must_use]
    pub fn summary(&self) -> String {
        format!(
            "{}: {} events in {:.1} s = {:.0} events/s",
            self.measurement, self.events, self.seconds, self.events_per_second
        )
    }
}

/// Fills a scratch store with `args.events` events and times the three operations.
///
/// # Errors
/// When the stack refuses, or an operation fails or finds the store not intact.
pub async fn run(args: &AuditArgs) -> Result<Vec<AuditReport>, BoxError> {
    let env = StackEnv::from_env();
    let admin = db::connect_url(&env.database_url, 1).await?;
    let database = args.keep_database.clone().unwrap_or_else(|| format!("prism_bench_audit_{}", unique_suffix()));
    let exists: bool = sqlx::query_scalar("SELECT EXISTS (SELECT FROM pg_database WHERE datname = $1)")
        .bind(&database)
        .fetch_one(&admin)
        .await?;
    if !exists {
        sqlx::query(&format!("CREATE DATABASE {}", quote_ident(&database))).execute(&admin).await?;
    }
    let pool = db::connect_url(&env.database_url_named(&database), 4).await?;
    let outcome = measure(&pool, args.events, !exists).await;
    pool.close().await;
    if args.keep_database.is_none() {
        sqlx::query(&format!("DROP DATABASE IF EXISTS {database} WITH (FORCE)")).execute(&admin).await?;
    }
    outcome
}

/// Fills the store first when `fill_first`, then times the operations on it.
async fn measure(pool: &PgPool, events: i64, fill_first: bool) -> Result<Vec<AuditReport>, BoxError> {
    if fill_first {
        db::migrate(pool, "shared", db::SHARED).await?;
        TenantProvisioner::new(pool.clone(), &[db::TENANT]).provision(&TenantId::parse(TENANT)?, TENANT).await?;
        let filling = Instant::now();
        fill(pool, events).await?;
        eprintln!("[bench] filled the event store with {events} events in {:.1} s", filling.elapsed().as_secs_f64());
    }
    let quiet = ProgressBar::hidden();
    let mut reports = Vec::new();

    let started = Instant::now();
    let rebuilt = rebuild::rebuild(pool, TENANT, true, &quiet).await?;
    reports.push(report("prism_audit_rebuild", events, started));
    if rebuilt.value(0, "replayed") != Some(&serde_json::json!(events)) {
        return Err(format!("the rebuild replayed {:?} events, not {events}", rebuilt.value(0, "replayed")).into());
    }

    let started = Instant::now();
    let (_, intact) = verify::verify(pool, Some(TENANT), false, &quiet).await?;
    reports.push(report("prism_audit_verify_chain", events, started));

    let started = Instant::now();
    let (_, matches) = verify::verify(pool, Some(TENANT), true, &quiet).await?;
    reports.push(report("prism_audit_verify_read_models", events, started));
    if !intact || !matches {
        return Err("verify found the store or the rebuilt read model not intact".into());
    }
    Ok(reports)
}

fn report(measurement: &'static str, events: i64, started: Instant) -> AuditReport {
    let elapsed = started.elapsed();
    let rate = per_second(usize::try_from(events).unwrap_or(0), elapsed);
    let peak_rss_mib_after = stats::peak_rss_mib().map(|rss| (rss * 10.0).round() / 10.0);
    AuditReport {
        measurement,
        events,
        seconds: elapsed.as_secs_f64(),
        events_per_second: rate.round(),
        peak_rss_mib_after,
    }
}

/// Inserts `events` posted journal entries, in chunks, then empties the outbox. Their ids are
/// time-ordered, as the command API gives them ([`ids::time_ordered_uuid_sql`]).
async fn fill(pool: &PgPool, events: i64) -> Result<(), BoxError> {
    let schema = format!("tenant_{TENANT}");
    let insert = format!(
        "INSERT INTO {schema}.events (aggregate_type, aggregate_id, sequence, event_type, event_version, payload, metadata)
         SELECT 'finance.journal_entry', id::text, 1, 'JournalEntryPosted', '1',
                json_build_object('JournalEntryPosted', json_build_object(
                    'entry_id', id::text, 'tenant', $1::text, 'entry_date', '2026-11-25',
                    'description', 'bench entry ' || n, 'source_reference', null,
                    'lines', json_build_array(
                        json_build_object('line_no', 1, 'account', '1000', 'debit_minor', n, 'credit_minor', 0,
                                          'currency', 'EUR', 'memo', null, 'functional', null),
                        json_build_object('line_no', 2, 'account', '3000', 'debit_minor', 0, 'credit_minor', n,
                                          'currency', 'EUR', 'memo', null, 'functional', null)))),
                json_build_object('correlation_id', id::text)
           FROM (SELECT n, {} AS id FROM generate_series($2::bigint, $3::bigint) AS n) AS entries",
        ids::time_ordered_uuid_sql("n")
    );
    let mut from = 1;
    while from <= events {
        let to = (from + FILL_CHUNK - 1).min(events);
        sqlx::query(&insert).bind(TENANT).bind(from).bind(to).execute(pool).await?;
        from = to + 1;
    }
    sqlx::query("DELETE FROM shared.outbox WHERE tenant = $1").bind(TENANT).execute(pool).await?;
    Ok(())
}
