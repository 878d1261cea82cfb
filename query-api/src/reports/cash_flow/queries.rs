//! The one query behind the cash-flow statement, over the ledger (`journal_entries`,
//! `journal_lines`) joined with the chart (`accounts`, whose `cash` flag marks cash and
//! cash equivalents), per currency:
//! - the opening cash: debits minus credits on cash accounts dated before `from`;
//! - the closing cash: the same dated up to and including `to`, summed independently;
//! - the flows: for every entry dated `from` through `to` with a line on a cash account in a
//!   currency, that entry's lines in that currency on non-cash accounts, summed per account
//!   as credits minus debits — the cash each counter-account brought in (positive) or took
//!   out (negative). A line on an account not in the chart is non-cash.
//!
//! Sums are `numeric` in Postgres and read back as text into `i64`, so a figure that leaves
//! `i64` is refused as [`ReadError::Overflow`] rather than wrapped.

use chrono::NaiveDate;
use prism_aggregates::money::Currency;
use prism_aggregates::tenant::TenantId;
use sqlx::postgres::PgRow;
use sqlx::{FromRow, PgPool, Row};

use crate::error::{absent_if_unprovisioned, ReadError};
use crate::stores::tenant_table;

/// The dates and currency a statement covers.
#[derive(Debug, Clone, Copy)]
pub struct CashFlowScope {
    /// First entry date, inclusive.
    pub from: NaiveDate,
    /// Last entry date, inclusive.
    pub to: NaiveDate,
    /// Only this currency; every currency when `None`.
    pub currency: Option<Currency>,
}

/// One figure of the statement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CashFigure {
    /// Cash accounts' balance (debits minus credits) before `from`.
    Opening {
        /// ISO 4217 currency code.
        currency: String,
        /// The balance in minor units.
        amount_minor: i64,
    },
    /// Cash accounts' balance (debits minus credits) through `to`.
    Closing {
        /// ISO 4217 currency code.
        currency: String,
        /// The balance in minor units.
        amount_minor: i64,
    },
    /// The cash one counter-account moved over the range.
    Flow {
        /// ISO 4217 currency code.
        currency: String,
        /// Account code.
        code: String,
        /// Name from the chart; `None` when the account is not in the chart.
        name: Option<String>,
        /// Type from the chart; `None` when the account is not in the chart.
        account_type: Option<String>,
        /// Credits minus debits on the account in cash-moving entries, in minor units.
        amount_minor: i64,
    },
}

/// Every figure of `scope`, by currency, then the flows by account code (byte order).
///
/// # Errors
/// When the database refuses, or [`ReadError::Overflow`] when a figure leaves `i64`.
pub async fn cash_figures(
    pool: &PgPool,
    tenant: &TenantId,
    scope: CashFlowScope,
) -> Result<Vec<CashFigure>, ReadError> {
    let sql = format!(
        "WITH lines AS ( \
             SELECT l.entry_id, e.entry_date, l.account, l.currency, l.debit_minor, l.credit_minor, \
                    COALESCE(a.cash, false) AS cash \
               FROM {lines} l JOIN {entries} e ON e.entry_id = l.entry_id \
               LEFT JOIN {accounts} a ON a.code = l.account \
              WHERE e.entry_date <= $2 AND ($3::text IS NULL OR l.currency = $3::text)), \
         cash_moves AS ( \
             SELECT DISTINCT entry_id, currency FROM lines WHERE cash AND entry_date >= $1), \
         figures AS ( \
             SELECT 'opening' AS part, currency, NULL::text AS code, \
                    (sum(debit_minor) - sum(credit_minor))::text AS amount_minor \
               FROM lines WHERE cash AND entry_date < $1 GROUP BY currency \
             UNION ALL \
             SELECT 'closing', currency, NULL, (sum(debit_minor) - sum(credit_minor))::text \
               FROM lines WHERE cash GROUP BY currency \
             UNION ALL \
             SELECT 'flow', l.currency, l.account, (sum(l.credit_minor) - sum(l.debit_minor))::text \
               FROM lines l JOIN cash_moves m ON m.entry_id = l.entry_id AND m.currency = l.currency \
              WHERE NOT l.cash GROUP BY l.currency, l.account) \
         SELECT f.part, f.currency, f.code, a.name, a.account_type, f.amount_minor \
           FROM figures f LEFT JOIN {accounts} a ON a.code = f.code \
          ORDER BY f.currency COLLATE \"C\", f.code COLLATE \"C\" NULLS FIRST, f.part",
        lines = tenant_table(tenant, "journal_lines"),
        entries = tenant_table(tenant, "journal_entries"),
        accounts = tenant_table(tenant, "accounts"),
    );
    let rows = sqlx::query_as::<_, FigureRow>(&sql)
        .bind(scope.from)
        .bind(scope.to)
        .bind(scope.currency.as_ref().map(Currency::as_str))
        .fetch_all(pool)
        .await;
    absent_if_unprovisioned(rows, Vec::new())?.into_iter().map(FigureRow::into_figure).collect()
}

/// A figure row, the amount still as Postgres' `numeric` text.
struct FigureRow {
    part: String,
    currency: String,
    code: Option<String>,
    name: Option<String>,
    account_type: Option<String>,
    amount_minor: String,
}

impl FigureRow {
    fn into_figure(self) -> Result<CashFigure, ReadError> {
        let amount_minor = self.amount_minor.parse::<i64>().map_err(|_| ReadError::Overflow("a cash-flow figure"))?;
        let currency = self.currency;
        Ok(match (self.part.as_str(), self.code) {
            ("opening", _) => CashFigure::Opening { currency, amount_minor },
            ("closing", _) => CashFigure::Closing { currency, amount_minor },
            (_, code) => CashFigure::Flow {
                currency,
                code: code.unwrap_or_default(),
                name: self.name,
                account_type: self.account_type,
                amount_minor,
            },
        })
    }
}

impl FromRow<'_, PgRow> for FigureRow {
    fn from_row(row: &PgRow) -> Result<Self, sqlx::Error> {
        Ok(Self {
            part: row.try_get("part")?,
            currency: row.try_get("currency")?,
            code: row.try_get("code")?,
            name: row.try_get("name")?,
            account_type: row.try_get("account_type")?,
            amount_minor: row.try_get("amount_minor")?,
        })
    }
}
