//! The inventory-postings process manager (stock → ledger): every `InventoryUpdated` that
//! changed a location's stock value posts one journal entry of that value.
//!
//! | movement                  | value change | entry                              |
//! |---------------------------|--------------|------------------------------------|
//! | receipt                   | + (in)       | Dr 1200 Inventory / Cr 2050 GR/IR   |
//! | receipt of a sales return | + (in)       | Dr 1200 Inventory / Cr 5000 COGS    |
//! | issue                     | − (out)      | Dr 5000 COGS / Cr 1200 Inventory    |
//! | adjustment (count gain)   | +            | Dr 1200 Inventory / Cr 5000 COGS    |
//! | adjustment (count loss)   | −            | Dr 5000 COGS / Cr 1200 Inventory    |
//! | production issue          | − (out)      | Dr 1210 WIP / Cr 1200 Inventory     |
//! | production receipt        | + (in)       | Dr 1200 Inventory / Cr 1210 WIP     |
//!
//! (a change of the other sign swaps the sides). A receipt is a sales return when its reference
//! starts with [`SALES_RETURN_PREFIX`] (`"return:<order_id>/<return_id>"`, see
//! [`sales_return_reference`], as the order-fulfilment saga writes it): goods that come back
//! from a customer reverse cost of goods sold, not a purchase. An issue or receipt whose
//! reference is a work order's ([`crate::production::work_order_reference`],
//! `"production:<work_order_id>"`, as the production saga writes it) moves value between
//! inventory and work in progress: components consumed, finished goods received. Transfers, reservations and releases post
//! nothing: they move no value in or out of inventory. The entry is dated the event's UTC
//! date, in the event's (the item's) currency, with the movement's reference — or its id — as
//! source reference. Its id is derived from the event id ([`entry_id_for`]), so a redelivered
//! event is refused as already posted, which counts as done. The tenant needs accounts `1200`,
//! `1210`, `2050` and `5000` (the default chart has them) and an open period on the event's date;
//! otherwise the posting is refused and the event dead-lettered.

use std::sync::Arc;

use prism_aggregates::finance::chart::default_accounts as accounts;
use prism_aggregates::finance::journal_entry::{
    JournalEntry, JournalEntryCommand, JournalEntryError, JournalLineInput, PostJournalEntry,
};
use prism_aggregates::supply::stock::{InventoryUpdated, MovementKind, Stock, StockEvent};
use prism_command_api::request_context::RequestContext;
use prism_platform::envelope::EventEnvelope;
use prism_projections::decode::{DomainEvent, ProjectedEvent};
use prism_projections::projection::ProjectionError;
use uuid::Uuid;

use crate::saga::{execute, tenant_of, Reaction};
use crate::stores::EventStores;

/// Name of this process manager (consumer group, dead-letter topic, metrics).
pub const NAME: &str = "inventory-postings";

/// How the reference of a receipt of goods returned by a customer starts.
pub const SALES_RETURN_PREFIX: &str = "return:";

/// The reference of the receipt of return `return_id` of sales order `order_id`:
/// `"return:<order_id>/<return_id>"`.
#[must_use]
pub fn sales_return_reference(order_id: &str, return_id: &str) -> String {
    format!("{SALES_RETURN_PREFIX}{order_id}/{return_id}")
}

/// Whether `updated` is the receipt of a sales return (its reference says so).
fn is_sales_return(updated: &InventoryUpdated) -> bool {
    updated.reference.as_deref().is_some_and(|reference| reference.starts_with(SALES_RETURN_PREFIX))
}

/// Whether `updated` moves stock for a work order (its reference says so).
fn is_production(updated: &InventoryUpdated) -> bool {
    updated.reference.as_deref().is_some_and(|reference| reference.starts_with(crate::production::REFERENCE_PREFIX))
}

/// Posts the value of stock movements to the ledger.
pub struct InventoryPostings {
    stores: Arc<EventStores>,
}

impl InventoryPostings {
    /// The process manager over `stores`.
    #[must_use]
    pub fn new(stores: Arc<EventStores>) -> Self {
        Self { stores }
    }
}

