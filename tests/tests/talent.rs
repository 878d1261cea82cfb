//! Talent (HR) employees on the real stack, through both APIs: an employee hired into an
//! organisation unit, transferred and given a raise is listed in the directory with its personal
//! data opened through its own key; the personal data is only ever stored and published sealed
//! (not in the event store, not on the Kafka topic); erasing it deletes the key, after which the
//! directory, a replay of the read model from the topic and the stored events show it only as
//! erased while the unit, salary and dates stay; bad input is 4xx problem+json naming the field
//! and records nothing; a user without `hr.employee.manage` may neither change nor read employees.

#![allow(clippy::unwrap_used)] // test code: a panic is a failed test

use std::time::Duration;

use prism_projections::config::ProjectorKind;
use prism_tests::replay::postgres_replay_differences;
use prism_tests::system::{accepted, assert_refused, new_tenant, System, SystemOptions};
use serde_json::{json, Value};

/// Personal data distinctive enough to be searched for in bytes.
const NAME: &str = "Grace Hopper-Talentcheck";
const EMAIL: &str = "grace.talentcheck@example.com";
const ADDRESS: &str = "1 Talentcheck Lane, Arlington";

fn options() -> SystemOptions {
    SystemOptions { projectors: vec![ProjectorKind::Postgres], kafka_brokers: None }
}

fn hire_body() -> Value {
    json!({"name": NAME, "email": EMAIL, "birth_date": "1986-12-09", "address": ADDRESS,
           "org_unit_id": "engineering", "user_id": "user-grace", "salary_minor": 600_000, "currency": "EUR",
           "hired_on": "2026-01-05"})
}

/// Adds unit `unit_id` (a company, or a department under `parent`) named `name`.
async fn add_unit(system: &System, tenant: &str, unit_id: &str, name: &str, parent: Option<&str>) -> i64 {
    let kind = if parent.is_some() { "department" } else { "company" };
    let body = json!({"unit_id": unit_id, "name": name, "kind": kind, "parent": parent});
    accepted(&system.post(tenant, "/v1/organization-units", &body).await, 201)
}

/// Hires the employee of [`hire_body`]: its id and the position.
async fn hire(system: &System, tenant: &str) -> (String, i64) {
    let answer = system.post(tenant, "/v1/employees", &hire_body()).await;
    let position = accepted(&answer, 201);
    (answer.body["employee_id"].as_str().unwrap().to_owned(), position)
}

async fn employee(system: &System, tenant: &str, id: &str, position: i64) -> Value {
    let answer = system.get(tenant, &format!("/v1/employees/{id}"), Some(position)).await;
    assert_eq!(answer.status.as_u16(), 200, "{}", answer.body);
    answer.body
}

/// The payload texts of the employee's stored events, oldest first.
async fn stored_payloads(system: &System, tenant: &str, id: &str) -> Vec<String> {
    sqlx::query_scalar(&format!(
        "SELECT payload::text FROM tenant_{tenant}.events WHERE aggregate_id = $1 ORDER BY sequence"
    ))
    .bind(id)
    .fetch_all(&system.pool)
    .await
    .unwrap()
}

/// Every record value on the system's employee topic keyed `id`, read until it is quiet.
async fn topic_values(system: &System, id: &str, expected: usize) -> Vec<Vec<u8>> {
    use rdkafka::Message;
    let consumer = system.topic_reader(&format!("{}.hr.employee.v1", system.topic_prefix));
    let mut values = Vec::new();
    while let Ok(Ok(message)) = tokio::time::timeout(Duration::from_secs(10), consumer.recv()).await {
        if message.key() == Some(id.as_bytes()) {
            values.push(message.payload().unwrap_or_default().to_vec());
        }
        if values.len() == expected {
            break;
        }
    }
    values
}

fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack.windows(needle.len()).any(|window| window == needle.as_bytes())
}

