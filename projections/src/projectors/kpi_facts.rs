//! The facts behind Spectrum's KPIs that the postings and stock series lack (timeseries
//! migration `0005_kpis`): each sales order placed, with its currency and total, at the time it
//! was recorded (`orders_placed`, for orders and average order value); and the control accounts
//! of customer invoices and credit notes (`receivable_accounts`, whose balance is the
//! receivables behind days sales outstanding). Orders are keyed by order and time, accounts by
//! code, so a redelivered event changes nothing.

use prism_aggregates::finance::invoice::InvoiceEvent;
use prism_aggregates::supply::sales_order::SalesOrderEvent;
use sqlx::PgConnection;

use crate::decode::{DomainEvent, ProjectedEvent};
use crate::projection::ProjectionError;

/// Invoice kinds whose control account is a receivable.
const CUSTOMER_KINDS: [&str; 2] = ["customer_invoice", "customer_credit_note"];

/// Records the orders placed and the receivable accounts named among `events`, in one
/// statement each.
///
/// # Errors
/// The database refusing.
pub async fn insert_kpi_facts(
    tx: &mut PgConnection,
    schema: &str,
    events: &[&ProjectedEvent],
) -> Result<(), ProjectionError> {
    let mut orders = Vec::new();
    let mut receivables = Vec::new();
    for event in events {
        let position = event.envelope.global_position;
        match &event.event {
            DomainEvent::SalesOrder(SalesOrderEvent::OrderPlaced(placed)) => {
                orders.push((event.envelope.occurred_at, placed, position));
            }
            DomainEvent::Invoice(InvoiceEvent::InvoiceDrafted(drafted))
                if CUSTOMER_KINDS.contains(&drafted.kind.as_str()) =>
            {
                receivables.push(drafted.control_account.as_str());
            }
            _ => {}
        }
    }
    if !orders.is_empty() {
        sqlx::query(&format!(
            "INSERT INTO {schema}.orders_placed (placed_at, order_id, currency, total_minor, global_position)
             SELECT * FROM UNNEST($1::timestamptz[], $2::text[], $3::text[], $4::int8[], $5::int8[])
             ON CONFLICT DO NOTHING"
        ))
        .bind(orders.iter().map(|(at, _, _)| *at).collect::<Vec<_>>())
        .bind(orders.iter().map(|(_, placed, _)| placed.order_id.as_str()).collect::<Vec<_>>())
        .bind(orders.iter().map(|(_, placed, _)| placed.currency.as_str()).collect::<Vec<_>>())
        .bind(orders.iter().map(|(_, placed, _)| placed.total_minor).collect::<Vec<_>>())
        .bind(orders.iter().map(|(_, _, position)| *position).collect::<Vec<_>>())
        .execute(&mut *tx)
        .await?;
    }
    if !receivables.is_empty() {
        sqlx::query(&format!(
            "INSERT INTO {schema}.receivable_accounts (code)
             SELECT DISTINCT code FROM UNNEST($1::text[]) AS r (code)
             ON CONFLICT (code) DO NOTHING"
        ))
        .bind(&receivables)
        .execute(tx)
        .await?;
    }
    Ok(())
}
