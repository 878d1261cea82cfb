//! Why an exchange-rates command was refused, and why an amount could not be converted.
//!
//! [`ExchangeRatesError`] has one precise variant per rule, each naming the command input at
//! fault ([`Refusal::field`]: `currency`, `rates`, `rates[i].currency`, `rates[i].rate` or
//! `rates[i]`; `None` when the stored rates rather than one input forbid the command), a
//! stable machine code ([`Refusal::code`]) and its class ([`Refusal::kind`]), so the HTTP layer
//! maps it once. [`RateRefusal`] is the answer of [`super::ExchangeRates::to_functional`].

use chrono::NaiveDate;

use crate::money::{Currency, CurrencyError};
use crate::refusal::{Refusal, RefusalKind};

/// Why a string is not a valid rate.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RateTextError {
    /// Not digits with an optional `.` and fraction digits (`0.92`, `149`).
    #[error("rate must be a decimal number such as 0.92")]
    Malformed,
    /// More integer digits than `MAX_RATE_INTEGER_DIGITS`.
    #[error("rate has {digits} integer digits; at most {max} are allowed")]
    TooManyIntegerDigits {
        /// Integer digits given.
        digits: usize,
        /// The limit.
        max: usize,
    },
    /// More fraction digits than `MAX_RATE_FRACTION_DIGITS`.
    #[error("rate has {digits} fraction digits; at most {max} are allowed")]
    TooManyFractionDigits {
        /// Fraction digits given.
        digits: usize,
        /// The limit.
        max: usize,
    },
    /// The rate is 0.
    #[error("rate must be more than 0")]
    NotPositive,
}

/// An exchange-rates command was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ExchangeRatesError {
    /// The functional currency given is not an ISO 4217 currency with a minor unit.
    #[error("currency is invalid: {reason}")]
    InvalidFunctionalCurrency {
        /// Which currency rule failed.
        reason: CurrencyError,
    },
    /// The functional currency is set already; it never changes.
    #[error("the functional currency is already set to {currency}")]
    FunctionalCurrencySet {
        /// The functional currency.
        currency: Currency,
    },
    /// Rates need the functional currency they are against.
    #[error("set the functional currency before any exchange rate")]
    NoFunctionalCurrency,
    /// The command sets no rate.
    #[error("rates must hold at least one rate")]
    NoRates,
    /// The command sets more rates than one command may.
    #[error("rates has {count} items; at most {max} are allowed in one command")]
    TooManyRates {
        /// Number of rates given.
        count: usize,
        /// The limit.
        max: usize,
    },
    /// A rate's currency is not an ISO 4217 currency with a minor unit.
    #[error("rates[{index}].currency is invalid: {reason}")]
    InvalidCurrency {
        /// 0-based index of the rate.
        index: usize,
        /// Which currency rule failed.
        reason: CurrencyError,
    },
    /// A rate's currency is the functional currency, whose rate is always 1.
    #[error("rates[{index}].currency {currency} is the functional currency; its rate is always 1")]
    FunctionalCurrencyRate {
        /// 0-based index of the rate.
        index: usize,
        /// The functional currency.
        currency: Currency,
    },
    /// A rate is not a valid rate.
    #[error("rates[{index}].rate {rate:?} is invalid: {reason}")]
    InvalidRate {
        /// 0-based index of the rate.
        index: usize,
        /// The text given.
        rate: String,
        /// Which rate rule failed.
        reason: RateTextError,
    },
    /// A currency and date are given twice in one command.
    #[error("rates[{index}] repeats currency {currency} on {date}, already given in rates[{first}]")]
    DuplicateRate {
        /// 0-based index of the repetition.
        index: usize,
        /// 0-based index of the first rate with the same currency and date.
        first: usize,
        /// The currency.
        currency: Currency,
        /// The date.
        date: NaiveDate,
    },
}

impl Refusal for ExchangeRatesError {
    fn field(&self) -> Option<String> {
        use ExchangeRatesError as E;
        let path = match self {
            E::InvalidFunctionalCurrency { .. } => "currency".to_owned(),
            E::NoRates | E::TooManyRates { .. } => "rates".to_owned(),
            E::InvalidCurrency { index, .. } | E::FunctionalCurrencyRate { index, .. } => {
                format!("rates[{index}].currency")
            }
            E::InvalidRate { index, .. } => format!("rates[{index}].rate"),
            E::DuplicateRate { index, .. } => format!("rates[{index}]"),
            E::FunctionalCurrencySet { .. } | E::NoFunctionalCurrency => return None,
        };
        Some(path)
    }

    fn code(&self) -> &'static str {
        use ExchangeRatesError as E;
        match self {
            E::InvalidFunctionalCurrency { .. } => "invalid_functional_currency",
            E::FunctionalCurrencySet { .. } => "functional_currency_set",
            E::NoFunctionalCurrency => "no_functional_currency",
            E::NoRates => "no_rates",
            E::TooManyRates { .. } => "too_many_rates",
            E::InvalidCurrency { .. } => "invalid_currency",
            E::FunctionalCurrencyRate { .. } => "functional_currency_rate",
            E::InvalidRate { .. } => "invalid_rate",
            E::DuplicateRate { .. } => "duplicate_rate",
        }
    }

    fn kind(&self) -> RefusalKind {
        match self {
            ExchangeRatesError::FunctionalCurrencySet { .. } | ExchangeRatesError::NoFunctionalCurrency => {
                RefusalKind::Conflict
            }
            _ => RefusalKind::Invalid,
        }
    }
}

/// Why [`super::ExchangeRates::to_functional`] could not convert an amount.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RateRefusal {
    /// No functional currency is set: there is nothing to convert into.
    #[error("no functional currency is set")]
    NoFunctionalCurrency,
    /// No rate of the currency is dated on or before the date.
    #[error("no {currency} exchange rate on or before {date}")]
    MissingRate {
        /// The currency to convert from.
        currency: Currency,
        /// The date of the amount.
        date: NaiveDate,
    },
    /// The converted amount does not fit in an `i64` of minor units.
    #[error("converting {amount_minor} minor units of {currency} overflows")]
    Overflow {
        /// The amount given.
        amount_minor: i64,
        /// Its currency.
        currency: Currency,
    },
}

impl RateRefusal {
    /// Stable machine-readable code: `no_functional_currency`, `missing_exchange_rate` or
    /// `conversion_overflow`.
    #[must_use]
    pub fn code(&self) -> &'static str {
        match self {
            RateRefusal::NoFunctionalCurrency => "no_functional_currency",
            RateRefusal::MissingRate { .. } => "missing_exchange_rate",
            RateRefusal::Overflow { .. } => "conversion_overflow",
        }
    }
}
