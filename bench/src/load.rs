//! The load generator: `concurrency` clients, each a task with its own keep-alive
//! connection, post balanced two-line journal entries to the command API until `count`
//! were accepted or the deadline passes. Every answer must be 201; anything else fails
//! the whole run, loudly, with the status and body.

use std::future::Future;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use prism_tests::ledger::entry;
use serde_json::Value;

use crate::BoxError;

/// Where and how hard to post.
#[derive(Debug, Clone)]
pub struct Load {
    /// Base URL of the command API.
    pub command_url: String,
    /// Access token to post with (of the tenant's admin: `System::token`).
    pub token: String,
    /// Entries to post.
    pub count: usize,
    /// Concurrent clients.
    pub concurrency: usize,
    /// No request is started after this instant.
    pub deadline: Instant,
}

/// What a load run did.
#[derive(Debug, Default)]
pub struct LoadOutcome {
    /// Latency of every accepted command, in completion order per client.
    pub latencies: Vec<Duration>,
    /// Highest global position any answer carried.
    pub max_position: i64,
    /// Wall time from the first request to the last answer.
    pub elapsed: Duration,
}

impl LoadOutcome {
    /// Commands accepted.
    #[must_use]
    pub fn accepted(&self) -> usize {
        self.latencies.len()
    }
}

/// One accepted command: its latency and the position it reported.
pub struct Accepted {
    /// From sending the command to its answer.
    pub latency: Duration,
    /// The global position the answer carried.
    pub position: i64,
}

/// Runs `load` with a shared HTTP `client`.
///
/// # Errors
/// The first refused or failed request (the others are abandoned).
pub async fn run(client: &reqwest::Client, load: &Load) -> Result<LoadOutcome, BoxError> {
    let url = Arc::new(format!("{}/v1/journal-entries", load.command_url));
    let (client, token) = (client.clone(), Arc::new(load.token.clone()));
    closed_loop(load.concurrency, load.count, load.deadline, move |number| {
        let (client, url, token) = (client.clone(), url.clone(), token.clone());
        async move { post_one(&client, &url, &token, number).await }
    })
    .await
}

/// `concurrency` tasks, each sending the next command (`send` of its number) as soon as its
/// previous one was answered, until `count` were sent or `deadline` passed: the closed loop
/// both append paths (HTTP and direct) are measured with.
///
/// # Errors
/// The first command `send` fails (the others are abandoned).
pub async fn closed_loop<S, F>(
    concurrency: usize,
    count: usize,
    deadline: Instant,
    send: S,
) -> Result<LoadOutcome, BoxError>
where
    S: Fn(usize) -> F + Clone + Send + 'static,
    F: Future<Output = Result<Accepted, BoxError>> + Send,
{
    let next = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let tasks: Vec<_> = (0..concurrency.max(1))
        .map(|_| {
            let (send, next) = (send.clone(), next.clone());
            tokio::spawn(async move {
                let mut done = Vec::new();
                loop {
                    let number = next.fetch_add(1, Ordering::Relaxed);
                    if number >= count || Instant::now() >= deadline {
                        return Ok::<_, BoxError>(done);
                    }
                    done.push(send(number).await?);
                }
            })
        })
        .collect();
    let mut outcome = LoadOutcome::default();
    for joined in futures::future::join_all(tasks).await {
        for accepted in joined.map_err(|e| format!("load task failed: {e}"))?? {
            outcome.latencies.push(accepted.latency);
            outcome.max_position = outcome.max_position.max(accepted.position);
        }
    }
    outcome.elapsed = started.elapsed();
    Ok(outcome)
}

/// The amount, in minor units, of entry `number` of a load: distinct, so that descriptions are.
#[must_use]
pub fn entry_amount(number: usize) -> i64 {
    i64::try_from(number % 1_000_000).unwrap_or(0) + 1
}

/// Posts entry `number` (a distinct amount, so distinct descriptions) and checks for 201.
async fn post_one(client: &reqwest::Client, url: &str, token: &str, number: usize) -> Result<Accepted, BoxError> {
    let body = serde_json::to_vec(&entry("1000", "3000", entry_amount(number)))?;
    let sent = Instant::now();
    let response =
        client.post(url).header("content-type", "application/json").bearer_auth(token).body(body).send().await?;
    let status = response.status();
    let bytes = response.bytes().await?;
    let latency = sent.elapsed();
    if status != reqwest::StatusCode::CREATED {
        return Err(format!("command {number} answered {status}: {}", String::from_utf8_lossy(&bytes)).into());
    }
    let answer: Value = serde_json::from_slice(&bytes)?;
    let position = answer["position"].as_i64().ok_or_else(|| format!("command {number}: no position in {answer}"))?;
    Ok(Accepted { latency, position })
}

/// Posts one entry with access token `token` and returns `(entry_id, position)`; for the
/// sequential latency probes.
///
/// # Errors
/// When the command is not accepted with 201.
pub async fn post_single(client: &reqwest::Client, command_url: &str, token: &str) -> Result<(String, i64), BoxError> {
    post_entry(client, command_url, token, 100).await
}

/// Posts one entry of `amount` minor units with access token `token` and returns
/// `(entry_id, position)`.
///
/// # Errors
/// When the command is not accepted with 201.
pub async fn post_entry(
    client: &reqwest::Client,
    command_url: &str,
    token: &str,
    amount: i64,
) -> Result<(String, i64), BoxError> {
    let response = client
        .post(format!("{command_url}/v1/journal-entries"))
        .header("content-type", "application/json")
        .bearer_auth(token)
        .body(serde_json::to_vec(&entry("1000", "3000", amount))?)
        .send()
        .await?;
    let status = response.status();
    let answer: Value = response.json().await.unwrap_or(Value::Null);
    if status != reqwest::StatusCode::CREATED {
        return Err(format!("command answered {status}: {answer}").into());
    }
    let entry_id = answer["entry_id"].as_str().ok_or_else(|| format!("no entry_id in {answer}"))?.to_owned();
    let position = answer["position"].as_i64().ok_or_else(|| format!("no position in {answer}"))?;
    Ok((entry_id, position))
}

/// GETs entry `entry_id` with access token `token` and `position` as consistency token; Ok
/// when it answers 200.
///
/// # Errors
/// When the request fails or answers anything but 200.
pub async fn get_visible(
    client: &reqwest::Client,
    query_url: &str,
    token: &str,
    entry_id: &str,
    position: i64,
) -> Result<(), BoxError> {
    let response = client
        .get(format!("{query_url}/v1/journal-entries/{entry_id}"))
        .bearer_auth(token)
        .header("x-prism-min-position", position.to_string())
        .send()
        .await?;
    let status = response.status();
    let body = response.bytes().await?;
    if status == reqwest::StatusCode::OK {
        Ok(())
    } else {
        Err(format!("GET of entry {entry_id} answered {status}: {}", String::from_utf8_lossy(&body)).into())
    }
}
