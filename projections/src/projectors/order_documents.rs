//! What each sales and purchase order event writes to its order's MongoDB document: the seed
//! event inserts the document (lines, empty shipments/receipts, status history); every later
//! event is one update — `$set` of the status and fields, `$inc` or `$set` of per-line
//! progress addressed as `lines.<line_no − 1>`, `$push` of a shipment, return, receipt, linked
//! invoice, payment, bill with its three-way match, or status-history entry. The caller
//! applies an update only to the document at the event's previous sequence
//! ([`super::mongo`]).

use mongodb::bson::{doc, Bson, Document};
use prism_aggregates::supply::order_lines::{LineQuantity, OrderLine};
use prism_aggregates::supply::purchase_order::{LineMatch, PurchaseOrderEvent, PurchaseOrderStatus};
use prism_aggregates::supply::sales_order::{SalesOrderEvent, SalesOrderStatus};

use super::mongo::history_item;
use crate::decode::{DomainEvent, ProjectedEvent};

/// Collection of sales order documents.
pub const SALES_ORDERS: &str = "sales_orders";

/// Collection of purchase order documents.
pub const PURCHASE_ORDERS: &str = "purchase_orders";

/// Per-line progress of a sales order, each starting at zero.
const SALES_LINE_COUNTERS: &[&str] = &["reserved_milli", "back_ordered_milli", "shipped_milli", "returned_milli"];

/// Per-line progress of a purchase order, each starting at zero.
const PURCHASE_LINE_COUNTERS: &[&str] = &["received_milli", "billed_milli"];

/// One event's write to its order's document.
#[derive(Debug, Clone, PartialEq)]
pub enum OrderWrite {
    /// A new document (`_id` = order id); a redelivered one is skipped.
    Insert(Document),
    /// An update of the document at the event's previous sequence.
    Update(Document),
}

/// The collection and write of `event` when it is a sales or purchase order's.
#[must_use]
pub fn order_write(event: &ProjectedEvent) -> Option<(&'static str, OrderWrite)> {
    match &event.event {
        DomainEvent::SalesOrder(order) => Some((SALES_ORDERS, sales_order_write(order, event))),
        DomainEvent::PurchaseOrder(order) => Some((PURCHASE_ORDERS, purchase_order_write(order, event))),
        _ => None,
    }
}

/// The write of a sales order event.
fn sales_order_write(order: &SalesOrderEvent, event: &ProjectedEvent) -> OrderWrite {
    let (set, push, inc) = match order {
        SalesOrderEvent::OrderPlaced(placed) => {
            return OrderWrite::Insert(doc! {
                "_id": &placed.order_id,
                "order_id": &placed.order_id,
                "tenant": &event.envelope.tenant,
                "customer_id": &placed.customer_id,
                "customer_name": &placed.customer_name,
                "currency": &placed.currency,
                "ship_from": &placed.ship_from,
                "status": SalesOrderStatus::Placed.as_str(),
                "total_minor": placed.total_minor,
                "paid_minor": 0_i64,
                "cancel_reason": Bson::Null,
                "lines": order_lines(&placed.lines, SALES_LINE_COUNTERS),
                "shipments": [],
                "returns": [],
                "invoices": [],
                "payments": [],
                "status_history": [history_item(SalesOrderStatus::Placed.as_str(), event, None)],
                "last_sequence": event.envelope.sequence,
                "last_position": event.envelope.global_position,
            });
        }
        SalesOrderEvent::OrderConfirmed(_) => {
            (status_set(SalesOrderStatus::Confirmed.as_str(), event, None), None, None)
        }
        SalesOrderEvent::OrderAllocated(allocated) => {
            let mut set = if allocated.fully_reserved {
                status_set(SalesOrderStatus::Allocated.as_str(), event, None)
            } else {
                StatusSet::default()
            };
            for line in &allocated.lines {
                set.fields.insert(line_path(line.line_no, "reserved_milli"), line.reserved_milli);
                set.fields.insert(line_path(line.line_no, "back_ordered_milli"), line.back_ordered_milli);
            }
            (set, None, None)
        }
        SalesOrderEvent::OrderPicked(_) => (status_set(SalesOrderStatus::Picked.as_str(), event, None), None, None),
        SalesOrderEvent::OrderShipped(shipped) => (
            status_set(&shipped.status, event, None),
            Some((
                "shipments",
                doc! {
                    "shipment_id": &shipped.shipment_id,
                    "ship_date": shipped.ship_date.to_string(),
                    "ship_from": &shipped.ship_from,
                    "lines": quantities(&shipped.lines),
                },
            )),
            Some(increments(&shipped.lines, "shipped_milli")),
        ),
        SalesOrderEvent::OrderDelivered(_) => {
            (status_set(SalesOrderStatus::Delivered.as_str(), event, None), None, None)
        }
        SalesOrderEvent::OrderCancelled(cancelled) => {
            let mut set = status_set(SalesOrderStatus::Cancelled.as_str(), event, Some(&cancelled.reason));
            set.fields.insert("cancel_reason", &cancelled.reason);
            (set, None, None)
        }
        SalesOrderEvent::OrderReturned(returned) => (
            StatusSet::default(),
            Some((
                "returns",
                doc! {
                    "return_id": &returned.return_id,
                    "return_date": returned.return_date.to_string(),
                    "lines": quantities(&returned.lines),
                },
            )),
            Some(increments(&returned.lines, "returned_milli")),
        ),
        SalesOrderEvent::OrderInvoiced(invoiced) => (
            StatusSet::default(),
            Some(("invoices", doc! { "shipment_id": &invoiced.shipment_id, "invoice_id": &invoiced.invoice_id })),
            None,
        ),
        SalesOrderEvent::OrderPaid(paid) => {
            let mut set = StatusSet::default();
            set.fields.insert("paid_minor", paid.paid_total_minor);
            set.fields.insert("fully_paid", paid.fully_paid);
            (set, Some(("payments", doc! { "payment_id": &paid.payment_id, "amount_minor": paid.amount_minor })), None)
        }
    };
    OrderWrite::Update(update(set, push, inc, event))
}

