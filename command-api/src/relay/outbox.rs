//! Reading and clearing `shared.outbox`, the rows the event-store trigger enqueued.

use prism_platform::publishing::OutboxRow;
use sqlx::PgPool;

/// The oldest `limit` rows, in outbox order, leaving out `in_flight` (rows handed to Kafka
/// and not yet deleted).
///
/// Always reading from the oldest visible row keeps each aggregate's events in order: ids are
/// taken at insert and become visible at commit, so a row can appear behind rows already
/// read — but a later event of the same aggregate is only inserted once the earlier one has
/// committed, so whenever a later event is visible, the earlier one is visible too (or already
/// in flight or published), and is read first.
pub async fn oldest(pool: &PgPool, in_flight: &[i64], limit: i64) -> Result<Vec<OutboxRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT outbox_id, tenant, event_id, global_position, aggregate_type, aggregate_id, sequence,
                event_type, event_version, payload, metadata, recorded_at
           FROM shared.outbox WHERE outbox_id <> ALL($1) ORDER BY outbox_id LIMIT $2",
    )
    .bind(in_flight)
    .bind(limit)
    .fetch_all(pool)
    .await
}

/// How many rows wait in the outbox, in flight included: the span of their ids, read from
/// the primary key's two ends rather than counted (an id taken by a transaction that rolled
/// back still counts, so this is an upper bound; 0 when the outbox is empty).
pub async fn depth(pool: &PgPool) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("SELECT coalesce(max(outbox_id) - min(outbox_id) + 1, 0) FROM shared.outbox")
        .fetch_one(pool)
        .await
}

/// Deletes the rows Kafka acknowledged.
pub async fn delete(pool: &PgPool, outbox_ids: &[i64]) -> Result<(), sqlx::Error> {
    if outbox_ids.is_empty() {
        return Ok(());
    }
    sqlx::query("DELETE FROM shared.outbox WHERE outbox_id = ANY($1)").bind(outbox_ids).execute(pool).await?;
    Ok(())
}
