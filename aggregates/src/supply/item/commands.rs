//! Commands to an item. They carry raw inputs (strings, quantities as written) so that every
//! rule is decided, and reported with its field, in `handle`.

use serde::{Deserialize, Serialize};

use crate::quantity::Quantity;

/// A request to change an item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub enum ItemCommand {
    /// Add the item to the catalog.
    DefineItem(DefineItem),
    /// Replace the item's reorder policy; both absent clears it. Nothing is recorded when the
    /// policy stays as it is.
    ChangeReorderPolicy {
        /// Stock level at or below which to reorder: a non-negative quantity (0 allowed).
        #[serde(default)]
        reorder_point: Option<Quantity>,
        /// How much to order then: a positive quantity; only with a `reorder_point`.
        #[serde(default)]
        reorder_quantity: Option<Quantity>,
    },
    /// Change the item's display name.
    RenameItem {
        /// The new name; non-blank, at most `MAX_NAME_CHARS` characters, not the current one.
        name: String,
    },
    /// Stop the item taking any further change; its history stays.
    DiscontinueItem {
        /// Why, if given; non-blank, at most `MAX_REASON_CHARS` characters.
        #[serde(default)]
        reason: Option<String>,
    },
}

/// Define an item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DefineItem {
    /// The SKU, which is also the aggregate id: 1–`MAX_CODE_CHARS` characters of `A`–`Z`,
    /// `0`–`9`, `-`, `.` and `_`, starting with a letter or digit.
    pub sku: String,
    /// Display name; non-blank, at most `MAX_NAME_CHARS` characters.
    pub name: String,
    /// The unit stock is counted in (`each`, `kg`); non-blank, at most `MAX_UNIT_CHARS`
    /// characters.
    pub unit_of_measure: String,
    /// `fifo` or `moving_average`; never changes.
    pub valuation_method: String,
    /// ISO-4217 code of the currency the item's stock is valued in; never changes.
    pub currency: String,
    /// Stock level at or below which to reorder: a non-negative quantity (0 allowed).
    #[serde(default)]
    pub reorder_point: Option<Quantity>,
    /// How much to order then: a positive quantity; only with a `reorder_point`.
    #[serde(default)]
    pub reorder_quantity: Option<Quantity>,
}
