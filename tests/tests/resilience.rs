//! Nothing accepted is lost: a projector process killed mid-stream resumes without
//! duplicates or gaps, and commands accepted while Kafka is down are published, in
//! per-aggregate order, once it is back.

#![allow(clippy::unwrap_used)] // test code: a panic is a failed test

use std::collections::HashMap;
use std::path::Path;
use std::process::Stdio;
use std::time::Duration;

use prism_projections::config::ProjectorKind;
use prism_tests::env::{free_port, unique_suffix};
use prism_tests::ledger::{entry, post_entries, projected_balances, replayed_balances};
use prism_tests::reliability::{record, Observation};
use prism_tests::replay::{kill, spawn_projector};
use prism_tests::system::{eventually, System, SystemOptions};
use rdkafka::message::{Headers, Message};
use serde_json::json;
use tokio::process::{Child, Command};

async fn applied_lines(system: &System, tenant: &str) -> i64 {
    system.count(tenant, "journal_lines").await
}

#[tokio::test(flavor = "multi_thread")]
async fn a_projector_killed_mid_stream_resumes_without_duplicates_or_loss() {
    let system = System::start_with(SystemOptions { projectors: vec![], kafka_brokers: None }).await;
    let tenant = system.ledger_tenant().await;
    let entries = 300;
    post_entries(&system, &tenant, entries).await;
    let entries = i64::try_from(entries).unwrap();
    let mut projector = spawn_projector(&system, ProjectorKind::Postgres);
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    let halfway = loop {
        let applied = applied_lines(&system, &tenant).await;
        if applied > 0 {
            break applied;
        }
        assert!(std::time::Instant::now() < deadline, "the projector never started applying");
        tokio::time::sleep(Duration::from_millis(2)).await;
    };
    kill(&mut projector).await;
    let killed_at = std::time::Instant::now();
    assert!(halfway < 2 * entries, "the kill happened mid-stream ({halfway} lines applied)");

    let _restarted = spawn_projector(&system, ProjectorKind::Postgres);
    eventually(Duration::from_secs(60), "every line projected", || async {
        (applied_lines(&system, &tenant).await == 2 * entries).then_some(())
    })
    .await;
    let recovery = killed_at.elapsed();
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(applied_lines(&system, &tenant).await, 2 * entries, "no line applied twice");
    assert_eq!(system.count(&tenant, "journal_entries").await, entries);
    assert_eq!(projected_balances(&system.pool, &tenant).await, replayed_balances(&system.pool, &tenant).await);

    record(
        "a_projector_killed_mid_stream_resumes_without_duplicates_or_loss",
        &Observation {
            fault: "Postgres projector process SIGKILLed mid-stream",
            procedure: "300 entries posted; the projector binary (batches of 5) killed as soon as it applied \
                        something, then restarted",
            accepted: u64::try_from(entries).unwrap(),
            lost: 0,
            duplicated: 0,
            recovery: Some(recovery),
            notes: format!("killed with {halfway} of {} lines applied; balances equal a replay", 2 * entries),
        },
    );
}

/// A private Kafka broker this test may stop and start.
struct PrivateBroker {
    data_dir: std::path::PathBuf,
    port: u16,
    controller_port: u16,
    process: Option<Child>,
}

impl PrivateBroker {
    async fn start_new(repo_root: &Path) -> Self {
        let data_dir = std::env::temp_dir().join(format!("prism-broker-{}", unique_suffix()));
        let mut broker = Self { data_dir, port: free_port(), controller_port: free_port(), process: None };
        broker.start(repo_root).await;
        broker
    }

