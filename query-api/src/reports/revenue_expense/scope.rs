//! The request of a revenue and expense report, checked into a [`Scope`]: the required,
//! ordered `from` and `to`, the bucket width (`day`, `week` or `month`, never finer than the
//! daily sums), the bucket count the range may span at most, the optional currency and account,
//! and the UTC instants that bound the range.

use chrono::{DateTime, Days, NaiveDate, NaiveTime, Utc};
use prism_aggregates::finance::account::AccountCode;
use prism_aggregates::money::Currency;

use super::RevenueExpenseParams;
use crate::accounts::buckets::Bucket;
use crate::params::{self, invalid, InputError};

/// What a request asks for, checked.
#[derive(Debug, Clone)]
pub(super) struct Scope {
    pub(super) from: NaiveDate,
    pub(super) to: NaiveDate,
    pub(super) bucket: Bucket,
    pub(super) currency: Option<Currency>,
    pub(super) account: Option<AccountCode>,
    /// `from` 00:00 UTC and the day after `to` 00:00 UTC (exclusive).
    pub(super) instants: (DateTime<Utc>, DateTime<Utc>),
}

/// The checked scope of `query`, which may span at most `bucket_count_max` buckets.
pub(super) fn scope(query: &RevenueExpenseParams, bucket_count_max: u32) -> Result<Scope, InputError> {
    let from = params::required_date("from", query.from.as_deref())?;
    let to = params::required_date("to", query.to.as_deref())?;
    params::ordered(Some(from), Some(to))?;
    let bucket = parse_bucket(query.bucket.as_deref())?;
    let instants = instants(from, to)?;
    let count = bucket.count_between(instants.0, instants.1);
    if count > i64::from(bucket_count_max) {
        return Err(invalid(
            "bucket",
            format!(
                "the range spans up to {count} {bucket} buckets; at most {bucket_count_max} are allowed: \
                 use a wider bucket or a shorter range"
            ),
        ));
    }
    Ok(Scope {
        from,
        to,
        bucket,
        currency: params::optional_currency("currency", query.currency.as_deref())?,
        account: query.account.as_deref().map(|raw| params::query_account("account", raw)).transpose()?,
        instants,
    })
}

/// Reads `bucket`: `day` (default), `week` or `month` — no hours, the sums are daily.
fn parse_bucket(value: Option<&str>) -> Result<Bucket, InputError> {
    match value.unwrap_or("day") {
        "day" => Ok(Bucket::Day),
        "week" => Ok(Bucket::Week),
        "month" => Ok(Bucket::Month),
        other => Err(invalid("bucket", format!("bucket must be day, week or month, got {other:?}"))),
    }
}

/// The instants `from 00:00 UTC` and `to + 1 day 00:00 UTC` (exclusive).
fn instants(from: NaiveDate, to: NaiveDate) -> Result<(DateTime<Utc>, DateTime<Utc>), InputError> {
    let end = to.checked_add_days(Days::new(1)).ok_or_else(|| invalid("to", format!("to ({to}) is out of range")))?;
    Ok((from.and_time(NaiveTime::MIN).and_utc(), end.and_time(NaiveTime::MIN).and_utc()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bucket_is_a_day_a_week_or_a_month_never_an_hour() {
        assert_eq!(parse_bucket(None).unwrap(), Bucket::Day);
        assert_eq!(parse_bucket(Some("month")).unwrap(), Bucket::Month);
        assert!(matches!(parse_bucket(Some("hour")), Err(InputError::Invalid { field: "bucket", .. })));
    }
}
