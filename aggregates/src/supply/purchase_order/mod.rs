//! The purchase order aggregate (`supply.purchase_order`): goods ordered from a vendor, from
//! draft through submission and approval, (partial) receipts and the vendor's bill to closing
//! — or cancelled before any goods arrive. Events go to topic
//! `prism.supply.purchase-order.v1`, key = order id (a UUID, the aggregate id), Avro namespace
//! `prism.supply`, version `1`.
//!
//! ```text
//! draft → submitted → approved → partially_received → received → billed → closed
//! draft → approved                (total at or below the approval threshold)
//!                                 partially_received → billed
//! draft | submitted | approved → cancelled
//! ```
//!
//! - Items are referred to by SKU and receiving locations by their code, both checked against
//!   the catalog ([`crate::supply::catalog::CatalogServices`], part of the services) once the
//!   command's own rules pass: drafting needs every line's item defined and not discontinued
//!   (422 `item_not_found` / `item_discontinued` on `lines[i].sku`), a receipt its location
//!   existing and open (422 `location_not_found` / `location_closed` on `location`); a
//!   catalog that cannot be read is a 503 (`catalog_unavailable`) and records nothing.
//!   `PurchaseOrderDrafted` carries each line's net (quantity × unit price, rounded half away
//!   from zero by [`crate::finance::invoice::net_amount_minor`]) and the order total.
//! - Submitting reads the approval threshold ([`PurchaseOrderServices::approval_threshold`];
//!   a failed read is a 503). An order whose total is at or below a threshold in its own
//!   currency is approved at once (`auto_approved` in the event); otherwise it is
//!   `submitted` and awaits `Approve` by anyone but its requester (422 `self_approval`).
//! - Receipts, against an `approved` or `partially_received` order, take at most what is
//!   still to receive per line; the order is `received` once every line has arrived in full.
//! - Bills are recorded once goods have arrived (`partially_received`, `received`, or
//!   `billed` for a further bill): each records the three-way match of every line — ordered
//!   vs received vs billed (all bills so far) quantity, ordered vs billed price — and flags
//!   mismatches ([`Mismatch`]) without refusing the bill. The order is then `billed`; no
//!   further goods are received against it. Only a `billed` order is closed.
//! - Cancelling is refused once any goods have been received (409
//!   `goods_already_received`).
//! - Receipt ids are client- or saga-given (non-blank, at most
//!   [`crate::supply::order_lines::MAX_ID_CHARS`]), bills are identified by their invoice id
//!   (a UUID); a command repeating one already applied records nothing.
//!
//! Every limit is enforced in [`PurchaseOrder::decide`] and tested at the limit.

mod aggregate;
mod commands;
mod decide;
mod errors;
mod events;
mod matching;
mod services;
mod status;

#[cfg(test)]
mod tests;

pub use aggregate::{PurchaseOrder, PurchaseOrderLine};
pub use commands::{
    ApprovePurchaseOrder, BillLineInput, CancelPurchaseOrder, DraftPurchaseOrder, PurchaseOrderCommand, RecordBill,
    RecordReceipt,
};
pub use errors::PurchaseOrderError;
pub use events::{
    BilledLine, GoodsReceived, PurchaseOrderApproved, PurchaseOrderBilled, PurchaseOrderCancelled, PurchaseOrderClosed,
    PurchaseOrderDrafted, PurchaseOrderEvent, PurchaseOrderSubmitted,
};
pub use matching::{LineMatch, Mismatch};
pub use services::PurchaseOrderServices;
pub use status::PurchaseOrderStatus;
