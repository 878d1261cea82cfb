//! Given–when–then tests for every locations rule, the queries the stock aggregate and the API
//! read, serde of commands, events and state, and the contract test that keeps events and Avro
//! schemas in step.

use cqrs_es::test::TestFramework;
use cqrs_es::{Aggregate, DomainEvent};

use super::*;
use crate::refusal::RefusalKind;
use crate::test_support::{assert_accepted, assert_error_table, assert_refused_as, fold};

fn framework() -> TestFramework<Locations> {
    TestFramework::with(())
}

/// The `LocationOpened` of `code` of `kind` under `parent` in `warehouse`, named `Location <code>`.
fn opened_in(code: &str, kind: LocationKind, parent: Option<&str>, warehouse: &str) -> LocationsEvent {
    LocationsEvent::LocationOpened(LocationOpened {
        code: code.to_owned(),
        name: format!("Location {code}"),
        kind: kind.as_str().to_owned(),
        parent: parent.map(str::to_owned),
        warehouse: warehouse.to_owned(),
    })
}

fn warehouse(code: &str) -> LocationsEvent {
    opened_in(code, LocationKind::Warehouse, None, code)
}

fn closed(code: &str) -> LocationsEvent {
    LocationsEvent::LocationClosed(LocationClosed { code: code.to_owned() })
}

fn renamed(code: &str, name: &str) -> LocationsEvent {
    LocationsEvent::LocationRenamed(LocationRenamed { code: code.to_owned(), name: name.to_owned() })
}

/// Warehouse `WH1` → zone `WH1.A` → bins `WH1.A.01`, `WH1.A.02`; warehouse `WH2` without zones.
fn site() -> Vec<LocationsEvent> {
    vec![
        warehouse("WH1"),
        opened_in("WH1.A", LocationKind::Zone, Some("WH1"), "WH1"),
        opened_in("WH1.A.01", LocationKind::Bin, Some("WH1.A"), "WH1"),
        opened_in("WH1.A.02", LocationKind::Bin, Some("WH1.A"), "WH1"),
        warehouse("WH2"),
    ]
}

fn open_input(code: &str, kind: &str, parent: Option<&str>) -> OpenLocation {
    OpenLocation {
        code: code.to_owned(),
        name: format!("Location {code}"),
        kind: kind.to_owned(),
        parent: parent.map(str::to_owned),
    }
}

fn open(code: &str, kind: &str, parent: Option<&str>) -> LocationsCommand {
    LocationsCommand::OpenLocation(open_input(code, kind, parent))
}

fn rename(code: &str, name: &str) -> LocationsCommand {
    LocationsCommand::RenameLocation { code: code.to_owned(), name: name.to_owned() }
}

fn close(code: &str) -> LocationsCommand {
    LocationsCommand::CloseLocation { code: code.to_owned() }
}

/// Asserts that `command`, given [`site`], is refused as invalid with `expected` naming `field`.
fn assert_invalid(command: LocationsCommand, expected: LocationsError, field: &str, code: &str) {
    assert_refused_as(framework(), site(), command, expected, Some(field), code, RefusalKind::Invalid);
}

mod opening {
    use super::*;

    #[test]
    fn opening_a_warehouse_records_it_as_its_own_warehouse() {
        framework()
            .given_no_previous_events()
            .when(open("WH1", "warehouse", None))
            .then_expect_events(vec![warehouse("WH1")]);
    }

    #[test]
    fn a_zone_opens_in_a_warehouse_and_a_bin_in_a_zone_naming_their_warehouse() {
        framework().given(site()).when(open("WH2.B", "zone", Some("WH2"))).then_expect_events(vec![opened_in(
            "WH2.B",
            LocationKind::Zone,
            Some("WH2"),
            "WH2",
        )]);
        framework().given(site()).when(open("WH1.A.03", "bin", Some("WH1.A"))).then_expect_events(vec![opened_in(
            "WH1.A.03",
            LocationKind::Bin,
            Some("WH1.A"),
            "WH1",
        )]);
    }

