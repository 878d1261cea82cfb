//! Given–when–then tests for every work-order rule (the lifecycle, the requirement per
//! component, status refusals, the catalog and the bill), the error table, the Avro contract
//! and the command-sequence property.

use std::sync::Arc;

use cqrs_es::test::TestFramework;
use uuid::Uuid;

use super::*;
use crate::production::input::InputError;
use crate::production::services::{FixedBoms, ProductionServices};
use crate::quantity::{Quantity, QuantityError};
use crate::refusal::{Refusal, RefusalKind};
use crate::supply::catalog::CatalogError;
use crate::test_support::{assert_accepted, assert_error_table, assert_refused_as, date, fold};

const ID: &str = "0190f0a4-0000-7000-8000-0000000000f1";

/// `BIKE` has two versions: 1 (a frame, two wheels) and 2 (also 0.333 of a tube).
fn services() -> FixedBoms {
    FixedBoms::new(&["BIKE", "FRAME", "WHEEL", "TUBE"])
        .with_bom("BIKE", &[("FRAME", 1_000), ("WHEEL", 2_000)])
        .with_bom("BIKE", &[("FRAME", 1_000), ("WHEEL", 2_000), ("TUBE", 333)])
}

fn framework_with(services: FixedBoms) -> TestFramework<WorkOrder> {
    let services: Arc<dyn ProductionServices> = Arc::new(services);
    TestFramework::with(services)
}

fn framework() -> TestFramework<WorkOrder> {
    framework_with(services())
}

fn plan_input() -> PlanWorkOrder {
    PlanWorkOrder {
        work_order_id: Uuid::parse_str(ID).unwrap(),
        sku: "BIKE".to_owned(),
        quantity: Quantity::new("10"),
        bom_version: Some(1),
        location: "WH-1".to_owned(),
        due_date: Some(date(2026, 12, 15)),
    }
}

fn plan(input: PlanWorkOrder) -> WorkOrderCommand {
    WorkOrderCommand::Plan(input)
}

fn complete(good: &str, scrapped: Option<&str>) -> WorkOrderCommand {
    WorkOrderCommand::Complete(CompleteWorkOrder {
        good_quantity: Quantity::new(good),
        scrapped_quantity: scrapped.map(Quantity::new),
    })
}

fn scrap(reason: &str) -> WorkOrderCommand {
    WorkOrderCommand::Scrap(ScrapWorkOrder { reason: reason.to_owned() })
}

fn requirement(component: &str, quantity_milli: i64) -> ComponentRequirement {
    ComponentRequirement { component_sku: component.to_owned(), quantity_milli }
}

fn components() -> Vec<ComponentRequirement> {
    vec![requirement("FRAME", 10_000), requirement("WHEEL", 20_000)]
}

fn planned() -> WorkOrderEvent {
    WorkOrderEvent::WorkOrderPlanned(WorkOrderPlanned {
        work_order_id: ID.to_owned(),
        sku: "BIKE".to_owned(),
        quantity_milli: 10_000,
        bom_version: 1,
        location: "WH-1".to_owned(),
        due_date: Some(date(2026, 12, 15)),
        components: components(),
    })
}

fn released() -> WorkOrderEvent {
    WorkOrderEvent::WorkOrderReleased(WorkOrderReleased { work_order_id: ID.to_owned() })
}

fn started() -> WorkOrderEvent {
    WorkOrderEvent::ProductionStarted(ProductionStarted {
        work_order_id: ID.to_owned(),
        sku: "BIKE".to_owned(),
        location: "WH-1".to_owned(),
        components: components(),
    })
}

fn completed(good_quantity_milli: i64, scrapped_quantity_milli: i64) -> WorkOrderEvent {
    WorkOrderEvent::WorkOrderCompleted(WorkOrderCompleted {
        work_order_id: ID.to_owned(),
        sku: "BIKE".to_owned(),
        location: "WH-1".to_owned(),
        planned_quantity_milli: 10_000,
        good_quantity_milli,
        scrapped_quantity_milli,
    })
}

fn scrapped(from: &str) -> WorkOrderEvent {
    WorkOrderEvent::WorkOrderScrapped(WorkOrderScrapped {
        work_order_id: ID.to_owned(),
        sku: "BIKE".to_owned(),
        reason: "line down".to_owned(),
        from_status: from.to_owned(),
    })
}

