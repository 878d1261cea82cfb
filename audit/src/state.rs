//! `state`: an aggregate rebuilt from its events up to a version or a time — what it looked
//! like then, as the aggregate itself folds its history.

use serde_json::json;
use sqlx::PgPool;

use crate::aggregates::{fold, known};
use crate::cli::AsOf;
use crate::output::Rows;
use crate::store::{aggregate_events, tenant_schema};
use crate::AuditError;

/// Columns of the answer.
pub const COLUMNS: &[&str] = &["aggregate_type", "aggregate_id", "version", "recorded_at", "state"];

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
    known(aggregate_type)?;
    let schema = tenant_schema(pool, tenant).await?;
    let events = aggregate_events(pool, &schema, aggregate_type, id, as_of).await?;
    let Some(last) = events.last() else {
        return Err(AuditError::NoEvents(aggregate_type.to_owned(), id.to_owned()));
    };
    let state = fold(aggregate_type, &events)?;
    let mut rows = Rows::new(COLUMNS);
    rows.push(vec![
        json!(aggregate_type),
        json!(id),
        json!(last.sequence),
        json!(last.recorded_at.to_rfc3339()),
        state,
    ]);
    Ok(rows)
}
