//! Facts about a journal entry. The serde JSON of each payload mirrors its Avro schema
//! in `schemas/avro/finance/` field for field (a test keeps them from drifting);
//! the enum is externally tagged: `{"JournalEntryPosted": {...}}`.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use cqrs_es::DomainEvent;
use serde::{Deserialize, Serialize};

/// One posted line: exactly one of `debit_minor` and `credit_minor` is positive, the other 0 —
/// except on a revaluation line, which changes only the functional value of the account's
/// balance in `currency`: both are 0 and only `functional` has an amount.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PostedLine {
    /// 1-based position of the line in its entry.
    pub line_no: i32,
    /// Account code the line posts to.
    pub account: String,
    /// Debit in minor units of `currency`, or 0.
    pub debit_minor: i64,
    /// Credit in minor units of `currency`, or 0.
    pub credit_minor: i64,
    /// ISO-4217 currency code.
    pub currency: String,
    /// Free text for the line.
    pub memo: Option<String>,
    /// The line in the tenant's functional currency; `None` when the tenant had no functional
    /// currency when the line was posted (and on drafts, which are priced when posted).
    pub functional: Option<FunctionalAmount>,
}

/// A line's amount in the tenant's functional currency. At most one of `debit_minor` and
/// `credit_minor` is positive (both are 0 when the amount rounds to nothing). Its side is the
/// line's side, except on a year-end closing line, which zeroes the transaction and the
/// functional balances independently.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FunctionalAmount {
    /// ISO-4217 code of the functional currency.
    pub currency: String,
    /// Debit in minor units of the functional currency, or 0.
    pub debit_minor: i64,
    /// Credit in minor units of the functional currency, or 0.
    pub credit_minor: i64,
}

impl FunctionalAmount {
    /// `net` minor units of `currency`: a debit when positive, a credit when negative.
    #[must_use]
    pub fn from_net(currency: &str, net: i64) -> Self {
        let (debit_minor, credit_minor) = split_net(net);
        Self { currency: currency.to_owned(), debit_minor, credit_minor }
    }
}

/// `net` as `(debit, credit)`: a debit when positive, a credit when negative (`i64::MIN`
/// saturates to an `i64::MAX` credit).
#[must_use]
pub fn split_net(net: i64) -> (i64, i64) {
    (net.max(0), net.checked_neg().unwrap_or(i64::MAX).max(0))
}

impl PostedLine {
    /// The same line with debit and credit swapped, functional amounts too, as a reversal posts it.
    #[must_use]
    pub fn mirrored(&self) -> PostedLine {
        PostedLine {
            debit_minor: self.credit_minor,
            credit_minor: self.debit_minor,
            functional: self.functional.as_ref().map(|functional| FunctionalAmount {
                currency: functional.currency.clone(),
                debit_minor: functional.credit_minor,
                credit_minor: functional.debit_minor,
            }),
            ..self.clone()
        }
    }
}

/// Whether `lines` balance: in every currency, total debits equal total credits, and so do
/// their functional amounts. Sums are exact (128-bit), so this never overflows.
#[must_use]
pub fn lines_balance(lines: &[PostedLine]) -> bool {
    let mut net: BTreeMap<&str, i128> = BTreeMap::new();
    let mut functional_net: i128 = 0;
    for line in lines {
        *net.entry(line.currency.as_str()).or_default() += i128::from(line.debit_minor) - i128::from(line.credit_minor);
        if let Some(functional) = &line.functional {
            functional_net += i128::from(functional.debit_minor) - i128::from(functional.credit_minor);
        }
    }
    functional_net == 0 && net.values().all(|&n| n == 0)
}

/// A journal entry was posted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JournalEntryPosted {
    /// Id of the entry (the aggregate id), a UUID.
    pub entry_id: String,
    /// Tenant slug.
    pub tenant: String,
    /// Accounting date.
    pub entry_date: NaiveDate,
    /// What the entry is for.
    pub description: String,
    /// Reference to the source document.
    pub source_reference: Option<String>,
    /// The lines; they balance per currency.
    pub lines: Vec<PostedLine>,
}

/// A journal entry was reversed: a new entry `reversal_entry_id` with the mirror lines.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JournalEntryReversed {
    /// Id of the reversed (original) entry.
    pub entry_id: String,
    /// Id of the reversal entry, a UUID derived from `entry_id`.
    pub reversal_entry_id: String,
    /// Accounting date of the reversal.
    pub reversal_date: NaiveDate,
    /// Why the entry was reversed.
    pub reason: String,
    /// The original lines with debit and credit swapped, same `line_no`s.
    pub lines: Vec<PostedLine>,
}

/// A draft of a journal entry was discarded before it was posted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JournalEntryDraftDiscarded {
    /// Id of the entry.
    pub entry_id: String,
    /// Why, when given.
    pub reason: Option<String>,
}

/// Everything that can happen to a journal entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum JournalEntryEvent {
    /// See [`JournalEntryPosted`].
    JournalEntryPosted(JournalEntryPosted),
    /// See [`JournalEntryReversed`].
    JournalEntryReversed(JournalEntryReversed),
    /// A draft was saved (or replaced): an entry that passed every rule of its own but posts
    /// nothing until `JournalEntryPosted`. Same payload as [`JournalEntryPosted`].
    JournalEntryDrafted(JournalEntryPosted),
    /// See [`JournalEntryDraftDiscarded`].
    JournalEntryDraftDiscarded(JournalEntryDraftDiscarded),
}

impl JournalEntryEvent {
    /// Event type name of [`JournalEntryPosted`] (also its Avro record name).
    pub const POSTED: &'static str = "JournalEntryPosted";
    /// Event type name of [`JournalEntryReversed`] (also its Avro record name).
    pub const REVERSED: &'static str = "JournalEntryReversed";
    /// Event type name of a saved draft (also its Avro record name).
    pub const DRAFTED: &'static str = "JournalEntryDrafted";
    /// Event type name of [`JournalEntryDraftDiscarded`] (also its Avro record name).
    pub const DRAFT_DISCARDED: &'static str = "JournalEntryDraftDiscarded";
    /// Version of every journal-entry event type's payload.
    pub const VERSION: &'static str = "1";
}

impl DomainEvent for JournalEntryEvent {
    fn event_type(&self) -> String {
        match self {
            JournalEntryEvent::JournalEntryPosted(_) => Self::POSTED,
            JournalEntryEvent::JournalEntryReversed(_) => Self::REVERSED,
            JournalEntryEvent::JournalEntryDrafted(_) => Self::DRAFTED,
            JournalEntryEvent::JournalEntryDraftDiscarded(_) => Self::DRAFT_DISCARDED,
        }
        .to_owned()
    }

    fn event_version(&self) -> String {
        Self::VERSION.to_owned()
    }
}
