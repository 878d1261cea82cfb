//! Custom roles on the real stack: an admin defines a role from the permission catalogue, a
//! user holding it may do exactly what it grants once signed in, a change to the role or its
//! retirement takes effect at the next sign-in or refresh; definitions that break a rule are refused with
//! the field at fault and record nothing; `GET /v1/roles` lists the built-in roles and the
//! tenant's own from the `postgres` projector's read model; and only a user holding
//! `identity.role.manage` manages roles.

#![allow(clippy::unwrap_used)] // test code: a panic is a failed test

use prism_projections::config::ProjectorKind;
use prism_tests::ledger::entry;
use prism_tests::system::{accepted, Answer, System, SystemOptions, USER_PASSWORD};
use serde_json::{json, Value};

fn options() -> SystemOptions {
    SystemOptions { projectors: vec![ProjectorKind::Postgres], kafka_brokers: None }
}

fn assert_problem(answer: &Answer, status: u16, code: &str, field: Option<&str>) {
    assert_eq!(answer.status.as_u16(), status, "{}", answer.body);
    assert_eq!(answer.body["type"], format!("urn:prism:problem:{code}"), "{}", answer.body);
    assert_eq!(answer.body["field"].as_str(), field, "{}", answer.body);
}

/// `POST /v1/roles` as the tenant's admin: `name` granting `permissions`.
async fn define(system: &System, tenant: &str, name: &str, permissions: &[&str]) -> Answer {
    let body = json!({"name": name, "description": format!("Role {name}"), "permissions": permissions});
    system.post(tenant, "/v1/roles", &body).await
}

/// Signs `email` in to `tenant`: the login answer, asserted 200.
async fn sign_in(system: &System, tenant: &str, email: &str) -> Value {
    let body = json!({"tenant": tenant, "email": email, "password": USER_PASSWORD});
    let answer = system.send_post(None, "/v1/auth/login", serde_json::to_vec(&body).unwrap(), &[]).await;
    assert_eq!(answer.status.as_u16(), 200, "{}", answer.body);
    answer.body
}

/// A customer invoice draft of one line on account 4100, without tax.
fn invoice_draft() -> Value {
    json!({"kind": "customer_invoice", "counterparty_id": "C-1", "counterparty_name": "Acme Ltd",
           "currency": "EUR", "lines": [{"description": "Consulting", "quantity": "1", "unit_price": 10_000,
           "account": "4100"}]})
}

async fn role_events(system: &System, tenant: &str) -> i64 {
    system.count(tenant, "events WHERE aggregate_type = 'identity.roles'").await
}

#[tokio::test(flavor = "multi_thread")]
async fn a_custom_role_grants_its_permissions_from_sign_in_until_it_is_changed_or_retired() {
    let system = System::start_with(options()).await;
    let tenant = system.ledger_tenant().await;
    accepted(&define(&system, &tenant, "ap_clerk", &["finance.invoice.manage", "finance.payment.process"]).await, 201);
    let clerk = system.user(&tenant, &["ap_clerk"]).await;

    let drafted = system.post_as(&clerk.token, "/v1/invoices", &invoice_draft()).await;
    assert_eq!(drafted.status.as_u16(), 201, "{}", drafted.body);
    let posting = system.post_as(&clerk.token, "/v1/journal-entries", &entry("1000", "3000", 500)).await;
    assert_problem(&posting, 403, "forbidden", None);
    assert_eq!(posting.body["permission"], "finance.journal.post");

    // The role now posts journal entries instead: the next sign-in says so and gets it.
    let change = json!({"permissions": ["finance.journal.post"]});
    accepted(&system.post(&tenant, "/v1/roles/ap_clerk/permissions", &change).await, 200);
    let signed_in = sign_in(&system, &tenant, &clerk.email).await;
    assert_eq!(signed_in["roles"], json!(["ap_clerk"]));
    assert_eq!(signed_in["permissions"], json!(["finance.journal.post"]));
    let token = signed_in["access_token"].as_str().unwrap();
    let posted = system.post_as(token, "/v1/journal-entries", &entry("1000", "3000", 500)).await;
    assert_eq!(posted.status.as_u16(), 201, "{}", posted.body);
    let drafting = system.post_as(token, "/v1/invoices", &invoice_draft()).await;
    assert_problem(&drafting, 403, "forbidden", None);
    assert_eq!(drafting.body["permission"], "finance.invoice.manage");

    // Retired, the role grants nothing from the next refresh (or sign-in), and no one else may
    // be given it.
    accepted(&system.post(&tenant, "/v1/roles/ap_clerk/retire", &Value::Null).await, 200);
    let body = serde_json::to_vec(&json!({"refresh_token": signed_in["refresh_token"]})).unwrap();
    let refreshed = system.send_post(None, "/v1/auth/refresh", body, &[]).await;
    assert_eq!(refreshed.status.as_u16(), 200, "{}", refreshed.body);
    assert_eq!(refreshed.body["roles"], json!(["ap_clerk"]), "the user keeps the name");
    assert_eq!(refreshed.body["permissions"], json!([]));
    let token = refreshed.body["access_token"].as_str().unwrap();
    let posting = system.post_as(token, "/v1/journal-entries", &entry("1000", "3000", 500)).await;
    assert_problem(&posting, 403, "forbidden", None);
    let user = json!({"email": "late@example.com", "name": "Late", "roles": ["sales", "ap_clerk"],
                      "password": USER_PASSWORD});
    assert_problem(&system.post(&tenant, "/v1/users", &user).await, 422, "unknown-role", Some("roles[1]"));
    let retired_again = system.post(&tenant, "/v1/roles/ap_clerk/retire", &Value::Null).await;
    assert_problem(&retired_again, 409, "role-retired", None);
}

