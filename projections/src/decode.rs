//! From a Kafka record to a typed event: envelope from the headers, body from Confluent Avro
//! via the registry, brought to the current version of its event when it was written at an
//! older one ([`prism_aggregates::upcasting`]), then the domain event type of the aggregate
//! the envelope names.

use cqrs_es::Aggregate;
use prism_aggregates::crm::customer::{Customer, CustomerEvent};
use prism_aggregates::crm::opportunity::{Opportunity, OpportunityEvent};
use prism_aggregates::crm::support_ticket::{SupportTicket, SupportTicketEvent};
use prism_aggregates::finance::budget::{Budgets, BudgetsEvent};
use prism_aggregates::finance::calendar::{CalendarEvent, FiscalCalendar};
use prism_aggregates::finance::chart::{ChartEvent, ChartOfAccounts};
use prism_aggregates::finance::exchange_rates::{ExchangeRates, ExchangeRatesEvent};
use prism_aggregates::finance::invoice::{Invoice, InvoiceEvent};
use prism_aggregates::finance::journal_entry::{JournalEntry, JournalEntryEvent};
use prism_aggregates::finance::payment::{Payment, PaymentEvent};
use prism_aggregates::finance::tax::{TaxRates, TaxRatesEvent};
use prism_aggregates::hr::employee::{Employee, EmployeeEvent};
use prism_aggregates::hr::job_opening::{JobOpening, JobOpeningEvent};
use prism_aggregates::hr::leave_account::{LeaveAccount, LeaveAccountEvent};
use prism_aggregates::hr::payroll_run::{PayrollRun, PayrollRunEvent};
use prism_aggregates::hr::performance_review::{PerformanceReview, ReviewEvent};
use prism_aggregates::identity::organization::{Organization, OrganizationEvent};
use prism_aggregates::identity::roles::{Roles, RolesEvent};
use prism_aggregates::identity::user::{User, UserEvent};
use prism_aggregates::platform::tenant_account::{TenantAccount, TenantAccountEvent};
use prism_aggregates::production::asset::{Asset, AssetEvent};
use prism_aggregates::production::bill_of_materials::{BillOfMaterials, BomEvent};
use prism_aggregates::production::quality_check::{QualityCheck, QualityCheckEvent};
use prism_aggregates::production::work_order::{WorkOrder, WorkOrderEvent};
use prism_aggregates::supply::item::{Item, ItemEvent};
use prism_aggregates::supply::locations::{Locations, LocationsEvent};
use prism_aggregates::supply::purchase_order::{PurchaseOrder, PurchaseOrderEvent};
use prism_aggregates::supply::sales_order::{SalesOrder, SalesOrderEvent};
use prism_aggregates::supply::settings::{SupplySettings, SupplySettingsEvent};
use prism_aggregates::supply::stock::{Stock, StockEvent};
use prism_aggregates::upcasting;
use prism_platform::avro::AvroCodec;
use prism_platform::envelope::EventEnvelope;
use rdkafka::message::{BorrowedMessage, Message};
use serde::Deserialize;

/// A decoded event with where it came from.
#[derive(Debug, Clone)]
pub struct ProjectedEvent {
    /// The envelope (ids, tenant, sequence, position).
    pub envelope: EventEnvelope,
    /// The domain event.
    pub event: DomainEvent,
    /// Source topic.
    pub topic: String,
    /// Source partition.
    pub partition: i32,
    /// Source offset.
    pub offset: i64,
}

