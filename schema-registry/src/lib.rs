//! Prism's schema registry: the part of Confluent's Schema Registry REST API that Avro clients
//! use, persisted in Postgres.
//!
//! [`App::build`] validates the [`Config`], connects to Postgres, creates the registry's schema
//! and tables if missing and binds the listener; [`App::run`] serves until the cancellation
//! token fires. The binary and the integration tests build the app the same way.
//!
//! Layers, outermost first: [`routes`] (HTTP) → [`registry`] (operations) → [`store`] (SQL),
//! with [`compatibility`] and [`avro`] as pure helpers and [`error`] mapping failures once.

pub mod avro;
pub mod compatibility;
pub mod config;
pub mod error;
pub mod registry;
pub mod routes;
pub mod store;
pub mod wire;

use std::net::SocketAddr;

use axum::Router;
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;
use tracing::info;

pub use crate::{
    compatibility::CompatibilityLevel, config::Config, error::StartupError, registry::Registry, store::Store,
};

/// A registry that is connected, migrated and bound, ready to serve.
#[derive(Debug)]
pub struct App {
    listener: TcpListener,
    local_addr: SocketAddr,
    router: Router,
    store: Store,
}

impl App {
    /// Validates `config`, prepares the database and binds the listen address.
    ///
    /// # Errors
    /// An invalid setting, an unreachable database, failing DDL or an address in use.
    pub async fn build(config: Config) -> Result<Self, StartupError> {
        config.validate().map_err(StartupError::InvalidConfig)?;
        let store = Store::connect(&config).await?;
        store.migrate().await?;
        let registry = Registry::new(store.clone(), config.default_compatibility);
        let listener = TcpListener::bind(config.listen)
            .await
            .map_err(|source| StartupError::Bind { addr: config.listen, source })?;
        let local_addr = listener.local_addr().map_err(|source| StartupError::Bind { addr: config.listen, source })?;
        info!(%local_addr, db_schema = %config.db_schema, "schema registry ready");
        Ok(Self { listener, local_addr, router: routes::router(registry, config.max_request_bytes), store })
    }

    /// The address actually bound (useful with port 0).
    #[must_use]
    pub fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }

    /// Serves requests until `shutdown` is cancelled, then finishes in-flight requests and
    /// closes the database pool.
    ///
    /// # Errors
    /// The server failed while serving.
    pub async fn run(self, shutdown: CancellationToken) -> Result<(), StartupError> {
        let served = axum::serve(self.listener, self.router)
            .with_graceful_shutdown(shutdown.cancelled_owned())
            .await
            .map_err(StartupError::Serve);
        self.store.pool().close().await;
        info!("schema registry stopped");
        served
    }
}
