//! Deciding `ApplyPayment`: a payment lowers what is open on an issued invoice (never a
//! credit note), idempotently per payment id — a payment already applied records nothing.

use crate::finance::invoice::aggregate::Invoice;
use crate::finance::invoice::commands::ApplyPayment;
use crate::finance::invoice::errors::InvoiceError;
use crate::finance::invoice::events::InvoicePaymentApplied;
use crate::finance::invoice::status::InvoiceStatus;

impl Invoice {
    pub(super) fn decide_payment(&self, apply: ApplyPayment) -> Result<Option<InvoicePaymentApplied>, InvoiceError> {
        let document = self.document.as_ref().ok_or(InvoiceError::NotFound)?;
        if document.payments.contains_key(&apply.payment_id) {
            return Ok(None);
        }
        match document.status {
            InvoiceStatus::Draft => return Err(InvoiceError::NotIssued),
            InvoiceStatus::Void => return Err(InvoiceError::InvoiceVoid),
            InvoiceStatus::Issued | InvoiceStatus::PartiallyPaid | InvoiceStatus::Paid => {}
        }
        if document.kind.is_credit_note() {
            return Err(InvoiceError::PaymentOnCreditNote { kind: document.kind.as_str() });
        }
        if apply.payment_id.trim().is_empty() {
            return Err(InvoiceError::PaymentIdBlank);
        }
        let amount_minor = apply.amount_minor;
        if amount_minor <= 0 {
            return Err(InvoiceError::NonPositiveAmount { amount_minor });
        }
        let open_minor = document.open_minor;
        if amount_minor > open_minor {
            return Err(InvoiceError::OverAllocated { open_minor, amount_minor });
        }
        Ok(Some(InvoicePaymentApplied {
            invoice_id: document.invoice_id.clone(),
            payment_id: apply.payment_id,
            amount_minor,
            payment_date: apply.payment_date,
            open_after_minor: open_minor - amount_minor,
        }))
    }
}
