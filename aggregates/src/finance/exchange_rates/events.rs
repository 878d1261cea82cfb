//! Facts about the tenant's exchange rates. The serde JSON of each payload mirrors its Avro
//! schema in `schemas/avro/finance/` field for field (a test keeps them from drifting); the enum
//! is externally tagged: `{"ExchangeRateSet": {...}}`.
//!
//! `ExchangeRateSet` is at version 2: version 1 had no `rate_e9`. Stored version-1 payloads
//! are upcast on read ([`crate::upcasting`]), so no reader sees the old shape.

use chrono::NaiveDate;
use cqrs_es::DomainEvent;
use serde::{Deserialize, Serialize};

/// The tenant's functional currency was set, once and for good.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FunctionalCurrencySet {
    /// ISO 4217 currency code.
    pub currency: String,
}

/// The rate of one currency from one date on was set; it replaces any earlier rate of the
/// same currency and date. 1 unit of `currency` = `rate` units of `functional_currency`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExchangeRateSet {
    /// ISO 4217 code of the foreign currency.
    pub currency: String,
    /// ISO 4217 code of the functional currency the rate is against.
    pub functional_currency: String,
    /// First date the rate applies to.
    pub date: NaiveDate,
    /// The rate as normalized decimal text: positive, no leading zeros before a non-zero
    /// integer digit, no trailing fraction zeros (`0.92`, `1`, `149.5`).
    pub rate: String,
    /// The same rate as an exact integer, rate × 10⁹ (`0.92` → `920000000`), for consumers
    /// that compute with it. Since version 2.
    pub rate_e9: i64,
}

/// Everything that can happen to the exchange rates.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum ExchangeRatesEvent {
    /// See [`FunctionalCurrencySet`].
    FunctionalCurrencySet(FunctionalCurrencySet),
    /// See [`ExchangeRateSet`].
    ExchangeRateSet(ExchangeRateSet),
}

impl ExchangeRatesEvent {
    /// Version of the `FunctionalCurrencySet` payload.
    pub const FUNCTIONAL_CURRENCY_SET_VERSION: &'static str = "1";
    /// Version of the `ExchangeRateSet` payload: 2 since `rate_e9` was added.
    pub const EXCHANGE_RATE_SET_VERSION: &'static str = "2";
}

impl DomainEvent for ExchangeRatesEvent {
    fn event_type(&self) -> String {
        match self {
            ExchangeRatesEvent::FunctionalCurrencySet(_) => "FunctionalCurrencySet",
            ExchangeRatesEvent::ExchangeRateSet(_) => "ExchangeRateSet",
        }
        .to_owned()
    }

    fn event_version(&self) -> String {
        match self {
            ExchangeRatesEvent::FunctionalCurrencySet(_) => Self::FUNCTIONAL_CURRENCY_SET_VERSION,
            ExchangeRatesEvent::ExchangeRateSet(_) => Self::EXCHANGE_RATE_SET_VERSION,
        }
        .to_owned()
    }
}
