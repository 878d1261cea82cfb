//! Given–when–then tests for every tax-rates rule, fold tests for [`TaxRates::rate_on`] (the
//! question the invoice asks), a property test of the rate-over-time invariant, and the
//! contract test that keeps events and Avro schemas in step.

use chrono::NaiveDate;
use cqrs_es::test::TestFramework;
use cqrs_es::{Aggregate, DomainEvent};

use super::*;
use crate::finance::account::AccountCodeError;
use crate::refusal::RefusalKind;
use crate::test_support::{assert_accepted, assert_error_table, assert_refused_as, date, fold};

fn framework() -> TestFramework<TaxRates> {
    TestFramework::with(())
}

fn defined_payload(code: &str, rate_bp: i32) -> TaxRateDefined {
    TaxRateDefined {
        code: code.to_owned(),
        name: format!("VAT {code}"),
        rate_bp,
        sales_account: "2100".to_owned(),
        purchase_account: "1400".to_owned(),
    }
}

/// The event `define(define_input(code, rate_bp))` records.
fn defined(code: &str, rate_bp: i32) -> TaxRatesEvent {
    TaxRatesEvent::TaxRateDefined(defined_payload(code, rate_bp))
}

fn changed(code: &str, rate_bp: i32, effective_from: NaiveDate) -> TaxRatesEvent {
    TaxRatesEvent::TaxRateChanged(TaxRateChanged { code: code.to_owned(), rate_bp, effective_from })
}

fn retired(code: &str) -> TaxRatesEvent {
    TaxRatesEvent::TaxRateRetired(TaxRateRetired { code: code.to_owned() })
}

fn define_input(code: &str, rate_bp: i64) -> DefineTaxRate {
    DefineTaxRate {
        code: code.to_owned(),
        name: format!("VAT {code}"),
        rate_bp,
        sales_account: "2100".to_owned(),
        purchase_account: "1400".to_owned(),
    }
}

fn define(input: DefineTaxRate) -> TaxRatesCommand {
    TaxRatesCommand::DefineTaxRate(input)
}

fn change(code: &str, rate_bp: i64, effective_from: NaiveDate) -> TaxRatesCommand {
    TaxRatesCommand::ChangeTaxRate { code: code.to_owned(), rate_bp, effective_from }
}

fn retire(code: &str) -> TaxRatesCommand {
    TaxRatesCommand::RetireTaxRate { code: code.to_owned() }
}

mod defining {
    use super::*;

    #[test]
    fn defining_a_rate_records_tax_rate_defined() {
        framework()
            .given_no_previous_events()
            .when(define(define_input("VAT20", 2000)))
            .then_expect_events(vec![defined("VAT20", 2000)]);
    }

    #[test]
    fn codes_of_letters_digits_dashes_and_underscores_up_to_the_limit_are_accepted() {
        for code in ["V", "7", "VAT_20", "gst-5", "Z0", &"C".repeat(MAX_CODE_CHARS)] {
            let events = assert_accepted(framework(), vec![], define(define_input(code, 0)));
            assert_eq!(events, vec![defined(code, 0)], "{code}");
        }
    }

    #[test]
    fn an_empty_code_is_rejected() {
        assert_refused_as(
            framework(),
            vec![],
            define(define_input("", 2000)),
            TaxRatesError::InvalidCode { code: String::new(), reason: TaxCodeError::Empty },
            Some("code"),
            "invalid_code",
            RefusalKind::Invalid,
        );
    }

    #[test]
    fn a_code_one_over_the_limit_is_rejected() {
        let code = "C".repeat(MAX_CODE_CHARS + 1);
        assert_refused_as(
            framework(),
            vec![],
            define(define_input(&code, 2000)),
            TaxRatesError::InvalidCode { code: code.clone(), reason: TaxCodeError::TooLong { chars: 21, max: 20 } },
            Some("code"),
            "invalid_code",
            RefusalKind::Invalid,
        );
    }

    #[test]
    fn a_code_must_start_with_a_letter_or_digit() {
        for code in ["-VAT", "_VAT", " VAT"] {
            assert_refused_as(
                framework(),
                vec![],
                define(define_input(code, 2000)),
                TaxRatesError::InvalidCode { code: code.to_owned(), reason: TaxCodeError::MustStartAlphanumeric },
                Some("code"),
                "invalid_code",
                RefusalKind::Invalid,
            );
        }
    }

