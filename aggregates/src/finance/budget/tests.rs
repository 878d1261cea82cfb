//! Given–when–then tests for every budgets rule, fold tests for the amounts the budgets hold,
//! a property test that the budgets always hold the last amount set per cell, and the
//! contract test that keeps the event and its Avro schema in step.

use std::sync::Arc;

use cqrs_es::test::TestFramework;
use cqrs_es::{Aggregate, DomainEvent};

use super::*;
use crate::finance::account::AccountCodeError;
use crate::finance::books::{Books, BooksSource};
use crate::finance::chart::AccountOpened;
use crate::money::{Currency, CurrencyError};
use crate::refusal::{Refusal, RefusalKind};
use crate::test_support::{
    account, archive_account, assert_accepted, assert_error_table, assert_refused_as, close_period, fold,
    invalid_currencies, open_account, open_calendar_year, Unreachable,
};

/// The books of the examples: income `4000`, expenses `6100` and `6200` under the header `6`,
/// `1020` a bank account in USD only, `6900` archived; fiscal year 2026 in monthly periods
/// `2026-01` … `2026-12`, `2026-01` closed.
fn test_books() -> Books {
    let mut books = Books::default();
    open_account(&mut books, account("4000", "income"));
    open_account(&mut books, AccountOpened { header: true, ..account("6", "expense") });
    open_account(&mut books, account("6100", "expense"));
    open_account(&mut books, account("6200", "expense"));
    open_account(&mut books, account("6900", "expense"));
    open_account(&mut books, AccountOpened { currency: Some("USD".to_owned()), ..account("1020", "asset") });
    archive_account(&mut books, "6900");
    open_calendar_year(&mut books, 2026);
    close_period(&mut books, "2026-01");
    books
}

/// The test books plus 200 expense accounts `7000` … `7199`: 2,400 cells with the 12 periods.
fn many_accounts_books() -> Books {
    let mut books = test_books();
    for code in 7000..7200 {
        open_account(&mut books, account(&code.to_string(), "expense"));
    }
    books
}

/// `count` amounts of 1 on distinct cells of [`many_accounts_books`], account by account.
fn many_amounts(count: usize) -> Vec<BudgetAmountInput> {
    (0..count).map(|i| amount(&(7000 + i / 12).to_string(), &format!("2026-{:02}", i % 12 + 1), 1)).collect()
}

fn framework_with(source: Arc<dyn BooksSource>) -> TestFramework<Budgets> {
    TestFramework::with(source)
}

fn framework() -> TestFramework<Budgets> {
    framework_with(Arc::new(test_books()))
}

fn amount(account: &str, period: &str, amount_minor: i64) -> BudgetAmountInput {
    BudgetAmountInput { account: account.to_owned(), period: period.to_owned(), amount_minor }
}

fn set_input(budget: &str, currency: &str, amounts: Vec<BudgetAmountInput>) -> SetBudgetAmounts {
    SetBudgetAmounts { budget: budget.to_owned(), currency: currency.to_owned(), amounts }
}

/// `SetBudgetAmounts` of `2026-plan` in EUR.
fn set(amounts: Vec<BudgetAmountInput>) -> BudgetsCommand {
    BudgetsCommand::SetBudgetAmounts(set_input("2026-plan", "EUR", amounts))
}

fn set_in(budget: &str, currency: &str, amounts: Vec<BudgetAmountInput>) -> BudgetsCommand {
    BudgetsCommand::SetBudgetAmounts(set_input(budget, currency, amounts))
}

fn amount_set(budget: &str, account: &str, period: &str, currency: &str, amount_minor: i64) -> BudgetsEvent {
    BudgetsEvent::BudgetAmountSet(BudgetAmountSet {
        budget: budget.to_owned(),
        account: account.to_owned(),
        period: period.to_owned(),
        currency: currency.to_owned(),
        amount_minor,
    })
}

/// A `BudgetAmountSet` of `2026-plan` in EUR.
fn plan(account: &str, period: &str, amount_minor: i64) -> BudgetsEvent {
    amount_set("2026-plan", account, period, "EUR", amount_minor)
}

mod setting {
    use super::*;

