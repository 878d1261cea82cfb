//! `GET /v1/reports/aging?side=receivables|payables&as_of=YYYY-MM-DD&currency=XXX&detail=true`:
//! accounts receivable (customer invoices and customer credit notes) or accounts payable
//! (vendor bills and vendor credit notes) aged at `as_of` (today, UTC, when absent).
//!
//! The report is rebuilt from history, not from today's `open_minor` (see [`queries`]): a
//! document counts when it was issued on or before `as_of` and not voided on or before
//! `as_of`, and its open amount is its gross total less the payments dated on or before
//! `as_of`; a credit note's open amount counts negative. Documents open at zero are left
//! out. Each open amount falls into a [`Bucket`] by its days past due at `as_of` (`as_of`
//! minus the due date): `current` (not past due), `days_1_30`, `days_31_60`, `days_61_90`,
//! `over_90` — a credit note by its own due date like any document.
//!
//! Per currency (by code; exactly the requested one with `currency`), one row per
//! counterparty — by name, then id; the name is the one on its latest document issued and
//! not voided by `as_of` — with its five bucket amounts and their total, plus the bucket totals of the
//! currency. With `detail=true` every row also lists its open documents (by due date, then
//! number) with their bucket.
//!
//! JSON: [`AgingView`]. CSV (`Accept: text/csv`; totals are JSON only):
//! - without `detail`, one record per counterparty, columns `currency`, `counterparty_id`,
//!   `counterparty_name`, `current_minor`, `days_1_30_minor`, `days_31_60_minor`,
//!   `days_61_90_minor`, `over_90_minor`, `total_minor`;
//! - with `detail=true`, one record per open document, columns `currency`,
//!   `counterparty_id`, `counterparty_name`, `invoice_id`, `kind`, `number`, `issue_date`,
//!   `due_date`, `days_past_due`, `bucket`, `open_minor`.

pub mod buckets;
pub mod queries;

use axum::extract::State;
use axum::response::Response;
use chrono::{NaiveDate, Utc};
use prism_aggregates::money::Currency;
use prism_platform::problem::Problem;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use self::buckets::{Bucket, BucketAmounts};
use self::queries::{AgingScope, OpenItem};
use super::checked_neg;
use crate::consistency::MinPosition;
use crate::csv::{CsvWriter, ToCsv};
use crate::error::ReadError;
use crate::negotiate::Format;
use crate::params::{self, invalid, InputError, QueryParams};
use crate::state::AppState;
use crate::tenants::KnownTenant;

/// Which side of the books a report ages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Side {
    /// What customers owe: customer invoices less customer credit notes.
    Receivables,
    /// What is owed to vendors: vendor bills less vendor credit notes.
    Payables,
}

impl Side {
    /// Reads the required `side` parameter.
    ///
    /// # Errors
    /// 422 naming `side` when it is absent or neither `receivables` nor `payables`.
    pub fn parse(value: Option<&str>) -> Result<Self, InputError> {
        match value {
            Some("receivables") => Ok(Self::Receivables),
            Some("payables") => Ok(Self::Payables),
            Some(other) => Err(invalid("side", format!("side must be receivables or payables, got {other:?}"))),
            None => Err(invalid("side", "side is required: receivables or payables")),
        }
    }

    /// The document kinds of this side.
    #[must_use]
    pub fn kinds(self) -> &'static [&'static str] {
        match self {
            Self::Receivables => &["customer_invoice", "customer_credit_note"],
            Self::Payables => &["vendor_bill", "vendor_credit_note"],
        }
    }
}

/// Whether a document of `kind` reduces what is owed (its open amount counts negative).
#[must_use]
pub fn is_credit_note(kind: &str) -> bool {
    matches!(kind, "customer_credit_note" | "vendor_credit_note")
}

/// Query parameters of the aging report; unknown ones are refused.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct AgingParams {
    /// `receivables` or `payables`. Required.
    pub side: Option<String>,
    /// Report date (`YYYY-MM-DD`); today (UTC) when absent.
    pub as_of: Option<String>,
    /// Only this ISO 4217 currency.
    pub currency: Option<String>,
    /// `true` to list each counterparty's open documents; `false` when absent.
    pub detail: Option<String>,
}

/// The aging report.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct AgingView {
    /// The side aged.
    pub side: Side,
    /// The report date.
    pub as_of: NaiveDate,
    /// One section per currency, by code.
    pub currencies: Vec<AgingCurrency>,
}

/// The aging in one currency; amounts in its minor units.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct AgingCurrency {
    /// ISO 4217 currency code.
    pub currency: String,
    /// One row per counterparty with open documents, by name then id.
    pub counterparties: Vec<CounterpartyAging>,
    /// The bucket totals over every counterparty.
    pub totals: BucketAmounts,
}

/// One counterparty's open amounts by bucket.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct CounterpartyAging {
    /// Id of the customer or vendor.
    pub counterparty_id: String,
    /// Its name on its latest document issued and not voided by the report date.
    pub counterparty_name: String,
    /// Its open amounts by bucket and their total.
    #[serde(flatten)]
    pub amounts: BucketAmounts,
    /// Its open documents by due date, then number; only with `detail=true`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub invoices: Option<Vec<AgedInvoice>>,
}

