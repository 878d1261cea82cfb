//! Receivables and payables end to end: a tax rate, an invoice drafted and issued (posting to
//! the ledger), paid in two parts, refused when over-paid or paid twice; a vendor bill paid
//! out; a void that reverses its posting; and the payment-allocation process manager applying
//! a payment whose allocations the command API never got to apply.

#![allow(clippy::unwrap_used)] // test code: a panic is a failed test

use std::sync::Arc;

use chrono::NaiveDate;
use prism_aggregates::finance::invoice::Invoice;
use prism_aggregates::finance::payment::{AllocationInput, Payment, PaymentCommand, PaymentServices, ProcessPayment};
use prism_aggregates::tenant::TenantId;
use prism_command_api::books::BooksCache;
use prism_command_api::event_store::{ServicesFactory, TenantEventStores, TENANT_SETS};
use prism_command_api::payments::PaymentLookups;
use prism_command_api::request_context::RequestContext;
use prism_platform::tenancy::TenantProvisioner;
use prism_projections::config::ProjectorKind;
use prism_tests::system::{eventually, Answer, System, SystemOptions};
use serde_json::{json, Value};
use uuid::Uuid;

fn postgres_only() -> SystemOptions {
    SystemOptions { projectors: vec![ProjectorKind::Postgres], kafka_brokers: None }
}

async fn define_vat(system: &System, tenant: &str) {
    let vat = json!({"code": "VAT20", "name": "VAT standard rate", "rate_bp": 2000,
                     "sales_account": "2100", "purchase_account": "1400"});
    let defined = system.post(tenant, "/v1/tax-rates", &vat).await;
    assert_eq!(defined.status, 201, "{}", defined.body);
}

/// Drafts and issues an invoice of `kind` for `counterparty`: 3 × `unit_price` at 20 % VAT.
async fn issue(system: &System, tenant: &str, kind: &str, counterparty: &str, unit_price: i64, date: &str) -> Answer {
    let account = if kind == "vendor_bill" { "6300" } else { "4100" };
    let draft = json!({"kind": kind, "counterparty_id": counterparty, "counterparty_name": "Acme Ltd",
        "currency": "EUR", "lines": [{"description": "Consulting", "quantity": "3", "unit_price": unit_price,
        "account": account, "tax_code": "VAT20"}]});
    let drafted = system.post(tenant, "/v1/invoices", &draft).await;
    assert_eq!(drafted.status, 201, "{}", drafted.body);
    assert_eq!(drafted.body["status"], "draft");
    let id = drafted.body["invoice_id"].as_str().unwrap().to_owned();
    let issued = system.post(tenant, &format!("/v1/invoices/{id}/issue"), &json!({"issue_date": date})).await;
    assert_eq!(issued.status, 200, "{}", issued.body);
    issued
}

fn payment(direction: &str, counterparty: &str, date: &str, amount: i64, allocations: &[(&str, i64)]) -> Value {
    let allocations: Vec<Value> =
        allocations.iter().map(|(id, amount)| json!({"invoice_id": id, "amount_minor": amount})).collect();
    json!({"direction": direction, "counterparty_id": counterparty, "payment_date": date,
           "amount_minor": amount, "currency": "EUR", "allocations": allocations})
}

/// `(debit balance, credit balance)` of `account` in the EUR trial balance as of `as_of`.
async fn trial_balance_line(system: &System, tenant: &str, as_of: &str, account: &str, position: i64) -> (i64, i64) {
    system.await_postgres_caught_up(tenant).await;
    let answer =
        system.get(tenant, &format!("/v1/reports/trial-balance?as_of={as_of}&currency=EUR"), Some(position)).await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    assert_eq!(answer.body["currencies"][0]["balanced"], true, "{}", answer.body);
    let lines = answer.body["currencies"][0]["lines"].as_array().unwrap();
    lines.iter().find(|line| line["code"] == account).map_or((0, 0), |line| {
        (line["debit_balance_minor"].as_i64().unwrap(), line["credit_balance_minor"].as_i64().unwrap())
    })
}

