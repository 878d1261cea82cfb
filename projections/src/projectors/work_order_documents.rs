//! What each work order event writes to its work order's MongoDB document, in collection
//! `work_orders` (`_id` = work order id): the plan inserts the document (item, quantity, bill
//! version, location, due date, the components the bill requires, the status history); every
//! later event is one update — `$set` of the status and of what it settled (the good and
//! scrapped quantities of a completion, the reason of a scrap) and `$push` of a status-history
//! entry (status, moment, user, reason). The caller applies an update only to the document at
//! the event's previous sequence ([`super::mongo`]), exactly as for an order ([`OrderWrite`]).

use mongodb::bson::{doc, Bson, Document};
use prism_aggregates::production::work_order::{ComponentRequirement, WorkOrderEvent, WorkOrderStatus};

use super::mongo::history_item;
use super::order_documents::{status_set, update, OrderWrite};
use crate::decode::{DomainEvent, ProjectedEvent};

/// Collection of work order documents.
pub const WORK_ORDERS: &str = "work_orders";

/// The collection and write of `event` when it is a work order's.
#[must_use]
pub fn work_order_write(event: &ProjectedEvent) -> Option<(&'static str, OrderWrite)> {
    let DomainEvent::WorkOrder(order) = &event.event else { return None };
    let set = match order {
        WorkOrderEvent::WorkOrderPlanned(planned) => {
            let planned_status = WorkOrderStatus::Planned.as_str();
            return Some((
                WORK_ORDERS,
                OrderWrite::Insert(doc! {
                    "_id": &planned.work_order_id,
                    "work_order_id": &planned.work_order_id,
                    "tenant": &event.envelope.tenant,
                    "sku": &planned.sku,
                    "quantity_milli": planned.quantity_milli,
                    "bom_version": planned.bom_version,
                    "location": &planned.location,
                    "due_date": planned.due_date.map_or(Bson::Null, |day| Bson::String(day.to_string())),
                    "components": components(&planned.components),
                    "status": planned_status,
                    "good_quantity_milli": Bson::Null,
                    "scrapped_quantity_milli": Bson::Null,
                    "scrap_reason": Bson::Null,
                    "status_history": [history_item(planned_status, event, None)],
                    "last_sequence": event.envelope.sequence,
                    "last_position": event.envelope.global_position,
                }),
            ));
        }
        WorkOrderEvent::WorkOrderReleased(_) => status_set(WorkOrderStatus::Released.as_str(), event, None),
        WorkOrderEvent::ProductionStarted(_) => status_set(WorkOrderStatus::InProgress.as_str(), event, None),
        WorkOrderEvent::WorkOrderCompleted(completed) => {
            let mut set = status_set(WorkOrderStatus::Completed.as_str(), event, None);
            set.fields.insert("good_quantity_milli", completed.good_quantity_milli);
            set.fields.insert("scrapped_quantity_milli", completed.scrapped_quantity_milli);
            set
        }
        WorkOrderEvent::WorkOrderScrapped(scrapped) => {
            let mut set = status_set(WorkOrderStatus::Scrapped.as_str(), event, Some(&scrapped.reason));
            set.fields.insert("scrap_reason", &scrapped.reason);
            set
        }
    };
    Some((WORK_ORDERS, OrderWrite::Update(update(set, None, None, event))))
}

/// The components a work order requires, in bill order.
fn components(components: &[ComponentRequirement]) -> Vec<Document> {
    components
        .iter()
        .map(|component| {
            doc! { "component_sku": &component.component_sku, "quantity_milli": component.quantity_milli }
        })
        .collect()
}
