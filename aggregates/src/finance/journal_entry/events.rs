//! Facts about a journal entry. The serde JSON of each payload mirrors its Avro schema
//! in `schemas/avro/finance/` field for field (a test keeps them from drifting);
//! the enum is externally tagged: `{"JournalEntryPosted": {...}}`.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use cqrs_es::DomainEvent;
use serde::{Deserialize, Serialize};

/// One posted line: exactly one of `debit_minor` and `credit_minor` is positive, the other 0.
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
}

impl PostedLine {
    /// The same line with debit and credit swapped, as a reversal posts it.
    #[must_use]
    pub fn mirrored(&self) -> PostedLine {
        PostedLine { debit_minor: self.credit_minor, credit_minor: self.debit_minor, ..self.clone() }
    }
}

/// Whether `lines` balance: in every currency, total debits equal total credits.
/// Sums are exact (128-bit), so this never overflows.
#[must_use]
pub fn lines_balance(lines: &[PostedLine]) -> bool {
    let mut net: BTreeMap<&str, i128> = BTreeMap::new();
    for line in lines {
        *net.entry(line.currency.as_str()).or_default() += i128::from(line.debit_minor) - i128::from(line.credit_minor);
    }
    net.values().all(|&n| n == 0)
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
