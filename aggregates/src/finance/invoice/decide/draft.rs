//! Deciding `Draft`: the document as entered — kind, number (generated when none is given),
//! counterparty, currency, control account, credited invoice and lines — checked and
//! recorded; a draft posts nothing.

use uuid::Uuid;

use crate::finance::account::AccountCode;
use crate::finance::invoice::aggregate::Invoice;
use crate::finance::invoice::commands::{DraftInvoice, InvoiceLineInput};
use crate::finance::invoice::errors::InvoiceError;
use crate::finance::invoice::events::{DraftLine, InvoiceDrafted};
use crate::finance::invoice::kind::InvoiceKind;
use crate::finance::invoice::{
    MAX_COUNTERPARTY_ID_CHARS, MAX_COUNTERPARTY_NAME_CHARS, MAX_DESCRIPTION_CHARS, MAX_LINES, MAX_NUMBER_CHARS,
    MIN_LINES,
};
use crate::money::Currency;
use crate::text::check_text;

impl Invoice {
    pub(super) fn decide_draft(&self, draft: DraftInvoice) -> Result<InvoiceDrafted, InvoiceError> {
        if self.document.is_some() {
            return Err(InvoiceError::AlreadyExists);
        }
        let Some(kind) = InvoiceKind::parse(&draft.kind) else {
            return Err(InvoiceError::InvalidKind { kind: draft.kind });
        };
        let number = match draft.number {
            Some(number) => {
                check_text(&number, MAX_NUMBER_CHARS, InvoiceError::NumberBlank, |chars, max| {
                    InvoiceError::NumberTooLong { chars, max }
                })?;
                number
            }
            None => default_number(kind, draft.invoice_id),
        };
        check_text(
            &draft.counterparty_id,
            MAX_COUNTERPARTY_ID_CHARS,
            InvoiceError::CounterpartyIdBlank,
            |chars, max| InvoiceError::CounterpartyIdTooLong { chars, max },
        )?;
        check_text(
            &draft.counterparty_name,
            MAX_COUNTERPARTY_NAME_CHARS,
            InvoiceError::CounterpartyNameBlank,
            |chars, max| InvoiceError::CounterpartyNameTooLong { chars, max },
        )?;
        let currency = Currency::parse(&draft.currency).map_err(|reason| InvoiceError::InvalidCurrency { reason })?;
        let control_account =
            AccountCode::parse(draft.control_account.as_deref().unwrap_or_else(|| kind.default_control_account()))
                .map_err(|reason| InvoiceError::InvalidControlAccount { reason })?;
        let credits_invoice_id = check_credited(kind, draft.invoice_id, draft.credits_invoice_id)?;
        let count = draft.lines.len();
        if count < MIN_LINES {
            return Err(InvoiceError::TooFewLines { count, min: MIN_LINES });
        }
        if count > MAX_LINES {
            return Err(InvoiceError::TooManyLines { count, max: MAX_LINES });
        }
        let lines = draft
            .lines
            .into_iter()
            .enumerate()
            .map(|(index, input)| draft_line(index, input))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(InvoiceDrafted {
            invoice_id: draft.invoice_id.to_string(),
            kind: kind.as_str().to_owned(),
            number,
            counterparty_id: draft.counterparty_id,
            counterparty_name: draft.counterparty_name,
            currency: currency.as_str().to_owned(),
            control_account: control_account.into(),
            credits_invoice_id,
            lines,
        })
    }
}

/// `<PREFIX>-<first 8 hex digits of the id, uppercase>`, e.g. `INV-0190F3A2`.
fn default_number(kind: InvoiceKind, invoice_id: Uuid) -> String {
    let hex = invoice_id.simple().to_string();
    format!("{}-{}", kind.number_prefix(), hex[..8].to_ascii_uppercase())
}

/// A credit note must name the (other) invoice it credits, as a UUID; an invoice or bill must
/// not. The id is kept in its canonical lowercase hyphenated form.
fn check_credited(
    kind: InvoiceKind,
    invoice_id: Uuid,
    credits_invoice_id: Option<String>,
) -> Result<Option<String>, InvoiceError> {
    match (kind.is_credit_note(), credits_invoice_id) {
        (false, None) => Ok(None),
        (false, Some(_)) => Err(InvoiceError::CreditsInvoiceNotAllowed { kind: kind.as_str() }),
        (true, None) => Err(InvoiceError::CreditsInvoiceMissing { kind: kind.as_str() }),
        (true, Some(credited)) => {
            let Ok(uuid) = Uuid::parse_str(&credited) else {
                return Err(InvoiceError::InvalidCreditsInvoice { credits_invoice_id: credited });
            };
            if uuid == invoice_id {
                return Err(InvoiceError::CreditsItself);
            }
            Ok(Some(uuid.to_string()))
        }
    }
}

/// Checks one line as the client sent it and numbers it (`index` + 1).
fn draft_line(line: usize, input: InvoiceLineInput) -> Result<DraftLine, InvoiceError> {
    check_text(&input.description, MAX_DESCRIPTION_CHARS, InvoiceError::DescriptionBlank { line }, |chars, max| {
        InvoiceError::DescriptionTooLong { line, chars, max }
    })?;
    let quantity_milli = input.quantity.milli().map_err(|reason| InvoiceError::InvalidQuantity { line, reason })?;
    if input.unit_price < 0 {
        return Err(InvoiceError::NegativeUnitPrice { line, unit_price: input.unit_price });
    }
    let account = AccountCode::parse(&input.account).map_err(|reason| InvoiceError::InvalidAccount { line, reason })?;
    if input.tax_code.as_deref().is_some_and(|code| code.trim().is_empty()) {
        return Err(InvoiceError::TaxCodeBlank { line });
    }
    Ok(DraftLine {
        line_no: i32::try_from(line + 1).unwrap_or(i32::MAX),
        description: input.description,
        quantity_milli,
        unit_price_minor: input.unit_price,
        account: account.into(),
        tax_code: input.tax_code,
    })
}
