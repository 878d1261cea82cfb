//! `POST /v1/journal-entries` (post, or save a draft), `…/{id}/post`, `…/{id}/discard` and
//! `…/{id}/reverse`: the REST shape of the journal-entry commands. Validation is the
//! aggregate's; this module only reads the request, calls the event store and shapes the answer.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use chrono::NaiveDate;
use prism_aggregates::finance::journal_entry::{
    reversal_entry_id_for, JournalEntry, JournalEntryCommand, JournalLineInput, PostJournalEntry, ReverseJournalEntry,
};
use prism_aggregates::tenant::TenantId;
use prism_platform::http::{parse_optional_json, JsonBody, Tenant};
use prism_platform::problem::Problem;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::dispatch::{self, accepted, check_if_match};
use crate::event_store::{Committed, TenantEventStores};
use crate::group_commit::NewAggregateId;
use crate::request_context::RequestContext;

/// Body of `POST /v1/journal-entries`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PostJournalEntryRequest {
    /// Client-chosen id; posting the same id twice is refused with 409. Generated if absent.
    #[serde(default)]
    pub entry_id: Option<Uuid>,
    /// Accounting date.
    pub date: NaiveDate,
    /// What the entry is for.
    pub description: String,
    /// Reference to the source document (invoice, payment, stock move).
    #[serde(default)]
    pub source_reference: Option<String>,
    /// Lines: account, debit or credit in minor units, currency, optional memo.
    #[schema(value_type = Vec<crate::openapi::bodies::JournalLineInput>)]
    pub lines: Vec<JournalLineInput>,
    /// Save (or replace) a draft instead of posting: checked like a posting except against the
    /// books, posting nothing until `POST /v1/journal-entries/{id}/post`.
    #[serde(default)]
    pub draft: bool,
}

/// Body of `POST /v1/journal-entries/{id}/discard`.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DiscardDraftRequest {
    /// Why the draft is discarded.
    #[serde(default)]
    pub reason: Option<String>,
}

/// Body of `POST /v1/journal-entries/{id}/reverse`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReverseJournalEntryRequest {
    /// Why the entry is reversed.
    pub reason: String,
    /// Accounting date of the reversal; today (UTC) if absent.
    #[serde(default)]
    pub date: Option<NaiveDate>,
}

/// Answer to an accepted journal-entry command.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct CommandAccepted {
    /// The journal entry the command addressed.
    pub entry_id: Uuid,
    /// The entry created by a reversal, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reversal_entry_id: Option<Uuid>,
    /// Aggregate version after the command.
    pub version: i64,
    /// Global position of the last event: send as `X-Prism-Min-Position` to read your write.
    pub position: i64,
}

/// State shared by the journal-entry routes.
pub type Stores = Arc<TenantEventStores<JournalEntry>>;

/// `POST /v1/journal-entries`.
#[utoipa::path(post, path = "/v1/journal-entries", request_body = PostJournalEntryRequest,
    responses((status = 201, description = "Posted, or saved as a draft", body = CommandAccepted)))]
#[tracing::instrument(skip_all, fields(tenant = %tenant))]
pub async fn post(
    State(stores): State<Stores>,
    Tenant(tenant): Tenant,
    context: RequestContext,
    JsonBody(request): JsonBody<PostJournalEntryRequest>,
) -> Result<Response, Problem> {
    let new_id = NewAggregateId::named_or_minted(request.entry_id);
    let entry_id = new_id.uuid();
    let entry = PostJournalEntry {
        entry_id,
        tenant: tenant.as_str().to_owned(),
        entry_date: request.date,
        description: request.description,
        source_reference: request.source_reference,
        lines: request.lines,
    };
    let command = if request.draft { JournalEntryCommand::SaveDraft(entry) } else { JournalEntryCommand::Post(entry) };
    let id = entry_id.to_string();
    let committed = new_id.run(execute(&stores, &tenant, &id, command, &context)).await?;
    tracing::info!(entry_id = %id, position = committed.position, draft = request.draft, "journal entry saved");
    Ok(answer(entry_id, None, committed))
}

/// `POST /v1/journal-entries/{id}/post`: posts the entry's draft (checked against the books now).
#[utoipa::path(post, path = "/v1/journal-entries/{id}/post",
    params(("id" = Uuid, Path, description = "The journal entry"), crate::openapi::IfMatch),
    responses((status = 201, description = "The draft posted", body = CommandAccepted), crate::openapi::NotFound))]