    #[test]
    fn setting_amounts_records_one_budget_amount_set_per_amount_in_order() {
        framework()
            .given_no_previous_events()
            .when(set(vec![amount("6100", "2026-03", 50_000), amount("4000", "2026-03", 200_000)]))
            .then_expect_events(vec![plan("6100", "2026-03", 50_000), plan("4000", "2026-03", 200_000)]);
    }

    #[test]
    fn setting_an_amount_again_replaces_it() {
        framework()
            .given(vec![plan("6100", "2026-03", 50_000)])
            .when(set(vec![amount("6100", "2026-03", 55_000)]))
            .then_expect_events(vec![plan("6100", "2026-03", 55_000)]);
    }

    #[test]
    fn an_unchanged_amount_records_nothing_and_only_the_changed_ones_are_recorded() {
        let given = vec![plan("6100", "2026-02", 50_000), plan("6100", "2026-03", 50_000)];
        let command = set(vec![
            amount("6100", "2026-02", 50_000),
            amount("6100", "2026-03", 60_000),
            amount("6100", "2026-04", 0),
        ]);
        assert_eq!(assert_accepted(framework(), given, command), vec![plan("6100", "2026-03", 60_000)]);
    }

    #[test]
    fn a_command_that_changes_nothing_is_accepted_without_events() {
        framework()
            .given(vec![plan("6100", "2026-03", 50_000)])
            .when(set(vec![amount("6100", "2026-03", 50_000)]))
            .then_expect_events(vec![]);
    }

    #[test]
    fn an_amount_of_zero_clears_a_set_amount() {
        let events = assert_accepted(
            framework(),
            vec![plan("6100", "2026-03", 50_000)],
            set(vec![amount("6100", "2026-03", 0)]),
        );
        assert_eq!(events, vec![plan("6100", "2026-03", 0)]);
        let budgets: Budgets = fold([plan("6100", "2026-03", 50_000)].into_iter().chain(events));
        assert!(budgets.is_empty());
    }

    #[test]
    fn zero_for_an_amount_never_set_records_nothing() {
        assert_eq!(assert_accepted(framework(), vec![], set(vec![amount("6100", "2026-03", 0)])), vec![]);
    }

    #[test]
    fn each_budget_and_currency_holds_its_own_amounts() {
        let given = vec![plan("6100", "2026-03", 50_000)];
        let other_budget = set_in("2026-forecast", "EUR", vec![amount("6100", "2026-03", 50_000)]);
        assert_eq!(
            assert_accepted(framework(), given.clone(), other_budget),
            vec![amount_set("2026-forecast", "6100", "2026-03", "EUR", 50_000)]
        );
        let other_currency = set_in("2026-plan", "USD", vec![amount("6100", "2026-03", 50_000)]);
        assert_eq!(
            assert_accepted(framework(), given, other_currency),
            vec![amount_set("2026-plan", "6100", "2026-03", "USD", 50_000)]
        );
    }

    #[test]
    fn the_largest_amount_is_accepted() {
        assert_eq!(
            assert_accepted(framework(), vec![], set(vec![amount("4000", "2026-12", i64::MAX)])),
            vec![plan("4000", "2026-12", i64::MAX)]
        );
    }

    #[test]
    fn the_same_account_in_other_periods_and_other_accounts_in_one_period_are_no_repetition() {
        let amounts = vec![amount("6100", "2026-02", 1), amount("6100", "2026-03", 2), amount("6200", "2026-03", 3)];
        assert_eq!(assert_accepted(framework(), vec![], set(amounts)).len(), 3);
    }

    #[test]
    fn as_many_amounts_as_one_command_may_set_are_accepted() {
        let amounts = many_amounts(MAX_AMOUNTS_PER_COMMAND);
        let events = framework_with(Arc::new(many_accounts_books()))
            .given_no_previous_events()
            .when(set(amounts))
            .inspect_result();
        assert_eq!(events.map(|events| events.len()), Ok(MAX_AMOUNTS_PER_COMMAND));
    }
}

mod budget_names {
    use super::*;

