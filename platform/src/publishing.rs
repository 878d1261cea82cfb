//! Publishing stored events to Kafka: topic from the contract, key = aggregate id,
//! value = Confluent Avro of the payload in its event's current version (upcast when stored
//! at an older one), envelope headers; produced in order, acknowledged in order. The
//! relay publishes the outbox with it, and `prism-audit republish` stored events again.

use chrono::{DateTime, Utc};
use prism_aggregates::upcasting;
use rdkafka::producer::{DeliveryFuture, FutureProducer, FutureRecord};
use tracing::Instrument;
use uuid::Uuid;

use crate::avro::AvroCodec;
use crate::config::{KafkaArgs, RegistryArgs};
use crate::contract::{topic_name, Catalogue, EventContract};
use crate::envelope::{metadata_keys, EventEnvelope};
use crate::kafka;
use crate::telemetry::traces;

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// One stored event waiting to be published.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct OutboxRow {
    /// Position in the outbox (publication order); the global position for an event read
    /// back from the event store to be published again, which has no outbox row.
    pub outbox_id: i64,
    /// Tenant slug.
    pub tenant: String,
    /// Event id.
    pub event_id: Uuid,
    /// Tenant-wide global position.
    pub global_position: i64,
    /// Aggregate type.
    pub aggregate_type: String,
    /// Aggregate id (the message key).
    pub aggregate_id: String,
    /// Sequence within the aggregate.
    pub sequence: i64,
    /// Event type.
    pub event_type: String,
    /// Event version.
    pub event_version: String,
    /// Event body as cqrs-es stored it (`{"<EventType>": {...}}`).
    pub payload: serde_json::Value,
    /// Event metadata (correlation, causation, trace).
    pub metadata: serde_json::Value,
    /// When the event was recorded.
    pub recorded_at: DateTime<Utc>,
}

/// Publishes outbox rows.
pub struct Publisher {
    producer: FutureProducer,
    codec: AvroCodec,
    catalogue: Catalogue,
    topic_prefix: String,
}

impl Publisher {
    /// A publisher to the Kafka of `kafka`, encoding with the registry of `registry`.
    ///
    /// # Errors
    /// When the producer cannot be created.
    pub fn new(kafka: &KafkaArgs, registry: &RegistryArgs, catalogue: Catalogue) -> Result<Self, BoxError> {
        Ok(Self {
            producer: kafka::idempotent_producer(kafka)?,
            codec: AvroCodec::new(&registry.url),
            catalogue,
            topic_prefix: kafka.topic_prefix.clone(),
        })
    }

    /// The topic events of `event_type` are published to.
    ///
    /// # Errors
    /// When the event type has no contract.
    pub fn topic_of(&self, event_type: &str) -> Result<String, BoxError> {
        let (contract, _) = self.catalogue.get(event_type).ok_or_else(|| no_contract(event_type))?;
        Ok(self.topic(contract))
    }

    /// The topic of the events of `contract`.
    fn topic(&self, contract: &EventContract) -> String {
        topic_name(&self.topic_prefix, contract.topic_suffix)
    }

    /// Hands `rows` to the producer in order, without waiting for the broker. Stops at the
    /// first row that cannot be handed over; the rows before it are in flight.
    pub async fn send_all(&self, rows: &[OutboxRow]) -> InFlight {
        let mut deliveries = Vec::with_capacity(rows.len());
        let mut failure = None;
        for row in rows {
            match self.send(row).await {
                Ok(delivery) => deliveries.push((row.outbox_id, delivery)),
                Err(error) => {
                    failure = Some(error);
                    break;
                }
            }
        }
        InFlight { deliveries, failure }
    }

    /// Hands `row` over, inside its `relay.publish` span when spans are exported.
    async fn send(&self, row: &OutboxRow) -> Result<DeliveryFuture, BoxError> {
        let stored_traceparent = row.metadata.get(metadata_keys::TRACEPARENT).and_then(|v| v.as_str());
        let span = traces::child_of(stored_traceparent, || {
            tracing::info_span!(
                "relay.publish",
                event_type = %row.event_type,
                tenant = %row.tenant,
                global_position = row.global_position,
            )
        });
        self.send_in(row, traces::traceparent_of(&span)).instrument(span).await
    }

