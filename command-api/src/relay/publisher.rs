//! Turning outbox rows into Kafka records: topic from the contract, key = aggregate id,
//! value = Confluent Avro, envelope headers; produced in order, acknowledged in order.

use prism_platform::avro::AvroCodec;
use prism_platform::contract::{topic_name, Catalogue};
use prism_platform::envelope::{metadata_keys, EventEnvelope};
use prism_platform::kafka;
use rdkafka::producer::{DeliveryFuture, FutureProducer, FutureRecord};

use super::{BoxError, OutboxRow};
use crate::config::RelayConfig;

/// Publishes outbox rows.
pub struct Publisher {
    producer: FutureProducer,
    codec: AvroCodec,
    catalogue: Catalogue,
    topic_prefix: String,
}

impl Publisher {
    pub(super) fn new(config: &RelayConfig, catalogue: Catalogue) -> Result<Self, BoxError> {
        Ok(Self {
            producer: kafka::idempotent_producer(&config.kafka)?,
            codec: AvroCodec::new(&config.registry.url),
            catalogue,
            topic_prefix: config.kafka.topic_prefix.clone(),
        })
    }

    /// Hands `rows` to the producer in order, without waiting for the broker. Stops at the
    /// first row that cannot be handed over; the rows before it are in flight.
    pub(super) async fn send_all(&self, rows: &[OutboxRow]) -> InFlight {
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
    async fn send(&self, row: &OutboxRow) -> Result<DeliveryFuture, BoxError> {
        let (contract, schema) = self
            .catalogue
            .get(&row.event_type)
            .ok_or_else(|| format!("event type {} has no contract", row.event_type))?;
        let topic = topic_name(&self.topic_prefix, contract.topic_suffix);
        let body = row.payload.get(&row.event_type).unwrap_or(&row.payload);
        let value = self.codec.encode(&topic, contract, schema, body).await?;
        let headers = envelope_of(row).to_headers();
        let record = FutureRecord::to(&topic).key(&row.aggregate_id).payload(&value).headers(headers);
        let delivery = self.producer.send_result(record).map_err(|(error, _)| Box::new(error) as BoxError)?;
        tracing::debug!(event_id = %row.event_id, topic, "event handed to Kafka");
        Ok(delivery)
    }
}

/// Rows handed to the producer, in outbox order, with their pending acknowledgements.
pub(super) struct InFlight {
    deliveries: Vec<(i64, DeliveryFuture)>,
    failure: Option<BoxError>,
}

impl InFlight {
    /// Outbox ids of the rows in flight.
    pub(super) fn outbox_ids(&self) -> Vec<i64> {
        self.deliveries.iter().map(|(outbox_id, _)| *outbox_id).collect()
    }

    /// Whether every row of the batch was handed over.
    pub(super) fn complete(&self) -> bool {
        self.failure.is_none()
    }

    /// Waits for every delivery. Returns the outbox ids Kafka acknowledged — a prefix of the
    /// batch, ending before the first failure (none at all when a row could not be handed
    /// over) — and that failure, if any.
    pub(super) async fn settle(self) -> (Vec<i64>, Option<BoxError>) {
        let mut failure = self.failure;
        let mut acknowledged = Vec::with_capacity(self.deliveries.len());
        for (outbox_id, delivery) in self.deliveries {
            match delivery.await {
                Ok(Ok(_)) if failure.is_none() => acknowledged.push(outbox_id),
                Ok(Ok(_)) => {}
                Ok(Err((error, _))) => failure = failure.or(Some(Box::new(error))),
                Err(canceled) => failure = failure.or(Some(Box::new(canceled))),
            }
        }
        (acknowledged, failure)
    }
}

fn envelope_of(row: &OutboxRow) -> EventEnvelope {
    let meta = |key: &str| row.metadata.get(key).and_then(|v| v.as_str()).map(str::to_owned);
    EventEnvelope {
        event_id: row.event_id,
        event_type: row.event_type.clone(),
        event_version: row.event_version.clone(),
        aggregate_type: row.aggregate_type.clone(),
        aggregate_id: row.aggregate_id.clone(),
        sequence: row.sequence,
        tenant: row.tenant.clone(),
        global_position: row.global_position,
        occurred_at: row.recorded_at,
        correlation_id: meta(metadata_keys::CORRELATION_ID),
        causation_id: meta(metadata_keys::CAUSATION_ID),
        traceparent: meta(metadata_keys::TRACEPARENT),
        user_id: meta(metadata_keys::USER_ID),
    }
}
