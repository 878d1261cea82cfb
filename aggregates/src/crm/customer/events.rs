//! Facts about a customer. The serde JSON of each payload mirrors its Avro schema in
//! `schemas/avro/crm/` field for field (a test keeps them from drifting); the enum is
//! externally tagged: `{"CustomerRegistered": {...}}`. Topic `prism.crm.customer.v1`, key =
//! `customer_id`, version `1`.

use cqrs_es::DomainEvent;
use serde::{Deserialize, Serialize};

/// A contact of a customer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Contact {
    /// Id of the contact, unique within the customer.
    pub contact_id: String,
    /// Name of the person.
    pub name: String,
    /// Email address, if known.
    pub email: Option<String>,
    /// Phone number, if known.
    pub phone: Option<String>,
    /// What they do for the customer, if known.
    pub role: Option<String>,
}

/// An address of a customer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Address {
    /// Id of the address, unique within the customer.
    pub address_id: String,
    /// `billing`, `shipping` or `other`.
    pub kind: String,
    /// First line.
    pub line1: String,
    /// Second line, if any.
    pub line2: Option<String>,
    /// City.
    pub city: String,
    /// Postal code, if any.
    pub postal_code: Option<String>,
    /// Region or state, if any.
    pub region: Option<String>,
    /// ISO 3166-1 alpha-2 country code.
    pub country: String,
}

/// One custom field set or removed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomFieldChange {
    /// The field's name.
    pub name: String,
    /// Its new value as compact JSON text (`"gold"`, `42`, `{"a":1}`); `None`: removed.
    pub value_json: Option<String>,
}

/// A customer was registered: the seed event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomerRegistered {
    /// Id of the customer (the aggregate id).
    pub customer_id: String,
    /// Display name.
    pub name: String,
    /// ISO-4217 code of the currency the customer trades in.
    pub currency: String,
    /// Credit limit in minor units of `currency`; `None`: no limit.
    pub credit_limit_minor: Option<i64>,
    /// The first contacts.
    pub contacts: Vec<Contact>,
    /// The first addresses.
    pub addresses: Vec<Address>,
}

/// A customer's name changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomerRenamed {
    /// Id of the customer.
    pub customer_id: String,
    /// The new name.
    pub name: String,
}

/// A contact was added.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomerContactAdded {
    /// Id of the customer.
    pub customer_id: String,
    /// The contact.
    pub contact: Contact,
}

/// A contact was removed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomerContactRemoved {
    /// Id of the customer.
    pub customer_id: String,
    /// Id of the contact.
    pub contact_id: String,
}

/// An address was added.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomerAddressAdded {
    /// Id of the customer.
    pub customer_id: String,
    /// The address.
    pub address: Address,
}

/// An address was removed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomerAddressRemoved {
    /// Id of the customer.
    pub customer_id: String,
    /// Id of the address.
    pub address_id: String,
}

/// A customer's credit limit was replaced.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomerCreditLimitChanged {
    /// Id of the customer.
    pub customer_id: String,
    /// The new limit in minor units of `currency`; `None`: no limit.
    pub credit_limit_minor: Option<i64>,
    /// The customer's currency, which the limit is kept in.
    pub currency: String,
}

/// Custom fields were set or removed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomerCustomFieldsSet {
    /// Id of the customer.
    pub customer_id: String,
    /// The fields that changed, by name.
    pub fields: Vec<CustomFieldChange>,
}

/// A customer was deactivated: it takes no further change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomerDeactivated {
    /// Id of the customer.
    pub customer_id: String,
    /// Why, if given.
    pub reason: Option<String>,
}

/// Everything that can happen to a customer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum CustomerEvent {
    /// See [`CustomerRegistered`].
    CustomerRegistered(CustomerRegistered),
    /// See [`CustomerRenamed`].
    CustomerRenamed(CustomerRenamed),
    /// See [`CustomerContactAdded`].
    CustomerContactAdded(CustomerContactAdded),
    /// See [`CustomerContactRemoved`].
    CustomerContactRemoved(CustomerContactRemoved),
    /// See [`CustomerAddressAdded`].
    CustomerAddressAdded(CustomerAddressAdded),
    /// See [`CustomerAddressRemoved`].
    CustomerAddressRemoved(CustomerAddressRemoved),
    /// See [`CustomerCreditLimitChanged`].
    CustomerCreditLimitChanged(CustomerCreditLimitChanged),
    /// See [`CustomerCustomFieldsSet`].
    CustomerCustomFieldsSet(CustomerCustomFieldsSet),
    /// See [`CustomerDeactivated`].
    CustomerDeactivated(CustomerDeactivated),
}

impl CustomerEvent {
    /// Version of every customer event type's payload.
    pub const VERSION: &'static str = "1";

    /// The id of the customer the event is about.
    #[must_use]
    pub fn customer_id(&self) -> &str {
        match self {
            CustomerEvent::CustomerRegistered(e) => &e.customer_id,
            CustomerEvent::CustomerRenamed(e) => &e.customer_id,
            CustomerEvent::CustomerContactAdded(e) => &e.customer_id,
            CustomerEvent::CustomerContactRemoved(e) => &e.customer_id,
            CustomerEvent::CustomerAddressAdded(e) => &e.customer_id,
            CustomerEvent::CustomerAddressRemoved(e) => &e.customer_id,
            CustomerEvent::CustomerCreditLimitChanged(e) => &e.customer_id,
            CustomerEvent::CustomerCustomFieldsSet(e) => &e.customer_id,
            CustomerEvent::CustomerDeactivated(e) => &e.customer_id,
        }
    }
}

impl DomainEvent for CustomerEvent {
    fn event_type(&self) -> String {
        match self {
            CustomerEvent::CustomerRegistered(_) => "CustomerRegistered",
            CustomerEvent::CustomerRenamed(_) => "CustomerRenamed",
            CustomerEvent::CustomerContactAdded(_) => "CustomerContactAdded",
            CustomerEvent::CustomerContactRemoved(_) => "CustomerContactRemoved",
            CustomerEvent::CustomerAddressAdded(_) => "CustomerAddressAdded",
            CustomerEvent::CustomerAddressRemoved(_) => "CustomerAddressRemoved",
            CustomerEvent::CustomerCreditLimitChanged(_) => "CustomerCreditLimitChanged",
            CustomerEvent::CustomerCustomFieldsSet(_) => "CustomerCustomFieldsSet",
            CustomerEvent::CustomerDeactivated(_) => "CustomerDeactivated",
        }
        .to_owned()
    }

    fn event_version(&self) -> String {
        Self::VERSION.to_owned()
    }
}
