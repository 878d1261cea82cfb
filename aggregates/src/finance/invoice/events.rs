//! Facts about an invoice (customer invoice, vendor bill, or a credit note of either). The
//! serde JSON of each payload mirrors its Avro schema in `schemas/avro/finance/` field for
//! field (a test keeps them from drifting); the enum is externally tagged: `{"InvoiceGenerated": {...}}`.
//!
//! Issuing and voiding carry the ledger posting they cause (`entry_id`, `posting`), so the
//! ledger read models take an invoice's journal entry from the same event, atomically.

use chrono::NaiveDate;
use cqrs_es::DomainEvent;
use serde::{Deserialize, Serialize};

use crate::finance::journal_entry::PostedLine;

/// One line of a drafted invoice, as entered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DraftLine {
    /// 1-based position of the line.
    pub line_no: i32,
    /// What is sold or bought.
    pub description: String,
    /// Quantity in thousandths of the unit (2.5 h = 2500).
    pub quantity_milli: i64,
    /// Price of one unit, in minor units of the invoice currency.
    pub unit_price_minor: i64,
    /// Income account (customer documents) or expense/asset account (vendor documents).
    pub account: String,
    /// Tax code applied to the line, if any.
    pub tax_code: Option<String>,
}

/// A draft invoice was recorded; it posts nothing until issued.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvoiceDrafted {
    /// Id of the invoice (the aggregate id), a UUID.
    pub invoice_id: String,
    /// `customer_invoice`, `vendor_bill`, `customer_credit_note` or `vendor_credit_note`.
    pub kind: String,
    /// Document number shown to the counterparty (`INV-2026-0042`).
    pub number: String,
    /// Id of the customer or vendor.
    pub counterparty_id: String,
    /// Name of the customer or vendor.
    pub counterparty_name: String,
    /// ISO-4217 currency of every amount.
    pub currency: String,
    /// Receivable (customer) or payable (vendor) control account.
    pub control_account: String,
    /// The invoice a credit note credits, if any.
    pub credits_invoice_id: Option<String>,
    /// The lines.
    pub lines: Vec<DraftLine>,
}

/// One line of an issued invoice with its computed amounts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvoiceLine {
    /// 1-based position of the line.
    pub line_no: i32,
    /// What is sold or bought.
    pub description: String,
    /// Quantity in thousandths of the unit.
    pub quantity_milli: i64,
    /// Price of one unit, minor units.
    pub unit_price_minor: i64,
    /// Net amount: quantity × unit price, rounded half away from zero to minor units.
    pub net_minor: i64,
    /// Income or expense account.
    pub account: String,
    /// Tax code, if any.
    pub tax_code: Option<String>,
    /// The tax rate applied, basis points (0 without a tax code).
    pub tax_rate_bp: i32,
    /// Tax on the line: net × rate, rounded half away from zero.
    pub tax_minor: i64,
}

/// An invoice was issued: the seed event. It posts `posting` to the ledger as entry `entry_id`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvoiceGenerated {
    /// Id of the invoice.
    pub invoice_id: String,
    /// Kind (see [`InvoiceDrafted::kind`]).
    pub kind: String,
    /// Document number.
    pub number: String,
    /// Id of the customer or vendor.
    pub counterparty_id: String,
    /// Name of the customer or vendor.
    pub counterparty_name: String,
    /// ISO-4217 currency.
    pub currency: String,
    /// Date of issue (the accounting date of its posting).
    pub issue_date: NaiveDate,
    /// Date payment is due.
    pub due_date: NaiveDate,
    /// The invoice a credit note credits, if any.
    pub credits_invoice_id: Option<String>,
    /// The lines with their amounts.
    pub lines: Vec<InvoiceLine>,
    /// Sum of line nets.
    pub net_total_minor: i64,
    /// Sum of line taxes.
    pub tax_total_minor: i64,
    /// Net plus tax: what the counterparty owes (or is owed, for a credit note).
    pub gross_total_minor: i64,
    /// Id of the journal entry this posting is (a UUID derived from the invoice id).
    pub entry_id: String,
    /// The balanced journal lines posted, numbered from 1: control account, income/expense
    /// lines, one line per tax account; lines with a zero amount are left out.
    pub posting: Vec<PostedLine>,
}

/// A payment was applied to the invoice, lowering what is open. A payment is applied to an
/// invoice at most once: applying the same `payment_id` again records nothing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvoicePaymentApplied {
    /// Id of the invoice.
    pub invoice_id: String,
    /// Id of the payment.
    pub payment_id: String,
    /// Amount applied, minor units.
    pub amount_minor: i64,
    /// Date of the payment.
    pub payment_date: NaiveDate,
    /// What is still open after it, minor units.
    pub open_after_minor: i64,
}

/// An issued, unpaid invoice was voided: its posting is reversed as entry `entry_id`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvoiceVoided {
    /// Id of the invoice.
    pub invoice_id: String,
    /// Why it was voided.
    pub reason: String,
    /// Accounting date of the reversal.
    pub void_date: NaiveDate,
    /// Id of the reversing journal entry (a UUID derived from the invoice id).
    pub entry_id: String,
    /// The issue posting's lines with debit and credit swapped.
    pub posting: Vec<PostedLine>,
}

/// Everything that can happen to an invoice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum InvoiceEvent {
    /// See [`InvoiceDrafted`].
    InvoiceDrafted(InvoiceDrafted),
    /// See [`InvoiceGenerated`].
    InvoiceGenerated(InvoiceGenerated),
    /// See [`InvoicePaymentApplied`].
    InvoicePaymentApplied(InvoicePaymentApplied),
    /// See [`InvoiceVoided`].
    InvoiceVoided(InvoiceVoided),
}

impl InvoiceEvent {
    /// Version of every invoice event type's payload.
    pub const VERSION: &'static str = "1";
}

impl DomainEvent for InvoiceEvent {
    fn event_type(&self) -> String {
        match self {
            InvoiceEvent::InvoiceDrafted(_) => "InvoiceDrafted",
            InvoiceEvent::InvoiceGenerated(_) => "InvoiceGenerated",
            InvoiceEvent::InvoicePaymentApplied(_) => "InvoicePaymentApplied",
            InvoiceEvent::InvoiceVoided(_) => "InvoiceVoided",
        }
        .to_owned()
    }

    fn event_version(&self) -> String {
        Self::VERSION.to_owned()
    }
}
