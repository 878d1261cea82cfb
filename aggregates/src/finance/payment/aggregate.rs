//! The payment aggregate: [`Payment::decide`] checks every rule of the payment itself, then
//! reads the invoices it pays and the tenant's books from [`PaymentServices`] and checks the
//! payment against them, and returns the events; `handle` records them, `apply` folds them.
//! Pure apart from the services — no clock, no randomness of its own.
//!
//! Rules are checked in a fixed order and the first broken one is reported: state;
//! direction, counterparty, amount, currency, reference, bank account, control account;
//! allocation count, then each allocation in order (invoice id, amount, not repeated), then
//! their total. Only a command that passes all of these reads the services: each allocated
//! invoice in order (exists, issued — not a draft, void or paid —, not a credit note, of the
//! payment's side, counterparty, currency, open amount), then the books (period, then the
//! posting's accounts line by line, then the bank account being cash).

use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;

use chrono::NaiveDate;
use cqrs_es::event_sink::EventSink;
use cqrs_es::Aggregate;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::commands::{AllocationInput, PaymentCommand, ProcessPayment};
use super::errors::PaymentError;
use super::events::{Allocation, PaymentEvent, PaymentProcessed};
use super::services::PaymentServices;
use super::{MAX_ALLOCATIONS, MAX_COUNTERPARTY_ID_CHARS, MAX_REFERENCE_CHARS};
use crate::finance::account::AccountCode;
use crate::finance::books::{Books, PostingRefusal};
use crate::finance::chart::{default_accounts, Account, AccountRefusal};
use crate::finance::invoice::{InvoiceKind, InvoiceStanding, InvoiceStatus};
use crate::finance::journal_entry::{lines_balance, PostedLine};
use crate::money::Currency;
use crate::text::check_text;

/// Which way the money moves.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PaymentDirection {
    /// Received from a customer: debits the bank, credits accounts receivable.
    Received,
    /// Made to a vendor: debits accounts payable, credits the bank.
    Made,
}

impl PaymentDirection {
    /// Both directions.
    pub const ALL: [PaymentDirection; 2] = [PaymentDirection::Received, PaymentDirection::Made];

    /// The direction named `name`: `received` or `made` (lowercase, exactly); `None` for
    /// anything else.
    #[must_use]
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|direction| direction.as_str() == name)
    }

    /// The lowercase name, as on the wire: `"received"` or `"made"`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            PaymentDirection::Received => "received",
            PaymentDirection::Made => "made",
        }
    }

    /// The control account a payment settles when the command names none: accounts
    /// receivable (`1100`) for a payment received, accounts payable (`2000`) for one made.
    #[must_use]
    pub fn default_control_account(self) -> &'static str {
        match self {
            PaymentDirection::Received => default_accounts::ACCOUNTS_RECEIVABLE,
            PaymentDirection::Made => default_accounts::ACCOUNTS_PAYABLE,
        }
    }

    /// The only kind of invoice a payment in this direction settles: customer invoices for
    /// payments received, vendor bills for payments made.
    #[must_use]
    pub fn invoice_kind(self) -> InvoiceKind {
        match self {
            PaymentDirection::Received => InvoiceKind::CustomerInvoice,
            PaymentDirection::Made => InvoiceKind::VendorBill,
        }
    }
}

impl fmt::Display for PaymentDirection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where a payment is in its life.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum PaymentStatus {
    /// No event yet.
    #[default]
    NotProcessed,
    /// Processed: posted to the ledger and allocated. Final.
    Processed,
}

/// The id of the journal entry a payment posts: UUID v5 in the OID namespace of
/// `"<payment_id>/payment"`, so deciding a payment needs no randomness and the ledger
/// entry of a payment is always the same one.
#[must_use]
pub fn payment_entry_id_for(payment_id: &str) -> Uuid {
    Uuid::new_v5(&Uuid::NAMESPACE_OID, format!("{payment_id}/payment").as_bytes())
}

/// State of one payment, folded from its events: the processed payment, once processed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Payment {
    processed: Option<PaymentProcessed>,
}

impl Payment {
    /// The payment id once processed.
    #[must_use]
    pub fn id(&self) -> Option<&str> {
        self.processed.as_ref().map(|p| p.payment_id.as_str())
    }

    /// Where the payment is in its life.
    #[must_use]
    pub fn status(&self) -> PaymentStatus {
        match self.processed {
            Some(_) => PaymentStatus::Processed,
            None => PaymentStatus::NotProcessed,
        }
    }

    /// Whether the payment was received or made, once processed.
    #[must_use]
    pub fn direction(&self) -> Option<PaymentDirection> {
        self.processed.as_ref().and_then(|p| PaymentDirection::parse(&p.direction))
    }

