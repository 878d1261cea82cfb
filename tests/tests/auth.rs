//! Authentication and permissions on the real stack, tried as an attacker would: only the
//! operator provisions tenants; login answers the same for every wrong credential; a token
//! names its tenant and nothing else does (a header naming another tenant changes nothing,
//! another tenant's ids are not found); forged, expired, unsigned (`alg: none`) and garbage
//! tokens are refused; each command needs its permission; deactivated users cannot sign in;
//! every event records the user who caused it; refresh tokens rotate, a reused one revokes
//! its session, and logout ends one.

#![allow(clippy::unwrap_used)] // test code: a panic is a failed test

use std::time::Duration;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use prism_aggregates::identity::permissions::Role;
use prism_aggregates::tenant::TenantId;
use prism_platform::auth::{AuthArgs, Grants, Tokens};
use prism_tests::ledger::entry;
use prism_tests::system::{admin_email, Answer, System, SystemOptions, ADMIN_PASSWORD};
use serde_json::{json, Value};

fn options() -> SystemOptions {
    SystemOptions { projectors: vec![], kafka_brokers: None }
}

async fn login_answer(system: &System, tenant: &str, email: &str, password: &str) -> Answer {
    let body = json!({"tenant": tenant, "email": email, "password": password});
    system.send_post(None, "/v1/auth/login", serde_json::to_vec(&body).unwrap(), &[]).await
}

async fn provision(system: &System, bearer: Option<&str>, tenant: &str, password: &str) -> Answer {
    let body =
        json!({"tenant": tenant, "admin": {"email": admin_email(tenant), "name": "Admin", "password": password}});
    system.send_post(bearer, "/v1/tenants", serde_json::to_vec(&body).unwrap(), &[]).await
}

