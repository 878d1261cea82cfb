//! Given–when–then tests for every leave account rule, the error table, the contract test that
//! keeps events and Avro schemas in step, and the command-sequence property.

use chrono::NaiveDate;
use cqrs_es::test::TestFramework;
use uuid::Uuid;

use super::*;
use crate::crm::input::InputError;
use crate::refusal::{Refusal, RefusalKind};
use crate::test_support::{assert_accepted, assert_error_table, date, fold};

const EMPLOYEE: &str = "0190f0a4-0000-7000-8000-0000000000e1";

fn framework() -> TestFramework<LeaveAccount> {
    TestFramework::with(())
}

fn employee() -> Uuid {
    Uuid::parse_str(EMPLOYEE).unwrap()
}

fn request_id(n: u128) -> Uuid {
    Uuid::from_u128(n)
}

fn set(leave_type: &str, days: i32) -> LeaveAccountCommand {
    LeaveAccountCommand::SetEntitlement(SetEntitlement {
        employee_id: employee(),
        year: 2026,
        leave_type: leave_type.to_owned(),
        days,
    })
}

fn request_input(n: u128, leave_type: &str, start: NaiveDate, end: NaiveDate) -> RequestLeave {
    RequestLeave {
        employee_id: employee(),
        year: 2026,
        request_id: request_id(n),
        leave_type: leave_type.to_owned(),
        start_date: start,
        end_date: end,
        note: None,
    }
}

fn request(n: u128, leave_type: &str, start: NaiveDate, end: NaiveDate) -> LeaveAccountCommand {
    LeaveAccountCommand::Request(request_input(n, leave_type, start, end))
}

fn approve(n: u128) -> LeaveAccountCommand {
    LeaveAccountCommand::Approve(ApproveLeave { request_id: request_id(n), approved_on: date(2026, 3, 1) })
}

fn reject(n: u128) -> LeaveAccountCommand {
    LeaveAccountCommand::Reject(RejectLeave {
        request_id: request_id(n),
        reason: "busy season".to_owned(),
        rejected_on: date(2026, 3, 1),
    })
}

fn cancel(n: u128, on: NaiveDate) -> LeaveAccountCommand {
    LeaveAccountCommand::Cancel(CancelLeave { request_id: request_id(n), cancelled_on: on })
}

fn entitlement_set(leave_type: &str, days: i32, previous_days: Option<i32>) -> LeaveAccountEvent {
    LeaveAccountEvent::LeaveEntitlementSet(LeaveEntitlementSet {
        employee_id: EMPLOYEE.to_owned(),
        year: 2026,
        leave_type: leave_type.to_owned(),
        days,
        previous_days,
    })
}

/// Request `n` of annual leave Monday 2026-03-09 to Friday 2026-03-13: five working days.
fn requested(n: u128) -> LeaveAccountEvent {
    LeaveAccountEvent::LeaveRequested(LeaveRequested {
        employee_id: EMPLOYEE.to_owned(),
        year: 2026,
        request_id: request_id(n).to_string(),
        leave_type: "annual".to_owned(),
        start_date: date(2026, 3, 9),
        end_date: date(2026, 3, 13),
        working_days: 5,
        note: None,
    })
}

fn approved(n: u128) -> LeaveAccountEvent {
    LeaveAccountEvent::LeaveApproved(LeaveApproved {
        employee_id: EMPLOYEE.to_owned(),
        year: 2026,
        request_id: request_id(n).to_string(),
        leave_type: "annual".to_owned(),
        working_days: 5,
        approved_on: date(2026, 3, 1),
    })
}

/// Refuses `command` given `given`, asserting the refusal's field, code and kind.
fn assert_refused(
    given: Vec<LeaveAccountEvent>,
    command: LeaveAccountCommand,
    field: &str,
    code: &str,
    kind: RefusalKind,
) {
    let error = framework().given(given).when(command).inspect_result().unwrap_err();
    assert_eq!((error.field().as_deref(), error.code(), error.kind()), (Some(field), code, kind), "{error}");
}

