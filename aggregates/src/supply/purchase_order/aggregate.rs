//! The purchase order aggregate's state: a [`PurchaseOrder`] holds its order once drafted, its
//! getters read it — per-line ordered, received and billed quantities
//! ([`PurchaseOrderLine`]), the status and its history, approver, receipts and bills — and
//! `apply` folds the events into it. `handle` reads the approval threshold from the
//! [`PurchaseOrderServices`] only for `Submit`, once the order's state allows it, checks what
//! [`PurchaseOrder::decide`] returns against their catalog (a draft's items, a receipt's
//! location), then records it. No other I/O, no clock.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use cqrs_es::event_sink::EventSink;
use cqrs_es::Aggregate;
use serde::{Deserialize, Serialize};

use super::commands::PurchaseOrderCommand;
use super::decide::check_catalog;
use super::errors::PurchaseOrderError;
use super::events::{PurchaseOrderDrafted, PurchaseOrderEvent};
use super::services::PurchaseOrderServices;
use super::status::PurchaseOrderStatus;
use crate::money::Currency;
use crate::supply::order_lines::{add_quantities, complete_after, LineQuantity, NumberedLine, StatusTrail};

/// One line of a purchase order with how far it has come, quantities in thousandths.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PurchaseOrderLine {
    /// 1-based position of the line.
    pub line_no: i32,
    /// The item's SKU.
    pub sku: String,
    /// Price of one unit ordered, minor units.
    pub unit_price_minor: i64,
    /// Quantity × unit price, minor units.
    pub net_minor: i64,
    /// Quantity ordered.
    pub ordered_milli: i64,
    /// Quantity received so far.
    pub received_milli: i64,
    /// Quantity billed so far.
    pub billed_milli: i64,
}

/// State of one purchase order, folded from its events.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PurchaseOrder {
    pub(super) order: Option<Order>,
}

/// A purchase order once drafted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(super) struct Order {
    pub(super) order_id: String,
    pub(super) vendor_id: String,
    pub(super) vendor_name: String,
    pub(super) currency: Currency,
    pub(super) requested_by: String,
    pub(super) approved_by: Option<String>,
    pub(super) lines: Vec<PurchaseOrderLine>,
    pub(super) total_minor: i64,
    pub(super) status: StatusTrail<PurchaseOrderStatus>,
    pub(super) receipts: BTreeSet<String>,
    /// Whether each bill, by invoice id, matched.
    pub(super) bills: BTreeMap<String, bool>,
}

impl PurchaseOrder {
    /// The order id once drafted.
    #[must_use]
    pub fn id(&self) -> Option<&str> {
        self.order.as_ref().map(|o| o.order_id.as_str())
    }

    /// Where the order is in its life; `None` before it is drafted.
    #[must_use]
    pub fn status(&self) -> Option<PurchaseOrderStatus> {
        self.order.as_ref().map(|o| o.status.current())
    }

    /// Every status the order has been in, oldest first, starting with `draft`; a command that
    /// leaves the status as it is adds nothing.
    #[must_use]
    pub fn status_history(&self) -> &[PurchaseOrderStatus] {
        self.order.as_ref().map_or(&[], |o| o.status.history())
    }

    /// Id of the vendor once drafted.
    #[must_use]
    pub fn vendor_id(&self) -> Option<&str> {
        self.order.as_ref().map(|o| o.vendor_id.as_str())
    }

    /// Name of the vendor once drafted.
    #[must_use]
    pub fn vendor_name(&self) -> Option<&str> {
        self.order.as_ref().map(|o| o.vendor_name.as_str())
    }

    /// Currency of every price once drafted.
    #[must_use]
    pub fn currency(&self) -> Option<Currency> {
        self.order.as_ref().map(|o| o.currency)
    }

    /// Id of the requesting user once drafted.
    #[must_use]
    pub fn requested_by(&self) -> Option<&str> {
        self.order.as_ref().map(|o| o.requested_by.as_str())
    }

    /// Id of the approving user once approved by one (`None` when approved within the
    /// threshold).
    #[must_use]
    pub fn approved_by(&self) -> Option<&str> {
        self.order.as_ref().and_then(|o| o.approved_by.as_deref())
    }

    /// The lines with their quantities (empty before drafting).
    #[must_use]
    pub fn lines(&self) -> &[PurchaseOrderLine] {
        self.order.as_ref().map_or(&[], |o| o.lines.as_slice())
    }

    /// Sum of the line nets, minor units; 0 before drafting.
    #[must_use]
    pub fn total_minor(&self) -> i64 {
        self.order.as_ref().map_or(0, |o| o.total_minor)
    }

    /// The receipts recorded, in id order.
    pub fn receipts(&self) -> impl Iterator<Item = &str> {
        self.order.iter().flat_map(|o| o.receipts.iter().map(String::as_str))
    }

