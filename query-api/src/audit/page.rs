//! Paging the audit lists (a history, a trace): `limit` events a page, and a keyset cursor —
//! the version (history) or global position (trace) of the last event of the previous page,
//! written as a plain number. Clients treat it as opaque.

use prism_audit::store::{RecordedEvent, Window};
use serde::{Deserialize, Serialize};

use crate::params::{self, invalid, InputError};
use crate::state::DEFAULT_PAGE_SIZE;

/// Query parameters of a paged audit list; unknown ones are refused.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct PageParams {
    /// Page size, 1 to the configured maximum; 50 when absent.
    pub limit: Option<String>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// One page of events, oldest first.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct EventPage {
    /// The events.
    pub items: Vec<RecordedEvent>,
    /// Pass as `cursor` for the next page; `null` on the last page.
    pub next_cursor: Option<String>,
}

/// The page a request asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageRequest {
    /// Events after the cursor, one more than the page holds (to tell whether more follow).
    pub window: Window,
    /// How many events the page holds.
    pub limit: usize,
}

impl PageParams {
    /// The page these parameters ask for, `page_size_max` events at most.
    ///
    /// # Errors
    /// 422 naming `limit` or `cursor` when one is not what this API takes.
    pub fn request(&self, page_size_max: u32) -> Result<PageRequest, InputError> {
        let limit = params::limit(self.limit.as_deref(), DEFAULT_PAGE_SIZE, page_size_max)?;
        let after = self.cursor.as_deref().map(cursor).transpose()?;
        Ok(PageRequest {
            window: Window { after, limit: Some(i64::from(limit) + 1) },
            limit: usize::try_from(limit).unwrap_or(usize::MAX),
        })
    }
}

/// Reads a cursor handed out by a previous page.
fn cursor(text: &str) -> Result<i64, InputError> {
    text.parse::<i64>()
        .ok()
        .filter(|after| *after >= 0)
        .ok_or_else(|| invalid("cursor", "cursor is not one this API handed out"))
}

impl EventPage {
    /// The page of `events` read for `request`; the cursor of the next page is the `key`
    /// (version or position) of its last event.
    #[must_use]
    pub fn of(mut events: Vec<RecordedEvent>, request: PageRequest, key: fn(&RecordedEvent) -> i64) -> Self {
        let more = events.len() > request.limit;
        events.truncate(request.limit);
        let next_cursor = events.last().filter(|_| more).map(|last| key(last).to_string());
        Self { items: events, next_cursor }
    }
}

#[cfg(test)]
mod tests {
    use chrono::Utc;
    use serde_json::json;

    use super::*;

    fn params(limit: Option<&str>, cursor: Option<&str>) -> PageParams {
        PageParams { limit: limit.map(str::to_owned), cursor: cursor.map(str::to_owned) }
    }

    fn event(version: i64) -> RecordedEvent {
        RecordedEvent {
            position: version * 10,
            aggregate_type: "finance.journal_entry".to_owned(),
            aggregate_id: "e-1".to_owned(),
            version,
            event_type: "JournalEntryPosted".to_owned(),
            event_version: "1".to_owned(),
            recorded_at: Utc::now(),
            user_id: None,
            correlation_id: None,
            causation_id: None,
            changes: json!({}),
        }
    }

    #[test]
    fn a_request_reads_one_more_than_its_page_after_its_cursor() {
        let request = params(Some("2"), Some("7")).request(10).unwrap();
        assert_eq!(request, PageRequest { window: Window { after: Some(7), limit: Some(3) }, limit: 2 });
        let default = params(None, None).request(500).unwrap();
        assert_eq!(default.window, Window { after: None, limit: Some(i64::from(DEFAULT_PAGE_SIZE) + 1) });
    }

    #[test]
    fn a_limit_or_cursor_out_of_bounds_names_its_field() {
        let field = |p: PageParams| match p.request(10) {
            Err(InputError::Invalid { field, .. }) => field,
            other => panic!("refused, not {other:?}"),
        };
        assert_eq!(field(params(Some("11"), None)), "limit");
        assert_eq!(field(params(Some("0"), None)), "limit");
        assert_eq!(field(params(None, Some("-1"))), "cursor");
        assert_eq!(field(params(None, Some("v3"))), "cursor");
    }

    #[test]
    fn a_full_page_with_more_behind_it_names_its_last_key_as_the_next_cursor() {
        let request = params(Some("2"), None).request(10).unwrap();
        let page = EventPage::of((1..=3).map(event).collect(), request, |e| e.position);
        assert_eq!(page.items.iter().map(|e| e.version).collect::<Vec<_>>(), [1, 2]);
        assert_eq!(page.next_cursor.as_deref(), Some("20"));
        let last = EventPage::of((1..=2).map(event).collect(), request, |e| e.version);
        assert_eq!((last.items.len(), last.next_cursor), (2, None));
    }
}
