//! The organisation chart and the identity read model on the real stack: an admin builds
//! company → department → team through the command API; the hierarchy's rules are refused
//! with the field at fault and record nothing; a user joins only an open unit; users and units
//! are read back from the query API once the `postgres` projector has applied them; and only a
//! user holding `identity.org.manage` changes the chart, while any user of the tenant reads it.

#![allow(clippy::unwrap_used)] // test code: a panic is a failed test

use prism_projections::config::ProjectorKind;
use prism_tests::system::{accepted, new_tenant, Answer, System, SystemOptions, USER_PASSWORD};
use serde_json::{json, Value};

fn options() -> SystemOptions {
    SystemOptions { projectors: vec![ProjectorKind::Postgres], kafka_brokers: None }
}

fn assert_problem(answer: &Answer, status: u16, code: &str, field: Option<&str>) {
    assert_eq!(answer.status.as_u16(), status, "{}", answer.body);
    assert_eq!(answer.body["type"], format!("urn:prism:problem:{code}"), "{}", answer.body);
    assert_eq!(answer.body["field"].as_str(), field, "{}", answer.body);
}

async fn add_unit(system: &System, tenant: &str, unit_id: &str, kind: &str, parent: Option<&str>) -> Answer {
    let body = json!({"unit_id": unit_id, "name": format!("Unit {unit_id}"), "kind": kind, "parent": parent});
    system.post(tenant, "/v1/organization-units", &body).await
}

/// Company `acme` → department `finance` → team `payables`; the position of the last event.
async fn build_chart(system: &System, tenant: &str) -> i64 {
    accepted(&add_unit(system, tenant, "acme", "company", None).await, 201);
    accepted(&add_unit(system, tenant, "finance", "department", Some("acme")).await, 201);
    accepted(&add_unit(system, tenant, "payables", "team", Some("finance")).await, 201)
}

async fn organization_events(system: &System, tenant: &str) -> i64 {
    system.count(tenant, "events WHERE aggregate_type = 'identity.organization'").await
}

/// `(unit_id, kind, parent, status)` of each unit `GET /v1/organization-units` lists, in order.
fn units(answer: &Answer) -> Vec<(String, String, Value, String)> {
    assert_eq!(answer.status.as_u16(), 200, "{}", answer.body);
    let text = |unit: &Value, field: &str| unit[field].as_str().unwrap().to_owned();
    let items = answer.body["items"].as_array().unwrap();
    items.iter().map(|u| (text(u, "unit_id"), text(u, "kind"), u["parent"].clone(), text(u, "status"))).collect()
}

fn unit(unit_id: &str, kind: &str, parent: Option<&str>, status: &str) -> (String, String, Value, String) {
    (unit_id.to_owned(), kind.to_owned(), json!(parent), status.to_owned())
}

#[tokio::test(flavor = "multi_thread")]
async fn a_company_department_and_team_are_built_moved_and_read_back_parents_first() {
    let system = System::start_with(options()).await;
    let tenant = new_tenant();
    let built = build_chart(&system, &tenant).await;
    let listed = system.get(&tenant, "/v1/organization-units", Some(built)).await;
    assert_eq!(
        units(&listed),
        [
            unit("acme", "company", None, "open"),
            unit("finance", "department", Some("acme"), "open"),
            unit("payables", "team", Some("finance"), "open"),
        ]
    );
    assert_eq!(listed.body["items"][2]["name"], "Unit payables");

    // A second department, the team moved under it (If-Match must name the chart's version),
    // renamed, and the emptied department closed.
    let added = add_unit(&system, &tenant, "sales", "department", Some("acme")).await;
    accepted(&added, 201);
    let version = added.body["version"].as_i64().unwrap();
    let path = "/v1/organization-units/payables/move";
    let move_body = serde_json::to_vec(&json!({"parent": "sales"})).unwrap();
    let stale = system.post_raw(&tenant, path, move_body.clone(), &[("if-match", "\"1\"")]).await;
    assert_problem(&stale, 409, "version-conflict", None);
    assert_eq!(stale.body["current_version"], version);
    let if_match = format!("\"{version}\"");
    accepted(&system.post_raw(&tenant, path, move_body, &[("if-match", &if_match)]).await, 200);
    let rename = json!({"name": "Accounts payable"});
    accepted(&system.post(&tenant, "/v1/organization-units/payables/rename", &rename).await, 200);
    let closed = system.post(&tenant, "/v1/organization-units/finance/close", &Value::Null).await;
    let last = accepted(&closed, 200);

    let listed = system.get(&tenant, "/v1/organization-units", Some(last)).await;
    assert_eq!(
        units(&listed),
        [
            unit("acme", "company", None, "open"),
            unit("finance", "department", Some("acme"), "closed"),
            unit("sales", "department", Some("acme"), "open"),
            unit("payables", "team", Some("sales"), "open"),
        ]
    );
    assert_eq!(listed.body["items"][3]["name"], "Accounts payable");
    let open = system.get(&tenant, "/v1/organization-units?status=open", None).await;
    assert_eq!(units(&open).len(), 3, "finance is closed");
    let bad = system.get(&tenant, "/v1/organization-units?status=gone", None).await;
    assert_problem(&bad, 422, "invalid-field", Some("status"));
}