#[async_trait::async_trait]
impl Reaction for InventoryPostings {
    const AGGREGATE_TYPES: &'static [&'static str] = &[<Stock as cqrs_es::Aggregate>::TYPE];

    async fn react(&self, event: &ProjectedEvent) -> Result<(), ProjectionError> {
        let DomainEvent::Stock(StockEvent::InventoryUpdated(updated)) = &event.event else { return Ok(()) };
        let Some(entry) = posting(&event.envelope, updated) else { return Ok(()) };
        let tenant = tenant_of(&event.envelope)?;
        let id = entry.entry_id.to_string();
        let context = RequestContext::reacting_to(&event.envelope);
        let posted = |refusal: &JournalEntryError| matches!(refusal, JournalEntryError::AlreadyPosted);
        let command = JournalEntryCommand::Post(entry);
        execute::<JournalEntry>(&self.stores.journal_entries, &tenant, &id, &command, &context, posted).await
    }
}

/// The id of the entry posting the stock event `event_id`: UUID v5 in the OID namespace of
/// `"<event id>/inventory-posting"`.
#[must_use]
pub fn entry_id_for(event_id: Uuid) -> Uuid {
    Uuid::new_v5(&Uuid::NAMESPACE_OID, format!("{event_id}/inventory-posting").as_bytes())
}

/// The entry posting `updated` (recorded as `envelope` says); `None` when it posts nothing.
#[must_use]
pub fn posting(envelope: &EventEnvelope, updated: &InventoryUpdated) -> Option<PostJournalEntry> {
    let counter_account = match MovementKind::parse(&updated.movement)? {
        MovementKind::Receipt | MovementKind::Issue if is_production(updated) => accounts::WORK_IN_PROGRESS,
        MovementKind::Receipt if is_sales_return(updated) => accounts::COST_OF_GOODS_SOLD,
        MovementKind::Receipt => accounts::GOODS_RECEIVED_NOT_INVOICED,
        MovementKind::Issue | MovementKind::Adjustment => accounts::COST_OF_GOODS_SOLD,
        MovementKind::TransferOut | MovementKind::TransferIn | MovementKind::Reservation | MovementKind::Release => {
            return None
        }
    };
    let value = updated.value_change_minor;
    if value == 0 {
        return None;
    }
    let (debit, credit) =
        if value > 0 { (accounts::INVENTORY, counter_account) } else { (counter_account, accounts::INVENTORY) };
    let line = |account: &str, debit: Option<i64>, credit: Option<i64>| JournalLineInput {
        account: account.to_owned(),
        debit,
        credit,
        currency: updated.currency.clone(),
        memo: None,
    };
    let amount = value.checked_abs()?;
    Some(PostJournalEntry {
        entry_id: entry_id_for(envelope.event_id),
        tenant: envelope.tenant.clone(),
        entry_date: envelope.occurred_at.date_naive(),
        description: format!("Stock {} of {} at {}", updated.movement, updated.sku, updated.location),
        source_reference: Some(updated.reference.clone().unwrap_or_else(|| updated.movement_id.clone())),
        lines: vec![line(debit, Some(amount), None), line(credit, None, Some(amount))],
    })
}

#[cfg(test)]
mod tests {
    use chrono::{NaiveDate, TimeZone, Utc};

    use super::*;

    fn envelope() -> EventEnvelope {
        EventEnvelope {
            event_id: Uuid::from_u128(7),
            event_type: "InventoryUpdated".to_owned(),
            event_version: "1".to_owned(),
            aggregate_type: "supply.stock".to_owned(),
            aggregate_id: "WIDGET".to_owned(),
            sequence: 3,
            tenant: "acme".to_owned(),
            global_position: 42,
            occurred_at: Utc.with_ymd_and_hms(2026, 11, 25, 23, 59, 59).unwrap(),
            correlation_id: None,
            causation_id: None,
            traceparent: None,
            user_id: None,
        }
    }

    fn updated(movement: MovementKind, value_change_minor: i64, reference: Option<&str>) -> InventoryUpdated {
        InventoryUpdated {
            sku: "WIDGET".to_owned(),
            movement_id: "M-1".to_owned(),
            movement: movement.as_str().to_owned(),
            location: "WH1".to_owned(),
            counter_location: None,
            valuation: "fifo".to_owned(),
            currency: "USD".to_owned(),
            quantity_change_milli: 0,
            reserved_change_milli: 0,
            movement_value_minor: value_change_minor,
            value_change_minor,
            unit_cost_minor: None,
            reservation_id: None,
            reference: reference.map(str::to_owned),
            reason: None,
            on_hand_after_milli: 0,
            reserved_after_milli: 0,
            value_after_minor: 0,
        }
    }

