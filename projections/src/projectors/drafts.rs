//! Draft journal entries in the Postgres read model: saved (or replaced), discarded, or posted —
//! a draft's lines never reach the ledger tables; once posted, the entry is projected like any
//! other (see [`super::postgres`]) and its draft row is marked posted. Upserts and updates are
//! guarded by position, so applying an event twice changes nothing.

use prism_aggregates::finance::journal_entry::{JournalEntryEvent, JournalEntryPosted};
use sqlx::PgConnection;
use uuid::Uuid;

use crate::projection::ProjectionError;

/// Applies `event`, recorded at `position` as the aggregate's event number `sequence`, to the
/// drafts. A posting with sequence 1 had no draft, and costs nothing here.
///
/// # Errors
/// When the database refuses or an id is not a UUID.
pub async fn apply(
    tx: &mut PgConnection,
    schema: &str,
    event: &JournalEntryEvent,
    sequence: i64,
    position: i64,
) -> Result<(), ProjectionError> {
    match event {
        JournalEntryEvent::JournalEntryDrafted(draft) => save(tx, schema, draft, position).await,
        JournalEntryEvent::JournalEntryDraftDiscarded(discarded) => {
            let id = Uuid::parse_str(&discarded.entry_id)?;
            set_status(tx, schema, id, "discarded", discarded.reason.as_deref(), position).await
        }
        JournalEntryEvent::JournalEntryPosted(posted) if sequence > 1 => {
            set_status(tx, schema, Uuid::parse_str(&posted.entry_id)?, "posted", None, position).await
        }
        _ => Ok(()),
    }
}

async fn save(
    tx: &mut PgConnection,
    schema: &str,
    draft: &JournalEntryPosted,
    position: i64,
) -> Result<(), ProjectionError> {
    sqlx::query(&format!(
        "INSERT INTO {schema}.journal_entry_drafts
             (entry_id, entry_date, description, source_reference, lines, status, last_position)
         VALUES ($1, $2, $3, $4, $5, 'draft', $6)
         ON CONFLICT (entry_id) DO UPDATE
            SET entry_date = excluded.entry_date, description = excluded.description,
                source_reference = excluded.source_reference, lines = excluded.lines,
                last_position = excluded.last_position
          WHERE journal_entry_drafts.last_position < excluded.last_position"
    ))
    .bind(Uuid::parse_str(&draft.entry_id)?)
    .bind(draft.entry_date)
    .bind(&draft.description)
    .bind(&draft.source_reference)
    .bind(serde_json::to_value(&draft.lines)?)
    .bind(position)
    .execute(tx)
    .await?;
    Ok(())
}

async fn set_status(
    tx: &mut PgConnection,
    schema: &str,
    entry_id: Uuid,
    status: &str,
    reason: Option<&str>,
    position: i64,
) -> Result<(), ProjectionError> {
    sqlx::query(&format!(
        "UPDATE {schema}.journal_entry_drafts SET status = $2, discard_reason = $3, last_position = $4
          WHERE entry_id = $1 AND last_position < $4"
    ))
    .bind(entry_id)
    .bind(status)
    .bind(reason)
    .bind(position)
    .execute(tx)
    .await?;
    Ok(())
}