/// The domain events the projectors understand, by the aggregate that recorded them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DomainEvent {
    /// A journal entry's event.
    JournalEntry(JournalEntryEvent),
    /// A chart-of-accounts event.
    Chart(ChartEvent),
    /// A fiscal-calendar event.
    Calendar(CalendarEvent),
    /// A tax-rate event.
    TaxRates(TaxRatesEvent),
    /// A budgets event.
    Budgets(BudgetsEvent),
    /// An exchange-rates event.
    ExchangeRates(ExchangeRatesEvent),
    /// An invoice's event.
    Invoice(InvoiceEvent),
    /// A payment's event.
    Payment(PaymentEvent),
    /// An item's event.
    Item(ItemEvent),
    /// A locations event.
    Locations(LocationsEvent),
    /// A supply-settings event.
    SupplySettings(SupplySettingsEvent),
    /// An item's stock event.
    Stock(StockEvent),
    /// A sales order's event.
    SalesOrder(SalesOrderEvent),
    /// A purchase order's event.
    PurchaseOrder(PurchaseOrderEvent),
    /// A user's event.
    User(UserEvent),
    /// An organisation event.
    Organization(OrganizationEvent),
    /// A custom-roles event.
    Roles(RolesEvent),
    /// An opportunity's event.
    Opportunity(OpportunityEvent),
    /// A support ticket's event.
    SupportTicket(SupportTicketEvent),
    /// A customer's event.
    Customer(CustomerEvent),
    /// An employee's event.
    Employee(EmployeeEvent),
    /// A payroll run's event.
    PayrollRun(PayrollRunEvent),
    /// A performance review's event.
    PerformanceReview(ReviewEvent),
    /// A job opening's event.
    JobOpening(JobOpeningEvent),
    /// A leave account's event.
    LeaveAccount(LeaveAccountEvent),
    /// A tenant's own event (provisioned, suspended, reactivated).
    Tenant(TenantAccountEvent),
    /// A bill of materials' event.
    BillOfMaterials(BomEvent),
    /// A work order's event.
    WorkOrder(WorkOrderEvent),
    /// A quality check's event.
    QualityCheck(QualityCheckEvent),
    /// An asset's event.
    Asset(AssetEvent),
}

impl DomainEvent {
    /// The journal entry event, if it is one.
    #[must_use]
    pub fn journal_entry(&self) -> Option<&JournalEntryEvent> {
        match self {
            DomainEvent::JournalEntry(event) => Some(event),
            _ => None,
        }
    }

    /// Reads the externally tagged JSON `tagged` of an event `event_type` at `event_version`,
    /// recorded by `aggregate_type`, as stored or received: brought to the current version of
    /// its event first ([`upcasting`]), then read as [`DomainEvent::from_tagged`] reads it.
    ///
    /// # Errors
    /// When it cannot be upcast, the aggregate type is not one the projectors know, or the body
    /// does not fit.
    pub fn from_stored(
        aggregate_type: &str,
        event_type: &str,
        event_version: &str,
        tagged: serde_json::Value,
    ) -> Result<Self, DecodeError> {
        let (tagged, _) = upcasting::upcast_tagged(event_type, event_version, tagged)?;
        Self::from_tagged(aggregate_type, tagged)
    }

    /// [`DomainEvent::from_stored`] of the payload's JSON text: a current payload is read
    /// straight into its event, without building a JSON tree first (what a replay of millions
    /// of events spends most of its time on otherwise).
    ///
    /// # Errors
    /// As [`DomainEvent::from_stored`], and when the text is not JSON.
    pub fn from_stored_text(
        aggregate_type: &str,
        event_type: &str,
        event_version: &str,
        tagged: &str,
    ) -> Result<Self, DecodeError> {
        if upcasting::needs_upcast(event_type, event_version) {
            return Self::from_stored(aggregate_type, event_type, event_version, serde_json::from_str(tagged)?);
        }
        let mut body = serde_json::Deserializer::from_str(tagged);
        let event = Self::from_tagged(aggregate_type, &mut body)?;
        body.end()?;
        Ok(event)
    }

