//! Given–when–then tests for every exchange-rates rule at its limits, the rate text parser and
//! formatter, the `rate_on` and `to_functional` queries (minor-unit exponents, rounding,
//! overflow), a property test that the rates hold the last rate set per currency and date, and
//! the contract tests that keep the events and their Avro schemas in step.

use chrono::NaiveDate;
use cqrs_es::test::TestFramework;
use cqrs_es::{Aggregate, DomainEvent};

use super::*;
use crate::money::{Currency, CurrencyError};
use crate::refusal::RefusalKind;
use crate::test_support::{
    assert_accepted, assert_error_table, assert_refused_as, date, eur, fold, invalid_currencies, usd,
};

fn framework() -> TestFramework<ExchangeRates> {
    TestFramework::with(())
}

fn currency(code: &str) -> Currency {
    Currency::parse(code).unwrap()
}

fn functional(code: &str) -> ExchangeRatesEvent {
    ExchangeRatesEvent::FunctionalCurrencySet(FunctionalCurrencySet { currency: code.to_owned() })
}

fn set_functional(code: &str) -> ExchangeRatesCommand {
    ExchangeRatesCommand::SetFunctionalCurrency { currency: code.to_owned() }
}

fn input(currency: &str, date: NaiveDate, rate: &str) -> RateInput {
    RateInput { currency: currency.to_owned(), date, rate: rate.to_owned() }
}

fn set_rates(rates: Vec<RateInput>) -> ExchangeRatesCommand {
    ExchangeRatesCommand::SetExchangeRates { rates }
}

/// An `ExchangeRateSet` against EUR.
fn rate_set(currency: &str, date: NaiveDate, rate: &str) -> ExchangeRatesEvent {
    ExchangeRatesEvent::ExchangeRateSet(ExchangeRateSet {
        currency: currency.to_owned(),
        functional_currency: "EUR".to_owned(),
        date,
        rate: rate.to_owned(),
        rate_e9: parse_rate(rate).unwrap(),
    })
}

/// `count` rates of USD on distinct days from 2026-01-01 on.
fn many_rates(count: usize) -> Vec<RateInput> {
    let start = date(2026, 1, 1);
    (0..count).map(|i| input("USD", start + chrono::Days::new(i as u64), "1.1")).collect()
}

/// EUR functional; USD 0.90 from 2026-01-01 and 0.92 from 2026-03-01; JPY 0.0061 and KWD
/// 2.98 from 2026-01-01.
fn rates() -> ExchangeRates {
    fold([
        functional("EUR"),
        rate_set("USD", date(2026, 1, 1), "0.9"),
        rate_set("USD", date(2026, 3, 1), "0.92"),
        rate_set("JPY", date(2026, 1, 1), "0.0061"),
        rate_set("KWD", date(2026, 1, 1), "2.98"),
    ])
}

mod functional_currency {
    use super::*;

    #[test]
    fn setting_the_functional_currency_records_it() {
        framework().given_no_previous_events().when(set_functional("EUR")).then_expect_events(vec![functional("EUR")]);
        let state: ExchangeRates = fold([functional("EUR")]);
        assert_eq!(state.functional_currency(), Some(eur()));
        assert_eq!(ExchangeRates::default().functional_currency(), None);
    }

    #[test]
    fn a_currency_without_minor_digits_like_jpy_may_be_functional() {
        framework().given_no_previous_events().when(set_functional("JPY")).then_expect_events(vec![functional("JPY")]);
    }

    #[test]
    fn an_invalid_currency_is_refused_naming_currency() {
        for (code, reason) in invalid_currencies() {
            assert_refused_as(
                framework(),
                vec![],
                set_functional(code),
                ExchangeRatesError::InvalidFunctionalCurrency { reason },
                Some("currency"),
                "invalid_functional_currency",
                RefusalKind::Invalid,
            );
        }
    }

    #[test]
    fn it_is_set_once_whether_to_another_or_the_same_currency() {
        for code in ["USD", "EUR"] {
            assert_refused_as(
                framework(),
                vec![functional("EUR")],
                set_functional(code),
                ExchangeRatesError::FunctionalCurrencySet { currency: eur() },
                None,
                "functional_currency_set",
                RefusalKind::Conflict,
            );
        }
    }
}

