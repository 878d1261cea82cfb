//! `GET /v1/dashboard?currency=&months=` — a read-only page for people: this month's KPIs as
//! tiles, revenue and the cash position per month as charts, the trial balance as of today, the
//! stock levels and the sales orders by status, for the caller's tenant in one currency (the
//! tenant's functional currency unless `currency` names another; 422 when it has none). `months`
//! (1 to 24, default 12) is how many calendar months the charts show, this one included.
//!
//! Server-rendered HTML (`text/html`, see [`html`]) from the same read models and code as the JSON
//! endpoints: [`crate::kpis`], the ledger behind the trial balance, the stock levels, the sales
//! orders. A browser opening the page from a link cannot send a header, so this route also takes
//! the access token as the `access_token` query parameter.

mod html;

use axum::extract::State;
use axum::response::Html;
use chrono::{DateTime, Datelike, Days, NaiveDate, NaiveTime, Utc};
use prism_aggregates::money::Currency;
use prism_aggregates::tenant::TenantId;
use prism_platform::problem::Problem;
use serde::Deserialize;
use serde_json::Number;
use sqlx::PgPool;

use crate::accounts::buckets::Bucket;
use crate::error::{absent_if_unprovisioned, ReadError};
use crate::exchange_rates::read_functional_currency;
use crate::kpis::compute::{points, Point};
use crate::kpis::{series, Kpi};
use crate::params::{self, invalid, QueryParams};
use crate::reports::ledger::{account_nets, AccountNet, Basis, LedgerScope};
use crate::state::AppState;
use crate::stores::tenant_table;
use crate::supply::stock::{read_levels, StockLevelView};
use crate::tenants::KnownTenant;

/// The path of the page, which takes its token from the query too.
pub const PATH: &str = "/v1/dashboard";

/// Query parameters of the dashboard; unknown ones are refused.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct DashboardParams {
    /// ISO 4217 currency shown; the tenant's functional currency when absent.
    pub currency: Option<String>,
    /// Calendar months the charts show, this one included: 1 to 24, default 12.
    pub months: Option<String>,
    /// The access token, for a browser opening the page from a link (instead of the
    /// `Authorization` header).
    pub access_token: Option<String>,
}

/// Everything the page shows.
pub struct Dashboard {
    tenant: TenantId,
    currency: String,
    digits: u8,
    from: NaiveDate,
    to: NaiveDate,
    generated_at: DateTime<Utc>,
    tiles: Vec<Tile>,
    revenue: Vec<Point>,
    cash: Vec<Point>,
    trial_balance: Vec<AccountNet>,
    stock: Vec<StockLevelView>,
    pipeline: Vec<Stage>,
}

/// One KPI of this month.
struct Tile {
    kpi: &'static str,
    label: &'static str,
    value: String,
}

/// Sales orders in one status.
#[derive(sqlx::FromRow)]
struct Stage {
    status: String,
    orders: i64,
    total_minor: i64,
}

/// The tiles' KPIs, their labels and whether their value is an amount of money.
const TILES: [(Kpi, &str, bool); 7] = [
    (Kpi::Revenue, "Revenue", true),
    (Kpi::GrossMargin, "Gross margin", true),
    (Kpi::Orders, "Orders", false),
    (Kpi::AverageOrderValue, "Average order value", true),
    (Kpi::StockTurnover, "Stock turnover", false),
    (Kpi::DaysSalesOutstanding, "Days sales outstanding", false),
    (Kpi::CashPosition, "Cash position", true),
];

/// `GET /v1/dashboard`.
#[utoipa::path(get, path = "/v1/dashboard", params(DashboardParams),
    responses((status = 200, description = "The dashboard page", content_type = "text/html", body = String)))]
