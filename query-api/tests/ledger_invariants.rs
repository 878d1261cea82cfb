//! Property tests over the financial statements: random books of balanced journal entries —
//! dated anywhere in 2026, two to six lines on a chart of all five account types, amounts up
//! to 1e9 minor units, in one or two currencies each balancing on its own, some reversed by a
//! mirror entry, sometimes closed at year end into retained earnings — are seeded into a fresh
//! tenant's ledger read model, and the trial balance, the balance sheet and the income
//! statement are read for random dates and ranges. Each must agree with an independent sum of
//! the seeded lines (the model below) and with the others:
//!
//! - the trial balance lists every account with lines by currency with its net balance, its
//!   columns total equal and it says `balanced`, in every currency;
//! - the balance sheet balances (assets = liabilities + equity, current earnings included) in
//!   every currency, and its current earnings are income − expenses through `as_of`;
//! - the income statement of `[from, to]` nets the lines of that range without the closing
//!   entry; over `[2026-01-01, as_of]` it equals the balance sheet's current earnings unless the
//!   close (dated 2026-12-31) is in range, and over any range before the close it equals the
//!   change in current earnings; once closed, current earnings are 0 and retained earnings
//!   hold the year's net income.
//!
//! One tenant per case, 24 cases against the real Postgres.

mod common;

use std::collections::{BTreeMap, BTreeSet};

use chrono::{Duration, NaiveDate};
use common::{mark_reversed, new_tenant, seed_accounts, seed_entry, Answer, Line, SeedAccount, SeedEntry, TestApi};
use prism_aggregates::tenant::TenantId;
use prism_query_api::stores::tenant_table;
use proptest::collection::vec;
use proptest::prelude::*;
use proptest::sample::{select, subsequence};
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use serde_json::Value;

/// Cases run; each provisions a tenant, seeds up to ~40 entries and reads 18 reports.
const CASES: u32 = 24;

/// Largest amount of a generated line (and of a generated entry's total per currency).
const AMOUNT_MAX: i64 = 1_000_000_000;

const CURRENCIES: &[&str] = &["EUR", "USD", "JPY"];

/// Retained earnings: only the closing entry posts to it, so its balance is what the close moved.
const RETAINED_EARNINGS: &str = "3200";

/// The chart: code, name, type. `1` is a header nothing posts to.
const CHART: &[(&str, &str, &str)] = &[
    ("1000", "Bank", "asset"),
    ("1100", "Accounts receivable", "asset"),
    ("1510", "Accumulated depreciation", "asset"),
    ("2000", "Accounts payable", "liability"),
    ("2100", "VAT payable", "liability"),
    ("3000", "Owner's capital", "equity"),
    ("3100", "Owner's drawings", "equity"),
    (RETAINED_EARNINGS, "Retained earnings", "equity"),
    ("4000", "Sales revenue", "income"),
    ("4100", "Service revenue", "income"),
    ("5000", "Cost of goods sold", "expense"),
    ("6100", "Rent", "expense"),
    ("6400", "Depreciation expense", "expense"),
];

/// Accounts random entries post to: the chart but retained earnings.
fn postable() -> Vec<&'static str> {
    CHART.iter().map(|(code, _, _)| *code).filter(|code| *code != RETAINED_EARNINGS).collect()
}

fn account_type(code: &str) -> &'static str {
    CHART.iter().find(|(c, _, _)| *c == code).map(|(_, _, t)| *t).expect("account in the chart")
}

fn is_result_account(code: &str) -> bool {
    matches!(account_type(code), "income" | "expense")
}

fn day_of_2026(ordinal0: u32) -> NaiveDate {
    NaiveDate::from_yo_opt(2026, ordinal0.min(364) + 1).expect("a day of 2026")
}

fn year_start() -> NaiveDate {
    day_of_2026(0)
}

fn year_end() -> NaiveDate {
    day_of_2026(364)
}

