//! The exchange rates aggregate: [`ExchangeRates::decide`] checks every rule and returns the
//! events, `apply` folds them. Pure — no I/O, no clock, no randomness.
//!
//! Rules are checked in a fixed order and the first broken one is reported. Setting the
//! functional currency: currency, not set yet. Setting rates: functional currency set, number of
//! rates, then each rate in order (currency, not the functional currency, rate, currency and
//! date not repeated).

use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDate;
use cqrs_es::event_sink::EventSink;
use cqrs_es::Aggregate;
use serde::{Deserialize, Serialize};

use super::commands::{ExchangeRatesCommand, RateInput};
use super::errors::{ExchangeRatesError, RateRefusal, RateTextError};
use super::events::{ExchangeRateSet, ExchangeRatesEvent, FunctionalCurrencySet};
use super::{MAX_RATES_PER_COMMAND, MAX_RATE_FRACTION_DIGITS, MAX_RATE_INTEGER_DIGITS, RATE_SCALE};
use crate::money::Currency;

/// The tenant's functional currency and exchange rates, folded from their events.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExchangeRates {
    functional: Option<Currency>,
    /// `rate_e9` per currency and date.
    rates: BTreeMap<Currency, BTreeMap<NaiveDate, i64>>,
}

impl ExchangeRates {
    /// The functional currency, once set.
    #[must_use]
    pub fn functional_currency(&self) -> Option<Currency> {
        self.functional
    }

    /// The rate of `currency` in force on `date`: the latest one dated on or before it, as its
    /// date and `rate_e9` (rate × 10⁹). `None` when `currency` has no rate that early — the
    /// functional currency has none at all.
    #[must_use]
    pub fn rate_on(&self, currency: Currency, date: NaiveDate) -> Option<(NaiveDate, i64)> {
        self.rates.get(&currency)?.range(..=date).next_back().map(|(date, rate)| (*date, *rate))
    }

    /// How many rates are held, every currency included.
    #[must_use]
    pub fn len(&self) -> usize {
        self.rates.values().map(BTreeMap::len).sum()
    }

    /// Whether no rate is held.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.rates.is_empty()
    }

    /// Converts `amount_minor` minor units of `currency` into minor units of the functional
    /// currency at the rate in force on `date` ([`Self::rate_on`]), minding both currencies'
    /// [`Currency::minor_unit_digits`]: 100.00 USD at 0.92 is 92.00 EUR, 1000 JPY at 0.0061 is
    /// 6.10 EUR. Rounds half away from zero; exact integer arithmetic throughout. An amount in
    /// the functional currency is returned unchanged.
    ///
    /// # Errors
    /// [`RateRefusal::NoFunctionalCurrency`] before the functional currency is set,
    /// [`RateRefusal::MissingRate`] when `currency` has no rate on or before `date`,
    /// [`RateRefusal::Overflow`] when the result does not fit in an `i64`.
    pub fn to_functional(&self, amount_minor: i64, currency: Currency, date: NaiveDate) -> Result<i64, RateRefusal> {
        let functional = self.functional.ok_or(RateRefusal::NoFunctionalCurrency)?;
        if currency == functional {
            return Ok(amount_minor);
        }
        let (_, rate_e9) = self.rate_on(currency, date).ok_or(RateRefusal::MissingRate { currency, date })?;
        let overflow = || RateRefusal::Overflow { amount_minor, currency };
        let pow10 = |digits: u8| 10_i128.pow(u32::from(digits));
        let numerator = i128::from(amount_minor)
            .checked_mul(i128::from(rate_e9))
            .and_then(|n| n.checked_mul(pow10(functional.minor_unit_digits())))
            .ok_or_else(overflow)?;
        let denominator = i128::from(RATE_SCALE) * pow10(currency.minor_unit_digits());
        let (quotient, remainder) = (numerator / denominator, numerator % denominator);
        let rounded = if remainder.unsigned_abs() * 2 >= denominator.unsigned_abs() {
            quotient + numerator.signum()
        } else {
            quotient
        };
        i64::try_from(rounded).map_err(|_| overflow())
    }

    /// Decides `command` against the current state: the events to record (for rates, one per
    /// rate it adds or changes, in the command's order; none when it changes nothing), or why
    /// not. This is the whole of `handle`, callable without an event sink.
    ///
    /// # Errors
    /// The first rule the command breaks, as an [`ExchangeRatesError`].
    pub fn decide(&self, command: ExchangeRatesCommand) -> Result<Vec<ExchangeRatesEvent>, ExchangeRatesError> {
        match command {
            ExchangeRatesCommand::SetFunctionalCurrency { currency } => {
                let currency = Currency::parse(&currency)
                    .map_err(|reason| ExchangeRatesError::InvalidFunctionalCurrency { reason })?;
                if let Some(functional) = self.functional {
                    return Err(ExchangeRatesError::FunctionalCurrencySet { currency: functional });
                }
                Ok(vec![ExchangeRatesEvent::FunctionalCurrencySet(FunctionalCurrencySet {
                    currency: currency.as_str().to_owned(),
                })])
            }
            ExchangeRatesCommand::SetExchangeRates { rates } => self.decide_rates(&rates),
        }
    }

    fn decide_rates(&self, rates: &[RateInput]) -> Result<Vec<ExchangeRatesEvent>, ExchangeRatesError> {
        let functional = self.functional.ok_or(ExchangeRatesError::NoFunctionalCurrency)?;
        let count = rates.len();
        if count == 0 {
            return Err(ExchangeRatesError::NoRates);
        }
        if count > MAX_RATES_PER_COMMAND {
            return Err(ExchangeRatesError::TooManyRates { count, max: MAX_RATES_PER_COMMAND });
        }
        let mut seen: HashMap<(Currency, NaiveDate), usize> = HashMap::with_capacity(count);
        let mut parsed = Vec::with_capacity(count);
        for (index, input) in rates.iter().enumerate() {
            let currency = Currency::parse(&input.currency)
                .map_err(|reason| ExchangeRatesError::InvalidCurrency { index, reason })?;
            if currency == functional {
                return Err(ExchangeRatesError::FunctionalCurrencyRate { index, currency });
            }
            let rate_e9 = parse_rate(&input.rate).map_err(|reason| ExchangeRatesError::InvalidRate {
                index,
                rate: input.rate.clone(),
                reason,
            })?;
            if let Some(&first) = seen.get(&(currency, input.date)) {
                return Err(ExchangeRatesError::DuplicateRate { index, first, currency, date: input.date });
            }
            seen.insert((currency, input.date), index);
            parsed.push((currency, input.date, rate_e9));
        }
        let events = parsed
            .into_iter()
            .filter(|(currency, date, rate_e9)| {
                self.rates.get(currency).and_then(|dates| dates.get(date)) != Some(rate_e9)
            })
            .map(|(currency, date, rate_e9)| {
                ExchangeRatesEvent::ExchangeRateSet(ExchangeRateSet {
                    currency: currency.as_str().to_owned(),
                    functional_currency: functional.as_str().to_owned(),
                    date,
                    rate: format_rate_e9(rate_e9),
                    rate_e9,
                })
            })
            .collect();
        Ok(events)
    }
}

