//! A rebuilt read model equals the live one. A realistic year of books goes through the REST
//! APIs while the `postgres` projector follows along live: chart changes (accounts opened,
//! renamed, archived, reactivated), tax rates defined, changed and retired, custom roles
//! defined, changed and retired, journal entries in
//! two currencies and a reversal, invoices issued, paid in parts, voided and credited, a draft
//! left alone, payments with and without an unallocated rest, budget amounts set and cleared,
//! periods closed, locked and reopened, and the year closed. Once the live projector has
//! applied every event of the tenant, a second `postgres` projector — in a consumer group of
//! its own, on a second, empty database — replays the same topics from the start until it has
//! applied the same positions, and every read-model table of the tenant is compared row for
//! row, as JSON ordered by primary key.
//!
//! Only `projection_applied.applied_at` is left out (compared by `projector` and
//! `global_position` alone): it is the wall-clock time of the write, which differs between two
//! projectors by construction. Everything else, `journal_entries.recorded_at` included (the
//! event's `occurred_at`, not the time of projection), must be equal.

#![allow(clippy::unwrap_used)] // test code: a panic is a failed test

use std::time::Duration;

use prism_projections::config::ProjectorKind;
use prism_tests::env::StackEnv;
use prism_tests::replay::{
    create_database, differences, drop_database, event_positions, followed_aggregate_types, rows, wait_until_applied,
    InProcessProjector, APPLIED, IDENTITY_TABLES, LEDGER_TABLES,
};
use prism_tests::system::{System, SystemOptions};
use serde_json::{json, Value};

/// Rows the workload below leaves in the live read model, per table (see the comments there).
const EXPECTED_ROWS: &[(&str, i64)] = &[
    ("accounts", 39),
    ("fiscal_years", 1),
    ("fiscal_periods", 12),
    ("journal_entries", 17),
    ("tax_rates", 2),
    ("invoices", 6),
    ("invoice_lines", 7),
    ("invoice_payments", 3),
    ("payments", 3),
    ("payment_allocations", 3),
    ("budget_amounts", 2),
    ("roles", 2),
];

/// Posts `body` to `path` as `tenant`, asserting the command was accepted.
async fn ok(system: &System, tenant: &str, path: &str, body: &Value) -> Value {
    let answer = system.post(tenant, path, body).await;
    assert!(answer.status.is_success(), "{path}: {} {}", answer.status, answer.body);
    answer.body
}

fn entry(date: &str, description: &str, lines: &Value) -> Value {
    json!({"date": date, "description": description, "lines": lines})
}

fn invoice_line(description: &str, quantity: &str, unit_price: i64, account: &str, tax_code: Option<&str>) -> Value {
    json!({"description": description, "quantity": quantity, "unit_price": unit_price, "account": account,
           "tax_code": tax_code})
}

/// Drafts a EUR document of `kind` for `counterparty`; returns its id.
async fn draft(system: &System, tenant: &str, kind: &str, counterparty: &str, extra: Value, lines: Value) -> String {
    let mut body = json!({"kind": kind, "counterparty_id": counterparty,
                          "counterparty_name": format!("{} Ltd", counterparty.to_uppercase()),
                          "currency": "EUR", "lines": lines});
    if let (Some(body), Value::Object(extra)) = (body.as_object_mut(), extra) {
        body.extend(extra);
    }
    let drafted = ok(system, tenant, "/v1/invoices", &body).await;
    drafted["invoice_id"].as_str().unwrap().to_owned()
}

async fn issue(system: &System, tenant: &str, id: &str, date: &str) {
    ok(system, tenant, &format!("/v1/invoices/{id}/issue"), &json!({"issue_date": date})).await;
}

async fn pay(system: &System, tenant: &str, direction: &str, who: &str, date: &str, amount: i64, alloc: (&str, i64)) {
    let body = json!({"direction": direction, "counterparty_id": who, "payment_date": date, "amount_minor": amount,
                      "currency": "EUR", "reference": format!("BANK-{date}"),
                      "allocations": [{"invoice_id": alloc.0, "amount_minor": alloc.1}]});
    ok(system, tenant, "/v1/payments", &body).await;
}

