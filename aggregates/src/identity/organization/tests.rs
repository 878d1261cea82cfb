//! Given–when–then tests for every organisation rule — the hierarchy on adding and moving,
//! renaming, closing — each limit at and beyond it, the queries the command API reads, serde of
//! commands, events and state, and the contract test that keeps events and Avro schemas in
//! step.

use cqrs_es::test::TestFramework;
use cqrs_es::{Aggregate, DomainEvent};

use super::*;
use crate::refusal::RefusalKind;
use crate::test_support::{assert_accepted, assert_error_table, assert_refused_as, fold};

fn framework() -> TestFramework<Organization> {
    TestFramework::with(())
}

/// The `OrganizationUnitAdded` of `unit_id` of `kind` under `parent`, named after its id.
fn added(unit_id: &str, kind: UnitKind, parent: Option<&str>) -> OrganizationEvent {
    OrganizationEvent::OrganizationUnitAdded(OrganizationUnitAdded {
        unit_id: unit_id.to_owned(),
        name: format!("Unit {unit_id}"),
        kind: kind.as_str().to_owned(),
        parent: parent.map(str::to_owned),
    })
}

fn renamed(unit_id: &str, name: &str) -> OrganizationEvent {
    OrganizationEvent::OrganizationUnitRenamed(OrganizationUnitRenamed {
        unit_id: unit_id.to_owned(),
        name: name.to_owned(),
    })
}

fn moved(unit_id: &str, from: &str, to: &str) -> OrganizationEvent {
    OrganizationEvent::OrganizationUnitMoved(OrganizationUnitMoved {
        unit_id: unit_id.to_owned(),
        parent: to.to_owned(),
        previous_parent: from.to_owned(),
    })
}

fn closed(unit_id: &str) -> OrganizationEvent {
    OrganizationEvent::OrganizationUnitClosed(OrganizationUnitClosed { unit_id: unit_id.to_owned() })
}

/// Company `acme` → departments `finance` (teams `payables`, `receivables`) and `sales`;
/// company `globex` → department `research`, without teams.
fn chart() -> Vec<OrganizationEvent> {
    use UnitKind::{Company, Department, Team};
    vec![
        added("acme", Company, None),
        added("finance", Department, Some("acme")),
        added("payables", Team, Some("finance")),
        added("receivables", Team, Some("finance")),
        added("sales", Department, Some("acme")),
        added("globex", Company, None),
        added("research", Department, Some("globex")),
    ]
}

/// [`chart`] and then `more`.
fn chart_then(more: Vec<OrganizationEvent>) -> Vec<OrganizationEvent> {
    [chart(), more].concat()
}

fn add_input(unit_id: &str, kind: &str, parent: Option<&str>) -> AddUnit {
    AddUnit {
        unit_id: unit_id.to_owned(),
        name: format!("Unit {unit_id}"),
        kind: kind.to_owned(),
        parent: parent.map(str::to_owned),
    }
}

fn add(unit_id: &str, kind: &str, parent: Option<&str>) -> OrganizationCommand {
    OrganizationCommand::AddUnit(add_input(unit_id, kind, parent))
}

fn rename(unit_id: &str, name: &str) -> OrganizationCommand {
    OrganizationCommand::RenameUnit { unit_id: unit_id.to_owned(), name: name.to_owned() }
}

fn move_to(unit_id: &str, parent: &str) -> OrganizationCommand {
    OrganizationCommand::MoveUnit { unit_id: unit_id.to_owned(), parent: parent.to_owned() }
}

fn close(unit_id: &str) -> OrganizationCommand {
    OrganizationCommand::CloseUnit { unit_id: unit_id.to_owned() }
}

/// Given `given`, `command` is refused as a 422 with `expected`, naming `field`.
fn assert_invalid_given(
    given: Vec<OrganizationEvent>,
    command: OrganizationCommand,
    expected: OrganizationError,
    field: &str,
    code: &str,
) {
    assert_refused_as(framework(), given, command, expected, Some(field), code, RefusalKind::Invalid);
}

