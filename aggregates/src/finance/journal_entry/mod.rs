//! The journal entry aggregate: a dated, described set of debit and credit lines that
//! balances per currency, posted once and reversible once. It may first be saved as a draft
//! (replaceable, checked like a posting except against the books, posting nothing), then
//! posted or discarded.
//!
//! A reversal is one `JournalEntryReversed` event on the original entry carrying the
//! mirror lines and a deterministic `reversal_entry_id`; read models show it as its
//! own journal entry that reverses the original, and it is atomic with the original's
//! status change.
//!
//! Every limit below is enforced in [`JournalEntry::decide`] and tested at the limit.

mod aggregate;
mod commands;
mod errors;
mod events;

#[cfg(test)]
mod tests;

pub use aggregate::{reversal_entry_id_for, JournalEntry, JournalEntryStatus};
pub use commands::{JournalEntryCommand, JournalLineInput, PostJournalEntry, ReverseJournalEntry};
pub use errors::{JournalEntryError, Side};
pub use events::{
    lines_balance, split_net, FunctionalAmount, JournalEntryDraftDiscarded, JournalEntryEvent, JournalEntryPosted,
    JournalEntryReversed, PostedLine,
};

/// Fewest lines an entry may have.
pub const MIN_LINES: usize = 2;
/// Most lines an entry may have.
pub const MAX_LINES: usize = 500;
/// Longest description, in characters.
pub const MAX_DESCRIPTION_CHARS: usize = 500;
/// Longest source reference (invoice number, bank statement id…), in characters.
pub const MAX_SOURCE_REFERENCE_CHARS: usize = 200;
/// Longest line memo, in characters.
pub const MAX_MEMO_CHARS: usize = 500;
/// Longest reversal reason, in characters.
pub const MAX_REASON_CHARS: usize = 500;
