//! Content negotiation for the endpoints that answer both JSON and CSV. The `Accept` header
//! is read per RFC 9110: each media range may carry a `q` weight, and a media type takes the
//! weight of the most specific range matching it (`text/csv` over `text/*` over `*/*`). CSV
//! is chosen only when `text/csv` weighs more than `application/json`; everything else —
//! no `Accept`, `*/*`, a tie, or only types this API does not produce — answers JSON, so a
//! client that never asks for CSV never gets it. Both answers carry `Vary: Accept`.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Serialize;

use crate::csv::{ToCsv, TEXT_CSV};

/// Largest `q` weight, in thousandths.
const FULL_WEIGHT: u16 = 1000;

/// The representation a request asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// `application/json` (the default).
    Json,
    /// `text/csv` with a header row.
    Csv,
}

impl<S: Send + Sync> FromRequestParts<S> for Format {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        Ok(Self::from_accept(&accept_of(&parts.headers)))
    }
}

/// Every `Accept` header of a request as one list of media ranges.
pub(crate) fn accept_of(headers: &HeaderMap) -> String {
    headers.get_all(header::ACCEPT).iter().filter_map(|value| value.to_str().ok()).collect::<Vec<_>>().join(",")
}

impl Format {
    /// The format an `Accept` header value asks for.
    #[must_use]
    pub fn from_accept(accept: &str) -> Self {
        if weight(accept, "text", "csv") > weight(accept, "application", "json") {
            Self::Csv
        } else {
            Self::Json
        }
    }

    /// `value` as JSON or as CSV, with `Vary: Accept`.
    pub fn respond<T: Serialize + ToCsv>(self, value: &T) -> Response {
        let mut response = match self {
            Self::Json => Json(value).into_response(),
            Self::Csv => ([(header::CONTENT_TYPE, TEXT_CSV)], value.to_csv()).into_response(),
        };
        response.headers_mut().insert(header::VARY, HeaderValue::from_static("accept"));
        response
    }
}

/// The `q` weight (thousandths) `accept` gives `kind/subtype`: that of the most specific
/// matching range, 0 when none matches.
pub(crate) fn weight(accept: &str, kind: &str, subtype: &str) -> u16 {
    accept
        .split(',')
        .filter_map(|range| {
            let mut parts = range.split(';');
            let (range_kind, range_subtype) = parts.next()?.trim().split_once('/')?;
            let specificity = match (range_kind.trim(), range_subtype.trim()) {
                ("*", "*") => 0,
                (k, "*") if k.eq_ignore_ascii_case(kind) => 1,
                (k, s) if k.eq_ignore_ascii_case(kind) && s.eq_ignore_ascii_case(subtype) => 2,
                _ => return None,
            };
            let q = parts
                .filter_map(|parameter| parameter.split_once('='))
                .find(|(name, _)| name.trim().eq_ignore_ascii_case("q"))
                .map_or(FULL_WEIGHT, |(_, value)| quality(value.trim()));
            Some((specificity, q))
        })
        .max_by_key(|&(specificity, _)| specificity)
        .map_or(0, |(_, q)| q)
}

/// Reads a `q` value (`0` to `1`, at most three decimals) as thousandths; an unreadable one
/// counts as 0.
fn quality(text: &str) -> u16 {
    let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
    if fraction.len() > 3 || !fraction.bytes().all(|b| b.is_ascii_digit()) {
        return 0;
    }
    let thousandths = format!("{fraction:0<3}").parse::<u16>().unwrap_or(0);
    match whole {
        "0" => thousandths,
        "1" if thousandths == 0 => FULL_WEIGHT,
        _ => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_is_chosen_only_when_it_outweighs_json() {
        assert_eq!(Format::from_accept("text/csv"), Format::Csv);
        assert_eq!(Format::from_accept("text/csv; charset=utf-8"), Format::Csv);
        assert_eq!(Format::from_accept("application/json;q=0.5, text/csv"), Format::Csv);
        assert_eq!(Format::from_accept("text/*, */*;q=0.1"), Format::Csv);
        assert_eq!(Format::from_accept(""), Format::Json);
        assert_eq!(Format::from_accept("*/*"), Format::Json);
        assert_eq!(Format::from_accept("application/json, text/csv"), Format::Json);
        assert_eq!(Format::from_accept("text/html"), Format::Json);
        assert_eq!(Format::from_accept("text/*, text/csv;q=0"), Format::Json);
    }

    #[test]
    fn q_values_are_read_as_thousandths() {
        assert_eq!(quality("1"), 1000);
        assert_eq!(quality("1.000"), 1000);
        assert_eq!(quality("0.8"), 800);
        assert_eq!(quality("0.125"), 125);
        assert_eq!(quality("0"), 0);
        for bad in ["1.5", "2", "0.1234", "x", "-1", ""] {
            assert_eq!(quality(bad), 0, "{bad:?}");
        }
    }
}
