//! Typed configuration of the registry process, read once at start.
//!
//! The binary fills [`Config`] from flags and environment variables with clap; tests build it
//! directly. Every limit the server enforces has a name and a default here.

use std::net::SocketAddr;

use clap::Parser;

use crate::compatibility::CompatibilityLevel;

/// Longest Postgres identifier (NAMEDATALEN - 1).
const MAX_IDENTIFIER_BYTES: usize = 63;

/// Everything the registry needs to start.
#[derive(Debug, Clone, Parser)]
#[command(
    name = "prism-schema-registry",
    about = "A Confluent-API-compatible Avro schema registry persisted in Postgres"
)]
pub struct Config {
    /// Postgres connection URL.
    #[arg(long, env = "PRISM_DATABASE_URL")]
    pub database_url: String,

    /// Address the HTTP server listens on (port 0 picks a free port).
    #[arg(long, env = "PRISM_REGISTRY_ADDR", default_value = "127.0.0.1:28081")]
    pub listen: SocketAddr,

    /// Postgres schema that holds the registry's tables; created if missing.
    #[arg(long, env = "PRISM_REGISTRY_DB_SCHEMA", default_value = "schema_registry")]
    pub db_schema: String,

    /// Compatibility level used when neither the global nor the subject level was set.
    #[arg(
        long,
        env = "PRISM_REGISTRY_DEFAULT_COMPATIBILITY",
        default_value = "BACKWARD",
        value_parser = CompatibilityLevel::parse_arg
    )]
    pub default_compatibility: CompatibilityLevel,

    /// Most connections the registry holds open to Postgres.
    #[arg(long, env = "PRISM_REGISTRY_DB_MAX_CONNECTIONS", default_value_t = 8)]
    pub db_max_connections: u32,

    /// Longest wait for a free Postgres connection, in milliseconds.
    #[arg(long, env = "PRISM_REGISTRY_DB_ACQUIRE_TIMEOUT_MS", default_value_t = 5_000)]
    pub db_acquire_timeout_ms: u64,

    /// Largest request body accepted, in bytes.
    #[arg(long, env = "PRISM_REGISTRY_MAX_REQUEST_BYTES", default_value_t = 4 * 1024 * 1024)]
    pub max_request_bytes: usize,
}

impl Config {
    /// A configuration with every default, for the given database URL, schema and address.
    #[must_use]
    pub fn new(database_url: String, db_schema: String, listen: SocketAddr) -> Self {
        Self {
            database_url,
            listen,
            db_schema,
            default_compatibility: CompatibilityLevel::Backward,
            db_max_connections: 8,
            db_acquire_timeout_ms: 5_000,
            max_request_bytes: 4 * 1024 * 1024,
        }
    }

    /// Checks what clap cannot: the schema name is a plain lowercase SQL identifier.
    ///
    /// # Errors
    /// A message naming the offending setting.
    pub fn validate(&self) -> Result<(), String> {
        let name = &self.db_schema;
        let mut chars = name.chars();
        let first_ok = chars.next().is_some_and(|c| c.is_ascii_lowercase() || c == '_');
        let rest_ok = chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
        if !first_ok || !rest_ok || name.len() > MAX_IDENTIFIER_BYTES {
            return Err(format!(
                "db schema '{name}' must match [a-z_][a-z0-9_]* and be at most {MAX_IDENTIFIER_BYTES} bytes"
            ));
        }
        if self.db_max_connections == 0 {
            return Err("db max connections must be at least 1".to_owned());
        }
        if self.max_request_bytes == 0 {
            return Err("max request bytes must be at least 1".to_owned());
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config_with_schema(schema: &str) -> Config {
        Config::new("postgres://localhost/x".to_owned(), schema.to_owned(), "127.0.0.1:0".parse().unwrap())
    }

    #[test]
    fn a_plain_lowercase_schema_name_is_accepted() {
        assert!(config_with_schema("schema_registry_2").validate().is_ok());
    }

    #[test]
    fn a_schema_name_that_would_need_quoting_is_rejected() {
        for bad in ["", "Registry", "1abc", "a-b", "a;drop", &"x".repeat(64)] {
            assert!(config_with_schema(bad).validate().is_err(), "{bad}");
        }
    }

    #[test]
    fn flags_fill_the_config_and_levels_parse_in_any_case() {
        let config = Config::try_parse_from([
            "prism-schema-registry",
            "--database-url",
            "postgres://h/db",
            "--listen",
            "127.0.0.1:1",
            "--db-schema",
            "s",
            "--default-compatibility",
            "full_transitive",
        ])
        .unwrap();
        assert_eq!(config.listen.port(), 1);
        assert_eq!(config.db_schema, "s");
        assert_eq!(config.default_compatibility, CompatibilityLevel::FullTransitive);
    }
}
