//! Given–when–then tests for every performance review rule (open, complete, acknowledge,
//! cancel), the error table, the Avro contract and the command-sequence property.

use cqrs_es::test::TestFramework;
use uuid::Uuid;

use super::*;
use crate::crm::input::InputError;
use crate::refusal::RefusalKind;
use crate::test_support::{assert_accepted, assert_error_table, assert_refused_as, date, fold};

const ID: &str = "0190f0a4-0000-7000-8000-0000000000b1";
const EMPLOYEE: &str = "0190f0a4-0000-7000-8000-0000000000b2";
/// A sealed summary as the command API writes it (opaque to the aggregate).
const SEALED: &str = "v1.c2VhbGVkIHN1bW1hcnk=";

fn framework() -> TestFramework<PerformanceReview> {
    TestFramework::with(())
}

fn open_input() -> OpenReview {
    OpenReview {
        review_id: Uuid::parse_str(ID).unwrap(),
        employee_id: Uuid::parse_str(EMPLOYEE).unwrap(),
        period_start: date(2026, 1, 1),
        period_end: date(2026, 6, 30),
        due_on: date(2026, 7, 15),
        reviewer_user_id: None,
    }
}

fn open(input: OpenReview) -> ReviewCommand {
    ReviewCommand::Open(input)
}

fn complete(rating: i32, on: chrono::NaiveDate) -> ReviewCommand {
    ReviewCommand::Complete(CompleteReview { rating, summary: SEALED.to_owned(), completed_on: on })
}

fn opened() -> ReviewEvent {
    ReviewEvent::ReviewOpened(ReviewOpened {
        review_id: ID.to_owned(),
        employee_id: EMPLOYEE.to_owned(),
        period_start: date(2026, 1, 1),
        period_end: date(2026, 6, 30),
        due_on: date(2026, 7, 15),
        reviewer_user_id: None,
    })
}

fn completed() -> ReviewEvent {
    ReviewEvent::ReviewCompleted(ReviewCompleted {
        review_id: ID.to_owned(),
        employee_id: EMPLOYEE.to_owned(),
        rating: 4,
        summary: SEALED.to_owned(),
        completed_on: date(2026, 7, 10),
    })
}

fn acknowledged() -> ReviewEvent {
    ReviewEvent::ReviewAcknowledged(ReviewAcknowledged { review_id: ID.to_owned(), acknowledged_on: date(2026, 7, 12) })
}

mod lifecycle {
    use super::*;

    #[test]
    fn a_review_is_opened_completed_and_acknowledged() {
        framework().given_no_previous_events().when(open(open_input())).then_expect_events(vec![opened()]);
        framework().given(vec![opened()]).when(complete(4, date(2026, 7, 10))).then_expect_events(vec![completed()]);
        framework()
            .given(vec![opened(), completed()])
            .when(ReviewCommand::Acknowledge { acknowledged_on: date(2026, 7, 12) })
            .then_expect_events(vec![acknowledged()]);
        let review: PerformanceReview = fold([opened(), completed(), acknowledged()]);
        assert_eq!((review.status(), review.employee_id()), (Some(ReviewStatus::Acknowledged), Some(EMPLOYEE)));
        assert_eq!(PerformanceReview::default().status(), None);
    }

    #[test]
    fn an_open_review_is_cancelled_for_good() {
        let cancelled =
            ReviewEvent::ReviewCancelled(ReviewCancelled { review_id: ID.to_owned(), reason: "left".into() });
        framework()
            .given(vec![opened()])
            .when(ReviewCommand::Cancel { reason: "left".into() })
            .then_expect_events(vec![cancelled.clone()]);
        let review: PerformanceReview = fold([opened(), cancelled]);
        assert_eq!(review.status(), Some(ReviewStatus::Cancelled));
    }
}

mod refusals {
    use super::*;

    fn wrong(status: ReviewStatus, command: &'static str, needs: &'static str) -> ReviewError {
        ReviewError::WrongStatus { status, command, needs }
    }

