//! Budgets and the budget-vs-actual report over read-model rows seeded directly, with every
//! figure of the worked example computed by hand below: the budget list, the report as JSON
//! and CSV, its accounts (income and expense, plus anything budgeted), directions, totals and
//! basis points, the period range, the currency filter, and the refusal of bad parameters.

mod common;

use common::{
    assert_problem, mark_applied, new_tenant, seed_accounts, seed_entry, seed_fiscal_year, SeedAccount, SeedEntry,
    TestApi,
};
use prism_aggregates::tenant::TenantId;
use prism_query_api::stores::tenant_table;
use serde_json::{json, Value};
use sqlx::PgPool;

const CSV: (&str, &str) = ("Accept", "text/csv");

/// One budget amount to seed: budget, account, period, currency, amount.
type SeedAmount = (&'static str, &'static str, &'static str, &'static str, i64);

/// Writes what the `postgres` projector keeps for budget amounts.
async fn seed_budget_amounts(pool: &PgPool, tenant: &TenantId, amounts: &[SeedAmount]) {
    for (budget, account, period, currency, amount_minor) in amounts {
        sqlx::query(&format!(
            "INSERT INTO {} (budget, account, period, currency, amount_minor, last_position)
             VALUES ($1, $2, $3, $4, $5, 1)",
            tenant_table(tenant, "budget_amounts")
        ))
        .bind(budget)
        .bind(account)
        .bind(period)
        .bind(currency)
        .bind(amount_minor)
        .execute(pool)
        .await
        .expect("budget amount inserted");
    }
}

