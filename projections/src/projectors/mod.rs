//! The projectors, one per read-model store, and the factory the binary uses.

pub mod assets;
pub mod books;
pub mod budgets;
pub mod checkpoint;
pub mod crm;
pub mod customer_documents;
pub mod customers;
pub mod documents;
pub mod drafts;
pub mod exchange_rates;
pub mod hr;
pub mod identity;
pub mod kpi_facts;
pub mod leave;
pub mod mongo;
pub mod order_documents;
pub mod orders;
pub mod performance_reviews;
pub mod postgres;
pub mod production;
pub mod production_outcomes;
pub mod recruitment;
pub mod roles;
pub mod stock_movements;
pub mod supply;
pub mod timescale;
pub mod work_order_documents;

use std::sync::Arc;

use prism_platform::db;

use crate::config::{ProjectorConfig, ProjectorKind};
use crate::projection::{Projection, ProjectionError};

/// Connects the store of the configured projector and returns it ready to apply events.
///
/// # Errors
/// When the store cannot be reached or migrated.
pub async fn build(config: &ProjectorConfig) -> Result<Arc<dyn Projection>, ProjectionError> {
    Ok(match config.projector {
        ProjectorKind::Postgres => {
            let pool = db::connect(&config.database).await?;
            db::bring_up_to_date(&pool, db::MAIN_DATABASE).await?;
            Arc::new(postgres::LedgerProjection::new(pool))
        }
        ProjectorKind::Timescale => {
            let url = config.timeseries_database_url.as_deref().unwrap_or(&config.database.url);
            let pool = db::connect_url(url, config.database.max_connections).await?;
            db::bring_up_to_date(&pool, db::TIMESERIES_DATABASE).await?;
            Arc::new(timescale::PostingsProjection::new(pool))
        }
        ProjectorKind::Mongo => Arc::new(mongo::DocumentProjection::connect(&config.mongodb_url).await?),
    })
}
