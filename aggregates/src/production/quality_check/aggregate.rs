//! The quality-check state: whether it was recorded, and its result. [`QualityCheck::decide`]
//! checks the record against the catalog; `apply` folds it.

use std::sync::Arc;

use cqrs_es::event_sink::EventSink;
use cqrs_es::Aggregate;
use serde::{Deserialize, Serialize};

use super::commands::{QualityCheckCommand, RecordQualityCheck};
use super::errors::QualityCheckError;
use super::events::{QualityCheckCompleted, QualityCheckEvent};
use super::{FAIL, PASS};
use crate::production::input::{check_field, positive_milli, MAX_CODE_CHARS, MAX_NOTE_CHARS};
use crate::production::services::ProductionServices;
use crate::supply::catalog::{defined_item, open_location};

/// State of one quality check, folded from its event.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct QualityCheck {
    result: Option<String>,
}

impl QualityCheck {
    /// `pass` or `fail`; `None` before it is recorded.
    #[must_use]
    pub fn result(&self) -> Option<&str> {
        self.result.as_deref()
    }

    /// What `command` records given this state and `services`.
    ///
    /// # Errors
    /// Why the command is refused; nothing is recorded then.
    pub async fn decide(
        &self,
        command: QualityCheckCommand,
        services: &dyn ProductionServices,
    ) -> Result<Vec<QualityCheckEvent>, QualityCheckError> {
        let QualityCheckCommand::Record(record) = command;
        if self.result.is_some() {
            return Err(QualityCheckError::AlreadyRecorded);
        }
        let quantity_milli = checked(&record)?;
        defined_item(services, &record.sku, || "sku".to_owned(), false).await?;
        open_location(services, &record.location, "location").await?;
        if let Some(quarantine) = &record.quarantine_location {
            open_location(services, quarantine, "quarantine_location").await?;
        }
        Ok(vec![QualityCheckEvent::QualityCheckCompleted(QualityCheckCompleted {
            quality_check_id: record.quality_check_id.to_string(),
            work_order_id: record.work_order_id.map(|id| id.to_string()),
            receipt_reference: record.receipt_reference,
            sku: record.sku,
            location: record.location,
            quantity_milli,
            result: record.result,
            quarantine_location: record.quarantine_location,
            notes: record.notes,
        })])
    }
}

/// The quantity of `record`, once its own rules pass (no services read).
fn checked(record: &RecordQualityCheck) -> Result<i64, QualityCheckError> {
    check_field("sku", &record.sku, MAX_CODE_CHARS)?;
    check_field("location", &record.location, MAX_CODE_CHARS)?;
    let quantity_milli = positive_milli("quantity", &record.quantity)?;
    if let Some(reference) = &record.receipt_reference {
        check_field("receipt_reference", reference, MAX_CODE_CHARS)?;
    } else if record.work_order_id.is_none() {
        return Err(QualityCheckError::NothingInspected);
    }
    if let Some(notes) = &record.notes {
        check_field("notes", notes, MAX_NOTE_CHARS)?;
    }
    match (record.result.as_str(), &record.quarantine_location) {
        (PASS, None) => {}
        (PASS, Some(_)) => return Err(QualityCheckError::QuarantineNotAllowed),
        (FAIL, None) => return Err(QualityCheckError::QuarantineRequired),
        (FAIL, Some(quarantine)) => {
            check_field("quarantine_location", quarantine, MAX_CODE_CHARS)?;
            if *quarantine == record.location {
                return Err(QualityCheckError::QuarantineIsLocation { location: quarantine.clone() });
            }
        }
        (other, _) => return Err(QualityCheckError::UnknownResult { result: other.to_owned() }),
    }
    Ok(quantity_milli)
}

impl Aggregate for QualityCheck {
    const TYPE: &'static str = "production.quality_check";
    type Command = QualityCheckCommand;
    type Event = QualityCheckEvent;
    type Error = QualityCheckError;
    type Services = Arc<dyn ProductionServices>;

    async fn handle(
        &mut self,
        command: Self::Command,
        services: &Self::Services,
        sink: &EventSink<Self>,
    ) -> Result<(), Self::Error> {
        for event in self.decide(command, services.as_ref()).await? {
            sink.write(event, self).await;
        }
        Ok(())
    }

    fn apply(&mut self, event: Self::Event) {
        let QualityCheckEvent::QualityCheckCompleted(completed) = event;
        debug_assert!(self.result.is_none(), "quality check {} recorded twice", completed.quality_check_id);
        self.result = Some(completed.result);
    }
}
