//! Reading request input into typed values: query strings (unknown or unreadable parameters
//! are 400), dates, currencies and limits (a value that breaks a rule is 422 naming the
//! parameter), and path identifiers (an id that cannot name anything is 404, like an absent
//! one). Parsers return the small [`InputError`], mapped to a problem once.

use axum::extract::{FromRequestParts, Query};
use axum::http::request::Parts;
use chrono::NaiveDate;
use prism_aggregates::finance::account::AccountCode;
use prism_aggregates::money::Currency;
use prism_platform::problem::Problem;
use serde::de::DeserializeOwned;
use uuid::Uuid;

/// Query-string parameters deserialised into `T`; rejections are problem+json.
#[derive(Debug, Clone)]
pub struct QueryParams<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for QueryParams<T> {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        Query::<T>::from_request_parts(parts, state)
            .await
            .map(|Query(params)| Self(params))
            .map_err(|rejection| Problem::bad_request(rejection.body_text()))
    }
}

/// Why request input was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InputError {
    /// A parameter breaks a rule: 422 naming it in `field`.
    #[error("{field}: {detail}")]
    Invalid {
        /// The query parameter at fault.
        field: &'static str,
        /// What is wrong with it.
        detail: String,
    },
    /// A path names something that cannot exist: 404.
    #[error("{0}")]
    NotFound(String),
}

impl From<InputError> for Problem {
    fn from(error: InputError) -> Self {
        match error {
            InputError::Invalid { field, detail } => Problem::unprocessable("invalid-field", field, detail),
            InputError::NotFound(detail) => Problem::not_found(detail),
        }
    }
}

/// The error for query parameter `field` breaking a rule.
#[must_use]
pub fn invalid(field: &'static str, detail: impl Into<String>) -> InputError {
    InputError::Invalid { field, detail: detail.into() }
}

/// Parses an optional `YYYY-MM-DD` parameter.
///
/// # Errors
/// 422 naming `field` when the value is not a calendar date.
pub fn optional_date(field: &'static str, value: Option<&str>) -> Result<Option<NaiveDate>, InputError> {
    value.map(|text| date(field, text)).transpose()
}

/// Parses a `YYYY-MM-DD` parameter.
///
/// # Errors
/// 422 naming `field` when the value is not a calendar date.
pub fn date(field: &'static str, text: &str) -> Result<NaiveDate, InputError> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .map_err(|_| invalid(field, format!("{field} must be a date as YYYY-MM-DD, got {text:?}")))
}

/// Parses a required `YYYY-MM-DD` parameter.
///
/// # Errors
/// 422 naming `field` when it is absent or not a calendar date.
pub fn required_date(field: &'static str, value: Option<&str>) -> Result<NaiveDate, InputError> {
    date(field, value.ok_or_else(|| invalid(field, format!("{field} is required")))?)
}

/// Parses an optional ISO 4217 currency parameter (`EUR`: three uppercase letters, a
/// currency with a minor unit).
///
/// # Errors
/// 422 naming `field` when the value is not such a currency.
pub fn optional_currency(field: &'static str, value: Option<&str>) -> Result<Option<Currency>, InputError> {
    value.map(|code| Currency::parse(code).map_err(|e| invalid(field, e.to_string()))).transpose()
}

/// Checks that an inclusive range is not empty.
///
/// # Errors
/// 422 naming `to` when `from` comes after `to`.
pub fn ordered<T: PartialOrd + std::fmt::Display>(from: Option<T>, to: Option<T>) -> Result<(), InputError> {
    match (from, to) {
        (Some(from), Some(to)) if from > to => Err(invalid("to", format!("to ({to}) is before from ({from})"))),
        _ => Ok(()),
    }
}

/// Parses the page size: `default` when absent, otherwise 1 to `max`.
///
/// # Errors
/// 422 naming `limit` when the value is not an integer in range.
pub fn limit(value: Option<&str>, default: u32, max: u32) -> Result<u32, InputError> {
    let Some(text) = value else {
        return Ok(default.min(max));
    };
    match text.parse::<u32>() {
        Ok(limit) if (1..=max).contains(&limit) => Ok(limit),
        _ => Err(invalid("limit", format!("limit must be an integer from 1 to {max}, got {text:?}"))),
    }
}

/// Parses a journal-entry id from the path.
///
/// # Errors
/// 404 when it is not a UUID: no entry can have that id.
pub fn entry_id(raw: &str) -> Result<Uuid, InputError> {
    Uuid::parse_str(raw).map_err(|_| no_entry(raw))
}

/// The 404 problem for a journal entry that does not exist.
#[must_use]
pub fn no_entry(id: &str) -> InputError {
    InputError::NotFound(format!("no journal entry {id}"))
}

/// Parses an account code from the path.
///
/// # Errors
/// 404 when it is not a valid code: no account can have it.
pub fn path_account(raw: &str) -> Result<AccountCode, InputError> {
    AccountCode::parse(raw).map_err(|e| InputError::NotFound(format!("no account {raw:?}: {e}")))
}

/// Parses an account code from a query parameter.
///
/// # Errors
/// 422 naming `field` when it is not a valid code.
pub fn query_account(field: &'static str, raw: &str) -> Result<AccountCode, InputError> {
    AccountCode::parse(raw).map_err(|e| invalid(field, e.to_string()))
}
