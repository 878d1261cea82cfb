//! The sales order aggregate's state: a [`SalesOrder`] holds its order once placed, its
//! getters read it — per-line ordered, reserved, back-ordered, shipped and returned quantities
//! ([`SalesOrderLine`]), the status and its history, shipments with their invoices, payments —
//! and `apply` folds the events into it. `handle` checks what [`SalesOrder::decide`] returns
//! against the catalog ([`CatalogServices`]: a placement's items and ship-from location), then
//! records it. No other I/O, no clock.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use cqrs_es::event_sink::EventSink;
use cqrs_es::Aggregate;
use serde::{Deserialize, Serialize};

use super::commands::SalesOrderCommand;
use super::decide::check_catalog;
use super::errors::SalesOrderError;
use super::events::{OrderPlaced, SalesOrderEvent};
use super::status::SalesOrderStatus;
use crate::money::Currency;
use crate::supply::catalog::CatalogServices;
use crate::supply::order_lines::{add_quantities, complete_after, LineQuantity, NumberedLine, StatusTrail};

/// One line of a sales order with how far it has come, quantities in thousandths.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SalesOrderLine {
    /// 1-based position of the line.
    pub line_no: i32,
    /// The item's SKU.
    pub sku: String,
    /// Price of one unit, minor units.
    pub unit_price_minor: i64,
    /// Quantity × unit price, minor units.
    pub net_minor: i64,
    /// Quantity ordered.
    pub ordered_milli: i64,
    /// Quantity reserved by the latest allocation (0 before one).
    pub reserved_milli: i64,
    /// Quantity back-ordered by the latest allocation (0 before one).
    pub back_ordered_milli: i64,
    /// Quantity shipped so far.
    pub shipped_milli: i64,
    /// Quantity returned so far.
    pub returned_milli: i64,
}

/// State of one sales order, folded from its events.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SalesOrder {
    pub(super) order: Option<Order>,
}

/// A sales order once placed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(super) struct Order {
    pub(super) order_id: String,
    pub(super) customer_id: String,
    pub(super) customer_name: String,
    pub(super) currency: Currency,
    pub(super) ship_from: String,
    pub(super) lines: Vec<SalesOrderLine>,
    pub(super) total_minor: i64,
    pub(super) status: StatusTrail<SalesOrderStatus>,
    /// Invoice id (if linked yet) per shipment id.
    pub(super) shipments: BTreeMap<String, Option<String>>,
    pub(super) returns: BTreeSet<String>,
    /// Amount per payment id.
    pub(super) payments: BTreeMap<String, i64>,
}

impl SalesOrder {
    /// The order id once placed.
    #[must_use]
    pub fn id(&self) -> Option<&str> {
        self.order.as_ref().map(|o| o.order_id.as_str())
    }

    /// Where the order is in its life; `None` before it is placed.
    #[must_use]
    pub fn status(&self) -> Option<SalesOrderStatus> {
        self.order.as_ref().map(|o| o.status.current())
    }

    /// Every status the order has been in, oldest first, starting with `placed`; a command
    /// that leaves the status as it is adds nothing.
    #[must_use]
    pub fn status_history(&self) -> &[SalesOrderStatus] {
        self.order.as_ref().map_or(&[], |o| o.status.history())
    }

    /// Id of the customer once placed.
    #[must_use]
    pub fn customer_id(&self) -> Option<&str> {
        self.order.as_ref().map(|o| o.customer_id.as_str())
    }

    /// Name of the customer once placed.
    #[must_use]
    pub fn customer_name(&self) -> Option<&str> {
        self.order.as_ref().map(|o| o.customer_name.as_str())
    }

    /// Currency of every price once placed.
    #[must_use]
    pub fn currency(&self) -> Option<Currency> {
        self.order.as_ref().map(|o| o.currency)
    }

    /// Code of the location the order ships from once placed.
    #[must_use]
    pub fn ship_from(&self) -> Option<&str> {
        self.order.as_ref().map(|o| o.ship_from.as_str())
    }

    /// The lines with their quantities (empty before placing).
    #[must_use]
    pub fn lines(&self) -> &[SalesOrderLine] {
        self.order.as_ref().map_or(&[], |o| o.lines.as_slice())
    }

    /// Sum of the line nets, minor units; 0 before placing.
    #[must_use]
    pub fn total_minor(&self) -> i64 {
        self.order.as_ref().map_or(0, |o| o.total_minor)
    }

    /// Whether the latest allocation left something back-ordered.
    #[must_use]
    pub fn back_ordered(&self) -> bool {
        self.lines().iter().any(|line| line.back_ordered_milli > 0)
    }

    /// The shipments recorded, in id order, each with the invoice linked to it, if any.
    pub fn shipments(&self) -> impl Iterator<Item = (&str, Option<&str>)> {
        self.order.iter().flat_map(|o| o.shipments.iter().map(|(id, invoice)| (id.as_str(), invoice.as_deref())))
    }

    /// The returns recorded, in id order.
    pub fn returns(&self) -> impl Iterator<Item = &str> {
        self.order.iter().flat_map(|o| o.returns.iter().map(String::as_str))
    }

    /// The payments recorded, in id order, with their amounts.
    pub fn payments(&self) -> impl Iterator<Item = (&str, i64)> {
        self.order.iter().flat_map(|o| o.payments.iter().map(|(id, amount)| (id.as_str(), *amount)))
    }

    /// Sum of the payments recorded, minor units.
    #[must_use]
    pub fn paid_minor(&self) -> i64 {
        self.order.as_ref().map_or(0, Order::paid_minor)
    }

