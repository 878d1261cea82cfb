//! Given–when–then tests for every user rule, each limit at and beyond it, the queries (roles,
//! permissions, active), serde of commands, events and state, and the contract tests that
//! keep the events and their Avro schemas in step.

use std::sync::Arc;

use cqrs_es::test::TestFramework;
use cqrs_es::{Aggregate, DomainEvent};
use uuid::Uuid;

use super::*;
use crate::identity::permissions::{Permission, Role};
use crate::identity::roles::{RoleDefined, RoleRetired, Roles, RolesEvent, RolesSource};
use crate::refusal::{Refusal, RefusalKind};
use crate::test_support::{assert_accepted, assert_error_table, assert_refused_as, fold};

/// The tenant's custom roles the tests decide against: `ap_clerk` (invoices and payments) and
/// `viewer` (the audit trail), retired.
fn custom_roles() -> Roles {
    let defined = |name: &str, permission: &str| {
        RolesEvent::RoleDefined(RoleDefined {
            name: name.to_owned(),
            description: name.to_owned(),
            permissions: vec![permission.to_owned()],
        })
    };
    fold([
        RolesEvent::RoleDefined(RoleDefined {
            name: "ap_clerk".to_owned(),
            description: "Accounts payable".to_owned(),
            permissions: strings(&["finance.invoice.manage", "finance.payment.process"]),
        }),
        defined("viewer", "audit.read"),
        RolesEvent::RoleRetired(RoleRetired { name: "viewer".to_owned() }),
    ])
}

/// Custom roles as the command side serves them: [`custom_roles`], or `Err` when unreachable.
struct Defined(Result<Arc<Roles>, String>);

#[async_trait::async_trait]
impl RolesSource for Defined {
    async fn roles(&self) -> Result<Arc<Roles>, String> {
        self.0.clone()
    }
}

fn framework() -> TestFramework<User> {
    TestFramework::with(Arc::new(Defined(Ok(Arc::new(custom_roles())))) as Arc<dyn RolesSource>)
}

/// A framework whose custom roles cannot be read, like a database that is down.
fn unreachable_roles() -> TestFramework<User> {
    TestFramework::with(Arc::new(Defined(Err("connection refused".to_owned()))) as Arc<dyn RolesSource>)
}

fn id() -> Uuid {
    Uuid::parse_str("0190f3a2-7c4e-7b1d-9a6e-3f2b1c0d4e5f").unwrap()
}

fn strings(names: &[&str]) -> Vec<String> {
    names.iter().map(|name| (*name).to_owned()).collect()
}

/// Create Ada Lovelace (`ada@example.com`) in Finance with `roles`.
fn create(roles: &[&str]) -> UserCommand {
    UserCommand::Create {
        user_id: id(),
        email: "ada@example.com".to_owned(),
        name: "Ada Lovelace".to_owned(),
        organization_unit: Some("Finance".to_owned()),
        roles: strings(roles),
    }
}

/// [`create`] with the email, name and organisation unit replaced.
fn create_with(email: &str, name: &str, organization_unit: Option<&str>) -> UserCommand {
    UserCommand::Create {
        user_id: id(),
        email: email.to_owned(),
        name: name.to_owned(),
        organization_unit: organization_unit.map(str::to_owned),
        roles: strings(&["accountant"]),
    }
}

/// The `UserCreated` that [`create`] records with `roles` (already in catalogue order).
fn created(roles: &[&str]) -> UserCreated {
    UserCreated {
        user_id: id(),
        email: "ada@example.com".to_owned(),
        name: "Ada Lovelace".to_owned(),
        organization_unit: Some("Finance".to_owned()),
        roles: strings(roles),
    }
}

fn created_event(roles: &[&str]) -> UserEvent {
    UserEvent::UserCreated(created(roles))
}

fn change_roles(roles: &[&str]) -> UserCommand {
    UserCommand::ChangeRoles { roles: strings(roles) }
}

fn roles_changed(roles: &[&str]) -> UserEvent {
    UserEvent::UserRolesChanged(UserRolesChanged { user_id: id(), roles: strings(roles) })
}

fn deactivate(reason: &str) -> UserCommand {
    UserCommand::Deactivate { reason: reason.to_owned() }
}

