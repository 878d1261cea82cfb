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

/// Reads an optional parameter that must be one of `allowed`, returned as the allowed
/// spelling.
///
/// # Errors
/// 422 naming `field` when the value is not one of `allowed`.
pub fn one_of(
    field: &'static str,
    value: Option<&str>,
    allowed: &'static [&'static str],
) -> Result<Option<&'static str>, InputError> {
    let Some(text) = value else {
        return Ok(None);
    };
    allowed
        .iter()
        .copied()
        .find(|candidate| *candidate == text)
        .map(Some)
        .ok_or_else(|| invalid(field, format!("{field} must be one of {}, got {text:?}", allowed.join(", "))))
}

/// Parses an optional boolean parameter (`true` or `false`); `false` when absent.
///
/// # Errors
/// 422 naming `field` when the value is neither.
pub fn flag(field: &'static str, value: Option<&str>) -> Result<bool, InputError> {
    match value {
        None | Some("false") => Ok(false),
        Some("true") => Ok(true),
        Some(other) => Err(invalid(field, format!("{field} must be true or false, got {other:?}"))),
    }
}

/// Parses the UUID naming a `what` (`invoice`, `payment`) in the path.
///
/// # Errors
/// 404 when it is not a UUID: no `what` can have that id.
pub fn path_uuid(what: &str, raw: &str) -> Result<Uuid, InputError> {
    Uuid::parse_str(raw).map_err(|_| no_such(what, raw))
}

/// The 404 error for a `what` with id `id` that does not exist.
#[must_use]
pub fn no_such(what: &str, id: &str) -> InputError {
    InputError::NotFound(format!("no {what} {id}"))
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_of_returns_the_allowed_spelling_or_names_the_field() {
        const KINDS: &[&str] = &["a", "b"];
        assert_eq!(one_of("kind", None, KINDS).unwrap(), None);
        assert_eq!(one_of("kind", Some("b"), KINDS).unwrap(), Some("b"));
        assert_eq!(one_of("kind", Some("B"), KINDS), Err(invalid("kind", "kind must be one of a, b, got \"B\"")));
    }

    #[test]
    fn a_flag_is_true_false_or_absent() {
        assert_eq!((flag("detail", None), flag("detail", Some("false"))), (Ok(false), Ok(false)));
        assert_eq!(flag("detail", Some("true")), Ok(true));
        assert!(matches!(flag("detail", Some("1")), Err(InputError::Invalid { field: "detail", .. })));
    }

    #[test]
    fn a_path_id_that_is_not_a_uuid_names_nothing() {
        let id = Uuid::new_v4();
        assert_eq!(path_uuid("invoice", &id.to_string()), Ok(id));
        assert_eq!(path_uuid("invoice", "INV-1"), Err(InputError::NotFound("no invoice INV-1".to_owned())));
    }
}
