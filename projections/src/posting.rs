//! Which events post to the ledger, and the journal entry each one posts: journal entries
//! themselves, the business documents that carry their own posting (an issued or voided
//! invoice, a processed payment), a fiscal year's closing entry and a revaluation of
//! foreign-currency balances (whose lines move only functional amounts). The ledger read
//! models take every entry from here, so an invoice's posting is projected exactly like a
//! journal entry typed in by hand.

use std::borrow::Cow;

use chrono::NaiveDate;
use prism_aggregates::finance::calendar::CalendarEvent;
use prism_aggregates::finance::invoice::{issue_entry_id_for, InvoiceEvent};
use prism_aggregates::finance::journal_entry::{JournalEntryEvent, PostedLine};
use prism_aggregates::finance::payment::PaymentEvent;

use crate::decode::DomainEvent;

/// One journal entry as the ledger records it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LedgerPosting<'a> {
    /// Id of the entry (a UUID).
    pub entry_id: &'a str,
    /// Accounting date.
    pub entry_date: NaiveDate,
    /// What the entry is for.
    pub description: Cow<'a, str>,
    /// The source document (invoice or payment number, bank reference…).
    pub source_reference: Option<&'a str>,
    /// The entry this one reverses, if it is a reversal.
    pub reverses_entry_id: Option<Cow<'a, str>>,
    /// Why, when it is a reversal.
    pub reversal_reason: Option<&'a str>,
    /// The balanced lines.
    pub lines: &'a [PostedLine],
    /// Whether it is a fiscal year's closing entry (part of the ledger, not of a period's result).
    pub closing: bool,
}

/// The journal entry `event` posts, if it posts one.
#[must_use]
pub fn ledger_posting(event: &DomainEvent) -> Option<LedgerPosting<'_>> {
    match event {
        DomainEvent::JournalEntry(JournalEntryEvent::JournalEntryPosted(posted)) => Some(LedgerPosting {
            entry_id: &posted.entry_id,
            entry_date: posted.entry_date,
            description: Cow::Borrowed(&posted.description),
            source_reference: posted.source_reference.as_deref(),
            reverses_entry_id: None,
            reversal_reason: None,
            lines: &posted.lines,
            closing: false,
        }),
        DomainEvent::JournalEntry(JournalEntryEvent::JournalEntryReversed(reversed)) => Some(LedgerPosting {
            entry_id: &reversed.reversal_entry_id,
            entry_date: reversed.reversal_date,
            description: Cow::Owned(format!("Reversal of {}: {}", reversed.entry_id, reversed.reason)),
            source_reference: None,
            reverses_entry_id: Some(Cow::Borrowed(&reversed.entry_id)),
            reversal_reason: Some(&reversed.reason),
            lines: &reversed.lines,
            closing: false,
        }),
        DomainEvent::Invoice(InvoiceEvent::InvoiceGenerated(issued)) => Some(LedgerPosting {
            entry_id: &issued.entry_id,
            entry_date: issued.issue_date,
            description: Cow::Owned(format!(
                "{} {} {}",
                document_name(&issued.kind),
                issued.number,
                issued.counterparty_name
            )),
            source_reference: Some(&issued.number),
            reverses_entry_id: None,
            reversal_reason: None,
            lines: &issued.posting,
            closing: false,
        }),
        DomainEvent::Invoice(InvoiceEvent::InvoiceVoided(voided)) => Some(LedgerPosting {
            entry_id: &voided.entry_id,
            entry_date: voided.void_date,
            description: Cow::Owned(format!("Void of invoice {}: {}", voided.invoice_id, voided.reason)),
            source_reference: None,
            reverses_entry_id: Some(Cow::Owned(issue_entry_id_for(&voided.invoice_id).to_string())),
            reversal_reason: Some(&voided.reason),
            lines: &voided.posting,
            closing: false,
        }),
        DomainEvent::Calendar(CalendarEvent::FiscalYearClosed(closed)) if !closed.lines.is_empty() => {
            Some(LedgerPosting {
                entry_id: &closed.entry_id,
                entry_date: closed.closing_date,
                description: Cow::Owned(format!("Year-end close of fiscal year {}", closed.year)),
                source_reference: None,
                reverses_entry_id: None,
                reversal_reason: None,
                lines: &closed.lines,
                closing: true,
            })
        }
        DomainEvent::Calendar(CalendarEvent::ForeignCurrencyRevalued(revalued)) if !revalued.lines.is_empty() => {
            Some(LedgerPosting {
                entry_id: &revalued.entry_id,
                entry_date: revalued.revaluation_date,
                description: Cow::Owned(format!(
                    "Revaluation of foreign-currency balances on {}",
                    revalued.revaluation_date
                )),
                source_reference: None,
                reverses_entry_id: None,
                reversal_reason: None,
                lines: &revalued.lines,
                closing: false,
            })
        }
        DomainEvent::Payment(PaymentEvent::PaymentProcessed(payment)) => Some(LedgerPosting {
            entry_id: &payment.entry_id,
            entry_date: payment.payment_date,
            description: Cow::Owned(format!(
                "Payment {} {}",
                if payment.direction == "made" { "to" } else { "from" },
                payment.counterparty_id
            )),
            source_reference: payment.reference.as_deref(),
            reverses_entry_id: None,
            reversal_reason: None,
            lines: &payment.posting,
            closing: false,
        }),
        _ => None,
    }
}

/// How an invoice kind reads in an entry's description.
fn document_name(kind: &str) -> &'static str {
    match kind {
        "vendor_bill" => "Vendor bill",
        "customer_credit_note" => "Credit note",
        "vendor_credit_note" => "Vendor credit note",
        _ => "Invoice",
    }
}
