//! Deciding `Void`: an issued invoice with no payments is voided — its posting reversed,
//! line by line, under [`void_entry_id_for`] on a void date in an open period.

use crate::finance::books::Books;
use crate::finance::invoice::aggregate::{Document, Invoice};
use crate::finance::invoice::book_checks::check_period;
use crate::finance::invoice::commands::VoidInvoice;
use crate::finance::invoice::errors::InvoiceError;
use crate::finance::invoice::events::InvoiceVoided;
use crate::finance::invoice::posting::void_entry_id_for;
use crate::finance::invoice::status::InvoiceStatus;
use crate::finance::invoice::MAX_REASON_CHARS;
use crate::finance::journal_entry::PostedLine;
use crate::text::check_text;

impl Invoice {
    /// The rules of voiding that need no books: state, payments, reason, void date.
    pub(super) fn prepare_void(&self, void: &VoidInvoice) -> Result<&Document, InvoiceError> {
        let document = self.document.as_ref().ok_or(InvoiceError::NotFound)?;
        match document.status {
            InvoiceStatus::Draft => return Err(InvoiceError::NotIssued),
            InvoiceStatus::Void => return Err(InvoiceError::InvoiceVoid),
            InvoiceStatus::Issued | InvoiceStatus::PartiallyPaid | InvoiceStatus::Paid => {}
        }
        if !document.payments.is_empty() {
            return Err(InvoiceError::HasPayments { paid_minor: document.payments.values().sum() });
        }
        check_text(&void.reason, MAX_REASON_CHARS, InvoiceError::ReasonBlank, |chars, max| {
            InvoiceError::ReasonTooLong { chars, max }
        })?;
        let Some(issue_date) = document.issue_date else {
            // An issued status always comes with an issue date; treat a corrupt fold as missing.
            return Err(InvoiceError::NotFound);
        };
        if void.void_date < issue_date {
            return Err(InvoiceError::VoidBeforeIssue { void_date: void.void_date, issue_date });
        }
        Ok(document)
    }

    pub(super) fn decide_void(&self, void: VoidInvoice, books: &Books) -> Result<InvoiceVoided, InvoiceError> {
        let document = self.prepare_void(&void)?;
        // The mirror of a posting already made is always postable; only its date is checked.
        check_period(books, void.void_date, "void_date")?;
        Ok(InvoiceVoided {
            invoice_id: document.invoice_id.clone(),
            reason: void.reason,
            void_date: void.void_date,
            entry_id: void_entry_id_for(&document.invoice_id).to_string(),
            posting: document.posting.iter().map(PostedLine::mirrored).collect(),
        })
    }
}