fn deactivated(reason: &str) -> UserEvent {
    UserEvent::UserDeactivated(UserDeactivated { user_id: id(), reason: reason.to_owned() })
}

fn reactivated() -> UserEvent {
    UserEvent::UserReactivated(UserReactivated { user_id: id() })
}

/// Given `given`, `command` is refused as `expected`, naming `field`, with `code`, as a 422.
fn assert_invalid(given: Vec<UserEvent>, command: UserCommand, expected: UserError, field: &str, code: &str) {
    assert_refused_as(framework(), given, command, expected, Some(field), code, RefusalKind::Invalid);
}

mod creating {
    use super::*;

    #[test]
    fn creating_records_the_user_active_with_its_roles() {
        framework()
            .given_no_previous_events()
            .when(create(&["accountant"]))
            .then_expect_events(vec![created_event(&["accountant"])]);
    }

    #[test]
    fn the_email_is_recorded_trimmed_and_lower_cased() {
        let events = assert_accepted(framework(), vec![], create_with("  Ada@Example.COM ", "Ada Lovelace", None));
        let [UserEvent::UserCreated(created)] = events.as_slice() else { panic!("{events:?}") };
        assert_eq!(created.email, "ada@example.com");
        assert_eq!(created.organization_unit, None);
    }

    #[test]
    fn roles_are_recorded_in_catalogue_order() {
        framework()
            .given_no_previous_events()
            .when(create(&["auditor", "sales", "admin"]))
            .then_expect_events(vec![created_event(&["admin", "sales", "auditor"])]);
    }

    #[test]
    fn every_built_in_role_may_be_held_at_once() {
        let all: Vec<&str> = Role::ALL.iter().map(|role| role.as_str()).collect();
        assert_eq!(assert_accepted(framework(), vec![], create(&all)), vec![created_event(&all)]);
    }

    #[test]
    fn the_nil_user_id_is_rejected() {
        let UserCommand::Create { email, name, organization_unit, roles, .. } = create(&["admin"]) else {
            unreachable!()
        };
        let command = UserCommand::Create { user_id: Uuid::nil(), email, name, organization_unit, roles };
        assert_invalid(vec![], command, UserError::NilUserId, "user_id", "nil_user_id");
    }

    #[test]
    fn creating_a_user_twice_is_a_conflict_active_or_not() {
        for given in [vec![created_event(&["admin"])], vec![created_event(&["admin"]), deactivated("left")]] {
            assert_refused_as(
                framework(),
                given,
                create(&["admin"]),
                UserError::AlreadyExists { user_id: id() },
                Some("user_id"),
                "user_exists",
                RefusalKind::Conflict,
            );
        }
    }

    #[test]
    fn an_invalid_email_is_rejected_with_its_reason() {
        for (email, reason) in [
            ("   ", EmailError::Blank),
            (
                "ada@localhost",
                EmailError::Malformed {
                    email: "ada@localhost".to_owned(),
                    problem: "the domain has no '.', as in example.com",
                },
            ),
            ("Ada.Example.com", EmailError::Malformed { email: "ada.example.com".to_owned(), problem: "it has no @" }),
        ] {
            let command = create_with(email, "Ada", None);
            assert_invalid(vec![], command, UserError::InvalidEmail { reason }, "email", "invalid_email");
        }
    }

    #[test]
    fn an_email_of_254_characters_is_accepted_and_one_of_255_rejected() {
        // 64 + "@" + 63 + "." + 63 + "." + n + ".com" characters.
        let email_of = |chars: usize| {
            format!("{}@{}.{}.{}.com", "l".repeat(64), "d".repeat(63), "e".repeat(63), "f".repeat(chars - 197))
        };
        assert_eq!(email_of(MAX_EMAIL_CHARS).len(), MAX_EMAIL_CHARS);
        assert_eq!(assert_accepted(framework(), vec![], create_with(&email_of(254), "Ada", None)).len(), 1);
        assert_invalid(
            vec![],
            create_with(&email_of(255), "Ada", None),
            UserError::InvalidEmail { reason: EmailError::TooLong { chars: 255, max: MAX_EMAIL_CHARS } },
            "email",
            "invalid_email",
        );
    }

    #[test]
    fn a_blank_name_is_rejected() {
        for name in ["", "  \t"] {
            assert_invalid(
                vec![],
                create_with("ada@example.com", name, None),
                UserError::NameBlank,
                "name",
                "name_blank",
            );
        }
    }

