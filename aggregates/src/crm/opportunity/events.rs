//! Facts about an opportunity. The serde JSON of each payload mirrors its Avro schema in
//! `schemas/avro/crm/` field for field (a test keeps them from drifting); the enum is
//! externally tagged: `{"OpportunityWon": {...}}`. Topic `prism.crm.opportunity.v1`, key =
//! `opportunity_id`, version `1`.

use chrono::NaiveDate;
use cqrs_es::DomainEvent;
use serde::{Deserialize, Serialize};

use crate::supply::order_lines::OrderLine;

/// An opportunity was opened as a lead: the seed event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpportunityOpened {
    /// Id of the opportunity (the aggregate id), a UUID.
    pub opportunity_id: String,
    /// Id of the customer.
    pub customer_id: String,
    /// What is being sold.
    pub title: String,
    /// Expected amount, minor units of `currency`.
    pub amount_minor: i64,
    /// ISO-4217 code of the amount.
    pub currency: String,
    /// When the sale is expected to close.
    pub expected_close_date: NaiveDate,
    /// Id of the owning user.
    pub owner: String,
    /// The first stage: `lead`.
    pub stage: String,
    /// Probability in percent, 0–100.
    pub probability: i32,
}

/// An open opportunity moved to another open stage.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpportunityStageChanged {
    /// Id of the opportunity.
    pub opportunity_id: String,
    /// The stage it left.
    pub from_stage: String,
    /// The stage it is in now.
    pub stage: String,
    /// Its probability in percent now, 0–100.
    pub probability: i32,
}

/// The opportunity was won. Final.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpportunityWon {
    /// Id of the opportunity.
    pub opportunity_id: String,
    /// Id of the customer.
    pub customer_id: String,
    /// The amount won, minor units of `currency`.
    pub amount_minor: i64,
    /// ISO-4217 code of the amount.
    pub currency: String,
    /// The day it was won.
    pub won_on: NaiveDate,
    /// The stage it was won from.
    pub from_stage: String,
    /// The sales order the win creates, placed by the order-fulfilment process; `None` when
    /// the win creates none (and in events recorded before wins could create one).
    #[serde(default)]
    pub sales_order: Option<WonSalesOrder>,
}

/// The sales order a win creates, as `OrderPlaced` will record it for the opportunity's
/// customer and currency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WonSalesOrder {
    /// Id of the order, a UUID.
    pub order_id: String,
    /// Name of the customer.
    pub customer_name: String,
    /// Code of the location it ships from.
    pub ship_from: String,
    /// The priced lines, numbered from 1.
    pub lines: Vec<OrderLine>,
    /// Sum of the line nets, minor units of the opportunity's currency.
    pub total_minor: i64,
}

/// The opportunity was lost. Final.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpportunityLost {
    /// Id of the opportunity.
    pub opportunity_id: String,
    /// Why.
    pub reason: String,
    /// The stage it was lost from.
    pub from_stage: String,
}

/// Everything that can happen to an opportunity.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum OpportunityEvent {
    /// See [`OpportunityOpened`].
    OpportunityOpened(OpportunityOpened),
    /// See [`OpportunityStageChanged`].
    OpportunityStageChanged(OpportunityStageChanged),
    /// See [`OpportunityWon`].
    OpportunityWon(OpportunityWon),
    /// See [`OpportunityLost`].
    OpportunityLost(OpportunityLost),
}

impl OpportunityEvent {
    /// Version of every opportunity event type's payload.
    pub const VERSION: &'static str = "1";
}

impl DomainEvent for OpportunityEvent {
    fn event_type(&self) -> String {
        match self {
            OpportunityEvent::OpportunityOpened(_) => "OpportunityOpened",
            OpportunityEvent::OpportunityStageChanged(_) => "OpportunityStageChanged",
            OpportunityEvent::OpportunityWon(_) => "OpportunityWon",
            OpportunityEvent::OpportunityLost(_) => "OpportunityLost",
        }
        .to_owned()
    }

    fn event_version(&self) -> String {
        Self::VERSION.to_owned()
    }
}
