//! Test helpers the aggregates' given–when–then tests share: folding events into state,
//! asserting what a command records or why it is refused, checking an error table, and
//! building the [`Books`] (chart of accounts, fiscal calendar) a posting aggregate decides
//! against, by applying the events their own aggregates record.
//!
//! What is particular to one aggregate — its commands, events, standard test books and the
//! `framework()` its tests run against — stays in that aggregate's `tests.rs`. The helpers
//! here are generic over the aggregate and take its framework as their first argument, so
//! that a test names the services it decides against:
//! `assert_refused_as(framework(), given, command, expected, Some("code"), "invalid_code", Invalid)`.
//!
//! The property tests of every aggregate share `command_sequences` (the driver that sends a
//! random command sequence through `handle` and checks the invariants after each step, with
//! generators and status-machine checks) and `trees` (the invariants of the tree-shaped
//! organisation and locations).

mod command_sequences;
mod trees;

use std::collections::BTreeSet;
use std::fmt::Debug;
use std::sync::Arc;

use chrono::NaiveDate;
use cqrs_es::test::TestFramework;
use cqrs_es::Aggregate;

use crate::finance::books::{Books, BooksSource};
use crate::finance::calendar::{CalendarEvent, FiscalPeriodClosed, FiscalPeriodLocked, FiscalYearOpened, PeriodSpan};
use crate::finance::chart::{AccountArchived, AccountOpened, ChartEvent};
use crate::finance::exchange_rates::{ExchangeRatesCommand, RateInput};
use crate::finance::journal_entry::PostedLine;
use crate::money::{Currency, CurrencyError};
use crate::refusal::{Refusal, RefusalKind};

pub(crate) use command_sequences::{
    check_command_sequence, check_status_history, check_status_move, command_sequences, commands_along, quantities,
    SEQUENCE_CASES,
};
pub(crate) use trees::{check_tree, TreeNode};

// ---------------------------------------------------------------------------------------------
// Values

/// The date `y`-`m`-`d`; panics when there is no such day.
pub(crate) fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

/// The euro.
pub(crate) fn eur() -> Currency {
    Currency::parse("EUR").unwrap()
}

/// The US dollar.
pub(crate) fn usd() -> Currency {
    Currency::parse("USD").unwrap()
}

/// A currency code of each way to be invalid, with why: malformed (`eur`), not ISO 4217
/// (`ABC`), and without a minor unit (`XAU`).
pub(crate) fn invalid_currencies() -> [(&'static str, CurrencyError); 3] {
    [
        ("eur", CurrencyError::Malformed { code: "eur".to_owned() }),
        ("ABC", CurrencyError::Unknown { code: "ABC".to_owned() }),
        ("XAU", CurrencyError::NoMinorUnit { code: "XAU".to_owned() }),
    ]
}

/// Line `line_no` of a posting: `debit_minor` and `credit_minor` on `account`, in EUR, without
/// memo. Vary it with struct update syntax: `PostedLine { memo: Some(…), ..posted_line(…) }`.
pub(crate) fn posted_line(line_no: i32, account: &str, debit_minor: i64, credit_minor: i64) -> PostedLine {
    PostedLine {
        line_no,
        account: account.to_owned(),
        debit_minor,
        credit_minor,
        currency: "EUR".to_owned(),
        memo: None,
        functional: None,
    }
}

// ---------------------------------------------------------------------------------------------
// State and decisions

/// The aggregate `events` fold into, from its default: what an aggregate's queries see after
/// them. The caller names the aggregate, e.g. `let chart: ChartOfAccounts = fold(events);`.
pub(crate) fn fold<A: Aggregate>(events: impl IntoIterator<Item = A::Event>) -> A {
    let mut aggregate = A::default();
    for event in events {
        aggregate.apply(event);
    }
    aggregate
}

/// The events `framework`, given `given`, records for `command`; panics when it refuses it.
pub(crate) fn assert_accepted<A: Aggregate>(
    framework: TestFramework<A>,
    given: Vec<A::Event>,
    command: A::Command,
) -> Vec<A::Event> {
    match framework.given(given).when(command).inspect_result() {
        Ok(events) => events,
        Err(error) => panic!("refused: {error}"),
    }
}

/// Given `given`, when `command`, then `expected` against `framework` — and the error names
/// `field` and `code`.
pub(crate) fn assert_refused<A>(
    framework: TestFramework<A>,
    given: Vec<A::Event>,
    command: A::Command,
    expected: A::Error,
    field: Option<&str>,
    code: &str,
) where
    A: Aggregate,
    A::Error: Refusal + PartialEq,
{
    assert_eq!(expected.field().as_deref(), field, "field of {expected:?}");
    assert_eq!(expected.code(), code, "code of {expected:?}");
    framework.given(given).when(command).then_expect_error(expected);
}

/// [`assert_refused`], and the error is a refusal of `kind`.
pub(crate) fn assert_refused_as<A>(
    framework: TestFramework<A>,
    given: Vec<A::Event>,
    command: A::Command,
    expected: A::Error,
    field: Option<&str>,
    code: &str,
    kind: RefusalKind,
) where
    A: Aggregate,
    A::Error: Refusal + PartialEq,
{
    assert_eq!(expected.kind(), kind, "kind of {expected:?}");
    assert_refused(framework, given, command, expected, field, code);
}

/// Every error of `errors` has a snake_case code that no other one has, and names the field
/// and is of the kind it is listed with: an aggregate's table of `(error, field, kind)`, one
/// row per error variant.
pub(crate) fn assert_error_table<E: Refusal + Debug>(errors: &[(E, Option<&str>, RefusalKind)]) {
    let codes: BTreeSet<&str> = errors.iter().map(|(error, _, _)| error.code()).collect();
    assert_eq!(codes.len(), errors.len(), "codes are unique");
    for (error, field, kind) in errors {
        let code = error.code();
        assert!(code.chars().all(|c| c.is_ascii_lowercase() || c == '_'), "{code}");
        assert_eq!(error.field().as_deref(), *field, "{code}");
        assert_eq!(error.kind(), *kind, "{code}");
    }
}

// ---------------------------------------------------------------------------------------------
// Books

/// Books that cannot be read, like a database that is down: every read fails with
/// `connection refused`.
pub(crate) struct Unreachable;

#[async_trait::async_trait]
impl BooksSource for Unreachable {
    async fn books(&self) -> Result<Arc<Books>, String> {
        Err("connection refused".to_owned())
    }
}

/// The `AccountOpened` of a plain posting account: `code` of `account_type` (`asset`,
/// `liability`, `equity`, `income` or `expense`) named `Account <code>`, with the normal
/// balance of its type, no parent, any currency, not cash. Vary it with struct update syntax:
/// `AccountOpened { header: true, ..account("6", "expense") }`.
pub(crate) fn account(code: &str, account_type: &str) -> AccountOpened {
    let normal_balance = if matches!(account_type, "asset" | "expense") { "debit" } else { "credit" };
    AccountOpened {
        code: code.to_owned(),
        name: format!("Account {code}"),
        account_type: account_type.to_owned(),
        normal_balance: normal_balance.to_owned(),
        parent: None,
        header: false,
        currency: None,
        cash: false,
    }
}

/// Opens `account` in the chart of `books`.
pub(crate) fn open_account(books: &mut Books, account: AccountOpened) {
    books.apply_chart(ChartEvent::AccountOpened(account));
}

/// Books with each of `accounts` open as a plain asset [`account`], and no fiscal year.
pub(crate) fn books_with_accounts<'a>(accounts: impl IntoIterator<Item = &'a str>) -> Books {
    let mut books = Books::default();
    for code in accounts {
        open_account(&mut books, account(code, "asset"));
    }
    books
}