/// The worked example, amounts in cents. Chart: `1000` Bank, `1500` Equipment, `3000`
/// Capital, `4000` Sales, `4100` Services, `6100` Rent, `6200` Office supplies, `6` a header;
/// fiscal periods `2026-01` … `2026-04`.
///
/// Budget `2026-plan`, EUR: 4000 200,000 in each of 2026-01..03; 6100 50,000 in each of
/// 2026-01..04; 6200 10,000 in 2026-02; 1500 (capital expenditure) 300,000 in 2026-03.
/// USD: 4000 100,000 in 2026-02. Budget `stretch`, EUR: 4000 250,000 in 2026-01.
///
/// | date       | entry                         | lines                                     |
/// |------------|-------------------------------|-------------------------------------------|
/// | 2026-01-05 | owner invests 10,000.00       | 1000 Dr / 3000 Cr 1,000,000 (not shown)   |
/// | 2026-01-20 | sale 1,800.00                 | 1000 Dr / 4000 Cr 180,000                 |
/// | 2026-01-31 | rent 500.00 (period's last day)| 6100 Dr / 1000 Cr 50,000                  |
/// | 2026-02-01 | sale 2,300.00 (first day)     | 1000 Dr / 4000 Cr 230,000                 |
/// | 2026-02-10 | sales return 100.00           | 4000 Dr / 1000 Cr 10,000                  |
/// | 2026-02-15 | sale USD 900.00               | USD 1000 Dr / 4000 Cr 90,000              |
/// | 2026-02-28 | rent 550.00                   | 6100 Dr / 1000 Cr 55,000                  |
/// | 2026-03-03 | consulting 400.00 (no budget) | 1000 Dr / 4100 Cr 40,000                  |
/// | 2026-03-10 | unknown account               | 9999 Dr / 1000 Cr 7,000 (not shown)       |
/// | 2026-03-15 | equipment 2,800.00            | 1500 Dr / 1000 Cr 280,000                 |
/// | 2026-03-31 | rent 500.00                   | 6100 Dr / 1000 Cr 50,000                  |
/// | 2026-03-31 | year-end closing (closing)    | 4000 Dr / 3000 Cr 999 (left out)          |
/// | 2026-04-02 | rent 500.00                   | 6100 Dr / 1000 Cr 50,000                  |
async fn seed_worked_example(pool: &PgPool, tenant: &TenantId) {
    seed_accounts(
        pool,
        tenant,
        &[
            SeedAccount { cash: true, ..SeedAccount::new("1000", "Bank", "asset") },
            SeedAccount::new("1500", "Equipment", "asset"),
            SeedAccount::new("3000", "Capital", "equity"),
            SeedAccount::new("4000", "Sales", "income"),
            SeedAccount::new("4100", "Services, consulting", "income"),
            SeedAccount { header: true, ..SeedAccount::new("6", "Operating expenses", "expense") },
            SeedAccount { parent: Some("6"), ..SeedAccount::new("6100", "Rent", "expense") },
            SeedAccount { parent: Some("6"), ..SeedAccount::new("6200", "Office supplies", "expense") },
        ],
    )
    .await;
    seed_fiscal_year(
        pool,
        tenant,
        "2026",
        "2026-01-01",
        "2026-12-31",
        &[
            ("2026-01", 1, "2026-01-01", "2026-01-31", "closed", None),
            ("2026-02", 2, "2026-02-01", "2026-02-28", "open", None),
            ("2026-03", 3, "2026-03-01", "2026-03-31", "open", None),
            ("2026-04", 4, "2026-04-01", "2026-04-30", "open", None),
        ],
    )
    .await;
    seed_budget_amounts(
        pool,
        tenant,
        &[
            ("2026-plan", "4000", "2026-01", "EUR", 200_000),
            ("2026-plan", "4000", "2026-02", "EUR", 200_000),
            ("2026-plan", "4000", "2026-03", "EUR", 200_000),
            ("2026-plan", "6100", "2026-01", "EUR", 50_000),
            ("2026-plan", "6100", "2026-02", "EUR", 50_000),
            ("2026-plan", "6100", "2026-03", "EUR", 50_000),
            ("2026-plan", "6100", "2026-04", "EUR", 50_000),
            ("2026-plan", "6200", "2026-02", "EUR", 10_000),
            ("2026-plan", "1500", "2026-03", "EUR", 300_000),
            ("2026-plan", "4000", "2026-02", "USD", 100_000),
            ("stretch", "4000", "2026-01", "EUR", 250_000),
        ],
    )
    .await;
    let entries = [
        SeedEntry::new("2026-01-05", 1, &[("1000", "EUR", 1_000_000, 0), ("3000", "EUR", 0, 1_000_000)]),
        SeedEntry::new("2026-01-20", 2, &[("1000", "EUR", 180_000, 0), ("4000", "EUR", 0, 180_000)]),
        SeedEntry::new("2026-01-31", 3, &[("6100", "EUR", 50_000, 0), ("1000", "EUR", 0, 50_000)]),
        SeedEntry::new("2026-02-01", 4, &[("1000", "EUR", 230_000, 0), ("4000", "EUR", 0, 230_000)]),
        SeedEntry::new("2026-02-10", 5, &[("4000", "EUR", 10_000, 0), ("1000", "EUR", 0, 10_000)]),
        SeedEntry::new("2026-02-15", 6, &[("1000", "USD", 90_000, 0), ("4000", "USD", 0, 90_000)]),
        SeedEntry::new("2026-02-28", 7, &[("6100", "EUR", 55_000, 0), ("1000", "EUR", 0, 55_000)]),
        SeedEntry::new("2026-03-03", 8, &[("1000", "EUR", 40_000, 0), ("4100", "EUR", 0, 40_000)]),
        SeedEntry::new("2026-03-10", 9, &[("9999", "EUR", 7_000, 0), ("1000", "EUR", 0, 7_000)]),
        SeedEntry::new("2026-03-15", 10, &[("1500", "EUR", 280_000, 0), ("1000", "EUR", 0, 280_000)]),
        SeedEntry::new("2026-03-31", 11, &[("6100", "EUR", 50_000, 0), ("1000", "EUR", 0, 50_000)]),
        SeedEntry::new("2026-04-02", 13, &[("6100", "EUR", 50_000, 0), ("1000", "EUR", 0, 50_000)]),
    ];
    for entry in &entries {
        seed_entry(pool, tenant, entry).await;
    }
    let closing = SeedEntry::new("2026-03-31", 12, &[("4000", "EUR", 999, 0), ("3000", "EUR", 0, 999)]);
    seed_entry(pool, tenant, &closing).await;
    sqlx::query(&format!("UPDATE {} SET closing = true WHERE entry_id = $1", tenant_table(tenant, "journal_entries")))
        .bind(closing.entry_id)
        .execute(pool)
        .await
        .expect("closing entry marked");
}

