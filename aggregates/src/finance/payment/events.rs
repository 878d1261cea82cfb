//! Facts about a payment received from a customer or made to a vendor. The serde JSON of the
//! payload mirrors its Avro schema in `schemas/avro/finance/` field for field; the enum is
//! externally tagged: `{"PaymentProcessed": {...}}`.

use chrono::NaiveDate;
use cqrs_es::DomainEvent;
use serde::{Deserialize, Serialize};

use crate::finance::journal_entry::PostedLine;

/// Part of a payment applied to one invoice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Allocation {
    /// Id of the customer invoice (payment received) or vendor bill (payment made), a UUID in
    /// canonical form (lowercase, hyphenated).
    pub invoice_id: String,
    /// Amount applied to it, positive minor units of the payment currency, at most what was
    /// open on it.
    pub amount_minor: i64,
}

/// A payment was processed: the seed event. It posts `posting` to the ledger as entry
/// `entry_id`, and each allocation is then applied to its invoice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaymentProcessed {
    /// Id of the payment (the aggregate id), a UUID.
    pub payment_id: String,
    /// `received` (from a customer) or `made` (to a vendor).
    pub direction: String,
    /// Id of the customer or vendor.
    pub counterparty_id: String,
    /// Accounting date of the payment.
    pub payment_date: NaiveDate,
    /// Amount paid, minor units.
    pub amount_minor: i64,
    /// ISO-4217 currency.
    pub currency: String,
    /// The cash account the money moved through (`1000` Bank).
    pub bank_account: String,
    /// The receivable or payable control account it settles.
    pub control_account: String,
    /// Bank reference or note.
    pub reference: Option<String>,
    /// Allocations to invoices, in the order given, each invoice at most once; they sum to at
    /// most `amount_minor`.
    pub allocations: Vec<Allocation>,
    /// Amount not allocated to any invoice (a credit on the counterparty's account).
    pub unallocated_minor: i64,
    /// Id of the journal entry this posting is: [`super::payment_entry_id_for`] of the payment id.
    pub entry_id: String,
    /// The balanced journal lines posted, bank against the control account: received, line 1
    /// debits the bank and line 2 credits the control account; made, line 1 debits the control
    /// account and line 2 credits the bank. Both of `amount_minor`, without memo.
    pub posting: Vec<PostedLine>,
}

/// Everything that can happen to a payment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum PaymentEvent {
    /// See [`PaymentProcessed`].
    PaymentProcessed(PaymentProcessed),
}

impl PaymentEvent {
    /// Version of the payment event type's payload.
    pub const VERSION: &'static str = "1";
}

impl DomainEvent for PaymentEvent {
    fn event_type(&self) -> String {
        match self {
            PaymentEvent::PaymentProcessed(_) => "PaymentProcessed",
        }
        .to_owned()
    }

    fn event_version(&self) -> String {
        Self::VERSION.to_owned()
    }
}
