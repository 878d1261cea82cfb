//! Runs one process manager (`--process payment-allocations|inventory-postings|
//! order-fulfilment|procure-to-pay|production|payroll|hiring|notifications|webhooks`) until SIGINT/SIGTERM.

use std::sync::Arc;

use clap::Parser;
use prism_platform::db;
use prism_platform::shutdown::on_signal;
use prism_platform::telemetry;
use prism_process_managers::config::ProcessManagerConfig;
use prism_process_managers::stores::EventStores;
use prism_projections::runtime::ProjectorRuntime;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    let config = ProcessManagerConfig::parse();
    telemetry::init(&config.telemetry, &format!("prism-process-{}", config.process.name()));
    let shutdown = on_signal();
    if let Some(addr) = &config.http_addr {
        let bound = prism_platform::http::spawn_operational_server(addr, config.readiness(), shutdown.clone()).await?;
        tracing::info!(addr = %bound, "process manager health and metrics listening");
    }
    let pool = db::connect(&config.database).await?;
    db::bring_up_to_date(&pool, db::MAIN_DATABASE).await?;
    prism_platform::pool_metrics::report(pool.clone(), "main", shutdown.clone());
    let process = config.process.build(Arc::new(EventStores::new(pool)), &config.sending).await?;
    if let Some(dispatcher) = process.dispatcher {
        tokio::spawn(dispatcher.run(shutdown.clone()));
    }
    if let Some(reports) = process.scheduled_reports {
        tokio::spawn(reports.run(shutdown.clone()));
    }
    let runtime = ProjectorRuntime::build(config.process.name(), &config.consumer, process.projection).await?;
    telemetry::flushed(runtime.run(shutdown)).await
}
