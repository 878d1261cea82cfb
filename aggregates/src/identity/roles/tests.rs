//! Given–when–then tests for every custom-role rule, each limit at and beyond it, the queries
//! the command side reads (active roles, permissions of role names), serde of commands, events
//! and state, and the contract test that keeps events and Avro schemas in step.

use cqrs_es::test::TestFramework;
use cqrs_es::{Aggregate, DomainEvent};

use super::*;
use crate::identity::permissions::{Permission, Role};
use crate::refusal::RefusalKind;
use crate::test_support::{assert_accepted, assert_error_table, assert_refused_as, fold};

fn framework() -> TestFramework<Roles> {
    TestFramework::with(())
}

fn strings(names: &[&str]) -> Vec<String> {
    names.iter().map(|name| (*name).to_owned()).collect()
}

/// Define `name` granting `permissions`, described as "Role <name>".
fn define(name: &str, permissions: &[&str]) -> RolesCommand {
    RolesCommand::DefineRole {
        name: name.to_owned(),
        description: format!("Role {name}"),
        permissions: strings(permissions),
    }
}

fn defined(name: &str, permissions: &[&str]) -> RolesEvent {
    RolesEvent::RoleDefined(RoleDefined {
        name: name.to_owned(),
        description: format!("Role {name}"),
        permissions: strings(permissions),
    })
}

fn change(name: &str, permissions: &[&str]) -> RolesCommand {
    RolesCommand::ChangeRolePermissions { name: name.to_owned(), permissions: strings(permissions) }
}

fn changed(name: &str, permissions: &[&str]) -> RolesEvent {
    RolesEvent::RolePermissionsChanged(RolePermissionsChanged {
        name: name.to_owned(),
        permissions: strings(permissions),
    })
}

fn retire(name: &str) -> RolesCommand {
    RolesCommand::RetireRole { name: name.to_owned() }
}

fn retired(name: &str) -> RolesEvent {
    RolesEvent::RoleRetired(RoleRetired { name: name.to_owned() })
}

/// `ap_clerk` (invoices and payments), and `viewer` (the audit trail), retired.
fn roles() -> Vec<RolesEvent> {
    vec![
        defined("ap_clerk", &["finance.invoice.manage", "finance.payment.process"]),
        defined("viewer", &["audit.read"]),
        retired("viewer"),
    ]
}

/// Given `given`, `command` is refused as `expected`, naming `field`, with `code`, of `kind`.
fn assert_refused(
    given: Vec<RolesEvent>,
    command: RolesCommand,
    expected: RolesError,
    field: Option<&str>,
    code: &str,
    kind: RefusalKind,
) {
    assert_refused_as(framework(), given, command, expected, field, code, kind);
}

mod defining {
    use super::*;

    #[test]
    fn defining_records_the_role_with_its_permissions_in_catalogue_order() {
        framework()
            .given_no_previous_events()
            .when(define("ap_clerk", &["finance.payment.process", "finance.invoice.manage"]))
            .then_expect_events(vec![defined("ap_clerk", &["finance.invoice.manage", "finance.payment.process"])]);
    }

    #[test]
    fn names_of_one_to_forty_lowercase_letters_digits_underscores_and_hyphens_starting_with_a_letter_are_accepted() {
        for name in ["a", "ap-clerk_2", &"r".repeat(MAX_ROLE_NAME_CHARS)] {
            assert_accepted(framework(), vec![], define(name, &["audit.read"]));
        }
    }

    #[test]
    fn a_malformed_name_is_refused() {
        let too_long = "r".repeat(MAX_ROLE_NAME_CHARS + 1);
        for name in ["", "2nd", "_clerk", "Clerk", "ap clerk", "ap.clerk", "clérk", too_long.as_str()] {
            assert_refused(
                vec![],
                define(name, &["audit.read"]),
                RolesError::InvalidName { name: name.to_owned(), max: MAX_ROLE_NAME_CHARS },
                Some("name"),
                "invalid_role_name",
                RefusalKind::Invalid,
            );
        }
    }

    #[test]
    fn a_built_in_role_name_is_reserved() {
        for role in Role::ALL {
            assert_refused(
                vec![],
                define(role.as_str(), &["audit.read"]),
                RolesError::ReservedName { name: role.as_str().to_owned() },
                Some("name"),
                "reserved_role_name",
                RefusalKind::Invalid,
            );
        }
    }

