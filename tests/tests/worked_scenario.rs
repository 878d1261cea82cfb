//! A small company's first year, end to end through the REST APIs, with every statement written
//! out by hand: the owner's capital, equipment bought on credit, sales invoices with VAT, a
//! partial payment, a supplier paid, rent, depreciation, a US-dollar invoice paid after a rate
//! change, two period-end revaluations, and the year-end close. The functional currency is EUR;
//! 1 USD = 0.90 EUR from 01-01, 0.95 from 06-30, 0.92 from 12-31.
//!
//! | date  | what                                   | Dr                         | Cr                      |
//! |-------|----------------------------------------|----------------------------|-------------------------|
//! | 01-02 | owner invests 50,000.00                | 1000 Bank 5,000,000        | 3000 Capital 5,000,000  |
//! | 01-05 | equipment bill 12,000.00 + 20 % VAT    | 1500 1,200,000; 1400 240,000 | 2000 AP 1,440,000     |
//! | 01-15 | invoice c-1: 10 × 800.00 + VAT         | 1100 AR 960,000            | 4100 800,000; 2100 160,000 |
//! | 02-10 | invoice c-2: 5 × 1,000.00 + VAT        | 1100 AR 600,000            | 4000 500,000; 2100 100,000 |
//! | 02-14 | c-1 pays 5,000.00                      | 1000 500,000               | 1100 500,000            |
//! | 03-01 | the equipment bill is paid             | 2000 1,440,000             | 1000 1,440,000          |
//! | 03-31 | rent                                   | 6100 300,000               | 1000 300,000            |
//! | 12-31 | depreciation (12,000.00 over 5 years)  | 6400 240,000               | 1510 240,000            |
//!
//! In EUR: net income 1,300,000 − 540,000 = 760,000; cash 5,000,000 + 500,000 − 1,440,000 −
//! 300,000 = 3,760,000.
//!
//! In USD, valued in EUR (functional amounts in brackets):
//!
//! | date  | what                                   | Dr                         | Cr                      |
//! |-------|----------------------------------------|----------------------------|-------------------------|
//! | 04-01 | invoice c-3: 2,000.00 USD, no VAT      | 1100 USD 200,000 (180,000) | 4000 USD 200,000 (180,000) |
//! | 06-30 | revaluation at 0.95: AR worth 190,000  | 1100 USD 0 (10,000)        | 4920 (10,000)           |
//! | 07-15 | c-3 pays 2,000.00 USD at 0.95          | 1000 USD 200,000 (190,000) | 1100 USD 200,000 (190,000) |
//! | 12-31 | revaluation at 0.92: bank worth 184,000 | 6920 (6,000)              | 1000 USD 0 (6,000)      |
//!
//! In EUR overall: net income 760,000 + 180,000 + 10,000 − 6,000 = 944,000; cash 3,760,000 +
//! 184,000 = 3,944,000.

#![allow(clippy::unwrap_used)] // test code: a panic is a failed test

use prism_projections::config::ProjectorKind;
use prism_tests::system::{System, SystemOptions};
use serde_json::{json, Value};

const EUR_TB: &str = "/v1/reports/trial-balance?as_of=2026-12-31&currency=EUR";
const FUNCTIONAL_TB: &str = "/v1/reports/trial-balance?as_of=2026-12-31&basis=functional";

/// Posts `body` to `path` and returns the answer's position (asserting `status`).
async fn command(system: &System, tenant: &str, path: &str, body: &Value, status: u16) -> (Value, i64) {
    let answer = system.post(tenant, path, body).await;
    assert_eq!(answer.status.as_u16(), status, "{path}: {}", answer.body);
    let position = answer.body["position"].as_i64().unwrap();
    (answer.body, position)
}

fn entry(date: &str, description: &str, debit: &str, credit: &str, amount: i64) -> Value {
    json!({"date": date, "description": description, "lines": [
        {"account": debit, "debit": amount, "currency": "EUR"},
        {"account": credit, "credit": amount, "currency": "EUR"}]})
}

async fn invoice(system: &System, tenant: &str, kind: &str, who: &str, line: Value, date: &str) -> (String, i64) {
    invoice_in(system, tenant, "EUR", kind, who, line, date).await
}