    #[test]
    fn names_of_letters_digits_dots_underscores_and_dashes_up_to_the_limit_are_accepted() {
        let longest = "b".repeat(MAX_BUDGET_NAME_CHARS);
        for name in ["B", "7", "2026-plan", "FY26.rev_2", "-draft", ".x", longest.as_str()] {
            let events = assert_accepted(framework(), vec![], set_in(name, "EUR", vec![amount("6100", "2026-03", 1)]));
            assert_eq!(events, vec![amount_set(name, "6100", "2026-03", "EUR", 1)], "{name}");
        }
    }

    #[test]
    fn an_empty_name_is_rejected() {
        assert_refused_as(
            framework(),
            vec![],
            set_in("", "EUR", vec![amount("6100", "2026-03", 1)]),
            BudgetsError::InvalidBudgetName { budget: String::new(), reason: BudgetNameError::Empty },
            Some("budget"),
            "invalid_budget_name",
            RefusalKind::Invalid,
        );
    }

    #[test]
    fn a_name_one_over_the_limit_is_rejected() {
        let name = "b".repeat(MAX_BUDGET_NAME_CHARS + 1);
        assert_refused_as(
            framework(),
            vec![],
            set_in(&name, "EUR", vec![amount("6100", "2026-03", 1)]),
            BudgetsError::InvalidBudgetName {
                budget: name.clone(),
                reason: BudgetNameError::TooLong { chars: 51, max: 50 },
            },
            Some("budget"),
            "invalid_budget_name",
            RefusalKind::Invalid,
        );
    }

    #[test]
    fn a_name_with_other_characters_is_rejected() {
        for (name, found, position) in
            [("2026 plan", ' ', 4), ("plan/2026", '/', 4), ("Plän", 'ä', 2), ("plan%", '%', 4)]
        {
            assert_refused_as(
                framework(),
                vec![],
                set_in(name, "EUR", vec![amount("6100", "2026-03", 1)]),
                BudgetsError::InvalidBudgetName {
                    budget: name.to_owned(),
                    reason: BudgetNameError::InvalidCharacter { found, position },
                },
                Some("budget"),
                "invalid_budget_name",
                RefusalKind::Invalid,
            );
        }
    }
}

mod currency_and_amount_count {
    use super::*;

    #[test]
    fn a_currency_that_is_not_iso_4217_with_a_minor_unit_is_rejected() {
        for (currency, reason) in invalid_currencies() {
            assert_refused_as(
                framework(),
                vec![],
                set_in("2026-plan", currency, vec![amount("6100", "2026-03", 1)]),
                BudgetsError::InvalidCurrency { reason },
                Some("currency"),
                "invalid_currency",
                RefusalKind::Invalid,
            );
        }
    }

    #[test]
    fn a_command_without_amounts_is_rejected() {
        assert_refused_as(
            framework(),
            vec![],
            set(vec![]),
            BudgetsError::NoAmounts,
            Some("amounts"),
            "no_amounts",
            RefusalKind::Invalid,
        );
    }

    #[test]
    fn one_amount_more_than_a_command_may_set_is_rejected() {
        assert_refused_as(
            framework(),
            vec![],
            set(many_amounts(MAX_AMOUNTS_PER_COMMAND + 1)),
            BudgetsError::TooManyAmounts { count: 2_001, max: 2_000 },
            Some("amounts"),
            "too_many_amounts",
            RefusalKind::Invalid,
        );
    }

    #[test]
    fn the_budget_name_is_checked_before_the_currency_and_the_currency_before_the_amounts() {
        framework().given_no_previous_events().when(set_in("no way", "eur", vec![])).then_expect_error(
            BudgetsError::InvalidBudgetName {
                budget: "no way".to_owned(),
                reason: BudgetNameError::InvalidCharacter { found: ' ', position: 2 },
            },
        );
        framework().given_no_previous_events().when(set_in("2026-plan", "eur", vec![])).then_expect_error(
            BudgetsError::InvalidCurrency { reason: CurrencyError::Malformed { code: "eur".to_owned() } },
        );
    }
}

mod each_amount {
    use super::*;