/// One document open at the report date.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct AgedInvoice {
    /// Invoice id.
    pub invoice_id: Uuid,
    /// Document kind.
    pub kind: String,
    /// Document number.
    pub number: String,
    /// Date of issue.
    pub issue_date: NaiveDate,
    /// Date payment is due.
    pub due_date: NaiveDate,
    /// Gross total of the document.
    pub gross_total_minor: i64,
    /// Payments dated on or before the report date.
    pub paid_minor: i64,
    /// Gross total less those payments; negative for a credit note.
    pub open_minor: i64,
    /// Report date minus due date, in days (0 or less: not past due).
    pub days_past_due: i32,
    /// Where `open_minor` is counted.
    pub bucket: Bucket,
}

/// `GET /v1/reports/aging`.
#[utoipa::path(get, path = "/v1/reports/aging", params(AgingParams, crate::openapi::Csv),
    responses((status = 200, description = "Open receivables or payables by days past due, per currency", body = AgingView)))]
#[tracing::instrument(skip_all, fields(tenant = %tenant))]
pub async fn get(
    State(state): State<AppState>,
    KnownTenant(tenant): KnownTenant,
    token: MinPosition,
    format: Format,
    QueryParams(query): QueryParams<AgingParams>,
) -> Result<Response, Problem> {
    let side = Side::parse(query.side.as_deref())?;
    let as_of = params::optional_date("as_of", query.as_of.as_deref())?.unwrap_or_else(|| Utc::now().date_naive());
    let currency = params::optional_currency("currency", query.currency.as_deref())?;
    let detail = params::flag("detail", query.detail.as_deref())?;
    state.await_postgres(&tenant, token).await?;
    let scope = AgingScope { kinds: side.kinds(), as_of, currency };
    let items = queries::open_items(&state.stores.postgres, &tenant, scope).await?;
    let view = AgingView { side, as_of, currencies: sections(items, currency, detail)? };
    Ok(if detail { format.respond(&AgingDocuments(view)) } else { format.respond(&view) })
}

/// Groups open items ordered by currency and counterparty into per-currency sections of
/// counterparty rows; when `requested` is given and nothing is open, that currency's empty
/// section.
///
/// # Errors
/// [`ReadError::Overflow`] when an amount or a sum leaves `i64`.
pub fn sections(
    items: Vec<OpenItem>,
    requested: Option<Currency>,
    detail: bool,
) -> Result<Vec<AgingCurrency>, ReadError> {
    let mut sections: Vec<AgingCurrency> = Vec::new();
    for item in items {
        let open_minor =
            if is_credit_note(&item.kind) { checked_neg(item.open_minor, "a credit note")? } else { item.open_minor };
        let bucket = Bucket::of(item.days_past_due);
        if sections.last().is_none_or(|section| section.currency != item.currency) {
            sections.push(AgingCurrency {
                currency: item.currency.clone(),
                counterparties: Vec::new(),
                totals: BucketAmounts::default(),
            });
        }
        let Some(section) = sections.last_mut() else { continue };
        section.totals.add(bucket, open_minor)?;
        if section.counterparties.last().is_none_or(|row| row.counterparty_id != item.counterparty_id) {
            section.counterparties.push(CounterpartyAging {
                counterparty_id: item.counterparty_id.clone(),
                counterparty_name: item.counterparty_name.clone(),
                amounts: BucketAmounts::default(),
                invoices: detail.then(Vec::new),
            });
        }
        let Some(row) = section.counterparties.last_mut() else { continue };
        row.amounts.add(bucket, open_minor)?;
        if let Some(invoices) = &mut row.invoices {
            invoices.push(AgedInvoice {
                invoice_id: item.invoice_id,
                kind: item.kind,
                number: item.number,
                issue_date: item.issue_date,
                due_date: item.due_date,
                gross_total_minor: item.gross_total_minor,
                paid_minor: item.paid_minor,
                open_minor,
                days_past_due: item.days_past_due,
                bucket,
            });
        }
    }
    if let (Some(requested), true) = (requested, sections.is_empty()) {
        sections.push(AgingCurrency {
            currency: requested.as_str().to_owned(),
            counterparties: Vec::new(),
            totals: BucketAmounts::default(),
        });
    }
    Ok(sections)
}

impl ToCsv for AgingView {
    const HEADER: &'static [&'static str] = &[
        "currency",
        "counterparty_id",
        "counterparty_name",
        "current_minor",
        "days_1_30_minor",
        "days_31_60_minor",
        "days_61_90_minor",
        "over_90_minor",
        "total_minor",
    ];

    fn write_records(&self, csv: &mut CsvWriter) {
        for section in &self.currencies {
            for row in &section.counterparties {
                let amounts = &row.amounts;
                csv.record(&[
                    &section.currency,
                    &row.counterparty_id,
                    &row.counterparty_name,
                    &amounts.current_minor.to_string(),
                    &amounts.days_1_30_minor.to_string(),
                    &amounts.days_31_60_minor.to_string(),
                    &amounts.days_61_90_minor.to_string(),
                    &amounts.over_90_minor.to_string(),
                    &amounts.total_minor.to_string(),
                ]);
            }
        }
    }
}

