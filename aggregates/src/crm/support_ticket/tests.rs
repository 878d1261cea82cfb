//! Given–when–then tests for every support ticket rule, the service-level due times of each
//! priority, the error table, serde of events and state, the contract test that keeps events
//! and Avro schemas in step, and the command-sequence property.

use chrono::{DateTime, TimeZone, Utc};
use cqrs_es::test::TestFramework;
use cqrs_es::{Aggregate, DomainEvent};
use uuid::Uuid;

use super::*;
use crate::crm::input::InputError;
use crate::refusal::{Refusal, RefusalKind};
use crate::test_support::{assert_accepted, assert_error_table, assert_refused_as, fold};

const ID: &str = "0190f0a4-0000-7000-8000-0000000000aa";

fn framework() -> TestFramework<SupportTicket> {
    TestFramework::with(())
}

/// 2026-11-26 at `h`:`m` UTC.
fn at(h: u32, m: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 26, h, m, 0).unwrap()
}

fn open_input(priority: &str) -> OpenTicket {
    OpenTicket {
        ticket_id: Uuid::parse_str(ID).unwrap(),
        customer_id: "C-1".to_owned(),
        subject: "Printer on fire".to_owned(),
        priority: priority.to_owned(),
        opened_at: at(9, 0),
        recorded_at: at(9, 5),
    }
}

fn open(input: OpenTicket) -> SupportTicketCommand {
    SupportTicketCommand::Open(input)
}

fn assign(assignee: &str) -> SupportTicketCommand {
    SupportTicketCommand::Assign(AssignTicket { assignee: assignee.to_owned(), at: at(9, 10) })
}

fn respond(message: &str, moment: DateTime<Utc>) -> SupportTicketCommand {
    SupportTicketCommand::Respond(RespondToTicket { message: message.to_owned(), at: moment })
}

fn resolve(resolution: &str) -> SupportTicketCommand {
    SupportTicketCommand::Resolve(ResolveTicket { resolution: resolution.to_owned(), at: at(11, 0) })
}

fn close() -> SupportTicketCommand {
    SupportTicketCommand::Close(TicketMoment { at: at(12, 0) })
}

fn reopen(reason: &str) -> SupportTicketCommand {
    SupportTicketCommand::Reopen(ReopenTicket { reason: reason.to_owned(), at: at(13, 0) })
}

/// The `TicketOpened` of an urgent ticket opened at 9:00: response due 10:00, resolution 13:00.
fn opened() -> SupportTicketEvent {
    SupportTicketEvent::TicketOpened(TicketOpened {
        ticket_id: ID.to_owned(),
        customer_id: "C-1".to_owned(),
        subject: "Printer on fire".to_owned(),
        priority: "urgent".to_owned(),
        opened_at: at(9, 0),
        first_response_due_at: at(10, 0),
        resolution_due_at: at(13, 0),
        status: "open".to_owned(),
    })
}

fn assigned(assignee: &str, previous: Option<&str>) -> SupportTicketEvent {
    SupportTicketEvent::TicketAssigned(TicketAssigned {
        ticket_id: ID.to_owned(),
        assignee: assignee.to_owned(),
        previous_assignee: previous.map(str::to_owned),
        assigned_at: at(9, 10),
    })
}

fn responded(moment: DateTime<Utc>, first_response: bool) -> SupportTicketEvent {
    SupportTicketEvent::TicketResponded(TicketResponded {
        ticket_id: ID.to_owned(),
        message: "On it".to_owned(),
        responded_at: moment,
        first_response,
        status: "in_progress".to_owned(),
    })
}

fn resolved() -> SupportTicketEvent {
    SupportTicketEvent::TicketResolved(TicketResolved {
        ticket_id: ID.to_owned(),
        resolution: "Extinguished".to_owned(),
        resolved_at: at(11, 0),
        status: "resolved".to_owned(),
    })
}

fn closed() -> SupportTicketEvent {
    SupportTicketEvent::TicketClosed(TicketClosed {
        ticket_id: ID.to_owned(),
        closed_at: at(12, 0),
        status: "closed".to_owned(),
    })
}

fn reopened() -> SupportTicketEvent {
    SupportTicketEvent::TicketReopened(TicketReopened {
        ticket_id: ID.to_owned(),
        reason: "Smoking again".to_owned(),
        reopened_at: at(13, 0),
        status: "in_progress".to_owned(),
    })
}

mod lifecycle {
    use super::*;

    #[test]
    fn opening_an_urgent_ticket_sets_a_one_hour_response_and_four_hour_resolution_due_time() {
        framework().given_no_previous_events().when(open(open_input("urgent"))).then_expect_events(vec![opened()]);
    }

