//! The invoice list with its filters and keyset pages, one invoice with its lines and
//! payments, one payment with its allocations and the tax codes — over read-model rows
//! seeded directly; JSON and CSV, 404s and the refusal of bad parameters.

mod common;

use common::{
    assert_problem, mark_applied, new_tenant, seed_invoice, seed_payment, seed_tax_rates, Answer, SeedInvoice,
    SeedPayment, TestApi,
};
use prism_aggregates::tenant::TenantId;
use serde_json::{json, Value};
use uuid::Uuid;

const CSV: (&str, &str) = ("Accept", "text/csv");

/// The invoice book of these tests, amounts in cents:
///
/// | invoice | kind | counterparty | issued | due | net + tax = gross | afterwards |
/// |---|---|---|---|---|---|---|
/// | `a` INV-2026-001 | customer invoice | C-ACME Acme GmbH | 2026-01-10 | 2026-02-09 | 450,000 + 90,000 = 540,000 | 200,000 paid 2026-02-15 (`p1`) |
/// | `b` BILL-77 | vendor bill | V-OFFICE Office Supplies Ltd | 2026-02-03 | 2026-03-05 | 30,000 + 5,700 = 35,700 | |
/// | `d` INV-2026-002 | customer invoice | C-BETA Beta AG | 2026-02-20 | 2026-03-22 | 100,000 + 19,000 = 119,000 | voided 2026-03-01 |
/// | `c` CN-2026-001 | customer credit note of `a` | C-ACME | 2026-03-05 | 2026-03-05 | 50,000 + 10,000 = 60,000 | |
/// | `e` INV-DRAFT-1 | customer invoice, draft | C-ACME | | | | |
/// | `f` BILL-DRAFT | vendor bill, draft | V-OFFICE | | | | |
///
/// plus `p2`, 50,000 received from C-BETA on 2026-03-02 and allocated to nothing.
struct Book {
    a: SeedInvoice,
    b: SeedInvoice,
    c: SeedInvoice,
    d: SeedInvoice,
    e: SeedInvoice,
    f: SeedInvoice,
    p1: SeedPayment,
    p2: SeedPayment,
}

async fn book() -> (TestApi, TenantId, Book) {
    let api = TestApi::start(1_000).await;
    let tenant = new_tenant(&api.pool).await;
    let a = SeedInvoice::draft("customer_invoice", "INV-2026-001", "C-ACME", "Acme GmbH")
        .with_line(("Consulting, 8 h", 8_000, 45_000, "4100", Some("VAT20"), 2_000))
        .with_line(("Workshop \"materials\"", 2_500, 36_000, "4000", Some("VAT20"), 2_000))
        .issued("2026-01-10", "2026-02-09", 450_000, 90_000);
    let b = SeedInvoice::draft("vendor_bill", "BILL-77", "V-OFFICE", "Office Supplies Ltd")
        .with_line(("Paper", 10_000, 3_000, "6300", Some("VAT19"), 1_900))
        .issued("2026-02-03", "2026-03-05", 30_000, 5_700);
    let c = SeedInvoice {
        credits_invoice_id: Some(a.invoice_id),
        ..SeedInvoice::draft("customer_credit_note", "CN-2026-001", "C-ACME", "Acme GmbH").issued(
            "2026-03-05",
            "2026-03-05",
            50_000,
            10_000,
        )
    };
    let d = SeedInvoice::draft("customer_invoice", "INV-2026-002", "C-BETA", "Beta AG")
        .issued("2026-02-20", "2026-03-22", 100_000, 19_000)
        .voided("2026-03-01");
    let e = SeedInvoice::draft("customer_invoice", "INV-DRAFT-1", "C-ACME", "Acme GmbH").with_line((
        "Retainer",
        1_000,
        120_000,
        "4100",
        Some("VAT20"),
        2_000,
    ));
    let f = SeedInvoice::draft("vendor_bill", "BILL-DRAFT", "V-OFFICE", "Office Supplies Ltd");
    for invoice in [&a, &b, &c, &d, &e, &f] {
        seed_invoice(&api.pool, &tenant, invoice).await;
    }
    let p1 = SeedPayment {
        reference: Some("SEPA 4711"),
        ..SeedPayment::received("C-ACME", "2026-02-15", 200_000, &[(a.invoice_id, 200_000)])
    };
    let p2 = SeedPayment::received("C-BETA", "2026-03-02", 50_000, &[]);
    seed_payment(&api.pool, &tenant, &p1).await;
    seed_payment(&api.pool, &tenant, &p2).await;
    (api, tenant, Book { a, b, c, d, e, f, p1, p2 })
}

