//! The aging report over invoice read-model rows seeded directly: open amounts rebuilt as
//! of a date from issue, payment and void dates (not from today's `open_minor`), bucketed
//! by days past due, credit notes negative, both sides, per currency; every figure computed
//! by hand below. JSON and CSV, the detail flag and the refusal of bad parameters.

mod common;

use common::{assert_problem, new_tenant, seed_invoice, seed_payment, Answer, SeedInvoice, SeedPayment, TestApi};
use prism_aggregates::tenant::TenantId;
use serde_json::{json, Value};

const CSV: (&str, &str) = ("Accept", "text/csv");

/// The documents of the worked example, amounts in cents:
///
/// | document | counterparty | issued | due | gross | afterwards |
/// |---|---|---|---|---|---|
/// | `inv1` INV-001 | C-ACME Acme GmbH | 2026-01-10 | 2026-02-09 | 540,000 | 200,000 paid 2026-02-15 |
/// | `cn1` CN-001 (credit note) | C-ACME | 2026-03-05 | 2026-04-04 | 60,000 | |
/// | INV-005 | C-ACME | 2026-04-02 | 2026-05-02 | 12,000 | |
/// | INV-DRAFT (draft) | C-ACME | | | | |
/// | `inv2` INV-002 | C-BETA Beta AG | 2025-11-15 | 2025-12-15 | 119,000 | |
/// | `inv3` INV-003 | C-BETA Beta AG | 2026-02-01 | 2026-03-03 | 238,000 | voided 2026-03-20 |
/// | INV-004 | C-BETA, renamed Beta Holding AG | 2026-03-20 | 2026-04-19 | 50,000 | paid in full 2026-03-25 |
/// | `inv6` INV-006 (USD) | C-GAMMA Gamma Inc | 2025-12-01 | 2025-12-31 | 100,000 | 30,000 paid 2026-01-15 |
/// | `bill1` BILL-1 | V-OFFICE Office Supplies Ltd | 2026-03-01 | 2026-03-31 | 35,700 | |
/// | `vcn1` VCN-1 (vendor credit note) | V-OFFICE | 2026-03-10 | 2026-03-10 | 5,000 | |
/// | `bill2` BILL-2 | V-RENT Landlord KG | 2026-01-01 | 2026-01-30 | 20,000 | 5,000 paid 2026-04-01 |
struct Example {
    inv1: SeedInvoice,
    cn1: SeedInvoice,
    inv2: SeedInvoice,
    inv3: SeedInvoice,
    inv6: SeedInvoice,
    bill1: SeedInvoice,
    vcn1: SeedInvoice,
    bill2: SeedInvoice,
}