    #[test]
    fn each_priority_fixes_its_due_times_from_the_opening() {
        for parsed in Priority::ALL {
            let event = assert_accepted(framework(), vec![], open(open_input(parsed.as_str()))).remove(0);
            let SupportTicketEvent::TicketOpened(opened) = event else { panic!("not opened: {event:?}") };
            let response = (opened.first_response_due_at - opened.opened_at).num_hours();
            let resolution = (opened.resolution_due_at - opened.opened_at).num_hours();
            assert_eq!((response, resolution), (parsed.first_response_hours(), parsed.resolution_hours()), "{parsed}");
        }
        let hours: Vec<(i64, i64)> =
            Priority::ALL.iter().map(|p| (p.first_response_hours(), p.resolution_hours())).collect();
        assert_eq!(hours, [(24, 168), (8, 72), (4, 24), (1, 4)]);
    }

    #[test]
    fn a_ticket_may_be_opened_at_the_moment_it_is_recorded() {
        let input = OpenTicket { opened_at: at(9, 5), ..open_input("urgent") };
        assert_eq!(assert_accepted(framework(), vec![], open(input)).len(), 1, "opened when recorded");
    }

    #[test]
    fn assigning_names_the_assignee_and_who_had_it_before() {
        framework().given(vec![opened()]).when(assign("agent-1")).then_expect_events(vec![assigned("agent-1", None)]);
        framework()
            .given(vec![opened(), assigned("agent-1", None)])
            .when(assign("agent-2"))
            .then_expect_events(vec![assigned("agent-2", Some("agent-1"))]);
        let ticket: SupportTicket = fold([opened(), assigned("agent-1", None)]);
        assert_eq!(ticket.assignee(), Some("agent-1"));
    }

    #[test]
    fn the_first_response_moves_the_ticket_in_progress_and_later_ones_are_not_first() {
        framework()
            .given(vec![opened()])
            .when(respond("On it", at(9, 30)))
            .then_expect_events(vec![responded(at(9, 30), true)]);
        let given = vec![opened(), responded(at(9, 30), true)];
        framework()
            .given(given)
            .when(respond("On it", at(10, 30)))
            .then_expect_events(vec![responded(at(10, 30), false)]);
        let ticket: SupportTicket = fold([opened(), responded(at(9, 30), true), responded(at(10, 30), false)]);
        assert_eq!(ticket.first_responded_at(), Some(at(9, 30)));
        assert_eq!(ticket.status_history(), [TicketStatus::Open, TicketStatus::InProgress]);
    }

    #[test]
    fn resolving_closing_and_reopening_keep_the_status_history() {
        framework().given(vec![opened()]).when(resolve("Extinguished")).then_expect_events(vec![resolved()]);
        framework().given(vec![opened(), resolved()]).when(close()).then_expect_events(vec![closed()]);
        framework()
            .given(vec![opened(), resolved()])
            .when(reopen("Smoking again"))
            .then_expect_events(vec![reopened()]);
        let ticket: SupportTicket = fold([opened(), resolved(), reopened(), resolved(), closed()]);
        use TicketStatus as S;
        assert_eq!(ticket.status_history(), [S::Open, S::Resolved, S::InProgress, S::Resolved, S::Closed]);
        assert_eq!(ticket.first_responded_at(), Some(at(11, 0)), "the resolution answered the customer");
        assert_eq!(ticket.due_times(), Some((at(10, 0), at(13, 0))), "reopening keeps the due times");
        assert_eq!(ticket.priority(), Some(Priority::Urgent));
    }
}

mod refusals {
    use super::*;

    #[test]
    fn every_error_has_a_unique_code_its_field_and_kind() {
        use SupportTicketError as E;
        let transition = E::InvalidTransition { action: "close", status: TicketStatus::Open };
        assert_error_table(&[
            (E::AlreadyExists, Some("ticket_id"), RefusalKind::Conflict),
            (E::NotFound, None, RefusalKind::NotFound),
            (E::Closed, None, RefusalKind::Conflict),
            (transition, None, RefusalKind::Conflict),
            (E::AlreadyAssigned { assignee: "a".to_owned() }, Some("assignee"), RefusalKind::Conflict),
            (E::UnknownPriority { priority: "x".to_owned() }, Some("priority"), RefusalKind::Invalid),
            (E::OpenedInFuture, Some("opened_at"), RefusalKind::Invalid),
            (E::Input(InputError::Blank { field: "subject" }), Some("subject"), RefusalKind::Invalid),
        ]);
    }

    #[test]
    fn opening_with_bad_input_names_the_field() {
        let cases = [
            (OpenTicket { customer_id: String::new(), ..open_input("high") }, "customer_id", "blank"),
            (OpenTicket { subject: "s".repeat(201), ..open_input("high") }, "subject", "too_long"),
            (open_input("critical"), "priority", "unknown_priority"),
            (OpenTicket { opened_at: at(9, 6), ..open_input("high") }, "opened_at", "opened_in_future"),
        ];
        for (input, field, code) in cases {
            let error = framework().given_no_previous_events().when(open(input)).inspect_result().unwrap_err();
            assert_eq!((error.field().as_deref(), error.code()), (Some(field), code), "{error}");
        }
    }