/// The two drafts' numbers in list order (by id: they have no issue date).
fn drafts_in_order(book: &Book) -> [&'static str; 2] {
    if book.e.invoice_id < book.f.invoice_id {
        [book.e.number, book.f.number]
    } else {
        [book.f.number, book.e.number]
    }
}

fn numbers(answer: &Answer) -> Vec<String> {
    assert_eq!(answer.status, 200, "{answer:?}");
    let items = answer.body["items"].as_array().expect("items");
    items.iter().map(|item| item["number"].as_str().expect("number").to_owned()).collect()
}

fn csv_body(answer: &Answer) -> &str {
    assert_eq!(answer.status, 200, "{answer:?}");
    assert_eq!(answer.content_type, "text/csv; charset=utf-8", "{answer:?}");
    answer.body.as_str().expect("a CSV body is not JSON")
}

#[tokio::test]
async fn the_list_holds_every_invoice_by_issue_date_with_drafts_last() {
    let (api, tenant, book) = book().await;

    let answer = api.get(&tenant, "/v1/invoices", &[]).await;

    let [first_draft, second_draft] = drafts_in_order(&book);
    assert_eq!(numbers(&answer), ["INV-2026-001", "BILL-77", "INV-2026-002", "CN-2026-001", first_draft, second_draft]);
    assert_eq!(answer.body["next_cursor"], Value::Null);
    let items = answer.body["items"].as_array().unwrap();
    assert_eq!(
        items[0],
        json!({"invoice_id": book.a.invoice_id, "kind": "customer_invoice", "number": "INV-2026-001",
               "counterparty_id": "C-ACME", "counterparty_name": "Acme GmbH", "currency": "EUR",
               "status": "partially_paid", "issue_date": "2026-01-10", "due_date": "2026-02-09",
               "net_total_minor": 450_000, "tax_total_minor": 90_000, "gross_total_minor": 540_000,
               "paid_minor": 200_000, "open_minor": 340_000})
    );
    let by_number = |number: &str| items.iter().find(|item| item["number"] == number).unwrap().clone();
    let voided = by_number("INV-2026-002");
    assert_eq!(
        (&voided["status"], &voided["gross_total_minor"], &voided["open_minor"]),
        (&json!("void"), &json!(119_000), &json!(0))
    );
    let bill = by_number("BILL-77");
    assert_eq!(
        (&bill["invoice_id"], &bill["kind"], &bill["status"], &bill["open_minor"]),
        (&json!(book.b.invoice_id), &json!("vendor_bill"), &json!("issued"), &json!(35_700))
    );
    let draft = by_number("INV-DRAFT-1");
    assert_eq!(
        draft,
        json!({"invoice_id": book.e.invoice_id, "kind": "customer_invoice", "number": "INV-DRAFT-1",
               "counterparty_id": "C-ACME", "counterparty_name": "Acme GmbH", "currency": "EUR",
               "status": "draft", "issue_date": null, "due_date": null,
               "net_total_minor": null, "tax_total_minor": null, "gross_total_minor": null,
               "paid_minor": 0, "open_minor": 0})
    );
}

#[tokio::test]
async fn the_list_filters_by_kind_status_counterparty_and_issue_date_leaving_drafts_out_of_date_ranges() {
    let (api, tenant, book) = book().await;
    let [first_draft, second_draft] = drafts_in_order(&book);
    let customer_draft = book.e.number;

    let cases: [(&str, Vec<&str>); 9] = [
        ("kind=customer_invoice", vec!["INV-2026-001", "INV-2026-002", customer_draft]),
        ("kind=customer_credit_note", vec!["CN-2026-001"]),
        ("status=void", vec!["INV-2026-002"]),
        ("status=draft", vec![first_draft, second_draft]),
        ("counterparty_id=C-ACME", vec!["INV-2026-001", "CN-2026-001", customer_draft]),
        ("from=2026-02-01", vec!["BILL-77", "INV-2026-002", "CN-2026-001"]),
        ("to=2026-02-20", vec!["INV-2026-001", "BILL-77", "INV-2026-002"]),
        ("from=2026-02-03&to=2026-02-03", vec!["BILL-77"]),
        ("kind=customer_invoice&counterparty_id=C-ACME&from=2026-01-01&to=2026-12-31", vec!["INV-2026-001"]),
    ];
    for (query, expected) in cases {
        let answer = api.get(&tenant, &format!("/v1/invoices?{query}"), &[]).await;
        assert_eq!(numbers(&answer), expected, "{query}");
    }
    let nobody = api.get(&tenant, "/v1/invoices?counterparty_id=C-NOBODY", &[]).await;
    assert_eq!(nobody.body, json!({"items": [], "next_cursor": null}));
}

