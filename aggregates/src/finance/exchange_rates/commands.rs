//! Commands to the exchange rates. They carry raw inputs (strings) so that every rule is
//! decided, and reported with its field, in `handle`.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// A request to change the exchange rates.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub enum ExchangeRatesCommand {
    /// Set the functional currency: allowed once.
    SetFunctionalCurrency {
        /// ISO 4217 currency code (`EUR`).
        currency: String,
    },
    /// Set rates against the functional currency: each replaces the rate of its currency and
    /// date.
    SetExchangeRates {
        /// 1–`MAX_RATES_PER_COMMAND` rates, no currency and date twice.
        rates: Vec<RateInput>,
    },
}

/// One rate to set: 1 unit of `currency` = `rate` units of the functional currency from
/// `date` on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RateInput {
    /// ISO 4217 currency code; not the functional currency.
    pub currency: String,
    /// First date the rate applies to.
    pub date: NaiveDate,
    /// Positive decimal text (`0.92`), at most 9 integer and 9 fraction digits.
    pub rate: String,
}
