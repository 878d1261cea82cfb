//! Talent recruitment on the real stack, through both APIs and the hiring process manager: a job
//! opening takes applications whose personal data is only ever stored sealed (not in the event
//! store, read back opened through the applicant's key); an offered applicant is hired, which
//! fills the opening, and the hiring process manager makes them the employee of the same id
//! with the same personal data — once, even when the hire is delivered again; a rejected
//! applicant's data is erased; bad input is 4xx problem+json naming the field and records
//! nothing; a user without `hr.recruitment.manage` may neither change nor read openings.

#![allow(clippy::unwrap_used)] // test code: a panic is a failed test

use std::time::Duration;

use prism_process_managers::config::ProcessKind;
use prism_projections::config::ProjectorKind;
use prism_tests::system::{accepted, assert_refused, eventually, new_tenant, System, SystemOptions};
use serde_json::{json, Value};

fn options() -> SystemOptions {
    SystemOptions { projectors: vec![ProjectorKind::Postgres], kafka_brokers: None }
}

/// An application of someone named `name` (distinctive enough to be searched for in bytes).
fn application(name: &str) -> Value {
    json!({"name": name, "email": "applicant@example.com", "birth_date": "1991-04-02",
           "address": "7 Recruitment Row", "applied_on": "2026-03-02"})
}

/// Posts an opening of `positions` in unit `plant`; its id.
async fn post_opening(system: &System, tenant: &str, positions: i64) -> String {
    let body = json!({"title": "Machinist", "org_unit_id": "plant", "positions": positions, "opened_on": "2026-03-01"});
    let answer = system.post(tenant, "/v1/job-openings", &body).await;
    accepted(&answer, 201);
    assert_eq!(answer.body["status"], "open");
    answer.body["job_opening_id"].as_str().unwrap().to_owned()
}

/// `name`'s application to `opening`; the applicant's id.
async fn apply(system: &System, tenant: &str, opening: &str, name: &str) -> String {
    let answer = system.post(tenant, &format!("/v1/job-openings/{opening}/applicants"), &application(name)).await;
    accepted(&answer, 201);
    assert_eq!(answer.body["stage"], "applied");
    answer.body["applicant_id"].as_str().unwrap().to_owned()
}

/// Offers `applicant` the job and hires them; the answer's body.
async fn offer_and_hire(system: &System, tenant: &str, opening: &str, applicant: &str) -> Value {
    let path = |step: &str| format!("/v1/job-openings/{opening}/applicants/{applicant}/{step}");
    accepted(&system.post(tenant, &path("advance"), &json!({"stage": "interview"})).await, 200);
    accepted(&system.post(tenant, &path("advance"), &json!({"stage": "offered"})).await, 200);
    let terms = json!({"salary_minor": 350_000, "currency": "EUR", "hired_on": "2026-04-01"});
    let hired = system.post(tenant, &path("hire"), &terms).await;
    accepted(&hired, 200);
    assert_eq!(hired.body["stage"], "hired");
    hired.body
}

/// The employee `id` once the hiring process manager has hired them and it is projected.
async fn employee(system: &System, tenant: &str, id: &str) -> Value {
    eventually(Duration::from_secs(30), "the hired applicant to be an employee", || async {
        let answer = system.get(tenant, &format!("/v1/employees/{id}"), None).await;
        (answer.status.as_u16() == 200).then_some(answer.body)
    })
    .await
}

async fn opening(system: &System, tenant: &str, id: &str, position: i64) -> Value {
    let answer = system.get(tenant, &format!("/v1/job-openings/{id}"), Some(position)).await;
    assert_eq!(answer.status.as_u16(), 200, "{}", answer.body);
    answer.body
}

