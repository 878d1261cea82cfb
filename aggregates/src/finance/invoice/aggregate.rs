//! The invoice aggregate: [`Invoice::decide`] checks every rule and returns the events —
//! against the tenant's [`Books`] for the commands that post (issue, void); `handle` reads the
//! books from the [`BooksSource`] service only for those, and only once the rules that need no
//! books have passed; `apply` folds the events. Pure — no I/O, no clock, no randomness of its
//! own.
//!
//! Rules are checked in a fixed order and the first broken one is reported.
//! Drafting: state, kind, number, counterparty id and name, currency, control account,
//! credited invoice, line count, then each line in order (description, quantity, unit price,
//! account, tax code). Issuing: state, due date, each line's net, the net total — then the
//! books: the issue date's period, each line's tax code, the totals, then the accounts
//! (control, each line's, each tax account). Applying a payment: state, payment already
//! applied (accepted, recording nothing), issued, not void, not a credit note, payment id,
//! amount. Voiding: state, payments, reason, void date — then the books: the void date's period.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

use chrono::{Days, NaiveDate};
use cqrs_es::event_sink::EventSink;
use cqrs_es::Aggregate;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::commands::{ApplyPayment, DraftInvoice, InvoiceCommand, InvoiceLineInput, IssueInvoice, VoidInvoice};
use super::errors::{AccountRole, InvoiceError};
use super::events::{
    DraftLine, InvoiceDrafted, InvoiceEvent, InvoiceGenerated, InvoiceLine, InvoicePaymentApplied, InvoiceVoided,
};
use super::{
    DEFAULT_PAYMENT_TERMS_DAYS, MAX_COUNTERPARTY_ID_CHARS, MAX_COUNTERPARTY_NAME_CHARS, MAX_DESCRIPTION_CHARS,
    MAX_LINES, MAX_NUMBER_CHARS, MAX_REASON_CHARS, MIN_LINES,
};
use crate::finance::account::AccountCode;
use crate::finance::books::{Books, BooksSource};
use crate::finance::calendar::PeriodRefusal;
use crate::finance::chart::{default_accounts, AccountRefusal};
use crate::finance::journal_entry::{lines_balance, PostedLine, Side};
use crate::finance::tax::{AppliedTaxRate, TaxRateRefusal};
use crate::money::Currency;

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

/// Where an invoice is in its life: draft → issued → partially paid → paid, or issued → void.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InvoiceStatus {
    /// Recorded, posts nothing, can still be issued.
    Draft,
    /// Issued and posted; nothing paid yet.
    Issued,
    /// Issued, with part of the gross total paid.
    PartiallyPaid,
    /// Issued and paid in full.
    Paid,
    /// Issued, then voided: its posting is reversed.
    Void,
}

impl InvoiceStatus {
    /// `"draft"`, `"issued"`, `"partially_paid"`, `"paid"` or `"void"`, as read models store it.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            InvoiceStatus::Draft => "draft",
            InvoiceStatus::Issued => "issued",
            InvoiceStatus::PartiallyPaid => "partially_paid",
            InvoiceStatus::Paid => "paid",
            InvoiceStatus::Void => "void",
        }
    }
}

impl fmt::Display for InvoiceStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The id of the journal entry an invoice's issue posts: UUID v5 in the OID namespace of
/// `"<invoice_id>/issue"`, so deciding needs no randomness.
#[must_use]
pub fn issue_entry_id_for(invoice_id: &str) -> Uuid {
    Uuid::new_v5(&Uuid::NAMESPACE_OID, format!("{invoice_id}/issue").as_bytes())
}

/// The id of the journal entry an invoice's void posts: UUID v5 in the OID namespace of
/// `"<invoice_id>/void"`.
#[must_use]
pub fn void_entry_id_for(invoice_id: &str) -> Uuid {
    Uuid::new_v5(&Uuid::NAMESPACE_OID, format!("{invoice_id}/void").as_bytes())
}

/// A line's net amount: `quantity_milli` thousandths × `unit_price_minor`, rounded half away
/// from zero to minor units (2.5 × 1999 = 4997.5 → 4998); `None` when it does not fit in an
/// `i64`.
#[must_use]
pub fn net_amount_minor(quantity_milli: i64, unit_price_minor: i64) -> Option<i64> {
    let product = i128::from(quantity_milli).checked_mul(i128::from(unit_price_minor))?;
    i64::try_from(div_round_half_away(product, 1_000)).ok()
}