#[test]
fn working_days_count_mondays_to_fridays_inclusive() {
    assert_eq!(working_days(date(2026, 3, 9), date(2026, 3, 13)), 5);
    assert_eq!(working_days(date(2026, 3, 9), date(2026, 3, 22)), 10, "two weeks, weekends left out");
    assert_eq!(working_days(date(2026, 3, 14), date(2026, 3, 15)), 0, "a weekend");
    assert_eq!(working_days(date(2026, 3, 13), date(2026, 3, 9)), 0, "backwards");
    assert_eq!(working_days(date(2026, 1, 1), date(2026, 12, 31)), 261);
}

#[test]
fn the_account_id_is_the_same_for_the_same_employee_and_year_only() {
    assert_eq!(leave_account_id_for(employee(), 2026), leave_account_id_for(employee(), 2026));
    assert_ne!(leave_account_id_for(employee(), 2026), leave_account_id_for(employee(), 2027));
    assert_ne!(leave_account_id_for(employee(), 2026), leave_account_id_for(Uuid::nil(), 2026));
}

#[test]
fn granting_and_adjusting_an_entitlement_records_the_days_and_the_previous_ones() {
    framework()
        .given_no_previous_events()
        .when(set("annual", 25))
        .then_expect_events(vec![entitlement_set("annual", 25, None)]);
    framework()
        .given(vec![entitlement_set("annual", 25, None)])
        .when(set("annual", 27))
        .then_expect_events(vec![entitlement_set("annual", 27, Some(25))]);
    let account: LeaveAccount = fold([entitlement_set("annual", 25, None), entitlement_set("sick", 10, None)]);
    assert_eq!(account.entitlements(), vec![("annual", 25), ("sick", 10)]);
    assert_eq!((account.employee_id(), LeaveAccount::default().employee_id()), (Some(EMPLOYEE), None));
}

#[test]
fn an_entitlement_must_be_a_known_type_in_range_in_a_valid_year_and_not_below_the_booked_days() {
    let refused = |given, command, field, code, kind| assert_refused(given, command, field, code, kind);
    refused(vec![], set("holiday", 5), "leave_type", "unknown_leave_type", RefusalKind::Invalid);
    refused(vec![], set("annual", -1), "days", "invalid_days", RefusalKind::Invalid);
    refused(vec![], set("annual", 367), "days", "invalid_days", RefusalKind::Invalid);
    let bad_year = LeaveAccountCommand::SetEntitlement(SetEntitlement {
        employee_id: employee(),
        year: 1999,
        leave_type: "annual".to_owned(),
        days: 1,
    });
    refused(vec![], bad_year, "year", "invalid_year", RefusalKind::Invalid);
    let given = vec![entitlement_set("annual", 25, None), requested(1)];
    refused(given, set("annual", 4), "days", "entitlement_below_booked", RefusalKind::Conflict);
    let given = vec![entitlement_set("annual", 25, None), requested(1)];
    framework().given(given).when(set("annual", 5)).then_expect_events(vec![entitlement_set("annual", 5, Some(25))]);
}

#[test]
fn another_employees_or_years_command_is_refused() {
    let other_year = LeaveAccountCommand::SetEntitlement(SetEntitlement {
        employee_id: employee(),
        year: 2027,
        leave_type: "annual".to_owned(),
        days: 1,
    });
    assert_refused(
        vec![entitlement_set("annual", 25, None)],
        other_year,
        "employee_id",
        "wrong_leave_account",
        RefusalKind::Invalid,
    );
    let other_employee = LeaveAccountCommand::Request(RequestLeave {
        employee_id: Uuid::nil(),
        ..request_input(1, "annual", date(2026, 3, 9), date(2026, 3, 13))
    });
    assert_refused(
        vec![entitlement_set("annual", 25, None)],
        other_employee,
        "employee_id",
        "wrong_leave_account",
        RefusalKind::Invalid,
    );
}

