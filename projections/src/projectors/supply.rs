//! The supply chain in the Postgres read model, in the tenant's schema: `items`, `locations`,
//! `supply_settings` and `stock_levels` (see migration `0010_supply`). Each row carries the
//! global position of the last event applied to it and is only ever changed by a later one,
//! so applying an event twice changes nothing. Stock levels are set, not summed, from the
//! totals every `InventoryUpdated` carries after its movement.

use prism_aggregates::supply::item::ItemEvent;
use prism_aggregates::supply::locations::LocationsEvent;
use prism_aggregates::supply::settings::SupplySettingsEvent;
use prism_aggregates::supply::stock::StockEvent;
use sqlx::PgConnection;

use crate::projection::ProjectionError;

/// Applies one item event recorded at global `position`.
///
/// # Errors
/// When the database refuses.
pub async fn apply_item(
    tx: &mut PgConnection,
    schema: &str,
    event: &ItemEvent,
    position: i64,
) -> Result<(), ProjectionError> {
    match event {
        ItemEvent::ItemDefined(defined) => {
            sqlx::query(&format!(
                "INSERT INTO {schema}.items (sku, name, unit_of_measure, valuation_method, currency,
                                             reorder_point_milli, reorder_quantity_milli, status, last_position)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, 'active', $8)
                 ON CONFLICT (sku) DO NOTHING"
            ))
            .bind(&defined.sku)
            .bind(&defined.name)
            .bind(&defined.unit_of_measure)
            .bind(&defined.valuation_method)
            .bind(&defined.currency)
            .bind(defined.reorder_point_milli.unwrap_or(0))
            .bind(defined.reorder_quantity_milli.unwrap_or(0))
            .bind(position)
            .execute(tx)
            .await?;
        }
        ItemEvent::ItemReorderPolicyChanged(changed) => {
            sqlx::query(&format!(
                "UPDATE {schema}.items SET reorder_point_milli = $2, reorder_quantity_milli = $3, last_position = $4
                  WHERE sku = $1 AND last_position < $4"
            ))
            .bind(&changed.sku)
            .bind(changed.reorder_point_milli.unwrap_or(0))
            .bind(changed.reorder_quantity_milli.unwrap_or(0))
            .bind(position)
            .execute(tx)
            .await?;
        }
        ItemEvent::ItemRenamed(renamed) => {
            sqlx::query(&format!(
                "UPDATE {schema}.items SET name = $2, last_position = $3 WHERE sku = $1 AND last_position < $3"
            ))
            .bind(&renamed.sku)
            .bind(&renamed.name)
            .bind(position)
            .execute(tx)
            .await?;
        }
        ItemEvent::ItemDiscontinued(discontinued) => {
            sqlx::query(&format!(
                "UPDATE {schema}.items SET status = 'discontinued', last_position = $2
                  WHERE sku = $1 AND last_position < $2"
            ))
            .bind(&discontinued.sku)
            .bind(position)
            .execute(tx)
            .await?;
        }
    }
    Ok(())
}

/// Applies one locations event recorded at global `position`.
///
/// # Errors
/// When the database refuses.
pub async fn apply_locations(
    tx: &mut PgConnection,
    schema: &str,
    event: &LocationsEvent,
    position: i64,
) -> Result<(), ProjectionError> {
    match event {
        LocationsEvent::LocationOpened(opened) => {
            sqlx::query(&format!(
                "INSERT INTO {schema}.locations (code, name, kind, parent, warehouse, status, last_position)
                 VALUES ($1, $2, $3, $4, $5, 'open', $6)
                 ON CONFLICT (code) DO NOTHING"
            ))
            .bind(&opened.code)
            .bind(&opened.name)
            .bind(&opened.kind)
            .bind(&opened.parent)
            .bind(&opened.warehouse)
            .bind(position)
            .execute(tx)
            .await?;
        }
        LocationsEvent::LocationRenamed(renamed) => {
            sqlx::query(&format!(
                "UPDATE {schema}.locations SET name = $2, last_position = $3 WHERE code = $1 AND last_position < $3"
            ))
            .bind(&renamed.code)
            .bind(&renamed.name)
            .bind(position)
            .execute(tx)
            .await?;
        }
        LocationsEvent::LocationClosed(closed) => {
            sqlx::query(&format!(
                "UPDATE {schema}.locations SET status = 'closed', last_position = $2
                  WHERE code = $1 AND last_position < $2"
            ))
            .bind(&closed.code)
            .bind(position)
            .execute(tx)
            .await?;
        }
    }
    Ok(())
}

/// Applies one supply-settings event recorded at global `position`.
///
/// # Errors
/// When the database refuses.
pub async fn apply_settings(
    tx: &mut PgConnection,
    schema: &str,
    event: &SupplySettingsEvent,
    position: i64,
) -> Result<(), ProjectionError> {
    let SupplySettingsEvent::SupplySettingsChanged(changed) = event;
    sqlx::query(&format!(
        "INSERT INTO {schema}.supply_settings
             (allow_negative_stock, po_approval_threshold_minor, po_approval_currency, last_position)
         VALUES ($1, $2, $3, $4)
         ON CONFLICT (singleton) DO UPDATE
            SET allow_negative_stock = excluded.allow_negative_stock,
                po_approval_threshold_minor = excluded.po_approval_threshold_minor,
                po_approval_currency = excluded.po_approval_currency, last_position = excluded.last_position
          WHERE supply_settings.last_position < excluded.last_position"
    ))
    .bind(changed.allow_negative_stock)
    .bind(changed.po_approval_threshold_minor)
    .bind(&changed.po_approval_currency)
    .bind(position)
    .execute(tx)
    .await?;
    Ok(())
}

/// Applies one stock event recorded at global `position`: the location's level becomes the
/// totals after the movement.
///
/// # Errors
/// When the database refuses.
pub async fn apply_stock(
    tx: &mut PgConnection,
    schema: &str,
    event: &StockEvent,
    position: i64,
) -> Result<(), ProjectionError> {
    let StockEvent::InventoryUpdated(updated) = event;
    sqlx::query(&format!(
        "INSERT INTO {schema}.stock_levels (sku, location, on_hand_milli, reserved_milli, value_minor, currency, last_position)
         VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (sku, location) DO UPDATE
            SET on_hand_milli = excluded.on_hand_milli, reserved_milli = excluded.reserved_milli,
                value_minor = excluded.value_minor, currency = excluded.currency,
                last_position = excluded.last_position
          WHERE stock_levels.last_position < excluded.last_position"
    ))
    .bind(&updated.sku)
    .bind(&updated.location)
    .bind(updated.on_hand_after_milli)
    .bind(updated.reserved_after_milli)
    .bind(updated.value_after_minor)
    .bind(&updated.currency)
    .bind(position)
    .execute(tx)
    .await?;
    Ok(())
}