    #[test]
    fn codes_up_to_the_limit_are_accepted() {
        let code = "W".repeat(MAX_CODE_CHARS);
        assert_eq!(assert_accepted(framework(), vec![], open(&code, "warehouse", None)), vec![warehouse(&code)]);
    }

    #[test]
    fn an_invalid_code_is_rejected_with_its_reason() {
        let too_long = "W".repeat(MAX_CODE_CHARS + 1);
        let cases = [
            ("", CodeError::Empty),
            (too_long.as_str(), CodeError::TooLong { chars: 41, max: 40 }),
            ("wh3", CodeError::InvalidCharacter { found: 'w', position: 0 }),
            ("WH 3", CodeError::InvalidCharacter { found: ' ', position: 2 }),
            ("_WH3", CodeError::MustStartAlphanumeric),
        ];
        for (code, reason) in cases {
            let expected = LocationsError::InvalidCode { code: code.to_owned(), reason };
            assert_invalid(open(code, "warehouse", None), expected, "code", "invalid_code");
        }
    }

    #[test]
    fn a_code_in_use_is_a_conflict_even_when_closed() {
        let given = [site(), vec![closed("WH2")]].concat();
        for code in ["WH1.A.01", "WH2"] {
            assert_refused_as(
                framework(),
                given.clone(),
                open(code, "warehouse", None),
                LocationsError::LocationExists { code: code.to_owned() },
                Some("code"),
                "location_exists",
                RefusalKind::Conflict,
            );
        }
    }

    #[test]
    fn a_name_must_be_non_blank_and_at_most_the_limit() {
        let named = |name: String| {
            LocationsCommand::OpenLocation(OpenLocation { name, ..open_input("WH3", "warehouse", None) })
        };
        assert_accepted(framework(), site(), named("n".repeat(MAX_NAME_CHARS)));
        assert_invalid(named(" ".to_owned()), LocationsError::NameBlank, "name", "name_blank");
        let expected = LocationsError::NameTooLong { chars: 201, max: 200 };
        assert_invalid(named("n".repeat(MAX_NAME_CHARS + 1)), expected, "name", "name_too_long");
    }

    #[test]
    fn an_unknown_kind_is_rejected() {
        for kind in ["", "Warehouse", "shelf"] {
            let expected = LocationsError::InvalidKind { kind: kind.to_owned() };
            assert_invalid(open("WH3", kind, None), expected, "kind", "invalid_kind");
        }
    }

    #[test]
    fn a_warehouse_takes_no_parent() {
        assert_invalid(
            open("WH3", "warehouse", Some("WH1")),
            LocationsError::ParentNotAllowed,
            "parent",
            "parent_not_allowed",
        );
    }

    #[test]
    fn a_zone_or_bin_needs_a_parent() {
        let cases =
            [("zone", LocationKind::Zone, LocationKind::Warehouse), ("bin", LocationKind::Bin, LocationKind::Zone)];
        for (name, kind, expected) in cases {
            let error = LocationsError::ParentRequired { kind, expected };
            assert_invalid(open("X1", name, None), error, "parent", "parent_required");
        }
    }

    #[test]
    fn the_parent_must_exist() {
        let expected = LocationsError::ParentNotFound { parent: "WH9".to_owned() };
        assert_invalid(open("WH9.A", "zone", Some("WH9")), expected, "parent", "parent_not_found");
    }