    /// The customer or vendor, once processed.
    #[must_use]
    pub fn counterparty_id(&self) -> Option<&str> {
        self.processed.as_ref().map(|p| p.counterparty_id.as_str())
    }

    /// The accounting date, once processed.
    #[must_use]
    pub fn payment_date(&self) -> Option<NaiveDate> {
        self.processed.as_ref().map(|p| p.payment_date)
    }

    /// The amount paid in minor units of [`Payment::currency`], once processed.
    #[must_use]
    pub fn amount_minor(&self) -> Option<i64> {
        self.processed.as_ref().map(|p| p.amount_minor)
    }

    /// The ISO-4217 currency, once processed.
    #[must_use]
    pub fn currency(&self) -> Option<&str> {
        self.processed.as_ref().map(|p| p.currency.as_str())
    }

    /// The cash account the money moved through, once processed.
    #[must_use]
    pub fn bank_account(&self) -> Option<&str> {
        self.processed.as_ref().map(|p| p.bank_account.as_str())
    }

    /// The receivable or payable control account settled, once processed.
    #[must_use]
    pub fn control_account(&self) -> Option<&str> {
        self.processed.as_ref().map(|p| p.control_account.as_str())
    }

    /// The bank reference, if processed with one.
    #[must_use]
    pub fn reference(&self) -> Option<&str> {
        self.processed.as_ref().and_then(|p| p.reference.as_deref())
    }

    /// The allocations to invoices (empty before processing).
    #[must_use]
    pub fn allocations(&self) -> &[Allocation] {
        self.processed.as_ref().map_or(&[], |p| p.allocations.as_slice())
    }

    /// The amount allocated to no invoice, once processed.
    #[must_use]
    pub fn unallocated_minor(&self) -> Option<i64> {
        self.processed.as_ref().map(|p| p.unallocated_minor)
    }

    /// The id of the journal entry the payment posted, once processed.
    #[must_use]
    pub fn entry_id(&self) -> Option<&str> {
        self.processed.as_ref().map(|p| p.entry_id.as_str())
    }

    /// The lines posted to the ledger (empty before processing).
    #[must_use]
    pub fn posting(&self) -> &[PostedLine] {
        self.processed.as_ref().map_or(&[], |p| p.posting.as_slice())
    }

    /// Decides `command` against the current state and what `services` report: the events to
    /// record, or why not. This is the whole of `handle`, callable without an event sink.
    ///
    /// The command's own rules are checked before any service is called, so a malformed
    /// command never reaches the database.
    ///
    /// # Errors
    /// The first rule the command breaks, as a [`PaymentError`]; `InvoicesUnavailable` or
    /// `BooksUnavailable` when a service fails.
    pub async fn decide(
        &self,
        command: PaymentCommand,
        services: &dyn PaymentServices,
    ) -> Result<Vec<PaymentEvent>, PaymentError> {
        match command {
            PaymentCommand::Process(process) => {
                let payment = self.check_process(process)?;
                if !payment.allocations.is_empty() {
                    let ids: Vec<String> = payment.allocations.iter().map(|a| a.invoice_id.clone()).collect();
                    let standings =
                        services.invoices(&ids).await.map_err(|reason| PaymentError::InvoicesUnavailable { reason })?;
                    payment.check_invoices(&standings)?;
                }
                let books = services.books().await.map_err(|reason| PaymentError::BooksUnavailable { reason })?;
                let posting = payment.check_books(&books, &payment.posting())?;
                Ok(vec![PaymentEvent::PaymentProcessed(payment.into_event(posting))])
            }
        }
    }

    /// Every rule of the command itself, needing nothing but the command and the state.
    fn check_process(&self, process: ProcessPayment) -> Result<ValidPayment, PaymentError> {
        if self.processed.is_some() {
            return Err(PaymentError::AlreadyProcessed);
        }
        let direction = PaymentDirection::parse(&process.direction)
            .ok_or_else(|| PaymentError::InvalidDirection { direction: process.direction.clone() })?;
        check_text(
            &process.counterparty_id,
            MAX_COUNTERPARTY_ID_CHARS,
            PaymentError::CounterpartyBlank,
            |chars, max| PaymentError::CounterpartyTooLong { chars, max },
        )?;
        if process.amount_minor <= 0 {
            return Err(PaymentError::NonPositiveAmount { amount: process.amount_minor });
        }
        let currency = Currency::parse(&process.currency).map_err(|reason| PaymentError::InvalidCurrency { reason })?;
        if let Some(reference) = &process.reference {
            check_text(reference, MAX_REFERENCE_CHARS, PaymentError::ReferenceBlank, |chars, max| {
                PaymentError::ReferenceTooLong { chars, max }
            })?;
        }
        let bank_account = AccountCode::parse(process.bank_account.as_deref().unwrap_or(default_accounts::BANK))
            .map_err(|reason| PaymentError::InvalidBankAccount { reason })?;
        let control_account = AccountCode::parse(
            process.control_account.as_deref().unwrap_or_else(|| direction.default_control_account()),
        )
        .map_err(|reason| PaymentError::InvalidControlAccount { reason })?;
        if control_account == bank_account {
            return Err(PaymentError::ControlAccountIsBankAccount { code: control_account.into() });
        }
        let (allocations, allocated) = check_allocations(process.allocations, process.amount_minor)?;
        Ok(ValidPayment {
            payment_id: process.payment_id.to_string(),
            direction,
            counterparty_id: process.counterparty_id,
            payment_date: process.payment_date,
            amount_minor: process.amount_minor,
            currency,
            bank_account,
            control_account,
            reference: process.reference,
            allocations,
            allocated,
        })
    }
}

