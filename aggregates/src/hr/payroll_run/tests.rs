//! Given–when–then tests for every payroll run rule, the error table and the contract test
//! that keeps events and Avro schemas in step.

use cqrs_es::test::TestFramework;
use uuid::Uuid;

use super::*;
use crate::money::CurrencyError;
use crate::refusal::{Refusal, RefusalKind};
use crate::test_support::{assert_accepted, assert_error_table, assert_refused_as, date, fold};

const ID: &str = "0190f0a4-0000-7000-8000-0000000000b1";

fn framework() -> TestFramework<PayrollRun> {
    TestFramework::with(())
}

fn employee(n: u128) -> Uuid {
    Uuid::from_u128(n)
}

fn draft_input(lines: &[(u128, i64)]) -> DraftPayrollRun {
    DraftPayrollRun {
        payroll_run_id: Uuid::parse_str(ID).unwrap(),
        period: "2026-01".to_owned(),
        pay_date: date(2026, 1, 31),
        currency: "EUR".to_owned(),
        lines: lines
            .iter()
            .map(|&(n, gross_minor)| PayrollLineInput { employee_id: employee(n), gross_minor })
            .collect(),
    }
}

fn draft(input: DraftPayrollRun) -> PayrollRunCommand {
    PayrollRunCommand::Draft(input)
}

fn approve() -> PayrollRunCommand {
    PayrollRunCommand::Approve(ApprovePayrollRun { approved_on: date(2026, 1, 28) })
}

fn drafted() -> PayrollRunEvent {
    PayrollRunEvent::PayrollRunDrafted(PayrollRunDrafted {
        payroll_run_id: ID.to_owned(),
        period: "2026-01".to_owned(),
        pay_date: date(2026, 1, 31),
        currency: "EUR".to_owned(),
        lines: vec![
            PayrollLine { employee_id: employee(1).to_string(), gross_minor: 500_000 },
            PayrollLine { employee_id: employee(2).to_string(), gross_minor: 420_050 },
        ],
        total_minor: 920_050,
    })
}

fn approved() -> PayrollRunEvent {
    PayrollRunEvent::PayrollRunApproved(PayrollRunApproved {
        payroll_run_id: ID.to_owned(),
        period: "2026-01".to_owned(),
        pay_date: date(2026, 1, 31),
        currency: "EUR".to_owned(),
        total_minor: 920_050,
        journal_entry_id: journal_entry_id_for(ID).to_string(),
        approved_on: date(2026, 1, 28),
    })
}

#[test]
fn drafting_records_the_lines_and_their_total() {
    let input = draft_input(&[(1, 500_000), (2, 420_050)]);
    framework().given_no_previous_events().when(draft(input)).then_expect_events(vec![drafted()]);
    let run: PayrollRun = fold([drafted()]);
    assert_eq!((run.total(), run.is_approved()), (Some((920_050, "EUR")), false));
}

#[test]
fn approving_records_the_total_and_the_deterministic_journal_entry_id() {
    framework().given(vec![drafted()]).when(approve()).then_expect_events(vec![approved()]);
    assert_eq!(journal_entry_id_for(ID), journal_entry_id_for(ID), "the same run always posts the same entry");
    assert_ne!(journal_entry_id_for(ID), journal_entry_id_for("other"));
    assert!(fold::<PayrollRun>([drafted(), approved()]).is_approved());
}

#[test]
fn a_second_draft_or_approval_is_a_conflict_and_approving_nothing_is_not_found() {
    let error = PayrollRunError::AlreadyExists;
    let input = draft(draft_input(&[(1, 1)]));
    assert_refused_as(
        framework(),
        vec![drafted()],
        input,
        error,
        Some("payroll_run_id"),
        "payroll_run_exists",
        RefusalKind::Conflict,
    );
    let again = PayrollRunError::AlreadyApproved;
    assert_refused_as(
        framework(),
        vec![drafted(), approved()],
        approve(),
        again,
        None,
        "payroll_run_approved",
        RefusalKind::Conflict,
    );
    framework().given_no_previous_events().when(approve()).then_expect_error(PayrollRunError::NotFound);
}

#[test]
fn bad_drafts_are_refused_naming_the_field() {
    let cases = [
        (DraftPayrollRun { period: "2026-13".to_owned(), ..draft_input(&[(1, 1)]) }, "period"),
        (DraftPayrollRun { period: "2026-1".to_owned(), ..draft_input(&[(1, 1)]) }, "period"),
        (DraftPayrollRun { currency: "eur".to_owned(), ..draft_input(&[(1, 1)]) }, "currency"),
        (draft_input(&[]), "lines"),
        (draft_input(&[(1, 1), (2, 0)]), "lines[1].gross_minor"),
        (draft_input(&[(1, 1), (2, 1), (1, 1)]), "lines[2].employee_id"),
        (draft_input(&[(1, i64::MAX), (2, 1)]), "lines"),
    ];
    for (input, field) in cases {
        let error = framework().given_no_previous_events().when(draft(input)).inspect_result().unwrap_err();
        assert_eq!(error.field().as_deref(), Some(field), "{error}");
        assert_eq!(error.kind(), RefusalKind::Invalid, "{error}");
    }
    let too_many: Vec<(u128, i64)> = (0..=1_000).map(|n| (n, 1)).collect();
    let error =
        framework().given_no_previous_events().when(draft(draft_input(&too_many))).inspect_result().unwrap_err();
    assert_eq!(error, PayrollRunError::LineCount { count: 1_001, max: MAX_LINES });
}

#[test]
fn every_refusal_has_its_own_code_field_and_kind() {
    use PayrollRunError as E;
    assert_error_table(&[
        (E::AlreadyExists, Some("payroll_run_id"), RefusalKind::Conflict),
        (E::NotFound, None, RefusalKind::NotFound),
        (E::AlreadyApproved, None, RefusalKind::Conflict),
        (E::InvalidPeriod { period: "x".to_owned() }, Some("period"), RefusalKind::Invalid),
        (
            E::InvalidCurrency { reason: CurrencyError::Unknown { code: "XXY".to_owned() } },
            Some("currency"),
            RefusalKind::Invalid,
        ),
        (E::LineCount { count: 0, max: 1 }, Some("lines"), RefusalKind::Invalid),
        (
            E::DuplicateEmployee { index: 1, first: 0, employee_id: "e".to_owned() },
            Some("lines[1].employee_id"),
            RefusalKind::Invalid,
        ),
        (E::InvalidGross { index: 0, gross_minor: 0 }, Some("lines[0].gross_minor"), RefusalKind::Invalid),
        (E::TotalOverflow, Some("lines"), RefusalKind::Invalid),
    ]);
}

#[test]
fn every_event_decide_records_matches_its_schema() {
    use crate::avro_contract::assert_event_matches_schema;
    const DRAFTED_AVSC: &str = include_str!("../../../../schemas/avro/hr/PayrollRunDrafted.avsc");
    const APPROVED_AVSC: &str = include_str!("../../../../schemas/avro/hr/PayrollRunApproved.avsc");
    for event in assert_accepted(framework(), vec![], draft(draft_input(&[(1, 5)]))) {
        assert_event_matches_schema(DRAFTED_AVSC, &event);
    }
    for event in assert_accepted(framework(), vec![drafted()], approve()) {
        assert_event_matches_schema(APPROVED_AVSC, &event);
    }
}
