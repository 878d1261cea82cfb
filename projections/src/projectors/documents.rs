//! The documents behind receivables and payables in the Postgres read model: invoices with
//! their lines and applied payments, payments with their allocations, and tax rates — in the
//! tenant's schema. Inserts skip rows already there and updates are keyed and guarded by
//! position, so applying an event twice changes nothing; the checkpoint in the same
//! transaction (see [`super::checkpoint::SqlProjection`]) keeps them exactly-once anyway.
//! Their ledger postings are projected by [`super::postgres`] like any other entry.

use prism_aggregates::finance::invoice::{
    InvoiceDrafted, InvoiceEvent, InvoiceGenerated, InvoicePaymentApplied, InvoiceVoided,
};
use prism_aggregates::finance::payment::{PaymentEvent, PaymentProcessed};
use prism_aggregates::finance::tax::TaxRatesEvent;
use sqlx::PgConnection;
use uuid::Uuid;

use crate::projection::ProjectionError;

/// Applies one tax-rate event recorded at global `position`.
///
/// # Errors
/// When the database refuses.
pub async fn apply_tax_rates(
    tx: &mut PgConnection,
    schema: &str,
    event: &TaxRatesEvent,
    position: i64,
) -> Result<(), ProjectionError> {
    match event {
        TaxRatesEvent::TaxRateDefined(defined) => {
            sqlx::query(&format!(
                "INSERT INTO {schema}.tax_rates
                     (code, name, rate_bp, sales_account, purchase_account, status, last_position)
                 VALUES ($1, $2, $3, $4, $5, 'active', $6) ON CONFLICT (code) DO NOTHING"
            ))
            .bind(&defined.code)
            .bind(&defined.name)
            .bind(defined.rate_bp)
            .bind(&defined.sales_account)
            .bind(&defined.purchase_account)
            .bind(position)
            .execute(tx)
            .await?;
        }
        TaxRatesEvent::TaxRateChanged(changed) => {
            sqlx::query(&format!(
                "UPDATE {schema}.tax_rates SET rate_bp = $2, effective_from = $3, last_position = $4
                  WHERE code = $1 AND last_position < $4"
            ))
            .bind(&changed.code)
            .bind(changed.rate_bp)
            .bind(changed.effective_from)
            .bind(position)
            .execute(tx)
            .await?;
        }
        TaxRatesEvent::TaxRateRetired(retired) => {
            sqlx::query(&format!(
                "UPDATE {schema}.tax_rates SET status = 'retired', last_position = $2
                  WHERE code = $1 AND last_position < $2"
            ))
            .bind(&retired.code)
            .bind(position)
            .execute(tx)
            .await?;
        }
    }
    Ok(())
}

/// Applies one invoice event recorded at global `position`.
///
/// # Errors
/// When the database refuses or an id is not a UUID.
pub async fn apply_invoice(
    tx: &mut PgConnection,
    schema: &str,
    event: &InvoiceEvent,
    position: i64,
) -> Result<(), ProjectionError> {
    match event {
        InvoiceEvent::InvoiceDrafted(drafted) => insert_draft(tx, schema, drafted, position).await,
        InvoiceEvent::InvoiceGenerated(issued) => record_issue(tx, schema, issued, position).await,
        InvoiceEvent::InvoicePaymentApplied(applied) => record_payment(tx, schema, applied, position).await,
        InvoiceEvent::InvoiceVoided(voided) => record_void(tx, schema, voided, position).await,
    }
}

async fn insert_draft(
    tx: &mut PgConnection,
    schema: &str,
    drafted: &InvoiceDrafted,
    position: i64,
) -> Result<(), ProjectionError> {
    let invoice_id = Uuid::parse_str(&drafted.invoice_id)?;
    let credits = drafted.credits_invoice_id.as_deref().map(Uuid::parse_str).transpose()?;
    let inserted = sqlx::query(&format!(
        "INSERT INTO {schema}.invoices (invoice_id, kind, number, counterparty_id, counterparty_name, currency,
                                       control_account, credits_invoice_id, status, last_position)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'draft', $9) ON CONFLICT (invoice_id) DO NOTHING"
    ))
    .bind(invoice_id)
    .bind(&drafted.kind)
    .bind(&drafted.number)
    .bind(&drafted.counterparty_id)
    .bind(&drafted.counterparty_name)
    .bind(&drafted.currency)
    .bind(&drafted.control_account)
    .bind(credits)
    .bind(position)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if inserted == 0 {
        return Ok(());
    }
    let lines = &drafted.lines;
    sqlx::query(&format!(
        "INSERT INTO {schema}.invoice_lines
             (invoice_id, line_no, description, quantity_milli, unit_price_minor, account, tax_code)
         SELECT $1, * FROM UNNEST($2::int4[], $3::text[], $4::int8[], $5::int8[], $6::text[], $7::text[])"
    ))
    .bind(invoice_id)
    .bind(lines.iter().map(|l| l.line_no).collect::<Vec<_>>())
    .bind(lines.iter().map(|l| l.description.as_str()).collect::<Vec<_>>())
    .bind(lines.iter().map(|l| l.quantity_milli).collect::<Vec<_>>())
    .bind(lines.iter().map(|l| l.unit_price_minor).collect::<Vec<_>>())
    .bind(lines.iter().map(|l| l.account.as_str()).collect::<Vec<_>>())
    .bind(lines.iter().map(|l| l.tax_code.as_deref()).collect::<Vec<_>>())
    .execute(tx)
    .await?;
    Ok(())
}