#[tracing::instrument(skip_all, fields(tenant = %tenant, entry_id = %entry_id))]
pub async fn post_draft(
    State(stores): State<Stores>,
    Tenant(tenant): Tenant,
    Path(entry_id): Path<String>,
    headers: HeaderMap,
    context: RequestContext,
) -> Result<Response, Problem> {
    let entry_id = parse_id(&entry_id)?;
    let id = entry_id.to_string();
    check_if_match(&stores, &tenant, &id, &headers).await?;
    let committed = execute(&stores, &tenant, &id, JournalEntryCommand::PostDraft, &context).await?;
    tracing::info!(position = committed.position, "journal entry draft posted");
    Ok(answer(entry_id, None, committed))
}

/// `POST /v1/journal-entries/{id}/discard`, with an optional [`DiscardDraftRequest`] body.
#[utoipa::path(post, path = "/v1/journal-entries/{id}/discard",
    params(("id" = Uuid, Path, description = "The journal entry"), crate::openapi::IfMatch),
    request_body(content = Option<DiscardDraftRequest>, description = "Optional: absent, empty or null for no reason"),
    responses((status = 201, description = "The draft discarded", body = CommandAccepted), crate::openapi::NotFound))]
#[tracing::instrument(skip_all, fields(tenant = %tenant, entry_id = %entry_id))]
pub async fn discard_draft(
    State(stores): State<Stores>,
    Tenant(tenant): Tenant,
    Path(entry_id): Path<String>,
    headers: HeaderMap,
    context: RequestContext,
    body: Bytes,
) -> Result<Response, Problem> {
    let entry_id = parse_id(&entry_id)?;
    let request: DiscardDraftRequest = parse_optional_json(&body)?;
    let id = entry_id.to_string();
    check_if_match(&stores, &tenant, &id, &headers).await?;
    let command = JournalEntryCommand::DiscardDraft { reason: request.reason };
    let committed = execute(&stores, &tenant, &id, command, &context).await?;
    tracing::info!(position = committed.position, "journal entry draft discarded");
    Ok(answer(entry_id, None, committed))
}

fn parse_id(entry_id: &str) -> Result<Uuid, Problem> {
    dispatch::path_uuid("journal entry", entry_id)
}

/// `POST /v1/journal-entries/{id}/reverse`; honours `If-Match: <version>`.
#[utoipa::path(post, path = "/v1/journal-entries/{id}/reverse",
    params(("id" = Uuid, Path, description = "The journal entry"), crate::openapi::IfMatch),
    request_body = ReverseJournalEntryRequest,
    responses((status = 201, description = "Reversed", body = CommandAccepted), crate::openapi::NotFound))]
#[tracing::instrument(skip_all, fields(tenant = %tenant, entry_id = %entry_id))]
pub async fn reverse(
    State(stores): State<Stores>,
    Tenant(tenant): Tenant,
    Path(entry_id): Path<String>,
    headers: HeaderMap,
    context: RequestContext,
    JsonBody(request): JsonBody<ReverseJournalEntryRequest>,
) -> Result<Response, Problem> {
    let entry_id = parse_id(&entry_id)?;
    let id = entry_id.to_string();
    check_if_match(&stores, &tenant, &id, &headers).await?;
    let command = JournalEntryCommand::Reverse(ReverseJournalEntry {
        reversal_date: request.date.unwrap_or_else(|| chrono::Utc::now().date_naive()),
        reason: request.reason,
    });
    let committed = execute(&stores, &tenant, &id, command, &context).await?;
    tracing::info!(position = committed.position, "journal entry reversed");
    Ok(answer(entry_id, Some(reversal_entry_id_for(&id)), committed))
}

/// Runs a journal-entry command; a refusal naming the command's date field names the
/// request's `date` instead.
async fn execute(
    stores: &Stores,
    tenant: &TenantId,
    id: &str,
    command: JournalEntryCommand,
    context: &RequestContext,
) -> Result<Committed, Problem> {
    dispatch::execute(stores, tenant, id, command, context).await.map_err(|problem| {
        problem.renaming_field(|field| matches!(field, "entry_date" | "reversal_date").then_some("date"))
    })
}

fn answer(entry_id: Uuid, reversal_entry_id: Option<Uuid>, committed: Committed) -> Response {
    let body =
        CommandAccepted { entry_id, reversal_entry_id, version: committed.version, position: committed.position };
    accepted(StatusCode::CREATED, body, &format!("/v1/journal-entries/{entry_id}"), committed)
}