    #[test]
    fn the_parent_must_be_of_the_kind_above() {
        let cases = [
            ("zone", Some("WH1.A"), LocationKind::Zone, LocationKind::Zone, LocationKind::Warehouse),
            ("zone", Some("WH1.A.01"), LocationKind::Bin, LocationKind::Zone, LocationKind::Warehouse),
            ("bin", Some("WH1"), LocationKind::Warehouse, LocationKind::Bin, LocationKind::Zone),
            ("bin", Some("WH1.A.01"), LocationKind::Bin, LocationKind::Bin, LocationKind::Zone),
        ];
        for (name, parent, parent_kind, kind, expected) in cases {
            let error =
                LocationsError::ParentKindMismatch { parent: parent.unwrap().to_owned(), parent_kind, kind, expected };
            assert_invalid(open("X1", name, parent), error, "parent", "parent_kind_mismatch");
        }
    }

    #[test]
    fn the_parent_must_be_open() {
        assert_refused_as(
            framework(),
            [site(), vec![closed("WH2")]].concat(),
            open("WH2.A", "zone", Some("WH2")),
            LocationsError::ParentClosed { parent: "WH2".to_owned() },
            Some("parent"),
            "parent_closed",
            RefusalKind::Invalid,
        );
    }

    #[test]
    fn rules_are_checked_in_order_and_the_first_broken_one_is_reported() {
        let mut input = OpenLocation { name: String::new(), ..open_input("WH1", "shelf", Some("NOPE")) };
        let next = |input: &OpenLocation| LocationsCommand::OpenLocation(input.clone());
        assert_refused_as(
            framework(),
            site(),
            next(&input),
            LocationsError::LocationExists { code: "WH1".to_owned() },
            Some("code"),
            "location_exists",
            RefusalKind::Conflict,
        );
        input.code = "X1".to_owned();
        assert_invalid(next(&input), LocationsError::NameBlank, "name", "name_blank");
        input.name = "X".to_owned();
        assert_invalid(next(&input), LocationsError::InvalidKind { kind: "shelf".to_owned() }, "kind", "invalid_kind");
        input.kind = "bin".to_owned();
        let expected = LocationsError::ParentNotFound { parent: "NOPE".to_owned() };
        assert_invalid(next(&input), expected, "parent", "parent_not_found");
    }

    #[test]
    fn the_number_of_locations_is_limited_closed_ones_included() {
        let full: Vec<LocationsEvent> = (0..MAX_LOCATIONS).map(|i| warehouse(&format!("W{i}"))).collect();
        assert_refused_as(
            framework(),
            full.clone(),
            open("ONE-MORE", "warehouse", None),
            LocationsError::TooManyLocations { max: MAX_LOCATIONS },
            None,
            "too_many_locations",
            RefusalKind::Invalid,
        );
        let [_, all_but_one @ ..] = full.as_slice() else { panic!("no locations") };
        assert_accepted(framework(), all_but_one.to_vec(), open("ONE-MORE", "warehouse", None));
    }
}

mod renaming {
    use super::*;

    #[test]
    fn renaming_records_location_renamed() {
        framework()
            .given(site())
            .when(rename("WH1.A", "Cold room"))
            .then_expect_events(vec![renamed("WH1.A", "Cold room")]);
    }

    #[test]
    fn an_unknown_location_is_not_found() {
        for command in [rename("WH9", "X"), close("WH9")] {
            assert_refused_as(
                framework(),
                site(),
                command,
                LocationsError::LocationNotFound { code: "WH9".to_owned() },
                Some("code"),
                "location_not_found",
                RefusalKind::NotFound,
            );
        }
    }

    #[test]
    fn a_blank_over_long_or_unchanged_name_is_rejected() {
        assert_invalid(rename("WH1", ""), LocationsError::NameBlank, "name", "name_blank");
        let expected = LocationsError::NameTooLong { chars: 201, max: 200 };
        assert_invalid(rename("WH1", &"n".repeat(MAX_NAME_CHARS + 1)), expected, "name", "name_too_long");
        let expected = LocationsError::NameUnchanged { code: "WH1".to_owned(), name: "Location WH1".to_owned() };
        assert_invalid(rename("WH1", "Location WH1"), expected, "name", "name_unchanged");
    }
}