    #[test]
    fn a_name_already_defined_is_a_conflict_even_when_retired() {
        for name in ["ap_clerk", "viewer"] {
            assert_refused(
                roles(),
                define(name, &["audit.read"]),
                RolesError::RoleExists { name: name.to_owned() },
                Some("name"),
                "role_exists",
                RefusalKind::Conflict,
            );
        }
    }

    #[test]
    fn the_description_must_be_non_blank_and_at_most_200_characters() {
        let command = |description: String| RolesCommand::DefineRole {
            name: "clerk".to_owned(),
            description,
            permissions: strings(&["audit.read"]),
        };
        assert_accepted(framework(), vec![], command("d".repeat(MAX_DESCRIPTION_CHARS)));
        assert_refused(
            vec![],
            command(" ".to_owned()),
            RolesError::DescriptionBlank,
            Some("description"),
            "description_blank",
            RefusalKind::Invalid,
        );
        assert_refused(
            vec![],
            command("d".repeat(MAX_DESCRIPTION_CHARS + 1)),
            RolesError::DescriptionTooLong { chars: MAX_DESCRIPTION_CHARS + 1, max: MAX_DESCRIPTION_CHARS },
            Some("description"),
            "description_too_long",
            RefusalKind::Invalid,
        );
    }

    #[test]
    fn the_tenant_may_define_at_most_200_custom_roles() {
        let full: Vec<RolesEvent> = (0..MAX_CUSTOM_ROLES).map(|i| defined(&format!("r{i}"), &["audit.read"])).collect();
        assert_accepted(framework(), full[1..].to_vec(), define("one_more", &["audit.read"]));
        assert_refused(
            full,
            define("one_more", &["audit.read"]),
            RolesError::TooManyRoles { max: MAX_CUSTOM_ROLES },
            None,
            "too_many_roles",
            RefusalKind::Invalid,
        );
    }
}

mod permissions {
    use super::*;

    #[test]
    fn every_permission_of_the_catalogue_may_be_granted_at_once() {
        let all: Vec<&str> = Permission::ALL.iter().map(|p| p.as_str()).collect();
        let events = assert_accepted(framework(), vec![], define("everything", &all));
        let roles: Roles = fold(events);
        assert_eq!(roles.role("everything").unwrap().permissions().len(), Permission::ALL.len());
    }

    #[test]
    fn no_permissions_or_more_than_the_catalogue_holds_are_refused() {
        assert_refused(
            vec![],
            define("clerk", &[]),
            RolesError::NoPermissions,
            Some("permissions"),
            "no_permissions",
            RefusalKind::Invalid,
        );
        let mut names: Vec<&str> = Permission::ALL.iter().map(|p| p.as_str()).collect();
        names.push("audit.read");
        assert_refused(
            vec![],
            define("clerk", &names),
            RolesError::TooManyPermissions { count: Permission::ALL.len() + 1, max: Permission::ALL.len() },
            Some("permissions"),
            "too_many_permissions",
            RefusalKind::Invalid,
        );
    }

    #[test]
    fn an_unknown_permission_is_refused_naming_its_position() {
        assert_refused(
            vec![],
            define("clerk", &["audit.read", "finance.everything"]),
            RolesError::UnknownPermission { index: 1, permission: "finance.everything".to_owned() },
            Some("permissions[1]"),
            "unknown_permission",
            RefusalKind::Invalid,
        );
        assert_refused(
            roles(),
            change("ap_clerk", &["Audit.Read"]),
            RolesError::UnknownPermission { index: 0, permission: "Audit.Read".to_owned() },
            Some("permissions[0]"),
            "unknown_permission",
            RefusalKind::Invalid,
        );
    }

    #[test]
    fn a_permission_listed_twice_is_refused_naming_the_repetition() {
        assert_refused(
            vec![],
            define("clerk", &["audit.read", "supply.po.approve", "audit.read"]),
            RolesError::DuplicatePermission { index: 2, permission: "audit.read".to_owned() },
            Some("permissions[2]"),
            "duplicate_permission",
            RefusalKind::Invalid,
        );
    }
}

mod changing_and_retiring {
    use super::*;

    #[test]
    fn changing_records_every_permission_the_role_now_grants() {
        framework()
            .given(roles())
            .when(change("ap_clerk", &["finance.payment.process"]))
            .then_expect_events(vec![changed("ap_clerk", &["finance.payment.process"])]);
    }