    /// The bills recorded, in invoice-id order, each with whether it matched.
    pub fn bills(&self) -> impl Iterator<Item = (&str, bool)> {
        self.order.iter().flat_map(|o| o.bills.iter().map(|(id, matched)| (id.as_str(), *matched)))
    }

    /// The order for folding an event about it; an event before `PurchaseOrderDrafted` is
    /// never recorded by `decide`.
    fn order_mut(&mut self) -> Option<&mut Order> {
        debug_assert!(self.order.is_some(), "purchase order event before PurchaseOrderDrafted");
        self.order.as_mut()
    }
}

impl Aggregate for PurchaseOrder {
    const TYPE: &'static str = "supply.purchase_order";
    type Command = PurchaseOrderCommand;
    type Event = PurchaseOrderEvent;
    type Error = PurchaseOrderError;
    type Services = Arc<dyn PurchaseOrderServices>;

    async fn handle(
        &mut self,
        command: Self::Command,
        services: &Self::Services,
        sink: &EventSink<Self>,
    ) -> Result<(), Self::Error> {
        let threshold = if self.needs_threshold(&command)? {
            services.approval_threshold().await.map_err(|reason| PurchaseOrderError::ThresholdUnavailable { reason })?
        } else {
            None
        };
        let events = self.decide(command, threshold)?;
        check_catalog(&events, services.as_ref()).await?;
        for event in events {
            sink.write(event, self).await;
        }
        Ok(())
    }

    fn apply(&mut self, event: Self::Event) {
        use PurchaseOrderEvent as E;
        if let E::PurchaseOrderDrafted(drafted) = event {
            debug_assert!(self.order.is_none(), "purchase order {} drafted twice", drafted.order_id);
            let order = Order::drafted(drafted);
            debug_assert!(order.is_some(), "malformed PurchaseOrderDrafted");
            self.order = order;
            return;
        }
        let Some(order) = self.order_mut() else { return };
        match event {
            E::PurchaseOrderDrafted(_) => {}
            E::PurchaseOrderSubmitted(submitted) => {
                let status = if submitted.auto_approved {
                    PurchaseOrderStatus::Approved
                } else {
                    PurchaseOrderStatus::Submitted
                };
                order.status.set(status);
            }
            E::PurchaseOrderApproved(approved) => {
                order.approved_by = Some(approved.approved_by);
                order.status.set(PurchaseOrderStatus::Approved);
            }
            E::GoodsReceived(received) => {
                let status = order.status_after_receiving(&received.lines);
                debug_assert_eq!(status.as_str(), received.status);
                let quantities = received.lines.iter().map(|q| (q.line_no, q.quantity_milli));
                add_quantities(&mut order.lines, quantities, |line| &mut line.received_milli);
                order.receipts.insert(received.receipt_id);
                order.status.set(status);
            }
            E::PurchaseOrderBilled(billed) => {
                let quantities = billed.lines.iter().map(|billed| (billed.line_no, billed.quantity_milli));
                add_quantities(&mut order.lines, quantities, |line| &mut line.billed_milli);
                order.bills.insert(billed.invoice_id, billed.matched);
                order.status.set(PurchaseOrderStatus::Billed);
            }
            E::PurchaseOrderClosed(_) => order.status.set(PurchaseOrderStatus::Closed),
            E::PurchaseOrderCancelled(_) => order.status.set(PurchaseOrderStatus::Cancelled),
        }
    }
}

impl Order {
    /// The order a `PurchaseOrderDrafted` describes; `None` if the event is malformed (which
    /// `decide` never produces).
    fn drafted(event: PurchaseOrderDrafted) -> Option<Self> {
        let lines = event
            .lines
            .into_iter()
            .map(|line| PurchaseOrderLine {
                line_no: line.line_no,
                sku: line.sku,
                unit_price_minor: line.unit_price_minor,
                net_minor: line.net_minor,
                ordered_milli: line.quantity_milli,
                received_milli: 0,
                billed_milli: 0,
            })
            .collect();
        Some(Self {
            currency: Currency::parse(&event.currency).ok()?,
            order_id: event.order_id,
            vendor_id: event.vendor_id,
            vendor_name: event.vendor_name,
            requested_by: event.requested_by,
            approved_by: None,
            lines,
            total_minor: event.total_minor,
            status: StatusTrail::new(PurchaseOrderStatus::Draft),
            receipts: BTreeSet::new(),
            bills: BTreeMap::new(),
        })
    }

    /// The status once `receipt` has arrived too: `received` when every line then has been
    /// received in full, else `partially_received`.
    pub(super) fn status_after_receiving(&self, receipt: &[LineQuantity]) -> PurchaseOrderStatus {
        if complete_after(&self.lines, |line| line.received_milli, receipt) {
            PurchaseOrderStatus::Received
        } else {
            PurchaseOrderStatus::PartiallyReceived
        }
    }
}

impl NumberedLine for PurchaseOrderLine {
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