mod closing {
    use super::*;

    #[test]
    fn closing_a_location_without_open_children_records_location_closed() {
        framework().given(site()).when(close("WH1.A.01")).then_expect_events(vec![closed("WH1.A.01")]);
        framework().given(site()).when(close("WH2")).then_expect_events(vec![closed("WH2")]);
    }

    #[test]
    fn closing_is_refused_while_children_are_open() {
        assert_refused_as(
            framework(),
            [site(), vec![closed("WH1.A.01")]].concat(),
            close("WH1.A"),
            LocationsError::HasOpenChildren { code: "WH1.A".to_owned(), children: vec!["WH1.A.02".to_owned()] },
            None,
            "has_open_children",
            RefusalKind::Conflict,
        );
        assert_refused_as(
            framework(),
            site(),
            close("WH1"),
            LocationsError::HasOpenChildren { code: "WH1".to_owned(), children: vec!["WH1.A".to_owned()] },
            None,
            "has_open_children",
            RefusalKind::Conflict,
        );
    }

    #[test]
    fn a_parent_closes_once_its_children_are_closed() {
        let given = [site(), vec![closed("WH1.A.01"), closed("WH1.A.02"), closed("WH1.A")]].concat();
        framework().given(given).when(close("WH1")).then_expect_events(vec![closed("WH1")]);
    }

    #[test]
    fn a_closed_location_takes_no_change() {
        for command in [close("WH2"), rename("WH2", "Other")] {
            assert_refused_as(
                framework(),
                [site(), vec![closed("WH2")]].concat(),
                command,
                LocationsError::LocationClosed { code: "WH2".to_owned() },
                None,
                "location_closed",
                RefusalKind::Conflict,
            );
        }
    }
}

mod queries {
    use super::*;

    #[test]
    fn a_location_answers_its_kind_parent_warehouse_and_state() {
        let locations: Locations = fold([site(), vec![renamed("WH1.A", "Cold room"), closed("WH1.A.02")]].concat());
        let bin = locations.location("WH1.A.01").unwrap();
        assert_eq!(
            (bin.code(), bin.name(), bin.kind(), bin.parent(), bin.warehouse(), bin.is_open()),
            ("WH1.A.01", "Location WH1.A.01", LocationKind::Bin, Some("WH1.A"), "WH1", true)
        );
        let zone = locations.location("WH1.A").unwrap();
        assert_eq!(
            (zone.name(), zone.kind(), zone.parent(), zone.warehouse()),
            ("Cold room", LocationKind::Zone, Some("WH1"), "WH1")
        );
        let site = locations.location("WH1").unwrap();
        assert_eq!((site.kind(), site.parent(), site.warehouse()), (LocationKind::Warehouse, None, "WH1"));
        assert!(!locations.location("WH1.A.02").unwrap().is_open());
        assert!(locations.location("WH9").is_none());
    }

    #[test]
    fn locations_and_children_iterate_in_code_order_closed_ones_included() {
        let locations: Locations = fold([site(), vec![closed("WH1.A.02")]].concat());
        let codes: Vec<&str> = locations.locations().map(Location::code).collect();
        assert_eq!(codes, ["WH1", "WH1.A", "WH1.A.01", "WH1.A.02", "WH2"]);
        let children: Vec<&str> = locations.children("WH1.A").map(Location::code).collect();
        assert_eq!(children, ["WH1.A.01", "WH1.A.02"]);
        assert_eq!(locations.len(), 5);
        assert!(!locations.is_empty());
        assert!(Locations::default().is_empty());
    }

    #[test]
    fn kinds_read_back_and_nothing_else_parses() {
        for kind in LocationKind::ALL {
            assert_eq!(LocationKind::parse(kind.as_str()), Some(kind));
            assert_eq!(serde_json::to_value(kind).unwrap(), kind.to_string());
        }
        assert_eq!(LocationKind::parse("BIN"), None);
        let parents: Vec<Option<LocationKind>> = LocationKind::ALL.into_iter().map(LocationKind::parent_kind).collect();
        assert_eq!(parents, [None, Some(LocationKind::Warehouse), Some(LocationKind::Zone)]);
    }
}