async fn record_issue(
    tx: &mut PgConnection,
    schema: &str,
    issued: &InvoiceGenerated,
    position: i64,
) -> Result<(), ProjectionError> {
    let invoice_id = Uuid::parse_str(&issued.invoice_id)?;
    let updated = sqlx::query(&format!(
        "UPDATE {schema}.invoices
            SET status = 'issued', issue_date = $2, due_date = $3, net_total_minor = $4, tax_total_minor = $5,
                gross_total_minor = $6, open_minor = $6, last_position = $7
          WHERE invoice_id = $1 AND last_position < $7"
    ))
    .bind(invoice_id)
    .bind(issued.issue_date)
    .bind(issued.due_date)
    .bind(issued.net_total_minor)
    .bind(issued.tax_total_minor)
    .bind(issued.gross_total_minor)
    .bind(position)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if updated == 0 {
        return Ok(());
    }
    let lines = &issued.lines;
    sqlx::query(&format!(
        "UPDATE {schema}.invoice_lines AS l
            SET net_minor = t.net_minor, tax_rate_bp = t.tax_rate_bp, tax_minor = t.tax_minor
           FROM UNNEST($2::int4[], $3::int8[], $4::int4[], $5::int8[]) AS t (line_no, net_minor, tax_rate_bp, tax_minor)
          WHERE l.invoice_id = $1 AND l.line_no = t.line_no"
    ))
    .bind(invoice_id)
    .bind(lines.iter().map(|l| l.line_no).collect::<Vec<_>>())
    .bind(lines.iter().map(|l| l.net_minor).collect::<Vec<_>>())
    .bind(lines.iter().map(|l| l.tax_rate_bp).collect::<Vec<_>>())
    .bind(lines.iter().map(|l| l.tax_minor).collect::<Vec<_>>())
    .execute(tx)
    .await?;
    Ok(())
}

async fn record_payment(
    tx: &mut PgConnection,
    schema: &str,
    applied: &InvoicePaymentApplied,
    position: i64,
) -> Result<(), ProjectionError> {
    let invoice_id = Uuid::parse_str(&applied.invoice_id)?;
    let inserted = sqlx::query(&format!(
        "INSERT INTO {schema}.invoice_payments (invoice_id, payment_id, amount_minor, payment_date)
         VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING"
    ))
    .bind(invoice_id)
    .bind(Uuid::parse_str(&applied.payment_id)?)
    .bind(applied.amount_minor)
    .bind(applied.payment_date)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if inserted == 0 {
        return Ok(());
    }
    sqlx::query(&format!(
        "UPDATE {schema}.invoices
            SET paid_minor = paid_minor + $2, open_minor = $3, last_position = $4,
                status = CASE WHEN $3 = 0 THEN 'paid' ELSE 'partially_paid' END
          WHERE invoice_id = $1"
    ))
    .bind(invoice_id)
    .bind(applied.amount_minor)
    .bind(applied.open_after_minor)
    .bind(position)
    .execute(tx)
    .await?;
    Ok(())
}

async fn record_void(
    tx: &mut PgConnection,
    schema: &str,
    voided: &InvoiceVoided,
    position: i64,
) -> Result<(), ProjectionError> {
    sqlx::query(&format!(
        "UPDATE {schema}.invoices
            SET status = 'void', open_minor = 0, void_date = $2, void_reason = $3, last_position = $4
          WHERE invoice_id = $1 AND last_position < $4"
    ))
    .bind(Uuid::parse_str(&voided.invoice_id)?)
    .bind(voided.void_date)
    .bind(&voided.reason)
    .bind(position)
    .execute(tx)
    .await?;
    Ok(())
}

/// Applies one payment event recorded at global `position`.
///
/// # Errors
/// When the database refuses or an id is not a UUID.
pub async fn apply_payment(
    tx: &mut PgConnection,
    schema: &str,
    event: &PaymentEvent,
    position: i64,
) -> Result<(), ProjectionError> {
    let PaymentEvent::PaymentProcessed(payment) = event;
    insert_payment(tx, schema, payment, position).await
}

async fn insert_payment(
    tx: &mut PgConnection,
    schema: &str,
    payment: &PaymentProcessed,
    position: i64,
) -> Result<(), ProjectionError> {
    let payment_id = Uuid::parse_str(&payment.payment_id)?;
    let inserted = sqlx::query(&format!(
        "INSERT INTO {schema}.payments (payment_id, direction, counterparty_id, payment_date, amount_minor, currency,
                                       bank_account, control_account, reference, unallocated_minor, last_position)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) ON CONFLICT (payment_id) DO NOTHING"
    ))
    .bind(payment_id)
    .bind(&payment.direction)
    .bind(&payment.counterparty_id)
    .bind(payment.payment_date)
    .bind(payment.amount_minor)
    .bind(&payment.currency)
    .bind(&payment.bank_account)
    .bind(&payment.control_account)
    .bind(&payment.reference)
    .bind(payment.unallocated_minor)
    .bind(position)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if inserted == 0 {
        return Ok(());
    }
    let invoices = payment.allocations.iter().map(|a| Uuid::parse_str(&a.invoice_id)).collect::<Result<Vec<_>, _>>()?;
    sqlx::query(&format!(
        "INSERT INTO {schema}.payment_allocations (payment_id, invoice_id, amount_minor)
         SELECT $1, * FROM UNNEST($2::uuid[], $3::int8[])"
    ))
    .bind(payment_id)
    .bind(invoices)
    .bind(payment.allocations.iter().map(|a| a.amount_minor).collect::<Vec<_>>())
    .execute(tx)
    .await?;
    Ok(())
}
