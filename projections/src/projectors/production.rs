//! Production in the Postgres read model, in the tenant's schema (see migration
//! `0019_production`): every bill-of-materials version with its lines (`bom_versions`,
//! `bom_lines`), inserted once per version, and the work-order status board (`work_orders`,
//! one row per order, with the components it needs in `work_order_components`) and the quality
//! checks (`quality_checks`, inserted once). A seed event
//! inserts its rows (a second insert does nothing); every later work-order event updates its
//! row only when its global position is past the row's `last_position`, so applying an event
//! twice changes nothing.

use chrono::{DateTime, Utc};
use prism_aggregates::production::bill_of_materials::BomEvent;
use prism_aggregates::production::quality_check::QualityCheckEvent;
use prism_aggregates::production::work_order::{WorkOrderEvent, WorkOrderPlanned, WorkOrderStatus};
use prism_platform::envelope::EventEnvelope;
use sqlx::PgConnection;
use uuid::Uuid;

use crate::projection::ProjectionError;

/// Applies one bill-of-materials event with its `envelope`.
///
/// # Errors
/// When the database refuses.
pub async fn apply_bom(
    tx: &mut PgConnection,
    schema: &str,
    event: &BomEvent,
    envelope: &EventEnvelope,
) -> Result<(), ProjectionError> {
    let BomEvent::BillOfMaterialsRevised(revised) = event;
    let inserted = sqlx::query(&format!(
        "INSERT INTO {schema}.bom_versions (sku, version, note, revised_at, last_position)
         VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (sku, version) DO NOTHING"
    ))
    .bind(&revised.sku)
    .bind(revised.version)
    .bind(&revised.note)
    .bind(envelope.occurred_at)
    .bind(envelope.global_position)
    .execute(&mut *tx)
    .await?;
    if inserted.rows_affected() == 0 {
        return Ok(());
    }
    let (line_nos, components, quantities): (Vec<i32>, Vec<&str>, Vec<i64>) = revised
        .lines
        .iter()
        .zip(1..)
        .map(|(line, line_no)| (line_no, line.component_sku.as_str(), line.quantity_milli))
        .collect();
    sqlx::query(&format!(
        "INSERT INTO {schema}.bom_lines (sku, version, line_no, component_sku, quantity_milli)
         SELECT $1, $2, * FROM unnest($3::int[], $4::text[], $5::bigint[])"
    ))
    .bind(&revised.sku)
    .bind(revised.version)
    .bind(line_nos)
    .bind(components)
    .bind(quantities)
    .execute(tx)
    .await?;
    Ok(())
}

/// What one later work-order event changes in its row; `None` leaves a column as it is.
#[derive(Default)]
struct WorkOrderChange<'a> {
    status: &'a str,
    released_at: Option<DateTime<Utc>>,
    started_at: Option<DateTime<Utc>>,
    finished_at: Option<DateTime<Utc>>,
    good_quantity_milli: Option<i64>,
    scrapped_quantity_milli: Option<i64>,
    scrap_reason: Option<&'a str>,
}

/// Applies one work-order event with its `envelope`.
///
/// # Errors
/// When the work order id is not a UUID or the database refuses.
pub async fn apply_work_order(
    tx: &mut PgConnection,
    schema: &str,
    event: &WorkOrderEvent,
    envelope: &EventEnvelope,
) -> Result<(), ProjectionError> {
    let at = Some(envelope.occurred_at);
    let change = match event {
        WorkOrderEvent::WorkOrderPlanned(planned) => return insert_planned(tx, schema, planned, envelope).await,
        WorkOrderEvent::WorkOrderReleased(_) => {
            WorkOrderChange { status: WorkOrderStatus::Released.as_str(), released_at: at, ..Default::default() }
        }
        WorkOrderEvent::ProductionStarted(_) => {
            WorkOrderChange { status: WorkOrderStatus::InProgress.as_str(), started_at: at, ..Default::default() }
        }
        WorkOrderEvent::WorkOrderCompleted(completed) => WorkOrderChange {
            status: WorkOrderStatus::Completed.as_str(),
            finished_at: at,
            good_quantity_milli: Some(completed.good_quantity_milli),
            scrapped_quantity_milli: Some(completed.scrapped_quantity_milli),
            ..Default::default()
        },
        WorkOrderEvent::WorkOrderScrapped(scrapped) => WorkOrderChange {
            status: WorkOrderStatus::Scrapped.as_str(),
            finished_at: at,
            scrap_reason: Some(&scrapped.reason),
            ..Default::default()
        },
    };
    sqlx::query(&format!(
        "UPDATE {schema}.work_orders
            SET status = $2, released_at = coalesce($3, released_at), started_at = coalesce($4, started_at),
                finished_at = coalesce($5, finished_at),
                good_quantity_milli = coalesce($6, good_quantity_milli),
                scrapped_quantity_milli = coalesce($7, scrapped_quantity_milli),
                scrap_reason = coalesce($8, scrap_reason), updated_at = $9, last_position = $10
          WHERE work_order_id = $1 AND last_position < $10"
    ))
    .bind(Uuid::parse_str(&envelope.aggregate_id)?)
    .bind(change.status)
    .bind(change.released_at)
    .bind(change.started_at)
    .bind(change.finished_at)
    .bind(change.good_quantity_milli)
    .bind(change.scrapped_quantity_milli)
    .bind(change.scrap_reason)
    .bind(envelope.occurred_at)
    .bind(envelope.global_position)
    .execute(tx)
    .await?;
    Ok(())
}