/// One generated entry: its day of 2026 (0-based), balanced lines, and — when it is reversed
/// — how many days later the reversal is dated (capped at 2026-12-31).
#[derive(Debug, Clone)]
struct GenEntry {
    day: u32,
    lines: Vec<Line>,
    reversed_after: Option<u32>,
}

/// One generated case: the entries, whether the year is closed, and what to read.
#[derive(Debug, Clone)]
struct Books {
    entries: Vec<GenEntry>,
    closed: bool,
    as_of_days: Vec<u32>,
    ranges: Vec<(u32, u32)>,
}

/// `total` split into `weights.len()` positive parts roughly proportional to the weights;
/// `total` is at least the number of parts.
fn split(total: i64, weights: &[u32]) -> Vec<i64> {
    let count = i64::try_from(weights.len()).expect("few parts");
    let spread = i128::from(total - count);
    let weight_sum: i128 = weights.iter().map(|w| i128::from(*w)).sum();
    let mut parts: Vec<i64> =
        weights.iter().map(|w| 1 + i64::try_from(spread * i128::from(*w) / weight_sum).expect("part fits")).collect();
    let assigned: i64 = parts.iter().sum();
    *parts.last_mut().expect("at least one part") += total - assigned;
    parts
}

/// 2..=`max_lines` lines in `currency` whose debits and credits both total the same random
/// amount of at most [`AMOUNT_MAX`].
fn arb_currency_lines(currency: &'static str, max_lines: usize) -> impl Strategy<Value = Vec<Line>> {
    (2..=max_lines).prop_flat_map(move |count| {
        (1..count).prop_flat_map(move |debit_count| {
            let credit_count = count - debit_count;
            let least = i64::try_from(debit_count.max(credit_count)).expect("few lines");
            (
                least..=AMOUNT_MAX,
                vec(select(postable()), count),
                vec(1_u32..=1_000, debit_count),
                vec(1_u32..=1_000, credit_count),
            )
                .prop_map(move |(total, accounts, debit_weights, credit_weights)| {
                    let debits = split(total, &debit_weights).into_iter().map(|amount| (amount, 0));
                    let credits = split(total, &credit_weights).into_iter().map(|amount| (0, amount));
                    accounts
                        .into_iter()
                        .zip(debits.chain(credits))
                        .map(|(account, (debit, credit))| (account, currency, debit, credit))
                        .collect::<Vec<Line>>()
                })
        })
    })
}

/// Balanced lines: 2–6 in one currency, or 2–3 in each of two.
fn arb_lines() -> impl Strategy<Value = Vec<Line>> {
    let one = select(CURRENCIES).prop_flat_map(|currency| arb_currency_lines(currency, 6));
    let two = subsequence(CURRENCIES, 2).prop_flat_map(|pair| {
        (arb_currency_lines(pair[0], 3), arb_currency_lines(pair[1], 3)).prop_map(|(mut first, second)| {
            first.extend(second);
            first
        })
    });
    prop_oneof![3 => one, 1 => two].prop_shuffle()
}

fn arb_entry() -> impl Strategy<Value = GenEntry> {
    (0_u32..365, arb_lines(), proptest::option::weighted(0.25, 0_u32..60))
        .prop_map(|(day, lines, reversed_after)| GenEntry { day, lines, reversed_after })
}

fn arb_books() -> impl Strategy<Value = Books> {
    (vec(arb_entry(), 1..=30), proptest::bool::weighted(0.35), vec(0_u32..365, 3), vec((0_u32..365, 0_u32..365), 2))
        .prop_map(|(entries, closed, mut as_of_days, ranges)| {
            as_of_days.push(364);
            let ranges = ranges.into_iter().map(|(a, b)| (a.min(b), a.max(b))).collect();
            Books { entries, closed, as_of_days, ranges }
        })
}

/// An entry as seeded: its date, whether it is the closing entry, its lines.
#[derive(Debug, Clone)]
struct Posted {
    date: NaiveDate,
    closing: bool,
    lines: Vec<Line>,
}

