//! Tenancy and the operational surface: the tenant is the one the access token names (the
//! `X-Tenant-ID` header is not read), a request without a valid token is 401, unknown tenants
//! are 404, tenants never see each other's data, and health, metrics and unknown routes
//! behave like every Prism service.

mod common;

use common::{assert_problem, new_tenant, seed_entry, SeedEntry, TestApi};
use prism_aggregates::identity::permissions::Role;
use prism_aggregates::tenant::TenantId;
use prism_platform::auth::{AuthArgs, Grants, Tokens, DEV_OPERATOR_KEY};
use serde_json::json;

#[tokio::test]
async fn a_tenant_that_is_not_registered_is_not_found() {
    let api = TestApi::start(300).await;
    let stranger = TenantId::parse(&format!("ghost_{}", uuid::Uuid::new_v4().simple())).unwrap();

    let list = api.get(&stranger, "/v1/journal-entries", &[]).await;
    let balance = api.get(&stranger, "/v1/accounts/1000/balance", &[]).await;

    assert_problem(&list, 404, "unknown-tenant");
    assert_eq!(list.body["title"], "unknown tenant");
    assert_problem(&balance, 404, "unknown-tenant");
}

#[tokio::test]
async fn a_request_without_an_access_token_is_unauthenticated_even_naming_a_tenant_in_the_old_header() {
    let api = TestApi::start(300).await;
    let tenant = new_tenant(&api.pool).await;

    let anonymous = api.get_anonymous("/v1/journal-entries").await;
    let header_only = api.get_with_token(None, "/v1/journal-entries", &[("X-Tenant-ID", tenant.as_str())]).await;
    let raw = api.client.get(format!("{}/v1/journal-entries", api.base)).send().await.unwrap();

    assert_problem(&anonymous, 401, "unauthenticated");
    assert_problem(&header_only, 401, "unauthenticated");
    assert_eq!(raw.headers()["www-authenticate"], "Bearer");
}

#[tokio::test]
async fn a_garbage_token_or_one_signed_with_another_secret_is_an_invalid_token() {
    let api = TestApi::start(300).await;
    let tenant = new_tenant(&api.pool).await;
    let foreign = Tokens::new(&AuthArgs {
        jwt_secret: "another-deployment-secret-0123456789abcdef".to_owned(),
        access_token_ttl_seconds: 900,
        operator_key: DEV_OPERATOR_KEY.to_owned(),
    })
    .issue(&tenant, "u-1", &Grants::of_builtin(&[Role::Admin]))
    .unwrap()
    .token;

    let garbage = api.get_with_token(Some("garbage"), "/v1/journal-entries", &[]).await;
    let forged = api.get_with_token(Some(&foreign), "/v1/journal-entries", &[]).await;

    assert_problem(&garbage, 401, "invalid-token");
    assert_problem(&forged, 401, "invalid-token");
}

#[tokio::test]
async fn the_operator_key_reads_no_tenant_data() {
    let api = TestApi::start(300).await;

    let answer = api.get_with_token(Some(DEV_OPERATOR_KEY), "/v1/journal-entries", &[]).await;

    assert_problem(&answer, 403, "forbidden");
}

#[tokio::test]
async fn two_tenants_see_only_their_own_entries_and_balances() {
    let api = TestApi::start(300).await;
    let acme = new_tenant(&api.pool).await;
    let globex = new_tenant(&api.pool).await;
    let acme_entry = SeedEntry::new("2026-03-01", 1, &[("1000", "EUR", 100, 0), ("4000", "EUR", 0, 100)]);
    let globex_entry = SeedEntry::new("2026-03-01", 1, &[("1000", "USD", 999, 0), ("4000", "USD", 0, 999)]);
    seed_entry(&api.pool, &acme, &acme_entry).await;
    seed_entry(&api.pool, &globex, &globex_entry).await;

    let acme_list = api.get(&acme, "/v1/journal-entries", &[]).await;
    let cross_read = api.get(&acme, &format!("/v1/journal-entries/{}", globex_entry.entry_id), &[]).await;
    let header_cross_read = api.get(&acme, "/v1/journal-entries", &[("X-Tenant-ID", globex.as_str())]).await;
    let globex_balance = api.get(&globex, "/v1/accounts/1000/balance", &[]).await;

    let items = acme_list.body["items"].as_array().unwrap();
    assert_eq!(items.len(), 1);
    assert_eq!(items[0]["entry_id"], acme_entry.entry_id.to_string());
    assert_problem(&cross_read, 404, "not-found");
    assert_eq!(header_cross_read.body, acme_list.body, "the token names the tenant, never the header");
    assert_eq!(
        globex_balance.body["balances"],
        json!([
            {"currency": "USD", "debit_total_minor": 999, "credit_total_minor": 0, "balance_minor": 999}
        ])
    );
}

#[tokio::test]
async fn health_and_metrics_answer_and_unknown_routes_are_problem_404s() {
    let api = TestApi::start(300).await;

    let health = api.get_anonymous("/health").await;
    let metrics = api.client.get(format!("{}/metrics", api.base)).send().await.unwrap();
    let tenant = new_tenant(&api.pool).await;
    let unknown = api.get(&tenant, "/v1/nothing-here", &[]).await;

    assert_eq!(health.status, 200);
    assert_eq!(metrics.status(), 200);
    assert_problem(&unknown, 404, "not-found");
}

#[tokio::test]
async fn a_registered_tenant_whose_read_models_are_not_migrated_yet_reads_as_empty() {
    let api = TestApi::start(300).await;
    let tenant = TenantId::parse(&format!("bare_{}", uuid::Uuid::new_v4().simple())).unwrap();
    sqlx::query("INSERT INTO shared.tenant_metadata (tenant, schema_name, display_name) VALUES ($1, $2, 'bare')")
        .bind(tenant.as_str())
        .bind(prism_platform::tenancy::schema_of(&tenant))
        .execute(&api.pool)
        .await
        .unwrap();

    let list = api.get(&tenant, "/v1/journal-entries", &[]).await;
    let entry = api.get(&tenant, &format!("/v1/journal-entries/{}", uuid::Uuid::new_v4()), &[]).await;
    let postings = api.get(&tenant, "/v1/accounts/1000/postings?from=2026-03-01&to=2026-03-01", &[]).await;
    let waited = api.get(&tenant, "/v1/accounts/1000/balance", &[("X-Prism-Min-Position", "1")]).await;

    assert_eq!(list.body, json!({"items": [], "next_cursor": null}));
    assert_problem(&entry, 404, "not-found");
    assert_eq!(postings.body["buckets"], json!([]));
    assert_problem(&waited, 504, "consistency-timeout");
}
