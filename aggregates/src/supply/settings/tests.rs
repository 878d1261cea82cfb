//! Given–when–then tests for every supply-settings rule, the defaults before configuration and
//! the approval question, serde of commands, events and state, and the contract test that
//! keeps the event and its Avro schema in step.

use cqrs_es::test::TestFramework;
use cqrs_es::{Aggregate, DomainEvent};

use super::*;
use crate::refusal::RefusalKind;
use crate::test_support::{assert_accepted, assert_error_table, assert_refused_as, eur, fold, invalid_currencies, usd};

fn framework() -> TestFramework<SupplySettings> {
    TestFramework::with(())
}

fn configure(allow_negative_stock: bool, threshold_minor: i64, currency: &str) -> SupplySettingsCommand {
    SupplySettingsCommand::ConfigureSupply {
        allow_negative_stock,
        po_approval_threshold_minor: threshold_minor,
        po_approval_currency: currency.to_owned(),
    }
}

fn changed(allow_negative_stock: bool, threshold_minor: i64, currency: &str) -> SupplySettingsEvent {
    SupplySettingsEvent::SupplySettingsChanged(SupplySettingsChanged {
        allow_negative_stock,
        po_approval_threshold_minor: threshold_minor,
        po_approval_currency: currency.to_owned(),
    })
}

mod configuring {
    use super::*;

    #[test]
    fn configuring_records_every_setting() {
        framework()
            .given_no_previous_events()
            .when(configure(true, 500_000, "EUR"))
            .then_expect_events(vec![changed(true, 500_000, "EUR")]);
    }

    #[test]
    fn configuring_the_defaults_for_negative_stock_still_records_the_threshold() {
        framework()
            .given_no_previous_events()
            .when(configure(false, 0, "EUR"))
            .then_expect_events(vec![changed(false, 0, "EUR")]);
    }

    #[test]
    fn changing_any_one_setting_records_them_all() {
        let given = vec![changed(false, 100, "EUR")];
        for (command, expected) in [
            (configure(true, 100, "EUR"), changed(true, 100, "EUR")),
            (configure(false, 101, "EUR"), changed(false, 101, "EUR")),
            (configure(false, 100, "USD"), changed(false, 100, "USD")),
        ] {
            assert_eq!(assert_accepted(framework(), given.clone(), command), vec![expected]);
        }
    }

    #[test]
    fn configuring_what_is_already_set_records_nothing() {
        framework().given(vec![changed(true, 100, "EUR")]).when(configure(true, 100, "EUR")).then_expect_events(vec![]);
    }

    #[test]
    fn a_threshold_of_zero_and_the_largest_one_are_accepted() {
        for threshold in [0, i64::MAX] {
            assert_eq!(
                assert_accepted(framework(), vec![], configure(false, threshold, "EUR")),
                vec![changed(false, threshold, "EUR")]
            );
        }
    }

    #[test]
    fn a_negative_threshold_is_rejected() {
        for threshold in [-1, i64::MIN] {
            assert_refused_as(
                framework(),
                vec![],
                configure(false, threshold, "EUR"),
                SupplySettingsError::NegativeApprovalThreshold { threshold_minor: threshold },
                Some("po_approval_threshold_minor"),
                "negative_approval_threshold",
                RefusalKind::Invalid,
            );
        }
    }

    #[test]
    fn an_invalid_currency_is_rejected_with_its_reason() {
        for (currency, reason) in invalid_currencies() {
            assert_refused_as(
                framework(),
                vec![],
                configure(false, 100, currency),
                SupplySettingsError::InvalidApprovalCurrency { reason },
                Some("po_approval_currency"),
                "invalid_approval_currency",
                RefusalKind::Invalid,
            );
        }
    }

    #[test]
    fn the_threshold_is_checked_before_the_currency() {
        assert_refused_as(
            framework(),
            vec![],
            configure(false, -1, "x"),
            SupplySettingsError::NegativeApprovalThreshold { threshold_minor: -1 },
            Some("po_approval_threshold_minor"),
            "negative_approval_threshold",
            RefusalKind::Invalid,
        );
    }
}

mod queries {
    use super::*;

    #[test]
    fn before_any_configuration_negative_stock_is_refused_and_every_order_needs_approval() {
        let settings = SupplySettings::default();
        assert!(!settings.allows_negative_stock());
        assert_eq!(settings.approval_threshold(), None);
        assert!(settings.requires_approval(0, eur()));
        assert!(settings.requires_approval(1, usd()));
    }

    #[test]
    fn the_latest_configuration_is_in_force() {
        let settings: SupplySettings = fold([changed(false, 1, "USD"), changed(true, 10_000, "EUR")]);
        assert!(settings.allows_negative_stock());
        assert_eq!(settings.approval_threshold(), Some((10_000, eur())));
    }

    #[test]
    fn an_order_needs_approval_above_the_threshold_or_in_another_currency() {
        let settings: SupplySettings = fold([changed(false, 10_000, "EUR")]);
        assert!(!settings.requires_approval(0, eur()));
        assert!(!settings.requires_approval(10_000, eur()), "at the threshold");
        assert!(settings.requires_approval(10_001, eur()), "above the threshold");
        assert!(settings.requires_approval(1, usd()), "another currency");
        let zero: SupplySettings = fold([changed(false, 0, "EUR")]);
        assert!(!zero.requires_approval(0, eur()));
        assert!(zero.requires_approval(1, eur()));
    }
}

