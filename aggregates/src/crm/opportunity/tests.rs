//! Given–when–then tests for every opportunity rule, the error table, serde of events and
//! state, the contract test that keeps events and Avro schemas in step, and the
//! command-sequence property.

use cqrs_es::test::TestFramework;
use cqrs_es::{Aggregate, DomainEvent};
use uuid::Uuid;

use super::*;
use crate::crm::input::InputError;
use crate::money::CurrencyError;
use crate::quantity::Quantity;
use crate::refusal::{Refusal, RefusalKind};
use crate::supply::order_lines::{OrderLine, OrderLineInput};
use crate::supply::sales_order::SalesOrderError;
use crate::test_support::{assert_accepted, assert_error_table, assert_refused_as, date, fold};

const ID: &str = "0190f0a4-0000-7000-8000-000000000001";

fn framework() -> TestFramework<Opportunity> {
    TestFramework::with(())
}

fn open_input() -> OpenOpportunity {
    OpenOpportunity {
        opportunity_id: Uuid::parse_str(ID).unwrap(),
        customer_id: "C-1".to_owned(),
        title: "200 widgets".to_owned(),
        amount_minor: 1_000_000,
        currency: "EUR".to_owned(),
        expected_close_date: date(2026, 12, 31),
        owner: "user-1".to_owned(),
        probability: None,
    }
}

fn open(input: OpenOpportunity) -> OpportunityCommand {
    OpportunityCommand::Open(input)
}

fn move_to(stage: &str, probability: Option<i64>) -> OpportunityCommand {
    OpportunityCommand::Move(MoveOpportunity { stage: stage.to_owned(), probability })
}

fn win() -> OpportunityCommand {
    OpportunityCommand::Win(WinOpportunity { won_on: date(2026, 12, 1), sales_order: None })
}

const ORDER_ID: &str = "0190f0a4-0000-7000-8000-0000000000aa";

/// Two lines: 2.5 × 12.00 and 3 × 1.99 EUR.
fn order_input() -> WinSalesOrder {
    let line = |sku: &str, quantity: &str, unit_price_minor| OrderLineInput {
        sku: sku.to_owned(),
        quantity: Quantity::new(quantity),
        unit_price_minor,
    };
    WinSalesOrder {
        order_id: Uuid::parse_str(ORDER_ID).unwrap(),
        customer_name: "Customer One".to_owned(),
        ship_from: "MAIN".to_owned(),
        lines: vec![line("W-1", "2.5", 1_200), line("W-2", "3", 199)],
    }
}

fn win_with_order(order: WinSalesOrder) -> OpportunityCommand {
    OpportunityCommand::Win(WinOpportunity { won_on: date(2026, 12, 1), sales_order: Some(order) })
}

/// [`order_input`] as `OpportunityWon` records it.
fn won_order() -> WonSalesOrder {
    let line = |line_no, sku: &str, quantity_milli, unit_price_minor, net_minor| OrderLine {
        line_no,
        sku: sku.to_owned(),
        quantity_milli,
        unit_price_minor,
        net_minor,
    };
    WonSalesOrder {
        order_id: ORDER_ID.to_owned(),
        customer_name: "Customer One".to_owned(),
        ship_from: "MAIN".to_owned(),
        lines: vec![line(1, "W-1", 2_500, 1_200, 3_000), line(2, "W-2", 3_000, 199, 597)],
        total_minor: 3_597,
    }
}

fn lose(reason: &str) -> OpportunityCommand {
    OpportunityCommand::Lose(LoseOpportunity { reason: reason.to_owned() })
}

fn opened_payload() -> OpportunityOpened {
    OpportunityOpened {
        opportunity_id: ID.to_owned(),
        customer_id: "C-1".to_owned(),
        title: "200 widgets".to_owned(),
        amount_minor: 1_000_000,
        currency: "EUR".to_owned(),
        expected_close_date: date(2026, 12, 31),
        owner: "user-1".to_owned(),
        stage: "lead".to_owned(),
        probability: 10,
    }
}

fn opened() -> OpportunityEvent {
    OpportunityEvent::OpportunityOpened(opened_payload())
}

fn changed(from: &str, stage: &str, probability: i32) -> OpportunityEvent {
    OpportunityEvent::OpportunityStageChanged(OpportunityStageChanged {
        opportunity_id: ID.to_owned(),
        from_stage: from.to_owned(),
        stage: stage.to_owned(),
        probability,
    })
}

