//! What every process manager shares: a [`Reaction`] to one decoded event, run by the
//! projector runtime through [`Saga`] (no checkpoint of its own: the consumer group's offsets,
//! committed after the reaction, say where to resume; a redelivered event is reacted to again),
//! and the way each reaction's commands are issued.
//!
//! A reaction is a sequence of idempotent commands — each repeated command records nothing —
//! so a reaction that failed half-way, or whose process was killed, is simply redone whole on
//! redelivery and leaves stock and ledger as if it had run once. Commands are issued with
//! [`RequestContext::reacting_to`] the event. A lost optimistic-lock race is retried at once
//! (stock movements of one item race with the command API's); a refusal the aggregate marks
//! `Unavailable`, or a failure of the store, is [`Transient`] (retried until it passes); any
//! other refusal is permanent and dead-letters the event.

use cqrs_es::{Aggregate, AggregateError};
use prism_aggregates::quantity::Quantity;
use prism_aggregates::refusal::{Refusal, RefusalKind};
use prism_aggregates::tenant::TenantId;
use prism_command_api::event_store::TenantEventStores;
use prism_command_api::request_context::RequestContext;
use prism_platform::envelope::EventEnvelope;
use prism_projections::decode::ProjectedEvent;
use prism_projections::projection::{Projection, ProjectionError, SourcePosition};
use prism_projections::transient::Transient;
use uuid::Uuid;

/// How many times a command is tried while other commands win the race for its aggregate.
const CONFLICT_ATTEMPTS: u32 = 32;

/// A process manager's reaction to the events of some aggregate types.
#[async_trait::async_trait]
pub trait Reaction: Send + Sync {
    /// Aggregate types whose topics it follows.
    const AGGREGATE_TYPES: &'static [&'static str];

    /// Reacts to one event (ignoring those it has no reaction to).
    ///
    /// # Errors
    /// [`Transient`] when retrying may succeed, anything else to dead-letter the event.
    async fn react(&self, event: &ProjectedEvent) -> Result<(), ProjectionError>;
}

/// A [`Reaction`] as the projector runtime runs it.
pub struct Saga<R>(pub R);

#[async_trait::async_trait]
impl<R: Reaction> Projection for Saga<R> {
    fn aggregate_types(&self) -> &'static [&'static str] {
        R::AGGREGATE_TYPES
    }

    async fn resume_offsets(
        &self,
        _topic: &str,
    ) -> Result<Option<std::collections::HashMap<i32, i64>>, ProjectionError> {
        Ok(None)
    }

    async fn apply_batch(&self, events: &[ProjectedEvent]) -> Result<(), ProjectionError> {
        for event in events {
            self.0.react(event).await?;
        }
        Ok(())
    }

    async fn skip(&self, _source: &SourcePosition) -> Result<(), ProjectionError> {
        Ok(())
    }
}

/// The tenant an event belongs to.
///
/// # Errors
/// When the envelope names no valid tenant (dead-lettered).
pub fn tenant_of(envelope: &EventEnvelope) -> Result<TenantId, ProjectionError> {
    Ok(TenantId::parse(&envelope.tenant)?)
}

/// A quantity of `milli` (zero or positive) thousandths, as command text (`2500` → `"2.5"`,
/// `0` → `"0"`).
#[must_use]
pub fn quantity(milli: i64) -> Quantity {
    let (units, thousandths) = (milli / 1_000, milli % 1_000);
    if thousandths == 0 {
        Quantity::new(units.to_string())
    } else {
        Quantity::new(format!("{units}.{thousandths:03}").trim_end_matches('0'))
    }
}

/// The id of the stock movement of line `line_no` of document `document_id` (a shipment,
/// a receipt) of order `order_id`: UUID v5 in the OID namespace of
/// `"<order_id>/<document_id>/<line_no>"`. Document ids are the client's and unique only within
/// their order, while a movement id must be unique per item, so the order is part of it.
#[must_use]
pub fn line_movement_id(order_id: &str, document_id: &str, line_no: i32) -> String {
    Uuid::new_v5(&Uuid::NAMESPACE_OID, format!("{order_id}/{document_id}/{line_no}").as_bytes()).to_string()
}

/// Aggregate `id` of `tenant` as it stands.
///
/// # Errors
/// [`Transient`] when the event store cannot be read.
pub async fn load<A: Aggregate + 'static>(
    stores: &TenantEventStores<A>,
    tenant: &TenantId,
    id: &str,
) -> Result<A, ProjectionError> {
    stores.load(tenant, id).await.map_err(|e| Box::new(Transient(e.to_string())) as ProjectionError)
}

