//! `import`: an [`archive`](crate::archive) restored into a tenant's empty event store, in one
//! transaction, bit for bit — the same event ids, global positions, recording times, payload
//! and metadata text.
//!
//! The hash chain is not copied but recomputed: the events are inserted in chain order and
//! the store's own trigger (`migrations/tenant/0012_audit_trail.sql`) numbers and hashes each
//! one as it would a new event. Starting from the empty store's genesis, that gives the
//! archived numbers and hashes exactly when every event is as it was; the first line whose
//! number or hash differs is an event altered, removed or reordered since it was recorded, and
//! rejects the whole import (nothing stays). An archive that does not start at the first event
//! (`export --from`) is rejected on its first line for the same reason.
//!
//! Imported events are not published again: the outbox trigger enqueues each one, and the
//! same transaction deletes those rows before it commits, so the relay never sees them (use
//! `republish` for that). The identity sequence of `global_position` is then moved past the
//! last imported position, so the tenant's next event follows it.

use std::collections::HashMap;
use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;

use chrono::{DateTime, Utc};
use indicatif::ProgressBar;
use prism_aggregates::tenant::TenantId;
use prism_platform::db;
use prism_platform::tenancy::{self, TenantProvisioner};
use serde_json::{json, Value};
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

use crate::archive::ArchivedEvent;
use crate::output::Rows;
use crate::store::tenant_schema;
use crate::AuditError;

/// Columns of the answer: one row.
pub const COLUMNS: &[&str] = &["tenant", "events", "status", "line", "detail"];

/// Events inserted per statement.
const BATCH_MAX_EVENTS: usize = 1_000;

/// The longest line read; an event is far smaller (the command API takes 256 KiB bodies).
const LINE_MAX_BYTES: u64 = 16 * 1024 * 1024;

/// The first line whose event does not chain as archived.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Rejection {
    /// Its number in the archive, from 1.
    line: usize,
    /// What differs.
    detail: String,
}

/// Registers `tenant` and creates and migrates its schema, recording no event, unless it is
/// registered already: the empty store [`import`] restores into.
///
/// # Errors
/// A malformed slug, or a database failure.
pub async fn provision_empty(pool: &PgPool, tenant: &str) -> Result<(), AuditError> {
    let slug = TenantId::parse(tenant).map_err(|_| AuditError::UnknownTenant(tenant.to_owned()))?;
    if !tenancy::exists(pool, &slug).await? {
        TenantProvisioner::new(pool.clone(), &[db::TENANT]).provision(&slug, tenant).await?;
    }
    Ok(())
}

/// Imports the archive at `input` into `tenant`, advancing `progress` per event: a one-row
/// answer, and whether it was imported (`false`: rejected, nothing imported).
///
/// # Errors
/// An unknown tenant, a tenant with events, an unreadable file or malformed line, or a
/// database failure.
pub async fn import(
    pool: &PgPool,
    tenant: &str,
    input: &Path,
    progress: &ProgressBar,
) -> Result<(Rows, bool), AuditError> {
    let schema = tenant_schema(pool, tenant).await?;
    let mut tx = pool.begin().await?;
    lock_empty(&mut tx, &schema, tenant).await?;
    progress.inc_length(count_lines(input)?);
    let mut lines = Lines::open(input)?;
    let mut imported = 0;
    loop {
        let batch = lines.next_batch()?;
        if batch.is_empty() {
            break;
        }
        if let Some(rejection) = insert(&mut tx, &schema, tenant, &batch).await? {
            progress.finish_and_clear();
            return Ok((answer(tenant, 0, Some(rejection)), false));
        }
        imported += batch.len();
        progress.inc(u64::try_from(batch.len()).unwrap_or(0));
    }
    sqlx::query(&format!(
        "SELECT setval(pg_get_serial_sequence($1, 'global_position'), max(global_position)) FROM {schema}.events"
    ))
    .bind(format!("{schema}.events"))
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    progress.finish_and_clear();
    Ok((answer(tenant, imported, None), true))
}

fn answer(tenant: &str, imported: usize, rejection: Option<Rejection>) -> Rows {
    let mut rows = Rows::new(COLUMNS);
    rows.push(match rejection {
        None => vec![json!(tenant), json!(imported), json!("imported"), Value::Null, Value::Null],
        Some(Rejection { line, detail }) => {
            vec![json!(tenant), json!(0), json!("rejected"), json!(line), json!(detail)]
        }
    });
    rows
}

