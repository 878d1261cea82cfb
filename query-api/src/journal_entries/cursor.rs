//! The keyset cursor of the journal-entry list: the `(entry_date, entry_id)` of the last
//! entry on a page, written `YYYY-MM-DD_<uuid>`. Clients treat it as opaque.

use std::fmt;

use chrono::NaiveDate;
use uuid::Uuid;

use crate::params::{invalid, InputError};

/// Where the next page starts: strictly after this `(entry_date, entry_id)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cursor {
    /// Date of the last entry returned.
    pub entry_date: NaiveDate,
    /// Id of the last entry returned.
    pub entry_id: Uuid,
}

impl Cursor {
    /// Reads a cursor handed out by a previous page.
    ///
    /// # Errors
    /// 422 naming `cursor` when the text was not produced by this API.
    pub fn parse(text: &str) -> Result<Self, InputError> {
        let malformed = || invalid("cursor", "cursor is not one this API handed out");
        let (date, id) = text.split_once('_').ok_or_else(malformed)?;
        let entry_date = NaiveDate::parse_from_str(date, "%Y-%m-%d").map_err(|_| malformed())?;
        let entry_id = Uuid::parse_str(id).map_err(|_| malformed())?;
        Ok(Self { entry_date, entry_id })
    }
}

impl fmt::Display for Cursor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}_{}", self.entry_date.format("%Y-%m-%d"), self.entry_id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cursor_reads_back_as_itself() {
        let cursor = Cursor { entry_date: NaiveDate::from_ymd_opt(2026, 3, 1).unwrap(), entry_id: Uuid::new_v4() };
        assert_eq!(Cursor::parse(&cursor.to_string()).unwrap(), cursor);
    }

    #[test]
    fn a_cursor_not_handed_out_is_rejected() {
        for text in ["", "2026-03-01", "2026-13-01_00000000-0000-0000-0000-000000000000", "2026-03-01_nope"] {
            assert!(Cursor::parse(text).is_err(), "{text:?} accepted");
        }
    }
}
