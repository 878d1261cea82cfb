//! Commands to the opportunity aggregate. They carry raw inputs (strings, wide integers) so
//! that every rule is decided, and reported with its field, in `decide`.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::supply::order_lines::OrderLineInput;

/// A request to change an opportunity.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum OpportunityCommand {
    /// Open a new opportunity as a lead: the first command of every opportunity.
    Open(OpenOpportunity),
    /// Move an open opportunity to another open stage.
    Move(MoveOpportunity),
    /// Win it. Final.
    Win(WinOpportunity),
    /// Lose it, with a reason. Final.
    Lose(LoseOpportunity),
}

/// Open opportunity `opportunity_id` in stage `lead`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OpenOpportunity {
    /// Id of the opportunity (the aggregate id), chosen by the API or the client.
    pub opportunity_id: Uuid,
    /// Id of the customer; non-blank, at most `MAX_ID_CHARS` characters.
    pub customer_id: String,
    /// What is being sold; non-blank, at most `MAX_TITLE_CHARS` characters.
    pub title: String,
    /// Expected amount, minor units of `currency`; not negative.
    pub amount_minor: i64,
    /// ISO-4217 code of the amount.
    pub currency: String,
    /// When the sale is expected to close.
    pub expected_close_date: NaiveDate,
    /// Id of the user who owns it; non-blank, at most `MAX_ID_CHARS` characters.
    pub owner: String,
    /// Probability in percent, 0–100; the lead stage's default (10) when absent.
    #[serde(default)]
    pub probability: Option<i64>,
}

/// Move an open opportunity to `stage`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MoveOpportunity {
    /// The open stage to move to: `lead`, `qualification`, `proposal` or `negotiation`.
    pub stage: String,
    /// Probability in percent, 0–100; the stage's default when absent.
    #[serde(default)]
    pub probability: Option<i64>,
}

/// Win an open opportunity.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WinOpportunity {
    /// The day it was won.
    pub won_on: NaiveDate,
    /// The sales order the win creates, if any: the order-fulfilment process places it for the
    /// opportunity's customer, in its currency.
    #[serde(default)]
    pub sales_order: Option<WinSalesOrder>,
}

/// The sales order a won opportunity creates: what `PlaceOrder` needs beyond the opportunity's
/// customer and currency, checked by the sales order's own rules when the opportunity is won.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WinSalesOrder {
    /// Id the order will have.
    pub order_id: Uuid,
    /// Name of the customer on the order; non-blank.
    pub customer_name: String,
    /// Code of the location the order ships from; non-blank.
    pub ship_from: String,
    /// The order's lines, priced in the opportunity's currency.
    pub lines: Vec<OrderLineInput>,
}

/// Lose an open opportunity.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LoseOpportunity {
    /// Why; non-blank, at most `MAX_REASON_CHARS` characters.
    pub reason: String,
}
