//! From a Kafka record to a typed event: envelope from the headers, body from Confluent Avro
//! via the registry, then the domain event type the aggregate defined.

use prism_aggregates::finance::journal_entry::JournalEntryEvent;
use prism_platform::avro::AvroCodec;
use prism_platform::envelope::EventEnvelope;
use rdkafka::message::{BorrowedMessage, Message};

/// A decoded event with where it came from.
#[derive(Debug, Clone)]
pub struct ProjectedEvent {
    /// The envelope (ids, tenant, sequence, position).
    pub envelope: EventEnvelope,
    /// The domain event.
    pub event: JournalEntryEvent,
    /// Source topic.
    pub topic: String,
    /// Source partition.
    pub partition: i32,
    /// Source offset.
    pub offset: i64,
}

/// Why a record could not be decoded; such records go to the dead-letter topic.
#[derive(Debug, thiserror::Error)]
pub enum DecodeError {
    /// The headers are incomplete.
    #[error("envelope: {0}")]
    Envelope(#[from] prism_platform::envelope::EnvelopeError),
    /// The record has no value.
    #[error("record has no value")]
    Empty,
    /// The value is not Confluent Avro known to the registry.
    #[error("avro: {0}")]
    Avro(#[from] prism_platform::avro::AvroError),
    /// The body does not fit the event type.
    #[error("event body: {0}")]
    Body(#[from] serde_json::Error),
}

/// Decodes one record.
///
/// # Errors
/// When headers, Avro or body are not what the contract promises.
pub async fn decode(codec: &AvroCodec, message: &BorrowedMessage<'_>) -> Result<ProjectedEvent, DecodeError> {
    let headers = message.headers().ok_or(prism_platform::envelope::EnvelopeError::Missing("prism-event-id"))?;
    let envelope = EventEnvelope::from_headers(headers)?;
    let payload = message.payload().ok_or(DecodeError::Empty)?;
    let (_, body) = codec.decode(payload).await?;
    let tagged = serde_json::json!({ envelope.event_type.clone(): body });
    let event = serde_json::from_value(tagged)?;
    Ok(ProjectedEvent {
        envelope,
        event,
        topic: message.topic().to_owned(),
        partition: message.partition(),
        offset: message.offset(),
    })
}
