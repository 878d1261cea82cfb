//! The chart of accounts, the fiscal calendar and the financial statements — trial balance,
//! income statement, balance sheet — over read-model rows seeded directly, with every figure
//! of the worked example computed by hand below; JSON and CSV, the currency filter, the
//! `balanced` flags and the refusal of bad parameters.

mod common;

use common::{
    assert_problem, mark_applied, mark_reversed, new_tenant, seed_accounts, seed_entry, seed_fiscal_year, Answer,
    SeedAccount, SeedEntry, TestApi,
};
use prism_aggregates::tenant::TenantId;
use prism_query_api::stores::tenant_table;
use serde_json::{json, Value};
use sqlx::PgPool;

const CSV: (&str, &str) = ("Accept", "text/csv");

/// The chart of the worked example; `1` is a header no line posts to.
fn worked_chart() -> Vec<SeedAccount> {
    vec![
        SeedAccount { header: true, ..SeedAccount::new("1", "Assets", "asset") },
        SeedAccount { parent: Some("1"), cash: true, ..SeedAccount::new("1000", "Bank", "asset") },
        SeedAccount { parent: Some("1"), ..SeedAccount::new("1100", "Receivables", "asset") },
        SeedAccount { parent: Some("1"), ..SeedAccount::new("1500", "Equipment", "asset") },
        SeedAccount::new("2000", "Accounts payable", "liability"),
        SeedAccount::new("2100", "\"Output\" VAT", "liability"),
        SeedAccount::new("3000", "Owner's capital", "equity"),
        SeedAccount::new("4000", "Sales", "income"),
        SeedAccount::new("6100", "Rent, premises", "expense"),
        SeedAccount::new("6200", "Office supplies", "expense"),
    ]
}

/// The worked example, amounts in cents:
///
/// | date       | entry                                   | EUR lines                                         |
/// |------------|-----------------------------------------|---------------------------------------------------|
/// | 2026-01-05 | owner invests 10,000.00                 | 1000 Dr 1,000,000 / 3000 Cr 1,000,000             |
/// | 2026-01-10 | equipment 2,000.00 on credit            | 1500 Dr 200,000 / 2000 Cr 200,000                 |
/// | 2026-02-01 | sale 1,500.00 + 20% VAT on account      | 1100 Dr 180,000 / 4000 Cr 150,000 / 2100 Cr 30,000 |
/// | 2026-02-28 | rent 500.00                             | 6100 Dr 50,000 / 1000 Cr 50,000                   |
/// | 2026-03-03 | office supplies 120.00 (later reversed) | 6200 Dr 12,000 / 1000 Cr 12,000                   |
/// | 2026-03-04 | its reversal                            | 1000 Dr 12,000 / 6200 Cr 12,000                   |
/// | 2026-03-10 | consulting fee in USD 500.00            | USD 1000 Dr 50,000 / 4000 Cr 50,000               |
/// | 2026-04-02 | cash sale 600.00 (after 2026-03-31)     | 1000 Dr 60,000 / 4000 Cr 60,000                   |
async fn seed_worked_example(pool: &PgPool, tenant: &TenantId) {
    seed_accounts(pool, tenant, &worked_chart()).await;
    let entries = [
        SeedEntry::new("2026-01-05", 1, &[("1000", "EUR", 1_000_000, 0), ("3000", "EUR", 0, 1_000_000)]),
        SeedEntry::new("2026-01-10", 2, &[("1500", "EUR", 200_000, 0), ("2000", "EUR", 0, 200_000)]),
        SeedEntry::new(
            "2026-02-01",
            3,
            &[("1100", "EUR", 180_000, 0), ("4000", "EUR", 0, 150_000), ("2100", "EUR", 0, 30_000)],
        ),
        SeedEntry::new("2026-02-28", 4, &[("6100", "EUR", 50_000, 0), ("1000", "EUR", 0, 50_000)]),
        SeedEntry::new("2026-03-10", 7, &[("1000", "USD", 50_000, 0), ("4000", "USD", 0, 50_000)]),
        SeedEntry::new("2026-04-02", 8, &[("1000", "EUR", 60_000, 0), ("4000", "EUR", 0, 60_000)]),
    ];
    for entry in &entries {
        seed_entry(pool, tenant, entry).await;
    }
    let original = SeedEntry::new("2026-03-03", 5, &[("6200", "EUR", 12_000, 0), ("1000", "EUR", 0, 12_000)]);
    let reversal = SeedEntry::new("2026-03-04", 6, &[("1000", "EUR", 12_000, 0), ("6200", "EUR", 0, 12_000)]);
    seed_entry(pool, tenant, &original).await;
    seed_entry(pool, tenant, &reversal).await;
    mark_reversed(pool, tenant, &original, &reversal).await;
}