    #[test]
    fn a_code_with_other_characters_is_rejected() {
        for (code, found, position) in [("VAT 20", ' ', 3), ("VAT.20", '.', 3), ("MwSt19%", '%', 6), ("Tä", 'ä', 1)] {
            assert_refused_as(
                framework(),
                vec![],
                define(define_input(code, 2000)),
                TaxRatesError::InvalidCode {
                    code: code.to_owned(),
                    reason: TaxCodeError::InvalidCharacter { found, position },
                },
                Some("code"),
                "invalid_code",
                RefusalKind::Invalid,
            );
        }
    }

    #[test]
    fn defining_a_code_twice_is_a_conflict_even_once_retired() {
        for given in [vec![defined("VAT20", 2000)], vec![defined("VAT20", 2000), retired("VAT20")]] {
            assert_refused_as(
                framework(),
                given,
                define(define_input("VAT20", 1900)),
                TaxRatesError::TaxRateExists { code: "VAT20".to_owned() },
                Some("code"),
                "tax_rate_exists",
                RefusalKind::Conflict,
            );
        }
    }

    #[test]
    fn codes_are_case_sensitive() {
        let events = assert_accepted(framework(), vec![defined("VAT20", 2000)], define(define_input("vat20", 2000)));
        assert_eq!(events, vec![defined("vat20", 2000)]);
    }

    #[test]
    fn a_blank_name_is_rejected() {
        for name in ["", "  \t"] {
            assert_refused_as(
                framework(),
                vec![],
                define(DefineTaxRate { name: name.to_owned(), ..define_input("VAT20", 2000) }),
                TaxRatesError::NameBlank,
                Some("name"),
                "name_blank",
                RefusalKind::Invalid,
            );
        }
    }

    #[test]
    fn a_name_at_the_limit_is_accepted_and_one_over_rejected() {
        // multi-byte characters: the limit counts characters, not bytes
        let named = |chars: usize| define(DefineTaxRate { name: "é".repeat(chars), ..define_input("VAT20", 2000) });
        assert_accepted(framework(), vec![], named(MAX_NAME_CHARS));
        assert_refused_as(
            framework(),
            vec![],
            named(MAX_NAME_CHARS + 1),
            TaxRatesError::NameTooLong { chars: 201, max: 200 },
            Some("name"),
            "name_too_long",
            RefusalKind::Invalid,
        );
    }

    #[test]
    fn rates_from_zero_to_one_hundred_percent_are_accepted() {
        for rate_bp in [0, 1, 700, 2000, MAX_RATE_BP] {
            let events = assert_accepted(framework(), vec![], define(define_input("T", rate_bp)));
            assert_eq!(events, vec![defined("T", i32::try_from(rate_bp).unwrap())]);
        }
    }

    #[test]
    fn a_negative_rate_or_one_over_one_hundred_percent_is_rejected() {
        for rate_bp in [-1, MAX_RATE_BP + 1, i64::MIN, i64::MAX, i64::from(i32::MAX) + 1] {
            assert_refused_as(
                framework(),
                vec![],
                define(define_input("T", rate_bp)),
                TaxRatesError::RateOutOfRange { rate_bp, max: 10_000 },
                Some("rate_bp"),
                "rate_out_of_range",
                RefusalKind::Invalid,
            );
        }
    }

    #[test]
    fn an_invalid_sales_account_is_rejected() {
        assert_refused_as(
            framework(),
            vec![],
            define(DefineTaxRate { sales_account: "21 00".to_owned(), ..define_input("T", 2000) }),
            TaxRatesError::InvalidSalesAccount {
                reason: AccountCodeError::InvalidCharacter { found: ' ', position: 2 },
            },
            Some("sales_account"),
            "invalid_sales_account",
            RefusalKind::Invalid,
        );
    }

    #[test]
    fn an_invalid_purchase_account_is_rejected() {
        assert_refused_as(
            framework(),
            vec![],
            define(DefineTaxRate { purchase_account: String::new(), ..define_input("T", 2000) }),
            TaxRatesError::InvalidPurchaseAccount { reason: AccountCodeError::Empty },
            Some("purchase_account"),
            "invalid_purchase_account",
            RefusalKind::Invalid,
        );
    }

