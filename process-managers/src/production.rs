//! The production process manager (Forge): work orders' components out of stock and their
//! finished goods into it, with work in progress kept in the ledger, reacting to
//!
//! - `ProductionStarted` → issue each component from the order's location, reference
//!   [`work_order_reference`] (so inventory-postings debits `1210` Work in progress and credits
//!   `1200` Inventory with its cost), movement id [`component_movement_id`] of the order and
//!   line, so a redelivered start issues nothing more;
//! - `WorkOrderCompleted` → receive the good quantity of the item at the location at the
//!   rolled-up cost: the value of the components issued for the order (read back from their
//!   stock events) per good unit, rounded half away from zero (inventory-postings debits
//!   Inventory and credits WIP with the receipt's value), movement id
//!   [`receipt_movement_id`]; then the difference the rounding leaves between what was issued
//!   and what was received is settled out of WIP against `5000` (a production variance), so WIP
//!   holds nothing for a completed order. Scrapped units carry no cost of their own: the good
//!   units absorb the whole run;
//! - `WorkOrderScrapped` from `in_progress` → the components issued are written off out of WIP
//!   to `5000` (an order scrapped before it started consumed nothing);
//! - `QualityCheckCompleted` that failed → transfer the quantity inspected from its location to
//!   the check's quarantine location, on hold (a transfer posts nothing: the value moves with
//!   the goods), movement id [`quarantine_movement_id`]; a passed check leaves the goods
//!   where they are, available.
//!
//! The settlement and write-off entries have ids derived from the order
//! ([`wip_entry_id`]), so a redelivered event is refused as already posted, which counts as
//! done. The components and the item must share a currency; a component not issued (a stock
//! refusal, dead-lettered) leaves the completion dead-lettered too.

use std::sync::Arc;

use cqrs_es::Aggregate;
use prism_aggregates::finance::chart::default_accounts as accounts;
use prism_aggregates::finance::journal_entry::{
    JournalEntry, JournalEntryCommand, JournalEntryError, JournalLineInput, PostJournalEntry,
};
use prism_aggregates::production::quality_check::{QualityCheck, QualityCheckCompleted, QualityCheckEvent, FAIL};
use prism_aggregates::production::work_order::{ProductionStarted, WorkOrder, WorkOrderCompleted, WorkOrderEvent};
use prism_aggregates::supply::stock::{IssueStock, MovementKind, ReceiveStock, Stock, StockCommand, TransferStock};
use prism_aggregates::tenant::TenantId;
use prism_command_api::request_context::RequestContext;
use prism_platform::db::quote_ident;
use prism_platform::envelope::EventEnvelope;
use prism_platform::tenancy::schema_of;
use prism_projections::decode::{DomainEvent, ProjectedEvent};
use prism_projections::projection::ProjectionError;
use prism_projections::transient::Transient;
use uuid::Uuid;

use crate::saga::{average_unit_cost, execute, load, quantity, tenant_of, Reaction};
use crate::stores::EventStores;

/// Name of this process manager (consumer group, dead-letter topic, metrics).
pub const NAME: &str = "production";

/// How the reference of a work order's stock movements starts.
pub const REFERENCE_PREFIX: &str = "production:";

/// The reference of work order `work_order_id`'s stock movements: `"production:<id>"`.
#[must_use]
pub fn work_order_reference(work_order_id: &str) -> String {
    format!("{REFERENCE_PREFIX}{work_order_id}")
}

/// The id of the issue of component line `line` (0-based) of work order `work_order_id`:
/// UUID v5 in the OID namespace of `"<work_order_id>/component/<line>"`.
#[must_use]
pub fn component_movement_id(work_order_id: &str, line: usize) -> String {
    Uuid::new_v5(&Uuid::NAMESPACE_OID, format!("{work_order_id}/component/{line}").as_bytes()).to_string()
}

/// The id of the receipt of work order `work_order_id`'s finished goods: UUID v5 of
/// `"<work_order_id>/receipt"`.
#[must_use]
pub fn receipt_movement_id(work_order_id: &str) -> String {
    Uuid::new_v5(&Uuid::NAMESPACE_OID, format!("{work_order_id}/receipt").as_bytes()).to_string()
}

