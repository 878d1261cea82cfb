//! Why a stock command was refused: one precise variant per rule, each naming the command
//! input at fault ([`Refusal::field`]: `quantity`, `to_location`, `reservation_id`…), a stable
//! machine code ([`Refusal::code`]) and its class ([`Refusal::kind`]), so the HTTP layer maps
//! it once (422 / 404 / 409 / 503).

use std::fmt;

use super::aggregate::ReservationStatus;
use crate::money::Currency;
use crate::quantity::QuantityError;
use crate::refusal::{Refusal, RefusalKind};

/// A quantity in thousandths, shown as the decimal it is (`12.5`, `-0.001`).
struct Milli(i64);

impl fmt::Display for Milli {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        let (units, thousandths) = (self.0.unsigned_abs() / 1_000, self.0.unsigned_abs() % 1_000);
        if thousandths == 0 {
            return write!(f, "{sign}{units}");
        }
        let fraction = format!("{thousandths:03}");
        write!(f, "{sign}{units}.{}", fraction.trim_end_matches('0'))
    }
}

/// A stock command was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StockError {
    /// The SKU is empty or only whitespace.
    #[error("sku must not be blank")]
    SkuBlank,
    /// The SKU is too long.
    #[error("sku has {chars} characters; at most {max} are allowed")]
    SkuTooLong {
        /// Length in characters.
        chars: usize,
        /// The limit.
        max: usize,
    },
    /// The command names another SKU than the stock it was sent to.
    #[error("sku {sku:?} is not this stock's item {stock_sku:?}")]
    SkuMismatch {
        /// The SKU of the command.
        sku: String,
        /// The SKU of the stock.
        stock_sku: String,
    },
    /// A location code is empty or only whitespace.
    #[error("{field} must not be blank")]
    LocationBlank {
        /// `location`, `from_location` or `to_location`.
        field: &'static str,
    },
    /// A location code is too long.
    #[error("{field} has {chars} characters; at most {max} are allowed")]
    LocationTooLong {
        /// `location`, `from_location` or `to_location`.
        field: &'static str,
        /// Length in characters.
        chars: usize,
        /// The limit.
        max: usize,
    },
    /// A quantity is not a positive decimal of at most three decimals and the most units.
    #[error("{field} is invalid: {reason}")]
    InvalidQuantity {
        /// `quantity` or `counted_quantity`.
        field: &'static str,
        /// Which quantity rule failed.
        reason: QuantityError,
    },
    /// A counted quantity is negative.
    #[error("counted_quantity {text:?} is negative; a count is 0 or more")]
    NegativeCount {
        /// The text given.
        text: String,
    },
    /// The unit cost is negative.
    #[error("unit_cost_minor must be 0 or more, got {unit_cost_minor}")]
    NegativeUnitCost {
        /// The cost given.
        unit_cost_minor: i64,
    },
    /// A reference was given but is empty or only whitespace.
    #[error("reference must not be blank when present")]
    ReferenceBlank,
    /// The reference is too long.
    #[error("reference has {chars} characters; at most {max} are allowed")]
    ReferenceTooLong {
        /// Length in characters.
        chars: usize,
        /// The limit.
        max: usize,
    },
    /// The reason of an adjustment is empty or only whitespace.
    #[error("reason must not be blank")]
    ReasonBlank,
    /// The reason is too long.
    #[error("reason has {chars} characters; at most {max} are allowed")]
    ReasonTooLong {
        /// Length in characters.
        chars: usize,
        /// The limit.
        max: usize,
    },
    /// A movement or reservation id is empty or only whitespace.
    #[error("{field} must not be blank")]
    IdBlank {
        /// `movement_id` or `reservation_id`.
        field: &'static str,
    },
    /// A movement or reservation id is too long.
    #[error("{field} has {chars} characters; at most {max} are allowed")]
    IdTooLong {
        /// `movement_id` or `reservation_id`.
        field: &'static str,
        /// Length in characters.
        chars: usize,
        /// The limit.
        max: usize,
    },
    /// A transfer to the location it leaves.
    #[error("to_location {location} is from_location; a transfer moves stock between two locations")]
    SameLocation {
        /// The location given for both.
        location: String,
    },
    /// The reservation id is taken by a different reservation.
    #[error("reservation {reservation_id} already exists for another location or quantity")]
    ReservationIdTaken {
        /// The id.
        reservation_id: String,
    },
    /// No reservation has the id.
    #[error("reservation {reservation_id} does not exist")]
    ReservationNotFound {
        /// The id.
        reservation_id: String,
    },
    /// The reservation is released or consumed already.
    #[error("reservation {reservation_id} is {}", status.as_str())]
    ReservationClosed {
        /// The id.
        reservation_id: String,
        /// `released` or `consumed`.
        status: ReservationStatus,
    },
    /// An issue against a reservation at another location.
    #[error("reservation {reservation_id} is at {reservation_location}, not {location}")]
    ReservationLocationMismatch {
        /// The id.
        reservation_id: String,
        /// Where the reservation is.
        reservation_location: String,
        /// The location.
        location: String,
    },
    /// There is no such item.
    #[error("item {sku} does not exist")]
    ItemNotFound {
        /// The SKU.
        sku: String,
    },
    /// A receipt of a discontinued item.
    #[error("item {sku} is discontinued and takes no receipts")]
    ItemDiscontinued {
        /// The SKU.
        sku: String,
    },
    /// The item's currency is no longer the one its stock is valued in.
    #[error("item's currency is {currency}, its stock is valued in {stock_currency}")]
    CurrencyChanged {
        /// The item's currency now.
        currency: Currency,
        /// The currency of the stock's values.
        stock_currency: Currency,
    },
    /// There is no such location.
    #[error("{field} {location} does not exist")]
    LocationNotFound {
        /// `location`, `from_location` or `to_location`.
        field: &'static str,
        /// The code given.
        location: String,
    },
    /// The location is closed.
    #[error("{field} {location} is closed")]
    LocationClosed {
        /// `location`, `from_location` or `to_location`.
        field: &'static str,
        /// The code given.
        location: String,
    },
    /// More is issued, transferred or reserved than is available, and negative stock is not
    /// allowed.
    #[error("quantity {} exceeds the {} available at {location}", Milli(*.requested_milli), Milli(*.available_milli))]
    InsufficientStock {
        /// The location.
        location: String,
        /// On hand less reserved there (plus what the reservation an issue is against still
        /// holds), thousandths.
        available_milli: i64,
        /// Quantity asked for, thousandths.
        requested_milli: i64,
    },
    /// Stock would be valued at a cost the location has never known: a shortfall or a count
    /// gain at a location that never received the item.
    #[error("{location} has no known unit cost to value {field} with; receive the item there first")]
    NoUnitCost {
        /// `quantity` or `counted_quantity`.
        field: &'static str,
        /// The location.
        location: String,
    },
    /// A quantity or value would not fit in 64 bits.
    #[error("{field} makes the stock's quantity or value overflow 64 bits")]
    Overflow {
        /// `quantity`, `counted_quantity` or `unit_cost_minor`.
        field: &'static str,
    },
    /// Reference data could not be read; nothing was recorded.
    #[error("the {lookup} could not be read: {reason}")]
    Unavailable {
        /// `item`, `location` or `negative stock setting`.
        lookup: &'static str,
        /// What failed.
        reason: String,
    },
}