async fn worked_example() -> (TestApi, TenantId) {
    let api = TestApi::start(1_000).await;
    let tenant = new_tenant(&api.pool).await;
    seed_worked_example(&api.pool, &tenant).await;
    (api, tenant)
}

/// A period cell: period, budget, actual, variance, basis points.
fn cell(period: &str, budget: i64, actual: i64, variance: i64, bp: Option<i64>) -> Value {
    json!({"period": period, "budget_minor": budget, "actual_minor": actual, "variance_minor": variance, "variance_bp": bp})
}

/// A total: budget, actual, variance, basis points.
fn total(budget: i64, actual: i64, variance: i64, bp: Option<i64>) -> Value {
    json!({"budget_minor": budget, "actual_minor": actual, "variance_minor": variance, "variance_bp": bp})
}

fn nothing(period: &str) -> Value {
    cell(period, 0, 0, 0, None)
}

fn account(code: &str, name: &str, account_type: &str, normal_balance: &str, periods: Value, sum: Value) -> Value {
    let mut row = json!({"code": code, "name": name, "account_type": account_type, "normal_balance": normal_balance});
    row["periods"] = periods;
    row["total"] = sum;
    row
}

const Q1: &str = "/v1/reports/budget-vs-actual?budget=2026-plan&from_period=2026-01&to_period=2026-03";