mod lifecycle {
    use super::*;

    #[test]
    fn planning_records_the_components_the_quantity_needs() {
        framework().given_no_previous_events().when(plan(plan_input())).then_expect_events(vec![planned()]);
    }

    #[test]
    fn planning_without_a_version_takes_the_latest_and_rounds_requirements_up() {
        let input = PlanWorkOrder { bom_version: None, quantity: Quantity::new("2"), due_date: None, ..plan_input() };
        let events = assert_accepted(framework(), vec![], plan(input));
        let [WorkOrderEvent::WorkOrderPlanned(planned)] = events.as_slice() else { panic!("{events:?}") };
        assert_eq!(planned.bom_version, 2);
        assert_eq!(planned.components[2], requirement("TUBE", 666));
        let input = PlanWorkOrder { bom_version: Some(2), quantity: Quantity::new("0.001"), ..plan_input() };
        let events = assert_accepted(framework(), vec![], plan(input));
        let [WorkOrderEvent::WorkOrderPlanned(planned)] = events.as_slice() else { panic!("{events:?}") };
        assert_eq!(planned.components[2], requirement("TUBE", 1), "0.333 × 0.001 rounds up to a thousandth");
    }

    #[test]
    fn a_planned_order_is_released_started_with_its_components_and_completed() {
        framework().given(vec![planned()]).when(WorkOrderCommand::Release).then_expect_events(vec![released()]);
        framework()
            .given(vec![planned(), released()])
            .when(WorkOrderCommand::Start)
            .then_expect_events(vec![started()]);
        framework()
            .given(vec![planned(), released(), started()])
            .when(complete("9", Some("1")))
            .then_expect_events(vec![completed(9_000, 1_000)]);
        framework()
            .given(vec![planned(), released(), started()])
            .when(complete("10", None))
            .then_expect_events(vec![completed(10_000, 0)]);
        let order: WorkOrder = fold([planned(), released(), started(), completed(10_000, 0)]);
        assert_eq!(order.status(), Some(WorkOrderStatus::Completed));
        assert_eq!(
            order.status_history(),
            [
                WorkOrderStatus::Planned,
                WorkOrderStatus::Released,
                WorkOrderStatus::InProgress,
                WorkOrderStatus::Completed
            ]
        );
        assert_eq!(order.components(), components().as_slice());
    }

    #[test]
    fn an_open_order_is_scrapped_from_any_open_status() {
        let histories = [
            (vec![planned()], "planned"),
            (vec![planned(), released()], "released"),
            (vec![planned(), released(), started()], "in_progress"),
        ];
        for (given, from) in histories {
            framework().given(given).when(scrap("line down")).then_expect_events(vec![scrapped(from)]);
        }
        let order: WorkOrder = fold([planned(), scrapped("planned")]);
        assert_eq!(order.status(), Some(WorkOrderStatus::Scrapped));
        assert_eq!(WorkOrder::default().status(), None);
    }
}

mod refusals {
    use super::*;

    fn wrong(status: WorkOrderStatus, command: &'static str, needs: &'static str) -> WorkOrderError {
        WorkOrderError::WrongStatus { status, command, needs }
    }

    #[test]
    fn each_command_needs_its_status() {
        let cases = [
            (
                vec![planned(), released()],
                WorkOrderCommand::Release,
                wrong(WorkOrderStatus::Released, "release", "planned"),
            ),
            (vec![planned()], WorkOrderCommand::Start, wrong(WorkOrderStatus::Planned, "start", "released")),
            (
                vec![planned(), released()],
                complete("1", None),
                wrong(WorkOrderStatus::Released, "complete", "in_progress"),
            ),
            (
                vec![planned(), released(), started(), completed(10_000, 0)],
                scrap("late"),
                wrong(WorkOrderStatus::Completed, "scrap", "planned, released or in_progress"),
            ),
            (
                vec![planned(), scrapped("planned")],
                WorkOrderCommand::Release,
                wrong(WorkOrderStatus::Scrapped, "release", "planned"),
            ),
        ];
        for (given, command, expected) in cases {
            assert_refused_as(framework(), given, command, expected, None, "wrong_status", RefusalKind::Conflict);
        }
    }

