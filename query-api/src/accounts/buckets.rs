//! Time buckets of the postings endpoint and the SQL expression that assigns a posting to
//! one. Hours, days and weeks use `date_bin` on UTC (weeks start on Monday), months use
//! `date_trunc` in UTC — plain PostgreSQL functions, so the same query answers the same
//! whether `postings` is a Timescale hypertable or a plain table.

use std::fmt;

use chrono::{DateTime, Datelike, Utc};

use crate::params::{invalid, InputError};

/// Width of one bucket.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bucket {
    /// One hour.
    Hour,
    /// One UTC day (the default).
    Day,
    /// One week, Monday 00:00 UTC to Monday.
    Week,
    /// One calendar month in UTC.
    Month,
}

impl Bucket {
    /// Reads the `bucket` parameter; `day` when absent.
    ///
    /// # Errors
    /// 422 naming `bucket` for anything but `hour`, `day`, `week`, `month`.
    pub fn parse(value: Option<&str>) -> Result<Self, InputError> {
        match value.unwrap_or("day") {
            "hour" => Ok(Self::Hour),
            "day" => Ok(Self::Day),
            "week" => Ok(Self::Week),
            "month" => Ok(Self::Month),
            other => Err(invalid("bucket", format!("bucket must be hour, day, week or month, got {other:?}"))),
        }
    }

    /// SQL expression giving the start of the bucket holding `posted_on`.
    #[must_use]
    pub fn start_sql(self) -> &'static str {
        // 2000-01-03 was a Monday: the origin aligns weekly bins to ISO weeks.
        match self {
            Self::Hour => "date_bin(interval '1 hour', posted_on, timestamptz '2000-01-03 00:00:00+00')",
            Self::Day => "date_bin(interval '1 day', posted_on, timestamptz '2000-01-03 00:00:00+00')",
            Self::Week => "date_bin(interval '7 days', posted_on, timestamptz '2000-01-03 00:00:00+00')",
            Self::Month => "date_trunc('month', posted_on, 'UTC')",
        }
    }

    /// How many buckets the range `start..end` can touch, at most.
    #[must_use]
    pub fn count_between(self, start: DateTime<Utc>, end: DateTime<Utc>) -> i64 {
        let span = end.signed_duration_since(start);
        let whole = match self {
            Self::Hour => span.num_hours(),
            Self::Day => span.num_days(),
            Self::Week => span.num_weeks(),
            Self::Month => {
                let months = |at: DateTime<Utc>| i64::from(at.year()) * 12 + i64::from(at.month0());
                months(end) - months(start)
            }
        };
        whole.saturating_add(2)
    }
}

impl fmt::Display for Bucket {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Hour => "hour",
            Self::Day => "day",
            Self::Week => "week",
            Self::Month => "month",
        })
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    #[test]
    fn the_bucket_defaults_to_a_day_and_rejects_unknown_widths() {
        assert_eq!(Bucket::parse(None).unwrap(), Bucket::Day);
        assert_eq!(Bucket::parse(Some("month")).unwrap(), Bucket::Month);
        assert!(Bucket::parse(Some("year")).is_err());
    }

    #[test]
    fn a_year_spans_about_twelve_months_or_three_hundred_sixty_five_days() {
        let start = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
        let end = Utc.with_ymd_and_hms(2027, 1, 1, 0, 0, 0).unwrap();
        assert_eq!(Bucket::Month.count_between(start, end), 14);
        assert_eq!(Bucket::Day.count_between(start, end), 367);
    }
}
