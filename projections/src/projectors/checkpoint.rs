//! What the two Postgres projectors share: a tenant-aware store whose every write
//! transaction also records the applied global position (for consistency tokens) and the
//! next Kafka offset, committed all or nothing; and resuming from those offsets.

use std::collections::HashMap;

use prism_aggregates::tenant::TenantId;
use prism_platform::db::{quote_ident, MigrationSet};
use prism_platform::tenancy::{schema_of, TenantProvisioner};
use sqlx::{PgConnection, PgPool, Postgres, Transaction};

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

    /// Provisions the event's tenant if needed and opens a transaction; returns it with the
    /// tenant's quoted schema name.
    pub async fn begin(&self, event: &ProjectedEvent) -> Result<(Transaction<'_, Postgres>, String), ProjectionError> {
        let tenant = TenantId::parse(&event.envelope.tenant)?;
        self.provisioner.ensure(&tenant).await?;
        Ok((self.pool.begin().await?, quote_ident(&schema_of(&tenant))))
    }

    /// Records `event` as applied in `schema` (quoted), saves the next offset and commits.
    pub async fn finish(
        &self,
        mut tx: Transaction<'_, Postgres>,
        schema: &str,
        event: &ProjectedEvent,
    ) -> Result<(), ProjectionError> {
        mark_applied(&mut tx, self.projector, schema, event.envelope.global_position).await?;
        let source = SourcePosition { topic: event.topic.clone(), partition: event.partition, offset: event.offset };
        save_offset(&mut tx, self.projector, &source).await?;
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
