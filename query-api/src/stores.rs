//! The three read-model stores the query API reads — the main Postgres database, the
//! time-series database and MongoDB — and how a tenant's tables and database are named in
//! each.
use prism_aggregates::tenant::TenantId;
use prism_platform::db::{self, quote_ident};
use prism_platform::tenancy::{mongo_database_of, schema_of};
use sqlx::PgPool;

use crate::config::QueryApiConfig;

/// Projector name of the Postgres read models in `projection_applied`.
pub const POSTGRES_PROJECTOR: &str = "postgres";
/// Projector name of the time-series read models in `projection_applied`.
pub const TIMESERIES_PROJECTOR: &str = "timescale";

/// Connections to the read-model stores.
#[derive(Debug, Clone)]
pub struct Stores {
    /// Main database: tenant registry, journal entries, lines and balances.
    pub postgres: PgPool,
    /// Time-series database: postings (the main pool when both URLs are the same).
    pub timeseries: PgPool,
    /// MongoDB client for the entry documents (connects lazily).
    pub mongo: mongodb::Client,
}

/// Why the stores could not be opened.
#[derive(Debug, thiserror::Error)]
pub enum ConnectError {
    /// A Postgres database is unreachable.
    #[error("postgres: {0}")]
    Postgres(#[from] sqlx::Error),
    /// The MongoDB URL is invalid.
    #[error("mongodb: {0}")]
    Mongo(#[from] mongodb::error::Error),
}

impl Stores {
    /// Opens the Postgres pools and a lazily connecting MongoDB client.
    ///
    /// # Errors
    /// When a Postgres database is unreachable or the MongoDB URL does not parse.
    pub async fn connect(config: &QueryApiConfig) -> Result<Self, ConnectError> {
        let postgres = db::connect(&config.database).await?;
        let timeseries = if config.timeseries_url() == config.database.url {
            postgres.clone()
        } else {
            db::connect_url(config.timeseries_url(), config.database.max_connections).await?
        };
        let mongo = prism_optics::store::client(&config.mongodb_url, "prism-query-api").await?;
        Ok(Self { postgres, timeseries, mongo })
    }

    /// The MongoDB database holding `tenant`'s documents (`prism_<slug>`).
    #[must_use]
    pub fn mongo_database(&self, tenant: &TenantId) -> mongodb::Database {
        self.mongo.database(&mongo_database_of(tenant))
    }
}

/// The quoted, schema-qualified name of `tenant`'s table `table`, ready to splice into SQL.
#[must_use]
pub fn tenant_table(tenant: &TenantId, table: &str) -> String {
    format!("{}.{}", quote_ident(&schema_of(tenant)), quote_ident(table))
}
