//! Given–when–then tests for every item rule, the accessors the stock aggregate and the API
//! read, serde of commands, events and state, and the contract test that keeps events and
//! Avro schemas in step.

use cqrs_es::test::TestFramework;
use cqrs_es::{Aggregate, DomainEvent};

use super::*;
use crate::money::CurrencyError;
use crate::quantity::{Quantity, QuantityError};
use crate::refusal::RefusalKind;
use crate::supply::valuation::ValuationMethod;
use crate::test_support::{assert_accepted, assert_error_table, assert_refused_as, eur, fold, invalid_currencies};

fn framework() -> TestFramework<Item> {
    TestFramework::with(())
}

/// A FIFO widget counted `each`, valued in EUR, without reorder policy.
fn define_input(sku: &str) -> DefineItem {
    DefineItem {
        sku: sku.to_owned(),
        name: "Widget".to_owned(),
        unit_of_measure: "each".to_owned(),
        valuation_method: "fifo".to_owned(),
        currency: "EUR".to_owned(),
        reorder_point: None,
        reorder_quantity: None,
    }
}

/// The payload `define(define_input(sku))` records.
fn defined_payload(sku: &str) -> ItemDefined {
    ItemDefined {
        sku: sku.to_owned(),
        name: "Widget".to_owned(),
        unit_of_measure: "each".to_owned(),
        valuation_method: "fifo".to_owned(),
        currency: "EUR".to_owned(),
        reorder_point_milli: None,
        reorder_quantity_milli: None,
    }
}

fn defined(sku: &str) -> ItemEvent {
    ItemEvent::ItemDefined(defined_payload(sku))
}

fn policy_changed(point: Option<i64>, quantity: Option<i64>) -> ItemEvent {
    ItemEvent::ItemReorderPolicyChanged(ItemReorderPolicyChanged {
        sku: "W-1".to_owned(),
        reorder_point_milli: point,
        reorder_quantity_milli: quantity,
    })
}

fn renamed(name: &str) -> ItemEvent {
    ItemEvent::ItemRenamed(ItemRenamed { sku: "W-1".to_owned(), name: name.to_owned() })
}

fn discontinued(reason: Option<&str>) -> ItemEvent {
    ItemEvent::ItemDiscontinued(ItemDiscontinued { sku: "W-1".to_owned(), reason: reason.map(str::to_owned) })
}

fn define(input: DefineItem) -> ItemCommand {
    ItemCommand::DefineItem(input)
}

fn change_policy(point: Option<&str>, quantity: Option<&str>) -> ItemCommand {
    ItemCommand::ChangeReorderPolicy {
        reorder_point: point.map(Quantity::from),
        reorder_quantity: quantity.map(Quantity::from),
    }
}

fn rename(name: &str) -> ItemCommand {
    ItemCommand::RenameItem { name: name.to_owned() }
}

fn discontinue(reason: Option<&str>) -> ItemCommand {
    ItemCommand::DiscontinueItem { reason: reason.map(str::to_owned) }
}

/// Asserts that `command`, on a fresh item, is refused with `expected`, naming `field`.
fn assert_define_refused(command: DefineItem, expected: ItemError, field: &str, code: &str) {
    assert_refused_as(framework(), vec![], define(command), expected, Some(field), code, RefusalKind::Invalid);
}

mod defining {
    use super::*;

    #[test]
    fn defining_an_item_records_item_defined() {
        framework()
            .given_no_previous_events()
            .when(define(define_input("W-1")))
            .then_expect_events(vec![defined("W-1")]);
    }

    #[test]
    fn defining_with_a_reorder_policy_records_it_in_thousandths() {
        let input = DefineItem {
            unit_of_measure: "kg".to_owned(),
            valuation_method: "moving_average".to_owned(),
            currency: "JPY".to_owned(),
            reorder_point: Some(Quantity::new("2.5")),
            reorder_quantity: Some(Quantity::new("100")),
            ..define_input("W-1")
        };
        let expected = ItemEvent::ItemDefined(ItemDefined {
            unit_of_measure: "kg".to_owned(),
            valuation_method: "moving_average".to_owned(),
            currency: "JPY".to_owned(),
            reorder_point_milli: Some(2_500),
            reorder_quantity_milli: Some(100_000),
            ..defined_payload("W-1")
        });
        framework().given_no_previous_events().when(define(input)).then_expect_events(vec![expected]);
    }