    #[test]
    fn an_invalid_account_code_is_rejected_naming_the_amount() {
        assert_refused_as(
            framework(),
            vec![],
            set(vec![amount("6100", "2026-03", 1), amount("61 00", "2026-03", 1)]),
            BudgetsError::InvalidAccount {
                index: 1,
                reason: AccountCodeError::InvalidCharacter { found: ' ', position: 2 },
            },
            Some("amounts[1].account"),
            "invalid_account",
            RefusalKind::Invalid,
        );
        assert_refused_as(
            framework(),
            vec![],
            set(vec![amount("", "2026-03", 1)]),
            BudgetsError::InvalidAccount { index: 0, reason: AccountCodeError::Empty },
            Some("amounts[0].account"),
            "invalid_account",
            RefusalKind::Invalid,
        );
    }

    #[test]
    fn a_blank_period_is_rejected() {
        for period in ["", " \t"] {
            assert_refused_as(
                framework(),
                vec![],
                set(vec![amount("6100", "2026-03", 1), amount("6100", period, 1)]),
                BudgetsError::PeriodBlank { index: 1 },
                Some("amounts[1].period"),
                "period_blank",
                RefusalKind::Invalid,
            );
        }
    }

    #[test]
    fn a_negative_amount_is_rejected() {
        for amount_minor in [-1, i64::MIN] {
            assert_refused_as(
                framework(),
                vec![],
                set(vec![amount("6100", "2026-03", amount_minor)]),
                BudgetsError::NegativeAmount { index: 0, amount_minor },
                Some("amounts[0].amount_minor"),
                "negative_amount",
                RefusalKind::Invalid,
            );
        }
    }

    #[test]
    fn an_account_and_period_given_twice_are_rejected_at_the_repetition() {
        assert_refused_as(
            framework(),
            vec![],
            set(vec![amount("6100", "2026-03", 1), amount("4000", "2026-03", 2), amount("6100", "2026-03", 1)]),
            BudgetsError::DuplicateAmount {
                index: 2,
                first: 0,
                account: "6100".to_owned(),
                period: "2026-03".to_owned(),
            },
            Some("amounts[2]"),
            "duplicate_amount",
            RefusalKind::Invalid,
        );
    }

    #[test]
    fn the_amounts_are_checked_in_order_each_account_then_period_then_amount() {
        let command = set(vec![amount("6100", "2026-03", -5), amount("bad code", " ", -1)]);
        framework()
            .given_no_previous_events()
            .when(command)
            .then_expect_error(BudgetsError::NegativeAmount { index: 0, amount_minor: -5 });
        let command = set(vec![amount("6100", " ", -5)]);
        framework().given_no_previous_events().when(command).then_expect_error(BudgetsError::PeriodBlank { index: 0 });
    }
}

mod books_checks {
    use super::*;

    #[test]
    fn an_account_not_in_the_chart_is_rejected() {
        assert_refused_as(
            framework(),
            vec![],
            set(vec![amount("6100", "2026-03", 1), amount("7777", "2026-03", 1)]),
            BudgetsError::UnknownAccount { index: 1, code: "7777".to_owned() },
            Some("amounts[1].account"),
            "unknown_account",
            RefusalKind::Invalid,
        );
    }

    #[test]
    fn a_header_account_is_rejected() {
        assert_refused_as(
            framework(),
            vec![],
            set(vec![amount("6", "2026-03", 1)]),
            BudgetsError::HeaderAccount { index: 0, code: "6".to_owned() },
            Some("amounts[0].account"),
            "header_account",
            RefusalKind::Invalid,
        );
    }

    #[test]
    fn an_account_fixed_to_another_currency_is_rejected_and_its_own_currency_accepted() {
        assert_refused_as(
            framework(),
            vec![],
            set(vec![amount("1020", "2026-03", 1)]),
            BudgetsError::AccountCurrencyMismatch {
                index: 0,
                code: "1020".to_owned(),
                account_currency: Currency::parse("USD").unwrap(),
                currency: Currency::parse("EUR").unwrap(),
            },
            Some("amounts[0].account"),
            "account_currency_mismatch",
            RefusalKind::Invalid,
        );
        let events = assert_accepted(framework(), vec![], set_in("capex", "USD", vec![amount("1020", "2026-03", 1)]));
        assert_eq!(events, vec![amount_set("capex", "1020", "2026-03", "USD", 1)]);
    }

