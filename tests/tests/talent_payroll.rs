//! Payroll on the real stack: a payroll run drafted from the employees' current salaries (or a
//! given gross), approved, is posted to the ledger by the payroll process manager as one
//! balanced salary journal entry (Dr 6000 Salaries and wages / Cr 2200 Accrued liabilities) under
//! the id the approval names; a second process manager that gets the approval delivered again
//! posts nothing twice; an employee's erasure afterwards leaves the entry and the balanced books as they
//! were; bad drafts are 4xx problem+json naming the field, and reading the runs needs
//! `hr.payroll.manage`.

#![allow(clippy::unwrap_used)] // test code: a panic is a failed test

use std::collections::BTreeMap;
use std::time::Duration;

use prism_process_managers::config::ProcessKind;
use prism_projections::config::ProjectorKind;
use prism_tests::system::{accepted, eventually, System, SystemOptions};
use serde_json::{json, Value};

fn options() -> SystemOptions {
    SystemOptions { projectors: vec![ProjectorKind::Postgres], kafka_brokers: None }
}

fn balances(expected: &[(&str, i64)]) -> BTreeMap<String, i64> {
    expected.iter().map(|(code, balance)| ((*code).to_owned(), *balance)).collect()
}

/// Hires an employee paid `salary_minor` EUR; its id.
async fn hire(system: &System, tenant: &str, name: &str, salary_minor: i64) -> String {
    let body = json!({"name": name, "email": "someone@example.com", "birth_date": "1990-01-01",
                      "address": "1 Main St", "org_unit_id": "engineering", "salary_minor": salary_minor,
                      "currency": "EUR", "hired_on": "2026-01-01"});
    let answer = system.post(tenant, "/v1/employees", &body).await;
    accepted(&answer, 201);
    answer.body["employee_id"].as_str().unwrap().to_owned()
}

/// The run as the query API answers it once `posted` is true.
async fn posted_run(system: &System, tenant: &str, run_id: &str) -> Value {
    eventually(Duration::from_secs(30), "the payroll run to be posted", || async {
        let answer = system.get(tenant, &format!("/v1/payroll-runs/{run_id}"), None).await;
        (answer.status.as_u16() == 200 && answer.body["posted"] == true).then_some(answer.body)
    })
    .await
}

#[tokio::test(flavor = "multi_thread")]
async fn an_approved_payroll_run_posts_one_balanced_salary_entry_even_when_redelivered_and_after_an_erasure() {
    let system = System::start_with(options()).await;
    let tenant = system.ledger_tenant().await;
    let t = tenant.as_str();
    let ada = hire(&system, t, "Ada", 600_000).await;
    let bob = hire(&system, t, "Bob", 420_050).await;
    let payroll = system.start_process(ProcessKind::Payroll).await;

    // Ada's line from her salary, Bob's given (a partial month).
    let body = json!({"period": "2026-01", "pay_date": "2026-01-31", "currency": "EUR",
                      "lines": [{"employee_id": ada}, {"employee_id": bob, "gross_minor": 400_000}]});
    let drafted = system.post(t, "/v1/payroll-runs", &body).await;
    accepted(&drafted, 201);
    assert_eq!(
        (drafted.body["total_minor"].as_i64(), drafted.body["status"].as_str()),
        (Some(1_000_000), Some("drafted"))
    );
    let run_id = drafted.body["payroll_run_id"].as_str().unwrap().to_owned();
    let approved = system.post(t, &format!("/v1/payroll-runs/{run_id}/approve"), &json!({})).await;
    accepted(&approved, 200);
    assert_eq!(approved.body["status"], "approved");

    let run = posted_run(&system, t, &run_id).await;
    let entry_id = run["journal_entry_id"].as_str().unwrap().to_owned();
    let lines = run["lines"].as_array().unwrap();
    assert_eq!(lines.len(), 2);
    let gross: BTreeMap<&str, i64> =
        lines.iter().map(|l| (l["employee_id"].as_str().unwrap(), l["gross_minor"].as_i64().unwrap())).collect();
    assert_eq!(gross, BTreeMap::from([(ada.as_str(), 600_000), (bob.as_str(), 400_000)]));
    let expected = balances(&[("6000", 1_000_000), ("2200", -1_000_000)]);
    assert_eq!(system.trial_balance(t).await, expected);
    let entry = system.get(t, &format!("/v1/journal-entries/{entry_id}"), None).await;
    assert_eq!(entry.status.as_u16(), 200, "{}", entry.body);
    assert_eq!(entry.body["source_reference"], format!("payroll-run:{run_id}"));

    // A second payroll process manager, in a consumer group of its own, reads the topic from
    // its start: the approval is delivered again and posts nothing twice.
    payroll.kill().await;
    let again = system.start_process_rereading(ProcessKind::Payroll).await;
    let next = system
        .post(
            t,
            "/v1/payroll-runs",
            &json!({"period": "2026-02", "pay_date": "2026-02-28",
        "currency": "EUR", "lines": [{"employee_id": ada}]}),
        )
        .await;
    let february = next.body["payroll_run_id"].as_str().unwrap().to_owned();
    accepted(&system.post(t, &format!("/v1/payroll-runs/{february}/approve"), &json!({})).await, 200);
    posted_run(&system, t, &february).await;
    assert_eq!(system.journal_event_count(t).await, 2, "one entry per run, each posted once");
    again.kill().await;

    // Ada's erasure changes nothing in the books.
    let erased = system.post(t, &format!("/v1/employees/{ada}/erase"), &json!({})).await;
    accepted(&erased, 200);
    let expected = balances(&[("6000", 1_600_000), ("2200", -1_600_000)]);
    assert_eq!(system.trial_balance(t).await, expected);
    let again = system.get(t, &format!("/v1/payroll-runs/{run_id}"), None).await;
    assert_eq!(again.body["lines"], run["lines"], "the run keeps its lines");
}