    #[test]
    fn skus_of_uppercase_letters_digits_and_separators_up_to_the_limit_are_accepted() {
        for sku in ["A", "7", "BOLT-M8.10_ZN", &"S".repeat(MAX_CODE_CHARS)] {
            assert_eq!(assert_accepted(framework(), vec![], define(define_input(sku))), vec![defined(sku)], "{sku}");
        }
    }

    #[test]
    fn an_invalid_sku_is_rejected_with_its_reason() {
        let too_long = "S".repeat(MAX_CODE_CHARS + 1);
        let cases = [
            ("", CodeError::Empty),
            (too_long.as_str(), CodeError::TooLong { chars: 41, max: 40 }),
            ("-W1", CodeError::MustStartAlphanumeric),
            ("W 1", CodeError::InvalidCharacter { found: ' ', position: 1 }),
        ];
        for (sku, reason) in cases {
            let expected = ItemError::InvalidSku { sku: sku.to_owned(), reason };
            assert_define_refused(define_input(sku), expected, "sku", "invalid_sku");
        }
    }

    #[test]
    fn a_lowercase_sku_is_rejected() {
        for (sku, position) in [("w-1", 0), ("W-1a", 3)] {
            let found = sku.chars().nth(position).unwrap();
            let expected =
                ItemError::InvalidSku { sku: sku.to_owned(), reason: CodeError::InvalidCharacter { found, position } };
            assert_define_refused(define_input(sku), expected, "sku", "invalid_sku");
        }
    }

    #[test]
    fn defining_twice_is_a_conflict_even_when_discontinued() {
        for given in [vec![defined("W-1")], vec![defined("W-1"), discontinued(None)]] {
            assert_refused_as(
                framework(),
                given,
                define(define_input("W-1")),
                ItemError::ItemExists { sku: "W-1".to_owned() },
                Some("sku"),
                "item_exists",
                RefusalKind::Conflict,
            );
        }
    }

    #[test]
    fn a_blank_name_is_rejected() {
        for name in ["", "  \t"] {
            let input = DefineItem { name: name.to_owned(), ..define_input("W-1") };
            assert_define_refused(input, ItemError::NameBlank, "name", "name_blank");
        }
    }

    #[test]
    fn a_name_at_the_limit_is_accepted_and_one_over_is_rejected() {
        let input = DefineItem { name: "n".repeat(MAX_NAME_CHARS), ..define_input("W-1") };
        assert_accepted(framework(), vec![], define(input));
        let input = DefineItem { name: "n".repeat(MAX_NAME_CHARS + 1), ..define_input("W-1") };
        assert_define_refused(input, ItemError::NameTooLong { chars: 201, max: 200 }, "name", "name_too_long");
    }

    #[test]
    fn a_blank_unit_of_measure_is_rejected() {
        let input = DefineItem { unit_of_measure: " ".to_owned(), ..define_input("W-1") };
        assert_define_refused(input, ItemError::UnitBlank, "unit_of_measure", "unit_of_measure_blank");
    }

    #[test]
    fn a_unit_of_measure_at_the_limit_is_accepted_and_one_over_is_rejected() {
        let input = DefineItem { unit_of_measure: "u".repeat(MAX_UNIT_CHARS), ..define_input("W-1") };
        assert_accepted(framework(), vec![], define(input));
        let input = DefineItem { unit_of_measure: "u".repeat(MAX_UNIT_CHARS + 1), ..define_input("W-1") };
        let expected = ItemError::UnitTooLong { chars: 21, max: 20 };
        assert_define_refused(input, expected, "unit_of_measure", "unit_of_measure_too_long");
    }