#[tokio::test]
async fn pages_follow_the_cursor_from_issued_invoices_into_the_drafts() {
    let (api, tenant, book) = book().await;
    let [first_draft, second_draft] = drafts_in_order(&book);

    let mut pages = Vec::new();
    let mut path = "/v1/invoices?limit=2".to_owned();
    loop {
        let answer = api.get(&tenant, &path, &[]).await;
        pages.push(numbers(&answer));
        let Some(cursor) = answer.body["next_cursor"].as_str() else { break };
        path = format!("/v1/invoices?limit=2&cursor={cursor}");
        assert!(pages.len() < 5, "pages never end");
    }
    let first = api.get(&tenant, "/v1/invoices?limit=4", &[]).await;
    let fifth = api.get(&tenant, "/v1/invoices?limit=5", &[]).await;
    let last_page = api.get(&tenant, &format!("/v1/invoices?limit=5&cursor=draft_{}", Uuid::nil()), &[]).await;

    assert_eq!(
        pages,
        [vec!["INV-2026-001", "BILL-77"], vec!["INV-2026-002", "CN-2026-001"], vec![first_draft, second_draft]]
    );
    assert_eq!(first.body["next_cursor"], format!("2026-03-05_{}", book.c.invoice_id));
    let first_draft_id = if book.e.number == first_draft { book.e.invoice_id } else { book.f.invoice_id };
    assert_eq!(fifth.body["next_cursor"], format!("draft_{first_draft_id}"));
    assert_eq!(numbers(&last_page), [first_draft, second_draft]);
}

#[tokio::test]
async fn the_list_as_csv_has_one_record_per_invoice_and_the_next_cursor_in_a_header() {
    let (api, tenant, book) = book().await;

    let answer = api.get(&tenant, "/v1/invoices?counterparty_id=C-ACME&limit=2", &[CSV]).await;
    let response = api
        .client
        .get(format!("{}/v1/invoices?counterparty_id=C-ACME&limit=2", api.base))
        .bearer_auth(api.token(&tenant))
        .header(CSV.0, CSV.1)
        .send()
        .await
        .unwrap();
    let last = api.get(&tenant, "/v1/invoices?counterparty_id=C-ACME", &[]).await;

    assert_eq!(
        csv_body(&answer),
        format!(
            "invoice_id,kind,number,counterparty_id,counterparty_name,currency,status,issue_date,due_date,\
             net_total_minor,tax_total_minor,gross_total_minor,paid_minor,open_minor\r\n\
             {a},customer_invoice,INV-2026-001,C-ACME,Acme GmbH,EUR,partially_paid,2026-01-10,2026-02-09,450000,90000,540000,200000,340000\r\n\
             {c},customer_credit_note,CN-2026-001,C-ACME,Acme GmbH,EUR,issued,2026-03-05,2026-03-05,50000,10000,60000,0,60000\r\n",
            a = book.a.invoice_id,
            c = book.c.invoice_id,
        )
    );
    assert_eq!(response.headers()["x-prism-next-cursor"], format!("2026-03-05_{}", book.c.invoice_id).as_str());
    assert_eq!(response.headers()["vary"], "accept");
    assert_eq!(numbers(&last).len(), 3);
}

