//! Budgets end to end: amounts set through the command API, checked against the tenant's
//! chart and calendar, projected from Kafka into the read model and set against the ledger by
//! the budget-vs-actual report — with exact figures. Setting an amount to what it was records
//! nothing, 0 clears it, and a refused command writes nothing.

#![allow(clippy::unwrap_used)] // test code: a panic is a failed test

use prism_projections::config::ProjectorKind;
use prism_tests::ledger::entry;
use prism_tests::system::{Answer, System, SystemOptions};
use serde_json::{json, Value};

const PLAN: &str = "/v1/budgets/2026-plan/amounts";
const Q1: &str = "/v1/reports/budget-vs-actual?budget=2026-plan&from_period=2026-01&to_period=2026-03";
const BUDGET_EVENTS: &str = "events WHERE aggregate_type = 'finance.budgets'";

/// A EUR entry of `amount` from `credit` to `debit`, dated `date`.
fn dated(date: &str, debit: &str, credit: &str, amount: i64) -> Value {
    let mut body = entry(debit, credit, amount);
    body["date"] = json!(date);
    body
}

fn amounts(amounts: &[(&str, &str, i64)]) -> Value {
    let amounts: Vec<Value> = amounts
        .iter()
        .map(|(account, period, amount_minor)| json!({"account": account, "period": period, "amount_minor": amount_minor}))
        .collect();
    json!({"currency": "EUR", "amounts": amounts})
}

fn assert_problem(answer: &Answer, status: u16, code: &str, field: Option<&str>) {
    assert_eq!(answer.status.as_u16(), status, "{}", answer.body);
    assert_eq!(answer.body["type"], format!("urn:prism:problem:{code}"), "{}", answer.body);
    assert_eq!(answer.body["field"].as_str(), field, "{}", answer.body);
}

fn cell(period: &str, budget: i64, actual: i64, variance: i64, bp: Option<i64>) -> Value {
    json!({"period": period, "budget_minor": budget, "actual_minor": actual, "variance_minor": variance, "variance_bp": bp})
}

fn total(budget: i64, actual: i64, variance: i64, bp: Option<i64>) -> Value {
    json!({"budget_minor": budget, "actual_minor": actual, "variance_minor": variance, "variance_bp": bp})
}