    #[test]
    fn accounts_not_in_the_chart_are_accepted_the_invoice_checks_them() {
        let input = DefineTaxRate {
            sales_account: "9999".to_owned(),
            purchase_account: "8888".to_owned(),
            ..define_input("T", 2000)
        };
        assert_accepted(framework(), vec![], define(input));
    }

    #[test]
    fn the_first_broken_rule_is_reported() {
        let input = DefineTaxRate {
            code: "VAT20".to_owned(),
            name: String::new(),
            rate_bp: -1,
            sales_account: String::new(),
            purchase_account: String::new(),
        };
        assert_refused_as(
            framework(),
            vec![],
            define(input.clone()),
            TaxRatesError::NameBlank,
            Some("name"),
            "name_blank",
            RefusalKind::Invalid,
        );
        assert_refused_as(
            framework(),
            vec![],
            define(DefineTaxRate { name: "VAT".to_owned(), ..input }),
            TaxRatesError::RateOutOfRange { rate_bp: -1, max: 10_000 },
            Some("rate_bp"),
            "rate_out_of_range",
            RefusalKind::Invalid,
        );
    }

    fn full(count: usize) -> Vec<TaxRatesEvent> {
        (0..count).map(|n| defined(&format!("T{n}"), 100)).collect()
    }

    #[test]
    fn the_last_rate_up_to_the_limit_is_accepted() {
        let events = assert_accepted(framework(), full(MAX_TAX_RATES - 1), define(define_input("LAST", 2000)));
        assert_eq!(events, vec![defined("LAST", 2000)]);
    }

    #[test]
    fn a_rate_beyond_the_limit_is_rejected_counting_retired_ones() {
        let mut given = full(MAX_TAX_RATES);
        given.push(retired("T0"));
        assert_refused_as(
            framework(),
            given,
            define(define_input("ONE-MORE", 2000)),
            TaxRatesError::TooManyTaxRates { max: 1_000 },
            None,
            "too_many_tax_rates",
            RefusalKind::Invalid,
        );
    }
}

mod changing {
    use super::*;

    #[test]
    fn changing_a_rate_records_tax_rate_changed() {
        framework()
            .given(vec![defined("VAT20", 2000)])
            .when(change("VAT20", 1900, date(2026, 7, 1)))
            .then_expect_events(vec![changed("VAT20", 1900, date(2026, 7, 1))]);
    }

    #[test]
    fn a_first_change_may_take_effect_on_any_date() {
        for effective_from in [NaiveDate::MIN, date(1990, 1, 1), NaiveDate::MAX] {
            assert_accepted(framework(), vec![defined("VAT20", 2000)], change("VAT20", 0, effective_from));
        }
    }

    #[test]
    fn a_change_the_day_after_the_latest_is_accepted() {
        let given = vec![defined("VAT20", 2000), changed("VAT20", 1900, date(2026, 7, 1))];
        let events = assert_accepted(framework(), given, change("VAT20", 2000, date(2026, 7, 2)));
        assert_eq!(events, vec![changed("VAT20", 2000, date(2026, 7, 2))]);
    }

    #[test]
    fn a_change_on_or_before_the_latest_change_is_rejected() {
        let given = vec![
            defined("VAT20", 2000),
            changed("VAT20", 1900, date(2026, 1, 1)),
            changed("VAT20", 1600, date(2026, 7, 1)),
        ];
        for effective_from in [date(2026, 7, 1), date(2026, 6, 30), date(2025, 1, 1)] {
            assert_refused_as(
                framework(),
                given.clone(),
                change("VAT20", 2100, effective_from),
                TaxRatesError::NotAfterLatestChange { effective_from, latest: date(2026, 7, 1) },
                Some("effective_from"),
                "effective_from_not_after_latest",
                RefusalKind::Invalid,
            );
        }
    }

    #[test]
    fn changing_an_unknown_rate_is_not_found() {
        assert_refused_as(
            framework(),
            vec![defined("VAT20", 2000)],
            change("VAT19", 1900, date(2026, 7, 1)),
            TaxRatesError::TaxRateNotFound { code: "VAT19".to_owned() },
            Some("code"),
            "tax_rate_not_found",
            RefusalKind::NotFound,
        );
    }

