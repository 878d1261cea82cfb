//! Rate limits end to end: both APIs count requests per tenant and per client IP in the
//! stack's Redis; over a limit they answer 429 problem+json naming it with `Retry-After`, and
//! once the window has passed they accept again. Health and metrics are never limited; an
//! unreachable Redis lets requests through, and limiting resumes once it is back.

#![allow(clippy::unwrap_used)] // test code: a panic is a failed test

use std::time::Duration;

use prism_aggregates::identity::permissions::Role;
use prism_tests::system::{eventually, new_tenant, Answer, System, SystemOptions};
use reqwest::StatusCode;
use serde_json::json;

/// No projectors: these tests only talk to the APIs.
fn apis_only() -> SystemOptions {
    SystemOptions { projectors: vec![], kafka_brokers: None }
}

/// A cheap read on the query API as `tenant`.
async fn read(system: &System, tenant: &str) -> Answer {
    system.get(tenant, "/v1/accounts", None).await
}

/// A cheap read on the query API with `token`.
async fn read_as(system: &System, token: &str) -> Answer {
    system.get_as(token, "/v1/accounts", None).await
}

/// An access token of a new tenant, signed without a request: the tenant is not provisioned
/// (its reads are 404s), so that provisioning and logging in count nothing against the limit
/// under test.
fn unprovisioned_tenant_token(system: &System) -> String {
    system.signed_token(&new_tenant(), "rate-limit-test-user", &[Role::Admin])
}

fn header(answer: &Answer, name: &str) -> Option<u64> {
    answer.headers.get(name)?.to_str().ok()?.parse().ok()
}

fn assert_accepted(answer: &Answer, what: &str) {
    assert_ne!(answer.status, StatusCode::TOO_MANY_REQUESTS, "{what}: {}", answer.body);
}

/// Asserts `answer` is the 429 for `limit` (`tenant` or `ip`) of `per_window` requests per
/// `window_secs`; returns its `Retry-After` in seconds.
fn assert_rate_limited(answer: &Answer, limit: &str, per_window: u64, window_secs: u64) -> u64 {
    assert_eq!(answer.status, StatusCode::TOO_MANY_REQUESTS, "{}", answer.body);
    assert_eq!(answer.headers["content-type"], "application/problem+json");
    assert_eq!(answer.body["type"], "urn:prism:problem:rate-limited");
    assert_eq!(answer.body["status"], 429);
    assert_eq!(answer.body["limit"], limit);
    assert_eq!(answer.body["limit_per_window"], per_window);
    assert_eq!(answer.body["window_secs"], window_secs);
    let retry_after = header(answer, "retry-after").expect("a Retry-After header in seconds");
    assert!((1..=window_secs).contains(&retry_after), "Retry-After {retry_after} within the window");
    assert_eq!(answer.body["retry_after_secs"], retry_after);
    assert_eq!(header(answer, "ratelimit-remaining"), Some(0));
    retry_after
}

#[tokio::test(flavor = "multi_thread")]
async fn a_tenant_over_its_limit_gets_429_with_retry_after_while_others_go_on_until_its_window_passes() {
    let window_secs = 3;
    let system = System::start_rate_limited(apis_only(), |limits| {
        limits.tenant_per_window = 3;
        limits.window_secs = window_secs;
    })
    .await;
    let (tenant, other) = (new_tenant(), new_tenant());
    assert_accepted(&read(&system, &other).await, "a first request warms the API up");

    for sent in 1..=3 {
        let answer = read(&system, &tenant).await;
        assert_accepted(&answer, "within the tenant limit");
        assert_eq!(header(&answer, "ratelimit-limit"), Some(3));
        assert_eq!(header(&answer, "ratelimit-remaining"), Some(3 - sent));
    }
    // The command API counts into the same budget.
    let refused = system.post(&tenant, "/v1/journal-entries", &json!({})).await;
    let retry_after = assert_rate_limited(&refused, "tenant", 3, window_secs);
    assert_rate_limited(&read(&system, &tenant).await, "tenant", 3, window_secs);
    assert_accepted(&read(&system, &other).await, "another tenant is not limited");

    tokio::time::sleep(Duration::from_secs(retry_after) + Duration::from_millis(100)).await;
    let again = read(&system, &tenant).await;
    assert_accepted(&again, "once the window has passed");
    assert_eq!(header(&again, "ratelimit-remaining"), Some(2), "a new window has begun");
}