#[tokio::test]
async fn budget_vs_actual_sets_each_account_against_its_budget_per_period_in_its_normal_direction() {
    let (api, tenant) = worked_example().await;

    let answer = api.get(&tenant, &format!("{Q1}&currency=EUR"), &[]).await;

    assert_eq!(answer.status, 200, "{answer:?}");
    assert_eq!(answer.content_type, "application/json");
    assert_eq!(answer.body["budget"], "2026-plan");
    assert_eq!(
        (answer.body["from_period"].as_str(), answer.body["to_period"].as_str()),
        (Some("2026-01"), Some("2026-03"))
    );
    assert_eq!(
        answer.body["periods"],
        json!([
            {"period": "2026-01", "start_date": "2026-01-01", "end_date": "2026-01-31"},
            {"period": "2026-02", "start_date": "2026-02-01", "end_date": "2026-02-28"},
            {"period": "2026-03", "start_date": "2026-03-01", "end_date": "2026-03-31"},
        ])
    );
    let eur = &answer.body["currencies"][0];
    assert_eq!(answer.body["currencies"].as_array().map(Vec::len), Some(1));
    assert_eq!(eur["currency"], "EUR");
    // 1500 is budgeted (capital expenditure): shown, debit direction. 300,000 vs 280,000:
    // -20,000 = -666.67 bp → -667. 3000 and 9999 are neither income, expense nor budgeted.
    // 4000: Jan 180,000 (-1,000 bp); Feb 230,000 - 10,000 = 220,000 (+1,000 bp); Mar 0, the
    // closing entry left out; total 400,000 vs 600,000 = -3,333.33 bp → -3,333.
    // 4100: income without budget, so no basis points. 6100: Feb 55,000 vs 50,000 = +1,000 bp;
    // total 5,000 / 150,000 = 333.33 → 333. 6200: budgeted, nothing booked: -100 %.
    assert_eq!(
        eur["accounts"],
        json!([
            account(
                "1500",
                "Equipment",
                "asset",
                "debit",
                json!([nothing("2026-01"), nothing("2026-02"), cell("2026-03", 300_000, 280_000, -20_000, Some(-667))]),
                total(300_000, 280_000, -20_000, Some(-667))
            ),
            account(
                "4000",
                "Sales",
                "income",
                "credit",
                json!([
                    cell("2026-01", 200_000, 180_000, -20_000, Some(-1_000)),
                    cell("2026-02", 200_000, 220_000, 20_000, Some(1_000)),
                    cell("2026-03", 200_000, 0, -200_000, Some(-10_000))
                ]),
                total(600_000, 400_000, -200_000, Some(-3_333))
            ),
            account(
                "4100",
                "Services, consulting",
                "income",
                "credit",
                json!([nothing("2026-01"), nothing("2026-02"), cell("2026-03", 0, 40_000, 40_000, None)]),
                total(0, 40_000, 40_000, None)
            ),
            account(
                "6100",
                "Rent",
                "expense",
                "debit",
                json!([
                    cell("2026-01", 50_000, 50_000, 0, Some(0)),
                    cell("2026-02", 50_000, 55_000, 5_000, Some(1_000)),
                    cell("2026-03", 50_000, 50_000, 0, Some(0))
                ]),
                total(150_000, 155_000, 5_000, Some(333))
            ),
            account(
                "6200",
                "Office supplies",
                "expense",
                "debit",
                json!([nothing("2026-01"), cell("2026-02", 10_000, 0, -10_000, Some(-10_000)), nothing("2026-03")]),
                total(10_000, 0, -10_000, Some(-10_000))
            ),
        ])
    );
    // Income: Mar 200,000 vs 40,000 = -8,000 bp; total -160,000 / 600,000 = -2,666.67 → -2,667.
    assert_eq!(
        eur["total_income"],
        json!({"periods": [cell("2026-01", 200_000, 180_000, -20_000, Some(-1_000)),
                           cell("2026-02", 200_000, 220_000, 20_000, Some(1_000)),
                           cell("2026-03", 200_000, 40_000, -160_000, Some(-8_000))],
               "total": total(600_000, 440_000, -160_000, Some(-2_667))})
    );
    // Expenses: Feb -5,000 / 60,000 = -833.33 → -833; total -5,000 / 160,000 = -312.5 → -313.
    assert_eq!(
        eur["total_expense"],
        json!({"periods": [cell("2026-01", 50_000, 50_000, 0, Some(0)),
                           cell("2026-02", 60_000, 55_000, -5_000, Some(-833)),
                           cell("2026-03", 50_000, 50_000, 0, Some(0))],
               "total": total(160_000, 155_000, -5_000, Some(-313))})
    );
    // Net income: Jan 150,000 vs 130,000 = -1,333.33 → -1,333; Feb 140,000 vs 165,000 =
    // +1,785.71 → 1,786; Mar 150,000 vs -10,000 = -10,666.67 → -10,667; total 440,000 vs
    // 285,000 = -3,522.73 → -3,523.
    assert_eq!(
        eur["net_income"],
        json!({"periods": [cell("2026-01", 150_000, 130_000, -20_000, Some(-1_333)),
                           cell("2026-02", 140_000, 165_000, 25_000, Some(1_786)),
                           cell("2026-03", 150_000, -10_000, -160_000, Some(-10_667))],
               "total": total(440_000, 285_000, -155_000, Some(-3_523))})
    );
}