#[tokio::test(flavor = "multi_thread")]
async fn an_invoice_paid_in_two_parts_moves_from_receivable_to_bank() {
    let system = System::start_with(postgres_only()).await;
    let tenant = system.ledger_tenant().await;
    define_vat(&system, &tenant).await;
    let issued = issue(&system, &tenant, "customer_invoice", "c-1", 150_000, "2026-01-10").await;
    assert_eq!(issued.body["gross_total_minor"], 540_000);
    assert_eq!(issued.body["open_minor"], 540_000);
    let invoice = issued.body["invoice_id"].as_str().unwrap().to_owned();
    let at_issue = issued.body["position"].as_i64().unwrap();
    assert_eq!(trial_balance_line(&system, &tenant, "2026-01-31", "1100", at_issue).await, (540_000, 0));
    assert_eq!(trial_balance_line(&system, &tenant, "2026-01-31", "4100", at_issue).await, (0, 450_000));
    assert_eq!(trial_balance_line(&system, &tenant, "2026-01-31", "2100", at_issue).await, (0, 90_000));

    let first = system
        .post(&tenant, "/v1/payments", &payment("received", "c-1", "2026-02-15", 200_000, &[(&invoice, 200_000)]))
        .await;
    assert_eq!(first.status, 201, "{}", first.body);
    assert_eq!(first.body["invoices"][0]["status"], "partially_paid");
    assert_eq!(first.body["invoices"][0]["open_minor"], 340_000);

    let too_much = system
        .post(&tenant, "/v1/payments", &payment("received", "c-1", "2026-02-20", 400_000, &[(&invoice, 400_000)]))
        .await;
    assert_eq!(too_much.status, 422, "{}", too_much.body);
    assert_eq!(too_much.body["type"], "urn:prism:problem:exceeds-open-amount");
    assert_eq!(too_much.body["field"], "allocations[0].amount_minor");
    let wrong_customer = system
        .post(&tenant, "/v1/payments", &payment("received", "c-2", "2026-02-20", 1_000, &[(&invoice, 1_000)]))
        .await;
    assert_eq!(wrong_customer.body["type"], "urn:prism:problem:counterparty-mismatch", "{}", wrong_customer.body);

    let rest = system
        .post(&tenant, "/v1/payments", &payment("received", "c-1", "2026-02-25", 340_000, &[(&invoice, 340_000)]))
        .await;
    assert_eq!(rest.status, 201, "{}", rest.body);
    assert_eq!(rest.body["invoices"][0]["status"], "paid");
    let again = system
        .post(&tenant, "/v1/payments", &payment("received", "c-1", "2026-02-26", 1_000, &[(&invoice, 1_000)]))
        .await;
    assert_eq!(again.body["type"], "urn:prism:problem:invoice-already-paid", "{}", again.body);
    let void = system
        .post(&tenant, &format!("/v1/invoices/{invoice}/void"), &json!({"reason": "typo", "void_date": "2026-02-27"}))
        .await;
    assert_eq!(void.status, 409, "{}", void.body);
    assert_eq!(void.body["type"], "urn:prism:problem:has-payments");

    let paid = rest.body["position"].as_i64().unwrap();
    assert_eq!(trial_balance_line(&system, &tenant, "2026-02-28", "1000", paid).await, (540_000, 0));
    assert_eq!(trial_balance_line(&system, &tenant, "2026-02-28", "1100", paid).await, (0, 0));
    assert_eq!(system.count(&tenant, "payments").await, 2, "refused payments wrote nothing");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_vendor_bill_is_paid_out_and_a_voided_invoice_leaves_no_balance() {
    let system = System::start_with(postgres_only()).await;
    let tenant = system.ledger_tenant().await;
    define_vat(&system, &tenant).await;
    let bill = issue(&system, &tenant, "vendor_bill", "v-1", 10_000, "2026-03-02").await;
    let bill_id = bill.body["invoice_id"].as_str().unwrap().to_owned();
    let paid = system
        .post(&tenant, "/v1/payments", &payment("made", "v-1", "2026-03-05", 36_000, &[(&bill_id, 36_000)]))
        .await;
    assert_eq!(paid.status, 201, "{}", paid.body);
    let position = paid.body["position"].as_i64().unwrap();
    assert_eq!(trial_balance_line(&system, &tenant, "2026-03-31", "6300", position).await, (30_000, 0));
    assert_eq!(trial_balance_line(&system, &tenant, "2026-03-31", "1400", position).await, (6_000, 0));
    assert_eq!(trial_balance_line(&system, &tenant, "2026-03-31", "1000", position).await, (0, 36_000));
    assert_eq!(trial_balance_line(&system, &tenant, "2026-03-31", "2000", position).await, (0, 0));

    let invoice = issue(&system, &tenant, "customer_invoice", "c-9", 1_000, "2026-03-03").await;
    let invoice_id = invoice.body["invoice_id"].as_str().unwrap().to_owned();
    let voided = system
        .post(
            &tenant,
            &format!("/v1/invoices/{invoice_id}/void"),
            &json!({"reason": "wrong customer", "void_date": "2026-03-04"}),
        )
        .await;
    assert_eq!(voided.status, 200, "{}", voided.body);
    assert_eq!(voided.body["status"], "void");
    let position = voided.body["position"].as_i64().unwrap();
    assert_eq!(trial_balance_line(&system, &tenant, "2026-03-31", "1100", position).await, (0, 0));
    let paying_void = system
        .post(&tenant, "/v1/payments", &payment("received", "c-9", "2026-03-06", 3_600, &[(&invoice_id, 3_600)]))
        .await;
    assert_eq!(paying_void.body["type"], "urn:prism:problem:invoice-void", "{}", paying_void.body);
    let issue_entry = invoice.body["entry_id"].as_str().unwrap();
    let entry = system.get(&tenant, &format!("/v1/journal-entries/{issue_entry}"), Some(position)).await;
    assert_eq!(entry.body["status"], "reversed", "{}", entry.body);
    assert_eq!(entry.body["reversed_by_entry_id"], voided.body["entry_id"]);
}

#[tokio::test(flavor = "multi_thread")]
async fn the_process_manager_applies_allocations_the_command_api_never_applied() {
    let system = System::start_with(SystemOptions { projectors: vec![], kafka_brokers: None }).await;
    let tenant = system.ledger_tenant().await;
    define_vat(&system, &tenant).await;
    let invoice = issue(&system, &tenant, "customer_invoice", "c-1", 1_000, "2026-04-01").await;
    let invoice_id = invoice.body["invoice_id"].as_str().unwrap().to_owned();

    // Record the payment the way the command API does, then "crash" before applying it.
    let tenant_id = TenantId::parse(&tenant).unwrap();
    let provisioner = Arc::new(TenantProvisioner::new(system.pool.clone(), TENANT_SETS));
    let books = Arc::new(BooksCache::new(system.pool.clone()));
    let invoice_books = books.clone();
    let invoices: Arc<TenantEventStores<Invoice>> = Arc::new(TenantEventStores::new(
        system.pool.clone(),
        provisioner.clone(),
        Box::new(move |t| invoice_books.source_for(t)),
    ));
    let lookups: ServicesFactory<Payment> = {
        let invoices = invoices.clone();
        Box::new(move |t| Arc::new(PaymentLookups::new(t, books.clone(), invoices.clone())) as Arc<dyn PaymentServices>)
    };
    let payments = TenantEventStores::<Payment>::new(system.pool.clone(), provisioner, lookups);
    let payment_id = Uuid::now_v7();
    let command = PaymentCommand::Process(ProcessPayment {
        payment_id,
        direction: "received".to_owned(),
        counterparty_id: "c-1".to_owned(),
        payment_date: NaiveDate::from_ymd_opt(2026, 4, 10).unwrap(),
        amount_minor: 3_600,
        currency: "EUR".to_owned(),
        bank_account: None,
        control_account: None,
        reference: None,
        allocations: vec![AllocationInput { invoice_id: invoice_id.clone(), amount_minor: 3_600 }],
    });
    let context = RequestContext {
        command_id: Uuid::now_v7(),
        correlation_id: "crash".to_owned(),
        traceparent: String::new(),
        user_id: None,
    };
    payments.execute(&tenant_id, &payment_id.to_string(), command, &context).await.unwrap();
    assert_eq!(invoices.load(&tenant_id, &invoice_id).await.unwrap().open_minor(), 3_600, "not applied yet");

    system.start_payment_allocations().await;
    eventually(std::time::Duration::from_secs(30), "the allocation applied", || async {
        let open = invoices.load(&tenant_id, &invoice_id).await.unwrap().open_minor();
        (open == 0).then_some(())
    })
    .await;
}
