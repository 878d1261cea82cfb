//! What the Postgres projectors share: [`SqlProjection`], a tenant-aware projection that
//! applies a batch of events in one transaction which also records each applied global
//! position (for consistency tokens) and the next Kafka offset of each partition — all or
//! nothing — and resumes from those offsets. Each projector only says, as a [`SqlWriter`],
//! how one event becomes rows.

use std::collections::{BTreeMap, HashMap};
use std::marker::PhantomData;

use prism_aggregates::tenant::TenantId;
use prism_platform::db::{quote_ident, MigrationSet};
use prism_platform::tenancy::{schema_of, TenantProvisioner};
use sqlx::{PgConnection, PgPool};

use crate::decode::ProjectedEvent;
use crate::projection::{Projection, ProjectionError, SourcePosition};
use crate::runtime::{save_offset, stored_offsets};

/// How one Postgres projector turns one event into rows.
#[async_trait::async_trait]
pub trait SqlWriter: Send + Sync + 'static {
    /// Projector name (checkpoints, applied positions).
    const NAME: &'static str;
    /// Migration sets the projector needs in each tenant schema.
    const SETS: &'static [MigrationSet];

    /// Writes `event` into the tenant schema `schema` (quoted) within `tx`.
    async fn write(tx: &mut PgConnection, schema: &str, event: &ProjectedEvent) -> Result<(), ProjectionError>;
}

/// A Postgres read model written by the [`SqlWriter`] `W`, with checkpoints in its transactions.
pub struct SqlProjection<W> {
    pool: PgPool,
    provisioner: TenantProvisioner,
    writer: PhantomData<W>,
}

impl<W: SqlWriter> SqlProjection<W> {
    /// A projection writing through `pool`.
    #[must_use]
    pub fn new(pool: PgPool) -> Self {
        Self { provisioner: TenantProvisioner::new(pool.clone(), W::SETS), pool, writer: PhantomData }
    }
}

#[async_trait::async_trait]
impl<W: SqlWriter> Projection for SqlProjection<W> {
    async fn resume_offsets(&self, topic: &str) -> Result<Option<HashMap<i32, i64>>, ProjectionError> {
        Ok(Some(stored_offsets(&self.pool, W::NAME, topic).await?))
    }

    async fn apply(&self, event: &ProjectedEvent) -> Result<(), ProjectionError> {
        self.apply_batch(std::slice::from_ref(event)).await
    }

    /// Writes `events` in one transaction that also records positions and offsets.
    async fn apply_batch(&self, events: &[ProjectedEvent]) -> Result<(), ProjectionError> {
        let mut schemas = Vec::with_capacity(events.len());
        for event in events {
            let tenant = TenantId::parse(&event.envelope.tenant)?;
            self.provisioner.ensure(&tenant).await?;
            schemas.push(quote_ident(&schema_of(&tenant)));
        }
        let mut tx = self.pool.begin().await?;
        let mut next_offsets = BTreeMap::new();
        for (event, schema) in events.iter().zip(&schemas) {
            W::write(&mut tx, schema, event).await?;
            mark_applied(&mut tx, W::NAME, schema, event.envelope.global_position).await?;
            next_offsets.insert((event.topic.as_str(), event.partition), event.offset);
        }
        for ((topic, partition), offset) in next_offsets {
            let source = SourcePosition { topic: topic.to_owned(), partition, offset };
            save_offset(&mut tx, W::NAME, &source).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    async fn skip(&self, source: &SourcePosition) -> Result<(), ProjectionError> {
        let mut tx = self.pool.begin().await?;
        save_offset(&mut tx, W::NAME, source).await?;
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