/// Tax on `net_minor` at `rate_bp` basis points, rounded half away from zero to minor units;
/// `None` when it does not fit in an `i64`.
#[must_use]
pub fn tax_amount_minor(net_minor: i64, rate_bp: i32) -> Option<i64> {
    let product = i128::from(net_minor).checked_mul(i128::from(rate_bp))?;
    i64::try_from(div_round_half_away(product, 10_000)).ok()
}

/// `numerator / denominator` rounded half away from zero; `denominator` is positive and small.
fn div_round_half_away(numerator: i128, denominator: i128) -> i128 {
    let quotient = numerator / denominator;
    let remainder = numerator % denominator;
    if remainder.abs() * 2 >= denominator {
        quotient + numerator.signum()
    } else {
        quotient
    }
}

/// What another aggregate (a payment allocating to invoices) needs to know about an invoice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvoiceStanding {
    /// Id of the invoice.
    pub invoice_id: String,
    /// Its kind.
    pub kind: InvoiceKind,
    /// Id of the customer or vendor.
    pub counterparty_id: String,
    /// ISO-4217 code of its amounts.
    pub currency: String,
    /// Where it is in its life.
    pub status: InvoiceStatus,
    /// What is still open, in minor units (0 for a draft or a void invoice).
    pub open_minor: i64,
}

/// State of one invoice, folded from its events.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Invoice {
    document: Option<Document>,
}

/// An invoice once drafted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct Document {
    invoice_id: String,
    kind: InvoiceKind,
    number: String,
    counterparty_id: String,
    counterparty_name: String,
    currency: Currency,
    control_account: String,
    credits_invoice_id: Option<String>,
    lines: Vec<DraftLine>,
    status: InvoiceStatus,
    issue_date: Option<NaiveDate>,
    due_date: Option<NaiveDate>,
    gross_total_minor: i64,
    open_minor: i64,
    posting: Vec<PostedLine>,
    /// Amount applied per payment id.
    payments: BTreeMap<String, i64>,
}

impl Invoice {
    /// The invoice id once drafted.
    #[must_use]
    pub fn id(&self) -> Option<&str> {
        self.document.as_ref().map(|d| d.invoice_id.as_str())
    }

    /// Where the invoice is in its life; `None` before it is drafted.
    #[must_use]
    pub fn status(&self) -> Option<InvoiceStatus> {
        self.document.as_ref().map(|d| d.status)
    }

    /// Its kind once drafted.
    #[must_use]
    pub fn kind(&self) -> Option<InvoiceKind> {
        self.document.as_ref().map(|d| d.kind)
    }

    /// The document number once drafted.
    #[must_use]
    pub fn number(&self) -> Option<&str> {
        self.document.as_ref().map(|d| d.number.as_str())
    }

    /// Id of the customer or vendor once drafted.
    #[must_use]
    pub fn counterparty_id(&self) -> Option<&str> {
        self.document.as_ref().map(|d| d.counterparty_id.as_str())
    }

    /// Name of the customer or vendor once drafted.
    #[must_use]
    pub fn counterparty_name(&self) -> Option<&str> {
        self.document.as_ref().map(|d| d.counterparty_name.as_str())
    }

    /// The currency of every amount once drafted.
    #[must_use]
    pub fn currency(&self) -> Option<Currency> {
        self.document.as_ref().map(|d| d.currency)
    }

    /// The receivable or payable control account once drafted.
    #[must_use]
    pub fn control_account(&self) -> Option<&str> {
        self.document.as_ref().map(|d| d.control_account.as_str())
    }

    /// The invoice a credit note credits.
    #[must_use]
    pub fn credits_invoice_id(&self) -> Option<&str> {
        self.document.as_ref().and_then(|d| d.credits_invoice_id.as_deref())
    }

    /// The lines as drafted (empty before drafting).
    #[must_use]
    pub fn lines(&self) -> &[DraftLine] {
        self.document.as_ref().map_or(&[], |d| d.lines.as_slice())
    }

    /// The issue date once issued.
    #[must_use]
    pub fn issue_date(&self) -> Option<NaiveDate> {
        self.document.as_ref().and_then(|d| d.issue_date)
    }

    /// The due date once issued.
    #[must_use]
    pub fn due_date(&self) -> Option<NaiveDate> {
        self.document.as_ref().and_then(|d| d.due_date)
    }

