//! Runs the outbox relay until SIGINT/SIGTERM.

use clap::Parser;
use prism_command_api::config::RelayConfig;
use prism_command_api::relay::Relay;
use prism_platform::shutdown::on_signal;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    let config = RelayConfig::parse();
    prism_platform::telemetry::init(&config.log);
    let shutdown = on_signal();
    if let Some(addr) = &config.http_addr {
        let bound = prism_platform::http::spawn_operational_server(addr, shutdown.clone()).await?;
        tracing::info!(addr = %bound, "relay health and metrics listening");
    }
    Relay::build(config).await?.run(shutdown).await
}