async fn example() -> (TestApi, TenantId, Example) {
    let api = TestApi::start(1_000).await;
    let tenant = new_tenant(&api.pool).await;
    let customer = |kind, number, id, name| SeedInvoice::draft(kind, number, id, name);
    let inv1 = customer("customer_invoice", "INV-001", "C-ACME", "Acme GmbH").issued(
        "2026-01-10",
        "2026-02-09",
        450_000,
        90_000,
    );
    let cn1 = customer("customer_credit_note", "CN-001", "C-ACME", "Acme GmbH").issued(
        "2026-03-05",
        "2026-04-04",
        50_000,
        10_000,
    );
    let inv5 = customer("customer_invoice", "INV-005", "C-ACME", "Acme GmbH").issued(
        "2026-04-02",
        "2026-05-02",
        10_000,
        2_000,
    );
    let draft = customer("customer_invoice", "INV-DRAFT", "C-ACME", "Acme GmbH");
    let inv2 = customer("customer_invoice", "INV-002", "C-BETA", "Beta AG").issued(
        "2025-11-15",
        "2025-12-15",
        100_000,
        19_000,
    );
    let inv3 = customer("customer_invoice", "INV-003", "C-BETA", "Beta AG")
        .issued("2026-02-01", "2026-03-03", 200_000, 38_000)
        .voided("2026-03-20");
    let inv4 = customer("customer_invoice", "INV-004", "C-BETA", "Beta Holding AG").issued(
        "2026-03-20",
        "2026-04-19",
        50_000,
        0,
    );
    let inv6 = customer("customer_invoice", "INV-006", "C-GAMMA", "Gamma Inc")
        .issued("2025-12-01", "2025-12-31", 100_000, 0)
        .in_currency("USD");
    let bill1 = SeedInvoice::draft("vendor_bill", "BILL-1", "V-OFFICE", "Office Supplies Ltd").issued(
        "2026-03-01",
        "2026-03-31",
        30_000,
        5_700,
    );
    let vcn1 = SeedInvoice::draft("vendor_credit_note", "VCN-1", "V-OFFICE", "Office Supplies Ltd").issued(
        "2026-03-10",
        "2026-03-10",
        5_000,
        0,
    );
    let bill2 = SeedInvoice::draft("vendor_bill", "BILL-2", "V-RENT", "Landlord KG").issued(
        "2026-01-01",
        "2026-01-30",
        20_000,
        0,
    );
    for invoice in [&inv1, &cn1, &inv5, &draft, &inv2, &inv3, &inv4, &inv6, &bill1, &vcn1, &bill2] {
        seed_invoice(&api.pool, &tenant, invoice).await;
    }
    let payments = [
        SeedPayment::received("C-ACME", "2026-02-15", 200_000, &[(inv1.invoice_id, 200_000)]),
        SeedPayment::received("C-BETA", "2026-03-25", 50_000, &[(inv4.invoice_id, 50_000)]),
        SeedPayment {
            currency: "USD",
            ..SeedPayment::received("C-GAMMA", "2026-01-15", 30_000, &[(inv6.invoice_id, 30_000)])
        },
        SeedPayment::made("V-RENT", "2026-04-01", 5_000, &[(bill2.invoice_id, 5_000)]),
    ];
    for payment in &payments {
        seed_payment(&api.pool, &tenant, payment).await;
    }
    (api, tenant, Example { inv1, cn1, inv2, inv3, inv6, bill1, vcn1, bill2 })
}

/// A counterparty row: id, name, then current, 1–30, 31–60, 61–90, over 90 and total.
fn row(id: &str, name: &str, buckets: [i64; 5]) -> Value {
    let mut row = amounts(buckets);
    row["counterparty_id"] = json!(id);
    row["counterparty_name"] = json!(name);
    row
}

/// The five bucket amounts and their total.
fn amounts([current, d30, d60, d90, over]: [i64; 5]) -> Value {
    json!({"current_minor": current, "days_1_30_minor": d30, "days_31_60_minor": d60, "days_61_90_minor": d90,
           "over_90_minor": over, "total_minor": current + d30 + d60 + d90 + over})
}

fn csv_body(answer: &Answer) -> &str {
    assert_eq!(answer.status, 200, "{answer:?}");
    assert_eq!(answer.content_type, "text/csv; charset=utf-8", "{answer:?}");
    answer.body.as_str().expect("a CSV body is not JSON")
}

#[tokio::test]
async fn receivables_at_quarter_end_are_aged_from_history_with_credit_notes_negative() {
    let (api, tenant, _example) = example().await;

    let answer = api.get(&tenant, "/v1/reports/aging?side=receivables&as_of=2026-03-31", &[]).await;

    assert_eq!(answer.status, 200, "{answer:?}");
    // Acme: INV-001 540,000 - 200,000 = 340,000, 50 days past 2026-02-09 (19 + 31): 31-60;
    //       CN-001 -60,000, due 2026-04-04: current; INV-005 is issued after as_of, the draft never.
    // Beta: INV-002 119,000, 106 days past 2025-12-15 (16 + 31 + 28 + 31): over 90; INV-003 voided
    //       2026-03-20 and INV-004 paid 2026-03-25 are gone; the name is INV-004's, the latest issued.
    // Gamma (USD): 100,000 - 30,000 = 70,000, 90 days past 2025-12-31 (31 + 28 + 31): 61-90.
    assert_eq!(
        answer.body,
        json!({"side": "receivables", "as_of": "2026-03-31", "currencies": [
            {"currency": "EUR",
             "counterparties": [
                 row("C-ACME", "Acme GmbH", [-60_000, 0, 340_000, 0, 0]),
                 row("C-BETA", "Beta Holding AG", [0, 0, 0, 0, 119_000]),
             ],
             "totals": amounts([-60_000, 0, 340_000, 0, 119_000])},
            {"currency": "USD",
             "counterparties": [row("C-GAMMA", "Gamma Inc", [0, 0, 0, 70_000, 0])],
             "totals": amounts([0, 0, 0, 70_000, 0])},
        ]})
    );
    assert_eq!(answer.body["currencies"][0]["totals"]["total_minor"], 399_000);
    assert_eq!(answer.body["currencies"][0]["counterparties"][0]["total_minor"], 280_000);
}