/// Sets the functional currency of `books` to `functional` and each of `rates`
/// (`(currency, date, rate)`, e.g. `("USD", date(2026, 3, 1), "0.9")`).
pub(crate) fn set_exchange_rates(books: &mut Books, functional: &str, rates: &[(&str, NaiveDate, &str)]) {
    let set_functional = ExchangeRatesCommand::SetFunctionalCurrency { currency: functional.to_owned() };
    for event in books.exchange_rates.decide(set_functional).unwrap() {
        books.apply_exchange_rates(event);
    }
    set_rates(books, rates);
}

/// Sets each of `rates` (`(currency, date, rate)`) in `books`, whose functional currency is set.
pub(crate) fn set_rates(books: &mut Books, rates: &[(&str, NaiveDate, &str)]) {
    let rates = rates
        .iter()
        .map(|(currency, date, rate)| RateInput {
            currency: (*currency).to_owned(),
            date: *date,
            rate: (*rate).to_owned(),
        })
        .collect();
    for event in books.exchange_rates.decide(ExchangeRatesCommand::SetExchangeRates { rates }).unwrap() {
        books.apply_exchange_rates(event);
    }
}

/// Archives account `code` in `books`.
pub(crate) fn archive_account(books: &mut Books, code: &str) {
    books.apply_chart(ChartEvent::AccountArchived(AccountArchived { code: code.to_owned() }));
}

/// The 12 calendar months of `y` as fiscal periods `<y>-01` … `<y>-12`, numbered 1 to 12.
pub(crate) fn months_of(y: i32) -> Vec<PeriodSpan> {
    (1..=12_u32)
        .map(|m| {
            let start_date = date(y, m, 1);
            let end_date = if m == 12 { date(y, 12, 31) } else { date(y, m + 1, 1).pred_opt().unwrap() };
            PeriodSpan { period: format!("{y}-{m:02}"), number: i32::try_from(m).unwrap(), start_date, end_date }
        })
        .collect()
}

/// The `FiscalYearOpened` that opening a fiscal year from `<y>-01-01` alone records: year
/// `<y>`, the calendar year in the [`months_of`] `y`.
pub(crate) fn calendar_year_opened(y: i32) -> FiscalYearOpened {
    FiscalYearOpened {
        year: y.to_string(),
        start_date: date(y, 1, 1),
        end_date: date(y, 12, 31),
        periods: months_of(y),
    }
}

/// Opens calendar year `y` in `books`, in monthly periods (see [`calendar_year_opened`]).
pub(crate) fn open_calendar_year(books: &mut Books, y: i32) {
    books.apply_calendar(CalendarEvent::FiscalYearOpened(calendar_year_opened(y)));
}

/// Opens in `books` the fiscal year `T` of the one period `T-01`, from `from` to `to`.
pub(crate) fn open_single_period_year(books: &mut Books, from: NaiveDate, to: NaiveDate) {
    let span = PeriodSpan { period: "T-01".to_owned(), number: 1, start_date: from, end_date: to };
    books.apply_calendar(CalendarEvent::FiscalYearOpened(FiscalYearOpened {
        year: "T".to_owned(),
        start_date: from,
        end_date: to,
        periods: vec![span],
    }));
}

/// Closes fiscal period `period` in `books`.
pub(crate) fn close_period(books: &mut Books, period: &str) {
    books.apply_calendar(CalendarEvent::FiscalPeriodClosed(FiscalPeriodClosed { period: period.to_owned() }));
}

/// Locks fiscal period `period` in `books`.
pub(crate) fn lock_period(books: &mut Books, period: &str) {
    books.apply_calendar(CalendarEvent::FiscalPeriodLocked(FiscalPeriodLocked { period: period.to_owned() }));
}
