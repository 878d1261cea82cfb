//! Functional-currency amounts in the ledger read models: the `postgres` projector stores each
//! line's functional amount with the line and adds it to the account's balance, and a
//! revaluation of foreign-currency balances posts its entry — once, however often it is
//! delivered — whose lines move only functional amounts; the `timescale` projector keeps those
//! lines as zero postings that are not a closing. Runs against the real Postgres.

#![allow(clippy::unwrap_used)] // test code: a panic is a failed test

mod common;

use chrono::NaiveDate;
use common::{envelope, pool, projected, tenant};
use cqrs_es::{Aggregate, DomainEvent as _};
use prism_aggregates::finance::calendar::{
    revaluation_entry_id_for, BalanceRevaluation, CalendarEvent, FiscalCalendar, ForeignCurrencyRevalued,
};
use prism_aggregates::finance::journal_entry::{
    FunctionalAmount, JournalEntry, JournalEntryEvent, JournalEntryPosted, PostedLine,
};
use prism_projections::decode::{DomainEvent, ProjectedEvent};
use prism_projections::projection::Projection;
use prism_projections::projectors::postgres::LedgerProjection;
use prism_projections::projectors::timescale::PostingsProjection;
use sqlx::PgPool;
use uuid::Uuid;

/// Line `line_no` of `debit`/`credit` in `currency`, with a functional amount in EUR when given.
fn line(
    line_no: i32,
    account: &str,
    currency: &str,
    (debit, credit): (i64, i64),
    eur: Option<(i64, i64)>,
) -> PostedLine {
    PostedLine {
        line_no,
        account: account.to_owned(),
        debit_minor: debit,
        credit_minor: credit,
        currency: currency.to_owned(),
        memo: None,
        functional: eur.map(|(debit_minor, credit_minor)| FunctionalAmount {
            currency: "EUR".to_owned(),
            debit_minor,
            credit_minor,
        }),
    }
}

/// A journal entry posted on `date` with `lines`, at `position`.
fn posted(tenant: &str, date: NaiveDate, position: i64, lines: Vec<PostedLine>) -> ProjectedEvent {
    let entry_id = Uuid::new_v4().to_string();
    let event = JournalEntryEvent::JournalEntryPosted(JournalEntryPosted {
        entry_id: entry_id.clone(),
        tenant: tenant.to_owned(),
        entry_date: date,
        description: "sale".to_owned(),
        source_reference: None,
        lines,
    });
    let envelope = envelope(tenant, JournalEntry::TYPE, &entry_id, event.event_type(), position);
    projected(envelope, DomainEvent::JournalEntry(event), format!("journal-{tenant}"), position)
}

/// The revaluation on 2026-03-31 of a USD 500.00 receivable carried at 460.00 EUR, now 475.00
/// EUR (`lines`: the 15.00 EUR gain), at `position`.
fn revalued(tenant: &str, position: i64, lines: Vec<PostedLine>) -> ProjectedEvent {
    let date = day(31);
    let event = CalendarEvent::ForeignCurrencyRevalued(ForeignCurrencyRevalued {
        revaluation_date: date,
        entry_id: revaluation_entry_id_for(date).to_string(),
        functional_currency: "EUR".to_owned(),
        revaluations: vec![BalanceRevaluation {
            account: "1100".to_owned(),
            currency: "USD".to_owned(),
            balance_minor: 50_000,
            rate: "0.95".to_owned(),
            carried_minor: 46_000,
            revalued_minor: 47_500,
        }],
        lines,
    });
    let envelope = envelope(tenant, FiscalCalendar::TYPE, "calendar", event.event_type(), position);
    projected(envelope, DomainEvent::Calendar(event), format!("calendar-{tenant}"), position)
}

fn gain_lines() -> Vec<PostedLine> {
    vec![line(1, "1100", "USD", (0, 0), Some((1_500, 0))), line(2, "4920", "EUR", (0, 0), Some((0, 1_500)))]
}

fn day(day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 3, day).unwrap()
}

/// A USD sale worth 460.00 EUR, and an entry without functional amounts.
fn sales(tenant: &str) -> [ProjectedEvent; 2] {
    [
        posted(
            tenant,
            day(2),
            1,
            vec![
                line(1, "1100", "USD", (50_000, 0), Some((46_000, 0))),
                line(2, "4000", "USD", (0, 50_000), Some((0, 46_000))),
            ],
        ),
        posted(tenant, day(3), 2, vec![line(1, "1000", "EUR", (700, 0), None), line(2, "3000", "EUR", (0, 700), None)]),
    ]
}

/// Account, currency, debit, credit, functional currency, functional debit and credit.
type Row<T> = (String, String, i64, i64, Option<String>, T, T);

/// Every journal line, by account and currency.
async fn lines(pool: &PgPool, tenant: &str) -> Vec<Row<Option<i64>>> {
    sqlx::query_as(&format!(
        "SELECT account, currency::text, debit_minor, credit_minor,
                functional_currency::text, functional_debit_minor, functional_credit_minor
           FROM tenant_{tenant}.journal_lines ORDER BY account, currency"
    ))
    .fetch_all(pool)
    .await
    .unwrap()
}