/// Given [`chart`], `command` is refused as a 422 with `expected`, naming `field`.
fn assert_invalid(command: OrganizationCommand, expected: OrganizationError, field: &str, code: &str) {
    assert_invalid_given(chart(), command, expected, field, code);
}

mod adding {
    use super::*;

    #[test]
    fn a_company_then_a_department_then_a_team_build_the_hierarchy() {
        framework().given_no_previous_events().when(add("acme", "company", None)).then_expect_events(vec![added(
            "acme",
            UnitKind::Company,
            None,
        )]);
        let company = vec![added("acme", UnitKind::Company, None)];
        framework()
            .given(company.clone())
            .when(add("finance", "department", Some("acme")))
            .then_expect_events(vec![added("finance", UnitKind::Department, Some("acme"))]);
        framework()
            .given([company, vec![added("finance", UnitKind::Department, Some("acme"))]].concat())
            .when(add("payables", "team", Some("finance")))
            .then_expect_events(vec![added("payables", UnitKind::Team, Some("finance"))]);
    }

    #[test]
    fn unit_ids_of_lowercase_letters_digits_dashes_and_underscores_up_to_the_limit_are_accepted() {
        for unit_id in ["a", "7", "payables-team", "emea_2", "-x_", &"u".repeat(MAX_UNIT_ID_CHARS)] {
            let events = assert_accepted(framework(), vec![], add(unit_id, "company", None));
            assert_eq!(events, vec![added(unit_id, UnitKind::Company, None)], "{unit_id}");
        }
    }

    #[test]
    fn an_invalid_unit_id_is_rejected_with_its_reason() {
        let too_long = "u".repeat(MAX_UNIT_ID_CHARS + 1);
        let cases = [
            ("", UnitIdError::Empty),
            (too_long.as_str(), UnitIdError::TooLong { chars: 41, max: 40 }),
            ("Acme", UnitIdError::InvalidCharacter { found: 'A', position: 0 }),
            ("acme inc", UnitIdError::InvalidCharacter { found: ' ', position: 4 }),
            ("acme.eu", UnitIdError::InvalidCharacter { found: '.', position: 4 }),
            ("zürich", UnitIdError::InvalidCharacter { found: 'ü', position: 1 }),
        ];
        for (unit_id, reason) in cases {
            let expected = OrganizationError::InvalidUnitId { reason };
            assert_invalid(add(unit_id, "company", None), expected, "unit_id", "invalid_unit_id");
        }
    }

    #[test]
    fn a_unit_id_in_use_is_a_conflict_even_when_closed() {
        let given = chart_then(vec![closed("research")]);
        for unit_id in ["payables", "research"] {
            assert_refused_as(
                framework(),
                given.clone(),
                add(unit_id, "company", None),
                OrganizationError::UnitExists { unit_id: unit_id.to_owned() },
                Some("unit_id"),
                "unit_exists",
                RefusalKind::Conflict,
            );
        }
    }

    #[test]
    fn a_name_must_be_non_blank_and_at_most_the_limit() {
        let named =
            |name: String| OrganizationCommand::AddUnit(AddUnit { name, ..add_input("initech", "company", None) });
        assert_accepted(framework(), chart(), named("n".repeat(MAX_NAME_CHARS)));
        assert_invalid(named(" \t".to_owned()), OrganizationError::NameBlank, "name", "name_blank");
        let expected = OrganizationError::NameTooLong { chars: 201, max: 200 };
        assert_invalid(named("n".repeat(MAX_NAME_CHARS + 1)), expected, "name", "name_too_long");
    }

    #[test]
    fn an_unknown_kind_is_rejected() {
        for kind in ["", "Company", "division"] {
            let expected = OrganizationError::InvalidKind { kind: kind.to_owned() };
            assert_invalid(add("initech", kind, None), expected, "kind", "invalid_kind");
        }
    }

    #[test]
    fn a_company_has_no_parent() {
        let expected = OrganizationError::ParentNotAllowed;
        assert_invalid(add("initech", "company", Some("acme")), expected, "parent", "parent_not_allowed");
    }

