//! `history`: every event of one aggregate, oldest first — its version, position, when, the
//! user and request it came from, and what it recorded.

use sqlx::PgPool;

use crate::aggregates::known;
use crate::output::Rows;
use crate::store::{aggregate_events, tenant_schema, RecordedEvent, Window};
use crate::AuditError;

/// Columns of the answer.
pub const COLUMNS: &[&str] = &[
    "version",
    "position",
    "recorded_at",
    "event_type",
    "event_version",
    "user_id",
    "correlation_id",
    "causation_id",
    "changes",
];

/// The events of `aggregate_type`/`id` in the event store of quoted `schema`, oldest first,
/// in `window` (by version). A window after some version may be empty.
///
/// # Errors
/// An unknown aggregate type, an aggregate without events (read from its first), or a
/// database failure.
pub async fn events(
    pool: &PgPool,
    schema: &str,
    aggregate_type: &str,
    id: &str,
    window: Window,
) -> Result<Vec<RecordedEvent>, AuditError> {
    known(aggregate_type)?;
    let events = aggregate_events(pool, schema, aggregate_type, id, None, window).await?;
    if events.is_empty() && window.after.is_none() {
        return Err(AuditError::NoEvents(aggregate_type.to_owned(), id.to_owned()));
    }
    Ok(events.into_iter().map(RecordedEvent::from).collect())
}

/// The history of `aggregate_type`/`id` in `tenant`.
///
/// # Errors
/// An unknown tenant or aggregate type, an aggregate without events, or a database failure.
pub async fn history(pool: &PgPool, tenant: &str, aggregate_type: &str, id: &str) -> Result<Rows, AuditError> {
    let schema = tenant_schema(pool, tenant).await?;
    let mut rows = Rows::new(COLUMNS);
    for event in events(pool, &schema, aggregate_type, id, Window::default()).await? {
        rows.push(event.row(COLUMNS));
    }
    Ok(rows)
}
