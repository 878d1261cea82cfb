//! From a Kafka record to a typed event: envelope from the headers, body from Confluent Avro
//! via the registry, brought to the current version of its event when it was written at an
//! older one ([`prism_aggregates::upcasting`]), then the domain event type of the aggregate
//! the envelope names.

use cqrs_es::Aggregate;
use prism_aggregates::finance::budget::{Budgets, BudgetsEvent};
use prism_aggregates::finance::calendar::{CalendarEvent, FiscalCalendar};
use prism_aggregates::finance::chart::{ChartEvent, ChartOfAccounts};
use prism_aggregates::finance::exchange_rates::{ExchangeRates, ExchangeRatesEvent};
use prism_aggregates::finance::invoice::{Invoice, InvoiceEvent};
use prism_aggregates::finance::journal_entry::{JournalEntry, JournalEntryEvent};
use prism_aggregates::finance::payment::{Payment, PaymentEvent};
use prism_aggregates::finance::tax::{TaxRates, TaxRatesEvent};
use prism_aggregates::identity::organization::{Organization, OrganizationEvent};
use prism_aggregates::identity::roles::{Roles, RolesEvent};
use prism_aggregates::identity::user::{User, UserEvent};
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
    /// its event first ([`upcasting`]), then read as [`DomainEvent::from_tagged_json`] reads it.
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
        Self::from_tagged_json(aggregate_type, tagged)
    }

    /// Reads the externally tagged JSON (`{"<event type>": {...}}`) of an event recorded by
    /// `aggregate_type`.
    ///
    /// # Errors
    /// When the aggregate type is not one the projectors know, or the body does not fit.
    pub fn from_tagged_json(aggregate_type: &str, tagged: serde_json::Value) -> Result<Self, DecodeError> {
        Ok(match aggregate_type {
            JournalEntry::TYPE => DomainEvent::JournalEntry(serde_json::from_value(tagged)?),
            ChartOfAccounts::TYPE => DomainEvent::Chart(serde_json::from_value(tagged)?),
            FiscalCalendar::TYPE => DomainEvent::Calendar(serde_json::from_value(tagged)?),
            TaxRates::TYPE => DomainEvent::TaxRates(serde_json::from_value(tagged)?),
            Budgets::TYPE => DomainEvent::Budgets(serde_json::from_value(tagged)?),
            ExchangeRates::TYPE => DomainEvent::ExchangeRates(serde_json::from_value(tagged)?),
            Invoice::TYPE => DomainEvent::Invoice(serde_json::from_value(tagged)?),
            Payment::TYPE => DomainEvent::Payment(serde_json::from_value(tagged)?),
            Item::TYPE => DomainEvent::Item(serde_json::from_value(tagged)?),
            Locations::TYPE => DomainEvent::Locations(serde_json::from_value(tagged)?),
            SupplySettings::TYPE => DomainEvent::SupplySettings(serde_json::from_value(tagged)?),
            Stock::TYPE => DomainEvent::Stock(serde_json::from_value(tagged)?),
            SalesOrder::TYPE => DomainEvent::SalesOrder(serde_json::from_value(tagged)?),
            PurchaseOrder::TYPE => DomainEvent::PurchaseOrder(serde_json::from_value(tagged)?),
            User::TYPE => DomainEvent::User(serde_json::from_value(tagged)?),
            Organization::TYPE => DomainEvent::Organization(serde_json::from_value(tagged)?),
            Roles::TYPE => DomainEvent::Roles(serde_json::from_value(tagged)?),
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
    let (_, body) = codec.decode(payload).await?;
    let tagged = serde_json::json!({ envelope.event_type.clone(): body });
    let event =
        DomainEvent::from_stored(&envelope.aggregate_type, &envelope.event_type, &envelope.event_version, tagged)?;
    Ok(ProjectedEvent {
        envelope,
        event,
        topic: message.topic().to_owned(),
        partition: message.partition(),
        offset: message.offset(),
    })
}