/// Takes the tenant's chain head for the transaction — its writers wait until it ends — and
/// refuses a tenant that has events.
async fn lock_empty(tx: &mut PgConnection, schema: &str, tenant: &str) -> Result<(), AuditError> {
    sqlx::query(&format!("SELECT last_seq FROM {schema}.event_chain_head FOR UPDATE")).execute(&mut *tx).await?;
    let events: i64 = sqlx::query_scalar(&format!("SELECT count(*) FROM {schema}.events")).fetch_one(&mut *tx).await?;
    if events > 0 {
        return Err(AuditError::NotEmpty { tenant: tenant.to_owned(), events });
    }
    Ok(())
}

/// The number and hash the chain trigger gave an inserted event.
#[derive(sqlx::FromRow)]
struct Chained {
    global_position: i64,
    chain_seq: i64,
    chain_hash: String,
}

/// Inserts `batch` in order and removes the outbox rows the inserts enqueued: the first line
/// that did not chain as archived, if any.
async fn insert(
    tx: &mut PgConnection,
    schema: &str,
    tenant: &str,
    batch: &[(usize, ArchivedEvent)],
) -> Result<Option<Rejection>, AuditError> {
    let column = |f: fn(&ArchivedEvent) -> String| batch.iter().map(|(_, e)| f(e)).collect::<Vec<_>>();
    let number = |f: fn(&ArchivedEvent) -> i64| batch.iter().map(|(_, e)| f(e)).collect::<Vec<_>>();
    let event_ids: Vec<Uuid> = batch.iter().map(|(_, e)| e.event_id).collect();
    let recorded_at: Vec<DateTime<Utc>> = batch.iter().map(|(_, e)| e.recorded_at).collect();
    let sql = format!(
        "INSERT INTO {schema}.events (aggregate_type, aggregate_id, sequence, event_type, event_version, payload,
                                      metadata, global_position, event_id, recorded_at)
         OVERRIDING SYSTEM VALUE
         SELECT aggregate_type, aggregate_id, sequence, event_type, event_version, payload::json, metadata::json,
                global_position, event_id, recorded_at
           FROM unnest($1::text[], $2::text[], $3::bigint[], $4::text[], $5::text[], $6::text[], $7::text[],
                       $8::bigint[], $9::uuid[], $10::timestamptz[])
                WITH ORDINALITY AS line (aggregate_type, aggregate_id, sequence, event_type, event_version, payload,
                                         metadata, global_position, event_id, recorded_at, n)
          ORDER BY n
         RETURNING global_position, chain_seq, encode(chain_hash, 'hex') AS chain_hash"
    );
    let chained: Vec<Chained> = sqlx::query_as(&sql)
        .bind(column(|e| e.aggregate_type.clone()))
        .bind(column(|e| e.aggregate_id.clone()))
        .bind(number(|e| e.sequence))
        .bind(column(|e| e.event_type.clone()))
        .bind(column(|e| e.event_version.clone()))
        .bind(column(|e| e.payload.clone()))
        .bind(column(|e| e.metadata.clone()))
        .bind(number(|e| e.global_position))
        .bind(&event_ids)
        .bind(&recorded_at)
        .fetch_all(&mut *tx)
        .await?;
    let chained: HashMap<i64, Chained> = chained.into_iter().map(|c| (c.global_position, c)).collect();
    if let Some(rejection) =
        batch.iter().find_map(|(line, event)| check(*line, event, chained.get(&event.global_position)))
    {
        return Ok(Some(rejection));
    }
    sqlx::query("DELETE FROM shared.outbox WHERE tenant = $1 AND event_id = ANY($2)")
        .bind(tenant)
        .bind(&event_ids)
        .execute(&mut *tx)
        .await?;
    Ok(None)
}

