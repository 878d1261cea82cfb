//! The financial statements on a functional basis (`basis=functional`): the lines' amounts in
//! the tenant's functional currency, revaluations included, summed in one section of that
//! currency; lines posted before the tenant had a functional currency are left out, and
//! `currency` names the reported currency. Over read-model rows seeded directly, every figure
//! computed by hand below.

mod common;

use common::{new_tenant, seed_accounts, seed_entry, SeedAccount, SeedEntry, TestApi};
use prism_aggregates::tenant::TenantId;
use serde_json::json;

/// The example, amounts in cents, functional currency EUR:
///
/// | date       | entry                                   | lines                           | functional (EUR)        |
/// |------------|-----------------------------------------|---------------------------------|-------------------------|
/// | 2025-12-20 | capital, before the functional currency | 1000 Dr / 3000 Cr 5,000 EUR     | none                    |
/// | 2026-01-05 | owner invests 10,000.00                 | 1000 Dr / 3000 Cr 1,000,000 EUR | the same                |
/// | 2026-02-01 | sale of USD 500.00 at 0.92              | 1100 Dr / 4000 Cr 50,000 USD    | 46,000 each             |
/// | 2026-03-31 | revaluation of the USD 500.00 at 0.95   | 1100 USD, 4920 EUR, both 0      | 1100 Dr / 4920 Cr 1,500 |
/// | 2026-04-10 | cash sale 70.00 (after 2026-03-31)      | 1000 Dr / 4000 Cr 7,000 EUR     | the same                |
async fn example() -> (TestApi, TenantId) {
    let api = TestApi::start(1_000).await;
    let tenant = new_tenant(&api.pool).await;
    seed_accounts(
        &api.pool,
        &tenant,
        &[
            SeedAccount::new("1000", "Bank", "asset"),
            SeedAccount::new("1100", "Receivables", "asset"),
            SeedAccount::new("3000", "Owner's capital", "equity"),
            SeedAccount::new("4000", "Sales", "income"),
            SeedAccount::new("4920", "Exchange gains", "income"),
        ],
    )
    .await;
    let entries = [
        SeedEntry::new("2025-12-20", 1, &[("1000", "EUR", 5_000, 0), ("3000", "EUR", 0, 5_000)]),
        SeedEntry::new("2026-01-05", 2, &[("1000", "EUR", 1_000_000, 0), ("3000", "EUR", 0, 1_000_000)])
            .with_functional(&[("EUR", 1_000_000, 0), ("EUR", 0, 1_000_000)]),
        SeedEntry::new("2026-02-01", 3, &[("1100", "USD", 50_000, 0), ("4000", "USD", 0, 50_000)])
            .with_functional(&[("EUR", 46_000, 0), ("EUR", 0, 46_000)]),
        SeedEntry::new("2026-03-31", 4, &[("1100", "USD", 0, 0), ("4920", "EUR", 0, 0)])
            .with_functional(&[("EUR", 1_500, 0), ("EUR", 0, 1_500)]),
        SeedEntry::new("2026-04-10", 5, &[("1000", "EUR", 7_000, 0), ("4000", "EUR", 0, 7_000)])
            .with_functional(&[("EUR", 7_000, 0), ("EUR", 0, 7_000)]),
    ];
    for entry in &entries {
        seed_entry(&api.pool, &tenant, entry).await;
    }
    (api, tenant)
}

fn tb_line(code: &str, name: &str, account_type: &str, debit: i64, credit: i64) -> serde_json::Value {
    json!({"code": code, "name": name, "account_type": account_type,
           "debit_balance_minor": debit, "credit_balance_minor": credit})
}

#[tokio::test]
async fn the_functional_trial_balance_sums_functional_amounts_under_the_functional_currency() {
    let (api, tenant) = example().await;

    let functional = api.get(&tenant, "/v1/reports/trial-balance?as_of=2026-03-31&basis=functional", &[]).await;
    let transaction = api.get(&tenant, "/v1/reports/trial-balance?as_of=2026-03-31&basis=transaction", &[]).await;
    let default = api.get(&tenant, "/v1/reports/trial-balance?as_of=2026-03-31", &[]).await;

    assert_eq!(functional.status, 200, "{functional:?}");
    // 1000: 1,000,000 (the December 5,000 has no functional amount); 1100: 46,000 + 1,500.
    // Debits 1,000,000 + 47,500 = 1,047,500; credits 1,000,000 + 46,000 + 1,500 = 1,047,500.
    assert_eq!(
        functional.body,
        json!({"as_of": "2026-03-31", "basis": "functional", "currencies": [
            {"currency": "EUR", "lines": [
                tb_line("1000", "Bank", "asset", 1_000_000, 0),
                tb_line("1100", "Receivables", "asset", 47_500, 0),
                tb_line("3000", "Owner's capital", "equity", 0, 1_000_000),
                tb_line("4000", "Sales", "income", 0, 46_000),
                tb_line("4920", "Exchange gains", "income", 0, 1_500),
            ], "total_debit_minor": 1_047_500, "total_credit_minor": 1_047_500, "balanced": true},
        ]})
    );
    // The transaction basis is the default: per transaction currency, every line, the
    // revaluation's zero amounts included.
    assert_eq!(transaction.body, default.body);
    assert_eq!(default.body["basis"], "transaction");
    assert_eq!(
        default.body["currencies"],
        json!([
            {"currency": "EUR", "lines": [
                tb_line("1000", "Bank", "asset", 1_005_000, 0),
                tb_line("3000", "Owner's capital", "equity", 0, 1_005_000),
                tb_line("4920", "Exchange gains", "income", 0, 0),
            ], "total_debit_minor": 1_005_000, "total_credit_minor": 1_005_000, "balanced": true},
            {"currency": "USD", "lines": [
                tb_line("1100", "Receivables", "asset", 50_000, 0),
                tb_line("4000", "Sales", "income", 0, 50_000),
            ], "total_debit_minor": 50_000, "total_credit_minor": 50_000, "balanced": true},
        ]),
        "{default:?}"
    );
}

