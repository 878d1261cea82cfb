//! Commands to the tax rates. They carry raw inputs (strings, wide integers) so that every
//! rule is decided, and reported with its field, in `handle`.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// A request to change the tax rates.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub enum TaxRatesCommand {
    /// Define a new tax code.
    DefineTaxRate(DefineTaxRate),
    /// Change a tax code's rate from a date on.
    ChangeTaxRate {
        /// Code of a tax rate that is not retired.
        code: String,
        /// The new rate in basis points, 0 to `MAX_RATE_BP`.
        rate_bp: i64,
        /// First document date the new rate applies to; strictly after the latest change's.
        effective_from: NaiveDate,
    },
    /// Stop a tax code being used on new documents.
    RetireTaxRate {
        /// Code of a tax rate that is not retired.
        code: String,
    },
}

/// Define a tax code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DefineTaxRate {
    /// Tax code, not yet defined: 1–`MAX_CODE_CHARS` ASCII letters, digits, `-` and `_`,
    /// starting with a letter or digit (`VAT20`).
    pub code: String,
    /// Display name; non-blank, at most `MAX_NAME_CHARS` characters.
    pub name: String,
    /// The rate in basis points, 0 to `MAX_RATE_BP` (2000 = 20 %).
    pub rate_bp: i64,
    /// Account that collects tax charged on sales; a valid
    /// [`crate::finance::account::AccountCode`].
    pub sales_account: String,
    /// Account that collects tax paid on purchases; a valid
    /// [`crate::finance::account::AccountCode`].
    pub purchase_account: String,
}
