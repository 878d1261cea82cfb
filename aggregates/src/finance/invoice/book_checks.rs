//! An invoice checked against the tenant's [`Books`]: a date must fall in an open period
//! ([`check_period`]), a line's tax code must be known and not retired ([`check_tax_code`]),
//! and every account posted to must take postings in the invoice's currency
//! ([`check_accounts`]). Each refusal becomes the [`InvoiceError`] that names it.

use chrono::NaiveDate;

use super::aggregate::Document;
use super::errors::{AccountRole, InvoiceError};
use super::posting::TaxPosting;
use crate::finance::books::Books;
use crate::finance::calendar::PeriodRefusal;
use crate::finance::chart::AccountRefusal;
use crate::finance::tax::{AppliedTaxRate, TaxRateRefusal};

/// `date` must fall in an open period; `field` names the command input that carries it.
pub(super) fn check_period(books: &Books, date: NaiveDate, field: &'static str) -> Result<(), InvoiceError> {
    match books.calendar.check_open(date) {
        Ok(_) => Ok(()),
        Err(PeriodRefusal::NoFiscalYear) => Err(InvoiceError::NoFiscalYear { field, date }),
        Err(PeriodRefusal::NotOpen { period, status }) => {
            Err(InvoiceError::PeriodNotOpen { field, date, period, status: status.as_str() })
        }
    }
}

/// The rate of tax code `code` in force on `date`, for line `line` (0-based): the code must be
/// known and not retired.
pub(super) fn check_tax_code(
    books: &Books,
    line: usize,
    code: &str,
    date: NaiveDate,
) -> Result<AppliedTaxRate, InvoiceError> {
    books.tax_rates.rate_on(code, date).map_err(|refusal| match refusal {
        TaxRateRefusal::Unknown => InvoiceError::UnknownTaxCode { line, code: code.to_owned() },
        TaxRateRefusal::Retired => InvoiceError::RetiredTaxCode { line, code: code.to_owned() },
    })
}

/// Every account the invoice posts to must take postings in its currency: the control account,
/// each line's account (zero-valued lines included), then each tax account that receives tax.
pub(super) fn check_accounts(books: &Books, document: &Document, taxes: &[TaxPosting]) -> Result<(), InvoiceError> {
    let currency = document.currency;
    let check = |role: AccountRole, code: &str| {
        books.chart.check_postable(code, currency).map_err(|refusal| {
            let code = code.to_owned();
            match refusal {
                AccountRefusal::Unknown => InvoiceError::UnknownAccount { role, code },
                AccountRefusal::Header => InvoiceError::HeaderAccount { role, code },
                AccountRefusal::Archived => InvoiceError::ArchivedAccount { role, code },
                AccountRefusal::CurrencyMismatch { account_currency } => {
                    InvoiceError::AccountCurrencyMismatch { role, code, account_currency, currency }
                }
            }
        })
    };
    check(AccountRole::Control, &document.control_account)?;
    for (line, draft) in document.lines.iter().enumerate() {
        check(AccountRole::Line { line }, &draft.account)?;
    }
    for tax in taxes.iter().filter(|tax| tax.amount != 0) {
        check(AccountRole::Tax { line: tax.first_line }, &tax.account)?;
    }
    Ok(())
}
