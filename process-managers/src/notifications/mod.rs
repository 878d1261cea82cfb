//! The notification process manager (Nexus), its own consumer group: each event that calls for
//! notices ([`notices`]) is rendered with the tenant's template or the built-in one and sent —
//! a welcome email to a new user, an invoice email to the customer's contacts, an in-app notice
//! to everyone who may approve a submitted purchase order or a leave request. Sending is
//! idempotent per event: each notice to each recipient is recorded once sent ([`store`]) and
//! not sent again when the event is redelivered; the email carries a `Message-ID` derived from
//! the event, so that even a copy sent in the moment between the server's acceptance and the
//! record is recognisable. A provider that is out of reach ([`providers`]) is retried until it
//! takes the notice; a recipient it can never reach (a malformed address) is recorded as
//! skipped, not retried for ever. Email goes over SMTP when a server is configured; SMS and push
//! (no built-in notice uses them yet) and email without a server go to the logging provider.
//! Beside the notices, the same process emails the saved reports whose schedule is due
//! ([`scheduled_reports`]).

pub mod notices;
pub mod providers;
pub mod scheduled_reports;
pub mod store;

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use clap::Args;
use cqrs_es::Aggregate;
use prism_aggregates::finance::invoice::Invoice;
use prism_aggregates::hr::leave_account::LeaveAccount;
use prism_aggregates::identity::user::User;
use prism_aggregates::nexus::notification_templates::{default_of, render, Channel, Template};
use prism_aggregates::supply::purchase_order::PurchaseOrder;
use prism_aggregates::tenant::TenantId;
use prism_optics::execute::Limits;
use prism_projections::decode::ProjectedEvent;
use prism_projections::projection::ProjectionError;
use prism_projections::transient::Transient;

use self::notices::{notices_of, Notice, Recipient};
use self::providers::{LoggingProvider, Outgoing, Provider, SendError, SmtpEmail};
use self::scheduled_reports::ScheduledReports;
use self::store::{Delivery, NotificationStore};
use crate::saga::{tenant_of, Reaction};
use crate::stores::EventStores;

/// Name of this process manager (consumer group, dead-letter topic, metrics).
pub const NAME: &str = "notifications";

/// How the notification process sends.
#[derive(Debug, Clone, Args)]
pub struct NotificationArgs {
    /// SMTP server email goes through (`host:port`, plain SMTP); none: emails are logged.
    #[arg(long = "smtp-addr", env = "PRISM_SMTP_ADDR")]
    pub smtp_addr: Option<String>,
    /// The sender of notification emails.
    #[arg(long = "mail-from", env = "PRISM_MAIL_FROM", default_value = "Prism <no-reply@prism.local>")]
    pub mail_from: String,
    /// MongoDB, where the saved reports and their schedules are kept.
    #[arg(long, env = "PRISM_MONGODB_URL", default_value = "mongodb://127.0.0.1:27117/")]
    pub mongodb_url: String,
    /// How often the schedules of saved reports are looked at, in seconds.
    #[arg(long = "report-poll-seconds", env = "PRISM_REPORT_POLL_SECONDS", default_value_t = 30,
          value_parser = clap::value_parser!(u64).range(1..))]
    pub report_poll_seconds: u64,
    /// Most database time one scheduled report run may take, in milliseconds.
    #[arg(long = "report-timeout-ms", env = "PRISM_REPORT_TIMEOUT_MS", default_value_t = 5_000)]
    pub report_timeout_ms: u64,
}

impl NotificationArgs {
    /// The email provider: SMTP when a server is configured, else the log.
    ///
    /// # Errors
    /// When the SMTP address or the sender is malformed.
    pub fn email(&self) -> Result<Arc<dyn Provider>, String> {
        Ok(match &self.smtp_addr {
            Some(addr) => Arc::new(SmtpEmail::new(addr, &self.mail_from)?),
            None => Arc::new(LoggingProvider { channel: Channel::Email.as_str() }),
        })
    }

    /// The sender of scheduled reports over `stores`, emailing through `email`.
    ///
    /// # Errors
    /// When the MongoDB URL does not parse.
    pub async fn scheduled_reports(
        &self,
        stores: &EventStores,
        email: Arc<dyn Provider>,
    ) -> Result<ScheduledReports, String> {
        let mongo = prism_optics::store::client(&self.mongodb_url, "prism-process-notifications")
            .await
            .map_err(|error| format!("MongoDB URL: {error}"))?;
        let limits = Limits { timeout: Duration::from_millis(self.report_timeout_ms) };
        let poll = Duration::from_secs(self.report_poll_seconds);
        Ok(ScheduledReports::new((stores.pool.clone(), stores.provisioner.clone()), mongo, email, poll, limits))
    }
}

