//! `export`: a tenant's events as an [`archive`](crate::archive), streamed in chain order in
//! batches, optionally only those from or up to a global position or recording time. The
//! answer summarises what was written, ending with the last event's chain hash — for a whole
//! export the chain head, worth keeping apart from the archive to prove later that it was not
//! rewritten as a whole.

use std::io::Write;

use chrono::{DateTime, Utc};
use indicatif::ProgressBar;
use serde_json::{json, Value};
use sqlx::PgPool;

use crate::archive::{ArchivedEvent, COLUMNS as ARCHIVED};
use crate::cli::Bound;
use crate::output::Rows;
use crate::store::tenant_schema;
use crate::AuditError;

/// Columns of the answer: one row.
pub const COLUMNS: &[&str] =
    &["tenant", "events", "first_position", "last_position", "last_chain_seq", "last_chain_hash"];

/// Events read per round trip.
const BATCH: i64 = 10_000;

/// Which events to export: from and up to a position or time, both inclusive.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Range {
    /// The first position or time.
    pub from: Option<Bound>,
    /// The last position or time.
    pub to: Option<Bound>,
}

/// The filter on `$1`…`$4` (see [`split`]) selecting a [`Range`].
const IN_RANGE: &str = "($1::bigint IS NULL OR global_position >= $1) AND ($2::timestamptz IS NULL OR recorded_at >= $2)
                    AND ($3::bigint IS NULL OR global_position <= $3) AND ($4::timestamptz IS NULL OR recorded_at <= $4)";

/// A bound as the position and time parameters of [`IN_RANGE`].
fn split(bound: Option<Bound>) -> (Option<i64>, Option<DateTime<Utc>>) {
    match bound {
        Some(Bound::Position(position)) => (Some(position), None),
        Some(Bound::Time(time)) => (None, Some(time)),
        None => (None, None),
    }
}

/// Writes the events of `tenant` in `range` to `out`, one JSON line each, advancing
/// `progress` per event: a one-row summary.
///
/// # Errors
/// An unknown tenant, a database failure, or `out` refusing a write.
pub async fn export(
    pool: &PgPool,
    tenant: &str,
    range: Range,
    out: &mut impl Write,
    progress: &ProgressBar,
) -> Result<Rows, AuditError> {
    let schema = tenant_schema(pool, tenant).await?;
    let ((from_position, from_time), (to_position, to_time)) = (split(range.from), split(range.to));
    let total: i64 = sqlx::query_scalar(&format!("SELECT count(*) FROM {schema}.events WHERE {IN_RANGE}"))
        .bind(from_position)
        .bind(from_time)
        .bind(to_position)
        .bind(to_time)
        .fetch_one(pool)
        .await?;
    progress.inc_length(u64::try_from(total).unwrap_or(0));
    let sql = format!(
        "SELECT {ARCHIVED} FROM {schema}.events WHERE {IN_RANGE} AND chain_seq > $5 ORDER BY chain_seq LIMIT $6"
    );
    let mut summary = Summary::default();
    loop {
        let events: Vec<ArchivedEvent> = sqlx::query_as(&sql)
            .bind(from_position)
            .bind(from_time)
            .bind(to_position)
            .bind(to_time)
            .bind(summary.last.as_ref().map_or(0, |last| last.chain_seq))
            .bind(BATCH)
            .fetch_all(pool)
            .await?;
        if events.is_empty() {
            break;
        }
        for event in events {
            serde_json::to_writer(&mut *out, &event).map_err(std::io::Error::from)?;
            out.write_all(b"\n")?;
            summary.add(event);
        }
        progress.set_position(summary.events);
    }
    out.flush()?;
    progress.finish_and_clear();
    Ok(summary.rows(tenant))
}

/// What an export wrote so far.
#[derive(Debug, Default)]
struct Summary {
    events: u64,
    positions: Option<(i64, i64)>,
    last: Option<ArchivedEvent>,
}

impl Summary {
    fn add(&mut self, event: ArchivedEvent) {
        let position = event.global_position;
        self.events += 1;
        self.positions =
            Some(self.positions.map_or((position, position), |(lo, hi)| (lo.min(position), hi.max(position))));
        self.last = Some(event);
    }

    fn rows(&self, tenant: &str) -> Rows {
        let mut rows = Rows::new(COLUMNS);
        let (first, last) = self.positions.map_or((Value::Null, Value::Null), |(lo, hi)| (json!(lo), json!(hi)));
        let (seq, hash) = self
            .last
            .as_ref()
            .map_or((Value::Null, Value::Null), |last| (json!(last.chain_seq), json!(last.chain_hash)));
        rows.push(vec![json!(tenant), json!(self.events), first, last, seq, hash]);
        rows
    }
}