async fn worked_example() -> (TestApi, TenantId) {
    let api = TestApi::start(1_000).await;
    let tenant = new_tenant(&api.pool).await;
    seed_worked_example(&api.pool, &tenant).await;
    (api, tenant)
}

fn csv_body(answer: &Answer) -> &str {
    assert_eq!(answer.status, 200, "{answer:?}");
    assert_eq!(answer.content_type, "text/csv; charset=utf-8", "{answer:?}");
    answer.body.as_str().expect("a CSV body is not JSON")
}

#[tokio::test]
async fn the_trial_balance_shows_each_net_balance_in_one_column_per_currency_through_as_of() {
    let (api, tenant) = worked_example().await;

    let answer = api.get(&tenant, "/v1/reports/trial-balance?as_of=2026-03-31", &[]).await;

    assert_eq!(answer.status, 200, "{answer:?}");
    assert_eq!(answer.content_type, "application/json");
    // 1000: 1,000,000 - 50,000 - 12,000 + 12,000 = 950,000 Dr; the April sale is after as_of.
    // 6200: 12,000 - 12,000 = 0, listed because it has lines.
    // Debits 950,000 + 180,000 + 200,000 + 50,000 = 1,380,000
    // Credits 200,000 + 30,000 + 1,000,000 + 150,000 = 1,380,000
    assert_eq!(
        answer.body,
        json!({"as_of": "2026-03-31", "basis": "transaction", "currencies": [
            {"currency": "EUR", "lines": [
                {"code": "1000", "name": "Bank", "account_type": "asset", "debit_balance_minor": 950_000, "credit_balance_minor": 0},
                {"code": "1100", "name": "Receivables", "account_type": "asset", "debit_balance_minor": 180_000, "credit_balance_minor": 0},
                {"code": "1500", "name": "Equipment", "account_type": "asset", "debit_balance_minor": 200_000, "credit_balance_minor": 0},
                {"code": "2000", "name": "Accounts payable", "account_type": "liability", "debit_balance_minor": 0, "credit_balance_minor": 200_000},
                {"code": "2100", "name": "\"Output\" VAT", "account_type": "liability", "debit_balance_minor": 0, "credit_balance_minor": 30_000},
                {"code": "3000", "name": "Owner's capital", "account_type": "equity", "debit_balance_minor": 0, "credit_balance_minor": 1_000_000},
                {"code": "4000", "name": "Sales", "account_type": "income", "debit_balance_minor": 0, "credit_balance_minor": 150_000},
                {"code": "6100", "name": "Rent, premises", "account_type": "expense", "debit_balance_minor": 50_000, "credit_balance_minor": 0},
                {"code": "6200", "name": "Office supplies", "account_type": "expense", "debit_balance_minor": 0, "credit_balance_minor": 0},
            ], "total_debit_minor": 1_380_000, "total_credit_minor": 1_380_000, "balanced": true},
            {"currency": "USD", "lines": [
                {"code": "1000", "name": "Bank", "account_type": "asset", "debit_balance_minor": 50_000, "credit_balance_minor": 0},
                {"code": "4000", "name": "Sales", "account_type": "income", "debit_balance_minor": 0, "credit_balance_minor": 50_000},
            ], "total_debit_minor": 50_000, "total_credit_minor": 50_000, "balanced": true},
        ]})
    );
}

