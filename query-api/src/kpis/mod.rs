//! Spectrum: `GET /v1/kpis/{kpi}?from=&to=&bucket=day|week|month&currency=` — one KPI over a
//! range, per bucket, from the time-series read model (`timescale` projector). The KPIs:
//!
//! | `kpi` | value per bucket |
//! |---|---|
//! | `revenue` | income accounts' credits minus debits (closing entries left out), minor units |
//! | `gross-margin` | revenue minus the cost of the goods issued from stock, minor units |
//! | `orders` | sales orders placed |
//! | `average-order-value` | their total over their number, minor units (half away from zero); `null` without orders |
//! | `stock-turnover` | cost of goods issued over the average of the stock value at the bucket's start and end, times (2 decimals); `null` without stock |
//! | `days-sales-outstanding` | receivables at the bucket's end over its revenue, times its days (2 decimals); `null` without revenue |
//! | `cash-position` | the cash accounts' balance at the bucket's end, minor units |
//!
//! Each point also lists the integer `components` it was computed from. `from`, `to` (inclusive
//! dates) and `currency` are required; `bucket` is `day` (default), `week` (Monday to Sunday) or
//! `month`, in UTC, the first and last clipped to the range, every bucket listed (also empty
//! ones); a range spans at most `PRISM_BUCKET_COUNT_MAX` buckets. Balances (cash, receivables,
//! stock) count everything before the range too. Cash accounts are the chart's `cash` accounts,
//! receivable accounts the control accounts of customer invoices and credit notes, revenue the
//! `income` accounts, amounts in the transaction currency asked for.
//!
//! The daily sums are TimescaleDB continuous aggregates where the extension exists (refreshed
//! every minute, newest days read live) and plain views where it does not: same answers. With
//! `X-Prism-Min-Position` the answer waits until the `timescale` projector has applied that
//! event; a back-dated posting reaches a day the aggregate already materialized at its next
//! refresh.
//!
//! JSON: [`KpiView`]. CSV (`Accept: text/csv`): `bucket_start,bucket_end,value`.

pub(crate) mod compute;
pub(crate) mod series;

use axum::extract::{Path, State};
use axum::response::Response;
use chrono::NaiveDate;
use prism_platform::problem::Problem;
use serde::{Deserialize, Serialize};

use self::compute::{points, Point};
use crate::accounts::buckets::DailyRange;
use crate::consistency::MinPosition;
use crate::csv::{CsvWriter, ToCsv};
use crate::negotiate::Format;
use crate::params::{self, invalid, InputError, QueryParams};
use crate::state::AppState;
use crate::tenants::KnownTenant;

/// A key performance indicator Spectrum computes, named in the path as in [`Kpi::ALL`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, utoipa::ToSchema)]
#[schema(rename_all = "kebab-case")]
pub enum Kpi {
    /// Revenue.
    Revenue,
    /// Revenue minus the cost of goods sold.
    GrossMargin,
    /// Sales orders placed.
    Orders,
    /// Average sales order total.
    AverageOrderValue,
    /// Cost of goods sold over average stock value.
    StockTurnover,
    /// Receivables over revenue, in days.
    DaysSalesOutstanding,
    /// Cash accounts' balance.
    CashPosition,
}

impl Kpi {
    /// Every KPI, as its path segment.
    pub const ALL: [(&'static str, Kpi); 7] = [
        ("revenue", Kpi::Revenue),
        ("gross-margin", Kpi::GrossMargin),
        ("orders", Kpi::Orders),
        ("average-order-value", Kpi::AverageOrderValue),
        ("stock-turnover", Kpi::StockTurnover),
        ("days-sales-outstanding", Kpi::DaysSalesOutstanding),
        ("cash-position", Kpi::CashPosition),
    ];

    /// The KPI's name, its path segment.
    #[must_use]
    pub fn name(self) -> &'static str {
        Self::ALL.iter().find(|(_, kpi)| *kpi == self).map_or("", |(name, _)| *name)
    }