    #[test]
    fn an_unknown_valuation_method_is_rejected() {
        for method in ["", "FIFO", "lifo", "average"] {
            let input = DefineItem { valuation_method: method.to_owned(), ..define_input("W-1") };
            let expected = ItemError::InvalidValuationMethod { valuation_method: method.to_owned() };
            assert_define_refused(input, expected, "valuation_method", "invalid_valuation_method");
        }
    }

    #[test]
    fn an_invalid_currency_is_rejected_with_its_reason() {
        for (currency, reason) in invalid_currencies() {
            let input = DefineItem { currency: currency.to_owned(), ..define_input("W-1") };
            assert_define_refused(input, ItemError::InvalidCurrency { reason }, "currency", "invalid_currency");
        }
    }

    #[test]
    fn rules_are_checked_in_order_and_the_first_broken_one_is_reported() {
        let input = DefineItem {
            name: String::new(),
            unit_of_measure: String::new(),
            valuation_method: "x".to_owned(),
            currency: "x".to_owned(),
            ..define_input("w")
        };
        let reason = CodeError::InvalidCharacter { found: 'w', position: 0 };
        assert_define_refused(
            input.clone(),
            ItemError::InvalidSku { sku: "w".to_owned(), reason },
            "sku",
            "invalid_sku",
        );
        let input = DefineItem { sku: "W".to_owned(), ..input };
        assert_define_refused(input.clone(), ItemError::NameBlank, "name", "name_blank");
        let input = DefineItem { name: "Widget".to_owned(), ..input };
        assert_define_refused(input.clone(), ItemError::UnitBlank, "unit_of_measure", "unit_of_measure_blank");
        let input = DefineItem { unit_of_measure: "each".to_owned(), ..input };
        let expected = ItemError::InvalidValuationMethod { valuation_method: "x".to_owned() };
        assert_define_refused(input.clone(), expected, "valuation_method", "invalid_valuation_method");
        let input =
            DefineItem { valuation_method: "fifo".to_owned(), reorder_point: Some(Quantity::new("-1")), ..input };
        let expected = ItemError::InvalidCurrency { reason: CurrencyError::Malformed { code: "x".to_owned() } };
        assert_define_refused(input.clone(), expected, "currency", "invalid_currency");
        let input = DefineItem { currency: "EUR".to_owned(), ..input };
        let expected = ItemError::NegativeReorderPoint { text: "-1".to_owned() };
        assert_define_refused(input, expected, "reorder_point", "negative_reorder_point");
    }

    #[test]
    fn the_reorder_policy_is_checked_when_defining_too() {
        let input = DefineItem { reorder_quantity: Some(Quantity::new("5")), ..define_input("W-1") };
        let expected = ItemError::ReorderQuantityWithoutPoint;
        assert_define_refused(input, expected, "reorder_quantity", "reorder_quantity_without_point");
    }
}

mod reorder_policy {
    use super::*;

    #[test]
    fn setting_a_policy_records_it_in_thousandths() {
        framework()
            .given(vec![defined("W-1")])
            .when(change_policy(Some("10"), Some("0.125")))
            .then_expect_events(vec![policy_changed(Some(10_000), Some(125))]);
    }

    #[test]
    fn a_reorder_point_of_zero_is_accepted_however_it_is_written() {
        for zero in ["0", "0.0", "0.000", "00"] {
            let events = assert_accepted(framework(), vec![defined("W-1")], change_policy(Some(zero), None));
            assert_eq!(events, vec![policy_changed(Some(0), None)], "{zero}");
        }
        let command: ItemCommand =
            serde_json::from_value(serde_json::json!({"ChangeReorderPolicy": {"reorder_point": 0}})).unwrap();
        assert_eq!(assert_accepted(framework(), vec![defined("W-1")], command), vec![policy_changed(Some(0), None)]);
    }

    #[test]
    fn a_reorder_point_alone_is_accepted() {
        framework()
            .given(vec![defined("W-1")])
            .when(change_policy(Some("3"), None))
            .then_expect_events(vec![policy_changed(Some(3_000), None)]);
    }

