//! Stock movements in the time series (`stock_movements`, see timeseries migration
//! `0003_stock_movements`): one row per `InventoryUpdated`, at the time it occurred, with its
//! quantity, reservation and value changes. Rows are keyed by global position, so a
//! redelivered event is skipped.

use prism_aggregates::supply::stock::StockEvent;
use sqlx::PgConnection;

use crate::decode::{DomainEvent, ProjectedEvent};

/// Inserts the stock movements among `events` in one statement.
///
/// # Errors
/// When the database refuses.
pub async fn insert_movements(
    tx: &mut PgConnection,
    schema: &str,
    events: &[&ProjectedEvent],
) -> Result<(), sqlx::Error> {
    let movements: Vec<_> = events
        .iter()
        .filter_map(|event| match &event.event {
            DomainEvent::Stock(StockEvent::InventoryUpdated(updated)) => Some((*event, updated)),
            _ => None,
        })
        .collect();
    if movements.is_empty() {
        return Ok(());
    }
    sqlx::query(&format!(
        "INSERT INTO {schema}.stock_movements
             (recorded_at, movement_id, sku, location, movement, quantity_change_milli, reserved_change_milli,
              value_change_minor, currency, reference, global_position)
         SELECT * FROM UNNEST($1::timestamptz[], $2::text[], $3::text[], $4::text[], $5::text[], $6::int8[],
                              $7::int8[], $8::int8[], $9::text[], $10::text[], $11::int8[])
         ON CONFLICT DO NOTHING"
    ))
    .bind(movements.iter().map(|(event, _)| event.envelope.occurred_at).collect::<Vec<_>>())
    .bind(movements.iter().map(|(_, m)| m.movement_id.as_str()).collect::<Vec<_>>())
    .bind(movements.iter().map(|(_, m)| m.sku.as_str()).collect::<Vec<_>>())
    .bind(movements.iter().map(|(_, m)| m.location.as_str()).collect::<Vec<_>>())
    .bind(movements.iter().map(|(_, m)| m.movement.as_str()).collect::<Vec<_>>())
    .bind(movements.iter().map(|(_, m)| m.quantity_change_milli).collect::<Vec<_>>())
    .bind(movements.iter().map(|(_, m)| m.reserved_change_milli).collect::<Vec<_>>())
    .bind(movements.iter().map(|(_, m)| m.value_change_minor).collect::<Vec<_>>())
    .bind(movements.iter().map(|(_, m)| m.currency.as_str()).collect::<Vec<_>>())
    .bind(movements.iter().map(|(_, m)| m.reference.as_deref()).collect::<Vec<_>>())
    .bind(movements.iter().map(|(event, _)| event.envelope.global_position).collect::<Vec<_>>())
    .execute(tx)
    .await?;
    Ok(())
}
