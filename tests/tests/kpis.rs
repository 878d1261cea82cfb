//! Spectrum's KPIs on the real stack (the `timescale` projector into the time-series read model,
//! the query API reading its daily sums), against numbers computed by hand:
//!
//! - **Finance (March 2026):** 1,000.00 of capital into the bank on Monday the 2nd; a customer
//!   invoice of 300.00 on the 3rd; 200.00 of it paid on the 10th; 50.00 of expenses paid from the
//!   bank on the 11th. Weekly: revenue 300.00 then 0; cash 1,000.00 then 1,150.00; days sales
//!   outstanding 300.00 / 300.00 × 7 = 7 then none (no revenue). Monthly: 100.00 outstanding
//!   over 300.00 of revenue × 31 days = 10.33.
//! - **Orders (today):** 10 widgets received at 1.00; two orders placed, 1,000 and 500 cents;
//!   4 widgets issued (FIFO: 4.00); the orders invoiced for 15.00. Orders 2, average 7.50, gross
//!   margin 15.00 − 4.00 = 11.00, stock turnover 4.00 over the average of 0 and 6.00 = 1.33.
//!
//! And refusals: an unknown KPI is 404, a missing currency or an hourly bucket 422 naming it.

#![allow(clippy::unwrap_used)] // test code: a panic is a failed test

use std::time::Duration;

use prism_projections::config::ProjectorKind;
use prism_tests::stock_scenario::{order_widgets, receive_ten_widgets};
use prism_tests::system::{assert_refused, eventually, System, SystemOptions};
use serde_json::{json, Value};

fn options() -> SystemOptions {
    SystemOptions { projectors: vec![ProjectorKind::Timescale], kafka_brokers: None }
}

/// Posts `body` to `path` and asserts the status.
async fn post(system: &System, tenant: &str, path: &str, body: &Value, status: u16) -> Value {
    let answer = system.post(tenant, path, body).await;
    assert_eq!(answer.status.as_u16(), status, "{path}: {}", answer.body);
    answer.body
}

/// Drafts and issues a customer invoice of one line of `amount` to income account 4100, dated
/// `date`, without tax.
async fn invoice(system: &System, tenant: &str, amount: i64, date: &str) -> String {
    let draft = json!({"kind": "customer_invoice", "counterparty_id": "C-1", "counterparty_name": "Contoso",
        "currency": "EUR", "lines": [{"description": "Goods", "quantity": "1", "unit_price": amount,
        "account": "4100"}]});
    let drafted = post(system, tenant, "/v1/invoices", &draft, 201).await;
    let id = drafted["invoice_id"].as_str().unwrap().to_owned();
    post(system, tenant, &format!("/v1/invoices/{id}/issue"), &json!({"issue_date": date}), 200).await;
    id
}

/// A journal entry of `amount` from `credit` to `debit` on `date`.
fn entry(date: &str, debit: &str, credit: &str, amount: i64) -> Value {
    json!({"date": date, "description": "kpi scenario", "lines": [
        {"account": debit, "debit": amount, "currency": "EUR"},
        {"account": credit, "credit": amount, "currency": "EUR"}]})
}

/// The KPI's `(value, components)` per bucket once they equal `expected` (the projector
/// applies the scenario's events on several partitions, in no order between them).
async fn kpi_eventually(system: &System, tenant: &str, query: &str, expected: &[Value]) -> Vec<Value> {
    let path = format!("/v1/kpis/{query}");
    eventually(Duration::from_secs(30), &format!("{path} to be {expected:?}"), || async {
        let answer = system.get(tenant, &path, None).await;
        assert_eq!(answer.status.as_u16(), 200, "{}", answer.body);
        let points = answer.body["points"].as_array().unwrap().clone();
        let values: Vec<Value> = points.iter().map(|point| point["value"].clone()).collect();
        (values == expected).then_some(points)
    })
    .await
}