#[tokio::test]
async fn receivables_earlier_ignore_later_payments_credit_notes_and_renames() {
    let (api, tenant, _example) = example().await;

    let answer = api.get(&tenant, "/v1/reports/aging?side=receivables&as_of=2026-02-10", &[]).await;

    // Acme: INV-001 is 1 day past due and the 2026-02-15 payment is still to come: 540,000 in 1-30.
    // Beta: INV-002 57 days past due (16 + 31 + 10): 31-60; INV-003 not due until 2026-03-03: current.
    // Gamma: the 2026-01-15 payment is in: 70,000, 41 days past due (31 + 10): 31-60.
    assert_eq!(
        answer.body["currencies"],
        json!([
            {"currency": "EUR",
             "counterparties": [
                 row("C-ACME", "Acme GmbH", [0, 540_000, 0, 0, 0]),
                 row("C-BETA", "Beta AG", [238_000, 0, 119_000, 0, 0]),
             ],
             "totals": amounts([238_000, 540_000, 119_000, 0, 0])},
            {"currency": "USD",
             "counterparties": [row("C-GAMMA", "Gamma Inc", [0, 0, 70_000, 0, 0])],
             "totals": amounts([0, 0, 70_000, 0, 0])},
        ]),
        "{answer:?}"
    );
    assert_eq!(answer.body["currencies"][0]["totals"]["total_minor"], 897_000);
}

#[tokio::test]
async fn a_void_invoice_counts_until_the_day_before_its_void_date() {
    let (api, tenant, example) = example().await;

    let before =
        api.get(&tenant, "/v1/reports/aging?side=receivables&as_of=2026-03-19&currency=EUR&detail=true", &[]).await;
    let on =
        api.get(&tenant, "/v1/reports/aging?side=receivables&as_of=2026-03-20&currency=EUR&detail=true", &[]).await;

    let beta = |answer: &Answer| answer.body["currencies"][0]["counterparties"][1].clone();
    // 2026-03-19: INV-003 is 16 days past 2026-03-03; INV-002 94 days past 2025-12-15.
    assert_eq!(
        beta(&before),
        json!({"counterparty_id": "C-BETA", "counterparty_name": "Beta AG",
        "current_minor": 0, "days_1_30_minor": 238_000, "days_31_60_minor": 0, "days_61_90_minor": 0,
        "over_90_minor": 119_000, "total_minor": 357_000,
        "invoices": [
            {"invoice_id": example.inv2.invoice_id, "kind": "customer_invoice", "number": "INV-002",
             "issue_date": "2025-11-15", "due_date": "2025-12-15", "gross_total_minor": 119_000,
             "paid_minor": 0, "open_minor": 119_000, "days_past_due": 94, "bucket": "over_90"},
            {"invoice_id": example.inv3.invoice_id, "kind": "customer_invoice", "number": "INV-003",
             "issue_date": "2026-02-01", "due_date": "2026-03-03", "gross_total_minor": 238_000,
             "paid_minor": 0, "open_minor": 238_000, "days_past_due": 16, "bucket": "days_1_30"},
        ]}),
        "{before:?}"
    );
    // 2026-03-20: voided that day, so gone; INV-004 (issued that day, name Beta Holding AG) is open.
    let on_beta = beta(&on);
    assert_eq!(on_beta["counterparty_name"], "Beta Holding AG", "{on:?}");
    let numbers: Vec<&str> =
        on_beta["invoices"].as_array().unwrap().iter().map(|invoice| invoice["number"].as_str().unwrap()).collect();
    assert_eq!(numbers, ["INV-002", "INV-004"]);
    assert_eq!((&on_beta["current_minor"], &on_beta["total_minor"]), (&json!(50_000), &json!(169_000)));
}