    #[test]
    fn an_order_is_planned_once_and_must_exist() {
        assert_refused_as(
            framework(),
            vec![planned()],
            plan(plan_input()),
            WorkOrderError::AlreadyExists,
            Some("work_order_id"),
            "work_order_exists",
            RefusalKind::Conflict,
        );
        assert_refused_as(
            framework(),
            vec![],
            WorkOrderCommand::Start,
            WorkOrderError::NotFound,
            None,
            "work_order_not_found",
            RefusalKind::NotFound,
        );
    }

    #[test]
    fn planning_needs_a_bill_a_catalog_item_and_an_open_location() {
        let no_version = WorkOrderError::BomNotFound { sku: "BIKE".to_owned(), version: Some(3) };
        assert_refused_as(
            framework(),
            vec![],
            plan(PlanWorkOrder { bom_version: Some(3), ..plan_input() }),
            no_version,
            Some("bom_version"),
            "bom_not_found",
            RefusalKind::Invalid,
        );
        let no_bill = WorkOrderError::BomNotFound { sku: "FRAME".to_owned(), version: None };
        let input = PlanWorkOrder { sku: "FRAME".to_owned(), bom_version: None, ..plan_input() };
        assert_refused_as(
            framework(),
            vec![],
            plan(input),
            no_bill,
            Some("sku"),
            "bom_not_found",
            RefusalKind::Invalid,
        );
        let no_item =
            WorkOrderError::Catalog(CatalogError::ItemNotFound { field: "sku".to_owned(), sku: "CAR".to_owned() });
        let input = PlanWorkOrder { sku: "CAR".to_owned(), ..plan_input() };
        assert_refused_as(
            framework(),
            vec![],
            plan(input),
            no_item,
            Some("sku"),
            "item_not_found",
            RefusalKind::Invalid,
        );
        let closed =
            WorkOrderError::Catalog(CatalogError::LocationClosed { field: "location", location: "SHUT".to_owned() });
        let input = PlanWorkOrder { location: "SHUT".to_owned(), ..plan_input() };
        assert_refused_as(
            framework(),
            vec![],
            plan(input),
            closed,
            Some("location"),
            "location_closed",
            RefusalKind::Invalid,
        );
    }

    #[test]
    fn quantities_must_be_positive_and_requirements_bounded() {
        let zero = WorkOrderError::Input(InputError::InvalidQuantity {
            field: "quantity".to_owned(),
            reason: QuantityError::NotPositive { text: "0".to_owned() },
        });
        assert_refused_as(
            framework(),
            vec![],
            plan(PlanWorkOrder { quantity: Quantity::new("0"), ..plan_input() }),
            zero,
            Some("quantity"),
            "invalid_quantity",
            RefusalKind::Invalid,
        );
        let huge = FixedBoms::new(&["BIKE", "FRAME"]).with_bom("BIKE", &[("FRAME", 2_000)]);
        let input = PlanWorkOrder { quantity: Quantity::new("1000000000"), ..plan_input() };
        let too_large = WorkOrderError::RequirementTooLarge { component_sku: "FRAME".to_owned() };
        assert_refused_as(
            framework_with(huge),
            vec![],
            plan(input),
            too_large,
            Some("quantity"),
            "requirement_too_large",
            RefusalKind::Invalid,
        );
        let given = vec![planned(), released(), started()];
        let good = WorkOrderError::Input(InputError::InvalidQuantity {
            field: "good_quantity".to_owned(),
            reason: QuantityError::NotPositive { text: "0".to_owned() },
        });
        assert_refused_as(
            framework(),
            given.clone(),
            complete("0", None),
            good,
            Some("good_quantity"),
            "invalid_quantity",
            RefusalKind::Invalid,
        );
        let blank = WorkOrderError::Input(InputError::Blank { field: "reason".to_owned() });
        assert_refused_as(framework(), given, scrap(" "), blank, Some("reason"), "blank", RefusalKind::Invalid);
    }

    #[test]
    fn an_unreadable_bill_is_unavailable() {
        let result =
            framework_with(services().down()).given_no_previous_events().when(plan(plan_input())).inspect_result();
        assert_eq!(result.unwrap_err().kind(), RefusalKind::Unavailable);
    }