mod setting_rates {
    use super::*;

    #[test]
    fn setting_rates_records_one_event_per_rate_in_order_normalized() {
        framework()
            .given(vec![functional("EUR")])
            .when(set_rates(vec![
                input("USD", date(2026, 1, 2), "0.9200"),
                input("USD", date(2026, 1, 1), "0.91"),
                input("JPY", date(2026, 1, 1), "000.0061"),
            ]))
            .then_expect_events(vec![
                rate_set("USD", date(2026, 1, 2), "0.92"),
                rate_set("USD", date(2026, 1, 1), "0.91"),
                rate_set("JPY", date(2026, 1, 1), "0.0061"),
            ]);
    }

    #[test]
    fn events_name_the_functional_currency() {
        let events = assert_accepted(
            framework(),
            vec![functional("USD")],
            set_rates(vec![input("EUR", date(2026, 1, 1), "1.08")]),
        );
        assert_eq!(
            events,
            vec![ExchangeRatesEvent::ExchangeRateSet(ExchangeRateSet {
                currency: "EUR".to_owned(),
                functional_currency: "USD".to_owned(),
                date: date(2026, 1, 1),
                rate: "1.08".to_owned(),
                rate_e9: 1_080_000_000,
            })]
        );
    }

    #[test]
    fn an_unchanged_rate_records_nothing_and_a_changed_one_replaces_it() {
        let given = vec![functional("EUR"), rate_set("USD", date(2026, 1, 1), "0.92")];
        let command = set_rates(vec![input("USD", date(2026, 1, 1), "0.920"), input("USD", date(2026, 1, 2), "0.92")]);
        assert_eq!(
            assert_accepted(framework(), given.clone(), command),
            vec![rate_set("USD", date(2026, 1, 2), "0.92")]
        );
        let command = set_rates(vec![input("USD", date(2026, 1, 1), "0.93")]);
        assert_eq!(
            assert_accepted(framework(), given.clone(), command),
            vec![rate_set("USD", date(2026, 1, 1), "0.93")]
        );
        let command = set_rates(vec![input("USD", date(2026, 1, 1), "0.92")]);
        assert_eq!(assert_accepted(framework(), given, command), vec![]);
    }

    #[test]
    fn rates_need_the_functional_currency() {
        assert_refused_as(
            framework(),
            vec![],
            set_rates(vec![input("USD", date(2026, 1, 1), "0.92")]),
            ExchangeRatesError::NoFunctionalCurrency,
            None,
            "no_functional_currency",
            RefusalKind::Conflict,
        );
    }

    #[test]
    fn no_rates_is_refused() {
        assert_refused_as(
            framework(),
            vec![functional("EUR")],
            set_rates(vec![]),
            ExchangeRatesError::NoRates,
            Some("rates"),
            "no_rates",
            RefusalKind::Invalid,
        );
    }

    #[test]
    fn one_rate_and_the_most_rates_are_accepted_one_more_is_refused() {
        assert_eq!(assert_accepted(framework(), vec![functional("EUR")], set_rates(many_rates(1))).len(), 1);
        assert_eq!(
            assert_accepted(framework(), vec![functional("EUR")], set_rates(many_rates(MAX_RATES_PER_COMMAND))).len(),
            MAX_RATES_PER_COMMAND
        );
        assert_refused_as(
            framework(),
            vec![functional("EUR")],
            set_rates(many_rates(MAX_RATES_PER_COMMAND + 1)),
            ExchangeRatesError::TooManyRates { count: MAX_RATES_PER_COMMAND + 1, max: MAX_RATES_PER_COMMAND },
            Some("rates"),
            "too_many_rates",
            RefusalKind::Invalid,
        );
    }

    #[test]
    fn an_invalid_currency_is_refused_naming_its_index() {
        for (code, reason) in invalid_currencies() {
            assert_refused_as(
                framework(),
                vec![functional("EUR")],
                set_rates(vec![input("USD", date(2026, 1, 1), "0.92"), input(code, date(2026, 1, 1), "1")]),
                ExchangeRatesError::InvalidCurrency { index: 1, reason },
                Some("rates[1].currency"),
                "invalid_currency",
                RefusalKind::Invalid,
            );
        }
    }

