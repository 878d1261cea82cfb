//! Revenue and expense over time end to end: the default chart and a few entries go through
//! Kafka to the `timescale` projector, which follows the chart topic as well as the journal,
//! and the query API buckets the result. The chart's and the journal's topics are not ordered
//! with each other, so the accounts may be classified a little after the postings land.

#![allow(clippy::unwrap_used)] // test code: a panic is a failed test

use std::time::Duration;

use prism_projections::config::ProjectorKind;
use prism_projections::projectors::timescale::PostingsWriter;
use prism_tests::ledger::entry;
use prism_tests::system::{eventually, System, SystemOptions};
use serde_json::{json, Value};

fn dated(date: &str, debit: &str, credit: &str, amount: i64) -> Value {
    let mut body = entry(debit, credit, amount);
    body["date"] = json!(date);
    body
}

#[tokio::test(flavor = "multi_thread")]
async fn posted_sales_and_rent_show_as_weekly_revenue_and_expense() {
    let system =
        System::start_with(SystemOptions { projectors: vec![ProjectorKind::Timescale], kafka_brokers: None }).await;
    let tenant = system.ledger_tenant().await;
    let mut position = None;
    // 2026-11-16 and 2026-11-23 are Mondays; 4000 is income, 6100 expense, in the default chart.
    for body in [
        dated("2026-11-17", "1100", "4000", 12_000),
        dated("2026-11-24", "6100", "1000", 3_000),
        dated("2026-11-25", "1100", "4000", 5_000),
        dated("2026-11-25", "4000", "1100", 1_000),
    ] {
        let posted = system.post(&tenant, "/v1/journal-entries", &body).await;
        assert_eq!(posted.status, 201, "{}", posted.body);
        position = posted.body["position"].as_i64();
    }
    let path = "/v1/reports/revenue-expense?from=2026-11-01&to=2026-11-30&bucket=week";
    system.await_caught_up::<PostingsWriter>(&tenant).await;

    let report = eventually(Duration::from_secs(30), "every account classified", || async {
        let answer = system.get(&tenant, path, position).await;
        assert_eq!(answer.status, 200, "{}", answer.body);
        let classified = answer.body["currencies"][0]["unclassified_accounts"] == json!([]);
        classified.then_some(answer.body)
    })
    .await;

    assert_eq!(
        report["currencies"],
        json!([{"currency": "EUR", "buckets": [
            {"bucket_start": "2026-11-16", "revenue_minor": 12_000, "expense_minor": 0, "net_minor": 12_000,
             "accounts": [{"code": "4000", "account_type": "income", "amount_minor": 12_000}]},
            {"bucket_start": "2026-11-23", "revenue_minor": 4_000, "expense_minor": 3_000, "net_minor": 1_000,
             "accounts": [{"code": "4000", "account_type": "income", "amount_minor": 4_000},
                          {"code": "6100", "account_type": "expense", "amount_minor": 3_000}]},
        ], "total_revenue_minor": 16_000, "total_expense_minor": 3_000, "net_minor": 13_000,
           "unclassified_accounts": []}])
    );
}
