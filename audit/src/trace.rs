//! `trace`: every event one request caused, across aggregates, in the tenant's order — an
//! order confirmed, the stock it reserved, the invoice and journal entries that followed (the
//! process managers carry the correlation id on).

use sqlx::PgPool;

use crate::output::Rows;
use crate::store::{correlated_events, tenant_schema, RecordedEvent, Window};
use crate::AuditError;

/// Columns of the answer.
pub const COLUMNS: &[&str] =
    &["position", "recorded_at", "aggregate_type", "aggregate_id", "version", "event_type", "user_id", "causation_id"];

/// The events correlated to `correlation_id` in the event store of quoted `schema`, in the
/// tenant's order, in `window` (by position); none is an empty answer.
///
/// # Errors
/// A database failure.
pub async fn events(
    pool: &PgPool,
    schema: &str,
    correlation_id: &str,
    window: Window,
) -> Result<Vec<RecordedEvent>, AuditError> {
    let events = correlated_events(pool, schema, correlation_id, window).await?;
    Ok(events.into_iter().map(RecordedEvent::from).collect())
}

/// The events of `tenant` correlated to `correlation_id` (none is an empty answer).
///
/// # Errors
/// An unknown tenant or a database failure.
pub async fn trace(pool: &PgPool, tenant: &str, correlation_id: &str) -> Result<Rows, AuditError> {
    let schema = tenant_schema(pool, tenant).await?;
    let mut rows = Rows::new(COLUMNS);
    for event in events(pool, &schema, correlation_id, Window::default()).await? {
        rows.push(event.row(COLUMNS));
    }
    Ok(rows)
}