#[tokio::test(flavor = "multi_thread")]
async fn the_ip_limit_counts_requests_of_every_tenant_but_never_health_or_metrics() {
    let system = System::start_rate_limited(apis_only(), |limits| limits.ip_per_window = 4).await;
    for _ in 0..4 {
        assert_accepted(&read_as(&system, &unprovisioned_tenant_token(&system)).await, "within the IP limit");
    }
    assert_rate_limited(&read_as(&system, &unprovisioned_tenant_token(&system)).await, "ip", 4, 60);
    let post = system.post_as(&unprovisioned_tenant_token(&system), "/v1/journal-entries", &json!({})).await;
    assert_rate_limited(&post, "ip", 4, 60);

    for base in [&system.command_url, &system.query_url] {
        let health = reqwest::get(format!("{base}/health")).await.unwrap();
        assert_eq!(health.status(), StatusCode::OK);
        let metrics = reqwest::get(format!("{base}/metrics")).await.unwrap();
        assert_eq!(metrics.status(), StatusCode::OK);
        assert!(metrics.text().await.unwrap().contains(r#"prism_rate_limit_rejected_total{limit="ip"}"#));
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn without_redis_requests_pass_unlimited() {
    let system = System::start_rate_limited(apis_only(), |limits| {
        limits.redis_url = "redis://127.0.0.1:1".to_owned();
        limits.tenant_per_window = 1;
        limits.ip_per_window = 1;
    })
    .await;
    let tenant = new_tenant();
    for _ in 0..3 {
        let answer = read(&system, &tenant).await;
        assert_accepted(&answer, "Redis is unreachable");
        assert!(answer.headers.get("ratelimit-remaining").is_none(), "nothing was counted");
    }
}

/// A private `redis-server` on a free port, killed when dropped.
async fn private_redis(port: u16) -> tokio::process::Child {
    let child = tokio::process::Command::new("redis-server")
        .args(["--bind", "127.0.0.1", "--port", &port.to_string(), "--save", "", "--appendonly", "no"])
        .stdout(std::process::Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .expect("redis-server runs (scripts/prism install puts it on the PATH)");
    let ready = async {
        while tokio::net::TcpStream::connect(("127.0.0.1", port)).await.is_err() {
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    };
    tokio::time::timeout(Duration::from_secs(10), ready).await.expect("redis-server listening");
    child
}

#[tokio::test(flavor = "multi_thread")]
async fn requests_pass_while_redis_is_down_and_are_limited_again_once_it_is_back() {
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let mut redis = private_redis(port).await;
    let system = System::start_rate_limited(apis_only(), |limits| {
        limits.redis_url = format!("redis://127.0.0.1:{port}");
        limits.tenant_per_window = 2;
    })
    .await;
    let tenant = new_tenant();
    for _ in 0..2 {
        assert_accepted(&read(&system, &tenant).await, "within the limit");
    }
    assert_rate_limited(&read(&system, &tenant).await, "tenant", 2, 60);

    redis.kill().await.unwrap();
    for _ in 0..3 {
        assert_accepted(&read(&system, &tenant).await, "Redis is down");
    }

    let _redis = private_redis(port).await;
    let limited_again = eventually(Duration::from_secs(15), "limiting to resume", || async {
        let answer = read(&system, &tenant).await;
        (answer.status == StatusCode::TOO_MANY_REQUESTS).then_some(answer)
    })
    .await;
    assert_rate_limited(&limited_again, "tenant", 2, 60);
}
