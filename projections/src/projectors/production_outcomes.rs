//! Production outcomes in the time series (`production_outcomes`, see timeseries migration
//! `0004_production_outcomes`), the facts behind yield and scrap rates: one row per work order
//! completed (its good and scrapped quantities) or scrapped while in progress (its whole
//! planned quantity scrapped), at the time it ended. Each plan's quantity is kept in
//! `production_planned_quantities` for the scrapped case; plans are stored before outcomes, so
//! a batch holding both finds it. Rows are keyed by work order and time, so a redelivered
//! event is skipped.

use chrono::{DateTime, Utc};
use prism_aggregates::production::work_order::{WorkOrderEvent, WorkOrderStatus};
use sqlx::PgConnection;
use uuid::Uuid;

use crate::decode::{DomainEvent, ProjectedEvent};
use crate::projection::ProjectionError;

/// One work order's end, as stored.
struct Outcome<'a> {
    ended_at: DateTime<Utc>,
    work_order_id: Uuid,
    sku: &'a str,
    outcome: &'static str,
    /// Good quantity; 0 for a scrapped order.
    good_milli: i64,
    /// Scrapped quantity; `None` for a scrapped order: its planned quantity.
    scrapped_milli: Option<i64>,
    position: i64,
}

/// Records the plans and the ends of work orders among `events`, in one statement each.
///
/// # Errors
/// A work order id that is not a UUID, or the database refusing.
pub async fn insert_outcomes(
    tx: &mut PgConnection,
    schema: &str,
    events: &[&ProjectedEvent],
) -> Result<(), ProjectionError> {
    let mut plans = Vec::new();
    let mut outcomes = Vec::new();
    for event in events {
        let DomainEvent::WorkOrder(work_order) = &event.event else { continue };
        let position = event.envelope.global_position;
        let ended_at = event.envelope.occurred_at;
        match work_order {
            WorkOrderEvent::WorkOrderPlanned(planned) => {
                plans.push((Uuid::parse_str(&planned.work_order_id)?, planned.quantity_milli, position));
            }
            WorkOrderEvent::WorkOrderCompleted(completed) => outcomes.push(Outcome {
                ended_at,
                work_order_id: Uuid::parse_str(&completed.work_order_id)?,
                sku: &completed.sku,
                outcome: "completed",
                good_milli: completed.good_quantity_milli,
                scrapped_milli: Some(completed.scrapped_quantity_milli),
                position,
            }),
            WorkOrderEvent::WorkOrderScrapped(scrapped)
                if scrapped.from_status == WorkOrderStatus::InProgress.as_str() =>
            {
                outcomes.push(Outcome {
                    ended_at,
                    work_order_id: Uuid::parse_str(&scrapped.work_order_id)?,
                    sku: &scrapped.sku,
                    outcome: "scrapped",
                    good_milli: 0,
                    scrapped_milli: None,
                    position,
                });
            }
            _ => {}
        }
    }
    insert_plans(tx, schema, &plans).await?;
    insert_ends(tx, schema, &outcomes).await?;
    Ok(())
}

/// Keeps each plan's quantity (`(work_order_id, quantity_milli, position)`); a plan already
/// kept is left as it is.
async fn insert_plans(tx: &mut PgConnection, schema: &str, plans: &[(Uuid, i64, i64)]) -> Result<(), sqlx::Error> {
    if plans.is_empty() {
        return Ok(());
    }
    sqlx::query(&format!(
        "INSERT INTO {schema}.production_planned_quantities (work_order_id, planned_quantity_milli, last_position)
         SELECT * FROM UNNEST($1::uuid[], $2::int8[], $3::int8[])
         ON CONFLICT (work_order_id) DO NOTHING"
    ))
    .bind(plans.iter().map(|plan| plan.0).collect::<Vec<_>>())
    .bind(plans.iter().map(|plan| plan.1).collect::<Vec<_>>())
    .bind(plans.iter().map(|plan| plan.2).collect::<Vec<_>>())
    .execute(tx)
    .await?;
    Ok(())
}

/// Inserts `outcomes`, a scrapped order's quantity taken from its plan.
async fn insert_ends(tx: &mut PgConnection, schema: &str, outcomes: &[Outcome<'_>]) -> Result<(), sqlx::Error> {
    if outcomes.is_empty() {
        return Ok(());
    }
    sqlx::query(&format!(
        "INSERT INTO {schema}.production_outcomes
             (ended_at, work_order_id, sku, outcome, good_quantity_milli, scrapped_quantity_milli, global_position)
         SELECT o.ended_at, o.work_order_id, o.sku, o.outcome, o.good_milli,
                coalesce(o.scrapped_milli, p.planned_quantity_milli, 0), o.position
           FROM UNNEST($1::timestamptz[], $2::uuid[], $3::text[], $4::text[], $5::int8[], $6::int8[], $7::int8[])
                AS o (ended_at, work_order_id, sku, outcome, good_milli, scrapped_milli, position)
           LEFT JOIN {schema}.production_planned_quantities p ON p.work_order_id = o.work_order_id
         ON CONFLICT DO NOTHING"
    ))
    .bind(outcomes.iter().map(|o| o.ended_at).collect::<Vec<_>>())
    .bind(outcomes.iter().map(|o| o.work_order_id).collect::<Vec<_>>())
    .bind(outcomes.iter().map(|o| o.sku).collect::<Vec<_>>())
    .bind(outcomes.iter().map(|o| o.outcome).collect::<Vec<_>>())
    .bind(outcomes.iter().map(|o| o.good_milli).collect::<Vec<_>>())
    .bind(outcomes.iter().map(|o| o.scrapped_milli).collect::<Vec<_>>())
    .bind(outcomes.iter().map(|o| o.position).collect::<Vec<_>>())
    .execute(tx)
    .await?;
    Ok(())
}