    #[test]
    fn each_command_needs_its_status() {
        let cases = [
            (
                vec![opened(), completed()],
                complete(3, date(2026, 7, 11)),
                wrong(ReviewStatus::Completed, "complete", "open"),
            ),
            (
                vec![opened()],
                ReviewCommand::Acknowledge { acknowledged_on: date(2026, 7, 12) },
                wrong(ReviewStatus::Open, "acknowledge", "completed"),
            ),
            (
                vec![opened(), completed()],
                ReviewCommand::Cancel { reason: "late".into() },
                wrong(ReviewStatus::Completed, "cancel", "open"),
            ),
        ];
        for (given, command, expected) in cases {
            assert_refused_as(framework(), given, command, expected, None, "wrong_status", RefusalKind::Conflict);
        }
        assert_refused_as(
            framework(),
            vec![],
            complete(3, date(2026, 7, 11)),
            ReviewError::NotFound,
            None,
            "review_not_found",
            RefusalKind::NotFound,
        );
        assert_refused_as(
            framework(),
            vec![opened()],
            open(open_input()),
            ReviewError::AlreadyExists,
            Some("review_id"),
            "review_exists",
            RefusalKind::Conflict,
        );
    }

    #[test]
    fn the_period_due_day_rating_and_days_must_make_sense() {
        let backwards = OpenReview { period_end: date(2025, 12, 31), ..open_input() };
        assert_refused_as(
            framework(),
            vec![],
            open(backwards),
            ReviewError::PeriodEndsBeforeStart { period_start: date(2026, 1, 1), period_end: date(2025, 12, 31) },
            Some("period_end"),
            "period_ends_before_start",
            RefusalKind::Invalid,
        );
        let early = OpenReview { due_on: date(2026, 6, 29), ..open_input() };
        assert_refused_as(
            framework(),
            vec![],
            open(early),
            ReviewError::DueBeforePeriodEnd { due_on: date(2026, 6, 29), period_end: date(2026, 6, 30) },
            Some("due_on"),
            "due_before_period_end",
            RefusalKind::Invalid,
        );
        for rating in [0, 6] {
            assert_refused_as(
                framework(),
                vec![opened()],
                complete(rating, date(2026, 7, 10)),
                ReviewError::InvalidRating { rating, min: MIN_RATING, max: MAX_RATING },
                Some("rating"),
                "invalid_rating",
                RefusalKind::Invalid,
            );
        }
        assert_refused_as(
            framework(),
            vec![opened()],
            complete(3, date(2025, 12, 31)),
            ReviewError::CompletedBeforePeriod { completed_on: date(2025, 12, 31), period_start: date(2026, 1, 1) },
            Some("completed_on"),
            "completed_before_period",
            RefusalKind::Invalid,
        );
        assert_refused_as(
            framework(),
            vec![opened(), completed()],
            ReviewCommand::Acknowledge { acknowledged_on: date(2026, 7, 9) },
            ReviewError::AcknowledgedBeforeCompletion {
                acknowledged_on: date(2026, 7, 9),
                completed_on: date(2026, 7, 10),
            },
            Some("acknowledged_on"),
            "acknowledged_before_completion",
            RefusalKind::Invalid,
        );
        assert_eq!(check_summary(" "), Err(ReviewError::Input(InputError::Blank { field: "summary" })));
        assert!(check_summary(&"x".repeat(MAX_SUMMARY_CHARS + 1)).is_err());
    }

