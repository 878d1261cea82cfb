//! Given–when–then tests for every job opening rule (post, apply, advance, reject, hire, erase,
//! close), the error table, the Avro contract and the command-sequence property.

use cqrs_es::test::TestFramework;
use uuid::Uuid;

use super::*;
use crate::crm::input::InputError;
use crate::hr::employee::EmployeeError;
use crate::refusal::RefusalKind;
use crate::test_support::{assert_accepted, assert_error_table, assert_refused_as, date, fold};

const ID: &str = "0190f0a4-0000-7000-8000-0000000000c1";
const ADA: &str = "0190f0a4-0000-7000-8000-0000000000c2";
const BOB: &str = "0190f0a4-0000-7000-8000-0000000000c3";
/// Sealed personal data as the command API writes it (opaque to the aggregate).
const SEALED: &str = "v1.c2VhbGVkIGRhdGE=";

fn framework() -> TestFramework<JobOpening> {
    TestFramework::with(())
}

fn uuid(id: &str) -> Uuid {
    Uuid::parse_str(id).unwrap()
}

fn post(positions: i32) -> JobOpeningCommand {
    JobOpeningCommand::Post(PostJobOpening {
        job_opening_id: uuid(ID),
        title: "Machinist".into(),
        org_unit_id: "plant".into(),
        positions,
        opened_on: date(2026, 3, 1),
    })
}

fn posted(positions: i32) -> JobOpeningEvent {
    JobOpeningEvent::JobOpeningPosted(JobOpeningPosted {
        job_opening_id: ID.into(),
        title: "Machinist".into(),
        org_unit_id: "plant".into(),
        positions,
        opened_on: date(2026, 3, 1),
    })
}

fn apply(applicant: &str) -> JobOpeningCommand {
    JobOpeningCommand::ReceiveApplication(ReceiveApplication {
        applicant_id: uuid(applicant),
        personal_data: SEALED.into(),
        applied_on: date(2026, 3, 2),
    })
}

fn applied(applicant: &str) -> JobOpeningEvent {
    JobOpeningEvent::ApplicationReceived(ApplicationReceived {
        job_opening_id: ID.into(),
        applicant_id: applicant.into(),
        personal_data: SEALED.into(),
        applied_on: date(2026, 3, 2),
    })
}

fn advance(applicant: &str, stage: &str) -> JobOpeningCommand {
    JobOpeningCommand::Advance { applicant_id: uuid(applicant), stage: stage.into() }
}

fn advanced(applicant: &str, from: &str, stage: &str) -> JobOpeningEvent {
    JobOpeningEvent::ApplicantAdvanced(ApplicantAdvanced {
        job_opening_id: ID.into(),
        applicant_id: applicant.into(),
        from_stage: from.into(),
        stage: stage.into(),
    })
}

fn hire_input(applicant: &str) -> HireApplicant {
    HireApplicant {
        applicant_id: uuid(applicant),
        salary_minor: 350_000,
        currency: "EUR".into(),
        hired_on: date(2026, 4, 1),
        user_id: None,
    }
}

fn hire(applicant: &str) -> JobOpeningCommand {
    JobOpeningCommand::Hire(hire_input(applicant))
}

fn hired(applicant: &str) -> JobOpeningEvent {
    JobOpeningEvent::ApplicantHired(ApplicantHired {
        job_opening_id: ID.into(),
        applicant_id: applicant.into(),
        employee_id: applicant.into(),
        personal_data: SEALED.into(),
        org_unit_id: "plant".into(),
        user_id: None,
        salary_minor: 350_000,
        currency: "EUR".into(),
        hired_on: date(2026, 4, 1),
    })
}

fn filled() -> JobOpeningEvent {
    JobOpeningEvent::JobOpeningClosed(JobOpeningClosed {
        job_opening_id: ID.into(),
        filled: true,
        reason: FILLED_REASON.into(),
    })
}

/// An opening of `positions` with Ada applied and offered.
fn ada_offered(positions: i32) -> Vec<JobOpeningEvent> {
    vec![posted(positions), applied(ADA), advanced(ADA, "applied", "offered")]
}

mod lifecycle {
    use super::*;

