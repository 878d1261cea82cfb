//! Prism's read side over HTTP: an axum API answering tenant-scoped queries from the read
//! models the projectors build — journal entries, balances, the chart of accounts, the fiscal
//! calendar, invoices, payments and tax codes, and the financial statements and aging and
//! cash-flow reports computed from them in Postgres, bucketed postings in the time-series
//! database, entry documents with their status history in MongoDB — and honouring the
//! `X-Prism-Min-Position` consistency token by waiting, bounded, for the projector that feeds
//! each endpoint. The tenant's users and organisation chart are read like any other read model
//! ([`identity`]), and so are its roles ([`roles`]) and its sales pipeline and support tickets ([`crm`]) and production's bills of materials, work orders and material requirements ([`production`]). The tenant's feature flags are read from the platform registry
//! ([`feature_flags`]). Besides, users allowed `audit.read` read the audit trail straight from the
//! event store ([`audit`]).

pub mod accounts;
pub mod app;
pub mod audit;
pub mod budgets;
pub mod config;
pub mod consistency;
pub mod crm;
pub use prism_platform::csv;
pub mod dashboard;
pub mod documents;
pub mod error;
pub mod exchange_rates;
pub mod feature_flags;
pub mod fiscal_years;
pub mod hr;
pub mod identity;
pub mod invoices;
pub mod journal_entries;
pub mod kpis;
pub mod negotiate;
pub mod notifications;
pub mod openapi;
pub mod optics;
pub mod params;
pub mod payments;
pub mod permitted;
pub mod production;
pub mod reports;
pub mod roles;
pub mod state;
pub mod stores;
pub mod supply;
pub mod tax_rates;
pub mod tenants;
pub mod webhooks;