#[tracing::instrument(skip_all, fields(tenant = %tenant))]
pub async fn get(
    State(state): State<AppState>,
    KnownTenant(tenant): KnownTenant,
    QueryParams(query): QueryParams<DashboardParams>,
) -> Result<Html<String>, Problem> {
    let months =
        match query.months.as_deref() {
            None => 12,
            Some(text) => text.parse::<u32>().ok().filter(|months| (1..=24).contains(months)).ok_or_else(|| {
                invalid("months", format!("months must be a whole number from 1 to 24, got {text:?}"))
            })?,
        };
    let currency = match params::optional_currency("currency", query.currency.as_deref())? {
        Some(currency) => currency,
        None => functional_currency(&state.stores.postgres, &tenant).await?,
    };
    let generated_at = Utc::now();
    let to = generated_at.date_naive();
    let from = first_of_month(to, months - 1);
    let end = to.checked_add_days(Days::new(1)).unwrap_or(to).and_time(NaiveTime::MIN).and_utc();
    let facts = series::read(&state.stores.timeseries, &tenant, currency.as_str(), from, end).await?;
    let monthly = |kpi| points(kpi, Bucket::Month, (from, to), facts.opening, &facts.days);
    let digits = currency.minor_unit_digits();
    let tiles = TILES
        .iter()
        .map(|(kpi, label, money)| {
            // The range ends today: its last month is this one.
            let point = monthly(*kpi).pop();
            Tile { kpi: kpi.name(), label, value: shown(point.and_then(|point| point.value).as_ref(), *money, digits) }
        })
        .collect();
    let scope = LedgerScope {
        from: None,
        to,
        basis: Basis::Transaction,
        currency: Some(currency),
        account_types: None,
        closing_entries: true,
    };
    let dashboard = Dashboard {
        currency: currency.as_str().to_owned(),
        digits,
        from,
        to,
        generated_at,
        tiles,
        revenue: monthly(Kpi::Revenue),
        cash: monthly(Kpi::CashPosition),
        trial_balance: account_nets(&state.stores.postgres, &tenant, scope).await?,
        stock: read_levels(&state.stores.postgres, &tenant, None, None)
            .await?
            .into_iter()
            .filter(|level| level.currency == currency.as_str())
            .collect(),
        pipeline: pipeline(&state.stores.postgres, &tenant, currency.as_str()).await?,
        tenant,
    };
    Ok(Html(html::page(&dashboard)))
}

/// The tenant's functional currency, or 422 asking for `currency`.
async fn functional_currency(pool: &PgPool, tenant: &TenantId) -> Result<Currency, Problem> {
    let chosen = read_functional_currency(pool, tenant).await?;
    chosen.as_deref().and_then(|code| Currency::parse(code).ok()).ok_or_else(|| {
        invalid("currency", "the tenant has no functional currency yet: name the currency to show").into()
    })
}

/// The first day of the month `back` months before the one holding `day`.
fn first_of_month(day: NaiveDate, back: u32) -> NaiveDate {
    let months = i64::from(day.year()) * 12 + i64::from(day.month0()) - i64::from(back);
    let (year, month0) = (months.div_euclid(12), months.rem_euclid(12));
    i32::try_from(year)
        .ok()
        .zip(u32::try_from(month0).ok())
        .and_then(|(year, month0)| NaiveDate::from_ymd_opt(year, month0 + 1, 1))
        .unwrap_or(day)
}

/// A KPI's value as shown on a tile: an amount in major units, a count, a ratio with two
/// decimals, or a dash.
fn shown(value: Option<&Number>, money: bool, digits: u8) -> String {
    match value.map(|number| (number.as_i64(), number.as_f64())) {
        None | Some((None, None)) => "—".to_owned(),
        Some((Some(minor), _)) if money => html::amount(minor, digits),
        Some((Some(count), _)) => count.to_string(),
        Some((None, Some(ratio))) => format!("{ratio:.2}"),
    }
}

/// Sales orders in `currency` by status, in the order an order moves through them.
async fn pipeline(pool: &PgPool, tenant: &TenantId, currency: &str) -> Result<Vec<Stage>, ReadError> {
    let sql = format!(
        "SELECT status, count(*) AS orders, COALESCE(sum(total_minor), 0)::int8 AS total_minor FROM {} \
          WHERE currency = $1 GROUP BY status \
          ORDER BY array_position(ARRAY['placed', 'confirmed', 'allocated', 'picked', 'partially_shipped', \
                   'shipped', 'delivered', 'cancelled'], status)",
        tenant_table(tenant, "sales_orders")
    );
    absent_if_unprovisioned(sqlx::query_as(&sql).bind(currency).fetch_all(pool).await, Vec::new())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_charts_start_on_the_first_of_a_month_counted_back_across_years() {
        let day = NaiveDate::from_ymd_opt(2026, 3, 17).unwrap();
        assert_eq!(first_of_month(day, 0), NaiveDate::from_ymd_opt(2026, 3, 1).unwrap());
        assert_eq!(first_of_month(day, 11), NaiveDate::from_ymd_opt(2025, 4, 1).unwrap());
        assert_eq!(first_of_month(day, 3), NaiveDate::from_ymd_opt(2025, 12, 1).unwrap());
    }
}
