//! Pure domain model of Prism: value types, commands, events, errors and the
//! `cqrs_es::Aggregate` implementations, one module per ERP module.
//!
//! Nothing in this crate performs I/O. Aggregates decide from their own events
//! (`handle`) and fold events into state (`apply`); the command API, the relay and
//! the projectors wire them to Postgres and Kafka. [`upcasting`] brings payloads stored
//! at an older version of their event to the current shape, for every reader. `hierarchy`
//! holds the tree rules that the locations and organisation aggregates share.

#[cfg(test)]
pub(crate) mod avro_contract;
pub mod crm;
pub mod finance;
mod hierarchy;
pub mod hr;
pub mod identity;
pub mod money;
pub mod nexus;
pub mod platform;
pub mod production;
pub mod quantity;
pub mod refusal;
pub mod supply;
pub mod tenant;
#[cfg(test)]
pub(crate) mod test_support;
mod text;
pub mod upcasting;