    #[test]
    fn a_period_not_in_the_calendar_is_rejected() {
        assert_refused_as(
            framework(),
            vec![],
            set(vec![amount("6100", "2026-12", 1), amount("6100", "2027-01", 1)]),
            BudgetsError::UnknownPeriod { index: 1, period: "2027-01".to_owned() },
            Some("amounts[1].period"),
            "unknown_period",
            RefusalKind::Invalid,
        );
    }

    #[test]
    fn archived_accounts_and_closed_periods_may_be_budgeted() {
        let events =
            assert_accepted(framework(), vec![], set(vec![amount("6900", "2026-02", 1), amount("6100", "2026-01", 2)]));
        assert_eq!(events, vec![plan("6900", "2026-02", 1), plan("6100", "2026-01", 2)]);
    }

    #[test]
    fn each_amount_is_checked_against_the_books_in_order_account_before_period() {
        let command = set(vec![amount("6100", "2031-01", 1), amount("7777", "2026-03", 1)]);
        framework()
            .given_no_previous_events()
            .when(command)
            .then_expect_error(BudgetsError::UnknownPeriod { index: 0, period: "2031-01".to_owned() });
        let command = set(vec![amount("7777", "2031-01", 1)]);
        framework()
            .given_no_previous_events()
            .when(command)
            .then_expect_error(BudgetsError::UnknownAccount { index: 0, code: "7777".to_owned() });
    }

    #[test]
    fn the_books_are_checked_even_for_amounts_that_would_not_change() {
        assert_refused_as(
            framework(),
            vec![],
            set(vec![amount("7777", "2026-03", 0)]),
            BudgetsError::UnknownAccount { index: 0, code: "7777".to_owned() },
            Some("amounts[0].account"),
            "unknown_account",
            RefusalKind::Invalid,
        );
    }

    #[test]
    fn books_that_cannot_be_read_refuse_as_unavailable() {
        let expected = BudgetsError::BooksUnavailable { reason: "connection refused".to_owned() };
        assert_eq!(expected.field(), None);
        assert_eq!(expected.code(), "books_unavailable");
        assert_eq!(expected.kind(), RefusalKind::Unavailable);
        framework_with(Arc::new(Unreachable))
            .given_no_previous_events()
            .when(set(vec![amount("6100", "2026-03", 1)]))
            .then_expect_error(expected);
    }

    #[test]
    fn the_books_are_not_read_when_a_rule_that_needs_none_is_broken() {
        framework_with(Arc::new(Unreachable))
            .given_no_previous_events()
            .when(set(vec![amount("6100", "2026-03", -1)]))
            .then_expect_error(BudgetsError::NegativeAmount { index: 0, amount_minor: -1 });
    }
}

mod stored_amounts {
    use super::*;

    /// [`MAX_STORED_AMOUNTS`] amounts of budget `full` on the cells of [`many_amounts`],
    /// spread over budgets so that each cell is distinct.
    fn full() -> Vec<BudgetsEvent> {
        let cells = many_amounts(MAX_AMOUNTS_PER_COMMAND);
        (0..MAX_STORED_AMOUNTS)
            .map(|i| {
                let cell = &cells[i % cells.len()];
                amount_set(&format!("b{}", i / cells.len()), &cell.account, &cell.period, "EUR", 1)
            })
            .collect()
    }

    fn framework_full() -> TestFramework<Budgets> {
        framework_with(Arc::new(many_accounts_books()))
    }

    #[test]
    fn an_amount_more_than_the_budgets_may_hold_is_rejected() {
        let expected = BudgetsError::TooManyStoredAmounts { count: 50_001, max: 50_000 };
        assert_eq!(expected.field(), None);
        assert_eq!(expected.code(), "too_many_stored_amounts");
        assert_eq!(expected.kind(), RefusalKind::Invalid);
        framework_full().given(full()).when(set(vec![amount("6100", "2026-03", 1)])).then_expect_error(expected);
    }

