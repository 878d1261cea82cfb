//! Finance: the general ledger's building blocks — account codes and the
//! journal entry aggregate whose events feed ledgers, trial balances and statements.

pub mod account;
pub mod journal_entry;
