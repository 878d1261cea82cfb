//! Commands to the supply settings. They carry raw inputs (a currency code as text) so that
//! every rule is decided, and reported with its field, in `handle`.

use serde::{Deserialize, Serialize};

/// A request to change the supply settings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub enum SupplySettingsCommand {
    /// Replace every supply setting.
    ConfigureSupply {
        /// Whether an issue may take an item's stock below zero.
        allow_negative_stock: bool,
        /// Purchase orders with a total above this, in minor units of `po_approval_currency`,
        /// need approval; 0 or more.
        po_approval_threshold_minor: i64,
        /// ISO-4217 code of the threshold's currency.
        po_approval_currency: String,
    },
}
