//! The invoice aggregate's state: an [`Invoice`] holds its document once drafted, its getters
//! read it (and [`InvoiceStanding`] sums up what a payment needs to know), and `apply` folds
//! the events into it. `handle` reads the books from the [`BooksSource`] service only for the
//! commands that post (issue, void), and only once the rules that need no books have passed,
//! then records the events [`Invoice::decide`] returns. No I/O besides that read, no clock, no
//! randomness of its own.

use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::NaiveDate;
use cqrs_es::event_sink::EventSink;
use cqrs_es::Aggregate;
use serde::{Deserialize, Serialize};

use super::commands::InvoiceCommand;
use super::errors::InvoiceError;
use super::events::{DraftLine, InvoiceDrafted, InvoiceEvent};
use super::kind::InvoiceKind;
use super::status::InvoiceStatus;
use crate::finance::books::{Books, BooksSource};
use crate::finance::journal_entry::{lines_balance, PostedLine};
use crate::money::Currency;

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
    pub(super) document: Option<Document>,
}

/// An invoice once drafted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(super) struct Document {
    pub(super) invoice_id: String,
    pub(super) kind: InvoiceKind,
    pub(super) number: String,
    pub(super) counterparty_id: String,
    pub(super) counterparty_name: String,
    pub(super) currency: Currency,
    pub(super) control_account: String,
    pub(super) credits_invoice_id: Option<String>,
    pub(super) lines: Vec<DraftLine>,
    pub(super) status: InvoiceStatus,
    pub(super) issue_date: Option<NaiveDate>,
    pub(super) due_date: Option<NaiveDate>,
    pub(super) gross_total_minor: i64,
    pub(super) open_minor: i64,
    pub(super) posting: Vec<PostedLine>,
    /// Amount applied per payment id.
    pub(super) payments: BTreeMap<String, i64>,
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