    #[test]
    fn changing_to_the_same_set_in_another_order_records_nothing() {
        framework()
            .given(roles())
            .when(change("ap_clerk", &["finance.payment.process", "finance.invoice.manage"]))
            .then_expect_events(vec![]);
    }

    #[test]
    fn retiring_records_the_retirement() {
        framework().given(roles()).when(retire("ap_clerk")).then_expect_events(vec![retired("ap_clerk")]);
    }

    #[test]
    fn an_unknown_role_is_not_found_and_a_retired_one_a_conflict() {
        for command in [change("nobody", &["audit.read"]), retire("nobody")] {
            assert_refused(
                roles(),
                command,
                RolesError::RoleNotFound { name: "nobody".to_owned() },
                Some("name"),
                "role_not_found",
                RefusalKind::NotFound,
            );
        }
        for command in [change("viewer", &["audit.read"]), retire("viewer")] {
            assert_refused(
                roles(),
                command,
                RolesError::RoleRetired { name: "viewer".to_owned() },
                None,
                "role_retired",
                RefusalKind::Conflict,
            );
        }
    }
}

mod queries {
    use super::*;

    #[test]
    fn permissions_of_unite_built_in_and_active_custom_roles_and_retired_or_unknown_ones_grant_nothing() {
        let roles: Roles = fold(roles());
        assert_eq!(
            roles.permissions_of(&strings(&["ap_clerk", "approver"])),
            [
                Permission::InvoiceManage,
                Permission::PaymentProcess,
                Permission::PurchaseOrderApprove,
                Permission::LeaveApprove
            ]
            .into()
        );
        assert!(roles.permissions_of(&strings(&["viewer", "nobody"])).is_empty());
        assert!(roles.is_active("ap_clerk"));
        assert!(!roles.is_active("viewer") && !roles.is_active("nobody") && !roles.is_active("admin"));
        assert!(roles.role("viewer").unwrap().is_retired());
        assert_eq!(roles.role("ap_clerk").unwrap().description(), "Role ap_clerk");
        assert_eq!(roles.iter().map(|(name, _)| name).collect::<Vec<_>>(), ["ap_clerk", "viewer"]);
    }

    #[test]
    fn a_changed_role_grants_its_new_permissions() {
        let roles: Roles = fold([roles(), vec![changed("ap_clerk", &["audit.read"])]].concat());
        assert_eq!(roles.permissions_of(&strings(&["ap_clerk"])), [Permission::AuditRead].into());
    }
}

mod contract {
    use super::*;
    use crate::refusal::Refusal;

    #[test]
    fn the_aggregate_type_and_event_names_are_the_contract() {
        assert_eq!(Roles::TYPE, "identity.roles");
        assert_eq!(ROLES_ID, "roles");
        let types: Vec<String> = [defined("a", &["audit.read"]), changed("a", &["audit.read"]), retired("a")]
            .iter()
            .map(|event| format!("{}/{}", event.event_type(), event.event_version()))
            .collect();
        assert_eq!(types, ["RoleDefined/1", "RolePermissionsChanged/1", "RoleRetired/1"]);
    }

    #[test]
    fn every_error_has_a_unique_code_its_field_and_its_kind() {
        use RefusalKind::{Conflict, Invalid, NotFound};
        let name = || "r".to_owned();
        let permission = || "p".to_owned();
        assert_error_table(&[
            (RolesError::InvalidName { name: name(), max: 40 }, Some("name"), Invalid),
            (RolesError::ReservedName { name: name() }, Some("name"), Invalid),
            (RolesError::RoleExists { name: name() }, Some("name"), Conflict),
            (RolesError::DescriptionBlank, Some("description"), Invalid),
            (RolesError::DescriptionTooLong { chars: 201, max: 200 }, Some("description"), Invalid),
            (RolesError::NoPermissions, Some("permissions"), Invalid),
            (RolesError::TooManyPermissions { count: 30, max: 22 }, Some("permissions"), Invalid),
            (RolesError::UnknownPermission { index: 3, permission: permission() }, Some("permissions[3]"), Invalid),
            (RolesError::DuplicatePermission { index: 1, permission: permission() }, Some("permissions[1]"), Invalid),
            (RolesError::TooManyRoles { max: 200 }, None, Invalid),
            (RolesError::RoleNotFound { name: name() }, Some("name"), NotFound),
            (RolesError::RoleRetired { name: name() }, None, Conflict),
        ]);
        assert!(RolesError::ReservedName { name: name() }.to_string().contains("built-in"));
        assert_eq!(RolesError::NoPermissions.code(), "no_permissions");
    }