impl Aggregate for ExchangeRates {
    const TYPE: &'static str = "finance.exchange_rates";
    type Command = ExchangeRatesCommand;
    type Event = ExchangeRatesEvent;
    type Error = ExchangeRatesError;
    type Services = ();

    async fn handle(
        &mut self,
        command: Self::Command,
        _services: &Self::Services,
        sink: &EventSink<Self>,
    ) -> Result<(), Self::Error> {
        for event in self.decide(command)? {
            sink.write(event, self).await;
        }
        Ok(())
    }

    fn apply(&mut self, event: Self::Event) {
        match event {
            ExchangeRatesEvent::FunctionalCurrencySet(set) => {
                let currency = Currency::parse(&set.currency);
                debug_assert!(currency.is_ok(), "invalid functional currency {}", set.currency);
                self.functional = currency.ok();
            }
            ExchangeRatesEvent::ExchangeRateSet(set) => {
                let Ok(currency) = Currency::parse(&set.currency) else {
                    debug_assert!(false, "invalid exchange rate {set:?}");
                    return;
                };
                self.rates.entry(currency).or_default().insert(set.date, set.rate_e9);
            }
        }
    }
}

/// Parses rate text exactly into `rate_e9` (rate × 10⁹): ASCII digits — 1 to
/// [`MAX_RATE_INTEGER_DIGITS`] of them — optionally followed by `.` and 1 to
/// [`MAX_RATE_FRACTION_DIGITS`] digits, more than 0. `0.92` → `920_000_000`.
///
/// # Errors
/// [`RateTextError`] naming the first rule the text breaks.
pub fn parse_rate(text: &str) -> Result<i64, RateTextError> {
    let (integer, fraction) = match text.split_once('.') {
        Some((integer, fraction)) => (integer, fraction),
        None => (text, ""),
    };
    let digits = |part: &str| part.bytes().all(|b| b.is_ascii_digit());
    if integer.is_empty() || !digits(integer) || !digits(fraction) || (text.contains('.') && fraction.is_empty()) {
        return Err(RateTextError::Malformed);
    }
    if integer.len() > MAX_RATE_INTEGER_DIGITS {
        return Err(RateTextError::TooManyIntegerDigits { digits: integer.len(), max: MAX_RATE_INTEGER_DIGITS });
    }
    if fraction.len() > MAX_RATE_FRACTION_DIGITS {
        return Err(RateTextError::TooManyFractionDigits { digits: fraction.len(), max: MAX_RATE_FRACTION_DIGITS });
    }
    let value = |part: &str| part.bytes().fold(0_i64, |acc, b| acc * 10 + i64::from(b - b'0'));
    let padding = 10_i64.pow(u32::try_from(MAX_RATE_FRACTION_DIGITS - fraction.len()).unwrap_or(0));
    let rate_e9 = value(integer) * RATE_SCALE + value(fraction) * padding;
    if rate_e9 == 0 {
        return Err(RateTextError::NotPositive);
    }
    Ok(rate_e9)
}

/// The normalized text of `rate_e9` (rate × 10⁹): no leading zeros, no trailing fraction
/// zeros, no `.` for a whole rate. `920_000_000` → `0.92`; [`parse_rate`] reads it back.
#[must_use]
pub fn format_rate_e9(rate_e9: i64) -> String {
    let (integer, fraction) = (rate_e9 / RATE_SCALE, rate_e9 % RATE_SCALE);
    if fraction == 0 {
        return integer.to_string();
    }
    let fraction = format!("{fraction:09}");
    format!("{integer}.{}", fraction.trim_end_matches('0'))
}