#[tokio::test(flavor = "multi_thread")]
async fn the_hierarchy_rules_are_refused_with_the_field_at_fault_and_record_nothing() {
    let system = System::start_with(options()).await;
    let tenant = new_tenant();
    build_chart(&system, &tenant).await;
    let recorded = organization_events(&system, &tenant).await;
    assert_eq!(recorded, 3);

    let team_under_company = add_unit(&system, &tenant, "audit", "team", Some("acme")).await;
    assert_problem(&team_under_company, 422, "parent-kind-mismatch", Some("parent"));
    assert_eq!(team_under_company.body["detail"], "parent acme is a company; a team sits under a department");
    let unknown_parent = add_unit(&system, &tenant, "audit", "team", Some("nowhere")).await;
    assert_problem(&unknown_parent, 422, "parent-not-found", Some("parent"));
    let company_with_parent = add_unit(&system, &tenant, "globex", "company", Some("acme")).await;
    assert_problem(&company_with_parent, 422, "parent-not-allowed", Some("parent"));
    let bad_id = add_unit(&system, &tenant, "Audit Team", "team", Some("finance")).await;
    assert_problem(&bad_id, 422, "invalid-unit-id", Some("unit_id"));
    let duplicate = add_unit(&system, &tenant, "finance", "department", Some("acme")).await;
    assert_problem(&duplicate, 409, "unit-exists", Some("unit_id"));
    let with_children = system.post(&tenant, "/v1/organization-units/acme/close", &Value::Null).await;
    assert_problem(&with_children, 409, "has-open-children", None);
    assert_eq!(with_children.body["detail"], "unit acme has open units finance under it; close them first");
    let moved_under_company =
        system.post(&tenant, "/v1/organization-units/payables/move", &json!({"parent": "acme"})).await;
    assert_problem(&moved_under_company, 422, "parent-kind-mismatch", Some("parent"));
    let missing = system.post(&tenant, "/v1/organization-units/nowhere/rename", &json!({"name": "X"})).await;
    assert_problem(&missing, 404, "unit-not-found", Some("unit_id"));

    assert_eq!(organization_events(&system, &tenant).await, recorded, "no refusal recorded anything");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_user_joins_only_an_open_unit_and_users_are_read_back_without_secrets() {
    let system = System::start_with(options()).await;
    let tenant = new_tenant();
    build_chart(&system, &tenant).await;
    accepted(&add_unit(&system, &tenant, "legal", "department", Some("acme")).await, 201);
    accepted(&system.post(&tenant, "/v1/organization-units/legal/close", &Value::Null).await, 200);

    let new_user = |email: &str, unit: &str| {
        json!({"email": email, "name": "Grace Hopper", "organization_unit": unit, "roles": ["accountant"],
            "password": USER_PASSWORD})
    };
    for (email, unit) in [("ghost@example.com", "nowhere"), ("late@example.com", "legal")] {
        let refused = system.post(&tenant, "/v1/users", &new_user(email, unit)).await;
        assert_problem(&refused, 422, "unknown-organization-unit", Some("organization_unit"));
        let credentials = system.count(&tenant, &format!("user_credentials WHERE email = '{email}'")).await;
        assert_eq!(credentials, 0, "no credential was stored for {email}");
    }
    assert_eq!(system.count(&tenant, "events WHERE aggregate_type = 'identity.user'").await, 1, "only the admin");

    let created = system.post(&tenant, "/v1/users", &new_user("grace@example.com", "payables")).await;
    let position = accepted(&created, 201);
    let grace = created.body["user_id"].as_str().unwrap().to_owned();

    let in_team = system.get(&tenant, "/v1/users?organization_unit=payables", Some(position)).await;
    assert_eq!(in_team.status.as_u16(), 200, "{}", in_team.body);
    let items = in_team.body["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "{}", in_team.body);
    let user = &items[0];
    assert_eq!(
        (&user["user_id"], &user["email"], &user["name"], &user["organization_unit"], &user["roles"]),
        (
            &json!(grace),
            &json!("grace@example.com"),
            &json!("Grace Hopper"),
            &json!("payables"),
            &json!(["accountant"])
        )
    );
    assert_eq!(user["status"], "active");
    assert_eq!(user["created_at"], user["updated_at"]);
    let mut fields: Vec<&str> = user.as_object().unwrap().keys().map(String::as_str).collect();
    fields.sort_unstable();
    assert_eq!(
        fields,
        [
            "created_at",
            "email",
            "last_position",
            "name",
            "organization_unit",
            "roles",
            "status",
            "updated_at",
            "user_id"
        ],
        "nothing about credentials"
    );

    let deactivated = system.post(&tenant, &format!("/v1/users/{grace}/deactivate"), &json!({"reason": "left"})).await;
    let position = accepted(&deactivated, 200);
    let one = system.get(&tenant, &format!("/v1/users/{grace}"), Some(position)).await;
    assert_eq!(one.status.as_u16(), 200, "{}", one.body);
    assert_eq!((&one.body["status"], &one.body["roles"]), (&json!("deactivated"), &json!(["accountant"])));
    assert_ne!(one.body["updated_at"], one.body["created_at"]);
    let active = system.get(&tenant, "/v1/users?status=active", None).await;
    let emails: Vec<&Value> = active.body["items"].as_array().unwrap().iter().map(|u| &u["email"]).collect();
    assert_eq!(emails, [&json!(prism_tests::system::admin_email(&tenant))], "Grace is not active");

    // Users page by email: the admin (`admin@…`) then Grace (`grace@…`).
    let first = system.get(&tenant, "/v1/users?limit=1", None).await;
    assert_eq!(first.body["items"][0]["email"], prism_tests::system::admin_email(&tenant));
    let cursor = first.body["next_cursor"].as_str().unwrap().to_owned();
    let second = system.get(&tenant, &format!("/v1/users?limit=1&cursor={cursor}"), None).await;
    assert_eq!((&second.body["items"][0]["user_id"], &second.body["next_cursor"]), (&json!(grace), &Value::Null));

    let absent = system.get(&tenant, &format!("/v1/users/{}", uuid::Uuid::now_v7()), None).await;
    assert_problem(&absent, 404, "not-found", None);
    let bad_cursor = system.get(&tenant, "/v1/users?cursor=nope", None).await;
    assert_problem(&bad_cursor, 422, "invalid-field", Some("cursor"));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_warehouse_user_reads_the_organisation_but_may_not_change_it() {
    let system = System::start_with(options()).await;
    let tenant = new_tenant();
    let built = build_chart(&system, &tenant).await;
    let clerk = system.user(&tenant, &["warehouse"]).await;

    let commands = [
        ("/v1/organization-units", json!({"unit_id": "ops", "name": "Ops", "kind": "department", "parent": "acme"})),
        ("/v1/organization-units/finance/rename", json!({"name": "Money"})),
        ("/v1/organization-units/payables/move", json!({"parent": "finance"})),
        ("/v1/organization-units/payables/close", Value::Null),
    ];
    for (path, body) in commands {
        let denied = system.post_as(&clerk.token, path, &body).await;
        assert_problem(&denied, 403, "forbidden", None);
        assert_eq!(denied.body["permission"], "identity.org.manage", "{path}");
    }
    assert_eq!(organization_events(&system, &tenant).await, 3, "nothing changed");

    let read = system.get_as(&clerk.token, "/v1/organization-units", Some(built)).await;
    assert_eq!(units(&read).len(), 3);
    let users = system.get_as(&clerk.token, "/v1/users", None).await;
    assert_eq!(users.status.as_u16(), 200, "{}", users.body);
}
