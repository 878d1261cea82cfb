//! Typed configuration pieces shared by the Prism binaries. Each binary composes the
//! argument groups it needs into its own `Config` with `#[command(flatten)]`; values come
//! from flags or `PRISM_*` environment variables and are read once, at start.

use clap::Args;

/// Where the Postgres holding event store, outbox and Postgres read models lives.
#[derive(Debug, Clone, Args)]
pub struct DatabaseArgs {
    /// Postgres connection URL.
    #[arg(
        id = "database_url",
        long = "database-url",
        env = "PRISM_DATABASE_URL",
        default_value = "postgres://prism:prism@127.0.0.1:25432/prism"
    )]
    pub url: String,
    /// Largest number of pooled connections.
    #[arg(
        id = "database_max_connections",
        long = "database-max-connections",
        env = "PRISM_DATABASE_MAX_CONNECTIONS",
        default_value_t = 16
    )]
    pub max_connections: u32,
}

/// How to reach Kafka and name Prism's topics.
#[derive(Debug, Clone, Args)]
pub struct KafkaArgs {
    /// Kafka bootstrap servers.
    #[arg(long = "kafka-brokers", env = "PRISM_KAFKA_BROKERS", default_value = "127.0.0.1:29092")]
    pub brokers: String,
    /// First segment of every topic name (`<prefix>.finance.journal-entry.v1`).
    #[arg(long = "topic-prefix", env = "PRISM_TOPIC_PREFIX", default_value = "prism")]
    pub topic_prefix: String,
    /// Partitions of topics Prism creates.
    #[arg(long = "topic-partitions", env = "PRISM_TOPIC_PARTITIONS", default_value_t = 3)]
    pub topic_partitions: i32,
}

/// How to reach the Confluent-compatible schema registry.
#[derive(Debug, Clone, Args)]
pub struct RegistryArgs {
    /// Schema registry base URL.
    #[arg(
        id = "schema_registry_url",
        long = "schema-registry-url",
        env = "PRISM_SCHEMA_REGISTRY_URL",
        default_value = "http://127.0.0.1:28081"
    )]
    pub url: String,
}

/// HTTP listener settings shared by both APIs.
#[derive(Debug, Clone, Args)]
pub struct HttpArgs {
    /// Address to listen on (`127.0.0.1:0` picks a free port).
    #[arg(id = "http_addr", long = "http-addr", env = "PRISM_HTTP_ADDR", default_value = "127.0.0.1:28080")]
    pub addr: String,
    /// Largest accepted request body in bytes; larger bodies get 413.
    #[arg(long = "http-body-limit-bytes", env = "PRISM_HTTP_BODY_LIMIT_BYTES", default_value_t = 256 * 1024)]
    pub body_limit_bytes: usize,
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Debug, Parser)]
    struct Everything {
        #[command(flatten)]
        database: DatabaseArgs,
        #[command(flatten)]
        kafka: KafkaArgs,
        #[command(flatten)]
        registry: RegistryArgs,
        #[command(flatten)]
        http: HttpArgs,
    }

    #[test]
    fn all_argument_groups_compose_into_one_command_without_clashes() {
        use clap::CommandFactory;
        Everything::command().debug_assert();
        let parsed =
            Everything::parse_from(["test", "--schema-registry-url", "http://r:1", "--database-url", "postgres://d"]);
        assert_eq!(parsed.registry.url, "http://r:1");
        assert_eq!(parsed.database.url, "postgres://d");
    }
}
