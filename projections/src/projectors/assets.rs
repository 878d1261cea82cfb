//! Plant equipment in the Postgres read model, in the tenant's schema (see migration
//! `0022_assets`): one row per asset (`assets`) with its status, maintenance schedule and the
//! downtime under way, the maintenance log (`asset_maintenance`) and every downtime
//! (`asset_downtimes`). The seed event inserts the asset's row once; every later event updates
//! it only past the row's `last_position`, and log rows are keyed so that a second insert does
//! nothing: applying an event twice changes nothing.

use chrono::{DateTime, NaiveDate, Utc};
use prism_aggregates::production::asset::{AssetEvent, AssetRegistered, AssetStatus};
use prism_platform::envelope::EventEnvelope;
use sqlx::PgConnection;
use uuid::Uuid;

use crate::projection::ProjectionError;

/// What one event changes in an asset's row; `None` leaves a column as it is.
#[derive(Default)]
struct AssetChange {
    status: Option<AssetStatus>,
    /// The next due date, set (to a date or to none).
    next_maintenance_due: Option<Option<NaiveDate>>,
    last_maintenance_on: Option<NaiveDate>,
    /// The downtime under way, set (to its start or to none).
    down_since: Option<Option<DateTime<Utc>>>,
    retired_on: Option<NaiveDate>,
}

/// Applies one asset event with its `envelope`.
///
/// # Errors
/// When the asset id is not a UUID or the database refuses.
pub async fn apply_asset(
    tx: &mut PgConnection,
    schema: &str,
    event: &AssetEvent,
    envelope: &EventEnvelope,
) -> Result<(), ProjectionError> {
    let asset_id = Uuid::parse_str(&envelope.aggregate_id)?;
    let change = match event {
        AssetEvent::AssetRegistered(registered) => return insert_registered(tx, schema, registered, envelope).await,
        AssetEvent::MaintenanceScheduled(scheduled) => {
            AssetChange { next_maintenance_due: Some(Some(scheduled.due_on)), ..Default::default() }
        }
        AssetEvent::MaintenancePerformed(performed) => {
            sqlx::query(&format!(
                "INSERT INTO {schema}.asset_maintenance (asset_id, global_position, performed_on, notes)
                 VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING"
            ))
            .bind(asset_id)
            .bind(envelope.global_position)
            .bind(performed.performed_on)
            .bind(&performed.notes)
            .execute(&mut *tx)
            .await?;
            AssetChange {
                next_maintenance_due: Some(performed.next_maintenance_due),
                last_maintenance_on: Some(performed.performed_on),
                ..Default::default()
            }
        }
        AssetEvent::DowntimeStarted(started) => {
            sqlx::query(&format!(
                "INSERT INTO {schema}.asset_downtimes (asset_id, started_at, reason, planned)
                 VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING"
            ))
            .bind(asset_id)
            .bind(started.started_at)
            .bind(&started.reason)
            .bind(started.planned)
            .execute(&mut *tx)
            .await?;
            AssetChange {
                status: Some(AssetStatus::Down),
                down_since: Some(Some(started.started_at)),
                ..Default::default()
            }
        }
        AssetEvent::DowntimeEnded(ended) => {
            sqlx::query(&format!(
                "UPDATE {schema}.asset_downtimes SET ended_at = $3, duration_seconds = $4
                  WHERE asset_id = $1 AND started_at = $2"
            ))
            .bind(asset_id)
            .bind(ended.started_at)
            .bind(ended.ended_at)
            .bind(ended.duration_seconds)
            .execute(&mut *tx)
            .await?;
            AssetChange { status: Some(AssetStatus::Running), down_since: Some(None), ..Default::default() }
        }
        AssetEvent::AssetRetired(retired) => AssetChange {
            status: Some(AssetStatus::Retired),
            retired_on: Some(retired.retired_on),
            ..Default::default()
        },
    };
    update_asset(tx, schema, asset_id, &change, envelope).await
}

/// Inserts the row of a registered asset, once.
async fn insert_registered(
    tx: &mut PgConnection,
    schema: &str,
    registered: &AssetRegistered,
    envelope: &EventEnvelope,
) -> Result<(), ProjectionError> {
    sqlx::query(&format!(
        "INSERT INTO {schema}.assets (asset_id, name, location, status, maintenance_interval_days,
                                      next_maintenance_due, registered_at, updated_at, last_position)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $7, $8)
         ON CONFLICT (asset_id) DO NOTHING"
    ))
    .bind(Uuid::parse_str(&registered.asset_id)?)
    .bind(&registered.name)
    .bind(&registered.location)
    .bind(AssetStatus::Running.as_str())
    .bind(registered.maintenance_interval_days)
    .bind(registered.next_maintenance_due)
    .bind(envelope.occurred_at)
    .bind(envelope.global_position)
    .execute(tx)
    .await?;
    Ok(())
}

/// Writes `change` to the asset's row when the event is past the row's last position.
async fn update_asset(
    tx: &mut PgConnection,
    schema: &str,
    asset_id: Uuid,
    change: &AssetChange,
    envelope: &EventEnvelope,
) -> Result<(), ProjectionError> {
    sqlx::query(&format!(
        "UPDATE {schema}.assets
            SET status = coalesce($2, status),
                next_maintenance_due = CASE WHEN $3 THEN $4 ELSE next_maintenance_due END,
                last_maintenance_on = coalesce($5, last_maintenance_on),
                down_since = CASE WHEN $6 THEN $7 ELSE down_since END,
                retired_on = coalesce($8, retired_on),
                updated_at = $9, last_position = $10
          WHERE asset_id = $1 AND last_position < $10"
    ))
    .bind(asset_id)
    .bind(change.status.map(AssetStatus::as_str))
    .bind(change.next_maintenance_due.is_some())
    .bind(change.next_maintenance_due.flatten())
    .bind(change.last_maintenance_on)
    .bind(change.down_since.is_some())
    .bind(change.down_since.flatten())
    .bind(change.retired_on)
    .bind(envelope.occurred_at)
    .bind(envelope.global_position)
    .execute(tx)
    .await?;
    Ok(())
}