#[tokio::test]
async fn the_trial_balance_includes_entries_dated_on_as_of_and_defaults_to_today() {
    let (api, tenant) = worked_example().await;

    // 2026-03-03 holds the original office-supplies entry, 2026-03-04 its reversal.
    let on_the_day = api.get(&tenant, "/v1/reports/trial-balance?as_of=2026-03-03&currency=EUR", &[]).await;
    let before = chrono::Utc::now().date_naive();
    let today = api.get(&tenant, "/v1/reports/trial-balance?currency=EUR", &[]).await;
    let after = chrono::Utc::now().date_naive();

    let line = |answer: &Answer, code: &str| -> Value {
        let lines = answer.body["currencies"][0]["lines"].as_array().expect("lines");
        lines.iter().find(|line| line["code"] == code).cloned().unwrap_or(Value::Null)
    };
    assert_eq!(line(&on_the_day, "1000")["debit_balance_minor"], 938_000, "{on_the_day:?}");
    assert_eq!(line(&on_the_day, "6200")["debit_balance_minor"], 12_000, "{on_the_day:?}");
    assert_eq!(on_the_day.body["currencies"][0]["total_debit_minor"], 1_380_000);
    let as_of = today.body["as_of"].as_str().expect("as_of").to_owned();
    assert!([before.to_string(), after.to_string()].contains(&as_of), "{today:?}");
    // Today is after 2026-04-02: the cash sale of 60,000 is in.
    assert_eq!(line(&today, "1000")["debit_balance_minor"], 1_010_000, "{today:?}");
    assert_eq!(line(&today, "4000")["credit_balance_minor"], 210_000, "{today:?}");
}

#[tokio::test]
async fn the_trial_balance_as_csv_has_one_record_per_account_line_with_quoted_names() {
    let (api, tenant) = worked_example().await;

    let answer = api.get(&tenant, "/v1/reports/trial-balance?as_of=2026-03-31", &[CSV]).await;

    assert_eq!(
        csv_body(&answer),
        "currency,code,name,account_type,debit_balance_minor,credit_balance_minor\r\n\
         EUR,1000,Bank,asset,950000,0\r\n\
         EUR,1100,Receivables,asset,180000,0\r\n\
         EUR,1500,Equipment,asset,200000,0\r\n\
         EUR,2000,Accounts payable,liability,0,200000\r\n\
         EUR,2100,\"\"\"Output\"\" VAT\",liability,0,30000\r\n\
         EUR,3000,Owner's capital,equity,0,1000000\r\n\
         EUR,4000,Sales,income,0,150000\r\n\
         EUR,6100,\"Rent, premises\",expense,50000,0\r\n\
         EUR,6200,Office supplies,expense,0,0\r\n\
         USD,1000,Bank,asset,50000,0\r\n\
         USD,4000,Sales,income,0,50000\r\n"
    );
}

#[tokio::test]
async fn csv_answers_vary_on_accept_and_json_stays_the_default() {
    let (api, tenant) = worked_example().await;
    let url = format!("{}/v1/reports/trial-balance?as_of=2026-03-31", api.base);

    let token = api.token(&tenant);
    let csv = api.client.get(&url).bearer_auth(&token).header(CSV.0, CSV.1).send().await.unwrap();
    let json =
        api.client.get(&url).bearer_auth(&token).header("Accept", "application/json, text/csv").send().await.unwrap();

    assert_eq!(csv.headers()["content-type"], "text/csv; charset=utf-8");
    assert_eq!(csv.headers()["vary"], "accept");
    assert_eq!(json.headers()["content-type"], "application/json");
    assert_eq!(json.headers()["vary"], "accept");
}

