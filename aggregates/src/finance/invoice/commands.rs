//! Commands to the invoice aggregate. They carry raw inputs (strings, wide integers, the
//! quantity's text) so that every rule is decided, and reported with its field, in `handle`.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::quantity::Quantity;

/// A request to change an invoice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum InvoiceCommand {
    /// Record a new draft.
    Draft(DraftInvoice),
    /// Issue the draft: compute its amounts and post it to the ledger.
    Issue(IssueInvoice),
    /// Apply (part of) a payment to the issued invoice.
    ApplyPayment(ApplyPayment),
    /// Void the issued, unpaid invoice: reverse its posting.
    Void(VoidInvoice),
}

/// Draft a new invoice under `invoice_id`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DraftInvoice {
    /// Id of the invoice (the aggregate id), chosen by the API from the path or generated.
    pub invoice_id: Uuid,
    /// `customer_invoice`, `vendor_bill`, `customer_credit_note` or `vendor_credit_note`.
    pub kind: String,
    /// Document number; when present non-blank, at most `MAX_NUMBER_CHARS` characters.
    /// Absent: `<INV|BILL|CN|VCN>-<first 8 hex digits of the id, uppercase>`.
    #[serde(default)]
    pub number: Option<String>,
    /// Id of the customer or vendor; non-blank, at most `MAX_COUNTERPARTY_ID_CHARS` characters.
    pub counterparty_id: String,
    /// Name of the customer or vendor; non-blank, at most `MAX_COUNTERPARTY_NAME_CHARS`
    /// characters.
    pub counterparty_name: String,
    /// ISO-4217 code of every amount; must be a valid [`crate::money::Currency`].
    pub currency: String,
    /// Receivable or payable control account; a valid
    /// [`crate::finance::account::AccountCode`]. Absent: `1100` Accounts receivable for
    /// customer documents, `2000` Accounts payable for vendor documents.
    #[serde(default)]
    pub control_account: Option<String>,
    /// Id (UUID) of the invoice a credit note credits: required for credit notes, refused for
    /// invoices and bills.
    #[serde(default)]
    pub credits_invoice_id: Option<String>,
    /// The lines, 1 to `MAX_LINES` of them; addressed as `lines[i]` (0-based) in errors.
    pub lines: Vec<InvoiceLineInput>,
}

/// One line as the client sent it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InvoiceLineInput {
    /// What is sold or bought; non-blank, at most `MAX_DESCRIPTION_CHARS` characters.
    pub description: String,
    /// How many units: a positive decimal with at most three fraction digits, at most
    /// `MAX_QUANTITY_UNITS`; a JSON number or string (`2.5`, `"0.125"`).
    pub quantity: Quantity,
    /// Price of one unit in minor units of the invoice currency; not negative.
    pub unit_price: i64,
    /// Income account (customer documents) or expense/asset account (vendor documents); a
    /// valid [`crate::finance::account::AccountCode`].
    pub account: String,
    /// Tax code applied to the line; when present non-blank. Whether it is defined is checked
    /// when the invoice is issued.
    #[serde(default)]
    pub tax_code: Option<String>,
}

/// Issue a draft.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IssueInvoice {
    /// Date of issue: the accounting date of the posting and the date tax rates apply on.
    pub issue_date: NaiveDate,
    /// Date payment is due; not before `issue_date`. Absent: `DEFAULT_PAYMENT_TERMS_DAYS`
    /// days after it.
    #[serde(default)]
    pub due_date: Option<NaiveDate>,
}

/// Apply (part of) a payment to an issued invoice or bill.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ApplyPayment {
    /// Id of the payment; non-blank. Applying the same payment again records nothing.
    pub payment_id: String,
    /// Amount applied, in minor units of the invoice currency; positive, at most what is open.
    pub amount_minor: i64,
    /// Date of the payment.
    pub payment_date: NaiveDate,
}

/// Void an issued invoice that has no payment applied.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VoidInvoice {
    /// Why; non-blank, at most `MAX_REASON_CHARS` characters.
    pub reason: String,
    /// Accounting date of the reversal; not before the issue date.
    pub void_date: NaiveDate,
}
