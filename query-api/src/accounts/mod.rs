//! Account reads: the chart of accounts itself, running balances per currency from the
//! Postgres ledger read model, and postings aggregated into time buckets from the
//! time-series read model.

pub mod balance;
pub mod buckets;
pub mod chart;
pub mod postings;