impl Aggregate for Payment {
    const TYPE: &'static str = "finance.payment";
    type Command = PaymentCommand;
    type Event = PaymentEvent;
    type Error = PaymentError;
    type Services = Arc<dyn PaymentServices>;

    async fn handle(
        &mut self,
        command: Self::Command,
        services: &Self::Services,
        sink: &EventSink<Self>,
    ) -> Result<(), Self::Error> {
        let events = self.decide(command, services.as_ref()).await?;
        for event in events {
            sink.write(event, self).await;
        }
        Ok(())
    }

    fn apply(&mut self, event: Self::Event) {
        match event {
            PaymentEvent::PaymentProcessed(processed) => {
                debug_assert!(self.processed.is_none(), "payment processed twice");
                debug_assert!(lines_balance(&processed.posting), "payment {} does not balance", processed.payment_id);
                self.processed = Some(processed);
            }
        }
    }
}

/// A payment whose command passed every rule of its own.
struct ValidPayment {
    payment_id: String,
    direction: PaymentDirection,
    counterparty_id: String,
    payment_date: NaiveDate,
    amount_minor: i64,
    currency: Currency,
    bank_account: AccountCode,
    control_account: AccountCode,
    reference: Option<String>,
    /// With canonical (lowercase, hyphenated) invoice ids, in the order given.
    allocations: Vec<Allocation>,
    /// Sum of the allocations; at most `amount_minor`.
    allocated: i64,
}

impl ValidPayment {
    /// Checks each allocation against its invoice's standing, in allocation order.
    fn check_invoices(&self, standings: &[Option<InvoiceStanding>]) -> Result<(), PaymentError> {
        if standings.len() != self.allocations.len() {
            return Err(PaymentError::InvoicesUnavailable {
                reason: format!("asked for {} invoices, got {} answers", self.allocations.len(), standings.len()),
            });
        }
        for (index, (allocation, standing)) in self.allocations.iter().zip(standings).enumerate() {
            self.check_invoice(index, allocation, standing.as_ref())?;
        }
        Ok(())
    }

    fn check_invoice(
        &self,
        index: usize,
        allocation: &Allocation,
        standing: Option<&InvoiceStanding>,
    ) -> Result<(), PaymentError> {
        let invoice_id = || allocation.invoice_id.clone();
        let Some(standing) = standing else {
            return Err(PaymentError::InvoiceNotFound { index, invoice_id: invoice_id() });
        };
        match standing.status {
            InvoiceStatus::Issued | InvoiceStatus::PartiallyPaid => {}
            InvoiceStatus::Draft => return Err(PaymentError::InvoiceNotIssued { index, invoice_id: invoice_id() }),
            InvoiceStatus::Void => return Err(PaymentError::InvoiceVoid { index, invoice_id: invoice_id() }),
            InvoiceStatus::Paid => return Err(PaymentError::InvoiceAlreadyPaid { index, invoice_id: invoice_id() }),
        }
        let kind = standing.kind;
        if kind.is_credit_note() {
            return Err(PaymentError::CreditNoteNotPayable { index, invoice_id: invoice_id(), kind });
        }
        if kind != self.direction.invoice_kind() {
            return Err(PaymentError::InvoiceKindMismatch {
                index,
                invoice_id: invoice_id(),
                kind,
                direction: self.direction,
            });
        }
        if standing.counterparty_id != self.counterparty_id {
            return Err(PaymentError::CounterpartyMismatch {
                index,
                invoice_id: invoice_id(),
                invoice_counterparty_id: standing.counterparty_id.clone(),
                counterparty_id: self.counterparty_id.clone(),
            });
        }
        if standing.currency != self.currency.as_str() {
            return Err(PaymentError::CurrencyMismatch {
                index,
                invoice_id: invoice_id(),
                invoice_currency: standing.currency.clone(),
                currency: self.currency,
            });
        }
        if allocation.amount_minor > standing.open_minor {
            return Err(PaymentError::ExceedsOpenAmount {
                index,
                invoice_id: invoice_id(),
                open_minor: standing.open_minor,
                amount_minor: allocation.amount_minor,
            });
        }
        Ok(())
    }

