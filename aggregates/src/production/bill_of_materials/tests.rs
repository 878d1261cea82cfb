//! Given–when–then tests for every bill-of-materials rule (versions, the no-op revision, line
//! rules, cycles through the levels, the catalog), the error table, the Avro contract and the
//! command-sequence property.

use std::sync::Arc;

use cqrs_es::test::TestFramework;

use super::*;
use crate::production::input::InputError;
use crate::production::services::{FixedBoms, ProductionServices};
use crate::quantity::{Quantity, QuantityError};
use crate::refusal::RefusalKind;
use crate::supply::catalog::CatalogError;
use crate::test_support::{assert_accepted, assert_error_table, assert_refused_as, fold};

const ITEMS: &[&str] = &["BIKE", "FRAME", "WHEEL", "SPOKE", "TUBE"];

fn services() -> FixedBoms {
    FixedBoms::new(ITEMS)
}

fn framework_with(services: FixedBoms) -> TestFramework<BillOfMaterials> {
    let services: Arc<dyn ProductionServices> = Arc::new(services);
    TestFramework::with(services)
}

fn framework() -> TestFramework<BillOfMaterials> {
    framework_with(services())
}

fn revise(sku: &str, lines: &[(&str, &str)]) -> BomCommand {
    BomCommand::Revise(ReviseBillOfMaterials {
        sku: sku.to_owned(),
        lines: lines
            .iter()
            .map(|(component, quantity)| BomLineInput {
                component_sku: (*component).to_owned(),
                quantity: Quantity::new(*quantity),
            })
            .collect(),
        note: None,
    })
}

fn revised(version: i32, lines: &[(&str, i64)]) -> BomEvent {
    BomEvent::BillOfMaterialsRevised(BillOfMaterialsRevised {
        sku: "BIKE".to_owned(),
        version,
        lines: lines
            .iter()
            .map(|(component, quantity_milli)| BomLine {
                component_sku: (*component).to_owned(),
                quantity_milli: *quantity_milli,
            })
            .collect(),
        note: None,
    })
}

mod versions {
    use super::*;

    #[test]
    fn the_first_revision_records_version_one_with_its_lines_in_thousandths() {
        framework()
            .given_no_previous_events()
            .when(revise("BIKE", &[("FRAME", "1"), ("WHEEL", "2"), ("SPOKE", "0.5")]))
            .then_expect_events(vec![revised(1, &[("FRAME", 1_000), ("WHEEL", 2_000), ("SPOKE", 500)])]);
    }

    #[test]
    fn each_later_revision_records_the_next_version_and_keeps_the_older_ones() {
        let given = vec![revised(1, &[("FRAME", 1_000)])];
        framework()
            .given(given.clone())
            .when(revise("BIKE", &[("FRAME", "1"), ("WHEEL", "2")]))
            .then_expect_events(vec![revised(2, &[("FRAME", 1_000), ("WHEEL", 2_000)])]);
        let bom: BillOfMaterials = fold([given, vec![revised(2, &[("WHEEL", 2_000)])]].concat());
        assert_eq!(bom.latest_version(), Some(2));
        assert_eq!(bom.lines(1).map(<[BomLine]>::len), Some(1));
        assert_eq!(bom.lines(2).unwrap()[0].component_sku, "WHEEL");
        assert_eq!((bom.lines(0), bom.lines(3)), (None, None));
        assert_eq!(BillOfMaterials::default().latest_version(), None);
    }

    #[test]
    fn a_revision_with_the_latest_lines_records_nothing() {
        framework()
            .given(vec![revised(1, &[("FRAME", 1_000)])])
            .when(revise("BIKE", &[("FRAME", "1.000")]))
            .then_expect_events(vec![]);
    }

    #[test]
    fn a_component_with_its_own_bill_is_accepted() {
        let services = services().with_bom("WHEEL", &[("SPOKE", 36_000), ("TUBE", 1_000)]);
        framework_with(services)
            .given_no_previous_events()
            .when(revise("BIKE", &[("WHEEL", "2")]))
            .then_expect_events(vec![revised(1, &[("WHEEL", 2_000)])]);
    }
}