#[tokio::test(flavor = "multi_thread")]
async fn budget_vs_actual_sets_the_budget_against_the_posted_entries() {
    let system =
        System::start_with(SystemOptions { projectors: vec![ProjectorKind::Postgres], kafka_brokers: None }).await;
    let tenant = system.ledger_tenant().await;

    // Rent 500.00 a month and sales 2,000.00 a month, January to March.
    let plan = amounts(&[
        ("6100", "2026-01", 50_000),
        ("6100", "2026-02", 50_000),
        ("6100", "2026-03", 50_000),
        ("4000", "2026-01", 200_000),
        ("4000", "2026-02", 200_000),
        ("4000", "2026-03", 200_000),
    ]);
    let set = system.post(&tenant, PLAN, &plan).await;
    assert_eq!(set.status, 200, "{}", set.body);
    assert_eq!((set.body["budget"].as_str(), set.body["changed"].as_i64()), (Some("2026-plan"), Some(6)));
    assert_eq!(set.body["version"], 6);
    assert_eq!(set.headers["etag"], "\"6\"");
    let again = system.post(&tenant, PLAN, &plan).await;
    assert_eq!((again.status.as_u16(), again.body["changed"].as_i64()), (200, Some(0)), "{}", again.body);
    assert_eq!(
        (again.body["version"].as_i64(), again.body["position"].as_i64()),
        (Some(6), set.body["position"].as_i64())
    );

    let actuals = [
        dated("2026-01-15", "1000", "4000", 180_000),
        dated("2026-01-31", "6100", "1000", 50_000),
        dated("2026-02-15", "1000", "4000", 210_000),
        dated("2026-02-27", "6100", "1000", 52_000),
        dated("2026-03-15", "1000", "4000", 200_000),
        dated("2026-04-01", "6100", "1000", 50_000),
    ];
    let mut position = 0;
    for body in &actuals {
        let posted = system.post(&tenant, "/v1/journal-entries", body).await;
        assert_eq!(posted.status, 201, "{}", posted.body);
        position = posted.body["position"].as_i64().unwrap();
    }

    system.await_postgres_caught_up(&tenant).await;
    let report = system.get(&tenant, Q1, Some(position)).await;

    assert_eq!(report.status, 200, "{}", report.body);
    let eur = &report.body["currencies"][0];
    assert_eq!(report.body["currencies"].as_array().unwrap().len(), 1, "{}", report.body);
    assert_eq!(eur["currency"], "EUR");
    // Sales: 180,000 / 210,000 / 200,000 against 200,000 each: -1,000, +500, 0 bp; over the
    // quarter 590,000 against 600,000: -10,000 = -166.67 bp → -167.
    // Rent: 50,000 / 52,000 / nothing against 50,000 each: 0, +400, -10,000 bp; over the
    // quarter 102,000 against 150,000: -48,000 = -3,200 bp. The April rent is outside the range.
    assert_eq!(
        eur["accounts"],
        json!([
            {"code": "4000", "name": "Sales revenue", "account_type": "income", "normal_balance": "credit",
             "periods": [cell("2026-01", 200_000, 180_000, -20_000, Some(-1_000)),
                         cell("2026-02", 200_000, 210_000, 10_000, Some(500)),
                         cell("2026-03", 200_000, 200_000, 0, Some(0))],
             "total": total(600_000, 590_000, -10_000, Some(-167))},
            {"code": "6100", "name": "Rent", "account_type": "expense", "normal_balance": "debit",
             "periods": [cell("2026-01", 50_000, 50_000, 0, Some(0)),
                         cell("2026-02", 50_000, 52_000, 2_000, Some(400)),
                         cell("2026-03", 50_000, 0, -50_000, Some(-10_000))],
             "total": total(150_000, 102_000, -48_000, Some(-3_200))},
        ])
    );
    // Net income: 150,000 a month budgeted; 130,000 / 158,000 / 200,000 actual:
    // -1,333.33 → -1,333, +533.33 → 533, +3,333.33 → 3,333; 488,000 against 450,000: +844.44 → 844.
    assert_eq!(
        eur["net_income"],
        json!({"periods": [cell("2026-01", 150_000, 130_000, -20_000, Some(-1_333)),
                           cell("2026-02", 150_000, 158_000, 8_000, Some(533)),
                           cell("2026-03", 150_000, 200_000, 50_000, Some(3_333))],
               "total": total(450_000, 488_000, 38_000, Some(844))})
    );
    assert_eq!(eur["total_income"]["total"], total(600_000, 590_000, -10_000, Some(-167)));
    assert_eq!(eur["total_expense"]["total"], total(150_000, 102_000, -48_000, Some(-3_200)));

    // Clearing March's rent and raising February's: two events; March no longer budgeted.
    let changed = system.post(&tenant, PLAN, &amounts(&[("6100", "2026-03", 0), ("6100", "2026-02", 52_000)])).await;
    assert_eq!((changed.status.as_u16(), changed.body["changed"].as_i64()), (200, Some(2)), "{}", changed.body);
    let after = system.get(&tenant, &format!("{Q1}&currency=EUR"), changed.body["position"].as_i64()).await;
    let rent = &after.body["currencies"][0]["accounts"][1];
    assert_eq!(
        rent["periods"],
        json!([
            cell("2026-01", 50_000, 50_000, 0, Some(0)),
            cell("2026-02", 52_000, 52_000, 0, Some(0)),
            cell("2026-03", 0, 0, 0, None)
        ])
    );
    let budgets = system.get(&tenant, "/v1/budgets", None).await;
    assert_eq!(
        budgets.body,
        json!({"items": [{"budget": "2026-plan", "currencies": ["EUR"], "first_period": "2026-01",
                          "last_period": "2026-03", "amounts": 5}]})
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_refused_budget_command_writes_nothing() {
    let system =
        System::start_with(SystemOptions { projectors: vec![ProjectorKind::Postgres], kafka_brokers: None }).await;
    let tenant = system.ledger_tenant().await;
    let set = system.post(&tenant, PLAN, &amounts(&[("6100", "2026-01", 50_000)])).await;
    assert_eq!(set.status, 200, "{}", set.body);
    let events = system.count(&tenant, BUDGET_EVENTS).await;
    assert_eq!(events, 1);

    let unknown_account = system.post(&tenant, PLAN, &amounts(&[("6100", "2026-02", 1), ("7777", "2026-02", 1)])).await;
    assert_problem(&unknown_account, 422, "unknown-account", Some("amounts[1].account"));
    let unknown_period = system.post(&tenant, PLAN, &amounts(&[("6100", "2031-01", 1)])).await;
    assert_problem(&unknown_period, 422, "unknown-period", Some("amounts[0].period"));
    assert!(unknown_period.body["detail"].as_str().unwrap().contains("2031-01"), "{}", unknown_period.body);
    let header = system.post(&tenant, PLAN, &amounts(&[("6", "2026-02", 1)])).await;
    assert_problem(&header, 422, "header-account", Some("amounts[0].account"));
    let negative = system.post(&tenant, PLAN, &amounts(&[("6100", "2026-02", -1)])).await;
    assert_problem(&negative, 422, "negative-amount", Some("amounts[0].amount_minor"));
    let twice = system.post(&tenant, PLAN, &amounts(&[("6100", "2026-02", 1), ("6100", "2026-02", 2)])).await;
    assert_problem(&twice, 422, "duplicate-amount", Some("amounts[1]"));
    let bad_name = system.post(&tenant, "/v1/budgets/plan%202026/amounts", &amounts(&[("6100", "2026-02", 1)])).await;
    assert_problem(&bad_name, 422, "invalid-budget-name", Some("budget"));
    let bad_currency = system
        .post(
            &tenant,
            PLAN,
            &json!({"currency": "eur", "amounts": [{"account": "6100", "period": "2026-02", "amount_minor": 1}]}),
        )
        .await;
    assert_problem(&bad_currency, 422, "invalid-currency", Some("currency"));
    let stale = system
        .post_raw(
            &tenant,
            PLAN,
            serde_json::to_vec(&amounts(&[("6100", "2026-02", 1)])).unwrap(),
            &[("if-match", "\"7\"")],
        )
        .await;
    assert_eq!(stale.status, 409, "{}", stale.body);

    assert_eq!(system.count(&tenant, BUDGET_EVENTS).await, events, "a refused command records no event");
    let report = system.get(&tenant, "/v1/budgets", set.body["position"].as_i64()).await;
    assert_eq!(report.body["items"][0]["amounts"], 1, "{}", report.body);
    let unknown = system
        .get(&tenant, "/v1/reports/budget-vs-actual?budget=2027-plan&from_period=2026-01&to_period=2026-03", None)
        .await;
    assert_problem(&unknown, 404, "not-found", None);
}
