//! Why an item command was refused.
//!
//! [`ItemError`] has one precise variant per rule, each naming the command input at fault
//! ([`Refusal::field`]: `sku`, `name`, `unit_of_measure`, `valuation_method`, `currency`,
//! `reorder_point`, `reorder_quantity`, `reason`; `None` when the item's state rather than an
//! input forbids the command), a stable machine code ([`Refusal::code`]) and its class
//! ([`Refusal::kind`]), so the HTTP layer maps it once (422 / 404 / 409).

use super::CodeError;
use crate::money::CurrencyError;
use crate::quantity::QuantityError;
use crate::refusal::{Refusal, RefusalKind};

/// An item command was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ItemError {
    /// The SKU is not a valid supply code.
    #[error("sku {sku:?} is invalid: {reason}")]
    InvalidSku {
        /// The SKU given.
        sku: String,
        /// Which code rule failed.
        reason: CodeError,
    },
    /// The item is already defined (discontinued or not).
    #[error("item {sku} already exists")]
    ItemExists {
        /// The SKU of the defined item.
        sku: String,
    },
    /// The name is empty or only whitespace.
    #[error("name must not be blank")]
    NameBlank,
    /// The name is too long.
    #[error("name has {chars} characters; at most {max} are allowed")]
    NameTooLong {
        /// Length in characters.
        chars: usize,
        /// The limit.
        max: usize,
    },
    /// A rename to the name the item already has.
    #[error("item {sku} is already named {name:?}; nothing to change")]
    NameUnchanged {
        /// The SKU.
        sku: String,
        /// Its current (and requested) name.
        name: String,
    },
    /// The unit of measure is empty or only whitespace.
    #[error("unit_of_measure must not be blank")]
    UnitBlank,
    /// The unit of measure is too long.
    #[error("unit_of_measure has {chars} characters; at most {max} are allowed")]
    UnitTooLong {
        /// Length in characters.
        chars: usize,
        /// The limit.
        max: usize,
    },
    /// The valuation method is neither `fifo` nor `moving_average`.
    #[error("valuation_method {valuation_method:?} is not one of fifo, moving_average")]
    InvalidValuationMethod {
        /// The method given.
        valuation_method: String,
    },
    /// The currency is not an ISO-4217 currency with a minor unit.
    #[error("currency is invalid: {reason}")]
    InvalidCurrency {
        /// Which currency rule failed.
        reason: CurrencyError,
    },
    /// The reorder point is not a decimal quantity of at most three decimals and the most
    /// units a quantity may have.
    #[error("reorder_point is invalid: {reason}")]
    InvalidReorderPoint {
        /// Which quantity rule failed.
        reason: QuantityError,
    },
    /// The reorder point is negative.
    #[error("reorder_point {text} is negative; it must be 0 or more")]
    NegativeReorderPoint {
        /// The reorder point given.
        text: String,
    },
    /// The reorder quantity is not a positive decimal quantity.
    #[error("reorder_quantity is invalid: {reason}")]
    InvalidReorderQuantity {
        /// Which quantity rule failed.
        reason: QuantityError,
    },
    /// A reorder quantity without a reorder point: there would be no level to reorder at.
    #[error("reorder_quantity needs a reorder_point")]
    ReorderQuantityWithoutPoint,
    /// The reason is empty or only whitespace (leave it out instead).
    #[error("reason must not be blank; leave it out instead")]
    ReasonBlank,
    /// The reason is too long.
    #[error("reason has {chars} characters; at most {max} are allowed")]
    ReasonTooLong {
        /// Length in characters.
        chars: usize,
        /// The limit.
        max: usize,
    },
    /// The item addressed has not been defined.
    #[error("the item is not defined")]
    ItemNotFound,
    /// The item is discontinued and takes no further change.
    #[error("item {sku} is discontinued and takes no further change")]
    Discontinued {
        /// The SKU.
        sku: String,
    },
}

impl Refusal for ItemError {
    fn field(&self) -> Option<String> {
        use ItemError as E;
        let field = match self {
            E::InvalidSku { .. } | E::ItemExists { .. } => "sku",
            E::NameBlank | E::NameTooLong { .. } | E::NameUnchanged { .. } => "name",
            E::UnitBlank | E::UnitTooLong { .. } => "unit_of_measure",
            E::InvalidValuationMethod { .. } => "valuation_method",
            E::InvalidCurrency { .. } => "currency",
            E::InvalidReorderPoint { .. } | E::NegativeReorderPoint { .. } => "reorder_point",
            E::InvalidReorderQuantity { .. } | E::ReorderQuantityWithoutPoint => "reorder_quantity",
            E::ReasonBlank | E::ReasonTooLong { .. } => "reason",
            E::ItemNotFound | E::Discontinued { .. } => return None,
        };
        Some(field.to_owned())
    }

    fn code(&self) -> &'static str {
        use ItemError as E;
        match self {
            E::InvalidSku { .. } => "invalid_sku",
            E::ItemExists { .. } => "item_exists",
            E::NameBlank => "name_blank",
            E::NameTooLong { .. } => "name_too_long",
            E::NameUnchanged { .. } => "name_unchanged",
            E::UnitBlank => "unit_of_measure_blank",
            E::UnitTooLong { .. } => "unit_of_measure_too_long",
            E::InvalidValuationMethod { .. } => "invalid_valuation_method",
            E::InvalidCurrency { .. } => "invalid_currency",
            E::InvalidReorderPoint { .. } => "invalid_reorder_point",
            E::NegativeReorderPoint { .. } => "negative_reorder_point",
            E::InvalidReorderQuantity { .. } => "invalid_reorder_quantity",
            E::ReorderQuantityWithoutPoint => "reorder_quantity_without_point",
            E::ReasonBlank => "reason_blank",
            E::ReasonTooLong { .. } => "reason_too_long",
            E::ItemNotFound => "item_not_found",
            E::Discontinued { .. } => "item_discontinued",
        }
    }

    fn kind(&self) -> RefusalKind {
        use ItemError as E;
        match self {
            E::ItemNotFound => RefusalKind::NotFound,
            E::ItemExists { .. } | E::Discontinued { .. } => RefusalKind::Conflict,
            E::InvalidSku { .. }
            | E::NameBlank
            | E::NameTooLong { .. }
            | E::NameUnchanged { .. }
            | E::UnitBlank
            | E::UnitTooLong { .. }
            | E::InvalidValuationMethod { .. }
            | E::InvalidCurrency { .. }
            | E::InvalidReorderPoint { .. }
            | E::NegativeReorderPoint { .. }
            | E::InvalidReorderQuantity { .. }
            | E::ReorderQuantityWithoutPoint
            | E::ReasonBlank
            | E::ReasonTooLong { .. } => RefusalKind::Invalid,
        }
    }
}