#[tokio::test(flavor = "multi_thread")]
async fn a_hired_applicant_becomes_the_employee_once_with_their_sealed_data_and_the_rest_can_be_erased() {
    let system = System::start_with(options()).await;
    let tenant = new_tenant();
    let t = tenant.as_str();
    let hiring = system.start_process(ProcessKind::Hiring).await;
    let id = post_opening(&system, t, 2).await;
    let ada = apply(&system, t, &id, "Ada Hirecheck").await;
    let bob = apply(&system, t, &id, "Bob Hirecheck").await;
    let cy = apply(&system, t, &id, "Cy Hirecheck").await;

    // Ada is hired: the opening has one position left, and Ada is the employee of her id.
    let hired = offer_and_hire(&system, t, &id, &ada).await;
    assert_eq!((hired["status"].as_str(), hired["hired"].as_i64()), (Some("open"), Some(1)));
    let hired_ada = employee(&system, t, &ada).await;
    assert_eq!(
        (hired_ada["name"].as_str(), hired_ada["personal_data_status"].as_str()),
        (Some("Ada Hirecheck"), Some("readable"))
    );
    assert_eq!((hired_ada["org_unit_id"].as_str(), hired_ada["salary_minor"].as_i64()), (Some("plant"), Some(350_000)));
    assert_eq!(hired_ada["hired_on"], "2026-04-01");
    let stored: Vec<String> = sqlx::query_scalar(&format!(
        "SELECT payload::text FROM tenant_{t}.events WHERE aggregate_id IN ($1, $2) ORDER BY sequence"
    ))
    .bind(&id)
    .bind(&ada)
    .fetch_all(&system.pool)
    .await
    .unwrap();
    assert!(stored.len() >= 8, "{stored:?}");
    assert!(stored.iter().all(|payload| !payload.contains("Hirecheck")), "personal data is stored sealed: {stored:?}");

    // A second hiring process manager reads the opening's topic from its start: Ada's hire is
    // delivered again and hires nobody twice; Bob's hire fills the opening.
    hiring.kill().await;
    let again = system.start_process_rereading(ProcessKind::Hiring).await;
    let filled = offer_and_hire(&system, t, &id, &bob).await;
    assert_eq!((filled["status"].as_str(), filled["hired"].as_i64()), (Some("filled"), Some(2)));
    employee(&system, t, &bob).await;
    assert_eq!(system.count(t, &format!("events WHERE aggregate_id = '{ada}'")).await, 1, "Ada hired once");
    again.kill().await;

    // Cy cannot be hired any more; rejected, their personal data is erased.
    let late =
        system.post(t, &format!("/v1/job-openings/{id}/applicants/{cy}/advance"), &json!({"stage": "offered"})).await;
    assert_refused(&late, 409, "job-opening-not-open", None);
    let reject = json!({"reason": "positions filled"});
    accepted(&system.post(t, &format!("/v1/job-openings/{id}/applicants/{cy}/reject"), &reject).await, 200);
    let erased = system.post(t, &format!("/v1/job-openings/{id}/applicants/{cy}/erase"), &Value::Null).await;
    let position = accepted(&erased, 200);
    let read = opening(&system, t, &id, position).await;
    assert_eq!((read["status"].as_str(), read["hired"].as_i64()), (Some("filled"), Some(2)));
    assert_eq!((read["applicant_count"].as_i64(), read["applicants_in_progress"].as_i64()), (Some(3), Some(0)));
    let applicants = read["applicants"].as_array().unwrap();
    let of = |applicant: &str| applicants.iter().find(|a| a["applicant_id"] == applicant).unwrap().clone();
    assert_eq!((of(&ada)["stage"].as_str(), of(&ada)["employee_id"].as_str()), (Some("hired"), Some(ada.as_str())));
    assert_eq!(of(&bob)["name"], "Bob Hirecheck");
    let cy_read = of(&cy);
    assert_eq!(
        (cy_read["stage"].as_str(), cy_read["personal_data_status"].as_str()),
        (Some("rejected"), Some("erased"))
    );
    assert_eq!((cy_read["name"].as_str(), cy_read["rejection_reason"].as_str()), (None, Some("positions filled")));

    // A hired applicant is erased as the employee, not as an applicant.
    let refused = system.post(t, &format!("/v1/job-openings/{id}/applicants/{ada}/erase"), &Value::Null).await;
    assert_refused(&refused, 409, "wrong-stage", None);
    assert_eq!(employee(&system, t, &ada).await["personal_data_status"], "readable");
}