    #[test]
    fn a_name_of_200_characters_is_accepted_and_one_of_201_rejected() {
        let at_limit = "é".repeat(MAX_NAME_CHARS);
        assert_eq!(assert_accepted(framework(), vec![], create_with("ada@example.com", &at_limit, None)).len(), 1);
        assert_invalid(
            vec![],
            create_with("ada@example.com", &format!("{at_limit}x"), None),
            UserError::NameTooLong { chars: 201, max: MAX_NAME_CHARS },
            "name",
            "name_too_long",
        );
    }

    #[test]
    fn a_blank_organization_unit_is_rejected_rather_than_recorded() {
        assert_invalid(
            vec![],
            create_with("ada@example.com", "Ada", Some(" ")),
            UserError::OrganizationUnitBlank,
            "organization_unit",
            "organization_unit_blank",
        );
    }

    #[test]
    fn an_organization_unit_of_200_characters_is_accepted_and_one_of_201_rejected() {
        let at_limit = "u".repeat(MAX_ORGANIZATION_UNIT_CHARS);
        let command = create_with("ada@example.com", "Ada", Some(&at_limit));
        assert_eq!(assert_accepted(framework(), vec![], command).len(), 1);
        assert_invalid(
            vec![],
            create_with("ada@example.com", "Ada", Some(&format!("{at_limit}u"))),
            UserError::OrganizationUnitTooLong { chars: 201, max: MAX_ORGANIZATION_UNIT_CHARS },
            "organization_unit",
            "organization_unit_too_long",
        );
    }

    #[test]
    fn a_user_without_roles_is_rejected() {
        assert_invalid(vec![], create(&[]), UserError::NoRoles, "roles", "no_roles");
    }

    #[test]
    fn an_unknown_role_is_rejected_naming_its_position() {
        // Custom roles count only when defined and not retired: `viewer` is retired.
        for (roles, index, role) in [
            (&["root"][..], 0, "root"),
            (&["sales", "Admin"], 1, "Admin"),
            (&["sales", "auditor", " sales"], 2, " sales"),
            (&["viewer"], 0, "viewer"),
            (&["ap_clerk", "ap_clerk2"], 1, "ap_clerk2"),
        ] {
            assert_invalid(
                vec![],
                create(roles),
                UserError::UnknownRole { index, role: role.to_owned() },
                &format!("roles[{index}]"),
                "unknown_role",
            );
        }
    }

    #[test]
    fn a_custom_role_of_the_tenant_is_recorded_after_the_built_in_ones() {
        framework()
            .given_no_previous_events()
            .when(create(&["ap_clerk", "auditor"]))
            .then_expect_events(vec![created_event(&["auditor", "ap_clerk"])]);
    }

    #[test]
    fn custom_roles_are_read_only_when_a_command_names_one() {
        assert_eq!(assert_accepted(unreachable_roles(), vec![], create(&["admin"])).len(), 1);
        assert_refused_as(
            unreachable_roles(),
            vec![],
            create(&["admin", "ap_clerk"]),
            UserError::RolesUnavailable { reason: "connection refused".to_owned() },
            None,
            "roles_unavailable",
            RefusalKind::Unavailable,
        );
    }

    #[test]
    fn a_role_listed_twice_is_rejected_naming_the_repetition() {
        assert_invalid(
            vec![],
            create(&["sales", "auditor", "sales"]),
            UserError::DuplicateRole { index: 2, role: "sales".to_owned() },
            "roles[2]",
            "duplicate_role",
        );
    }

    #[test]
    fn ten_roles_are_checked_one_by_one_and_eleven_are_too_many() {
        let ten = ["admin"; MAX_ROLES];
        assert_invalid(
            vec![],
            create(&ten),
            UserError::DuplicateRole { index: 1, role: "admin".to_owned() },
            "roles[1]",
            "duplicate_role",
        );
        let eleven = ["admin"; MAX_ROLES + 1];
        assert_invalid(
            vec![],
            create(&eleven),
            UserError::TooManyRoles { count: 11, max: MAX_ROLES },
            "roles",
            "too_many_roles",
        );
    }

