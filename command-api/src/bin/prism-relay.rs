//! Runs the outbox relay until SIGINT/SIGTERM.

use clap::Parser;
use prism_command_api::config::RelayConfig;
use prism_command_api::relay::Relay;
use prism_platform::shutdown::on_signal;
use prism_platform::telemetry;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    let config = RelayConfig::parse();
    telemetry::init(&config.telemetry, "prism-relay");
    let shutdown = on_signal();
    if let Some(addr) = &config.http_addr {
        let bound = prism_platform::http::spawn_operational_server(addr, config.readiness(), shutdown.clone()).await?;
        tracing::info!(addr = %bound, "relay health and metrics listening");
    }
    telemetry::flushed(Relay::build(config).await?.run(shutdown)).await
}