mod state_and_wire {
    use super::*;
    use crate::money::CurrencyError;

    #[test]
    fn every_error_has_a_unique_snake_case_code_a_field_and_a_kind() {
        assert_error_table(&[
            (
                SupplySettingsError::NegativeApprovalThreshold { threshold_minor: -1 },
                Some("po_approval_threshold_minor"),
                RefusalKind::Invalid,
            ),
            (
                SupplySettingsError::InvalidApprovalCurrency {
                    reason: CurrencyError::Malformed { code: "x".to_owned() },
                },
                Some("po_approval_currency"),
                RefusalKind::Invalid,
            ),
        ]);
        assert_eq!(
            SupplySettingsError::NegativeApprovalThreshold { threshold_minor: -5 }.to_string(),
            "po_approval_threshold_minor -5 is negative; it must be 0 or more"
        );
    }

    #[test]
    fn commands_deserialize_from_api_json_and_refuse_unknown_or_missing_fields() {
        let json = serde_json::json!({"ConfigureSupply": {
            "allow_negative_stock": true, "po_approval_threshold_minor": 500000, "po_approval_currency": "EUR"
        }});
        assert_eq!(serde_json::from_value::<SupplySettingsCommand>(json).unwrap(), configure(true, 500_000, "EUR"));
        let json = serde_json::json!({"ConfigureSupply": {
            "allow_negative_stock": true, "po_approval_threshold_minor": 1, "po_approval_currency": "EUR", "x": 1
        }});
        assert!(serde_json::from_value::<SupplySettingsCommand>(json).is_err());
        let json =
            serde_json::json!({"ConfigureSupply": {"allow_negative_stock": true, "po_approval_currency": "EUR"}});
        assert!(serde_json::from_value::<SupplySettingsCommand>(json).is_err());
    }

    #[test]
    fn the_event_is_externally_tagged_and_round_trips() {
        let event = changed(true, 500_000, "EUR");
        let json = serde_json::to_value(&event).unwrap();
        assert_eq!(json["SupplySettingsChanged"]["po_approval_currency"], "EUR");
        assert_eq!(serde_json::from_value::<SupplySettingsEvent>(json).unwrap(), event);
    }

    #[test]
    fn event_type_version_aggregate_type_and_id_are_stable() {
        let event = changed(true, 500_000, "EUR");
        assert_eq!((event.event_type().as_str(), event.event_version().as_str()), ("SupplySettingsChanged", "1"));
        assert_eq!(SupplySettings::TYPE, "supply.settings");
        assert_eq!(SUPPLY_SETTINGS_ID, "supply-settings");
    }

    #[test]
    fn aggregate_state_round_trips_through_serde_for_snapshots() {
        for settings in [SupplySettings::default(), fold([changed(true, 7, "JPY")])] {
            let json = serde_json::to_string(&settings).unwrap();
            assert_eq!(serde_json::from_str::<SupplySettings>(&json).unwrap(), settings);
        }
    }
}

mod avro_contract {
    //! The serde JSON of the event must have exactly the fields of its Avro schema,
    //! with compatible types, so the wire contract and the Rust types cannot drift.

    use super::*;
    use crate::avro_contract::assert_event_matches_schema;

    const CHANGED_AVSC: &str = include_str!("../../../../schemas/avro/supply/SupplySettingsChanged.avsc");

    #[test]
    fn the_event_decide_records_matches_its_schema() {
        assert_event_matches_schema(CHANGED_AVSC, &changed(true, i64::MAX, "EUR"));
        for event in assert_accepted(framework(), vec![], configure(false, 0, "USD")) {
            assert_event_matches_schema(CHANGED_AVSC, &event);
        }
    }
}

mod properties {
    use proptest::prelude::*;

    use super::*;
    use crate::money::Currency;
    use crate::test_support::{check_command_sequence, command_sequences, SEQUENCE_CASES};

    /// Configurations over two currencies and an invalid one, thresholds around zero.
    fn arb_configure() -> impl Strategy<Value = SupplySettingsCommand> {
        (any::<bool>(), -1_i64..=2, prop::sample::select(vec!["EUR", "USD", "eur"]))
            .prop_map(|(negative, threshold, currency)| configure(negative, threshold, currency))
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(SEQUENCE_CASES))]

        /// Whatever is configured, the settings are those of the last accepted configuration,
        /// its threshold never negative; a configuration records one event exactly when it
        /// changes something.
        #[test]
        fn the_settings_are_the_last_accepted_configuration(commands in command_sequences(arb_configure())) {
            check_command_sequence::<SupplySettings>(&(), commands, |step| {
                let SupplySettingsCommand::ConfigureSupply {
                    allow_negative_stock,
                    po_approval_threshold_minor,
                    po_approval_currency,
                } = step.command;
                if step.outcome.is_ok() {
                    let configured = Currency::parse(po_approval_currency).ok();
                    prop_assert_eq!(step.after.allows_negative_stock(), *allow_negative_stock);
                    prop_assert_eq!(step.after.approval_threshold(), configured.map(|c| (*po_approval_threshold_minor, c)));
                    prop_assert_eq!(step.events().len(), usize::from(step.before != step.after));
                }
                prop_assert!(step.after.approval_threshold().is_none_or(|(threshold, _)| threshold >= 0));
                Ok(())
            })?;
        }
    }
}