#[tokio::test]
async fn the_income_statement_nets_income_and_expenses_of_the_period_per_currency() {
    let (api, tenant) = worked_example().await;

    let quarter = api.get(&tenant, "/v1/reports/income-statement?from=2026-01-01&to=2026-03-31", &[]).await;

    assert_eq!(quarter.status, 200, "{quarter:?}");
    // Office supplies 12,000 - 12,000 (reversed) = 0; the April sale is after `to`.
    assert_eq!(
        quarter.body,
        json!({"from": "2026-01-01", "to": "2026-03-31", "basis": "transaction", "currencies": [
            {"currency": "EUR",
             "income": [{"code": "4000", "name": "Sales", "amount_minor": 150_000}],
             "expenses": [
                 {"code": "6100", "name": "Rent, premises", "amount_minor": 50_000},
                 {"code": "6200", "name": "Office supplies", "amount_minor": 0},
             ],
             "total_income_minor": 150_000, "total_expense_minor": 50_000, "net_income_minor": 100_000},
            {"currency": "USD",
             "income": [{"code": "4000", "name": "Sales", "amount_minor": 50_000}],
             "expenses": [],
             "total_income_minor": 50_000, "total_expense_minor": 0, "net_income_minor": 50_000},
        ]})
    );
}

#[tokio::test]
async fn the_income_statement_includes_both_ends_of_the_range_and_filters_by_currency() {
    let (api, tenant) = worked_example().await;

    // From the reversal (2026-03-04, not the original of 03-03) through the April cash sale.
    let answer = api.get(&tenant, "/v1/reports/income-statement?from=2026-03-04&to=2026-04-02&currency=EUR", &[]).await;
    let none = api.get(&tenant, "/v1/reports/income-statement?from=2026-01-01&to=2026-12-31&currency=CHF", &[]).await;
    let csv = api.get(&tenant, "/v1/reports/income-statement?from=2026-03-04&to=2026-04-02&currency=EUR", &[CSV]).await;

    assert_eq!(
        answer.body,
        json!({"from": "2026-03-04", "to": "2026-04-02", "basis": "transaction", "currencies": [
            {"currency": "EUR",
             "income": [{"code": "4000", "name": "Sales", "amount_minor": 60_000}],
             "expenses": [{"code": "6200", "name": "Office supplies", "amount_minor": -12_000}],
             "total_income_minor": 60_000, "total_expense_minor": -12_000, "net_income_minor": 72_000},
        ]}),
        "{answer:?}"
    );
    assert_eq!(
        none.body["currencies"],
        json!([{"currency": "CHF", "income": [], "expenses": [],
                "total_income_minor": 0, "total_expense_minor": 0, "net_income_minor": 0}]),
        "{none:?}"
    );
    assert_eq!(
        csv_body(&csv),
        "currency,section,code,name,amount_minor\r\nEUR,income,4000,Sales,60000\r\nEUR,expense,6200,Office supplies,-12000\r\n"
    );
}

#[tokio::test]
async fn the_balance_sheet_balances_with_current_earnings_in_equity() {
    let (api, tenant) = worked_example().await;

    let answer = api.get(&tenant, "/v1/reports/balance-sheet?as_of=2026-03-31", &[]).await;

    assert_eq!(answer.status, 200, "{answer:?}");
    // Assets 950,000 + 180,000 + 200,000 = 1,330,000; liabilities 200,000 + 30,000 = 230,000;
    // equity 1,000,000 + current earnings (150,000 - 50,000 - 0) = 1,100,000.
    assert_eq!(
        answer.body,
        json!({"as_of": "2026-03-31", "basis": "transaction", "currencies": [
            {"currency": "EUR",
             "assets": [
                 {"code": "1000", "name": "Bank", "amount_minor": 950_000},
                 {"code": "1100", "name": "Receivables", "amount_minor": 180_000},
                 {"code": "1500", "name": "Equipment", "amount_minor": 200_000},
             ],
             "liabilities": [
                 {"code": "2000", "name": "Accounts payable", "amount_minor": 200_000},
                 {"code": "2100", "name": "\"Output\" VAT", "amount_minor": 30_000},
             ],
             "equity": [{"code": "3000", "name": "Owner's capital", "amount_minor": 1_000_000}],
             "current_earnings_minor": 100_000,
             "unclassified": [],
             "total_assets_minor": 1_330_000,
             "total_liabilities_minor": 230_000,
             "total_equity_minor": 1_100_000,
             "total_liabilities_and_equity_minor": 1_330_000,
             "balanced": true},
            {"currency": "USD",
             "assets": [{"code": "1000", "name": "Bank", "amount_minor": 50_000}],
             "liabilities": [],
             "equity": [],
             "current_earnings_minor": 50_000,
             "unclassified": [],
             "total_assets_minor": 50_000,
             "total_liabilities_minor": 0,
             "total_equity_minor": 50_000,
             "total_liabilities_and_equity_minor": 50_000,
             "balanced": true},
        ]})
    );
}