    #[test]
    fn full_budgets_still_take_replacements_and_a_new_amount_for_each_cleared_one() {
        let replace = set_in("b0", "EUR", vec![amount("7000", "2026-01", 9)]);
        let events = framework_full().given(full()).when(replace).inspect_result().unwrap();
        assert_eq!(events, vec![amount_set("b0", "7000", "2026-01", "EUR", 9)]);
        let swap = set_in("b0", "EUR", vec![amount("6100", "2026-03", 1), amount("7000", "2026-01", 0)]);
        let events = framework_full().given(full()).when(swap).inspect_result().unwrap();
        assert_eq!(events.len(), 2);
    }
}

mod queries {
    use super::*;

    #[test]
    fn folding_events_keeps_the_last_non_zero_amount_of_each_cell() {
        let budgets: Budgets = fold([
            plan("6100", "2026-03", 50_000),
            plan("6100", "2026-03", 55_000),
            plan("4000", "2026-03", 200_000),
            amount_set("2026-plan", "4000", "2026-03", "USD", 1_000),
            amount_set("forecast", "6100", "2026-04", "EUR", 7),
            amount_set("forecast", "6100", "2026-04", "EUR", 0),
            amount_set("capex", "1020", "2026-05", "USD", 9),
        ]);
        assert_eq!(budgets.amount(&BudgetCell::new("2026-plan", "6100", "2026-03", "EUR")), 55_000);
        assert_eq!(budgets.amount(&BudgetCell::new("2026-plan", "4000", "2026-03", "USD")), 1_000);
        assert_eq!(budgets.amount(&BudgetCell::new("forecast", "6100", "2026-04", "EUR")), 0);
        assert_eq!(budgets.amount(&BudgetCell::new("2026-plan", "6200", "2026-03", "EUR")), 0);
        assert_eq!(budgets.len(), 4);
        assert!(!budgets.is_empty());
        assert_eq!(budgets.budget_names(), ["2026-plan", "capex"]);
        let cells: Vec<(&str, &str, &str, &str, i64)> = budgets
            .amounts()
            .map(|(cell, amount)| (cell.budget(), cell.account(), cell.period(), cell.currency(), amount))
            .collect();
        assert_eq!(
            cells,
            [
                ("2026-plan", "4000", "2026-03", "EUR", 200_000),
                ("2026-plan", "4000", "2026-03", "USD", 1_000),
                ("2026-plan", "6100", "2026-03", "EUR", 55_000),
                ("capex", "1020", "2026-05", "USD", 9),
            ]
        );
        assert!(Budgets::default().is_empty());
    }
}

mod state_and_wire {
    use super::*;

    /// One of every error, with its field and kind.
    fn every_error() -> Vec<(BudgetsError, Option<&'static str>, RefusalKind)> {
        use RefusalKind::{Invalid, Unavailable};
        let code = || "7777".to_owned();
        let eur = Currency::parse("EUR").unwrap();
        vec![
            (
                BudgetsError::InvalidBudgetName { budget: String::new(), reason: BudgetNameError::Empty },
                Some("budget"),
                Invalid,
            ),
            (
                BudgetsError::InvalidCurrency { reason: CurrencyError::Malformed { code: "e".to_owned() } },
                Some("currency"),
                Invalid,
            ),
            (BudgetsError::NoAmounts, Some("amounts"), Invalid),
            (BudgetsError::TooManyAmounts { count: 2_001, max: 2_000 }, Some("amounts"), Invalid),
            (
                BudgetsError::InvalidAccount { index: 3, reason: AccountCodeError::Empty },
                Some("amounts[3].account"),
                Invalid,
            ),
            (BudgetsError::PeriodBlank { index: 4 }, Some("amounts[4].period"), Invalid),
            (BudgetsError::NegativeAmount { index: 5, amount_minor: -1 }, Some("amounts[5].amount_minor"), Invalid),
            (
                BudgetsError::DuplicateAmount { index: 6, first: 1, account: code(), period: "2026-01".to_owned() },
                Some("amounts[6]"),
                Invalid,
            ),
            (BudgetsError::UnknownAccount { index: 7, code: code() }, Some("amounts[7].account"), Invalid),
            (BudgetsError::HeaderAccount { index: 8, code: code() }, Some("amounts[8].account"), Invalid),
            (
                BudgetsError::AccountCurrencyMismatch { index: 9, code: code(), account_currency: eur, currency: eur },
                Some("amounts[9].account"),
                Invalid,
            ),
            (
                BudgetsError::UnknownPeriod { index: 10, period: "2031-01".to_owned() },
                Some("amounts[10].period"),
                Invalid,
            ),
            (BudgetsError::TooManyStoredAmounts { count: 50_001, max: 50_000 }, None, Invalid),
            (BudgetsError::BooksUnavailable { reason: "down".to_owned() }, None, Unavailable),
        ]
    }