fn won(from: &str) -> OpportunityEvent {
    OpportunityEvent::OpportunityWon(OpportunityWon {
        opportunity_id: ID.to_owned(),
        customer_id: "C-1".to_owned(),
        amount_minor: 1_000_000,
        currency: "EUR".to_owned(),
        won_on: date(2026, 12, 1),
        from_stage: from.to_owned(),
        sales_order: None,
    })
}

fn lost(reason: &str, from: &str) -> OpportunityEvent {
    OpportunityEvent::OpportunityLost(OpportunityLost {
        opportunity_id: ID.to_owned(),
        reason: reason.to_owned(),
        from_stage: from.to_owned(),
    })
}

mod lifecycle {
    use super::*;

    #[test]
    fn opening_records_a_lead_with_the_lead_stage_default_probability() {
        framework().given_no_previous_events().when(open(open_input())).then_expect_events(vec![opened()]);
    }

    #[test]
    fn opening_with_a_probability_overrides_the_default() {
        let input = OpenOpportunity { probability: Some(5), ..open_input() };
        let expected = OpportunityOpened { probability: 5, ..opened_payload() };
        framework()
            .given_no_previous_events()
            .when(open(input))
            .then_expect_events(vec![OpportunityEvent::OpportunityOpened(expected)]);
    }

    #[test]
    fn qualifying_a_lead_moves_it_to_qualification_at_that_stage_default() {
        framework().given(vec![opened()]).when(move_to("qualification", None)).then_expect_events(vec![changed(
            "lead",
            "qualification",
            25,
        )]);
    }

    #[test]
    fn each_open_stage_has_its_default_probability_and_it_can_be_overridden() {
        for (stage, default) in [("qualification", 25), ("proposal", 50), ("negotiation", 75)] {
            let expected = vec![changed("lead", stage, default)];
            framework().given(vec![opened()]).when(move_to(stage, None)).then_expect_events(expected);
            let expected = vec![changed("lead", stage, 30)];
            framework().given(vec![opened()]).when(move_to(stage, Some(30))).then_expect_events(expected);
        }
    }

    #[test]
    fn a_stage_may_be_skipped_or_gone_back_to() {
        framework().given(vec![opened()]).when(move_to("negotiation", Some(60))).then_expect_events(vec![changed(
            "lead",
            "negotiation",
            60,
        )]);
        framework()
            .given(vec![opened(), changed("lead", "negotiation", 75)])
            .when(move_to("proposal", None))
            .then_expect_events(vec![changed("negotiation", "proposal", 50)]);
    }

    #[test]
    fn winning_records_the_amount_and_customer_and_is_final() {
        let given = vec![opened(), changed("lead", "negotiation", 75)];
        framework().given(given.clone()).when(win()).then_expect_events(vec![won("negotiation")]);
        let opportunity: Opportunity = fold([given, vec![won("negotiation")]].concat());
        assert_eq!(opportunity.stage(), Some(Stage::Won));
        assert_eq!(opportunity.probability(), Some(100));
        assert_eq!(opportunity.stage_history(), [Stage::Lead, Stage::Negotiation, Stage::Won]);
    }

    #[test]
    fn losing_records_the_reason_and_the_stage_lost_from() {
        framework()
            .given(vec![opened()])
            .when(lose("chose a competitor"))
            .then_expect_events(vec![lost("chose a competitor", "lead")]);
        let opportunity: Opportunity = fold([opened(), lost("price", "lead")]);
        assert_eq!((opportunity.stage(), opportunity.probability()), (Some(Stage::Lost), Some(0)));
    }

    #[test]
    fn the_state_reads_what_was_opened() {
        let opportunity: Opportunity = fold([opened(), changed("lead", "proposal", 40)]);
        assert_eq!(opportunity.stage(), Some(Stage::Proposal));
        assert_eq!(opportunity.probability(), Some(40));
        assert_eq!(opportunity.amount_minor(), Some(1_000_000));
        assert_eq!(opportunity.expected_close_date(), Some(date(2026, 12, 31)));
        assert_eq!(Opportunity::default().stage(), None);
        assert!(Opportunity::default().stage_history().is_empty());
    }
}

mod refusals {
    use super::*;