mod state_and_wire {
    use super::*;

    #[test]
    fn every_error_has_a_unique_snake_case_code_a_field_and_a_kind() {
        use LocationKind::{Bin, Warehouse, Zone};
        use RefusalKind::{Conflict, Invalid, NotFound};
        let code = || "WH1".to_owned();
        assert_error_table(&[
            (LocationsError::InvalidCode { code: code(), reason: CodeError::Empty }, Some("code"), Invalid),
            (LocationsError::LocationExists { code: code() }, Some("code"), Conflict),
            (LocationsError::NameBlank, Some("name"), Invalid),
            (LocationsError::NameTooLong { chars: 201, max: 200 }, Some("name"), Invalid),
            (LocationsError::NameUnchanged { code: code(), name: "n".to_owned() }, Some("name"), Invalid),
            (LocationsError::InvalidKind { kind: "x".to_owned() }, Some("kind"), Invalid),
            (LocationsError::ParentRequired { kind: Bin, expected: Zone }, Some("parent"), Invalid),
            (LocationsError::ParentNotAllowed, Some("parent"), Invalid),
            (LocationsError::ParentNotFound { parent: code() }, Some("parent"), Invalid),
            (
                LocationsError::ParentKindMismatch {
                    parent: code(),
                    parent_kind: Warehouse,
                    kind: Bin,
                    expected: Zone,
                },
                Some("parent"),
                Invalid,
            ),
            (LocationsError::ParentClosed { parent: code() }, Some("parent"), Invalid),
            (LocationsError::TooManyLocations { max: MAX_LOCATIONS }, None, Invalid),
            (LocationsError::LocationNotFound { code: code() }, Some("code"), NotFound),
            (LocationsError::LocationClosed { code: code() }, None, Conflict),
            (LocationsError::HasOpenChildren { code: code(), children: vec![code()] }, None, Conflict),
        ]);
    }

    #[test]
    fn error_messages_name_the_values() {
        let mismatch = LocationsError::ParentKindMismatch {
            parent: "WH1".to_owned(),
            parent_kind: LocationKind::Warehouse,
            kind: LocationKind::Bin,
            expected: LocationKind::Zone,
        };
        assert_eq!(mismatch.to_string(), "parent WH1 is a warehouse; a bin sits in a zone");
        let open_children = LocationsError::HasOpenChildren {
            code: "WH1.A".to_owned(),
            children: vec!["WH1.A.01".to_owned(), "WH1.A.02".to_owned()],
        };
        assert_eq!(open_children.to_string(), "location WH1.A has open children WH1.A.01, WH1.A.02; close them first");
        let required = LocationsError::ParentRequired { kind: LocationKind::Zone, expected: LocationKind::Warehouse };
        assert_eq!(required.to_string(), "a zone needs a parent warehouse");
    }

    #[test]
    fn commands_deserialize_from_api_json() {
        let json = serde_json::json!({"OpenLocation": {"code": "WH1", "name": "Location WH1", "kind": "warehouse"}});
        assert_eq!(serde_json::from_value::<LocationsCommand>(json).unwrap(), open("WH1", "warehouse", None));
        let json = serde_json::json!({"OpenLocation": {"code": "WH1.A", "name": "Location WH1.A", "kind": "zone", "parent": "WH1"}});
        assert_eq!(serde_json::from_value::<LocationsCommand>(json).unwrap(), open("WH1.A", "zone", Some("WH1")));
        let json = serde_json::json!({"RenameLocation": {"code": "WH1", "name": "Main"}});
        assert_eq!(serde_json::from_value::<LocationsCommand>(json).unwrap(), rename("WH1", "Main"));
        let json = serde_json::json!({"CloseLocation": {"code": "WH1"}});
        assert_eq!(serde_json::from_value::<LocationsCommand>(json).unwrap(), close("WH1"));
    }