#[tokio::test]
async fn the_balance_sheet_as_csv_writes_current_earnings_as_an_equity_record_without_code() {
    let (api, tenant) = worked_example().await;

    let usd = api.get(&tenant, "/v1/reports/balance-sheet?as_of=2026-03-31&currency=USD", &[CSV]).await;
    let eur = api.get(&tenant, "/v1/reports/balance-sheet?as_of=2026-01-31&currency=EUR", &[CSV]).await;

    assert_eq!(
        csv_body(&usd),
        "currency,section,code,name,amount_minor\r\nUSD,asset,1000,Bank,50000\r\nUSD,equity,,current earnings,50000\r\n"
    );
    assert_eq!(
        csv_body(&eur),
        "currency,section,code,name,amount_minor\r\n\
         EUR,asset,1000,Bank,1000000\r\n\
         EUR,asset,1500,Equipment,200000\r\n\
         EUR,liability,2000,Accounts payable,200000\r\n\
         EUR,equity,3000,Owner's capital,1000000\r\n\
         EUR,equity,,current earnings,0\r\n"
    );
}

#[tokio::test]
async fn an_account_missing_from_the_chart_is_unnamed_in_the_trial_balance_and_unbalances_the_sheet() {
    let api = TestApi::start(1_000).await;
    let tenant = new_tenant(&api.pool).await;
    seed_accounts(&api.pool, &tenant, &[SeedAccount::new("1000", "Bank", "asset")]).await;
    seed_entry(
        &api.pool,
        &tenant,
        &SeedEntry::new("2026-03-01", 1, &[("1000", "EUR", 70_000, 0), ("9999", "EUR", 0, 70_000)]),
    )
    .await;

    let trial = api.get(&tenant, "/v1/reports/trial-balance?as_of=2026-03-31", &[]).await;
    let sheet = api.get(&tenant, "/v1/reports/balance-sheet?as_of=2026-03-31", &[]).await;
    let income = api.get(&tenant, "/v1/reports/income-statement?from=2026-01-01&to=2026-12-31", &[]).await;

    assert_eq!(
        trial.body["currencies"],
        json!([{"currency": "EUR", "lines": [
            {"code": "1000", "name": "Bank", "account_type": "asset", "debit_balance_minor": 70_000, "credit_balance_minor": 0},
            {"code": "9999", "name": null, "account_type": null, "debit_balance_minor": 0, "credit_balance_minor": 70_000},
        ], "total_debit_minor": 70_000, "total_credit_minor": 70_000, "balanced": true}]),
        "{trial:?}"
    );
    assert_eq!(
        sheet.body["currencies"],
        json!([{"currency": "EUR",
            "assets": [{"code": "1000", "name": "Bank", "amount_minor": 70_000}],
            "liabilities": [], "equity": [], "current_earnings_minor": 0,
            "unclassified": [{"code": "9999", "name": null, "amount_minor": -70_000}],
            "total_assets_minor": 70_000, "total_liabilities_minor": 0, "total_equity_minor": 0,
            "total_liabilities_and_equity_minor": 0, "balanced": false}]),
        "{sheet:?}"
    );
    assert_eq!(income.body["currencies"], json!([]), "{income:?}");
}

