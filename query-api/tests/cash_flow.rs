//! The cash-flow statement over ledger and chart rows seeded directly: cash movements
//! explained by their counter-accounts, split into operating, investing and financing,
//! transfers between cash accounts netting to nothing, and opening plus net change checked
//! against the closing cash; every figure computed by hand below. JSON and CSV, the
//! currency filter and the refusal of bad parameters.

mod common;

use common::{assert_problem, new_tenant, seed_accounts, seed_entry, Answer, SeedAccount, SeedEntry, TestApi};
use prism_aggregates::tenant::TenantId;
use serde_json::{json, Value};
use sqlx::PgPool;

const CSV: (&str, &str) = ("Accept", "text/csv");

/// The default chart's accounts the example posts to; 1000 and 1010 are cash.
fn chart() -> Vec<SeedAccount> {
    vec![
        SeedAccount { cash: true, ..SeedAccount::new("1000", "Bank account", "asset") },
        SeedAccount { cash: true, ..SeedAccount::new("1010", "Petty cash", "asset") },
        SeedAccount::new("1100", "Accounts receivable", "asset"),
        SeedAccount::new("1500", "Equipment", "asset"),
        SeedAccount::new("2100", "VAT payable", "liability"),
        SeedAccount::new("2500", "Loans payable", "liability"),
        SeedAccount::new("3000", "Owner's capital", "equity"),
        SeedAccount::new("4000", "Sales revenue", "income"),
        SeedAccount::new("6100", "Rent", "expense"),
    ]
}

/// The worked example, amounts in cents:
///
/// | date       | entry                                   | lines                                               |
/// |------------|-----------------------------------------|-----------------------------------------------------|
/// | 2025-12-15 | bank loan of 50,000.00 (before the range) | 1000 Dr 5,000,000 / 2500 Cr 5,000,000             |
/// | 2026-01-02 | owner's capital 1,000,000.00            | 1000 Dr 100,000,000 / 3000 Cr 100,000,000           |
/// | 2026-01-10 | equipment 250,000.00 paid from the bank | 1500 Dr 25,000,000 / 1000 Cr 25,000,000             |
/// | 2026-01-20 | sale on account 10,000.00 + 19 % VAT    | 1100 Dr 1,190,000 / 4000 Cr 1,000,000 / 2100 Cr 190,000 (no cash) |
/// | 2026-02-15 | the customer pays                       | 1000 Dr 1,190,000 / 1100 Cr 1,190,000               |
/// | 2026-02-28 | rent 1,500.00                           | 6100 Dr 150,000 / 1000 Cr 150,000                   |
/// | 2026-03-01 | bank to petty cash 500.00               | 1010 Dr 50,000 / 1000 Cr 50,000                     |
/// | 2026-03-10 | consulting fee in USD 500.00            | USD 1000 Dr 50,000 / 4000 Cr 50,000                 |
/// | 2026-03-15 | loan repayment 1,000.00                 | 2500 Dr 100,000 / 1000 Cr 100,000                   |
/// | 2026-03-20 | cash sale 1,000.00 + 19 % VAT into petty cash | 1010 Dr 119,000 / 4000 Cr 100,000 / 2100 Cr 19,000 |
/// | 2026-04-05 | rent 1,500.00 (after the range)         | 6100 Dr 150,000 / 1000 Cr 150,000                   |
async fn seed_example(pool: &PgPool, tenant: &TenantId) {
    seed_accounts(pool, tenant, &chart()).await;
    let entries = [
        SeedEntry::new("2025-12-15", 1, &[("1000", "EUR", 5_000_000, 0), ("2500", "EUR", 0, 5_000_000)]),
        SeedEntry::new("2026-01-02", 2, &[("1000", "EUR", 100_000_000, 0), ("3000", "EUR", 0, 100_000_000)]),
        SeedEntry::new("2026-01-10", 3, &[("1500", "EUR", 25_000_000, 0), ("1000", "EUR", 0, 25_000_000)]),
        SeedEntry::new(
            "2026-01-20",
            4,
            &[("1100", "EUR", 1_190_000, 0), ("4000", "EUR", 0, 1_000_000), ("2100", "EUR", 0, 190_000)],
        ),
        SeedEntry::new("2026-02-15", 5, &[("1000", "EUR", 1_190_000, 0), ("1100", "EUR", 0, 1_190_000)]),
        SeedEntry::new("2026-02-28", 6, &[("6100", "EUR", 150_000, 0), ("1000", "EUR", 0, 150_000)]),
        SeedEntry::new("2026-03-01", 7, &[("1010", "EUR", 50_000, 0), ("1000", "EUR", 0, 50_000)]),
        SeedEntry::new("2026-03-10", 8, &[("1000", "USD", 50_000, 0), ("4000", "USD", 0, 50_000)]),
        SeedEntry::new("2026-03-15", 9, &[("2500", "EUR", 100_000, 0), ("1000", "EUR", 0, 100_000)]),
        SeedEntry::new(
            "2026-03-20",
            10,
            &[("1010", "EUR", 119_000, 0), ("4000", "EUR", 0, 100_000), ("2100", "EUR", 0, 19_000)],
        ),
        SeedEntry::new("2026-04-05", 11, &[("6100", "EUR", 150_000, 0), ("1000", "EUR", 0, 150_000)]),
    ];
    for entry in &entries {
        seed_entry(pool, tenant, entry).await;
    }
}

