//! The work-order state: its plan once planned and every status it has been in.
//! [`WorkOrder::decide`] checks a command against it (and, to plan, the catalog and the bill
//! of materials), and `apply` folds the events. No clock: dates come with the commands.

use std::sync::Arc;

use cqrs_es::event_sink::EventSink;
use cqrs_es::Aggregate;
use serde::{Deserialize, Serialize};

use super::commands::{CompleteWorkOrder, PlanWorkOrder, ScrapWorkOrder, WorkOrderCommand};
use super::errors::WorkOrderError;
use super::events::{
    ComponentRequirement, ProductionStarted, WorkOrderCompleted, WorkOrderEvent, WorkOrderPlanned, WorkOrderReleased,
    WorkOrderScrapped,
};
use super::status::WorkOrderStatus;
use crate::production::bill_of_materials::BomLine;
use crate::production::input::{check_field, positive_milli, MAX_CODE_CHARS, MAX_NOTE_CHARS};
use crate::production::services::ProductionServices;
use crate::quantity::MAX_QUANTITY_UNITS;
use crate::supply::catalog::{defined_item, open_location};

/// State of one work order, folded from its events.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkOrder {
    plan: Option<Plan>,
}

/// A work order once planned.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct Plan {
    work_order_id: String,
    sku: String,
    location: String,
    quantity_milli: i64,
    components: Vec<ComponentRequirement>,
    /// Every status it has been in, oldest first; the last is the current one.
    statuses: Vec<WorkOrderStatus>,
}

impl WorkOrder {
    /// Its status; `None` before it is planned.
    #[must_use]
    pub fn status(&self) -> Option<WorkOrderStatus> {
        self.plan.as_ref().and_then(|plan| plan.statuses.last().copied())
    }

    /// Every status it has been in, oldest first.
    #[must_use]
    pub fn status_history(&self) -> &[WorkOrderStatus] {
        self.plan.as_ref().map_or(&[], |plan| plan.statuses.as_slice())
    }

    /// What it needs; empty before it is planned.
    #[must_use]
    pub fn components(&self) -> &[ComponentRequirement] {
        self.plan.as_ref().map_or(&[], |plan| plan.components.as_slice())
    }

    /// What `command` records given this state and `services`.
    ///
    /// # Errors
    /// Why the command is refused; nothing is recorded then.
    pub async fn decide(
        &self,
        command: WorkOrderCommand,
        services: &dyn ProductionServices,
    ) -> Result<Vec<WorkOrderEvent>, WorkOrderError> {
        let Some(plan) = &self.plan else {
            return match command {
                WorkOrderCommand::Plan(plan) => Ok(vec![planned(plan, services).await?]),
                _ => Err(WorkOrderError::NotFound),
            };
        };
        let status = plan.current();
        let wrong = |command: &'static str, needs: &'static str| WorkOrderError::WrongStatus { status, command, needs };
        let id = plan.work_order_id.clone();
        let event = match command {
            WorkOrderCommand::Plan(_) => return Err(WorkOrderError::AlreadyExists),
            WorkOrderCommand::Release if status == WorkOrderStatus::Planned => {
                WorkOrderEvent::WorkOrderReleased(WorkOrderReleased { work_order_id: id })
            }
            WorkOrderCommand::Release => return Err(wrong("release", "planned")),
            WorkOrderCommand::Start if status == WorkOrderStatus::Released => {
                WorkOrderEvent::ProductionStarted(ProductionStarted {
                    work_order_id: id,
                    sku: plan.sku.clone(),
                    location: plan.location.clone(),
                    components: plan.components.clone(),
                })
            }
            WorkOrderCommand::Start => return Err(wrong("start", "released")),
            WorkOrderCommand::Complete(complete) if status == WorkOrderStatus::InProgress => {
                plan.completed(&complete)?
            }
            WorkOrderCommand::Complete(_) => return Err(wrong("complete", "in_progress")),
            WorkOrderCommand::Scrap(_) if status.is_final() => {
                return Err(wrong("scrap", "planned, released or in_progress"))
            }
            WorkOrderCommand::Scrap(ScrapWorkOrder { reason }) => {
                check_field("reason", &reason, MAX_NOTE_CHARS)?;
                WorkOrderEvent::WorkOrderScrapped(WorkOrderScrapped {
                    work_order_id: id,
                    sku: plan.sku.clone(),
                    reason,
                    from_status: status.as_str().to_owned(),
                })
            }
        };
        Ok(vec![event])
    }
}

