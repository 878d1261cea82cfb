//! Commands to the payment aggregate. They carry raw inputs (strings, optional values) so
//! that every rule is decided, and reported with its field, in `handle`.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// A request to a payment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum PaymentCommand {
    /// Process a new payment.
    Process(ProcessPayment),
}

/// Process a payment under `payment_id`: post it to the ledger and allocate it to invoices.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProcessPayment {
    /// Id of the payment (the aggregate id), chosen by the API from the path or generated.
    pub payment_id: Uuid,
    /// `received` (from a customer) or `made` (to a vendor).
    pub direction: String,
    /// Id of the customer or vendor; non-blank, at most `MAX_COUNTERPARTY_ID_CHARS` characters.
    pub counterparty_id: String,
    /// Accounting date of the payment; must fall in an open fiscal period.
    pub payment_date: NaiveDate,
    /// Amount paid, positive minor units of `currency`.
    pub amount_minor: i64,
    /// ISO-4217 code of the amount; must be a valid [`crate::money::Currency`].
    pub currency: String,
    /// Cash account the money moves through; absent: `1000` Bank.
    #[serde(default)]
    pub bank_account: Option<String>,
    /// Control account the payment settles; absent: `1100` Accounts receivable (received)
    /// or `2000` Accounts payable (made).
    #[serde(default)]
    pub control_account: Option<String>,
    /// Bank reference or note; when present non-blank, at most `MAX_REFERENCE_CHARS` characters.
    #[serde(default)]
    pub reference: Option<String>,
    /// Invoices the payment settles, at most `MAX_ALLOCATIONS`; addressed as `allocations[i]`
    /// (0-based) in errors. Absent or empty: the whole amount stays unallocated.
    #[serde(default)]
    pub allocations: Vec<AllocationInput>,
}

/// Part of the payment applied to one invoice, as the client sent it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AllocationInput {
    /// Id of the invoice (a UUID); each invoice at most once per payment.
    pub invoice_id: String,
    /// Amount applied, positive minor units of the payment currency, at most the invoice's
    /// open amount.
    pub amount_minor: i64,
}
