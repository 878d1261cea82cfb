//! The books end to end: a tenant's chart of accounts and fiscal calendar decide which
//! postings the ledger accepts. Closed and locked periods, archived, header and unknown
//! accounts are refused with a problem naming the field and period, and write nothing; the
//! chart and calendar read back through the query API as they were changed.

#![allow(clippy::unwrap_used)] // test code: a panic is a failed test

use prism_projections::config::ProjectorKind;
use prism_tests::ledger::entry;
use prism_tests::system::{Answer, System, SystemOptions};
use serde_json::{json, Value};

const ENTRIES: &str = "/v1/journal-entries";

fn dated(date: &str, debit: &str, credit: &str) -> Value {
    let mut body = entry(debit, credit, 1_000);
    body["date"] = json!(date);
    body
}

fn assert_problem(answer: &Answer, status: u16, code: &str, field: Option<&str>) {
    assert_eq!(answer.status.as_u16(), status, "{}", answer.body);
    assert_eq!(answer.body["type"], format!("urn:prism:problem:{code}"), "{}", answer.body);
    assert_eq!(answer.body["field"].as_str(), field, "{}", answer.body);
}

#[tokio::test(flavor = "multi_thread")]
async fn closed_and_locked_periods_refuse_postings_and_only_a_closed_one_reopens() {
    let system =
        System::start_with(SystemOptions { projectors: vec![ProjectorKind::Postgres], kafka_brokers: None }).await;
    let tenant = system.ledger_tenant().await;
    assert_eq!(system.post(&tenant, ENTRIES, &dated("2026-03-15", "6100", "1000")).await.status, 201);

    let closed = system.post(&tenant, "/v1/fiscal-periods/2026-03/close", &Value::Null).await;
    assert_eq!(closed.status, 200, "{}", closed.body);
    assert_eq!(closed.body["status"], "closed");
    let before = system.journal_event_count(&tenant).await;
    let refused = system.post(&tenant, ENTRIES, &dated("2026-03-20", "6100", "1000")).await;
    assert_problem(&refused, 422, "period-not-open", Some("date"));
    assert!(refused.body["detail"].as_str().unwrap().contains("2026-03"), "{}", refused.body);
    assert_eq!(system.journal_event_count(&tenant).await, before, "a refused posting writes nothing");
    assert_eq!(system.post(&tenant, ENTRIES, &dated("2026-04-01", "6100", "1000")).await.status, 201);

    let no_reason = system.post(&tenant, "/v1/fiscal-periods/2026-03/reopen", &json!({"reason": " "})).await;
    assert_problem(&no_reason, 422, "reason-blank", Some("reason"));
    let reopened =
        system.post(&tenant, "/v1/fiscal-periods/2026-03/reopen", &json!({"reason": "late supplier invoice"})).await;
    assert_eq!(reopened.status, 200, "{}", reopened.body);
    assert_eq!(system.post(&tenant, ENTRIES, &dated("2026-03-20", "6100", "1000")).await.status, 201);

    assert_eq!(system.post(&tenant, "/v1/fiscal-periods/2026-03/close", &Value::Null).await.status, 200);
    let locked = system.post(&tenant, "/v1/fiscal-periods/2026-03/lock", &Value::Null).await;
    assert_eq!(locked.status, 200, "{}", locked.body);
    let never = system.post(&tenant, "/v1/fiscal-periods/2026-03/reopen", &json!({"reason": "audit fix"})).await;
    assert_eq!(never.status, 409, "{}", never.body);
    let into_locked = system.post(&tenant, ENTRIES, &dated("2026-03-31", "6100", "1000")).await;
    assert_problem(&into_locked, 422, "period-not-open", Some("date"));
    assert!(into_locked.body["detail"].as_str().unwrap().contains("locked"), "{}", into_locked.body);
    let unknown = system.post(&tenant, "/v1/fiscal-periods/2031-01/close", &Value::Null).await;
    assert_eq!(unknown.status, 404, "{}", unknown.body);

    let years = system.get(&tenant, "/v1/fiscal-years", locked.body["position"].as_i64()).await;
    assert_eq!(years.status, 200, "{}", years.body);
    let periods = years.body["items"][0]["periods"].as_array().unwrap();
    assert_eq!(periods.len(), 12);
    let march = periods.iter().find(|p| p["period"] == "2026-03").unwrap();
    assert_eq!(march["status"], "locked", "{march}");
    assert_eq!(periods[3]["status"], "open");
}