/// The id of the transfer of failed quality check `quality_check_id`'s goods to quarantine:
/// UUID v5 of `"<quality_check_id>/quarantine"`.
#[must_use]
pub fn quarantine_movement_id(quality_check_id: &str) -> String {
    Uuid::new_v5(&Uuid::NAMESPACE_OID, format!("{quality_check_id}/quarantine").as_bytes()).to_string()
}

/// The id of the entry clearing work order `work_order_id`'s work in progress (its settlement
/// or write-off): UUID v5 of `"<work_order_id>/wip"`.
#[must_use]
pub fn wip_entry_id(work_order_id: &str) -> Uuid {
    Uuid::new_v5(&Uuid::NAMESPACE_OID, format!("{work_order_id}/wip").as_bytes())
}

/// Moves work orders' goods through stock and WIP.
pub struct Production {
    stores: Arc<EventStores>,
}

impl Production {
    /// The process manager over `stores`.
    #[must_use]
    pub fn new(stores: Arc<EventStores>) -> Self {
        Self { stores }
    }

    /// Issues every component of `started` from stock.
    async fn issue(
        &self,
        tenant: &TenantId,
        started: &ProductionStarted,
        context: &RequestContext,
    ) -> Result<(), ProjectionError> {
        for (line, component) in started.components.iter().enumerate() {
            let issue = StockCommand::Issue(IssueStock {
                sku: component.component_sku.clone(),
                location: started.location.clone(),
                quantity: quantity(component.quantity_milli),
                reservation_id: None,
                reference: Some(work_order_reference(&started.work_order_id)),
                movement_id: Some(component_movement_id(&started.work_order_id, line)),
            });
            execute(&self.stores.stock, tenant, &component.component_sku, &issue, context, |_| false).await?;
        }
        Ok(())
    }

    /// Moves the goods of the failed check `check` to its quarantine location.
    async fn quarantine(
        &self,
        tenant: &TenantId,
        check: &QualityCheckCompleted,
        context: &RequestContext,
    ) -> Result<(), ProjectionError> {
        let Some(quarantine) = &check.quarantine_location else {
            return Err(format!("failed quality check {} names no quarantine", check.quality_check_id).into());
        };
        let transfer = StockCommand::Transfer(TransferStock {
            sku: check.sku.clone(),
            from_location: check.location.clone(),
            to_location: quarantine.clone(),
            quantity: quantity(check.quantity_milli),
            reference: Some(format!("quality:{}", check.quality_check_id)),
            movement_id: Some(quarantine_movement_id(&check.quality_check_id)),
        });
        execute(&self.stores.stock, tenant, &check.sku, &transfer, context, |_| false).await
    }

    /// What was issued for work order `work_order_id`: `(value, currency)`, the value positive.
    ///
    /// # Errors
    /// Permanent when a component was not issued or they differ in currency.
    async fn consumed(&self, tenant: &TenantId, work_order_id: &str) -> Result<(i64, String), ProjectionError> {
        let order: WorkOrder = load(&self.stores.work_orders, tenant, work_order_id).await?;
        let components = order.components();
        let skus: Vec<&str> = components.iter().map(|c| c.component_sku.as_str()).collect();
        let ids: Vec<String> = (0..components.len()).map(|line| component_movement_id(work_order_id, line)).collect();
        let (issued, value, currencies) = self.movements(tenant, &skus, &ids, MovementKind::Issue).await?;
        if usize::try_from(issued).ok() != Some(components.len()) {
            return Err(
                format!("work order {work_order_id}: {issued} of {} components issued", components.len()).into()
            );
        }
        match currencies.as_slice() {
            [currency] => Ok((-value, currency.clone())),
            _ => Err(format!("work order {work_order_id}: components in currencies {currencies:?}").into()),
        }
    }

