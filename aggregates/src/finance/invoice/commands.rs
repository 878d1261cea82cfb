//! Commands to the invoice aggregate. They carry raw inputs (strings, wide integers, the
//! quantity's text) so that every rule is decided, and reported with its field, in `handle`.

use std::fmt;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::errors::QuantityError;
use super::{MAX_QUANTITY_UNITS, QUANTITY_DECIMALS};

/// A request to change an invoice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum InvoiceCommand {
    /// Record a new draft.
    Draft(DraftInvoice),
    /// Issue the draft: compute its amounts and post it to the ledger.
    Issue(IssueInvoice),
    /// Apply (part of) a payment to the issued invoice.
    ApplyPayment(ApplyPayment),
    /// Void the issued, unpaid invoice: reverse its posting.
    Void(VoidInvoice),
}

/// Draft a new invoice under `invoice_id`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DraftInvoice {
    /// Id of the invoice (the aggregate id), chosen by the API from the path or generated.
    pub invoice_id: Uuid,
    /// `customer_invoice`, `vendor_bill`, `customer_credit_note` or `vendor_credit_note`.
    pub kind: String,
    /// Document number; when present non-blank, at most `MAX_NUMBER_CHARS` characters.
    /// Absent: `<INV|BILL|CN|VCN>-<first 8 hex digits of the id, uppercase>`.
    #[serde(default)]
    pub number: Option<String>,
    /// Id of the customer or vendor; non-blank, at most `MAX_COUNTERPARTY_ID_CHARS` characters.
    pub counterparty_id: String,
    /// Name of the customer or vendor; non-blank, at most `MAX_COUNTERPARTY_NAME_CHARS`
    /// characters.
    pub counterparty_name: String,
    /// ISO-4217 code of every amount; must be a valid [`crate::money::Currency`].
    pub currency: String,
    /// Receivable or payable control account; a valid
    /// [`crate::finance::account::AccountCode`]. Absent: `1100` Accounts receivable for
    /// customer documents, `2000` Accounts payable for vendor documents.
    #[serde(default)]
    pub control_account: Option<String>,
    /// Id (UUID) of the invoice a credit note credits: required for credit notes, refused for
    /// invoices and bills.
    #[serde(default)]
    pub credits_invoice_id: Option<String>,
    /// The lines, 1 to `MAX_LINES` of them; addressed as `lines[i]` (0-based) in errors.
    pub lines: Vec<InvoiceLineInput>,
}

/// One line as the client sent it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InvoiceLineInput {
    /// What is sold or bought; non-blank, at most `MAX_DESCRIPTION_CHARS` characters.
    pub description: String,
    /// How many units: a positive decimal with at most three fraction digits, at most
    /// `MAX_QUANTITY_UNITS`; a JSON number or string (`2.5`, `"0.125"`).
    pub quantity: Quantity,
    /// Price of one unit in minor units of the invoice currency; not negative.
    pub unit_price: i64,
    /// Income account (customer documents) or expense/asset account (vendor documents); a
    /// valid [`crate::finance::account::AccountCode`].
    pub account: String,
    /// Tax code applied to the line; when present non-blank. Whether it is defined is checked
    /// when the invoice is issued.
    #[serde(default)]
    pub tax_code: Option<String>,
}

/// Issue a draft.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IssueInvoice {
    /// Date of issue: the accounting date of the posting and the date tax rates apply on.
    pub issue_date: NaiveDate,
    /// Date payment is due; not before `issue_date`. Absent: `DEFAULT_PAYMENT_TERMS_DAYS`
    /// days after it.
    #[serde(default)]
    pub due_date: Option<NaiveDate>,
}

/// Apply (part of) a payment to an issued invoice or bill.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ApplyPayment {
    /// Id of the payment; non-blank. Applying the same payment again records nothing.
    pub payment_id: String,
    /// Amount applied, in minor units of the invoice currency; positive, at most what is open.
    pub amount_minor: i64,
    /// Date of the payment.
    pub payment_date: NaiveDate,
}

/// Void an issued invoice that has no payment applied.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VoidInvoice {
    /// Why; non-blank, at most `MAX_REASON_CHARS` characters.
    pub reason: String,
    /// Accounting date of the reversal; not before the issue date.
    pub void_date: NaiveDate,
}

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
