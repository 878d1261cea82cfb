//! The tenant lifecycle on the real stack, as the platform operator drives it: provisioning
//! records `TenantProvisioned` as the tenant's first event and publishes it, and loads the
//! default chart of accounts; a suspended
//! tenant's commands are refused with 403 while its reads and sign-in still work, and
//! reactivation lets them through again; only the operator suspends, reactivates and sets
//! feature flags, which the tenant's users read from the query API.

#![allow(clippy::unwrap_used)] // test code: a panic is a failed test

use std::time::Duration;

use prism_tests::ledger::entry;
use prism_tests::system::{admin_email, eventually, new_tenant, Answer, System, SystemOptions, ADMIN_PASSWORD};
use rdkafka::message::{Headers, Message};
use schema_registry_converter::async_impl::easy_avro::EasyAvroDecoder;
use schema_registry_converter::async_impl::schema_registry::SrSettings;
use serde_json::{json, Value};

fn options() -> SystemOptions {
    SystemOptions { projectors: vec![], kafka_brokers: None }
}

async fn operator_post(system: &System, path: &str, body: &Value) -> Answer {
    let key = system.auth.operator_key.clone();
    system.send_post(Some(&key), path, serde_json::to_vec(body).unwrap(), &[]).await
}

/// Posts a journal entry as `tenant`'s admin until the answer has `status` (a suspension
/// reaches the command API within a second).
async fn await_posting_status(system: &System, tenant: &str, status: u16) -> Answer {
    eventually(Duration::from_secs(5), &format!("a posting answered {status}"), || async {
        let answer = system.post(tenant, "/v1/journal-entries", &entry("1000", "3000", 100)).await;
        (answer.status.as_u16() == status).then_some(answer)
    })
    .await
}

