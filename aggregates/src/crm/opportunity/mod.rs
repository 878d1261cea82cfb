//! The opportunity aggregate (`crm.opportunity`): a possible sale to a customer, from the lead
//! it starts as through the pipeline stages to won or lost. Events go to topic
//! `prism.crm.opportunity.v1`, key = opportunity id (a UUID, the aggregate id), Avro namespace
//! `prism.crm`, version `1`.
//!
//! ```text
//! lead → qualification → proposal → negotiation → won
//!   (any open stage to any other open stage)     ↘ lost (from any open stage, with a reason)
//! ```
//!
//! A lead is the opportunity's first stage, not an aggregate of its own: qualifying a lead is
//! moving it to `qualification`, so a lead and the opportunity it becomes share one id, one
//! history and one place in the pipeline read model, and no saga has to carry a lead over.
//!
//! - The amount is integer minor units (≥ 0) of an ISO-4217 currency, fixed when opened.
//! - Each stage has a default probability in percent ([`Stage::default_probability`]: lead 10,
//!   qualification 25, proposal 50, negotiation 75, won 100, lost 0); opening or moving an
//!   open opportunity may override it with 0–100. Expected revenue = amount × probability / 100.
//! - `won` and `lost` are final: every command after them is 409 `opportunity_closed`. Losing
//!   needs a reason. Winning may create a sales order for the opportunity's customer, in its
//!   currency: the win carries the order's id, customer name, ship-from location and lines,
//!   checked by the sales order's own rules (a refusal names `sales_order.<field>`), and
//!   `OpportunityWon` records the order as `OrderPlaced` will; the order-fulfilment process
//!   places it.
//! - Every refusal names its field (`stage`, `probability`, `amount_minor`, `currency`,
//!   `customer_id`, `title`, `owner`, `reason`) and records nothing.

mod aggregate;
mod commands;
mod errors;
mod events;
mod stage;

#[cfg(test)]
mod tests;

pub use aggregate::Opportunity;
pub use commands::{
    LoseOpportunity, MoveOpportunity, OpenOpportunity, OpportunityCommand, WinOpportunity, WinSalesOrder,
};
pub use errors::OpportunityError;
pub use events::{
    OpportunityEvent, OpportunityLost, OpportunityOpened, OpportunityStageChanged, OpportunityWon, WonSalesOrder,
};
pub use stage::Stage;
