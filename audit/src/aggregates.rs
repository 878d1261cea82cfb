//! Rebuilding any Prism aggregate from its stored events: the aggregate type names the Rust
//! aggregate whose events the payloads decode as — upcast first when stored at an older
//! version of their event — and whose `apply` folds them.

use cqrs_es::Aggregate;
use prism_aggregates::crm::customer::Customer;
use prism_aggregates::crm::opportunity::Opportunity;
use prism_aggregates::crm::support_ticket::SupportTicket;
use prism_aggregates::finance::budget::Budgets;
use prism_aggregates::finance::calendar::FiscalCalendar;
use prism_aggregates::finance::chart::ChartOfAccounts;
use prism_aggregates::finance::exchange_rates::ExchangeRates;
use prism_aggregates::finance::invoice::Invoice;
use prism_aggregates::finance::journal_entry::JournalEntry;
use prism_aggregates::finance::payment::Payment;
use prism_aggregates::finance::tax::TaxRates;
use prism_aggregates::hr::employee::Employee;
use prism_aggregates::hr::job_opening::JobOpening;
use prism_aggregates::hr::leave_account::LeaveAccount;
use prism_aggregates::hr::payroll_run::PayrollRun;
use prism_aggregates::hr::performance_review::PerformanceReview;
use prism_aggregates::identity::organization::Organization;
use prism_aggregates::identity::roles::Roles;
use prism_aggregates::identity::user::User;
use prism_aggregates::platform::tenant_account::TenantAccount;
use prism_aggregates::production::asset::Asset;
use prism_aggregates::production::bill_of_materials::BillOfMaterials;
use prism_aggregates::production::quality_check::QualityCheck;
use prism_aggregates::production::work_order::WorkOrder;
use prism_aggregates::supply::item::Item;
use prism_aggregates::supply::locations::Locations;
use prism_aggregates::supply::purchase_order::PurchaseOrder;
use prism_aggregates::supply::sales_order::SalesOrder;
use prism_aggregates::supply::settings::SupplySettings;
use prism_aggregates::supply::stock::Stock;
use prism_aggregates::upcasting;
use serde_json::Value;

use crate::store::StoredEvent;
use crate::AuditError;

/// Every aggregate type Prism records, as stored in `events.aggregate_type`.
pub const TYPES: &[&str] = &[
    JournalEntry::TYPE,
    ChartOfAccounts::TYPE,
    FiscalCalendar::TYPE,
    TaxRates::TYPE,
    Budgets::TYPE,
    ExchangeRates::TYPE,
    Invoice::TYPE,
    Payment::TYPE,
    Item::TYPE,
    Locations::TYPE,
    SupplySettings::TYPE,
    Stock::TYPE,
    SalesOrder::TYPE,
    PurchaseOrder::TYPE,
    User::TYPE,
    Organization::TYPE,
    Roles::TYPE,
    TenantAccount::TYPE,
    Opportunity::TYPE,
    SupportTicket::TYPE,
    Employee::TYPE,
    PayrollRun::TYPE,
    PerformanceReview::TYPE,
    JobOpening::TYPE,
    LeaveAccount::TYPE,
    Customer::TYPE,
    BillOfMaterials::TYPE,
    WorkOrder::TYPE,
    QualityCheck::TYPE,
    Asset::TYPE,
];

/// Whether `aggregate_type` is one of [`TYPES`].
///
/// # Errors
/// [`AuditError::UnknownAggregateType`] when it is not.
pub fn known(aggregate_type: &str) -> Result<(), AuditError> {
    if TYPES.contains(&aggregate_type) {
        Ok(())
    } else {
        Err(AuditError::UnknownAggregateType(aggregate_type.to_owned()))
    }
}