#[tokio::test(flavor = "multi_thread")]
async fn bad_payroll_drafts_are_refused_naming_the_field() {
    let system = System::start_with(options()).await;
    let tenant = system.ledger_tenant().await;
    let t = tenant.as_str();
    let ada = hire(&system, t, "Ada", 600_000).await;
    let unknown = "0190f0a4-0000-7000-8000-00000000dead";
    let cases = [
        (
            json!({"period": "2026-13", "pay_date": "2026-01-31", "currency": "EUR", "lines": [{"employee_id": ada}]}),
            "invalid-period",
            "period",
        ),
        (json!({"period": "2026-01", "pay_date": "2026-01-31", "currency": "EUR", "lines": []}), "line-count", "lines"),
        (
            json!({"period": "2026-01", "pay_date": "2026-01-31", "currency": "USD", "lines": [{"employee_id": ada}]}),
            "currency-mismatch",
            "lines[0].employee_id",
        ),
        (
            json!({"period": "2026-01", "pay_date": "2026-01-31", "currency": "EUR", "lines": [{"employee_id": unknown}]}),
            "employee-not-found",
            "lines[0].employee_id",
        ),
        (
            json!({"period": "2026-01", "pay_date": "2026-01-31", "currency": "EUR",
                "lines": [{"employee_id": ada}, {"employee_id": ada}]}),
            "duplicate-employee",
            "lines[1].employee_id",
        ),
        (
            json!({"period": "2026-01", "pay_date": "2026-01-31", "currency": "EUR",
                "lines": [{"employee_id": ada, "gross_minor": 0}]}),
            "invalid-gross",
            "lines[0].gross_minor",
        ),
    ];
    for (body, code, field) in cases {
        let answer = system.post(t, "/v1/payroll-runs", &body).await;
        answer.assert_problem(422, code);
        assert_eq!(answer.body["field"].as_str(), Some(field), "{}", answer.body);
    }
    assert_eq!(system.count(t, "events WHERE aggregate_type = 'hr.payroll_run'").await, 0);
    let missing = system.post(t, &format!("/v1/payroll-runs/{unknown}/approve"), &json!({})).await;
    missing.assert_problem(404, "payroll-run-not-found");
    let clerk = system.user_token(t, &["accountant"]).await;
    let unread = system.get_as(&clerk, "/v1/payroll-runs", None).await;
    unread.assert_problem(403, "forbidden");
    assert_eq!(unread.body["permission"], "hr.payroll.manage", "each employee's pay is not the accountants' to read");
}
