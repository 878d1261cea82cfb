//! Facts about a sales order. The serde JSON of each payload mirrors its Avro schema in
//! `schemas/avro/supply/` field for field (a test keeps them from drifting); the enum is
//! externally tagged: `{"OrderShipped": {...}}`. Topic `prism.supply.sales-order.v1`, key =
//! `order_id`, version `1`.

use chrono::NaiveDate;
use cqrs_es::DomainEvent;
use serde::{Deserialize, Serialize};

use crate::supply::order_lines::{LineQuantity, OrderLine};

/// An order was placed: the seed event; the order is `placed`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderPlaced {
    /// Id of the order (the aggregate id), a UUID.
    pub order_id: String,
    /// Id of the customer.
    pub customer_id: String,
    /// Name of the customer.
    pub customer_name: String,
    /// ISO-4217 currency of every price.
    pub currency: String,
    /// Code of the location the order ships from.
    pub ship_from: String,
    /// The lines with their nets.
    pub lines: Vec<OrderLine>,
    /// Sum of the line nets, minor units.
    pub total_minor: i64,
}

/// The order was confirmed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderConfirmed {
    /// Id of the order.
    pub order_id: String,
}

/// What was reserved and back-ordered for one line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AllocatedLine {
    /// The order line's 1-based `line_no`.
    pub line_no: i32,
    /// The line's SKU.
    pub sku: String,
    /// Quantity reserved, thousandths.
    pub reserved_milli: i64,
    /// Quantity back-ordered, thousandths.
    pub back_ordered_milli: i64,
}

/// The saga recorded the allocation of every line; it replaces any earlier one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderAllocated {
    /// Id of the order.
    pub order_id: String,
    /// Every line's allocation, in `line_no` order.
    pub lines: Vec<AllocatedLine>,
    /// Whether everything is reserved: the order is then `allocated`, else it stays
    /// `confirmed` with back-orders.
    pub fully_reserved: bool,
}

/// The order was picked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderPicked {
    /// Id of the order.
    pub order_id: String,
}

/// A shipment left.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderShipped {
    /// Id of the order.
    pub order_id: String,
    /// Id of the shipment.
    pub shipment_id: String,
    /// Date the goods left.
    pub ship_date: NaiveDate,
    /// Code of the location they left from.
    pub ship_from: String,
    /// What shipped, in the command's order.
    pub lines: Vec<LineQuantity>,
    /// `partially_shipped` or `shipped`: the order's status after it.
    pub status: String,
}

/// The fully shipped order was delivered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderDelivered {
    /// Id of the order.
    pub order_id: String,
}

/// The order was cancelled before anything shipped.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderCancelled {
    /// Id of the order.
    pub order_id: String,
    /// Why.
    pub reason: String,
    /// The status it was cancelled in (`placed`, `confirmed`, `allocated` or `picked`), so
    /// the saga knows whether reservations are to be released.
    pub cancelled_in: String,
}

/// The customer returned goods.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderReturned {
    /// Id of the order.
    pub order_id: String,
    /// Id of the return.
    pub return_id: String,
    /// Date the goods came back.
    pub return_date: NaiveDate,
    /// What came back, in the command's order.
    pub lines: Vec<LineQuantity>,
}

/// The invoice raised for a shipment was linked to the order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderInvoiced {
    /// Id of the order.
    pub order_id: String,
    /// Id of the shipment invoiced.
    pub shipment_id: String,
    /// Id (UUID) of the invoice.
    pub invoice_id: String,
}

/// (Part of) a payment for the order was recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderPaid {
    /// Id of the order.
    pub order_id: String,
    /// Id of the payment.
    pub payment_id: String,
    /// Amount paid, minor units.
    pub amount_minor: i64,
    /// Sum paid on the order after it, minor units.
    pub paid_total_minor: i64,
    /// Whether the order total is now paid in full.
    pub fully_paid: bool,
}

/// Everything that can happen to a sales order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum SalesOrderEvent {
    /// See [`OrderPlaced`].
    OrderPlaced(OrderPlaced),
    /// See [`OrderConfirmed`].
    OrderConfirmed(OrderConfirmed),
    /// See [`OrderAllocated`].
    OrderAllocated(OrderAllocated),
    /// See [`OrderPicked`].
    OrderPicked(OrderPicked),
    /// See [`OrderShipped`].
    OrderShipped(OrderShipped),
    /// See [`OrderDelivered`].
    OrderDelivered(OrderDelivered),
    /// See [`OrderCancelled`].
    OrderCancelled(OrderCancelled),
    /// See [`OrderReturned`].
    OrderReturned(OrderReturned),
    /// See [`OrderInvoiced`].
    OrderInvoiced(OrderInvoiced),
    /// See [`OrderPaid`].
    OrderPaid(OrderPaid),
}

impl SalesOrderEvent {
    /// Version of every sales order event type's payload.
    pub const VERSION: &'static str = "1";
}

impl DomainEvent for SalesOrderEvent {
    fn event_type(&self) -> String {
        match self {
            SalesOrderEvent::OrderPlaced(_) => "OrderPlaced",
            SalesOrderEvent::OrderConfirmed(_) => "OrderConfirmed",
            SalesOrderEvent::OrderAllocated(_) => "OrderAllocated",
            SalesOrderEvent::OrderPicked(_) => "OrderPicked",
            SalesOrderEvent::OrderShipped(_) => "OrderShipped",
            SalesOrderEvent::OrderDelivered(_) => "OrderDelivered",
            SalesOrderEvent::OrderCancelled(_) => "OrderCancelled",
            SalesOrderEvent::OrderReturned(_) => "OrderReturned",
            SalesOrderEvent::OrderInvoiced(_) => "OrderInvoiced",
            SalesOrderEvent::OrderPaid(_) => "OrderPaid",
        }
        .to_owned()
    }

    fn event_version(&self) -> String {
        Self::VERSION.to_owned()
    }
}
