//! Saved reports (Optics) on the real stack: a definition is saved in MongoDB through the
//! command API, run by the query API over the Postgres ledger read model, and exported; the
//! exports are opened with standard readers (Python's `openpyxl` and `pypdf`, in the project's
//! virtualenv) and hold the JSON's rows. A scheduled report is emailed by the notification
//! service, as an attachment, once per occurrence.
//!
//! The ledger (hand-computed): 500.00 of capital into the bank in October (filtered out), then
//! in November 1,000.00 of capital, 300.00 of service revenue into the bank and 50.00 of rent
//! paid from it. Per account for November, largest net first: bank 1,300.00 − 50.00 = 1,250.00
//! over 3 lines; rent 50.00; revenue −300.00; capital −1,000.00 — nets summing to zero.

#![allow(clippy::unwrap_used)] // test code: a panic is a failed test

use std::path::PathBuf;
use std::time::Duration;

use base64::Engine as _;
use chrono::{Timelike, Utc};
use prism_projections::config::ProjectorKind;
use prism_tests::smtp_sink::{Mail, SmtpSink};
use prism_tests::system::{accepted, assert_refused, eventually, System, SystemOptions};
use serde_json::{json, Value};

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

fn options() -> SystemOptions {
    SystemOptions { projectors: vec![ProjectorKind::Postgres], kafka_brokers: None }
}

/// A journal entry of `amount` EUR cents from `credit` to `debit` on `date`.
fn entry(date: &str, debit: &str, credit: &str, amount: i64) -> Value {
    json!({"date": date, "description": "report scenario", "lines": [
        {"account": debit, "debit": amount, "currency": "EUR"},
        {"account": credit, "credit": amount, "currency": "EUR"}]})
}

/// Posts the scenario's entries: the position of the last.
async fn post_ledger(system: &System, tenant: &str) -> i64 {
    let entries = [
        entry("2026-10-15", "1000", "3000", 50_000),
        entry("2026-11-02", "1000", "3000", 100_000),
        entry("2026-11-10", "1000", "4100", 30_000),
        entry("2026-11-11", "6100", "1000", 5_000),
    ];
    let mut position = 0;
    for body in &entries {
        position = accepted(&system.post(tenant, "/v1/journal-entries", body).await, 201);
    }
    position
}

/// The November report per account, largest net first.
fn net_by_account() -> Value {
    json!({
        "name": "Net by account (November)",
        "source": "journal_lines",
        "dimensions": ["account", "account_name", "currency", "entry_month"],
        "measures": ["debit_minor", "credit_minor", "net_minor", "line_count"],
        "filters": [{"field": "entry_date", "op": "gte", "value": "2026-11-01"}],
        "sort": [{"field": "net_minor", "direction": "desc"}]
    })
}

/// The rows of [`net_by_account`] over the scenario.
fn expected_rows() -> Value {
    json!([
        ["1000", "Bank account", "EUR", "2026-11-01", 130_000, 5_000, 125_000, 3],
        ["6100", "Rent", "EUR", "2026-11-01", 5_000, 0, 5_000, 1],
        ["4100", "Service revenue", "EUR", "2026-11-01", 0, 30_000, -30_000, 1],
        ["3000", "Owner's capital", "EUR", "2026-11-01", 0, 100_000, -100_000, 1]
    ])
}

/// `GET` a report file from the query API as `tenant`'s admin: status, content type, body.
async fn download(system: &System, tenant: &str, path: &str, accept: &str) -> (u16, String, Vec<u8>) {
    let token = system.token(tenant).await;
    let response = reqwest::Client::new()
        .get(format!("{}{path}", system.query_url))
        .bearer_auth(token)
        .header("accept", accept)
        .send()
        .await
        .unwrap();
    let content_type = response.headers().get("content-type").map(|value| value.to_str().unwrap().to_owned());
    (response.status().as_u16(), content_type.unwrap_or_default(), response.bytes().await.unwrap().to_vec())
}

