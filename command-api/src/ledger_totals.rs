//! The ledger's totals as the command side needs them (closing a fiscal year, revaluing foreign
//! currency): every account's debits and credits over a date range, and their functional
//! amounts, summed in the database straight from the posting events in the tenant's event
//! store — journal entries, invoices, payments, earlier closing and revaluation entries —
//! never from a read model. Each posting event keeps its lines and its accounting
//! date under its own names; `POSTINGS` lists them, and the projections' `ledger_posting`
//! reads the same events the same way.

use std::sync::Arc;

use chrono::NaiveDate;
use prism_aggregates::finance::books::Books;
use prism_aggregates::finance::calendar::{AccountTotal, LedgerTotals};
use prism_aggregates::tenant::TenantId;
use prism_platform::db::quote_ident;
use prism_platform::tenancy::schema_of;
use sqlx::PgPool;

use crate::books::BooksCache;

/// Every event type that posts to the ledger: `(event type, lines field, date field)`.
const POSTINGS: [(&str, &str, &str); 7] = [
    ("JournalEntryPosted", "lines", "entry_date"),
    ("JournalEntryReversed", "lines", "reversal_date"),
    ("InvoiceGenerated", "posting", "issue_date"),
    ("InvoiceVoided", "posting", "void_date"),
    ("PaymentProcessed", "posting", "payment_date"),
    ("FiscalYearClosed", "lines", "closing_date"),
    ("ForeignCurrencyRevalued", "lines", "revaluation_date"),
];

/// One tenant's ledger totals and books, read from its event store.
pub struct EventStoreLedger {
    tenant: TenantId,
    pool: PgPool,
    books: Arc<BooksCache>,
}

impl EventStoreLedger {
    /// The ledger of `tenant`.
    #[must_use]
    pub fn new(tenant: &TenantId, pool: PgPool, books: Arc<BooksCache>) -> Self {
        Self { tenant: tenant.clone(), pool, books }
    }
}

#[async_trait::async_trait]
impl LedgerTotals for EventStoreLedger {
    async fn books(&self) -> Result<Arc<Books>, String> {
        self.books.current(&self.tenant).await
    }

    async fn totals(&self, from: NaiveDate, to: NaiveDate) -> Result<Vec<AccountTotal>, String> {
        let sql = format!(
            "SELECT line->>'account', line->>'currency',
                    sum((line->>'debit_minor')::numeric)::text, sum((line->>'credit_minor')::numeric)::text,
                    coalesce(sum((line->'functional'->>'debit_minor')::numeric), 0)::text,
                    coalesce(sum((line->'functional'->>'credit_minor')::numeric), 0)::text
               FROM {}.events AS e
               JOIN UNNEST($1::text[], $2::text[], $3::text[]) AS p (event_type, lines, date)
                 ON e.event_type = p.event_type
              CROSS JOIN LATERAL json_array_elements(e.payload -> p.event_type -> p.lines) AS line
              WHERE (e.payload -> p.event_type ->> p.date)::date BETWEEN $4 AND $5
              GROUP BY 1, 2
              ORDER BY 1, 2",
            quote_ident(&schema_of(&self.tenant))
        );
        let rows: Vec<(String, String, String, String, String, String)> = sqlx::query_as(&sql)
            .bind(POSTINGS.iter().map(|(event_type, _, _)| *event_type).collect::<Vec<_>>())
            .bind(POSTINGS.iter().map(|(_, lines, _)| *lines).collect::<Vec<_>>())
            .bind(POSTINGS.iter().map(|(_, _, date)| *date).collect::<Vec<_>>())
            .bind(from)
            .bind(to)
            .fetch_all(&self.pool)
            .await
            .map_err(|e| e.to_string())?;
        rows.into_iter()
            .map(|(account, currency, debit, credit, functional_debit, functional_credit)| {
                let parse =
                    |sum: &str| sum.parse::<i64>().map_err(|_| format!("{account} {currency}: {sum} overflows"));
                Ok(AccountTotal {
                    debit_minor: parse(&debit)?,
                    credit_minor: parse(&credit)?,
                    functional_debit_minor: parse(&functional_debit)?,
                    functional_credit_minor: parse(&functional_credit)?,
                    account,
                    currency,
                })
            })
            .collect()
    }
}