    #[test]
    fn every_error_has_a_unique_code_its_field_and_kind() {
        assert_error_table(&[
            (OpportunityError::AlreadyExists, Some("opportunity_id"), RefusalKind::Conflict),
            (OpportunityError::NotFound, None, RefusalKind::NotFound),
            (OpportunityError::Closed { stage: Stage::Won }, None, RefusalKind::Conflict),
            (OpportunityError::AlreadyInStage { stage: Stage::Lead }, None, RefusalKind::Conflict),
            (OpportunityError::UnknownStage { stage: "x".to_owned() }, Some("stage"), RefusalKind::Invalid),
            (OpportunityError::FinalStage { stage: Stage::Won }, Some("stage"), RefusalKind::Invalid),
            (OpportunityError::InvalidProbability { probability: 101 }, Some("probability"), RefusalKind::Invalid),
            (OpportunityError::NegativeAmount { amount_minor: -1 }, Some("amount_minor"), RefusalKind::Invalid),
            (
                OpportunityError::InvalidCurrency { reason: CurrencyError::Unknown { code: "ABC".to_owned() } },
                Some("currency"),
                RefusalKind::Invalid,
            ),
            (OpportunityError::Input(InputError::Blank { field: "title" }), Some("title"), RefusalKind::Invalid),
        ]);
    }

    #[test]
    fn opening_twice_is_a_conflict() {
        let expected = OpportunityError::AlreadyExists;
        let given = vec![opened(), won("lead")];
        let conflict = RefusalKind::Conflict;
        assert_refused_as(
            framework(),
            given,
            open(open_input()),
            expected,
            Some("opportunity_id"),
            "opportunity_exists",
            conflict,
        );
    }

    #[test]
    fn any_command_on_an_opportunity_never_opened_is_not_found() {
        for command in [move_to("proposal", None), win(), lose("x")] {
            let expected = OpportunityError::NotFound;
            assert_refused_as(
                framework(),
                vec![],
                command,
                expected,
                None,
                "opportunity_not_found",
                RefusalKind::NotFound,
            );
        }
    }

    #[test]
    fn a_win_with_a_sales_order_records_the_order_for_the_customer_in_its_currency() {
        let with_order = |event: OpportunityEvent| match event {
            OpportunityEvent::OpportunityWon(won) => {
                OpportunityEvent::OpportunityWon(OpportunityWon { sales_order: Some(won_order()), ..won })
            }
            other => other,
        };
        framework()
            .given(vec![opened(), changed("lead", "negotiation", 75)])
            .when(win_with_order(order_input()))
            .then_expect_events(vec![with_order(won("negotiation"))]);
    }

    #[test]
    fn a_sales_order_that_breaks_an_order_rule_refuses_the_win_naming_the_order_field() {
        let cases = [
            (WinSalesOrder { customer_name: " ".to_owned(), ..order_input() }, "sales_order.customer_name"),
            (WinSalesOrder { ship_from: String::new(), ..order_input() }, "sales_order.ship_from"),
            (WinSalesOrder { lines: vec![], ..order_input() }, "sales_order.lines"),
        ];
        for (order, field) in cases {
            let refusal = framework().given(vec![opened()]).when(win_with_order(order)).inspect_result().unwrap_err();
            assert!(matches!(refusal, OpportunityError::SalesOrder(_)), "{refusal:?}");
            assert_eq!(refusal.field().as_deref(), Some(field));
            assert_eq!(refusal.kind(), RefusalKind::Invalid);
        }
        let mut bad_quantity = order_input();
        bad_quantity.lines[1].quantity = Quantity::new("-1");
        let refusal =
            framework().given(vec![opened()]).when(win_with_order(bad_quantity)).inspect_result().unwrap_err();
        assert_eq!(refusal.field().as_deref(), Some("sales_order.lines[1].quantity"));
        assert!(matches!(refusal, OpportunityError::SalesOrder(SalesOrderError::Input(_))), "{refusal:?}");
    }

    #[test]
    fn won_and_lost_are_final() {
        for (given, stage) in [(won("lead"), Stage::Won), (lost("price", "lead"), Stage::Lost)] {
            for command in [move_to("proposal", None), win(), lose("again")] {
                let expected = OpportunityError::Closed { stage };
                let given = vec![opened(), given.clone()];
                assert_refused_as(
                    framework(),
                    given,
                    command,
                    expected,
                    None,
                    "opportunity_closed",
                    RefusalKind::Conflict,
                );
            }
        }
    }