    #[test]
    fn a_department_or_team_needs_a_parent() {
        let cases =
            [("department", UnitKind::Department, UnitKind::Company), ("team", UnitKind::Team, UnitKind::Department)];
        for (name, kind, expected) in cases {
            let error = OrganizationError::ParentRequired { kind, expected };
            assert_invalid(add("x", name, None), error, "parent", "parent_required");
        }
    }

    #[test]
    fn the_parent_must_exist() {
        let expected = OrganizationError::ParentNotFound { parent: "nowhere".to_owned() };
        assert_invalid(add("x", "team", Some("nowhere")), expected, "parent", "parent_not_found");
    }

    #[test]
    fn a_department_sits_under_a_company_and_a_team_under_a_department() {
        use UnitKind::{Company, Department, Team};
        let cases = [
            ("department", "finance", Department, Department, Company),
            ("department", "payables", Team, Department, Company),
            ("team", "acme", Company, Team, Department),
            ("team", "payables", Team, Team, Department),
        ];
        for (name, parent, parent_kind, kind, expected) in cases {
            let error =
                OrganizationError::ParentKindMismatch { parent: parent.to_owned(), parent_kind, kind, expected };
            assert_invalid(add("x", name, Some(parent)), error, "parent", "parent_kind_mismatch");
        }
    }

    #[test]
    fn the_parent_must_be_open() {
        let expected = OrganizationError::ParentClosed { parent: "research".to_owned() };
        let command = add("lab", "team", Some("research"));
        assert_invalid_given(chart_then(vec![closed("research")]), command, expected, "parent", "parent_closed");
    }

    #[test]
    fn rules_are_checked_in_order_and_the_first_broken_one_is_reported() {
        let mut input = AddUnit { name: String::new(), ..add_input("acme", "division", Some("nowhere")) };
        let next = |input: &AddUnit| OrganizationCommand::AddUnit(input.clone());
        assert_refused_as(
            framework(),
            chart(),
            next(&input),
            OrganizationError::UnitExists { unit_id: "acme".to_owned() },
            Some("unit_id"),
            "unit_exists",
            RefusalKind::Conflict,
        );
        input.unit_id = "x".to_owned();
        assert_invalid(next(&input), OrganizationError::NameBlank, "name", "name_blank");
        input.name = "X".to_owned();
        let expected = OrganizationError::InvalidKind { kind: "division".to_owned() };
        assert_invalid(next(&input), expected, "kind", "invalid_kind");
        input.kind = "team".to_owned();
        let expected = OrganizationError::ParentNotFound { parent: "nowhere".to_owned() };
        assert_invalid(next(&input), expected, "parent", "parent_not_found");
    }

    #[test]
    fn the_number_of_units_is_limited_closed_ones_included() {
        let full: Vec<OrganizationEvent> =
            (0..MAX_UNITS).map(|i| added(&format!("c{i}"), UnitKind::Company, None)).collect();
        assert_refused_as(
            framework(),
            full.clone(),
            add("one-more", "company", None),
            OrganizationError::TooManyUnits { max: MAX_UNITS },
            None,
            "too_many_units",
            RefusalKind::Invalid,
        );
        let [_, all_but_one @ ..] = full.as_slice() else { panic!("no units") };
        assert_accepted(framework(), all_but_one.to_vec(), add("one-more", "company", None));
    }
}

mod renaming {
    use super::*;

    #[test]
    fn renaming_records_the_new_name() {
        framework()
            .given(chart())
            .when(rename("finance", "Finance & Control"))
            .then_expect_events(vec![renamed("finance", "Finance & Control")]);
    }

    #[test]
    fn an_unknown_unit_is_not_found_whatever_the_command() {
        for command in [rename("nowhere", "X"), move_to("nowhere", "acme"), close("nowhere")] {
            assert_refused_as(
                framework(),
                chart(),
                command,
                OrganizationError::UnitNotFound { unit_id: "nowhere".to_owned() },
                Some("unit_id"),
                "unit_not_found",
                RefusalKind::NotFound,
            );
        }
    }

