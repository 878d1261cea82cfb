//! Runs the Prism query API until SIGINT/SIGTERM.

use prism_platform::shutdown::on_signal;
use prism_platform::telemetry;
use prism_query_api::app::QueryApi;
use prism_query_api::config::QueryApiConfig;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    let config = QueryApiConfig::load();
    telemetry::init(&config.telemetry, "prism-query-api");
    let app = QueryApi::build(&config).await?;
    tracing::info!(addr = %app.local_addr()?, "query API listening");
    telemetry::flushed(app.run(on_signal())).await?;
    Ok(())
}