    #[test]
    fn rules_are_checked_in_order_email_name_organization_unit_roles() {
        let command = |email: &str, name: &str, unit: &str, roles: &[&str]| UserCommand::Create {
            user_id: id(),
            email: email.to_owned(),
            name: name.to_owned(),
            organization_unit: Some(unit.to_owned()),
            roles: strings(roles),
        };
        let refused = |command| framework().given_no_previous_events().when(command).inspect_result().unwrap_err();
        assert_eq!(refused(command("x", "", "", &[])).code(), "invalid_email");
        assert_eq!(refused(command("a@b.co", "", "", &[])).code(), "name_blank");
        assert_eq!(refused(command("a@b.co", "A", "", &[])).code(), "organization_unit_blank");
        assert_eq!(refused(command("a@b.co", "A", "U", &[])).code(), "no_roles");
    }
}

mod changing_roles {
    use super::*;

    #[test]
    fn changing_roles_records_the_new_set_in_catalogue_order() {
        framework()
            .given(vec![created_event(&["accountant"])])
            .when(change_roles(&["approver", "accountant"]))
            .then_expect_events(vec![roles_changed(&["accountant", "approver"])]);
    }

    #[test]
    fn the_same_set_in_any_order_records_nothing() {
        let given = vec![created_event(&["accountant", "approver"])];
        for roles in [&["accountant", "approver"][..], &["approver", "accountant"]] {
            assert_eq!(assert_accepted(framework(), given.clone(), change_roles(roles)), vec![]);
        }
    }

    #[test]
    fn a_custom_role_may_replace_a_built_in_one() {
        framework()
            .given(vec![created_event(&["accountant"])])
            .when(change_roles(&["ap_clerk"]))
            .then_expect_events(vec![roles_changed(&["ap_clerk"])]);
    }

    #[test]
    fn a_deactivated_users_roles_may_change_for_when_it_returns() {
        framework()
            .given(vec![created_event(&["admin"]), deactivated("left")])
            .when(change_roles(&["auditor"]))
            .then_expect_events(vec![roles_changed(&["auditor"])]);
    }

    #[test]
    fn the_roles_follow_the_same_rules_as_on_creation() {
        let given = vec![created_event(&["admin"])];
        assert_invalid(given.clone(), change_roles(&[]), UserError::NoRoles, "roles", "no_roles");
        assert_invalid(
            given.clone(),
            change_roles(&["admin", "superuser"]),
            UserError::UnknownRole { index: 1, role: "superuser".to_owned() },
            "roles[1]",
            "unknown_role",
        );
        assert_invalid(
            given.clone(),
            change_roles(&["sales", "sales"]),
            UserError::DuplicateRole { index: 1, role: "sales".to_owned() },
            "roles[1]",
            "duplicate_role",
        );
        assert_invalid(
            given,
            change_roles(&["sales"; MAX_ROLES + 1]),
            UserError::TooManyRoles { count: 11, max: MAX_ROLES },
            "roles",
            "too_many_roles",
        );
    }
}

mod activation {
    use super::*;

    #[test]
    fn deactivating_records_the_reason() {
        framework()
            .given(vec![created_event(&["admin"])])
            .when(deactivate("Left the company"))
            .then_expect_events(vec![deactivated("Left the company")]);
    }

    #[test]
    fn deactivating_a_deactivated_user_is_a_conflict_whatever_the_reason() {
        for reason in ["again", ""] {
            assert_refused_as(
                framework(),
                vec![created_event(&["admin"]), deactivated("left")],
                deactivate(reason),
                UserError::AlreadyDeactivated { user_id: id() },
                None,
                "user_deactivated",
                RefusalKind::Conflict,
            );
        }
    }

    #[test]
    fn a_blank_reason_is_rejected() {
        for reason in ["", " \n"] {
            assert_invalid(
                vec![created_event(&["admin"])],
                deactivate(reason),
                UserError::ReasonBlank,
                "reason",
                "reason_blank",
            );
        }
    }

    #[test]
    fn a_reason_of_500_characters_is_accepted_and_one_of_501_rejected() {
        let at_limit = "r".repeat(MAX_REASON_CHARS);
        let given = vec![created_event(&["admin"])];
        assert_eq!(assert_accepted(framework(), given.clone(), deactivate(&at_limit)), vec![deactivated(&at_limit)]);
        assert_invalid(
            given,
            deactivate(&format!("{at_limit}r")),
            UserError::ReasonTooLong { chars: 501, max: MAX_REASON_CHARS },
            "reason",
            "reason_too_long",
        );
    }