    #[test]
    fn an_applicant_moves_forward_and_is_hired_as_an_employee_with_the_sealed_data() {
        framework().given_no_previous_events().when(post(2)).then_expect_events(vec![posted(2)]);
        framework().given(vec![posted(2)]).when(apply(ADA)).then_expect_events(vec![applied(ADA)]);
        framework()
            .given(vec![posted(2), applied(ADA)])
            .when(advance(ADA, "screening"))
            .then_expect_events(vec![advanced(ADA, "applied", "screening")]);
        framework()
            .given(vec![posted(2), applied(ADA), advanced(ADA, "applied", "screening")])
            .when(advance(ADA, "offered"))
            .then_expect_events(vec![advanced(ADA, "screening", "offered")]);
        framework().given(ada_offered(2)).when(hire(ADA)).then_expect_events(vec![hired(ADA)]);
        let opening: JobOpening = fold([ada_offered(2), vec![hired(ADA)]].concat());
        assert_eq!((opening.status(), opening.hired()), (Some(OpeningStatus::Open), 1));
        assert_eq!(opening.stage_of(uuid(ADA)), Some(ApplicantStage::Hired));
        assert_eq!(opening.stage_of(uuid(BOB)), None);
    }

    #[test]
    fn the_hire_that_fills_the_last_position_closes_the_opening() {
        framework().given(ada_offered(1)).when(hire(ADA)).then_expect_events(vec![hired(ADA), filled()]);
        let opening: JobOpening = fold([ada_offered(1), vec![hired(ADA), filled()]].concat());
        assert_eq!(opening.status(), Some(OpeningStatus::Filled));
        let given = [ada_offered(1), vec![hired(ADA), filled()]].concat();
        assert_refused_as(
            framework(),
            given,
            apply(BOB),
            JobOpeningError::NotOpen { status: OpeningStatus::Filled, command: "receive an application" },
            None,
            "job_opening_not_open",
            RefusalKind::Conflict,
        );
    }

    #[test]
    fn applicants_are_rejected_and_erased_even_after_the_opening_closed() {
        let closed = JobOpeningEvent::JobOpeningClosed(JobOpeningClosed {
            job_opening_id: ID.into(),
            filled: false,
            reason: "budget cut".into(),
        });
        framework()
            .given(vec![posted(1), applied(ADA)])
            .when(JobOpeningCommand::Close { reason: "budget cut".into() })
            .then_expect_events(vec![closed.clone()]);
        let rejected = JobOpeningEvent::ApplicantRejected(ApplicantRejected {
            job_opening_id: ID.into(),
            applicant_id: ADA.into(),
            from_stage: "applied".into(),
            reason: "position closed".into(),
        });
        framework()
            .given(vec![posted(1), applied(ADA), closed.clone()])
            .when(JobOpeningCommand::Reject { applicant_id: uuid(ADA), reason: "position closed".into() })
            .then_expect_events(vec![rejected.clone()]);
        let erased = JobOpeningEvent::ApplicantPersonalDataErased(ApplicantPersonalDataErased {
            job_opening_id: ID.into(),
            applicant_id: ADA.into(),
            erased_on: date(2026, 5, 1),
        });
        framework()
            .given(vec![posted(1), applied(ADA), closed.clone(), rejected.clone()])
            .when(JobOpeningCommand::EraseApplicant { applicant_id: uuid(ADA), erased_on: date(2026, 5, 1) })
            .then_expect_events(vec![erased.clone()]);
        let opening: JobOpening = fold([posted(1), applied(ADA), closed, rejected, erased]);
        assert_eq!(opening.status(), Some(OpeningStatus::Closed));
        assert_eq!(opening.stage_of(uuid(ADA)), Some(ApplicantStage::Rejected));
    }
}

mod refusals {
    use super::*;

    fn wrong(stage: ApplicantStage, command: &'static str, needs: &'static str) -> JobOpeningError {
        JobOpeningError::WrongStage { stage, command, needs }
    }

    fn erased_ada() -> JobOpeningEvent {
        JobOpeningEvent::ApplicantPersonalDataErased(ApplicantPersonalDataErased {
            job_opening_id: ID.into(),
            applicant_id: ADA.into(),
            erased_on: date(2026, 3, 3),
        })
    }