    #[test]
    fn clearing_the_policy_records_it_cleared() {
        framework()
            .given(vec![defined("W-1"), policy_changed(Some(1_000), Some(2_000))])
            .when(change_policy(None, None))
            .then_expect_events(vec![policy_changed(None, None)]);
    }

    #[test]
    fn an_unchanged_policy_records_nothing() {
        framework().given(vec![defined("W-1")]).when(change_policy(None, None)).then_expect_events(vec![]);
        framework()
            .given(vec![defined("W-1"), policy_changed(Some(1_000), Some(2_000))])
            .when(change_policy(Some("1.000"), Some("2")))
            .then_expect_events(vec![]);
    }

    #[test]
    fn a_negative_reorder_point_is_rejected() {
        for text in ["-1", "-0.5", "-0"] {
            assert_refused_as(
                framework(),
                vec![defined("W-1")],
                change_policy(Some(text), None),
                ItemError::NegativeReorderPoint { text: text.to_owned() },
                Some("reorder_point"),
                "negative_reorder_point",
                RefusalKind::Invalid,
            );
        }
    }

    #[test]
    fn a_reorder_point_that_is_no_quantity_is_rejected_with_its_reason() {
        let cases = [
            ("abc", QuantityError::Malformed { text: "abc".to_owned() }),
            ("1.0001", QuantityError::TooManyDecimals { text: "1.0001".to_owned(), max: 3 }),
            ("1000000000.001", QuantityError::TooLarge { text: "1000000000.001".to_owned(), max: 1_000_000_000 }),
        ];
        for (text, reason) in cases {
            assert_refused_as(
                framework(),
                vec![defined("W-1")],
                change_policy(Some(text), None),
                ItemError::InvalidReorderPoint { reason },
                Some("reorder_point"),
                "invalid_reorder_point",
                RefusalKind::Invalid,
            );
        }
    }

    #[test]
    fn quantities_at_the_limits_are_accepted() {
        let events =
            assert_accepted(framework(), vec![defined("W-1")], change_policy(Some("1000000000"), Some("0.001")));
        assert_eq!(events, vec![policy_changed(Some(1_000_000_000_000), Some(1))]);
    }

    #[test]
    fn a_reorder_quantity_must_be_positive() {
        for text in ["0", "-2"] {
            assert_refused_as(
                framework(),
                vec![defined("W-1")],
                change_policy(Some("1"), Some(text)),
                ItemError::InvalidReorderQuantity { reason: QuantityError::NotPositive { text: text.to_owned() } },
                Some("reorder_quantity"),
                "invalid_reorder_quantity",
                RefusalKind::Invalid,
            );
        }
    }

    #[test]
    fn a_reorder_quantity_needs_a_reorder_point() {
        assert_refused_as(
            framework(),
            vec![defined("W-1")],
            change_policy(None, Some("5")),
            ItemError::ReorderQuantityWithoutPoint,
            Some("reorder_quantity"),
            "reorder_quantity_without_point",
            RefusalKind::Invalid,
        );
    }
}

mod renaming {
    use super::*;

    #[test]
    fn renaming_records_item_renamed() {
        framework()
            .given(vec![defined("W-1")])
            .when(rename("Blue widget"))
            .then_expect_events(vec![renamed("Blue widget")]);
    }

    #[test]
    fn a_blank_or_over_long_name_is_rejected() {
        let cases = [
            ("", ItemError::NameBlank, "name_blank"),
            (&*"n".repeat(MAX_NAME_CHARS + 1), ItemError::NameTooLong { chars: 201, max: 200 }, "name_too_long"),
        ];
        for (name, expected, code) in cases {
            assert_refused_as(
                framework(),
                vec![defined("W-1")],
                rename(name),
                expected,
                Some("name"),
                code,
                RefusalKind::Invalid,
            );
        }
    }