#[tokio::test]
async fn without_a_currency_each_currency_with_budget_or_actuals_is_a_section() {
    let (api, tenant) = worked_example().await;

    let answer = api.get(&tenant, Q1, &[]).await;

    assert_eq!(answer.status, 200, "{answer:?}");
    let currencies: Vec<&str> =
        answer.body["currencies"].as_array().unwrap().iter().map(|c| c["currency"].as_str().unwrap()).collect();
    assert_eq!(currencies, ["EUR", "USD"]);
    let usd = &answer.body["currencies"][1];
    let sales = [nothing("2026-01"), cell("2026-02", 100_000, 90_000, -10_000, Some(-1_000)), nothing("2026-03")];
    assert_eq!(
        usd["accounts"],
        json!([account(
            "4000",
            "Sales",
            "income",
            "credit",
            json!(sales),
            total(100_000, 90_000, -10_000, Some(-1_000))
        )])
    );
    assert_eq!(usd["total_expense"]["total"], total(0, 0, 0, None));
    assert_eq!(usd["net_income"]["total"], total(100_000, 90_000, -10_000, Some(-1_000)));
    assert_eq!(answer.body["currencies"][0]["net_income"]["total"], total(440_000, 285_000, -155_000, Some(-3_523)));
}

#[tokio::test]
async fn another_budget_and_another_range_give_their_own_figures() {
    let (api, tenant) = worked_example().await;

    let stretch = api
        .get(
            &tenant,
            "/v1/reports/budget-vs-actual?budget=stretch&from_period=2026-01&to_period=2026-01&currency=EUR",
            &[],
        )
        .await;
    let spring = api
        .get(
            &tenant,
            "/v1/reports/budget-vs-actual?budget=2026-plan&from_period=2026-03&to_period=2026-04&currency=EUR",
            &[],
        )
        .await;

    assert_eq!(stretch.status, 200, "{stretch:?}");
    // 180,000 against 250,000: -70,000 = -2,800 bp. Rent is booked but not in this budget.
    let accounts = stretch.body["currencies"][0]["accounts"].as_array().unwrap();
    assert_eq!(
        accounts.iter().map(|a| (a["code"].as_str().unwrap(), a["total"].clone())).collect::<Vec<_>>(),
        [("4000", total(250_000, 180_000, -70_000, Some(-2_800))), ("6100", total(0, 50_000, 50_000, None))]
    );
    assert_eq!(spring.status, 200, "{spring:?}");
    let rent =
        spring.body["currencies"][0]["accounts"].as_array().unwrap().iter().find(|a| a["code"] == "6100").cloned();
    assert_eq!(
        rent.unwrap()["periods"],
        json!([cell("2026-03", 50_000, 50_000, 0, Some(0)), cell("2026-04", 50_000, 50_000, 0, Some(0))])
    );
    assert_eq!(spring.body["periods"].as_array().map(Vec::len), Some(2));
}

#[tokio::test]
async fn budget_vs_actual_as_csv_has_one_record_per_account_and_period() {
    let (api, tenant) = worked_example().await;

    let answer = api.get(&tenant, &format!("{Q1}&currency=USD"), &[CSV]).await;

    assert_eq!(answer.status, 200, "{answer:?}");
    assert_eq!(answer.content_type, "text/csv; charset=utf-8");
    assert_eq!(
        answer.body.as_str().unwrap(),
        "currency,code,name,account_type,period,budget_minor,actual_minor,variance_minor,variance_bp\r\n\
         USD,4000,Sales,income,2026-01,0,0,0,\r\n\
         USD,4000,Sales,income,2026-02,100000,90000,-10000,-1000\r\n\
         USD,4000,Sales,income,2026-03,0,0,0,\r\n"
    );
    let eur = api.get(&tenant, &format!("{Q1}&currency=EUR"), &[CSV]).await;
    let text = eur.body.as_str().unwrap();
    assert_eq!(text.lines().count(), 1 + 5 * 3, "{text}");
    assert!(text.contains("EUR,4100,\"Services, consulting\",income,2026-03,0,40000,40000,\r\n"), "{text}");
}

