//! A payment's part that pays sales orders: each allocation to an invoice linked to a sales
//! order (the order's `OrderInvoiced` naming the invoice, found in the event store) counts
//! towards that order, and each order is marked paid once per payment with the sum.

use std::collections::BTreeMap;

use cqrs_es::Aggregate;
use prism_aggregates::finance::payment::PaymentProcessed;
use prism_aggregates::supply::sales_order::{MarkPaid, SalesOrder, SalesOrderCommand};
use prism_aggregates::tenant::TenantId;
use prism_command_api::request_context::RequestContext;
use prism_platform::db::quote_ident;
use prism_platform::tenancy::schema_of;
use prism_projections::projection::ProjectionError;
use prism_projections::transient::Transient;

use crate::saga::execute;
use crate::stores::EventStores;

/// Marks every sales order `payment` pays (part of) as paid by it.
pub(super) async fn settle(
    stores: &EventStores,
    tenant: &TenantId,
    payment: &PaymentProcessed,
    context: &RequestContext,
) -> Result<(), ProjectionError> {
    let mut paid: BTreeMap<String, i64> = BTreeMap::new();
    for allocation in &payment.allocations {
        if let Some(order_id) = order_invoiced_by(stores, tenant, &allocation.invoice_id).await? {
            *paid.entry(order_id).or_default() += allocation.amount_minor;
        }
    }
    for (order_id, amount_minor) in paid {
        let mark = SalesOrderCommand::MarkPaid(MarkPaid { payment_id: payment.payment_id.clone(), amount_minor });
        execute(&stores.sales_orders, tenant, &order_id, &mark, context, |_| false).await?;
    }
    Ok(())
}

/// The sales order invoice `invoice_id` is linked to, if any.
async fn order_invoiced_by(
    stores: &EventStores,
    tenant: &TenantId,
    invoice_id: &str,
) -> Result<Option<String>, ProjectionError> {
    let sql = format!(
        "SELECT aggregate_id FROM {}.events
          WHERE aggregate_type = $1 AND event_type = 'OrderInvoiced'
            AND payload -> 'OrderInvoiced' ->> 'invoice_id' = $2
          LIMIT 1",
        quote_ident(&schema_of(tenant))
    );
    sqlx::query_scalar(&sql)
        .bind(SalesOrder::TYPE)
        .bind(invoice_id)
        .fetch_optional(&stores.pool)
        .await
        .map_err(|e| Box::new(Transient(e.to_string())) as ProjectionError)
}
