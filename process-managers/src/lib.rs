//! Prism's process managers: long-running reactions to events that issue commands or send
//! word out (notifications, webhooks), fed from Kafka by the same runtime as the projectors
//! (batches, bounded retries, dead letters). Each command they issue is idempotent, so
//! redelivery after a crash is harmless. The plumbing they
//! share is in [`saga`] (reactions, command outcomes) and [`stores`] (the event stores).

pub mod config;
pub mod hiring;
pub mod inventory_postings;
pub mod invoicing;
pub mod notifications;
pub mod order_fulfilment;
pub mod payment_allocations;
pub mod payroll;
pub mod procure_to_pay;
pub mod production;
pub mod saga;
pub mod stores;
pub mod webhooks;
