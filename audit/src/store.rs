//! Reading a tenant's event store: which schema a tenant's events live in, and the events of
//! one aggregate or one request, oldest first, whole or a window at a time — and each event as
//! the answers show it ([`RecordedEvent`]), the same for the command line and the query API.

use chrono::{DateTime, Utc};
use prism_aggregates::tenant::TenantId;
use prism_platform::db::quote_ident;
use prism_platform::envelope::metadata_keys;
use prism_platform::tenancy::schema_of;
use serde::Serialize;
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
    /// Version of the event type's schema, e.g. `1`.
    pub event_version: String,
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

/// One event as the answers show it: where it stands, what it is, who and which request
/// caused it, and what it recorded.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct RecordedEvent {
    /// Position in the tenant's total order of events.
    pub position: i64,
    /// Type of the aggregate, e.g. `finance.invoice`.
    pub aggregate_type: String,
    /// Id of the aggregate.
    pub aggregate_id: String,
    /// The aggregate's version after this event (1-based).
    pub version: i64,
    /// Event type, e.g. `InvoiceIssued`.
    pub event_type: String,
    /// Version of the event type's schema, e.g. `1`.
    pub event_version: String,
    /// When it was recorded.
    pub recorded_at: DateTime<Utc>,
    /// The user whose request caused it; `null` for a process manager's reaction without one.
    pub user_id: Option<String>,
    /// The correlation id of the request that caused it (`X-Correlation-ID`, or its command id).
    pub correlation_id: Option<String>,
    /// The id of the command (or event) that directly caused it.
    pub causation_id: Option<String>,
    /// What it recorded: the event's payload without its event-type wrapper.
    #[schema(value_type = Object)]
    pub changes: Value,
}

impl From<StoredEvent> for RecordedEvent {
    fn from(stored: StoredEvent) -> Self {
        let owned = |value: Option<&str>| value.map(str::to_owned);
        Self {
            user_id: owned(stored.user_id()),
            correlation_id: owned(stored.correlation_id()),
            causation_id: owned(stored.causation_id()),
            changes: stored.body().clone(),
            position: stored.global_position,
            aggregate_type: stored.aggregate_type,
            aggregate_id: stored.aggregate_id,
            version: stored.sequence,
            event_type: stored.event_type,
            event_version: stored.event_version,
            recorded_at: stored.recorded_at,
        }
    }
}

impl RecordedEvent {
    /// Its values of `columns` (names of its fields), in that order: one row of an answer.
    #[must_use]
    pub fn row(&self, columns: &[&str]) -> Vec<Value> {
        // Strings, numbers, a time and JSON: serialising cannot fail.
        let object = serde_json::to_value(self).unwrap_or_default();
        columns
            .iter()
            .map(|column| {
                debug_assert!(object.get(column).is_some(), "{column} is a field of RecordedEvent");
                object.get(column).cloned().unwrap_or_default()
            })
            .collect()
    }
}

/// Which part of a list of events to read: those after a keyset (a version for one
/// aggregate's events, a global position for a request's), at most `limit` of them. The
/// default is every event.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Window {
    /// Only events strictly after this version or position.
    pub after: Option<i64>,
    /// At most this many events.
    pub limit: Option<i64>,
}

const EVENT_COLUMNS: &str = "global_position, aggregate_type, aggregate_id, sequence, event_type, event_version, \
                             payload, metadata, recorded_at";

/// The quoted schema of `tenant`'s event store, for a tenant known to be provisioned.
#[must_use]
pub fn quoted_schema(tenant: &TenantId) -> String {
    quote_ident(&schema_of(tenant))
}

/// The select list that reads a tenant's `events` as [`OutboxRow`](prism_platform::publishing::OutboxRow)s
/// — the form the relay publishes and the projectors' envelope is built from — with the tenant
/// slug bound as parameter `$<tenant_parameter>`; the global position stands in for the
/// outbox id. With `payload_as_text`, the row's `payload` is JSON `null` and the payload comes
/// as its JSON text in one more column, `payload_text`, for a reader that decodes it itself.
#[must_use]
pub fn events_as_outbox_rows(tenant_parameter: u8, payload_as_text: bool) -> String {
    let payload = if payload_as_text { "'null'::jsonb AS payload, payload::text AS payload_text" } else { "payload" };
    format!(
        "global_position AS outbox_id, ${tenant_parameter}::text AS tenant, event_id, global_position, \
         aggregate_type, aggregate_id, sequence, event_type, event_version, {payload}, metadata, recorded_at"
    )
}

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
        Some(schema) if schema == schema_of(&id) => Ok(quoted_schema(&id)),
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

/// The events of aggregate `aggregate_type`/`id`, oldest first, up to `as_of` when given, in
/// `window` (by version).
///
/// # Errors
/// When the database cannot be read.
pub async fn aggregate_events(
    pool: &PgPool,
    schema: &str,
    aggregate_type: &str,
    id: &str,
    as_of: Option<AsOf>,
    window: Window,
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
            AND ($5::bigint IS NULL OR sequence > $5)
          ORDER BY sequence LIMIT $6"
    );
    let query = sqlx::query_as(&sql).bind(aggregate_type).bind(id).bind(version).bind(time);
    Ok(query.bind(window.after).bind(window.limit).fetch_all(pool).await?)
}

/// The events whose correlation id is `correlation_id`, in the tenant's order, in `window` (by
/// global position).
///
/// # Errors
/// When the database cannot be read.
pub async fn correlated_events(
    pool: &PgPool,
    schema: &str,
    correlation_id: &str,
    window: Window,
) -> Result<Vec<StoredEvent>, AuditError> {
    let sql = format!(
        "SELECT {EVENT_COLUMNS} FROM {schema}.events
          WHERE metadata ->> $1 = $2 AND ($3::bigint IS NULL OR global_position > $3)
          ORDER BY global_position LIMIT $4"
    );
    let query = sqlx::query_as(&sql).bind(metadata_keys::CORRELATION_ID).bind(correlation_id);
    Ok(query.bind(window.after).bind(window.limit).fetch_all(pool).await?)
}
