//! Money: an ISO-4217 [`Currency`] and an amount in that currency's minor units
//! ([`Money`]). Never floating point; every sum is checked and overflow is an error.
//!
//! On the wire a currency is its three-letter code (`"EUR"`) and money is
//! `{"minor": 1234, "currency": "EUR"}`.

use std::fmt;

use serde::{Deserialize, Serialize};

/// Every code in ISO 4217 List One (current funds and currencies) with its minor-unit
/// exponent; `None` where ISO gives "N.A." (precious metals, bond-market units, SDR,
/// testing and "no currency" codes). Sorted by code so lookups can binary-search.
///
/// State of the list: 2025 amendments — `XCG` replaced `ANG` (2025), `ZWG` replaced
/// `ZWL` (2024), `SLE` replaced `SLL`, `HRK` was withdrawn when Croatia adopted the euro.
/// `BGN` is still listed; Bulgaria adopted the euro on 2026-01-01 and ISO's
/// withdrawal of `BGN` should be tracked here when published. Reversals mirror stored
/// lines and never re-validate currencies, so entries in a withdrawn code stay reversible.
const ISO_4217: &[(&str, Option<u8>)] = &[
    ("AED", Some(2)),
    ("AFN", Some(2)),
    ("ALL", Some(2)),
    ("AMD", Some(2)),
    ("AOA", Some(2)),
    ("ARS", Some(2)),
    ("AUD", Some(2)),
    ("AWG", Some(2)),
    ("AZN", Some(2)),
    ("BAM", Some(2)),
    ("BBD", Some(2)),
    ("BDT", Some(2)),
    ("BGN", Some(2)),
    ("BHD", Some(3)),
    ("BIF", Some(0)),
    ("BMD", Some(2)),
    ("BND", Some(2)),
    ("BOB", Some(2)),
    ("BOV", Some(2)),
    ("BRL", Some(2)),
    ("BSD", Some(2)),
    ("BTN", Some(2)),
    ("BWP", Some(2)),
    ("BYN", Some(2)),
    ("BZD", Some(2)),
    ("CAD", Some(2)),
    ("CDF", Some(2)),
    ("CHE", Some(2)),
    ("CHF", Some(2)),
    ("CHW", Some(2)),
    ("CLF", Some(4)),
    ("CLP", Some(0)),
    ("CNY", Some(2)),
    ("COP", Some(2)),
    ("COU", Some(2)),
    ("CRC", Some(2)),
    ("CUC", Some(2)),
    ("CUP", Some(2)),
    ("CVE", Some(2)),
    ("CZK", Some(2)),
    ("DJF", Some(0)),
    ("DKK", Some(2)),
    ("DOP", Some(2)),
    ("DZD", Some(2)),
    ("EGP", Some(2)),
    ("ERN", Some(2)),
    ("ETB", Some(2)),
    ("EUR", Some(2)),
    ("FJD", Some(2)),
    ("FKP", Some(2)),
    ("GBP", Some(2)),
    ("GEL", Some(2)),
    ("GHS", Some(2)),
    ("GIP", Some(2)),
    ("GMD", Some(2)),
    ("GNF", Some(0)),
    ("GTQ", Some(2)),
    ("GYD", Some(2)),
    ("HKD", Some(2)),
    ("HNL", Some(2)),
    ("HTG", Some(2)),
    ("HUF", Some(2)),
    ("IDR", Some(2)),
    ("ILS", Some(2)),
    ("INR", Some(2)),
    ("IQD", Some(3)),
    ("IRR", Some(2)),
    ("ISK", Some(0)),
    ("JMD", Some(2)),
    ("JOD", Some(3)),
    ("JPY", Some(0)),
    ("KES", Some(2)),
    ("KGS", Some(2)),
    ("KHR", Some(2)),
    ("KMF", Some(0)),
    ("KPW", Some(2)),
    ("KRW", Some(0)),
    ("KWD", Some(3)),
    ("KYD", Some(2)),
    ("KZT", Some(2)),
    ("LAK", Some(2)),
    ("LBP", Some(2)),
    ("LKR", Some(2)),
    ("LRD", Some(2)),
    ("LSL", Some(2)),
    ("LYD", Some(3)),
    ("MAD", Some(2)),
    ("MDL", Some(2)),
    ("MGA", Some(2)),
    ("MKD", Some(2)),
    ("MMK", Some(2)),
    ("MNT", Some(2)),
    ("MOP", Some(2)),
    ("MRU", Some(2)),
    ("MUR", Some(2)),
    ("MVR", Some(2)),
    ("MWK", Some(2)),
    ("MXN", Some(2)),
    ("MXV", Some(2)),
    ("MYR", Some(2)),
    ("MZN", Some(2)),
    ("NAD", Some(2)),
    ("NGN", Some(2)),
    ("NIO", Some(2)),
    ("NOK", Some(2)),
    ("NPR", Some(2)),
    ("NZD", Some(2)),
    ("OMR", Some(3)),
    ("PAB", Some(2)),
    ("PEN", Some(2)),
    ("PGK", Some(2)),
    ("PHP", Some(2)),
    ("PKR", Some(2)),
    ("PLN", Some(2)),
    ("PYG", Some(0)),
    ("QAR", Some(2)),
    ("RON", Some(2)),
    ("RSD", Some(2)),
    ("RUB", Some(2)),
    ("RWF", Some(0)),
    ("SAR", Some(2)),
    ("SBD", Some(2)),
    ("SCR", Some(2)),
    ("SDG", Some(2)),
    ("SEK", Some(2)),
    ("SGD", Some(2)),
    ("SHP", Some(2)),
    ("SLE", Some(2)),
    ("SOS", Some(2)),
    ("SRD", Some(2)),
    ("SSP", Some(2)),
    ("STN", Some(2)),
    ("SVC", Some(2)),
    ("SYP", Some(2)),
    ("SZL", Some(2)),
    ("THB", Some(2)),
    ("TJS", Some(2)),
    ("TMT", Some(2)),
    ("TND", Some(3)),
    ("TOP", Some(2)),
    ("TRY", Some(2)),
    ("TTD", Some(2)),
    ("TWD", Some(2)),
    ("TZS", Some(2)),
    ("UAH", Some(2)),
    ("UGX", Some(0)),
    ("USD", Some(2)),
    ("USN", Some(2)),
    ("UYI", Some(0)),
    ("UYU", Some(2)),
    ("UYW", Some(4)),
    ("UZS", Some(2)),
    ("VED", Some(2)),
    ("VES", Some(2)),
    ("VND", Some(0)),
    ("VUV", Some(0)),
    ("WST", Some(2)),
    ("XAF", Some(0)),
    ("XAG", None),
    ("XAU", None),
    ("XBA", None),
    ("XBB", None),
    ("XBC", None),
    ("XBD", None),
    ("XCD", Some(2)),
    ("XCG", Some(2)),
    ("XDR", None),
    ("XOF", Some(0)),
    ("XPD", None),
    ("XPF", Some(0)),
    ("XPT", None),
    ("XSU", None),
    ("XTS", None),
    ("XUA", None),
    ("XXX", None),
    ("YER", Some(2)),
    ("ZAR", Some(2)),
    ("ZMW", Some(2)),
    ("ZWG", Some(2)),
];