#[tokio::test(flavor = "multi_thread")]
async fn role_definitions_breaking_a_rule_are_refused_with_the_field_at_fault_and_record_nothing() {
    let system = System::start_with(options()).await;
    let tenant = system.ledger_tenant().await;
    let reserved = define(&system, &tenant, "accountant", &["finance.journal.post"]).await;
    assert_problem(&reserved, 422, "reserved-role-name", Some("name"));
    let unknown = define(&system, &tenant, "clerk", &["finance.invoice.manage", "finance.everything"]).await;
    assert_problem(&unknown, 422, "unknown-permission", Some("permissions[1]"));
    let malformed = define(&system, &tenant, "AP Clerk", &["audit.read"]).await;
    assert_problem(&malformed, 422, "invalid-role-name", Some("name"));
    assert_eq!(role_events(&system, &tenant).await, 0, "nothing recorded");

    accepted(&define(&system, &tenant, "clerk", &["audit.read"]).await, 201);
    let duplicate = define(&system, &tenant, "clerk", &["audit.read"]).await;
    assert_problem(&duplicate, 409, "role-exists", Some("name"));
    let missing = system.post(&tenant, "/v1/roles/nobody/permissions", &json!({"permissions": ["audit.read"]})).await;
    assert_problem(&missing, 404, "role-not-found", Some("name"));
    let same = system.post(&tenant, "/v1/roles/clerk/permissions", &json!({"permissions": ["audit.read"]})).await;
    assert_eq!(same.status.as_u16(), 200, "{}", same.body);
    assert_eq!(role_events(&system, &tenant).await, 1, "only the definition was recorded");
    let user = json!({"email": "x@example.com", "name": "X", "roles": ["nobody"], "password": USER_PASSWORD});
    assert_problem(&system.post(&tenant, "/v1/users", &user).await, 422, "unknown-role", Some("roles[0]"));
}

#[tokio::test(flavor = "multi_thread")]
async fn the_roles_list_shows_the_built_in_and_custom_roles_and_only_an_admin_defines_them() {
    let system = System::start_with(options()).await;
    let tenant = system.ledger_tenant().await;
    let warehouse = system.user(&tenant, &["warehouse"]).await;
    let denied = system
        .post_as(
            &warehouse.token,
            "/v1/roles",
            &json!({"name": "x", "description": "x", "permissions": ["audit.read"]}),
        )
        .await;
    assert_problem(&denied, 403, "forbidden", None);
    assert_eq!(denied.body["permission"], "identity.role.manage");

    accepted(&define(&system, &tenant, "ap_clerk", &["finance.payment.process", "finance.invoice.manage"]).await, 201);
    let last = accepted(&define(&system, &tenant, "viewer", &["audit.read"]).await, 201);
    let listed = system.get_as(&warehouse.token, "/v1/roles", Some(last)).await;
    assert_eq!(listed.status.as_u16(), 200, "{}", listed.body);
    let items = listed.body["items"].as_array().unwrap();
    let names: Vec<(&str, bool)> =
        items.iter().map(|role| (role["name"].as_str().unwrap(), role["builtin"].as_bool().unwrap())).collect();
    assert_eq!(
        names,
        [
            ("admin", true),
            ("accountant", true),
            ("warehouse", true),
            ("sales", true),
            ("purchasing", true),
            ("approver", true),
            ("auditor", true),
            ("ap_clerk", false),
            ("viewer", false),
        ]
    );
    assert!(items[0]["permissions"].as_array().unwrap().contains(&json!("identity.role.manage")));
    assert_eq!(items[6]["permissions"], json!(["audit.read"]));
    assert_eq!(items[7]["permissions"], json!(["finance.invoice.manage", "finance.payment.process"]));
    assert_eq!(items[7]["description"], "Role ap_clerk");
    assert_eq!(items[7]["status"], "active");

    let retired = accepted(&system.post(&tenant, "/v1/roles/viewer/retire", &Value::Null).await, 200);
    let listed = system.get_as(&warehouse.token, "/v1/roles", Some(retired)).await;
    assert_eq!(listed.body["items"][8]["status"], "retired", "{}", listed.body);
}