async fn invoice_in(
    system: &System,
    tenant: &str,
    currency: &str,
    kind: &str,
    who: &str,
    line: Value,
    date: &str,
) -> (String, i64) {
    let draft = json!({"kind": kind, "counterparty_id": who, "counterparty_name": who.to_uppercase(),
                       "currency": currency, "lines": [line]});
    let (drafted, _) = command(system, tenant, "/v1/invoices", &draft, 201).await;
    let id = drafted["invoice_id"].as_str().unwrap().to_owned();
    let (_, position) =
        command(system, tenant, &format!("/v1/invoices/{id}/issue"), &json!({"issue_date": date}), 200).await;
    (id, position)
}

fn payment(direction: &str, who: &str, date: &str, amount: i64, invoice: &str) -> Value {
    payment_in("EUR", direction, who, date, amount, invoice)
}

fn payment_in(currency: &str, direction: &str, who: &str, date: &str, amount: i64, invoice: &str) -> Value {
    json!({"direction": direction, "counterparty_id": who, "payment_date": date, "amount_minor": amount,
           "currency": currency, "allocations": [{"invoice_id": invoice, "amount_minor": amount}]})
}

/// `code → (debit balance, credit balance)` of the EUR trial balance, zero lines left out.
fn balances(trial_balance: &Value) -> Vec<(String, i64, i64)> {
    let eur = &trial_balance["currencies"][0];
    assert_eq!(eur["balanced"], true, "{trial_balance}");
    eur["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            let (d, c) = (l["debit_balance_minor"].as_i64().unwrap(), l["credit_balance_minor"].as_i64().unwrap());
            (l["code"].as_str().unwrap().to_owned(), d, c)
        })
        .filter(|(_, d, c)| *d != 0 || *c != 0)
        .collect()
}

fn amounts(section: &Value) -> Vec<(String, i64)> {
    section
        .as_array()
        .unwrap()
        .iter()
        .map(|l| (l["code"].as_str().unwrap_or_default().to_owned(), l["amount_minor"].as_i64().unwrap()))
        .filter(|(_, amount)| *amount != 0)
        .collect()
}

fn owned(rows: &[(&str, i64, i64)]) -> Vec<(String, i64, i64)> {
    rows.iter().map(|(code, d, c)| ((*code).to_owned(), *d, *c)).collect()
}