#[tokio::test]
async fn a_one_sided_line_in_the_read_model_shows_as_an_unbalanced_trial_balance() {
    let api = TestApi::start(1_000).await;
    let tenant = new_tenant(&api.pool).await;
    seed_entry(&api.pool, &tenant, &SeedEntry::new("2026-03-01", 1, &[("1000", "EUR", 5, 0)])).await;

    let answer = api.get(&tenant, "/v1/reports/trial-balance?as_of=2026-03-31", &[]).await;

    let eur = &answer.body["currencies"][0];
    assert_eq!((&eur["total_debit_minor"], &eur["total_credit_minor"]), (&json!(5), &json!(0)), "{answer:?}");
    assert_eq!(eur["balanced"], false);
}

#[tokio::test]
async fn a_balance_beyond_i64_is_refused_as_an_internal_error_rather_than_wrapped() {
    let api = TestApi::start(1_000).await;
    let tenant = new_tenant(&api.pool).await;
    let entry = SeedEntry::new("2026-03-01", 1, &[("1000", "EUR", i64::MAX, 0), ("4000", "EUR", 0, i64::MAX)]);
    seed_entry(&api.pool, &tenant, &entry).await;
    // A third line straight into journal_lines: the seeded balances would overflow first.
    sqlx::query(&format!(
        "INSERT INTO {} (entry_id, line_no, account, currency, debit_minor, credit_minor) VALUES ($1, 3, '1000', 'EUR', 1, 0)",
        tenant_table(&tenant, "journal_lines")
    ))
    .bind(entry.entry_id)
    .execute(&api.pool)
    .await
    .unwrap();

    let answer = api.get(&tenant, "/v1/reports/trial-balance?as_of=2026-03-31", &[]).await;

    assert_problem(&answer, 500, "internal");
}

#[tokio::test]
async fn a_tenant_without_entries_has_empty_reports_unless_a_currency_is_asked_for() {
    let api = TestApi::start(1_000).await;
    let tenant = new_tenant(&api.pool).await;

    let all = api.get(&tenant, "/v1/reports/balance-sheet?as_of=2026-03-31", &[]).await;
    let eur = api.get(&tenant, "/v1/reports/trial-balance?as_of=2026-03-31&currency=EUR", &[]).await;

    assert_eq!(all.body, json!({"as_of": "2026-03-31", "basis": "transaction", "currencies": []}), "{all:?}");
    assert_eq!(
        eur.body["currencies"],
        json!([{"currency": "EUR", "lines": [], "total_debit_minor": 0, "total_credit_minor": 0, "balanced": true}]),
        "{eur:?}"
    );
}

#[tokio::test]
async fn bad_report_parameters_are_refused_naming_the_parameter() {
    let api = TestApi::start(1_000).await;
    let tenant = new_tenant(&api.pool).await;

    let cases = [
        ("/v1/reports/trial-balance?as_of=2026-02-30", "as_of"),
        ("/v1/reports/trial-balance?as_of=31.03.2026", "as_of"),
        ("/v1/reports/trial-balance?currency=eur", "currency"),
        ("/v1/reports/balance-sheet?currency=ZZZ", "currency"),
        ("/v1/reports/income-statement?to=2026-03-31", "from"),
        ("/v1/reports/income-statement?from=2026-03-01", "to"),
        ("/v1/reports/income-statement?from=2026-03-01&to=2026-02-28", "to"),
        ("/v1/reports/income-statement?from=yesterday&to=2026-02-28", "from"),
        ("/v1/reports/trial-balance?basis=reporting", "basis"),
        ("/v1/reports/balance-sheet?basis=FUNCTIONAL", "basis"),
        ("/v1/reports/income-statement?from=2026-03-01&to=2026-03-31&basis=", "basis"),
        ("/v1/accounts?status=closed", "status"),
    ];
    for (path, field) in cases {
        let answer = api.get(&tenant, path, &[]).await;
        assert_problem(&answer, 422, "invalid-field");
        assert_eq!(answer.body["field"], field, "{path}: {answer:?}");
    }
    let reversed = api.get(&tenant, "/v1/reports/income-statement?from=2026-03-01&to=2026-02-28", &[]).await;
    assert_eq!(reversed.body["detail"], "to (2026-02-28) is before from (2026-03-01)");
    let basis = api.get(&tenant, "/v1/reports/trial-balance?basis=reporting", &[]).await;
    assert_eq!(basis.body["detail"], "basis must be one of transaction, functional, got \"reporting\"");
    let unknown = api.get(&tenant, "/v1/reports/balance-sheet?asof=2026-03-31", &[]).await;
    assert_problem(&unknown, 400, "malformed-request");
    let unknown = api.get(&tenant, "/v1/fiscal-years?year=2026", &[]).await;
    assert_problem(&unknown, 400, "malformed-request");
}

