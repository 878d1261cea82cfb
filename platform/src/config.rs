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
    /// Request rate limits per tenant and per client IP.
    #[command(flatten)]
    pub rate_limit: RateLimitArgs,
    /// Access tokens and the operator key.
    #[command(flatten)]
    pub auth: crate::auth::AuthArgs,
}

/// Request rate limits of the APIs, counted in Redis (see [`crate::rate_limit`]). Both APIs
/// count into the same budget unless they are given different key prefixes.
#[derive(Debug, Clone, Args)]
pub struct RateLimitArgs {
    /// Redis URL holding the counters.
    #[arg(long = "redis-url", env = "PRISM_REDIS_URL", default_value = "redis://127.0.0.1:26379")]
    pub redis_url: String,
    /// Requests one tenant (the one the access token names) may make per window; 0 turns the
    /// tenant limit off.
    #[arg(long = "rate-limit-tenant-per-window", env = "PRISM_RATE_LIMIT_TENANT_PER_WINDOW", default_value_t = 6_000)]
    pub tenant_per_window: u64,
    /// Requests one client IP may make per window; 0 turns the IP limit off.
    #[arg(long = "rate-limit-ip-per-window", env = "PRISM_RATE_LIMIT_IP_PER_WINDOW", default_value_t = 3_000)]
    pub ip_per_window: u64,
    /// Length of a window in seconds; it starts with a subject's first request.
    #[arg(
        long = "rate-limit-window-secs",
        env = "PRISM_RATE_LIMIT_WINDOW_SECS",
        default_value_t = 60,
        value_parser = clap::value_parser!(u64).range(1..)
    )]
    pub window_secs: u64,
    /// Reverse proxies in front of the API whose `X-Forwarded-For` is trusted: the client IP is
    /// the address this many entries from the right. 0 (the default) uses the peer address.
    #[arg(long = "rate-limit-trusted-proxy-hops", env = "PRISM_RATE_LIMIT_TRUSTED_PROXY_HOPS", default_value_t = 0)]
    pub trusted_proxy_hops: usize,
    /// Longest wait for Redis on a request, in milliseconds; then it passes unchecked.
    #[arg(
        long = "rate-limit-redis-timeout-ms",
        env = "PRISM_RATE_LIMIT_REDIS_TIMEOUT_MS",
        default_value_t = 250,
        value_parser = clap::value_parser!(u64).range(1..)
    )]
    pub redis_timeout_ms: u64,
    /// First segment of the counter keys (`<prefix>:tenant:<tenant>`, `<prefix>:ip:<address>`).
    #[arg(long = "rate-limit-key-prefix", env = "PRISM_RATE_LIMIT_KEY_PREFIX", default_value = "prism:rl")]
    pub key_prefix: String,
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

    #[test]
    fn rate_limits_default_to_a_minute_window_and_refuse_an_empty_one() {
        let limits = Everything::parse_from(["test"]).http.rate_limit;
        assert_eq!((limits.tenant_per_window, limits.ip_per_window, limits.window_secs), (6_000, 3_000, 60));
        assert_eq!((limits.trusted_proxy_hops, limits.key_prefix.as_str()), (0, "prism:rl"));
        assert!(Everything::try_parse_from(["test", "--rate-limit-window-secs", "0"]).is_err());
    }
}
