//! Runs one process manager (`--process payment-allocations`) until SIGINT/SIGTERM.

use std::sync::Arc;

use clap::Parser;
use prism_platform::db;
use prism_platform::shutdown::on_signal;
use prism_process_managers::config::{ProcessKind, ProcessManagerConfig};
use prism_process_managers::payment_allocations::PaymentAllocations;
use prism_projections::projection::Projection;
use prism_projections::runtime::ProjectorRuntime;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    let config = ProcessManagerConfig::parse();
    prism_platform::telemetry::init(&config.log);
    let shutdown = on_signal();
    if let Some(addr) = &config.http_addr {
        let bound = prism_platform::http::spawn_operational_server(addr, shutdown.clone()).await?;
        tracing::info!(addr = %bound, "process manager health and metrics listening");
    }
    let pool = db::connect(&config.database).await?;
    db::migrate(&pool, "shared", db::SHARED).await?;
    let process: Arc<dyn Projection> = match config.process {
        ProcessKind::PaymentAllocations => Arc::new(PaymentAllocations::new(pool)),
    };
    ProjectorRuntime::build(config.process.name(), &config.consumer, process).await?.run(shutdown).await
}
