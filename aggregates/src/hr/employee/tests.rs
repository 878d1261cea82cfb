//! Given–when–then tests for every employee rule, the personal-data checks, the error table,
//! and the contract test that keeps events and Avro schemas in step.

use cqrs_es::test::TestFramework;
use uuid::Uuid;

use super::*;
use crate::crm::input::InputError;
use crate::identity::email::EmailError;
use crate::money::CurrencyError;
use crate::refusal::{Refusal, RefusalKind};
use crate::test_support::{assert_accepted, assert_error_table, assert_refused_as, date, fold};

const ID: &str = "0190f0a4-0000-7000-8000-0000000000e1";
const SEALED: &str = "v1.bm9uY2VjaXBoZXJ0ZXh0";

fn framework() -> TestFramework<Employee> {
    TestFramework::with(())
}

fn hire_input() -> HireEmployee {
    HireEmployee {
        employee_id: Uuid::parse_str(ID).unwrap(),
        personal_data: SEALED.to_owned(),
        org_unit_id: "engineering".to_owned(),
        user_id: Some("user-7".to_owned()),
        salary_minor: 500_000,
        currency: "EUR".to_owned(),
        hired_on: date(2026, 1, 1),
    }
}

fn hire(input: HireEmployee) -> EmployeeCommand {
    EmployeeCommand::Hire(input)
}

fn transfer(unit: &str, on: chrono::NaiveDate) -> EmployeeCommand {
    EmployeeCommand::Transfer(TransferEmployee { org_unit_id: unit.to_owned(), effective_on: on })
}

fn change_salary(salary_minor: i64, on: chrono::NaiveDate) -> EmployeeCommand {
    EmployeeCommand::ChangeSalary(ChangeSalary { salary_minor, effective_on: on })
}

fn terminate(on: chrono::NaiveDate) -> EmployeeCommand {
    EmployeeCommand::Terminate(TerminateEmployee { terminated_on: on })
}

fn erase() -> EmployeeCommand {
    EmployeeCommand::ErasePersonalData(ErasePersonalData { erased_on: date(2026, 9, 1) })
}

fn hired() -> EmployeeEvent {
    EmployeeEvent::EmployeeHired(EmployeeHired {
        employee_id: ID.to_owned(),
        personal_data: SEALED.to_owned(),
        org_unit_id: "engineering".to_owned(),
        user_id: Some("user-7".to_owned()),
        salary_minor: 500_000,
        currency: "EUR".to_owned(),
        hired_on: date(2026, 1, 1),
    })
}

fn terminated() -> EmployeeEvent {
    EmployeeEvent::EmployeeTerminated(EmployeeTerminated {
        employee_id: ID.to_owned(),
        terminated_on: date(2026, 6, 30),
    })
}

fn erased() -> EmployeeEvent {
    EmployeeEvent::EmployeePersonalDataErased(EmployeePersonalDataErased {
        employee_id: ID.to_owned(),
        erased_on: date(2026, 9, 1),
    })
}

fn personal() -> PersonalData {
    PersonalData {
        name: "Ada Lovelace".to_owned(),
        email: "ada@example.com".to_owned(),
        birth_date: date(1990, 12, 10),
        address: "12 St James's Square, London".to_owned(),
    }
}

mod lifecycle {
    use super::*;

    #[test]
    fn hiring_records_the_sealed_personal_data_and_the_non_personal_facts() {
        framework().given_no_previous_events().when(hire(hire_input())).then_expect_events(vec![hired()]);
        let employee: Employee = fold([hired()]);
        assert_eq!(employee.org_unit_id(), Some("engineering"));
        assert_eq!(employee.salary(), Some((500_000, "EUR")));
        assert_eq!(employee.user_id(), Some("user-7"));
        assert!(!employee.is_erased());
    }

    #[test]
    fn an_employee_may_be_hired_without_a_linked_user() {
        let input = HireEmployee { user_id: None, ..hire_input() };
        let events = assert_accepted(framework(), vec![], hire(input));
        assert!(matches!(&events[..], [EmployeeEvent::EmployeeHired(h)] if h.user_id.is_none()));
        assert_eq!(fold::<Employee>(events).user_id(), None);
    }