    #[test]
    fn a_blank_over_long_or_unchanged_name_is_rejected() {
        assert_invalid(rename("acme", ""), OrganizationError::NameBlank, "name", "name_blank");
        let expected = OrganizationError::NameTooLong { chars: 201, max: 200 };
        assert_invalid(rename("acme", &"n".repeat(MAX_NAME_CHARS + 1)), expected, "name", "name_too_long");
        let expected = OrganizationError::NameUnchanged { unit_id: "acme".to_owned(), name: "Unit acme".to_owned() };
        assert_invalid(rename("acme", "Unit acme"), expected, "name", "name_unchanged");
    }
}

mod moving {
    use super::*;

    #[test]
    fn a_team_moves_to_another_department_and_a_department_to_another_company() {
        framework()
            .given(chart())
            .when(move_to("payables", "sales"))
            .then_expect_events(vec![moved("payables", "finance", "sales")]);
        framework()
            .given(chart())
            .when(move_to("sales", "globex"))
            .then_expect_events(vec![moved("sales", "acme", "globex")]);
    }

    #[test]
    fn a_move_keeps_the_hierarchy_rules() {
        use UnitKind::{Company, Department, Team};
        let cases = [
            ("payables", "acme", Company, Team, Department),
            ("payables", "receivables", Team, Team, Department),
            ("finance", "sales", Department, Department, Company),
        ];
        for (unit_id, parent, parent_kind, kind, expected) in cases {
            let error =
                OrganizationError::ParentKindMismatch { parent: parent.to_owned(), parent_kind, kind, expected };
            assert_invalid(move_to(unit_id, parent), error, "parent", "parent_kind_mismatch");
        }
        let expected = OrganizationError::ParentNotFound { parent: "nowhere".to_owned() };
        assert_invalid(move_to("payables", "nowhere"), expected, "parent", "parent_not_found");
        let expected = OrganizationError::ParentClosed { parent: "research".to_owned() };
        let command = move_to("payables", "research");
        assert_invalid_given(chart_then(vec![closed("research")]), command, expected, "parent", "parent_closed");
    }

    #[test]
    fn a_company_cannot_be_moved() {
        assert_invalid(move_to("globex", "acme"), OrganizationError::ParentNotAllowed, "parent", "parent_not_allowed");
    }

    #[test]
    fn a_move_to_the_current_parent_is_rejected() {
        let expected =
            OrganizationError::ParentUnchanged { unit_id: "payables".to_owned(), parent: "finance".to_owned() };
        assert_invalid(move_to("payables", "finance"), expected, "parent", "parent_unchanged");
    }

    #[test]
    fn a_moved_unit_sits_under_its_new_parent_which_then_cannot_close_before_it() {
        let organization: Organization = fold(chart_then(vec![moved("payables", "finance", "research")]));
        assert_eq!(organization.unit("payables").unwrap().parent(), Some("research"));
        let children: Vec<&str> = organization.children("finance").map(Unit::unit_id).collect();
        assert_eq!(children, ["receivables"]);
        assert_refused_as(
            framework(),
            chart_then(vec![moved("payables", "finance", "research")]),
            close("research"),
            OrganizationError::HasOpenChildren {
                unit_id: "research".to_owned(),
                children: vec!["payables".to_owned()],
            },
            None,
            "has_open_children",
            RefusalKind::Conflict,
        );
    }
}

mod closing {
    use super::*;

    #[test]
    fn closing_a_unit_without_open_units_under_it_records_it() {
        framework().given(chart()).when(close("payables")).then_expect_events(vec![closed("payables")]);
        framework().given(chart()).when(close("sales")).then_expect_events(vec![closed("sales")]);
    }

    #[test]
    fn closing_is_refused_while_units_under_it_are_open() {
        let cases = [
            (chart_then(vec![closed("payables")]), "finance", vec!["receivables"]),
            (chart(), "acme", vec!["finance", "sales"]),
        ];
        for (given, unit_id, children) in cases {
            assert_refused_as(
                framework(),
                given,
                close(unit_id),
                OrganizationError::HasOpenChildren {
                    unit_id: unit_id.to_owned(),
                    children: children.into_iter().map(str::to_owned).collect(),
                },
                None,
                "has_open_children",
                RefusalKind::Conflict,
            );
        }
    }

