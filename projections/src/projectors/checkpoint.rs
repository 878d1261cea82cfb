//! What the two Postgres projectors share: a tenant-aware store that applies a batch of
//! events in one transaction which also records each applied global position (for
//! consistency tokens) and the next Kafka offset of each partition — all or nothing — and
//! resumes from those offsets.

use std::collections::{BTreeMap, HashMap};

use prism_aggregates::tenant::TenantId;
use prism_platform::db::{quote_ident, MigrationSet};
use prism_platform::tenancy::{schema_of, TenantProvisioner};
use sqlx::{PgConnection, PgPool};

use crate::decode::ProjectedEvent;
use crate::projection::{ProjectionError, SourcePosition};
use crate::runtime::{save_offset, stored_offsets};

/// A Postgres read-model store written by one projector, with checkpoints in its transactions.
pub struct CheckpointedStore {
    pool: PgPool,
    provisioner: TenantProvisioner,
    projector: &'static str,
}

impl CheckpointedStore {
    /// A store for `projector` over `pool`, whose tenant schemas need the migration `sets`.
    #[must_use]
    pub fn new(pool: PgPool, sets: &'static [MigrationSet], projector: &'static str) -> Self {
        Self { provisioner: TenantProvisioner::new(pool.clone(), sets), pool, projector }
    }

    /// Offsets to resume from in each partition of `topic`.
    pub async fn resume_offsets(&self, topic: &str) -> Result<Option<HashMap<i32, i64>>, ProjectionError> {
        Ok(Some(stored_offsets(&self.pool, self.projector, topic).await?))
    }

    /// Applies `events` with `write` — given the transaction, the event's quoted tenant schema
    /// and the event — in one transaction that also records positions and offsets.
    pub async fn apply_in_one_transaction<W>(&self, events: &[ProjectedEvent], write: W) -> Result<(), ProjectionError>
    where
        W: AsyncFn(&mut PgConnection, &str, &ProjectedEvent) -> Result<(), ProjectionError>,
    {
        let mut schemas = Vec::with_capacity(events.len());
        for event in events {
            let tenant = TenantId::parse(&event.envelope.tenant)?;
            self.provisioner.ensure(&tenant).await?;
            schemas.push(quote_ident(&schema_of(&tenant)));
        }
        let mut tx = self.pool.begin().await?;
        let mut next_offsets = BTreeMap::new();
        for (event, schema) in events.iter().zip(&schemas) {
            write(&mut tx, schema, event).await?;
            mark_applied(&mut tx, self.projector, schema, event.envelope.global_position).await?;
            next_offsets.insert((event.topic.as_str(), event.partition), event.offset);
        }
        for ((topic, partition), offset) in next_offsets {
            let source = SourcePosition { topic: topic.to_owned(), partition, offset };
            save_offset(&mut tx, self.projector, &source).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Moves the checkpoint past a dead-lettered record.
    pub async fn skip(&self, source: &SourcePosition) -> Result<(), ProjectionError> {
        let mut tx = self.pool.begin().await?;
        save_offset(&mut tx, self.projector, source).await?;
        tx.commit().await?;
        Ok(())
    }
}

async fn mark_applied(tx: &mut PgConnection, projector: &str, schema: &str, position: i64) -> Result<(), sqlx::Error> {
    let sql = format!(
        "INSERT INTO {schema}.projection_applied (projector, global_position) VALUES ($1, $2) ON CONFLICT DO NOTHING"
    );
    sqlx::query(&sql).bind(projector).bind(position).execute(tx).await?;
    Ok(())
}