    #[test]
    fn a_rate_of_the_functional_currency_is_refused() {
        assert_refused_as(
            framework(),
            vec![functional("EUR")],
            set_rates(vec![input("EUR", date(2026, 1, 1), "1")]),
            ExchangeRatesError::FunctionalCurrencyRate { index: 0, currency: eur() },
            Some("rates[0].currency"),
            "functional_currency_rate",
            RefusalKind::Invalid,
        );
    }

    #[test]
    fn an_invalid_rate_is_refused_naming_its_index() {
        let cases = [
            ("", RateTextError::Malformed),
            ("abc", RateTextError::Malformed),
            ("-0.92", RateTextError::Malformed),
            ("+0.92", RateTextError::Malformed),
            (".92", RateTextError::Malformed),
            ("1.", RateTextError::Malformed),
            ("1.2.3", RateTextError::Malformed),
            (" 1", RateTextError::Malformed),
            ("1e3", RateTextError::Malformed),
            ("1,5", RateTextError::Malformed),
            ("1234567890", RateTextError::TooManyIntegerDigits { digits: 10, max: MAX_RATE_INTEGER_DIGITS }),
            ("0.0000000001", RateTextError::TooManyFractionDigits { digits: 10, max: MAX_RATE_FRACTION_DIGITS }),
            ("0", RateTextError::NotPositive),
            ("0.000000000", RateTextError::NotPositive),
        ];
        for (rate, reason) in cases {
            assert_refused_as(
                framework(),
                vec![functional("EUR")],
                set_rates(vec![input("USD", date(2026, 1, 1), "0.92"), input("JPY", date(2026, 1, 1), rate)]),
                ExchangeRatesError::InvalidRate { index: 1, rate: rate.to_owned(), reason },
                Some("rates[1].rate"),
                "invalid_rate",
                RefusalKind::Invalid,
            );
        }
    }

    #[test]
    fn the_smallest_and_largest_rates_are_accepted() {
        let events = assert_accepted(
            framework(),
            vec![functional("EUR")],
            set_rates(vec![
                input("USD", date(2026, 1, 1), "0.000000001"),
                input("USD", date(2026, 1, 2), "999999999.999999999"),
            ]),
        );
        assert_eq!(
            events,
            vec![
                rate_set("USD", date(2026, 1, 1), "0.000000001"),
                rate_set("USD", date(2026, 1, 2), "999999999.999999999"),
            ]
        );
    }

    #[test]
    fn a_currency_and_date_twice_is_refused_naming_the_repetition() {
        assert_refused_as(
            framework(),
            vec![functional("EUR")],
            set_rates(vec![
                input("USD", date(2026, 1, 1), "0.92"),
                input("USD", date(2026, 1, 2), "0.92"),
                input("JPY", date(2026, 1, 1), "0.0061"),
                input("USD", date(2026, 1, 1), "0.93"),
            ]),
            ExchangeRatesError::DuplicateRate { index: 3, first: 0, currency: usd(), date: date(2026, 1, 1) },
            Some("rates[3]"),
            "duplicate_rate",
            RefusalKind::Invalid,
        );
    }

    #[test]
    fn the_first_broken_rule_is_reported() {
        // No functional currency beats an empty list; the count beats the rates' contents.
        assert_refused_as(
            framework(),
            vec![],
            set_rates(vec![]),
            ExchangeRatesError::NoFunctionalCurrency,
            None,
            "no_functional_currency",
            RefusalKind::Conflict,
        );
        let mut rates = many_rates(MAX_RATES_PER_COMMAND + 1);
        rates[0].currency = "eur".to_owned();
        assert_refused_as(
            framework(),
            vec![functional("EUR")],
            set_rates(rates),
            ExchangeRatesError::TooManyRates { count: MAX_RATES_PER_COMMAND + 1, max: MAX_RATES_PER_COMMAND },
            Some("rates"),
            "too_many_rates",
            RefusalKind::Invalid,
        );
        // The currency of a rate is checked before its rate text.
        assert_refused_as(
            framework(),
            vec![functional("EUR")],
            set_rates(vec![input("ABC", date(2026, 1, 1), "x")]),
            ExchangeRatesError::InvalidCurrency { index: 0, reason: CurrencyError::Unknown { code: "ABC".to_owned() } },
            Some("rates[0].currency"),
            "invalid_currency",
            RefusalKind::Invalid,
        );
    }

