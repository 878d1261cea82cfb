//! `trace`: every event one request caused, across aggregates, in the tenant's order — an
//! order confirmed, the stock it reserved, the invoice and journal entries that followed (the
//! process managers carry the correlation id on).

use serde_json::{json, Value};
use sqlx::PgPool;

use crate::output::Rows;
use crate::store::{correlated_events, tenant_schema};
use crate::AuditError;

/// Columns of the answer.
pub const COLUMNS: &[&str] =
    &["position", "recorded_at", "aggregate_type", "aggregate_id", "version", "event_type", "user_id", "causation_id"];

/// The events of `tenant` correlated to `correlation_id` (none is an empty answer).
///
/// # Errors
/// An unknown tenant or a database failure.
pub async fn trace(pool: &PgPool, tenant: &str, correlation_id: &str) -> Result<Rows, AuditError> {
    let schema = tenant_schema(pool, tenant).await?;
    let mut rows = Rows::new(COLUMNS);
    for event in correlated_events(pool, &schema, correlation_id).await? {
        rows.push(vec![
            json!(event.global_position),
            json!(event.recorded_at.to_rfc3339()),
            json!(event.aggregate_type),
            json!(event.aggregate_id),
            json!(event.sequence),
            json!(event.event_type),
            event.user_id().map_or(Value::Null, |id| json!(id)),
            event.causation_id().map_or(Value::Null, |id| json!(id)),
        ]);
    }
    Ok(rows)
}
