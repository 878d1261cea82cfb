//! The sales pipeline and support tickets on the real stack, through both APIs: an opportunity
//! moved from lead to won changes the pipeline read model's counts, amounts and
//! probability-weighted expected revenue; a ticket answers with its service-level due times,
//! keeps its status history, and a late first response or resolution is reported as an SLA
//! breach; bad input is 4xx problem+json naming the field and records nothing; a user without
//! the CRM permissions is refused; a redelivered event changes no read model.

#![allow(clippy::unwrap_used)] // test code: a panic is a failed test

use chrono::{DateTime, Duration, Utc};
use prism_projections::config::ProjectorKind;
use prism_tests::system::{accepted, assert_refused, new_tenant, System, SystemOptions};
use serde_json::{json, Value};

fn options() -> SystemOptions {
    SystemOptions { projectors: vec![ProjectorKind::Postgres], kafka_brokers: None }
}

/// The pipeline's row of `stage` in EUR: `(count, amount_minor, expected_revenue_minor)`.
fn stage_row(pipeline: &Value, stage: &str) -> Option<(i64, i64, i64)> {
    let rows = pipeline["stages"].as_array().unwrap();
    let row = rows.iter().find(|row| row["stage"] == stage && row["currency"] == "EUR")?;
    Some((row["count"].as_i64()?, row["amount_minor"].as_i64()?, row["expected_revenue_minor"].as_i64()?))
}

/// The open pipeline's EUR totals: `(count, amount_minor, expected_revenue_minor)`.
fn open_total(pipeline: &Value) -> (i64, i64, i64) {
    let totals = pipeline["open"].as_array().unwrap();
    let eur = totals.iter().find(|total| total["currency"] == "EUR").unwrap();
    (
        eur["count"].as_i64().unwrap(),
        eur["amount_minor"].as_i64().unwrap(),
        eur["expected_revenue_minor"].as_i64().unwrap(),
    )
}

async fn pipeline(system: &System, tenant: &str, position: i64) -> Value {
    let answer = system.get(tenant, "/v1/pipeline", Some(position)).await;
    assert_eq!(answer.status.as_u16(), 200, "{}", answer.body);
    answer.body
}

async fn open_opportunity(system: &System, tenant: &str, amount_minor: i64, probability: Option<i64>) -> (String, i64) {
    let mut body = json!({"customer_id": "C-1", "title": "Widgets", "amount_minor": amount_minor, "currency": "EUR",
                          "expected_close_date": "2026-12-31"});
    if let Some(probability) = probability {
        body["probability"] = json!(probability);
    }
    let answer = system.post(tenant, "/v1/opportunities", &body).await;
    let position = accepted(&answer, 201);
    assert_eq!(answer.body["stage"], "lead");
    (answer.body["opportunity_id"].as_str().unwrap().to_owned(), position)
}