/// The report with `detail=true`: the same JSON, CSV with one record per open document.
#[derive(Debug, Serialize)]
#[serde(transparent)]
pub struct AgingDocuments(pub AgingView);

impl ToCsv for AgingDocuments {
    const HEADER: &'static [&'static str] = &[
        "currency",
        "counterparty_id",
        "counterparty_name",
        "invoice_id",
        "kind",
        "number",
        "issue_date",
        "due_date",
        "days_past_due",
        "bucket",
        "open_minor",
    ];

    fn write_records(&self, csv: &mut CsvWriter) {
        for section in &self.0.currencies {
            for row in &section.counterparties {
                for invoice in row.invoices.iter().flatten() {
                    csv.record(&[
                        &section.currency,
                        &row.counterparty_id,
                        &row.counterparty_name,
                        &invoice.invoice_id.to_string(),
                        &invoice.kind,
                        &invoice.number,
                        &invoice.issue_date.to_string(),
                        &invoice.due_date.to_string(),
                        &invoice.days_past_due.to_string(),
                        invoice.bucket.as_str(),
                        &invoice.open_minor.to_string(),
                    ]);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(currency: &str, counterparty: &str, kind: &str, open_minor: i64, days_past_due: i32) -> OpenItem {
        let day = NaiveDate::from_ymd_opt(2026, 1, 10).unwrap();
        OpenItem {
            currency: currency.to_owned(),
            counterparty_id: counterparty.to_owned(),
            counterparty_name: format!("{counterparty} Ltd"),
            invoice_id: Uuid::new_v4(),
            kind: kind.to_owned(),
            number: format!("{kind}-{open_minor}"),
            issue_date: day,
            due_date: day,
            gross_total_minor: open_minor,
            paid_minor: 0,
            open_minor,
            days_past_due,
        }
    }

    #[test]
    fn items_group_into_counterparty_rows_per_currency_with_credit_notes_negative() {
        let items = vec![
            item("EUR", "C-1", "customer_invoice", 340_000, 50),
            item("EUR", "C-1", "customer_credit_note", 60_000, -4),
            item("EUR", "C-2", "customer_invoice", 119_000, 106),
            item("USD", "C-3", "customer_invoice", 70_000, 90),
        ];

        let sections = sections(items, None, false).unwrap();

        let shape: Vec<(&str, Vec<(&str, i64)>)> = sections
            .iter()
            .map(|s| {
                let rows =
                    s.counterparties.iter().map(|r| (r.counterparty_id.as_str(), r.amounts.total_minor)).collect();
                (s.currency.as_str(), rows)
            })
            .collect();
        assert_eq!(shape, [("EUR", vec![("C-1", 280_000), ("C-2", 119_000)]), ("USD", vec![("C-3", 70_000)])]);
        assert_eq!(
            sections[0].totals,
            BucketAmounts {
                current_minor: -60_000,
                days_31_60_minor: 340_000,
                over_90_minor: 119_000,
                total_minor: 399_000,
                ..BucketAmounts::default()
            }
        );
        assert!(sections[0].counterparties[0].invoices.is_none());
    }

    #[test]
    fn detail_keeps_each_document_with_its_signed_amount_and_bucket() {
        let items =
            vec![item("EUR", "V-1", "vendor_bill", 35_700, 0), item("EUR", "V-1", "vendor_credit_note", 5_000, 21)];

        let sections = sections(items, None, true).unwrap();

        let invoices = sections[0].counterparties[0].invoices.as_ref().unwrap();
        let shape: Vec<(i64, Bucket)> = invoices.iter().map(|i| (i.open_minor, i.bucket)).collect();
        assert_eq!(shape, [(35_700, Bucket::Current), (-5_000, Bucket::Days1To30)]);
    }

    #[test]
    fn a_requested_currency_with_nothing_open_is_an_empty_section() {
        let chf = Currency::parse("CHF").unwrap();
        let sections = sections(Vec::new(), Some(chf), false).unwrap();
        assert_eq!(sections.len(), 1);
        assert_eq!((sections[0].currency.as_str(), sections[0].totals), ("CHF", BucketAmounts::default()));
        assert!(super::sections(Vec::new(), None, false).unwrap().is_empty());
    }

    #[test]
    fn side_is_required_and_must_be_known() {
        assert_eq!(Side::parse(Some("payables")).unwrap(), Side::Payables);
        assert_eq!(Side::parse(Some("receivables")).unwrap().kinds(), ["customer_invoice", "customer_credit_note"]);
        for bad in [None, Some("sideways"), Some("Receivables")] {
            assert!(matches!(Side::parse(bad), Err(InputError::Invalid { field: "side", .. })), "{bad:?}");
        }
    }
}