    #[test]
    fn changing_a_retired_rate_is_a_conflict() {
        assert_refused_as(
            framework(),
            vec![defined("VAT20", 2000), retired("VAT20")],
            change("VAT20", 1900, date(2026, 7, 1)),
            TaxRatesError::Retired { code: "VAT20".to_owned() },
            None,
            "tax_rate_retired",
            RefusalKind::Conflict,
        );
    }

    #[test]
    fn a_change_out_of_range_is_rejected_at_the_limits() {
        let given = vec![defined("VAT20", 2000)];
        assert_accepted(framework(), given.clone(), change("VAT20", MAX_RATE_BP, date(2026, 7, 1)));
        assert_accepted(framework(), given.clone(), change("VAT20", 0, date(2026, 7, 1)));
        for rate_bp in [-1, MAX_RATE_BP + 1] {
            assert_refused_as(
                framework(),
                given.clone(),
                change("VAT20", rate_bp, date(2026, 7, 1)),
                TaxRatesError::RateOutOfRange { rate_bp, max: MAX_RATE_BP },
                Some("rate_bp"),
                "rate_out_of_range",
                RefusalKind::Invalid,
            );
        }
    }

    #[test]
    fn the_state_is_checked_before_the_inputs() {
        assert_refused_as(
            framework(),
            vec![defined("VAT20", 2000), retired("VAT20")],
            change("VAT20", -5, date(2026, 7, 1)),
            TaxRatesError::Retired { code: "VAT20".to_owned() },
            None,
            "tax_rate_retired",
            RefusalKind::Conflict,
        );
        assert_refused_as(
            framework(),
            vec![defined("VAT20", 2000), changed("VAT20", 1900, date(2026, 7, 1))],
            change("VAT20", -5, date(2026, 1, 1)),
            TaxRatesError::RateOutOfRange { rate_bp: -5, max: MAX_RATE_BP },
            Some("rate_bp"),
            "rate_out_of_range",
            RefusalKind::Invalid,
        );
    }
}

mod retiring {
    use super::*;

    #[test]
    fn retiring_a_rate_records_tax_rate_retired() {
        framework()
            .given(vec![defined("VAT20", 2000)])
            .when(retire("VAT20"))
            .then_expect_events(vec![retired("VAT20")]);
    }

    #[test]
    fn retiring_a_changed_rate_is_accepted() {
        assert_accepted(
            framework(),
            vec![defined("VAT20", 2000), changed("VAT20", 1900, date(2026, 7, 1))],
            retire("VAT20"),
        );
    }

    #[test]
    fn retiring_an_unknown_rate_is_not_found() {
        assert_refused_as(
            framework(),
            vec![],
            retire("VAT20"),
            TaxRatesError::TaxRateNotFound { code: "VAT20".to_owned() },
            Some("code"),
            "tax_rate_not_found",
            RefusalKind::NotFound,
        );
    }

    #[test]
    fn retiring_a_rate_twice_is_a_conflict() {
        assert_refused_as(
            framework(),
            vec![defined("VAT20", 2000), retired("VAT20")],
            retire("VAT20"),
            TaxRatesError::AlreadyRetired { code: "VAT20".to_owned() },
            None,
            "already_retired",
            RefusalKind::Conflict,
        );
    }
}

mod queries {
    use super::*;

    /// VAT20: 20 % until 2026-07-14, 19 % from 2026-07-15, 21 % from 2027-01-01.
    fn changing_rates() -> TaxRates {
        fold([
            defined("VAT20", 2000),
            changed("VAT20", 1900, date(2026, 7, 15)),
            changed("VAT20", 2100, date(2027, 1, 1)),
            defined("ZERO", 0),
        ])
    }

    fn applied(code: &str, rate_bp: i32) -> AppliedTaxRate {
        AppliedTaxRate {
            code: code.to_owned(),
            rate_bp,
            sales_account: "2100".to_owned(),
            purchase_account: "1400".to_owned(),
        }
    }

    #[test]
    fn the_defined_rate_applies_before_the_first_change() {
        let rates = changing_rates();
        assert_eq!(rates.rate_on("VAT20", date(2026, 7, 14)), Ok(applied("VAT20", 2000)));
        assert_eq!(rates.rate_on("VAT20", NaiveDate::MIN), Ok(applied("VAT20", 2000)));
    }

