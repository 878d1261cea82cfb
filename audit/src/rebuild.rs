//! `rebuild postgres --tenant T`: a tenant's Postgres read model rebuilt from its event store
//! and swapped in, while the live one keeps serving.
//!
//! 1. **Replay** ([`crate::replay`]) into the schema `rebuild_<tenant>`, migrated like a
//!    tenant's, one committed transaction per batch. The schema's `projection_applied` says
//!    how far it got, so a rebuild that was interrupted (or stopped with `--no-swap`) resumes
//!    after the last batch it committed. A replay from the start writes without the tables'
//!    secondary indexes and foreign keys, and builds them once at its end ([`deferred`]).
//! 2. **Swap**, in one transaction: every live read-model table and view is locked (the
//!    `postgres` projector's writes and the query API's reads wait, briefly); the events
//!    stored since the replay's last batch are replayed too, so the rebuilt model has applied
//!    every event the live one has, and perhaps more (the projector, deduplicating by
//!    `projection_applied`, then skips those when Kafka delivers them); the other projectors'
//!    `projection_applied` rows are carried over; and each live table and view is moved out to
//!    `retired_<tenant>` and its rebuilt twin moved in. Both helper schemas are dropped before
//!    the commit, so readers see the old model until the commit and the new one after it. A
//!    table the projector holds is waited for briefly; when it is not free in time the swap
//!    rolls back and tries again, rather than risk a deadlock with the projector's batch.

use std::time::{Duration, Instant};

use indicatif::ProgressBar;
use prism_platform::db::quote_ident;
use prism_projections::projectors::checkpoint::SqlWriter;
use serde_json::json;
use sqlx::{Executor, PgConnection, PgPool};

use crate::deferred;
use crate::output::Rows;
use crate::replay::{self, Replay, Writer};
use crate::store::tenant_schema;
use crate::AuditError;

/// Columns of the answer: one row.
pub const COLUMNS: &[&str] =
    &["tenant", "projector", "status", "resumed_after", "replayed", "seconds", "events_per_second"];

/// Rebuilds the `postgres` read model of `tenant`, advancing `progress` per event; swaps it in
/// unless `swap` is false (it is then left prepared, and a later rebuild resumes it).
///
/// # Errors
/// An unknown tenant, a database failure (the swap is then rolled back whole), or a stored
/// event that does not decode.
pub async fn rebuild(pool: &PgPool, tenant: &str, swap: bool, progress: &ProgressBar) -> Result<Rows, AuditError> {
    let schema = tenant_schema(pool, tenant).await?;
    let (rebuilt, retired) = (format!("rebuild_{tenant}"), format!("retired_{tenant}"));
    replay::prepare(pool, &rebuilt).await?;
    let target = quote_ident(&rebuilt);
    let replay = Replay { tenant, schema: &schema, target: &target, only: None };
    let started = Instant::now();
    let resumed_after: i64 = sqlx::query_scalar(&format!(
        "SELECT coalesce(max(global_position), 0) FROM {target}.projection_applied WHERE projector = $1"
    ))
    .bind(Writer::NAME)
    .fetch_one(pool)
    .await?;
    progress.inc_length(u64::try_from(replay.remaining(pool, resumed_after).await?).unwrap_or(0));
    if resumed_after == 0 {
        deferred::set_aside(pool, &rebuilt).await?;
    }
    let (mut replayed, after) =
        replay.stream(pool, resumed_after, |written| progress.inc(u64::try_from(written).unwrap_or(0))).await?;
    deferred::restore(pool, &rebuilt).await?;
    let status = if swap {
        replayed += swap_when_locked(pool, &replay, after, &rebuilt, &retired).await?;
        "swapped"
    } else {
        "prepared"
    };
    progress.finish_and_clear();
    let seconds = started.elapsed().as_secs_f64();
    #[allow(clippy::cast_precision_loss)] // a rate for people to read
    let rate = if seconds > 0.0 { (replayed as f64 / seconds).round() } else { 0.0 };
    let mut answer = Rows::new(COLUMNS);
    answer.push(vec![
        json!(tenant),
        json!(Writer::NAME),
        json!(status),
        json!(resumed_after),
        json!(replayed),
        json!((seconds * 1000.0).round() / 1000.0),
        json!(rate),
    ]);
    Ok(answer)
}