/// The ledger as the test seeded it, summed independently of the query API.
#[derive(Debug, Default)]
struct Model {
    posted: Vec<Posted>,
}

/// Net debit (debits − credits) per `(currency, account)` with lines in range.
type Nets = BTreeMap<(&'static str, &'static str), i64>;

impl Model {
    /// Nets of the lines dated `from..=to` (from the first when `None`), closing entry
    /// included or not. Accounts whose lines net to zero are kept.
    fn nets(&self, from: Option<NaiveDate>, to: NaiveDate, closing: bool) -> Nets {
        let mut nets = Nets::new();
        let in_range = |p: &&Posted| from.is_none_or(|from| p.date >= from) && p.date <= to && (closing || !p.closing);
        for posted in self.posted.iter().filter(in_range) {
            for (account, currency, debit, credit) in &posted.lines {
                *nets.entry((*currency, *account)).or_default() += debit - credit;
            }
        }
        nets
    }

    /// Trial balance: per currency, `(code, debit balance, credit balance)` by code.
    fn trial_balance(&self, as_of: NaiveDate) -> BTreeMap<&'static str, Vec<(String, i64, i64)>> {
        let mut sections: BTreeMap<&'static str, Vec<(String, i64, i64)>> = BTreeMap::new();
        for ((currency, account), net) in self.nets(None, as_of, true) {
            sections.entry(currency).or_default().push((account.to_owned(), net.max(0), (-net).max(0)));
        }
        sections
    }

    /// Income − expenses per currency of the result accounts' nets (currencies with lines on them).
    fn result(nets: &Nets) -> BTreeMap<&'static str, i64> {
        let mut result = BTreeMap::new();
        for ((currency, account), net) in nets {
            if is_result_account(account) {
                *result.entry(*currency).or_default() -= net;
            }
        }
        result
    }

    /// The balance sheet's current earnings per currency as of `as_of`, close included.
    fn current_earnings(&self, as_of: NaiveDate) -> BTreeMap<&'static str, i64> {
        Self::result(&self.nets(None, as_of, true))
    }

    /// The income statement's net income per currency over `from..=to`, close left out.
    fn net_income(&self, from: NaiveDate, to: NaiveDate) -> BTreeMap<&'static str, i64> {
        Self::result(&self.nets(Some(from), to, false))
    }

    fn closing_date(&self) -> Option<NaiveDate> {
        self.posted.iter().find(|p| p.closing).map(|p| p.date)
    }
}

/// Seeds `books` into a fresh tenant: the chart, the entries with their reversals (mirror
/// lines, linked as the projector links them) and, when closed, the year's closing entry.
async fn seed(api: &TestApi, books: &Books) -> (TenantId, Model) {
    let tenant = new_tenant(&api.pool).await;
    let mut chart = vec![SeedAccount { header: true, ..SeedAccount::new("1", "Assets", "asset") }];
    chart.extend(CHART.iter().map(|(code, name, account_type)| {
        let parent = (*account_type == "asset").then_some("1");
        SeedAccount { parent, cash: *code == "1000", ..SeedAccount::new(code, name, account_type) }
    }));
    seed_accounts(&api.pool, &tenant, &chart).await;

    let mut model = Model::default();
    let mut position = 0;
    let mut next = |date: NaiveDate, lines: &[Line]| {
        position += 1;
        SeedEntry::new(&date.to_string(), position, lines)
    };
    for generated in &books.entries {
        let date = day_of_2026(generated.day);
        let original = next(date, &generated.lines);
        seed_entry(&api.pool, &tenant, &original).await;
        model.posted.push(Posted { date, closing: false, lines: generated.lines.clone() });
        if let Some(after) = generated.reversed_after {
            let date = (date + Duration::days(i64::from(after))).min(year_end());
            let mirror: Vec<Line> =
                generated.lines.iter().map(|&(a, c, debit, credit)| (a, c, credit, debit)).collect();
            let reversal = next(date, &mirror);
            seed_entry(&api.pool, &tenant, &reversal).await;
            mark_reversed(&api.pool, &tenant, &original, &reversal).await;
            model.posted.push(Posted { date, closing: false, lines: mirror });
        }
    }
    if books.closed {
        let lines = closing_lines(&model.nets(None, year_end(), true));
        if !lines.is_empty() {
            let closing = next(year_end(), &lines);
            seed_entry(&api.pool, &tenant, &closing).await;
            sqlx::query(&format!(
                "UPDATE {} SET closing = true WHERE entry_id = $1",
                tenant_table(&tenant, "journal_entries")
            ))
            .bind(closing.entry_id)
            .execute(&api.pool)
            .await
            .expect("entry marked closing");
            model.posted.push(Posted { date: year_end(), closing: true, lines });
        }
    }
    (tenant, model)
}