#[tokio::test]
async fn a_requested_currency_without_budget_or_actuals_is_an_empty_section() {
    let (api, tenant) = worked_example().await;

    let answer = api.get(&tenant, &format!("{Q1}&currency=CHF"), &[]).await;

    assert_eq!(answer.status, 200, "{answer:?}");
    let chf = &answer.body["currencies"][0];
    assert_eq!(chf["currency"], "CHF");
    assert_eq!(chf["accounts"], json!([]));
    assert_eq!(chf["net_income"]["periods"], json!([nothing("2026-01"), nothing("2026-02"), nothing("2026-03")]));
}

#[tokio::test]
async fn the_budget_list_names_each_budget_with_its_currencies_and_period_range() {
    let (api, tenant) = worked_example().await;

    let answer = api.get(&tenant, "/v1/budgets", &[]).await;
    let csv = api.get(&tenant, "/v1/budgets", &[CSV]).await;

    assert_eq!(answer.status, 200, "{answer:?}");
    assert_eq!(
        answer.body,
        json!({"items": [
            {"budget": "2026-plan", "currencies": ["EUR", "USD"], "first_period": "2026-01", "last_period": "2026-04", "amounts": 10},
            {"budget": "stretch", "currencies": ["EUR"], "first_period": "2026-01", "last_period": "2026-01", "amounts": 1},
        ]})
    );
    assert_eq!(
        csv.body.as_str().unwrap(),
        "budget,currencies,first_period,last_period,amounts\r\n2026-plan,EUR USD,2026-01,2026-04,10\r\nstretch,EUR,2026-01,2026-01,1\r\n"
    );
    let empty = new_tenant(&api.pool).await;
    assert_eq!(api.get(&empty, "/v1/budgets", &[]).await.body, json!({"items": []}));
}

#[tokio::test]
async fn bad_parameters_are_refused_naming_them_and_an_unknown_budget_is_not_found() {
    let (api, tenant) = worked_example().await;
    let report = |query: &str| format!("/v1/reports/budget-vs-actual?{query}");

    for (query, field) in [
        ("from_period=2026-01&to_period=2026-03", "budget"),
        ("budget=2026-plan&to_period=2026-03", "from_period"),
        ("budget=2026-plan&from_period=2026-01&to_period=", "to_period"),
        ("budget=2026-plan&from_period=2026-01&to_period=2026-03&currency=eur", "currency"),
        ("budget=2026-plan&from_period=2031-01&to_period=2026-03", "from_period"),
        ("budget=2026-plan&from_period=2026-01&to_period=2026-13", "to_period"),
        ("budget=2026-plan&from_period=2026-03&to_period=2026-01", "to_period"),
    ] {
        let answer = api.get(&tenant, &report(query), &[]).await;
        assert_problem(&answer, 422, "invalid-field");
        assert_eq!(answer.body["field"], field, "{query}: {answer:?}");
    }
    for budget in ["2027-plan", "no%20way", &"b".repeat(51)] {
        let answer =
            api.get(&tenant, &report(&format!("budget={budget}&from_period=2026-01&to_period=2026-03")), &[]).await;
        assert_problem(&answer, 404, "not-found");
    }
    assert_problem(&api.get(&tenant, &report("budget=2026-plan&from=2026-01-01"), &[]).await, 400, "malformed-request");
    assert_problem(&api.get(&tenant, "/v1/budgets?status=active", &[]).await, 400, "malformed-request");
}

#[tokio::test]
async fn the_report_waits_for_the_position_of_the_budget_write() {
    let (api, tenant) = worked_example().await;

    let early = api.get(&tenant, Q1, &[("X-Prism-Min-Position", "40")]).await;
    mark_applied(&api.pool, &tenant, "postgres", 40).await;
    let late = api.get(&tenant, Q1, &[("X-Prism-Min-Position", "40")]).await;

    assert_problem(&early, 504, "consistency-timeout");
    assert_eq!(late.status, 200, "{late:?}");
}
