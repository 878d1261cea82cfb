//! The event envelope: everything about an event except its body, carried as Kafka headers
//! (`prism-event-id`, `prism-sequence`, `traceparent`, …) so that subscribers can route,
//! dedupe and trace without decoding the Avro value.

use chrono::{DateTime, Utc};
use rdkafka::message::{BorrowedHeaders, Header, Headers, OwnedHeaders};
use uuid::Uuid;

/// Metadata keys stored with each event by the command API.
pub mod metadata_keys {
    /// Correlation id of the request that caused the event.
    pub const CORRELATION_ID: &str = "correlation_id";
    /// Id of the message that directly caused the event (the command id).
    pub const CAUSATION_ID: &str = "causation_id";
    /// W3C trace context of the request.
    pub const TRACEPARENT: &str = "traceparent";
    /// Id of the user whose request caused the event (a saga's commands keep it).
    pub const USER_ID: &str = "user_id";
}

/// Header names, part of the public topic contract.
pub mod header_names {
    /// Unique event id (UUID).
    pub const EVENT_ID: &str = "prism-event-id";
    /// Event type, e.g. `JournalEntryPosted`.
    pub const EVENT_TYPE: &str = "prism-event-type";
    /// Event schema version.
    pub const EVENT_VERSION: &str = "prism-event-version";
    /// Aggregate id, also the message key.
    pub const AGGREGATE_ID: &str = "prism-aggregate-id";
    /// Aggregate type, e.g. `JournalEntry`.
    pub const AGGREGATE_TYPE: &str = "prism-aggregate-type";
    /// Sequence of the event within its aggregate, from 1.
    pub const SEQUENCE: &str = "prism-sequence";
    /// Tenant slug.
    pub const TENANT: &str = "prism-tenant";
    /// Position of the event in its tenant's event store.
    pub const GLOBAL_POSITION: &str = "prism-global-position";
    /// When the event was recorded, RFC 3339.
    pub const OCCURRED_AT: &str = "prism-occurred-at";
    /// Correlation id.
    pub const CORRELATION_ID: &str = "prism-correlation-id";
    /// Causation id.
    pub const CAUSATION_ID: &str = "prism-causation-id";
    /// W3C trace context.
    pub const TRACEPARENT: &str = "traceparent";
    /// Id of the user whose request caused the event.
    pub const USER_ID: &str = "prism-user-id";
}

/// What an envelope lacked or had wrong.
#[derive(Debug, thiserror::Error)]
pub enum EnvelopeError {
    /// A required header is absent.
    #[error("header {0} is missing")]
    Missing(&'static str),
    /// A header could not be parsed.
    #[error("header {0} is malformed")]
    Malformed(&'static str),
}

/// The headers of a record that can be read, in order, each as its name and value.
///
/// The Kafka protocol lets a producer write any bytes as a header name, and rdkafka panics
/// reading a name that is not UTF-8 (it unwraps the conversion), which would stop a consumer at
/// that record for good. Each header is therefore read on its own with such a panic contained,
/// and a header whose name cannot be read is left out: what remains is still read, and a record
/// lacking what it needs is refused like any other malformed one.
#[must_use]
pub fn readable_headers(headers: &BorrowedHeaders) -> Vec<Header<'_, &[u8]>> {
    (0..headers.count())
        .filter_map(|index| {
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| headers.try_get(index))).ok().flatten()
        })
        .collect()
}

/// Everything about one event but its body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventEnvelope {
    /// Unique event id.
    pub event_id: Uuid,
    /// Event type.
    pub event_type: String,
    /// Event schema version.
    pub event_version: String,
    /// Aggregate type.
    pub aggregate_type: String,
    /// Aggregate id.
    pub aggregate_id: String,
    /// Sequence within the aggregate, from 1.
    pub sequence: i64,
    /// Tenant slug.
    pub tenant: String,
    /// Position in the tenant's event store.
    pub global_position: i64,
    /// When the event was recorded.
    pub occurred_at: DateTime<Utc>,
    /// Correlation id, if the request had one.
    pub correlation_id: Option<String>,
    /// Causation id, if known.
    pub causation_id: Option<String>,
    /// W3C trace context, if the request had one.
    pub traceparent: Option<String>,
    /// Id of the user whose request caused the event, if a user's.
    pub user_id: Option<String>,
}

