//! The exchange-rate list over read-model rows seeded directly: the functional currency and
//! the rates by currency then date, as JSON and CSV, the currency and date filters, an empty
//! tenant, the refusal of bad parameters and the wait for the position of a write.

mod common;

use common::{assert_problem, mark_applied, new_tenant, TestApi};
use prism_aggregates::tenant::TenantId;
use prism_query_api::stores::tenant_table;
use serde_json::json;
use sqlx::PgPool;

const CSV: (&str, &str) = ("Accept", "text/csv");
const RATES: &str = "/v1/exchange-rates";

/// Writes what the `postgres` projector keeps: EUR functional; USD 0.9 from 2026-01-01 and
/// 0.92 from 2026-03-01; JPY 0.0061 and GBP 1.17 from 2026-02-01.
async fn seed(pool: &PgPool, tenant: &TenantId) {
    sqlx::query(&format!(
        "INSERT INTO {} (currency, last_position) VALUES ('EUR', 1)",
        tenant_table(tenant, "functional_currency")
    ))
    .execute(pool)
    .await
    .expect("functional currency inserted");
    let rates = [
        ("USD", "2026-03-01", "0.92", 920_000_000_i64),
        ("USD", "2026-01-01", "0.9", 900_000_000),
        ("JPY", "2026-02-01", "0.0061", 6_100_000),
        ("GBP", "2026-02-01", "1.17", 1_170_000_000),
    ];
    for (currency, date, rate, rate_e9) in rates {
        sqlx::query(&format!(
            "INSERT INTO {} (currency, date, rate, rate_e9, functional_currency, last_position)
             VALUES ($1, $2::date, $3, $4, 'EUR', 2)",
            tenant_table(tenant, "exchange_rates")
        ))
        .bind(currency)
        .bind(date)
        .bind(rate)
        .bind(rate_e9)
        .execute(pool)
        .await
        .expect("exchange rate inserted");
    }
}

async fn seeded() -> (TestApi, TenantId) {
    let api = TestApi::start(1_000).await;
    let tenant = new_tenant(&api.pool).await;
    seed(&api.pool, &tenant).await;
    (api, tenant)
}

#[tokio::test]
async fn the_list_holds_the_functional_currency_and_every_rate_by_currency_then_date() {
    let (api, tenant) = seeded().await;

    let answer = api.get(&tenant, RATES, &[]).await;

    assert_eq!(answer.status, 200, "{answer:?}");
    assert_eq!(answer.content_type, "application/json");
    assert_eq!(
        answer.body,
        json!({"functional_currency": "EUR", "items": [
            {"currency": "GBP", "date": "2026-02-01", "rate": "1.17"},
            {"currency": "JPY", "date": "2026-02-01", "rate": "0.0061"},
            {"currency": "USD", "date": "2026-01-01", "rate": "0.9"},
            {"currency": "USD", "date": "2026-03-01", "rate": "0.92"},
        ]})
    );
}

#[tokio::test]
async fn the_list_as_csv_has_one_record_per_rate() {
    let (api, tenant) = seeded().await;

    let answer = api.get(&tenant, &format!("{RATES}?currency=USD"), &[CSV]).await;

    assert_eq!(answer.status, 200, "{answer:?}");
    assert_eq!(answer.content_type, "text/csv; charset=utf-8");
    assert_eq!(
        answer.body.as_str().unwrap(),
        "currency,date,rate,functional_currency\r\nUSD,2026-01-01,0.9,EUR\r\nUSD,2026-03-01,0.92,EUR\r\n"
    );
}

#[tokio::test]
async fn currency_and_dates_filter_the_rates_inclusively() {
    let (api, tenant) = seeded().await;
    let items = |query: &'static str| {
        let api = &api;
        let tenant = &tenant;
        async move { api.get(tenant, &format!("{RATES}?{query}"), &[]).await.body["items"].clone() }
    };

    assert_eq!(
        items("currency=USD&from=2026-01-01&to=2026-02-28").await,
        json!([{"currency": "USD", "date": "2026-01-01", "rate": "0.9"}])
    );
    assert_eq!(
        items("from=2026-02-01&to=2026-03-01").await.as_array().map(Vec::len),
        Some(3),
        "both ends are inclusive"
    );
    assert_eq!(items("to=2026-01-01").await, json!([{"currency": "USD", "date": "2026-01-01", "rate": "0.9"}]));
    assert_eq!(items("currency=CHF").await, json!([]));
}

#[tokio::test]
async fn a_tenant_without_rates_lists_none_and_no_functional_currency() {
    let api = TestApi::start(1_000).await;
    let tenant = new_tenant(&api.pool).await;

    let answer = api.get(&tenant, RATES, &[]).await;

    assert_eq!(answer.status, 200, "{answer:?}");
    assert_eq!(answer.body, json!({"functional_currency": null, "items": []}));
}

#[tokio::test]
async fn bad_parameters_are_refused_naming_them() {
    let (api, tenant) = seeded().await;

    for (query, field) in [
        ("currency=usd", "currency"),
        ("currency=XAU", "currency"),
        ("from=2026-13-01", "from"),
        ("to=yesterday", "to"),
        ("from=2026-03-01&to=2026-02-01", "to"),
    ] {
        let answer = api.get(&tenant, &format!("{RATES}?{query}"), &[]).await;
        assert_problem(&answer, 422, "invalid-field");
        assert_eq!(answer.body["field"], field, "{query}: {answer:?}");
    }
    assert_problem(&api.get(&tenant, &format!("{RATES}?limit=5"), &[]).await, 400, "malformed-request");
}

#[tokio::test]
async fn the_list_waits_for_the_position_of_the_write() {
    let (api, tenant) = seeded().await;

    let early = api.get(&tenant, RATES, &[("X-Prism-Min-Position", "40")]).await;
    mark_applied(&api.pool, &tenant, "postgres", 40).await;
    let late = api.get(&tenant, RATES, &[("X-Prism-Min-Position", "40")]).await;

    assert_problem(&early, 504, "consistency-timeout");
    assert_eq!(late.status, 200, "{late:?}");
}
