//! The exchange rates aggregate: the tenant's functional currency — the one its ledger is
//! kept in — and the rate of every other currency against it, per date.
//!
//! There is one exchange-rates aggregate per tenant, [`EXCHANGE_RATES_ID`]. The functional
//! currency is set once and never changes. A rate means: 1 unit of `currency` = `rate` units of
//! the functional currency, from its date until the next rate of that currency. A rate is
//! decimal text with at most [`MAX_RATE_INTEGER_DIGITS`] integer and
//! [`MAX_RATE_FRACTION_DIGITS`] fraction digits, held exactly as `rate_e9` (rate × 10⁹) — never
//! a float. One command sets up to [`MAX_RATES_PER_COMMAND`] rates and records one
//! [`ExchangeRateSet`] per rate it adds or changes — none for a rate it leaves as it was.
//! [`ExchangeRates::rate_on`] and [`ExchangeRates::to_functional`] convert an amount;
//! [`ExchangeRates::price_lines`] gives every line of a posting its functional amount.
//!
//! Every limit below is enforced in [`ExchangeRates::decide`] and tested at the limit.

mod aggregate;
mod commands;
mod errors;
mod events;
mod pricing;

#[cfg(test)]
mod tests;

pub use aggregate::{format_rate_e9, parse_rate, ExchangeRates};
pub use commands::{ExchangeRatesCommand, RateInput};
pub use errors::{ExchangeRatesError, RateRefusal, RateTextError};
pub use events::{ExchangeRateSet, ExchangeRatesEvent, FunctionalCurrencySet};

/// Id of the one exchange-rates aggregate of a tenant.
pub const EXCHANGE_RATES_ID: &str = "exchange-rates";
/// Most rates one command may set.
pub const MAX_RATES_PER_COMMAND: usize = 1_000;
/// Most digits before the decimal point of a rate.
pub const MAX_RATE_INTEGER_DIGITS: usize = 9;
/// Most digits after the decimal point of a rate.
pub const MAX_RATE_FRACTION_DIGITS: usize = 9;
/// `rate_e9` of a rate of 1: rates are held as rate × 10⁹.
pub const RATE_SCALE: i64 = 1_000_000_000;
