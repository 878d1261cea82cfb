//! Facts about a quality check. The serde JSON of the payload mirrors
//! `schemas/avro/production/QualityCheckCompleted.avsc` field for field (a test keeps them from
//! drifting). Topic `prism.production.quality-check.v1`, key = `quality_check_id`, version `1`.

use cqrs_es::DomainEvent;
use serde::{Deserialize, Serialize};

/// A quality check was completed with its result: the seed and only event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QualityCheckCompleted {
    /// Id of the check (the aggregate id), a UUID.
    pub quality_check_id: String,
    /// The work order whose output was inspected.
    pub work_order_id: Option<String>,
    /// The receipt inspected.
    pub receipt_reference: Option<String>,
    /// The item inspected.
    pub sku: String,
    /// Where it is.
    pub location: String,
    /// Quantity inspected, thousandths.
    pub quantity_milli: i64,
    /// `pass` or `fail`.
    pub result: String,
    /// Where failed goods go on hold; failed checks only.
    pub quarantine_location: Option<String>,
    /// What was found.
    pub notes: Option<String>,
}

/// Everything that can happen to a quality check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum QualityCheckEvent {
    /// See [`QualityCheckCompleted`].
    QualityCheckCompleted(QualityCheckCompleted),
}

impl QualityCheckEvent {
    /// Version of the quality-check event type's payload.
    pub const VERSION: &'static str = "1";
}

impl DomainEvent for QualityCheckEvent {
    fn event_type(&self) -> String {
        match self {
            QualityCheckEvent::QualityCheckCompleted(_) => "QualityCheckCompleted",
        }
        .to_owned()
    }

    fn event_version(&self) -> String {
        Self::VERSION.to_owned()
    }
}
