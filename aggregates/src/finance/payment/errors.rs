//! Why a payment command was refused: one precise variant per rule, each naming the command
//! input at fault ([`Refusal::field`]: `amount_minor`, `allocations[2].invoice_id`…), a stable
//! machine code ([`Refusal::code`]) and its class ([`Refusal::kind`]), so the HTTP layer maps
//! it once (422 / 409 / 503).

use chrono::NaiveDate;

use super::aggregate::PaymentDirection;
use crate::finance::account::AccountCodeError;
use crate::finance::exchange_rates::RateRefusal;
use crate::finance::invoice::InvoiceKind;
use crate::money::{Currency, CurrencyError};
use crate::refusal::{Refusal, RefusalKind};

/// A payment command was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PaymentError {
    /// `Process` on a payment that is already processed.
    #[error("payment is already processed")]
    AlreadyProcessed,
    /// The direction is neither `received` nor `made`.
    #[error("direction {direction:?} is not one of received, made")]
    InvalidDirection {
        /// The direction given.
        direction: String,
    },
    /// The counterparty id is empty or only whitespace.
    #[error("counterparty_id must not be blank")]
    CounterpartyBlank,
    /// The counterparty id is too long.
    #[error("counterparty_id has {chars} characters; at most {max} are allowed")]
    CounterpartyTooLong {
        /// Length in characters.
        chars: usize,
        /// The limit.
        max: usize,
    },
    /// The amount is zero or negative.
    #[error("amount_minor must be positive, got {amount}")]
    NonPositiveAmount {
        /// The amount given, minor units.
        amount: i64,
    },
    /// The currency is invalid.
    #[error("currency is invalid: {reason}")]
    InvalidCurrency {
        /// Which currency rule failed.
        reason: CurrencyError,
    },
    /// A reference was given but is empty or only whitespace.
    #[error("reference must not be blank when present")]
    ReferenceBlank,
    /// The reference is too long.
    #[error("reference has {chars} characters; at most {max} are allowed")]
    ReferenceTooLong {
        /// Length in characters.
        chars: usize,
        /// The limit.
        max: usize,
    },
    /// The bank account given is not a valid account code.
    #[error("bank_account is invalid: {reason}")]
    InvalidBankAccount {
        /// Which account-code rule failed.
        reason: AccountCodeError,
    },
    /// The control account given is not a valid account code.
    #[error("control_account is invalid: {reason}")]
    InvalidControlAccount {
        /// Which account-code rule failed.
        reason: AccountCodeError,
    },
    /// The control account is the bank account, so the posting would move nothing.
    #[error("control_account {code} is the bank account; a payment posts bank against another account")]
    ControlAccountIsBankAccount {
        /// The account code given for both.
        code: String,
    },
    /// More allocations than the maximum.
    #[error("a payment may have at most {max} allocations, got {count}")]
    TooManyAllocations {
        /// Allocations given.
        count: usize,
        /// The maximum.
        max: usize,
    },
    /// An allocation's invoice id is not a UUID.
    #[error("allocations[{index}].invoice_id {invoice_id:?} is not a UUID")]
    InvalidInvoiceId {
        /// 0-based allocation index.
        index: usize,
        /// The id given.
        invoice_id: String,
    },
    /// An allocation's amount is zero or negative.
    #[error("allocations[{index}].amount_minor must be positive, got {amount}")]
    NonPositiveAllocation {
        /// 0-based allocation index.
        index: usize,
        /// The amount given, minor units.
        amount: i64,
    },
    /// An invoice is allocated to more than once.
    #[error("allocations[{index}] allocates to invoice {invoice_id} again; it is already allocations[{first}]")]
    DuplicateInvoice {
        /// 0-based index of the repeated allocation.
        index: usize,
        /// The invoice id.
        invoice_id: String,
        /// 0-based index of its first allocation.
        first: usize,
    },
    /// The allocations add up to more than the payment.
    #[error("allocations total {allocated}, more than the payment's amount_minor {amount}")]
    OverAllocated {
        /// Sum of the allocations, minor units (exact: it may exceed 64 bits).
        allocated: i128,
        /// The payment amount, minor units.
        amount: i64,
    },

    /// An allocation names an invoice that does not exist.
    #[error("allocations[{index}].invoice_id {invoice_id} is not an invoice")]
    InvoiceNotFound {
        /// 0-based allocation index.
        index: usize,
        /// The invoice id.
        invoice_id: String,
    },
    /// An allocation names an invoice that is still a draft.
    #[error("allocations[{index}].invoice_id {invoice_id} is a draft; only issued invoices take payments")]
    InvoiceNotIssued {
        /// 0-based allocation index.
        index: usize,
        /// The invoice id.
        invoice_id: String,
    },
    /// An allocation names a void invoice.
    #[error("allocations[{index}].invoice_id {invoice_id}: paying a void invoice")]
    InvoiceVoid {
        /// 0-based allocation index.
        index: usize,
        /// The invoice id.
        invoice_id: String,
    },
    /// An allocation names an invoice that is already paid in full.
    #[error("allocations[{index}].invoice_id {invoice_id} is already paid in full")]
    InvoiceAlreadyPaid {
        /// 0-based allocation index.
        index: usize,
        /// The invoice id.
        invoice_id: String,
    },
    /// An allocation names a credit note; credit notes take no payment.
    #[error("allocations[{index}].invoice_id {invoice_id} is a {}; credit notes take no payment", kind_name(*.kind))]
    CreditNoteNotPayable {
        /// 0-based allocation index.
        index: usize,
        /// The invoice id.
        invoice_id: String,
        /// The credit note's kind.
        kind: InvoiceKind,
    },
    /// An allocation names an invoice of the other side: a vendor bill for a payment received,
    /// or a customer invoice for a payment made.
    #[error(
        "allocations[{index}].invoice_id {invoice_id} is a {}; a payment {direction} settles only {}s",
        kind_name(*.kind),
        kind_name(direction.invoice_kind())
    )]
    InvoiceKindMismatch {
        /// 0-based allocation index.
        index: usize,
        /// The invoice id.
        invoice_id: String,
        /// The invoice's kind.
        kind: InvoiceKind,
        /// The payment's direction.
        direction: PaymentDirection,
    },
    /// An allocation names an invoice of another counterparty.
    #[error(
        "allocations[{index}].invoice_id {invoice_id} belongs to counterparty {invoice_counterparty_id:?}, \
         not {counterparty_id:?}"
    )]
    CounterpartyMismatch {
        /// 0-based allocation index.
        index: usize,
        /// The invoice id.
        invoice_id: String,
        /// The invoice's counterparty.
        invoice_counterparty_id: String,
        /// The payment's counterparty.
        counterparty_id: String,
    },
    /// An allocation names an invoice in another currency.
    #[error("allocations[{index}].invoice_id {invoice_id} is in {invoice_currency}, the payment in {currency}")]
    CurrencyMismatch {
        /// 0-based allocation index.
        index: usize,
        /// The invoice id.
        invoice_id: String,
        /// The invoice's currency.
        invoice_currency: String,
        /// The payment's currency.
        currency: Currency,
    },
    /// An allocation is larger than what is open on its invoice.
    #[error("allocations[{index}].amount_minor {amount_minor} exceeds the {open_minor} open on invoice {invoice_id}")]
    ExceedsOpenAmount {
        /// 0-based allocation index.
        index: usize,
        /// The invoice id.
        invoice_id: String,
        /// What is open on the invoice, minor units.
        open_minor: i64,
        /// The amount allocated to it, minor units.
        amount_minor: i64,
    },

    /// The payment date falls in no fiscal year of the calendar.
    #[error("{date} falls in no fiscal year; open one that covers it first")]
    NoFiscalYear {
        /// The payment date.
        date: NaiveDate,
    },
    /// The payment date falls in a period that is closed or locked.
    #[error("{date} falls in fiscal period {period}, which is {status}")]
    PeriodNotOpen {
        /// The payment date.
        date: NaiveDate,
        /// The period's label, e.g. `2026-03`.
        period: String,
        /// `closed` or `locked`.
        status: &'static str,
    },
    /// The bank or control account is not in the chart.
    #[error("{field} {code} is not in the chart of accounts")]
    UnknownAccount {
        /// `bank_account` or `control_account`.
        field: &'static str,
        /// The account code.
        code: String,
    },
    /// The bank or control account is a header account, which only groups others.
    #[error("{field} {code} is a header account and takes no postings")]
    HeaderAccount {
        /// `bank_account` or `control_account`.
        field: &'static str,
        /// The account code.
        code: String,
    },
    /// The bank or control account is archived.
    #[error("{field} {code} is archived")]
    ArchivedAccount {
        /// `bank_account` or `control_account`.
        field: &'static str,
        /// The account code.
        code: String,
    },
    /// The bank or control account takes only another currency than the payment's.
    #[error("{field} {code} takes only {account_currency}, the payment is in {currency}")]
    AccountCurrencyMismatch {
        /// `bank_account` or `control_account`.
        field: &'static str,
        /// The account code.
        code: String,
        /// The only currency the account takes.
        account_currency: Currency,
        /// The payment's currency.
        currency: Currency,
    },
    /// The bank account is not a cash account of the chart.
    #[error("bank_account {code} is not a cash account")]
    NotACashAccount {
        /// The account code.
        code: String,
    },
    /// The payment cannot be converted into the functional currency: no rate of its currency on
    /// or before the payment date, or the converted amount overflows.
    #[error("currency cannot be converted into the functional currency on the payment date: {refusal}")]
    NoExchangeRate {
        /// Why.
        refusal: RateRefusal,
    },
    /// The chart of accounts or fiscal calendar could not be read; nothing was recorded.
    #[error("the ledger's books could not be read: {reason}")]
    BooksUnavailable {
        /// What failed.
        reason: String,
    },
    /// The invoices allocated to could not be read; nothing was recorded.
    #[error("the invoices could not be read: {reason}")]
    InvoicesUnavailable {
        /// What failed.
        reason: String,
    },
}