/// What `tests/exports/read_export.py` reads from `bytes` saved as `name`.
fn read_back(name: &str, bytes: &[u8]) -> Value {
    let home = std::env::var("PRISM_HOME")
        .map_or_else(|_| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../.prism"), PathBuf::from);
    let python = home.join("venv/bin/python");
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("exports/read_export.py");
    let dir = std::env::temp_dir().join(format!("prism-report-{}", prism_tests::env::unique_suffix()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join(name);
    std::fs::write(&file, bytes).unwrap();
    let output = std::process::Command::new(&python).arg(&script).arg(&file).output().unwrap_or_else(|error| {
        panic!("{} runs (scripts/prism test installs openpyxl and pypdf into it): {error}", python.display())
    });
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    std::fs::remove_dir_all(&dir).unwrap();
    serde_json::from_slice(&output.stdout).unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_saved_report_runs_over_the_ledger_and_its_exports_hold_the_same_rows() {
    let system = System::start_with(options()).await;
    let tenant = system.ledger_tenant().await;
    let t = tenant.as_str();
    let position = post_ledger(&system, t).await;

    // A definition that breaks a rule is refused, naming the field, and nothing is saved.
    let mut amounts_without_currency = net_by_account();
    amounts_without_currency["dimensions"] = json!(["account"]);
    let refused = system.post(t, "/v1/report-definitions", &amounts_without_currency).await;
    assert_refused(&refused, 422, "invalid-report-definition", Some("measures[0]"));
    let mut unknown_field = net_by_account();
    unknown_field["filters"][0]["field"] = json!("salary");
    let refused = system.post(t, "/v1/report-definitions", &unknown_field).await;
    assert_refused(&refused, 422, "invalid-report-definition", Some("filters[0].field"));
    assert_eq!(system.get(t, "/v1/report-definitions", None).await.body["items"], json!([]));

    let saved = system.post(t, "/v1/report-definitions", &net_by_account()).await;
    assert_eq!(saved.status.as_u16(), 201, "{}", saved.body);
    let id = saved.body["report_id"].as_str().unwrap().to_owned();
    assert_eq!(saved.body["revision"], 1);
    let listed = system.get(t, "/v1/report-definitions", None).await;
    assert_eq!(listed.body["items"][0]["definition"], net_by_account(), "{}", listed.body);

    // JSON: the hand-computed rows, after the ledger reached the last entry.
    let run = system.get(t, &format!("/v1/report-definitions/{id}/run"), Some(position)).await;
    assert_eq!(run.status.as_u16(), 200, "{}", run.body);
    assert_eq!(run.body["rows"], expected_rows());
    assert_eq!(run.body["truncated"], false);
    let names: Vec<&str> =
        run.body["columns"].as_array().unwrap().iter().map(|c| c["name"].as_str().unwrap()).collect();
    assert_eq!(
        names,
        [
            "account",
            "account_name",
            "currency",
            "entry_month",
            "debit_minor",
            "credit_minor",
            "net_minor",
            "line_count"
        ]
    );

    // CSV by Accept: the header and the same rows.
    let path = format!("/v1/report-definitions/{id}/run");
    let (status, content_type, csv) = download(&system, t, &path, "text/csv").await;
    assert_eq!((status, content_type.as_str()), (200, "text/csv; charset=utf-8"));
    let csv = String::from_utf8(csv).unwrap();
    assert_eq!(
        csv,
        "account,account_name,currency,entry_month,debit_minor,credit_minor,net_minor,line_count\r\n\
         1000,Bank account,EUR,2026-11-01,130000,5000,125000,3\r\n\
         6100,Rent,EUR,2026-11-01,5000,0,5000,1\r\n\
         4100,Service revenue,EUR,2026-11-01,0,30000,-30000,1\r\n\
         3000,Owner's capital,EUR,2026-11-01,0,100000,-100000,1\r\n"
    );

    // XLSX: openpyxl reads the header and the JSON's rows, numbers as numbers, dates as dates.
    let (status, content_type, workbook) = download(&system, t, &format!("{path}?format=xlsx"), "*/*").await;
    assert_eq!((status, content_type.as_str()), (200, XLSX));
    let mut sheet = read_back("report.xlsx", &workbook).as_array().unwrap().clone();
    assert_eq!(sheet.remove(0), json!(names));
    assert_eq!(Value::Array(sheet), expected_rows());

    // PDF: pypdf finds the title and every cell.
    let (status, content_type, pdf) = download(&system, t, &path, "application/pdf").await;
    assert_eq!((status, content_type.as_str()), (200, "application/pdf"));
    let text = read_back("report.pdf", &pdf);
    let text = text.as_str().unwrap();
    assert!(text.contains("Net by account (November)"), "{text}");
    for cell in expected_rows().as_array().unwrap().iter().flat_map(|row| row.as_array().unwrap()) {
        let cell = cell.as_str().map_or_else(|| cell.to_string(), str::to_owned);
        assert!(text.contains(&cell), "{cell} in {text}");
    }

    // A revision to one row: the answer says it is cut, in JSON and on the file.
    let mut first_only = net_by_account();
    first_only["row_limit"] = json!(1);
    let revised = system.post(t, &format!("/v1/report-definitions/{id}/revise"), &first_only).await;
    assert_eq!((revised.status.as_u16(), revised.body["revision"].clone()), (200, json!(2)), "{}", revised.body);
    let run = system.get(t, &path, None).await;
    assert_eq!((run.body["row_count"].clone(), run.body["truncated"].clone()), (json!(1), json!(true)));
    assert_eq!(run.body["rows"][0], expected_rows()[0]);
    let token = system.token(t).await;
    let cut = reqwest::Client::new()
        .get(format!("{}{path}?format=csv", system.query_url))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    assert_eq!(cut.headers().get("x-prism-report-truncated").unwrap(), "true");

    // Removed: gone from the list, and running it is 404.
    let removed = system.post(t, &format!("/v1/report-definitions/{id}/remove"), &Value::Null).await;
    assert_eq!(removed.status.as_u16(), 204);
    assert_eq!(system.get(t, &path, None).await.status.as_u16(), 404);
    assert_eq!(system.get(t, "/v1/report-definitions", None).await.body["items"], json!([]));
}

/// The attachment of `mail` (base64 in a `multipart/mixed` message), decoded, with its headers.
fn attachment(mail: &Mail) -> (String, Vec<u8>) {
    let data = mail.data.replace("\r\n", "\n");
    let start = data.find("Content-Disposition: attachment").expect("an attachment");
    let part = &data[start..];
    let (headers, rest) = part.split_once("\n\n").unwrap();
    let encoded: String = rest.lines().take_while(|line| !line.starts_with("--")).collect();
    (headers.to_owned(), base64::engine::general_purpose::STANDARD.decode(encoded.trim()).unwrap())
}

#[tokio::test(flavor = "multi_thread")]
async fn a_scheduled_report_is_emailed_as_an_attachment_once_per_occurrence() {
    let system = System::start_with(options()).await;
    let sink = SmtpSink::start().await;
    let tenant = system.ledger_tenant().await;
    let t = tenant.as_str();
    post_ledger(&system, t).await;
    system.await_postgres_caught_up(t).await;

    // Due this very minute (the occurrence of a schedule set during its minute is owed).
    if Utc::now().second() >= 55 {
        tokio::time::sleep(Duration::from_secs(6)).await;
    }
    let now = Utc::now();
    let mut scheduled = net_by_account();
    scheduled["schedule"] = json!({"frequency": "daily", "time": now.format("%H:%M").to_string(), "format": "xlsx",
        "recipients": ["cfo@reports.example", "controller@reports.example"]});
    let refused = system
        .post(t, "/v1/report-definitions", &{
            let mut bad = scheduled.clone();
            bad["schedule"]["recipients"] = json!(["not an address"]);
            bad
        })
        .await;
    assert_refused(&refused, 422, "invalid-report-definition", Some("schedule.recipients[0]"));
    let saved = system.post(t, "/v1/report-definitions", &scheduled).await;
    assert_eq!(saved.status.as_u16(), 201, "{}", saved.body);
    let notifications = system.start_notifications(&sink.addr, false).await;

    for recipient in ["cfo@reports.example", "controller@reports.example"] {
        let mails = eventually(Duration::from_secs(30), "the scheduled report email", || async {
            let mails = sink.mails_to(recipient).await;
            (!mails.is_empty()).then_some(mails)
        })
        .await;
        let mail = &mails[0];
        let subject = mail.header("Subject").unwrap();
        assert!(subject.contains("Net by account (November)"), "{subject}");
        let (headers, workbook) = attachment(mail);
        let day = now.format("%Y-%m-%d");
        // The name may come folded (RFC 2231 `filename*0=`), the type is the workbook's.
        assert!(headers.contains(&format!("\"net-by-account-november-{day}.xlsx\"")), "{headers}");
        assert!(headers.contains(&format!("Content-Type: {XLSX}")), "{headers}");
        let mut sheet = read_back("scheduled.xlsx", &workbook).as_array().unwrap().clone();
        sheet.remove(0);
        assert_eq!(Value::Array(sheet), expected_rows());
    }

    // Later polls, and a second notification process, owe nothing more for this occurrence.
    notifications.kill().await;
    let again = system.start_notifications(&sink.addr, true).await;
    tokio::time::sleep(Duration::from_secs(3)).await;
    assert_eq!(sink.mails_to("cfo@reports.example").await.len(), 1);
    assert_eq!(sink.mails_to("controller@reports.example").await.len(), 1);
    again.kill().await;
}
