//! The archive `export` writes and `import` reads: JSON Lines, one stored event per line, in
//! chain order, with every column it takes to restore the event bit for bit. Payload and
//! metadata are JSON strings holding the exact text the event store keeps (`json`, not
//! `jsonb`): the chain hash covers that text byte for byte, and JSON parsed and written again
//! could order keys or spacing differently. `jq '.payload | fromjson'` shows a payload.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// One line of an archive: a stored event with its place in the tenant's order and chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, sqlx::FromRow)]
#[serde(deny_unknown_fields)]
pub struct ArchivedEvent {
    /// Position in the tenant's total order of events.
    pub global_position: i64,
    /// Number in the tenant's hash chain (1-based, gap-free).
    pub chain_seq: i64,
    /// The event's id.
    pub event_id: Uuid,
    /// Type of the aggregate, e.g. `finance.invoice`.
    pub aggregate_type: String,
    /// Id of the aggregate.
    pub aggregate_id: String,
    /// The aggregate's version after this event (1-based).
    pub sequence: i64,
    /// Event type, e.g. `InvoiceIssued`.
    pub event_type: String,
    /// Version of the event type's schema.
    pub event_version: String,
    /// The stored payload's JSON text, exactly.
    pub payload: String,
    /// The stored metadata's JSON text, exactly.
    pub metadata: String,
    /// When it was recorded (to the microsecond, as stored).
    pub recorded_at: DateTime<Utc>,
    /// SHA-256 of the previous event's hash and this event's canonical bytes, in hex.
    pub chain_hash: String,
}

/// The columns of a tenant's `events` table read as an [`ArchivedEvent`].
pub const COLUMNS: &str = "global_position, chain_seq, event_id, aggregate_type, aggregate_id, sequence, event_type, \
                           event_version, payload::text AS payload, metadata::text AS metadata, recorded_at, \
                           encode(chain_hash, 'hex') AS chain_hash";

/// An event of entry `e-1` at position 10 with `chain_seq` and `chain_hash`, for tests.
#[cfg(test)]
pub(crate) fn example(chain_seq: i64, chain_hash: &str) -> ArchivedEvent {
    ArchivedEvent {
        global_position: 10,
        chain_seq,
        event_id: Uuid::nil(),
        aggregate_type: "finance.journal_entry".to_owned(),
        aggregate_id: "e-1".to_owned(),
        sequence: 1,
        event_type: "JournalEntryPosted".to_owned(),
        event_version: "1".to_owned(),
        payload: r#"{"JournalEntryPosted":{"b":1, "a":2}}"#.to_owned(),
        metadata: "{}".to_owned(),
        recorded_at: DateTime::parse_from_rfc3339("2026-11-25T12:00:00.123456Z")
            .expect("an RFC 3339 time")
            .with_timezone(&Utc),
        chain_hash: chain_hash.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_line_keeps_the_stored_json_text_and_the_time_to_the_microsecond() {
        let event = example(6, &"ab".repeat(32));
        let line = serde_json::to_string(&event).unwrap();
        assert!(!line.contains('\n'), "{line}");
        assert!(line.contains(r#""payload":"{\"JournalEntryPosted\":{\"b\":1, \"a\":2}}""#), "{line}");
        assert!(line.contains(r#""recorded_at":"2026-11-25T12:00:00.123456Z""#), "{line}");
        assert_eq!(serde_json::from_str::<ArchivedEvent>(&line).unwrap(), event);
    }

    #[test]
    fn a_line_with_an_unknown_field_is_refused() {
        let error = serde_json::from_str::<ArchivedEvent>(r#"{"tenant":"x"}"#).unwrap_err();
        assert!(error.to_string().contains("unknown field `tenant`"), "{error}");
    }
}