    #[test]
    fn stages_only_move_forward_and_only_offered_applicants_are_hired() {
        let not_final = "an applicant not hired or rejected";
        let cases = [
            (vec![posted(1), applied(ADA)], hire(ADA), wrong(ApplicantStage::Applied, "hire", "offered")),
            (
                ada_offered(1),
                advance(ADA, "screening"),
                JobOpeningError::StageNotForward { from: ApplicantStage::Offered, to: ApplicantStage::Screening },
            ),
            (
                ada_offered(1),
                advance(ADA, "offered"),
                JobOpeningError::StageNotForward { from: ApplicantStage::Offered, to: ApplicantStage::Offered },
            ),
            (
                [ada_offered(2), vec![hired(ADA)]].concat(),
                JobOpeningCommand::Reject { applicant_id: uuid(ADA), reason: "late".into() },
                wrong(ApplicantStage::Hired, "reject", not_final),
            ),
            ([ada_offered(2), vec![hired(ADA)]].concat(), hire(ADA), wrong(ApplicantStage::Hired, "hire", not_final)),
            (
                [ada_offered(2), vec![hired(ADA)]].concat(),
                JobOpeningCommand::EraseApplicant { applicant_id: uuid(ADA), erased_on: date(2026, 5, 1) },
                wrong(ApplicantStage::Hired, "erase", "an applicant not hired (erase the employee)"),
            ),
            ([ada_offered(1), vec![erased_ada()]].concat(), hire(ADA), JobOpeningError::ApplicantErased),
            (
                vec![posted(1), applied(ADA), erased_ada()],
                JobOpeningCommand::EraseApplicant { applicant_id: uuid(ADA), erased_on: date(2026, 5, 1) },
                JobOpeningError::ApplicantErased,
            ),
            (vec![posted(1)], advance(BOB, "screening"), JobOpeningError::ApplicantNotFound),
            (vec![posted(1), applied(ADA)], apply(ADA), JobOpeningError::ApplicantExists),
            (vec![posted(1)], post(1), JobOpeningError::AlreadyExists),
            (vec![], apply(ADA), JobOpeningError::NotFound),
            (
                [ada_offered(1), vec![hired(ADA), filled()]].concat(),
                JobOpeningCommand::Close { reason: "done".into() },
                JobOpeningError::NotOpen { status: OpeningStatus::Filled, command: "close" },
            ),
        ];
        for (given, command, expected) in cases {
            framework().given(given).when(command).then_expect_error(expected);
        }
    }

    #[test]
    fn the_inputs_positions_days_and_terms_must_make_sense() {
        let cases = [
            (vec![], post(0), JobOpeningError::InvalidPositions { positions: 0, max: MAX_POSITIONS }),
            (vec![], post(MAX_POSITIONS + 1), JobOpeningError::InvalidPositions { positions: 1_001, max: 1_000 }),
            (
                vec![],
                JobOpeningCommand::Post(PostJobOpening {
                    job_opening_id: uuid(ID),
                    title: " ".into(),
                    org_unit_id: "plant".into(),
                    positions: 1,
                    opened_on: date(2026, 3, 1),
                }),
                JobOpeningError::Input(InputError::Blank { field: "title" }),
            ),
            (
                vec![posted(1)],
                JobOpeningCommand::ReceiveApplication(ReceiveApplication {
                    applicant_id: uuid(ADA),
                    personal_data: SEALED.into(),
                    applied_on: date(2026, 2, 28),
                }),
                JobOpeningError::AppliedBeforeOpening { applied_on: date(2026, 2, 28), opened_on: date(2026, 3, 1) },
            ),
            (
                vec![posted(1)],
                JobOpeningCommand::ReceiveApplication(ReceiveApplication {
                    applicant_id: uuid(ADA),
                    personal_data: String::new(),
                    applied_on: date(2026, 3, 2),
                }),
                JobOpeningError::Input(InputError::Blank { field: "personal_data" }),
            ),
            (
                vec![posted(1), applied(ADA)],
                advance(ADA, "hired"),
                JobOpeningError::UnknownStage { stage: "hired".into() },
            ),
            (
                vec![posted(1), applied(ADA)],
                JobOpeningCommand::Reject { applicant_id: uuid(ADA), reason: String::new() },
                JobOpeningError::Input(InputError::Blank { field: "reason" }),
            ),
            (
                ada_offered(1),
                JobOpeningCommand::Hire(HireApplicant { hired_on: date(2026, 3, 1), ..hire_input(ADA) }),
                JobOpeningError::HiredBeforeApplication { hired_on: date(2026, 3, 1), applied_on: date(2026, 3, 2) },
            ),
            (
                ada_offered(1),
                JobOpeningCommand::Hire(HireApplicant { salary_minor: 0, ..hire_input(ADA) }),
                JobOpeningError::Terms(EmployeeError::InvalidSalary { salary_minor: 0 }),
            ),
        ];
        for (given, command, expected) in cases {
            framework().given(given).when(command).then_expect_error(expected);
        }
    }

