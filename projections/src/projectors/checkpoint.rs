//! Closing a Postgres projection transaction: record the applied global position (for
//! consistency tokens) and the next Kafka offset, then commit — all or nothing.

use prism_platform::db::quote_ident;
use sqlx::{PgConnection, PgPool, Postgres, Transaction};

use crate::decode::ProjectedEvent;
use crate::projection::{ProjectionError, SourcePosition};
use crate::runtime::save_offset;

/// Records `event` as applied by `projector` in `schema` and commits `tx`.
pub async fn finish(
    mut tx: Transaction<'_, Postgres>,
    projector: &str,
    schema: &str,
    event: &ProjectedEvent,
) -> Result<(), ProjectionError> {
    mark_applied(&mut tx, projector, schema, event.envelope.global_position).await?;
    let source = SourcePosition { topic: event.topic.clone(), partition: event.partition, offset: event.offset };
    save_offset(&mut tx, projector, &source).await?;
    tx.commit().await?;
    Ok(())
}

/// Moves `projector`'s checkpoint past a dead-lettered record.
pub async fn skip(pool: &PgPool, projector: &str, source: &SourcePosition) -> Result<(), ProjectionError> {
    let mut tx = pool.begin().await?;
    save_offset(&mut tx, projector, source).await?;
    tx.commit().await?;
    Ok(())
}

async fn mark_applied(tx: &mut PgConnection, projector: &str, schema: &str, position: i64) -> Result<(), sqlx::Error> {
    let sql = format!(
        "INSERT INTO {}.projection_applied (projector, global_position) VALUES ($1, $2) ON CONFLICT DO NOTHING",
        quote_ident(schema)
    );
    sqlx::query(&sql).bind(projector).bind(position).execute(tx).await?;
    Ok(())
}
