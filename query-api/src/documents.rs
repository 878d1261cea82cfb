//! `GET /v1/journal-entries/{id}/document`: the entry's MongoDB document — lines and full
//! status history — from database `prism_<tenant>`, collection `journal_entries`, after the
//! `mongo` projector has reached the consistency token (if any).

use axum::extract::{Path, State};
use axum::Json;
use mongodb::bson::{doc, Bson, Document};
use prism_platform::problem::Problem;
use serde_json::Value;

use crate::consistency::MinPosition;
use crate::error::ReadError;
use crate::params;
use crate::state::AppState;
use crate::tenants::KnownTenant;

/// Collection holding one document per journal entry, keyed by the entry id string.
pub const JOURNAL_ENTRIES: &str = "journal_entries";

/// `GET /v1/journal-entries/{id}/document`: the stored document as relaxed extended JSON
/// (integers stay numbers); 404 when absent.
#[utoipa::path(get, path = "/v1/journal-entries/{id}/document",
    params(("id" = Uuid, Path, description = "The journal entry")),
    responses((status = 200, description = "The entry's MongoDB document with its `status_history`, as relaxed extended JSON", body = Object)))]
#[tracing::instrument(skip_all, fields(tenant = %tenant, entry_id = %id))]
pub async fn get(
    State(state): State<AppState>,
    KnownTenant(tenant): KnownTenant,
    token: MinPosition,
    Path(id): Path<String>,
) -> Result<Json<Value>, Problem> {
    let entry_id = params::entry_id(&id)?;
    state.await_mongo(&tenant, token).await?;
    let document = state
        .stores
        .mongo_database(&tenant)
        .collection::<Document>(JOURNAL_ENTRIES)
        .find_one(doc! { "_id": entry_id.to_string() })
        .await
        .map_err(ReadError::from)?;
    document
        .map(|document| Json(Bson::Document(document).into_relaxed_extjson()))
        .ok_or_else(|| params::no_entry(&id).into())
}