/// Whether the event of `line` took the archived place and hash in the chain.
fn check(line: usize, event: &ArchivedEvent, chained: Option<&Chained>) -> Option<Rejection> {
    let reject = |detail: String| Some(Rejection { line, detail });
    let Some(chained) = chained else {
        return reject(format!("position {} was not stored", event.global_position));
    };
    if chained.chain_seq != event.chain_seq {
        return reject(format!(
            "archived as chain number {} but it is number {} here: an event before it was removed or moved, or \
             the archive does not start at the first event",
            event.chain_seq, chained.chain_seq
        ));
    }
    if !chained.chain_hash.eq_ignore_ascii_case(&event.chain_hash) {
        return reject(
            "the archived hash differs from the event's bytes: the event (or its hash) was altered".to_owned(),
        );
    }
    None
}

/// Non-empty lines of the file at `path`, for the progress bar.
fn count_lines(path: &Path) -> Result<u64, AuditError> {
    let file = File::open(path).map_err(AuditError::file(path))?;
    let mut count = 0;
    for line in BufReader::new(file).split(b'\n') {
        if !line.map_err(AuditError::file(path))?.trim_ascii().is_empty() {
            count += 1;
        }
    }
    Ok(count)
}

/// An archive read line by line, each at most [`LINE_MAX_BYTES`].
struct Lines<'a> {
    path: &'a Path,
    reader: BufReader<File>,
    number: usize,
}

impl<'a> Lines<'a> {
    fn open(path: &'a Path) -> Result<Self, AuditError> {
        Ok(Self { path, reader: BufReader::new(File::open(path).map_err(AuditError::file(path))?), number: 0 })
    }

    /// The next [`BATCH_MAX_EVENTS`] events with their line numbers (none at the end), blank
    /// lines skipped.
    fn next_batch(&mut self) -> Result<Vec<(usize, ArchivedEvent)>, AuditError> {
        let mut batch = Vec::with_capacity(BATCH_MAX_EVENTS);
        let mut text = String::new();
        while batch.len() < BATCH_MAX_EVENTS {
            text.clear();
            let read =
                (&mut self.reader).take(LINE_MAX_BYTES + 1).read_line(&mut text).map_err(|e| self.malformed(e))?;
            if read == 0 {
                break;
            }
            self.number += 1;
            if u64::try_from(text.len()).unwrap_or(u64::MAX) > LINE_MAX_BYTES {
                return Err(self.malformed(format!("longer than {LINE_MAX_BYTES} bytes")));
            }
            if text.trim().is_empty() {
                continue;
            }
            let event = serde_json::from_str(&text).map_err(|e| self.malformed(e))?;
            batch.push((self.number, event));
        }
        Ok(batch)
    }

    fn malformed(&self, reason: impl std::fmt::Display) -> AuditError {
        AuditError::Archive { line: self.number.max(1), reason: format!("{reason} ({})", self.path.display()) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::archive::example as archived;

    #[test]
    fn a_line_must_take_its_archived_number_and_hash() {
        let stored = Chained { global_position: 10, chain_seq: 3, chain_hash: "ab01".to_owned() };
        assert_eq!(check(5, &archived(3, "AB01"), Some(&stored)), None);
        let moved = check(5, &archived(4, "ab01"), Some(&stored)).unwrap();
        assert_eq!(moved.line, 5);
        assert!(moved.detail.contains("number 4 but it is number 3"), "{}", moved.detail);
        let altered = check(5, &archived(3, "ab02"), Some(&stored)).unwrap();
        assert!(altered.detail.contains("altered"), "{}", altered.detail);
    }

    #[test]
    fn lines_come_with_their_numbers_blank_ones_skipped_and_a_bad_one_is_named() {
        let path = std::env::temp_dir().join(format!("prism-audit-import-{}.jsonl", Uuid::new_v4()));
        let good = serde_json::to_string(&archived(1, "00")).unwrap();
        std::fs::write(&path, format!("{good}\n\n{good}\n")).unwrap();
        let numbers: Vec<usize> = Lines::open(&path).unwrap().next_batch().unwrap().iter().map(|(n, _)| *n).collect();
        std::fs::write(&path, format!("{good}\n\n{good}\nnot json\n")).unwrap();
        let counted = count_lines(&path).unwrap();
        let error = Lines::open(&path).unwrap().next_batch().unwrap_err();
        std::fs::remove_file(&path).unwrap();
        assert_eq!((numbers, counted), (vec![1, 3], 3));
        assert!(matches!(error, AuditError::Archive { line: 4, .. }), "{error}");
    }
}
