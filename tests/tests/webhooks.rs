//! Webhooks on the real stack, to a real HTTP endpoint that fails on purpose (the tests'
//! receiver): a subscribed endpoint gets the events of the types it chose, as JSON signed with
//! its secret; one that fails is tried again after growing waits until it answers, every attempt
//! in the delivery log; a second webhook process reading the topics again queues nothing twice.
//! An endpoint that keeps failing is given up on and its subscription disabled; enabled again,
//! the events from a position on are delivered anew, those that happened while it was disabled
//! among them. Bad subscriptions are refused naming the field; a warehouse clerk may not manage them.

#![allow(clippy::unwrap_used)] // test code: a panic is a failed test

use std::collections::HashSet;
use std::time::Duration;

use prism_projections::config::ProjectorKind;
use prism_tests::system::{accepted, assert_refused, eventually, new_tenant, quick_webhooks, System, SystemOptions};
use prism_tests::webhook_receiver::{Received, WebhookReceiver};
use serde_json::{json, Value};

fn options() -> SystemOptions {
    SystemOptions { projectors: vec![ProjectorKind::Postgres], kafka_brokers: None }
}

/// Creates a user of `tenant` whose email starts with `name`: the position of its `UserCreated`,
/// and its id.
async fn create_user(system: &System, tenant: &str, name: &str) -> (i64, String) {
    let body = json!({"email": format!("{name}@hooks.example"), "name": name, "roles": ["sales"],
                      "password": "a long enough password 1"});
    let answer = system.post(tenant, "/v1/users", &body).await;
    (accepted(&answer, 201), answer.body["user_id"].as_str().unwrap().to_owned())
}

/// Subscribes the receiver to `event_types`: the subscription's id and secret.
async fn subscribe(
    system: &System,
    tenant: &str,
    receiver: &WebhookReceiver,
    event_types: &[&str],
) -> (String, String) {
    let body = json!({"url": receiver.url, "event_types": event_types, "description": "the test receiver"});
    let answer = system.post(tenant, "/v1/webhook-subscriptions", &body).await;
    assert_eq!(answer.status.as_u16(), 201, "{}", answer.body);
    assert_eq!(answer.body["status"], "active");
    let id = answer.body["subscription_id"].as_str().unwrap().to_owned();
    (id, answer.body["secret"].as_str().unwrap().to_owned())
}

/// The requests the receiver got for users whose email starts with `name`, once there are
/// `count` of them.
async fn received_for(receiver: &WebhookReceiver, name: &str, count: usize) -> Vec<Received> {
    let prefix = format!("{name}@");
    eventually(Duration::from_secs(30), "the webhook requests", || async {
        let requests: Vec<Received> = receiver
            .received()
            .await
            .into_iter()
            .filter(|r| r.json()["data"]["email"].as_str().is_some_and(|email| email.starts_with(&prefix)))
            .collect();
        (requests.len() >= count).then_some(requests)
    })
    .await
}

