//! The budgets aggregate: [`Budgets::decide`] checks every rule — against the tenant's
//! [`Books`] for the accounts and periods — and returns the events; `handle` reads the books
//! from the [`BooksSource`] service once the rules that need none have passed; `apply` folds
//! the events. Pure — no I/O, no clock, no randomness.
//!
//! Rules are checked in a fixed order and the first broken one is reported: budget name,
//! currency, number of amounts, then each amount in order (account code, period, amount,
//! account and period not repeated) — then the books, each amount in order (account in the
//! chart, not a header, takes the currency; period in the calendar) — then the number of
//! amounts the budgets would hold.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use cqrs_es::event_sink::EventSink;
use cqrs_es::Aggregate;
use serde::{Deserialize, Serialize};

use super::commands::{BudgetsCommand, SetBudgetAmounts};
use super::errors::{BudgetNameError, BudgetsError};
use super::events::{BudgetAmountSet, BudgetsEvent};
use super::{MAX_AMOUNTS_PER_COMMAND, MAX_BUDGET_NAME_CHARS, MAX_STORED_AMOUNTS};
use crate::finance::account::AccountCode;
use crate::finance::books::{Books, BooksSource};
use crate::money::Currency;

/// Where one budget amount sits: budget, account, period and currency. Cells order by those,
/// in that order (byte-wise).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct BudgetCell {
    budget: String,
    account: String,
    period: String,
    currency: String,
}

impl BudgetCell {
    /// The cell of `budget`, `account`, `period` and `currency`.
    #[must_use]
    pub fn new(budget: &str, account: &str, period: &str, currency: &str) -> Self {
        Self {
            budget: budget.to_owned(),
            account: account.to_owned(),
            period: period.to_owned(),
            currency: currency.to_owned(),
        }
    }

    /// The budget name.
    #[must_use]
    pub fn budget(&self) -> &str {
        &self.budget
    }

    /// The account code.
    #[must_use]
    pub fn account(&self) -> &str {
        &self.account
    }

    /// The fiscal period label.
    #[must_use]
    pub fn period(&self) -> &str {
        &self.period
    }

    /// The ISO 4217 currency code.
    #[must_use]
    pub fn currency(&self) -> &str {
        &self.currency
    }
}

/// Every budget of one tenant, folded from their events: the non-zero amount of each cell.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Budgets {
    #[serde(with = "cells_as_list")]
    amounts: BTreeMap<BudgetCell, i64>,
}

impl Budgets {
    /// The amount of `cell`; 0 when none is set.
    #[must_use]
    pub fn amount(&self, cell: &BudgetCell) -> i64 {
        self.amounts.get(cell).copied().unwrap_or(0)
    }

    /// Every non-zero amount, in cell order.
    pub fn amounts(&self) -> impl Iterator<Item = (&BudgetCell, i64)> {
        self.amounts.iter().map(|(cell, amount)| (cell, *amount))
    }

    /// The names of the budgets with at least one non-zero amount, in byte order.
    #[must_use]
    pub fn budget_names(&self) -> Vec<&str> {
        let mut names: Vec<&str> = self.amounts.keys().map(BudgetCell::budget).collect();
        names.dedup();
        names
    }

    /// How many non-zero amounts are held, every budget and currency included.
    #[must_use]
    pub fn len(&self) -> usize {
        self.amounts.len()
    }

    /// Whether no amount is held at all.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.amounts.is_empty()
    }

    /// Decides `command` against the current state and `books`: the events to record (one per
    /// amount it changes, in the command's order; none when it changes nothing), or why not.
    /// This is the whole of `handle`, callable without an event sink.
    ///
    /// # Errors
    /// The first rule the command breaks, as a [`BudgetsError`].
    pub fn decide(&self, command: BudgetsCommand, books: &Books) -> Result<Vec<BudgetsEvent>, BudgetsError> {
        match command {
            BudgetsCommand::SetBudgetAmounts(set) => self.decide_set(set, books),
        }
    }

    fn decide_set(&self, set: SetBudgetAmounts, books: &Books) -> Result<Vec<BudgetsEvent>, BudgetsError> {
        let currency = prepare(&set)?;
        check_books(&set, currency, books)?;
        let SetBudgetAmounts { budget, amounts, .. } = set;
        let mut held = self.amounts.len();
        let mut events = Vec::new();
        for input in amounts {
            let cell = BudgetCell::new(&budget, &input.account, &input.period, currency.as_str());
            let current = self.amount(&cell);
            if current == input.amount_minor {
                continue;
            }
            if current == 0 {
                held += 1;
            } else if input.amount_minor == 0 {
                held -= 1;
            }
            events.push(BudgetsEvent::BudgetAmountSet(BudgetAmountSet {
                budget: cell.budget,
                account: cell.account,
                period: cell.period,
                currency: cell.currency,
                amount_minor: input.amount_minor,
            }));
        }
        if held > MAX_STORED_AMOUNTS {
            return Err(BudgetsError::TooManyStoredAmounts { count: held, max: MAX_STORED_AMOUNTS });
        }
        Ok(events)
    }
}

impl Aggregate for Budgets {
    const TYPE: &'static str = "finance.budgets";
    type Command = BudgetsCommand;
    type Event = BudgetsEvent;
    type Error = BudgetsError;
    type Services = Arc<dyn BooksSource>;