    /// Net plus tax once issued, in minor units; 0 before.
    #[must_use]
    pub fn gross_total_minor(&self) -> i64 {
        self.document.as_ref().map_or(0, |d| d.gross_total_minor)
    }

    /// What is still open, in minor units: the gross total less the payments applied; 0 for a
    /// draft or a void invoice.
    #[must_use]
    pub fn open_minor(&self) -> i64 {
        self.document.as_ref().map_or(0, |d| d.open_minor)
    }

    /// Sum of the payments applied, in minor units.
    #[must_use]
    pub fn paid_minor(&self) -> i64 {
        self.document.as_ref().map_or(0, |d| d.payments.values().sum())
    }

    /// The payments applied: payment id and amount, in payment-id order.
    pub fn payments(&self) -> impl Iterator<Item = (&str, i64)> {
        self.document.iter().flat_map(|d| d.payments.iter().map(|(id, amount)| (id.as_str(), *amount)))
    }

    /// The lines the issue posted (empty before issuing).
    #[must_use]
    pub fn posting(&self) -> &[PostedLine] {
        self.document.as_ref().map_or(&[], |d| d.posting.as_slice())
    }

    /// What a payment allocating to this invoice needs to know; `None` before drafting.
    #[must_use]
    pub fn standing(&self) -> Option<InvoiceStanding> {
        self.document.as_ref().map(|d| InvoiceStanding {
            invoice_id: d.invoice_id.clone(),
            kind: d.kind,
            counterparty_id: d.counterparty_id.clone(),
            currency: d.currency.as_str().to_owned(),
            status: d.status,
            open_minor: d.open_minor,
        })
    }

    /// Decides `command` against the current state and, for the commands that post (issue,
    /// void), against `books`: the events to record, or why not. An `ApplyPayment` of a
    /// payment already applied records nothing. This is the whole of `handle`, callable
    /// without an event sink.
    ///
    /// # Errors
    /// The first rule the command breaks, as an [`InvoiceError`].
    pub fn decide(&self, command: InvoiceCommand, books: &Books) -> Result<Vec<InvoiceEvent>, InvoiceError> {
        match command {
            InvoiceCommand::Draft(draft) => {
                self.decide_draft(draft).map(|event| vec![InvoiceEvent::InvoiceDrafted(event)])
            }
            InvoiceCommand::Issue(issue) => {
                self.decide_issue(&issue, books).map(|event| vec![InvoiceEvent::InvoiceGenerated(event)])
            }
            InvoiceCommand::ApplyPayment(apply) => self
                .decide_payment(apply)
                .map(|event| event.map(InvoiceEvent::InvoicePaymentApplied).into_iter().collect()),
            InvoiceCommand::Void(void) => {
                self.decide_void(void, books).map(|event| vec![InvoiceEvent::InvoiceVoided(event)])
            }
        }
    }

    /// Whether deciding `command` needs the books, once the rules that need none pass.
    ///
    /// # Errors
    /// The first of those rules `command` breaks.
    fn needs_books(&self, command: &InvoiceCommand) -> Result<bool, InvoiceError> {
        match command {
            InvoiceCommand::Issue(issue) => self.prepare_issue(issue).map(|_| true),
            InvoiceCommand::Void(void) => self.prepare_void(void).map(|_| true),
            InvoiceCommand::Draft(_) | InvoiceCommand::ApplyPayment(_) => Ok(false),
        }
    }