#[tokio::test]
async fn one_invoice_comes_with_its_lines_and_applied_payments() {
    let (api, tenant, book) = book().await;

    let answer = api.get(&tenant, &format!("/v1/invoices/{}", book.a.invoice_id), &[]).await;
    let credit = api.get(&tenant, &format!("/v1/invoices/{}", book.c.invoice_id), &[]).await;
    let voided = api.get(&tenant, &format!("/v1/invoices/{}", book.d.invoice_id), &[]).await;

    assert_eq!(answer.status, 200, "{answer:?}");
    // 8 h x 450.00 = 3,600.00 + 20 % = 720.00; 2.5 x 360.00 = 900.00 + 20 % = 180.00.
    assert_eq!(
        answer.body,
        json!({"invoice_id": book.a.invoice_id, "kind": "customer_invoice", "number": "INV-2026-001",
               "counterparty_id": "C-ACME", "counterparty_name": "Acme GmbH", "currency": "EUR",
               "status": "partially_paid", "issue_date": "2026-01-10", "due_date": "2026-02-09",
               "net_total_minor": 450_000, "tax_total_minor": 90_000, "gross_total_minor": 540_000,
               "paid_minor": 200_000, "open_minor": 340_000,
               "control_account": "1100", "credits_invoice_id": null, "void_date": null, "void_reason": null,
               "last_position": 1,
               "lines": [
                   {"line_no": 1, "description": "Consulting, 8 h", "quantity_milli": 8_000, "unit_price_minor": 45_000,
                    "net_minor": 360_000, "account": "4100", "tax_code": "VAT20", "tax_rate_bp": 2_000, "tax_minor": 72_000},
                   {"line_no": 2, "description": "Workshop \"materials\"", "quantity_milli": 2_500, "unit_price_minor": 36_000,
                    "net_minor": 90_000, "account": "4000", "tax_code": "VAT20", "tax_rate_bp": 2_000, "tax_minor": 18_000},
               ],
               "payments": [{"payment_id": book.p1.payment_id, "payment_date": "2026-02-15", "amount_minor": 200_000}]})
    );
    assert_eq!(credit.body["credits_invoice_id"], json!(book.a.invoice_id));
    assert_eq!((&credit.body["lines"], &credit.body["payments"]), (&json!([]), &json!([])));
    assert_eq!(
        (&voided.body["status"], &voided.body["void_date"], &voided.body["void_reason"]),
        (&json!("void"), &json!("2026-03-01"), &json!("issued in error"))
    );
}

#[tokio::test]
async fn a_draft_shows_its_lines_without_computed_amounts() {
    let (api, tenant, book) = book().await;

    let answer = api.get(&tenant, &format!("/v1/invoices/{}", book.e.invoice_id), &[]).await;

    assert_eq!(answer.body["status"], "draft", "{answer:?}");
    assert_eq!(
        answer.body["lines"],
        json!([{"line_no": 1, "description": "Retainer", "quantity_milli": 1_000, "unit_price_minor": 120_000,
                "net_minor": null, "account": "4100", "tax_code": "VAT20", "tax_rate_bp": null, "tax_minor": null}])
    );
}

#[tokio::test]
async fn one_invoice_as_csv_lists_its_lines_then_its_payments() {
    let (api, tenant, book) = book().await;

    let answer = api.get(&tenant, &format!("/v1/invoices/{}", book.a.invoice_id), &[CSV]).await;

    assert_eq!(
        csv_body(&answer),
        format!(
            "number,record,line_no,description,quantity_milli,unit_price_minor,account,tax_code,tax_rate_bp,\
             net_minor,tax_minor,payment_id,payment_date,amount_minor\r\n\
             INV-2026-001,line,1,\"Consulting, 8 h\",8000,45000,4100,VAT20,2000,360000,72000,,,\r\n\
             INV-2026-001,line,2,\"Workshop \"\"materials\"\"\",2500,36000,4000,VAT20,2000,90000,18000,,,\r\n\
             INV-2026-001,payment,,,,,,,,,,{},2026-02-15,200000\r\n",
            book.p1.payment_id
        )
    );
}

#[tokio::test]
async fn an_invoice_or_payment_that_does_not_exist_is_not_found() {
    let (api, tenant, _book) = book().await;
    let stranger = Uuid::new_v4();

    for (path, detail) in [
        (format!("/v1/invoices/{stranger}"), format!("no invoice {stranger}")),
        ("/v1/invoices/INV-2026-001".to_owned(), "no invoice INV-2026-001".to_owned()),
        (format!("/v1/payments/{stranger}"), format!("no payment {stranger}")),
        ("/v1/payments/42".to_owned(), "no payment 42".to_owned()),
    ] {
        let answer = api.get(&tenant, &path, &[]).await;
        assert_problem(&answer, 404, "not-found");
        assert_eq!(answer.body["detail"], detail, "{path}");
    }
}

