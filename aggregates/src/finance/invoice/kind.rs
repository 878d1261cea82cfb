//! What an invoice is ([`InvoiceKind`]): a document to a customer or from a vendor, or a credit
//! note of either — and what follows from that: the prefix of its generated number, its default
//! control account and the side that account takes on issue.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::finance::chart::default_accounts;
use crate::finance::journal_entry::Side;

/// What an invoice is: a document to a customer or from a vendor, or a credit note of either.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InvoiceKind {
    /// An invoice to a customer: a receivable.
    CustomerInvoice,
    /// A bill from a vendor: a payable.
    VendorBill,
    /// A credit note to a customer: lowers what the customer owes.
    CustomerCreditNote,
    /// A credit note from a vendor: lowers what is owed to the vendor.
    VendorCreditNote,
}

impl InvoiceKind {
    /// Every kind.
    pub const ALL: [InvoiceKind; 4] = [
        InvoiceKind::CustomerInvoice,
        InvoiceKind::VendorBill,
        InvoiceKind::CustomerCreditNote,
        InvoiceKind::VendorCreditNote,
    ];

    /// The kind named `name` (snake case, exactly); `None` for anything else.
    #[must_use]
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|kind| kind.as_str() == name)
    }

    /// The snake-case name, as on the wire: `"customer_invoice"`, `"vendor_bill"`…
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            InvoiceKind::CustomerInvoice => "customer_invoice",
            InvoiceKind::VendorBill => "vendor_bill",
            InvoiceKind::CustomerCreditNote => "customer_credit_note",
            InvoiceKind::VendorCreditNote => "vendor_credit_note",
        }
    }

    /// Whether the counterparty is a customer (an invoice or credit note to a customer).
    #[must_use]
    pub fn is_customer(self) -> bool {
        matches!(self, InvoiceKind::CustomerInvoice | InvoiceKind::CustomerCreditNote)
    }

    /// Whether it is a credit note: it credits an invoice and takes no payments.
    #[must_use]
    pub fn is_credit_note(self) -> bool {
        matches!(self, InvoiceKind::CustomerCreditNote | InvoiceKind::VendorCreditNote)
    }

    /// Prefix of a generated document number: `INV`, `BILL`, `CN` or `VCN`.
    #[must_use]
    pub fn number_prefix(self) -> &'static str {
        match self {
            InvoiceKind::CustomerInvoice => "INV",
            InvoiceKind::VendorBill => "BILL",
            InvoiceKind::CustomerCreditNote => "CN",
            InvoiceKind::VendorCreditNote => "VCN",
        }
    }

    /// The control account when none is given: accounts receivable for customer documents,
    /// accounts payable for vendor documents.
    #[must_use]
    pub fn default_control_account(self) -> &'static str {
        if self.is_customer() {
            default_accounts::ACCOUNTS_RECEIVABLE
        } else {
            default_accounts::ACCOUNTS_PAYABLE
        }
    }

    /// The side the control account takes on issue: debit for a customer invoice (a
    /// receivable grows) and a vendor credit note, credit for a vendor bill (a payable grows)
    /// and a customer credit note. Line and tax accounts take the other side.
    #[must_use]
    pub fn control_side(self) -> Side {
        match self {
            InvoiceKind::CustomerInvoice | InvoiceKind::VendorCreditNote => Side::Debit,
            InvoiceKind::VendorBill | InvoiceKind::CustomerCreditNote => Side::Credit,
        }
    }
}

impl fmt::Display for InvoiceKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
