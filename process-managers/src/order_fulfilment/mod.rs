//! The order-fulfilment process manager (order to cash): it places the sales orders won
//! opportunities create, reserves, issues and invoices the stock of sales orders and records
//! their payments, reacting to
//!
//! - `OpportunityWon` with a sales order → place it as the win recorded it
//!   ([`won_opportunities`]), which starts the rest below;
//! - `OrderPlaced` → reserve each line at the order's ship-from location (reservation
//!   `"<order_id>/<line_no>"`), holding the stock while the order awaits confirmation; a line
//!   whose stock is insufficient is left for confirmation ([`allocation`]);
//! - `OrderConfirmed` → reserve each line not reserved yet, back-order a line whose stock is
//!   still insufficient, then `RecordAllocation` on the order ([`allocation`]). On either
//!   event a reservation refused for good (the location closed since the order was placed…)
//!   is compensated: the order is cancelled, naming the line and the refusal, and what its
//!   other lines reserved is released;
//! - `InventoryUpdated` raising what is available at a location (receipt, transfer in, count
//!   gain, release) → reserve, oldest order first, the back-ordered lines of that SKU of the
//!   orders still `confirmed` with back-orders shipping from there, and record their new
//!   allocations; an order's own back-ordered `OrderAllocated` → the same for all its
//!   back-ordered lines ([`backorders`]);
//! - `OrderCancelled` (always before anything shipped) → release the order's reservations
//!   ([`allocation`]);
//! - `OrderShipped` → raise a customer invoice for the shipped lines at the order's prices
//!   (revenue `4000`, no tax, issued on the ship date), then issue each shipped line against
//!   its reservation (which keeps what is not shipped yet), and link the invoice to the order
//!   ([`shipping`]);
//! - `OrderReturned` → receive each returned line back into stock at the ship-from location
//!   at the line's average issued unit cost, under the reference
//!   [`crate::inventory_postings::sales_return_reference`] (so its value goes from cost of
//!   goods sold back to inventory), then raise a customer credit note for the returned lines
//!   at the order's prices, crediting the order's first invoice, issued on the return date
//!   ([`returns`]);
//! - `PaymentProcessed` → `MarkPaid` on every sales order one of its invoices is linked to,
//!   with what the payment allocated to that order's invoices ([`settlement`]).
//!
//! Every step is an idempotent command (ids derived from the order, the shipment or return,
//! and the line), so a reaction that failed or was killed half-way is redone whole on
//! redelivery and leaves stock, ledger and order as if it had run once.

mod allocation;
mod backorders;
mod returns;
mod settlement;
mod shipping;
mod won_opportunities;

use std::sync::Arc;

use cqrs_es::Aggregate;
use prism_aggregates::crm::opportunity::{Opportunity, OpportunityEvent};
use prism_aggregates::finance::payment::{Payment, PaymentEvent};
use prism_aggregates::supply::sales_order::{SalesOrder, SalesOrderEvent};
use prism_aggregates::supply::stock::{Stock, StockEvent};
use prism_command_api::request_context::RequestContext;
use prism_projections::decode::{DomainEvent, ProjectedEvent};
use prism_projections::projection::ProjectionError;
use uuid::Uuid;

use crate::saga::{tenant_of, Reaction};
use crate::stores::EventStores;

/// Name of this process manager (consumer group, dead-letter topic, metrics).
pub const NAME: &str = "order-fulfilment";

/// Fulfils sales orders from stock and bills them.
pub struct OrderFulfilment {
    stores: Arc<EventStores>,
}

impl OrderFulfilment {
    /// The process manager over `stores`.
    #[must_use]
    pub fn new(stores: Arc<EventStores>) -> Self {
        Self { stores }
    }
}

#[async_trait::async_trait]
impl Reaction for OrderFulfilment {
    const AGGREGATE_TYPES: &'static [&'static str] = &[SalesOrder::TYPE, Payment::TYPE, Stock::TYPE, Opportunity::TYPE];

    async fn react(&self, event: &ProjectedEvent) -> Result<(), ProjectionError> {
        let stores = &self.stores;
        let context = RequestContext::reacting_to(&event.envelope);
        match &event.event {
            DomainEvent::SalesOrder(SalesOrderEvent::OrderPlaced(placed)) => {
                let tenant = tenant_of(&event.envelope)?;
                allocation::hold(stores, &tenant, &placed.order_id, &context).await
            }
            DomainEvent::SalesOrder(SalesOrderEvent::OrderConfirmed(confirmed)) => {
                let tenant = tenant_of(&event.envelope)?;
                allocation::allocate(stores, &tenant, &confirmed.order_id, &context).await
            }
            DomainEvent::SalesOrder(SalesOrderEvent::OrderAllocated(allocated)) if !allocated.fully_reserved => {
                let tenant = tenant_of(&event.envelope)?;
                backorders::fill(stores, &tenant, &allocated.order_id, None, &context).await
            }
            DomainEvent::Stock(StockEvent::InventoryUpdated(updated)) => {
                let tenant = tenant_of(&event.envelope)?;
                backorders::stock_arrived(stores, &tenant, updated, &context).await
            }
            DomainEvent::SalesOrder(SalesOrderEvent::OrderCancelled(cancelled)) => {
                let tenant = tenant_of(&event.envelope)?;
                allocation::release(stores, &tenant, cancelled, &context).await
            }
            DomainEvent::SalesOrder(SalesOrderEvent::OrderShipped(shipped)) => {
                let tenant = tenant_of(&event.envelope)?;
                shipping::ship(stores, &tenant, shipped, &context).await
            }
            DomainEvent::SalesOrder(SalesOrderEvent::OrderReturned(returned)) => {
                let tenant = tenant_of(&event.envelope)?;
                returns::take_back(stores, &tenant, returned, &context).await
            }
            DomainEvent::Payment(PaymentEvent::PaymentProcessed(payment)) => {
                let tenant = tenant_of(&event.envelope)?;
                settlement::settle(stores, &tenant, payment, &context).await
            }
            DomainEvent::Opportunity(OpportunityEvent::OpportunityWon(won)) => {
                let tenant = tenant_of(&event.envelope)?;
                won_opportunities::place_order(stores, &tenant, won, &context).await
            }
            _ => Ok(()),
        }
    }
}

/// The reservation of line `line_no` of order `order_id`: `"<order_id>/<line_no>"`.
#[must_use]
pub fn reservation_id(order_id: &str, line_no: i32) -> String {
    format!("{order_id}/{line_no}")
}

/// The customer invoice of shipment `shipment_id` of order `order_id`: UUID v5 in the OID
/// namespace of `"<order_id>/<shipment_id>"`.
#[must_use]
pub fn invoice_id_for(order_id: &str, shipment_id: &str) -> Uuid {
    Uuid::new_v5(&Uuid::NAMESPACE_OID, format!("{order_id}/{shipment_id}").as_bytes())
}

/// The customer credit note of return `return_id` of order `order_id`: UUID v5 in the OID
/// namespace of `"<order_id>/<return_id>/credit-note"`.
#[must_use]
pub fn credit_note_id_for(order_id: &str, return_id: &str) -> Uuid {
    Uuid::new_v5(&Uuid::NAMESPACE_OID, format!("{order_id}/{return_id}/credit-note").as_bytes())
}
