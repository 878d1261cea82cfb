//! `GET /v1/boms/{sku}`: one version of an item's bill of materials (its latest unless
//! `version` says), with every version recorded; `GET /v1/boms/{sku}/explosion`: the bill
//! exploded through every level for a quantity — each component a line, a component with a bill
//! of its own exploded by its latest version below it, each requirement = the parent's × the
//! quantity per unit, in thousandths, rounded up as a work order rounds — and the leaves (the
//! components without a bill of their own) summed: what the quantity takes in purchased parts.

use axum::extract::{Path, State};
use axum::Json;
use chrono::{DateTime, Utc};
use prism_aggregates::production::bill_of_materials::MAX_LEVELS;
use prism_aggregates::quantity::Quantity;
use prism_platform::problem::Problem;
use serde::{Deserialize, Serialize};
use sqlx::FromRow;

use crate::consistency::MinPosition;
use crate::error::absent_if_unprovisioned;
use crate::params::{self, QueryParams};
use crate::state::AppState;
use crate::stores::tenant_table;
use crate::tenants::KnownTenant;

/// Query parameters of a bill; any other is refused.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct BomParams {
    /// The version, from 1; the latest when absent.
    pub version: Option<String>,
}

/// One line of a bill.
#[derive(Debug, Serialize, FromRow, utoipa::ToSchema)]
pub struct BomLineView {
    /// 1-based line number.
    pub line_no: i32,
    /// SKU of the component.
    pub component_sku: String,
    /// Thousandths of the component per unit of the item.
    pub quantity_milli: i64,
}

/// One version of a bill of materials.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct BomView {
    /// The finished item.
    pub sku: String,
    /// The version shown.
    pub version: i32,
    /// Every version recorded, oldest first.
    pub versions: Vec<i32>,
    /// Why the version shown was recorded.
    pub note: Option<String>,
    /// When it was recorded.
    pub revised_at: DateTime<Utc>,
    /// Its lines, in order.
    pub lines: Vec<BomLineView>,
}

/// A version row.
#[derive(FromRow)]
struct VersionRow {
    version: i32,
    note: Option<String>,
    revised_at: DateTime<Utc>,
}

/// `GET /v1/boms/{sku}`: 404 when the item has no bill or not that version.
#[utoipa::path(get, path = "/v1/boms/{sku}", params(("sku" = String, Path, description = "The finished item"), BomParams),
    responses((status = 200, description = "The version of the bill", body = BomView)))]
#[tracing::instrument(skip_all, fields(tenant = %tenant, sku = %sku))]
pub async fn get(
    State(state): State<AppState>,
    KnownTenant(tenant): KnownTenant,
    token: MinPosition,
    Path(sku): Path<String>,
    QueryParams(query): QueryParams<BomParams>,
) -> Result<Json<BomView>, Problem> {
    let version = optional_version(query.version.as_deref())?;
    state.await_postgres(&tenant, token).await?;
    let pool = &state.stores.postgres;
    let sql = format!(
        "SELECT version, note, revised_at FROM {} WHERE sku = $1 ORDER BY version",
        tenant_table(&tenant, "bom_versions")
    );
    let rows = sqlx::query_as::<_, VersionRow>(&sql).bind(&sku).fetch_all(pool).await;
    let versions = absent_if_unprovisioned(rows, Vec::new())?;
    let shown = match version {
        Some(version) => versions.iter().find(|row| row.version == version),
        None => versions.last(),
    };
    let shown = shown.ok_or_else(|| params::no_such("bill of materials", &sku))?;
    let sql = format!(
        "SELECT line_no, component_sku, quantity_milli FROM {} WHERE sku = $1 AND version = $2 ORDER BY line_no",
        tenant_table(&tenant, "bom_lines")
    );
    let lines = sqlx::query_as::<_, BomLineView>(&sql).bind(&sku).bind(shown.version).fetch_all(pool).await;
    Ok(Json(BomView {
        sku: sku.clone(),
        version: shown.version,
        note: shown.note.clone(),
        revised_at: shown.revised_at,
        lines: absent_if_unprovisioned(lines, Vec::new())?,
        versions: versions.iter().map(|row| row.version).collect(),
    }))
}

/// The `version` parameter: a positive integer, or none.
fn optional_version(value: Option<&str>) -> Result<Option<i32>, params::InputError> {
    value
        .map(|text| {
            text.parse::<i32>()
                .ok()
                .filter(|version| *version > 0)
                .ok_or_else(|| params::invalid("version", format!("version must be a positive integer, got {text:?}")))
        })
        .transpose()
}

/// Query parameters of an explosion; any other is refused.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ExplosionParams {
    /// How many of the item to explode for, a positive decimal; 1 when absent.
    pub quantity: Option<String>,
    /// The version of the top bill, from 1; the latest when absent.
    pub version: Option<String>,
}

