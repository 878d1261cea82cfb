//! Why an invoice command was refused: one precise variant per rule, each naming the JSON
//! path of the input at fault ([`Refusal::field`]: `kind`, `lines[2].quantity`, `due_date`…,
//! or `None` when the invoice's state rather than an input forbids the command), a stable
//! machine code ([`Refusal::code`]) and its class ([`Refusal::kind`]), so the HTTP layer maps
//! it once (422 / 404 / 409 / 503).
//!
//! Line indexes (`line`) are 0-based positions in the draft's `lines`; refusals of `Issue`
//! that concern a line name the line as drafted (`lines[1].tax_code`).

use std::fmt;

use chrono::NaiveDate;

use super::InvoiceStatus;
use crate::finance::account::AccountCodeError;
use crate::finance::exchange_rates::RateRefusal;
use crate::money::{Currency, CurrencyError};
use crate::quantity::QuantityError;
use crate::refusal::{Refusal, RefusalKind};

/// Which input of the invoice names an account the books refuse.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AccountRole {
    /// The receivable or payable control account (`control_account`).
    Control,
    /// The income or expense account of a line (`lines[i].account`).
    Line {
        /// 0-based index of the line.
        line: usize,
    },
    /// The account that collects the tax of a line's tax code (`lines[i].tax_code`; the first
    /// line whose tax posts to it).
    Tax {
        /// 0-based index of the line.
        line: usize,
    },
}

impl AccountRole {
    /// The JSON path of the input at fault: `control_account`, `lines[i].account` or
    /// `lines[i].tax_code`.
    #[must_use]
    pub fn field(self) -> String {
        match self {
            AccountRole::Control => "control_account".to_owned(),
            AccountRole::Line { line } => format!("lines[{line}].account"),
            AccountRole::Tax { line } => format!("lines[{line}].tax_code"),
        }
    }
}

impl fmt::Display for AccountRole {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AccountRole::Tax { line } => write!(f, "the tax account of lines[{line}].tax_code"),
            role => f.write_str(&role.field()),
        }
    }
}