/// The year-end closing entry the fiscal calendar posts: per currency, each income and expense
/// account's net for the year zeroed, the difference to retained earnings.
fn closing_lines(year: &Nets) -> Vec<Line> {
    let mut lines = Vec::new();
    let mut to_retained: BTreeMap<&'static str, i64> = BTreeMap::new();
    for ((currency, account), net) in year {
        if !is_result_account(account) || *net == 0 {
            continue;
        }
        lines.push(if *net > 0 { (*account, *currency, 0, *net) } else { (*account, *currency, -net, 0) });
        *to_retained.entry(currency).or_default() += net;
    }
    for (currency, net) in to_retained {
        match net {
            0 => {}
            n if n > 0 => lines.push((RETAINED_EARNINGS, currency, n, 0)),
            n => lines.push((RETAINED_EARNINGS, currency, 0, -n)),
        }
    }
    lines
}

fn int(value: &Value, what: &str) -> Result<i64, TestCaseError> {
    value.as_i64().ok_or_else(|| TestCaseError::fail(format!("{what} is not an integer: {value}")))
}

/// The report's sections by currency.
fn sections(answer: &Answer) -> Result<BTreeMap<String, Value>, TestCaseError> {
    prop_assert_eq!(answer.status, 200, "{:?}", answer);
    let currencies = answer.body["currencies"].as_array().ok_or_else(|| TestCaseError::fail("no currencies"))?;
    Ok(currencies
        .iter()
        .map(|section| (section["currency"].as_str().unwrap_or_default().to_owned(), section.clone()))
        .collect())
}

fn currency_set<K: ToString, V>(map: &BTreeMap<K, V>) -> BTreeSet<String> {
    map.keys().map(ToString::to_string).collect()
}

/// Current earnings per currency of a balance sheet, after checking it balances in each.
fn check_balance_sheet(answer: &Answer) -> Result<BTreeMap<String, i64>, TestCaseError> {
    let mut earnings = BTreeMap::new();
    for (currency, sheet) in sections(answer)? {
        let assets = int(&sheet["total_assets_minor"], "total_assets_minor")?;
        let liabilities = int(&sheet["total_liabilities_minor"], "total_liabilities_minor")?;
        let equity = int(&sheet["total_equity_minor"], "total_equity_minor")?;
        let both = int(&sheet["total_liabilities_and_equity_minor"], "total_liabilities_and_equity_minor")?;
        let current = int(&sheet["current_earnings_minor"], "current_earnings_minor")?;
        let listed_equity: i64 = sheet["equity"]
            .as_array()
            .map_or(0, |lines| lines.iter().map(|line| line["amount_minor"].as_i64().unwrap_or_default()).sum());
        prop_assert_eq!(assets, liabilities + equity, "{} does not balance: {}", currency, sheet);
        prop_assert_eq!(both, liabilities + equity, "{}: {}", currency, sheet);
        prop_assert_eq!(equity, listed_equity + current, "{}: equity includes current earnings: {}", currency, sheet);
        prop_assert_eq!(&sheet["balanced"], &Value::Bool(true), "{}: {}", currency, sheet);
        prop_assert_eq!(&sheet["unclassified"], &Value::Array(Vec::new()), "{}: {}", currency, sheet);
        earnings.insert(currency, current);
    }
    Ok(earnings)
}

