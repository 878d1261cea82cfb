//! The account endpoints: balances from Postgres, bucketed postings from the time-series table.

mod common;

use common::{assert_problem, new_tenant, seed_entry, SeedEntry, TestApi};
use serde_json::json;

#[tokio::test]
async fn the_balance_lists_each_currency_with_debits_minus_credits() {
    let api = TestApi::start(1_000).await;
    let tenant = new_tenant(&api.pool).await;
    seed_entry(
        &api.pool,
        &tenant,
        &SeedEntry::new("2026-03-01", 1, &[("1000", "EUR", 10_000, 0), ("4000", "EUR", 0, 10_000)]),
    )
    .await;
    seed_entry(
        &api.pool,
        &tenant,
        &SeedEntry::new("2026-03-02", 2, &[("4000", "EUR", 2_500, 0), ("1000", "EUR", 0, 2_500)]),
    )
    .await;
    seed_entry(
        &api.pool,
        &tenant,
        &SeedEntry::new("2026-03-02", 3, &[("1000", "USD", 0, 700), ("3000", "USD", 700, 0)]),
    )
    .await;

    let answer = api.get(&tenant, "/v1/accounts/1000/balance", &[]).await;

    assert_eq!(answer.status, 200, "{answer:?}");
    assert_eq!(
        answer.body,
        json!({"account": "1000", "balances": [
            {"currency": "EUR", "debit_total_minor": 10_000, "credit_total_minor": 2_500, "balance_minor": 7_500},
            {"currency": "USD", "debit_total_minor": 0, "credit_total_minor": 700, "balance_minor": -700},
        ]})
    );
}

#[tokio::test]
async fn an_account_without_postings_has_an_empty_balance_list() {
    let api = TestApi::start(1_000).await;
    let tenant = new_tenant(&api.pool).await;

    let answer = api.get(&tenant, "/v1/accounts/9999/balance", &[]).await;

    assert_eq!(answer.status, 200, "{answer:?}");
    assert_eq!(answer.body, json!({"account": "9999", "balances": []}));
}

#[tokio::test]
async fn postings_are_summed_per_day_with_two_entries_on_one_day_and_one_on_the_next() {
    let api = TestApi::start(1_000).await;
    let tenant = new_tenant(&api.pool).await;
    let mut late = SeedEntry::new("2026-03-01", 2, &[("1000", "EUR", 0, 300), ("4000", "EUR", 300, 0)]);
    late.hour = 23;
    seed_entry(
        &api.pool,
        &tenant,
        &SeedEntry::new("2026-03-01", 1, &[("1000", "EUR", 1_000, 0), ("4000", "EUR", 0, 1_000)]),
    )
    .await;
    seed_entry(&api.pool, &tenant, &late).await;
    seed_entry(&api.pool, &tenant, &SeedEntry::new("2026-03-02", 3, &[("1000", "EUR", 50, 0), ("4000", "EUR", 0, 50)]))
        .await;
    seed_entry(&api.pool, &tenant, &SeedEntry::new("2026-03-04", 4, &[("1000", "EUR", 9, 0), ("4000", "EUR", 0, 9)]))
        .await;

    let answer = api.get(&tenant, "/v1/accounts/1000/postings?from=2026-03-01&to=2026-03-02&bucket=day", &[]).await;

    assert_eq!(answer.status, 200, "{answer:?}");
    assert_eq!(
        answer.body,
        json!({"account": "1000", "bucket": "day", "buckets": [
            {"bucket_start": "2026-03-01T00:00:00Z", "currency": "EUR", "debit_minor": 1_000, "credit_minor": 300, "net_minor": 700, "postings": 2},
            {"bucket_start": "2026-03-02T00:00:00Z", "currency": "EUR", "debit_minor": 50, "credit_minor": 0, "net_minor": 50, "postings": 1},
        ]})
    );
}

#[tokio::test]
async fn postings_by_week_and_month_start_on_monday_and_the_first_of_the_month() {
    let api = TestApi::start(1_000).await;
    let tenant = new_tenant(&api.pool).await;
    // 2026-03-04 is a Wednesday, 2026-03-10 the Tuesday after.
    seed_entry(&api.pool, &tenant, &SeedEntry::new("2026-03-04", 1, &[("1000", "EUR", 10, 0), ("4000", "EUR", 0, 10)]))
        .await;
    seed_entry(&api.pool, &tenant, &SeedEntry::new("2026-03-10", 2, &[("1000", "EUR", 20, 0), ("4000", "EUR", 0, 20)]))
        .await;

    let weeks = api.get(&tenant, "/v1/accounts/1000/postings?from=2026-03-01&to=2026-03-31&bucket=week", &[]).await;
    let months = api
        .get(&tenant, "/v1/accounts/1000/postings?from=2026-03-01T00:00:00Z&to=2026-03-31T23:59:59Z&bucket=month", &[])
        .await;

    let starts = |answer: &common::Answer| -> Vec<String> {
        answer.body["buckets"]
            .as_array()
            .unwrap()
            .iter()
            .map(|b| b["bucket_start"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(starts(&weeks), ["2026-03-02T00:00:00Z", "2026-03-09T00:00:00Z"], "{weeks:?}");
    assert_eq!(starts(&months), ["2026-03-01T00:00:00Z"], "{months:?}");
    assert_eq!(months.body["buckets"][0]["debit_minor"], 30);
}

#[tokio::test]
async fn postings_without_a_range_with_a_reversed_range_or_too_many_buckets_are_rejected_naming_the_field() {
    let api = TestApi::start(1_000).await;
    let tenant = new_tenant(&api.pool).await;

    let no_from = api.get(&tenant, "/v1/accounts/1000/postings?to=2026-03-01", &[]).await;
    let bad_bucket =
        api.get(&tenant, "/v1/accounts/1000/postings?from=2026-03-01&to=2026-03-02&bucket=year", &[]).await;
    let reversed = api.get(&tenant, "/v1/accounts/1000/postings?from=2026-03-02&to=2026-03-01", &[]).await;
    let too_many = api.get(&tenant, "/v1/accounts/1000/postings?from=2020-01-01&to=2026-01-01&bucket=hour", &[]).await;

    assert_problem(&no_from, 422, "invalid-field");
    assert_eq!(no_from.body["field"], "from");
    assert_eq!(bad_bucket.body["field"], "bucket");
    assert_problem(&too_many, 422, "invalid-field");
    assert_eq!(too_many.body["field"], "bucket");
    assert_problem(&reversed, 422, "invalid-field");
    assert_eq!(reversed.body["field"], "to");
}

#[tokio::test]
async fn an_account_code_that_cannot_exist_is_not_found() {
    let api = TestApi::start(1_000).await;
    let tenant = new_tenant(&api.pool).await;

    let answer = api.get(&tenant, "/v1/accounts/no%20such%20code!/balance", &[]).await;

    assert_problem(&answer, 404, "not-found");
}