/// The `WorkOrderPlanned` a `Plan` records, once its inputs, the catalog and the bill pass.
async fn planned(plan: PlanWorkOrder, services: &dyn ProductionServices) -> Result<WorkOrderEvent, WorkOrderError> {
    check_field("sku", &plan.sku, MAX_CODE_CHARS)?;
    let quantity_milli = positive_milli("quantity", &plan.quantity)?;
    check_field("location", &plan.location, MAX_CODE_CHARS)?;
    defined_item(services, &plan.sku, || "sku".to_owned(), true).await?;
    open_location(services, &plan.location, "location").await?;
    let bom = services
        .bill_of_materials(&plan.sku, plan.bom_version)
        .await
        .map_err(|reason| WorkOrderError::Unavailable { reason })?
        .ok_or_else(|| WorkOrderError::BomNotFound { sku: plan.sku.clone(), version: plan.bom_version })?;
    let components = bom.lines.iter().map(|line| requirement(line, quantity_milli)).collect::<Result<Vec<_>, _>>()?;
    Ok(WorkOrderEvent::WorkOrderPlanned(WorkOrderPlanned {
        work_order_id: plan.work_order_id.to_string(),
        sku: plan.sku,
        quantity_milli,
        bom_version: bom.version,
        location: plan.location,
        due_date: plan.due_date,
        components,
    }))
}

/// What `quantity_milli` of the item needs of `line`'s component: per unit × quantity, in
/// thousandths, rounded up, at most `MAX_QUANTITY_UNITS` units.
fn requirement(line: &BomLine, quantity_milli: i64) -> Result<ComponentRequirement, WorkOrderError> {
    let product = i128::from(line.quantity_milli) * i128::from(quantity_milli);
    let milli = i64::try_from((product + 999) / 1_000)
        .ok()
        .filter(|milli| *milli <= MAX_QUANTITY_UNITS * 1_000)
        .ok_or_else(|| WorkOrderError::RequirementTooLarge { component_sku: line.component_sku.clone() })?;
    Ok(ComponentRequirement { component_sku: line.component_sku.clone(), quantity_milli: milli })
}

impl Plan {
    /// The status it is in.
    fn current(&self) -> WorkOrderStatus {
        self.statuses.last().copied().unwrap_or(WorkOrderStatus::Planned)
    }

    /// The `WorkOrderCompleted` a `Complete` records.
    fn completed(&self, complete: &CompleteWorkOrder) -> Result<WorkOrderEvent, WorkOrderError> {
        let good_quantity_milli = positive_milli("good_quantity", &complete.good_quantity)?;
        let scrapped_quantity_milli = match &complete.scrapped_quantity {
            Some(scrapped) => positive_milli("scrapped_quantity", scrapped)?,
            None => 0,
        };
        Ok(WorkOrderEvent::WorkOrderCompleted(WorkOrderCompleted {
            work_order_id: self.work_order_id.clone(),
            sku: self.sku.clone(),
            location: self.location.clone(),
            planned_quantity_milli: self.quantity_milli,
            good_quantity_milli,
            scrapped_quantity_milli,
        }))
    }

    /// Enters `status`.
    fn enter(&mut self, status: WorkOrderStatus) {
        debug_assert!(!self.current().is_final(), "work order {} changed after {}", self.work_order_id, self.current());
        self.statuses.push(status);
    }
}

impl Aggregate for WorkOrder {
    const TYPE: &'static str = "production.work_order";
    type Command = WorkOrderCommand;
    type Event = WorkOrderEvent;
    type Error = WorkOrderError;
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
        use WorkOrderEvent as E;
        if let E::WorkOrderPlanned(planned) = event {
            debug_assert!(self.plan.is_none(), "work order {} planned twice", planned.work_order_id);
            self.plan = Some(Plan {
                work_order_id: planned.work_order_id,
                sku: planned.sku,
                location: planned.location,
                quantity_milli: planned.quantity_milli,
                components: planned.components,
                statuses: vec![WorkOrderStatus::Planned],
            });
            return;
        }
        debug_assert!(self.plan.is_some(), "work order event before WorkOrderPlanned");
        let Some(plan) = self.plan.as_mut() else { return };
        match event {
            E::WorkOrderPlanned(_) => {}
            E::WorkOrderReleased(_) => plan.enter(WorkOrderStatus::Released),
            E::ProductionStarted(_) => plan.enter(WorkOrderStatus::InProgress),
            E::WorkOrderCompleted(_) => plan.enter(WorkOrderStatus::Completed),
            E::WorkOrderScrapped(_) => plan.enter(WorkOrderStatus::Scrapped),
        }
    }
}