#[tokio::test(flavor = "multi_thread")]
async fn the_chart_decides_which_accounts_take_postings() {
    let system =
        System::start_with(SystemOptions { projectors: vec![ProjectorKind::Postgres], kafka_brokers: None }).await;
    let tenant = system.ledger_tenant().await;

    let again = system.post(&tenant, "/v1/chart-of-accounts/default", &Value::Null).await;
    assert_eq!(again.status, 409, "{}", again.body);
    let header = system.post(&tenant, ENTRIES, &entry("6", "1000", 5)).await;
    assert_problem(&header, 422, "header-account", Some("lines[0].account"));

    let software = json!({"code": "6310", "name": "Software subscriptions", "account_type": "expense", "parent": "6"});
    let opened = system.post(&tenant, "/v1/accounts", &software).await;
    assert_eq!(opened.status, 201, "{}", opened.body);
    assert_eq!(opened.headers["location"], "/v1/accounts/6310");
    assert_eq!(system.post(&tenant, ENTRIES, &entry("6310", "1000", 5)).await.status, 201);
    assert_problem(&system.post(&tenant, "/v1/accounts", &software).await, 409, "account-exists", Some("code"));
    let wrong_parent = json!({"code": "6320", "name": "Licences", "account_type": "income", "parent": "6"});
    let refused = system.post(&tenant, "/v1/accounts", &wrong_parent).await;
    assert_eq!(refused.status, 422, "{}", refused.body);
    assert_eq!(refused.body["field"], "parent");
    let bad_type = json!({"code": "6330", "name": "Other", "account_type": "revenue"});
    assert_eq!(system.post(&tenant, "/v1/accounts", &bad_type).await.body["field"], "account_type");

    assert_eq!(system.post(&tenant, "/v1/accounts/6310/archive", &Value::Null).await.status, 200);
    let archived = system.post(&tenant, ENTRIES, &entry("6310", "1000", 5)).await;
    assert_problem(&archived, 422, "archived-account", Some("lines[0].account"));
    assert_eq!(system.post(&tenant, "/v1/accounts/6310/reactivate", &Value::Null).await.status, 200);
    let renamed = system.post(&tenant, "/v1/accounts/6310/rename", &json!({"name": "Software"})).await;
    assert_eq!(renamed.status, 200, "{}", renamed.body);
    assert_eq!(system.post(&tenant, ENTRIES, &entry("6310", "1000", 5)).await.status, 201);

    let chart = system.get(&tenant, "/v1/accounts", renamed.body["position"].as_i64()).await;
    assert_eq!(chart.status, 200, "{}", chart.body);
    let accounts = chart.body["items"].as_array().unwrap();
    let software = accounts.iter().find(|a| a["code"] == "6310").unwrap();
    assert_eq!(software["name"], "Software");
    assert_eq!(software["parent"], "6");
    assert_eq!(software["account_type"], "expense");
    assert_eq!(software["normal_balance"], "debit");
    assert_eq!(software["status"], "active");
    let bank = accounts.iter().find(|a| a["code"] == "1000").unwrap();
    assert_eq!(bank["cash"], true);
}