    #[test]
    fn every_error_names_its_field_code_and_kind() {
        use ExchangeRatesError as E;
        let reason = CurrencyError::Malformed { code: "x".to_owned() };
        assert_error_table(&[
            (E::InvalidFunctionalCurrency { reason: reason.clone() }, Some("currency"), RefusalKind::Invalid),
            (E::FunctionalCurrencySet { currency: eur() }, None, RefusalKind::Conflict),
            (E::NoFunctionalCurrency, None, RefusalKind::Conflict),
            (E::NoRates, Some("rates"), RefusalKind::Invalid),
            (E::TooManyRates { count: 2, max: 1 }, Some("rates"), RefusalKind::Invalid),
            (E::InvalidCurrency { index: 2, reason }, Some("rates[2].currency"), RefusalKind::Invalid),
            (E::FunctionalCurrencyRate { index: 2, currency: eur() }, Some("rates[2].currency"), RefusalKind::Invalid),
            (
                E::InvalidRate { index: 2, rate: "x".to_owned(), reason: RateTextError::Malformed },
                Some("rates[2].rate"),
                RefusalKind::Invalid,
            ),
            (
                E::DuplicateRate { index: 2, first: 0, currency: usd(), date: date(2026, 1, 1) },
                Some("rates[2]"),
                RefusalKind::Invalid,
            ),
        ]);
    }
}

mod rate_text {
    use super::*;

    #[test]
    fn rates_parse_exactly_into_billionths() {
        assert_eq!(parse_rate("0.92"), Ok(920_000_000));
        assert_eq!(parse_rate("1"), Ok(1_000_000_000));
        assert_eq!(parse_rate("0.0061"), Ok(6_100_000));
        assert_eq!(parse_rate("0.000000001"), Ok(1));
        assert_eq!(parse_rate("149.5"), Ok(149_500_000_000));
        assert_eq!(parse_rate("999999999.999999999"), Ok(999_999_999_999_999_999));
        assert_eq!(parse_rate("000000001.100000000"), Ok(1_100_000_000));
    }

    #[test]
    fn rates_format_without_superfluous_zeros_and_read_back() {
        for (rate_e9, text) in [
            (920_000_000, "0.92"),
            (1_000_000_000, "1"),
            (6_100_000, "0.0061"),
            (1, "0.000000001"),
            (149_500_000_000, "149.5"),
            (999_999_999_999_999_999, "999999999.999999999"),
        ] {
            assert_eq!(format_rate_e9(rate_e9), text);
            assert_eq!(parse_rate(text), Ok(rate_e9));
        }
    }
}

mod queries {
    use super::*;

    #[test]
    fn rate_on_picks_the_latest_rate_dated_on_or_before_the_date() {
        let rates = rates();
        assert_eq!(rates.rate_on(usd(), date(2026, 1, 1)), Some((date(2026, 1, 1), 900_000_000)));
        assert_eq!(rates.rate_on(usd(), date(2026, 2, 28)), Some((date(2026, 1, 1), 900_000_000)));
        assert_eq!(rates.rate_on(usd(), date(2026, 3, 1)), Some((date(2026, 3, 1), 920_000_000)));
        assert_eq!(rates.rate_on(usd(), date(2030, 1, 1)), Some((date(2026, 3, 1), 920_000_000)));
    }

    #[test]
    fn rate_on_is_none_before_the_first_rate_and_for_a_currency_without_rates() {
        let rates = rates();
        assert_eq!(rates.rate_on(usd(), date(2025, 12, 31)), None);
        assert_eq!(rates.rate_on(currency("GBP"), date(2026, 6, 1)), None);
        assert_eq!(rates.rate_on(eur(), date(2026, 6, 1)), None);
    }