/// Every balance with its totals, by account and currency.
async fn balances(pool: &PgPool, tenant: &str) -> Vec<Row<i64>> {
    sqlx::query_as(&format!(
        "SELECT account, currency::text, debit_total_minor, credit_total_minor,
                functional_currency::text, functional_debit_total_minor, functional_credit_total_minor
           FROM tenant_{tenant}.account_balances ORDER BY account, currency"
    ))
    .fetch_all(pool)
    .await
    .unwrap()
}

/// A line's row: functional columns null without an amount in EUR.
fn line_row(account: &str, currency: &str, debit: i64, credit: i64, eur: Option<(i64, i64)>) -> Row<Option<i64>> {
    let functional = (eur.map(|(debit, _)| debit), eur.map(|(_, credit)| credit));
    (account.to_owned(), currency.to_owned(), debit, credit, eur.map(|_| "EUR".to_owned()), functional.0, functional.1)
}

/// A balance's row: no functional currency and zero functional totals without an amount in EUR.
fn balance_row(account: &str, currency: &str, debit: i64, credit: i64, eur: Option<(i64, i64)>) -> Row<i64> {
    let (functional_debit, functional_credit) = eur.unwrap_or_default();
    (
        account.to_owned(),
        currency.to_owned(),
        debit,
        credit,
        eur.map(|_| "EUR".to_owned()),
        functional_debit,
        functional_credit,
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn functional_amounts_land_with_their_lines_and_in_the_balances() {
    let (pool, tenant) = (pool().await, tenant("f"));
    LedgerProjection::new(pool.clone()).apply_batch(&sales(&tenant)).await.unwrap();

    assert_eq!(
        lines(&pool, &tenant).await,
        vec![
            line_row("1000", "EUR", 700, 0, None),
            line_row("1100", "USD", 50_000, 0, Some((46_000, 0))),
            line_row("3000", "EUR", 0, 700, None),
            line_row("4000", "USD", 0, 50_000, Some((0, 46_000))),
        ]
    );
    assert_eq!(
        balances(&pool, &tenant).await,
        vec![
            balance_row("1000", "EUR", 700, 0, None),
            balance_row("1100", "USD", 50_000, 0, Some((46_000, 0))),
            balance_row("3000", "EUR", 0, 700, None),
            balance_row("4000", "USD", 0, 50_000, Some((0, 46_000))),
        ]
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_revaluation_posts_its_entry_once_moving_only_functional_amounts() {
    let (pool, tenant) = (pool().await, tenant("f"));
    let projection = LedgerProjection::new(pool.clone());
    projection.apply_batch(&sales(&tenant)).await.unwrap();
    let revaluation = revalued(&tenant, 3, gain_lines());
    projection.apply(&revaluation).await.unwrap();
    projection.apply(&revaluation).await.unwrap();

    let entry: (String, NaiveDate, bool, i64) = sqlx::query_as(&format!(
        "SELECT description, entry_date, closing, last_position FROM tenant_{tenant}.journal_entries WHERE entry_id = $1"
    ))
    .bind(revaluation_entry_id_for(day(31)))
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(entry, ("Revaluation of foreign-currency balances on 2026-03-31".to_owned(), day(31), false, 3));
    let balances = balances(&pool, &tenant).await;
    assert_eq!(balances[1], balance_row("1100", "USD", 50_000, 0, Some((47_500, 0))), "carried 460.00 + 15.00 gain");
    assert_eq!(balances[4], balance_row("4920", "EUR", 0, 0, Some((0, 1_500))));
    assert_eq!(lines(&pool, &tenant).await.len(), 6, "the sales' four lines and the revaluation's two, once");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_revaluation_that_changed_nothing_posts_nothing() {
    let (pool, tenant) = (pool().await, tenant("f"));
    LedgerProjection::new(pool.clone()).apply(&revalued(&tenant, 1, Vec::new())).await.unwrap();

    let entries: i64 = sqlx::query_scalar(&format!("SELECT count(*) FROM tenant_{tenant}.journal_entries"))
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(entries, 0);
}

#[tokio::test(flavor = "multi_thread")]
async fn the_postings_series_keeps_a_revaluation_as_zero_postings_that_close_nothing() {
    let (pool, tenant) = (pool().await, tenant("f"));
    PostingsProjection::new(pool.clone()).apply(&revalued(&tenant, 1, gain_lines())).await.unwrap();

    let rows: Vec<(String, i64, i64, bool)> = sqlx::query_as(&format!(
        "SELECT account, debit_minor, credit_minor, closing FROM tenant_{tenant}.postings ORDER BY line_no"
    ))
    .fetch_all(&pool)
    .await
    .unwrap();
    assert_eq!(rows, vec![("1100".to_owned(), 0, 0, false), ("4920".to_owned(), 0, 0, false)]);
}