/// Inserts the row of a planned work order and its components, once.
async fn insert_planned(
    tx: &mut PgConnection,
    schema: &str,
    planned: &WorkOrderPlanned,
    envelope: &EventEnvelope,
) -> Result<(), ProjectionError> {
    let work_order_id = Uuid::parse_str(&planned.work_order_id)?;
    let inserted = sqlx::query(&format!(
        "INSERT INTO {schema}.work_orders (work_order_id, sku, quantity_milli, bom_version, location, due_date, status,
                                           planned_at, updated_at, last_position)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8, $9)
         ON CONFLICT (work_order_id) DO NOTHING"
    ))
    .bind(work_order_id)
    .bind(&planned.sku)
    .bind(planned.quantity_milli)
    .bind(planned.bom_version)
    .bind(&planned.location)
    .bind(planned.due_date)
    .bind(WorkOrderStatus::Planned.as_str())
    .bind(envelope.occurred_at)
    .bind(envelope.global_position)
    .execute(&mut *tx)
    .await?;
    if inserted.rows_affected() == 0 {
        return Ok(());
    }
    let (line_nos, components, quantities): (Vec<i32>, Vec<&str>, Vec<i64>) = planned
        .components
        .iter()
        .zip(1..)
        .map(|(component, line_no)| (line_no, component.component_sku.as_str(), component.quantity_milli))
        .collect();
    sqlx::query(&format!(
        "INSERT INTO {schema}.work_order_components (work_order_id, line_no, component_sku, quantity_milli)
         SELECT $1, * FROM unnest($2::int[], $3::text[], $4::bigint[])"
    ))
    .bind(work_order_id)
    .bind(line_nos)
    .bind(components)
    .bind(quantities)
    .execute(tx)
    .await?;
    Ok(())
}

/// Applies one quality-check event with its `envelope`: its row, inserted once.
///
/// # Errors
/// When an id is not a UUID or the database refuses.
pub async fn apply_quality_check(
    tx: &mut PgConnection,
    schema: &str,
    event: &QualityCheckEvent,
    envelope: &EventEnvelope,
) -> Result<(), ProjectionError> {
    let QualityCheckEvent::QualityCheckCompleted(check) = event;
    let work_order_id = check.work_order_id.as_deref().map(Uuid::parse_str).transpose()?;
    sqlx::query(&format!(
        "INSERT INTO {schema}.quality_checks (quality_check_id, work_order_id, receipt_reference, sku, location,
                                              quantity_milli, result, quarantine_location, notes, completed_at,
                                              last_position)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
         ON CONFLICT (quality_check_id) DO NOTHING"
    ))
    .bind(Uuid::parse_str(&check.quality_check_id)?)
    .bind(work_order_id)
    .bind(&check.receipt_reference)
    .bind(&check.sku)
    .bind(&check.location)
    .bind(check.quantity_milli)
    .bind(&check.result)
    .bind(&check.quarantine_location)
    .bind(&check.notes)
    .bind(envelope.occurred_at)
    .bind(envelope.global_position)
    .execute(tx)
    .await?;
    Ok(())
}