/// Net income per currency of an income statement.
fn net_incomes(answer: &Answer) -> Result<BTreeMap<String, i64>, TestCaseError> {
    sections(answer)?
        .into_iter()
        .map(|(currency, s)| Ok((currency, int(&s["net_income_minor"], "net_income_minor")?)))
        .collect()
}

fn owned<V: Copy>(map: &BTreeMap<&'static str, V>) -> BTreeMap<String, V> {
    map.iter().map(|(k, v)| ((*k).to_owned(), *v)).collect()
}

/// `map[currency]`, 0 when the currency has no section.
fn or_zero(map: &BTreeMap<String, i64>, currency: &str) -> i64 {
    map.get(currency).copied().unwrap_or_default()
}

async fn check_as_of(api: &TestApi, tenant: &TenantId, model: &Model, as_of: NaiveDate) -> Result<(), TestCaseError> {
    let trial = api.get(tenant, &format!("/v1/reports/trial-balance?as_of={as_of}"), &[]).await;
    let sheet = api.get(tenant, &format!("/v1/reports/balance-sheet?as_of={as_of}"), &[]).await;
    let income = api.get(tenant, &format!("/v1/reports/income-statement?from={}&to={as_of}", year_start()), &[]).await;

    // Trial balance: equal columns and `balanced` everywhere, and exactly the model's lines.
    let expected = model.trial_balance(as_of);
    let trial_sections = sections(&trial)?;
    prop_assert_eq!(currency_set(&trial_sections), currency_set(&expected), "as of {}: {:?}", as_of, trial);
    for (currency, section) in &trial_sections {
        let debit = int(&section["total_debit_minor"], "total_debit_minor")?;
        let credit = int(&section["total_credit_minor"], "total_credit_minor")?;
        prop_assert_eq!(debit, credit, "as of {}, {}: {}", as_of, currency, section);
        prop_assert_eq!(&section["balanced"], &Value::Bool(true), "as of {}, {}: {}", as_of, currency, section);
        let lines = section["lines"].as_array().ok_or_else(|| TestCaseError::fail("no lines"))?;
        let mut actual = Vec::new();
        for line in lines {
            let code = line["code"].as_str().unwrap_or_default().to_owned();
            prop_assert_eq!(&line["account_type"], account_type(&code), "{}", line);
            actual.push((
                code,
                int(&line["debit_balance_minor"], "debit")?,
                int(&line["credit_balance_minor"], "credit")?,
            ));
        }
        let model_lines = &expected[currency.as_str()];
        prop_assert_eq!(&actual, model_lines, "as of {}, {}", as_of, currency);
        prop_assert_eq!(debit, model_lines.iter().map(|(_, d, _)| d).sum::<i64>(), "as of {}, {}", as_of, currency);
    }

    // Balance sheet: balanced in every currency, current earnings as the model sums them.
    let earnings = check_balance_sheet(&sheet)?;
    prop_assert_eq!(currency_set(&earnings), currency_set(&expected), "as of {}: {:?}", as_of, sheet);
    let model_earnings = model.current_earnings(as_of);
    for (currency, current) in &earnings {
        prop_assert_eq!(*current, or_zero(&owned(&model_earnings), currency), "as of {}, {}", as_of, currency);
    }

    // Income statement of the year so far: the model's net income; the sheet's current
    // earnings unless the close is in range; once closed, retained earnings instead.
    let net = net_incomes(&income)?;
    prop_assert_eq!(&net, &owned(&model.net_income(year_start(), as_of)), "year to {}: {:?}", as_of, income);
    prop_assert!(currency_set(&net).is_subset(&currency_set(&earnings)), "{:?} vs {:?}", income, sheet);
    let closed = model.closing_date().is_some_and(|closing| closing <= as_of);
    for currency in currency_set(&earnings) {
        if closed {
            prop_assert_eq!(or_zero(&earnings, &currency), 0, "closed; as of {}, {}: {:?}", as_of, currency, sheet);
            let retained = sections(&sheet)?[&currency]["equity"]
                .as_array()
                .and_then(|lines| lines.iter().find(|line| line["code"] == RETAINED_EARNINGS))
                .map_or(Ok(0), |line| int(&line["amount_minor"], "retained earnings"))?;
            prop_assert_eq!(retained, or_zero(&net, &currency), "closed; as of {}, {}", as_of, currency);
        } else {
            prop_assert_eq!(
                or_zero(&net, &currency),
                or_zero(&earnings, &currency),
                "year to {}, {}: income statement vs balance sheet",
                as_of,
                currency
            );
        }
    }
    Ok(())
}

