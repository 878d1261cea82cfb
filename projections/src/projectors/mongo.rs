//! The MongoDB document projection: one document per journal entry, with its lines and
//! status history, one per sales and purchase order (see [`super::order_documents`]), one per
//! customer (see [`super::customer_documents`]) and one per work order (see
//! [`super::work_order_documents`]), in database `prism_<tenant>`. MongoDB (and FerretDB) have no
//! transactions here, so every write is idempotent on its own: inserts ignore duplicate
//! ids and updates are guarded by the aggregate sequence. Kafka offsets are committed by
//! the runtime after the writes.

use cqrs_es::Aggregate;
use mongodb::bson::{doc, Bson, Document};
use mongodb::error::{ErrorKind, WriteFailure};
use mongodb::{Client, Collection};
use prism_aggregates::crm::customer::Customer;
use prism_aggregates::finance::journal_entry::{
    JournalEntry, JournalEntryEvent, JournalEntryPosted, JournalEntryReversed, PostedLine,
};
use prism_aggregates::production::work_order::WorkOrder;
use prism_aggregates::supply::purchase_order::PurchaseOrder;
use prism_aggregates::supply::sales_order::SalesOrder;

use super::customer_documents::customer_write;
use super::order_documents::{order_write, OrderWrite};
use super::work_order_documents::work_order_write;

use crate::decode::ProjectedEvent;
use crate::projection::{by_tenant, Projection, ProjectionError, SourcePosition};

/// Name of this projector (applied positions).
pub const NAME: &str = "mongo";

/// Collection of journal-entry documents.
pub const ENTRIES: &str = "journal_entries";

/// Collection of applied global positions (`_id` = position).
pub const APPLIED: &str = "projection_applied";

/// Mongo database of `tenant`.
#[must_use]
pub fn database_name(tenant: &str) -> String {
    format!("prism_{tenant}")
}

/// Projects journal-entry events into MongoDB documents.
pub struct DocumentProjection {
    client: Client,
}

impl DocumentProjection {
    /// Connects to `url`.
    ///
    /// # Errors
    /// When the URL is invalid.
    pub async fn connect(url: &str) -> Result<Self, ProjectionError> {
        Ok(Self { client: Client::with_uri_str(url).await? })
    }
}

#[async_trait::async_trait]
impl Projection for DocumentProjection {
    fn aggregate_types(&self) -> &'static [&'static str] {
        &[JournalEntry::TYPE, SalesOrder::TYPE, PurchaseOrder::TYPE, Customer::TYPE, WorkOrder::TYPE]
    }

    async fn resume_offsets(
        &self,
        _topic: &str,
    ) -> Result<Option<std::collections::HashMap<i32, i64>>, ProjectionError> {
        Ok(None)
    }

    /// Per tenant: the batch's new entry documents in one `insert_many`, each reversal and
    /// order event in order (guarded update), then the applied positions in one `insert_many`.
    async fn apply_batch(&self, events: &[ProjectedEvent]) -> Result<(), ProjectionError> {
        for (tenant, group) in by_tenant(events) {
            let database = self.client.database(&database_name(tenant));
            let entries = database.collection::<Document>(ENTRIES);
            let mut postings = Vec::new();
            for event in &group {
                let document_write =
                    order_write(event).or_else(|| customer_write(event)).or_else(|| work_order_write(event));
                if let Some((collection, write)) = document_write {
                    apply_order_write(&database.collection::<Document>(collection), write, event).await?;
                    continue;
                }
                let Some(journal_entry) = event.event.journal_entry() else { continue };
                match journal_entry {
                    JournalEntryEvent::JournalEntryPosted(posted) => postings.push(posted_document(posted, event)),
                    JournalEntryEvent::JournalEntryReversed(reversed) => {
                        insert_new(&entries, std::mem::take(&mut postings)).await?;
                        apply_reversed(&entries, reversed, event).await?;
                    }
                    // The document store keeps posted entries; a draft posts nothing.
                    JournalEntryEvent::JournalEntryDrafted(_) | JournalEntryEvent::JournalEntryDraftDiscarded(_) => {}
                }
            }
            insert_new(&entries, postings).await?;
            let applied = group.iter().map(|e| doc! { "_id": e.envelope.global_position, "projector": NAME });
            insert_new(&database.collection::<Document>(APPLIED), applied.collect()).await?;
        }
        Ok(())
    }

    async fn skip(&self, _source: &SourcePosition) -> Result<(), ProjectionError> {
        Ok(())
    }
}

async fn apply_reversed(
    entries: &Collection<Document>,
    reversed: &JournalEntryReversed,
    event: &ProjectedEvent,
) -> Result<(), ProjectionError> {
    insert_new(entries, vec![reversal_document(reversed, event)]).await?;
    let history = history_item("reversed", event, Some(&reversed.reason));
    let update = doc! {
        "$set": {
            "status": "reversed",
            "reversed_by_entry_id": &reversed.reversal_entry_id,
            "last_sequence": event.envelope.sequence,
            "last_position": event.envelope.global_position,
        },
        "$push": { "status_history": history },
    };
    update_in_sequence(entries, &reversed.entry_id, update, event).await
}