    #[test]
    fn reactivating_a_deactivated_user_records_it() {
        framework()
            .given(vec![created_event(&["admin"]), deactivated("on leave")])
            .when(UserCommand::Reactivate)
            .then_expect_events(vec![reactivated()]);
    }

    #[test]
    fn reactivating_an_active_user_is_a_conflict() {
        for given in [vec![created_event(&["admin"])], vec![created_event(&["admin"]), deactivated("x"), reactivated()]]
        {
            assert_refused_as(
                framework(),
                given,
                UserCommand::Reactivate,
                UserError::AlreadyActive { user_id: id() },
                None,
                "user_active",
                RefusalKind::Conflict,
            );
        }
    }

    #[test]
    fn a_user_can_be_deactivated_again_after_reactivation() {
        framework()
            .given(vec![created_event(&["admin"]), deactivated("on leave"), reactivated()])
            .when(deactivate("left"))
            .then_expect_events(vec![deactivated("left")]);
    }
}

mod missing_user {
    use super::*;

    #[test]
    fn every_command_but_create_on_a_missing_user_is_not_found_before_its_inputs_are_checked() {
        for command in
            [change_roles(&["admin"]), change_roles(&[]), deactivate("left"), deactivate(""), UserCommand::Reactivate]
        {
            assert_refused_as(
                framework(),
                vec![],
                command,
                UserError::NotFound,
                None,
                "user_not_found",
                RefusalKind::NotFound,
            );
        }
    }
}

mod queries {
    use super::*;

    #[test]
    fn before_creation_the_user_has_nothing() {
        let user = User::default();
        assert!(!user.exists());
        assert!(!user.is_active());
        assert_eq!((user.user_id(), user.email(), user.name(), user.organization_unit()), (None, None, None, None));
        assert!(user.roles().is_empty());
        assert!(user.permissions(&custom_roles()).is_empty());
    }

    #[test]
    fn a_created_user_is_active_with_its_profile_and_roles() {
        let user: User = fold([created_event(&["warehouse", "sales"])]);
        assert!(user.exists());
        assert!(user.is_active());
        assert_eq!(user.user_id(), Some(id()));
        assert_eq!(user.email(), Some("ada@example.com"));
        assert_eq!(user.name(), Some("Ada Lovelace"));
        assert_eq!(user.organization_unit(), Some("Finance"));
        assert_eq!(user.roles(), ["warehouse", "sales"]);
    }

    #[test]
    fn permissions_are_the_union_of_the_roles_permissions() {
        let user: User = fold([created_event(&["sales", "approver"])]);
        let expected: Vec<Permission> = vec![
            Permission::StockReserve,
            Permission::SalesOrderManage,
            Permission::PurchaseOrderApprove,
            Permission::OpportunityManage,
            Permission::TicketManage,
            Permission::CustomerManage,
            Permission::LeaveRequest,
            Permission::LeaveApprove,
        ];
        assert_eq!(user.permissions(&custom_roles()).into_iter().collect::<Vec<_>>(), expected);
        let auditor: User = fold([created_event(&["auditor"])]);
        assert!(!auditor.permissions(&custom_roles()).contains(&Permission::JournalPost), "an auditor cannot post");
    }

    #[test]
    fn a_custom_role_grants_its_permissions_as_they_stand_and_nothing_once_retired() {
        let user: User = fold([created_event(&["approver", "ap_clerk"])]);
        let expected = [
            Permission::InvoiceManage,
            Permission::PaymentProcess,
            Permission::PurchaseOrderApprove,
            Permission::LeaveApprove,
        ];
        assert_eq!(user.permissions(&custom_roles()), expected.into());
        let mut retired = custom_roles();
        retired.apply(RolesEvent::RoleRetired(RoleRetired { name: "ap_clerk".to_owned() }));
        assert_eq!(user.permissions(&retired), [Permission::PurchaseOrderApprove, Permission::LeaveApprove].into());
        assert_eq!(user.roles(), ["approver", "ap_clerk"], "the user keeps the name");
    }

