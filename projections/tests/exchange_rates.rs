//! Exchange rates in the Postgres read model: the functional currency's one row, rates set and
//! replaced in order with their exact `rate_e9`, and redelivered events change nothing. Runs
//! against the real Postgres.

#![allow(clippy::unwrap_used)] // test code: a panic is a failed test

mod common;

use chrono::NaiveDate;
use common::{envelope, pool, projected, tenant};
use cqrs_es::DomainEvent as _;
use prism_aggregates::finance::exchange_rates::{ExchangeRateSet, ExchangeRatesEvent, FunctionalCurrencySet};
use prism_projections::decode::{DomainEvent, ProjectedEvent};
use prism_projections::projection::Projection;
use prism_projections::projectors::postgres::LedgerProjection;
use sqlx::PgPool;

fn event(tenant: &str, sequence: i64, event: ExchangeRatesEvent) -> ProjectedEvent {
    let envelope = envelope(tenant, "finance.exchange_rates", "exchange-rates", event.event_type(), sequence);
    projected(envelope, DomainEvent::ExchangeRates(event), format!("exchange-rates-{tenant}"), sequence)
}

fn functional(tenant: &str, sequence: i64) -> ProjectedEvent {
    let set = FunctionalCurrencySet { currency: "EUR".to_owned() };
    event(tenant, sequence, ExchangeRatesEvent::FunctionalCurrencySet(set))
}

/// The rates' event number `sequence` (also its global position and offset): `currency` from
/// 2026-01-`day` on at `rate` EUR.
fn rate_set(tenant: &str, sequence: i64, currency: &str, day: u32, rate: &str) -> ProjectedEvent {
    let set = ExchangeRateSet {
        currency: currency.to_owned(),
        functional_currency: "EUR".to_owned(),
        date: NaiveDate::from_ymd_opt(2026, 1, day).unwrap(),
        rate: rate.to_owned(),
        rate_e9: prism_aggregates::finance::exchange_rates::parse_rate(rate).unwrap(),
    };
    event(tenant, sequence, ExchangeRatesEvent::ExchangeRateSet(set))
}

/// `(currency, date, rate, rate_e9, last position)` of every rate, by currency and date.
async fn rows(pool: &PgPool, tenant: &str) -> Vec<(String, String, String, i64, i64)> {
    sqlx::query_as(&format!(
        "SELECT currency::text, date::text, rate, rate_e9, last_position FROM tenant_{tenant}.exchange_rates
          ORDER BY currency, date"
    ))
    .fetch_all(pool)
    .await
    .unwrap()
}

async fn functional_row(pool: &PgPool, tenant: &str) -> Vec<(String, i64)> {
    sqlx::query_as(&format!("SELECT currency::text, last_position FROM tenant_{tenant}.functional_currency"))
        .fetch_all(pool)
        .await
        .unwrap()
}

fn row(currency: &str, day: &str, rate: &str, rate_e9: i64, position: i64) -> (String, String, String, i64, i64) {
    (currency.to_owned(), format!("2026-01-{day}"), rate.to_owned(), rate_e9, position)
}

#[tokio::test(flavor = "multi_thread")]
async fn rates_are_set_and_replaced_in_order() {
    let (pool, tenant) = (pool().await, tenant("x"));
    let projection = LedgerProjection::new(pool.clone());

    projection.apply(&functional(&tenant, 1)).await.unwrap();
    projection.apply(&rate_set(&tenant, 2, "USD", 1, "0.9")).await.unwrap();
    projection.apply(&rate_set(&tenant, 3, "JPY", 1, "0.0061")).await.unwrap();
    projection.apply(&rate_set(&tenant, 4, "USD", 1, "0.92")).await.unwrap();

    assert_eq!(functional_row(&pool, &tenant).await, [("EUR".to_owned(), 1)]);
    assert_eq!(
        rows(&pool, &tenant).await,
        [row("JPY", "01", "0.0061", 6_100_000, 3), row("USD", "01", "0.92", 920_000_000, 4)]
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn redelivered_events_change_nothing() {
    let (pool, tenant) = (pool().await, tenant("x"));
    let projection = LedgerProjection::new(pool.clone());
    let history = [
        functional(&tenant, 1),
        rate_set(&tenant, 2, "USD", 1, "0.9"),
        rate_set(&tenant, 3, "USD", 1, "0.95"),
        rate_set(&tenant, 4, "USD", 2, "0.96"),
    ];
    projection.apply_batch(&history).await.unwrap();
    let once = rows(&pool, &tenant).await;

    for event in &history {
        projection.apply(event).await.unwrap();
    }

    assert_eq!(rows(&pool, &tenant).await, once);
    assert_eq!(once, [row("USD", "01", "0.95", 950_000_000, 3), row("USD", "02", "0.96", 960_000_000, 4)]);
    assert_eq!(functional_row(&pool, &tenant).await, [("EUR".to_owned(), 1)]);
}