#[tokio::test]
async fn reports_of_an_unknown_tenant_are_not_found() {
    let api = TestApi::start(300).await;
    let stranger = TenantId::parse(&format!("ghost_{}", uuid::Uuid::new_v4().simple())).unwrap();

    for path in ["/v1/accounts", "/v1/fiscal-years", "/v1/reports/trial-balance", "/v1/reports/balance-sheet"] {
        assert_problem(&api.get(&stranger, path, &[]).await, 404, "unknown-tenant");
    }
}

#[tokio::test]
async fn a_report_waits_for_the_postgres_projector_to_reach_the_consistency_token() {
    let api = TestApi::start(200).await;
    let tenant = new_tenant(&api.pool).await;
    let path = "/v1/reports/trial-balance?as_of=2026-03-31";

    let early = api.get(&tenant, path, &[("X-Prism-Min-Position", "3")]).await;
    seed_entry(&api.pool, &tenant, &SeedEntry::new("2026-03-01", 3, &[("1000", "EUR", 9, 0), ("4000", "EUR", 0, 9)]))
        .await;
    mark_applied(&api.pool, &tenant, "postgres", 3).await;
    let caught_up = api.get(&tenant, path, &[("X-Prism-Min-Position", "3")]).await;

    assert_problem(&early, 504, "consistency-timeout");
    assert_eq!(caught_up.status, 200, "{caught_up:?}");
    assert_eq!(caught_up.body["currencies"][0]["total_debit_minor"], 9);
}

#[tokio::test]
async fn the_chart_lists_every_account_by_code_or_only_those_with_a_status() {
    let api = TestApi::start(1_000).await;
    let tenant = new_tenant(&api.pool).await;
    seed_accounts(
        &api.pool,
        &tenant,
        &[
            SeedAccount { status: "archived", ..SeedAccount::new("6200", "Office supplies", "expense") },
            SeedAccount {
                parent: Some("1"),
                cash: true,
                currency: Some("EUR"),
                ..SeedAccount::new("1000", "Bank", "asset")
            },
            SeedAccount { header: true, ..SeedAccount::new("1", "Assets", "asset") },
            SeedAccount::new("1000.10", "Petty cash, \"drawer\"", "asset"),
            SeedAccount::new("1000-A", "Bank A", "asset"),
        ],
    )
    .await;

    let all = api.get(&tenant, "/v1/accounts", &[]).await;
    let archived = api.get(&tenant, "/v1/accounts?status=archived", &[]).await;
    let active = api.get(&tenant, "/v1/accounts?status=active", &[CSV]).await;

    assert_eq!(all.status, 200, "{all:?}");
    let account = |code: &str, name: &str, account_type: &str, normal: &str| {
        json!({"code": code, "name": name, "account_type": account_type, "normal_balance": normal, "parent": null,
               "header": false, "currency": null, "cash": false, "status": "active"})
    };
    let mut header = account("1", "Assets", "asset", "debit");
    header["header"] = json!(true);
    let mut bank = account("1000", "Bank", "asset", "debit");
    bank["parent"] = json!("1");
    bank["currency"] = json!("EUR");
    bank["cash"] = json!(true);
    let mut supplies = account("6200", "Office supplies", "expense", "debit");
    supplies["status"] = json!("archived");
    assert_eq!(
        all.body,
        json!({"items": [
            header,
            bank,
            account("1000-A", "Bank A", "asset", "debit"),
            account("1000.10", "Petty cash, \"drawer\"", "asset", "debit"),
            supplies.clone(),
        ]})
    );
    assert_eq!(archived.body, json!({"items": [supplies]}));
    assert_eq!(
        csv_body(&active),
        "code,name,account_type,normal_balance,parent,header,currency,cash,status\r\n\
         1,Assets,asset,debit,,true,,false,active\r\n\
         1000,Bank,asset,debit,1,false,EUR,true,active\r\n\
         1000-A,Bank A,asset,debit,,false,,false,active\r\n\
         1000.10,\"Petty cash, \"\"drawer\"\"\",asset,debit,,false,,false,active\r\n"
    );
}

