//! The payment-allocation process manager: for every `PaymentProcessed`, apply each allocation
//! to its invoice. The command API applies them itself right after recording the payment; this
//! is the guarantee that they are applied even when the command API stopped in between. An
//! allocation applied before changes nothing, and the counterparty's lock keeps this from
//! racing the command API's own payments and voids.

use std::sync::Arc;

use cqrs_es::AggregateError;
use prism_aggregates::finance::invoice::Invoice;
use prism_aggregates::finance::payment::{Payment, PaymentEvent, PaymentProcessed};
use prism_aggregates::tenant::TenantId;
use prism_command_api::books::BooksCache;
use prism_command_api::counterparty_lock::CounterpartyLocks;
use prism_command_api::event_store::{TenantEventStores, TENANT_SETS};
use prism_command_api::payments::apply_command;
use prism_command_api::request_context::RequestContext;
use prism_platform::envelope::EventEnvelope;
use prism_platform::tenancy::TenantProvisioner;
use prism_projections::decode::{DomainEvent, ProjectedEvent};
use prism_projections::projection::{Projection, ProjectionError, SourcePosition};
use prism_projections::transient::Transient;
use sqlx::PgPool;

/// Name of this process manager (consumer group, dead-letter topic, metrics).
pub const NAME: &str = "payment-allocations";

/// Applies processed payments' allocations to their invoices.
pub struct PaymentAllocations {
    locks: CounterpartyLocks,
    invoices: Arc<TenantEventStores<Invoice>>,
}

impl PaymentAllocations {
    /// The process manager over the event stores in `pool`.
    #[must_use]
    pub fn new(pool: PgPool) -> Self {
        let books = Arc::new(BooksCache::new(pool.clone()));
        let provisioner = Arc::new(TenantProvisioner::new(pool.clone(), TENANT_SETS));
        let invoices = TenantEventStores::new(pool.clone(), provisioner, Box::new(move |t| books.source_for(t)));
        Self { locks: CounterpartyLocks::new(pool), invoices: Arc::new(invoices) }
    }

    async fn apply(&self, envelope: &EventEnvelope, payment: &PaymentProcessed) -> Result<(), ProjectionError> {
        let tenant = TenantId::parse(&envelope.tenant)?;
        let _lock = self.locks.lock(&tenant, &payment.counterparty_id).await.map_err(|e| Transient(e.to_string()))?;
        let context = RequestContext::reacting_to(envelope);
        for allocation in &payment.allocations {
            let command = apply_command(&payment.payment_id, payment.payment_date, allocation);
            match self.invoices.execute(&tenant, &allocation.invoice_id, command, &context).await {
                Ok(_) => {}
                Err(AggregateError::UserError(refused)) => {
                    return Err(format!(
                        "invoice {} refused payment {}: {refused}",
                        allocation.invoice_id, payment.payment_id
                    )
                    .into())
                }
                Err(other) => return Err(Box::new(Transient(other.to_string()))),
            }
        }
        Ok(())
    }
}

#[async_trait::async_trait]
impl Projection for PaymentAllocations {
    fn aggregate_types(&self) -> &'static [&'static str] {
        &[<Payment as cqrs_es::Aggregate>::TYPE]
    }

    async fn resume_offsets(
        &self,
        _topic: &str,
    ) -> Result<Option<std::collections::HashMap<i32, i64>>, ProjectionError> {
        Ok(None)
    }

    async fn apply_batch(&self, events: &[ProjectedEvent]) -> Result<(), ProjectionError> {
        for event in events {
            if let DomainEvent::Payment(PaymentEvent::PaymentProcessed(payment)) = &event.event {
                self.apply(&event.envelope, payment).await?;
            }
        }
        Ok(())
    }

    async fn skip(&self, _source: &SourcePosition) -> Result<(), ProjectionError> {
        Ok(())
    }
}
