//! The request of a revenue and expense report, checked into a [`Scope`]: its [`DailyRange`]
//! (the required, ordered `from` and `to`, the bucket width — `day`, `week` or `month`, never
//! finer than the daily sums — the bucket count the range may span at most, and the UTC instants
//! that bound it), and the optional currency and account.

use chrono::{DateTime, NaiveDate, Utc};
use prism_aggregates::finance::account::AccountCode;
use prism_aggregates::money::Currency;

use super::RevenueExpenseParams;
use crate::accounts::buckets::{Bucket, DailyRange};
use crate::params::{self, InputError};

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
    let range =
        DailyRange::parse(query.from.as_deref(), query.to.as_deref(), query.bucket.as_deref(), bucket_count_max)?;
    Ok(Scope {
        from: range.from,
        to: range.to,
        bucket: range.bucket,
        currency: params::optional_currency("currency", query.currency.as_deref())?,
        account: query.account.as_deref().map(|raw| params::query_account("account", raw)).transpose()?,
        instants: range.instants,
    })
}