    #[test]
    fn an_opening_takes_a_bounded_number_of_applicants() {
        let mut opening: JobOpening = fold([posted(1)]);
        for n in 0..MAX_APPLICANTS {
            let applicant = Uuid::from_u128(n as u128 + 1).to_string();
            cqrs_es::Aggregate::apply(&mut opening, applied(&applicant));
        }
        assert_eq!(
            opening.check_application(uuid(ADA), date(2026, 3, 2)),
            Err(JobOpeningError::TooManyApplicants { max: MAX_APPLICANTS })
        );
    }

    #[test]
    fn every_error_has_a_unique_code_its_field_and_kind() {
        let day = date(2026, 1, 1);
        let stage = ApplicantStage::Applied;
        assert_error_table(&[
            (JobOpeningError::AlreadyExists, Some("job_opening_id"), RefusalKind::Conflict),
            (JobOpeningError::NotFound, None, RefusalKind::NotFound),
            (JobOpeningError::NotOpen { status: OpeningStatus::Closed, command: "close" }, None, RefusalKind::Conflict),
            (JobOpeningError::InvalidPositions { positions: 0, max: 1 }, Some("positions"), RefusalKind::Invalid),
            (JobOpeningError::ApplicantExists, Some("applicant_id"), RefusalKind::Conflict),
            (JobOpeningError::TooManyApplicants { max: 1 }, Some("applicant_id"), RefusalKind::Conflict),
            (
                JobOpeningError::AppliedBeforeOpening { applied_on: day, opened_on: day },
                Some("applied_on"),
                RefusalKind::Invalid,
            ),
            (JobOpeningError::ApplicantNotFound, None, RefusalKind::NotFound),
            (JobOpeningError::UnknownStage { stage: "x".into() }, Some("stage"), RefusalKind::Invalid),
            (JobOpeningError::StageNotForward { from: stage, to: stage }, Some("stage"), RefusalKind::Conflict),
            (wrong(stage, "hire", "offered"), None, RefusalKind::Conflict),
            (JobOpeningError::ApplicantErased, None, RefusalKind::Conflict),
            (
                JobOpeningError::HiredBeforeApplication { hired_on: day, applied_on: day },
                Some("hired_on"),
                RefusalKind::Invalid,
            ),
            (
                JobOpeningError::Terms(EmployeeError::InvalidSalary { salary_minor: 0 }),
                Some("salary_minor"),
                RefusalKind::Invalid,
            ),
            (JobOpeningError::Input(InputError::Blank { field: "reason" }), Some("reason"), RefusalKind::Invalid),
        ]);
    }
}

mod avro_contract {
    //! The serde JSON of each event must have exactly the fields of its Avro schema.

    use super::*;
    use crate::avro_contract::assert_event_matches_schema;

    const POSTED_AVSC: &str = include_str!("../../../../schemas/avro/hr/JobOpeningPosted.avsc");
    const RECEIVED_AVSC: &str = include_str!("../../../../schemas/avro/hr/ApplicationReceived.avsc");
    const ADVANCED_AVSC: &str = include_str!("../../../../schemas/avro/hr/ApplicantAdvanced.avsc");
    const REJECTED_AVSC: &str = include_str!("../../../../schemas/avro/hr/ApplicantRejected.avsc");
    const HIRED_AVSC: &str = include_str!("../../../../schemas/avro/hr/ApplicantHired.avsc");
    const ERASED_AVSC: &str = include_str!("../../../../schemas/avro/hr/ApplicantPersonalDataErased.avsc");
    const CLOSED_AVSC: &str = include_str!("../../../../schemas/avro/hr/JobOpeningClosed.avsc");