/// An invoice command was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InvoiceError {
    /// `Draft` on an invoice that already exists.
    #[error("invoice already exists")]
    AlreadyExists,
    /// `Issue`, `ApplyPayment` or `Void` on an invoice that was never drafted.
    #[error("invoice not found")]
    NotFound,
    /// `Issue` on an invoice that is already issued (or partially or fully paid).
    #[error("invoice is already issued; it is {status}")]
    AlreadyIssued {
        /// Its status.
        status: InvoiceStatus,
    },
    /// `ApplyPayment` or `Void` on a draft.
    #[error("invoice is a draft; issue it first")]
    NotIssued,
    /// Any command on a void invoice.
    #[error("invoice is void")]
    InvoiceVoid,

    /// The kind is not one of the four.
    #[error("kind {kind:?} is not one of customer_invoice, vendor_bill, customer_credit_note, vendor_credit_note")]
    InvalidKind {
        /// The kind given.
        kind: String,
    },
    /// A number was given but is empty or only whitespace.
    #[error("number must not be blank when present")]
    NumberBlank,
    /// The number is too long.
    #[error("number has {chars} characters; at most {max} are allowed")]
    NumberTooLong {
        /// Length in characters.
        chars: usize,
        /// The limit.
        max: usize,
    },
    /// The counterparty id is empty or only whitespace.
    #[error("counterparty_id must not be blank")]
    CounterpartyIdBlank,
    /// The counterparty id is too long.
    #[error("counterparty_id has {chars} characters; at most {max} are allowed")]
    CounterpartyIdTooLong {
        /// Length in characters.
        chars: usize,
        /// The limit.
        max: usize,
    },
    /// The counterparty name is empty or only whitespace.
    #[error("counterparty_name must not be blank")]
    CounterpartyNameBlank,
    /// The counterparty name is too long.
    #[error("counterparty_name has {chars} characters; at most {max} are allowed")]
    CounterpartyNameTooLong {
        /// Length in characters.
        chars: usize,
        /// The limit.
        max: usize,
    },
    /// The currency is invalid.
    #[error("currency is invalid: {reason}")]
    InvalidCurrency {
        /// Which currency rule failed.
        reason: CurrencyError,
    },
    /// The control account is not a valid account code.
    #[error("control_account is invalid: {reason}")]
    InvalidControlAccount {
        /// Which account-code rule failed.
        reason: AccountCodeError,
    },
    /// A credited invoice given for an invoice or bill, which credit nothing.
    #[error("credits_invoice_id is only for credit notes, not a {kind}")]
    CreditsInvoiceNotAllowed {
        /// The document's kind.
        kind: &'static str,
    },
    /// A credit note without the invoice it credits.
    #[error("a {kind} must name the invoice it credits in credits_invoice_id")]
    CreditsInvoiceMissing {
        /// The document's kind.
        kind: &'static str,
    },
    /// The credited invoice id is not a UUID.
    #[error("credits_invoice_id {credits_invoice_id:?} is not a UUID")]
    InvalidCreditsInvoice {
        /// The id given.
        credits_invoice_id: String,
    },
    /// A credit note that names itself as the invoice it credits.
    #[error("a credit note cannot credit itself")]
    CreditsItself,
    /// No lines.
    #[error("an invoice needs at least {min} line")]
    TooFewLines {
        /// Lines given.
        count: usize,
        /// The minimum.
        min: usize,
    },
    /// Too many lines.
    #[error("an invoice has at most {max} lines, got {count}")]
    TooManyLines {
        /// Lines given.
        count: usize,
        /// The limit.
        max: usize,
    },
    /// A line's description is empty or only whitespace.
    #[error("lines[{line}].description must not be blank")]
    DescriptionBlank {
        /// 0-based line index.
        line: usize,
    },
    /// A line's description is too long.
    #[error("lines[{line}].description has {chars} characters; at most {max} are allowed")]
    DescriptionTooLong {
        /// 0-based line index.
        line: usize,
        /// Length in characters.
        chars: usize,
        /// The limit.
        max: usize,
    },
    /// A line's quantity is not a usable quantity.
    #[error("lines[{line}].quantity is invalid: {reason}")]
    InvalidQuantity {
        /// 0-based line index.
        line: usize,
        /// Which quantity rule failed.
        reason: QuantityError,
    },
    /// A line's unit price is negative.
    #[error("lines[{line}].unit_price must not be negative, got {unit_price}")]
    NegativeUnitPrice {
        /// 0-based line index.
        line: usize,
        /// The price given.
        unit_price: i64,
    },
    /// A line's account is not a valid account code.
    #[error("lines[{line}].account is invalid: {reason}")]
    InvalidAccount {
        /// 0-based line index.
        line: usize,
        /// Which account-code rule failed.
        reason: AccountCodeError,
    },
    /// A line's tax code was given but is empty or only whitespace.
    #[error("lines[{line}].tax_code must not be blank when present")]
    TaxCodeBlank {
        /// 0-based line index.
        line: usize,
    },

    /// The due date is before the issue date.
    #[error("due_date {due_date} is before issue_date {issue_date}")]
    DueBeforeIssue {
        /// The due date asked for.
        due_date: NaiveDate,
        /// The issue date.
        issue_date: NaiveDate,
    },
    /// A line's net amount does not fit in 64-bit minor units.
    #[error("lines[{line}]: quantity × unit_price overflows 64-bit minor units")]
    LineAmountOverflow {
        /// 0-based line index.
        line: usize,
    },
    /// The invoice's net, tax or gross total does not fit in 64-bit minor units.
    #[error("the invoice's totals overflow 64-bit minor units")]
    TotalOverflow,
    /// Every line is worth nothing: the gross total is zero.
    #[error("the invoice's gross total is zero; there is nothing to invoice")]
    ZeroTotal,
    /// A line's tax code is not defined.
    #[error("lines[{line}].tax_code {code} is not a defined tax code")]
    UnknownTaxCode {
        /// 0-based line index.
        line: usize,
        /// The tax code.
        code: String,
    },
    /// A line's tax code is retired.
    #[error("lines[{line}].tax_code {code} is retired")]
    RetiredTaxCode {
        /// 0-based line index.
        line: usize,
        /// The tax code.
        code: String,
    },
    /// The posting date falls in no fiscal year of the calendar.
    #[error("{date} falls in no fiscal year; open one that covers it first")]
    NoFiscalYear {
        /// The command field that carries the date (`issue_date` or `void_date`).
        field: &'static str,
        /// The date.
        date: NaiveDate,
    },
    /// The posting date falls in a period that is closed or locked.
    #[error("{date} falls in fiscal period {period}, which is {status}")]
    PeriodNotOpen {
        /// The command field that carries the date (`issue_date` or `void_date`).
        field: &'static str,
        /// The date.
        date: NaiveDate,
        /// The period's label, e.g. `2026-03`.
        period: String,
        /// `closed` or `locked`.
        status: &'static str,
    },
    /// The posting would go to an account the chart does not have.
    #[error("{role} names account {code}, which is not in the chart of accounts")]
    UnknownAccount {
        /// Which input names the account.
        role: AccountRole,
        /// The account code.
        code: String,
    },
    /// The posting would go to a header account, which only groups others.
    #[error("{role} names account {code}, a header account that takes no postings")]
    HeaderAccount {
        /// Which input names the account.
        role: AccountRole,
        /// The account code.
        code: String,
    },
    /// The posting would go to an archived account.
    #[error("{role} names account {code}, which is archived")]
    ArchivedAccount {
        /// Which input names the account.
        role: AccountRole,
        /// The account code.
        code: String,
    },
    /// The posting would go to an account restricted to another currency.
    #[error("{role} names account {code}, which takes only {account_currency}, not the invoice's {currency}")]
    AccountCurrencyMismatch {
        /// Which input names the account.
        role: AccountRole,
        /// The account code.
        code: String,
        /// The only currency the account takes.
        account_currency: Currency,
        /// The invoice's currency.
        currency: Currency,
    },
    /// The posting cannot be converted into the functional currency: no rate of the invoice's
    /// currency on or before the issue date, or the converted amount overflows.
    #[error("the invoice cannot be converted into the functional currency on its issue date: {refusal}")]
    NoExchangeRate {
        /// Why.
        refusal: RateRefusal,
    },
    /// The books (chart, calendar, tax rates) could not be read; nothing was recorded.
    #[error("the ledger's books could not be read: {reason}")]
    BooksUnavailable {
        /// What failed.
        reason: String,
    },

    /// A payment applied to a credit note, which takes none.
    #[error("a {kind} takes no payments")]
    PaymentOnCreditNote {
        /// The document's kind.
        kind: &'static str,
    },
    /// The payment id is empty or only whitespace.
    #[error("payment_id must not be blank")]
    PaymentIdBlank,
    /// The amount applied is zero or negative.
    #[error("amount_minor must be positive, got {amount_minor}")]
    NonPositiveAmount {
        /// The amount given.
        amount_minor: i64,
    },
    /// The amount applied is more than is open on the invoice.
    #[error("amount_minor {amount_minor} is more than the {open_minor} open on the invoice")]
    OverAllocated {
        /// What is open.
        open_minor: i64,
        /// The amount given.
        amount_minor: i64,
    },

    /// Voiding an invoice that has payments applied.
    #[error("invoice has {paid_minor} paid on it and cannot be voided; issue a credit note instead")]
    HasPayments {
        /// Total applied so far, minor units.
        paid_minor: i64,
    },
    /// The void reason is empty or only whitespace.
    #[error("reason must not be blank")]
    ReasonBlank,
    /// The void reason is too long.
    #[error("reason has {chars} characters; at most {max} are allowed")]
    ReasonTooLong {
        /// Length in characters.
        chars: usize,
        /// The limit.
        max: usize,
    },
    /// The void date is before the issue date.
    #[error("void_date {void_date} is before the issue date {issue_date}")]
    VoidBeforeIssue {
        /// The void date asked for.
        void_date: NaiveDate,
        /// The issue date.
        issue_date: NaiveDate,
    },
}