    #[test]
    fn a_transfer_records_the_unit_left_and_the_unit_entered() {
        let expected = EmployeeEvent::EmployeeTransferred(EmployeeTransferred {
            employee_id: ID.to_owned(),
            from_org_unit_id: "engineering".to_owned(),
            org_unit_id: "research".to_owned(),
            effective_on: date(2026, 3, 1),
        });
        framework()
            .given(vec![hired()])
            .when(transfer("research", date(2026, 3, 1)))
            .then_expect_events(vec![expected.clone()]);
        let employee: Employee = fold([hired(), expected]);
        assert_eq!(employee.org_unit_id(), Some("research"));
    }

    #[test]
    fn a_salary_change_records_the_previous_and_new_salary_in_the_pay_currency() {
        let expected = EmployeeEvent::EmployeeSalaryChanged(EmployeeSalaryChanged {
            employee_id: ID.to_owned(),
            previous_salary_minor: 500_000,
            salary_minor: 550_000,
            currency: "EUR".to_owned(),
            effective_on: date(2026, 4, 1),
        });
        framework()
            .given(vec![hired()])
            .when(change_salary(550_000, date(2026, 4, 1)))
            .then_expect_events(vec![expected.clone()]);
        let employee: Employee = fold([hired(), expected]);
        assert_eq!(employee.salary(), Some((550_000, "EUR")));
    }

    #[test]
    fn terminating_records_the_last_day() {
        framework().given(vec![hired()]).when(terminate(date(2026, 6, 30))).then_expect_events(vec![terminated()]);
        let employee: Employee = fold([hired(), terminated()]);
        assert_eq!(employee.terminated_on(), Some(date(2026, 6, 30)));
    }

    #[test]
    fn erasing_is_allowed_during_and_after_the_employment_and_keeps_the_non_personal_facts() {
        framework().given(vec![hired()]).when(erase()).then_expect_events(vec![erased()]);
        framework().given(vec![hired(), terminated()]).when(erase()).then_expect_events(vec![erased()]);
        let employee: Employee = fold([hired(), terminated(), erased()]);
        assert!(employee.is_erased());
        assert_eq!((employee.org_unit_id(), employee.salary()), (Some("engineering"), Some((500_000, "EUR"))));
    }

    #[test]
    fn an_erased_employee_can_still_be_transferred_and_terminated() {
        let events = assert_accepted(framework(), vec![hired(), erased()], transfer("research", date(2026, 9, 2)));
        assert_eq!(events.len(), 1);
        framework()
            .given(vec![hired(), erased()])
            .when(terminate(date(2026, 6, 30)))
            .then_expect_events(vec![terminated()]);
    }
}

mod refusals {
    use super::*;

    #[test]
    fn hiring_twice_is_a_conflict_on_the_employee_id() {
        let error = EmployeeError::AlreadyExists;
        assert_refused_as(
            framework(),
            vec![hired()],
            hire(hire_input()),
            error,
            Some("employee_id"),
            "employee_exists",
            RefusalKind::Conflict,
        );
    }

    #[test]
    fn commands_on_an_employee_never_hired_are_not_found() {
        for command in
            [transfer("x", date(2026, 1, 1)), change_salary(1, date(2026, 1, 1)), terminate(date(2026, 1, 1)), erase()]
        {
            framework().given_no_previous_events().when(command).then_expect_error(EmployeeError::NotFound);
        }
    }