async fn check_range(
    api: &TestApi,
    tenant: &TenantId,
    model: &Model,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<(), TestCaseError> {
    let income = api.get(tenant, &format!("/v1/reports/income-statement?from={from}&to={to}"), &[]).await;
    let before = from - Duration::days(1);
    let opening = api.get(tenant, &format!("/v1/reports/balance-sheet?as_of={before}"), &[]).await;
    let closing = api.get(tenant, &format!("/v1/reports/balance-sheet?as_of={to}"), &[]).await;

    let net = net_incomes(&income)?;
    prop_assert_eq!(&net, &owned(&model.net_income(from, to)), "{}..{}: {:?}", from, to, income);
    let (opening, closing) = (check_balance_sheet(&opening)?, check_balance_sheet(&closing)?);
    if model.closing_date().is_none_or(|closing_date| closing_date > to) {
        for currency in currency_set(&closing) {
            prop_assert_eq!(
                or_zero(&net, &currency),
                or_zero(&closing, &currency) - or_zero(&opening, &currency),
                "{}..{}, {}: net income vs change in current earnings",
                from,
                to,
                currency
            );
        }
    }
    Ok(())
}

async fn check(api: &TestApi, books: &Books) -> Result<(), TestCaseError> {
    let (tenant, model) = seed(api, books).await;
    for day in &books.as_of_days {
        check_as_of(api, &tenant, &model, day_of_2026(*day)).await?;
    }
    for (from, to) in &books.ranges {
        check_range(api, &tenant, &model, day_of_2026(*from), day_of_2026(*to)).await?;
    }
    Ok(())
}

#[test]
fn the_statements_balance_and_agree_with_each_other_for_random_books() {
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("runtime");
    let api = runtime.block_on(TestApi::start(1_000));
    let config = Config { cases: CASES, failure_persistence: None, max_shrink_iters: 32, ..Config::default() };
    let mut runner = TestRunner::new(config);

    let outcome = runner.run(&arb_books(), |books| runtime.block_on(check(&api, &books)));

    if let Err(failure) = outcome {
        panic!("{failure}");
    }
}

#[test]
fn splitting_keeps_the_total_and_every_part_positive() {
    assert_eq!(split(10, &[1, 1]), [5, 5]);
    assert_eq!(split(3, &[1_000, 1, 1]), [1, 1, 1]);
    assert_eq!(split(AMOUNT_MAX, &[1, 3]).iter().sum::<i64>(), AMOUNT_MAX);
    let lines = closing_lines(&Nets::from([
        (("EUR", "4000"), -500),
        (("EUR", "6100"), 200),
        (("EUR", "1000"), 300),
        (("USD", "5000"), 70),
    ]));
    assert_eq!(
        lines,
        [
            ("4000", "EUR", 500, 0),
            ("6100", "EUR", 0, 200),
            ("5000", "USD", 0, 70),
            (RETAINED_EARNINGS, "EUR", 0, 300),
            (RETAINED_EARNINGS, "USD", 70, 0)
        ]
    );
}
