//! Configuration of a process-manager process, read once at start, and which process
//! manager each `--process` names.

use std::sync::Arc;

use clap::{Parser, ValueEnum};
use prism_platform::config::DatabaseArgs;
use prism_platform::db;
use prism_platform::health::Readiness;
use prism_platform::telemetry::TelemetryArgs;
use prism_projections::config::ConsumerArgs;
use prism_projections::projection::Projection;

use crate::hiring::Hiring;
use crate::inventory_postings::InventoryPostings;
use crate::notifications::scheduled_reports::ScheduledReports;
use crate::notifications::{NotificationArgs, Notifications};
use crate::order_fulfilment::OrderFulfilment;
use crate::payment_allocations::PaymentAllocations;
use crate::payroll::Payroll;
use crate::procure_to_pay::ProcureToPay;
use crate::production::Production;
use crate::saga::Saga;
use crate::stores::EventStores;
use crate::webhooks::dispatcher::Dispatcher;
use crate::webhooks::{WebhookArgs, Webhooks};

/// Which process manager a process runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ProcessKind {
    /// Applies each processed payment's allocations to its invoices.
    PaymentAllocations,
    /// Posts the value of every stock movement to the ledger.
    InventoryPostings,
    /// Order to cash: reserves, issues and invoices sales orders and records their payments.
    OrderFulfilment,
    /// Receives purchase orders' goods into stock and raises their vendor bills.
    ProcureToPay,
    /// Posts every approved payroll run's salary journal entry to the ledger.
    Payroll,
    /// Consumes work orders' components from stock and receives their goods at rolled-up cost.
    Production,
    /// Hires, as employees, the applicants recruitment hired.
    Hiring,
    /// Sends the notices events call for: welcome and invoice emails, in-app approvals.
    Notifications,
    /// Sends every event to the webhook subscriptions that want it.
    Webhooks,
}

impl ProcessKind {
    /// Every process manager, in the order `scripts/prism up` starts them.
    pub const ALL: [ProcessKind; 9] = [
        Self::PaymentAllocations,
        Self::InventoryPostings,
        Self::OrderFulfilment,
        Self::ProcureToPay,
        Self::Payroll,
        Self::Production,
        Self::Hiring,
        Self::Notifications,
        Self::Webhooks,
    ];

    /// Stable name, used for the consumer group, metrics and the dead-letter topic.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Self::PaymentAllocations => crate::payment_allocations::NAME,
            Self::InventoryPostings => crate::inventory_postings::NAME,
            Self::OrderFulfilment => crate::order_fulfilment::NAME,
            Self::ProcureToPay => crate::procure_to_pay::NAME,
            Self::Payroll => crate::payroll::NAME,
            Self::Production => crate::production::NAME,
            Self::Hiring => crate::hiring::NAME,
            Self::Notifications => crate::notifications::NAME,
            Self::Webhooks => crate::webhooks::NAME,
        }
    }

    /// The process manager of this kind over `stores`, sending as `settings` say.
    ///
    /// # Errors
    /// When the notification settings are malformed or the webhooks' HTTP client cannot be
    /// built.
    pub async fn build(self, stores: Arc<EventStores>, settings: &SendingArgs) -> Result<BuiltProcess, String> {
        let projection: Arc<dyn Projection> = match self {
            Self::PaymentAllocations => Arc::new(Saga(PaymentAllocations::new(stores))),
            Self::InventoryPostings => Arc::new(Saga(InventoryPostings::new(stores))),
            Self::OrderFulfilment => Arc::new(Saga(OrderFulfilment::new(stores))),
            Self::ProcureToPay => Arc::new(Saga(ProcureToPay::new(stores))),
            Self::Payroll => Arc::new(Saga(Payroll::new(stores))),
            Self::Production => Arc::new(Saga(Production::new(stores))),
            Self::Hiring => Arc::new(Saga(Hiring::new(stores))),
            Self::Notifications => {
                let email = settings.notifications.email()?;
                let reports = settings.notifications.scheduled_reports(&stores, email.clone()).await?;
                let notifications = Arc::new(Saga(Notifications::new(stores, email)));
                return Ok(BuiltProcess {
                    projection: notifications,
                    dispatcher: None,
                    scheduled_reports: Some(reports),
                });
            }
            Self::Webhooks => {
                let (webhooks, dispatcher) = Webhooks::new(stores, &settings.webhooks)?;
                let webhooks = Arc::new(webhooks);
                return Ok(BuiltProcess {
                    projection: webhooks,
                    dispatcher: Some(dispatcher),
                    scheduled_reports: None,
                });
            }
        };
        Ok(BuiltProcess { projection, dispatcher: None, scheduled_reports: None })
    }
}

/// A process manager as its process runs it: what the projector runtime feeds, and what runs
/// beside it: the webhooks' dispatcher, the notification service's scheduled reports.
pub struct BuiltProcess {
    /// What the runtime feeds.
    pub projection: Arc<dyn Projection>,
    /// The webhooks' sender, to run until shutdown.
    pub dispatcher: Option<Dispatcher>,
    /// The scheduled reports' sender, to run until shutdown.
    pub scheduled_reports: Option<ScheduledReports>,
}

/// How the process managers that talk to the outside send.
#[derive(Debug, Clone, clap::Args)]
pub struct SendingArgs {
    /// How the notification process sends.
    #[command(flatten)]
    pub notifications: NotificationArgs,
    /// How the webhook process sends.
    #[command(flatten)]
    pub webhooks: WebhookArgs,
}

/// Process-manager settings.
#[derive(Debug, Clone, Parser)]
#[command(name = "prism-process-manager", about = "Reacts to Prism events by issuing commands")]
pub struct ProcessManagerConfig {
    /// The process manager to run.
    #[arg(long, env = "PRISM_PROCESS", value_enum, default_value = "payment-allocations")]
    pub process: ProcessKind,
    /// The database holding the event stores.
    #[command(flatten)]
    pub database: DatabaseArgs,
    /// How it consumes.
    #[command(flatten)]
    pub consumer: ConsumerArgs,
    /// How the notification and webhook processes send.
    #[command(flatten)]
    pub sending: SendingArgs,
    /// Address of the process's `/health` and `/metrics` endpoint; none when absent.
    #[arg(long = "http-addr", env = "PRISM_HTTP_ADDR")]
    pub http_addr: Option<String>,
    /// Log filter and format, and where spans go.
    #[command(flatten)]
    pub telemetry: TelemetryArgs,
}

impl ProcessManagerConfig {
    /// What a process manager needs to work: the brokers, the registry and the event stores'
    /// database, migrated.
    #[must_use]
    pub fn readiness(&self) -> Readiness {
        self.consumer.readiness().postgres("postgres", &self.database.url, db::MAIN_DATABASE)
    }
}