    /// How many of the movements `ids` of kind `movement` the stock of `skus` recorded, their
    /// total value and their currencies.
    async fn movements(
        &self,
        tenant: &TenantId,
        skus: &[&str],
        ids: &[String],
        movement: MovementKind,
    ) -> Result<(i64, i64, Vec<String>), ProjectionError> {
        let sql = format!(
            "SELECT count(*), COALESCE(SUM((payload -> 'InventoryUpdated' ->> 'movement_value_minor')::bigint), 0)::bigint,
                    COALESCE(array_agg(DISTINCT payload -> 'InventoryUpdated' ->> 'currency'), '{{}}')
               FROM {}.events
              WHERE aggregate_type = $1 AND aggregate_id = ANY($2) AND event_type = 'InventoryUpdated'
                AND payload -> 'InventoryUpdated' ->> 'movement' = $3
                AND payload -> 'InventoryUpdated' ->> 'movement_id' = ANY($4)",
            quote_ident(&schema_of(tenant))
        );
        sqlx::query_as(&sql)
            .bind(Stock::TYPE)
            .bind(skus)
            .bind(movement.as_str())
            .bind(ids)
            .fetch_one(&self.stores.pool)
            .await
            .map_err(|e| Box::new(Transient(e.to_string())) as ProjectionError)
    }

    /// Receives the good quantity of `completed` at the rolled-up cost, then settles what the
    /// rounding left in WIP.
    async fn receive(
        &self,
        tenant: &TenantId,
        envelope: &EventEnvelope,
        completed: &WorkOrderCompleted,
        context: &RequestContext,
    ) -> Result<(), ProjectionError> {
        let id = &completed.work_order_id;
        let (consumed, currency) = self.consumed(tenant, id).await?;
        let unit_cost_minor = average_unit_cost(completed.good_quantity_milli, consumed)
            .ok_or_else(|| format!("work order {id}: no cost per unit of {consumed}"))?;
        let movement_id = receipt_movement_id(id);
        let receipt = StockCommand::Receive(ReceiveStock {
            sku: completed.sku.clone(),
            location: completed.location.clone(),
            quantity: quantity(completed.good_quantity_milli),
            unit_cost_minor,
            reference: Some(work_order_reference(id)),
            movement_id: Some(movement_id.clone()),
        });
        execute(&self.stores.stock, tenant, &completed.sku, &receipt, context, |_| false).await?;
        let (_, received, _) = self.movements(tenant, &[&completed.sku], &[movement_id], MovementKind::Receipt).await?;
        let description = format!("Work order {id}: rounding of the rolled-up cost of {}", completed.sku);
        self.clear_wip(tenant, envelope, id, consumed - received, &currency, description, context).await
    }

    /// Posts `amount` out of work order `id`'s WIP to `5000` (into it when negative); nothing
    /// when 0.
    #[allow(clippy::too_many_arguments)] // each is one fact of the entry
    async fn clear_wip(
        &self,
        tenant: &TenantId,
        envelope: &EventEnvelope,
        id: &str,
        amount: i64,
        currency: &str,
        description: String,
        context: &RequestContext,
    ) -> Result<(), ProjectionError> {
        let Some(entry) = wip_entry(envelope, id, amount, currency, description) else { return Ok(()) };
        let command = JournalEntryCommand::Post(entry);
        let posted = |refusal: &JournalEntryError| matches!(refusal, JournalEntryError::AlreadyPosted);
        execute::<JournalEntry>(
            &self.stores.journal_entries,
            tenant,
            &wip_entry_id(id).to_string(),
            &command,
            context,
            posted,
        )
        .await
    }
}

/// The entry moving `amount` out of work order `id`'s WIP to `5000` (into WIP when negative),
/// dated the event's UTC day; `None` when `amount` is 0.
#[must_use]
pub fn wip_entry(
    envelope: &EventEnvelope,
    id: &str,
    amount: i64,
    currency: &str,
    description: String,
) -> Option<PostJournalEntry> {
    if amount == 0 {
        return None;
    }
    let (debit, credit) = if amount > 0 {
        (accounts::COST_OF_GOODS_SOLD, accounts::WORK_IN_PROGRESS)
    } else {
        (accounts::WORK_IN_PROGRESS, accounts::COST_OF_GOODS_SOLD)
    };
    let line = |account: &str, debit: Option<i64>, credit: Option<i64>| JournalLineInput {
        account: account.to_owned(),
        debit,
        credit,
        currency: currency.to_owned(),
        memo: None,
    };
    let amount = amount.checked_abs()?;
    Some(PostJournalEntry {
        entry_id: wip_entry_id(id),
        tenant: envelope.tenant.clone(),
        entry_date: envelope.occurred_at.date_naive(),
        description,
        source_reference: Some(work_order_reference(id)),
        lines: vec![line(debit, Some(amount), None), line(credit, None, Some(amount))],
    })
}

