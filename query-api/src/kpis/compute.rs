//! The KPIs from the daily facts, without a database: the days are cut into buckets (the first
//! and last holding only the days within the range), flows are summed over each bucket's days,
//! balances are read at its ends (the opening before the range plus every change up to then),
//! and each KPI is computed from those. Money stays integer minor units; only ratios (stock
//! turnover, days sales outstanding) are decimals, rounded to two places.

use std::collections::BTreeMap;

use chrono::{Datelike, Days, NaiveDate};
use serde_json::Number;

use super::Kpi;
use crate::accounts::buckets::Bucket;

/// One day's facts in one currency: flows of the day and changes of the balances.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DayFacts {
    /// Income accounts' credits minus debits (closing entries left out).
    pub revenue_minor: i64,
    /// Cost of the goods issued from stock.
    pub cogs_minor: i64,
    /// Sales orders placed.
    pub orders: i64,
    /// Their totals.
    pub order_total_minor: i64,
    /// Change of the cash accounts' balance (debits minus credits).
    pub cash_change_minor: i64,
    /// Change of the receivable accounts' balance.
    pub receivables_change_minor: i64,
    /// Change of the stock's value.
    pub inventory_change_minor: i64,
}

impl DayFacts {
    /// The sum of two days' (or spans') facts.
    #[must_use]
    pub fn plus(self, other: Self) -> Self {
        Self {
            revenue_minor: self.revenue_minor + other.revenue_minor,
            cogs_minor: self.cogs_minor + other.cogs_minor,
            orders: self.orders + other.orders,
            order_total_minor: self.order_total_minor + other.order_total_minor,
            cash_change_minor: self.cash_change_minor + other.cash_change_minor,
            receivables_change_minor: self.receivables_change_minor + other.receivables_change_minor,
            inventory_change_minor: self.inventory_change_minor + other.inventory_change_minor,
        }
    }
}

/// A KPI over one bucket.
#[derive(Debug, Clone, PartialEq)]
pub struct Point {
    /// First day of the bucket within the range.
    pub start: NaiveDate,
    /// Last day of the bucket within the range.
    pub end: NaiveDate,
    /// The KPI's value; `None` where it is undefined (no orders, no revenue, no stock).
    pub value: Option<Number>,
    /// The integer inputs it was computed from, by name.
    pub components: BTreeMap<&'static str, i64>,
}

/// The buckets of `from..=to` as `(first day, last day)`, each clipped to the range.
#[must_use]
pub fn buckets(bucket: Bucket, from: NaiveDate, to: NaiveDate) -> Vec<(NaiveDate, NaiveDate)> {
    let mut spans = Vec::new();
    let mut start = from;
    while start <= to {
        let next = next_start(bucket, start);
        let end = next.pred_opt().unwrap_or(next).min(to);
        spans.push((start, end));
        start = next;
    }
    spans
}

/// The first day of the bucket after the one holding `day`.
fn next_start(bucket: Bucket, day: NaiveDate) -> NaiveDate {
    let after = match bucket {
        Bucket::Hour | Bucket::Day => day.checked_add_days(Days::new(1)),
        Bucket::Week => day.checked_add_days(Days::new(7 - u64::from(day.weekday().num_days_from_monday()))),
        Bucket::Month => {
            let (year, month) = if day.month() == 12 { (day.year() + 1, 1) } else { (day.year(), day.month() + 1) };
            NaiveDate::from_ymd_opt(year, month, 1)
        }
    };
    after.unwrap_or(NaiveDate::MAX)
}

/// `kpi` over each bucket of `from..=to`, from the facts of each day (`days`, any range) and
/// the balances before the first day of `days` (`opening`, as changes).
#[must_use]
pub fn points(
    kpi: Kpi,
    bucket: Bucket,
    (from, to): (NaiveDate, NaiveDate),
    opening: DayFacts,
    days: &BTreeMap<NaiveDate, DayFacts>,
) -> Vec<Point> {
    buckets(bucket, from, to)
        .into_iter()
        .map(|(start, end)| {
            let before = days.range(..start).fold(opening, |sum, (_, day)| sum.plus(*day));
            let within = days.range(start..=end).fold(DayFacts::default(), |sum, (_, day)| sum.plus(*day));
            let (value, components) = measure(kpi, &before, &within, span_days(start, end));
            Point { start, end, value, components }
        })
        .collect()
}

/// Days from `start` to `end`, both included.
fn span_days(start: NaiveDate, end: NaiveDate) -> i64 {
    end.signed_duration_since(start).num_days() + 1
}