/// A year of books through the command API.
async fn run_workload(system: &System, tenant: &str) {
    let t = tenant;
    // The chart: 37 default accounts (ledger_tenant) + 6310 + 1020 = 39; 1300 stays archived.
    let software = json!({"code": "6310", "name": "Software", "account_type": "expense", "parent": "6"});
    ok(system, t, "/v1/accounts", &software).await;
    let usd_bank = json!({"code": "1020", "name": "Bank (USD)", "account_type": "asset", "parent": "11",
                          "currency": "USD", "cash": true});
    ok(system, t, "/v1/accounts", &usd_bank).await;
    ok(system, t, "/v1/accounts/6310/rename", &json!({"name": "Software subscriptions"})).await;
    ok(system, t, "/v1/accounts/1010/archive", &Value::Null).await;
    ok(system, t, "/v1/accounts/1010/reactivate", &Value::Null).await;
    ok(system, t, "/v1/accounts/1300/archive", &Value::Null).await;

    // Tax rates: 2.
    let vat20 = json!({"code": "VAT20", "name": "VAT standard rate", "rate_bp": 2000,
                       "sales_account": "2100", "purchase_account": "1400"});
    ok(system, t, "/v1/tax-rates", &vat20).await;
    let vat7 = json!({"code": "VAT7", "name": "VAT reduced rate", "rate_bp": 700,
                      "sales_account": "2100", "purchase_account": "1400"});
    ok(system, t, "/v1/tax-rates", &vat7).await;
    ok(system, t, "/v1/tax-rates/VAT7/change", &json!({"rate_bp": 800, "effective_from": "2026-03-01"})).await;

    // Custom roles: 2, one changed, one retired.
    let clerk = json!({"name": "ap_clerk", "description": "Payables", "permissions": ["finance.invoice.manage"]});
    ok(system, t, "/v1/roles", &clerk).await;
    ok(system, t, "/v1/roles", &json!({"name": "viewer", "description": "Reads", "permissions": ["audit.read"]})).await;
    let payables = json!({"permissions": ["finance.invoice.manage", "finance.payment.process"]});
    ok(system, t, "/v1/roles/ap_clerk/permissions", &payables).await;
    ok(system, t, "/v1/roles/viewer/retire", &Value::Null).await;

    // Journal entries typed in: 6, one reversed (+1).
    let capital = json!({"date": "2026-01-02", "description": "Owner invests", "source_reference": "CAP-1",
        "lines": [{"account": "1000", "debit": 5_000_000, "currency": "EUR", "memo": "wire"},
                  {"account": "3000", "credit": 5_000_000, "currency": "EUR"}]});
    ok(system, t, "/v1/journal-entries", &capital).await;
    let usd = json!([{"account": "1020", "debit": 250_000, "currency": "USD"},
                     {"account": "3000", "credit": 250_000, "currency": "USD"}]);
    ok(system, t, "/v1/journal-entries", &entry("2026-01-03", "Owner invests dollars", &usd)).await;
    let supplies = json!([{"account": "6300", "debit": 12_000, "currency": "EUR"},
                          {"account": "1400", "debit": 2_400, "currency": "EUR"},
                          {"account": "1000", "credit": 14_400, "currency": "EUR"}]);
    ok(system, t, "/v1/journal-entries", &entry("2026-01-20", "Office supplies", &supplies)).await;
    let twice = json!([{"account": "6300", "debit": 9_999, "currency": "EUR"},
                       {"account": "1000", "credit": 9_999, "currency": "EUR"}]);
    let typo = ok(system, t, "/v1/journal-entries", &entry("2026-01-21", "Office supplies again", &twice)).await;
    let typo_id = typo["entry_id"].as_str().unwrap();
    let reason = json!({"reason": "entered twice", "date": "2026-01-22"});
    ok(system, t, &format!("/v1/journal-entries/{typo_id}/reverse"), &reason).await;
    let rent = json!([{"account": "6100", "debit": 300_000, "currency": "EUR"},
                      {"account": "1000", "credit": 300_000, "currency": "EUR"}]);
    ok(system, t, "/v1/journal-entries", &entry("2026-03-31", "Rent", &rent)).await;
    let depreciation = json!([{"account": "6400", "debit": 240_000, "currency": "EUR"},
                              {"account": "1510", "credit": 240_000, "currency": "EUR"}]);
    ok(system, t, "/v1/journal-entries", &entry("2026-12-31", "Depreciation", &depreciation)).await;

    // Documents: 6 (7 lines), 5 issued and posting, one voided (+1 posting), one a draft.
    let machine = invoice_line("Machine", "1", 1_200_000, "1500", Some("VAT20"));
    let bill = draft(system, t, "vendor_bill", "v-1", json!({}), json!([machine])).await;
    issue(system, t, &bill, "2026-01-05").await;
    let consulting = invoice_line("Consulting days", "10", 80_000, "4100", Some("VAT20"));
    let books = invoice_line("Books", "2.5", 10_000, "4000", None);
    let first = draft(system, t, "customer_invoice", "c-1", json!({}), json!([consulting, books])).await;
    issue(system, t, &first, "2026-01-15").await; // 800,000 + 160,000 VAT + 25,000 = 985,000
    let widgets = invoice_line("Widgets", "5", 100_000, "4000", Some("VAT20"));
    let wrong = draft(system, t, "customer_invoice", "c-2", json!({}), json!([widgets])).await;
    issue(system, t, &wrong, "2026-02-10").await;
    let void = json!({"reason": "wrong customer", "void_date": "2026-02-11"});
    ok(system, t, &format!("/v1/invoices/{wrong}/void"), &void).await;
    let food = invoice_line("Catering", "3", 15_000, "4000", Some("VAT7"));
    let third = draft(system, t, "customer_invoice", "c-3", json!({}), json!([food])).await;
    issue(system, t, &third, "2026-03-05").await; // 45,000 + 8 % = 48,600
    ok(system, t, "/v1/tax-rates/VAT7/retire", &Value::Null).await;
    let returned = invoice_line("Catering returned", "1", 15_000, "4000", None);
    let credit_note =
        draft(system, t, "customer_credit_note", "c-3", json!({"credits_invoice_id": third}), json!([returned])).await;
    issue(system, t, &credit_note, "2026-03-10").await;
    let later = invoice_line("Consulting next year", "1", 50_000, "4100", Some("VAT20"));
    draft(system, t, "customer_invoice", "c-4", json!({}), json!([later])).await;

    // Payments: 3, c-1 in two parts with 15,000 left unallocated, the bill in full.
    pay(system, t, "received", "c-1", "2026-02-14", 500_000, (&first, 500_000)).await;
    pay(system, t, "received", "c-1", "2026-02-20", 500_000, (&first, 485_000)).await;
    pay(system, t, "made", "v-1", "2026-03-01", 1_440_000, (&bill, 1_440_000)).await;

    // Budget amounts: 3 set, one cleared again, one more: 2 rows.
    let plan = json!({"currency": "EUR", "amounts": [
        {"account": "6100", "period": "2026-01", "amount_minor": 300_000},
        {"account": "4100", "period": "2026-01", "amount_minor": 800_000},
        {"account": "6300", "period": "2026-01", "amount_minor": 20_000}]});
    ok(system, t, "/v1/budgets/2026-plan/amounts", &plan).await;
    let revised = json!({"currency": "EUR", "amounts": [
        {"account": "6100", "period": "2026-01", "amount_minor": 0},
        {"account": "6300", "period": "2026-01", "amount_minor": 0},
        {"account": "6100", "period": "2026-02", "amount_minor": 310_000}]});
    ok(system, t, "/v1/budgets/2026-plan/amounts", &revised).await;

    // The calendar: January closed and locked, February closed and reopened, then every
    // period closed and the year closed (its closing entry is the 17th entry).
    ok(system, t, "/v1/fiscal-periods/2026-01/close", &Value::Null).await;
    ok(system, t, "/v1/fiscal-periods/2026-01/lock", &Value::Null).await;
    ok(system, t, "/v1/fiscal-periods/2026-02/close", &Value::Null).await;
    ok(system, t, "/v1/fiscal-periods/2026-02/reopen", &json!({"reason": "late supplier invoice"})).await;
    for month in 2..=12 {
        ok(system, t, &format!("/v1/fiscal-periods/2026-{month:02}/close"), &Value::Null).await;
    }
    let closed = ok(system, t, "/v1/fiscal-years/2026/close", &Value::Null).await;
    assert!(closed["entry_id"].is_string(), "the close posted an entry: {closed}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_read_model_rebuilt_from_the_topics_equals_the_live_one_row_for_row() {
    let system =
        System::start_with(SystemOptions { projectors: vec![ProjectorKind::Postgres], kafka_brokers: None }).await;
    let tenant = system.ledger_tenant().await;
    run_workload(&system, &tenant).await;
    // The events the projector follows: not, say, the `TenantProvisioned` recorded at provisioning.
    let followed = followed_aggregate_types(&system, ProjectorKind::Postgres).await;
    let positions = event_positions(&system.pool, &tenant, followed).await;
    let live = &system.pool;
    wait_until_applied(live, &tenant, "postgres", &positions, Duration::from_secs(60), "the live projector").await;
    for (table, expected) in EXPECTED_ROWS {
        assert_eq!(system.count(&tenant, table).await, *expected, "live {table}");
    }

    let env = StackEnv::from_env();
    let admin = prism_platform::db::connect_url(&env.database_url, 1).await.expect("stack Postgres reachable");
    let database = create_database(&admin).await;
    let mut config = system.projector_config(ProjectorKind::Postgres);
    config.database.url = env.database_url_named(&database);
    config.consumer.consumer_group = Some(format!("{}-rebuild-postgres", system.topic_prefix));
    let running = InProcessProjector::start(&config).await;
    let rebuilt = prism_platform::db::connect_url(&config.database.url, 2).await.expect("rebuild database reachable");
    wait_until_applied(&rebuilt, &tenant, "postgres", &positions, Duration::from_secs(60), "the rebuild").await;

    let mut found = Vec::new();
    let mut compared = Vec::new();
    for table in LEDGER_TABLES.iter().chain(IDENTITY_TABLES).chain([&APPLIED]) {
        let (live_rows, rebuilt_rows) =
            (rows(&system.pool, &tenant, *table).await, rows(&rebuilt, &tenant, *table).await);
        compared.push(format!("{} {}", table.0, live_rows.as_array().map_or(0, Vec::len)));
        found.extend(differences(table.0, &live_rows, &rebuilt_rows));
    }

    let stopped = running.stop().await;
    rebuilt.close().await;
    drop_database(&admin, &database).await;
    admin.close().await;
    assert!(matches!(stopped, Ok(Ok(Ok(())))), "the rebuild projector stopped cleanly: {stopped:?}");
    assert!(found.is_empty(), "the rebuilt read model differs ({}):\n{}", compared.join(", "), found.join("\n"));
}
