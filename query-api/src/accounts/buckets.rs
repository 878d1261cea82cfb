//! Time buckets of the bucketed series endpoints (postings, production yield), the range
//! they cover, and the SQL expression that assigns a row to one. Hours, days and weeks use
//! `date_bin` on UTC (weeks start on Monday), months use `date_trunc` in UTC — plain
//! PostgreSQL functions, so the same query answers the same whether a series is a Timescale
//! hypertable or a plain table.

use std::fmt;

use chrono::{DateTime, Datelike, Days, NaiveDate, NaiveTime, Utc};

use crate::params::{self, invalid, InputError};

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

/// A bucket width and the instants a request covers: `from` and `to` inclusive, each a date
/// (`2026-03-01`, the whole UTC day: `from` its start, `to` its end) or an RFC 3339 instant.
#[derive(Debug, Clone, Copy)]
pub struct BucketedRange {
    /// Width of one bucket.
    pub bucket: Bucket,
    /// First instant covered.
    pub start: DateTime<Utc>,
    /// Last instant covered, or the first one past the range (see [`Self::end_operator`]).
    pub end: DateTime<Utc>,
    end_inclusive: bool,
}

impl BucketedRange {
    /// Reads the `bucket`, `from` and `to` parameters.
    ///
    /// # Errors
    /// 422 naming the parameter: an unknown bucket, `from` or `to` missing or neither a date
    /// nor an instant, `to` before `from`, or a range of more than `max` buckets.
    pub fn parse(bucket: Option<&str>, from: Option<&str>, to: Option<&str>, max: u32) -> Result<Self, InputError> {
        let bucket = Bucket::parse(bucket)?;
        let from = from.ok_or_else(|| invalid("from", "from is required"))?;
        let to = to.ok_or_else(|| invalid("to", "to is required"))?;
        let (start, _) = bound("from", from, false)?;
        let (end, end_inclusive) = bound("to", to, true)?;
        if start > end || (start == end && !end_inclusive) {
            return Err(invalid("to", format!("to ({to}) is before from ({from})")));
        }
        let count = bucket.count_between(start, end);
        if count > i64::from(max) {
            return Err(invalid(
                "bucket",
                format!("the range spans up to {count} {bucket} buckets; at most {max} are allowed: use a wider bucket or a shorter range"),
            ));
        }
        Ok(Self { bucket, start, end, end_inclusive })
    }

    /// The SQL comparison a row's time must pass against [`Self::end`]: `<=` or `<`.
    #[must_use]
    pub fn end_operator(&self) -> &'static str {
        if self.end_inclusive {
            "<="
        } else {
            "<"
        }
    }
}

/// A range of whole days (`from` and `to` inclusive, required, ordered) and the width of the
/// buckets of a series summed per day: `day` (default), `week` or `month`, never an hour.
#[derive(Debug, Clone, Copy)]
pub struct DailyRange {
    /// First day.
    pub from: NaiveDate,
    /// Last day.
    pub to: NaiveDate,
    /// Width of one bucket.
    pub bucket: Bucket,
    /// `from` 00:00 UTC and the day after `to` 00:00 UTC (exclusive).
    pub instants: (DateTime<Utc>, DateTime<Utc>),
}

impl DailyRange {
    /// Reads the `from`, `to` and `bucket` parameters.
    ///
    /// # Errors
    /// 422 naming the parameter: `from` or `to` missing or not a date, `to` before `from`, a
    /// bucket other than a day, week or month, or a range of more than `max` buckets.
    pub fn parse(from: Option<&str>, to: Option<&str>, bucket: Option<&str>, max: u32) -> Result<Self, InputError> {
        let from = params::required_date("from", from)?;
        let to = params::required_date("to", to)?;
        params::ordered(Some(from), Some(to))?;
        let bucket = match bucket.unwrap_or("day") {
            "day" => Bucket::Day,
            "week" => Bucket::Week,
            "month" => Bucket::Month,
            other => return Err(invalid("bucket", format!("bucket must be day, week or month, got {other:?}"))),
        };
        let end =
            to.checked_add_days(Days::new(1)).ok_or_else(|| invalid("to", format!("to ({to}) is out of range")))?;
        let instants = (from.and_time(NaiveTime::MIN).and_utc(), end.and_time(NaiveTime::MIN).and_utc());
        let count = bucket.count_between(instants.0, instants.1);
        if count > i64::from(max) {
            return Err(invalid(
                "bucket",
                format!(
                    "the range spans up to {count} {bucket} buckets; at most {max} are allowed: \
                     use a wider bucket or a shorter range"
                ),
            ));
        }
        Ok(Self { from, to, bucket, instants })
    }
}

/// Reads a range bound: an instant as given (inclusive), or a date as its start (`from`) or
/// as the start of the next day, exclusive (`to`).
fn bound(field: &'static str, text: &str, is_end: bool) -> Result<(DateTime<Utc>, bool), InputError> {
    if let Ok(instant) = DateTime::parse_from_rfc3339(text) {
        return Ok((instant.with_timezone(&Utc), true));
    }
    let not_a_time =
        || invalid(field, format!("{field} must be a date (YYYY-MM-DD) or an RFC 3339 instant, got {text:?}"));
    let day = NaiveDate::parse_from_str(text, "%Y-%m-%d").map_err(|_| not_a_time())?;
    let day = if is_end { day.checked_add_days(Days::new(1)).ok_or_else(not_a_time)? } else { day };
    Ok((day.and_time(NaiveTime::MIN).and_utc(), !is_end))
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
    fn a_daily_range_is_bucketed_by_day_week_or_month_never_by_hour() {
        let range = DailyRange::parse(Some("2026-01-01"), Some("2026-01-31"), Some("week"), 100).unwrap();
        assert_eq!((range.bucket, range.instants.1.date_naive().to_string()), (Bucket::Week, "2026-02-01".to_owned()));
        let hourly = DailyRange::parse(Some("2026-01-01"), Some("2026-01-02"), Some("hour"), 100);
        assert!(matches!(hourly, Err(InputError::Invalid { field: "bucket", .. })));
        let reversed = DailyRange::parse(Some("2026-01-02"), Some("2026-01-01"), None, 100);
        assert!(matches!(reversed, Err(InputError::Invalid { field: "to", .. })));
    }

    #[test]
    fn a_year_spans_about_twelve_months_or_three_hundred_sixty_five_days() {
        let start = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
        let end = Utc.with_ymd_and_hms(2027, 1, 1, 0, 0, 0).unwrap();
        assert_eq!(Bucket::Month.count_between(start, end), 14);
        assert_eq!(Bucket::Day.count_between(start, end), 367);
    }
}
