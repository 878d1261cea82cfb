//! Per-request context carried into event metadata: a fresh command id (the causation id of
//! the events), the caller's correlation id and W3C trace context — the request span's when
//! spans are exported, so what the events cause joins the request's trace; else the request's
//! `traceparent` (generated when absent) — and the user the access token names.

use std::collections::HashMap;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use prism_platform::auth::Caller;
use prism_platform::envelope::{metadata_keys, EventEnvelope};
use prism_platform::problem::Problem;
pub use prism_platform::request_span::CORRELATION_HEADER;
pub use prism_platform::telemetry::traces::new_traceparent;
use prism_platform::telemetry::traces::{self, TRACEPARENT};
use uuid::Uuid;

/// Identity of one command and the request it came from.
#[derive(Debug, Clone)]
pub struct RequestContext {
    /// Unique id of this command; stored as the events' causation id.
    pub command_id: Uuid,
    /// Correlation id from `X-Correlation-ID`, or the command id.
    pub correlation_id: String,
    /// W3C `traceparent` from the request, or a new one.
    pub traceparent: String,
    /// The user acting (from the access token); `None` for the operator.
    pub user_id: Option<String>,
}

impl RequestContext {
    /// The metadata stored with each event the command produces.
    #[must_use]
    pub fn metadata(&self) -> HashMap<String, String> {
        let mut metadata = HashMap::from([
            (metadata_keys::CAUSATION_ID.to_owned(), self.command_id.to_string()),
            (metadata_keys::CORRELATION_ID.to_owned(), self.correlation_id.clone()),
            (metadata_keys::TRACEPARENT.to_owned(), self.traceparent.clone()),
        ]);
        if let Some(user_id) = &self.user_id {
            metadata.insert(metadata_keys::USER_ID.to_owned(), user_id.clone());
        }
        metadata
    }
}

impl RequestContext {
    /// The context of a command a process manager issues in reaction to `event`: the event is
    /// its cause (and its command id), its correlation, trace and user carry on.
    #[must_use]
    pub fn reacting_to(event: &EventEnvelope) -> Self {
        Self {
            command_id: event.event_id,
            correlation_id: event.correlation_id.clone().unwrap_or_else(|| event.event_id.to_string()),
            traceparent: event.traceparent.clone().unwrap_or_else(new_traceparent),
            user_id: event.user_id.clone(),
        }
    }
}

fn header(parts: &Parts, name: &str) -> Option<String> {
    parts.headers.get(name).and_then(|v| v.to_str().ok()).map(str::to_owned)
}

impl<S: Send + Sync> FromRequestParts<S> for RequestContext {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let command_id = Uuid::now_v7();
        Ok(Self {
            command_id,
            correlation_id: header(parts, CORRELATION_HEADER).unwrap_or_else(|| command_id.to_string()),
            traceparent: traces::traceparent_of(&tracing::Span::current())
                .or_else(|| header(parts, TRACEPARENT))
                .unwrap_or_else(new_traceparent),
            user_id: match parts.extensions.get::<Caller>() {
                Some(Caller::User(identity)) => Some(identity.user_id.clone()),
                _ => None,
            },
        })
    }
}