    /// The KPI named `name`, or 404 naming the known ones.
    fn parse(name: &str) -> Result<(&'static str, Self), InputError> {
        Self::ALL.into_iter().find(|(known, _)| *known == name).ok_or_else(|| {
            let known: Vec<&str> = Self::ALL.iter().map(|(known, _)| *known).collect();
            InputError::NotFound(format!("no KPI {name:?}; the KPIs are {}", known.join(", ")))
        })
    }
}

/// Query parameters of a KPI; unknown ones are refused.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct KpiParams {
    /// First day, inclusive (`YYYY-MM-DD`). Required.
    pub from: Option<String>,
    /// Last day, inclusive (`YYYY-MM-DD`). Required.
    pub to: Option<String>,
    /// `day`, `week` or `month`; `day` when absent.
    pub bucket: Option<String>,
    /// ISO 4217 currency of the amounts. Required.
    pub currency: Option<String>,
}

/// A KPI per bucket.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct KpiView {
    /// The KPI, as in the path.
    pub kpi: &'static str,
    /// Currency of the amounts.
    pub currency: String,
    /// First day included.
    pub from: NaiveDate,
    /// Last day included.
    pub to: NaiveDate,
    /// The bucket width.
    pub bucket: String,
    /// Every bucket of the range, by start.
    pub points: Vec<KpiPoint>,
}

/// The KPI over one bucket.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct KpiPoint {
    /// First day of the bucket within the range.
    pub bucket_start: NaiveDate,
    /// Last day of the bucket within the range.
    pub bucket_end: NaiveDate,
    /// The value: minor units, a count, or a ratio with two decimals (see the KPI); `null` where
    /// undefined.
    #[schema(value_type = Option<f64>)]
    pub value: Option<serde_json::Number>,
    /// The integer inputs of the value, by name (`revenue_minor`, `cogs_minor`, …).
    #[schema(value_type = Object)]
    pub components: std::collections::BTreeMap<&'static str, i64>,
}

impl From<Point> for KpiPoint {
    fn from(point: Point) -> Self {
        Self { bucket_start: point.start, bucket_end: point.end, value: point.value, components: point.components }
    }
}

/// `GET /v1/kpis/{kpi}`.
#[utoipa::path(get, path = "/v1/kpis/{kpi}", params(
        ("kpi" = inline(Kpi), Path, description = "The KPI; any other name is 404"),
        KpiParams, crate::openapi::Csv),
    responses((status = 200, description = "The KPI per bucket", body = KpiView)))]
#[tracing::instrument(skip_all, fields(tenant = %tenant))]
pub async fn get(
    State(state): State<AppState>,
    KnownTenant(tenant): KnownTenant,
    Path(kpi): Path<String>,
    token: MinPosition,
    format: Format,
    QueryParams(query): QueryParams<KpiParams>,
) -> Result<Response, Problem> {
    let (name, kpi) = Kpi::parse(&kpi)?;
    let range = DailyRange::parse(
        query.from.as_deref(),
        query.to.as_deref(),
        query.bucket.as_deref(),
        state.limits.bucket_count_max,
    )?;
    let currency = params::optional_currency("currency", query.currency.as_deref())?
        .ok_or_else(|| invalid("currency", "currency is required"))?;
    state.await_timeseries(&tenant, token).await?;
    let series =
        series::read(&state.stores.timeseries, &tenant, currency.as_str(), range.from, range.instants.1).await?;
    let points = points(kpi, range.bucket, (range.from, range.to), series.opening, &series.days);
    Ok(format.respond(&KpiView {
        kpi: name,
        currency: currency.as_str().to_owned(),
        from: range.from,
        to: range.to,
        bucket: range.bucket.to_string(),
        points: points.into_iter().map(KpiPoint::from).collect(),
    }))
}

impl ToCsv for KpiView {
    const HEADER: &'static [&'static str] = &["bucket_start", "bucket_end", "value"];

    fn write_records(&self, csv: &mut CsvWriter) {
        for point in &self.points {
            let value = point.value.as_ref().map(ToString::to_string).unwrap_or_default();
            csv.record(&[&point.bucket_start.to_string(), &point.bucket_end.to_string(), &value]);
        }
    }
}
