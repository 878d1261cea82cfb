//! The payment-allocation process manager: for every `PaymentProcessed`, apply each allocation
//! to its invoice. The command API applies them itself right after recording the payment; this
//! is the guarantee that they are applied even when the command API stopped in between. An
//! allocation applied before changes nothing, and the counterparty's lock keeps this from
//! racing the command API's own payments and voids.

use std::sync::Arc;

use prism_aggregates::finance::invoice::Invoice;
use prism_aggregates::finance::payment::{Payment, PaymentEvent, PaymentProcessed};
use prism_command_api::counterparty_lock::CounterpartyLocks;
use prism_command_api::payments::apply_command;
use prism_command_api::request_context::RequestContext;
use prism_platform::envelope::EventEnvelope;
use prism_projections::decode::{DomainEvent, ProjectedEvent};
use prism_projections::projection::ProjectionError;
use prism_projections::transient::Transient;

use crate::saga::{execute, tenant_of, Reaction};
use crate::stores::EventStores;

/// Name of this process manager (consumer group, dead-letter topic, metrics).
pub const NAME: &str = "payment-allocations";

/// Applies processed payments' allocations to their invoices.
pub struct PaymentAllocations {
    locks: CounterpartyLocks,
    stores: Arc<EventStores>,
}

impl PaymentAllocations {
    /// The process manager over `stores`.
    #[must_use]
    pub fn new(stores: Arc<EventStores>) -> Self {
        Self { locks: CounterpartyLocks::new(stores.pool.clone()), stores }
    }

    async fn apply(&self, envelope: &EventEnvelope, payment: &PaymentProcessed) -> Result<(), ProjectionError> {
        let tenant = tenant_of(envelope)?;
        let _lock = self.locks.lock(&tenant, &payment.counterparty_id).await.map_err(|e| Transient(e.to_string()))?;
        let context = RequestContext::reacting_to(envelope);
        for allocation in &payment.allocations {
            let command = apply_command(&payment.payment_id, payment.payment_date, allocation);
            let id = &allocation.invoice_id;
            execute::<Invoice>(&self.stores.invoices, &tenant, id, &command, &context, |_| false).await?;
        }
        Ok(())
    }
}

#[async_trait::async_trait]
impl Reaction for PaymentAllocations {
    const AGGREGATE_TYPES: &'static [&'static str] = &[<Payment as cqrs_es::Aggregate>::TYPE];

    async fn react(&self, event: &ProjectedEvent) -> Result<(), ProjectionError> {
        match &event.event {
            DomainEvent::Payment(PaymentEvent::PaymentProcessed(payment)) => self.apply(&event.envelope, payment).await,
            _ => Ok(()),
        }
    }
}