fn owned_amounts(rows: &[(&str, i64)]) -> Vec<(String, i64)> {
    rows.iter().map(|(code, amount)| ((*code).to_owned(), *amount)).collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_first_year_of_books_gives_the_textbook_statements() {
    let system =
        System::start_with(SystemOptions { projectors: vec![ProjectorKind::Postgres], kafka_brokers: None }).await;
    let tenant = system.ledger_tenant().await;
    let t = tenant.as_str();
    command(&system, t, "/v1/exchange-rates/functional-currency", &json!({"currency": "EUR"}), 201).await;
    let rates = json!({"rates": [{"currency": "USD", "date": "2026-01-01", "rate": "0.90"},
        {"currency": "USD", "date": "2026-06-30", "rate": "0.95"}, {"currency": "USD", "date": "2026-12-31", "rate": "0.92"}]});
    command(&system, t, "/v1/exchange-rates", &rates, 200).await;
    let vat = json!({"code": "VAT20", "name": "VAT 20 %", "rate_bp": 2000, "sales_account": "2100", "purchase_account": "1400"});
    command(&system, t, "/v1/tax-rates", &vat, 201).await;

    command(&system, t, "/v1/journal-entries", &entry("2026-01-02", "Owner invests", "1000", "3000", 5_000_000), 201)
        .await;
    let equipment = json!({"description": "Machine", "quantity": 1, "unit_price": 1_200_000, "account": "1500", "tax_code": "VAT20"});
    let (bill, _) = invoice(&system, t, "vendor_bill", "v-1", equipment, "2026-01-05").await;
    let consulting = json!({"description": "Consulting days", "quantity": "10", "unit_price": 80_000, "account": "4100", "tax_code": "VAT20"});
    let (first, _) = invoice(&system, t, "customer_invoice", "c-1", consulting, "2026-01-15").await;
    let goods =
        json!({"description": "Widgets", "quantity": 5, "unit_price": 100_000, "account": "4000", "tax_code": "VAT20"});
    invoice(&system, t, "customer_invoice", "c-2", goods, "2026-02-10").await;
    command(&system, t, "/v1/payments", &payment("received", "c-1", "2026-02-14", 500_000, &first), 201).await;
    command(&system, t, "/v1/payments", &payment("made", "v-1", "2026-03-01", 1_440_000, &bill), 201).await;
    command(&system, t, "/v1/journal-entries", &entry("2026-03-31", "Rent", "6100", "1000", 300_000), 201).await;
    let export = json!({"description": "Export widgets", "quantity": 1, "unit_price": 200_000, "account": "4000"});
    let (in_usd, _) = invoice_in(&system, t, "USD", "customer_invoice", "c-3", export, "2026-04-01").await;
    command(&system, t, "/v1/revaluations", &json!({"date": "2026-06-30"}), 201).await;
    command(&system, t, "/v1/payments", &payment_in("USD", "received", "c-3", "2026-07-15", 200_000, &in_usd), 201)
        .await;
    let (_, last) =
        command(&system, t, "/v1/journal-entries", &entry("2026-12-31", "Depreciation", "6400", "1510", 240_000), 201)
            .await;
    let (_, revalued) = command(&system, t, "/v1/revaluations", &json!({"date": "2026-12-31"}), 201).await;

    system.await_postgres_caught_up(t).await;
    let trial_balance = system.get(t, EUR_TB, Some(last)).await;
    assert_eq!(
        balances(&trial_balance.body),
        owned(&[
            ("1000", 3_760_000, 0),
            ("1100", 1_060_000, 0),
            ("1400", 240_000, 0),
            ("1500", 1_200_000, 0),
            ("1510", 0, 240_000),
            ("2100", 0, 260_000),
            ("3000", 0, 5_000_000),
            ("4000", 0, 500_000),
            ("4100", 0, 800_000),
            ("6100", 300_000, 0),
            ("6400", 240_000, 0),
        ])
    );
    assert_eq!(trial_balance.body["currencies"][0]["total_debit_minor"], 6_800_000);

    let result = system.get(t, "/v1/reports/income-statement?from=2026-01-01&to=2026-12-31&currency=EUR", None).await;
    let eur = &result.body["currencies"][0];
    assert_eq!(amounts(&eur["income"]), owned_amounts(&[("4000", 500_000), ("4100", 800_000)]));
    assert_eq!(amounts(&eur["expenses"]), owned_amounts(&[("6100", 300_000), ("6400", 240_000)]));
    assert_eq!(
        (eur["total_income_minor"].as_i64(), eur["total_expense_minor"].as_i64()),
        (Some(1_300_000), Some(540_000))
    );
    assert_eq!(eur["net_income_minor"], 760_000);

    let sheet = system.get(t, "/v1/reports/balance-sheet?as_of=2026-12-31&currency=EUR", None).await;
    let eur = &sheet.body["currencies"][0];
    assert_eq!(
        amounts(&eur["assets"]),
        owned_amounts(&[
            ("1000", 3_760_000),
            ("1100", 1_060_000),
            ("1400", 240_000),
            ("1500", 1_200_000),
            ("1510", -240_000)
        ])
    );
    assert_eq!(amounts(&eur["liabilities"]), owned_amounts(&[("2100", 260_000)]));
    assert_eq!(amounts(&eur["equity"]), owned_amounts(&[("3000", 5_000_000)]));
    assert_eq!(eur["current_earnings_minor"], 760_000);
    assert_eq!(eur["total_assets_minor"], 6_020_000);
    assert_eq!(eur["total_liabilities_and_equity_minor"], 6_020_000);
    assert_eq!(eur["balanced"], true);

    let cash = system.get(t, "/v1/reports/cash-flow?from=2026-01-01&to=2026-12-31&currency=EUR", None).await;
    let eur = &cash.body["currencies"][0];
    assert_eq!(eur["opening_cash_minor"], 0, "{}", cash.body);
    assert_eq!(
        amounts(&eur["operating"]["lines"]),
        owned_amounts(&[("1100", 500_000), ("2000", -1_440_000), ("6100", -300_000)])
    );
    assert_eq!(eur["operating"]["total_minor"], -1_240_000);
    assert_eq!(eur["investing"]["total_minor"], 0);
    assert_eq!(amounts(&eur["financing"]["lines"]), owned_amounts(&[("3000", 5_000_000)]));
    assert_eq!(
        (eur["net_change_minor"].as_i64(), eur["closing_cash_minor"].as_i64()),
        (Some(3_760_000), Some(3_760_000))
    );
    assert_eq!(eur["reconciles"], true);

    let aging = system.get(t, "/v1/reports/aging?side=receivables&as_of=2026-03-31&currency=EUR", None).await;
    let totals = &aging.body["currencies"][0]["totals"];
    assert_eq!(totals["days_1_30_minor"], 600_000, "c-2, due 03-12, 19 days late: {}", aging.body);
    assert_eq!(totals["days_31_60_minor"], 460_000, "c-1, due 02-14, 45 days late");
    assert_eq!(totals["total_minor"], 1_060_000);

    let functional = system.get(t, FUNCTIONAL_TB, Some(revalued)).await;
    assert_eq!(
        balances(&functional.body),
        owned(&[
            ("1000", 3_944_000, 0),
            ("1100", 1_060_000, 0),
            ("1400", 240_000, 0),
            ("1500", 1_200_000, 0),
            ("1510", 0, 240_000),
            ("2100", 0, 260_000),
            ("3000", 0, 5_000_000),
            ("4000", 0, 680_000),
            ("4100", 0, 800_000),
            ("4920", 0, 10_000),
            ("6100", 300_000, 0),
            ("6400", 240_000, 0),
            ("6920", 6_000, 0),
        ])
    );
    assert_eq!(functional.body["currencies"][0]["total_debit_minor"], 6_990_000);
    let result =
        system.get(t, "/v1/reports/income-statement?from=2026-01-01&to=2026-12-31&basis=functional", None).await;
    assert_eq!(result.body["currencies"][0]["net_income_minor"], 944_000, "{}", result.body);

    for month in 1..=12 {
        command(&system, t, &format!("/v1/fiscal-periods/2026-{month:02}/close"), &Value::Null, 200).await;
    }
    let (_, closed) = command(&system, t, "/v1/fiscal-years/2026/close", &Value::Null, 200).await;
    system.await_postgres_caught_up(t).await;
    let post_closing = system.get(t, EUR_TB, Some(closed)).await;
    assert_eq!(
        balances(&post_closing.body),
        owned(&[
            ("1000", 3_760_000, 0),
            ("1100", 1_060_000, 0),
            ("1400", 240_000, 0),
            ("1500", 1_200_000, 0),
            ("1510", 0, 240_000),
            ("2100", 0, 260_000),
            ("3000", 0, 5_000_000),
            ("3200", 0, 760_000),
        ])
    );
    let sheet = system.get(t, "/v1/reports/balance-sheet?as_of=2026-12-31&currency=EUR", None).await;
    let eur = &sheet.body["currencies"][0];
    assert_eq!(eur["current_earnings_minor"], 0);
    assert_eq!(amounts(&eur["equity"]), owned_amounts(&[("3000", 5_000_000), ("3200", 760_000)]));
    assert_eq!(eur["balanced"], true);

    let functional = system.get(t, FUNCTIONAL_TB, Some(closed)).await;
    assert_eq!(
        balances(&functional.body),
        owned(&[
            ("1000", 3_944_000, 0),
            ("1100", 1_060_000, 0),
            ("1400", 240_000, 0),
            ("1500", 1_200_000, 0),
            ("1510", 0, 240_000),
            ("2100", 0, 260_000),
            ("3000", 0, 5_000_000),
            ("3200", 0, 944_000),
        ])
    );
    let sheet = system.get(t, "/v1/reports/balance-sheet?as_of=2026-12-31&basis=functional", None).await;
    let eur = &sheet.body["currencies"][0];
    assert_eq!((eur["total_assets_minor"].as_i64(), eur["balanced"].as_bool()), (Some(6_204_000), Some(true)));
}