    #[test]
    fn a_command_with_a_misspelled_or_missing_field_is_refused_by_serde() {
        let json = serde_json::json!({"code": "WH1", "name": "W", "type": "warehouse"});
        assert!(serde_json::from_value::<OpenLocation>(json).is_err());
        let json = serde_json::json!({"CloseLocation": {"code": "WH1", "force": true}});
        assert!(serde_json::from_value::<LocationsCommand>(json).is_err());
        let json = serde_json::json!({"RenameLocation": {"code": "WH1"}});
        assert!(serde_json::from_value::<LocationsCommand>(json).is_err());
    }

    pub(super) fn one_of_each_event() -> Vec<LocationsEvent> {
        vec![
            warehouse("WH1"),
            opened_in("WH1.A", LocationKind::Zone, Some("WH1"), "WH1"),
            renamed("WH1.A", "Cold room"),
            closed("WH1.A"),
        ]
    }

    #[test]
    fn events_are_externally_tagged_and_round_trip() {
        for event in one_of_each_event() {
            let json = serde_json::to_value(&event).unwrap();
            let object = json.as_object().unwrap();
            assert_eq!(object.len(), 1);
            assert!(object.contains_key(&event.event_type()));
            assert_eq!(serde_json::from_value::<LocationsEvent>(json).unwrap(), event);
        }
    }

    #[test]
    fn event_types_versions_and_aggregate_type_are_stable() {
        let types: Vec<String> = one_of_each_event().iter().map(DomainEvent::event_type).collect();
        assert_eq!(types, ["LocationOpened", "LocationOpened", "LocationRenamed", "LocationClosed"]);
        assert!(one_of_each_event().iter().all(|e| e.event_version() == "1"));
        assert_eq!(Locations::TYPE, "supply.locations");
        assert_eq!(LOCATIONS_ID, "locations");
    }

    #[test]
    fn aggregate_state_round_trips_through_serde_for_snapshots() {
        let locations: Locations = fold([site(), vec![closed("WH1.A.02")]].concat());
        let json = serde_json::to_string(&locations).unwrap();
        assert_eq!(serde_json::from_str::<Locations>(&json).unwrap(), locations);
    }

    #[test]
    fn aggregate_state_keeps_one_flat_object_per_location_as_stored_snapshots_have_it() {
        let stored = serde_json::json!({"locations": {
            "WH1": {"code": "WH1", "name": "Location WH1", "kind": "warehouse", "parent": null, "warehouse": "WH1", "open": true},
            "WH1.A": {"code": "WH1.A", "name": "Cold room", "kind": "zone", "parent": "WH1", "warehouse": "WH1", "open": false},
        }});
        let locations: Locations = fold(vec![
            warehouse("WH1"),
            opened_in("WH1.A", LocationKind::Zone, Some("WH1"), "WH1"),
            renamed("WH1.A", "Cold room"),
            closed("WH1.A"),
        ]);
        assert_eq!(serde_json::to_value(&locations).unwrap(), stored);
        assert_eq!(serde_json::from_value::<Locations>(stored).unwrap(), locations);
    }
}

mod avro_contract {
    //! The serde JSON of each event must have exactly the fields of its Avro schema,
    //! with compatible types, so the wire contract and the Rust types cannot drift.

    use super::*;
    use crate::avro_contract::assert_event_matches_schema;

    const OPENED_AVSC: &str = include_str!("../../../../schemas/avro/supply/LocationOpened.avsc");
    const RENAMED_AVSC: &str = include_str!("../../../../schemas/avro/supply/LocationRenamed.avsc");
    const CLOSED_AVSC: &str = include_str!("../../../../schemas/avro/supply/LocationClosed.avsc");

