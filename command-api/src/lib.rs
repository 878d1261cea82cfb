//! Prism's write side: the command REST API (axum) that turns requests into aggregate
//! commands stored by cqrs-es/postgres-es in the tenant's event store, and the outbox relay
//! that publishes stored events to Kafka.

pub mod app;
pub mod authorization;
pub mod books;
pub mod budgets;
pub mod calendar;
pub mod chart;
pub mod config;
pub mod counterparty_lock;
pub mod crm;
pub mod dispatch;
pub mod error;
pub mod event_store;
pub mod exchange_rates;
pub mod group_commit;
pub mod hr;
pub mod idempotency;
pub mod identity;
pub mod invoices;
pub mod journal_entries;
pub mod ledger_totals;
pub mod nexus;
pub mod openapi;
pub mod payments;
pub mod production;
pub mod relay;
pub mod report_definitions;
pub mod request_context;
pub mod revaluations;
pub mod snapshots;
pub mod supply;
pub mod tax_rates;
pub mod tenants;
