//! The keyset cursor of the invoice list: the `(issue_date, invoice_id)` of the last invoice
//! on a page, written `YYYY-MM-DD_<uuid>`, or `draft_<uuid>` for a draft (no issue date;
//! drafts sort after every issued invoice). Clients treat it as opaque.

use std::fmt;

use chrono::NaiveDate;
use uuid::Uuid;

use crate::params::{invalid, InputError};

/// How a draft's missing issue date is written in a cursor.
const DRAFT: &str = "draft";

/// Where the next page starts: strictly after this `(issue_date, invoice_id)`, a missing
/// issue date sorting last.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cursor {
    /// Issue date of the last invoice returned; `None` for a draft.
    pub issue_date: Option<NaiveDate>,
    /// Id of the last invoice returned.
    pub invoice_id: Uuid,
}

impl Cursor {
    /// Reads a cursor handed out by a previous page.
    ///
    /// # Errors
    /// 422 naming `cursor` when the text was not produced by this API.
    pub fn parse(text: &str) -> Result<Self, InputError> {
        let malformed = || invalid("cursor", "cursor is not one this API handed out");
        let (date, id) = text.split_once('_').ok_or_else(malformed)?;
        let issue_date = match date {
            DRAFT => None,
            date => Some(NaiveDate::parse_from_str(date, "%Y-%m-%d").map_err(|_| malformed())?),
        };
        let invoice_id = Uuid::parse_str(id).map_err(|_| malformed())?;
        Ok(Self { issue_date, invoice_id })
    }
}

impl fmt::Display for Cursor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.issue_date {
            Some(date) => write!(f, "{}_{}", date.format("%Y-%m-%d"), self.invoice_id),
            None => write!(f, "{DRAFT}_{}", self.invoice_id),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cursor_reads_back_as_itself_with_or_without_an_issue_date() {
        for issue_date in [NaiveDate::from_ymd_opt(2026, 3, 1), None] {
            let cursor = Cursor { issue_date, invoice_id: Uuid::new_v4() };
            assert_eq!(Cursor::parse(&cursor.to_string()).unwrap(), cursor);
        }
    }

    #[test]
    fn a_cursor_not_handed_out_is_rejected() {
        for text in ["", "2026-03-01", "2026-13-01_00000000-0000-0000-0000-000000000000", "drafts_nope", "draft_x"] {
            assert!(Cursor::parse(text).is_err(), "{text:?} accepted");
        }
    }
}