    #[test]
    fn renaming_to_the_current_name_is_rejected() {
        assert_refused_as(
            framework(),
            vec![defined("W-1")],
            rename("Widget"),
            ItemError::NameUnchanged { sku: "W-1".to_owned(), name: "Widget".to_owned() },
            Some("name"),
            "name_unchanged",
            RefusalKind::Invalid,
        );
    }
}

mod discontinuing {
    use super::*;

    #[test]
    fn discontinuing_records_item_discontinued_with_or_without_reason() {
        framework().given(vec![defined("W-1")]).when(discontinue(None)).then_expect_events(vec![discontinued(None)]);
        let reason = "r".repeat(MAX_REASON_CHARS);
        framework()
            .given(vec![defined("W-1")])
            .when(discontinue(Some(&reason)))
            .then_expect_events(vec![discontinued(Some(&reason))]);
    }

    #[test]
    fn a_blank_or_over_long_reason_is_rejected() {
        let cases = [
            (" ".to_owned(), ItemError::ReasonBlank, "reason_blank"),
            ("r".repeat(MAX_REASON_CHARS + 1), ItemError::ReasonTooLong { chars: 501, max: 500 }, "reason_too_long"),
        ];
        for (reason, expected, code) in cases {
            assert_refused_as(
                framework(),
                vec![defined("W-1")],
                discontinue(Some(&reason)),
                expected,
                Some("reason"),
                code,
                RefusalKind::Invalid,
            );
        }
    }

    #[test]
    fn a_discontinued_item_refuses_every_further_change() {
        let given = vec![defined("W-1"), discontinued(Some("replaced by W-2"))];
        for command in [change_policy(Some("1"), None), rename("Other"), discontinue(None)] {
            assert_refused_as(
                framework(),
                given.clone(),
                command,
                ItemError::Discontinued { sku: "W-1".to_owned() },
                None,
                "item_discontinued",
                RefusalKind::Conflict,
            );
        }
    }

    #[test]
    fn being_discontinued_is_checked_before_the_inputs() {
        assert_refused_as(
            framework(),
            vec![defined("W-1"), discontinued(None)],
            rename(""),
            ItemError::Discontinued { sku: "W-1".to_owned() },
            None,
            "item_discontinued",
            RefusalKind::Conflict,
        );
    }
}

mod undefined {
    use super::*;

    #[test]
    fn every_command_but_define_on_an_undefined_item_is_not_found() {
        for command in [change_policy(None, None), rename("Widget"), discontinue(None), rename("")] {
            assert_refused_as(
                framework(),
                vec![],
                command,
                ItemError::ItemNotFound,
                None,
                "item_not_found",
                RefusalKind::NotFound,
            );
        }
    }
}

mod state {
    use super::*;

    #[test]
    fn an_undefined_item_answers_none_everywhere() {
        let item = Item::default();
        assert!(!item.is_defined());
        assert!(!item.is_discontinued());
        assert_eq!(
            (item.sku(), item.name(), item.unit_of_measure(), item.valuation_method(), item.currency()),
            (None, None, None, None, None)
        );
        assert_eq!((item.reorder_point_milli(), item.reorder_quantity_milli()), (None, None));
    }

    #[test]
    fn accessors_read_the_folded_events() {
        let defined_ma = ItemEvent::ItemDefined(ItemDefined {
            valuation_method: "moving_average".to_owned(),
            ..defined_payload("W-1")
        });
        let item: Item = fold([defined_ma, policy_changed(Some(0), Some(12_000)), renamed("Blue widget")]);
        assert!(item.is_defined());
        assert!(!item.is_discontinued());
        assert_eq!(item.sku(), Some("W-1"));
        assert_eq!(item.name(), Some("Blue widget"));
        assert_eq!(item.unit_of_measure(), Some("each"));
        assert_eq!(item.valuation_method(), Some(ValuationMethod::MovingAverage));
        assert_eq!(item.currency(), Some(eur()));
        assert_eq!(item.reorder_point_milli(), Some(0));
        assert_eq!(item.reorder_quantity_milli(), Some(12_000));

        let item: Item = fold([defined("W-1"), policy_changed(Some(1), None), discontinued(None)]);
        assert!(item.is_discontinued());
        assert_eq!((item.reorder_point_milli(), item.reorder_quantity_milli()), (Some(1), None));
    }
}