mod refusals {
    use super::*;

    fn refused(services: FixedBoms, command: BomCommand, expected: BomError, field: Option<&str>, code: &str) {
        let kind = crate::refusal::Refusal::kind(&expected);
        assert_refused_as(framework_with(services), vec![], command, expected, field, code, kind);
    }

    #[test]
    fn an_item_that_contains_itself_is_refused_naming_the_line() {
        let expected = BomError::Cycle {
            field: "lines[1].component_sku".to_owned(),
            path: vec!["BIKE".to_owned(), "BIKE".to_owned()],
        };
        refused(
            services(),
            revise("BIKE", &[("FRAME", "1"), ("BIKE", "1")]),
            expected,
            Some("lines[1].component_sku"),
            "bom_cycle",
        );
    }

    #[test]
    fn a_cycle_through_the_levels_below_is_refused_with_its_path() {
        let services = services().with_bom("WHEEL", &[("SPOKE", 36_000)]).with_bom("SPOKE", &[("BIKE", 1_000)]);
        let expected = BomError::Cycle {
            field: "lines[1].component_sku".to_owned(),
            path: ["BIKE", "WHEEL", "SPOKE", "BIKE"].map(str::to_owned).to_vec(),
        };
        refused(
            services,
            revise("BIKE", &[("FRAME", "1"), ("WHEEL", "2")]),
            expected,
            Some("lines[1].component_sku"),
            "bom_cycle",
        );
    }

    #[test]
    fn levels_deeper_than_the_limit_are_refused() {
        let names: Vec<String> = (0..=MAX_LEVELS).map(|level| format!("L{level}")).collect();
        let mut catalog: Vec<&str> = ITEMS.to_vec();
        catalog.extend(names.iter().map(String::as_str));
        let deep = FixedBoms::new(&catalog);
        let deep = names.windows(2).fold(deep, |boms, pair| boms.with_bom(&pair[0], &[(pair[1].as_str(), 1_000)]));
        let expected = BomError::TooDeep { field: "lines[0].component_sku".to_owned(), limit: MAX_LEVELS };
        refused(deep, revise("BIKE", &[("L0", "1")]), expected, Some("lines[0].component_sku"), "bom_too_deep");
    }

    #[test]
    fn line_rules_are_refused_naming_the_line() {
        refused(
            services(),
            revise("BIKE", &[]),
            BomError::LineCount { lines: 0, max: MAX_LINES },
            Some("lines"),
            "line_count",
        );
        let many: Vec<(&str, &str)> = vec![("FRAME", "1"); MAX_LINES + 1];
        refused(
            services(),
            revise("BIKE", &many),
            BomError::LineCount { lines: MAX_LINES + 1, max: MAX_LINES },
            Some("lines"),
            "line_count",
        );
        let duplicate =
            BomError::DuplicateComponent { field: "lines[1].component_sku".to_owned(), sku: "FRAME".to_owned() };
        refused(
            services(),
            revise("BIKE", &[("FRAME", "1"), ("FRAME", "2")]),
            duplicate,
            Some("lines[1].component_sku"),
            "duplicate_component",
        );
        let zero = BomError::Input(InputError::InvalidQuantity {
            field: "lines[0].quantity".to_owned(),
            reason: QuantityError::NotPositive { text: "0".to_owned() },
        });
        refused(services(), revise("BIKE", &[("FRAME", "0")]), zero, Some("lines[0].quantity"), "invalid_quantity");
        let blank = BomError::Input(InputError::Blank { field: "lines[0].component_sku".to_owned() });
        refused(services(), revise("BIKE", &[(" ", "1")]), blank, Some("lines[0].component_sku"), "blank");
    }

    #[test]
    fn items_outside_the_catalog_are_refused() {
        let item = BomError::Catalog(CatalogError::ItemNotFound { field: "sku".to_owned(), sku: "CAR".to_owned() });
        refused(services(), revise("CAR", &[("FRAME", "1")]), item, Some("sku"), "item_not_found");
        let component = BomError::Catalog(CatalogError::ItemNotFound {
            field: "lines[0].component_sku".to_owned(),
            sku: "GEAR".to_owned(),
        });
        refused(
            services(),
            revise("BIKE", &[("GEAR", "1")]),
            component,
            Some("lines[0].component_sku"),
            "item_not_found",
        );
    }