/// Inserts an order's new document, or updates it in sequence.
async fn apply_order_write(
    orders: &Collection<Document>,
    write: OrderWrite,
    event: &ProjectedEvent,
) -> Result<(), ProjectionError> {
    match write {
        OrderWrite::Insert(document) => insert_new(orders, vec![document]).await,
        OrderWrite::Update(update) => update_in_sequence(orders, &event.envelope.aggregate_id, update, event).await,
    }
}

/// Applies `update` to document `id` only while it is at the sequence before `event`'s: done
/// when it is already at or past it (a redelivery), an error when it is further behind (an
/// event is missing).
async fn update_in_sequence(
    collection: &Collection<Document>,
    id: &str,
    update: Document,
    event: &ProjectedEvent,
) -> Result<(), ProjectionError> {
    let sequence = event.envelope.sequence;
    let result = collection.update_one(doc! { "_id": id, "last_sequence": sequence - 1 }, update).await?;
    if result.matched_count > 0 {
        return Ok(());
    }
    let current = collection.find_one(doc! { "_id": id }).await?;
    match current.and_then(|d| d.get_i64("last_sequence").ok()) {
        Some(last) if last >= sequence => Ok(()),
        _ => Err(format!("document {id}: event {sequence} arrived before event {}", sequence - 1).into()),
    }
}

/// Inserts `documents` in one unordered `insert_many`; those whose `_id` exists already
/// (redelivered events) are skipped, any other failure is an error.
async fn insert_new(collection: &Collection<Document>, documents: Vec<Document>) -> Result<(), ProjectionError> {
    if documents.is_empty() {
        return Ok(());
    }
    match collection.insert_many(documents).ordered(false).await {
        Ok(_) => Ok(()),
        Err(error) if only_duplicate_keys(&error) => Ok(()),
        Err(error) => Err(error.into()),
    }
}

fn only_duplicate_keys(error: &mongodb::error::Error) -> bool {
    const DUPLICATE_KEY: i32 = 11000;
    match error.kind.as_ref() {
        ErrorKind::InsertMany(failure) => {
            failure.write_concern_error.is_none()
                && failure.write_errors.as_ref().is_some_and(|errors| errors.iter().all(|e| e.code == DUPLICATE_KEY))
        }
        ErrorKind::Write(WriteFailure::WriteError(e)) => e.code == DUPLICATE_KEY,
        _ => false,
    }
}

fn posted_document(posted: &JournalEntryPosted, event: &ProjectedEvent) -> Document {
    doc! {
        "_id": &posted.entry_id,
        "entry_id": &posted.entry_id,
        "tenant": &event.envelope.tenant,
        "entry_date": posted.entry_date.to_string(),
        "description": &posted.description,
        "source_reference": posted.source_reference.as_deref().map_or(Bson::Null, Bson::from),
        "status": "posted",
        "reverses_entry_id": Bson::Null,
        "reversed_by_entry_id": Bson::Null,
        "lines": lines_array(&posted.lines),
        "status_history": [history_item("posted", event, None)],
        "last_sequence": event.envelope.sequence,
        "last_position": event.envelope.global_position,
    }
}

fn reversal_document(reversed: &JournalEntryReversed, event: &ProjectedEvent) -> Document {
    doc! {
        "_id": &reversed.reversal_entry_id,
        "entry_id": &reversed.reversal_entry_id,
        "tenant": &event.envelope.tenant,
        "entry_date": reversed.reversal_date.to_string(),
        "description": format!("Reversal of {}: {}", reversed.entry_id, reversed.reason),
        "source_reference": Bson::Null,
        "status": "posted",
        "reverses_entry_id": &reversed.entry_id,
        "reversed_by_entry_id": Bson::Null,
        "lines": lines_array(&reversed.lines),
        "status_history": [history_item("posted", event, Some(&reversed.reason))],
        "last_sequence": event.envelope.sequence,
        "last_position": event.envelope.global_position,
    }
}

fn lines_array(lines: &[PostedLine]) -> Vec<Document> {
    lines
        .iter()
        .map(|line| {
            doc! {
                "line_no": line.line_no,
                "account": &line.account,
                "currency": &line.currency,
                "debit_minor": line.debit_minor,
                "credit_minor": line.credit_minor,
                "memo": line.memo.as_deref().map_or(Bson::Null, Bson::from),
            }
        })
        .collect()
}

/// A status-history entry: `status` reached by `event`, with an optional reason.
pub(super) fn history_item(status: &str, event: &ProjectedEvent, reason: Option<&str>) -> Document {
    doc! {
        "status": status,
        "event_type": &event.envelope.event_type,
        "event_id": event.envelope.event_id.to_string(),
        "sequence": event.envelope.sequence,
        "global_position": event.envelope.global_position,
        "recorded_at": event.envelope.occurred_at.to_rfc3339(),
        "reason": reason.map_or(Bson::Null, Bson::from),
    }
}
