//! Prism's process managers: long-running reactions to events that issue commands, fed from
//! Kafka by the same runtime as the projectors (batches, bounded retries, dead letters). Each
//! command they issue is idempotent, so redelivery after a crash is harmless.

pub mod config;
pub mod payment_allocations;