    #[test]
    fn every_error_has_a_unique_snake_case_code_a_field_and_a_kind() {
        assert_error_table(&every_error());
    }

    #[test]
    fn error_messages_name_the_values() {
        let message = |error: BudgetsError| error.to_string();
        assert_eq!(
            message(BudgetsError::InvalidBudgetName {
                budget: "2026 plan".to_owned(),
                reason: BudgetNameError::InvalidCharacter { found: ' ', position: 4 },
            }),
            "budget \"2026 plan\" is invalid: budget name contains ' ' at position 4; only A-Z, a-z, 0-9, ., _ and - are allowed"
        );
        assert_eq!(
            message(BudgetsError::DuplicateAmount {
                index: 2,
                first: 0,
                account: "6100".to_owned(),
                period: "2026-03".to_owned()
            }),
            "amounts[2] repeats account 6100 in period 2026-03, already given in amounts[0]"
        );
        assert_eq!(
            message(BudgetsError::UnknownPeriod { index: 1, period: "2027-01".to_owned() }),
            "amounts[1].period 2027-01 is not a period of the fiscal calendar"
        );
        assert_eq!(
            message(BudgetsError::NegativeAmount { index: 0, amount_minor: -5 }),
            "amounts[0].amount_minor is -5; a budget amount is 0 or more (0 clears it)"
        );
        assert_eq!(
            message(BudgetsError::AccountCurrencyMismatch {
                index: 0,
                code: "1020".to_owned(),
                account_currency: Currency::parse("USD").unwrap(),
                currency: Currency::parse("EUR").unwrap(),
            }),
            "amounts[0].account 1020 takes only USD, not EUR"
        );
    }

    #[test]
    fn commands_deserialize_from_api_json() {
        let json = serde_json::json!({"SetBudgetAmounts": {
            "budget": "2026-plan", "currency": "EUR",
            "amounts": [{"account": "6100", "period": "2026-03", "amount_minor": 50000}]
        }});
        assert_eq!(
            serde_json::from_value::<BudgetsCommand>(json).unwrap(),
            set(vec![amount("6100", "2026-03", 50_000)])
        );
    }

    #[test]
    fn a_command_with_a_misspelled_or_missing_field_is_refused_by_serde() {
        let json = serde_json::json!({"account": "6100", "period": "2026-03", "amount": 1});
        assert!(serde_json::from_value::<BudgetAmountInput>(json).is_err());
        let json = serde_json::json!({"account": "6100", "period": "2026-03", "amount_minor": 1, "memo": "x"});
        assert!(serde_json::from_value::<BudgetAmountInput>(json).is_err());
        let json = serde_json::json!({"budget": "2026-plan", "amounts": []});
        assert!(serde_json::from_value::<SetBudgetAmounts>(json).is_err());
        let json = serde_json::json!({"account": "6100", "period": "2026-03", "amount_minor": 1.5});
        assert!(serde_json::from_value::<BudgetAmountInput>(json).is_err());
    }

    #[test]
    fn events_are_externally_tagged_and_round_trip() {
        let event = plan("6100", "2026-03", 50_000);
        let json = serde_json::to_value(&event).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"BudgetAmountSet": {
                "budget": "2026-plan", "account": "6100", "period": "2026-03", "currency": "EUR", "amount_minor": 50000
            }})
        );
        assert_eq!(serde_json::from_value::<BudgetsEvent>(json).unwrap(), event);
    }

    #[test]
    fn event_type_version_and_aggregate_type_are_stable() {
        let event = plan("6100", "2026-03", 1);
        assert_eq!(event.event_type(), "BudgetAmountSet");
        assert_eq!(event.event_version(), "1");
        assert_eq!(Budgets::TYPE, "finance.budgets");
        assert_eq!(BUDGETS_ID, "budgets");
    }

    #[test]
    fn aggregate_state_round_trips_through_serde_for_snapshots() {
        let budgets: Budgets = fold([
            plan("6100", "2026-03", 50_000),
            plan("4000", "2026-03", 200_000),
            amount_set("capex", "1020", "2026-05", "USD", 9),
        ]);
        let json = serde_json::to_string(&budgets).unwrap();
        assert_eq!(serde_json::from_str::<Budgets>(&json).unwrap(), budgets);
        assert_eq!(
            serde_json::from_str::<Budgets>(&serde_json::to_string(&Budgets::default()).unwrap()).unwrap(),
            Budgets::default()
        );
    }
}

