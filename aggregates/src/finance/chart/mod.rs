//! The chart of accounts aggregate: the accounts a tenant posts to, with their type, their
//! place in the header hierarchy, an optional fixed currency and whether they are cash.
//!
//! There is one chart per tenant, the aggregate [`CHART_ID`]. Accounts are opened, renamed,
//! archived and reactivated — never deleted, so history always names a known account. A
//! header account groups others and takes no postings; a child has its parent's type.
//! [`ChartOfAccounts::check_postable`] is the question the journal entry asks of it.
//!
//! Every limit below is enforced in [`ChartOfAccounts::decide`] and tested at the limit.

mod aggregate;
mod commands;
mod default_chart;
mod errors;
mod events;

#[cfg(test)]
mod tests;

pub use aggregate::{Account, AccountType, ChartOfAccounts};
pub use commands::{ChartCommand, OpenAccount};
pub use default_chart::{default_accounts, DefaultAccount, DEFAULT_CHART};
pub use errors::{AccountRefusal, ChartError};
pub use events::{AccountArchived, AccountOpened, AccountReactivated, AccountRenamed, ChartEvent};

/// Id of the one chart-of-accounts aggregate of a tenant.
pub const CHART_ID: &str = "chart";
/// Most accounts a chart may hold, archived ones included.
pub const MAX_ACCOUNTS: usize = 10_000;
/// Longest account name, in characters.
pub const MAX_NAME_CHARS: usize = 200;