#[test]
fn requesting_leave_counts_its_working_days_as_pending() {
    let command = request(1, "annual", date(2026, 3, 9), date(2026, 3, 13));
    framework().given(vec![entitlement_set("annual", 25, None)]).when(command).then_expect_events(vec![requested(1)]);
    let account: LeaveAccount = fold([entitlement_set("annual", 25, None), requested(1)]);
    let balance = account.balance("annual");
    assert_eq!(balance, Balance { entitled: Some(25), pending: 5, approved: 0 });
    assert_eq!(balance.remaining(), Some(20));
    assert_eq!(account.request(&request_id(1).to_string()).map(|r| r.status), Some(LeaveStatus::Pending));
}

#[test]
fn a_type_without_entitlement_is_not_limited() {
    let command = request(1, "sick", date(2026, 1, 1), date(2026, 6, 30));
    let events = assert_accepted(framework(), vec![], command);
    let account: LeaveAccount = fold(events);
    assert_eq!(account.balance("sick"), Balance { entitled: None, pending: 129, approved: 0 });
    assert_eq!(account.balance("sick").remaining(), None);
}

#[test]
fn a_request_must_fit_the_year_have_a_working_day_and_a_known_type() {
    let refused = |command, field, code| assert_refused(vec![], command, field, code, RefusalKind::Invalid);
    refused(request(1, "annual", date(2026, 3, 13), date(2026, 3, 9)), "end_date", "end_before_start");
    refused(request(1, "annual", date(2025, 12, 29), date(2026, 1, 2)), "start_date", "outside_year");
    refused(request(1, "annual", date(2026, 12, 28), date(2027, 1, 2)), "end_date", "outside_year");
    refused(request(1, "annual", date(2026, 3, 14), date(2026, 3, 15)), "end_date", "no_working_days");
    refused(request(1, "holiday", date(2026, 3, 9), date(2026, 3, 9)), "leave_type", "unknown_leave_type");
    let blank_note = LeaveAccountCommand::Request(RequestLeave {
        note: Some(" ".to_owned()),
        ..request_input(1, "annual", date(2026, 3, 9), date(2026, 3, 9))
    });
    refused(blank_note, "note", "blank");
}

#[test]
fn a_request_overlapping_a_pending_or_approved_one_is_refused_but_not_a_rejected_or_cancelled_one() {
    let overlapping = || request(2, "sick", date(2026, 3, 13), date(2026, 3, 16));
    assert_refused(vec![requested(1)], overlapping(), "start_date", "leave_overlap", RefusalKind::Conflict);
    assert_refused(
        vec![requested(1), approved(1)],
        overlapping(),
        "start_date",
        "leave_overlap",
        RefusalKind::Conflict,
    );
    let rejected = assert_accepted(framework(), vec![requested(1)], reject(1));
    assert_accepted(framework(), [vec![requested(1)], rejected].concat(), overlapping());
    let cancelled = assert_accepted(framework(), vec![requested(1)], cancel(1, date(2026, 3, 1)));
    assert_accepted(framework(), [vec![requested(1)], cancelled].concat(), overlapping());
    assert_accepted(framework(), vec![requested(1)], request(2, "sick", date(2026, 3, 16), date(2026, 3, 16)));
}

#[test]
fn a_request_beyond_the_remaining_entitlement_is_refused() {
    let given = vec![entitlement_set("annual", 8, None), requested(1)];
    let three = request(2, "annual", date(2026, 4, 6), date(2026, 4, 8));
    assert_accepted(framework(), given.clone(), three);
    let four = request(2, "annual", date(2026, 4, 6), date(2026, 4, 9));
    let error = framework().given(given.clone()).when(four.clone()).inspect_result().unwrap_err();
    assert_eq!(error, LeaveAccountError::InsufficientBalance { requested: 4, remaining: 3, entitled: 8 });
    assert_refused(given.clone(), four.clone(), "end_date", "insufficient_leave_balance", RefusalKind::Conflict);
    let approved_too = [given.clone(), vec![approved(1)]].concat();
    assert_refused(approved_too, four.clone(), "end_date", "insufficient_leave_balance", RefusalKind::Conflict);
    let rejected = assert_accepted(framework(), given.clone(), reject(1));
    assert_accepted(framework(), [given, rejected].concat(), four);
}