/// Why a string is not a usable [`Currency`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CurrencyError {
    /// Not exactly three ASCII uppercase letters.
    #[error("{code:?} is not a currency code: expected three uppercase letters A-Z")]
    Malformed {
        /// The rejected input.
        code: String,
    },
    /// Well-formed, but not an active ISO-4217 code.
    #[error("{code:?} is not an active ISO-4217 currency code")]
    Unknown {
        /// The rejected input.
        code: String,
    },
    /// An ISO-4217 code without a minor unit (precious metals, SDR, testing, "no
    /// currency"): amounts in it cannot be expressed in minor units.
    #[error("{code:?} is an ISO-4217 code without a minor unit and cannot hold money")]
    NoMinorUnit {
        /// The rejected input.
        code: String,
    },
}

/// An active ISO-4217 currency that has a minor unit, such as `EUR` or `JPY`.
///
/// Only constructible through [`Currency::parse`], so holding one proves the code is valid.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Currency {
    code: &'static str,
    minor_unit_digits: u8,
}

impl Currency {
    /// Parses an ISO-4217 alphabetic code; it must be exactly three ASCII uppercase letters,
    /// be on the embedded list of active codes, and have a minor unit.
    ///
    /// # Errors
    /// [`CurrencyError`] naming which of those checks failed.
    pub fn parse(code: &str) -> Result<Self, CurrencyError> {
        if code.len() != 3 || !code.bytes().all(|b| b.is_ascii_uppercase()) {
            return Err(CurrencyError::Malformed { code: code.to_owned() });
        }
        let index = ISO_4217
            .binary_search_by(|(known, _)| (*known).cmp(code))
            .map_err(|_| CurrencyError::Unknown { code: code.to_owned() })?;
        let (known, digits) = ISO_4217[index];
        match digits {
            Some(minor_unit_digits) => Ok(Self { code: known, minor_unit_digits }),
            None => Err(CurrencyError::NoMinorUnit { code: code.to_owned() }),
        }
    }

