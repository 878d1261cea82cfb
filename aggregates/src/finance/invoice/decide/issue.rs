//! Deciding `Issue`: first the rules that need no books ([`PreparedIssue`]: state, due date,
//! each line's net and the net total), then against the books — the issue date's period, each
//! line's tax at the rate in force on the issue date, the totals, the balanced posting and
//! the accounts it posts to — into one `InvoiceGenerated` under [`issue_entry_id_for`].

use chrono::{Days, NaiveDate};

use crate::finance::books::Books;
use crate::finance::invoice::aggregate::{Document, Invoice};
use crate::finance::invoice::book_checks::{check_accounts, check_period, check_tax_code};
use crate::finance::invoice::commands::IssueInvoice;
use crate::finance::invoice::errors::InvoiceError;
use crate::finance::invoice::events::{InvoiceGenerated, InvoiceLine};
use crate::finance::invoice::posting::{
    add_tax, issue_entry_id_for, issue_posting, net_amount_minor, tax_amount_minor, TaxPosting,
};
use crate::finance::invoice::status::InvoiceStatus;
use crate::finance::invoice::DEFAULT_PAYMENT_TERMS_DAYS;
use crate::finance::journal_entry::lines_balance;

/// An issue whose book-free rules passed.
pub(super) struct PreparedIssue<'a> {
    document: &'a Document,
    issue_date: NaiveDate,
    due_date: NaiveDate,
    nets: Vec<i64>,
    net_total: i64,
}

impl Invoice {
    /// The rules of issuing that need no books: state, due date, line nets and net total.
    pub(super) fn prepare_issue(&self, issue: &IssueInvoice) -> Result<PreparedIssue<'_>, InvoiceError> {
        let document = self.document.as_ref().ok_or(InvoiceError::NotFound)?;
        match document.status {
            InvoiceStatus::Draft => {}
            InvoiceStatus::Void => return Err(InvoiceError::InvoiceVoid),
            status @ (InvoiceStatus::Issued | InvoiceStatus::PartiallyPaid | InvoiceStatus::Paid) => {
                return Err(InvoiceError::AlreadyIssued { status })
            }
        }
        let issue_date = issue.issue_date;
        let due_date = issue.due_date.unwrap_or_else(|| {
            issue_date.checked_add_days(Days::new(DEFAULT_PAYMENT_TERMS_DAYS)).unwrap_or(NaiveDate::MAX)
        });
        if due_date < issue_date {
            return Err(InvoiceError::DueBeforeIssue { due_date, issue_date });
        }
        let nets = document
            .lines
            .iter()
            .enumerate()
            .map(|(line, draft)| {
                net_amount_minor(draft.quantity_milli, draft.unit_price_minor)
                    .ok_or(InvoiceError::LineAmountOverflow { line })
            })
            .collect::<Result<Vec<i64>, _>>()?;
        let net_total =
            nets.iter().try_fold(0_i64, |sum, &net| sum.checked_add(net)).ok_or(InvoiceError::TotalOverflow)?;
        // Nets are never negative and tax never turns a zero net into more, so a zero net
        // total is a zero gross total.
        if net_total == 0 {
            return Err(InvoiceError::ZeroTotal);
        }
        Ok(PreparedIssue { document, issue_date, due_date, nets, net_total })
    }

    pub(super) fn decide_issue(&self, issue: &IssueInvoice, books: &Books) -> Result<InvoiceGenerated, InvoiceError> {
        let PreparedIssue { document, issue_date, due_date, nets, net_total } = self.prepare_issue(issue)?;
        check_period(books, issue_date, "issue_date")?;
        let mut lines = Vec::with_capacity(document.lines.len());
        let mut taxes: Vec<TaxPosting> = Vec::new();
        for (index, (draft, &net)) in document.lines.iter().zip(&nets).enumerate() {
            let applied = match &draft.tax_code {
                Some(code) => Some(check_tax_code(books, index, code, issue_date)?),
                None => None,
            };
            let rate_bp = applied.as_ref().map_or(0, |applied| applied.rate_bp);
            let tax = tax_amount_minor(net, rate_bp).ok_or(InvoiceError::TotalOverflow)?;
            if let Some(applied) = &applied {
                add_tax(&mut taxes, document.kind, applied, index, tax)?;
            }
            lines.push(InvoiceLine {
                line_no: draft.line_no,
                description: draft.description.clone(),
                quantity_milli: draft.quantity_milli,
                unit_price_minor: draft.unit_price_minor,
                net_minor: net,
                account: draft.account.clone(),
                tax_code: draft.tax_code.clone(),
                tax_rate_bp: rate_bp,
                tax_minor: tax,
            });
        }
        let tax_total = lines
            .iter()
            .try_fold(0_i64, |sum, line| sum.checked_add(line.tax_minor))
            .ok_or(InvoiceError::TotalOverflow)?;
        let gross_total = net_total.checked_add(tax_total).ok_or(InvoiceError::TotalOverflow)?;
        let posting = issue_posting(document, &lines, &taxes, gross_total);
        debug_assert!(lines_balance(&posting), "invoice {} posting does not balance", document.invoice_id);
        check_accounts(books, document, &taxes)?;
        let posting = books
            .exchange_rates
            .price_lines(issue_date, &posting)
            .map_err(|(_, refusal)| InvoiceError::NoExchangeRate { refusal })?;
        Ok(InvoiceGenerated {
            invoice_id: document.invoice_id.clone(),
            kind: document.kind.as_str().to_owned(),
            number: document.number.clone(),
            counterparty_id: document.counterparty_id.clone(),
            counterparty_name: document.counterparty_name.clone(),
            currency: document.currency.as_str().to_owned(),
            issue_date,
            due_date,
            credits_invoice_id: document.credits_invoice_id.clone(),
            lines,
            net_total_minor: net_total,
            tax_total_minor: tax_total,
            gross_total_minor: gross_total,
            entry_id: issue_entry_id_for(&document.invoice_id).to_string(),
            posting,
        })
    }
}