#[test]
fn a_request_id_is_used_once() {
    let again = request(1, "annual", date(2026, 4, 6), date(2026, 4, 6));
    assert_refused(vec![requested(1)], again, "request_id", "leave_request_exists", RefusalKind::Conflict);
}

#[test]
fn an_account_holds_a_bounded_number_of_requests() {
    // Each request cancelled, so that none overlaps the next.
    let given: Vec<LeaveAccountEvent> = (0..MAX_REQUESTS as u128)
        .flat_map(|n| {
            let cancelled = LeaveAccountEvent::LeaveCancelled(LeaveCancelled {
                employee_id: EMPLOYEE.to_owned(),
                year: 2026,
                request_id: request_id(n).to_string(),
                leave_type: "annual".to_owned(),
                working_days: 5,
                was_approved: false,
                cancelled_on: date(2026, 1, 2),
            });
            [requested(n), cancelled]
        })
        .collect();
    let one_more = request(9_999, "annual", date(2026, 5, 4), date(2026, 5, 4));
    assert_refused(given, one_more, "request_id", "too_many_leave_requests", RefusalKind::Conflict);
}

#[test]
fn approving_a_pending_request_takes_its_days() {
    framework().given(vec![requested(1)]).when(approve(1)).then_expect_events(vec![approved(1)]);
    let account: LeaveAccount = fold([entitlement_set("annual", 25, None), requested(1), approved(1)]);
    assert_eq!(account.balance("annual"), Balance { entitled: Some(25), pending: 0, approved: 5 });
}

#[test]
fn rejecting_a_pending_request_with_a_reason_frees_its_days() {
    let events = assert_accepted(framework(), vec![requested(1)], reject(1));
    assert!(
        matches!(&events[..], [LeaveAccountEvent::LeaveRejected(r)] if r.reason == "busy season" && r.working_days == 5)
    );
    let account: LeaveAccount = fold([vec![entitlement_set("annual", 25, None), requested(1)], events].concat());
    assert_eq!(account.balance("annual").remaining(), Some(25));
    let blank = LeaveAccountCommand::Reject(RejectLeave {
        request_id: request_id(1),
        reason: String::new(),
        rejected_on: date(2026, 3, 1),
    });
    assert_refused(vec![requested(1)], blank, "reason", "blank", RefusalKind::Invalid);
}

#[test]
fn only_a_pending_request_is_approved_or_rejected() {
    for command in [approve(1), reject(1)] {
        let given = vec![requested(1), approved(1)];
        assert_refused(given, command.clone(), "request_id", "leave_request_not_pending", RefusalKind::Conflict);
        assert_refused(vec![], command, "request_id", "leave_request_not_found", RefusalKind::NotFound);
    }
}

#[test]
fn cancelling_a_pending_or_a_not_yet_started_approved_request_frees_its_days() {
    let pending = assert_accepted(framework(), vec![requested(1)], cancel(1, date(2026, 3, 9)));
    assert!(matches!(&pending[..], [LeaveAccountEvent::LeaveCancelled(c)] if !c.was_approved));
    let given = vec![entitlement_set("annual", 25, None), requested(1), approved(1)];
    let events = assert_accepted(framework(), given.clone(), cancel(1, date(2026, 3, 8)));
    assert!(matches!(&events[..], [LeaveAccountEvent::LeaveCancelled(c)] if c.was_approved && c.working_days == 5));
    let account: LeaveAccount = fold([given, events].concat());
    assert_eq!(account.balance("annual"), Balance { entitled: Some(25), pending: 0, approved: 0 });
    assert_eq!(account.requests()[0].status, LeaveStatus::Cancelled);
}

