//! A webhook endpoint for tests, in-process: a real HTTP server on a port of its own that keeps
//! every request it gets (headers, body, what it answered, when) and answers 500 on purpose
//! while told to fail — the next few requests carrying some text, or all of them — else 204. It checks signatures
//! as a receiver would, from the header and the raw body alone.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, PoisonError};
use std::time::Instant;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::Router;
use hmac::{Hmac, Mac};
use serde_json::Value;
use sha2::Sha256;
use tokio::sync::Mutex;

/// One request the endpoint got.
#[derive(Debug, Clone)]
pub struct Received {
    /// Its headers, names in lower case.
    pub headers: HashMap<String, String>,
    /// Its body as sent.
    pub body: Vec<u8>,
    /// The status the endpoint answered.
    pub answered: u16,
    /// When it arrived.
    pub at: Instant,
}

impl Received {
    /// Header `name` (lower case), if sent.
    #[must_use]
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).map(String::as_str)
    }

    /// The body as JSON.
    ///
    /// # Panics
    /// When it is not JSON.
    #[must_use]
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).expect("a webhook body is JSON")
    }

    /// Whether its `Prism-Signature` is HMAC-SHA256 under `secret` of `"<t>.<body>"`.
    #[must_use]
    pub fn signed_with(&self, secret: &str) -> bool {
        let Some(signature) = self.header("prism-signature") else { return false };
        let parts: HashMap<&str, &str> = signature.split(',').filter_map(|part| part.split_once('=')).collect();
        let (Some(timestamp), Some(hex)) = (parts.get("t"), parts.get("v1")) else { return false };
        let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(secret.as_bytes()) else { return false };
        mac.update(format!("{timestamp}.").as_bytes());
        mac.update(&self.body);
        let expected: String = mac.finalize().into_bytes().iter().map(|byte| format!("{byte:02x}")).collect();
        expected == *hex
    }
}

#[derive(Debug, Default)]
struct Behaviour {
    received: Mutex<Vec<Received>>,
    /// How many more requests whose body contains the text fail.
    failures_left: std::sync::Mutex<(usize, String)>,
    failing: AtomicBool,
}

/// A running endpoint.
#[derive(Debug, Clone)]
pub struct WebhookReceiver {
    /// Its URL.
    pub url: String,
    behaviour: Arc<Behaviour>,
}

impl WebhookReceiver {
    /// Starts an endpoint on a free port, answering 204.
    ///
    /// # Panics
    /// When no port can be bound.
    pub async fn start() -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("a free port");
        let url = format!("http://{}/hooks", listener.local_addr().expect("bound"));
        let behaviour = Arc::new(Behaviour::default());
        let app = Router::new().route("/hooks", axum::routing::post(receive)).with_state(behaviour.clone());
        tokio::spawn(async move { axum::serve(listener, app).await });
        Self { url, behaviour }
    }

    /// Answers the next `count` requests whose body contains `text` 500.
    pub fn fail_next_containing(&self, count: usize, text: &str) {
        *self.behaviour.failures_left.lock().unwrap_or_else(PoisonError::into_inner) = (count, text.to_owned());
    }

    /// Answers every request 500 while `failing`.
    pub fn fail_always(&self, failing: bool) {
        self.behaviour.failing.store(failing, Ordering::SeqCst);
    }

    /// Every request so far, in order of arrival.
    pub async fn received(&self) -> Vec<Received> {
        self.behaviour.received.lock().await.clone()
    }
}

async fn receive(State(behaviour): State<Arc<Behaviour>>, headers: HeaderMap, body: Bytes) -> StatusCode {
    let fails = behaviour.failing.load(Ordering::SeqCst) || {
        let mut failures = behaviour.failures_left.lock().unwrap_or_else(PoisonError::into_inner);
        let (left, text) = &mut *failures;
        let matches = *left > 0 && String::from_utf8_lossy(&body).contains(text.as_str());
        *left -= usize::from(matches);
        matches
    };
    let status = if fails { StatusCode::INTERNAL_SERVER_ERROR } else { StatusCode::NO_CONTENT };
    let headers = headers
        .iter()
        .map(|(name, value)| (name.as_str().to_owned(), value.to_str().unwrap_or_default().to_owned()))
        .collect();
    behaviour.received.lock().await.push(Received {
        headers,
        body: body.to_vec(),
        answered: status.as_u16(),
        at: Instant::now(),
    });
    status
}