#[tokio::test(flavor = "multi_thread")]
async fn an_opportunity_moved_through_the_stages_changes_the_pipeline_and_its_expected_revenue() {
    let system = System::start_with(options()).await;
    let tenant = new_tenant();
    let (big, _) = open_opportunity(&system, &tenant, 1_000_000, None).await;
    let (small, position) = open_opportunity(&system, &tenant, 2_005, Some(33)).await;

    // Two leads: 10 % of 1,000,000 and 33 % of 2,005 (661.65, rounded to 662).
    let lead = pipeline(&system, &tenant, position).await;
    assert_eq!(stage_row(&lead, "lead"), Some((2, 1_002_005, 100_000 + 662)));
    assert_eq!(open_total(&lead), (2, 1_002_005, 100_662));

    let qualified =
        system.post(&tenant, &format!("/v1/opportunities/{big}/stage"), &json!({"stage": "qualification"})).await;
    accepted(&qualified, 200);
    assert_eq!(
        (qualified.body["stage"].as_str(), qualified.body["probability"].as_i64()),
        (Some("qualification"), Some(25))
    );
    let proposal = json!({"stage": "proposal", "probability": 60});
    accepted(&system.post(&tenant, &format!("/v1/opportunities/{big}/stage"), &proposal).await, 200);
    let moved = pipeline(
        &system,
        &tenant,
        accepted(
            &system.post(&tenant, &format!("/v1/opportunities/{big}/stage"), &json!({"stage": "negotiation"})).await,
            200,
        ),
    )
    .await;
    assert_eq!(stage_row(&moved, "lead"), Some((1, 2_005, 662)));
    assert_eq!(stage_row(&moved, "negotiation"), Some((1, 1_000_000, 750_000)));
    assert_eq!(stage_row(&moved, "proposal"), None, "nothing is left in proposal");
    assert_eq!(open_total(&moved), (2, 1_002_005, 750_662));

    // Won leaves the open pipeline at its full amount; lost at nothing.
    let won = system.post(&tenant, &format!("/v1/opportunities/{big}/win"), &Value::Null).await;
    accepted(&won, 200);
    let lost = system.post(&tenant, &format!("/v1/opportunities/{small}/lose"), &json!({"reason": "no budget"})).await;
    let closed = pipeline(&system, &tenant, accepted(&lost, 200)).await;
    assert_eq!(stage_row(&closed, "won"), Some((1, 1_000_000, 1_000_000)));
    assert_eq!(stage_row(&closed, "lost"), Some((1, 2_005, 0)));
    assert!(closed["open"].as_array().unwrap().is_empty(), "{closed}");

    let read = system.get(&tenant, &format!("/v1/opportunities/{small}"), None).await;
    assert_eq!(read.status.as_u16(), 200, "{}", read.body);
    assert_eq!((read.body["stage"].as_str(), read.body["lost_reason"].as_str()), (Some("lost"), Some("no budget")));
    let won_list = system.get(&tenant, "/v1/opportunities?stage=won", None).await;
    let ids: Vec<&str> =
        won_list.body["items"].as_array().unwrap().iter().map(|o| o["opportunity_id"].as_str().unwrap()).collect();
    assert_eq!(ids, [big.as_str()]);

    // Final is final.
    let again = system.post(&tenant, &format!("/v1/opportunities/{big}/stage"), &json!({"stage": "proposal"})).await;
    assert_refused(&again, 409, "opportunity-closed", None);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_ticket_answers_its_due_times_keeps_its_history_and_late_service_is_reported_as_a_breach() {
    let system = System::start_with(options()).await;
    let tenant = new_tenant();
    // An urgent ticket logged three hours after the customer asked: response due 1 h after.
    let asked = Utc::now() - Duration::hours(3);
    let body =
        json!({"customer_id": "C-9", "subject": "Line down", "priority": "urgent", "opened_at": asked.to_rfc3339()});
    let opened = system.post(&tenant, "/v1/support-tickets", &body).await;
    accepted(&opened, 201);
    let ticket = opened.body["ticket_id"].as_str().unwrap().to_owned();
    let due =
        |name: &str| DateTime::parse_from_rfc3339(opened.body[name].as_str().unwrap()).unwrap().with_timezone(&Utc);
    assert_eq!(due("first_response_due_at") - asked, Duration::hours(1));
    assert_eq!(due("resolution_due_at") - asked, Duration::hours(4));
    // A normal one opened now is within both levels.
    let fresh = json!({"customer_id": "C-9", "subject": "Question", "priority": "normal"});
    let position = accepted(&system.post(&tenant, "/v1/support-tickets", &fresh).await, 201);

    let breaches = system.get(&tenant, "/v1/support-tickets/sla-breaches", Some(position)).await;
    assert_eq!(breaches.status.as_u16(), 200, "{}", breaches.body);
    let items = breaches.body["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "only the urgent ticket's response is late so far: {}", breaches.body);
    assert_eq!(
        (items[0]["ticket_id"].as_str(), items[0]["breach"].as_str()),
        (Some(ticket.as_str()), Some("first_response"))
    );
    assert!(items[0]["met_at"].is_null());
    assert!(items[0]["overdue_seconds"].as_i64().unwrap() >= 2 * 3600 - 60);

    // Answered late, then resolved (in time), reopened, resolved and closed.
    let path = |action: &str| format!("/v1/support-tickets/{ticket}/{action}");
    accepted(&system.post(&tenant, &path("assign"), &json!({"assignee": "agent-1"})).await, 200);
    let responded = system.post(&tenant, &path("responses"), &json!({"message": "Looking into it"})).await;
    accepted(&responded, 200);
    assert_eq!(responded.body["status"], "in_progress");
    accepted(&system.post(&tenant, &path("resolve"), &json!({"resolution": "Router restarted"})).await, 200);
    accepted(&system.post(&tenant, &path("reopen"), &json!({"reason": "Down again"})).await, 200);
    accepted(&system.post(&tenant, &path("resolve"), &json!({"resolution": "Router replaced"})).await, 200);
    let position = accepted(&system.post(&tenant, &path("close"), &Value::Null).await, 200);

    let read = system.get(&tenant, &format!("/v1/support-tickets/{ticket}"), Some(position)).await;
    assert_eq!(read.status.as_u16(), 200, "{}", read.body);
    assert_eq!(read.body["assignee"], "agent-1");
    let history: Vec<&str> = read.body["status_history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|change| change["status"].as_str().unwrap())
        .collect();
    assert_eq!(history, ["open", "in_progress", "resolved", "in_progress", "resolved", "closed"]);

    let breaches = system.get(&tenant, "/v1/support-tickets/sla-breaches", None).await;
    let items = breaches.body["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "{}", breaches.body);
    assert_eq!(items[0]["breach"], "first_response");
    assert!(!items[0]["met_at"].is_null(), "the late response is reported with when it came");
    // Judged five hours on, the fresh normal ticket is still within its 8 h / 72 h.
    let later = (Utc::now() + Duration::hours(5)).to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let breaches = system.get(&tenant, &format!("/v1/support-tickets/sla-breaches?as_of={later}"), None).await;
    assert_eq!(breaches.body["items"].as_array().unwrap().len(), 1, "{}", breaches.body);
    let closed = system.get(&tenant, "/v1/support-tickets?status=closed", None).await;
    assert_eq!(closed.body["items"].as_array().unwrap().len(), 1, "{}", closed.body);

    let reopened = system.post(&tenant, &path("reopen"), &json!({"reason": "again"})).await;
    assert_refused(&reopened, 409, "ticket-closed", None);
}

#[tokio::test(flavor = "multi_thread")]
async fn bad_input_is_a_problem_naming_the_field_and_records_nothing() {
    let system = System::start_with(options()).await;
    let tenant = new_tenant();
    let opportunity = |change: Value| {
        let mut body = json!({"customer_id": "C-1", "title": "Widgets", "amount_minor": 100, "currency": "EUR",
                              "expected_close_date": "2026-12-31"});
        body.as_object_mut().unwrap().extend(change.as_object().unwrap().clone());
        body
    };
    let cases = [
        (opportunity(json!({"probability": 101})), "invalid-probability", "probability"),
        (opportunity(json!({"amount_minor": -1})), "negative-amount", "amount_minor"),
        (opportunity(json!({"currency": "EURO"})), "invalid-currency", "currency"),
        (opportunity(json!({"title": "  "})), "blank", "title"),
    ];
    for (body, code, field) in cases {
        assert_refused(&system.post(&tenant, "/v1/opportunities", &body).await, 422, code, Some(field));
    }
    let wrong_shape = system.post(&tenant, "/v1/opportunities", &opportunity(json!({"amount_minor": "lots"}))).await;
    assert_refused(&wrong_shape, 422, "invalid-field", Some("amount_minor"));
    let (id, _) = open_opportunity(&system, &tenant, 100, None).await;
    let to_won = system.post(&tenant, &format!("/v1/opportunities/{id}/stage"), &json!({"stage": "won"})).await;
    assert_refused(&to_won, 422, "final-stage", Some("stage"));
    let no_reason = system.post(&tenant, &format!("/v1/opportunities/{id}/lose"), &json!({"reason": ""})).await;
    assert_refused(&no_reason, 422, "blank", Some("reason"));
    let unknown = format!("/v1/opportunities/{}/win", uuid::Uuid::now_v7());
    assert_refused(&system.post(&tenant, &unknown, &Value::Null).await, 404, "opportunity-not-found", None);

    let ticket = |priority: &str, opened_at: Option<String>| json!({"customer_id": "C-1", "subject": "Help", "priority": priority, "opened_at": opened_at});
    let critical = system.post(&tenant, "/v1/support-tickets", &ticket("critical", None)).await;
    assert_refused(&critical, 422, "unknown-priority", Some("priority"));
    let future = Some((Utc::now() + Duration::hours(1)).to_rfc3339());
    assert_refused(
        &system.post(&tenant, "/v1/support-tickets", &ticket("low", future)).await,
        422,
        "opened-in-future",
        Some("opened_at"),
    );
    let breaches = system.get(&tenant, "/v1/support-tickets/sla-breaches?as_of=yesterday", None).await;
    assert_refused(&breaches, 422, "invalid-field", Some("as_of"));

    assert_eq!(
        system.count(&tenant, "events WHERE aggregate_type = 'crm.opportunity'").await,
        1,
        "only the one opened"
    );
    assert_eq!(system.count(&tenant, "events WHERE aggregate_type = 'crm.support_ticket'").await, 0);
}

#[tokio::test(flavor = "multi_thread")]
async fn only_users_holding_the_crm_permissions_change_the_pipeline_and_tickets() {
    let system = System::start_with(options()).await;
    let tenant = new_tenant();
    let clerk = system.user_token(&tenant, &["warehouse"]).await;
    let body = json!({"customer_id": "C-1", "title": "W", "amount_minor": 1, "currency": "EUR", "expected_close_date": "2026-12-31"});
    let refused = system.post_as(&clerk, "/v1/opportunities", &body).await;
    assert_refused(&refused, 403, "forbidden", None);
    assert_eq!(refused.body["permission"], "crm.opportunity.manage");
    let seller = system.user(&tenant, &["sales"]).await;
    let opened = system.post_as(&seller.token, "/v1/opportunities", &body).await;
    accepted(&opened, 201);
    let ticket = json!({"customer_id": "C-1", "subject": "Help", "priority": "high"});
    assert_eq!(system.post_as(&clerk, "/v1/support-tickets", &ticket).await.body["permission"], "crm.ticket.manage");
    accepted(&system.post_as(&seller.token, "/v1/support-tickets", &ticket).await, 201);
    let id = opened.body["opportunity_id"].as_str().unwrap();
    let read = system.get(&tenant, &format!("/v1/opportunities/{id}"), opened.body["position"].as_i64()).await;
    assert_eq!(read.body["owner"].as_str(), Some(seller.user_id.as_str()), "the caller owns it unless told");
}