#[test]
fn a_started_closed_or_unknown_request_is_not_cancelled() {
    let started = cancel(1, date(2026, 3, 9));
    assert_refused(vec![requested(1), approved(1)], started, "cancelled_on", "leave_started", RefusalKind::Conflict);
    let cancelled = assert_accepted(framework(), vec![requested(1)], cancel(1, date(2026, 3, 1)));
    let again = cancel(1, date(2026, 3, 1));
    assert_refused(
        [vec![requested(1)], cancelled].concat(),
        again,
        "request_id",
        "leave_request_closed",
        RefusalKind::Conflict,
    );
    let rejected = assert_accepted(framework(), vec![requested(1)], reject(1));
    let after_rejection = cancel(1, date(2026, 3, 1));
    assert_refused(
        [vec![requested(1)], rejected].concat(),
        after_rejection,
        "request_id",
        "leave_request_closed",
        RefusalKind::Conflict,
    );
    assert_refused(vec![], cancel(1, date(2026, 3, 1)), "request_id", "leave_request_not_found", RefusalKind::NotFound);
}

#[test]
fn every_refusal_has_its_own_code_field_and_kind() {
    use LeaveAccountError as E;
    let (day, id) = (date(2026, 1, 1), || "r".to_owned());
    assert_error_table(&[
        (E::InvalidYear { year: 1 }, Some("year"), RefusalKind::Invalid),
        (E::WrongAccount, Some("employee_id"), RefusalKind::Invalid),
        (E::UnknownLeaveType { leave_type: "x".to_owned() }, Some("leave_type"), RefusalKind::Invalid),
        (E::InvalidDays { days: -1, max: 366 }, Some("days"), RefusalKind::Invalid),
        (E::EntitlementBelowBooked { days: 1, booked: 2 }, Some("days"), RefusalKind::Conflict),
        (E::RequestExists { request_id: id() }, Some("request_id"), RefusalKind::Conflict),
        (E::EndBeforeStart { start_date: day, end_date: day }, Some("end_date"), RefusalKind::Invalid),
        (E::OutsideYear { field: "start_date", date: day, year: 1 }, Some("start_date"), RefusalKind::Invalid),
        (E::NoWorkingDays { start_date: day, end_date: day }, Some("end_date"), RefusalKind::Invalid),
        (E::Overlap { request_id: id(), start_date: day, end_date: day }, Some("start_date"), RefusalKind::Conflict),
        (E::InsufficientBalance { requested: 2, remaining: 1, entitled: 1 }, Some("end_date"), RefusalKind::Conflict),
        (E::TooManyRequests { max: 1 }, Some("request_id"), RefusalKind::Conflict),
        (E::RequestNotFound { request_id: id() }, Some("request_id"), RefusalKind::NotFound),
        (E::NotPending { request_id: id(), status: "approved" }, Some("request_id"), RefusalKind::Conflict),
        (E::AlreadyClosed { request_id: id(), status: "rejected" }, Some("request_id"), RefusalKind::Conflict),
        (
            E::AlreadyStarted { request_id: id(), start_date: day, cancelled_on: day },
            Some("cancelled_on"),
            RefusalKind::Conflict,
        ),
        (E::Input(InputError::Blank { field: "reason" }), Some("reason"), RefusalKind::Invalid),
    ]);
}