async fn example() -> (TestApi, TenantId) {
    let api = TestApi::start(1_000).await;
    let tenant = new_tenant(&api.pool).await;
    seed_example(&api.pool, &tenant).await;
    (api, tenant)
}

fn line(code: &str, name: &str, amount_minor: i64) -> Value {
    json!({"code": code, "name": name, "amount_minor": amount_minor})
}

/// A section: its lines and their total.
fn section(lines: &[Value]) -> Value {
    let total: i64 = lines.iter().map(|line| line["amount_minor"].as_i64().expect("an amount")).sum();
    json!({"lines": lines, "total_minor": total})
}

fn csv_body(answer: &Answer) -> &str {
    assert_eq!(answer.status, 200, "{answer:?}");
    assert_eq!(answer.content_type, "text/csv; charset=utf-8", "{answer:?}");
    answer.body.as_str().expect("a CSV body is not JSON")
}

#[tokio::test]
async fn the_quarter_explains_the_cash_movement_by_activity_and_reconciles() {
    let (api, tenant) = example().await;

    let answer = api.get(&tenant, "/v1/reports/cash-flow?from=2026-01-01&to=2026-03-31", &[]).await;

    assert_eq!(answer.status, 200, "{answer:?}");
    // EUR opening: the loan, 5,000,000. Operating: receipt 1,190,000, cash sale 100,000 + VAT
    // 19,000, rent -150,000 = 1,159,000. Investing: equipment -25,000,000. Financing: capital
    // 100,000,000, loan repayment -100,000 = 99,900,000. Net change 76,059,000.
    // Closing, summed from the cash accounts: bank 5,000,000 + 100,000,000 - 25,000,000
    // + 1,190,000 - 150,000 - 50,000 - 100,000 = 80,890,000; petty cash 50,000 + 119,000
    // = 169,000; together 81,059,000 = 5,000,000 + 76,059,000. The sale on account moved no
    // cash, the transfer to petty cash nets to nothing and the April rent is after `to`.
    assert_eq!(
        answer.body,
        json!({"from": "2026-01-01", "to": "2026-03-31", "currencies": [
            {"currency": "EUR",
             "opening_cash_minor": 5_000_000,
             "operating": section(&[
                 line("1100", "Accounts receivable", 1_190_000),
                 line("2100", "VAT payable", 19_000),
                 line("4000", "Sales revenue", 100_000),
                 line("6100", "Rent", -150_000),
             ]),
             "investing": section(&[line("1500", "Equipment", -25_000_000)]),
             "financing": section(&[
                 line("2500", "Loans payable", -100_000),
                 line("3000", "Owner's capital", 100_000_000),
             ]),
             "net_change_minor": 76_059_000,
             "closing_cash_minor": 81_059_000,
             "reconciles": true},
            {"currency": "USD",
             "opening_cash_minor": 0,
             "operating": section(&[line("4000", "Sales revenue", 50_000)]),
             "investing": section(&[]),
             "financing": section(&[]),
             "net_change_minor": 50_000,
             "closing_cash_minor": 50_000,
             "reconciles": true},
        ]})
    );
    let eur = &answer.body["currencies"][0];
    assert_eq!(
        [&eur["operating"]["total_minor"], &eur["investing"]["total_minor"], &eur["financing"]["total_minor"]],
        [&json!(1_159_000), &json!(-25_000_000), &json!(99_900_000)]
    );
}