    #[test]
    fn a_unit_closes_once_the_units_under_it_are_closed() {
        let given = chart_then(vec![closed("payables"), closed("receivables"), closed("finance"), closed("sales")]);
        framework().given(given).when(close("acme")).then_expect_events(vec![closed("acme")]);
    }

    #[test]
    fn a_closed_unit_takes_no_change() {
        for command in [close("research"), rename("research", "Lab"), move_to("research", "acme")] {
            assert_refused_as(
                framework(),
                chart_then(vec![closed("research")]),
                command,
                OrganizationError::UnitClosed { unit_id: "research".to_owned() },
                None,
                "unit_closed",
                RefusalKind::Conflict,
            );
        }
    }
}

mod queries {
    use super::*;

    #[test]
    fn a_unit_answers_its_name_kind_parent_and_state() {
        let organization: Organization = fold(chart_then(vec![renamed("finance", "Finance"), closed("receivables")]));
        let team = organization.unit("payables").unwrap();
        assert_eq!(
            (team.unit_id(), team.name(), team.kind(), team.parent(), team.is_open()),
            ("payables", "Unit payables", UnitKind::Team, Some("finance"), true)
        );
        let department = organization.unit("finance").unwrap();
        assert_eq!((department.name(), department.kind()), ("Finance", UnitKind::Department));
        assert_eq!(organization.unit("acme").unwrap().parent(), None);
        assert!(organization.is_open_unit("payables"));
        assert!(!organization.is_open_unit("receivables"), "closed");
        assert!(!organization.is_open_unit("nowhere"), "unknown");
    }

    #[test]
    fn children_iterate_in_id_order_closed_ones_included() {
        let organization: Organization = fold(chart_then(vec![closed("receivables")]));
        let children: Vec<&str> = organization.children("finance").map(Unit::unit_id).collect();
        assert_eq!(children, ["payables", "receivables"]);
        assert_eq!(organization.children("payables").count(), 0);
        assert!(Organization::default().unit("acme").is_none());
    }

    #[test]
    fn kinds_read_back_and_nothing_else_parses() {
        for kind in UnitKind::ALL {
            assert_eq!(UnitKind::parse(kind.as_str()), Some(kind));
            assert_eq!(serde_json::to_value(kind).unwrap(), kind.to_string());
        }
        assert_eq!(UnitKind::parse("TEAM"), None);
        let parents: Vec<Option<UnitKind>> = UnitKind::ALL.into_iter().map(UnitKind::parent_kind).collect();
        assert_eq!(parents, [None, Some(UnitKind::Company), Some(UnitKind::Department)]);
    }
}

mod state_and_wire {
    use super::*;

    #[test]
    fn every_error_has_a_unique_snake_case_code_a_field_and_a_kind() {
        use OrganizationError as E;
        use RefusalKind::{Conflict, Invalid, NotFound};
        use UnitKind::{Company, Department, Team};
        let id = || "acme".to_owned();
        assert_error_table(&[
            (E::InvalidUnitId { reason: UnitIdError::Empty }, Some("unit_id"), Invalid),
            (E::UnitExists { unit_id: id() }, Some("unit_id"), Conflict),
            (E::NameBlank, Some("name"), Invalid),
            (E::NameTooLong { chars: 201, max: 200 }, Some("name"), Invalid),
            (E::NameUnchanged { unit_id: id(), name: "n".to_owned() }, Some("name"), Invalid),
            (E::InvalidKind { kind: "x".to_owned() }, Some("kind"), Invalid),
            (E::ParentRequired { kind: Team, expected: Department }, Some("parent"), Invalid),
            (E::ParentNotAllowed, Some("parent"), Invalid),
            (E::ParentNotFound { parent: id() }, Some("parent"), Invalid),
            (
                E::ParentKindMismatch { parent: id(), parent_kind: Company, kind: Team, expected: Department },
                Some("parent"),
                Invalid,
            ),
            (E::ParentClosed { parent: id() }, Some("parent"), Invalid),
            (E::ParentUnchanged { unit_id: id(), parent: id() }, Some("parent"), Invalid),
            (E::TooManyUnits { max: MAX_UNITS }, None, Invalid),
            (E::UnitNotFound { unit_id: id() }, Some("unit_id"), NotFound),
            (E::UnitClosed { unit_id: id() }, None, Conflict),
            (E::HasOpenChildren { unit_id: id(), children: vec![id()] }, None, Conflict),
        ]);
    }