    #[test]
    fn a_change_applies_from_its_effective_date_until_the_next_change() {
        let rates = changing_rates();
        assert_eq!(rates.rate_on("VAT20", date(2026, 7, 15)), Ok(applied("VAT20", 1900)));
        assert_eq!(rates.rate_on("VAT20", date(2026, 12, 31)), Ok(applied("VAT20", 1900)));
        assert_eq!(rates.rate_on("VAT20", date(2027, 1, 1)), Ok(applied("VAT20", 2100)));
        assert_eq!(rates.rate_on("VAT20", NaiveDate::MAX), Ok(applied("VAT20", 2100)));
    }

    #[test]
    fn a_zero_rate_applies_as_zero() {
        assert_eq!(changing_rates().rate_on("ZERO", date(2026, 1, 1)), Ok(applied("ZERO", 0)));
    }

    #[test]
    fn an_unknown_code_is_refused() {
        let refusal = changing_rates().rate_on("VAT19", date(2026, 1, 1)).unwrap_err();
        assert_eq!(refusal, TaxRateRefusal::Unknown);
        assert_eq!(refusal.code(), "unknown_tax_code");
        assert_eq!(refusal.to_string(), "tax code is not defined");
    }

    #[test]
    fn a_retired_rate_is_refused_for_any_date() {
        let mut rates = changing_rates();
        rates.apply(retired("VAT20"));
        for day in [NaiveDate::MIN, date(2026, 1, 1), date(2026, 7, 15), NaiveDate::MAX] {
            assert_eq!(rates.rate_on("VAT20", day), Err(TaxRateRefusal::Retired));
        }
        assert_eq!(TaxRateRefusal::Retired.code(), "retired_tax_code");
    }

    #[test]
    fn folding_events_tracks_each_rate() {
        let mut rates = changing_rates();
        assert_eq!(rates.len(), 2);
        assert!(!rates.is_empty());
        assert!(TaxRates::default().is_empty());
        let vat = rates.rate("VAT20").unwrap();
        assert_eq!(vat.code(), "VAT20");
        assert_eq!(vat.name(), "VAT VAT20");
        assert_eq!(vat.defined_rate_bp(), 2000);
        assert_eq!(vat.latest_rate_bp(), 2100);
        assert_eq!(vat.rate_bp_on(date(2026, 8, 1)), 1900);
        assert_eq!(vat.sales_account(), "2100");
        assert_eq!(vat.purchase_account(), "1400");
        let changes: Vec<(i32, NaiveDate)> = vat.changes().iter().map(|c| (c.rate_bp(), c.effective_from())).collect();
        assert_eq!(changes, [(1900, date(2026, 7, 15)), (2100, date(2027, 1, 1))]);
        assert!(!vat.is_retired());
        assert_eq!(rates.rate("ZERO").unwrap().latest_rate_bp(), 0);
        rates.apply(retired("ZERO"));
        assert!(rates.rate("ZERO").unwrap().is_retired());
        assert_eq!(rates.rate("NONE"), None);
    }

    #[test]
    fn rates_list_in_code_order_retired_ones_included() {
        let rates: TaxRates =
            fold([defined("VAT5", 500), defined("GST", 1000), defined("VAT20", 2000), retired("GST")]);
        let codes: Vec<&str> = rates.rates().map(TaxRate::code).collect();
        assert_eq!(codes, ["GST", "VAT20", "VAT5"]);
    }
}

mod state_and_wire {
    use super::*;

    /// One of every error, with its field and kind.
    fn every_error() -> Vec<(TaxRatesError, Option<&'static str>, RefusalKind)> {
        use RefusalKind::{Conflict, Invalid, NotFound};
        let code = || "VAT20".to_owned();
        vec![
            (TaxRatesError::InvalidCode { code: code(), reason: TaxCodeError::Empty }, Some("code"), Invalid),
            (TaxRatesError::TaxRateExists { code: code() }, Some("code"), Conflict),
            (TaxRatesError::NameBlank, Some("name"), Invalid),
            (TaxRatesError::NameTooLong { chars: 201, max: 200 }, Some("name"), Invalid),
            (TaxRatesError::RateOutOfRange { rate_bp: -1, max: 10_000 }, Some("rate_bp"), Invalid),
            (TaxRatesError::InvalidSalesAccount { reason: AccountCodeError::Empty }, Some("sales_account"), Invalid),
            (
                TaxRatesError::InvalidPurchaseAccount { reason: AccountCodeError::Empty },
                Some("purchase_account"),
                Invalid,
            ),
            (TaxRatesError::TooManyTaxRates { max: MAX_TAX_RATES }, None, Invalid),
            (TaxRatesError::TaxRateNotFound { code: code() }, Some("code"), NotFound),
            (TaxRatesError::Retired { code: code() }, None, Conflict),
            (
                TaxRatesError::NotAfterLatestChange { effective_from: date(2026, 1, 1), latest: date(2026, 1, 1) },
                Some("effective_from"),
                Invalid,
            ),
            (TaxRatesError::AlreadyRetired { code: code() }, None, Conflict),
        ]
    }