#[tokio::test(flavor = "multi_thread")]
async fn fiscal_years_may_not_overlap() {
    let system = System::start_with(SystemOptions { projectors: vec![], kafka_brokers: None }).await;
    let tenant = system.ledger_tenant().await;
    let overlapping = json!({"year": "FY26-27", "start_date": "2026-07-01"});
    let refused = system.post(&tenant, "/v1/fiscal-years", &overlapping).await;
    assert_eq!(refused.status, 422, "{}", refused.body);
    assert_eq!(refused.body["field"], "start_date");
    let next = system
        .post(&tenant, "/v1/fiscal-years", &json!({"start_date": "2027-01-01", "period_length": "quarter"}))
        .await;
    assert_eq!(next.status, 201, "{}", next.body);
    assert_eq!(next.body["year"], "2027");
    assert_eq!(next.body["periods"].as_array().unwrap().len(), 4);
    assert_eq!(
        next.body["periods"][1],
        json!({"period": "2027-02", "start_date": "2027-04-01", "end_date": "2027-06-30"})
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn closing_a_year_moves_its_result_to_retained_earnings() {
    let system =
        System::start_with(SystemOptions { projectors: vec![ProjectorKind::Postgres], kafka_brokers: None }).await;
    let tenant = system.ledger_tenant().await;
    for (date, debit, credit, amount) in [
        ("2026-02-01", "1000", "4000", 500_000),
        ("2026-06-30", "6100", "1000", 120_000),
        ("2026-07-01", "1000", "3000", 1),
    ] {
        let mut body = entry(debit, credit, amount);
        body["date"] = json!(date);
        assert_eq!(system.post(&tenant, ENTRIES, &body).await.status, 201);
    }
    let early = system.post(&tenant, "/v1/fiscal-years/2026/close", &Value::Null).await;
    assert_problem(&early, 409, "periods-still-open", None);
    for month in 1..=12 {
        let closed = system.post(&tenant, &format!("/v1/fiscal-periods/2026-{month:02}/close"), &Value::Null).await;
        assert_eq!(closed.status, 200, "{}", closed.body);
    }
    let closed = system.post(&tenant, "/v1/fiscal-years/2026/close", &Value::Null).await;
    assert_eq!(closed.status, 200, "{}", closed.body);
    let entry_id = closed.body["entry_id"].as_str().unwrap().to_owned();
    let position = closed.body["position"].as_i64();
    assert_problem(&system.post(&tenant, "/v1/fiscal-years/2026/close", &Value::Null).await, 409, "year-closed", None);
    let reopen = system.post(&tenant, "/v1/fiscal-periods/2026-12/reopen", &json!({"reason": "late invoice"})).await;
    assert_problem(&reopen, 409, "year-closed", None);

    system.await_postgres_caught_up(&tenant).await;
    let closing = system.get(&tenant, &format!("/v1/journal-entries/{entry_id}"), position).await;
    assert_eq!(closing.status, 200, "{}", closing.body);
    let lines: Vec<(String, i64, i64)> = closing.body["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            (
                l["account"].as_str().unwrap().to_owned(),
                l["debit_minor"].as_i64().unwrap(),
                l["credit_minor"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        lines,
        [("4000".to_owned(), 500_000, 0), ("6100".to_owned(), 0, 120_000), ("3200".to_owned(), 0, 380_000)]
    );
    let sheet = system.get(&tenant, "/v1/reports/balance-sheet?as_of=2026-12-31&currency=EUR", position).await;
    let eur = &sheet.body["currencies"][0];
    assert_eq!(eur["current_earnings_minor"], 0, "{}", sheet.body);
    let retained = eur["equity"].as_array().unwrap().iter().find(|l| l["code"] == "3200").unwrap();
    assert_eq!(retained["amount_minor"], 380_000);
    assert_eq!(eur["balanced"], true);
    let result = system.get(&tenant, "/v1/reports/income-statement?from=2026-01-01&to=2026-12-31", position).await;
    assert_eq!(
        result.body["currencies"][0]["net_income_minor"], 380_000,
        "the closing entry is not part of the result"
    );
    let years = system.get(&tenant, "/v1/fiscal-years", position).await;
    assert_eq!(years.body["items"][0]["closed"], true);
    assert_eq!(years.body["items"][0]["closing_entry_id"], entry_id.as_str());
}

#[tokio::test(flavor = "multi_thread")]
async fn a_draft_posts_nothing_until_it_is_posted_and_a_discarded_one_never() {
    let system =
        System::start_with(SystemOptions { projectors: vec![ProjectorKind::Postgres], kafka_brokers: None }).await;
    let tenant = system.ledger_tenant().await;
    let mut draft = dated("2026-03-15", "6100", "1000");
    draft["draft"] = json!(true);
    let saved = system.post(&tenant, ENTRIES, &draft).await;
    assert_eq!(saved.status, 201, "{}", saved.body);
    let id = saved.body["entry_id"].as_str().unwrap().to_owned();
    draft["entry_id"] = json!(id);
    draft["lines"][0]["debit"] = json!(2_500);
    draft["lines"][1]["credit"] = json!(2_500);
    let replaced = system.post(&tenant, ENTRIES, &draft).await;
    assert_eq!(replaced.status, 201, "{}", replaced.body);
    assert_eq!(replaced.body["version"], 2);
    let mut unknown = dated("2026-03-15", "7777", "1000");
    unknown["draft"] = json!(true);
    let other = system.post(&tenant, ENTRIES, &unknown).await;
    assert_eq!(other.status, 201, "a draft is not checked against the chart: {}", other.body);
    let other_id = other.body["entry_id"].as_str().unwrap().to_owned();

    system.await_postgres_caught_up(&tenant).await;
    let drafts = system.get(&tenant, "/v1/journal-entries/drafts", None).await;
    let items = drafts.body["items"].as_array().unwrap();
    assert_eq!(items.len(), 2, "{}", drafts.body);
    let mine = items.iter().find(|d| d["entry_id"] == id.as_str()).unwrap();
    assert_eq!(mine["lines"][0]["debit_minor"], 2_500);
    let balance = system.get(&tenant, "/v1/accounts/6100/balance", None).await;
    assert_eq!(balance.body["balances"], json!([]), "a draft posts nothing");
    let direct = system.post(&tenant, ENTRIES, &json!({"entry_id": id, "date": "2026-03-15", "description": "x",
        "lines": [{"account": "6100", "debit": 1, "currency": "EUR"}, {"account": "1000", "credit": 1, "currency": "EUR"}]}))
    .await;
    assert_problem(&direct, 409, "is-draft", None);

    let refused = system.post(&tenant, &format!("/v1/journal-entries/{other_id}/post"), &Value::Null).await;
    assert_problem(&refused, 422, "unknown-account", Some("lines[0].account"));
    let discarded =
        system.post(&tenant, &format!("/v1/journal-entries/{other_id}/discard"), &json!({"reason": "typo"})).await;
    assert_eq!(discarded.status, 201, "{}", discarded.body);
    let posted = system.post(&tenant, &format!("/v1/journal-entries/{id}/post"), &Value::Null).await;
    assert_eq!(posted.status, 201, "{}", posted.body);
    let again = system.post(&tenant, &format!("/v1/journal-entries/{id}/post"), &Value::Null).await;
    assert_problem(&again, 409, "already-posted", Some("entry_id"));

    let balance = system.get(&tenant, "/v1/accounts/6100/balance", posted.body["position"].as_i64()).await;
    assert_eq!(balance.body["balances"][0]["debit_total_minor"], 2_500, "{}", balance.body);
    system.await_postgres_caught_up(&tenant).await;
    let left = system.get(&tenant, "/v1/journal-entries/drafts", None).await;
    assert_eq!(left.body["items"], json!([]), "{}", left.body);
    let gone = system.get(&tenant, "/v1/journal-entries/drafts?status=discarded", None).await;
    assert_eq!(gone.body["items"][0]["discard_reason"], "typo", "{}", gone.body);
}

#[tokio::test(flavor = "multi_thread")]
async fn every_posting_sent_after_a_period_closed_is_refused_while_others_race_it() {
    use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
    use std::sync::Mutex;
    use std::time::Instant;

    const POSTERS: usize = 8;
    let system = System::start_with(SystemOptions { projectors: vec![], kafka_brokers: None }).await;
    let tenant = system.ledger_tenant().await;
    let accepted = AtomicUsize::new(0);
    let stop = AtomicBool::new(false);
    let closed_at: Mutex<Option<Instant>> = Mutex::new(None);
    let poster = || async {
        let mut answers = Vec::new();
        while !stop.load(Ordering::Acquire) {
            let sent = Instant::now();
            let answer = system.post(&tenant, ENTRIES, &dated("2026-03-15", "6100", "1000")).await;
            if answer.status == 201 {
                accepted.fetch_add(1, Ordering::AcqRel);
            }
            answers.push((sent, answer));
        }
        answers
    };
    let closer = async {
        while accepted.load(Ordering::Acquire) < 40 {
            tokio::time::sleep(std::time::Duration::from_millis(5)).await;
        }
        let closed = system.post(&tenant, "/v1/fiscal-periods/2026-03/close", &Value::Null).await;
        assert_eq!(closed.status, 200, "{}", closed.body);
        *closed_at.lock().unwrap() = Some(Instant::now());
        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
        stop.store(true, Ordering::Release);
    };
    let (answers, ()) = tokio::join!(futures::future::join_all((0..POSTERS).map(|_| poster())), closer);
    let closed_at = closed_at.lock().unwrap().unwrap();

    let after: Vec<&Answer> = answers.iter().flatten().filter(|(sent, _)| *sent > closed_at).map(|(_, a)| a).collect();
    assert!(after.len() >= POSTERS, "postings were sent after the close ({})", after.len());
    for answer in after {
        assert_problem(answer, 422, "period-not-open", Some("date"));
    }
    let stored = system.journal_event_count(&tenant).await;
    assert_eq!(
        stored,
        i64::try_from(accepted.load(Ordering::Acquire)).unwrap(),
        "exactly the accepted entries are stored"
    );
}