/// Sends the notices events call for.
pub struct Notifications {
    stores: Arc<EventStores>,
    store: NotificationStore,
    /// The provider of each channel that leaves Prism (email, SMS, push).
    providers: BTreeMap<Channel, Arc<dyn Provider>>,
}

impl Notifications {
    /// The process manager over `stores`, emailing through `email`.
    #[must_use]
    pub fn new(stores: Arc<EventStores>, email: Arc<dyn Provider>) -> Self {
        let mut providers = BTreeMap::from([(Channel::Email, email)]);
        for channel in [Channel::Sms, Channel::Push] {
            providers.insert(channel, Arc::new(LoggingProvider { channel: channel.as_str() }));
        }
        Self { store: NotificationStore::new(stores.pool.clone()), stores, providers }
    }

    /// The template of `notice` for `tenant`: its own, else the built-in one.
    async fn template(&self, tenant: &TenantId, notice: &Notice) -> Result<Template, ProjectionError> {
        let own = self.store.template(tenant, notice.event_type, notice.channel).await.map_err(transient)?;
        own.or_else(|| default_of(notice.event_type))
            .ok_or_else(|| format!("no template for {}", notice.event_type).into())
    }

    /// The addresses of `recipient`: itself, or the customer's contacts that have one.
    async fn addresses(&self, tenant: &TenantId, recipient: &Recipient) -> Result<Vec<String>, ProjectionError> {
        match recipient {
            Recipient::Address(address) => Ok(vec![address.clone()]),
            Recipient::CustomerContacts(customer_id) => {
                let customer = self.stores.customers.load(tenant, customer_id).await.map_err(transient)?;
                Ok(customer.contacts().iter().filter_map(|contact| contact.email.clone()).collect())
            }
            Recipient::Holders(permission) => Ok(vec![permission.as_str().to_owned()]),
        }
    }

    /// Sends `notice` of `event` once to each of its recipients.
    async fn deliver(&self, tenant: &TenantId, event: &ProjectedEvent, notice: &Notice) -> Result<(), ProjectionError> {
        let template = self.template(tenant, notice).await?;
        let (subject, body) = (render(&template.subject, &notice.fields), render(&template.body, &notice.fields));
        let envelope = &event.envelope;
        let identity = (envelope.event_id, notice.event_type);
        if let Recipient::Holders(permission) = &notice.recipient {
            let posted = (envelope.event_id, notice.event_type, envelope.occurred_at);
            return self
                .store
                .post_in_app(tenant, posted, permission.as_str(), &subject, &body)
                .await
                .map_err(transient);
        }
        let provider =
            self.providers.get(&notice.channel).ok_or_else(|| format!("no provider for {:?}", notice.channel))?;
        let addresses = self.addresses(tenant, &notice.recipient).await?;
        if addresses.is_empty() {
            tracing::info!(event_id = %envelope.event_id, event_type = notice.event_type, "no one to notify");
            return self.store.record(tenant, identity, notice.channel, "", Delivery::Skipped).await.map_err(transient);
        }
        for (index, address) in addresses.iter().enumerate() {
            if self.store.delivered(tenant, envelope.event_id, notice.channel, address).await.map_err(transient)? {
                continue;
            }
            let outgoing = Outgoing {
                subject: subject.clone(),
                body: body.clone(),
                message_id: format!("<{}.{index}@prism.notifications>", envelope.event_id),
                attachment: None,
            };
            let delivery = match provider.send(address, &outgoing).await {
                Ok(()) => Delivery::Sent,
                Err(SendError::Refused(reason)) => {
                    tracing::warn!(event_id = %envelope.event_id, reason, "a recipient cannot be reached: skipped");
                    Delivery::Skipped
                }
                Err(SendError::Unavailable(reason)) => return Err(transient(reason)),
            };
            self.store.record(tenant, identity, notice.channel, address, delivery).await.map_err(transient)?;
        }
        Ok(())
    }
}

/// A failure of the database or the event store, retried until it passes.
fn transient(error: impl std::fmt::Display) -> ProjectionError {
    Box::new(Transient(error.to_string()))
}

#[async_trait::async_trait]
impl Reaction for Notifications {
    const AGGREGATE_TYPES: &'static [&'static str] =
        &[User::TYPE, Invoice::TYPE, PurchaseOrder::TYPE, LeaveAccount::TYPE];

    async fn react(&self, event: &ProjectedEvent) -> Result<(), ProjectionError> {
        let notices = notices_of(&event.event);
        if notices.is_empty() {
            return Ok(());
        }
        let tenant = tenant_of(&event.envelope)?;
        // A tenant provisioned before the notification tables gets them on its first notice.
        self.stores.provisioner.ensure(&tenant).await.map_err(transient)?;
        for notice in &notices {
            self.deliver(&tenant, event, notice).await?;
        }
        Ok(())
    }
}