/// How long the swap waits for each live table's lock before it lets go of all of them.
const LOCK_WAIT: &str = "200ms";

/// Swap attempts before the rebuild gives up (it stays prepared, and a later run resumes).
const SWAP_ATTEMPTS: u32 = 50;

/// Pause between two swap attempts.
const SWAP_RETRY_PAUSE: Duration = Duration::from_millis(50);

/// [`swap_in`] in a transaction of its own, committed. The live tables are locked one by one
/// while the `postgres` projector may hold some of them and wait for others, which would
/// deadlock; so the swap waits at most [`LOCK_WAIT`] for each, and when one is not free by
/// then it rolls back whole — letting the projector finish its batch — and tries again.
async fn swap_when_locked(
    pool: &PgPool,
    replay: &Replay<'_>,
    after: i64,
    rebuilt: &str,
    retired: &str,
) -> Result<i64, AuditError> {
    let mut attempt = 1;
    loop {
        let mut tx = pool.begin().await?;
        tx.execute(format!("SET LOCAL lock_timeout = '{LOCK_WAIT}'").as_str()).await?;
        match swap_in(&mut tx, pool, replay, after, rebuilt, retired).await {
            Ok(replayed) => {
                tx.commit().await?;
                return Ok(replayed);
            }
            Err(AuditError::Database(error)) if attempt < SWAP_ATTEMPTS && lock_contended(&error) => {
                tx.rollback().await?;
                attempt += 1;
                tokio::time::sleep(SWAP_RETRY_PAUSE).await;
            }
            Err(error) => return Err(error),
        }
    }
}

/// Whether `error` is a lock not granted in time (`lock_not_available`) or a deadlock.
fn lock_contended(error: &sqlx::Error) -> bool {
    let code = error.as_database_error().and_then(sqlx::error::DatabaseError::code);
    matches!(code.as_deref(), Some("55P03" | "40P01"))
}

/// Within `tx`: locks the live read models, replays what was stored after `after`, carries the
/// other projectors' applied positions over, and exchanges the live tables and views with the
/// rebuilt ones. How many events the final catch-up replayed.
async fn swap_in(
    tx: &mut PgConnection,
    pool: &PgPool,
    replay: &Replay<'_>,
    mut after: i64,
    rebuilt: &str,
    retired: &str,
) -> Result<i64, AuditError> {
    let live_name = replay.schema.trim_matches('"');
    let live_tables: Vec<String> = replay::read_models(pool, live_name, &["r"])
        .await?
        .into_iter()
        .map(|(table, _)| format!("{}.{}", replay.schema, quote_ident(&table)))
        .collect();
    tx.execute(format!("LOCK TABLE {} IN ACCESS EXCLUSIVE MODE", live_tables.join(", ")).as_str()).await?;
    let mut replayed = 0;
    while let Some((written, last)) = replay.next_batch(tx, after).await? {
        (after, replayed) = (last, replayed + written);
    }
    sqlx::query(&format!(
        "INSERT INTO {}.projection_applied SELECT * FROM {}.projection_applied WHERE projector <> $1
         ON CONFLICT DO NOTHING",
        replay.target, replay.schema
    ))
    .bind(Writer::NAME)
    .execute(&mut *tx)
    .await?;
    let retired_quoted = quote_ident(retired);
    tx.execute(format!("DROP SCHEMA IF EXISTS {retired_quoted} CASCADE; CREATE SCHEMA {retired_quoted}").as_str())
        .await?;
    // Each view goes with the tables it reads, which are those of its own schema.
    let views = replay::read_models(pool, rebuilt, &["v"]).await?.into_iter().map(|(name, _)| ("VIEW", name));
    let tables = replay::read_models(pool, rebuilt, &["r"]).await?.into_iter().map(|(name, _)| ("TABLE", name));
    for (kind, name) in views.chain(tables) {
        let name = quote_ident(&name);
        tx.execute(format!("ALTER {kind} IF EXISTS {}.{name} SET SCHEMA {retired_quoted}", replay.schema).as_str())
            .await?;
        tx.execute(format!("ALTER {kind} {}.{name} SET SCHEMA {}", replay.target, replay.schema).as_str()).await?;
    }
    tx.execute(format!("DROP SCHEMA {retired_quoted} CASCADE; DROP SCHEMA {} CASCADE", replay.target).as_str()).await?;
    Ok(replayed)
}
