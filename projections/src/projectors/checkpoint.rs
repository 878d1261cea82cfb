//! What the Postgres projectors share: [`SqlProjection`], a tenant-aware projection that
//! applies a batch of events in one transaction which also records each applied global
//! position (for consistency tokens) and the next Kafka offset of each partition — all or
//! nothing — and resumes from those offsets. Each projector only says, as a [`SqlWriter`],
//! how a batch of one tenant's events becomes rows.

use std::collections::{BTreeMap, HashMap};
use std::marker::PhantomData;

use prism_aggregates::tenant::TenantId;
use prism_platform::db::{quote_ident, MigrationSet};
use prism_platform::tenancy::{schema_of, TenantProvisioner};
use sqlx::{PgConnection, PgPool};

use crate::decode::ProjectedEvent;
use crate::projection::{by_tenant, Projection, ProjectionError, SourcePosition};

/// How one Postgres projector turns one event into rows.
#[async_trait::async_trait]
pub trait SqlWriter: Send + Sync + 'static {
    /// Projector name (checkpoints, applied positions).
    const NAME: &'static str;
    /// Migration sets the projector needs in each tenant schema.
    const SETS: &'static [MigrationSet];
    /// Aggregate types whose events it writes.
    const AGGREGATE_TYPES: &'static [&'static str];

    /// Writes `events` — all of the tenant schema `schema` (quoted), in partition order,
    /// without repeats — within `tx`. Events applied before (redelivered) must change nothing.
    async fn write_batch(
        tx: &mut PgConnection,
        schema: &str,
        events: &[&ProjectedEvent],
    ) -> Result<(), ProjectionError>;
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

    /// `events` grouped by quoted tenant schema (see [`by_tenant`]), tenants provisioned as needed.
    async fn by_tenant_schema<'e>(
        &self,
        events: &'e [ProjectedEvent],
    ) -> Result<Vec<(String, Vec<&'e ProjectedEvent>)>, ProjectionError> {
        let mut groups = Vec::new();
        for (tenant, group) in by_tenant(events) {
            let tenant = TenantId::parse(tenant)?;
            self.provisioner.ensure(&tenant).await?;
            groups.push((quote_ident(&schema_of(&tenant)), group));
        }
        Ok(groups)
    }
}

#[async_trait::async_trait]
impl<W: SqlWriter> Projection for SqlProjection<W> {
    fn aggregate_types(&self) -> &'static [&'static str] {
        W::AGGREGATE_TYPES
    }

    async fn resume_offsets(&self, topic: &str) -> Result<Option<HashMap<i32, i64>>, ProjectionError> {
        Ok(Some(stored_offsets(&self.pool, W::NAME, topic).await?))
    }

    /// Writes `events` in one transaction that also records positions and offsets.
    async fn apply_batch(&self, events: &[ProjectedEvent]) -> Result<(), ProjectionError> {
        let mut tx = self.pool.begin().await?;
        for (schema, tenant_events) in self.by_tenant_schema(events).await? {
            write_applied::<W>(&mut tx, &schema, &tenant_events).await?;
        }
        let mut next_offsets = BTreeMap::new();
        for event in events {
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

/// Writes `events` of the tenant schema `schema` (quoted) through `W` within `tx`, and records
/// their positions as applied by `W`: what one tenant's part of a batch does, also when a read
/// model is replayed from the event store (`prism-audit verify --read-models`).
///
/// # Errors
/// When the writer or the database refuses.
pub async fn write_applied<W: SqlWriter>(
    tx: &mut PgConnection,
    schema: &str,
    events: &[&ProjectedEvent],
) -> Result<(), ProjectionError> {
    W::write_batch(tx, schema, events).await?;
    let positions: Vec<i64> = events.iter().map(|e| e.envelope.global_position).collect();
    mark_applied(tx, W::NAME, schema, &positions).await?;
    Ok(())
}

async fn mark_applied(
    tx: &mut PgConnection,
    projector: &str,
    schema: &str,
    positions: &[i64],
) -> Result<(), sqlx::Error> {
    let sql = format!(
        "INSERT INTO {schema}.projection_applied (projector, global_position)
         SELECT $1, UNNEST($2::int8[]) ON CONFLICT DO NOTHING"
    );
    sqlx::query(&sql).bind(projector).bind(positions).execute(tx).await?;
    Ok(())
}

/// Resume offsets as stored in `shared.projector_offsets` for `projector` and `topic`.
async fn stored_offsets(pool: &PgPool, projector: &str, topic: &str) -> Result<HashMap<i32, i64>, sqlx::Error> {
    let rows: Vec<(i32, i64)> = sqlx::query_as(
        "SELECT partition, next_offset FROM shared.projector_offsets WHERE projector = $1 AND topic = $2",
    )
    .bind(projector)
    .bind(topic)
    .fetch_all(pool)
    .await?;
    Ok(rows.into_iter().collect())
}

/// Records in `tx` that `projector` resumes after `source`.
async fn save_offset(tx: &mut PgConnection, projector: &str, source: &SourcePosition) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO shared.projector_offsets (projector, topic, partition, next_offset) VALUES ($1, $2, $3, $4)
         ON CONFLICT (projector, topic, partition) DO UPDATE SET next_offset = excluded.next_offset, updated_at = now()",
    )
    .bind(projector)
    .bind(&source.topic)
    .bind(source.partition)
    .bind(source.offset + 1)
    .execute(tx)
    .await?;
    Ok(())
}