    #[test]
    fn opening_with_bad_input_names_the_field() {
        let cases = [
            (OpenOpportunity { customer_id: " ".to_owned(), ..open_input() }, "customer_id", "blank"),
            (OpenOpportunity { title: String::new(), ..open_input() }, "title", "blank"),
            (OpenOpportunity { title: "t".repeat(201), ..open_input() }, "title", "too_long"),
            (OpenOpportunity { owner: "o".repeat(101), ..open_input() }, "owner", "too_long"),
            (OpenOpportunity { amount_minor: -1, ..open_input() }, "amount_minor", "negative_amount"),
            (OpenOpportunity { currency: "eur".to_owned(), ..open_input() }, "currency", "invalid_currency"),
            (OpenOpportunity { probability: Some(101), ..open_input() }, "probability", "invalid_probability"),
            (OpenOpportunity { probability: Some(-1), ..open_input() }, "probability", "invalid_probability"),
        ];
        for (input, field, code) in cases {
            let error = framework().given_no_previous_events().when(open(input)).inspect_result().unwrap_err();
            assert_eq!((error.field().as_deref(), error.code()), (Some(field), code), "{error}");
        }
    }

    #[test]
    fn the_limits_are_inclusive() {
        let input = OpenOpportunity {
            title: "t".repeat(200),
            owner: "o".repeat(100),
            amount_minor: 0,
            probability: Some(100),
            ..open_input()
        };
        assert_eq!(assert_accepted(framework(), vec![], open(input)).len(), 1);
        let events = assert_accepted(framework(), vec![opened()], move_to("proposal", Some(0)));
        assert_eq!(events, [changed("lead", "proposal", 0)]);
    }

    #[test]
    fn moving_needs_an_open_pipeline_stage_and_a_probability_in_range() {
        let given = vec![opened()];
        let invalid = RefusalKind::Invalid;
        let unknown = OpportunityError::UnknownStage { stage: "closing".to_owned() };
        assert_refused_as(
            framework(),
            given.clone(),
            move_to("closing", None),
            unknown,
            Some("stage"),
            "unknown_stage",
            invalid,
        );
        let final_stage = OpportunityError::FinalStage { stage: Stage::Won };
        assert_refused_as(
            framework(),
            given.clone(),
            move_to("won", None),
            final_stage,
            Some("stage"),
            "final_stage",
            invalid,
        );
        let out_of_range = OpportunityError::InvalidProbability { probability: 250 };
        let command = move_to("proposal", Some(250));
        assert_refused_as(
            framework(),
            given,
            command,
            out_of_range,
            Some("probability"),
            "invalid_probability",
            invalid,
        );
    }

    #[test]
    fn moving_to_the_same_stage_needs_another_probability() {
        let expected = OpportunityError::AlreadyInStage { stage: Stage::Lead };
        let conflict = RefusalKind::Conflict;
        assert_refused_as(
            framework(),
            vec![opened()],
            move_to("lead", None),
            expected,
            None,
            "already_in_stage",
            conflict,
        );
        framework()
            .given(vec![opened()])
            .when(move_to("lead", Some(15)))
            .then_expect_events(vec![changed("lead", "lead", 15)]);
        let opportunity: Opportunity = fold([opened(), changed("lead", "lead", 15)]);
        assert_eq!(opportunity.stage_history(), [Stage::Lead], "a stage is not repeated in the history");
    }

    #[test]
    fn losing_needs_a_reason() {
        let expected = OpportunityError::Input(InputError::Blank { field: "reason" });
        assert_refused_as(
            framework(),
            vec![opened()],
            lose(" "),
            expected,
            Some("reason"),
            "blank",
            RefusalKind::Invalid,
        );
    }
}

mod state_and_wire {
    use super::*;

    pub(super) fn one_of_each_event() -> Vec<OpportunityEvent> {
        vec![opened(), changed("lead", "proposal", 50), won("proposal"), lost("price", "negotiation")]
    }

    #[test]
    fn events_are_externally_tagged_and_round_trip() {
        for event in one_of_each_event() {
            let json = serde_json::to_value(&event).unwrap();
            assert!(json.as_object().unwrap().contains_key(&event.event_type()));
            assert_eq!(serde_json::from_value::<OpportunityEvent>(json).unwrap(), event);
        }
    }

    #[test]
    fn event_types_versions_and_aggregate_type_are_stable() {
        let types: Vec<String> = one_of_each_event().iter().map(DomainEvent::event_type).collect();
        assert_eq!(types, ["OpportunityOpened", "OpportunityStageChanged", "OpportunityWon", "OpportunityLost"]);
        assert!(one_of_each_event().iter().all(|e| e.event_version() == "1"));
        assert_eq!(Opportunity::TYPE, "crm.opportunity");
    }