    #[test]
    fn a_hire_with_bad_inputs_is_refused_naming_the_field() {
        let cases = [
            (HireEmployee { personal_data: " ".to_owned(), ..hire_input() }, "personal_data"),
            (HireEmployee { org_unit_id: String::new(), ..hire_input() }, "org_unit_id"),
            (HireEmployee { org_unit_id: "u".repeat(101), ..hire_input() }, "org_unit_id"),
            (HireEmployee { user_id: Some(" ".to_owned()), ..hire_input() }, "user_id"),
            (HireEmployee { salary_minor: 0, ..hire_input() }, "salary_minor"),
            (HireEmployee { salary_minor: -5, ..hire_input() }, "salary_minor"),
            (HireEmployee { currency: "EURO".to_owned(), ..hire_input() }, "currency"),
        ];
        for (input, field) in cases {
            let error = framework().given_no_previous_events().when(hire(input)).inspect_result().unwrap_err();
            assert_eq!(error.field().as_deref(), Some(field), "{error}");
            assert_eq!(error.kind(), RefusalKind::Invalid, "{error}");
        }
    }

    #[test]
    fn a_transfer_to_the_current_unit_or_before_the_hire_is_refused() {
        let same = EmployeeError::AlreadyInUnit { org_unit_id: "engineering".to_owned() };
        framework().given(vec![hired()]).when(transfer("engineering", date(2026, 2, 1))).then_expect_error(same);
        let early = EmployeeError::EffectiveBeforeHire { effective_on: date(2025, 12, 31), hired_on: date(2026, 1, 1) };
        framework().given(vec![hired()]).when(transfer("research", date(2025, 12, 31))).then_expect_error(early);
    }

    #[test]
    fn a_salary_change_to_the_same_or_a_non_positive_salary_is_refused() {
        let same = EmployeeError::SalaryUnchanged { salary_minor: 500_000 };
        framework().given(vec![hired()]).when(change_salary(500_000, date(2026, 2, 1))).then_expect_error(same);
        let zero = EmployeeError::InvalidSalary { salary_minor: 0 };
        framework().given(vec![hired()]).when(change_salary(0, date(2026, 2, 1))).then_expect_error(zero);
        let early = EmployeeError::EffectiveBeforeHire { effective_on: date(2025, 1, 1), hired_on: date(2026, 1, 1) };
        framework().given(vec![hired()]).when(change_salary(1, date(2025, 1, 1))).then_expect_error(early);
    }

    #[test]
    fn terminating_before_the_hire_day_is_refused() {
        let error =
            EmployeeError::TerminatedBeforeHire { terminated_on: date(2025, 12, 31), hired_on: date(2026, 1, 1) };
        assert_refused_as(
            framework(),
            vec![hired()],
            terminate(date(2025, 12, 31)),
            error,
            Some("terminated_on"),
            "terminated_before_hire",
            RefusalKind::Invalid,
        );
    }

    #[test]
    fn after_termination_only_erasure_is_accepted() {
        let error = EmployeeError::Terminated { terminated_on: date(2026, 6, 30) };
        for command in
            [transfer("research", date(2026, 7, 1)), change_salary(1, date(2026, 7, 1)), terminate(date(2026, 7, 1))]
        {
            framework().given(vec![hired(), terminated()]).when(command).then_expect_error(error.clone());
        }
    }

    #[test]
    fn erasing_twice_is_a_conflict() {
        assert_refused_as(
            framework(),
            vec![hired(), erased()],
            erase(),
            EmployeeError::AlreadyErased,
            None,
            "personal_data_erased",
            RefusalKind::Conflict,
        );
    }

    #[test]
    fn every_refusal_has_its_own_code_field_and_kind() {
        use EmployeeError as E;
        let day = date(2026, 1, 1);
        assert_error_table(&[
            (E::AlreadyExists, Some("employee_id"), RefusalKind::Conflict),
            (E::NotFound, None, RefusalKind::NotFound),
            (E::Terminated { terminated_on: day }, None, RefusalKind::Conflict),
            (E::AlreadyInUnit { org_unit_id: "u".to_owned() }, Some("org_unit_id"), RefusalKind::Conflict),
            (E::SalaryUnchanged { salary_minor: 1 }, None, RefusalKind::Conflict),
            (E::AlreadyErased, None, RefusalKind::Conflict),
            (E::InvalidSalary { salary_minor: 0 }, Some("salary_minor"), RefusalKind::Invalid),
            (
                E::InvalidCurrency { reason: CurrencyError::Unknown { code: "XXY".to_owned() } },
                Some("currency"),
                RefusalKind::Invalid,
            ),
            (E::EffectiveBeforeHire { effective_on: day, hired_on: day }, Some("effective_on"), RefusalKind::Invalid),
            (
                E::TerminatedBeforeHire { terminated_on: day, hired_on: day },
                Some("terminated_on"),
                RefusalKind::Invalid,
            ),
            (E::InvalidEmail { reason: EmailError::Blank }, Some("email"), RefusalKind::Invalid),
            (E::InvalidBirthDate { birth_date: day, hired_on: day }, Some("birth_date"), RefusalKind::Invalid),
            (E::Input(InputError::Blank { field: "name" }), Some("name"), RefusalKind::Invalid),
        ]);
    }
}

