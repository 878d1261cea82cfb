//! Commands to the budgets. They carry raw inputs (strings, wide integers) so that every rule
//! is decided, and reported with its field, in `handle`.

use serde::{Deserialize, Serialize};

/// A request to change the budgets.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub enum BudgetsCommand {
    /// Set amounts of one budget in one currency.
    SetBudgetAmounts(SetBudgetAmounts),
}

/// Set amounts of one budget: each replaces the amount of its account and period in the
/// command's currency, 0 clears it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SetBudgetAmounts {
    /// Budget name: 1–`MAX_BUDGET_NAME_CHARS` ASCII letters, digits, `.`, `_` and `-`
    /// (`2026-plan`). A budget exists once it has an amount.
    pub budget: String,
    /// ISO 4217 currency of every amount.
    pub currency: String,
    /// 1–`MAX_AMOUNTS_PER_COMMAND` amounts, no account and period twice.
    pub amounts: Vec<BudgetAmountInput>,
}

/// One amount to set.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BudgetAmountInput {
    /// Account code; an account of the chart that is not a header.
    pub account: String,
    /// Fiscal period label (`2026-03`); a period of the fiscal calendar.
    pub period: String,
    /// The planned amount in minor units, 0 or more (0 clears it), in the account's normal
    /// direction: expense and income budgets are both positive.
    pub amount_minor: i64,
}