    #[test]
    fn opening_twice_is_a_conflict_and_a_ticket_never_opened_is_not_found() {
        let expected = SupportTicketError::AlreadyExists;
        let command = open(open_input("low"));
        assert_refused_as(
            framework(),
            vec![opened()],
            command,
            expected,
            Some("ticket_id"),
            "ticket_exists",
            RefusalKind::Conflict,
        );
        for command in [assign("a"), respond("hi", at(9, 0)), resolve("done"), close(), reopen("again")] {
            let expected = SupportTicketError::NotFound;
            assert_refused_as(framework(), vec![], command, expected, None, "ticket_not_found", RefusalKind::NotFound);
        }
    }

    #[test]
    fn a_closed_ticket_takes_nothing_more() {
        for command in [assign("a"), respond("hi", at(14, 0)), resolve("done"), close(), reopen("again")] {
            let given = vec![opened(), resolved(), closed()];
            let expected = SupportTicketError::Closed;
            assert_refused_as(framework(), given, command, expected, None, "ticket_closed", RefusalKind::Conflict);
        }
    }

    #[test]
    fn a_resolved_ticket_is_closed_or_reopened_before_anything_else_and_only_it_is() {
        use SupportTicketError as E;
        let conflict = RefusalKind::Conflict;
        let resolved_given = vec![opened(), resolved()];
        let on_resolved = E::InvalidTransition { action: "respond", status: TicketStatus::Resolved };
        assert_refused_as(
            framework(),
            resolved_given.clone(),
            respond("hi", at(14, 0)),
            on_resolved,
            None,
            "invalid_transition",
            conflict,
        );
        let twice = E::InvalidTransition { action: "resolve", status: TicketStatus::Resolved };
        assert_refused_as(framework(), resolved_given, resolve("again"), twice, None, "invalid_transition", conflict);
        let not_resolved = E::InvalidTransition { action: "close", status: TicketStatus::Open };
        assert_refused_as(framework(), vec![opened()], close(), not_resolved, None, "invalid_transition", conflict);
        let not_resolved = E::InvalidTransition { action: "reopen", status: TicketStatus::Open };
        assert_refused_as(
            framework(),
            vec![opened()],
            reopen("why"),
            not_resolved,
            None,
            "invalid_transition",
            conflict,
        );
    }

    #[test]
    fn text_inputs_are_required_and_the_same_assignee_again_is_a_conflict() {
        use SupportTicketError as E;
        let invalid = RefusalKind::Invalid;
        let cases = [(assign(" "), "assignee"), (respond("", at(9, 30)), "message"), (resolve("\t"), "resolution")];
        for (command, field) in cases {
            let expected = E::Input(InputError::Blank { field });
            assert_refused_as(framework(), vec![opened()], command, expected, Some(field), "blank", invalid);
        }
        let expected = E::Input(InputError::Blank { field: "reason" });
        assert_refused_as(
            framework(),
            vec![opened(), resolved()],
            reopen(" "),
            expected,
            Some("reason"),
            "blank",
            invalid,
        );
        let expected = E::AlreadyAssigned { assignee: "agent-1".to_owned() };
        let given = vec![opened(), assigned("agent-1", None)];
        assert_refused_as(
            framework(),
            given,
            assign("agent-1"),
            expected,
            Some("assignee"),
            "already_assigned",
            RefusalKind::Conflict,
        );
    }
}

mod state_and_wire {
    use super::*;

    pub(super) fn one_of_each_event() -> Vec<SupportTicketEvent> {
        vec![
            opened(),
            assigned("agent-2", Some("agent-1")),
            responded(at(9, 30), true),
            resolved(),
            closed(),
            reopened(),
        ]
    }

    #[test]
    fn events_are_externally_tagged_and_round_trip_with_rfc_3339_moments() {
        for event in one_of_each_event() {
            let json = serde_json::to_value(&event).unwrap();
            assert!(json.as_object().unwrap().contains_key(&event.event_type()));
            assert_eq!(serde_json::from_value::<SupportTicketEvent>(json).unwrap(), event);
        }
        let json = serde_json::to_value(opened()).unwrap();
        assert_eq!(json["TicketOpened"]["first_response_due_at"], "2026-11-26T10:00:00Z");
    }

    #[test]
    fn event_types_versions_and_aggregate_type_are_stable() {
        let types: Vec<String> = one_of_each_event().iter().map(DomainEvent::event_type).collect();
        let expected =
            ["TicketOpened", "TicketAssigned", "TicketResponded", "TicketResolved", "TicketClosed", "TicketReopened"];
        assert_eq!(types, expected);
        assert!(one_of_each_event().iter().all(|e| e.event_version() == "1"));
        assert_eq!(SupportTicket::TYPE, "crm.support_ticket");
    }

