//! What the notification process keeps in each tenant's schema (migration `0026_notifications`):
//! the tenant's own templates (read), a delivery record per event, channel and recipient — the
//! idempotency of sending: a notice recorded as sent is never sent again — and the in-app
//! notices, inserted once per event and recipient.

use chrono::{DateTime, Utc};
use prism_aggregates::nexus::notification_templates::{Channel, Template};
use prism_aggregates::tenant::TenantId;
use prism_platform::db::quote_ident;
use prism_platform::tenancy::schema_of;
use sqlx::PgPool;
use uuid::Uuid;

/// What became of one notice to one recipient.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Delivery {
    /// Handed to its provider.
    Sent,
    /// Not sent: there was no one to send it to.
    Skipped,
}

impl Delivery {
    fn as_str(self) -> &'static str {
        match self {
            Delivery::Sent => "sent",
            Delivery::Skipped => "skipped",
        }
    }
}

/// The notification tables of the tenants.
#[derive(Debug, Clone)]
pub struct NotificationStore {
    pool: PgPool,
}

impl NotificationStore {
    /// The tables over `pool`.
    #[must_use]
    pub fn new(pool: PgPool) -> Self {
        Self { pool }
    }

    fn table(tenant: &TenantId, name: &str) -> String {
        format!("{}.{name}", quote_ident(&schema_of(tenant)))
    }

    /// `tenant`'s own template of `event_type` on `channel`, if it set one.
    ///
    /// # Errors
    /// When the database refuses.
    pub async fn template(
        &self,
        tenant: &TenantId,
        event_type: &str,
        channel: Channel,
    ) -> Result<Option<Template>, sqlx::Error> {
        let sql = format!(
            "SELECT subject, body FROM {} WHERE event_type = $1 AND channel = $2",
            Self::table(tenant, "notification_templates")
        );
        let found: Option<(String, String)> =
            sqlx::query_as(&sql).bind(event_type).bind(channel.as_str()).fetch_optional(&self.pool).await?;
        Ok(found.map(|(subject, body)| Template { subject, body }))
    }

    /// Whether the notice of `event_id` on `channel` to `recipient` was delivered already.
    ///
    /// # Errors
    /// When the database refuses.
    pub async fn delivered(
        &self,
        tenant: &TenantId,
        event_id: Uuid,
        channel: Channel,
        recipient: &str,
    ) -> Result<bool, sqlx::Error> {
        let sql = format!(
            "SELECT EXISTS (SELECT 1 FROM {} WHERE event_id = $1 AND channel = $2 AND recipient = $3)",
            Self::table(tenant, "notification_deliveries")
        );
        sqlx::query_scalar(&sql).bind(event_id).bind(channel.as_str()).bind(recipient).fetch_one(&self.pool).await
    }

    /// Records what became of the notice of `event_id` (of `event_type`) on `channel` to
    /// `recipient`; a second record of it changes nothing.
    ///
    /// # Errors
    /// When the database refuses.
    pub async fn record(
        &self,
        tenant: &TenantId,
        (event_id, event_type): (Uuid, &str),
        channel: Channel,
        recipient: &str,
        delivery: Delivery,
    ) -> Result<(), sqlx::Error> {
        let sql = format!(
            "INSERT INTO {} (event_id, event_type, channel, recipient, status, delivered_at)
             VALUES ($1, $2, $3, $4, $5, now()) ON CONFLICT DO NOTHING",
            Self::table(tenant, "notification_deliveries")
        );
        sqlx::query(&sql)
            .bind(event_id)
            .bind(event_type)
            .bind(channel.as_str())
            .bind(recipient)
            .bind(delivery.as_str())
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Posts the in-app notice of `event_id` (of `event_type`, at `occurred_at`) to everyone
    /// holding `permission`; a second post of it changes nothing.
    ///
    /// # Errors
    /// When the database refuses.
    pub async fn post_in_app(
        &self,
        tenant: &TenantId,
        (event_id, event_type, occurred_at): (Uuid, &str, DateTime<Utc>),
        permission: &str,
        subject: &str,
        body: &str,
    ) -> Result<(), sqlx::Error> {
        let sql = format!(
            "INSERT INTO {} (notification_id, event_id, event_type, recipient_permission, subject, body, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING",
            Self::table(tenant, "in_app_notifications")
        );
        sqlx::query(&sql)
            .bind(Uuid::new_v5(&event_id, permission.as_bytes()))
            .bind(event_id)
            .bind(event_type)
            .bind(permission)
            .bind(subject)
            .bind(body)
            .bind(occurred_at)
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}
