//! Commands to the purchase order aggregate. They carry raw inputs (strings, wide integers,
//! the quantity's text) so that every rule is decided, and reported with its field, in
//! `decide`.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::quantity::Quantity;
use crate::supply::order_lines::{LineQuantityInput, OrderLineInput};

/// A request to change a purchase order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum PurchaseOrderCommand {
    /// Draft a new purchase order: the first command of every order.
    Draft(DraftPurchaseOrder),
    /// Submit the draft for approval; approved at once when within the approval threshold.
    Submit,
    /// Approve the submitted order.
    Approve(ApprovePurchaseOrder),
    /// Record goods received against the approved order.
    RecordReceipt(RecordReceipt),
    /// Record the vendor's bill and match it against what was ordered and received.
    RecordBill(RecordBill),
    /// Close the billed order.
    Close,
    /// Cancel the order before any goods are received.
    Cancel(CancelPurchaseOrder),
}

/// Draft a new purchase order under `order_id`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DraftPurchaseOrder {
    /// Id of the order (the aggregate id), chosen by the API from the path or generated.
    pub order_id: Uuid,
    /// Id of the vendor; non-blank, at most `MAX_ID_CHARS` characters.
    pub vendor_id: String,
    /// Name of the vendor; non-blank, at most `MAX_NAME_CHARS` characters.
    pub vendor_name: String,
    /// ISO-4217 code of every price; a valid [`crate::money::Currency`].
    pub currency: String,
    /// Id of the user requesting the order; non-blank, at most `MAX_ID_CHARS` characters. They
    /// may not approve it.
    pub requested_by: String,
    /// The lines, 1 to `MAX_LINES`, each SKU at most once; addressed as `lines[i]` (0-based)
    /// in errors and numbered from 1 (`line_no`) once drafted.
    pub lines: Vec<OrderLineInput>,
}

/// Approve a submitted order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ApprovePurchaseOrder {
    /// Id of the approving user; non-blank, at most `MAX_ID_CHARS` characters, not the
    /// requester.
    pub approved_by: String,
}

/// Record goods received.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RecordReceipt {
    /// Id of the receipt; non-blank, at most `MAX_ID_CHARS` characters. Recording the same
    /// receipt again records nothing.
    pub receipt_id: String,
    /// Date the goods arrived.
    pub receipt_date: NaiveDate,
    /// Code of the location they were received at; non-blank, at most `MAX_ID_CHARS`
    /// characters.
    pub location: String,
    /// What arrived: each line at most once, at most what is still to receive on it.
    pub lines: Vec<LineQuantityInput>,
}

/// One line of a vendor's bill, as the client sent it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BillLineInput {
    /// The order line billed, by its 1-based `line_no`; each line at most once per bill.
    pub line_no: i64,
    /// Quantity billed: a positive [`Quantity`].
    pub quantity: Quantity,
    /// Price billed for one unit, minor units of the order's currency; not negative.
    pub unit_price_minor: i64,
}

/// Record the vendor's bill.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RecordBill {
    /// Id (UUID) of the vendor bill (a `finance.invoice`). Recording the same bill again
    /// records nothing.
    pub invoice_id: String,
    /// The lines billed.
    pub lines: Vec<BillLineInput>,
}

/// Cancel the order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CancelPurchaseOrder {
    /// Why; non-blank, at most `MAX_REASON_CHARS` characters.
    pub reason: String,
}