    #[test]
    fn commands_events_and_state_round_trip_through_serde() {
        let command = define("clerk", &["audit.read"]);
        let json = serde_json::to_value(&command).unwrap();
        assert_eq!(serde_json::from_value::<RolesCommand>(json).unwrap(), command);
        for event in roles() {
            let json = serde_json::to_value(&event).unwrap();
            assert_eq!(serde_json::from_value::<RolesEvent>(json).unwrap(), event);
        }
        let state: Roles = fold(roles());
        let stored = serde_json::to_value(&state).unwrap();
        assert_eq!(
            stored["roles"]["ap_clerk"]["permissions"],
            serde_json::json!(["finance.invoice.manage", "finance.payment.process"])
        );
        assert_eq!(serde_json::from_value::<Roles>(stored).unwrap(), state);
    }
}

mod avro_contract {
    //! The serde JSON of each event must have exactly the fields of its Avro schema, with
    //! compatible types, so the wire contract and the Rust types cannot drift.

    use super::*;
    use crate::avro_contract::assert_event_matches_schema;

    const DEFINED_AVSC: &str = include_str!("../../../../schemas/avro/identity/RoleDefined.avsc");
    const CHANGED_AVSC: &str = include_str!("../../../../schemas/avro/identity/RolePermissionsChanged.avsc");
    const RETIRED_AVSC: &str = include_str!("../../../../schemas/avro/identity/RoleRetired.avsc");

    #[test]
    fn every_event_decide_records_matches_its_schema() {
        let cases = [
            (DEFINED_AVSC, define("clerk", &["audit.read"])),
            (CHANGED_AVSC, change("ap_clerk", &["audit.read"])),
            (RETIRED_AVSC, retire("ap_clerk")),
        ];
        for (avsc, command) in cases {
            let events = assert_accepted(framework(), roles(), command);
            assert_eq!(events.len(), 1);
            for event in events {
                assert_event_matches_schema(avsc, &event);
            }
        }
    }
}

mod properties {
    use proptest::prelude::*;

    use super::*;
    use crate::test_support::{check_command_sequence, command_sequences, SEQUENCE_CASES};

    /// Role names: two free ones, a built-in one and an invalid one.
    const NAMES: [&str; 4] = ["clerk", "reviewer", "admin", "Bad Name"];

    /// Permission lists: empty, valid ones, one repeating a permission, one unknown.
    fn arb_permissions() -> impl Strategy<Value = Vec<&'static str>> {
        prop::sample::select(vec![
            vec![],
            vec!["audit.read"],
            vec!["audit.read", "finance.journal.post"],
            vec!["finance.journal.post", "finance.journal.post"],
            vec!["finance.nothing"],
        ])
    }

    fn arb_command() -> impl Strategy<Value = RolesCommand> {
        let name = || prop::sample::select(NAMES.to_vec());
        prop_oneof![
            (name(), arb_permissions()).prop_map(|(name, permissions)| define(name, &permissions)),
            (name(), arb_permissions()).prop_map(|(name, permissions)| change(name, &permissions)),
            name().prop_map(retire),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(SEQUENCE_CASES))]

        /// Whatever is attempted, no custom role bears a built-in name; each holds 1 to all of
        /// the catalogue's permissions; roles are never removed and keep their description; a
        /// retired role stays retired, unchanged, and grants nothing.
        #[test]
        fn custom_roles_are_never_lost_and_a_retired_one_grants_nothing(commands in command_sequences(arb_command())) {
            check_command_sequence::<Roles>(&(), commands, |step| {
                for (name, role) in step.after.iter() {
                    prop_assert!(Role::parse(name).is_none(), "custom role {} is built in", name);
                    prop_assert!((1..=Permission::ALL.len()).contains(&role.permissions().len()), "{}", name);
                    if role.is_retired() {
                        prop_assert!(step.after.permissions_of(&[name.to_owned()]).is_empty(), "{}", name);
                    }
                }
                for (name, old) in step.before.iter() {
                    let new = step.after.role(name);
                    prop_assert!(new.is_some(), "{} was removed", name);
                    let new = new.expect("checked");
                    prop_assert_eq!(new.description(), old.description(), "{}", name);
                    if old.is_retired() {
                        prop_assert_eq!(new, old, "retired {} changed", name);
                    }
                }
                Ok(())
            })?;
        }
    }
}
