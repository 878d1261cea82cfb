//! Talent performance reviews on the real stack, through both APIs: a review opened for a hired
//! employee, completed with a rating and a summary that is only ever stored sealed (not in the
//! event store, read back opened through the employee's key), acknowledged; after the
//! employee's erasure the summary reads as erased while the rating stays, and no review can be
//! opened for them; bad input is 4xx problem+json naming the field and records nothing; a user
//! without `hr.review.manage` may neither change nor read reviews.

#![allow(clippy::unwrap_used)] // test code: a panic is a failed test

use prism_projections::config::ProjectorKind;
use prism_tests::system::{accepted, assert_refused, new_tenant, System, SystemOptions};
use serde_json::{json, Value};

/// A summary distinctive enough to be searched for in bytes.
const SUMMARY: &str = "Reviewcheck: shipped the compiler on time and mentored two juniors";

fn options() -> SystemOptions {
    SystemOptions { projectors: vec![ProjectorKind::Postgres], kafka_brokers: None }
}

/// Hires an employee; its id.
async fn hire(system: &System, tenant: &str) -> String {
    let body = json!({"name": "Grace Reviewcheck", "email": "grace.reviewcheck@example.com", "birth_date": "1986-12-09",
                      "address": "1 Review Lane", "org_unit_id": "engineering", "salary_minor": 600_000,
                      "currency": "EUR", "hired_on": "2026-01-05"});
    let answer = system.post(tenant, "/v1/employees", &body).await;
    accepted(&answer, 201);
    answer.body["employee_id"].as_str().unwrap().to_owned()
}

fn open_body(employee_id: &str) -> Value {
    json!({"employee_id": employee_id, "period_start": "2026-01-01", "period_end": "2026-06-30", "due_on": "2026-07-15"})
}

async fn review(system: &System, tenant: &str, id: &str, position: i64) -> Value {
    let answer = system.get(tenant, &format!("/v1/performance-reviews/{id}"), Some(position)).await;
    assert_eq!(answer.status.as_u16(), 200, "{}", answer.body);
    answer.body
}

#[tokio::test(flavor = "multi_thread")]
async fn a_review_summary_is_stored_sealed_read_opened_and_erased_with_the_employee() {
    let system = System::start_with(options()).await;
    let tenant = new_tenant();
    let employee_id = hire(&system, &tenant).await;
    let opened = system.post(&tenant, "/v1/performance-reviews", &open_body(&employee_id)).await;
    accepted(&opened, 201);
    assert_eq!(opened.body["status"], "open");
    let id = opened.body["review_id"].as_str().unwrap().to_owned();
    let path = |step: &str| format!("/v1/performance-reviews/{id}/{step}");

    let done = json!({"rating": 4, "summary": SUMMARY, "completed_on": "2026-07-10"});
    accepted(&system.post(&tenant, &path("complete"), &done).await, 200);
    let position = accepted(&system.post(&tenant, &path("acknowledge"), &Value::Null).await, 200);
    let read = review(&system, &tenant, &id, position).await;
    assert_eq!((read["status"].as_str(), read["rating"].as_i64()), (Some("acknowledged"), Some(4)));
    assert_eq!((read["summary"].as_str(), read["summary_status"].as_str()), (Some(SUMMARY), Some("readable")));
    let stored: Vec<String> = sqlx::query_scalar(&format!(
        "SELECT payload::text FROM tenant_{tenant}.events WHERE aggregate_id = $1 ORDER BY sequence"
    ))
    .bind(&id)
    .fetch_all(&system.pool)
    .await
    .unwrap();
    assert_eq!(stored.len(), 3);
    assert!(stored.iter().all(|payload| !payload.contains("Reviewcheck")), "the summary is stored sealed: {stored:?}");

    // Erased: the summary cannot be opened any more, the rating stays; no new review opens.
    let erased = system.post(&tenant, &format!("/v1/employees/{employee_id}/erase"), &Value::Null).await;
    let position = accepted(&erased, 200);
    let read = review(&system, &tenant, &id, position).await;
    assert_eq!((read["summary"].as_str(), read["summary_status"].as_str()), (None, Some("erased")));
    assert_eq!(read["rating"], 4);
    let again = system.post(&tenant, "/v1/performance-reviews", &open_body(&employee_id)).await;
    assert_refused(&again, 422, "employee-erased", Some("employee_id"));
}

#[tokio::test(flavor = "multi_thread")]
async fn bad_reviews_are_refused_naming_the_field_and_only_review_managers_see_them() {
    let system = System::start_with(options()).await;
    let tenant = new_tenant();
    let employee_id = hire(&system, &tenant).await;
    let stranger = uuid::Uuid::now_v7().to_string();
    let mut early = open_body(&employee_id);
    early["due_on"] = json!("2026-06-01");
    let cases =
        [(open_body(&stranger), "employee-not-found", "employee_id"), (early, "due-before-period-end", "due_on")];
    for (body, code, field) in cases {
        assert_refused(&system.post(&tenant, "/v1/performance-reviews", &body).await, 422, code, Some(field));
    }
    assert_eq!(system.count(&tenant, "events WHERE aggregate_type = 'hr.performance_review'").await, 0);

    let opened = system.post(&tenant, "/v1/performance-reviews", &open_body(&employee_id)).await;
    accepted(&opened, 201);
    let id = opened.body["review_id"].as_str().unwrap();
    let complete = format!("/v1/performance-reviews/{id}/complete");
    let cases = [
        (json!({"rating": 6, "summary": "fine"}), "invalid-rating", "rating"),
        (json!({"rating": 3, "summary": "  "}), "blank", "summary"),
    ];
    for (body, code, field) in cases {
        assert_refused(&system.post(&tenant, &complete, &body).await, 422, code, Some(field));
    }
    let early_ack = system.post(&tenant, &format!("/v1/performance-reviews/{id}/acknowledge"), &Value::Null).await;
    assert_refused(&early_ack, 409, "wrong-status", None);
    let position = accepted(
        &system
            .post(&tenant, &format!("/v1/performance-reviews/{id}/cancel"), &json!({"reason": "left the team"}))
            .await,
        200,
    );
    let list = system.get(&tenant, &format!("/v1/performance-reviews?employee_id={employee_id}"), Some(position)).await;
    assert_eq!(list.body["items"][0]["status"], "cancelled", "{}", list.body);
    assert_eq!(list.body["items"][0]["summary_status"], "none");

    let clerk = system.user_token(&tenant, &["warehouse"]).await;
    let refused = system.post_as(&clerk, "/v1/performance-reviews", &open_body(&employee_id)).await;
    assert_refused(&refused, 403, "forbidden", None);
    assert_eq!(refused.body["permission"], "hr.review.manage");
    let hidden = system.get_as(&clerk, "/v1/performance-reviews", None).await;
    assert_refused(&hidden, 403, "forbidden", None);
}
