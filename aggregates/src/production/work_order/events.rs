//! Facts about a work order. The serde JSON of each payload mirrors its Avro schema in
//! `schemas/avro/production/` field for field (a test keeps them from drifting); the enum is
//! externally tagged. Topic `prism.production.work-order.v1`, key = `work_order_id`, version
//! `1`.

use chrono::NaiveDate;
use cqrs_es::DomainEvent;
use serde::{Deserialize, Serialize};

/// How much of one component a work order needs in all.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ComponentRequirement {
    /// SKU of the component.
    pub component_sku: String,
    /// Thousandths of its unit: quantity per unit × order quantity, rounded up.
    pub quantity_milli: i64,
}

/// A work order was planned: the seed event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkOrderPlanned {
    /// Id of the work order (the aggregate id), a UUID.
    pub work_order_id: String,
    /// The item to make.
    pub sku: String,
    /// Quantity to make, thousandths.
    pub quantity_milli: i64,
    /// The version of the item's bill of materials it is made by.
    pub bom_version: i32,
    /// Where components come from and the goods go.
    pub location: String,
    /// When it is due.
    pub due_date: Option<NaiveDate>,
    /// What it needs, in the bill's line order.
    pub components: Vec<ComponentRequirement>,
}

/// A planned work order was released to the floor.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkOrderReleased {
    /// Id of the work order.
    pub work_order_id: String,
}

/// Production of a released work order started: its components are consumed from stock.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProductionStarted {
    /// Id of the work order.
    pub work_order_id: String,
    /// The item being made.
    pub sku: String,
    /// Where the components are taken from.
    pub location: String,
    /// What is consumed, as planned.
    pub components: Vec<ComponentRequirement>,
}

/// A work order in progress was completed. Final.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkOrderCompleted {
    /// Id of the work order.
    pub work_order_id: String,
    /// The item made.
    pub sku: String,
    /// Where the goods are received.
    pub location: String,
    /// Quantity planned, thousandths.
    pub planned_quantity_milli: i64,
    /// Good quantity made, thousandths.
    pub good_quantity_milli: i64,
    /// Quantity scrapped in the run, thousandths (0 when none).
    pub scrapped_quantity_milli: i64,
}

/// An open work order was scrapped. Final.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkOrderScrapped {
    /// Id of the work order.
    pub work_order_id: String,
    /// The item it was to make.
    pub sku: String,
    /// Why.
    pub reason: String,
    /// The status it was scrapped from: `planned`, `released` or `in_progress` (its
    /// components consumed).
    pub from_status: String,
}

/// Everything that can happen to a work order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum WorkOrderEvent {
    /// See [`WorkOrderPlanned`].
    WorkOrderPlanned(WorkOrderPlanned),
    /// See [`WorkOrderReleased`].
    WorkOrderReleased(WorkOrderReleased),
    /// See [`ProductionStarted`].
    ProductionStarted(ProductionStarted),
    /// See [`WorkOrderCompleted`].
    WorkOrderCompleted(WorkOrderCompleted),
    /// See [`WorkOrderScrapped`].
    WorkOrderScrapped(WorkOrderScrapped),
}

impl WorkOrderEvent {
    /// Version of every work-order event type's payload.
    pub const VERSION: &'static str = "1";
}

impl DomainEvent for WorkOrderEvent {
    fn event_type(&self) -> String {
        match self {
            WorkOrderEvent::WorkOrderPlanned(_) => "WorkOrderPlanned",
            WorkOrderEvent::WorkOrderReleased(_) => "WorkOrderReleased",
            WorkOrderEvent::ProductionStarted(_) => "ProductionStarted",
            WorkOrderEvent::WorkOrderCompleted(_) => "WorkOrderCompleted",
            WorkOrderEvent::WorkOrderScrapped(_) => "WorkOrderScrapped",
        }
        .to_owned()
    }

    fn event_version(&self) -> String {
        Self::VERSION.to_owned()
    }
}