mod state_and_wire {
    use super::*;

    #[test]
    fn every_error_has_a_unique_snake_case_code_a_field_and_a_kind() {
        use RefusalKind::{Conflict, Invalid, NotFound};
        let sku = || "W-1".to_owned();
        let quantity = || QuantityError::Malformed { text: "x".to_owned() };
        assert_error_table(&[
            (ItemError::InvalidSku { sku: sku(), reason: CodeError::Empty }, Some("sku"), Invalid),
            (ItemError::ItemExists { sku: sku() }, Some("sku"), Conflict),
            (ItemError::NameBlank, Some("name"), Invalid),
            (ItemError::NameTooLong { chars: 201, max: 200 }, Some("name"), Invalid),
            (ItemError::NameUnchanged { sku: sku(), name: "n".to_owned() }, Some("name"), Invalid),
            (ItemError::UnitBlank, Some("unit_of_measure"), Invalid),
            (ItemError::UnitTooLong { chars: 21, max: 20 }, Some("unit_of_measure"), Invalid),
            (ItemError::InvalidValuationMethod { valuation_method: "x".to_owned() }, Some("valuation_method"), Invalid),
            (
                ItemError::InvalidCurrency { reason: CurrencyError::Malformed { code: "x".to_owned() } },
                Some("currency"),
                Invalid,
            ),
            (ItemError::InvalidReorderPoint { reason: quantity() }, Some("reorder_point"), Invalid),
            (ItemError::NegativeReorderPoint { text: "-1".to_owned() }, Some("reorder_point"), Invalid),
            (ItemError::InvalidReorderQuantity { reason: quantity() }, Some("reorder_quantity"), Invalid),
            (ItemError::ReorderQuantityWithoutPoint, Some("reorder_quantity"), Invalid),
            (ItemError::ReasonBlank, Some("reason"), Invalid),
            (ItemError::ReasonTooLong { chars: 501, max: 500 }, Some("reason"), Invalid),
            (ItemError::ItemNotFound, None, NotFound),
            (ItemError::Discontinued { sku: sku() }, None, Conflict),
        ]);
    }

    #[test]
    fn error_messages_name_the_values() {
        assert_eq!(
            ItemError::InvalidSku { sku: "w".to_owned(), reason: CodeError::InvalidCharacter { found: 'w', position: 0 } }
                .to_string(),
            "sku \"w\" is invalid: code contains 'w' at position 0; only A-Z, 0-9, -, . and _ are allowed (uppercase only)"
        );
        assert_eq!(
            ItemError::NegativeReorderPoint { text: "-1".to_owned() }.to_string(),
            "reorder_point -1 is negative; it must be 0 or more"
        );
        assert_eq!(
            ItemError::Discontinued { sku: "W-1".to_owned() }.to_string(),
            "item W-1 is discontinued and takes no further change"
        );
    }

    #[test]
    fn commands_deserialize_from_api_json() {
        let json = serde_json::json!({"DefineItem": {
            "sku": "W-1", "name": "Widget", "unit_of_measure": "each", "valuation_method": "fifo", "currency": "EUR"
        }});
        assert_eq!(serde_json::from_value::<ItemCommand>(json).unwrap(), define(define_input("W-1")));
        let json = serde_json::json!({"ChangeReorderPolicy": {"reorder_point": 2.5, "reorder_quantity": "10"}});
        assert_eq!(serde_json::from_value::<ItemCommand>(json).unwrap(), change_policy(Some("2.5"), Some("10")));
        let json = serde_json::json!({"ChangeReorderPolicy": {}});
        assert_eq!(serde_json::from_value::<ItemCommand>(json).unwrap(), change_policy(None, None));
        let json = serde_json::json!({"RenameItem": {"name": "Blue widget"}});
        assert_eq!(serde_json::from_value::<ItemCommand>(json).unwrap(), rename("Blue widget"));
        let json = serde_json::json!({"DiscontinueItem": {}});
        assert_eq!(serde_json::from_value::<ItemCommand>(json).unwrap(), discontinue(None));
    }