/// `kpi` from the balances `before` the bucket and the facts `within` it, `days` long.
fn measure(kpi: Kpi, before: &DayFacts, within: &DayFacts, days: i64) -> (Option<Number>, BTreeMap<&'static str, i64>) {
    let closing = before.plus(*within);
    match kpi {
        Kpi::Revenue => (Some(within.revenue_minor.into()), BTreeMap::from([("revenue_minor", within.revenue_minor)])),
        Kpi::GrossMargin => (
            Some((within.revenue_minor - within.cogs_minor).into()),
            BTreeMap::from([("revenue_minor", within.revenue_minor), ("cogs_minor", within.cogs_minor)]),
        ),
        Kpi::Orders => (Some(within.orders.into()), BTreeMap::from([("orders", within.orders)])),
        Kpi::AverageOrderValue => (
            rounded_quotient(within.order_total_minor, within.orders).map(Number::from),
            BTreeMap::from([("orders", within.orders), ("order_total_minor", within.order_total_minor)]),
        ),
        Kpi::StockTurnover => {
            let opening = before.inventory_change_minor;
            let closing = closing.inventory_change_minor;
            // Twice the average, so the ratio needs no rounding of its denominator.
            let doubled_average = opening + closing;
            (
                ratio(2 * within.cogs_minor, doubled_average),
                BTreeMap::from([
                    ("cogs_minor", within.cogs_minor),
                    ("opening_inventory_minor", opening),
                    ("closing_inventory_minor", closing),
                ]),
            )
        }
        Kpi::DaysSalesOutstanding => {
            let receivables = closing.receivables_change_minor;
            (
                ratio(receivables * days, within.revenue_minor),
                BTreeMap::from([
                    ("receivables_minor", receivables),
                    ("revenue_minor", within.revenue_minor),
                    ("days", days),
                ]),
            )
        }
        Kpi::CashPosition => {
            let cash = closing.cash_change_minor;
            (Some(cash.into()), BTreeMap::from([("cash_minor", cash)]))
        }
    }
}

/// `numerator / denominator` rounded half away from zero; `None` when the denominator is 0.
fn rounded_quotient(numerator: i64, denominator: i64) -> Option<i64> {
    if denominator == 0 {
        return None;
    }
    let (numerator, denominator) = (i128::from(numerator), i128::from(denominator));
    let half = denominator.abs() / 2;
    let adjusted =
        if (numerator < 0) == (denominator < 0) { numerator.abs() + half } else { -(numerator.abs() + half) };
    i64::try_from(adjusted / denominator.abs()).ok()
}

/// `numerator / denominator` to two decimals (half away from zero); `None` unless the
/// denominator is positive.
fn ratio(numerator: i64, denominator: i64) -> Option<Number> {
    if denominator <= 0 {
        return None;
    }
    let hundredths = rounded_quotient(numerator.checked_mul(100)?, denominator)?;
    #[allow(clippy::cast_precision_loss)]
    Number::from_f64(hundredths as f64 / 100.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(text: &str) -> NaiveDate {
        text.parse().unwrap()
    }

    #[test]
    fn buckets_are_clipped_to_the_range_weeks_start_on_monday_and_months_on_the_first() {
        let weeks = buckets(Bucket::Week, date("2026-03-04"), date("2026-03-17"));
        assert_eq!(
            weeks,
            vec![
                (date("2026-03-04"), date("2026-03-08")),
                (date("2026-03-09"), date("2026-03-15")),
                (date("2026-03-16"), date("2026-03-17")),
            ]
        );
        let months = buckets(Bucket::Month, date("2026-11-15"), date("2027-01-10"));
        assert_eq!(
            months,
            vec![
                (date("2026-11-15"), date("2026-11-30")),
                (date("2026-12-01"), date("2026-12-31")),
                (date("2027-01-01"), date("2027-01-10")),
            ]
        );
        assert_eq!(buckets(Bucket::Day, date("2026-01-01"), date("2026-01-01")).len(), 1);
    }

    #[test]
    fn averages_round_half_away_from_zero_and_ratios_to_two_decimals() {
        assert_eq!(rounded_quotient(1_000, 3), Some(333));
        assert_eq!(rounded_quotient(1_001, 2), Some(501));
        assert_eq!(rounded_quotient(-1_001, 2), Some(-501));
        assert_eq!(rounded_quotient(5, 0), None);
        assert_eq!(ratio(2, 3), Number::from_f64(0.67));
        assert_eq!(ratio(1, 0), None);
        assert_eq!(ratio(1, -4), None);
    }

    #[test]
    fn balances_are_read_at_each_bucket_end_and_flows_summed_within() {
        // Hand-computed: cash 1,000.00 before the range; +500.00 on the 2nd, −200.00 on the 9th.
        let opening = DayFacts { cash_change_minor: 100_000, inventory_change_minor: 40_000, ..DayFacts::default() };
        let days = BTreeMap::from([
            (
                date("2026-03-02"),
                DayFacts {
                    cash_change_minor: 50_000,
                    revenue_minor: 30_000,
                    receivables_change_minor: 30_000,
                    ..DayFacts::default()
                },
            ),
            (
                date("2026-03-09"),
                DayFacts {
                    cash_change_minor: -20_000,
                    cogs_minor: 10_000,
                    inventory_change_minor: -10_000,
                    ..DayFacts::default()
                },
            ),
        ]);
        let range = (date("2026-03-02"), date("2026-03-15"));
        let cash = points(Kpi::CashPosition, Bucket::Week, range, opening, &days);
        assert_eq!(
            cash.iter().map(|p| p.value.clone()).collect::<Vec<_>>(),
            [Some(150_000.into()), Some(130_000.into())]
        );
        // Week 1: receivables 300.00 against revenue 300.00 over 7 days: 7 days outstanding.
        let dso = points(Kpi::DaysSalesOutstanding, Bucket::Week, range, opening, &days);
        assert_eq!(dso[0].value, Number::from_f64(7.0));
        assert_eq!(dso[1].value, None, "no revenue in week 2");
        // Week 2: cost of goods 100.00 against an average stock of (400.00 + 300.00) / 2.
        let turnover = points(Kpi::StockTurnover, Bucket::Week, range, opening, &days);
        assert_eq!(turnover[1].value, Number::from_f64(0.29));
        assert_eq!(turnover[1].components["closing_inventory_minor"], 30_000);
    }
}
