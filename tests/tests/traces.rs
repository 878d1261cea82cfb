//! One trace from an HTTP command to the read model, on the real stack with spans exported over
//! OTLP/HTTP to a real collector (the tests' receiver): the command API's `http.request` span
//! continues the caller's `traceparent`; the event's Kafka `traceparent` header carries that
//! trace; the relay's `relay.publish` and the Postgres projector's `projector.apply` spans are
//! in it, the projector's parent chain leading back to the request's span.
//!
//! Telemetry is initialised once per process, so this binary holds this one test, which sets
//! the OpenTelemetry variables before the system (and with it the telemetry) starts.

#![allow(clippy::unwrap_used)] // test code: a panic is a failed test

use std::collections::HashMap;
use std::time::Duration;

use prism_projections::config::ProjectorKind;
use prism_tests::otlp_receiver::{OtlpReceiver, ReceivedSpan};
use prism_tests::system::{accepted, eventually, new_tenant, System, SystemOptions};
use rdkafka::message::{Headers, Message};
use serde_json::json;
use uuid::Uuid;

/// The `traceparent` header of the `UserCreated` record of user `user_id` on `topic`.
async fn traceparent_on_topic(system: &System, topic: &str, user_id: &str) -> String {
    let reader = system.topic_reader(topic);
    let deadline = Duration::from_secs(30);
    tokio::time::timeout(deadline, async {
        loop {
            let message = reader.recv().await.expect("a record");
            let headers = message.headers().expect("envelope headers");
            let header = |name: &str| {
                headers
                    .iter()
                    .find(|h| h.key == name)
                    .and_then(|h| h.value)
                    .map(|v| String::from_utf8_lossy(v).into_owned())
            };
            if header("prism-aggregate-id").as_deref() == Some(user_id) {
                return header("traceparent").expect("a traceparent header");
            }
        }
    })
    .await
    .expect("the user's event on its topic")
}

/// The spans of `trace_id` once they include a `projector.apply` of the Postgres projector.
async fn trace_through_projector(receiver: &OtlpReceiver, trace_id: &str) -> Vec<ReceivedSpan> {
    eventually(Duration::from_secs(30), "the projector's span of the trace", || async {
        let spans: Vec<ReceivedSpan> = receiver.spans().await.into_iter().filter(|s| s.trace_id == trace_id).collect();
        let projected =
            spans.iter().any(|s| s.name == "projector.apply" && s.attribute("projector") == Some("postgres"));
        projected.then_some(spans)
    })
    .await
}

/// The names of the spans from `span` up its parent chain, as far as `spans` go.
fn ancestry<'a>(spans: &'a [ReceivedSpan], span: &'a ReceivedSpan) -> Vec<&'a ReceivedSpan> {
    let by_id: HashMap<&str, &ReceivedSpan> = spans.iter().map(|s| (s.span_id.as_str(), s)).collect();
    let mut chain = vec![span];
    while let Some(parent) = by_id.get(chain.last().unwrap().parent_span_id.as_str()) {
        assert!(chain.len() <= spans.len(), "a cycle in the parent chain");
        chain.push(parent);
    }
    chain
}

#[tokio::test(flavor = "multi_thread")]
async fn a_command_s_trace_runs_from_its_http_request_through_the_relay_to_the_projector() {
    let receiver = OtlpReceiver::start().await;
    // Set before the system initialises telemetry; this binary runs no other test.
    std::env::set_var("OTEL_EXPORTER_OTLP_ENDPOINT", &receiver.url);
    std::env::remove_var("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT");
    std::env::set_var("OTEL_BSP_SCHEDULE_DELAY", "100");
    let system =
        System::start_with(SystemOptions { projectors: vec![ProjectorKind::Postgres], kafka_brokers: None }).await;
    let tenant = new_tenant();
    let trace_id = Uuid::new_v4().simple().to_string();
    let caller_span_id = &Uuid::new_v4().simple().to_string()[..16];
    let traceparent = format!("00-{trace_id}-{caller_span_id}-01");

    let body = json!({"email": "traced@spans.example", "name": "Traced", "roles": ["sales"],
                      "password": "a long enough password 1"});
    let answer = system
        .post_raw(&tenant, "/v1/users", serde_json::to_vec(&body).unwrap(), &[("traceparent", traceparent.as_str())])
        .await;
    accepted(&answer, 201);
    let user_id = answer.body["user_id"].as_str().unwrap();

    // The event travels with the request's trace.
    let topic = format!("{}.identity.user.v1", system.kafka().topic_prefix);
    let published = traceparent_on_topic(&system, &topic, user_id).await;
    assert_eq!(published.split('-').nth(1), Some(trace_id.as_str()), "{published}");

    let spans = trace_through_projector(&receiver, &trace_id).await;
    let request = spans.iter().find(|s| s.name == "http.request").expect("the command API's request span");
    assert_eq!(request.parent_span_id, caller_span_id, "the request span continues the caller's");
    assert_eq!(request.attribute("route"), Some("/v1/users"));
    assert_eq!(request.attribute("tenant"), Some(tenant.as_str()));
    assert_eq!(request.attribute("status"), Some("201"));
    assert_eq!(request.service, "prism-tests");

    let relay = spans.iter().find(|s| s.name == "relay.publish").expect("the relay's span");
    assert_eq!(relay.attribute("event_type"), Some("UserCreated"));
    let relayed: Vec<&str> = ancestry(&spans, relay).iter().map(|s| s.span_id.as_str()).collect();
    assert!(relayed.contains(&request.span_id.as_str()), "the relay's span descends from the request's");

    let projector =
        spans.iter().find(|s| s.name == "projector.apply" && s.attribute("projector") == Some("postgres")).unwrap();
    assert_eq!(projector.attribute("event_type"), Some("UserCreated"));
    assert_eq!(projector.attribute("tenant"), Some(tenant.as_str()));
    let chain: Vec<&str> = ancestry(&spans, projector).iter().map(|s| s.name.as_str()).collect();
    assert_eq!(chain.first(), Some(&"projector.apply"));
    assert!(
        chain.windows(2).any(|pair| pair == ["projector.apply", "relay.publish"]),
        "the projector continues the relay's span: {chain:?}"
    );
    assert_eq!(chain.last(), Some(&"http.request"), "the chain reaches the request span: {chain:?}");
}