    #[test]
    fn changed_roles_replace_the_old_ones() {
        let user: User = fold([created_event(&["admin"]), roles_changed(&["auditor"])]);
        assert_eq!(user.roles(), ["auditor"]);
        assert_eq!(user.permissions(&custom_roles()).into_iter().collect::<Vec<_>>(), [Permission::AuditRead]);
    }

    #[test]
    fn a_deactivated_user_keeps_its_roles_but_has_no_permissions_until_reactivated() {
        let mut user: User = fold([created_event(&["admin"]), deactivated("left")]);
        assert!(user.exists());
        assert!(!user.is_active());
        assert_eq!(user.roles(), ["admin"]);
        assert!(user.permissions(&custom_roles()).is_empty());
        user.apply(reactivated());
        assert!(user.is_active());
        assert_eq!(user.permissions(&custom_roles()).len(), Permission::ALL.len());
    }
}

mod state_and_wire {
    use super::*;

    #[test]
    fn every_error_has_a_unique_snake_case_code_a_field_and_a_kind() {
        use RefusalKind::{Conflict, Invalid, NotFound, Unavailable};
        let role = || "x".to_owned();
        assert_error_table(&[
            (UserError::NilUserId, Some("user_id"), Invalid),
            (UserError::AlreadyExists { user_id: id() }, Some("user_id"), Conflict),
            (UserError::InvalidEmail { reason: EmailError::Blank }, Some("email"), Invalid),
            (UserError::NameBlank, Some("name"), Invalid),
            (UserError::NameTooLong { chars: 201, max: 200 }, Some("name"), Invalid),
            (UserError::OrganizationUnitBlank, Some("organization_unit"), Invalid),
            (UserError::OrganizationUnitTooLong { chars: 201, max: 200 }, Some("organization_unit"), Invalid),
            (UserError::NoRoles, Some("roles"), Invalid),
            (UserError::TooManyRoles { count: 11, max: 10 }, Some("roles"), Invalid),
            (UserError::UnknownRole { index: 3, role: role() }, Some("roles[3]"), Invalid),
            (UserError::DuplicateRole { index: 4, role: role() }, Some("roles[4]"), Invalid),
            (UserError::ReasonBlank, Some("reason"), Invalid),
            (UserError::RolesUnavailable { reason: role() }, None, Unavailable),
            (UserError::ReasonTooLong { chars: 501, max: 500 }, Some("reason"), Invalid),
            (UserError::NotFound, None, NotFound),
            (UserError::AlreadyDeactivated { user_id: id() }, None, Conflict),
            (UserError::AlreadyActive { user_id: id() }, None, Conflict),
        ]);
    }

    #[test]
    fn error_messages_say_what_is_wrong() {
        assert_eq!(
            UserError::UnknownRole { index: 1, role: "root".to_owned() }.to_string(),
            "roles[1] \"root\" is not a role; the built-in roles are admin, accountant, warehouse, sales, purchasing, approver, auditor, and custom roles are listed at GET /v1/roles"
        );
        assert_eq!(UserError::InvalidEmail { reason: EmailError::Blank }.to_string(), "email must not be blank");
        assert_eq!(
            UserError::AlreadyExists { user_id: id() }.to_string(),
            "user 0190f3a2-7c4e-7b1d-9a6e-3f2b1c0d4e5f already exists"
        );
    }

    #[test]
    fn commands_deserialize_from_api_json_and_refuse_unknown_or_missing_fields() {
        let json = serde_json::json!({"Create": {
            "user_id": id(), "email": "ada@example.com", "name": "Ada Lovelace",
            "organization_unit": "Finance", "roles": ["accountant"]
        }});
        assert_eq!(serde_json::from_value::<UserCommand>(json).unwrap(), create(&["accountant"]));
        let json = serde_json::json!({"Create": {
            "user_id": id(), "email": "ada@example.com", "name": "Ada", "roles": ["admin"]
        }});
        let UserCommand::Create { organization_unit, .. } = serde_json::from_value(json).unwrap() else { panic!() };
        assert_eq!(organization_unit, None, "organization_unit may be left out");
        let json = serde_json::json!({"Create": {
            "user_id": id(), "email": "a@b.co", "name": "A", "roles": ["admin"], "password": "secret"
        }});
        assert!(serde_json::from_value::<UserCommand>(json).is_err(), "no password in a command");
        let json =
            serde_json::json!({"Create": {"user_id": "not-a-uuid", "email": "a@b.co", "name": "A", "roles": []}});
        assert!(serde_json::from_value::<UserCommand>(json).is_err());
        assert_eq!(
            serde_json::from_value::<UserCommand>(serde_json::json!("Reactivate")).unwrap(),
            UserCommand::Reactivate
        );
        let json = serde_json::json!({"Deactivate": {}});
        assert!(serde_json::from_value::<UserCommand>(json).is_err(), "the reason is required");
    }