impl Refusal for InvoiceError {
    fn field(&self) -> Option<String> {
        use InvoiceError as E;
        let path = match self {
            E::NotFound
            | E::AlreadyIssued { .. }
            | E::NotIssued
            | E::InvoiceVoid
            | E::BooksUnavailable { .. }
            | E::PaymentOnCreditNote { .. }
            | E::HasPayments { .. } => return None,
            E::AlreadyExists => "invoice_id".to_owned(),
            E::InvalidKind { .. } => "kind".to_owned(),
            E::NumberBlank | E::NumberTooLong { .. } => "number".to_owned(),
            E::CounterpartyIdBlank | E::CounterpartyIdTooLong { .. } => "counterparty_id".to_owned(),
            E::CounterpartyNameBlank | E::CounterpartyNameTooLong { .. } => "counterparty_name".to_owned(),
            E::InvalidCurrency { .. } => "currency".to_owned(),
            E::InvalidControlAccount { .. } => "control_account".to_owned(),
            E::CreditsInvoiceNotAllowed { .. }
            | E::CreditsInvoiceMissing { .. }
            | E::InvalidCreditsInvoice { .. }
            | E::CreditsItself => "credits_invoice_id".to_owned(),
            E::TooFewLines { .. } | E::TooManyLines { .. } | E::TotalOverflow | E::ZeroTotal => "lines".to_owned(),
            E::DescriptionBlank { line } | E::DescriptionTooLong { line, .. } => format!("lines[{line}].description"),
            E::InvalidQuantity { line, .. } => format!("lines[{line}].quantity"),
            E::NegativeUnitPrice { line, .. } => format!("lines[{line}].unit_price"),
            E::InvalidAccount { line, .. } => format!("lines[{line}].account"),
            E::TaxCodeBlank { line } | E::UnknownTaxCode { line, .. } | E::RetiredTaxCode { line, .. } => {
                format!("lines[{line}].tax_code")
            }
            E::LineAmountOverflow { line } => format!("lines[{line}]"),
            E::DueBeforeIssue { .. } => "due_date".to_owned(),
            E::NoFiscalYear { field, .. } | E::PeriodNotOpen { field, .. } => (*field).to_owned(),
            E::UnknownAccount { role, .. }
            | E::HeaderAccount { role, .. }
            | E::ArchivedAccount { role, .. }
            | E::AccountCurrencyMismatch { role, .. } => role.field(),
            E::PaymentIdBlank => "payment_id".to_owned(),
            E::NonPositiveAmount { .. } | E::OverAllocated { .. } => "amount_minor".to_owned(),
            E::ReasonBlank | E::ReasonTooLong { .. } => "reason".to_owned(),
            E::VoidBeforeIssue { .. } => "void_date".to_owned(),
            E::NoExchangeRate { .. } => "issue_date".to_owned(),
        };
        Some(path)
    }

