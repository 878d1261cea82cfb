//! The Kafka topic contract as a public API: [`docs`] writes it out for people
//! (`docs/events.md`: every topic, event type, field, header and the compatibility rule, from
//! the Avro schemas the relay publishes), and [`published`] keeps the contract as last published
//! (`schemas/avro/published.json`) and checks that every current schema still reads what that
//! contract wrote — the gate that fails the build on an incompatible `.avsc` change; and
//! [`samples`] publishes a record of every event type, as the relay does, for a subscriber to
//! prove it decodes them all.

pub mod docs;
pub mod published;
pub mod samples;

/// The repository's root, where `docs/` and `schemas/` are.
#[must_use]
pub fn repo_root() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}
