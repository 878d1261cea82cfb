//! Runs the Prism command API until SIGINT/SIGTERM.

use clap::Parser;
use prism_command_api::app::CommandApi;
use prism_command_api::config::CommandApiConfig;
use prism_platform::shutdown::on_signal;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    let config = CommandApiConfig::parse();
    prism_platform::telemetry::init(&config.log);
    let app = CommandApi::build(&config).await?;
    tracing::info!(addr = %app.local_addr()?, "command API listening");
    app.run(on_signal()).await?;
    Ok(())
}
