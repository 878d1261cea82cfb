//! `GET /v1/journal-entries/{id}` and `GET /v1/journal-entries`: journal entries with their
//! lines, read from the Postgres ledger read model after the consistency token (if any) is
//! reached by the `postgres` projector.

pub mod cursor;
pub mod drafts;
pub mod queries;

use axum::extract::{Path, State};
use axum::Json;
use chrono::{DateTime, NaiveDate, Utc};
use prism_aggregates::finance::journal_entry::FunctionalAmount;
use prism_platform::problem::Problem;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use self::cursor::Cursor;
use self::queries::EntryFilter;
use crate::consistency::MinPosition;
use crate::params::{self, InputError, QueryParams};
use crate::state::{AppState, DEFAULT_PAGE_SIZE};
use crate::tenants::KnownTenant;

/// A journal entry as the query API shows it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct JournalEntryView {
    /// Entry id.
    pub entry_id: Uuid,
    /// Accounting date, `YYYY-MM-DD`.
    pub entry_date: NaiveDate,
    /// What the entry is for.
    pub description: String,
    /// Reference to the source document, if any.
    pub source_reference: Option<String>,
    /// `posted` or `reversed`.
    pub status: String,
    /// The entry this one reverses, if it is a reversal.
    pub reverses_entry_id: Option<Uuid>,
    /// The entry that reversed this one, if reversed.
    pub reversed_by_entry_id: Option<Uuid>,
    /// Why it was reversed, if reversed.
    pub reversal_reason: Option<String>,
    /// Aggregate sequence of the last event applied.
    pub last_sequence: i64,
    /// Global position of the last event applied.
    pub last_position: i64,
    /// When the last event applied was recorded.
    pub recorded_at: DateTime<Utc>,
    /// Lines in line-number order.
    pub lines: Vec<JournalLineView>,
}

/// One line of a journal entry; amounts in minor units of `currency`.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct JournalLineView {
    /// 1-based line number.
    pub line_no: i32,
    /// Account code.
    pub account: String,
    /// ISO 4217 currency code.
    pub currency: String,
    /// Debit in minor units (0 on a credit line).
    pub debit_minor: i64,
    /// Credit in minor units (0 on a debit line).
    pub credit_minor: i64,
    /// Free-text memo.
    pub memo: Option<String>,
    /// The line in the tenant's functional currency; `null` when the tenant had none when the
    /// line was posted.
    #[schema(value_type = Option<crate::openapi::FunctionalAmount>)]
    pub functional: Option<FunctionalAmount>,
}

/// A page of the journal-entry list.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct JournalEntryPage {
    /// Entries in `(entry_date, entry_id)` order.
    pub items: Vec<JournalEntryView>,
    /// Pass as `cursor` for the next page; `null` on the last page.
    pub next_cursor: Option<String>,
}

/// Query parameters of `GET /v1/journal-entries`; unknown ones are refused.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ListParams {
    /// Only entries with a line on this account.
    pub account: Option<String>,
    /// First date, inclusive (`YYYY-MM-DD`).
    pub from: Option<String>,
    /// Last date, inclusive (`YYYY-MM-DD`).
    pub to: Option<String>,
    /// Page size, 1 to the configured maximum; 50 when absent.
    pub limit: Option<String>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// `GET /v1/journal-entries/{id}`: the entry with its lines; 404 when absent.
#[utoipa::path(get, path = "/v1/journal-entries/{id}", params(("id" = Uuid, Path, description = "The journal entry")),
    responses((status = 200, description = "The entry with its lines", body = JournalEntryView)))]
#[tracing::instrument(skip_all, fields(tenant = %tenant, entry_id = %id))]
pub async fn get(
    State(state): State<AppState>,
    KnownTenant(tenant): KnownTenant,
    token: MinPosition,
    Path(id): Path<String>,
) -> Result<Json<JournalEntryView>, Problem> {
    let entry_id = params::entry_id(&id)?;
    state.await_postgres(&tenant, token).await?;
    queries::find_entry(&state.stores.postgres, &tenant, entry_id)
        .await?
        .map(Json)
        .ok_or_else(|| params::no_entry(&id).into())
}

/// `GET /v1/journal-entries?account=&from=&to=&limit=&cursor=`: one page of entries.
#[utoipa::path(get, path = "/v1/journal-entries", params(ListParams),
    responses((status = 200, description = "One page of entries by date then id", body = JournalEntryPage)))]
#[tracing::instrument(skip_all, fields(tenant = %tenant))]
pub async fn list(
    State(state): State<AppState>,
    KnownTenant(tenant): KnownTenant,
    token: MinPosition,
    QueryParams(query): QueryParams<ListParams>,
) -> Result<Json<JournalEntryPage>, Problem> {
    let filter = filter(&query, state.limits.page_size_max)?;
    state.await_postgres(&tenant, token).await?;
    let page = queries::list_entries(&state.stores.postgres, &tenant, &filter).await?;
    let next_cursor = page
        .has_more
        .then(|| page.entries.last())
        .flatten()
        .map(|last| Cursor { entry_date: last.entry_date, entry_id: last.entry_id }.to_string());
    Ok(Json(JournalEntryPage { items: page.entries, next_cursor }))
}

fn filter(query: &ListParams, page_size_max: u32) -> Result<EntryFilter, InputError> {
    let from = params::optional_date("from", query.from.as_deref())?;
    let to = params::optional_date("to", query.to.as_deref())?;
    params::ordered(from, to)?;
    Ok(EntryFilter {
        account: query.account.as_deref().map(|raw| params::query_account("account", raw)).transpose()?,
        from,
        to,
        after: query.cursor.as_deref().map(Cursor::parse).transpose()?,
        limit: params::limit(query.limit.as_deref(), DEFAULT_PAGE_SIZE, page_size_max)?,
    })
}