    fn decide_draft(&self, draft: DraftInvoice) -> Result<InvoiceDrafted, InvoiceError> {
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

    /// The rules of issuing that need no books: state, due date, line nets and net total.
    fn prepare_issue(&self, issue: &IssueInvoice) -> Result<PreparedIssue<'_>, InvoiceError> {
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

    fn decide_issue(&self, issue: &IssueInvoice, books: &Books) -> Result<InvoiceGenerated, InvoiceError> {
        let PreparedIssue { document, issue_date, due_date, nets, net_total } = self.prepare_issue(issue)?;
        check_period(books, issue_date, "issue_date")?;
        let mut lines = Vec::with_capacity(document.lines.len());
        let mut taxes: Vec<TaxPosting> = Vec::new();
        for (index, (draft, &net)) in document.lines.iter().zip(&nets).enumerate() {
            let applied = match &draft.tax_code {
                Some(code) => Some(books.tax_rates.rate_on(code, issue_date).map_err(|refusal| match refusal {
                    TaxRateRefusal::Unknown => InvoiceError::UnknownTaxCode { line: index, code: code.clone() },
                    TaxRateRefusal::Retired => InvoiceError::RetiredTaxCode { line: index, code: code.clone() },
                })?),
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

    fn decide_payment(&self, apply: ApplyPayment) -> Result<Option<InvoicePaymentApplied>, InvoiceError> {
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

    /// The rules of voiding that need no books: state, payments, reason, void date.
    fn prepare_void(&self, void: &VoidInvoice) -> Result<&Document, InvoiceError> {
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

    fn decide_void(&self, void: VoidInvoice, books: &Books) -> Result<InvoiceVoided, InvoiceError> {
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

    /// The document for folding an event about it; an event before the draft is never
    /// recorded by `decide`.
    fn document_mut(&mut self) -> Option<&mut Document> {
        debug_assert!(self.document.is_some(), "invoice event before InvoiceDrafted");
        self.document.as_mut()
    }
}

impl Aggregate for Invoice {
    const TYPE: &'static str = "finance.invoice";
    type Command = InvoiceCommand;
    type Event = InvoiceEvent;
    type Error = InvoiceError;
    type Services = Arc<dyn BooksSource>;

    async fn handle(
        &mut self,
        command: Self::Command,
        books: &Self::Services,
        sink: &EventSink<Self>,
    ) -> Result<(), Self::Error> {
        let books: Option<Arc<Books>> = if self.needs_books(&command)? {
            Some(books.books().await.map_err(|reason| InvoiceError::BooksUnavailable { reason })?)
        } else {
            None
        };
        let events = self.decide(command, books.as_deref().unwrap_or(&Books::default()))?;
        for event in events {
            sink.write(event, self).await;
        }
        Ok(())
    }

    fn apply(&mut self, event: Self::Event) {
        match event {
            InvoiceEvent::InvoiceDrafted(drafted) => {
                debug_assert!(self.document.is_none(), "invoice {} drafted twice", drafted.invoice_id);
                let document = Document::drafted(drafted);
                debug_assert!(document.is_some(), "malformed InvoiceDrafted");
                self.document = document;
            }
            InvoiceEvent::InvoiceGenerated(generated) => {
                if let Some(document) = self.document_mut() {
                    debug_assert_eq!(document.status, InvoiceStatus::Draft, "issued twice");
                    debug_assert!(lines_balance(&generated.posting), "issue posting does not balance");
                    document.status = InvoiceStatus::Issued;
                    document.issue_date = Some(generated.issue_date);
                    document.due_date = Some(generated.due_date);
                    document.gross_total_minor = generated.gross_total_minor;
                    document.open_minor = generated.gross_total_minor;
                    document.posting = generated.posting;
                }
            }
            InvoiceEvent::InvoicePaymentApplied(applied) => {
                if let Some(document) = self.document_mut() {
                    debug_assert_eq!(document.open_minor - applied.amount_minor, applied.open_after_minor);
                    document.open_minor = applied.open_after_minor;
                    document.status =
                        if applied.open_after_minor == 0 { InvoiceStatus::Paid } else { InvoiceStatus::PartiallyPaid };
                    document.payments.insert(applied.payment_id, applied.amount_minor);
                }
            }
            InvoiceEvent::InvoiceVoided(_) => {
                if let Some(document) = self.document_mut() {
                    debug_assert_eq!(document.status, InvoiceStatus::Issued, "voided in status {}", document.status);
                    document.status = InvoiceStatus::Void;
                    document.open_minor = 0;
                }
            }
        }
    }
}

impl Document {
    /// The document an `InvoiceDrafted` describes; `None` if the event is malformed (which
    /// `decide` never produces).
    fn drafted(event: InvoiceDrafted) -> Option<Self> {
        Some(Self {
            kind: InvoiceKind::parse(&event.kind)?,
            currency: Currency::parse(&event.currency).ok()?,
            invoice_id: event.invoice_id,
            number: event.number,
            counterparty_id: event.counterparty_id,
            counterparty_name: event.counterparty_name,
            control_account: event.control_account,
            credits_invoice_id: event.credits_invoice_id,
            lines: event.lines,
            status: InvoiceStatus::Draft,
            issue_date: None,
            due_date: None,
            gross_total_minor: 0,
            open_minor: 0,
            posting: Vec::new(),
            payments: BTreeMap::new(),
        })
    }
}

/// An issue whose book-free rules passed.
struct PreparedIssue<'a> {
    document: &'a Document,
    issue_date: NaiveDate,
    due_date: NaiveDate,
    nets: Vec<i64>,
    net_total: i64,
}

/// The tax posted to one tax account, summed over the lines whose tax goes there.
struct TaxPosting {
    account: String,
    /// The tax codes that post here, in order of first use.
    codes: Vec<String>,
    amount: i64,
    /// 0-based index of the first line whose tax posts here.
    first_line: usize,
}

/// Adds a line's tax to the posting of its tax account: the sales account for customer
/// documents, the purchase account for vendor documents.
fn add_tax(
    taxes: &mut Vec<TaxPosting>,
    kind: InvoiceKind,
    applied: &AppliedTaxRate,
    line: usize,
    tax: i64,
) -> Result<(), InvoiceError> {
    let account = if kind.is_customer() { &applied.sales_account } else { &applied.purchase_account };
    match taxes.iter_mut().find(|posting| &posting.account == account) {
        Some(posting) => {
            posting.amount = posting.amount.checked_add(tax).ok_or(InvoiceError::TotalOverflow)?;
            if !posting.codes.contains(&applied.code) {
                posting.codes.push(applied.code.clone());
            }
        }
        None => taxes.push(TaxPosting {
            account: account.clone(),
            codes: vec![applied.code.clone()],
            amount: tax,
            first_line: line,
        }),
    }
    Ok(())
}

/// The balanced posting of an issue: the control account takes the gross total on the kind's
/// control side, every line's account its net and every tax account its tax on the other.
/// Customer documents list the control line first, vendor documents last; zero amounts are
/// left out; lines are numbered from 1.
fn issue_posting(document: &Document, lines: &[InvoiceLine], taxes: &[TaxPosting], gross: i64) -> Vec<PostedLine> {
    let control_side = document.kind.control_side();
    let other_side = match control_side {
        Side::Debit => Side::Credit,
        Side::Credit => Side::Debit,
    };
    let control = (control_side, document.control_account.clone(), gross, Some(document.number.clone()));
    let mut entries = Vec::with_capacity(lines.len() + taxes.len() + 1);
    if document.kind.is_customer() {
        entries.push(control.clone());
    }
    for line in lines {
        entries.push((other_side, line.account.clone(), line.net_minor, Some(line.description.clone())));
    }
    for tax in taxes {
        entries.push((other_side, tax.account.clone(), tax.amount, Some(tax.codes.join(", "))));
    }
    if !document.kind.is_customer() {
        entries.push(control);
    }
    let mut line_no: i32 = 0;
    entries
        .into_iter()
        .filter(|(_, _, amount, _)| *amount != 0)
        .map(|(side, account, amount, memo)| {
            line_no += 1;
            let (debit_minor, credit_minor) = match side {
                Side::Debit => (amount, 0),
                Side::Credit => (0, amount),
            };
            PostedLine {
                line_no,
                account,
                debit_minor,
                credit_minor,
                currency: document.currency.as_str().to_owned(),
                memo,
            }
        })
        .collect()
}

/// `date` must fall in an open period; `field` names the command input that carries it.
fn check_period(books: &Books, date: NaiveDate, field: &'static str) -> Result<(), InvoiceError> {
    match books.calendar.check_open(date) {
        Ok(_) => Ok(()),
        Err(PeriodRefusal::NoFiscalYear) => Err(InvoiceError::NoFiscalYear { field, date }),
        Err(PeriodRefusal::NotOpen { period, status }) => {
            Err(InvoiceError::PeriodNotOpen { field, date, period, status: status.as_str() })
        }
    }
}

/// Every account the invoice posts to must take postings in its currency: the control account,
/// each line's account (zero-valued lines included), then each tax account that receives tax.
fn check_accounts(books: &Books, document: &Document, taxes: &[TaxPosting]) -> Result<(), InvoiceError> {
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

/// Rejects blank or over-long text.
fn check_text(
    text: &str,
    max: usize,
    blank: InvoiceError,
    too_long: impl FnOnce(usize, usize) -> InvoiceError,
) -> Result<(), InvoiceError> {
    if text.trim().is_empty() {
        return Err(blank);
    }
    let chars = text.chars().count();
    if chars > max {
        return Err(too_long(chars, max));
    }
    Ok(())
}
