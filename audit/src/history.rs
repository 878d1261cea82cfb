//! `history`: every event of one aggregate, oldest first — its version, position, when, the
//! user and request it came from, and what it recorded.

use serde_json::{json, Value};
use sqlx::PgPool;

use crate::aggregates::known;
use crate::output::Rows;
use crate::store::{aggregate_events, tenant_schema};
use crate::AuditError;

/// Columns of the answer.
pub const COLUMNS: &[&str] =
    &["version", "position", "recorded_at", "event_type", "user_id", "correlation_id", "causation_id", "changes"];

/// The history of `aggregate_type`/`id` in `tenant`.
///
/// # Errors
/// An unknown tenant, an aggregate without events, or a database failure.
pub async fn history(pool: &PgPool, tenant: &str, aggregate_type: &str, id: &str) -> Result<Rows, AuditError> {
    known(aggregate_type)?;
    let schema = tenant_schema(pool, tenant).await?;
    let events = aggregate_events(pool, &schema, aggregate_type, id, None).await?;
    if events.is_empty() {
        return Err(AuditError::NoEvents(aggregate_type.to_owned(), id.to_owned()));
    }
    let mut rows = Rows::new(COLUMNS);
    for event in &events {
        rows.push(vec![
            json!(event.sequence),
            json!(event.global_position),
            json!(event.recorded_at.to_rfc3339()),
            json!(event.event_type),
            event.user_id().map_or(Value::Null, |id| json!(id)),
            event.correlation_id().map_or(Value::Null, |id| json!(id)),
            event.causation_id().map_or(Value::Null, |id| json!(id)),
            event.body().clone(),
        ]);
    }
    Ok(rows)
}
