//! Why an opportunity command was refused: one precise variant per rule, each naming the JSON
//! path of the input at fault ([`Refusal::field`], `None` when the opportunity's state forbids
//! the command), a stable machine code and its class: 422 invalid input, 404 no such
//! opportunity, 409 its state forbids the command.

use super::Stage;
use crate::crm::input::InputError;
use crate::money::CurrencyError;
use crate::refusal::{Refusal, RefusalKind};
use crate::supply::sales_order::SalesOrderError;

/// An opportunity command was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OpportunityError {
    /// `Open` on an opportunity that already exists.
    #[error("opportunity already exists")]
    AlreadyExists,
    /// Any command but `Open` on an opportunity never opened.
    #[error("opportunity not found")]
    NotFound,
    /// Any command on a won or lost opportunity.
    #[error("opportunity is {stage}: won and lost are final")]
    Closed {
        /// Its final stage.
        stage: Stage,
    },
    /// `Move` to the stage it is in, with the probability it has.
    #[error("opportunity is already in stage {stage} with that probability")]
    AlreadyInStage {
        /// Its stage.
        stage: Stage,
    },
    /// A stage that is not one of the pipeline's.
    #[error("stage {stage:?} is not lead, qualification, proposal or negotiation")]
    UnknownStage {
        /// The stage given.
        stage: String,
    },
    /// `Move` to won or lost, which `Win` and `Lose` do.
    #[error("stage {stage} is final: win or lose the opportunity instead")]
    FinalStage {
        /// The stage given.
        stage: Stage,
    },
    /// A probability outside 0–100.
    #[error("probability {probability} is not between 0 and 100")]
    InvalidProbability {
        /// The probability given.
        probability: i64,
    },
    /// A negative amount.
    #[error("amount_minor {amount_minor} is negative")]
    NegativeAmount {
        /// The amount given.
        amount_minor: i64,
    },
    /// The currency is invalid.
    #[error("currency is invalid: {reason}")]
    InvalidCurrency {
        /// Which currency rule failed.
        reason: CurrencyError,
    },
    /// A text input is blank or too long.
    #[error(transparent)]
    Input(#[from] InputError),
    /// The sales order a win would create breaks one of the sales order's rules.
    #[error("sales_order: {0}")]
    SalesOrder(SalesOrderError),
}

impl Refusal for OpportunityError {
    fn field(&self) -> Option<String> {
        use OpportunityError as E;
        let path = match self {
            E::NotFound | E::Closed { .. } | E::AlreadyInStage { .. } => return None,
            E::Input(input) => return input.field(),
            E::SalesOrder(order) => {
                return Some(
                    order.field().map_or_else(|| "sales_order".to_owned(), |field| format!("sales_order.{field}")),
                )
            }
            E::AlreadyExists => "opportunity_id",
            E::UnknownStage { .. } | E::FinalStage { .. } => "stage",
            E::InvalidProbability { .. } => "probability",
            E::NegativeAmount { .. } => "amount_minor",
            E::InvalidCurrency { .. } => "currency",
        };
        Some(path.to_owned())
    }

    fn code(&self) -> &'static str {
        use OpportunityError as E;
        match self {
            E::AlreadyExists => "opportunity_exists",
            E::NotFound => "opportunity_not_found",
            E::Closed { .. } => "opportunity_closed",
            E::AlreadyInStage { .. } => "already_in_stage",
            E::UnknownStage { .. } => "unknown_stage",
            E::FinalStage { .. } => "final_stage",
            E::InvalidProbability { .. } => "invalid_probability",
            E::NegativeAmount { .. } => "negative_amount",
            E::InvalidCurrency { .. } => "invalid_currency",
            E::Input(input) => input.code(),
            E::SalesOrder(order) => order.code(),
        }
    }

    fn kind(&self) -> RefusalKind {
        use OpportunityError as E;
        match self {
            E::NotFound => RefusalKind::NotFound,
            E::AlreadyExists | E::Closed { .. } | E::AlreadyInStage { .. } => RefusalKind::Conflict,
            E::Input(input) => input.kind(),
            E::SalesOrder(order) => order.kind(),
            E::UnknownStage { .. }
            | E::FinalStage { .. }
            | E::InvalidProbability { .. }
            | E::NegativeAmount { .. }
            | E::InvalidCurrency { .. } => RefusalKind::Invalid,
        }
    }
}