/// One component at one level of an explosion.
#[derive(Debug, Serialize, FromRow, utoipa::ToSchema)]
pub struct ExplodedLine {
    /// 1 for the item's own components, 2 for theirs…
    pub level: i32,
    /// The SKUs from the item down to this component.
    pub path: Vec<String>,
    /// SKU of the component.
    pub component_sku: String,
    /// Thousandths of it needed for the quantity.
    pub quantity_milli: i64,
    /// Whether it has no bill of its own (a purchased part).
    pub leaf: bool,
}

/// A leaf component summed over every place it is used.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct LeafRequirement {
    /// SKU of the component.
    pub component_sku: String,
    /// Thousandths of it needed in all.
    pub quantity_milli: i64,
}

/// A bill exploded through its levels.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ExplosionView {
    /// The finished item.
    pub sku: String,
    /// The version of its bill exploded.
    pub version: i32,
    /// The quantity exploded for, thousandths.
    pub quantity_milli: i64,
    /// Every component at every level, depth first in line order.
    pub lines: Vec<ExplodedLine>,
    /// The leaves summed, by SKU.
    pub leaves: Vec<LeafRequirement>,
}

/// `GET /v1/boms/{sku}/explosion`: 404 when the item has no bill or not that version.
#[utoipa::path(get, path = "/v1/boms/{sku}/explosion",
    params(("sku" = String, Path, description = "The finished item"), ExplosionParams),
    responses((status = 200, description = "The bill exploded through its levels", body = ExplosionView)))]
#[tracing::instrument(skip_all, fields(tenant = %tenant, sku = %sku))]
pub async fn explosion(
    State(state): State<AppState>,
    KnownTenant(tenant): KnownTenant,
    token: MinPosition,
    Path(sku): Path<String>,
    QueryParams(query): QueryParams<ExplosionParams>,
) -> Result<Json<ExplosionView>, Problem> {
    let quantity_milli = match query.quantity.as_deref() {
        None => 1_000,
        Some(text) => Quantity::new(text).milli().map_err(|reason| params::invalid("quantity", reason.to_string()))?,
    };
    let version = optional_version(query.version.as_deref())?;
    state.await_postgres(&tenant, token).await?;
    let pool = &state.stores.postgres;
    let (versions, lines) = (tenant_table(&tenant, "bom_versions"), tenant_table(&tenant, "bom_lines"));
    let sql = format!("SELECT max(version) FROM {versions} WHERE sku = $1 AND ($2::int IS NULL OR version = $2)");
    let found = sqlx::query_scalar::<_, Option<i32>>(&sql).bind(&sku).bind(version).fetch_one(pool).await;
    let version = absent_if_unprovisioned(found, None)?.ok_or_else(|| params::no_such("bill of materials", &sku))?;
    let sql = format!(
        "WITH RECURSIVE latest AS (SELECT sku, max(version) AS version FROM {versions} GROUP BY sku),
         tree AS (
             SELECT 1 AS level, ARRAY[l.sku, l.component_sku] AS path, ARRAY[l.line_no] AS ord, l.component_sku,
                    ceil(l.quantity_milli::numeric * $3 / 1000)::bigint AS quantity_milli
               FROM {lines} l WHERE l.sku = $1 AND l.version = $2
             UNION ALL
             SELECT t.level + 1, t.path || l.component_sku, t.ord || l.line_no, l.component_sku,
                    ceil(l.quantity_milli::numeric * t.quantity_milli / 1000)::bigint
               FROM tree t
               JOIN latest v ON v.sku = t.component_sku
               JOIN {lines} l ON l.sku = v.sku AND l.version = v.version
              WHERE t.level < $4 AND NOT l.component_sku = ANY(t.path))
         SELECT level, path, component_sku, quantity_milli,
                NOT EXISTS (SELECT 1 FROM latest v WHERE v.sku = tree.component_sku) AS leaf
           FROM tree ORDER BY ord"
    );
    let max_levels = i32::try_from(MAX_LEVELS).unwrap_or(i32::MAX);
    let rows = sqlx::query_as::<_, ExplodedLine>(&sql)
        .bind(&sku)
        .bind(version)
        .bind(quantity_milli)
        .bind(max_levels)
        .fetch_all(pool)
        .await;
    let lines = absent_if_unprovisioned(rows, Vec::new())?;
    let mut leaves: Vec<LeafRequirement> = Vec::new();
    for line in lines.iter().filter(|line| line.leaf) {
        match leaves.iter_mut().find(|leaf| leaf.component_sku == line.component_sku) {
            Some(leaf) => leaf.quantity_milli = leaf.quantity_milli.saturating_add(line.quantity_milli),
            None => leaves.push(LeafRequirement {
                component_sku: line.component_sku.clone(),
                quantity_milli: line.quantity_milli,
            }),
        }
    }
    leaves.sort_by(|a, b| a.component_sku.cmp(&b.component_sku));
    Ok(Json(ExplosionView { sku, version, quantity_milli, lines, leaves }))
}
