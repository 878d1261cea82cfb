//! Facts about a purchase order. The serde JSON of each payload mirrors its Avro schema in
//! `schemas/avro/supply/` field for field (a test keeps them from drifting); the enum is
//! externally tagged: `{"GoodsReceived": {...}}`. Topic `prism.supply.purchase-order.v1`, key =
//! `order_id`, version `1`.

use chrono::NaiveDate;
use cqrs_es::DomainEvent;
use serde::{Deserialize, Serialize};

use super::matching::LineMatch;
use crate::supply::order_lines::{LineQuantity, OrderLine};

/// A purchase order was drafted: the seed event; the order is a `draft`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PurchaseOrderDrafted {
    /// Id of the order (the aggregate id), a UUID.
    pub order_id: String,
    /// Id of the vendor.
    pub vendor_id: String,
    /// Name of the vendor.
    pub vendor_name: String,
    /// ISO-4217 currency of every price.
    pub currency: String,
    /// Id of the requesting user.
    pub requested_by: String,
    /// The lines with their nets.
    pub lines: Vec<OrderLine>,
    /// Sum of the line nets, minor units.
    pub total_minor: i64,
}

/// The draft was submitted; approved at once when its total is within the approval threshold.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PurchaseOrderSubmitted {
    /// Id of the order.
    pub order_id: String,
    /// The order total, minor units.
    pub total_minor: i64,
    /// The approval threshold in force, minor units of `approval_threshold_currency`; `None`
    /// when every order needs approval.
    pub approval_threshold_minor: Option<i64>,
    /// Currency of the approval threshold.
    pub approval_threshold_currency: Option<String>,
    /// Whether the order was approved without an approver (total at or below a threshold in
    /// its currency): it is then `approved`, else `submitted`.
    pub auto_approved: bool,
}

/// The submitted order was approved.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PurchaseOrderApproved {
    /// Id of the order.
    pub order_id: String,
    /// Id of the approving user.
    pub approved_by: String,
}

/// Goods were received against the order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GoodsReceived {
    /// Id of the order.
    pub order_id: String,
    /// Id of the receipt.
    pub receipt_id: String,
    /// Date the goods arrived.
    pub receipt_date: NaiveDate,
    /// Code of the location they were received at.
    pub location: String,
    /// What arrived, in the command's order.
    pub lines: Vec<LineQuantity>,
    /// `partially_received` or `received`: the order's status after it.
    pub status: String,
}

/// One line of a vendor's bill.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BilledLine {
    /// The order line's 1-based `line_no`.
    pub line_no: i32,
    /// The line's SKU.
    pub sku: String,
    /// Quantity billed, thousandths.
    pub quantity_milli: i64,
    /// Price billed for one unit, minor units.
    pub unit_price_minor: i64,
    /// Quantity × unit price, rounded half away from zero to minor units.
    pub net_minor: i64,
}

/// The vendor's bill was recorded with its three-way match; mismatches are flagged, never
/// refused.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PurchaseOrderBilled {
    /// Id of the order.
    pub order_id: String,
    /// Id (UUID) of the vendor bill.
    pub invoice_id: String,
    /// The lines billed, in the command's order.
    pub lines: Vec<BilledLine>,
    /// Sum of the billed nets, minor units.
    pub bill_total_minor: i64,
    /// The match of every order line, in `line_no` order.
    pub matches: Vec<LineMatch>,
    /// Whether every line matches.
    pub matched: bool,
}

/// The billed order was closed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PurchaseOrderClosed {
    /// Id of the order.
    pub order_id: String,
}

/// The order was cancelled before any goods were received.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PurchaseOrderCancelled {
    /// Id of the order.
    pub order_id: String,
    /// Why.
    pub reason: String,
    /// The status it was cancelled in: `draft`, `submitted` or `approved`.
    pub cancelled_in: String,
}

/// Everything that can happen to a purchase order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum PurchaseOrderEvent {
    /// See [`PurchaseOrderDrafted`].
    PurchaseOrderDrafted(PurchaseOrderDrafted),
    /// See [`PurchaseOrderSubmitted`].
    PurchaseOrderSubmitted(PurchaseOrderSubmitted),
    /// See [`PurchaseOrderApproved`].
    PurchaseOrderApproved(PurchaseOrderApproved),
    /// See [`GoodsReceived`].
    GoodsReceived(GoodsReceived),
    /// See [`PurchaseOrderBilled`].
    PurchaseOrderBilled(PurchaseOrderBilled),
    /// See [`PurchaseOrderClosed`].
    PurchaseOrderClosed(PurchaseOrderClosed),
    /// See [`PurchaseOrderCancelled`].
    PurchaseOrderCancelled(PurchaseOrderCancelled),
}

impl PurchaseOrderEvent {
    /// Version of every purchase order event type's payload.
    pub const VERSION: &'static str = "1";
}

impl DomainEvent for PurchaseOrderEvent {
    fn event_type(&self) -> String {
        match self {
            PurchaseOrderEvent::PurchaseOrderDrafted(_) => "PurchaseOrderDrafted",
            PurchaseOrderEvent::PurchaseOrderSubmitted(_) => "PurchaseOrderSubmitted",
            PurchaseOrderEvent::PurchaseOrderApproved(_) => "PurchaseOrderApproved",
            PurchaseOrderEvent::GoodsReceived(_) => "GoodsReceived",
            PurchaseOrderEvent::PurchaseOrderBilled(_) => "PurchaseOrderBilled",
            PurchaseOrderEvent::PurchaseOrderClosed(_) => "PurchaseOrderClosed",
            PurchaseOrderEvent::PurchaseOrderCancelled(_) => "PurchaseOrderCancelled",
        }
        .to_owned()
    }

    fn event_version(&self) -> String {
        Self::VERSION.to_owned()
    }
}