/// The state of an aggregate of `aggregate_type` after `events` (its own, oldest first), as
/// the aggregate serialises it.
///
/// # Errors
/// [`AuditError::UnknownAggregateType`], or [`AuditError::Undecodable`] for an event that is
/// not one of the aggregate's.
pub fn fold(aggregate_type: &str, events: &[StoredEvent]) -> Result<Value, AuditError> {
    match aggregate_type {
        t if t == JournalEntry::TYPE => fold_as::<JournalEntry>(events),
        t if t == ChartOfAccounts::TYPE => fold_as::<ChartOfAccounts>(events),
        t if t == FiscalCalendar::TYPE => fold_as::<FiscalCalendar>(events),
        t if t == TaxRates::TYPE => fold_as::<TaxRates>(events),
        t if t == Budgets::TYPE => fold_as::<Budgets>(events),
        t if t == ExchangeRates::TYPE => fold_as::<ExchangeRates>(events),
        t if t == Invoice::TYPE => fold_as::<Invoice>(events),
        t if t == Payment::TYPE => fold_as::<Payment>(events),
        t if t == Item::TYPE => fold_as::<Item>(events),
        t if t == Locations::TYPE => fold_as::<Locations>(events),
        t if t == SupplySettings::TYPE => fold_as::<SupplySettings>(events),
        t if t == Stock::TYPE => fold_as::<Stock>(events),
        t if t == SalesOrder::TYPE => fold_as::<SalesOrder>(events),
        t if t == PurchaseOrder::TYPE => fold_as::<PurchaseOrder>(events),
        t if t == User::TYPE => fold_as::<User>(events),
        t if t == Organization::TYPE => fold_as::<Organization>(events),
        t if t == Roles::TYPE => fold_as::<Roles>(events),
        t if t == TenantAccount::TYPE => fold_as::<TenantAccount>(events),
        t if t == Opportunity::TYPE => fold_as::<Opportunity>(events),
        t if t == SupportTicket::TYPE => fold_as::<SupportTicket>(events),
        t if t == Employee::TYPE => fold_as::<Employee>(events),
        t if t == PayrollRun::TYPE => fold_as::<PayrollRun>(events),
        t if t == PerformanceReview::TYPE => fold_as::<PerformanceReview>(events),
        t if t == JobOpening::TYPE => fold_as::<JobOpening>(events),
        t if t == LeaveAccount::TYPE => fold_as::<LeaveAccount>(events),
        t if t == BillOfMaterials::TYPE => fold_as::<BillOfMaterials>(events),
        t if t == WorkOrder::TYPE => fold_as::<WorkOrder>(events),
        t if t == QualityCheck::TYPE => fold_as::<QualityCheck>(events),
        t if t == Asset::TYPE => fold_as::<Asset>(events),
        t if t == Customer::TYPE => fold_as::<Customer>(events),
        other => Err(AuditError::UnknownAggregateType(other.to_owned())),
    }
}

fn fold_as<A: Aggregate>(events: &[StoredEvent]) -> Result<Value, AuditError> {
    let mut aggregate = A::default();
    for stored in events {
        let undecodable = |reason: String| AuditError::Undecodable { position: stored.global_position, reason };
        let (payload, _) = upcasting::upcast_tagged(&stored.event_type, &stored.event_version, stored.payload.clone())
            .map_err(|e| undecodable(e.to_string()))?;
        let event: A::Event = serde_json::from_value(payload).map_err(|e| undecodable(e.to_string()))?;
        aggregate.apply(event);
    }
    serde_json::to_value(&aggregate).map_err(|e| AuditError::Undecodable {
        position: events.last().map_or(0, |e| e.global_position),
        reason: e.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use chrono::Utc;
    use serde_json::json;

    use super::*;

    fn stored(sequence: i64, payload: Value) -> StoredEvent {
        StoredEvent {
            global_position: sequence,
            aggregate_type: SupplySettings::TYPE.to_owned(),
            aggregate_id: "supply-settings".to_owned(),
            sequence,
            event_type: payload.as_object().and_then(|o| o.keys().next().cloned()).unwrap_or_default(),
            event_version: "1".to_owned(),
            payload,
            metadata: json!({}),
            recorded_at: Utc::now(),
        }
    }

    #[test]
    fn every_type_is_distinct_and_unknown_ones_are_refused() {
        let mut types = TYPES.to_vec();
        types.sort_unstable();
        types.dedup();
        assert_eq!(types.len(), TYPES.len());
        assert!(matches!(fold("finance.ledger", &[]), Err(AuditError::UnknownAggregateType(_))));
        for aggregate_type in TYPES {
            assert!(fold(aggregate_type, &[]).is_ok(), "{aggregate_type} folds from nothing");
        }
    }

    #[test]
    fn every_aggregate_type_of_the_kafka_contract_can_be_folded() {
        for contract in prism_platform::contract::EVENTS {
            assert!(TYPES.contains(&contract.aggregate_type), "{} is not in TYPES", contract.aggregate_type);
        }
    }

    #[test]
    fn a_users_state_folds_from_its_events() {
        let user_id = "0190f3a2-7c4e-7b1d-9a6e-3f2b1c0d4e5f";
        let events = [
            json!({"UserCreated": {"user_id": user_id, "email": "ada@example.com", "name": "Ada",
                "organization_unit": null, "roles": ["accountant"]}}),
            json!({"UserDeactivated": {"user_id": user_id, "reason": "left"}}),
        ]
        .into_iter()
        .zip(1..)
        .map(|(payload, sequence)| StoredEvent { aggregate_type: User::TYPE.to_owned(), ..stored(sequence, payload) })
        .collect::<Vec<_>>();
        let state = fold(User::TYPE, &events).unwrap();
        assert_eq!(state["profile"]["email"], "ada@example.com");
        assert_eq!(state["profile"]["roles"], json!(["accountant"]));
        assert_eq!(state["profile"]["active"], false);
    }

    #[test]
    fn a_payload_of_another_aggregate_is_undecodable() {
        let foreign = stored(1, json!({"OrderPlaced": {"order_id": "x"}}));
        assert!(matches!(fold(SalesOrder::TYPE, std::slice::from_ref(&foreign)), Err(AuditError::Undecodable { .. })));
        assert!(matches!(fold(SupplySettings::TYPE, &[foreign]), Err(AuditError::Undecodable { position: 1, .. })));
    }
}