#[tokio::test(flavor = "multi_thread")]
async fn only_the_operator_provisions_and_login_tells_nothing_about_what_was_wrong() {
    let system = System::start_with(options()).await;
    let tenant = prism_tests::system::new_tenant();
    let operator = system.auth.operator_key.clone();

    provision(&system, None, &tenant, ADMIN_PASSWORD).await.assert_problem(401, "unauthenticated");
    let someone = system.ledger_tenant().await;
    let admin_elsewhere = system.token(&someone).await;
    provision(&system, Some(&admin_elsewhere), &tenant, ADMIN_PASSWORD).await.assert_problem(403, "forbidden");
    let weak = provision(&system, Some(&operator), &tenant, "short").await;
    weak.assert_problem(422, "weak-password");
    assert_eq!(weak.body["field"], "admin.password");
    let created = provision(&system, Some(&operator), &tenant, ADMIN_PASSWORD).await;
    assert_eq!(created.status.as_u16(), 201, "the weak attempt provisioned nothing: {}", created.body);
    provision(&system, Some(&operator), &tenant, ADMIN_PASSWORD).await.assert_problem(409, "tenant-exists");

    let good = login_answer(&system, &tenant, &admin_email(&tenant), ADMIN_PASSWORD).await;
    assert_eq!(good.status.as_u16(), 200, "{}", good.body);
    assert_eq!((good.body["token_type"].as_str(), good.body["roles"].clone()), (Some("Bearer"), json!(["admin"])));
    let failures = [
        login_answer(&system, &tenant, &admin_email(&tenant), "wrong-password-123").await,
        login_answer(&system, &tenant, "nobody@example.com", ADMIN_PASSWORD).await,
        login_answer(&system, "t_no_such_tenant", &admin_email(&tenant), ADMIN_PASSWORD).await,
        login_answer(&system, "Not A Tenant!", &admin_email(&tenant), ADMIN_PASSWORD).await,
    ];
    for failure in &failures {
        failure.assert_problem(401, "invalid-credentials");
        assert_eq!(failure.body, failures[0].body, "every failure answers alike");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_token_is_the_only_way_to_name_a_tenant_and_bad_tokens_are_refused() {
    let system = System::start_with(options()).await;
    let (ours, theirs) = (system.ledger_tenant().await, system.ledger_tenant().await);
    let posted = system.post(&theirs, "/v1/journal-entries", &entry("1000", "3000", 4_200)).await;
    assert_eq!(posted.status.as_u16(), 201, "{}", posted.body);
    let their_entry = posted.body["entry_id"].as_str().unwrap().to_owned();
    let our_token = system.token(&ours).await;

    // Their ids are unknown to us, whatever header we add.
    let path = format!("/v1/journal-entries/{their_entry}/reverse");
    let reversal = serde_json::to_vec(&json!({"reason": "hostile"})).unwrap();
    let sneaky = system.send_post(Some(&our_token), &path, reversal, &[("x-tenant-id", &theirs)]).await;
    assert_eq!(sneaky.status.as_u16(), 404, "{}", sneaky.body);
    let read = system.send_get(Some(&our_token), &format!("/v1/journal-entries/{their_entry}"), None).await;
    assert_eq!(read.status.as_u16(), 404, "{}", read.body);
    assert_eq!(system.journal_event_count(&theirs).await, 1, "their entry untouched");

    // Tokens for their tenant we could make ourselves are refused.
    let claims = |exp: i64| json!({"iss": "prism", "sub": "intruder", "tenant": theirs, "roles": ["admin"], "iat": 0, "exp": exp, "jti": "x"});
    let far_future = chrono::Utc::now().timestamp() + 3_600;
    let unsigned = format!(
        "{}.{}.",
        URL_SAFE_NO_PAD.encode(r#"{"alg":"none","typ":"JWT"}"#),
        URL_SAFE_NO_PAD.encode(claims(far_future).to_string())
    );
    let theirs_id = TenantId::parse(&theirs).unwrap();
    let forged = Tokens::new(&AuthArgs {
        jwt_secret: "not-the-deployment-secret-but-long-enough".to_owned(),
        ..system.auth.clone()
    })
    .issue(&theirs_id, "intruder", &Grants::of_builtin(&[Role::Admin]))
    .unwrap()
    .token;
    let expiring = Tokens::new(&AuthArgs { access_token_ttl_seconds: 0, ..system.auth.clone() })
        .issue(&theirs_id, "intruder", &Grants::of_builtin(&[Role::Admin]))
        .unwrap()
        .token;
    tokio::time::sleep(Duration::from_millis(1_100)).await;
    for (token, what) in
        [(unsigned, "alg none"), (forged, "forged"), (expiring, "expired"), ("garbage".to_owned(), "garbage")]
    {
        let body = serde_json::to_vec(&entry("1000", "3000", 1)).unwrap();
        let answer = system.send_post(Some(&token), "/v1/journal-entries", body, &[]).await;
        answer.assert_problem(401, "invalid-token");
        assert_eq!(answer.headers["www-authenticate"], "Bearer", "{what}");
        let read = system.send_get(Some(&token), "/v1/journal-entries", None).await;
        assert_eq!(read.status.as_u16(), 401, "{what}: {}", read.body);
    }
    let anonymous = system.send_post(None, "/v1/journal-entries", b"{}".to_vec(), &[("x-tenant-id", &theirs)]).await;
    anonymous.assert_problem(401, "unauthenticated");
    assert_eq!(system.journal_event_count(&theirs).await, 1, "nothing was posted");
}

#[tokio::test(flavor = "multi_thread")]
async fn each_command_needs_its_permission_and_records_who_gave_it() {
    let system = System::start_with(options()).await;
    let tenant = system.ledger_tenant().await;
    let clerk = system.user(&tenant, &["warehouse"]).await;
    let accountant = system.user(&tenant, &["accountant"]).await;

    let denied = system.post_as(&clerk.token, "/v1/journal-entries", &entry("1000", "3000", 500)).await;
    denied.assert_problem(403, "forbidden");
    assert_eq!(denied.body["permission"], "finance.journal.post");
    let posted = system.post_as(&accountant.token, "/v1/journal-entries", &entry("1000", "3000", 500)).await;
    assert_eq!(posted.status.as_u16(), 201, "{}", posted.body);
    let recorded: Value = sqlx::query_scalar(&format!(
        "SELECT metadata::jsonb FROM tenant_{tenant}.events WHERE aggregate_type = 'finance.journal_entry'"
    ))
    .fetch_one(&system.pool)
    .await
    .unwrap();
    assert_eq!(recorded["user_id"], accountant.user_id.as_str(), "the event says who posted it");

    // Only an admin manages users; a deactivated user cannot sign in, and nobody deactivates
    // themselves.
    let by_accountant = system.post_as(&accountant.token, "/v1/users", &json!({})).await;
    by_accountant.assert_problem(403, "forbidden");
    let taken =
        json!({"email": accountant.email, "name": "Twin", "roles": ["sales"], "password": "a-long-enough-password"});
    let duplicate = system.post(&tenant, "/v1/users", &taken).await;
    duplicate.assert_problem(409, "email-taken");
    assert_eq!(duplicate.body["field"], "email");
    let deactivate = json!({"reason": "left the company"});
    let gone = system.post(&tenant, &format!("/v1/users/{}/deactivate", accountant.user_id), &deactivate).await;
    assert_eq!(gone.status.as_u16(), 200, "{}", gone.body);
    let refused = login_answer(&system, &tenant, &accountant.email, prism_tests::system::USER_PASSWORD).await;
    refused.assert_problem(401, "invalid-credentials");
    let back = system.post(&tenant, &format!("/v1/users/{}/reactivate", accountant.user_id), &Value::Null).await;
    assert_eq!(back.status.as_u16(), 200, "{}", back.body);
    let again = login_answer(&system, &tenant, &accountant.email, prism_tests::system::USER_PASSWORD).await;
    assert_eq!(again.status.as_u16(), 200, "{}", again.body);

    let admin_id = login_answer(&system, &tenant, &admin_email(&tenant), ADMIN_PASSWORD).await.body["user_id"].clone();
    let itself =
        system.post(&tenant, &format!("/v1/users/{}/deactivate", admin_id.as_str().unwrap()), &deactivate).await;
    itself.assert_problem(403, "forbidden");
}

async fn refresh(system: &System, refresh_token: &Value) -> Answer {
    let body = serde_json::to_vec(&json!({"refresh_token": refresh_token})).unwrap();
    system.send_post(None, "/v1/auth/refresh", body, &[]).await
}

#[tokio::test(flavor = "multi_thread")]
async fn refresh_tokens_rotate_a_reused_one_revokes_its_session_and_logout_ends_it() {
    let system = System::start_with(options()).await;
    let tenant = system.ledger_tenant().await;
    let signed_in = login_answer(&system, &tenant, &admin_email(&tenant), ADMIN_PASSWORD).await;
    let first = signed_in.body["refresh_token"].clone();
    assert!(first.as_str().is_some_and(|t| t.len() >= 64), "{}", signed_in.body);

    // Each refresh gives a new pair; the new access token works.
    let rotated = refresh(&system, &first).await;
    assert_eq!(rotated.status.as_u16(), 200, "{}", rotated.body);
    let second = rotated.body["refresh_token"].clone();
    assert_ne!(second, first);
    let access = rotated.body["access_token"].as_str().unwrap();
    let posted = system.post_as(access, "/v1/journal-entries", &entry("1000", "3000", 10)).await;
    assert_eq!(posted.status.as_u16(), 201, "{}", posted.body);

    // The first token again — a thief's copy: reuse revokes the whole session, so the
    // legitimate holder's newer token is refused too.
    refresh(&system, &first).await.assert_problem(401, "refresh-token-reused");
    refresh(&system, &second).await.assert_problem(401, "invalid-refresh-token");
    refresh(&system, &json!("never-issued")).await.assert_problem(401, "invalid-refresh-token");

    // Logout ends another session; a deactivated user cannot refresh.
    let other =
        login_answer(&system, &tenant, &admin_email(&tenant), ADMIN_PASSWORD).await.body["refresh_token"].clone();
    let body = serde_json::to_vec(&json!({"refresh_token": other})).unwrap();
    assert_eq!(system.send_post(None, "/v1/auth/logout", body, &[]).await.status.as_u16(), 204);
    refresh(&system, &other).await.assert_problem(401, "invalid-refresh-token");
    let clerk = system.user(&tenant, &["warehouse"]).await;
    let clerk_refresh = login_answer(&system, &tenant, &clerk.email, prism_tests::system::USER_PASSWORD).await.body
        ["refresh_token"]
        .clone();
    let gone =
        system.post(&tenant, &format!("/v1/users/{}/deactivate", clerk.user_id), &json!({"reason": "left"})).await;
    assert_eq!(gone.status.as_u16(), 200, "{}", gone.body);
    refresh(&system, &clerk_refresh).await.assert_problem(401, "invalid-refresh-token");
}