    #[test]
    fn an_unreadable_bill_below_is_unavailable_and_records_nothing() {
        let result = framework_with(services().down())
            .given_no_previous_events()
            .when(revise("BIKE", &[("FRAME", "1")]))
            .inspect_result();
        assert_eq!(crate::refusal::Refusal::kind(&result.unwrap_err()), RefusalKind::Unavailable);
    }

    #[test]
    fn every_error_has_a_unique_code_its_field_and_kind() {
        assert_error_table(&[
            (BomError::LineCount { lines: 0, max: 1 }, Some("lines"), RefusalKind::Invalid),
            (
                BomError::DuplicateComponent { field: "lines[1].component_sku".to_owned(), sku: "A".to_owned() },
                Some("lines[1].component_sku"),
                RefusalKind::Invalid,
            ),
            (
                BomError::Cycle { field: "lines[0].component_sku".to_owned(), path: vec![] },
                Some("lines[0].component_sku"),
                RefusalKind::Invalid,
            ),
            (
                BomError::TooDeep { field: "lines[0].component_sku".to_owned(), limit: 1 },
                Some("lines[0].component_sku"),
                RefusalKind::Invalid,
            ),
            (BomError::Unavailable { reason: "down".to_owned() }, None, RefusalKind::Unavailable),
            (BomError::Input(InputError::Blank { field: "note".to_owned() }), Some("note"), RefusalKind::Invalid),
        ]);
    }
}

mod avro_contract {
    //! The serde JSON of each event must have exactly the fields of its Avro schema.

    use super::*;
    use crate::avro_contract::assert_event_matches_schema;

    const REVISED_AVSC: &str = include_str!("../../../../schemas/avro/production/BillOfMaterialsRevised.avsc");

    #[test]
    fn every_event_decide_records_matches_its_schema() {
        let mut command = revise("BIKE", &[("FRAME", "1")]);
        for note in [None, Some("lighter frame".to_owned())] {
            let BomCommand::Revise(revise) = &mut command;
            revise.note = note;
            for event in assert_accepted(framework(), vec![], command.clone()) {
                assert_event_matches_schema(REVISED_AVSC, &event);
            }
        }
    }
}

mod properties {
    use proptest::prelude::*;

    use super::*;
    use crate::test_support::{check_command_sequence, command_sequences, SEQUENCE_CASES};

    /// Revisions of valid and invalid lines, including the item itself.
    fn arb_command() -> impl Strategy<Value = BomCommand> {
        let component = prop::sample::select(vec!["FRAME", "WHEEL", "BIKE", "GEAR", ""]);
        let quantity = prop::sample::select(vec!["1", "0", "0.5", "2"]);
        prop::collection::vec((component, quantity), 0..4).prop_map(|lines| revise("BIKE", &lines))
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(SEQUENCE_CASES))]

        /// Whatever is attempted, versions only grow by one per accepted change, and an
        /// accepted version never contains the item itself nor a component twice.
        #[test]
        fn versions_grow_one_at_a_time_and_never_contain_the_item(commands in command_sequences(arb_command())) {
            let services: Arc<dyn ProductionServices> = Arc::new(services());
            check_command_sequence::<BillOfMaterials>(&services, commands, |step| {
                let before = step.before.latest_version().unwrap_or(0);
                let after = step.after.latest_version().unwrap_or(0);
                prop_assert_eq!(after - before, i32::try_from(step.events().len()).unwrap());
                if let Some(lines) = step.after.lines(after) {
                    prop_assert!(lines.iter().all(|line| line.component_sku != "BIKE"));
                    let mut components: Vec<_> = lines.iter().map(|line| &line.component_sku).collect();
                    components.sort();
                    components.dedup();
                    prop_assert_eq!(components.len(), lines.len());
                }
                Ok(())
            })?;
        }
    }
}