    #[test]
    fn events_are_externally_tagged_and_round_trip() {
        for event in [created_event(&["admin"]), roles_changed(&["sales"]), deactivated("left"), reactivated()] {
            let json = serde_json::to_value(&event).unwrap();
            assert_eq!(json[event.event_type()]["user_id"], id().to_string());
            assert_eq!(serde_json::from_value::<UserEvent>(json).unwrap(), event);
        }
    }

    #[test]
    fn event_types_version_and_aggregate_type_are_stable() {
        let names: Vec<String> =
            [created_event(&["admin"]), roles_changed(&["sales"]), deactivated("x"), reactivated()]
                .iter()
                .map(DomainEvent::event_type)
                .collect();
        assert_eq!(names, ["UserCreated", "UserRolesChanged", "UserDeactivated", "UserReactivated"]);
        assert_eq!(reactivated().event_version(), "1");
        assert_eq!(User::TYPE, "identity.user");
    }

    #[test]
    fn no_event_carries_a_secret() {
        for event in [created_event(&["admin"]), roles_changed(&["sales"]), deactivated("x"), reactivated()] {
            let json = serde_json::to_string(&event).unwrap().to_lowercase();
            for secret in ["password", "hash", "secret", "mfa", "totp", "token"] {
                assert!(!json.contains(secret), "{json} mentions {secret}");
            }
        }
    }

    #[test]
    fn aggregate_state_round_trips_through_serde_for_snapshots() {
        let users: [User; 3] = [
            User::default(),
            fold([created_event(&["admin", "auditor"])]),
            fold([created_event(&["sales"]), deactivated("left")]),
        ];
        for user in users {
            let json = serde_json::to_string(&user).unwrap();
            assert_eq!(serde_json::from_str::<User>(&json).unwrap(), user);
        }
    }
}

mod avro_contract {
    //! The serde JSON of each event must have exactly the fields of its Avro schema, with
    //! compatible types, so the wire contract and the Rust types cannot drift.

    use super::*;
    use crate::avro_contract::assert_event_matches_schema;

    const CREATED_AVSC: &str = include_str!("../../../../schemas/avro/identity/UserCreated.avsc");
    const ROLES_CHANGED_AVSC: &str = include_str!("../../../../schemas/avro/identity/UserRolesChanged.avsc");
    const DEACTIVATED_AVSC: &str = include_str!("../../../../schemas/avro/identity/UserDeactivated.avsc");
    const REACTIVATED_AVSC: &str = include_str!("../../../../schemas/avro/identity/UserReactivated.avsc");

    #[test]
    fn user_created_matches_its_schema_with_and_without_an_organization_unit() {
        for command in [create(&["admin", "auditor"]), create_with("a@b.co", "A", None)] {
            for event in assert_accepted(framework(), vec![], command) {
                assert_event_matches_schema(CREATED_AVSC, &event);
            }
        }
    }

    #[test]
    fn the_other_events_decide_records_match_their_schemas() {
        let given = vec![created_event(&["admin"])];
        for event in assert_accepted(framework(), given.clone(), change_roles(&["sales", "warehouse"])) {
            assert_event_matches_schema(ROLES_CHANGED_AVSC, &event);
        }
        for event in assert_accepted(framework(), given.clone(), deactivate("left")) {
            assert_event_matches_schema(DEACTIVATED_AVSC, &event);
        }
        let mut deactivated_user = given;
        deactivated_user.push(deactivated("left"));
        for event in assert_accepted(framework(), deactivated_user, UserCommand::Reactivate) {
            assert_event_matches_schema(REACTIVATED_AVSC, &event);
        }
    }
}

mod properties {
    use proptest::prelude::*;

    use super::*;
    use crate::test_support::{check_command_sequence, command_sequences, SEQUENCE_CASES};