    #[test]
    fn every_error_has_a_unique_code_its_field_and_kind() {
        let day = date(2026, 1, 1);
        assert_error_table(&[
            (ReviewError::AlreadyExists, Some("review_id"), RefusalKind::Conflict),
            (ReviewError::NotFound, None, RefusalKind::NotFound),
            (wrong(ReviewStatus::Open, "cancel", "open"), None, RefusalKind::Conflict),
            (
                ReviewError::PeriodEndsBeforeStart { period_start: day, period_end: day },
                Some("period_end"),
                RefusalKind::Invalid,
            ),
            (ReviewError::DueBeforePeriodEnd { due_on: day, period_end: day }, Some("due_on"), RefusalKind::Invalid),
            (ReviewError::InvalidRating { rating: 0, min: 1, max: 5 }, Some("rating"), RefusalKind::Invalid),
            (
                ReviewError::CompletedBeforePeriod { completed_on: day, period_start: day },
                Some("completed_on"),
                RefusalKind::Invalid,
            ),
            (
                ReviewError::AcknowledgedBeforeCompletion { acknowledged_on: day, completed_on: day },
                Some("acknowledged_on"),
                RefusalKind::Invalid,
            ),
            (ReviewError::Input(InputError::Blank { field: "reason" }), Some("reason"), RefusalKind::Invalid),
        ]);
    }
}

mod avro_contract {
    //! The serde JSON of each event must have exactly the fields of its Avro schema.

    use super::*;
    use crate::avro_contract::assert_event_matches_schema;

    const OPENED_AVSC: &str = include_str!("../../../../schemas/avro/hr/ReviewOpened.avsc");
    const COMPLETED_AVSC: &str = include_str!("../../../../schemas/avro/hr/ReviewCompleted.avsc");
    const ACKNOWLEDGED_AVSC: &str = include_str!("../../../../schemas/avro/hr/ReviewAcknowledged.avsc");
    const CANCELLED_AVSC: &str = include_str!("../../../../schemas/avro/hr/ReviewCancelled.avsc");

    #[test]
    fn every_event_decide_records_matches_its_schema() {
        let with_reviewer = OpenReview { reviewer_user_id: Some(Uuid::now_v7()), ..open_input() };
        let cases = [
            (OPENED_AVSC, vec![], open(open_input())),
            (OPENED_AVSC, vec![], open(with_reviewer)),
            (COMPLETED_AVSC, vec![opened()], complete(4, date(2026, 7, 10))),
            (
                ACKNOWLEDGED_AVSC,
                vec![opened(), completed()],
                ReviewCommand::Acknowledge { acknowledged_on: date(2026, 7, 12) },
            ),
            (CANCELLED_AVSC, vec![opened()], ReviewCommand::Cancel { reason: "left".into() }),
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
    use crate::test_support::{check_command_sequence, command_sequences, SEQUENCE_CASES};

    /// Opens, completions with ratings around the range, acknowledgements and cancellations on
    /// a few days.
    fn arb_command() -> impl Strategy<Value = ReviewCommand> {
        let day = (1_u32..=28).prop_map(|d| date(2026, 7, d));
        prop_oneof![
            Just(open(open_input())),
            ((0_i32..=6), day.clone()).prop_map(|(rating, on)| complete(rating, on)),
            day.prop_map(|acknowledged_on| ReviewCommand::Acknowledge { acknowledged_on }),
            prop::sample::select(vec!["", "left"]).prop_map(|reason| ReviewCommand::Cancel { reason: reason.into() }),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(SEQUENCE_CASES))]

        /// Whatever is attempted, a final review accepts nothing more, a status only moves
        /// forward (open → completed → acknowledged, open → cancelled) and every rating
        /// recorded is 1 to 5.
        #[test]
        fn a_review_only_moves_forward_with_ratings_in_range(commands in command_sequences(arb_command())) {
            check_command_sequence::<PerformanceReview>(&(), commands, |step| {
                use ReviewStatus as S;
                let final_before = matches!(step.before.status(), Some(S::Acknowledged | S::Cancelled));
                if final_before {
                    prop_assert!(step.outcome.is_err(), "a final review accepted {:?}", step.command);
                }
                crate::test_support::check_status_move(
                    step.before.status(),
                    step.after.status(),
                    S::Open,
                    &[(S::Open, S::Completed), (S::Completed, S::Acknowledged), (S::Open, S::Cancelled)],
                )?;
                for event in step.events() {
                    if let ReviewEvent::ReviewCompleted(completed) = event {
                        prop_assert!((MIN_RATING..=MAX_RATING).contains(&completed.rating));
                    }
                }
                Ok(())
            })?;
        }
    }
}
