//! Scheduled reports (Optics), sent by the notification service: every poll, each tenant's
//! saved reports with a schedule ([`prism_optics::store::ReportStore::scheduled`]) are asked
//! whether an occurrence is owed ([`prism_optics::schedule::Schedule::due`]); an owed one is
//! run against the read models, rendered in the schedule's format and emailed as an attachment
//! to each recipient through the same email provider as every notice.
//!
//! Sending is idempotent per occurrence and recipient, as notices are per event: the
//! occurrence is named by a UUID derived from the report and the occurrence's time, and each
//! recipient's delivery is recorded under it in `notification_deliveries` (event type
//! [`EVENT_TYPE`]); a recipient recorded is not sent to again — not on the next poll, not by a
//! second notification process. A run that fails (the database, the mail server) is tried
//! again on the next poll; a recipient the mail server refuses for good is recorded as skipped.

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, SecondsFormat, Utc};
use prism_aggregates::nexus::notification_templates::Channel;
use prism_aggregates::tenant::TenantId;
use prism_optics::execute::{self, Limits};
use prism_optics::schedule::Schedule;
use prism_optics::store::{ReportStore, SavedReport};
use prism_platform::tenancy::{mongo_database_of, registered_tenants, schema_of, TenantProvisioner};
use sqlx::PgPool;
use tokio_util::sync::CancellationToken;
use uuid::Uuid;

use super::providers::{Attachment, Outgoing, Provider, SendError};
use super::store::{Delivery, NotificationStore};

/// The event type scheduled-report deliveries are recorded under.
pub const EVENT_TYPE: &str = "ScheduledReport";

/// Namespace of the UUIDs naming report occurrences (UUID v5).
const OCCURRENCES: Uuid = Uuid::from_u128(0x6f70_7469_6373_2d72_6570_6f72_7473_0001);

/// Sends the scheduled reports of every tenant when they are due.
pub struct ScheduledReports {
    pool: PgPool,
    provisioner: Arc<TenantProvisioner>,
    mongo: mongodb::Client,
    email: Arc<dyn Provider>,
    deliveries: NotificationStore,
    poll: Duration,
    limits: Limits,
}

/// A report occurrence owed.
struct Occurrence<'a> {
    tenant: &'a TenantId,
    report: &'a SavedReport,
    schedule: &'a Schedule,
    at: DateTime<Utc>,
    /// The id its deliveries are recorded under.
    id: Uuid,
}

impl ScheduledReports {
    /// The sender over the main database (`pool`: the tenants, their read models and delivery
    /// records) and `mongo` (the report definitions), emailing through `email`, looking every
    /// `poll` and running each report within `limits`.
    #[must_use]
    pub fn new(
        (pool, provisioner): (PgPool, Arc<TenantProvisioner>),
        mongo: mongodb::Client,
        email: Arc<dyn Provider>,
        poll: Duration,
        limits: Limits,
    ) -> Self {
        let deliveries = NotificationStore::new(pool.clone());
        Self { pool, provisioner, mongo, email, deliveries, poll, limits }
    }

    /// Sends what is due, every poll, until `shutdown`.
    pub async fn run(self, shutdown: CancellationToken) {
        loop {
            if let Err(error) = self.send_due(Utc::now()).await {
                tracing::warn!(%error, "scheduled reports: will try again at the next poll");
            }
            tokio::select! {
                () = shutdown.cancelled() => return,
                () = tokio::time::sleep(self.poll) => {}
            }
        }
    }

    /// Sends every occurrence owed at `now`; fails only when the tenants or their reports cannot
    /// be listed.
    async fn send_due(&self, now: DateTime<Utc>) -> Result<(), String> {
        for tenant in registered_tenants(&self.pool).await.map_err(|error| error.to_string())? {
            let store = ReportStore::new(&self.mongo.database(&mongo_database_of(&tenant)));
            for report in store.scheduled().await.map_err(|error| error.to_string())? {
                let Some(schedule) = &report.definition.schedule else { continue };
                let Some(at) = schedule.due(report.updated_at, now) else { continue };
                let key = format!(
                    "{}/{}/{}",
                    tenant.as_str(),
                    report.report_id,
                    at.to_rfc3339_opts(SecondsFormat::Secs, true)
                );
                let occurrence = Occurrence {
                    tenant: &tenant,
                    report: &report,
                    schedule,
                    at,
                    id: Uuid::new_v5(&OCCURRENCES, key.as_bytes()),
                };
                // One report that fails (too costly, say) holds up no other: it is tried again at the
                // next poll.
                if let Err(error) = self.send(&occurrence).await {
                    tracing::warn!(report_id = %report.report_id, %error, "scheduled report not sent yet");
                }
            }
        }
        Ok(())
    }

    /// Runs the report of `occurrence` and emails it to each recipient not yet sent it.
    async fn send(&self, occurrence: &Occurrence<'_>) -> Result<(), String> {
        let (tenant, report, schedule) = (occurrence.tenant, occurrence.report, occurrence.schedule);
        // A tenant provisioned before the notification tables gets them on its first report.
        self.provisioner.ensure(tenant).await.map_err(|error| error.to_string())?;
        let mut pending = Vec::new();
        for (index, recipient) in schedule.recipients.iter().enumerate() {
            let sent = self.deliveries.delivered(tenant, occurrence.id, Channel::Email, recipient).await;
            if !sent.map_err(|error| error.to_string())? {
                pending.push((index, recipient));
            }
        }
        if pending.is_empty() {
            return Ok(());
        }
        let (checked, format) = match (report.definition.check(), schedule.export_format()) {
            (Ok(checked), Ok(format)) => (checked, format),
            (Err(invalid), _) | (_, Err(invalid)) => {
                tracing::warn!(report_id = %report.report_id, field = %invalid.field, detail = %invalid.detail,
                    "a scheduled report no longer checks: not sent");
                return Ok(());
            }
        };
        let table = execute::run(&self.pool, &schema_of(tenant), &checked, self.limits)
            .await
            .map_err(|error| format!("report {}: {error}", report.report_id))?;
        let bytes = format.render(&table).map_err(|error| error.to_string())?;
        let attachment = Attachment {
            file_name: format.file_name(&table.title, occurrence.at.date_naive()),
            media_type: format.media_type().to_owned(),
            bytes,
        };
        let subject = format!("{} — {}", table.title, occurrence.at.format("%Y-%m-%d %H:%M UTC"));
        let body = format!(
            "{} as of {}: {} rows{}, attached as {}.\n",
            table.title,
            occurrence.at.format("%Y-%m-%d %H:%M UTC"),
            table.rows.len(),
            if table.truncated { " (cut at the report's row limit)" } else { "" },
            attachment.file_name,
        );
        for (index, recipient) in pending {
            let outgoing = Outgoing {
                subject: subject.clone(),
                body: body.clone(),
                message_id: format!("<{}.{index}@prism.reports>", occurrence.id),
                attachment: Some(attachment.clone()),
            };
            let delivery = match self.email.send(recipient, &outgoing).await {
                Ok(()) => Delivery::Sent,
                Err(SendError::Refused(reason)) => {
                    tracing::warn!(report_id = %report.report_id, reason, "a recipient cannot be reached: skipped");
                    Delivery::Skipped
                }
                Err(SendError::Unavailable(reason)) => return Err(reason),
            };
            self.deliveries
                .record(tenant, (occurrence.id, EVENT_TYPE), Channel::Email, recipient, delivery)
                .await
                .map_err(|error| error.to_string())?;
        }
        tracing::info!(report_id = %report.report_id, occurrence = %occurrence.at, "scheduled report sent");
        Ok(())
    }
}