    #[test]
    fn a_changed_rate_replaces_the_one_of_its_date() {
        let rates: ExchangeRates = fold([
            functional("EUR"),
            rate_set("USD", date(2026, 1, 1), "0.9"),
            rate_set("USD", date(2026, 1, 1), "0.95"),
        ]);
        assert_eq!(rates.rate_on(usd(), date(2026, 1, 5)), Some((date(2026, 1, 1), 950_000_000)));
        assert_eq!(rates.len(), 1);
    }

    #[test]
    fn converts_with_the_minor_unit_digits_of_both_currencies() {
        let rates = rates();
        let on = date(2026, 3, 15);
        // 100.00 USD at 0.92 → 92.00 EUR.
        assert_eq!(rates.to_functional(10_000, usd(), on), Ok(9_200));
        // At the earlier rate before 2026-03-01: 100.00 USD at 0.9 → 90.00 EUR.
        assert_eq!(rates.to_functional(10_000, usd(), date(2026, 2, 28)), Ok(9_000));
        // 1000 JPY (no minor digits) at 0.0061 → 6.10 EUR.
        assert_eq!(rates.to_functional(1_000, currency("JPY"), on), Ok(610));
        // 1.000 KWD (three minor digits) at 2.98 → 2.98 EUR.
        assert_eq!(rates.to_functional(1_000, currency("KWD"), on), Ok(298));
    }

    #[test]
    fn converts_into_a_functional_currency_with_other_minor_digits() {
        let jpy_functional: ExchangeRates = fold([
            functional("JPY"),
            ExchangeRatesEvent::ExchangeRateSet(ExchangeRateSet {
                currency: "USD".to_owned(),
                functional_currency: "JPY".to_owned(),
                date: date(2026, 1, 1),
                rate: "149.5".to_owned(),
                rate_e9: 149_500_000_000,
            }),
            ExchangeRatesEvent::ExchangeRateSet(ExchangeRateSet {
                currency: "KWD".to_owned(),
                functional_currency: "JPY".to_owned(),
                date: date(2026, 1, 1),
                rate: "487.123".to_owned(),
                rate_e9: 487_123_000_000,
            }),
        ]);
        let on = date(2026, 1, 1);
        // 10.00 USD at 149.5 → 1495 JPY; 0.01 USD → 1.495 → 1 JPY.
        assert_eq!(jpy_functional.to_functional(1_000, usd(), on), Ok(1_495));
        assert_eq!(jpy_functional.to_functional(1, usd(), on), Ok(1));
        // 1.000 KWD at 487.123 → 487 JPY; 0.001 KWD → 0.487123 → 0 JPY.
        assert_eq!(jpy_functional.to_functional(1_000, currency("KWD"), on), Ok(487));
        assert_eq!(jpy_functional.to_functional(1, currency("KWD"), on), Ok(0));
    }

    #[test]
    fn rounds_half_away_from_zero() {
        let rates: ExchangeRates = fold([functional("EUR"), rate_set("USD", date(2026, 1, 1), "0.5")]);
        let on = date(2026, 1, 1);
        // 0.01 USD at 0.5 → 0.005 EUR → 0.01 EUR; −0.01 USD → −0.01 EUR.
        assert_eq!(rates.to_functional(1, usd(), on), Ok(1));
        assert_eq!(rates.to_functional(-1, usd(), on), Ok(-1));
        assert_eq!(rates.to_functional(3, usd(), on), Ok(2));
        assert_eq!(rates.to_functional(-3, usd(), on), Ok(-2));
        assert_eq!(rates.to_functional(0, usd(), on), Ok(0));
        let rates: ExchangeRates = fold([functional("EUR"), rate_set("USD", date(2026, 1, 1), "0.499999999")]);
        // 0.01 USD at 0.499999999 → just under half a cent → 0.
        assert_eq!(rates.to_functional(1, usd(), on), Ok(0));
        assert_eq!(rates.to_functional(-1, usd(), on), Ok(0));
    }

    #[test]
    fn the_functional_currency_converts_to_itself_unchanged() {
        let rates = rates();
        for amount in [0, 1, -1, 12_345, i64::MAX, i64::MIN] {
            assert_eq!(rates.to_functional(amount, eur(), date(1900, 1, 1)), Ok(amount));
        }
    }