#[tokio::test(flavor = "multi_thread")]
async fn bad_recruitment_input_is_refused_naming_the_field_and_only_recruiters_see_openings() {
    let system = System::start_with(options()).await;
    let tenant = new_tenant();
    let t = tenant.as_str();
    let bad_openings = [
        (json!({"title": "Machinist", "org_unit_id": "plant", "positions": 0}), "invalid-positions", "positions"),
        (json!({"title": " ", "org_unit_id": "plant", "positions": 1}), "blank", "title"),
    ];
    for (body, code, field) in bad_openings {
        assert_refused(&system.post(t, "/v1/job-openings", &body).await, 422, code, Some(field));
    }
    assert_eq!(system.count(t, "events WHERE aggregate_type = 'hr.job_opening'").await, 0);

    let id = post_opening(&system, t, 1).await;
    let applicants = format!("/v1/job-openings/{id}/applicants");
    let mut bad_email = application("Eve");
    bad_email["email"] = json!("not-an-email");
    let mut early = application("Eve");
    early["applied_on"] = json!("2026-02-01");
    let cases = [(bad_email, 422, "invalid-email", "email"), (early, 422, "applied-before-opening", "applied_on")];
    for (body, status, code, field) in cases {
        assert_refused(&system.post(t, &applicants, &body).await, status, code, Some(field));
    }
    let keys: i64 = sqlx::query_scalar(&format!("SELECT count(*) FROM tenant_{t}.hr_personal_data_keys"))
        .fetch_one(&system.pool)
        .await
        .unwrap();
    assert_eq!(keys, 0, "no data key is made for a refused application");

    let eve = apply(&system, t, &id, "Eve").await;
    let path = |step: &str| format!("/v1/job-openings/{id}/applicants/{eve}/{step}");
    let early_hire = json!({"salary_minor": 1, "currency": "EUR"});
    assert_refused(&system.post(t, &path("hire"), &early_hire).await, 409, "wrong-stage", None);
    let backwards = system.post(t, &path("advance"), &json!({"stage": "applied"})).await;
    assert_refused(&backwards, 422, "unknown-stage", Some("stage"));
    let offered = accepted(&system.post(t, &path("advance"), &json!({"stage": "offered"})).await, 200);
    let back = system.post(t, &path("advance"), &json!({"stage": "screening"})).await;
    assert_refused(&back, 409, "stage-not-forward", Some("stage"));
    let unpaid = system.post(t, &path("hire"), &json!({"salary_minor": 0, "currency": "EUR"})).await;
    assert_refused(&unpaid, 422, "invalid-salary", Some("salary_minor"));
    let stranger = uuid::Uuid::now_v7();
    let unknown =
        system.post(t, &format!("/v1/job-openings/{id}/applicants/{stranger}/reject"), &json!({"reason": "x"})).await;
    assert_refused(&unknown, 404, "applicant-not-found", None);

    // An employee's id is one person: it cannot apply again.
    let hire = json!({"name": "Fay", "email": "fay@example.com", "birth_date": "1980-01-01", "address": "1 Main St",
                      "org_unit_id": "plant", "salary_minor": 1_000, "currency": "EUR", "hired_on": "2026-01-01"});
    let fay = system.post(t, "/v1/employees", &hire).await;
    accepted(&fay, 201);
    let mut again = application("Fay");
    again["applicant_id"] = fay.body["employee_id"].clone();
    assert_refused(&system.post(t, &applicants, &again).await, 409, "applicant-is-employee", Some("applicant_id"));

    let clerk = system.user_token(t, &["warehouse"]).await;
    let refused =
        system.post_as(&clerk, "/v1/job-openings", &json!({"title": "x", "org_unit_id": "y", "positions": 1})).await;
    assert_refused(&refused, 403, "forbidden", None);
    assert_eq!(refused.body["permission"], "hr.recruitment.manage");
    assert_refused(&system.get_as(&clerk, "/v1/job-openings", None).await, 403, "forbidden", None);
    let listed = system.get(t, "/v1/job-openings?status=open", Some(offered)).await;
    assert_eq!(listed.status.as_u16(), 200, "{}", listed.body);
    let item = &listed.body["items"][0];
    assert_eq!((item["job_opening_id"].as_str(), item["applicant_count"].as_i64()), (Some(id.as_str()), Some(1)));
    assert_eq!(listed.body["items"].as_array().unwrap().len(), 1);
}
