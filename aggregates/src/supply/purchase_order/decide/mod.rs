//! Deciding the purchase order's commands: [`PurchaseOrder::decide`] checks every rule and
//! returns the events — `Submit` against the approval threshold `handle` read from the
//! services — and `needs_threshold` tells `handle` whether to read it at all, once the
//! order's state allows a submission; [`check_catalog`] then checks what the events name
//! against the catalog. One module per group of commands. `decide` is pure — no I/O, no
//! clock.
//!
//! Rules are checked in a fixed order and the first broken one is reported. Every command but
//! `Draft` first needs the order to exist (404). A command carrying an id already applied — a
//! receipt id, a bill's invoice id — is accepted and records nothing, whatever the status.
//! Then the status (409: cancelled or closed, then the transition), then the inputs in field
//! order (422). In detail:
//!
//! - `Draft`: exists, vendor id, vendor name, currency, requester, then the lines (count,
//!   then each line's SKU, repetition, quantity, unit price, net; then the total); only then,
//!   against the catalog, each line's item (defined and not discontinued: 422 `lines[i].sku`).
//! - `Submit`: status (`draft`); only then is the threshold read (503 when it cannot be).
//! - `Approve`: status (`submitted`), approver, not the requester.
//! - `RecordReceipt`: receipt id already applied, status, receipt id, location, then each
//!   line (line number, quantity, at most what is still to receive); only then, against the
//!   catalog, the location (exists, open: 422 `location`).
//! - A catalog that cannot be read is a 503 and records nothing.
//! - `RecordBill`: invoice id (a UUID), already recorded, status, then each line (line
//!   number, quantity, unit price, net), then the bill total.
//! - `Close`, `Cancel`: status, then the reason.

mod approval;
mod billing;
mod closing;
mod draft;
mod receipt;

use super::aggregate::{Order, PurchaseOrder};
use super::commands::PurchaseOrderCommand;
use super::errors::PurchaseOrderError;
use super::events::PurchaseOrderEvent;
use super::status::PurchaseOrderStatus;
use crate::money::Currency;
use crate::supply::catalog::{defined_line_items, open_location, CatalogServices};

impl PurchaseOrder {
    /// Decides `command` against the current state and, for `Submit`, against
    /// `approval_threshold` (the total up to which an order in that currency is approved
    /// without an approver; `None`: every order needs approval): the events to record (none
    /// for an idempotent redelivery), or why not. This is the whole of `handle`, callable
    /// without an event sink.
    ///
    /// # Errors
    /// The first rule the command breaks, as a [`PurchaseOrderError`].
    pub fn decide(
        &self,
        command: PurchaseOrderCommand,
        approval_threshold: Option<(i64, Currency)>,
    ) -> Result<Vec<PurchaseOrderEvent>, PurchaseOrderError> {
        use PurchaseOrderCommand as C;
        use PurchaseOrderEvent as E;
        let event = match command {
            C::Draft(draft) => Some(E::PurchaseOrderDrafted(self.decide_draft(draft)?)),
            C::Submit => Some(E::PurchaseOrderSubmitted(self.decide_submit(approval_threshold)?)),
            C::Approve(approve) => Some(E::PurchaseOrderApproved(self.decide_approve(approve)?)),
            C::RecordReceipt(receipt) => self.decide_receipt(receipt)?.map(E::GoodsReceived),
            C::RecordBill(bill) => self.decide_bill(bill)?.map(E::PurchaseOrderBilled),
            C::Close => Some(E::PurchaseOrderClosed(self.decide_close()?)),
            C::Cancel(cancel) => Some(E::PurchaseOrderCancelled(self.decide_cancel(cancel)?)),
        };
        Ok(event.into_iter().collect())
    }

    /// Whether deciding `command` needs the approval threshold, once the rules that need none
    /// pass.
    ///
    /// # Errors
    /// The first of those rules `command` breaks.
    pub(super) fn needs_threshold(&self, command: &PurchaseOrderCommand) -> Result<bool, PurchaseOrderError> {
        match command {
            PurchaseOrderCommand::Submit => self.submittable().map(|_| true),
            _ => Ok(false),
        }
    }

    /// The order, once drafted.
    fn drafted(&self) -> Result<&Order, PurchaseOrderError> {
        self.order.as_ref().ok_or(PurchaseOrderError::NotFound)
    }

    /// The order, once drafted and unless cancelled or closed.
    fn active(&self) -> Result<&Order, PurchaseOrderError> {
        let order = self.drafted()?;
        match order.status.current() {
            PurchaseOrderStatus::Cancelled => Err(PurchaseOrderError::OrderCancelled),
            PurchaseOrderStatus::Closed => Err(PurchaseOrderError::OrderClosed),
            _ => Ok(order),
        }
    }
}

/// Checks what `events`, decided by [`PurchaseOrder::decide`], name against `catalog`: an
/// order drafted orders defined items that still take receipts, goods are received at an
/// existing, open location.
///
/// # Errors
/// The first refusal, as [`PurchaseOrderError::Catalog`].
pub(super) async fn check_catalog(
    events: &[PurchaseOrderEvent],
    catalog: &dyn CatalogServices,
) -> Result<(), PurchaseOrderError> {
    for event in events {
        match event {
            PurchaseOrderEvent::PurchaseOrderDrafted(drafted) => {
                defined_line_items(catalog, &drafted.lines, true).await?;
            }
            PurchaseOrderEvent::GoodsReceived(received) => {
                open_location(catalog, &received.location, "location").await?;
            }
            _ => {}
        }
    }
    Ok(())
}

/// Refuses `action` unless the order is in one of `allowed`.
fn require(order: &Order, action: &'static str, allowed: &[PurchaseOrderStatus]) -> Result<(), PurchaseOrderError> {
    if allowed.contains(&order.status.current()) {
        Ok(())
    } else {
        Err(PurchaseOrderError::InvalidTransition { action, status: order.status.current() })
    }
}