    /// The three-letter code, e.g. `"EUR"`.
    #[must_use]
    pub fn as_str(&self) -> &'static str {
        self.code
    }

    /// Number of decimal digits of the minor unit: `JPY` 0, `EUR` 2, `KWD` 3, `CLF` 4.
    #[must_use]
    pub fn minor_unit_digits(&self) -> u8 {
        self.minor_unit_digits
    }

    /// Every currency [`Currency::parse`] accepts, in code order.
    pub fn all() -> impl Iterator<Item = Currency> {
        ISO_4217
            .iter()
            .filter_map(|&(code, digits)| digits.map(|minor_unit_digits| Currency { code, minor_unit_digits }))
    }
}

impl fmt::Debug for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Currency({})", self.code)
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code)
    }
}

impl std::str::FromStr for Currency {
    type Err = CurrencyError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl TryFrom<String> for Currency {
    type Error = CurrencyError;

    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<Currency> for String {
    fn from(value: Currency) -> Self {
        value.code.to_owned()
    }
}

impl Serialize for Currency {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.code)
    }
}

impl<'de> Deserialize<'de> for Currency {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let code = String::deserialize(deserializer)?;
        Self::parse(&code).map_err(serde::de::Error::custom)
    }
}

/// Why a money calculation failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MoneyError {
    /// The operands are in different currencies.
    #[error("cannot combine {left} with {right}")]
    CurrencyMismatch {
        /// Currency of the left operand.
        left: Currency,
        /// Currency of the right operand.
        right: Currency,
    },
    /// The result does not fit in an `i64` of minor units.
    #[error("amount in {currency} overflows 64-bit minor units")]
    Overflow {
        /// Currency of the calculation.
        currency: Currency,
    },
}

/// An amount of money: signed minor units (cents, fils, yen) of one currency.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Money {
    /// Amount in minor units of `currency`; `1234` EUR is 12.34 €.
    pub minor: i64,
    /// The currency of the amount.
    pub currency: Currency,
}

impl Money {
    /// Money of `minor` units in `currency`.
    #[must_use]
    pub fn new(minor: i64, currency: Currency) -> Self {
        Self { minor, currency }
    }

    /// Zero in `currency`.
    #[must_use]
    pub fn zero(currency: Currency) -> Self {
        Self::new(0, currency)
    }

    /// `self + other`.
    ///
    /// # Errors
    /// [`MoneyError::CurrencyMismatch`] or [`MoneyError::Overflow`].
    pub fn checked_add(self, other: Money) -> Result<Money, MoneyError> {
        self.combine(other, i64::checked_add)
    }

    /// `self - other`.
    ///
    /// # Errors
    /// [`MoneyError::CurrencyMismatch`] or [`MoneyError::Overflow`].
    pub fn checked_sub(self, other: Money) -> Result<Money, MoneyError> {
        self.combine(other, i64::checked_sub)
    }

    /// `-self`.
    ///
    /// # Errors
    /// [`MoneyError::Overflow`] for `i64::MIN` minor units.
    pub fn checked_neg(self) -> Result<Money, MoneyError> {
        self.minor
            .checked_neg()
            .map(|minor| Money::new(minor, self.currency))
            .ok_or(MoneyError::Overflow { currency: self.currency })
    }

    fn combine(self, other: Money, op: fn(i64, i64) -> Option<i64>) -> Result<Money, MoneyError> {
        if self.currency != other.currency {
            return Err(MoneyError::CurrencyMismatch { left: self.currency, right: other.currency });
        }
        op(self.minor, other.minor)
            .map(|minor| Money::new(minor, self.currency))
            .ok_or(MoneyError::Overflow { currency: self.currency })
    }
}

impl fmt::Display for Money {
    /// Decimal amount and code, e.g. `-12.34 EUR`, `500 JPY`, `1.250 KWD`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.minor < 0 { "-" } else { "" };
        let abs = self.minor.unsigned_abs();
        let digits = u32::from(self.currency.minor_unit_digits());
        if digits == 0 {
            return write!(f, "{sign}{abs} {}", self.currency);
        }
        let scale = 10_u64.pow(digits);
        let width = usize::from(self.currency.minor_unit_digits());
        write!(f, "{sign}{}.{:0width$} {}", abs / scale, abs % scale, self.currency)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn eur() -> Currency {
        Currency::parse("EUR").unwrap()
    }