mod personal_data {
    use super::*;

    #[test]
    fn well_formed_personal_data_passes() {
        assert_eq!(personal().check(date(2026, 1, 1)), Ok(()));
    }

    #[test]
    fn each_personal_field_is_refused_by_its_name() {
        let hired_on = date(2026, 1, 1);
        let cases = [
            (PersonalData { name: " ".to_owned(), ..personal() }, "name"),
            (PersonalData { name: "n".repeat(201), ..personal() }, "name"),
            (PersonalData { email: "ada".to_owned(), ..personal() }, "email"),
            (PersonalData { email: String::new(), ..personal() }, "email"),
            (PersonalData { birth_date: hired_on, ..personal() }, "birth_date"),
            (PersonalData { address: String::new(), ..personal() }, "address"),
        ];
        for (data, field) in cases {
            let error = data.check(hired_on).unwrap_err();
            assert_eq!(error.field().as_deref(), Some(field), "{error}");
            assert_eq!(error.kind(), RefusalKind::Invalid);
        }
    }
}

mod avro_contract {
    //! The serde JSON of each event must have exactly the fields of its Avro schema.

    use super::*;
    use crate::avro_contract::assert_event_matches_schema;

    const HIRED_AVSC: &str = include_str!("../../../../schemas/avro/hr/EmployeeHired.avsc");
    const TRANSFERRED_AVSC: &str = include_str!("../../../../schemas/avro/hr/EmployeeTransferred.avsc");
    const SALARY_AVSC: &str = include_str!("../../../../schemas/avro/hr/EmployeeSalaryChanged.avsc");
    const TERMINATED_AVSC: &str = include_str!("../../../../schemas/avro/hr/EmployeeTerminated.avsc");
    const ERASED_AVSC: &str = include_str!("../../../../schemas/avro/hr/EmployeePersonalDataErased.avsc");

    #[test]
    fn every_event_decide_records_matches_its_schema() {
        let given = vec![hired()];
        let commands = [
            (HIRED_AVSC, vec![], hire(hire_input())),
            (HIRED_AVSC, vec![], hire(HireEmployee { user_id: None, ..hire_input() })),
            (TRANSFERRED_AVSC, given.clone(), transfer("research", date(2026, 2, 1))),
            (SALARY_AVSC, given.clone(), change_salary(1, date(2026, 2, 1))),
            (TERMINATED_AVSC, given.clone(), terminate(date(2026, 2, 1))),
            (ERASED_AVSC, given, erase()),
        ];
        for (avsc, given, command) in commands {
            for event in assert_accepted(framework(), given, command) {
                assert_event_matches_schema(avsc, &event);
            }
        }
    }

    #[test]
    fn events_and_state_round_trip_through_serde() {
        for event in [hired(), terminated(), erased()] {
            let json = serde_json::to_string(&event).unwrap();
            assert_eq!(serde_json::from_str::<EmployeeEvent>(&json).unwrap(), event);
        }
        let employee: Employee = fold([hired(), terminated(), erased()]);
        let json = serde_json::to_string(&employee).unwrap();
        assert!(!json.contains(SEALED), "the state keeps no personal data, sealed or not");
        assert_eq!(serde_json::from_str::<Employee>(&json).unwrap(), employee);
    }
}
