//! Reading a tenant's event store: which schema a tenant's events live in, and the events of
//! one aggregate or one request, oldest first.

use chrono::{DateTime, Utc};
use prism_aggregates::tenant::TenantId;
use prism_platform::db::quote_ident;
use prism_platform::envelope::metadata_keys;
use prism_platform::tenancy::schema_of;
use serde_json::Value;
use sqlx::PgPool;

use crate::cli::AsOf;
use crate::AuditError;

/// One stored event.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct StoredEvent {
    /// Position in the tenant's total order of events.
    pub global_position: i64,
    /// Type of the aggregate, e.g. `finance.invoice`.
    pub aggregate_type: String,
    /// Id of the aggregate.
    pub aggregate_id: String,
    /// The aggregate's version after this event (1-based).
    pub sequence: i64,
    /// Event type, e.g. `InvoiceIssued`.
    pub event_type: String,
    /// The event as stored: `{"<EventType>": {...}}`.
    pub payload: Value,
    /// Correlation and causation ids, trace context.
    pub metadata: Value,
    /// When it was recorded.
    pub recorded_at: DateTime<Utc>,
}

impl StoredEvent {
    /// The metadata entry `key`, if present.
    #[must_use]
    pub fn meta(&self, key: &str) -> Option<&str> {
        self.metadata.get(key).and_then(Value::as_str)
    }

    /// The correlation id of the request that caused it.
    #[must_use]
    pub fn correlation_id(&self) -> Option<&str> {
        self.meta(metadata_keys::CORRELATION_ID)
    }

    /// The user whose request caused it, if a user's.
    #[must_use]
    pub fn user_id(&self) -> Option<&str> {
        self.meta(metadata_keys::USER_ID)
    }

    /// The id of the command (or event) that directly caused it.
    #[must_use]
    pub fn causation_id(&self) -> Option<&str> {
        self.meta(metadata_keys::CAUSATION_ID)
    }

    /// What it recorded: the payload without its event-type wrapper.
    #[must_use]
    pub fn body(&self) -> &Value {
        self.payload.get(&self.event_type).unwrap_or(&self.payload)
    }
}

const EVENT_COLUMNS: &str =
    "global_position, aggregate_type, aggregate_id, sequence, event_type, payload, metadata, recorded_at";

/// The quoted schema of `tenant`'s event store.
///
/// # Errors
/// [`AuditError::UnknownTenant`] when the slug is malformed or not provisioned.
pub async fn tenant_schema(pool: &PgPool, tenant: &str) -> Result<String, AuditError> {
    let id = TenantId::parse(tenant).map_err(|_| AuditError::UnknownTenant(tenant.to_owned()))?;
    let found: Option<String> = sqlx::query_scalar("SELECT schema_name FROM shared.tenant_metadata WHERE tenant = $1")
        .bind(id.as_str())
        .fetch_optional(pool)
        .await?;
    match found {
        Some(schema) if schema == schema_of(&id) => Ok(quote_ident(&schema)),
        _ => Err(AuditError::UnknownTenant(tenant.to_owned())),
    }
}

/// Every provisioned tenant, by slug.
///
/// # Errors
/// When the database cannot be read.
pub async fn tenants(pool: &PgPool) -> Result<Vec<String>, AuditError> {
    Ok(sqlx::query_scalar("SELECT tenant FROM shared.tenant_metadata ORDER BY tenant").fetch_all(pool).await?)
}

/// The events of aggregate `aggregate_type`/`id`, oldest first, up to `as_of` when given.
///
/// # Errors
/// When the database cannot be read.
pub async fn aggregate_events(
    pool: &PgPool,
    schema: &str,
    aggregate_type: &str,
    id: &str,
    as_of: Option<AsOf>,
) -> Result<Vec<StoredEvent>, AuditError> {
    let (version, time) = match as_of {
        Some(AsOf::Version(version)) => (Some(version), None),
        Some(AsOf::Time(time)) => (None, Some(time)),
        None => (None, None),
    };
    let sql = format!(
        "SELECT {EVENT_COLUMNS} FROM {schema}.events
          WHERE aggregate_type = $1 AND aggregate_id = $2
            AND ($3::bigint IS NULL OR sequence <= $3) AND ($4::timestamptz IS NULL OR recorded_at <= $4)
          ORDER BY sequence"
    );
    Ok(sqlx::query_as(&sql).bind(aggregate_type).bind(id).bind(version).bind(time).fetch_all(pool).await?)
}

/// The events whose correlation id is `correlation_id`, in the tenant's order.
///
/// # Errors
/// When the database cannot be read.
pub async fn correlated_events(
    pool: &PgPool,
    schema: &str,
    correlation_id: &str,
) -> Result<Vec<StoredEvent>, AuditError> {
    let sql =
        format!("SELECT {EVENT_COLUMNS} FROM {schema}.events WHERE metadata ->> $1 = $2 ORDER BY global_position");
    Ok(sqlx::query_as(&sql).bind(metadata_keys::CORRELATION_ID).bind(correlation_id).fetch_all(pool).await?)
}