#[test]
fn every_event_decide_records_matches_its_schema() {
    use crate::avro_contract::assert_event_matches_schema;
    const SET_AVSC: &str = include_str!("../../../../schemas/avro/hr/LeaveEntitlementSet.avsc");
    const REQUESTED_AVSC: &str = include_str!("../../../../schemas/avro/hr/LeaveRequested.avsc");
    const APPROVED_AVSC: &str = include_str!("../../../../schemas/avro/hr/LeaveApproved.avsc");
    const REJECTED_AVSC: &str = include_str!("../../../../schemas/avro/hr/LeaveRejected.avsc");
    const CANCELLED_AVSC: &str = include_str!("../../../../schemas/avro/hr/LeaveCancelled.avsc");
    let noted = LeaveAccountCommand::Request(RequestLeave {
        note: Some("family trip".to_owned()),
        ..request_input(1, "annual", date(2026, 3, 9), date(2026, 3, 13))
    });
    let cases: [(&str, Vec<LeaveAccountEvent>, LeaveAccountCommand); 7] = [
        (SET_AVSC, vec![], set("annual", 25)),
        (SET_AVSC, vec![entitlement_set("annual", 25, None)], set("annual", 20)),
        (REQUESTED_AVSC, vec![], noted),
        (REQUESTED_AVSC, vec![], request(1, "annual", date(2026, 3, 9), date(2026, 3, 13))),
        (APPROVED_AVSC, vec![requested(1)], approve(1)),
        (REJECTED_AVSC, vec![requested(1)], reject(1)),
        (CANCELLED_AVSC, vec![requested(1), approved(1)], cancel(1, date(2026, 3, 1))),
    ];
    for (schema, given, command) in cases {
        for event in assert_accepted(framework(), given, command) {
            assert_event_matches_schema(schema, &event);
        }
    }
}

mod properties {
    use proptest::prelude::*;

    use super::*;
    use crate::test_support::{check_command_sequence, command_sequences, SEQUENCE_CASES};

    /// Entitlements around the limits, requests of a few ids over overlapping weeks (some
    /// across the year's end or backwards), and decisions on those ids on a few days.
    fn arb_command() -> impl Strategy<Value = LeaveAccountCommand> {
        let id = || 1_u128..=4;
        let leave_type = || prop::sample::select(vec!["annual", "sick", "holiday"]);
        let day = || prop::sample::select(vec![(1, 2), (3, 9), (3, 13), (3, 16), (3, 20), (12, 31)]);
        prop_oneof![
            (leave_type(), prop::sample::select(vec![-1, 0, 3, 8, 25])).prop_map(|(t, days)| set(t, days)),
            (id(), leave_type(), day(), day())
                .prop_map(|(n, t, (m1, d1), (m2, d2))| { request(n, t, date(2026, m1, d1), date(2026, m2, d2)) }),
            id().prop_map(approve),
            id().prop_map(reject),
            (id(), day()).prop_map(|(n, (m, d))| cancel(n, date(2026, m, d))),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(SEQUENCE_CASES))]

        /// Whatever is attempted, a type with an entitlement never has more pending and
        /// approved days than entitled; no two pending or approved requests overlap; a request
        /// only moves pending → approved/rejected/cancelled or approved → cancelled; and the
        /// account holds at most its limit of requests.
        #[test]
        fn a_leave_account_keeps_its_balance_and_requests_apart(commands in command_sequences(arb_command())) {
            check_command_sequence::<LeaveAccount>(&(), commands, |step| {
                let account = step.after;
                for leave_type in LEAVE_TYPES {
                    prop_assert!(account.balance(leave_type).remaining().is_none_or(|left| left >= 0));
                }
                let booked: Vec<&LeaveRequest> = account.requests().iter().filter(|r| r.status.is_booked()).collect();
                for (i, a) in booked.iter().enumerate() {
                    for b in &booked[i + 1..] {
                        prop_assert!(a.end_date < b.start_date || b.end_date < a.start_date, "{:?} overlaps {:?}", a, b);
                    }
                }
                for before in step.before.requests() {
                    let after = account.request(&before.request_id).map(|r| r.status);
                    let moved = match (before.status, after) {
                        (from, Some(to)) if from == to => true,
                        (LeaveStatus::Pending, Some(_)) => true,
                        (LeaveStatus::Approved, Some(LeaveStatus::Cancelled)) => true,
                        _ => false,
                    };
                    prop_assert!(moved, "{:?} → {:?}", before.status, after);
                }
                prop_assert!(account.requests().len() <= MAX_REQUESTS);
                Ok(())
            })?;
        }
    }
}