    async fn start(&mut self, repo_root: &Path) {
        let child = Command::new("bash")
            .arg(repo_root.join("scripts/kafka-broker.sh"))
            .arg(&self.data_dir)
            .arg(self.port.to_string())
            .arg(self.controller_port.to_string())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .expect("kafka-broker.sh runs");
        self.process = Some(child);
        let address = format!("127.0.0.1:{}", self.port);
        let deadline = std::time::Instant::now() + Duration::from_secs(90);
        while tokio::net::TcpStream::connect(&address).await.is_err() {
            let exited = self.process.as_mut().and_then(|child| child.try_wait().ok().flatten());
            if exited.is_some() || std::time::Instant::now() > deadline {
                panic!(
                    "the private broker on {address} is not listening ({exited:?}); its log ends:\n{}",
                    self.log_tail()
                );
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// The last lines of the broker's log, to tell why it did not start.
    fn log_tail(&self) -> String {
        let log = std::fs::read_to_string(self.data_dir.join("broker.log")).unwrap_or_default();
        let lines: Vec<&str> = log.lines().collect();
        lines[lines.len().saturating_sub(40)..].join("\n")
    }

    async fn stop(&mut self) {
        if let Some(mut child) = self.process.take() {
            kill(&mut child).await;
        }
    }

    fn brokers(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }
}

impl Drop for PrivateBroker {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.data_dir);
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn commands_accepted_while_kafka_is_down_arrive_in_order_once_it_is_back() {
    let repo_root = prism_tests::env::StackEnv::from_env().repo_root;
    let mut broker = PrivateBroker::start_new(&repo_root).await;
    let system = System::start_with(SystemOptions {
        projectors: vec![ProjectorKind::Postgres],
        kafka_brokers: Some(broker.brokers()),
    })
    .await;
    let tenant = system.ledger_tenant().await;
    let first = system.post(&tenant, "/v1/journal-entries", &entry("1000", "3000", 1)).await;
    assert_eq!(
        system
            .get(
                &tenant,
                &format!("/v1/journal-entries/{}", first.body["entry_id"].as_str().unwrap()),
                first.body["position"].as_i64()
            )
            .await
            .status,
        200
    );

    broker.stop().await;
    let mut ids = Vec::new();
    for i in 0..10 {
        let posted = system.post(&tenant, "/v1/journal-entries", &entry("1000", "3000", 10 + i)).await;
        assert_eq!(posted.status, 201, "commands are accepted while Kafka is down");
        ids.push(posted.body["entry_id"].as_str().unwrap().to_owned());
    }
    for id in ids.iter().take(5) {
        let reversed = system
            .post(&tenant, &format!("/v1/journal-entries/{id}/reverse"), &json!({"reason": "outage drill"}))
            .await;
        assert_eq!(reversed.status, 201);
    }
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert!(system.outbox_depth(&tenant).await >= 15, "the outbox holds what Kafka could not take");

    broker.start(&repo_root).await;
    let restarted_at = std::time::Instant::now();
    eventually(Duration::from_secs(120), "the outbox to drain", || async {
        (system.outbox_depth(&tenant).await == 0).then_some(())
    })
    .await;
    eventually(Duration::from_secs(60), "every entry projected", || async {
        (system.count(&tenant, "journal_entries").await == 16).then_some(())
    })
    .await;
    let recovery = restarted_at.elapsed();
    assert_eq!(projected_balances(&system.pool, &tenant).await, replayed_balances(&system.pool, &tenant).await);

    let sequences = sequences_per_aggregate(&system).await;
    assert_eq!(sequences.len(), 11, "every aggregate reached the topic");
    for (aggregate, seen) in sequences {
        let mut expected = seen.clone();
        expected.sort_unstable();
        assert_eq!(seen, expected, "{aggregate}: events arrive in sequence order");
        assert_eq!(seen.first(), Some(&1));
    }

    record(
        "commands_accepted_while_kafka_is_down_arrive_in_order_once_it_is_back",
        &Observation {
            fault: "Kafka broker stopped under load",
            procedure: "an entry posted; the private broker stopped; 10 entries posted and 5 of them reversed (16 \
                        commands in all); the broker restarted",
            accepted: 16,
            lost: 0,
            duplicated: 0,
            recovery: Some(recovery),
            notes: "all 15 commands accepted while Kafka was down; published in per-aggregate sequence order \
                    once it was back; balances equal a replay"
                .to_owned(),
        },
    );
}

/// For each aggregate on the journal topic, the `prism-sequence` of its messages in offset order.
async fn sequences_per_aggregate(system: &System) -> HashMap<String, Vec<i64>> {
    let consumer = system.topic_reader(&system.journal_topic());
    let mut sequences: HashMap<String, Vec<i64>> = HashMap::new();
    while let Ok(Ok(message)) = tokio::time::timeout(Duration::from_secs(5), consumer.recv()).await {
        let key = String::from_utf8_lossy(message.key().unwrap_or_default()).into_owned();
        let sequence = message
            .headers()
            .and_then(|h| h.iter().find(|h| h.key == "prism-sequence").and_then(|h| h.value))
            .and_then(|v| std::str::from_utf8(v).ok()?.parse().ok())
            .expect("prism-sequence header");
        sequences.entry(key).or_default().push(sequence);
    }
    sequences
}