    /// Reads the externally tagged JSON (`{"<event type>": {...}}`) of an event recorded by
    /// `aggregate_type`, from a JSON tree or straight from its text.
    fn from_tagged<'de, D>(aggregate_type: &str, tagged: D) -> Result<Self, DecodeError>
    where
        D: serde::Deserializer<'de, Error = serde_json::Error>,
    {
        Ok(match aggregate_type {
            JournalEntry::TYPE => DomainEvent::JournalEntry(Deserialize::deserialize(tagged)?),
            ChartOfAccounts::TYPE => DomainEvent::Chart(Deserialize::deserialize(tagged)?),
            FiscalCalendar::TYPE => DomainEvent::Calendar(Deserialize::deserialize(tagged)?),
            TaxRates::TYPE => DomainEvent::TaxRates(Deserialize::deserialize(tagged)?),
            Budgets::TYPE => DomainEvent::Budgets(Deserialize::deserialize(tagged)?),
            ExchangeRates::TYPE => DomainEvent::ExchangeRates(Deserialize::deserialize(tagged)?),
            Invoice::TYPE => DomainEvent::Invoice(Deserialize::deserialize(tagged)?),
            Payment::TYPE => DomainEvent::Payment(Deserialize::deserialize(tagged)?),
            Item::TYPE => DomainEvent::Item(Deserialize::deserialize(tagged)?),
            Locations::TYPE => DomainEvent::Locations(Deserialize::deserialize(tagged)?),
            SupplySettings::TYPE => DomainEvent::SupplySettings(Deserialize::deserialize(tagged)?),
            Stock::TYPE => DomainEvent::Stock(Deserialize::deserialize(tagged)?),
            SalesOrder::TYPE => DomainEvent::SalesOrder(Deserialize::deserialize(tagged)?),
            PurchaseOrder::TYPE => DomainEvent::PurchaseOrder(Deserialize::deserialize(tagged)?),
            User::TYPE => DomainEvent::User(Deserialize::deserialize(tagged)?),
            Organization::TYPE => DomainEvent::Organization(Deserialize::deserialize(tagged)?),
            Roles::TYPE => DomainEvent::Roles(Deserialize::deserialize(tagged)?),
            Opportunity::TYPE => DomainEvent::Opportunity(Deserialize::deserialize(tagged)?),
            SupportTicket::TYPE => DomainEvent::SupportTicket(Deserialize::deserialize(tagged)?),
            Employee::TYPE => DomainEvent::Employee(Deserialize::deserialize(tagged)?),
            PayrollRun::TYPE => DomainEvent::PayrollRun(Deserialize::deserialize(tagged)?),
            PerformanceReview::TYPE => DomainEvent::PerformanceReview(Deserialize::deserialize(tagged)?),
            JobOpening::TYPE => DomainEvent::JobOpening(Deserialize::deserialize(tagged)?),
            LeaveAccount::TYPE => DomainEvent::LeaveAccount(Deserialize::deserialize(tagged)?),
            Customer::TYPE => DomainEvent::Customer(Deserialize::deserialize(tagged)?),
            BillOfMaterials::TYPE => DomainEvent::BillOfMaterials(Deserialize::deserialize(tagged)?),
            WorkOrder::TYPE => DomainEvent::WorkOrder(Deserialize::deserialize(tagged)?),
            QualityCheck::TYPE => DomainEvent::QualityCheck(Deserialize::deserialize(tagged)?),
            Asset::TYPE => DomainEvent::Asset(Deserialize::deserialize(tagged)?),
            TenantAccount::TYPE => DomainEvent::Tenant(Deserialize::deserialize(tagged)?),
            other => return Err(DecodeError::UnknownAggregate(other.to_owned())),
        })
    }
}

