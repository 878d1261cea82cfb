//! Commands to the journal entry aggregate. They carry raw inputs (strings, optional
//! amounts) so that every rule is decided, and reported with its field, in `handle`.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// A request to change a journal entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum JournalEntryCommand {
    /// Post a new entry.
    Post(PostJournalEntry),
    /// Reverse a posted entry.
    Reverse(ReverseJournalEntry),
    /// Save a new entry as a draft, or replace the draft: checked like a posting, except
    /// against the books, and posting nothing.
    SaveDraft(PostJournalEntry),
    /// Post the draft as it stands (checked against the books now).
    PostDraft,
    /// Discard the draft.
    DiscardDraft {
        /// Why, if the client says.
        reason: Option<String>,
    },
}

/// Post a new journal entry under `entry_id`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PostJournalEntry {
    /// Id of the entry (the aggregate id), chosen by the API from the path or generated.
    pub entry_id: Uuid,
    /// Tenant slug; must be a valid [`crate::tenant::TenantId`].
    pub tenant: String,
    /// Accounting date of the entry.
    pub entry_date: NaiveDate,
    /// What the entry is for; non-blank, at most `MAX_DESCRIPTION_CHARS` characters.
    pub description: String,
    /// Reference to the source document; when present non-blank and bounded.
    #[serde(default)]
    pub source_reference: Option<String>,
    /// The lines, `MIN_LINES` to `MAX_LINES` of them; addressed as `lines[i]` (0-based) in errors.
    pub lines: Vec<JournalLineInput>,
}

/// One line as the client sent it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct JournalLineInput {
    /// Account code; must be a valid [`crate::finance::account::AccountCode`].
    pub account: String,
    /// Debit in minor units; exactly one of `debit` and `credit` must be present, and positive.
    #[serde(default)]
    pub debit: Option<i64>,
    /// Credit in minor units; exactly one of `debit` and `credit` must be present, and positive.
    #[serde(default)]
    pub credit: Option<i64>,
    /// ISO-4217 code of the amount; must be a valid [`crate::money::Currency`].
    pub currency: String,
    /// Free text for the line, at most `MAX_MEMO_CHARS` characters.
    #[serde(default)]
    pub memo: Option<String>,
}

/// Reverse a posted entry as of `reversal_date`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReverseJournalEntry {
    /// Accounting date of the reversal; not before the original entry date.
    pub reversal_date: NaiveDate,
    /// Why the entry is reversed; non-blank, at most `MAX_REASON_CHARS` characters.
    pub reason: String,
}