#[tokio::test(flavor = "multi_thread")]
async fn provisioning_records_and_publishes_tenant_provisioned_loads_the_default_chart_and_refuses_a_blank_name_first()
{
    let system = System::start_with(options()).await;
    let tenant = new_tenant();
    let admin = json!({"email": admin_email(&tenant), "name": "Admin", "password": ADMIN_PASSWORD});
    let blank =
        operator_post(&system, "/v1/tenants", &json!({"tenant": tenant, "display_name": " ", "admin": admin})).await;
    blank.assert_problem(422, "display-name-blank");
    assert_eq!(blank.body["field"], "display_name");
    let registered: i64 = sqlx::query_scalar("SELECT count(*) FROM shared.tenant_metadata WHERE tenant = $1")
        .bind(&tenant)
        .fetch_one(&system.pool)
        .await
        .unwrap();
    assert_eq!(registered, 0, "the refused tenant was not registered");

    let body = json!({"tenant": tenant, "display_name": "Acme Trading", "admin": admin});
    let provisioned = operator_post(&system, "/v1/tenants", &body).await;
    assert_eq!(provisioned.status.as_u16(), 201, "{}", provisioned.body);
    assert_eq!(provisioned.body["chart_of_accounts"], "default", "the default chart unless asked otherwise");
    let chart_events: i64 = sqlx::query_scalar(&format!(
        "SELECT count(*) FROM tenant_{tenant}.events WHERE aggregate_type = 'finance.chart_of_accounts'"
    ))
    .fetch_one(&system.pool)
    .await
    .unwrap();
    assert!(chart_events > 0, "the default chart was loaded");
    let first: (String, String, i64) = sqlx::query_as(&format!(
        "SELECT aggregate_type, event_type, sequence FROM tenant_{tenant}.events ORDER BY global_position LIMIT 1"
    ))
    .fetch_one(&system.pool)
    .await
    .unwrap();
    assert_eq!(first, ("platform.tenant".to_owned(), "TenantProvisioned".to_owned(), 1));

    let consumer = system.topic_reader(&format!("{}.platform.tenant.v1", system.topic_prefix));
    let message = tokio::time::timeout(Duration::from_secs(30), consumer.recv()).await.unwrap().unwrap();
    assert_eq!(message.key(), Some(tenant.as_bytes()), "keyed by the tenant slug");
    let event_type = message.headers().unwrap().iter().find(|h| h.key == "prism-event-type").and_then(|h| h.value);
    assert_eq!(event_type, Some("TenantProvisioned".as_bytes()));
    let decoded =
        EasyAvroDecoder::new(SrSettings::new(system.env.registry_url.clone())).decode(message.payload()).await.unwrap();
    let payload = prism_platform::avro::avro_to_json(&decoded.value);
    assert_eq!(payload, json!({"tenant": tenant, "display_name": "Acme Trading"}));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_suspended_tenant_cannot_change_anything_but_can_read_and_sign_in_until_reactivated() {
    let system = System::start_with(options()).await;
    let tenant = system.ledger_tenant().await;
    let other = system.ledger_tenant().await;
    await_posting_status(&system, &tenant, 201).await;

    let admin = system.token(&tenant).await;
    let by_a_user = system.post_as(&admin, &format!("/v1/tenants/{tenant}/suspend"), &json!({"reason": "x"})).await;
    by_a_user.assert_problem(403, "forbidden");
    let path = format!("/v1/tenants/{tenant}/suspend");
    operator_post(&system, &path, &json!({"reason": " "})).await.assert_problem(422, "reason-blank");
    let unknown = operator_post(&system, "/v1/tenants/t_nobody_here/suspend", &json!({"reason": "x"})).await;
    unknown.assert_problem(404, "not-found");

    let suspended = operator_post(&system, &path, &json!({"reason": "invoice overdue"})).await;
    assert_eq!(suspended.status.as_u16(), 200, "{}", suspended.body);
    assert_eq!(suspended.body["status"], "suspended");
    assert_eq!(suspended.body["version"], 2, "provisioned, then suspended");
    operator_post(&system, &path, &json!({"reason": "again"})).await.assert_problem(409, "tenant-suspended");

    let refused = await_posting_status(&system, &tenant, 403).await;
    refused.assert_problem(403, "tenant-suspended");
    let events_before = system.journal_event_count(&tenant).await;
    let again = system.post(&tenant, "/v1/journal-entries", &entry("1000", "3000", 100)).await;
    again.assert_problem(403, "tenant-suspended");
    assert_eq!(system.journal_event_count(&tenant).await, events_before, "nothing was posted");
    assert_eq!(system.post(&other, "/v1/journal-entries", &entry("1000", "3000", 1)).await.status, 201, "others go on");
    let read = system.get(&tenant, "/v1/journal-entries", None).await;
    assert_eq!(read.status.as_u16(), 200, "reads still answer: {}", read.body);
    system.login(&tenant, &admin_email(&tenant), ADMIN_PASSWORD).await;

    let reactivate = format!("/v1/tenants/{tenant}/reactivate");
    let reactivated = operator_post(&system, &reactivate, &json!({})).await;
    assert_eq!((reactivated.status.as_u16(), reactivated.body["status"].clone()), (200, json!("active")));
    operator_post(&system, &reactivate, &json!({})).await.assert_problem(409, "tenant-active");
    await_posting_status(&system, &tenant, 201).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_operator_sets_feature_flags_and_the_tenants_users_read_them() {
    let system = System::start_with(options()).await;
    let tenant = system.ledger_tenant().await;
    let user = system.user(&tenant, &["auditor"]).await;
    let flags = system.get_as(&user.token, "/v1/feature-flags", None).await;
    assert_eq!(flags.body, json!({"tenant": tenant, "flags": {}}), "no flag set: all off");

    let path = format!("/v1/tenants/{tenant}/feature-flags");
    let on = operator_post(&system, &path, &json!({"flag": "supply.backorders", "enabled": true})).await;
    assert_eq!(on.status.as_u16(), 200, "{}", on.body);
    let off = operator_post(&system, &path, &json!({"flag": "finance.multi_currency", "enabled": false})).await;
    assert_eq!(off.body["flags"], json!({"finance.multi_currency": false, "supply.backorders": true}));
    let bad = operator_post(&system, &path, &json!({"flag": "Not A Flag", "enabled": true})).await;
    bad.assert_problem(422, "invalid-flag");
    assert_eq!(bad.body["field"], "flag");
    let admin = system.token(&tenant).await;
    let by_admin = system.post_as(&admin, &path, &json!({"flag": "x", "enabled": true})).await;
    by_admin.assert_problem(403, "forbidden");

    let read = system.get_as(&user.token, "/v1/feature-flags", None).await;
    assert_eq!(read.status.as_u16(), 200, "{}", read.body);
    assert_eq!(
        read.body,
        json!({"tenant": tenant, "flags": {"finance.multi_currency": false, "supply.backorders": true}})
    );
    let elsewhere = system.ledger_tenant().await;
    let theirs = system.get(&elsewhere, "/v1/feature-flags", None).await;
    assert_eq!(theirs.body["flags"], json!({}), "flags are per tenant");
}