    fn code(&self) -> &'static str {
        use InvoiceError as E;
        match self {
            E::AlreadyExists => "already_exists",
            E::NotFound => "not_found",
            E::AlreadyIssued { .. } => "already_issued",
            E::NotIssued => "not_issued",
            E::InvoiceVoid => "invoice_void",
            E::InvalidKind { .. } => "invalid_kind",
            E::NumberBlank => "number_blank",
            E::NumberTooLong { .. } => "number_too_long",
            E::CounterpartyIdBlank => "counterparty_id_blank",
            E::CounterpartyIdTooLong { .. } => "counterparty_id_too_long",
            E::CounterpartyNameBlank => "counterparty_name_blank",
            E::CounterpartyNameTooLong { .. } => "counterparty_name_too_long",
            E::InvalidCurrency { .. } => "invalid_currency",
            E::InvalidControlAccount { .. } => "invalid_control_account",
            E::CreditsInvoiceNotAllowed { .. } => "credits_invoice_not_allowed",
            E::CreditsInvoiceMissing { .. } => "credits_invoice_missing",
            E::InvalidCreditsInvoice { .. } => "invalid_credits_invoice",
            E::CreditsItself => "credits_itself",
            E::TooFewLines { .. } => "too_few_lines",
            E::TooManyLines { .. } => "too_many_lines",
            E::DescriptionBlank { .. } => "description_blank",
            E::DescriptionTooLong { .. } => "description_too_long",
            E::InvalidQuantity { .. } => "invalid_quantity",
            E::NegativeUnitPrice { .. } => "negative_unit_price",
            E::InvalidAccount { .. } => "invalid_account",
            E::TaxCodeBlank { .. } => "tax_code_blank",
            E::DueBeforeIssue { .. } => "due_before_issue",
            E::LineAmountOverflow { .. } => "amount_overflow",
            E::TotalOverflow => "total_overflow",
            E::ZeroTotal => "zero_total",
            E::UnknownTaxCode { .. } => "unknown_tax_code",
            E::RetiredTaxCode { .. } => "retired_tax_code",
            E::NoFiscalYear { .. } => "no_fiscal_year",
            E::PeriodNotOpen { .. } => "period_not_open",
            E::UnknownAccount { .. } => "unknown_account",
            E::HeaderAccount { .. } => "header_account",
            E::ArchivedAccount { .. } => "archived_account",
            E::AccountCurrencyMismatch { .. } => "account_currency_mismatch",
            E::NoExchangeRate { refusal } => refusal.code(),
            E::BooksUnavailable { .. } => "books_unavailable",
            E::PaymentOnCreditNote { .. } => "payment_on_credit_note",
            E::PaymentIdBlank => "payment_id_blank",
            E::NonPositiveAmount { .. } => "non_positive_amount",
            E::OverAllocated { .. } => "over_allocated",
            E::HasPayments { .. } => "has_payments",
            E::ReasonBlank => "reason_blank",
            E::ReasonTooLong { .. } => "reason_too_long",
            E::VoidBeforeIssue { .. } => "void_before_issue",
        }
    }

    fn kind(&self) -> RefusalKind {
        use InvoiceError as E;
        match self {
            E::NotFound => RefusalKind::NotFound,
            E::BooksUnavailable { .. } => RefusalKind::Unavailable,
            E::AlreadyExists | E::AlreadyIssued { .. } | E::NotIssued | E::InvoiceVoid | E::HasPayments { .. } => {
                RefusalKind::Conflict
            }
            _ => RefusalKind::Invalid,
        }
    }
}
