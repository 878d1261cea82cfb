//! The end-to-end test harness: a whole Prism system — command API, relay, the three
//! projectors and the query API — built in-process against the real local stack (Postgres,
//! Kafka, schema registry, MongoDB-wire server) with its own database, topic prefix and
//! tenants, so tests run side by side without seeing each other; the tools to replay a read
//! model from the topics and compare it with the live one ([`replay`]); and Prism's binaries
//! run as child processes for fault tests to kill or stop ([`processes`]); a real SMTP server
//! ([`smtp_sink`]), a webhook endpoint that fails on demand ([`webhook_receiver`]) and an
//! OpenTelemetry collector that keeps the spans it is sent ([`otlp_receiver`]).

pub mod audit_cli;
pub mod env;
pub mod ledger;
pub mod otlp_receiver;
pub mod private_postgres;
pub mod private_registry;
pub mod processes;
pub mod raw_kafka;
pub mod reliability;
pub mod replay;
pub mod smtp_sink;
pub mod stock_scenario;
pub mod system;
pub mod topic;
pub mod webhook_receiver;