    /// Hands `row` over; the `traceparent` header is `traceparent` when given (the relay's
    /// span), else the stored one.
    async fn send_in(&self, row: &OutboxRow, traceparent: Option<String>) -> Result<DeliveryFuture, BoxError> {
        let (contract, schema) = self.catalogue.get(&row.event_type).ok_or_else(|| no_contract(&row.event_type))?;
        let topic = self.topic(contract);
        let stored = row.payload.get(&row.event_type).unwrap_or(&row.payload);
        // A payload stored at an older version of its event is published in the current shape.
        let upcast = upcasting::needs_upcast(&row.event_type, &row.event_version)
            .then(|| upcasting::upcast(&row.event_type, &row.event_version, stored.clone()))
            .transpose()?;
        let mut envelope = row.envelope();
        if traceparent.is_some() {
            envelope.traceparent = traceparent;
        }
        let body = match upcast {
            Some((body, version)) => {
                envelope.event_version = version;
                std::borrow::Cow::Owned(body)
            }
            None => std::borrow::Cow::Borrowed(stored),
        };
        let value = self.codec.encode(&topic, contract, schema, &body).await?;
        let headers = envelope.to_headers();
        let record = FutureRecord::to(&topic).key(&row.aggregate_id).payload(&value).headers(headers);
        let delivery = self.producer.send_result(record).map_err(|(error, _)| Box::new(error) as BoxError)?;
        tracing::debug!(event_id = %row.event_id, topic, "event handed to Kafka");
        Ok(delivery)
    }
}

/// Rows handed to the producer, in outbox order, with their pending acknowledgements.
pub struct InFlight {
    deliveries: Vec<(i64, DeliveryFuture)>,
    failure: Option<BoxError>,
}

impl InFlight {
    /// Outbox ids of the rows in flight.
    pub fn outbox_ids(&self) -> Vec<i64> {
        self.deliveries.iter().map(|(outbox_id, _)| *outbox_id).collect()
    }

    /// Whether every row of the batch was handed over.
    pub fn complete(&self) -> bool {
        self.failure.is_none()
    }

    /// Waits for every delivery. Returns the outbox ids Kafka acknowledged — a prefix of the
    /// batch, ending before the first failed delivery — and the first failure, if any: a failed
    /// delivery, else the row that could not be handed over. The rows handed over before such
    /// a row are on the topic once acknowledged, so they count (retrying them would publish
    /// them again, on every retry for as long as the row cannot be handed over).
    pub async fn settle(self) -> (Vec<i64>, Option<BoxError>) {
        let mut delivery_failure: Option<BoxError> = None;
        let mut acknowledged = Vec::with_capacity(self.deliveries.len());
        for (outbox_id, delivery) in self.deliveries {
            match delivery.await {
                Ok(Ok(_)) if delivery_failure.is_none() => acknowledged.push(outbox_id),
                Ok(Ok(_)) => {}
                Ok(Err((error, _))) => delivery_failure = delivery_failure.or(Some(Box::new(error))),
                Err(canceled) => delivery_failure = delivery_failure.or(Some(Box::new(canceled))),
            }
        }
        (acknowledged, delivery_failure.or(self.failure))
    }
}

/// Why an event of `event_type` cannot be published.
fn no_contract(event_type: &str) -> BoxError {
    format!("event type {event_type} has no contract").into()
}

impl OutboxRow {
    /// The envelope the event travels with: its ids, place and metadata, as Kafka headers
    /// carry them.
    #[must_use]
    pub fn envelope(&self) -> EventEnvelope {
        let meta = |key: &str| self.metadata.get(key).and_then(|v| v.as_str()).map(str::to_owned);
        EventEnvelope {
            event_id: self.event_id,
            event_type: self.event_type.clone(),
            event_version: self.event_version.clone(),
            aggregate_type: self.aggregate_type.clone(),
            aggregate_id: self.aggregate_id.clone(),
            sequence: self.sequence,
            tenant: self.tenant.clone(),
            global_position: self.global_position,
            occurred_at: self.recorded_at,
            correlation_id: meta(metadata_keys::CORRELATION_ID),
            causation_id: meta(metadata_keys::CAUSATION_ID),
            traceparent: meta(metadata_keys::TRACEPARENT),
            user_id: meta(metadata_keys::USER_ID),
        }
    }
}