#[tokio::test(flavor = "multi_thread")]
async fn finance_kpis_match_the_hand_computed_revenue_cash_and_days_sales_outstanding() {
    let system = System::start_with(options()).await;
    let tenant = system.ledger_tenant().await;
    let t = tenant.as_str();
    post(&system, t, "/v1/journal-entries", &entry("2026-03-02", "1000", "3000", 100_000), 201).await;
    let invoice_id = invoice(&system, t, 30_000, "2026-03-03").await;
    let payment = json!({"direction": "received", "counterparty_id": "C-1", "payment_date": "2026-03-10",
        "amount_minor": 20_000, "currency": "EUR", "allocations": [{"invoice_id": invoice_id, "amount_minor": 20_000}]});
    post(&system, t, "/v1/payments", &payment, 201).await;
    post(&system, t, "/v1/journal-entries", &entry("2026-03-11", "6100", "1000", 5_000), 201).await;

    let weeks = "from=2026-03-02&to=2026-03-15&bucket=week&currency=EUR";
    kpi_eventually(&system, t, &format!("revenue?{weeks}"), &[json!(30_000), json!(0)]).await;
    let cash = kpi_eventually(&system, t, &format!("cash-position?{weeks}"), &[json!(100_000), json!(115_000)]).await;
    assert_eq!(cash[0]["bucket_start"], "2026-03-02");
    assert_eq!(cash[1]["bucket_end"], "2026-03-15");
    let dso = kpi_eventually(&system, t, &format!("days-sales-outstanding?{weeks}"), &[json!(7.0), Value::Null]).await;
    assert_eq!(dso[0]["components"], json!({"receivables_minor": 30_000, "revenue_minor": 30_000, "days": 7}));
    assert_eq!(dso[1]["components"]["receivables_minor"], 10_000);

    let month = "from=2026-03-01&to=2026-03-31&bucket=month&currency=EUR";
    kpi_eventually(&system, t, &format!("days-sales-outstanding?{month}"), &[json!(10.33)]).await;
    kpi_eventually(&system, t, &format!("cash-position?{month}"), &[json!(115_000)]).await;
    // Another currency has none of it.
    kpi_eventually(&system, t, "revenue?from=2026-03-01&to=2026-03-31&bucket=month&currency=USD", &[json!(0)]).await;

    let csv = reqwest::Client::new()
        .get(format!("{}/v1/kpis/cash-position?{weeks}", system.query_url))
        .bearer_auth(system.token(t).await)
        .header("accept", "text/csv")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(
        csv,
        "bucket_start,bucket_end,value\r\n2026-03-02,2026-03-08,100000\r\n2026-03-09,2026-03-15,115000\r\n"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn order_kpis_match_the_hand_computed_orders_margin_and_stock_turnover() {
    let system = System::start_with(options()).await;
    let tenant = system.ledger_tenant().await;
    let t = tenant.as_str();
    let today = chrono::Utc::now().date_naive().to_string();
    receive_ten_widgets(&system, t).await;
    order_widgets(&system, t, "4").await;
    order_widgets(&system, t, "2").await;
    let issue = json!({"sku": "WIDGET", "location": "WH1", "quantity": 4, "reference": "shipment"});
    post(&system, t, "/v1/stock/issues", &issue, 201).await;
    invoice(&system, t, 1_500, &today).await;

    let day = format!("from={today}&to={today}&bucket=day&currency=EUR");
    kpi_eventually(&system, t, &format!("orders?{day}"), &[json!(2)]).await;
    let average = kpi_eventually(&system, t, &format!("average-order-value?{day}"), &[json!(750)]).await;
    assert_eq!(average[0]["components"], json!({"orders": 2, "order_total_minor": 1_500}));
    let margin = kpi_eventually(&system, t, &format!("gross-margin?{day}"), &[json!(1_100)]).await;
    assert_eq!(margin[0]["components"], json!({"revenue_minor": 1_500, "cogs_minor": 400}));
    let turnover = kpi_eventually(&system, t, &format!("stock-turnover?{day}"), &[json!(1.33)]).await;
    assert_eq!(
        turnover[0]["components"],
        json!({"cogs_minor": 400, "opening_inventory_minor": 0, "closing_inventory_minor": 600})
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_bad_kpi_request_is_refused_naming_what_is_wrong() {
    let system = System::start_with(options()).await;
    let tenant = system.ledger_tenant().await;
    let t = tenant.as_str();
    let unknown = system.get(t, "/v1/kpis/happiness?from=2026-01-01&to=2026-01-31&currency=EUR", None).await;
    assert_eq!(unknown.status.as_u16(), 404, "{}", unknown.body);
    assert!(unknown.body["detail"].as_str().unwrap().contains("days-sales-outstanding"), "{}", unknown.body);
    let no_currency = system.get(t, "/v1/kpis/revenue?from=2026-01-01&to=2026-01-31", None).await;
    assert_refused(&no_currency, 422, "invalid-field", Some("currency"));
    let hourly = system.get(t, "/v1/kpis/revenue?from=2026-01-01&to=2026-01-02&bucket=hour&currency=EUR", None).await;
    assert_refused(&hourly, 422, "invalid-field", Some("bucket"));
    let reversed = system.get(t, "/v1/kpis/orders?from=2026-02-01&to=2026-01-01&currency=EUR", None).await;
    assert_refused(&reversed, 422, "invalid-field", Some("to"));
}