    #[test]
    fn error_messages_say_what_is_wrong() {
        let mismatch = OrganizationError::ParentKindMismatch {
            parent: "acme".to_owned(),
            parent_kind: UnitKind::Company,
            kind: UnitKind::Team,
            expected: UnitKind::Department,
        };
        assert_eq!(mismatch.to_string(), "parent acme is a company; a team sits under a department");
        let children = OrganizationError::HasOpenChildren {
            unit_id: "acme".to_owned(),
            children: vec!["finance".to_owned(), "sales".to_owned()],
        };
        assert_eq!(children.to_string(), "unit acme has open units finance, sales under it; close them first");
        let reason = UnitIdError::InvalidCharacter { found: 'A', position: 0 };
        assert_eq!(
            OrganizationError::InvalidUnitId { reason }.to_string(),
            "unit_id contains 'A' at position 0; only a-z, 0-9, - and _ are allowed"
        );
    }

    #[test]
    fn commands_deserialize_from_api_json_and_refuse_unknown_fields() {
        let json = serde_json::json!({"AddUnit": {"unit_id": "acme", "name": "Unit acme", "kind": "company"}});
        assert_eq!(serde_json::from_value::<OrganizationCommand>(json).unwrap(), add("acme", "company", None));
        let json = serde_json::json!({"AddUnit": {"unit_id": "x", "name": "X", "kind": "team", "parent": "f", "x": 1}});
        assert!(serde_json::from_value::<OrganizationCommand>(json).is_err());
        let json = serde_json::json!({"MoveUnit": {"unit_id": "payables"}});
        assert!(serde_json::from_value::<OrganizationCommand>(json).is_err(), "a move names the new parent");
    }

    #[test]
    fn events_are_externally_tagged_and_round_trip_with_stable_names() {
        let events = [added("acme", UnitKind::Company, None), renamed("acme", "A"), moved("x", "a", "b"), closed("x")];
        let names: Vec<String> = events.iter().map(DomainEvent::event_type).collect();
        assert_eq!(
            names,
            ["OrganizationUnitAdded", "OrganizationUnitRenamed", "OrganizationUnitMoved", "OrganizationUnitClosed"]
        );
        for event in events {
            let json = serde_json::to_value(&event).unwrap();
            assert!(json[event.event_type()]["unit_id"].is_string(), "{json}");
            assert_eq!(serde_json::from_value::<OrganizationEvent>(json).unwrap(), event);
        }
        assert_eq!(closed("x").event_version(), "1");
        assert_eq!(Organization::TYPE, "identity.organization");
    }

    #[test]
    fn aggregate_state_round_trips_through_serde_for_snapshots() {
        let organization: Organization =
            fold(chart_then(vec![moved("payables", "finance", "sales"), closed("research")]));
        let json = serde_json::to_string(&organization).unwrap();
        assert_eq!(serde_json::from_str::<Organization>(&json).unwrap(), organization);
    }

    #[test]
    fn aggregate_state_keeps_one_flat_object_per_unit_as_stored_snapshots_have_it() {
        let stored = serde_json::json!({"units": {
            "acme": {"unit_id": "acme", "name": "Unit acme", "kind": "company", "parent": null, "open": true},
            "globex": {"unit_id": "globex", "name": "Unit globex", "kind": "company", "parent": null, "open": true},
            "sales": {"unit_id": "sales", "name": "Sales", "kind": "department", "parent": "globex", "open": false},
        }});
        let organization: Organization = fold(vec![
            added("acme", UnitKind::Company, None),
            added("globex", UnitKind::Company, None),
            added("sales", UnitKind::Department, Some("acme")),
            renamed("sales", "Sales"),
            moved("sales", "acme", "globex"),
            closed("sales"),
        ]);
        assert_eq!(serde_json::to_value(&organization).unwrap(), stored);
        assert_eq!(serde_json::from_value::<Organization>(stored).unwrap(), organization);
    }
}

