//! `state`: an aggregate rebuilt from its events up to a version or a time — what it looked
//! like then, as the aggregate itself folds its history.

use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::{json, Value};
use sqlx::PgPool;

use crate::aggregates::{fold, known};
use crate::cli::AsOf;
use crate::output::Rows;
use crate::store::{aggregate_events, tenant_schema, Window};
use crate::AuditError;

/// Columns of the answer.
pub const COLUMNS: &[&str] = &["aggregate_type", "aggregate_id", "version", "recorded_at", "state"];

/// An aggregate as its events up to some point made it.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct AggregateState {
    /// Type of the aggregate, e.g. `finance.journal_entry`.
    pub aggregate_type: String,
    /// Id of the aggregate.
    pub aggregate_id: String,
    /// The version it reflects: that of the last event applied.
    pub version: i64,
    /// When that last event was recorded.
    pub recorded_at: DateTime<Utc>,
    /// The aggregate as it serialises itself after those events.
    #[schema(value_type = Object)]
    pub state: Value,
}

/// `aggregate_type`/`id` in the event store of quoted `schema`, rebuilt from its events up
/// to `as_of` (all when `None`).
///
/// # Errors
/// An unknown aggregate type, no events up to `as_of`, an undecodable event, or a database
/// failure.
pub async fn rebuild(
    pool: &PgPool,
    schema: &str,
    aggregate_type: &str,
    id: &str,
    as_of: Option<AsOf>,
) -> Result<AggregateState, AuditError> {
    known(aggregate_type)?;
    let events = aggregate_events(pool, schema, aggregate_type, id, as_of, Window::default()).await?;
    let Some(last) = events.last() else {
        return Err(AuditError::NoEvents(aggregate_type.to_owned(), id.to_owned()));
    };
    Ok(AggregateState {
        aggregate_type: aggregate_type.to_owned(),
        aggregate_id: id.to_owned(),
        version: last.sequence,
        recorded_at: last.recorded_at,
        state: fold(aggregate_type, &events)?,
    })
}

/// `aggregate_type`/`id` of `tenant` after its events up to `as_of` (all when `None`).
///
/// # Errors
/// An unknown tenant or aggregate type, no events up to `as_of`, an undecodable event, or a
/// database failure.
pub async fn state(
    pool: &PgPool,
    tenant: &str,
    aggregate_type: &str,
    id: &str,
    as_of: Option<AsOf>,
) -> Result<Rows, AuditError> {
    let schema = tenant_schema(pool, tenant).await?;
    let rebuilt = rebuild(pool, &schema, aggregate_type, id, as_of).await?;
    let mut rows = Rows::new(COLUMNS);
    rows.push(vec![
        json!(rebuilt.aggregate_type),
        json!(rebuilt.aggregate_id),
        json!(rebuilt.version),
        json!(rebuilt.recorded_at),
        rebuilt.state,
    ]);
    Ok(rows)
}