    #[test]
    fn conversion_refuses_without_functional_currency_or_rate() {
        assert_eq!(
            ExchangeRates::default().to_functional(100, usd(), date(2026, 1, 1)),
            Err(RateRefusal::NoFunctionalCurrency)
        );
        assert_eq!(
            ExchangeRates::default().to_functional(100, eur(), date(2026, 1, 1)),
            Err(RateRefusal::NoFunctionalCurrency)
        );
        let refusal = rates().to_functional(100, usd(), date(2025, 12, 31)).unwrap_err();
        assert_eq!(refusal, RateRefusal::MissingRate { currency: usd(), date: date(2025, 12, 31) });
        assert_eq!(refusal.code(), "missing_exchange_rate");
        assert_eq!(RateRefusal::NoFunctionalCurrency.code(), "no_functional_currency");
    }

    #[test]
    fn conversion_refuses_to_overflow() {
        let rates: ExchangeRates = fold([
            functional("EUR"),
            rate_set("USD", date(2026, 1, 1), "2"),
            rate_set("JPY", date(2026, 1, 1), "999999999.999999999"),
        ]);
        let on = date(2026, 1, 1);
        assert_eq!(rates.to_functional(i64::MAX / 2, usd(), on), Ok(i64::MAX / 2 * 2));
        let overflow = rates.to_functional(i64::MAX, usd(), on).unwrap_err();
        assert_eq!(overflow, RateRefusal::Overflow { amount_minor: i64::MAX, currency: usd() });
        assert_eq!(overflow.code(), "conversion_overflow");
        assert!(rates.to_functional(i64::MIN, usd(), on).is_err());
        // The i128 intermediate itself overflows: i64::MAX × ~10^18 × 10^2.
        assert_eq!(
            rates.to_functional(i64::MAX, currency("JPY"), on),
            Err(RateRefusal::Overflow { amount_minor: i64::MAX, currency: currency("JPY") })
        );
    }
}

mod serde_and_names {
    use super::*;

    #[test]
    fn commands_refuse_unknown_fields_and_read_dates() {
        let json = serde_json::json!({"SetExchangeRates": {"rates": [{"currency": "USD", "date": "2026-01-01", "rate": "0.92"}]}});
        let command: ExchangeRatesCommand = serde_json::from_value(json).unwrap();
        assert_eq!(command, set_rates(vec![input("USD", date(2026, 1, 1), "0.92")]));
        let json = serde_json::json!({"currency": "USD", "date": "2026-01-01", "rate": "0.92", "extra": 1});
        assert!(serde_json::from_value::<RateInput>(json).is_err());
        let json = serde_json::json!({"currency": "USD", "date": "2026-01-01", "rate": 0.92});
        assert!(serde_json::from_value::<RateInput>(json).is_err());
    }

    #[test]
    fn events_are_externally_tagged_and_round_trip() {
        let event = rate_set("USD", date(2026, 1, 1), "0.92");
        let json = serde_json::to_value(&event).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"ExchangeRateSet": {
                "currency": "USD", "functional_currency": "EUR", "date": "2026-01-01", "rate": "0.92",
                "rate_e9": 920_000_000
            }})
        );
        assert_eq!(serde_json::from_value::<ExchangeRatesEvent>(json).unwrap(), event);
        let json = serde_json::to_value(functional("EUR")).unwrap();
        assert_eq!(json, serde_json::json!({"FunctionalCurrencySet": {"currency": "EUR"}}));
    }

    #[test]
    fn event_types_version_and_aggregate_type_are_stable() {
        assert_eq!(rate_set("USD", date(2026, 1, 1), "1").event_type(), "ExchangeRateSet");
        assert_eq!(functional("EUR").event_type(), "FunctionalCurrencySet");
        assert_eq!(functional("EUR").event_version(), "1");
        assert_eq!(rate_set("USD", date(2026, 1, 1), "1").event_version(), "2", "since rate_e9 was added");
        assert_eq!(ExchangeRates::TYPE, "finance.exchange_rates");
        assert_eq!(EXCHANGE_RATES_ID, "exchange-rates");
    }

    #[test]
    fn aggregate_state_round_trips_through_serde_for_snapshots() {
        let rates = rates();
        let json = serde_json::to_string(&rates).unwrap();
        assert_eq!(serde_json::from_str::<ExchangeRates>(&json).unwrap(), rates);
        let empty = serde_json::to_string(&ExchangeRates::default()).unwrap();
        assert_eq!(serde_json::from_str::<ExchangeRates>(&empty).unwrap(), ExchangeRates::default());
    }
}

