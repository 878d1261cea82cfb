//! What each customer event writes to its customer's MongoDB document, in collection
//! `customers` (`_id` = customer id): the seed event inserts the document (name, currency,
//! credit limit, status, contacts and addresses each keyed by its id, empty custom fields);
//! every later event is one update — `$set` of the name, credit limit or status, `$set` /
//! `$unset` of `contacts.<id>`, `addresses.<id>` and `custom_fields.<name>` (the field's JSON
//! value as BSON). Keys are safe in a dotted path: ids are `A`–`Z`, `a`–`z`, `0`–`9`, `-`, `_`
//! and field names `a`–`z`, `0`–`9`, `_`. (Keyed documents rather than arrays, because
//! FerretDB does not take a `$pull` by condition.) The caller applies an update only to the
//! document at the event's previous sequence ([`super::mongo`]), exactly as for an order
//! ([`OrderWrite`]).

use mongodb::bson::{doc, Bson, Document};
use prism_aggregates::crm::customer::{Address, Contact, CustomerEvent};

use super::order_documents::OrderWrite;
use crate::decode::{DomainEvent, ProjectedEvent};

/// Collection of customer documents.
pub const CUSTOMERS: &str = "customers";

/// The collection and write of `event` when it is a customer's.
#[must_use]
pub fn customer_write(event: &ProjectedEvent) -> Option<(&'static str, OrderWrite)> {
    let DomainEvent::Customer(customer) = &event.event else { return None };
    let mut update = match customer {
        CustomerEvent::CustomerRegistered(registered) => {
            return Some((
                CUSTOMERS,
                OrderWrite::Insert(doc! {
                    "_id": &registered.customer_id,
                    "customer_id": &registered.customer_id,
                    "tenant": &event.envelope.tenant,
                    "name": &registered.name,
                    "currency": &registered.currency,
                    "credit_limit_minor": registered.credit_limit_minor,
                    "status": "active",
                    "deactivation_reason": Bson::Null,
                    "contacts": keyed(registered.contacts.iter().map(|c| (&c.contact_id, contact_document(c)))),
                    "addresses": keyed(registered.addresses.iter().map(|a| (&a.address_id, address_document(a)))),
                    "custom_fields": {},
                    "registered_at": event.envelope.occurred_at.to_rfc3339(),
                    "last_sequence": event.envelope.sequence,
                    "last_position": event.envelope.global_position,
                }),
            ));
        }
        CustomerEvent::CustomerRenamed(renamed) => doc! { "$set": { "name": &renamed.name } },
        CustomerEvent::CustomerContactAdded(added) => {
            let path = format!("contacts.{}", added.contact.contact_id);
            doc! { "$set": { path: contact_document(&added.contact) } }
        }
        CustomerEvent::CustomerContactRemoved(removed) => {
            doc! { "$unset": { format!("contacts.{}", removed.contact_id): "" } }
        }
        CustomerEvent::CustomerAddressAdded(added) => {
            let path = format!("addresses.{}", added.address.address_id);
            doc! { "$set": { path: address_document(&added.address) } }
        }
        CustomerEvent::CustomerAddressRemoved(removed) => {
            doc! { "$unset": { format!("addresses.{}", removed.address_id): "" } }
        }
        CustomerEvent::CustomerCreditLimitChanged(changed) => {
            doc! { "$set": { "credit_limit_minor": changed.credit_limit_minor } }
        }
        CustomerEvent::CustomerCustomFieldsSet(set) => {
            custom_fields_update(set.fields.iter().map(|f| (&f.name, f.value_json.as_deref())))
        }
        CustomerEvent::CustomerDeactivated(deactivated) => {
            let reason = optional(deactivated.reason.as_ref());
            doc! { "$set": { "status": "deactivated", "deactivation_reason": reason } }
        }
    };
    let set = update.entry("$set".to_owned()).or_insert_with(|| Bson::Document(Document::new()));
    if let Bson::Document(set) = set {
        set.insert("last_sequence", event.envelope.sequence);
        set.insert("last_position", event.envelope.global_position);
    }
    Some((CUSTOMERS, OrderWrite::Update(update)))
}

/// `$set` of each field given a value and `$unset` of each removed one, under `custom_fields`.
/// A value that is not JSON (which `decide` never records) is kept as its text.
fn custom_fields_update<'a>(fields: impl Iterator<Item = (&'a String, Option<&'a str>)>) -> Document {
    let (mut set, mut unset) = (Document::new(), Document::new());
    for (name, value_json) in fields {
        let path = format!("custom_fields.{name}");
        match value_json {
            Some(json) => {
                let value = serde_json::from_str::<serde_json::Value>(json)
                    .ok()
                    .and_then(|value| mongodb::bson::to_bson(&value).ok())
                    .unwrap_or_else(|| Bson::from(json));
                set.insert(path, value);
            }
            None => {
                unset.insert(path, "");
            }
        }
    }
    let mut update = doc! { "$set": set };
    if !unset.is_empty() {
        update.insert("$unset", unset);
    }
    update
}

/// A document of `entries`, each under its id.
fn keyed<'a>(entries: impl Iterator<Item = (&'a String, Document)>) -> Document {
    entries.map(|(id, entry)| (id.clone(), Bson::Document(entry))).collect()
}

fn optional(text: Option<&String>) -> Bson {
    text.map_or(Bson::Null, |text| Bson::from(text.as_str()))
}

fn contact_document(contact: &Contact) -> Document {
    doc! {
        "contact_id": &contact.contact_id,
        "name": &contact.name,
        "email": optional(contact.email.as_ref()),
        "phone": optional(contact.phone.as_ref()),
        "role": optional(contact.role.as_ref()),
    }
}

fn address_document(address: &Address) -> Document {
    doc! {
        "address_id": &address.address_id,
        "kind": &address.kind,
        "line1": &address.line1,
        "line2": optional(address.line2.as_ref()),
        "city": &address.city,
        "postal_code": optional(address.postal_code.as_ref()),
        "region": optional(address.region.as_ref()),
        "country": &address.country,
    }
}
