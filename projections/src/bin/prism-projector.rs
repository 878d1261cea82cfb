//! Runs one projector (`--projector postgres|mongo|timescale`) until SIGINT/SIGTERM.

use clap::Parser;
use prism_platform::shutdown::on_signal;
use prism_platform::telemetry;
use prism_projections::config::ProjectorConfig;
use prism_projections::runtime::ProjectorRuntime;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    let config = ProjectorConfig::parse();
    telemetry::init(&config.telemetry, &format!("prism-projector-{}", config.projector.name()));
    let shutdown = on_signal();
    if let Some(addr) = &config.http_addr {
        let bound =
            prism_platform::http::spawn_operational_server(addr, config.readiness().await?, shutdown.clone()).await?;
        tracing::info!(addr = %bound, "projector health and metrics listening");
    }
    let projection = prism_projections::projectors::build(&config).await?;
    let runtime = ProjectorRuntime::build(config.projector.name(), &config.consumer, projection).await?;
    telemetry::flushed(runtime.run(shutdown)).await
}