mod avro_contract {
    //! The serde JSON of each event must have exactly the fields of its Avro schema, with
    //! compatible types, so the wire contract and the Rust types cannot drift.

    use super::*;
    use crate::avro_contract::assert_event_matches_schema;

    const ADDED_AVSC: &str = include_str!("../../../../schemas/avro/identity/OrganizationUnitAdded.avsc");
    const RENAMED_AVSC: &str = include_str!("../../../../schemas/avro/identity/OrganizationUnitRenamed.avsc");
    const MOVED_AVSC: &str = include_str!("../../../../schemas/avro/identity/OrganizationUnitMoved.avsc");
    const CLOSED_AVSC: &str = include_str!("../../../../schemas/avro/identity/OrganizationUnitClosed.avsc");

    #[test]
    fn every_event_decide_records_matches_its_schema_with_and_without_a_parent() {
        let cases = [
            (ADDED_AVSC, add("initech", "company", None)),
            (ADDED_AVSC, add("legal", "department", Some("acme"))),
            (RENAMED_AVSC, rename("acme", "Acme Ltd")),
            (MOVED_AVSC, move_to("payables", "sales")),
            (CLOSED_AVSC, close("payables")),
        ];
        for (avsc, command) in cases {
            for event in assert_accepted(framework(), chart(), command) {
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

    /// The unit ids the generated commands name (one of them invalid).
    const UNIT_IDS: [&str; 5] = ["acme", "beta", "finance", "payables", "Bad Id"];

    fn tree_of(organization: &Organization) -> Vec<TreeNode<UnitKind>> {
        UNIT_IDS
            .iter()
            .filter_map(|id| organization.unit(id))
            .map(|unit| TreeNode {
                id: unit.unit_id().to_owned(),
                name: unit.name().to_owned(),
                kind: unit.kind(),
                parent_kind: unit.kind().parent_kind(),
                parent: unit.parent().map(str::to_owned),
                open: unit.is_open(),
            })
            .collect()
    }

    /// Adding, renaming, moving and closing among a few unit ids, of every kind and an
    /// unknown one, under any of them or none.
    fn arb_command() -> impl Strategy<Value = OrganizationCommand> {
        let unit_id = || prop::sample::select(UNIT_IDS.to_vec());
        prop_oneof![
            (unit_id(), prop::sample::select(vec!["company", "department", "team", "division"]), option::of(unit_id()))
                .prop_map(|(unit_id, kind, parent)| add(unit_id, kind, parent)),
            (unit_id(), prop::sample::select(vec!["Main", " "])).prop_map(|(unit_id, name)| rename(unit_id, name)),
            (unit_id(), unit_id()).prop_map(|(unit_id, parent)| move_to(unit_id, parent)),
            unit_id().prop_map(close),
        ]
    }

    /// An organisation built and wound down: a company with a department and its team, a
    /// second company the department moves to, then every unit closed from the bottom up.
    fn reorganisation() -> Vec<OrganizationCommand> {
        vec![
            add("acme", "company", None),
            add("finance", "department", Some("acme")),
            add("payables", "team", Some("finance")),
            add("beta", "company", None),
            move_to("finance", "beta"),
            close("payables"),
            close("finance"),
            close("beta"),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(SEQUENCE_CASES))]

        /// Whatever is attempted, the units keep the tree invariants (see [`check_tree`]):
        /// companies, departments under companies, teams under departments, no open unit under
        /// a closed one, closed for good.
        #[test]
        fn the_units_stay_a_tree_of_companies_departments_and_teams(
            commands in commands_along(reorganisation(), arb_command()),
        ) {
            check_command_sequence::<Organization>(&(), commands, |step| {
                check_tree(&tree_of(step.before), &tree_of(step.after))
            })?;
        }
    }
}
