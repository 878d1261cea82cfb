//! Facts about a tenant account. The serde JSON of each payload mirrors its Avro schema in
//! `schemas/avro/platform/` field for field (a test keeps them from drifting); the enum is
//! externally tagged: `{"TenantProvisioned": {...}}`. Every event names the tenant slug, the
//! Kafka key.

use cqrs_es::DomainEvent;
use serde::{Deserialize, Serialize};

/// A tenant was provisioned: its store created, active.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TenantProvisioned {
    /// The tenant slug, the aggregate id.
    pub tenant: String,
    /// Human-readable name.
    pub display_name: String,
}

/// A tenant was suspended: its commands are refused until it is reactivated.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TenantSuspended {
    /// The tenant slug.
    pub tenant: String,
    /// Why.
    pub reason: String,
}

/// A suspended tenant was reactivated: its commands are accepted again.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TenantReactivated {
    /// The tenant slug.
    pub tenant: String,
}

/// Everything that can happen to a tenant account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum TenantAccountEvent {
    /// See [`TenantProvisioned`].
    TenantProvisioned(TenantProvisioned),
    /// See [`TenantSuspended`].
    TenantSuspended(TenantSuspended),
    /// See [`TenantReactivated`].
    TenantReactivated(TenantReactivated),
}

impl TenantAccountEvent {
    /// Version of every tenant-account event type's payload.
    pub const VERSION: &'static str = "1";
}

impl DomainEvent for TenantAccountEvent {
    fn event_type(&self) -> String {
        match self {
            TenantAccountEvent::TenantProvisioned(_) => "TenantProvisioned",
            TenantAccountEvent::TenantSuspended(_) => "TenantSuspended",
            TenantAccountEvent::TenantReactivated(_) => "TenantReactivated",
        }
        .to_owned()
    }

    fn event_version(&self) -> String {
        Self::VERSION.to_owned()
    }
}