    /// The two posted lines: bank against the control account, debit first.
    fn posting(&self) -> Vec<PostedLine> {
        let (debit, credit) = match self.direction {
            PaymentDirection::Received => (&self.bank_account, &self.control_account),
            PaymentDirection::Made => (&self.control_account, &self.bank_account),
        };
        let line = |line_no: i32, account: &AccountCode, debit_minor: i64, credit_minor: i64| PostedLine {
            line_no,
            account: account.to_string(),
            debit_minor,
            credit_minor,
            currency: self.currency.as_str().to_owned(),
            memo: None,
            functional: None,
        };
        vec![line(1, debit, self.amount_minor, 0), line(2, credit, 0, self.amount_minor)]
    }

    /// The command field that names the account of `posting[line]`.
    fn account_field(&self, line: usize) -> &'static str {
        let bank_line = match self.direction {
            PaymentDirection::Received => 0,
            PaymentDirection::Made => 1,
        };
        if line == bank_line {
            "bank_account"
        } else {
            "control_account"
        }
    }

    /// Checks the posting against the books (open period, postable accounts, exchange rate),
    /// then that the bank account is cash; returns the posting priced in the functional currency.
    fn check_books(&self, books: &Books, posting: &[PostedLine]) -> Result<Vec<PostedLine>, PaymentError> {
        let posting = books.check_posting(self.payment_date, posting).map_err(|refusal| match refusal {
            PostingRefusal::NoFiscalYear { date } => PaymentError::NoFiscalYear { date },
            PostingRefusal::PeriodNotOpen { date, period, status } => {
                PaymentError::PeriodNotOpen { date, period, status }
            }
            PostingRefusal::Account { line, code, currency, refusal } => {
                let field = self.account_field(line);
                match refusal {
                    AccountRefusal::Unknown => PaymentError::UnknownAccount { field, code },
                    AccountRefusal::Header => PaymentError::HeaderAccount { field, code },
                    AccountRefusal::Archived => PaymentError::ArchivedAccount { field, code },
                    AccountRefusal::CurrencyMismatch { account_currency } => {
                        PaymentError::AccountCurrencyMismatch { field, code, account_currency, currency }
                    }
                }
            }
            PostingRefusal::Rate { refusal, .. } => PaymentError::NoExchangeRate { refusal },
        })?;
        if !books.chart.account(self.bank_account.as_str()).is_some_and(Account::is_cash) {
            return Err(PaymentError::NotACashAccount { code: self.bank_account.to_string() });
        }
        Ok(posting)
    }

    fn into_event(self, posting: Vec<PostedLine>) -> PaymentProcessed {
        PaymentProcessed {
            entry_id: payment_entry_id_for(&self.payment_id).to_string(),
            payment_id: self.payment_id,
            direction: self.direction.as_str().to_owned(),
            counterparty_id: self.counterparty_id,
            payment_date: self.payment_date,
            amount_minor: self.amount_minor,
            currency: self.currency.as_str().to_owned(),
            bank_account: self.bank_account.into(),
            control_account: self.control_account.into(),
            reference: self.reference,
            allocations: self.allocations,
            unallocated_minor: self.amount_minor - self.allocated,
            posting,
        }
    }
}

/// Checks the allocations' count, each allocation in order, then their total against
/// `amount`. Returns them with canonical invoice ids, and their sum.
fn check_allocations(inputs: Vec<AllocationInput>, amount: i64) -> Result<(Vec<Allocation>, i64), PaymentError> {
    let count = inputs.len();
    if count > MAX_ALLOCATIONS {
        return Err(PaymentError::TooManyAllocations { count, max: MAX_ALLOCATIONS });
    }
    let mut first_index: HashMap<Uuid, usize> = HashMap::with_capacity(count);
    let mut allocations = Vec::with_capacity(count);
    let mut allocated: i128 = 0;
    for (index, input) in inputs.into_iter().enumerate() {
        let Ok(id) = Uuid::parse_str(&input.invoice_id) else {
            return Err(PaymentError::InvalidInvoiceId { index, invoice_id: input.invoice_id });
        };
        if input.amount_minor <= 0 {
            return Err(PaymentError::NonPositiveAllocation { index, amount: input.amount_minor });
        }
        if let Some(&first) = first_index.get(&id) {
            return Err(PaymentError::DuplicateInvoice { index, invoice_id: id.to_string(), first });
        }
        first_index.insert(id, index);
        allocated += i128::from(input.amount_minor);
        allocations.push(Allocation { invoice_id: id.to_string(), amount_minor: input.amount_minor });
    }
    match i64::try_from(allocated) {
        Ok(total) if total <= amount => Ok((allocations, total)),
        _ => Err(PaymentError::OverAllocated { allocated, amount }),
    }
}