/// The subscription's deliveries through the query API.
async fn deliveries(system: &System, tenant: &str, id: &str) -> Vec<Value> {
    let answer = system.get(tenant, &format!("/v1/webhook-subscriptions/{id}/deliveries"), None).await;
    assert_eq!(answer.status.as_u16(), 200, "{}", answer.body);
    answer.body["items"].as_array().unwrap().clone()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_failing_endpoint_is_retried_until_it_answers_and_each_event_is_signed_and_queued_once() {
    let system = System::start_with(options()).await;
    let receiver = WebhookReceiver::start().await;
    let tenant = new_tenant();
    let t = tenant.as_str();

    // Bad subscriptions name their field; a warehouse clerk may not subscribe.
    let path = "/v1/webhook-subscriptions";
    let bad = system.post(t, path, &json!({"url": "ftp://hooks.example/", "event_types": ["UserCreated"]})).await;
    assert_refused(&bad, 422, "invalid-subscription", Some("url"));
    let bad = system.post(t, path, &json!({"url": receiver.url, "event_types": ["UserCreated", "UserBorn"]})).await;
    assert_refused(&bad, 422, "invalid-subscription", Some("event_types[1]"));
    let clerk = system.user_token(t, &["warehouse"]).await;
    let refused = system.post_as(&clerk, path, &json!({"url": receiver.url, "event_types": ["*"]})).await;
    refused.assert_problem(403, "forbidden");
    assert_eq!(system.get_as(&clerk, path, None).await.status.as_u16(), 403);

    let (id, secret) = subscribe(&system, t, &receiver, &["UserCreated"]).await;
    let listed = system.get(t, path, None).await;
    assert_eq!(listed.body["items"].as_array().map(Vec::len), Some(1), "{}", listed.body);
    assert!(listed.body["items"][0].get("secret").is_none(), "the secret is never read back");

    // The endpoint fails Ada's event twice, then takes it.
    receiver.fail_next_containing(2, "ada.hooks@");
    let webhooks = system.start_webhooks(quick_webhooks(), false).await;
    let (position, ada_id) = create_user(&system, t, "ada.hooks").await;
    let requests = received_for(&receiver, "ada.hooks", 3).await;
    assert_eq!(requests.iter().map(|r| r.answered).collect::<Vec<_>>(), [500, 500, 204]);
    let body = requests[2].json();
    assert_eq!(body["type"], "UserCreated");
    assert_eq!(body["tenant"], t);
    assert_eq!(body["global_position"], position);
    assert_eq!(body["data"]["name"], "ada.hooks");
    for (attempt, request) in requests.iter().enumerate() {
        assert!(request.signed_with(&secret), "attempt {attempt} is signed with the subscription's secret");
        assert!(!request.signed_with("whsec_another"), "and with nothing else");
        assert_eq!(request.header("prism-event-id"), body["id"].as_str(), "one event");
        assert_eq!(request.header("prism-delivery-attempt"), Some((attempt + 1).to_string().as_str()));
        assert_eq!(request.header("content-type"), Some("application/json"));
    }
    let (first_wait, second_wait) = (requests[1].at - requests[0].at, requests[2].at - requests[1].at);
    assert!(first_wait >= Duration::from_millis(100), "backoff after the first failure: {first_wait:?}");
    assert!(second_wait >= Duration::from_millis(200), "doubled after the second: {second_wait:?}");

    // The delivery log has every attempt; the subscription's state its success.
    let adas = eventually(Duration::from_secs(10), "Ada's delivery delivered", || async {
        let log = deliveries(&system, t, &id).await;
        log.into_iter().find(|d| d["event_id"] == body["id"] && d["status"] == "delivered")
    })
    .await;
    assert_eq!(adas["attempts"], 3);
    let codes: Vec<&Value> = adas["attempt_log"].as_array().unwrap().iter().map(|a| &a["status_code"]).collect();
    assert_eq!(codes, [&json!(500), &json!(500), &json!(204)]);
    assert!(adas["attempt_log"][0]["error"].as_str().is_some_and(|e| e.starts_with("HTTP 500")), "{adas}");
    let state = system.get(t, &format!("{path}/{id}"), None).await;
    assert_eq!(state.body["consecutive_failures"], 0, "{}", state.body);
    assert!(state.body["last_delivered_at"].is_string(), "{}", state.body);

    // Only the chosen types: deactivating Ada sends nothing. A second process reading every
    // topic again queues nothing twice.
    let deactivated = system.post(t, &format!("/v1/users/{ada_id}/deactivate"), &json!({"reason": "left"})).await;
    accepted(&deactivated, 200);
    webhooks.kill().await;
    let again = system.start_webhooks(quick_webhooks(), true).await;
    create_user(&system, t, "bob.hooks").await;
    received_for(&receiver, "bob.hooks", 1).await;
    tokio::time::sleep(Duration::from_secs(1)).await;
    let all = receiver.received().await;
    assert!(all.iter().all(|r| r.json()["type"] == "UserCreated"), "only the chosen type: no UserDeactivated");
    assert_eq!(received_for(&receiver, "ada.hooks", 3).await.len(), 3, "Ada's event is not sent again");
    let events: HashSet<&str> = all.iter().filter_map(|r| r.header("prism-event-id")).collect();
    assert_eq!(deliveries(&system, t, &id).await.len(), events.len(), "one delivery per event");
    again.kill().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn an_endpoint_that_keeps_failing_is_disabled_and_then_redelivered_to_from_a_position() {
    let system = System::start_with(options()).await;
    let receiver = WebhookReceiver::start().await;
    let tenant = new_tenant();
    let t = tenant.as_str();
    let (id, secret) = subscribe(&system, t, &receiver, &["UserCreated"]).await;
    let path = format!("/v1/webhook-subscriptions/{id}");

    // The tenant admin's, Cy's and Di's deliveries fail until their retry window (3 s) ends:
    // the second given up disables the subscription, and what is still pending waits.
    receiver.fail_always(true);
    let _webhooks = system.start_webhooks(quick_webhooks(), false).await;
    let (first, _) = create_user(&system, t, "cy.hooks").await;
    create_user(&system, t, "di.hooks").await;
    let disabled = eventually(Duration::from_secs(30), "the subscription disabled", || async {
        let state = system.get(t, &path, None).await;
        (state.body["status"] == "disabled").then_some(state.body)
    })
    .await;
    assert_eq!(disabled["disabled_reason"], "2 deliveries failed in a row");
    // The third, already claimed when the second disabled it, may be given up too.
    assert!(disabled["consecutive_failures"].as_i64() >= Some(2), "{disabled}");
    let log = deliveries(&system, t, &id).await;
    assert!(log.iter().all(|d| d["status"] != "delivered"), "{log:?}");
    let given_up: Vec<&Value> = log.iter().filter(|d| d["status"] == "failed").collect();
    assert!(given_up.len() >= 2, "{log:?}");
    for delivery in given_up {
        let attempts = delivery["attempt_log"].as_array().unwrap();
        // Retried at about 0.1, 0.3, 0.7, 1.5 and 2.3 s; a loaded machine may fit fewer in 3 s.
        assert!((4..=6).contains(&attempts.len()), "{delivery}");
        assert!(attempts.iter().all(|a| a["status_code"] == 500), "{delivery}");
    }
    let requests = eventually(Duration::from_secs(10), "every request in the log", || async {
        let logged: usize =
            deliveries(&system, t, &id).await.iter().map(|d| d["attempt_log"].as_array().unwrap().len()).sum();
        let requests = receiver.received().await.len();
        (requests == logged).then_some(requests)
    })
    .await;

    // While it is disabled, events are not queued for it.
    create_user(&system, t, "ed.hooks").await;
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert_eq!(receiver.received().await.len(), requests, "nothing is sent to a disabled subscription");

    // Re-delivery: refused for a bad position or an unknown subscription; else queued anew and
    // sent once the subscription is enabled.
    let redeliver = format!("{path}/redeliver");
    let bad = system.post(t, &redeliver, &json!({"from_position": 0})).await;
    assert_refused(&bad, 422, "invalid-redelivery", Some("from_position"));
    let unknown = system
        .post(t, &format!("/v1/webhook-subscriptions/{}/redeliver", uuid::Uuid::nil()), &json!({"from_position": 1}))
        .await;
    unknown.assert_problem(404, "not-found");
    receiver.fail_always(false);
    let queued = system.post(t, &redeliver, &json!({"from_position": first})).await;
    assert_eq!(queued.status.as_u16(), 202, "{}", queued.body);
    assert_eq!(queued.body["enqueued"], 3, "Cy's, Di's and Ed's UserCreated: {}", queued.body);
    let enabled = system.post(t, &format!("{path}/enable"), &json!({})).await;
    assert_eq!(enabled.status.as_u16(), 200, "{}", enabled.body);
    assert_eq!(enabled.body["status"], "active");
    assert_eq!(enabled.body["consecutive_failures"], 0);
    for name in ["cy.hooks", "di.hooks", "ed.hooks"] {
        let delivered = eventually(Duration::from_secs(30), "the redelivery", || async {
            received_for(&receiver, name, 1).await.into_iter().find(|r| r.answered == 204)
        })
        .await;
        assert!(delivered.signed_with(&secret), "{name}");
    }
    let log = eventually(Duration::from_secs(10), "the redeliveries delivered", || async {
        let log = deliveries(&system, t, &id).await;
        let redelivered = log.iter().filter(|d| d["redelivery"] == true && d["status"] == "delivered").count();
        // The delivery that waited while the subscription was disabled is sent too.
        (redelivered == 3 && log.iter().all(|d| d["status"] != "pending")).then_some(log)
    })
    .await;
    assert_eq!(log.iter().filter(|d| d["redelivery"] == true).count(), 3, "Cy's, Di's and Ed's, once: {log:?}");
}