mod avro_contract {
    //! The serde JSON of the event must have exactly the fields of its Avro schema, with
    //! compatible types, so the wire contract and the Rust type cannot drift.

    use super::*;
    use crate::avro_contract::assert_event_matches_schema;

    const SET_AVSC: &str = include_str!("../../../../schemas/avro/finance/BudgetAmountSet.avsc");

    #[test]
    fn budget_amount_set_json_matches_its_avro_schema() {
        assert_event_matches_schema(SET_AVSC, &plan("6100", "2026-03", 50_000));
        assert_event_matches_schema(SET_AVSC, &plan("6100", "2026-03", 0));
        assert_event_matches_schema(SET_AVSC, &plan("4000", "2026-12", i64::MAX));
    }

    #[test]
    fn every_event_decide_records_matches_its_schema() {
        let given = vec![plan("6100", "2026-03", 50_000)];
        let command = set(vec![amount("6100", "2026-03", 0), amount("4000", "2026-03", 200_000)]);
        let events = assert_accepted(framework(), given, command);
        assert_eq!(events.len(), 2);
        for event in events {
            assert_event_matches_schema(SET_AVSC, &event);
        }
    }
}

mod properties {
    use std::collections::BTreeMap;

    use proptest::prelude::*;

    use super::*;
    use crate::test_support::check_command_sequence;

    const ACCOUNTS: [&str; 3] = ["4000", "6100", "6200"];

    fn arb_amounts() -> impl Strategy<Value = Vec<BudgetAmountInput>> {
        proptest::collection::vec((0_usize..3, 1_u32..=3, prop_oneof![Just(0_i64), 0_i64..5]), 1..6)
            .prop_map(|raw| raw.into_iter().map(|(a, m, v)| amount(ACCOUNTS[a], &format!("2026-{m:02}"), v)).collect())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        /// Whatever commands are attempted, the budgets hold for each cell the last non-zero
        /// amount an accepted command set; each accepted command records exactly the amounts
        /// that differ from what was held, and deciding it again records nothing.
        #[test]
        fn the_budgets_hold_the_last_amount_set_per_cell(commands in proptest::collection::vec(arb_amounts(), 1..10)) {
            let books = test_books();
            let services: Arc<dyn BooksSource> = Arc::new(test_books());
            let commands: Vec<BudgetsCommand> = commands.into_iter().map(set).collect();
            let mut expected: BTreeMap<(String, String), i64> = BTreeMap::new();
            check_command_sequence::<Budgets>(&services, commands, |step| {
                let BudgetsCommand::SetBudgetAmounts(SetBudgetAmounts { amounts, .. }) = step.command;
                if let Ok(events) = step.outcome {
                    let changed = amounts
                        .iter()
                        .filter(|a| expected.get(&(a.account.clone(), a.period.clone())).copied().unwrap_or(0) != a.amount_minor)
                        .count();
                    prop_assert_eq!(events.len(), changed);
                    for a in amounts {
                        if a.amount_minor == 0 {
                            expected.remove(&(a.account.clone(), a.period.clone()));
                        } else {
                            expected.insert((a.account.clone(), a.period.clone()), a.amount_minor);
                        }
                    }
                    prop_assert_eq!(step.after.decide(step.command.clone(), &books), Ok(vec![]));
                }
                let held: BTreeMap<(String, String), i64> =
                    step.after.amounts().map(|(cell, v)| ((cell.account().to_owned(), cell.period().to_owned()), v)).collect();
                prop_assert_eq!(held, expected.clone());
                Ok(())
            })?;
        }
    }
}