/// Why a record could not be decoded; such records go to the dead-letter topic.
#[derive(Debug, thiserror::Error)]
pub enum DecodeError {
    /// The headers are incomplete.
    #[error("envelope: {0}")]
    Envelope(#[from] prism_platform::envelope::EnvelopeError),
    /// The record has no value.
    #[error("record has no value")]
    Empty,
    /// The value is not Confluent Avro known to the registry.
    #[error("avro: {0}")]
    Avro(#[from] prism_platform::avro::AvroError),
    /// The body does not fit the event type.
    #[error("event body: {0}")]
    Body(#[from] serde_json::Error),
    /// The body is of an older version of its event that cannot be brought to the current one.
    #[error("{0}")]
    Upcast(#[from] prism_aggregates::upcasting::UpcastError),
    /// The event's aggregate is not one the projectors know.
    #[error("aggregate type {0} is not known to the projectors")]
    UnknownAggregate(String),
}

/// Decodes one record.
///
/// # Errors
/// When headers, Avro or body are not what the contract promises.
pub async fn decode(codec: &AvroCodec, message: &BorrowedMessage<'_>) -> Result<ProjectedEvent, DecodeError> {
    let headers = message.headers().ok_or(prism_platform::envelope::EnvelopeError::Missing("prism-event-id"))?;
    let envelope = EventEnvelope::from_headers(headers)?;
    let payload = message.payload().ok_or(DecodeError::Empty)?;
    let event = decode_value(codec, &envelope, payload).await?;
    Ok(ProjectedEvent {
        envelope,
        event,
        topic: message.topic().to_owned(),
        partition: message.partition(),
        offset: message.offset(),
    })
}

/// Decodes a record's value, Confluent Avro read with the schema its id names in the registry,
/// into the event the headers' `envelope` says it is (brought to the current version).
///
/// # Errors
/// When the value is not Confluent Avro known to the registry or the body does not fit.
pub async fn decode_value(
    codec: &AvroCodec,
    envelope: &EventEnvelope,
    payload: &[u8],
) -> Result<DomainEvent, DecodeError> {
    let (_, body) = codec.decode(payload).await?;
    let tagged = serde_json::json!({ envelope.event_type.clone(): body });
    DomainEvent::from_stored(&envelope.aggregate_type, &envelope.event_type, &envelope.event_version, tagged)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)] // test code: a panic is a failed test

    use serde_json::json;

    use super::*;

    /// Decodes `tagged` both ways a stored payload is read, and checks they agree.
    fn from_both(aggregate_type: &str, event_type: &str, version: &str, tagged: &serde_json::Value) -> DomainEvent {
        let from_tree = DomainEvent::from_stored(aggregate_type, event_type, version, tagged.clone()).unwrap();
        let from_text =
            DomainEvent::from_stored_text(aggregate_type, event_type, version, &tagged.to_string()).unwrap();
        assert_eq!(from_text, from_tree);
        from_text
    }

    #[test]
    fn stored_text_reads_as_the_json_tree_does_current_and_upcast() {
        let current = json!({"FunctionalCurrencySet": {"currency": "EUR"}});
        assert!(matches!(
            from_both(ExchangeRates::TYPE, "FunctionalCurrencySet", "1", &current),
            DomainEvent::ExchangeRates(ExchangeRatesEvent::FunctionalCurrencySet(_))
        ));
        let version_1 = json!({"ExchangeRateSet": {"currency": "USD", "functional_currency": "EUR",
            "date": "2026-01-01", "rate": "1.0825"}});
        let DomainEvent::ExchangeRates(ExchangeRatesEvent::ExchangeRateSet(set)) =
            from_both(ExchangeRates::TYPE, "ExchangeRateSet", "1", &version_1)
        else {
            panic!("not an exchange rate")
        };
        assert_eq!(set.rate_e9, 1_082_500_000, "upcast on the way in");
    }

    #[test]
    fn stored_text_with_trailing_bytes_or_of_an_unknown_aggregate_is_refused() {
        let text = r#"{"FunctionalCurrencySet": {"currency": "EUR"}} {}"#;
        let trailing = DomainEvent::from_stored_text(ExchangeRates::TYPE, "FunctionalCurrencySet", "1", text);
        assert!(matches!(trailing, Err(DecodeError::Body(_))), "{trailing:?}");
        let unknown = DomainEvent::from_stored_text("nowhere.nothing", "NothingHappened", "1", "{}");
        assert!(matches!(unknown, Err(DecodeError::UnknownAggregate(_))), "{unknown:?}");
    }
}