impl Refusal for StockError {
    fn field(&self) -> Option<String> {
        use StockError as E;
        let path = match self {
            E::CurrencyChanged { .. } | E::Unavailable { .. } => return None,
            E::SkuBlank
            | E::SkuTooLong { .. }
            | E::SkuMismatch { .. }
            | E::ItemNotFound { .. }
            | E::ItemDiscontinued { .. } => "sku",
            E::LocationBlank { field }
            | E::LocationTooLong { field, .. }
            | E::InvalidQuantity { field, .. }
            | E::IdBlank { field }
            | E::IdTooLong { field, .. }
            | E::LocationNotFound { field, .. }
            | E::LocationClosed { field, .. }
            | E::NoUnitCost { field, .. }
            | E::Overflow { field } => field,
            E::NegativeCount { .. } => "counted_quantity",
            E::NegativeUnitCost { .. } => "unit_cost_minor",
            E::ReferenceBlank | E::ReferenceTooLong { .. } => "reference",
            E::ReasonBlank | E::ReasonTooLong { .. } => "reason",
            E::SameLocation { .. } => "to_location",
            E::ReservationIdTaken { .. } | E::ReservationNotFound { .. } | E::ReservationClosed { .. } => {
                "reservation_id"
            }
            E::ReservationLocationMismatch { .. } => "location",
            E::InsufficientStock { .. } => "quantity",
        };
        Some(path.to_owned())
    }

    fn code(&self) -> &'static str {
        use StockError as E;
        match self {
            E::SkuBlank => "sku_blank",
            E::SkuTooLong { .. } => "sku_too_long",
            E::SkuMismatch { .. } => "sku_mismatch",
            E::LocationBlank { .. } => "location_blank",
            E::LocationTooLong { .. } => "location_too_long",
            E::InvalidQuantity { .. } => "invalid_quantity",
            E::NegativeCount { .. } => "negative_count",
            E::NegativeUnitCost { .. } => "negative_unit_cost",
            E::ReferenceBlank => "reference_blank",
            E::ReferenceTooLong { .. } => "reference_too_long",
            E::ReasonBlank => "reason_blank",
            E::ReasonTooLong { .. } => "reason_too_long",
            E::IdBlank { .. } => "id_blank",
            E::IdTooLong { .. } => "id_too_long",
            E::SameLocation { .. } => "same_location",
            E::ReservationIdTaken { .. } => "reservation_id_taken",
            E::ReservationNotFound { .. } => "reservation_not_found",
            E::ReservationClosed { .. } => "reservation_closed",
            E::ReservationLocationMismatch { .. } => "reservation_location_mismatch",
            E::ItemNotFound { .. } => "item_not_found",
            E::ItemDiscontinued { .. } => "item_discontinued",
            E::CurrencyChanged { .. } => "currency_changed",
            E::LocationNotFound { .. } => "location_not_found",
            E::LocationClosed { .. } => "location_closed",
            E::InsufficientStock { .. } => "insufficient_stock",
            E::NoUnitCost { .. } => "no_unit_cost",
            E::Overflow { .. } => "overflow",
            E::Unavailable { .. } => "stock_services_unavailable",
        }
    }

    fn kind(&self) -> RefusalKind {
        use StockError as E;
        match self {
            E::ItemNotFound { .. } | E::ReservationNotFound { .. } => RefusalKind::NotFound,
            E::SkuMismatch { .. }
            | E::ReservationIdTaken { .. }
            | E::ReservationClosed { .. }
            | E::CurrencyChanged { .. } => RefusalKind::Conflict,
            E::Unavailable { .. } => RefusalKind::Unavailable,
            _ => RefusalKind::Invalid,
        }
    }
}