#[async_trait::async_trait]
impl Reaction for Production {
    const AGGREGATE_TYPES: &'static [&'static str] = &[WorkOrder::TYPE, QualityCheck::TYPE];

    async fn react(&self, event: &ProjectedEvent) -> Result<(), ProjectionError> {
        let tenant = tenant_of(&event.envelope)?;
        let context = RequestContext::reacting_to(&event.envelope);
        let work_order = match &event.event {
            DomainEvent::WorkOrder(work_order) => work_order,
            DomainEvent::QualityCheck(QualityCheckEvent::QualityCheckCompleted(check)) if check.result == FAIL => {
                return self.quarantine(&tenant, check, &context).await
            }
            _ => return Ok(()),
        };
        match work_order {
            WorkOrderEvent::ProductionStarted(started) => self.issue(&tenant, started, &context).await,
            WorkOrderEvent::WorkOrderCompleted(completed) => {
                self.receive(&tenant, &event.envelope, completed, &context).await
            }
            WorkOrderEvent::WorkOrderScrapped(scrapped) if scrapped.from_status == "in_progress" => {
                let id = &scrapped.work_order_id;
                let (consumed, currency) = self.consumed(&tenant, id).await?;
                let description = format!("Work order {id} scrapped in progress: {}", scrapped.reason);
                self.clear_wip(&tenant, &event.envelope, id, consumed, &currency, description, &context).await
            }
            _ => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use chrono::{TimeZone, Utc};

    use super::*;

    fn envelope() -> EventEnvelope {
        EventEnvelope {
            event_id: Uuid::from_u128(9),
            event_type: "WorkOrderCompleted".to_owned(),
            event_version: "1".to_owned(),
            aggregate_type: WorkOrder::TYPE.to_owned(),
            aggregate_id: "WO-1".to_owned(),
            sequence: 4,
            tenant: "acme".to_owned(),
            global_position: 42,
            occurred_at: Utc.with_ymd_and_hms(2026, 11, 26, 23, 0, 0).unwrap(),
            correlation_id: None,
            causation_id: None,
            traceparent: None,
            user_id: None,
        }
    }

    #[test]
    fn ids_are_derived_from_the_work_order_and_differ_per_line() {
        assert_eq!(component_movement_id("WO-1", 0), component_movement_id("WO-1", 0));
        assert_ne!(component_movement_id("WO-1", 0), component_movement_id("WO-1", 1));
        assert_ne!(component_movement_id("WO-1", 0), component_movement_id("WO-2", 0));
        assert_ne!(receipt_movement_id("WO-1"), receipt_movement_id("WO-2"));
        assert_ne!(quarantine_movement_id("QC-1"), receipt_movement_id("QC-1"));
        assert_eq!(work_order_reference("WO-1"), "production:WO-1");
    }

    #[test]
    fn what_is_left_in_wip_goes_to_cost_of_goods_sold_and_a_shortfall_comes_back_from_it() {
        let sides = |amount| {
            let entry = wip_entry(&envelope(), "WO-1", amount, "EUR", "x".to_owned())?;
            let [debit, credit] = entry.lines.as_slice() else { panic!("two lines") };
            Some((debit.account.clone(), credit.account.clone(), debit.debit?, credit.credit?))
        };
        assert_eq!(sides(4), Some(("5000".to_owned(), "1210".to_owned(), 4, 4)));
        assert_eq!(sides(-3), Some(("1210".to_owned(), "5000".to_owned(), 3, 3)));
        assert_eq!(sides(0), None);
        let entry = wip_entry(&envelope(), "WO-1", 4, "EUR", "x".to_owned()).unwrap();
        assert_eq!(entry.entry_id, wip_entry_id("WO-1"));
        assert_eq!(entry.entry_date.to_string(), "2026-11-26");
        assert_eq!(entry.source_reference.as_deref(), Some("production:WO-1"));
    }
}
