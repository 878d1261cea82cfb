//! Quantities of goods and services: the decimal text a client wrote, decided exactly into
//! thousandths of the unit (`"2.5"` → 2500), never through a float. Invoices, stock and orders
//! all count in these.

use std::fmt;

use serde::{Deserialize, Serialize};

/// Most units a quantity may have.
pub const MAX_QUANTITY_UNITS: i64 = 1_000_000_000;
/// Most fraction digits of a quantity: quantities are kept in thousandths of the unit.
pub const QUANTITY_DECIMALS: usize = 3;

/// A quantity as the client wrote it: the text of a JSON number or string (`2.5`, `"0.125"`),
/// kept as is so that [`Quantity::milli`] decides it exactly, in decimal, and reports a bad
/// one with its field. Serializes as a string.
///
/// A JSON number reaches serde as an integer or a double; a double is turned back into its
/// shortest decimal text, which is the text the client wrote for every number of up to 15
/// significant digits (all valid quantities have at most 13). Clients that need more digits
/// judged exactly send a string.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Quantity(String);

impl Quantity {
    /// A quantity with the decimal text `text` (`"2.5"`), not yet validated.
    #[must_use]
    pub fn new(text: impl Into<String>) -> Self {
        Self(text.into())
    }

    /// The text as given.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The quantity in thousandths of the unit (`"2.5"` → 2500), computed exactly from the
    /// text: an optional `-`, digits, optionally `.` and more digits; trailing zeros of the
    /// fraction do not count towards its `QUANTITY_DECIMALS` digits.
    ///
    /// # Errors
    /// [`QuantityError`] naming the first rule broken: the syntax, the fraction digits,
    /// positivity, then the upper limit `MAX_QUANTITY_UNITS`.
    pub fn milli(&self) -> Result<i64, QuantityError> {
        let text = self.0.as_str();
        let malformed = || QuantityError::Malformed { text: text.to_owned() };
        let (negative, unsigned) = match text.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, text),
        };
        let (whole, fraction) = unsigned.split_once('.').unwrap_or((unsigned, ""));
        let all_digits = |part: &str| part.bytes().all(|b| b.is_ascii_digit());
        if whole.is_empty() || !all_digits(whole) || !all_digits(fraction) || unsigned.ends_with('.') {
            return Err(malformed());
        }
        let fraction = fraction.trim_end_matches('0');
        if fraction.len() > QUANTITY_DECIMALS {
            return Err(QuantityError::TooManyDecimals { text: text.to_owned(), max: QUANTITY_DECIMALS });
        }
        let whole = whole.trim_start_matches('0');
        if negative || (whole.is_empty() && fraction.is_empty()) {
            return Err(QuantityError::NotPositive { text: text.to_owned() });
        }
        let too_large = || QuantityError::TooLarge { text: text.to_owned(), max: MAX_QUANTITY_UNITS };
        // More digits than MAX_QUANTITY_UNITS has is too large, and fewer cannot overflow.
        if whole.len() > MAX_QUANTITY_UNITS.to_string().len() {
            return Err(too_large());
        }
        let units: i64 = if whole.is_empty() { 0 } else { whole.parse().map_err(|_| malformed())? };
        if units > MAX_QUANTITY_UNITS || (units == MAX_QUANTITY_UNITS && !fraction.is_empty()) {
            return Err(too_large());
        }
        let thousandths: i64 = format!("{fraction:0<3}").parse().map_err(|_| malformed())?;
        Ok(units * 1_000 + thousandths)
    }
}

impl fmt::Display for Quantity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<&str> for Quantity {
    fn from(text: &str) -> Self {
        Self::new(text)
    }
}

impl Serialize for Quantity {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Quantity {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(QuantityVisitor)
    }
}

/// Takes a quantity from a JSON number or string, keeping its decimal text.
struct QuantityVisitor;

impl serde::de::Visitor<'_> for QuantityVisitor {
    type Value = Quantity;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a decimal quantity as a number or a string, e.g. 2.5 or \"0.125\"")
    }

    fn visit_i64<E: serde::de::Error>(self, value: i64) -> Result<Quantity, E> {
        Ok(Quantity(value.to_string()))
    }

    fn visit_u64<E: serde::de::Error>(self, value: u64) -> Result<Quantity, E> {
        Ok(Quantity(value.to_string()))
    }

    fn visit_f64<E: serde::de::Error>(self, value: f64) -> Result<Quantity, E> {
        // `Display` of an f64 is the shortest decimal that reads back as the same double,
        // never in exponent notation: 2.5 → "2.5", 1e-7 → "0.0000001".
        Ok(Quantity(value.to_string()))
    }

    fn visit_str<E: serde::de::Error>(self, value: &str) -> Result<Quantity, E> {
        Ok(Quantity(value.to_owned()))
    }

    fn visit_string<E: serde::de::Error>(self, value: String) -> Result<Quantity, E> {
        Ok(Quantity(value))
    }
}

/// Why a quantity's text is not a usable quantity.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum QuantityError {
    /// Not a plain decimal: optional `-`, digits, optionally `.` and digits.
    #[error("{text:?} is not a decimal number")]
    Malformed {
        /// The text given.
        text: String,
    },
    /// More fraction digits than thousandths (trailing zeros aside).
    #[error("{text:?} has more than {max} decimal places")]
    TooManyDecimals {
        /// The text given.
        text: String,
        /// The most fraction digits allowed.
        max: usize,
    },
    /// Zero or negative.
    #[error("{text:?} is not positive")]
    NotPositive {
        /// The text given.
        text: String,
    },
    /// Above the most units a line may have.
    #[error("{text:?} is more than {max} units")]
    TooLarge {
        /// The text given.
        text: String,
        /// The most units allowed.
        max: i64,
    },
}