/// The write of a purchase order event.
fn purchase_order_write(order: &PurchaseOrderEvent, event: &ProjectedEvent) -> OrderWrite {
    let (set, push, inc) = match order {
        PurchaseOrderEvent::PurchaseOrderDrafted(drafted) => {
            return OrderWrite::Insert(doc! {
                "_id": &drafted.order_id,
                "order_id": &drafted.order_id,
                "tenant": &event.envelope.tenant,
                "vendor_id": &drafted.vendor_id,
                "vendor_name": &drafted.vendor_name,
                "currency": &drafted.currency,
                "requested_by": &drafted.requested_by,
                "approved_by": Bson::Null,
                "approval": Bson::Null,
                "status": PurchaseOrderStatus::Draft.as_str(),
                "total_minor": drafted.total_minor,
                "billed_minor": 0_i64,
                "matched": Bson::Null,
                "cancel_reason": Bson::Null,
                "lines": order_lines(&drafted.lines, PURCHASE_LINE_COUNTERS),
                "receipts": [],
                "bills": [],
                "status_history": [history_item(PurchaseOrderStatus::Draft.as_str(), event, None)],
                "last_sequence": event.envelope.sequence,
                "last_position": event.envelope.global_position,
            });
        }
        PurchaseOrderEvent::PurchaseOrderSubmitted(submitted) => {
            let after =
                if submitted.auto_approved { PurchaseOrderStatus::Approved } else { PurchaseOrderStatus::Submitted };
            let mut set = status_set(after.as_str(), event, None);
            set.fields.insert(
                "approval",
                doc! {
                    "threshold_minor": submitted.approval_threshold_minor,
                    "threshold_currency": submitted.approval_threshold_currency.as_deref(),
                    "auto_approved": submitted.auto_approved,
                },
            );
            (set, None, None)
        }
        PurchaseOrderEvent::PurchaseOrderApproved(approved) => {
            let mut set = status_set(PurchaseOrderStatus::Approved.as_str(), event, None);
            set.fields.insert("approved_by", &approved.approved_by);
            (set, None, None)
        }
        PurchaseOrderEvent::GoodsReceived(received) => (
            status_set(&received.status, event, None),
            Some((
                "receipts",
                doc! {
                    "receipt_id": &received.receipt_id,
                    "receipt_date": received.receipt_date.to_string(),
                    "location": &received.location,
                    "lines": quantities(&received.lines),
                },
            )),
            Some(increments(&received.lines, "received_milli")),
        ),
        PurchaseOrderEvent::PurchaseOrderBilled(billed) => {
            let mut set = status_set(PurchaseOrderStatus::Billed.as_str(), event, None);
            set.fields.insert("matched", billed.matched);
            let lines: Vec<Document> = billed
                .lines
                .iter()
                .map(|line| {
                    doc! {
                        "line_no": line.line_no,
                        "sku": &line.sku,
                        "quantity_milli": line.quantity_milli,
                        "unit_price_minor": line.unit_price_minor,
                        "net_minor": line.net_minor,
                    }
                })
                .collect();
            let billed_so_far: Document = billed
                .matches
                .iter()
                .map(|m| (line_path(m.line_no, "billed_milli"), Bson::from(m.billed_milli)))
                .collect();
            set.fields.extend(billed_so_far);
            let bill = doc! {
                "invoice_id": &billed.invoice_id,
                "lines": lines,
                "bill_total_minor": billed.bill_total_minor,
                "matched": billed.matched,
                "matches": billed.matches.iter().map(line_match).collect::<Vec<_>>(),
            };
            (set, Some(("bills", bill)), Some(doc! { "billed_minor": billed.bill_total_minor }))
        }
        PurchaseOrderEvent::PurchaseOrderClosed(_) => {
            (status_set(PurchaseOrderStatus::Closed.as_str(), event, None), None, None)
        }
        PurchaseOrderEvent::PurchaseOrderCancelled(cancelled) => {
            let mut set = status_set(PurchaseOrderStatus::Cancelled.as_str(), event, Some(&cancelled.reason));
            set.fields.insert("cancel_reason", &cancelled.reason);
            (set, None, None)
        }
    };
    OrderWrite::Update(update(set, push, inc, event))
}

