//! `GET /v1/journal-entries/drafts?status=draft|posted|discarded`: draft journal entries from
//! `journal_entry_drafts` (the `postgres` projector's read model), by date then id; the open
//! drafts when `status` is absent. A draft's lines are as saved: they post nothing until posted.
//!
//! JSON: `{"items": [DraftView…]}`. CSV (`Accept: text/csv`): one record per draft line,
//! columns `entry_id,date,description,status,line_no,account,currency,debit_minor,credit_minor`.

use axum::extract::State;
use axum::response::Response;
use chrono::NaiveDate;
use prism_aggregates::finance::journal_entry::PostedLine;
use prism_aggregates::tenant::TenantId;
use prism_platform::problem::Problem;
use serde::{Deserialize, Serialize};
use sqlx::types::Json;
use sqlx::{FromRow, PgPool};
use uuid::Uuid;

use crate::consistency::MinPosition;
use crate::csv::{CsvWriter, ToCsv};
use crate::error::{absent_if_unprovisioned, ReadError};
use crate::negotiate::Format;
use crate::params::{self, QueryParams};
use crate::state::AppState;
use crate::stores::tenant_table;
use crate::tenants::KnownTenant;

/// The statuses a draft can be in.
pub const STATUSES: &[&str] = &["draft", "posted", "discarded"];

/// Query parameters of the drafts; unknown ones are refused.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct DraftParams {
    /// `draft` (the default), `posted` or `discarded`.
    pub status: Option<String>,
}

/// The drafts.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct DraftsView {
    /// Drafts by date then id.
    pub items: Vec<DraftView>,
}

/// One draft journal entry.
#[derive(Debug, Serialize, FromRow, utoipa::ToSchema)]
pub struct DraftView {
    /// The entry's id (post or discard it under this id).
    pub entry_id: Uuid,
    /// Accounting date it will post on.
    #[sqlx(rename = "entry_date")]
    pub date: NaiveDate,
    /// What the entry is for.
    pub description: String,
    /// Reference to the source document.
    pub source_reference: Option<String>,
    /// The lines as saved.
    #[schema(value_type = Vec<crate::openapi::PostedLine>)]
    pub lines: Json<Vec<PostedLine>>,
    /// `draft`, `posted` or `discarded`.
    pub status: String,
    /// Why it was discarded, when it was.
    pub discard_reason: Option<String>,
}

/// `GET /v1/journal-entries/drafts`.
#[utoipa::path(get, path = "/v1/journal-entries/drafts", params(DraftParams, crate::openapi::Csv),
    responses((status = 200, description = "The drafts by date then id", body = DraftsView)))]
#[tracing::instrument(skip_all, fields(tenant = %tenant))]
pub async fn list(
    State(state): State<AppState>,
    KnownTenant(tenant): KnownTenant,
    token: MinPosition,
    format: Format,
    QueryParams(query): QueryParams<DraftParams>,
) -> Result<Response, Problem> {
    let status = params::one_of("status", query.status.as_deref(), STATUSES)?.unwrap_or("draft");
    state.await_postgres(&tenant, token).await?;
    let items = read_drafts(&state.stores.postgres, &tenant, status).await?;
    Ok(format.respond(&DraftsView { items }))
}

async fn read_drafts(pool: &PgPool, tenant: &TenantId, status: &str) -> Result<Vec<DraftView>, ReadError> {
    let sql = format!(
        "SELECT entry_id, entry_date, description, source_reference, lines, status, discard_reason
           FROM {} WHERE status = $1 ORDER BY entry_date, entry_id",
        tenant_table(tenant, "journal_entry_drafts")
    );
    absent_if_unprovisioned(sqlx::query_as::<_, DraftView>(&sql).bind(status).fetch_all(pool).await, Vec::new())
}

impl ToCsv for DraftsView {
    const HEADER: &'static [&'static str] =
        &["entry_id", "date", "description", "status", "line_no", "account", "currency", "debit_minor", "credit_minor"];

    fn write_records(&self, csv: &mut CsvWriter) {
        for draft in &self.items {
            for line in draft.lines.iter() {
                csv.record(&[
                    &draft.entry_id.to_string(),
                    &draft.date.to_string(),
                    &draft.description,
                    &draft.status,
                    &line.line_no.to_string(),
                    &line.account,
                    &line.currency,
                    &line.debit_minor.to_string(),
                    &line.credit_minor.to_string(),
                ]);
            }
        }
    }
}