#[tokio::test]
async fn a_payment_comes_with_its_allocations_by_invoice_number() {
    let (api, tenant, book) = book().await;
    let second = SeedInvoice::draft("customer_invoice", "INV-2026-000", "C-ACME", "Acme GmbH").issued(
        "2026-01-02",
        "2026-02-01",
        10_000,
        0,
    );
    seed_invoice(&api.pool, &tenant, &second).await;
    let split = SeedPayment::received(
        "C-ACME",
        "2026-03-10",
        125_000,
        &[(book.a.invoice_id, 100_000), (second.invoice_id, 10_000)],
    );
    seed_payment(&api.pool, &tenant, &split).await;

    let answer = api.get(&tenant, &format!("/v1/payments/{}", split.payment_id), &[]).await;
    let invoice = api.get(&tenant, &format!("/v1/invoices/{}", book.a.invoice_id), &[]).await;

    assert_eq!(
        answer.body,
        json!({"payment_id": split.payment_id, "direction": "received", "counterparty_id": "C-ACME",
        "payment_date": "2026-03-10", "amount_minor": 125_000, "currency": "EUR", "bank_account": "1000",
        "control_account": "1100", "reference": null, "unallocated_minor": 15_000, "last_position": 1,
        "allocations": [
            {"invoice_id": second.invoice_id, "invoice_number": "INV-2026-000", "amount_minor": 10_000},
            {"invoice_id": book.a.invoice_id, "invoice_number": "INV-2026-001", "amount_minor": 100_000},
        ]}),
        "{answer:?}"
    );
    // 540,000 - 200,000 - 100,000 = 240,000 still open on INV-2026-001.
    assert_eq!((&invoice.body["paid_minor"], &invoice.body["open_minor"]), (&json!(300_000), &json!(240_000)));
    assert_eq!(invoice.body["payments"].as_array().map(Vec::len), Some(2));
}

#[tokio::test]
async fn a_payment_as_csv_has_one_record_per_allocation_or_one_without_any() {
    let (api, tenant, book) = book().await;

    let allocated = api.get(&tenant, &format!("/v1/payments/{}", book.p1.payment_id), &[CSV]).await;
    let on_account = api.get(&tenant, &format!("/v1/payments/{}", book.p2.payment_id), &[CSV]).await;
    let on_account_json = api.get(&tenant, &format!("/v1/payments/{}", book.p2.payment_id), &[]).await;

    let header = "payment_id,direction,counterparty_id,payment_date,currency,amount_minor,unallocated_minor,\
                  bank_account,reference,invoice_id,invoice_number,allocated_minor\r\n";
    assert_eq!(
        csv_body(&allocated),
        format!(
            "{header}{},received,C-ACME,2026-02-15,EUR,200000,0,1000,SEPA 4711,{},INV-2026-001,200000\r\n",
            book.p1.payment_id, book.a.invoice_id
        )
    );
    assert_eq!(
        csv_body(&on_account),
        format!("{header}{},received,C-BETA,2026-03-02,EUR,50000,50000,1000,,,,\r\n", book.p2.payment_id)
    );
    assert_eq!(on_account_json.body["allocations"], json!([]));
    assert_eq!(on_account_json.body["unallocated_minor"], 50_000);
}