    /// Where a user account is in its life.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    enum Status {
        NotCreated,
        Active,
        Deactivated,
    }

    fn status_of(user: &User) -> Status {
        match (user.exists(), user.is_active()) {
            (false, _) => Status::NotCreated,
            (true, true) => Status::Active,
            (true, false) => Status::Deactivated,
        }
    }

    /// What creating fixes for good: id, email, name and organisation unit.
    fn identity_of(user: &User) -> (Option<Uuid>, Option<&str>, Option<&str>, Option<&str>) {
        (user.user_id(), user.email(), user.name(), user.organization_unit())
    }

    /// Where a role name sorts among a user's roles: built-in ones in catalogue order, then
    /// custom ones by name.
    fn role_order(name: &str) -> (usize, &str) {
        Role::ALL.iter().position(|role| role.as_str() == name).map_or((Role::ALL.len(), name), |index| (index, ""))
    }

    /// Role lists: empty, built-in and custom (`viewer` retired), out of order, repeated, unknown.
    fn arb_roles() -> impl Strategy<Value = Vec<&'static str>> {
        prop::sample::select(vec![
            vec![],
            vec!["admin"],
            vec!["ap_clerk", "auditor", "accountant"],
            vec!["viewer"],
            vec!["sales", "sales"],
            vec!["nobody"],
        ])
    }

    fn arb_command() -> impl Strategy<Value = UserCommand> {
        prop_oneof![
            (prop::sample::select(vec![" Ada@Example.COM ", "not-an-email"]), arb_roles()).prop_map(
                |(email, roles)| UserCommand::Create {
                    user_id: id(),
                    email: email.to_owned(),
                    name: "Ada Lovelace".to_owned(),
                    organization_unit: None,
                    roles: strings(&roles),
                }
            ),
            arb_roles().prop_map(|roles| UserCommand::ChangeRoles { roles: strings(&roles) }),
            prop::sample::select(vec!["left", " "])
                .prop_map(|reason| UserCommand::Deactivate { reason: reason.to_owned() }),
            Just(UserCommand::Reactivate),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(SEQUENCE_CASES))]

        /// Whatever is attempted, a user is created once and keeps its id, email (trimmed,
        /// lower case), name and unit; it only moves not created → active ⇄ deactivated; it
        /// holds 1 to `MAX_ROLES` distinct roles in canonical order, none retired when given;
        /// and a deactivated user may do nothing.
        #[test]
        fn a_user_keeps_its_identity_and_valid_roles_and_a_deactivated_one_may_do_nothing(
            commands in command_sequences(arb_command()),
        ) {
            let defined = custom_roles();
            let services: Arc<dyn RolesSource> = Arc::new(Defined(Ok(Arc::new(custom_roles()))));
            check_command_sequence::<User>(&services, commands, |step| {
                let (before, after) = (status_of(step.before), status_of(step.after));
                if step.outcome.is_ok() {
                    let moves = match step.command {
                        UserCommand::Create { .. } => vec![(Status::NotCreated, Status::Active)],
                        UserCommand::ChangeRoles { .. } => vec![(Status::Active, Status::Active), (Status::Deactivated, Status::Deactivated)],
                        UserCommand::Deactivate { .. } => vec![(Status::Active, Status::Deactivated)],
                        UserCommand::Reactivate => vec![(Status::Deactivated, Status::Active)],
                    };
                    prop_assert!(moves.contains(&(before, after)), "{:?} moved {:?} → {:?}", step.command, before, after);
                }
                if before != Status::NotCreated {
                    prop_assert_eq!(identity_of(step.after), identity_of(step.before));
                }
                let user = step.after;
                prop_assert!(user.email().is_none_or(|email| email == email.trim().to_lowercase()));
                if user.exists() {
                    let roles = user.roles();
                    prop_assert!((1..=MAX_ROLES).contains(&roles.len()), "{:?}", roles);
                    prop_assert!(roles.windows(2).all(|pair| role_order(&pair[0]) < role_order(&pair[1])), "{:?}", roles);
                    prop_assert!(roles.iter().all(|role| Role::parse(role).is_some() || defined.is_active(role)), "{:?}", roles);
                }
                if after == Status::Deactivated {
                    prop_assert!(user.permissions(&defined).is_empty());
                }
                Ok(())
            })?;
        }
    }
}
