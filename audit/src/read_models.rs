//! `verify --read-models`: each Postgres read model of a tenant compared with a fresh replay
//! of the event store ([`crate::replay`]) of exactly the events the live `postgres` projector
//! has applied (its `projection_applied` rows), into a scratch schema; then every read-model
//! table of the two schemas is compared row by row, as JSON ordered by primary key — every
//! column but `applied_at`, the wall-clock time of a write. The scratch schema is dropped
//! afterwards, also after a failure. A difference is a read model that no longer says what
//! its events say: a row changed by hand, or a projector bug.

use std::collections::{BTreeMap, HashSet};

use prism_platform::db::quote_ident;
use prism_projections::projectors::checkpoint::SqlWriter;
use serde_json::Value;
use sqlx::PgPool;
use uuid::Uuid;

use crate::replay::{self, Replay, Writer};
use crate::AuditError;

/// Most differing keys listed per table.
pub const MAX_KEYS_LISTED: usize = 5;

/// The comparison of one read-model table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableComparison {
    /// The table.
    pub table: String,
    /// Rows in the live table.
    pub live_rows: usize,
    /// Rows the replay wrote.
    pub replayed_rows: usize,
    /// Primary keys (as JSON) of the rows that differ, are missing or are extra: at most
    /// [`MAX_KEYS_LISTED`].
    pub differing_keys: Vec<String>,
    /// How many rows differ in all.
    pub differing: usize,
}

/// Replays the events the `postgres` projector applied for `tenant` (whose event store is in
/// the quoted `schema`) and compares every read-model table: how many events were replayed,
/// and one comparison per table, by name.
///
/// # Errors
/// A database failure, or a stored event that does not decode.
pub async fn compare(pool: &PgPool, tenant: &str, schema: &str) -> Result<(i64, Vec<TableComparison>), AuditError> {
    let scratch = format!("replay_{}_{}", tenant, &Uuid::new_v4().simple().to_string()[..8]);
    let outcome = replay_and_compare(pool, tenant, schema, &scratch).await;
    sqlx::query(&format!("DROP SCHEMA IF EXISTS {} CASCADE", quote_ident(&scratch))).execute(pool).await?;
    outcome
}

async fn replay_and_compare(
    pool: &PgPool,
    tenant: &str,
    schema: &str,
    scratch: &str,
) -> Result<(i64, Vec<TableComparison>), AuditError> {
    replay::prepare(pool, scratch).await?;
    let applied: HashSet<i64> =
        sqlx::query_scalar(&format!("SELECT global_position FROM {schema}.projection_applied WHERE projector = $1"))
            .bind(Writer::NAME)
            .fetch_all(pool)
            .await?
            .into_iter()
            .collect();
    let target = quote_ident(scratch);
    let replay = Replay { tenant, schema, target: &target, only: Some(&applied) };
    let (mut after, mut replayed) = (0, 0);
    loop {
        let mut tx = replay::batch_transaction(pool).await?;
        let Some((written, last)) = replay.next_batch(&mut tx, after).await? else { break };
        tx.commit().await?;
        (after, replayed) = (last, replayed + written);
    }
    let mut comparisons = Vec::new();
    for table in replay::read_models(pool, scratch, &["r"]).await? {
        comparisons.push(compare_table(pool, schema, &target, &table).await?);
    }
    Ok((replayed, comparisons))
}

/// Compares `table` (name, primary key) of the live `schema` with the `scratch` one (both
/// quoted).
async fn compare_table(
    pool: &PgPool,
    schema: &str,
    scratch: &str,
    (table, key): &(String, Vec<String>),
) -> Result<TableComparison, AuditError> {
    let live = keyed_rows(pool, schema, table, key).await?;
    let replayed = keyed_rows(pool, scratch, table, key).await?;
    let mut differing: Vec<&String> =
        live.iter().filter(|(k, row)| replayed.get(*k) != Some(row)).map(|(k, _)| k).collect();
    differing.extend(replayed.keys().filter(|k| !live.contains_key(*k)));
    differing.sort();
    Ok(TableComparison {
        table: table.clone(),
        live_rows: live.len(),
        replayed_rows: replayed.len(),
        differing: differing.len(),
        differing_keys: differing.into_iter().take(MAX_KEYS_LISTED).cloned().collect(),
    })
}

/// Every row of `table` in the quoted `schema` as JSON without `applied_at`, by its primary
/// key as JSON; of `projection_applied`, only the `postgres` projector's rows.
async fn keyed_rows(
    pool: &PgPool,
    schema: &str,
    table: &str,
    key: &[String],
) -> Result<BTreeMap<String, Value>, AuditError> {
    let key_json = key.iter().map(|column| format!("t.{}", quote_ident(column))).collect::<Vec<_>>().join(", ");
    let only_ours = if table == "projection_applied" { "WHERE t.projector = $1" } else { "WHERE $1::text IS NOT NULL" };
    let rows: Vec<(Value, Value)> = sqlx::query_as(&format!(
        "SELECT json_build_array({key_json}), to_jsonb(t) - 'applied_at' FROM {schema}.{} AS t {only_ours}",
        quote_ident(table)
    ))
    .bind(Writer::NAME)
    .fetch_all(pool)
    .await?;
    Ok(rows.into_iter().map(|(key, row)| (key.to_string(), row)).collect())
}
