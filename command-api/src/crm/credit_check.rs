//! The credit check of a sales order: an order placed for a **registered** customer with a
//! credit limit is refused (422 `credit-limit-exceeded`, field `customer_id`) when the
//! customer's exposure plus the order's total would exceed the limit; an order for a customer
//! id that no registered customer has is placed as before, unchecked.
//!
//! Exposure, in the customer's currency (an order in another currency is refused, 422
//! `currency-mismatch`, field `currency`, since nothing converts between the two):
//! - the customer's orders that have shipped nothing yet (`OrderPlaced` without a later
//!   `OrderShipped` or `OrderCancelled`), at their total, read from the **event store** — every
//!   order committed before the check counts, however far the projectors are behind;
//! - the sales orders its won opportunities created that the order-fulfilment process has not
//!   placed yet (`OpportunityWon` with a `sales_order` whose order has no event yet), at their
//!   total, also from the event store — a win's order is checked like a placed one when the
//!   opportunity is won ([`crate::crm::opportunities`]), and counts from then on;
//! - its open receivables, read from the **`invoices` read model**: the open amounts of its
//!   issued and partly paid customer invoices less those of its credit notes. Once an order
//!   ships, its shipments are invoiced by the order-fulfilment process and count here instead;
//!   between a shipment and its invoice reaching the read model (the process manager's and the
//!   Postgres projector's lag, normally well under a second) that amount counts nowhere.
//!
//! The customer and its limit are folded from the customer's own events, so a new limit
//! applies to the next order at once. Checks of one customer are serialised by a Postgres
//! advisory lock held until the order is stored, so two orders placed at the same time cannot
//! both fit into the same headroom.

use std::sync::Arc;

use cqrs_es::Aggregate;
use prism_aggregates::crm::customer::{check_credit, Customer};
use prism_aggregates::crm::opportunity::Opportunity;
use prism_aggregates::supply::sales_order::{SalesOrder, SalesOrderCommand, SalesOrderEvent};
use prism_aggregates::tenant::TenantId;
use prism_platform::db::quote_ident;
use prism_platform::problem::Problem;
use prism_platform::tenancy::schema_of;
use sqlx::PgPool;

use crate::counterparty_lock::{CounterpartyLock, CounterpartyLocks};
use crate::error::{command_problem, refusal};
use crate::event_store::TenantEventStores;

/// What the credit check reads: the customers' events, the event store and read models of the
/// tenant, and the locks that serialise one customer's checks.
pub struct CreditCheck {
    pool: PgPool,
    customers: Arc<TenantEventStores<Customer>>,
    locks: Arc<CounterpartyLocks>,
}

/// The credit terms of a registered customer with a limit.
struct Terms {
    customer_id: String,
    currency: &'static str,
    credit_limit_minor: i64,
}

impl CreditCheck {
    /// A check over `pool`, the customers' event stores and `locks`.
    #[must_use]
    pub fn new(pool: PgPool, customers: Arc<TenantEventStores<Customer>>, locks: Arc<CounterpartyLocks>) -> Self {
        Self { pool, customers, locks }
    }

    /// Checks `command` (placing an order) of `tenant` against its customer's credit limit.
    /// Holds on success the customer's lock, to keep until the order is stored; `None` when
    /// nothing is checked: the command is not a valid placement (the aggregate refuses it with
    /// its own reason), or its customer is not registered or has no limit.
    ///
    /// # Errors
    /// 422 `credit-limit-exceeded` or `currency-mismatch`, or 503 when what the check reads
    /// cannot be read.
    pub async fn check_order(
        &self,
        tenant: &TenantId,
        command: &SalesOrderCommand,
    ) -> Result<Option<CounterpartyLock>, Problem> {
        let Ok(events) = SalesOrder::default().decide(command.clone()) else { return Ok(None) };
        let Some(SalesOrderEvent::OrderPlaced(placed)) = events.first() else { return Ok(None) };
        let Some(terms) = self.terms(tenant, &placed.customer_id).await? else { return Ok(None) };
        if placed.currency != terms.currency {
            let detail = format!(
                "customer {} trades in {} and has a credit limit; an order in {} cannot be checked against it",
                terms.customer_id, terms.currency, placed.currency
            );
            return Err(Problem::unprocessable("currency_mismatch", "currency", detail)
                .with_extension("customer_currency", terms.currency.into()));
        }
        let lock = self
            .locks
            .lock(tenant, &format!("credit/{}", terms.customer_id))
            .await
            .map_err(|e| Problem::from_failure(&e))?;
        let exposure_minor = self.exposure_minor(tenant, &terms).await.map_err(|e| Problem::from_failure(&e))?;
        let exceeded = check_credit(
            &terms.customer_id,
            terms.currency,
            terms.credit_limit_minor,
            exposure_minor,
            placed.total_minor,
        );
        if let Err(exceeded) = exceeded {
            metrics::counter!("prism_commands_total", "aggregate" => SalesOrder::TYPE, "outcome" => "refused")
                .increment(1);
            return Err(refusal(&exceeded)
                .with_extension("credit_limit_minor", exceeded.credit_limit_minor.into())
                .with_extension("exposure_minor", exceeded.exposure_minor.into())
                .with_extension("order_total_minor", exceeded.order_total_minor.into())
                .with_extension("currency", exceeded.currency.as_str().into()));
        }
        Ok(Some(lock))
    }