#[tokio::test]
async fn the_functional_income_statement_and_balance_sheet_count_the_revaluation_and_agree() {
    let (api, tenant) = example().await;

    let income =
        api.get(&tenant, "/v1/reports/income-statement?from=2026-01-01&to=2026-03-31&basis=functional", &[]).await;
    let sheet = api.get(&tenant, "/v1/reports/balance-sheet?as_of=2026-03-31&basis=functional", &[]).await;

    assert_eq!(
        income.body,
        json!({"from": "2026-01-01", "to": "2026-03-31", "basis": "functional", "currencies": [
            {"currency": "EUR",
             "income": [
                 {"code": "4000", "name": "Sales", "amount_minor": 46_000},
                 {"code": "4920", "name": "Exchange gains", "amount_minor": 1_500},
             ],
             "expenses": [],
             "total_income_minor": 47_500, "total_expense_minor": 0, "net_income_minor": 47_500},
        ]}),
        "{income:?}"
    );
    // Assets 1,000,000 + 47,500; equity 1,000,000 + current earnings 47,500.
    assert_eq!(
        sheet.body,
        json!({"as_of": "2026-03-31", "basis": "functional", "currencies": [
            {"currency": "EUR",
             "assets": [
                 {"code": "1000", "name": "Bank", "amount_minor": 1_000_000},
                 {"code": "1100", "name": "Receivables", "amount_minor": 47_500},
             ],
             "liabilities": [],
             "equity": [{"code": "3000", "name": "Owner's capital", "amount_minor": 1_000_000}],
             "current_earnings_minor": 47_500,
             "unclassified": [],
             "total_assets_minor": 1_047_500,
             "total_liabilities_minor": 0,
             "total_equity_minor": 1_047_500,
             "total_liabilities_and_equity_minor": 1_047_500,
             "balanced": true},
        ]}),
        "{sheet:?}"
    );
}

#[tokio::test]
async fn on_a_functional_basis_the_currency_filter_names_the_reported_currency() {
    let (api, tenant) = example().await;

    let usd = api.get(&tenant, "/v1/reports/trial-balance?as_of=2026-04-30&basis=functional&currency=USD", &[]).await;
    let eur = api.get(&tenant, "/v1/reports/trial-balance?as_of=2026-04-30&basis=functional&currency=EUR", &[]).await;
    let csv = api
        .get(
            &tenant,
            "/v1/reports/balance-sheet?as_of=2026-04-30&basis=functional&currency=EUR",
            &[("Accept", "text/csv")],
        )
        .await;

    // No line has a functional amount in USD: the USD lines are reported in EUR.
    assert_eq!(
        usd.body["currencies"],
        json!([{"currency": "USD", "lines": [], "total_debit_minor": 0, "total_credit_minor": 0, "balanced": true}]),
        "{usd:?}"
    );
    // The April cash sale is in: 1000 at 1,007,000, 4000 at 53,000.
    let eur_lines = &eur.body["currencies"][0]["lines"];
    assert_eq!(eur_lines[0], tb_line("1000", "Bank", "asset", 1_007_000, 0), "{eur:?}");
    assert_eq!(eur_lines[3], tb_line("4000", "Sales", "income", 0, 53_000), "{eur:?}");
    assert_eq!(eur.body["currencies"][0]["total_debit_minor"], 1_054_500, "{eur:?}");
    assert_eq!(csv.status, 200, "{csv:?}");
    assert_eq!(
        csv.body.as_str().expect("CSV"),
        "currency,section,code,name,amount_minor\r\n\
         EUR,asset,1000,Bank,1007000\r\n\
         EUR,asset,1100,Receivables,47500\r\n\
         EUR,equity,3000,Owner's capital,1000000\r\n\
         EUR,equity,,current earnings,54500\r\n"
    );
}