    #[test]
    fn the_embedded_list_is_sorted_unique_and_well_formed() {
        for pair in ISO_4217.windows(2) {
            assert!(pair[0].0 < pair[1].0, "{} before {}", pair[0].0, pair[1].0);
        }
        for (code, _) in ISO_4217 {
            assert_eq!(code.len(), 3);
            assert!(code.bytes().all(|b| b.is_ascii_uppercase()));
        }
        assert!(ISO_4217.len() > 170, "list looks truncated");
    }

    #[test]
    fn every_listed_code_with_a_minor_unit_parses_and_round_trips() {
        let mut count = 0;
        for currency in Currency::all() {
            assert_eq!(Currency::parse(currency.as_str()), Ok(currency));
            count += 1;
        }
        assert!(count > 160);
    }

    #[test]
    fn minor_unit_digits_follow_iso_4217() {
        let digits = |code: &str| Currency::parse(code).unwrap().minor_unit_digits();
        assert_eq!(digits("JPY"), 0);
        assert_eq!(digits("EUR"), 2);
        assert_eq!(digits("USD"), 2);
        assert_eq!(digits("KWD"), 3);
        assert_eq!(digits("CLF"), 4);
    }

    #[test]
    fn malformed_codes_are_rejected() {
        for code in ["", "EU", "EURO", "eur", "Eur", "E1R", "€UR", " EUR"] {
            assert!(matches!(Currency::parse(code), Err(CurrencyError::Malformed { .. })), "{code:?}");
        }
    }

    #[test]
    fn unknown_and_withdrawn_codes_are_rejected() {
        for code in ["ABC", "DEM", "HRK", "ZWL", "ANG", "QQQ"] {
            assert!(matches!(Currency::parse(code), Err(CurrencyError::Unknown { .. })), "{code:?}");
        }
    }

    #[test]
    fn codes_without_a_minor_unit_cannot_hold_money() {
        for code in ["XAU", "XDR", "XTS", "XXX"] {
            assert!(matches!(Currency::parse(code), Err(CurrencyError::NoMinorUnit { .. })));
        }
    }

    #[test]
    fn currency_serializes_as_its_code_and_deserialization_validates() {
        assert_eq!(serde_json::to_string(&eur()).unwrap(), "\"EUR\"");
        assert_eq!(serde_json::from_str::<Currency>("\"EUR\"").unwrap(), eur());
        assert!(serde_json::from_str::<Currency>("\"eur\"").is_err());
    }

    #[test]
    fn money_serializes_as_minor_int_and_code_string() {
        let money = Money::new(-1234, eur());
        let json = serde_json::to_value(money).unwrap();
        assert_eq!(json, serde_json::json!({"minor": -1234, "currency": "EUR"}));
        assert_eq!(serde_json::from_value::<Money>(json).unwrap(), money);
    }

    #[test]
    fn adding_and_subtracting_in_one_currency_works() {
        let a = Money::new(150, eur());
        let b = Money::new(50, eur());
        assert_eq!(a.checked_add(b), Ok(Money::new(200, eur())));
        assert_eq!(a.checked_sub(b), Ok(Money::new(100, eur())));
        assert_eq!(b.checked_neg(), Ok(Money::new(-50, eur())));
    }

    #[test]
    fn overflow_is_an_error_not_a_wrap() {
        let max = Money::new(i64::MAX, eur());
        let min = Money::new(i64::MIN, eur());
        let one = Money::new(1, eur());
        let overflow = Err(MoneyError::Overflow { currency: eur() });
        assert_eq!(max.checked_add(one), overflow);
        assert_eq!(min.checked_sub(one), overflow);
        assert_eq!(min.checked_neg(), overflow);
    }

    #[test]
    fn combining_different_currencies_is_an_error() {
        let usd = Currency::parse("USD").unwrap();
        assert_eq!(
            Money::new(1, eur()).checked_add(Money::new(1, usd)),
            Err(MoneyError::CurrencyMismatch { left: eur(), right: usd })
        );
    }

    #[test]
    fn money_displays_in_major_units_with_the_currency_exponent() {
        let show = |minor, code: &str| Money::new(minor, Currency::parse(code).unwrap()).to_string();
        assert_eq!(show(1234, "EUR"), "12.34 EUR");
        assert_eq!(show(-5, "EUR"), "-0.05 EUR");
        assert_eq!(show(500, "JPY"), "500 JPY");
        assert_eq!(show(1250, "KWD"), "1.250 KWD");
        assert_eq!(show(i64::MIN, "EUR"), "-92233720368547758.08 EUR");
    }
}