    #[test]
    fn aggregate_state_round_trips_through_serde_for_snapshots() {
        for ticket in [SupportTicket::default(), fold(vec![opened(), assigned("a", None), responded(at(9, 30), true)])]
        {
            let json = serde_json::to_string(&ticket).unwrap();
            assert_eq!(serde_json::from_str::<SupportTicket>(&json).unwrap(), ticket);
        }
    }
}

mod avro_contract {
    //! The serde JSON of each event must have exactly the fields of its Avro schema.

    use super::*;
    use crate::avro_contract::assert_event_matches_schema;

    const OPENED_AVSC: &str = include_str!("../../../../schemas/avro/crm/TicketOpened.avsc");
    const ASSIGNED_AVSC: &str = include_str!("../../../../schemas/avro/crm/TicketAssigned.avsc");
    const RESPONDED_AVSC: &str = include_str!("../../../../schemas/avro/crm/TicketResponded.avsc");
    const RESOLVED_AVSC: &str = include_str!("../../../../schemas/avro/crm/TicketResolved.avsc");
    const CLOSED_AVSC: &str = include_str!("../../../../schemas/avro/crm/TicketClosed.avsc");
    const REOPENED_AVSC: &str = include_str!("../../../../schemas/avro/crm/TicketReopened.avsc");

    #[test]
    fn every_event_decide_records_matches_its_schema_with_optional_fields_set_and_null() {
        let commands = [
            (OPENED_AVSC, vec![], open(open_input("normal"))),
            (ASSIGNED_AVSC, vec![opened()], assign("agent-1")),
            (ASSIGNED_AVSC, vec![opened(), assigned("agent-1", None)], assign("agent-2")),
            (RESPONDED_AVSC, vec![opened()], respond("hi", at(9, 30))),
            (RESOLVED_AVSC, vec![opened()], resolve("done")),
            (CLOSED_AVSC, vec![opened(), resolved()], close()),
            (REOPENED_AVSC, vec![opened(), resolved()], reopen("again")),
        ];
        for (avsc, given, command) in commands {
            for event in assert_accepted(framework(), given, command) {
                assert_event_matches_schema(avsc, &event);
            }
        }
    }
}

mod properties {
    use proptest::prelude::*;

    use super::*;
    use crate::test_support::{
        check_command_sequence, check_status_history, check_status_move, commands_along, SEQUENCE_CASES,
    };

    /// Opens with every priority (and one that is none), assignments among two users (one
    /// blank), responses, resolutions, closes and reopens, some with blank text.
    fn arb_command() -> impl Strategy<Value = SupportTicketCommand> {
        let text = || prop::sample::select(vec!["fine", " "]);
        prop_oneof![
            prop::sample::select(vec!["low", "normal", "high", "urgent", "x"]).prop_map(|p| open(open_input(p))),
            prop::sample::select(vec!["agent-1", "agent-2", ""]).prop_map(assign),
            text().prop_map(|message| respond(message, at(9, 30))),
            text().prop_map(resolve),
            Just(close()),
            text().prop_map(reopen),
        ]
    }

    /// The way through a ticket's life.
    fn life() -> Vec<SupportTicketCommand> {
        vec![
            open(open_input("high")),
            assign("agent-1"),
            respond("On it", at(9, 30)),
            resolve("done"),
            reopen("again"),
            resolve("done"),
            close(),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(SEQUENCE_CASES))]

        /// Whatever is attempted, the status moves only along the allowed transitions and its
        /// history only grows, the due times and priority never change once opened, and a
        /// closed ticket accepts nothing more.
        #[test]
        fn a_ticket_moves_only_along_its_life_and_keeps_its_due_times(commands in commands_along(life(), arb_command())) {
            use TicketStatus as S;
            let allowed = [
                (S::Open, S::InProgress), (S::Open, S::Resolved), (S::InProgress, S::Resolved),
                (S::Resolved, S::Closed), (S::Resolved, S::InProgress),
            ];
            check_command_sequence::<SupportTicket>(&(), commands, |step| {
                if step.before.status() == Some(S::Closed) {
                    prop_assert!(step.outcome.is_err(), "a closed ticket accepted {:?}", step.command);
                }
                if step.before.due_times().is_some() {
                    prop_assert_eq!(step.after.due_times(), step.before.due_times());
                    prop_assert_eq!(step.after.priority(), step.before.priority());
                }
                check_status_move(step.before.status(), step.after.status(), S::Open, &allowed)?;
                check_status_history(step.before.status_history(), step.after.status_history(), step.after.status())
            })?;
        }
    }
}