    #[test]
    fn every_error_has_a_unique_snake_case_code_a_field_and_a_kind() {
        assert_error_table(&every_error());
    }

    #[test]
    fn error_messages_name_the_values() {
        let message = |error: TaxRatesError| error.to_string();
        assert_eq!(
            message(TaxRatesError::RateOutOfRange { rate_bp: 10_001, max: 10_000 }),
            "rate_bp 10001 is out of range: a rate is 0 to 10000 basis points"
        );
        assert_eq!(
            message(TaxRatesError::InvalidCode {
                code: "VAT 20".to_owned(),
                reason: TaxCodeError::InvalidCharacter { found: ' ', position: 3 },
            }),
            "code \"VAT 20\" is invalid: tax code contains ' ' at position 3; only A-Z, a-z, 0-9, - and _ are allowed"
        );
        assert_eq!(
            message(TaxRatesError::NotAfterLatestChange {
                effective_from: date(2026, 6, 30),
                latest: date(2026, 7, 1)
            }),
            "effective_from 2026-06-30 must be after 2026-07-01, when the latest change took effect"
        );
        assert_eq!(
            message(TaxRatesError::AlreadyRetired { code: "GST".to_owned() }),
            "tax rate GST is already retired"
        );
    }

    #[test]
    fn commands_deserialize_from_api_json() {
        let json = serde_json::json!({"DefineTaxRate": {
            "code": "VAT20", "name": "VAT VAT20", "rate_bp": 2000, "sales_account": "2100", "purchase_account": "1400"
        }});
        assert_eq!(serde_json::from_value::<TaxRatesCommand>(json).unwrap(), define(define_input("VAT20", 2000)));
        let json =
            serde_json::json!({"ChangeTaxRate": {"code": "VAT20", "rate_bp": 1900, "effective_from": "2026-07-01"}});
        assert_eq!(serde_json::from_value::<TaxRatesCommand>(json).unwrap(), change("VAT20", 1900, date(2026, 7, 1)));
        let json = serde_json::json!({"RetireTaxRate": {"code": "VAT20"}});
        assert_eq!(serde_json::from_value::<TaxRatesCommand>(json).unwrap(), retire("VAT20"));
    }

    #[test]
    fn a_command_with_a_misspelled_or_missing_field_is_refused_by_serde() {
        let json = serde_json::json!({
            "code": "VAT20", "name": "VAT", "rate": 2000, "sales_account": "2100", "purchase_account": "1400"
        });
        assert!(serde_json::from_value::<DefineTaxRate>(json).is_err());
        let json = serde_json::json!({"RetireTaxRate": {"code": "VAT20", "force": true}});
        assert!(serde_json::from_value::<TaxRatesCommand>(json).is_err());
        let json = serde_json::json!({"ChangeTaxRate": {"code": "VAT20", "rate_bp": 1900}});
        assert!(serde_json::from_value::<TaxRatesCommand>(json).is_err());
    }

    fn one_of_each_event() -> Vec<TaxRatesEvent> {
        vec![defined("VAT20", 2000), changed("VAT20", 1900, date(2026, 7, 1)), retired("VAT20")]
    }

    #[test]
    fn events_are_externally_tagged_and_round_trip() {
        for event in one_of_each_event() {
            let json = serde_json::to_value(&event).unwrap();
            let object = json.as_object().unwrap();
            assert_eq!(object.len(), 1);
            assert!(object.contains_key(&event.event_type()));
            let back: TaxRatesEvent = serde_json::from_value(json).unwrap();
            assert_eq!(back, event);
        }
        let json = serde_json::to_value(changed("VAT20", 1900, date(2026, 7, 1))).unwrap();
        assert_eq!(json["TaxRateChanged"]["effective_from"], "2026-07-01");
    }