impl EventEnvelope {
    /// The envelope as Kafka headers.
    #[must_use]
    pub fn to_headers(&self) -> OwnedHeaders {
        use header_names as h;
        let required = [
            (h::EVENT_ID, self.event_id.to_string()),
            (h::EVENT_TYPE, self.event_type.clone()),
            (h::EVENT_VERSION, self.event_version.clone()),
            (h::AGGREGATE_TYPE, self.aggregate_type.clone()),
            (h::AGGREGATE_ID, self.aggregate_id.clone()),
            (h::SEQUENCE, self.sequence.to_string()),
            (h::TENANT, self.tenant.clone()),
            (h::GLOBAL_POSITION, self.global_position.to_string()),
            (h::OCCURRED_AT, self.occurred_at.to_rfc3339()),
        ];
        let optional = [
            (h::CORRELATION_ID, &self.correlation_id),
            (h::CAUSATION_ID, &self.causation_id),
            (h::TRACEPARENT, &self.traceparent),
            (h::USER_ID, &self.user_id),
        ];
        let mut headers = OwnedHeaders::new_with_capacity(required.len() + optional.len());
        for (key, value) in &required {
            headers = headers.insert(Header { key, value: Some(value.as_bytes()) });
        }
        for (key, value) in optional {
            if let Some(value) = value {
                headers = headers.insert(Header { key, value: Some(value.as_bytes()) });
            }
        }
        headers
    }

    /// Reads an envelope back from Kafka headers.
    ///
    /// # Errors
    /// When a required header is missing or malformed.
    pub fn from_headers(headers: &BorrowedHeaders) -> Result<Self, EnvelopeError> {
        use header_names as h;
        // One pass over the headers: each header read crosses into librdkafka.
        let present: Vec<(&str, &[u8])> =
            readable_headers(headers).into_iter().filter_map(|header| Some((header.key, header.value?))).collect();
        let text = |name: &'static str| -> Option<String> {
            present
                .iter()
                .find(|(key, _)| *key == name)
                .and_then(|(_, value)| std::str::from_utf8(value).ok())
                .map(str::to_owned)
        };
        let required = |name: &'static str| text(name).ok_or(EnvelopeError::Missing(name));
        let parsed = |name: &'static str| -> Result<i64, EnvelopeError> {
            required(name)?.parse().map_err(|_| EnvelopeError::Malformed(name))
        };
        Ok(Self {
            event_id: required(h::EVENT_ID)?.parse().map_err(|_| EnvelopeError::Malformed(h::EVENT_ID))?,
            event_type: required(h::EVENT_TYPE)?,
            event_version: required(h::EVENT_VERSION)?,
            aggregate_type: required(h::AGGREGATE_TYPE)?,
            aggregate_id: required(h::AGGREGATE_ID)?,
            sequence: parsed(h::SEQUENCE)?,
            tenant: required(h::TENANT)?,
            global_position: parsed(h::GLOBAL_POSITION)?,
            occurred_at: DateTime::parse_from_rfc3339(&required(h::OCCURRED_AT)?)
                .map_err(|_| EnvelopeError::Malformed(h::OCCURRED_AT))?
                .with_timezone(&Utc),
            correlation_id: text(h::CORRELATION_ID),
            causation_id: text(h::CAUSATION_ID),
            traceparent: text(h::TRACEPARENT),
            user_id: text(h::USER_ID),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rdkafka::message::{Message, OwnedMessage, Timestamp};

    #[test]
    fn an_envelope_survives_the_round_trip_through_kafka_headers() {
        let envelope = EventEnvelope {
            event_id: Uuid::new_v4(),
            event_type: "JournalEntryPosted".to_owned(),
            event_version: "1".to_owned(),
            aggregate_type: "finance.journal_entry".to_owned(),
            aggregate_id: Uuid::new_v4().to_string(),
            sequence: 2,
            tenant: "acme".to_owned(),
            global_position: 41,
            occurred_at: DateTime::parse_from_rfc3339("2026-11-25T10:00:00.123456Z").unwrap().with_timezone(&Utc),
            correlation_id: Some("req-1".to_owned()),
            causation_id: None,
            traceparent: Some("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01".to_owned()),
            user_id: Some("0193a7c4-0000-7000-8000-000000000001".to_owned()),
        };
        let message =
            OwnedMessage::new(None, None, "t".to_owned(), Timestamp::NotAvailable, 0, 0, Some(envelope.to_headers()));
        let headers = message.headers().unwrap();
        assert!(headers.iter().all(|h| h.key != header_names::CAUSATION_ID), "absent optional headers are not sent");
        assert_eq!(EventEnvelope::from_headers(headers.as_borrowed()).unwrap(), envelope);
    }
}