    #[test]
    fn every_event_decide_records_matches_its_schema() {
        let with_user = HireApplicant { user_id: Some("ada".into()), ..hire_input(ADA) };
        let reject = JobOpeningCommand::Reject { applicant_id: uuid(ADA), reason: "no".into() };
        let erase = JobOpeningCommand::EraseApplicant { applicant_id: uuid(ADA), erased_on: date(2026, 3, 3) };
        let cases = [
            (POSTED_AVSC, vec![], post(1)),
            (RECEIVED_AVSC, vec![posted(1)], apply(ADA)),
            (ADVANCED_AVSC, vec![posted(1), applied(ADA)], advance(ADA, "interview")),
            (REJECTED_AVSC, vec![posted(1), applied(ADA)], reject),
            (HIRED_AVSC, ada_offered(2), hire(ADA)),
            (HIRED_AVSC, ada_offered(2), JobOpeningCommand::Hire(with_user)),
            (ERASED_AVSC, vec![posted(1), applied(ADA)], erase),
            (CLOSED_AVSC, vec![posted(1)], JobOpeningCommand::Close { reason: "cut".into() }),
        ];
        for (avsc, given, command) in cases {
            for event in assert_accepted(framework(), given, command) {
                let avsc = if matches!(event, JobOpeningEvent::JobOpeningClosed(_)) { CLOSED_AVSC } else { avsc };
                assert_event_matches_schema(avsc, &event);
            }
        }
        let filling = assert_accepted(framework(), ada_offered(1), hire(ADA));
        assert_event_matches_schema(CLOSED_AVSC, &filling[1]);
    }
}

mod properties {
    use proptest::prelude::*;

    use super::*;
    use crate::test_support::{check_command_sequence, command_sequences, SEQUENCE_CASES};

    /// Posts of 1 or 2 positions, and applications, moves, rejections, hires, erasures and
    /// closes for three applicants.
    fn arb_command() -> impl Strategy<Value = JobOpeningCommand> {
        let applicant = prop::sample::select(vec![ADA, BOB, "0190f0a4-0000-7000-8000-0000000000c4"]);
        let stage = prop::sample::select(vec!["screening", "interview", "offered", "hired", "applied"]);
        prop_oneof![
            (1_i32..=2).prop_map(post),
            applicant.clone().prop_map(apply),
            (applicant.clone(), stage).prop_map(|(applicant, stage)| advance(applicant, stage)),
            applicant
                .clone()
                .prop_map(|applicant| JobOpeningCommand::Reject { applicant_id: uuid(applicant), reason: "no".into() }),
            applicant.clone().prop_map(hire),
            applicant.prop_map(|applicant| JobOpeningCommand::EraseApplicant {
                applicant_id: uuid(applicant),
                erased_on: date(2026, 5, 1)
            }),
            Just(JobOpeningCommand::Close { reason: "cut".into() }),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(SEQUENCE_CASES))]

        /// Whatever is attempted, an opening never hires more than its positions, is filled
        /// exactly when the last one is hired, takes nothing but rejections and erasures once
        /// filled or closed, and an applicant's stage only moves forward.
        #[test]
        fn an_opening_never_hires_more_than_its_positions(commands in command_sequences(arb_command())) {
            let mut positions = 0;
            check_command_sequence::<JobOpening>(&(), commands, |step| {
                if let JobOpeningCommand::Post(post) = step.command {
                    if step.outcome.is_ok() {
                        positions = post.positions;
                    }
                }
                let after = step.after;
                prop_assert!(after.hired() <= positions);
                prop_assert_eq!(after.status() == Some(OpeningStatus::Filled), after.hired() == positions && positions > 0);
                if step.before.status().is_some_and(|status| status != OpeningStatus::Open) {
                    let allowed = matches!(
                        step.command,
                        JobOpeningCommand::Reject { .. } | JobOpeningCommand::EraseApplicant { .. }
                    );
                    prop_assert!(allowed || step.outcome.is_err(), "a closed opening accepted {:?}", step.command);
                }
                for applicant in [ADA, BOB] {
                    let (before, after) = (step.before.stage_of(uuid(applicant)), after.stage_of(uuid(applicant)));
                    if let Some(before) = before {
                        prop_assert!(after.is_some_and(|after| after >= before), "{:?} → {:?}", before, after);
                    }
                }
                Ok(())
            })?;
        }
    }
}
