//! Facts about the tenant's budgets. The serde JSON of each payload mirrors its Avro schema in
//! `schemas/avro/finance/` field for field (a test keeps them from drifting); the enum is
//! externally tagged: `{"BudgetAmountSet": {...}}`.

use cqrs_es::DomainEvent;
use serde::{Deserialize, Serialize};

/// The amount of one account in one fiscal period of a budget was set; it replaces any earlier
/// amount of the same budget, account, period and currency, and 0 clears it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BudgetAmountSet {
    /// Budget name (`2026-plan`).
    pub budget: String,
    /// Account code of the chart (not a header).
    pub account: String,
    /// Fiscal period label (`2026-03`).
    pub period: String,
    /// ISO 4217 currency of the amount.
    pub currency: String,
    /// The planned amount in minor units, 0 or more, in the account's normal direction
    /// (debit for expenses, credit for income); 0 clears the amount.
    pub amount_minor: i64,
}

/// Everything that can happen to the budgets.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum BudgetsEvent {
    /// See [`BudgetAmountSet`].
    BudgetAmountSet(BudgetAmountSet),
}

impl BudgetsEvent {
    /// Version of every budget event type's payload.
    pub const VERSION: &'static str = "1";
}

impl DomainEvent for BudgetsEvent {
    fn event_type(&self) -> String {
        match self {
            BudgetsEvent::BudgetAmountSet(_) => "BudgetAmountSet",
        }
        .to_owned()
    }

    fn event_version(&self) -> String {
        Self::VERSION.to_owned()
    }
}