    #[test]
    fn every_error_has_a_unique_code_its_field_and_kind() {
        assert_error_table(&[
            (WorkOrderError::AlreadyExists, Some("work_order_id"), RefusalKind::Conflict),
            (WorkOrderError::NotFound, None, RefusalKind::NotFound),
            (wrong(WorkOrderStatus::Planned, "start", "released"), None, RefusalKind::Conflict),
            (WorkOrderError::BomNotFound { sku: "A".to_owned(), version: None }, Some("sku"), RefusalKind::Invalid),
            (
                WorkOrderError::RequirementTooLarge { component_sku: "A".to_owned() },
                Some("quantity"),
                RefusalKind::Invalid,
            ),
            (WorkOrderError::Unavailable { reason: "down".to_owned() }, None, RefusalKind::Unavailable),
            (
                WorkOrderError::Input(InputError::Blank { field: "reason".to_owned() }),
                Some("reason"),
                RefusalKind::Invalid,
            ),
        ]);
    }
}

mod avro_contract {
    //! The serde JSON of each event must have exactly the fields of its Avro schema.

    use super::*;
    use crate::avro_contract::assert_event_matches_schema;

    const PLANNED_AVSC: &str = include_str!("../../../../schemas/avro/production/WorkOrderPlanned.avsc");
    const RELEASED_AVSC: &str = include_str!("../../../../schemas/avro/production/WorkOrderReleased.avsc");
    const STARTED_AVSC: &str = include_str!("../../../../schemas/avro/production/ProductionStarted.avsc");
    const COMPLETED_AVSC: &str = include_str!("../../../../schemas/avro/production/WorkOrderCompleted.avsc");
    const SCRAPPED_AVSC: &str = include_str!("../../../../schemas/avro/production/WorkOrderScrapped.avsc");

    #[test]
    fn every_event_decide_records_matches_its_schema() {
        let cases = [
            (PLANNED_AVSC, vec![], plan(plan_input())),
            (PLANNED_AVSC, vec![], plan(PlanWorkOrder { due_date: None, ..plan_input() })),
            (RELEASED_AVSC, vec![planned()], WorkOrderCommand::Release),
            (STARTED_AVSC, vec![planned(), released()], WorkOrderCommand::Start),
            (COMPLETED_AVSC, vec![planned(), released(), started()], complete("9", Some("1"))),
            (SCRAPPED_AVSC, vec![planned()], scrap("line down")),
        ];
        for (avsc, given, command) in cases {
            for event in assert_accepted(framework(), given, command) {
                assert_event_matches_schema(avsc, &event);
            }
        }
    }
}

mod properties {
    use proptest::prelude::*;

    use super::*;
    use crate::test_support::{check_command_sequence, check_status_history, command_sequences, SEQUENCE_CASES};

    /// Plans with valid and invalid inputs, every transition, completions around zero.
    fn arb_command() -> impl Strategy<Value = WorkOrderCommand> {
        prop_oneof![
            prop::sample::select(vec!["1", "0", "2.5"])
                .prop_map(|quantity| plan(PlanWorkOrder { quantity: Quantity::new(quantity), ..plan_input() })),
            Just(WorkOrderCommand::Release),
            Just(WorkOrderCommand::Start),
            (prop::sample::select(vec!["0", "1"]), prop::option::of(Just("1")))
                .prop_map(|(good, scrapped)| complete(good, scrapped)),
            prop::sample::select(vec!["", "broken"]).prop_map(scrap),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(SEQUENCE_CASES))]

        /// Whatever is attempted, the status history only grows and ends in the current
        /// status, the components never change once planned, and a completed or scrapped
        /// order accepts nothing more.
        #[test]
        fn a_work_order_moves_forward_and_stays_where_it_ended(commands in command_sequences(arb_command())) {
            let services: Arc<dyn ProductionServices> = Arc::new(services());
            check_command_sequence::<WorkOrder>(&services, commands, |step| {
                if step.before.status().is_some_and(WorkOrderStatus::is_final) {
                    prop_assert!(step.outcome.is_err(), "a final order accepted {:?}", step.command);
                }
                if step.before.status().is_some() {
                    prop_assert_eq!(step.after.components(), step.before.components());
                }
                check_status_history(step.before.status_history(), step.after.status_history(), step.after.status())
            })?;
        }
    }
}