    #[test]
    fn commands_read_their_json_and_refuse_unknown_fields() {
        let json = serde_json::json!({"Move": {"stage": "proposal"}});
        assert_eq!(serde_json::from_value::<OpportunityCommand>(json).unwrap(), move_to("proposal", None));
        let json = serde_json::json!({"Move": {"stage": "proposal", "stage_name": "x"}});
        assert!(serde_json::from_value::<OpportunityCommand>(json).is_err());
    }

    #[test]
    fn aggregate_state_round_trips_through_serde_for_snapshots() {
        for opportunity in [Opportunity::default(), fold(vec![opened(), changed("lead", "proposal", 50)])] {
            let json = serde_json::to_string(&opportunity).unwrap();
            assert_eq!(serde_json::from_str::<Opportunity>(&json).unwrap(), opportunity);
        }
    }
}

mod avro_contract {
    //! The serde JSON of each event must have exactly the fields of its Avro schema.

    use super::*;
    use crate::avro_contract::assert_event_matches_schema;

    const OPENED_AVSC: &str = include_str!("../../../../schemas/avro/crm/OpportunityOpened.avsc");
    const CHANGED_AVSC: &str = include_str!("../../../../schemas/avro/crm/OpportunityStageChanged.avsc");
    const WON_AVSC: &str = include_str!("../../../../schemas/avro/crm/OpportunityWon.avsc");
    const LOST_AVSC: &str = include_str!("../../../../schemas/avro/crm/OpportunityLost.avsc");

    #[test]
    fn every_event_decide_records_matches_its_schema() {
        let given = vec![opened()];
        let commands = [
            (OPENED_AVSC, vec![], open(open_input())),
            (CHANGED_AVSC, given.clone(), move_to("proposal", None)),
            (WON_AVSC, given.clone(), win()),
            (WON_AVSC, given.clone(), win_with_order(order_input())),
            (LOST_AVSC, given, lose("price")),
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
    use crate::test_support::{check_command_sequence, check_status_history, commands_along, SEQUENCE_CASES};

    /// Opens with valid and invalid inputs, moves to every stage name (and one that is none)
    /// with probabilities around the limits, wins with and without a (valid or invalid) sales
    /// order, and loses with and without a reason.
    fn arb_command() -> impl Strategy<Value = OpportunityCommand> {
        let probability = || prop::option::of(prop::sample::select(vec![-1_i64, 0, 10, 50, 100, 101]));
        let stage = prop::sample::select(vec!["lead", "qualification", "proposal", "negotiation", "won", "lost", "x"]);
        prop_oneof![
            (prop::sample::select(vec![0_i64, -5, 1_000]), probability()).prop_map(|(amount_minor, probability)| {
                open(OpenOpportunity { amount_minor, probability, ..open_input() })
            }),
            (stage, probability()).prop_map(|(stage, probability)| move_to(stage, probability)),
            Just(win()),
            prop::sample::select(vec!["Customer One", " "])
                .prop_map(|name| win_with_order(WinSalesOrder { customer_name: name.to_owned(), ..order_input() })),
            prop::sample::select(vec!["price", " "]).prop_map(lose),
        ]
    }

    /// The way through the pipeline to a win.
    fn pipeline() -> Vec<OpportunityCommand> {
        vec![
            open(open_input()),
            move_to("qualification", None),
            move_to("proposal", None),
            move_to("negotiation", None),
            win(),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(SEQUENCE_CASES))]

        /// Whatever is attempted, the probability stays within 0–100, the amount never
        /// changes once opened, the stage history only grows and ends in the current stage,
        /// and a won or lost opportunity accepts nothing more.
        #[test]
        fn an_opportunity_moves_through_the_pipeline_and_stays_where_it_ended(
            commands in commands_along(pipeline(), arb_command())
        ) {
            check_command_sequence::<Opportunity>(&(), commands, |step| {
                if step.before.stage().is_some_and(Stage::is_final) {
                    prop_assert!(step.outcome.is_err(), "a closed opportunity accepted {:?}", step.command);
                }
                if step.before.amount_minor().is_some() {
                    prop_assert_eq!(step.after.amount_minor(), step.before.amount_minor());
                }
                prop_assert!(step.after.probability().is_none_or(|p| p <= 100));
                check_status_history(step.before.stage_history(), step.after.stage_history(), step.after.stage())
            })?;
        }
    }
}