#[tokio::test(flavor = "multi_thread")]
async fn a_hired_employee_is_listed_with_its_unit_and_its_personal_data_opened_through_its_key() {
    let system = System::start_with(options()).await;
    let tenant = new_tenant();
    add_unit(&system, &tenant, "acme", "Acme", None).await;
    add_unit(&system, &tenant, "engineering", "Engineering", Some("acme")).await;
    add_unit(&system, &tenant, "research", "Research", Some("acme")).await;
    let (id, hired) = hire(&system, &tenant).await;

    let read = employee(&system, &tenant, &id, hired).await;
    assert_eq!(read["personal_data_status"], "readable");
    assert_eq!((read["name"].as_str(), read["email"].as_str()), (Some(NAME), Some(EMAIL)));
    assert_eq!((read["birth_date"].as_str(), read["address"].as_str()), (Some("1986-12-09"), Some(ADDRESS)));
    assert_eq!(
        (read["org_unit_id"].as_str(), read["org_unit_name"].as_str()),
        (Some("engineering"), Some("Engineering"))
    );
    assert_eq!((read["salary_minor"].as_i64(), read["status"].as_str()), (Some(600_000), Some("active")));

    let moved = system
        .post(
            &tenant,
            &format!("/v1/employees/{id}/transfer"),
            &json!({"org_unit_id": "research", "effective_on": "2026-03-01"}),
        )
        .await;
    accepted(&moved, 200);
    let raised = system
        .post(
            &tenant,
            &format!("/v1/employees/{id}/salary"),
            &json!({"salary_minor": 650_000, "effective_on": "2026-04-01"}),
        )
        .await;
    let position = accepted(&raised, 200);
    assert_eq!(raised.body["salary_minor"], 650_000);

    let read = employee(&system, &tenant, &id, position).await;
    assert_eq!((read["org_unit_name"].as_str(), read["salary_minor"].as_i64()), (Some("Research"), Some(650_000)));
    let listed = system.get(&tenant, "/v1/employees?org_unit_id=research&status=active", Some(position)).await;
    let items = listed.body["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "{}", listed.body);
    assert_eq!(items[0]["email"].as_str(), Some(EMAIL));
    let none = system.get(&tenant, "/v1/employees?org_unit_id=engineering", Some(position)).await;
    assert_eq!(none.body["items"], json!([]));

    let terminated =
        system.post(&tenant, &format!("/v1/employees/{id}/terminate"), &json!({"terminated_on": "2026-08-31"})).await;
    let position = accepted(&terminated, 200);
    let read = employee(&system, &tenant, &id, position).await;
    assert_eq!((read["status"].as_str(), read["terminated_on"].as_str()), (Some("terminated"), Some("2026-08-31")));
}

#[tokio::test(flavor = "multi_thread")]
async fn an_erased_employee_cannot_be_read_from_the_events_the_topic_the_directory_or_a_replay() {
    let system = System::start_with(options()).await;
    let tenant = new_tenant();
    let (id, _) = hire(&system, &tenant).await;

    // Sealed before it was stored: neither the event store nor the topic holds the plain text.
    let stored = stored_payloads(&system, &tenant, &id).await;
    let hired: Value = serde_json::from_str(&stored[0]).unwrap();
    let sealed = hired["EmployeeHired"]["personal_data"].as_str().unwrap().to_owned();
    assert!(sealed.starts_with("v1."), "{sealed}");
    for text in [NAME, EMAIL, ADDRESS, "1986-12-09"] {
        assert!(!stored[0].contains(text), "the stored event holds {text}");
    }
    let on_topic = topic_values(&system, &id, 1).await;
    assert_eq!(on_topic.len(), 1, "the hire is published");
    assert!(contains(&on_topic[0], &sealed), "the record carries the sealed text");
    for text in [NAME, EMAIL, ADDRESS] {
        assert!(!contains(&on_topic[0], text), "the Kafka record holds {text}");
    }
    assert_eq!(system.count(&tenant, &format!("hr_personal_data_keys WHERE subject_id = '{id}'")).await, 1);

    // The erasure deletes the key and records the fact; the non-personal facts stay.
    let erased = system.post(&tenant, &format!("/v1/employees/{id}/erase"), &json!({"erased_on": "2026-09-01"})).await;
    let position = accepted(&erased, 200);
    assert_eq!(erased.body["personal_data_erased"], true);
    assert_eq!(system.count(&tenant, &format!("hr_personal_data_keys WHERE subject_id = '{id}'")).await, 0);
    let read = employee(&system, &tenant, &id, position).await;
    assert_eq!(
        (read["personal_data_status"].as_str(), read["erased_on"].as_str()),
        (Some("erased"), Some("2026-09-01"))
    );
    for field in ["name", "email", "birth_date", "address"] {
        assert_eq!(read[field], Value::Null, "{field} after the erasure");
    }
    assert_eq!((read["org_unit_id"].as_str(), read["salary_minor"].as_i64()), (Some("engineering"), Some(600_000)));
    assert_eq!(read["hired_on"], "2026-01-05");
    let row_sealed =
        system.count(&tenant, &format!("employees WHERE employee_id = '{id}' AND personal_data IS NOT NULL")).await;
    assert_eq!(row_sealed, 0, "the read model keeps no sealed text either");

    // The stored events are unchanged (events are never edited) but hold only the sealed text,
    // whose key is gone: no key of the tenant opens it.
    let stored = stored_payloads(&system, &tenant, &id).await;
    assert_eq!(stored.len(), 2);
    assert!(stored[0].contains(&sealed) && stored[1].contains("EmployeePersonalDataErased"));
    let keys = prism_platform::personal_data::PersonalDataKeys::new(system.pool.clone());
    let tenant_id = prism_aggregates::tenant::TenantId::parse(&tenant).unwrap();
    assert!(keys.find(&tenant_id, id.parse().unwrap()).await.unwrap().is_none());

    // A replay of the read model from the topic, on a new database, equals the live one: erased.
    let differences =
        postgres_replay_differences(&system, &tenant, &[position], &[("employees", "employee_id", "*")]).await;
    assert!(differences.is_empty(), "{differences:#?}");

    // Erasing twice is a conflict; the employee is still there for everything else.
    let again = system.post(&tenant, &format!("/v1/employees/{id}/erase"), &json!({})).await;
    assert_refused(&again, 409, "personal-data-erased", None);
    let terminated =
        system.post(&tenant, &format!("/v1/employees/{id}/terminate"), &json!({"terminated_on": "2026-09-30"})).await;
    accepted(&terminated, 200);
}

#[tokio::test(flavor = "multi_thread")]
async fn bad_employee_input_is_refused_naming_the_field_and_records_nothing() {
    let system = System::start_with(options()).await;
    let tenant = new_tenant();
    let cases = [
        ("email", json!("not-an-address"), "invalid-email"),
        ("name", json!("  "), "blank"),
        ("birth_date", json!("2026-01-05"), "invalid-birth-date"),
        ("salary_minor", json!(0), "invalid-salary"),
        ("currency", json!("EURO"), "invalid-currency"),
        ("org_unit_id", json!(""), "blank"),
    ];
    for (field, value, code) in cases {
        let mut body = hire_body();
        body[field] = value;
        let answer = system.post(&tenant, "/v1/employees", &body).await;
        assert_refused(&answer, 422, code, Some(field));
    }
    assert_eq!(system.count(&tenant, "events WHERE aggregate_type = 'hr.employee'").await, 0);
    assert_eq!(system.count(&tenant, "hr_personal_data_keys").await, 0, "no key for a refused personal field");

    let unknown = "0190f0a4-0000-7000-8000-00000000dead";
    let missing = system
        .post(&tenant, &format!("/v1/employees/{unknown}/terminate"), &json!({"terminated_on": "2026-01-01"}))
        .await;
    assert_refused(&missing, 404, "employee-not-found", None);
    let (id, _) = hire(&system, &tenant).await;
    let same = system
        .post(
            &tenant,
            &format!("/v1/employees/{id}/transfer"),
            &json!({"org_unit_id": "engineering", "effective_on": "2026-02-01"}),
        )
        .await;
    assert_refused(&same, 409, "already-in-org-unit", Some("org_unit_id"));
    let early = system
        .post(&tenant, &format!("/v1/employees/{id}/salary"), &json!({"salary_minor": 1, "effective_on": "2025-01-01"}))
        .await;
    assert_refused(&early, 422, "effective-before-hire", Some("effective_on"));

    let clerk = system.user_token(&tenant, &["sales"]).await;
    let refused = system.post_as(&clerk, "/v1/employees", &hire_body()).await;
    assert_refused(&refused, 403, "forbidden", None);
    let refused = system.post_as(&clerk, &format!("/v1/employees/{id}/erase"), &json!({})).await;
    assert_refused(&refused, 403, "forbidden", None);
    let unread = system.get_as(&clerk, "/v1/employees", None).await;
    assert_refused(&unread, 403, "forbidden", None);
    assert_eq!(unread.body["permission"], "hr.employee.manage", "the directory holds personal data");
    assert_eq!(system.count(&tenant, "events WHERE aggregate_type = 'hr.employee'").await, 1);
}