#[tokio::test]
async fn a_later_range_opens_with_the_earlier_cash_and_a_transfer_alone_shows_nowhere() {
    let (api, tenant) = example().await;

    let march = api.get(&tenant, "/v1/reports/cash-flow?from=2026-03-01&to=2026-03-31&currency=EUR", &[]).await;
    let transfer_day = api.get(&tenant, "/v1/reports/cash-flow?from=2026-03-01&to=2026-03-01&currency=EUR", &[]).await;

    // Opening on 2026-03-01: 5,000,000 + 100,000,000 - 25,000,000 + 1,190,000 - 150,000 = 81,040,000.
    assert_eq!(
        march.body["currencies"],
        json!([{"currency": "EUR",
                "opening_cash_minor": 81_040_000,
                "operating": section(&[
                    line("2100", "VAT payable", 19_000),
                    line("4000", "Sales revenue", 100_000),
                ]),
                "investing": section(&[]),
                "financing": section(&[line("2500", "Loans payable", -100_000)]),
                "net_change_minor": 19_000,
                "closing_cash_minor": 81_059_000,
                "reconciles": true}]),
        "{march:?}"
    );
    assert_eq!(
        transfer_day.body["currencies"],
        json!([{"currency": "EUR",
                "opening_cash_minor": 81_040_000,
                "operating": section(&[]), "investing": section(&[]), "financing": section(&[]),
                "net_change_minor": 0,
                "closing_cash_minor": 81_040_000,
                "reconciles": true}]),
        "{transfer_day:?}"
    );
}

#[tokio::test]
async fn the_statement_as_csv_has_opening_and_closing_records_around_the_section_lines() {
    let (api, tenant) = example().await;

    let answer = api.get(&tenant, "/v1/reports/cash-flow?from=2026-01-01&to=2026-03-31", &[CSV]).await;

    assert_eq!(
        csv_body(&answer),
        "currency,section,code,name,amount_minor\r\n\
         EUR,opening_cash,,,5000000\r\n\
         EUR,operating,1100,Accounts receivable,1190000\r\n\
         EUR,operating,2100,VAT payable,19000\r\n\
         EUR,operating,4000,Sales revenue,100000\r\n\
         EUR,operating,6100,Rent,-150000\r\n\
         EUR,investing,1500,Equipment,-25000000\r\n\
         EUR,financing,2500,Loans payable,-100000\r\n\
         EUR,financing,3000,Owner's capital,100000000\r\n\
         EUR,closing_cash,,,81059000\r\n\
         USD,opening_cash,,,0\r\n\
         USD,operating,4000,Sales revenue,50000\r\n\
         USD,closing_cash,,,50000\r\n"
    );
}