/// Issues `command` to aggregate `id`: `Ok(Ok(()))` when accepted (whether or not it recorded
/// anything), `Ok(Err(refusal))` when refused for good, so the caller can decide what the
/// refusal means.
///
/// # Errors
/// [`Transient`] when the store failed, the aggregate reported its reference data unavailable,
/// or every attempt lost the race for the aggregate.
pub async fn try_execute<A>(
    stores: &TenantEventStores<A>,
    tenant: &TenantId,
    id: &str,
    command: &A::Command,
    context: &RequestContext,
) -> Result<Result<(), A::Error>, ProjectionError>
where
    A: Aggregate + 'static,
    A::Command: Clone,
    A::Error: Refusal,
{
    let mut attempt = 1;
    loop {
        match stores.execute(tenant, id, command.clone(), context).await {
            Ok(_) => return Ok(Ok(())),
            Err(AggregateError::AggregateConflict) if attempt < CONFLICT_ATTEMPTS => attempt += 1,
            Err(AggregateError::UserError(refusal)) if refusal.kind() != RefusalKind::Unavailable => {
                return Ok(Err(refusal))
            }
            Err(AggregateError::UserError(refusal)) => return Err(Box::new(Transient(refusal.to_string()))),
            Err(other) => return Err(Box::new(Transient(format!("{} {id}: {other}", A::TYPE)))),
        }
    }
}

/// [`try_execute`], with a refusal for which `done` holds (the command's effect is there
/// already) counting as accepted and any other one dead-lettering the event.
///
/// # Errors
/// As [`try_execute`]; a permanent error naming the aggregate for any other refusal.
pub async fn execute<A>(
    stores: &TenantEventStores<A>,
    tenant: &TenantId,
    id: &str,
    command: &A::Command,
    context: &RequestContext,
    done: impl Fn(&A::Error) -> bool,
) -> Result<(), ProjectionError>
where
    A: Aggregate + 'static,
    A::Command: Clone,
    A::Error: Refusal,
{
    match try_execute(stores, tenant, id, command, context).await? {
        Ok(()) => Ok(()),
        Err(refusal) if done(&refusal) => Ok(()),
        Err(refusal) => Err(refused::<A>(id, &refusal)),
    }
}

/// The permanent error of aggregate `id` refusing a command.
pub fn refused<A>(id: &str, refusal: &A::Error) -> ProjectionError
where
    A: Aggregate,
    A::Error: Refusal,
{
    format!("{} {id} refused ({}): {refusal}", A::TYPE, refusal.code()).into()
}

/// Cost of one unit of goods moved: `value × 1000 / quantity` (both of one sign, as issues
/// record them negative or as a receipt is valued positive), rounded half away from zero;
/// `None` when nothing moved.
#[must_use]
pub fn average_unit_cost(issued_milli: i64, issued_value_minor: i64) -> Option<i64> {
    if issued_milli == 0 {
        return None;
    }
    let (numerator, denominator) = (i128::from(issued_value_minor) * 1_000, i128::from(issued_milli));
    let (quotient, remainder) = (numerator / denominator, numerator % denominator);
    let rounded = if remainder.unsigned_abs() * 2 >= denominator.unsigned_abs() {
        quotient + if (numerator < 0) == (denominator < 0) { 1 } else { -1 }
    } else {
        quotient
    };
    i64::try_from(rounded).ok().filter(|cost| *cost >= 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantities_are_written_as_the_shortest_decimal_of_their_thousandths() {
        for (milli, text) in [(2_500, "2.5"), (2_050, "2.05"), (3_000, "3"), (1, "0.001"), (1_000_000, "1000")] {
            assert_eq!(quantity(milli).as_str(), text);
            assert_eq!(quantity(milli).milli(), Ok(milli));
        }
        assert_eq!(quantity(0).as_str(), "0", "a back-ordered line reserves nothing");
    }

    #[test]
    fn the_average_issued_unit_cost_is_the_issued_value_per_unit_rounded_half_away_from_zero() {
        assert_eq!(average_unit_cost(-12_000, -1_260), Some(105), "10 at 100 and 2 at 130");
        assert_eq!(average_unit_cost(-2_500, -250), Some(100), "fractional quantities");
        assert_eq!(average_unit_cost(-3_000, -100), Some(33), "33.33 rounds down");
        assert_eq!(average_unit_cost(-3_000, -101), Some(34), "33.67 rounds up");
        assert_eq!(average_unit_cost(-2_000, -101), Some(51), "50.5 rounds away from zero");
        assert_eq!(average_unit_cost(-1_000, 0), Some(0), "issued at no cost");
        assert_eq!(average_unit_cost(0, 0), None, "never issued");
    }
}