    /// Whether the order is placed and its total paid in full. Payment does not change the
    /// status, which follows the goods.
    #[must_use]
    pub fn is_fully_paid(&self) -> bool {
        self.order.as_ref().is_some_and(|o| o.paid_minor() >= o.total_minor)
    }

    /// The order for folding an event about it; an event before `OrderPlaced` is never
    /// recorded by `decide`.
    fn order_mut(&mut self) -> Option<&mut Order> {
        debug_assert!(self.order.is_some(), "sales order event before OrderPlaced");
        self.order.as_mut()
    }
}

impl Aggregate for SalesOrder {
    const TYPE: &'static str = "supply.sales_order";
    type Command = SalesOrderCommand;
    type Event = SalesOrderEvent;
    type Error = SalesOrderError;
    type Services = Arc<dyn CatalogServices>;

    async fn handle(
        &mut self,
        command: Self::Command,
        catalog: &Self::Services,
        sink: &EventSink<Self>,
    ) -> Result<(), Self::Error> {
        let events = self.decide(command)?;
        check_catalog(&events, catalog.as_ref()).await?;
        for event in events {
            sink.write(event, self).await;
        }
        Ok(())
    }

    fn apply(&mut self, event: Self::Event) {
        use SalesOrderEvent as E;
        if let E::OrderPlaced(placed) = event {
            debug_assert!(self.order.is_none(), "order {} placed twice", placed.order_id);
            let order = Order::placed(placed);
            debug_assert!(order.is_some(), "malformed OrderPlaced");
            self.order = order;
            return;
        }
        let Some(order) = self.order_mut() else { return };
        match event {
            E::OrderPlaced(_) => {}
            E::OrderConfirmed(_) => order.status.set(SalesOrderStatus::Confirmed),
            E::OrderAllocated(allocated) => {
                for (line, allocation) in order.lines.iter_mut().zip(allocated.lines) {
                    debug_assert_eq!(line.line_no, allocation.line_no, "allocations are in line_no order");
                    line.reserved_milli = allocation.reserved_milli;
                    line.back_ordered_milli = allocation.back_ordered_milli;
                }
                let status =
                    if allocated.fully_reserved { SalesOrderStatus::Allocated } else { SalesOrderStatus::Confirmed };
                order.status.set(status);
            }
            E::OrderPicked(_) => order.status.set(SalesOrderStatus::Picked),
            E::OrderShipped(shipped) => {
                let status = order.status_after_shipping(&shipped.lines);
                debug_assert_eq!(status.as_str(), shipped.status);
                add_quantities(&mut order.lines, shipped.lines.iter().map(|q| (q.line_no, q.quantity_milli)), |line| {
                    &mut line.shipped_milli
                });
                order.shipments.insert(shipped.shipment_id, None);
                order.status.set(status);
            }
            E::OrderDelivered(_) => order.status.set(SalesOrderStatus::Delivered),
            E::OrderCancelled(_) => order.status.set(SalesOrderStatus::Cancelled),
            E::OrderReturned(returned) => {
                add_quantities(
                    &mut order.lines,
                    returned.lines.iter().map(|q| (q.line_no, q.quantity_milli)),
                    |line| &mut line.returned_milli,
                );
                order.returns.insert(returned.return_id);
            }
            E::OrderInvoiced(invoiced) => {
                order.shipments.insert(invoiced.shipment_id, Some(invoiced.invoice_id));
            }
            E::OrderPaid(paid) => {
                order.payments.insert(paid.payment_id, paid.amount_minor);
                debug_assert_eq!(order.paid_minor(), paid.paid_total_minor);
            }
        }
    }
}

impl Order {
    /// The order an `OrderPlaced` describes; `None` if the event is malformed (which `decide`
    /// never produces).
    fn placed(event: OrderPlaced) -> Option<Self> {
        let lines = event
            .lines
            .into_iter()
            .map(|line| SalesOrderLine {
                line_no: line.line_no,
                sku: line.sku,
                unit_price_minor: line.unit_price_minor,
                net_minor: line.net_minor,
                ordered_milli: line.quantity_milli,
                reserved_milli: 0,
                back_ordered_milli: 0,
                shipped_milli: 0,
                returned_milli: 0,
            })
            .collect();
        Some(Self {
            currency: Currency::parse(&event.currency).ok()?,
            order_id: event.order_id,
            customer_id: event.customer_id,
            customer_name: event.customer_name,
            ship_from: event.ship_from,
            lines,
            total_minor: event.total_minor,
            status: StatusTrail::new(SalesOrderStatus::Placed),
            shipments: BTreeMap::new(),
            returns: BTreeSet::new(),
            payments: BTreeMap::new(),
        })
    }

    /// The status once `shipment` has shipped too: `shipped` when every line then has
    /// shipped in full, else `partially_shipped`.
    pub(super) fn status_after_shipping(&self, shipment: &[LineQuantity]) -> SalesOrderStatus {
        if complete_after(&self.lines, |line| line.shipped_milli, shipment) {
            SalesOrderStatus::Shipped
        } else {
            SalesOrderStatus::PartiallyShipped
        }
    }

    pub(super) fn paid_minor(&self) -> i64 {
        self.payments.values().sum()
    }
}

impl NumberedLine for SalesOrderLine {
    fn line_no(&self) -> i32 {
        self.line_no
    }

    fn sku(&self) -> &str {
        &self.sku
    }

    fn ordered_milli(&self) -> i64 {
        self.ordered_milli
    }
}
