//! Redelivered customer events change nothing: applying a customer's whole history again, one
//! by one or in one batch, leaves its Postgres row and its MongoDB document as they were, and
//! a document event whose predecessor is missing is refused. The document holds the contacts
//! and addresses left, keyed by id, and the custom fields as JSON values. Runs against the real
//! Postgres and FerretDB.

#![allow(clippy::unwrap_used)] // test code: a panic is a failed test

mod common;

use common::{env, envelope, pool, projected, tenant};
use cqrs_es::{Aggregate, DomainEvent as _};
use mongodb::bson::{doc, Bson, Document};
use prism_aggregates::crm::customer::{
    Address, Contact, CustomFieldChange, Customer, CustomerAddressAdded, CustomerContactAdded, CustomerContactRemoved,
    CustomerCreditLimitChanged, CustomerCustomFieldsSet, CustomerDeactivated, CustomerEvent, CustomerRegistered,
    CustomerRenamed,
};
use prism_projections::decode::{DomainEvent, ProjectedEvent};
use prism_projections::projection::Projection;
use prism_projections::projectors::customer_documents::CUSTOMERS;
use prism_projections::projectors::mongo::{database_name, DocumentProjection};
use prism_projections::projectors::postgres::LedgerProjection;
use sqlx::PgPool;

fn contact(contact_id: &str) -> Contact {
    Contact {
        contact_id: contact_id.to_owned(),
        name: "Ada".to_owned(),
        email: Some("ada@contoso.example".to_owned()),
        phone: None,
        role: None,
    }
}

fn change(name: &str, value_json: Option<&str>) -> CustomFieldChange {
    CustomFieldChange { name: name.to_owned(), value_json: value_json.map(str::to_owned) }
}

/// Customer `C-1` registered with a contact and an address, renamed, given a second contact
/// and losing the first, a new credit limit, custom fields set then one removed, deactivated.
fn customer_history(tenant: &str) -> Vec<ProjectedEvent> {
    let id = || "C-1".to_owned();
    let address = Address {
        address_id: "address-1".to_owned(),
        kind: "billing".to_owned(),
        line1: "1 Main St".to_owned(),
        line2: None,
        city: "Berlin".to_owned(),
        postal_code: None,
        region: None,
        country: "DE".to_owned(),
    };
    let events = vec![
        CustomerEvent::CustomerRegistered(CustomerRegistered {
            customer_id: id(),
            name: "Contoso".to_owned(),
            currency: "EUR".to_owned(),
            credit_limit_minor: Some(100_000),
            contacts: vec![contact("contact-1")],
            addresses: vec![address.clone()],
        }),
        CustomerEvent::CustomerRenamed(CustomerRenamed { customer_id: id(), name: "Contoso Ltd".to_owned() }),
        CustomerEvent::CustomerContactAdded(CustomerContactAdded { customer_id: id(), contact: contact("ada") }),
        CustomerEvent::CustomerContactRemoved(CustomerContactRemoved {
            customer_id: id(),
            contact_id: "contact-1".to_owned(),
        }),
        CustomerEvent::CustomerAddressAdded(CustomerAddressAdded {
            customer_id: id(),
            address: Address { address_id: "dock".to_owned(), kind: "shipping".to_owned(), ..address },
        }),
        CustomerEvent::CustomerCreditLimitChanged(CustomerCreditLimitChanged {
            customer_id: id(),
            credit_limit_minor: Some(250_000),
            currency: "EUR".to_owned(),
        }),
        CustomerEvent::CustomerCustomFieldsSet(CustomerCustomFieldsSet {
            customer_id: id(),
            fields: vec![change("score", Some("42")), change("tier", Some("\"gold\""))],
        }),
        CustomerEvent::CustomerCustomFieldsSet(CustomerCustomFieldsSet {
            customer_id: id(),
            fields: vec![change("score", None), change("tags", Some("[\"key\"]"))],
        }),
        CustomerEvent::CustomerDeactivated(CustomerDeactivated {
            customer_id: id(),
            reason: Some("merged".to_owned()),
        }),
    ];
    (1_i64..)
        .zip(events)
        .map(|(sequence, event)| {
            let mut envelope = envelope(tenant, Customer::TYPE, "C-1", event.event_type(), sequence);
            envelope.global_position = 200 + sequence;
            projected(envelope, DomainEvent::Customer(event), format!("customers-{tenant}"), sequence)
        })
        .collect()
}

async fn row(pool: &PgPool, tenant: &str) -> Option<serde_json::Value> {
    sqlx::query_scalar(&format!("SELECT to_jsonb(c) FROM tenant_{tenant}.customers c WHERE customer_id = 'C-1'"))
        .fetch_optional(pool)
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn redelivered_customer_events_change_nothing_in_postgres() {
    let (pool, tenant) = (pool().await, tenant("c"));
    let projection = LedgerProjection::new(pool.clone());
    let history = customer_history(&tenant);
    for event in &history {
        projection.apply(event).await.unwrap();
    }
    let once = row(&pool, &tenant).await;
    for event in history.iter().rev() {
        projection.apply(event).await.unwrap();
    }
    projection.apply_batch(&history).await.unwrap();
    assert_eq!(row(&pool, &tenant).await, once);

    let customer = once.unwrap();
    assert_eq!(
        (customer["name"].as_str(), customer["credit_limit_minor"].as_i64(), customer["status"].as_str()),
        (Some("Contoso Ltd"), Some(250_000), Some("deactivated"))
    );
    assert_eq!(customer["last_position"].as_i64(), Some(209));
}

#[tokio::test(flavor = "multi_thread")]
async fn redelivered_customer_events_change_nothing_in_the_mongo_document() {
    let url = env("PRISM_MONGODB_URL", "mongodb://127.0.0.1:27117/");
    let projection = DocumentProjection::connect(&url).await.unwrap();
    let tenant = tenant("c");
    let customers = mongodb::Client::with_uri_str(&url)
        .await
        .unwrap()
        .database(&database_name(&tenant))
        .collection::<Document>(CUSTOMERS);
    let history = customer_history(&tenant);
    let document = || async { customers.find_one(doc! { "_id": "C-1" }).await.unwrap().unwrap() };

    projection.apply(&history[0]).await.unwrap();
    assert!(projection.apply(&history[2]).await.is_err(), "an event after a missing one is refused");
    for event in &history {
        projection.apply(event).await.unwrap();
    }
    let once = document().await;
    projection.apply_batch(&history).await.unwrap();
    projection.apply(&history[3]).await.unwrap();
    assert_eq!(document().await, once);

    assert_eq!(once.get_str("name").unwrap(), "Contoso Ltd");
    assert_eq!(once.get_i64("credit_limit_minor").unwrap(), 250_000);
    assert_eq!(
        (once.get_str("status").unwrap(), once.get_str("deactivation_reason").unwrap()),
        ("deactivated", "merged")
    );
    let contacts: Vec<&String> = once.get_document("contacts").unwrap().keys().collect();
    assert_eq!(contacts, ["ada"]);
    let addresses: Vec<&String> = once.get_document("addresses").unwrap().keys().collect();
    assert_eq!(addresses, ["address-1", "dock"]);
    let fields = once.get_document("custom_fields").unwrap();
    assert_eq!(fields.get("tier"), Some(&Bson::from("gold")));
    assert_eq!(fields.get("tags"), Some(&Bson::Array(vec![Bson::from("key")])));
    assert!(!fields.contains_key("score"), "a removed field is gone");
    assert_eq!(once.get_i64("last_sequence").unwrap(), 9);
}
