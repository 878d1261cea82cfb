//! `verify --read-models`: each Postgres read model of a tenant compared with a fresh replay
//! of the event store ([`crate::replay`]) of exactly the events the live `postgres` projector
//! has applied (its `projection_applied` rows), into a scratch schema without secondary
//! indexes or foreign keys ([`crate::deferred`]: the comparison needs neither); then every read-model
//! table of the two schemas is compared row by row in Postgres, joined on the primary key and
//! compared as JSON — every column but `applied_at`, the wall-clock time of a write. The scratch schema is dropped
//! afterwards, also after a failure. A difference is a read model that no longer says what
//! its events say: a row changed by hand, or a projector bug.

use std::collections::HashSet;

use prism_platform::db::quote_ident;
use prism_projections::projectors::checkpoint::SqlWriter;
use serde_json::Value;
use sqlx::PgPool;
use uuid::Uuid;

use crate::deferred;
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
    deferred::set_aside(pool, scratch).await?;
    let (replayed, _) = replay.stream(pool, 0, |_| ()).await?;
    let mut comparisons = Vec::new();
    for table in replay::read_models(pool, scratch, &["r"]).await? {
        comparisons.push(compare_table(pool, schema, &target, &table).await?);
    }
    Ok((replayed, comparisons))
}

/// Compares `table` (name, primary key) of the live `schema` with the `scratch` one (both
/// quoted), in Postgres: the two are joined on the primary key and each pair of rows compared
/// as JSON, so only the counts and the first differing keys reach this process, whatever the
/// size of the table.
async fn compare_table(
    pool: &PgPool,
    schema: &str,
    scratch: &str,
    (table, key): &(String, Vec<String>),
) -> Result<TableComparison, AuditError> {
    let quoted = quote_ident(table);
    let key_columns = key.iter().map(|column| quote_ident(column)).collect::<Vec<_>>().join(", ");
    // Of `projection_applied`, only this projector's rows are the read model's.
    let rows_of = |schema: &str| {
        let only_ours =
            if table == "projection_applied" { "WHERE projector = $1" } else { "WHERE $1::text IS NOT NULL" };
        format!("(SELECT *, to_jsonb(t) - 'applied_at' AS row_json FROM {schema}.{quoted} AS t {only_ours})")
    };
    let (live, replayed) = (rows_of(schema), rows_of(scratch));
    let counts: (i64, i64, i64) = sqlx::query_as(&format!(
        "SELECT count(l.row_json), count(r.row_json), count(*) FILTER (WHERE l.row_json IS DISTINCT FROM r.row_json)
           FROM {live} AS l FULL JOIN {replayed} AS r USING ({key_columns})"
    ))
    .bind(Writer::NAME)
    .fetch_one(pool)
    .await?;
    let differing_keys: Vec<Value> = sqlx::query_scalar(&format!(
        "SELECT json_build_array({key_columns}) FROM {live} AS l FULL JOIN {replayed} AS r USING ({key_columns})
          WHERE l.row_json IS DISTINCT FROM r.row_json ORDER BY {key_columns} LIMIT {MAX_KEYS_LISTED}"
    ))
    .bind(Writer::NAME)
    .fetch_all(pool)
    .await?;
    let count = |n: i64| usize::try_from(n).unwrap_or(0);
    Ok(TableComparison {
        table: table.clone(),
        live_rows: count(counts.0),
        replayed_rows: count(counts.1),
        differing: count(counts.2),
        differing_keys: differing_keys.iter().map(Value::to_string).collect(),
    })
}
