//! The invoice aggregate: customer invoices, vendor bills and credit notes of either, from
//! draft to issued (posting to the ledger), partially paid, paid — or void.
//!
//! A draft records the document as entered and posts nothing. Issuing computes every line's
//! net and tax (exactly, rounding half away from zero, with the tax rate in force on the issue
//! date), checks the posting against the books ([`crate::finance::books::Books`]: open period,
//! postable accounts, usable tax codes) and records one `InvoiceGenerated` event carrying the
//! balanced posting and a deterministic `entry_id` ([`issue_entry_id_for`]), so the ledger
//! takes the invoice's journal entry from the same event, atomically. Payments lower what is
//! open, idempotently per payment id; voiding an unpaid invoice reverses its posting under
//! [`void_entry_id_for`].
//!
//! | kind                   | control account | posting on issue                                    |
//! |------------------------|-----------------|-----------------------------------------------------|
//! | `customer_invoice`     | `1100` default  | Dr control gross; Cr line accounts; Cr sales tax    |
//! | `vendor_bill`          | `2000` default  | Dr line accounts; Dr purchase tax; Cr control gross |
//! | `customer_credit_note` | `1100` default  | the customer invoice's, debit and credit swapped    |
//! | `vendor_credit_note`   | `2000` default  | the vendor bill's, debit and credit swapped         |
//!
//! Every limit below is enforced in [`Invoice::decide`] and tested at the limit.

mod aggregate;
mod book_checks;
mod commands;
mod decide;
mod errors;
mod events;
mod kind;
mod posting;
mod status;

#[cfg(test)]
mod tests;

pub use aggregate::{Invoice, InvoiceStanding};
pub use commands::{ApplyPayment, DraftInvoice, InvoiceCommand, InvoiceLineInput, IssueInvoice, VoidInvoice};
pub use errors::{AccountRole, InvoiceError};
pub use events::{
    DraftLine, InvoiceDrafted, InvoiceEvent, InvoiceGenerated, InvoiceLine, InvoicePaymentApplied, InvoiceVoided,
};
pub use kind::InvoiceKind;
pub use posting::{issue_entry_id_for, net_amount_minor, tax_amount_minor, void_entry_id_for};
pub use status::InvoiceStatus;

/// Fewest lines an invoice may have.
pub const MIN_LINES: usize = 1;
/// Most lines an invoice may have.
pub const MAX_LINES: usize = 200;
/// Longest document number, in characters.
pub const MAX_NUMBER_CHARS: usize = 50;
/// Longest counterparty id, in characters.
pub const MAX_COUNTERPARTY_ID_CHARS: usize = 100;
/// Longest counterparty name, in characters.
pub const MAX_COUNTERPARTY_NAME_CHARS: usize = 200;
/// Longest line description, in characters.
pub const MAX_DESCRIPTION_CHARS: usize = 500;
/// Longest void reason, in characters.
pub const MAX_REASON_CHARS: usize = 500;
/// Days from the issue date to the due date when no due date is given.
pub const DEFAULT_PAYMENT_TERMS_DAYS: u64 = 30;