#[tokio::test]
async fn tax_codes_are_listed_by_code_or_only_those_with_a_status() {
    let api = TestApi::start(1_000).await;
    let tenant = new_tenant(&api.pool).await;
    seed_tax_rates(
        &api.pool,
        &tenant,
        &[
            ("VAT7", "Reduced rate", 700, Some("2026-01-01"), "active"),
            ("VAT16", "Standard rate, 2020", 1_600, None, "retired"),
            ("VAT20", "Standard rate", 2_000, None, "active"),
        ],
    )
    .await;

    let all = api.get(&tenant, "/v1/tax-rates", &[]).await;
    let retired = api.get(&tenant, "/v1/tax-rates?status=retired", &[]).await;
    let active = api.get(&tenant, "/v1/tax-rates?status=active", &[CSV]).await;

    let rate = |code: &str, name: &str, rate_bp: i32, effective_from: Value, status: &str| {
        json!({"code": code, "name": name, "rate_bp": rate_bp, "effective_from": effective_from,
               "sales_account": "2100", "purchase_account": "1400", "status": status})
    };
    let retired_rate = rate("VAT16", "Standard rate, 2020", 1_600, Value::Null, "retired");
    assert_eq!(
        all.body,
        json!({"items": [
            retired_rate.clone(),
            rate("VAT20", "Standard rate", 2_000, Value::Null, "active"),
            rate("VAT7", "Reduced rate", 700, json!("2026-01-01"), "active"),
        ]})
    );
    assert_eq!(retired.body, json!({"items": [retired_rate]}));
    assert_eq!(
        csv_body(&active),
        "code,name,rate_bp,effective_from,sales_account,purchase_account,status\r\n\
         VAT20,Standard rate,2000,,2100,1400,active\r\n\
         VAT7,Reduced rate,700,2026-01-01,2100,1400,active\r\n"
    );
}

#[tokio::test]
async fn bad_list_parameters_are_refused_naming_the_parameter() {
    let api = TestApi::start(1_000).await;
    let tenant = new_tenant(&api.pool).await;

    let cases = [
        ("/v1/invoices?kind=quote", "kind"),
        ("/v1/invoices?status=open", "status"),
        ("/v1/invoices?from=2026-02-30", "from"),
        ("/v1/invoices?to=tomorrow", "to"),
        ("/v1/invoices?from=2026-03-01&to=2026-02-28", "to"),
        ("/v1/invoices?limit=0", "limit"),
        ("/v1/invoices?cursor=2026-03-01", "cursor"),
        ("/v1/invoices?cursor=drafts_00000000-0000-0000-0000-000000000000", "cursor"),
        ("/v1/tax-rates?status=inactive", "status"),
    ];
    for (path, field) in cases {
        let answer = api.get(&tenant, path, &[]).await;
        assert_problem(&answer, 422, "invalid-field");
        assert_eq!(answer.body["field"], field, "{path}: {answer:?}");
    }
    let kind = api.get(&tenant, "/v1/invoices?kind=quote", &[]).await;
    assert_eq!(
        kind.body["detail"],
        "kind must be one of customer_invoice, vendor_bill, customer_credit_note, vendor_credit_note, got \"quote\""
    );
    assert_problem(&api.get(&tenant, "/v1/invoices?customer=C-ACME", &[]).await, 400, "malformed-request");
    assert_problem(&api.get(&tenant, "/v1/tax-rates?code=VAT20", &[]).await, 400, "malformed-request");
}

#[tokio::test]
async fn invoices_payments_and_tax_codes_of_an_unknown_tenant_are_not_found() {
    let api = TestApi::start(300).await;
    let stranger = TenantId::parse(&format!("ghost_{}", Uuid::new_v4().simple())).unwrap();
    let id = Uuid::new_v4();

    for path in [
        "/v1/invoices".to_owned(),
        format!("/v1/invoices/{id}"),
        format!("/v1/payments/{id}"),
        "/v1/tax-rates".to_owned(),
    ] {
        assert_problem(&api.get(&stranger, &path, &[]).await, 404, "unknown-tenant");
    }
}

#[tokio::test]
async fn the_invoice_list_waits_for_the_postgres_projector_to_reach_the_consistency_token() {
    let api = TestApi::start(200).await;
    let tenant = new_tenant(&api.pool).await;
    let invoice =
        SeedInvoice::draft("vendor_bill", "BILL-1", "V-1", "Vendor").issued("2026-03-01", "2026-03-31", 100, 0);

    let early = api.get(&tenant, "/v1/invoices", &[("X-Prism-Min-Position", "4")]).await;
    seed_invoice(&api.pool, &tenant, &invoice).await;
    mark_applied(&api.pool, &tenant, "postgres", 4).await;
    let caught_up = api.get(&tenant, "/v1/invoices", &[("X-Prism-Min-Position", "4")]).await;

    assert_problem(&early, 504, "consistency-timeout");
    assert_eq!(numbers(&caught_up), ["BILL-1"]);
}
