//! Where the running stack is, read from the environment `scripts/prism test` exports
//! (defaults match the local stack's ports).

use std::path::PathBuf;

/// Addresses of the real services the tests use.
#[derive(Debug, Clone)]
pub struct StackEnv {
    /// Postgres URL of the stack's main database (tests create their own databases beside it).
    pub database_url: String,
    /// Kafka bootstrap servers.
    pub kafka_brokers: String,
    /// Schema registry URL.
    pub registry_url: String,
    /// MongoDB-wire URL.
    pub mongodb_url: String,
    /// Redis URL (the APIs' rate-limit counters).
    pub redis_url: String,
    /// Folder of the built Prism binaries.
    pub bin_dir: PathBuf,
    /// Repository root (for `scripts/`).
    pub repo_root: PathBuf,
}

fn var(name: &str, default: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| default.to_owned())
}

impl StackEnv {
    /// Reads the stack's addresses.
    #[must_use]
    pub fn from_env() -> Self {
        let repo_root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
        let default_bins = std::env::current_exe()
            .ok()
            .and_then(|exe| exe.parent().and_then(|deps| deps.parent()).map(PathBuf::from))
            .unwrap_or_else(|| repo_root.join("target/debug"));
        Self {
            database_url: var("PRISM_DATABASE_URL", "postgres://prism:prism@127.0.0.1:25432/prism"),
            kafka_brokers: var("PRISM_KAFKA_BROKERS", "127.0.0.1:29092"),
            registry_url: var("PRISM_SCHEMA_REGISTRY_URL", "http://127.0.0.1:28081"),
            mongodb_url: var("PRISM_MONGODB_URL", "mongodb://127.0.0.1:27117/"),
            redis_url: var("PRISM_REDIS_URL", "redis://127.0.0.1:26379"),
            bin_dir: std::env::var("PRISM_BIN_DIR").map_or(default_bins, PathBuf::from),
            repo_root: std::env::var("PRISM_REPO_ROOT").map_or(repo_root, PathBuf::from),
        }
    }

    /// The URL of database `name` on the stack's Postgres.
    #[must_use]
    pub fn database_url_named(&self, name: &str) -> String {
        let base = self.database_url.rsplit_once('/').map_or(self.database_url.as_str(), |(base, _)| base);
        format!("{base}/{name}")
    }
}

/// A short random suffix for names that must not collide between tests.
#[must_use]
pub fn unique_suffix() -> String {
    uuid::Uuid::new_v4().simple().to_string()[..12].to_owned()
}

/// A free TCP port on 127.0.0.1 below the ephemeral range, for a private service a test stops
/// and starts: no outgoing connection takes it while the service is down.
///
/// # Panics
/// Never in practice (a port that is free is found by trying).
#[must_use]
pub fn free_port() -> u16 {
    loop {
        let offset = u16::try_from(uuid::Uuid::new_v4().as_u128() % 12_000).expect("below 12,000");
        let candidate = 20_000 + offset;
        if std::net::TcpListener::bind(("127.0.0.1", candidate)).is_ok() {
            return candidate;
        }
    }
}
