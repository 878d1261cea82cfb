//! Runs the Prism command API until SIGINT/SIGTERM.

use clap::Parser;
use prism_command_api::app::CommandApi;
use prism_command_api::config::CommandApiConfig;
use prism_platform::shutdown::on_signal;
use prism_platform::telemetry;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    let config = CommandApiConfig::parse();
    telemetry::init(&config.telemetry, "prism-command-api");
    let app = CommandApi::build(&config).await?;
    tracing::info!(addr = %app.local_addr()?, "command API listening");
    telemetry::flushed(app.run(on_signal())).await?;
    Ok(())
}
