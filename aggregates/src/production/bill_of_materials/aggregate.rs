//! The bill-of-materials state: every version recorded, oldest first.
//! [`BillOfMaterials::decide`] checks a revision against it and the other items' bills (for a
//! cycle), and `apply` folds the events. No I/O beyond the services.

use std::collections::BTreeSet;
use std::sync::Arc;

use cqrs_es::event_sink::EventSink;
use cqrs_es::Aggregate;
use serde::{Deserialize, Serialize};

use super::commands::{BomCommand, ReviseBillOfMaterials};
use super::errors::BomError;
use super::events::{BillOfMaterialsRevised, BomEvent, BomLine};
use super::{MAX_BOMS_READ, MAX_LEVELS, MAX_LINES};
use crate::production::input::{check_field, positive_milli, MAX_CODE_CHARS, MAX_NOTE_CHARS};
use crate::production::services::ProductionServices;
use crate::supply::catalog::defined_item;

/// State of the bill of materials of one item, folded from its events.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BillOfMaterials {
    versions: Vec<Vec<BomLine>>,
}

impl BillOfMaterials {
    /// Its latest version number; `None` before the first revision.
    #[must_use]
    pub fn latest_version(&self) -> Option<i32> {
        i32::try_from(self.versions.len()).ok().filter(|version| *version > 0)
    }

    /// The lines of `version` (from 1); `None` when there is no such version.
    #[must_use]
    pub fn lines(&self, version: i32) -> Option<&[BomLine]> {
        let index = usize::try_from(version).ok()?.checked_sub(1)?;
        self.versions.get(index).map(Vec::as_slice)
    }

    /// What `command` records given this state and `services`.
    ///
    /// # Errors
    /// Why the command is refused; nothing is recorded then.
    pub async fn decide(
        &self,
        command: BomCommand,
        services: &dyn ProductionServices,
    ) -> Result<Vec<BomEvent>, BomError> {
        let BomCommand::Revise(revise) = command;
        let lines = checked_lines(&revise)?;
        if self.versions.last() == Some(&lines) {
            return Ok(Vec::new());
        }
        defined_item(services, &revise.sku, || "sku".to_owned(), false).await?;
        for (index, line) in lines.iter().enumerate() {
            defined_item(services, &line.component_sku, || format!("lines[{index}].component_sku"), false).await?;
        }
        refuse_cycles(&revise.sku, &lines, services).await?;
        let version = self.latest_version().unwrap_or(0) + 1;
        Ok(vec![BomEvent::BillOfMaterialsRevised(BillOfMaterialsRevised {
            sku: revise.sku,
            version,
            lines,
            note: revise.note,
        })])
    }
}

/// The lines of `revise`, once its own rules pass (no services read).
fn checked_lines(revise: &ReviseBillOfMaterials) -> Result<Vec<BomLine>, BomError> {
    check_field("sku", &revise.sku, MAX_CODE_CHARS)?;
    if let Some(note) = &revise.note {
        check_field("note", note, MAX_NOTE_CHARS)?;
    }
    if revise.lines.is_empty() || revise.lines.len() > MAX_LINES {
        return Err(BomError::LineCount { lines: revise.lines.len(), max: MAX_LINES });
    }
    let mut seen = BTreeSet::new();
    let mut lines = Vec::with_capacity(revise.lines.len());
    for (index, line) in revise.lines.iter().enumerate() {
        let field = format!("lines[{index}].component_sku");
        check_field(field.clone(), &line.component_sku, MAX_CODE_CHARS)?;
        if line.component_sku == revise.sku {
            return Err(BomError::Cycle { field, path: vec![revise.sku.clone(), revise.sku.clone()] });
        }
        if !seen.insert(line.component_sku.as_str()) {
            return Err(BomError::DuplicateComponent { field, sku: line.component_sku.clone() });
        }
        let quantity_milli = positive_milli(format!("lines[{index}].quantity"), &line.quantity)?;
        lines.push(BomLine { component_sku: line.component_sku.clone(), quantity_milli });
    }
    Ok(lines)
}

/// Refuses `lines` of the bill of `sku` when a component reaches `sku` through the latest
/// bills of the levels below it, depth first, each bill read once, within [`MAX_LEVELS`] and
/// [`MAX_BOMS_READ`].
async fn refuse_cycles(sku: &str, lines: &[BomLine], services: &dyn ProductionServices) -> Result<(), BomError> {
    let mut read = BTreeSet::new();
    for (index, line) in lines.iter().enumerate() {
        let field = || format!("lines[{index}].component_sku");
        let mut stack = vec![vec![sku.to_owned(), line.component_sku.clone()]];
        while let Some(path) = stack.pop() {
            let node = path.last().cloned().unwrap_or_default();
            if node == sku {
                return Err(BomError::Cycle { field: field(), path });
            }
            if !read.insert(node.clone()) {
                continue;
            }
            if path.len() > MAX_LEVELS || read.len() > MAX_BOMS_READ {
                let limit = if path.len() > MAX_LEVELS { MAX_LEVELS } else { MAX_BOMS_READ };
                return Err(BomError::TooDeep { field: field(), limit });
            }
            let below =
                services.bill_of_materials(&node, None).await.map_err(|reason| BomError::Unavailable { reason })?;
            for component in below.into_iter().flat_map(|bom| bom.lines) {
                let mut deeper = path.clone();
                deeper.push(component.component_sku);
                stack.push(deeper);
            }
        }
    }
    Ok(())
}

impl Aggregate for BillOfMaterials {
    const TYPE: &'static str = "production.bom";
    type Command = BomCommand;
    type Event = BomEvent;
    type Error = BomError;
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
        let BomEvent::BillOfMaterialsRevised(revised) = event;
        debug_assert_eq!(
            usize::try_from(revised.version).ok(),
            Some(self.versions.len() + 1),
            "bill of materials {} skipped a version",
            revised.sku
        );
        self.versions.push(revised.lines);
    }
}