    async fn handle(
        &mut self,
        command: Self::Command,
        books: &Self::Services,
        sink: &EventSink<Self>,
    ) -> Result<(), Self::Error> {
        let BudgetsCommand::SetBudgetAmounts(set) = &command;
        prepare(set)?;
        let books: Arc<Books> = books.books().await.map_err(|reason| BudgetsError::BooksUnavailable { reason })?;
        for event in self.decide(command, &books)? {
            sink.write(event, self).await;
        }
        Ok(())
    }

    fn apply(&mut self, event: Self::Event) {
        match event {
            BudgetsEvent::BudgetAmountSet(set) => {
                debug_assert!(set.amount_minor >= 0, "negative budget amount {}", set.amount_minor);
                let cell =
                    BudgetCell { budget: set.budget, account: set.account, period: set.period, currency: set.currency };
                if set.amount_minor == 0 {
                    self.amounts.remove(&cell);
                } else {
                    self.amounts.insert(cell, set.amount_minor);
                }
            }
        }
    }
}

/// The rules that need no books: budget name, currency, number of amounts, then each amount.
/// Returns the parsed currency.
fn prepare(set: &SetBudgetAmounts) -> Result<Currency, BudgetsError> {
    check_budget_name(&set.budget)
        .map_err(|reason| BudgetsError::InvalidBudgetName { budget: set.budget.clone(), reason })?;
    let currency = Currency::parse(&set.currency).map_err(|reason| BudgetsError::InvalidCurrency { reason })?;
    let count = set.amounts.len();
    if count == 0 {
        return Err(BudgetsError::NoAmounts);
    }
    if count > MAX_AMOUNTS_PER_COMMAND {
        return Err(BudgetsError::TooManyAmounts { count, max: MAX_AMOUNTS_PER_COMMAND });
    }
    let mut seen: HashMap<(&str, &str), usize> = HashMap::with_capacity(count);
    for (index, input) in set.amounts.iter().enumerate() {
        AccountCode::parse(&input.account).map_err(|reason| BudgetsError::InvalidAccount { index, reason })?;
        if input.period.trim().is_empty() {
            return Err(BudgetsError::PeriodBlank { index });
        }
        if input.amount_minor < 0 {
            return Err(BudgetsError::NegativeAmount { index, amount_minor: input.amount_minor });
        }
        if let Some(&first) = seen.get(&(input.account.as_str(), input.period.as_str())) {
            return Err(BudgetsError::DuplicateAmount {
                index,
                first,
                account: input.account.clone(),
                period: input.period.clone(),
            });
        }
        seen.insert((&input.account, &input.period), index);
    }
    Ok(currency)
}

/// Each amount, in order: its account is in the chart, not a header and takes `currency`;
/// its period is in the calendar. Archived accounts and closed or locked periods may be
/// budgeted: a budget posts nothing.
fn check_books(set: &SetBudgetAmounts, currency: Currency, books: &Books) -> Result<(), BudgetsError> {
    for (index, input) in set.amounts.iter().enumerate() {
        let code = || input.account.clone();
        let account =
            books.chart.account(&input.account).ok_or_else(|| BudgetsError::UnknownAccount { index, code: code() })?;
        if account.is_header() {
            return Err(BudgetsError::HeaderAccount { index, code: code() });
        }
        if let Some(account_currency) = account.currency().filter(|only| *only != currency) {
            return Err(BudgetsError::AccountCurrencyMismatch { index, code: code(), account_currency, currency });
        }
        if books.calendar.period(&input.period).is_none() {
            return Err(BudgetsError::UnknownPeriod { index, period: input.period.clone() });
        }
    }
    Ok(())
}

/// Checks a budget name: 1–[`MAX_BUDGET_NAME_CHARS`] ASCII letters, digits, `.`, `_` and `-`
/// (`2026-plan`). The read side uses it too, to tell a name no budget can have.
///
/// # Errors
/// [`BudgetNameError`] naming the first rule the name breaks.
pub fn check_budget_name(name: &str) -> Result<(), BudgetNameError> {
    let chars = name.chars().count();
    if chars == 0 {
        return Err(BudgetNameError::Empty);
    }
    if chars > MAX_BUDGET_NAME_CHARS {
        return Err(BudgetNameError::TooLong { chars, max: MAX_BUDGET_NAME_CHARS });
    }
    let allowed = |c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-');
    if let Some((position, found)) = name.chars().enumerate().find(|&(_, c)| !allowed(c)) {
        return Err(BudgetNameError::InvalidCharacter { found, position });
    }
    Ok(())
}

/// Snapshots keep the amounts as a list of `[cell, amount]` pairs: JSON object keys must be
/// strings, and a cell is four.
mod cells_as_list {
    use std::collections::BTreeMap;

    use serde::{Deserialize, Deserializer, Serializer};

    use super::BudgetCell;

    pub(super) fn serialize<S: Serializer>(
        amounts: &BTreeMap<BudgetCell, i64>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(amounts)
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<BTreeMap<BudgetCell, i64>, D::Error> {
        Ok(Vec::<(BudgetCell, i64)>::deserialize(deserializer)?.into_iter().collect())
    }
}