#[tokio::test]
async fn detail_lists_each_open_document_with_its_bucket_and_signed_amount() {
    let (api, tenant, example) = example().await;

    let answer =
        api.get(&tenant, "/v1/reports/aging?side=receivables&as_of=2026-03-31&currency=EUR&detail=true", &[]).await;
    let summary = api.get(&tenant, "/v1/reports/aging?side=receivables&as_of=2026-03-31&detail=false", &[]).await;

    let acme = &answer.body["currencies"][0]["counterparties"][0];
    assert_eq!(
        acme["invoices"],
        json!([
            {"invoice_id": example.inv1.invoice_id, "kind": "customer_invoice", "number": "INV-001",
             "issue_date": "2026-01-10", "due_date": "2026-02-09", "gross_total_minor": 540_000,
             "paid_minor": 200_000, "open_minor": 340_000, "days_past_due": 50, "bucket": "days_31_60"},
            {"invoice_id": example.cn1.invoice_id, "kind": "customer_credit_note", "number": "CN-001",
             "issue_date": "2026-03-05", "due_date": "2026-04-04", "gross_total_minor": 60_000,
             "paid_minor": 0, "open_minor": -60_000, "days_past_due": -4, "bucket": "current"},
        ]),
        "{answer:?}"
    );
    assert_eq!(answer.body["currencies"].as_array().map(Vec::len), Some(1));
    assert!(summary.body["currencies"][0]["counterparties"][0].get("invoices").is_none(), "{summary:?}");
}

#[tokio::test]
async fn payables_age_vendor_bills_less_vendor_credit_notes() {
    let (api, tenant, _example) = example().await;

    let quarter_end = api.get(&tenant, "/v1/reports/aging?side=payables&as_of=2026-03-31", &[]).await;
    let next_day = api.get(&tenant, "/v1/reports/aging?side=payables&as_of=2026-04-01", &[]).await;

    // 2026-03-31: BILL-2 60 days past 2026-01-30 (1 + 28 + 31): 31-60, the 2026-04-01 payment not
    // yet made; BILL-1 due that day: current; VCN-1 -5,000, 21 days past 2026-03-10: 1-30.
    assert_eq!(
        quarter_end.body,
        json!({"side": "payables", "as_of": "2026-03-31", "currencies": [
            {"currency": "EUR",
             "counterparties": [
                 row("V-RENT", "Landlord KG", [0, 0, 20_000, 0, 0]),
                 row("V-OFFICE", "Office Supplies Ltd", [35_700, -5_000, 0, 0, 0]),
             ],
             "totals": amounts([35_700, -5_000, 20_000, 0, 0])},
        ]})
    );
    // 2026-04-01: BILL-2 20,000 - 5,000 = 15,000, 61 days past due; BILL-1 1 day; VCN-1 22 days.
    assert_eq!(
        next_day.body["currencies"][0]["counterparties"],
        json!([
            row("V-RENT", "Landlord KG", [0, 0, 0, 15_000, 0]),
            row("V-OFFICE", "Office Supplies Ltd", [0, 30_700, 0, 0, 0]),
        ])
    );
}

#[tokio::test]
async fn the_currency_filter_keeps_one_section_even_when_nothing_is_open() {
    let (api, tenant, _example) = example().await;

    let usd = api.get(&tenant, "/v1/reports/aging?side=receivables&as_of=2026-03-31&currency=USD", &[]).await;
    let chf = api.get(&tenant, "/v1/reports/aging?side=receivables&as_of=2026-03-31&currency=CHF", &[]).await;
    let early = api.get(&tenant, "/v1/reports/aging?side=payables&as_of=2025-12-31", &[]).await;

    assert_eq!(
        usd.body["currencies"],
        json!([{"currency": "USD", "counterparties": [row("C-GAMMA", "Gamma Inc", [0, 0, 0, 70_000, 0])],
                "totals": amounts([0, 0, 0, 70_000, 0])}])
    );
    assert_eq!(chf.body["currencies"], json!([{"currency": "CHF", "counterparties": [], "totals": amounts([0; 5])}]));
    assert_eq!(early.body, json!({"side": "payables", "as_of": "2025-12-31", "currencies": []}));
}

