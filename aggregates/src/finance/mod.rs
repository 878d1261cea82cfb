//! Finance: the general ledger's building blocks — account codes, the chart of accounts
//! that says which accounts exist and take postings, the fiscal calendar that says which
//! periods are open, the books (chart and calendar together) a journal entry is checked
//! against, and the journal entry aggregate whose events feed ledgers, trial balances and
//! statements.

pub mod account;
pub mod books;
pub mod calendar;
pub mod chart;
pub mod journal_entry;