#[tokio::test]
async fn the_currency_filter_keeps_one_statement_even_without_cash() {
    let (api, tenant) = example().await;

    let usd = api.get(&tenant, "/v1/reports/cash-flow?from=2026-01-01&to=2026-03-31&currency=USD", &[]).await;
    let chf = api.get(&tenant, "/v1/reports/cash-flow?from=2026-01-01&to=2026-03-31&currency=CHF", &[]).await;
    let before = api.get(&tenant, "/v1/reports/cash-flow?from=2025-01-01&to=2025-06-30", &[]).await;

    assert_eq!(usd.body["currencies"].as_array().map(Vec::len), Some(1));
    assert_eq!(usd.body["currencies"][0]["net_change_minor"], 50_000, "{usd:?}");
    assert_eq!(
        chf.body["currencies"],
        json!([{"currency": "CHF", "opening_cash_minor": 0,
                "operating": section(&[]), "investing": section(&[]), "financing": section(&[]),
                "net_change_minor": 0, "closing_cash_minor": 0, "reconciles": true}])
    );
    assert_eq!(before.body, json!({"from": "2025-01-01", "to": "2025-06-30", "currencies": []}));
}

#[tokio::test]
async fn an_account_missing_from_the_chart_is_operating_and_a_one_sided_cash_line_does_not_reconcile() {
    let api = TestApi::start(1_000).await;
    let tenant = new_tenant(&api.pool).await;
    seed_accounts(&api.pool, &tenant, &chart()).await;
    seed_entry(
        &api.pool,
        &tenant,
        &SeedEntry::new("2026-03-02", 1, &[("1000", "EUR", 700, 0), ("9999", "EUR", 0, 700)]),
    )
    .await;
    seed_entry(&api.pool, &tenant, &SeedEntry::new("2026-03-03", 2, &[("1010", "EUR", 5, 0)])).await;

    let answer = api.get(&tenant, "/v1/reports/cash-flow?from=2026-03-01&to=2026-03-31", &[]).await;

    assert_eq!(
        answer.body["currencies"],
        json!([{"currency": "EUR", "opening_cash_minor": 0,
                "operating": section(&[json!({"code": "9999", "name": null, "amount_minor": 700})]),
                "investing": section(&[]), "financing": section(&[]),
                "net_change_minor": 700, "closing_cash_minor": 705, "reconciles": false}]),
        "{answer:?}"
    );
}

#[tokio::test]
async fn bad_cash_flow_parameters_are_refused_naming_the_parameter() {
    let api = TestApi::start(1_000).await;
    let tenant = new_tenant(&api.pool).await;

    let cases = [
        ("/v1/reports/cash-flow?to=2026-03-31", "from"),
        ("/v1/reports/cash-flow?from=2026-01-01", "to"),
        ("/v1/reports/cash-flow?from=2026-04-01&to=2026-03-31", "to"),
        ("/v1/reports/cash-flow?from=2026-01-01&to=2026-03-32", "to"),
        ("/v1/reports/cash-flow?from=2026-01-01&to=2026-03-31&currency=euro", "currency"),
    ];
    for (path, field) in cases {
        let answer = api.get(&tenant, path, &[]).await;
        assert_problem(&answer, 422, "invalid-field");
        assert_eq!(answer.body["field"], field, "{path}: {answer:?}");
    }
    let unknown = api.get(&tenant, "/v1/reports/cash-flow?from=2026-01-01&to=2026-03-31&method=indirect", &[]).await;
    assert_problem(&unknown, 400, "malformed-request");
}

#[tokio::test]
async fn reports_of_an_unknown_tenant_are_not_found() {
    let api = TestApi::start(300).await;
    let stranger = TenantId::parse(&format!("ghost_{}", uuid::Uuid::new_v4().simple())).unwrap();

    for path in ["/v1/reports/cash-flow?from=2026-01-01&to=2026-03-31", "/v1/reports/aging?side=payables"] {
        assert_problem(&api.get(&stranger, path, &[]).await, 404, "unknown-tenant");
    }
}