/// The `$set` fields of an update and the status-history entry it pushes, if it sets a
/// status.
#[derive(Default)]
pub(super) struct StatusSet {
    /// The fields `$set`.
    pub(super) fields: Document,
    /// The status-history entry `$push`ed, if the status changes.
    history: Option<Document>,
}

/// A [`StatusSet`] that moves the order to `status`, recorded in its history.
pub(super) fn status_set(status: &str, event: &ProjectedEvent, reason: Option<&str>) -> StatusSet {
    StatusSet { fields: doc! { "status": status }, history: Some(history_item(status, event, reason)) }
}

/// The update document: `set` with the event's sequence and position, `push` (array field and
/// item) with the history entry, and the `inc` counters.
pub(super) fn update(
    mut set: StatusSet,
    push: Option<(&str, Document)>,
    inc: Option<Document>,
    event: &ProjectedEvent,
) -> Document {
    set.fields.insert("last_sequence", event.envelope.sequence);
    set.fields.insert("last_position", event.envelope.global_position);
    let mut pushes = Document::new();
    if let Some((field, item)) = push {
        pushes.insert(field, item);
    }
    if let Some(history) = set.history {
        pushes.insert("status_history", history);
    }
    let mut update = doc! { "$set": set.fields };
    if let Some(inc) = inc {
        update.insert("$inc", inc);
    }
    if !pushes.is_empty() {
        update.insert("$push", pushes);
    }
    update
}

/// The path of `field` of the line numbered `line_no` (lines are numbered from 1 in order).
fn line_path(line_no: i32, field: &str) -> String {
    format!("lines.{}.{field}", line_no - 1)
}

/// The order's lines, each with its `counters` at zero.
fn order_lines(lines: &[OrderLine], counters: &[&str]) -> Vec<Document> {
    lines
        .iter()
        .map(|line| {
            let mut document = doc! {
                "line_no": line.line_no,
                "sku": &line.sku,
                "quantity_milli": line.quantity_milli,
                "unit_price_minor": line.unit_price_minor,
                "net_minor": line.net_minor,
            };
            for counter in counters {
                document.insert(*counter, 0_i64);
            }
            document
        })
        .collect()
}

/// A shipment's, return's or receipt's lines.
fn quantities(lines: &[LineQuantity]) -> Vec<Document> {
    lines
        .iter()
        .map(|line| doc! { "line_no": line.line_no, "sku": &line.sku, "quantity_milli": line.quantity_milli })
        .collect()
}

/// `$inc` fields adding each of `lines`' quantity to its order line's `counter`.
fn increments(lines: &[LineQuantity], counter: &str) -> Document {
    lines.iter().map(|line| (line_path(line.line_no, counter), Bson::from(line.quantity_milli))).collect()
}

/// One line of a bill's three-way match.
fn line_match(line: &LineMatch) -> Document {
    doc! {
        "line_no": line.line_no,
        "sku": &line.sku,
        "ordered_milli": line.ordered_milli,
        "received_milli": line.received_milli,
        "billed_milli": line.billed_milli,
        "ordered_unit_price_minor": line.ordered_unit_price_minor,
        "billed_unit_price_minor": line.billed_unit_price_minor,
        "mismatches": line.mismatches.iter().map(|m| m.as_str()).collect::<Vec<_>>(),
    }
}
