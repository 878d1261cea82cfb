//! What every Prism process shares: typed configuration, telemetry, RFC 9457 problem
//! responses, per-tenant and per-IP rate limits, tenancy and migrations, the event envelope
//! with its Kafka headers, the event-to-topic contract, and the Kafka + Avro (schema
//! registry) plumbing.

pub mod auth;
pub mod avro;
pub mod config;
pub mod consumer_lag;
pub mod contract;
pub mod csv;
pub mod db;
pub mod envelope;
pub mod feature_flags;
pub mod health;
pub mod http;
pub mod http_metrics;
pub mod kafka;
pub mod openapi;
pub mod personal_data;
pub mod pool_metrics;
pub mod problem;
pub mod publishing;
pub mod rate_limit;
pub mod request_span;
pub mod shutdown;
pub mod telemetry;
pub mod tenancy;
