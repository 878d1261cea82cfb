//! Runs the Prism query API until SIGINT/SIGTERM.

use prism_platform::shutdown::on_signal;
use prism_query_api::app::QueryApi;
use prism_query_api::config::QueryApiConfig;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    let config = QueryApiConfig::load();
    prism_platform::telemetry::init(&config.log);
    let app = QueryApi::build(&config).await?;
    tracing::info!(addr = %app.local_addr()?, "query API listening");
    app.run(on_signal()).await?;
    Ok(())
}
