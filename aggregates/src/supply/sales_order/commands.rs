//! Commands to the sales order aggregate. They carry raw inputs (strings, wide integers, the
//! quantity's text) so that every rule is decided, and reported with its field, in `decide`.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::quantity::Quantity;
use crate::supply::order_lines::{LineQuantityInput, OrderLineInput};

/// A request to change a sales order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum SalesOrderCommand {
    /// Place a new order: the first command of every order.
    Place(PlaceOrder),
    /// Confirm the placed order.
    Confirm,
    /// Record what the order-to-cash saga reserved and back-ordered for each line.
    RecordAllocation(RecordAllocation),
    /// Mark the fully allocated order as picked.
    MarkPicked,
    /// Record a shipment of (part of) the picked order.
    RecordShipment(RecordShipment),
    /// Mark the fully shipped order as delivered.
    MarkDelivered,
    /// Cancel the order before anything shipped.
    Cancel(CancelOrder),
    /// Record goods the customer returned.
    RecordReturn(RecordReturn),
    /// Link the invoice raised for a shipment.
    LinkInvoice(LinkInvoice),
    /// Record (part of) a payment for the order.
    MarkPaid(MarkPaid),
}

/// Place a new order under `order_id`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlaceOrder {
    /// Id of the order (the aggregate id), chosen by the API from the path or generated.
    pub order_id: Uuid,
    /// Id of the customer; non-blank, at most `MAX_ID_CHARS` characters.
    pub customer_id: String,
    /// Name of the customer; non-blank, at most `MAX_NAME_CHARS` characters.
    pub customer_name: String,
    /// ISO-4217 code of every price; a valid [`crate::money::Currency`].
    pub currency: String,
    /// Code of the location the order ships from; non-blank, at most `MAX_ID_CHARS`
    /// characters.
    pub ship_from: String,
    /// The lines, 1 to `MAX_LINES`, each SKU at most once; addressed as `lines[i]` (0-based)
    /// in errors and numbered from 1 (`line_no`) once placed.
    pub lines: Vec<OrderLineInput>,
}

/// What the saga reserved for one order line, and what it could not.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AllocationLineInput {
    /// The order line, by its 1-based `line_no`.
    pub line_no: i64,
    /// Quantity reserved in stock; zero or positive.
    pub reserved_quantity: Quantity,
    /// Quantity back-ordered; zero or positive. Reserved plus back-ordered is the ordered
    /// quantity.
    pub back_ordered_quantity: Quantity,
}

/// Record the allocation of every line of the order (sent by the order-to-cash saga).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RecordAllocation {
    /// One entry per order line, every line exactly once, in any order.
    pub lines: Vec<AllocationLineInput>,
}

/// Record a shipment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RecordShipment {
    /// Id of the shipment; non-blank, at most `MAX_ID_CHARS` characters. Recording the same
    /// shipment again records nothing.
    pub shipment_id: String,
    /// Date the goods left.
    pub ship_date: NaiveDate,
    /// What shipped: each line at most once, at most what is still to ship on it.
    pub lines: Vec<LineQuantityInput>,
}

/// Cancel the order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CancelOrder {
    /// Why; non-blank, at most `MAX_REASON_CHARS` characters.
    pub reason: String,
}

/// Record a return.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RecordReturn {
    /// Id of the return; non-blank, at most `MAX_ID_CHARS` characters. Recording the same
    /// return again records nothing.
    pub return_id: String,
    /// Date the goods came back.
    pub return_date: NaiveDate,
    /// What came back: each line at most once, at most what shipped and is not yet returned.
    pub lines: Vec<LineQuantityInput>,
}

/// Link the invoice raised for one shipment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LinkInvoice {
    /// Id of a shipment recorded on the order.
    pub shipment_id: String,
    /// Id (UUID) of the invoice. Linking the same invoice to the shipment again records
    /// nothing.
    pub invoice_id: String,
}

/// Record (part of) a payment for the order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MarkPaid {
    /// Id of the payment; non-blank, at most `MAX_ID_CHARS` characters. Recording the same
    /// payment again records nothing.
    pub payment_id: String,
    /// Amount paid, in minor units of the order's currency; positive, at most what is unpaid.
    pub amount_minor: i64,
}