/// The kind of an invoice in words, for messages.
fn kind_name(kind: InvoiceKind) -> &'static str {
    match kind {
        InvoiceKind::CustomerInvoice => "customer invoice",
        InvoiceKind::VendorBill => "vendor bill",
        InvoiceKind::CustomerCreditNote => "customer credit note",
        InvoiceKind::VendorCreditNote => "vendor credit note",
    }
}

impl Refusal for PaymentError {
    fn field(&self) -> Option<String> {
        use PaymentError as E;
        let path = match self {
            E::BooksUnavailable { .. } | E::InvoicesUnavailable { .. } => return None,
            E::AlreadyProcessed => "payment_id".to_owned(),
            E::InvalidDirection { .. } => "direction".to_owned(),
            E::CounterpartyBlank | E::CounterpartyTooLong { .. } => "counterparty_id".to_owned(),
            E::NonPositiveAmount { .. } => "amount_minor".to_owned(),
            E::InvalidCurrency { .. } | E::NoExchangeRate { .. } => "currency".to_owned(),
            E::ReferenceBlank | E::ReferenceTooLong { .. } => "reference".to_owned(),
            E::InvalidBankAccount { .. } | E::NotACashAccount { .. } => "bank_account".to_owned(),
            E::InvalidControlAccount { .. } | E::ControlAccountIsBankAccount { .. } => "control_account".to_owned(),
            E::TooManyAllocations { .. } | E::OverAllocated { .. } => "allocations".to_owned(),
            E::InvalidInvoiceId { index, .. }
            | E::DuplicateInvoice { index, .. }
            | E::InvoiceNotFound { index, .. }
            | E::InvoiceNotIssued { index, .. }
            | E::InvoiceVoid { index, .. }
            | E::InvoiceAlreadyPaid { index, .. }
            | E::CreditNoteNotPayable { index, .. }
            | E::InvoiceKindMismatch { index, .. }
            | E::CounterpartyMismatch { index, .. }
            | E::CurrencyMismatch { index, .. } => format!("allocations[{index}].invoice_id"),
            E::NonPositiveAllocation { index, .. } | E::ExceedsOpenAmount { index, .. } => {
                format!("allocations[{index}].amount_minor")
            }
            E::NoFiscalYear { .. } | E::PeriodNotOpen { .. } => "payment_date".to_owned(),
            E::UnknownAccount { field, .. }
            | E::HeaderAccount { field, .. }
            | E::ArchivedAccount { field, .. }
            | E::AccountCurrencyMismatch { field, .. } => (*field).to_owned(),
        };
        Some(path)
    }

