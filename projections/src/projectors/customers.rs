//! Customers in the Postgres read model, in the tenant's schema: `customers` (see migration
//! `0017_crm_customers`), one row per customer with its name, currency, credit limit and
//! status. The seed event inserts the row (a repeat changes nothing); a rename, a new credit
//! limit or a deactivation changes it only if it is later than the last event applied to the
//! row, so a redelivered event changes nothing. Contacts, addresses and custom fields live in
//! the MongoDB customer documents ([`super::customer_documents`]) and leave the row as it is.

use prism_aggregates::crm::customer::CustomerEvent;
use prism_platform::envelope::EventEnvelope;
use sqlx::PgConnection;

use super::identity::update_dated;
use crate::projection::ProjectionError;

/// The table and its key column, for [`update_dated`].
const CUSTOMERS: (&str, &str) = ("customers", "customer_id");

/// Applies one customer event, described by `envelope`.
///
/// # Errors
/// When the database refuses.
pub async fn apply_customer(
    tx: &mut PgConnection,
    schema: &str,
    event: &CustomerEvent,
    envelope: &EventEnvelope,
) -> Result<(), ProjectionError> {
    let customer_id = event.customer_id();
    match event {
        CustomerEvent::CustomerRegistered(registered) => {
            sqlx::query(&format!(
                "INSERT INTO {schema}.customers (customer_id, name, currency, credit_limit_minor, status,
                                                 registered_at, updated_at, last_position)
                 VALUES ($1, $2, $3, $4, 'active', $5, $5, $6)
                 ON CONFLICT (customer_id) DO NOTHING"
            ))
            .bind(&registered.customer_id)
            .bind(&registered.name)
            .bind(&registered.currency)
            .bind(registered.credit_limit_minor)
            .bind(envelope.occurred_at)
            .bind(envelope.global_position)
            .execute(tx)
            .await?;
            Ok(())
        }
        CustomerEvent::CustomerRenamed(renamed) => {
            update_dated(tx, schema, CUSTOMERS, customer_id, ("name", &renamed.name), envelope).await
        }
        CustomerEvent::CustomerCreditLimitChanged(changed) => {
            let set = ("credit_limit_minor", changed.credit_limit_minor);
            update_dated(tx, schema, CUSTOMERS, customer_id, set, envelope).await
        }
        CustomerEvent::CustomerDeactivated(_) => {
            update_dated(tx, schema, CUSTOMERS, customer_id, ("status", "deactivated"), envelope).await
        }
        CustomerEvent::CustomerContactAdded(_)
        | CustomerEvent::CustomerContactRemoved(_)
        | CustomerEvent::CustomerAddressAdded(_)
        | CustomerEvent::CustomerAddressRemoved(_)
        | CustomerEvent::CustomerCustomFieldsSet(_) => Ok(()),
    }
}