    /// The terms of customer `customer_id`, when it is registered and has a credit limit.
    async fn terms(&self, tenant: &TenantId, customer_id: &str) -> Result<Option<Terms>, Problem> {
        let customer = self.customers.load(tenant, customer_id).await.map_err(command_problem)?;
        Ok(match (customer.customer_id(), customer.currency(), customer.credit_limit_minor()) {
            (Some(id), Some(currency), Some(credit_limit_minor)) => {
                Some(Terms { customer_id: id.to_owned(), currency: currency.as_str(), credit_limit_minor })
            }
            _ => None,
        })
    }

    /// The customer's open receivables plus its orders that have shipped nothing yet, in its
    /// currency (see the [module](self)).
    async fn exposure_minor(&self, tenant: &TenantId, terms: &Terms) -> Result<i64, sqlx::Error> {
        let schema = quote_ident(&schema_of(tenant));
        let sql = format!(
            "SELECT (
               (SELECT COALESCE(sum(CASE WHEN kind = 'customer_credit_note' THEN -open_minor ELSE open_minor END), 0)
                  FROM {schema}.invoices
                 WHERE counterparty_id = $1 AND currency = $2
                   AND kind IN ('customer_invoice', 'customer_credit_note')
                   AND status IN ('issued', 'partially_paid'))
             + (SELECT COALESCE(sum((placed.payload -> 'OrderPlaced' ->> 'total_minor')::numeric), 0)
                  FROM {schema}.events placed
                 WHERE placed.aggregate_type = $3 AND placed.event_type = 'OrderPlaced'
                   AND (placed.payload -> 'OrderPlaced' ->> 'customer_id') = $1
                   AND (placed.payload -> 'OrderPlaced' ->> 'currency') = $2
                   AND NOT EXISTS (
                       SELECT 1 FROM {schema}.events later
                        WHERE later.aggregate_type = $3 AND later.aggregate_id = placed.aggregate_id
                          AND later.event_type IN ('OrderShipped', 'OrderCancelled')))
             + (SELECT COALESCE(sum((won.payload -> 'OpportunityWon' -> 'sales_order' ->> 'total_minor')::numeric), 0)
                  FROM {schema}.events won
                 WHERE won.aggregate_type = $4 AND won.event_type = 'OpportunityWon'
                   AND (won.payload -> 'OpportunityWon' ->> 'customer_id') = $1
                   AND (won.payload -> 'OpportunityWon' ->> 'currency') = $2
                   AND json_typeof(won.payload -> 'OpportunityWon' -> 'sales_order') = 'object'
                   AND NOT EXISTS (
                       SELECT 1 FROM {schema}.events placed
                        WHERE placed.aggregate_type = $3
                          AND placed.aggregate_id = (won.payload -> 'OpportunityWon' -> 'sales_order' ->> 'order_id')))
             )::text"
        );
        let total: String = sqlx::query_scalar(&sql)
            .bind(&terms.customer_id)
            .bind(terms.currency)
            .bind(SalesOrder::TYPE)
            .bind(Opportunity::TYPE)
            .fetch_one(&self.pool)
            .await?;
        // A sum past i64 can only be over any limit.
        Ok(total.parse().unwrap_or(i64::MAX))
    }
}