    /// `(debit account, credit account, amount)` of the entry posting `updated`.
    fn sides(updated: &InventoryUpdated) -> Option<(String, String, i64)> {
        let entry = posting(&envelope(), updated)?;
        let [debit, credit] = entry.lines.as_slice() else { panic!("two lines expected: {entry:?}") };
        assert_eq!((debit.credit, credit.debit), (None, None));
        assert_eq!(debit.debit, credit.credit);
        Some((debit.account.clone(), credit.account.clone(), debit.debit.unwrap()))
    }

    #[test]
    fn receipts_issues_and_adjustments_post_their_value_between_inventory_and_its_counter_account() {
        let cases = [
            (MovementKind::Receipt, 1_000_i64, ("1200", "2050")),
            (MovementKind::Issue, -1_600, ("5000", "1200")),
            (MovementKind::Adjustment, 120, ("1200", "5000")),
            (MovementKind::Adjustment, -240, ("5000", "1200")),
        ];
        for (movement, value, (debit, credit)) in cases {
            let expected = Some((debit.to_owned(), credit.to_owned(), value.abs()));
            assert_eq!(sides(&updated(movement, value, None)), expected, "{movement}");
        }
    }

    #[test]
    fn a_receipt_of_a_sales_return_credits_cost_of_goods_sold() {
        let reference = sales_return_reference("SO-1", "R-1");
        assert_eq!(reference, "return:SO-1/R-1");
        let returned = updated(MovementKind::Receipt, 210, Some(&reference));
        assert_eq!(sides(&returned), Some(("1200".to_owned(), "5000".to_owned(), 210)));
        assert_eq!(posting(&envelope(), &returned).unwrap().source_reference, Some(reference));
        let purchase = updated(MovementKind::Receipt, 210, Some("PO-return:1"));
        assert_eq!(sides(&purchase), Some(("1200".to_owned(), "2050".to_owned(), 210)), "prefix only");
        let issue = updated(MovementKind::Issue, -210, Some("return:SO-1/R-1"));
        assert_eq!(sides(&issue), Some(("5000".to_owned(), "1200".to_owned(), 210)), "receipts only");
    }

    #[test]
    fn production_issues_and_receipts_move_value_between_inventory_and_work_in_progress() {
        let reference = crate::production::work_order_reference("WO-1");
        let issue = updated(MovementKind::Issue, -700, Some(&reference));
        assert_eq!(sides(&issue), Some(("1210".to_owned(), "1200".to_owned(), 700)));
        let receipt = updated(MovementKind::Receipt, 690, Some(&reference));
        assert_eq!(sides(&receipt), Some(("1200".to_owned(), "1210".to_owned(), 690)));
        let adjustment = updated(MovementKind::Adjustment, -5, Some(&reference));
        assert_eq!(sides(&adjustment), Some(("5000".to_owned(), "1200".to_owned(), 5)), "issues and receipts only");
    }

    #[test]
    fn transfers_reservations_releases_and_unvalued_movements_post_nothing() {
        for movement in
            [MovementKind::TransferOut, MovementKind::TransferIn, MovementKind::Reservation, MovementKind::Release]
        {
            assert_eq!(sides(&updated(movement, 500, None)), None, "{movement}");
        }
        assert_eq!(sides(&updated(MovementKind::Receipt, 0, None)), None, "a receipt at cost 0");
    }

    #[test]
    fn the_entry_is_dated_the_utc_day_in_the_items_currency_under_an_id_derived_from_the_event() {
        let entry = posting(&envelope(), &updated(MovementKind::Issue, -50, Some("SO-9"))).unwrap();
        assert_eq!(entry.entry_id, entry_id_for(Uuid::from_u128(7)));
        assert_ne!(entry.entry_id, entry_id_for(Uuid::from_u128(8)));
        assert_eq!(entry.entry_date, NaiveDate::from_ymd_opt(2026, 11, 25).unwrap());
        assert_eq!(entry.tenant, "acme");
        assert!(entry.lines.iter().all(|line| line.currency == "USD"));
        assert_eq!(entry.source_reference.as_deref(), Some("SO-9"));
        assert_eq!(entry.description, "Stock issue of WIDGET at WH1");
        let without_reference = posting(&envelope(), &updated(MovementKind::Issue, -50, None)).unwrap();
        assert_eq!(without_reference.source_reference.as_deref(), Some("M-1"));
    }
}