    fn code(&self) -> &'static str {
        use PaymentError as E;
        match self {
            E::AlreadyProcessed => "already_processed",
            E::InvalidDirection { .. } => "invalid_direction",
            E::CounterpartyBlank => "counterparty_blank",
            E::CounterpartyTooLong { .. } => "counterparty_too_long",
            E::NonPositiveAmount { .. } | E::NonPositiveAllocation { .. } => "non_positive_amount",
            E::InvalidCurrency { .. } => "invalid_currency",
            E::ReferenceBlank => "reference_blank",
            E::ReferenceTooLong { .. } => "reference_too_long",
            E::InvalidBankAccount { .. } | E::InvalidControlAccount { .. } => "invalid_account",
            E::ControlAccountIsBankAccount { .. } => "control_is_bank_account",
            E::TooManyAllocations { .. } => "too_many_allocations",
            E::InvalidInvoiceId { .. } => "invalid_invoice_id",
            E::DuplicateInvoice { .. } => "duplicate_invoice",
            E::OverAllocated { .. } => "over_allocated",
            E::InvoiceNotFound { .. } => "invoice_not_found",
            E::InvoiceNotIssued { .. } => "invoice_not_issued",
            E::InvoiceVoid { .. } => "invoice_void",
            E::InvoiceAlreadyPaid { .. } => "invoice_already_paid",
            E::CreditNoteNotPayable { .. } => "credit_note_not_payable",
            E::InvoiceKindMismatch { .. } => "invoice_kind_mismatch",
            E::CounterpartyMismatch { .. } => "counterparty_mismatch",
            E::CurrencyMismatch { .. } => "currency_mismatch",
            E::ExceedsOpenAmount { .. } => "exceeds_open_amount",
            E::NoFiscalYear { .. } => "no_fiscal_year",
            E::PeriodNotOpen { .. } => "period_not_open",
            E::UnknownAccount { .. } => "unknown_account",
            E::HeaderAccount { .. } => "header_account",
            E::ArchivedAccount { .. } => "archived_account",
            E::AccountCurrencyMismatch { .. } => "account_currency_mismatch",
            E::NotACashAccount { .. } => "not_a_cash_account",
            E::NoExchangeRate { refusal } => refusal.code(),
            E::BooksUnavailable { .. } => "books_unavailable",
            E::InvoicesUnavailable { .. } => "invoices_unavailable",
        }
    }

    fn kind(&self) -> RefusalKind {
        match self {
            PaymentError::AlreadyProcessed => RefusalKind::Conflict,
            PaymentError::BooksUnavailable { .. } | PaymentError::InvoicesUnavailable { .. } => {
                RefusalKind::Unavailable
            }
            _ => RefusalKind::Invalid,
        }
    }
}