mod avro_contract {
    //! The serde JSON of each event must have exactly the fields of its Avro schema, with
    //! compatible types, so the wire contract and the Rust type cannot drift.

    use super::*;
    use crate::avro_contract::assert_event_matches_schema;

    const FUNCTIONAL_AVSC: &str = include_str!("../../../../schemas/avro/finance/FunctionalCurrencySet.avsc");
    const RATE_AVSC: &str = include_str!("../../../../schemas/avro/finance/ExchangeRateSet.avsc");

    #[test]
    fn functional_currency_set_json_matches_its_avro_schema() {
        assert_event_matches_schema(FUNCTIONAL_AVSC, &functional("EUR"));
    }

    #[test]
    fn exchange_rate_set_json_matches_its_avro_schema() {
        assert_event_matches_schema(RATE_AVSC, &rate_set("USD", date(2026, 1, 1), "0.92"));
        assert_event_matches_schema(RATE_AVSC, &rate_set("JPY", date(1970, 1, 1), "999999999.999999999"));
    }

    #[test]
    fn every_event_decide_records_matches_its_schema() {
        let events = assert_accepted(framework(), vec![], set_functional("EUR"));
        for event in &events {
            assert_event_matches_schema(FUNCTIONAL_AVSC, event);
        }
        let command = set_rates(vec![input("USD", date(2026, 1, 1), "0.92"), input("JPY", date(2026, 1, 1), "0.0061")]);
        let events = assert_accepted(framework(), vec![functional("EUR")], command);
        assert_eq!(events.len(), 2);
        for event in events {
            assert_event_matches_schema(RATE_AVSC, &event);
        }
    }
}

mod properties {
    use std::collections::BTreeMap;

    use proptest::prelude::*;

    use super::*;
    use crate::test_support::check_command_sequence;

    const CURRENCIES: [&str; 3] = ["USD", "JPY", "EUR"];

    fn arb_rates() -> impl Strategy<Value = Vec<RateInput>> {
        proptest::collection::vec((0_usize..3, 1_u32..=3, 1_u32..4), 1..6).prop_map(|raw| {
            raw.into_iter().map(|(c, d, r)| input(CURRENCIES[c], date(2026, 1, d), &format!("0.{r}"))).collect()
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        /// Whatever commands are attempted, the rates hold for each currency and date the last
        /// rate an accepted command set; each accepted command records exactly the rates that
        /// differ from what was held, and deciding it again records nothing.
        #[test]
        fn the_rates_hold_the_last_rate_set_per_currency_and_date(commands in proptest::collection::vec(arb_rates(), 1..10)) {
            let commands = std::iter::once(set_functional("EUR")).chain(commands.into_iter().map(set_rates)).collect();
            let mut expected: BTreeMap<(String, NaiveDate), i64> = BTreeMap::new();
            check_command_sequence::<ExchangeRates>(&(), commands, |step| {
                let (ExchangeRatesCommand::SetExchangeRates { rates: inputs }, Ok(events)) = (step.command, step.outcome) else {
                    return Ok(());
                };
                let changed = inputs
                    .iter()
                    .filter(|i| expected.get(&(i.currency.clone(), i.date)).copied() != parse_rate(&i.rate).ok())
                    .count();
                prop_assert_eq!(events.len(), changed);
                for i in inputs {
                    expected.insert((i.currency.clone(), i.date), parse_rate(&i.rate).unwrap());
                }
                prop_assert_eq!(step.after.decide(step.command.clone()), Ok(vec![]));
                for ((code, day), rate_e9) in &expected {
                    prop_assert_eq!(step.after.rate_on(currency(code), *day).filter(|(on, _)| on == day), Some((*day, *rate_e9)));
                }
                Ok(())
            })?;
        }
    }
}
