//! Optics over REST, the read side: `GET /v1/report-sources` lists what reports can read (each
//! source's dimensions and measures); `GET /v1/report-definitions` and `/{id}` read the
//! tenant's saved reports from MongoDB; `/{id}/run` executes one ([`run`]). Every user of the
//! tenant may read and run them; saving them takes `optics.report.manage` (command API).

pub mod run;

use axum::extract::{Path, State};
use axum::Json;
use prism_aggregates::tenant::TenantId;
use prism_optics::catalogue::{Role, SOURCES};
use prism_optics::store::{ReportStore, SavedReport};
use prism_optics::table::ColumnKind;
use prism_platform::problem::Problem;
use serde::Serialize;
use uuid::Uuid;

use crate::state::AppState;
use crate::tenants::KnownTenant;

/// The tenant's saved reports.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct SavedReports {
    /// Every saved report, by name.
    pub items: Vec<SavedReport>,
}

/// What reports can read.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ReportSources {
    /// Every source, as definitions name them.
    pub items: Vec<ReportSource>,
}

/// One source and its fields.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ReportSource {
    /// Its name, a definition's `source`.
    pub name: &'static str,
    /// What one row of it is.
    pub description: &'static str,
    /// Its dimensions and measures.
    pub fields: Vec<ReportField>,
}

/// One field of a source.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ReportField {
    /// Its name in definitions and the report's column.
    pub name: &'static str,
    /// `dimension` or `measure`.
    pub role: &'static str,
    /// What its values are.
    pub kind: ColumnKind,
    /// Whether it is an amount in minor units (shown per currency).
    pub money: bool,
    /// What it means.
    pub description: &'static str,
}

/// `GET /v1/report-sources`.
#[utoipa::path(get, path = "/v1/report-sources",
    responses((status = 200, description = "What reports can read", body = ReportSources)))]
pub async fn sources() -> Json<ReportSources> {
    let items = SOURCES
        .iter()
        .map(|source| ReportSource {
            name: source.name,
            description: source.description,
            fields: source
                .fields
                .iter()
                .map(|field| ReportField {
                    name: field.name,
                    role: if matches!(field.role, Role::Dimension) { "dimension" } else { "measure" },
                    kind: field.kind,
                    money: field.is_money(),
                    description: field.description,
                })
                .collect(),
        })
        .collect();
    Json(ReportSources { items })
}

/// `GET /v1/report-definitions`.
#[utoipa::path(get, path = "/v1/report-definitions",
    responses((status = 200, description = "The tenant's saved reports, by name", body = SavedReports)))]
#[tracing::instrument(skip_all, fields(tenant = %tenant))]
pub async fn list(
    State(state): State<AppState>,
    KnownTenant(tenant): KnownTenant,
) -> Result<Json<SavedReports>, Problem> {
    let items = store(&state, &tenant).list().await?;
    Ok(Json(SavedReports { items }))
}

/// `GET /v1/report-definitions/{id}`.
#[utoipa::path(get, path = "/v1/report-definitions/{id}", params(("id" = Uuid, Path, description = "The report")),
    responses((status = 200, description = "The saved report", body = SavedReport)))]
#[tracing::instrument(skip_all, fields(tenant = %tenant, report_id = %id))]
pub async fn get(
    State(state): State<AppState>,
    KnownTenant(tenant): KnownTenant,
    Path(id): Path<String>,
) -> Result<Json<SavedReport>, Problem> {
    saved_report(&state, &tenant, &id).await.map(Json)
}

/// Report `id` of `tenant`: 404 when there is none (or `id` is no UUID).
async fn saved_report(state: &AppState, tenant: &TenantId, id: &str) -> Result<SavedReport, Problem> {
    let missing = || Problem::not_found(format!("no report {id}"));
    let id = Uuid::parse_str(id).map_err(|_| missing())?.to_string();
    store(state, tenant).get(&id).await?.ok_or_else(missing)
}

/// The report definitions of `tenant`.
fn store(state: &AppState, tenant: &TenantId) -> ReportStore {
    ReportStore::new(&state.stores.mongo_database(tenant))
}