    #[test]
    fn a_command_with_a_misspelled_or_missing_field_is_refused_by_serde() {
        let json = serde_json::json!({
            "sku": "W-1", "name": "Widget", "unit": "each", "valuation_method": "fifo", "currency": "EUR"
        });
        assert!(serde_json::from_value::<DefineItem>(json).is_err());
        let json = serde_json::json!({"RenameItem": {"name": "x", "sku": "W-1"}});
        assert!(serde_json::from_value::<ItemCommand>(json).is_err());
        let json = serde_json::json!({"ChangeReorderPolicy": {"reorder_level": 1}});
        assert!(serde_json::from_value::<ItemCommand>(json).is_err());
    }

    pub(super) fn one_of_each_event() -> Vec<ItemEvent> {
        vec![
            ItemEvent::ItemDefined(ItemDefined {
                reorder_point_milli: Some(0),
                reorder_quantity_milli: Some(5_000),
                ..defined_payload("W-1")
            }),
            policy_changed(Some(1_000), None),
            renamed("Blue widget"),
            discontinued(Some("replaced by W-2")),
        ]
    }

    #[test]
    fn events_are_externally_tagged_and_round_trip() {
        for event in one_of_each_event() {
            let json = serde_json::to_value(&event).unwrap();
            let object = json.as_object().unwrap();
            assert_eq!(object.len(), 1);
            assert!(object.contains_key(&event.event_type()));
            assert_eq!(serde_json::from_value::<ItemEvent>(json).unwrap(), event);
        }
    }

    #[test]
    fn event_types_versions_and_aggregate_type_are_stable() {
        let types: Vec<String> = one_of_each_event().iter().map(DomainEvent::event_type).collect();
        assert_eq!(types, ["ItemDefined", "ItemReorderPolicyChanged", "ItemRenamed", "ItemDiscontinued"]);
        assert!(one_of_each_event().iter().all(|e| e.event_version() == "1"));
        assert_eq!(Item::TYPE, "supply.item");
    }

    #[test]
    fn aggregate_state_round_trips_through_serde_for_snapshots() {
        for item in [Item::default(), fold(one_of_each_event())] {
            let json = serde_json::to_string(&item).unwrap();
            assert_eq!(serde_json::from_str::<Item>(&json).unwrap(), item);
        }
    }
}

mod avro_contract {
    //! The serde JSON of each event must have exactly the fields of its Avro schema,
    //! with compatible types, so the wire contract and the Rust types cannot drift.

    use super::*;
    use crate::avro_contract::assert_event_matches_schema;

    const DEFINED_AVSC: &str = include_str!("../../../../schemas/avro/supply/ItemDefined.avsc");
    const POLICY_AVSC: &str = include_str!("../../../../schemas/avro/supply/ItemReorderPolicyChanged.avsc");
    const RENAMED_AVSC: &str = include_str!("../../../../schemas/avro/supply/ItemRenamed.avsc");
    const DISCONTINUED_AVSC: &str = include_str!("../../../../schemas/avro/supply/ItemDiscontinued.avsc");

    #[test]
    fn item_events_json_match_their_avro_schemas_with_optional_fields_set_and_null() {
        let [defined_full, policy, renamed, discontinued_with_reason] =
            <[ItemEvent; 4]>::try_from(state_and_wire::one_of_each_event()).unwrap();
        assert_event_matches_schema(DEFINED_AVSC, &defined_full);
        assert_event_matches_schema(DEFINED_AVSC, &defined("W-1"));
        assert_event_matches_schema(POLICY_AVSC, &policy);
        assert_event_matches_schema(POLICY_AVSC, &policy_changed(None, None));
        assert_event_matches_schema(RENAMED_AVSC, &renamed);
        assert_event_matches_schema(DISCONTINUED_AVSC, &discontinued_with_reason);
        assert_event_matches_schema(DISCONTINUED_AVSC, &discontinued(None));
    }