#[tokio::test]
async fn fiscal_years_are_listed_by_start_date_with_their_periods_by_number() {
    let api = TestApi::start(1_000).await;
    let tenant = new_tenant(&api.pool).await;
    seed_fiscal_year(
        &api.pool,
        &tenant,
        "2026",
        "2026-01-01",
        "2026-12-31",
        &[
            ("2026-02", 2, "2026-02-01", "2026-02-28", "open", Some("reopened: late invoice")),
            ("2026-01", 1, "2026-01-01", "2026-01-31", "locked", None),
        ],
    )
    .await;
    seed_fiscal_year(&api.pool, &tenant, "2027", "2027-01-01", "2027-12-31", &[]).await;
    seed_fiscal_year(
        &api.pool,
        &tenant,
        "2025",
        "2025-01-01",
        "2025-12-31",
        &[("2025-01", 1, "2025-01-01", "2025-12-31", "closed", None)],
    )
    .await;

    let answer = api.get(&tenant, "/v1/fiscal-years", &[]).await;
    let csv = api.get(&tenant, "/v1/fiscal-years", &[CSV]).await;

    assert_eq!(answer.status, 200, "{answer:?}");
    assert_eq!(
        answer.body,
        json!({"items": [
            {"year": "2025", "start_date": "2025-01-01", "end_date": "2025-12-31", "closed": false, "closing_entry_id": null, "periods": [
                {"period": "2025-01", "number": 1, "start_date": "2025-01-01", "end_date": "2025-12-31", "status": "closed", "status_reason": null},
            ]},
            {"year": "2026", "start_date": "2026-01-01", "end_date": "2026-12-31", "closed": false, "closing_entry_id": null, "periods": [
                {"period": "2026-01", "number": 1, "start_date": "2026-01-01", "end_date": "2026-01-31", "status": "locked", "status_reason": null},
                {"period": "2026-02", "number": 2, "start_date": "2026-02-01", "end_date": "2026-02-28", "status": "open", "status_reason": "reopened: late invoice"},
            ]},
            {"year": "2027", "start_date": "2027-01-01", "end_date": "2027-12-31", "closed": false, "closing_entry_id": null, "periods": []},
        ]})
    );
    assert_eq!(
        csv_body(&csv),
        "year,year_start_date,year_end_date,period,number,start_date,end_date,status,status_reason\r\n\
         2025,2025-01-01,2025-12-31,2025-01,1,2025-01-01,2025-12-31,closed,\r\n\
         2026,2026-01-01,2026-12-31,2026-01,1,2026-01-01,2026-01-31,locked,\r\n\
         2026,2026-01-01,2026-12-31,2026-02,2,2026-02-01,2026-02-28,open,reopened: late invoice\r\n\
         2027,2027-01-01,2027-12-31,,,,,,\r\n"
    );
}
