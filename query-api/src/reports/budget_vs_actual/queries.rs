//! The reads behind the budget-vs-actual report: whether a budget exists (`budget_amounts`),
//! the fiscal periods (`fiscal_periods`), and one query for the figures — per currency,
//! account and period of the range, the budgeted amount and the actual movement, debits minus
//! credits of the `journal_lines` of entries dated in the period, joined with the chart
//! (`accounts`) for name, type and normal balance.
//!
//! Actuals are read for income and expense accounts, and for any account the budget has an
//! amount for in the range; lines on accounts not in the chart are read only when budgeted.
//! Year-end closing entries are left out: they close a year's result, they are not part of it.
//! Sums are `numeric` in Postgres and read back as text into `i64`, so a figure that leaves
//! `i64` is refused as [`ReadError::Overflow`] rather than wrapped.

use chrono::NaiveDate;
use prism_aggregates::money::Currency;
use prism_aggregates::tenant::TenantId;
use serde::Serialize;
use sqlx::{FromRow, PgPool};

use crate::error::{absent_if_unprovisioned, ReadError};
use crate::stores::tenant_table;

/// One fiscal period with its dates.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, FromRow, utoipa::ToSchema)]
pub struct PeriodSpan {
    /// Period label (`2026-03`).
    pub period: String,
    /// First day of the period.
    pub start_date: NaiveDate,
    /// Last day of the period (inclusive).
    pub end_date: NaiveDate,
}

/// What one account budgeted and did in one period, in one currency.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Figure {
    /// ISO 4217 currency code.
    pub currency: String,
    /// Account code.
    pub code: String,
    /// Name from the chart; `None` when the account is not in the chart.
    pub name: Option<String>,
    /// Type from the chart (`income`, `expense`…); `None` when the account is not in the chart.
    pub account_type: Option<String>,
    /// Normal balance from the chart (`debit` or `credit`); `None` when not in the chart.
    pub normal_balance: Option<String>,
    /// Period label.
    pub period: String,
    /// The budgeted amount, in the account's normal direction; 0 when none is set.
    pub budget_minor: i64,
    /// Debits minus credits of the period's lines on the account; 0 when none.
    pub net_debit_minor: i64,
}

/// Whether `budget` has at least one amount.
///
/// # Errors
/// When the database refuses.
pub async fn budget_exists(pool: &PgPool, tenant: &TenantId, budget: &str) -> Result<bool, ReadError> {
    let sql = format!("SELECT EXISTS (SELECT 1 FROM {} WHERE budget = $1)", tenant_table(tenant, "budget_amounts"));
    let found = sqlx::query_scalar::<_, bool>(&sql).bind(budget).fetch_one(pool).await;
    absent_if_unprovisioned(found, false)
}

/// Every fiscal period of the calendar, by start date.
///
/// # Errors
/// When the database refuses.
pub async fn periods(pool: &PgPool, tenant: &TenantId) -> Result<Vec<PeriodSpan>, ReadError> {
    let sql = format!(
        "SELECT period, start_date, end_date FROM {} ORDER BY start_date",
        tenant_table(tenant, "fiscal_periods")
    );
    let rows = sqlx::query_as::<_, PeriodSpan>(&sql).fetch_all(pool).await;
    absent_if_unprovisioned(rows, Vec::new())
}

/// Every figure of `budget` over `periods`, in `currency` when given: one per currency,
/// account and period that has a budget amount or actual lines, by currency then account code
/// (byte order); periods in no particular order.
///
/// # Errors
/// When the database refuses, or [`ReadError::Overflow`] when a sum leaves `i64`.
pub async fn figures(
    pool: &PgPool,
    tenant: &TenantId,
    budget: &str,
    periods: &[PeriodSpan],
    currency: Option<Currency>,
) -> Result<Vec<Figure>, ReadError> {
    let sql = format!(
        "WITH periods AS ( \
             SELECT * FROM UNNEST($2::text[], $3::date[], $4::date[]) AS p (period, start_date, end_date)), \
         budgeted AS ( \
             SELECT b.currency::text AS currency, b.account, b.period, b.amount_minor \
               FROM {budgets} b JOIN periods p ON p.period = b.period \
              WHERE b.budget = $1 AND ($5::text IS NULL OR b.currency = $5::text)), \
         actual AS ( \
             SELECT l.currency::text AS currency, l.account, p.period, \
                    sum(l.debit_minor) - sum(l.credit_minor) AS net_debit \
               FROM periods p \
               JOIN {entries} e ON e.entry_date BETWEEN p.start_date AND p.end_date \
               JOIN {lines} l ON l.entry_id = e.entry_id \
               LEFT JOIN {accounts} a ON a.code = l.account \
              WHERE NOT e.closing AND ($5::text IS NULL OR l.currency = $5::text) \
                AND (a.account_type IN ('income', 'expense') OR l.account IN (SELECT account FROM budgeted)) \
              GROUP BY l.currency, l.account, p.period), \
         cells AS ( \
             SELECT currency, account, period FROM budgeted \
             UNION SELECT currency, account, period FROM actual) \
         SELECT c.currency, c.account AS code, a.name, a.account_type, a.normal_balance, c.period, \
                COALESCE(b.amount_minor, 0) AS budget_minor, COALESCE(x.net_debit, 0)::text AS net_debit_minor \
           FROM cells c \
           LEFT JOIN budgeted b ON b.currency = c.currency AND b.account = c.account AND b.period = c.period \
           LEFT JOIN actual x ON x.currency = c.currency AND x.account = c.account AND x.period = c.period \
           LEFT JOIN {accounts} a ON a.code = c.account \
          ORDER BY c.currency COLLATE \"C\", c.account COLLATE \"C\"",
        budgets = tenant_table(tenant, "budget_amounts"),
        entries = tenant_table(tenant, "journal_entries"),
        lines = tenant_table(tenant, "journal_lines"),
        accounts = tenant_table(tenant, "accounts"),
    );
    let rows = sqlx::query_as::<_, FigureRow>(&sql)
        .bind(budget)
        .bind(periods.iter().map(|p| p.period.as_str()).collect::<Vec<_>>())
        .bind(periods.iter().map(|p| p.start_date).collect::<Vec<_>>())
        .bind(periods.iter().map(|p| p.end_date).collect::<Vec<_>>())
        .bind(currency.as_ref().map(Currency::as_str))
        .fetch_all(pool)
        .await;
    absent_if_unprovisioned(rows, Vec::new())?.into_iter().map(FigureRow::into_figure).collect()
}

/// A figure row, the actual still as Postgres' `numeric` text.
#[derive(FromRow)]
struct FigureRow {
    currency: String,
    code: String,
    name: Option<String>,
    account_type: Option<String>,
    normal_balance: Option<String>,
    period: String,
    budget_minor: i64,
    net_debit_minor: String,
}

impl FigureRow {
    fn into_figure(self) -> Result<Figure, ReadError> {
        let net_debit_minor =
            self.net_debit_minor.parse::<i64>().map_err(|_| ReadError::Overflow("an account's actual amount"))?;
        Ok(Figure {
            currency: self.currency,
            code: self.code,
            name: self.name,
            account_type: self.account_type,
            normal_balance: self.normal_balance,
            period: self.period,
            budget_minor: self.budget_minor,
            net_debit_minor,
        })
    }
}
