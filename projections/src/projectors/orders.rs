//! Sales and purchase orders in the Postgres read model, in the tenant's schema:
//! `sales_orders` and `purchase_orders` (see migration `0011_orders`), one row per order with
//! its status and totals. The seed event inserts the row (a second insert does nothing); every
//! later event updates it only when its global position is past the row's `last_position`, so
//! applying an event twice changes nothing. Events that change none of its columns (returns,
//! invoice links, an allocation with back-orders) only move `last_position`.

use prism_aggregates::supply::purchase_order::{PurchaseOrderEvent, PurchaseOrderStatus};
use prism_aggregates::supply::sales_order::{SalesOrderEvent, SalesOrderStatus};
use prism_platform::envelope::EventEnvelope;
use sqlx::PgConnection;
use uuid::Uuid;

use crate::projection::ProjectionError;

/// What one later sales order event changes in its row.
#[derive(Default)]
struct SalesOrderChange<'a> {
    status: Option<&'a str>,
    paid_minor: Option<i64>,
}

/// Applies one sales order event with its `envelope`.
///
/// # Errors
/// When the order id is not a UUID or the database refuses.
pub async fn apply_sales_order(
    tx: &mut PgConnection,
    schema: &str,
    event: &SalesOrderEvent,
    envelope: &EventEnvelope,
) -> Result<(), ProjectionError> {
    let status = |status: SalesOrderStatus| SalesOrderChange { status: Some(status.as_str()), paid_minor: None };
    let change = match event {
        SalesOrderEvent::OrderPlaced(placed) => {
            sqlx::query(&format!(
                "INSERT INTO {schema}.sales_orders (order_id, customer_id, customer_name, currency, ship_from, status,
                                                    total_minor, placed_at, last_position)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
                 ON CONFLICT (order_id) DO NOTHING"
            ))
            .bind(Uuid::parse_str(&placed.order_id)?)
            .bind(&placed.customer_id)
            .bind(&placed.customer_name)
            .bind(&placed.currency)
            .bind(&placed.ship_from)
            .bind(SalesOrderStatus::Placed.as_str())
            .bind(placed.total_minor)
            .bind(envelope.occurred_at)
            .bind(envelope.global_position)
            .execute(tx)
            .await?;
            return Ok(());
        }
        SalesOrderEvent::OrderConfirmed(_) => status(SalesOrderStatus::Confirmed),
        SalesOrderEvent::OrderAllocated(allocated) if allocated.fully_reserved => status(SalesOrderStatus::Allocated),
        SalesOrderEvent::OrderPicked(_) => status(SalesOrderStatus::Picked),
        SalesOrderEvent::OrderShipped(shipped) => SalesOrderChange { status: Some(&shipped.status), paid_minor: None },
        SalesOrderEvent::OrderDelivered(_) => status(SalesOrderStatus::Delivered),
        SalesOrderEvent::OrderCancelled(_) => status(SalesOrderStatus::Cancelled),
        SalesOrderEvent::OrderPaid(paid) => SalesOrderChange { status: None, paid_minor: Some(paid.paid_total_minor) },
        SalesOrderEvent::OrderAllocated(_) | SalesOrderEvent::OrderReturned(_) | SalesOrderEvent::OrderInvoiced(_) => {
            SalesOrderChange::default()
        }
    };
    sqlx::query(&format!(
        "UPDATE {schema}.sales_orders
            SET status = coalesce($2, status), paid_minor = coalesce($3, paid_minor), last_position = $4
          WHERE order_id = $1 AND last_position < $4"
    ))
    .bind(Uuid::parse_str(&envelope.aggregate_id)?)
    .bind(change.status)
    .bind(change.paid_minor)
    .bind(envelope.global_position)
    .execute(tx)
    .await?;
    Ok(())
}

/// What one later purchase order event changes in its row.
#[derive(Default)]
struct PurchaseOrderChange<'a> {
    status: Option<&'a str>,
    approved_by: Option<&'a str>,
    billed_minor: i64,
    matched: Option<bool>,
}

/// Applies one purchase order event with its `envelope`.
///
/// # Errors
/// When the order id is not a UUID or the database refuses.
pub async fn apply_purchase_order(
    tx: &mut PgConnection,
    schema: &str,
    event: &PurchaseOrderEvent,
    envelope: &EventEnvelope,
) -> Result<(), ProjectionError> {
    let status =
        |status: PurchaseOrderStatus| PurchaseOrderChange { status: Some(status.as_str()), ..Default::default() };
    let change = match event {
        PurchaseOrderEvent::PurchaseOrderDrafted(drafted) => {
            sqlx::query(&format!(
                "INSERT INTO {schema}.purchase_orders (order_id, vendor_id, vendor_name, currency, status, total_minor,
                                                       requested_by, drafted_at, last_position)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
                 ON CONFLICT (order_id) DO NOTHING"
            ))
            .bind(Uuid::parse_str(&drafted.order_id)?)
            .bind(&drafted.vendor_id)
            .bind(&drafted.vendor_name)
            .bind(&drafted.currency)
            .bind(PurchaseOrderStatus::Draft.as_str())
            .bind(drafted.total_minor)
            .bind(&drafted.requested_by)
            .bind(envelope.occurred_at)
            .bind(envelope.global_position)
            .execute(tx)
            .await?;
            return Ok(());
        }
        PurchaseOrderEvent::PurchaseOrderSubmitted(submitted) if submitted.auto_approved => {
            status(PurchaseOrderStatus::Approved)
        }
        PurchaseOrderEvent::PurchaseOrderSubmitted(_) => status(PurchaseOrderStatus::Submitted),
        PurchaseOrderEvent::PurchaseOrderApproved(approved) => {
            PurchaseOrderChange { approved_by: Some(&approved.approved_by), ..status(PurchaseOrderStatus::Approved) }
        }
        PurchaseOrderEvent::GoodsReceived(received) => {
            PurchaseOrderChange { status: Some(&received.status), ..Default::default() }
        }
        PurchaseOrderEvent::PurchaseOrderBilled(billed) => PurchaseOrderChange {
            billed_minor: billed.bill_total_minor,
            matched: Some(billed.matched),
            ..status(PurchaseOrderStatus::Billed)
        },
        PurchaseOrderEvent::PurchaseOrderClosed(_) => status(PurchaseOrderStatus::Closed),
        PurchaseOrderEvent::PurchaseOrderCancelled(_) => status(PurchaseOrderStatus::Cancelled),
    };
    sqlx::query(&format!(
        "UPDATE {schema}.purchase_orders
            SET status = coalesce($2, status), approved_by = coalesce($3, approved_by),
                billed_minor = billed_minor + $4, matched = coalesce($5, matched), last_position = $6
          WHERE order_id = $1 AND last_position < $6"
    ))
    .bind(Uuid::parse_str(&envelope.aggregate_id)?)
    .bind(change.status)
    .bind(change.approved_by)
    .bind(change.billed_minor)
    .bind(change.matched)
    .bind(envelope.global_position)
    .execute(tx)
    .await?;
    Ok(())
}