    #[test]
    fn every_event_decide_records_matches_its_schema() {
        let given = vec![defined("W-1")];
        let commands = [
            (DEFINED_AVSC, vec![], define(define_input("W-2"))),
            (POLICY_AVSC, given.clone(), change_policy(Some("0"), Some("1"))),
            (RENAMED_AVSC, given.clone(), rename("Other")),
            (DISCONTINUED_AVSC, given.clone(), discontinue(Some("gone"))),
        ];
        for (avsc, given, command) in commands {
            for event in assert_accepted(framework(), given, command) {
                assert_event_matches_schema(avsc, &event);
            }
        }
    }
}

mod properties {
    use proptest::option;
    use proptest::prelude::*;

    use super::*;
    use crate::money::Currency;
    use crate::test_support::{check_command_sequence, command_sequences, quantities, SEQUENCE_CASES};

    /// What defining fixes for good: SKU, unit, valuation method and currency.
    fn fixed_terms(item: &Item) -> (Option<&str>, Option<&str>, Option<ValuationMethod>, Option<Currency>) {
        (item.sku(), item.unit_of_measure(), item.valuation_method(), item.currency())
    }

    /// Definitions with a valid or invalid SKU, method and currency, reorder policies of
    /// quantities around zero, renames to a few names (one blank), discontinuing.
    fn arb_command() -> impl Strategy<Value = ItemCommand> {
        let name = || prop::sample::select(vec!["Widget", "Gadget", " "]).prop_map(str::to_owned);
        let policy = || (option::of(quantities()), option::of(quantities()));
        prop_oneof![
            (
                prop::sample::select(vec!["W-1", "w 1"]),
                prop::sample::select(vec!["fifo", "moving_average", "lifo"]),
                prop::sample::select(vec!["EUR", "XAU"]),
                policy(),
            )
                .prop_map(|(sku, method, currency, (reorder_point, reorder_quantity))| {
                    ItemCommand::DefineItem(DefineItem {
                        valuation_method: method.to_owned(),
                        currency: currency.to_owned(),
                        reorder_point,
                        reorder_quantity,
                        ..define_input(sku)
                    })
                }),
            policy().prop_map(|(reorder_point, reorder_quantity)| ItemCommand::ChangeReorderPolicy {
                reorder_point,
                reorder_quantity
            }),
            name().prop_map(|name| ItemCommand::RenameItem { name }),
            option::of(Just("obsolete".to_owned())).prop_map(|reason| ItemCommand::DiscontinueItem { reason }),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(SEQUENCE_CASES))]

        /// Whatever is attempted, an item's SKU, unit, valuation method and currency never
        /// change once defined; a discontinued item takes no change at all; its name is never
        /// blank; its reorder point is never negative and a reorder quantity is positive and
        /// comes only with a point.
        #[test]
        fn an_item_keeps_its_terms_and_a_discontinued_one_takes_no_change(commands in command_sequences(arb_command())) {
            check_command_sequence::<Item>(&(), commands, |step| {
                if step.before.is_defined() {
                    prop_assert_eq!(fixed_terms(step.after), fixed_terms(step.before));
                }
                if step.before.is_discontinued() {
                    prop_assert!(step.outcome.is_err(), "a discontinued item accepted {:?}", step.command);
                }
                let item = step.after;
                prop_assert!(item.name().is_none_or(|name| !name.trim().is_empty()));
                prop_assert!(item.reorder_point_milli().is_none_or(|point| point >= 0));
                prop_assert!(item.reorder_quantity_milli().is_none_or(|quantity| quantity > 0));
                prop_assert!(item.reorder_quantity_milli().is_none() || item.reorder_point_milli().is_some());
                Ok(())
            })?;
        }
    }
}