    #[test]
    fn location_events_json_match_their_avro_schemas_with_parent_set_and_null() {
        let [warehouse, zone, renamed, closed] =
            <[LocationsEvent; 4]>::try_from(state_and_wire::one_of_each_event()).unwrap();
        assert_event_matches_schema(OPENED_AVSC, &warehouse);
        assert_event_matches_schema(OPENED_AVSC, &zone);
        assert_event_matches_schema(RENAMED_AVSC, &renamed);
        assert_event_matches_schema(CLOSED_AVSC, &closed);
    }

    #[test]
    fn every_event_decide_records_matches_its_schema() {
        let commands = [
            (OPENED_AVSC, open("WH3", "warehouse", None)),
            (OPENED_AVSC, open("WH1.A.09", "bin", Some("WH1.A"))),
            (RENAMED_AVSC, rename("WH2", "Overflow")),
            (CLOSED_AVSC, close("WH2")),
        ];
        for (avsc, command) in commands {
            for event in assert_accepted(framework(), site(), command) {
                assert_event_matches_schema(avsc, &event);
            }
        }
    }
}

mod properties {
    use proptest::option;
    use proptest::prelude::*;

    use super::*;
    use crate::test_support::{check_command_sequence, check_tree, commands_along, TreeNode, SEQUENCE_CASES};

    /// The codes the generated commands name (one of them invalid).
    const CODES: [&str; 5] = ["WH1", "WH2", "Z1", "B1", "b 1"];

    fn tree_of(locations: &Locations) -> Vec<TreeNode<LocationKind>> {
        locations
            .locations()
            .map(|location| TreeNode {
                id: location.code().to_owned(),
                name: location.name().to_owned(),
                kind: location.kind(),
                parent_kind: location.kind().parent_kind(),
                parent: location.parent().map(str::to_owned),
                open: location.is_open(),
            })
            .collect()
    }

    /// Opening, renaming and closing among a few codes, of every kind and an unknown one,
    /// under any of them or none.
    fn arb_command() -> impl Strategy<Value = LocationsCommand> {
        let code = || prop::sample::select(CODES.to_vec());
        prop_oneof![
            (code(), prop::sample::select(vec!["warehouse", "zone", "bin", "aisle"]), option::of(code()))
                .prop_map(|(code, kind, parent)| open(code, kind, parent)),
            (code(), prop::sample::select(vec!["Main", " "])).prop_map(|(code, name)| rename(code, name)),
            code().prop_map(close),
        ]
    }

    /// A site built and wound down: a warehouse with a zone and its bin, a second warehouse,
    /// then the first closed from the bottom up.
    fn site_life() -> Vec<LocationsCommand> {
        vec![
            open("WH1", "warehouse", None),
            open("Z1", "zone", Some("WH1")),
            open("B1", "bin", Some("Z1")),
            open("WH2", "warehouse", None),
            rename("B1", "Main"),
            close("B1"),
            close("Z1"),
            close("WH1"),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(SEQUENCE_CASES))]

        /// Whatever is attempted, the locations keep the tree invariants (see
        /// [`check_tree`]), and each belongs to the warehouse of its parent — a warehouse to
        /// itself.
        #[test]
        fn the_locations_stay_a_tree_of_warehouses_zones_and_bins(
            commands in commands_along(site_life(), arb_command()),
        ) {
            check_command_sequence::<Locations>(&(), commands, |step| {
                check_tree(&tree_of(step.before), &tree_of(step.after))?;
                for location in step.after.locations() {
                    let warehouse = match location.parent() {
                        None => Some(location.code()),
                        Some(parent) => step.after.location(parent).map(Location::warehouse),
                    };
                    prop_assert_eq!(Some(location.warehouse()), warehouse, "{}", location.code());
                }
                Ok(())
            })?;
        }
    }
}
