//! The budgets aggregate: amounts planned per account and fiscal period, in named budgets
//! (`2026-plan`, `2026-forecast-q2`), that the budget-vs-actual report sets against the ledger.
//!
//! There is one budgets aggregate per tenant, [`BUDGETS_ID`], holding every budget. An amount
//! is keyed by budget, account, period and currency; setting it again replaces it and setting
//! it to 0 clears it. Amounts are 0 or more in the account's normal direction, so expense and
//! income budgets are both positive numbers. One command sets up to
//! [`MAX_AMOUNTS_PER_COMMAND`] amounts of one budget in one currency and records one
//! [`BudgetAmountSet`] per amount it changes — none for an amount it leaves as it was. Each
//! account must be in the chart and not a header, each period in the fiscal calendar: checked
//! in `handle` against the books from the [`crate::finance::books::BooksSource`] service.
//!
//! Every limit below is enforced in [`Budgets::decide`] and tested at the limit.

mod aggregate;
mod commands;
mod errors;
mod events;

#[cfg(test)]
mod tests;

pub use aggregate::{check_budget_name, BudgetCell, Budgets};
pub use commands::{BudgetAmountInput, BudgetsCommand, SetBudgetAmounts};
pub use errors::{BudgetNameError, BudgetsError};
pub use events::{BudgetAmountSet, BudgetsEvent};

/// Id of the one budgets aggregate of a tenant.
pub const BUDGETS_ID: &str = "budgets";
/// Longest budget name, in characters.
pub const MAX_BUDGET_NAME_CHARS: usize = 50;
/// Most amounts one command may set.
pub const MAX_AMOUNTS_PER_COMMAND: usize = 2_000;
/// Most non-zero amounts the tenant's budgets may hold together, every budget and currency
/// included: the aggregate is folded from all its events on each command.
pub const MAX_STORED_AMOUNTS: usize = 50_000;