#[tokio::test]
async fn the_aging_as_csv_is_one_record_per_counterparty_or_per_document_with_detail() {
    let (api, tenant, example) = example().await;

    let summary = api.get(&tenant, "/v1/reports/aging?side=receivables&as_of=2026-03-31", &[CSV]).await;
    let detail = api.get(&tenant, "/v1/reports/aging?side=payables&as_of=2026-03-31&detail=true", &[CSV]).await;
    let usd =
        api.get(&tenant, "/v1/reports/aging?side=receivables&as_of=2026-03-31&currency=USD&detail=true", &[CSV]).await;

    assert_eq!(
        csv_body(&summary),
        "currency,counterparty_id,counterparty_name,current_minor,days_1_30_minor,days_31_60_minor,days_61_90_minor,over_90_minor,total_minor\r\n\
         EUR,C-ACME,Acme GmbH,-60000,0,340000,0,0,280000\r\n\
         EUR,C-BETA,Beta Holding AG,0,0,0,0,119000,119000\r\n\
         USD,C-GAMMA,Gamma Inc,0,0,0,70000,0,70000\r\n"
    );
    let header = "currency,counterparty_id,counterparty_name,invoice_id,kind,number,issue_date,due_date,days_past_due,bucket,open_minor\r\n";
    assert_eq!(
        csv_body(&detail),
        format!(
            "{header}\
             EUR,V-RENT,Landlord KG,{bill2},vendor_bill,BILL-2,2026-01-01,2026-01-30,60,days_31_60,20000\r\n\
             EUR,V-OFFICE,Office Supplies Ltd,{vcn1},vendor_credit_note,VCN-1,2026-03-10,2026-03-10,21,days_1_30,-5000\r\n\
             EUR,V-OFFICE,Office Supplies Ltd,{bill1},vendor_bill,BILL-1,2026-03-01,2026-03-31,0,current,35700\r\n",
            bill2 = example.bill2.invoice_id,
            vcn1 = example.vcn1.invoice_id,
            bill1 = example.bill1.invoice_id,
        )
    );
    assert_eq!(
        csv_body(&usd),
        format!(
            "{header}USD,C-GAMMA,Gamma Inc,{},customer_invoice,INV-006,2025-12-01,2025-12-31,90,days_61_90,70000\r\n",
            example.inv6.invoice_id
        )
    );
}

#[tokio::test]
async fn the_report_date_defaults_to_today() {
    let (api, tenant, _example) = example().await;

    let before = chrono::Utc::now().date_naive();
    let answer = api.get(&tenant, "/v1/reports/aging?side=receivables", &[]).await;
    let after = chrono::Utc::now().date_naive();

    assert_eq!(answer.status, 200, "{answer:?}");
    let as_of = answer.body["as_of"].as_str().expect("as_of").to_owned();
    assert!([before.to_string(), after.to_string()].contains(&as_of), "{answer:?}");
}

#[tokio::test]
async fn bad_aging_parameters_are_refused_naming_the_parameter() {
    let api = TestApi::start(1_000).await;
    let tenant = new_tenant(&api.pool).await;

    let cases = [
        ("/v1/reports/aging?as_of=2026-03-31", "side"),
        ("/v1/reports/aging?side=sideways&as_of=2026-03-31", "side"),
        ("/v1/reports/aging?side=AR", "side"),
        ("/v1/reports/aging?side=payables&as_of=2026-02-30", "as_of"),
        ("/v1/reports/aging?side=payables&currency=eur", "currency"),
        ("/v1/reports/aging?side=payables&detail=yes", "detail"),
    ];
    for (path, field) in cases {
        let answer = api.get(&tenant, path, &[]).await;
        assert_problem(&answer, 422, "invalid-field");
        assert_eq!(answer.body["field"], field, "{path}: {answer:?}");
    }
    let sideways = api.get(&tenant, "/v1/reports/aging?side=sideways", &[]).await;
    assert_eq!(sideways.body["detail"], "side must be receivables or payables, got \"sideways\"");
    assert_problem(
        &api.get(&tenant, "/v1/reports/aging?side=payables&date=2026-03-31", &[]).await,
        400,
        "malformed-request",
    );
}