    #[test]
    fn event_types_versions_and_aggregate_type_are_stable() {
        let types: Vec<String> = one_of_each_event().iter().map(DomainEvent::event_type).collect();
        assert_eq!(types, ["TaxRateDefined", "TaxRateChanged", "TaxRateRetired"]);
        assert!(one_of_each_event().iter().all(|e| e.event_version() == "1"));
        assert_eq!(TaxRates::TYPE, "finance.tax_rates");
        assert_eq!(TAX_RATES_ID, "tax-rates");
    }

    #[test]
    fn aggregate_state_round_trips_through_serde_for_snapshots() {
        let rates: TaxRates = fold(one_of_each_event().into_iter().chain([defined("GST", 1000)]));
        let json = serde_json::to_string(&rates).unwrap();
        assert_eq!(serde_json::from_str::<TaxRates>(&json).unwrap(), rates);
    }
}

mod avro_contract {
    //! The serde JSON of each event must have exactly the fields of its Avro schema,
    //! with compatible types, so the wire contract and the Rust types cannot drift.

    use super::*;
    use crate::avro_contract::assert_event_matches_schema;

    const DEFINED_AVSC: &str = include_str!("../../../../schemas/avro/finance/TaxRateDefined.avsc");
    const CHANGED_AVSC: &str = include_str!("../../../../schemas/avro/finance/TaxRateChanged.avsc");
    const RETIRED_AVSC: &str = include_str!("../../../../schemas/avro/finance/TaxRateRetired.avsc");

    #[test]
    fn tax_rate_events_json_match_their_avro_schemas() {
        assert_event_matches_schema(DEFINED_AVSC, &defined("VAT20", 2000));
        assert_event_matches_schema(CHANGED_AVSC, &changed("VAT20", 1900, date(2026, 7, 1)));
        assert_event_matches_schema(RETIRED_AVSC, &retired("VAT20"));
    }

    #[test]
    fn every_event_decide_records_matches_its_schema() {
        let given = vec![defined("VAT20", 2000), defined("GST", 1000)];
        let commands = [
            (DEFINED_AVSC, define(define_input("VAT5", MAX_RATE_BP))),
            (CHANGED_AVSC, change("VAT20", 0, date(2026, 7, 1))),
            (RETIRED_AVSC, retire("GST")),
        ];
        for (avsc, command) in commands {
            for event in assert_accepted(framework(), given.clone(), command) {
                assert_event_matches_schema(avsc, &event);
            }
        }
    }
}

mod properties {
    use proptest::prelude::*;

    use super::*;
    use crate::test_support::check_command_sequence;

    fn arb_date() -> impl Strategy<Value = NaiveDate> {
        (2000_i32..2040, 1_u32..=12, 1_u32..=28).prop_map(|(y, m, d)| date(y, m, d))
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        /// Whatever changes are attempted, the accepted ones have strictly increasing dates,
        /// and the rate on any day is the latest accepted change on or before it (else the
        /// defined rate).
        #[test]
        fn the_rate_on_a_day_is_the_latest_change_in_force(
            defined_bp in 0_i64..=MAX_RATE_BP,
            attempts in proptest::collection::vec((-100_i64..=10_100, arb_date()), 0..12),
            day in arb_date(),
        ) {
            let commands = std::iter::once(define(define_input("T", defined_bp)))
                .chain(attempts.into_iter().map(|(bp, from)| change("T", bp, from)))
                .collect();
            let mut accepted: Vec<(NaiveDate, i32)> = Vec::new();
            check_command_sequence::<TaxRates>(&(), commands, |step| {
                for event in step.events() {
                    if let TaxRatesEvent::TaxRateChanged(c) = event {
                        accepted.push((c.effective_from, c.rate_bp));
                    }
                }
                for pair in accepted.windows(2) {
                    prop_assert!(pair[0].0 < pair[1].0);
                }
                let expected = accepted
                    .iter()
                    .rev()
                    .find(|(from, _)| *from <= day)
                    .map_or(i32::try_from(defined_bp).unwrap(), |(_, bp)| *bp);
                let applied = step.after.rate_on("T", day).unwrap();
                prop_assert_eq!(applied.rate_bp, expected);
                prop_assert!((0..=10_000).contains(&applied.rate_bp));
                Ok(())
            })?;
        }
    }
}
