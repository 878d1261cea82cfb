//! Given–when–then tests for every journal entry rule, property tests for the
//! balancing invariant, and the contract test that keeps events and Avro schemas in step.

use std::sync::Arc;

use chrono::NaiveDate;
use cqrs_es::test::TestFramework;
use cqrs_es::{Aggregate, DomainEvent};
use uuid::Uuid;

use super::*;
use crate::finance::account::{AccountCode, AccountCodeError};
use crate::finance::books::{Books, BooksSource};
use crate::finance::chart::AccountOpened;
use crate::money::{Currency, CurrencyError};
use crate::refusal::{Refusal, RefusalKind};
use crate::tenant::TenantIdError;
use crate::test_support::{assert_refused, books_with_accounts, date, eur, open_single_period_year, posted_line};

/// Books with every `account` open (as a plain asset account) and one fiscal period from
/// `from` to `to`.
fn open_books<'a>(accounts: impl IntoIterator<Item = &'a str>, from: NaiveDate, to: NaiveDate) -> Books {
    let mut books = books_with_accounts(accounts);
    open_single_period_year(&mut books, from, to);
    books
}

/// The accounts the examples post to, open all through 2026.
fn test_books() -> Books {
    open_books(["1000", "1200", "1210", "4000", "4010", "6100", "9999"], date(2026, 1, 1), date(2026, 12, 31))
}

fn framework_with(books: Books) -> TestFramework<JournalEntry> {
    TestFramework::with(Arc::new(books) as Arc<dyn BooksSource>)
}

fn framework() -> TestFramework<JournalEntry> {
    framework_with(test_books())
}

fn entry_id() -> Uuid {
    Uuid::parse_str("0190f3a2-7c4e-7b1d-9a6e-3f2b1c0d4e5f").unwrap()
}

fn debit(account: &str, amount: i64, currency: &str) -> JournalLineInput {
    JournalLineInput {
        account: account.to_owned(),
        debit: Some(amount),
        credit: None,
        currency: currency.to_owned(),
        memo: None,
    }
}

fn credit(account: &str, amount: i64, currency: &str) -> JournalLineInput {
    JournalLineInput { credit: Some(amount), debit: None, ..debit(account, 0, currency) }
}

fn balanced_lines() -> Vec<JournalLineInput> {
    vec![
        JournalLineInput { memo: Some("Office chairs".to_owned()), ..debit("6100", 10_000, "EUR") },
        credit("1000", 10_000, "EUR"),
    ]
}

fn post_with(lines: Vec<JournalLineInput>) -> PostJournalEntry {
    PostJournalEntry {
        entry_id: entry_id(),
        tenant: "acme".to_owned(),
        entry_date: date(2026, 3, 31),
        description: "Office furniture".to_owned(),
        source_reference: Some("INV-2026-0042".to_owned()),
        lines,
    }
}

fn post(lines: Vec<JournalLineInput>) -> JournalEntryCommand {
    JournalEntryCommand::Post(post_with(lines))
}

/// The office chairs line of the examples, as posted (a debit) or reversed (a credit).
fn chairs(debit_minor: i64, credit_minor: i64) -> PostedLine {
    PostedLine { memo: Some("Office chairs".to_owned()), ..posted_line(1, "6100", debit_minor, credit_minor) }
}

fn posted_payload() -> JournalEntryPosted {
    JournalEntryPosted {
        entry_id: entry_id().to_string(),
        tenant: "acme".to_owned(),
        entry_date: date(2026, 3, 31),
        description: "Office furniture".to_owned(),
        source_reference: Some("INV-2026-0042".to_owned()),
        lines: vec![chairs(10_000, 0), posted_line(2, "1000", 0, 10_000)],
    }
}

/// The event that `post(balanced_lines())` records.
fn posted() -> JournalEntryEvent {
    JournalEntryEvent::JournalEntryPosted(posted_payload())
}

fn reversed() -> JournalEntryEvent {
    JournalEntryEvent::JournalEntryReversed(JournalEntryReversed {
        entry_id: entry_id().to_string(),
        reversal_entry_id: reversal_entry_id_for(&entry_id().to_string()).to_string(),
        reversal_date: date(2026, 4, 2),
        reason: "Booked to the wrong period".to_owned(),
        lines: vec![chairs(0, 10_000), posted_line(2, "1000", 10_000, 0)],
    })
}

fn reverse(reversal_date: NaiveDate, reason: &str) -> JournalEntryCommand {
    JournalEntryCommand::Reverse(ReverseJournalEntry { reversal_date, reason: reason.to_owned() })
}

mod posting {
    use super::*;

    #[test]
    fn posting_a_balanced_entry_records_journal_entry_posted() {
        framework().given_no_previous_events().when(post(balanced_lines())).then_expect_events(vec![posted()]);
    }

    #[test]
    fn posting_an_entry_that_balances_in_each_of_several_currencies_is_accepted() {
        let lines = vec![
            debit("1200", 500, "EUR"),
            debit("1210", 70_000, "JPY"),
            credit("4000", 300, "EUR"),
            credit("4000", 200, "EUR"),
            credit("4010", 70_000, "JPY"),
        ];
        let events = framework().given_no_previous_events().when(post(lines)).inspect_result().unwrap();
        let [JournalEntryEvent::JournalEntryPosted(posted)] = events.as_slice() else {
            panic!("expected one JournalEntryPosted, got {events:?}");
        };
        assert_eq!(posted.lines.len(), 5);
        assert_eq!(posted.lines[1].currency, "JPY");
        assert_eq!(posted.lines[4].line_no, 5);
        assert!(lines_balance(&posted.lines));
    }

    #[test]
    fn posting_an_entry_without_source_reference_or_memos_is_accepted() {
        let command = JournalEntryCommand::Post(PostJournalEntry {
            source_reference: None,
            ..post_with(vec![debit("6100", 1, "EUR"), credit("1000", 1, "EUR")])
        });
        let events = framework().given_no_previous_events().when(command).inspect_result().unwrap();
        assert_eq!(events.len(), 1);
    }

    #[test]
    fn posting_an_unbalanced_entry_is_rejected() {
        assert_refused(
            framework(),
            vec![],
            post(vec![debit("6100", 10_000, "EUR"), credit("1000", 9_999, "EUR")]),
            JournalEntryError::Unbalanced { currency: eur(), debit_total: 10_000, credit_total: 9_999 },
            Some("lines"),
            "unbalanced",
        );
    }

    #[test]
    fn posting_an_entry_that_balances_only_across_currencies_is_rejected() {
        assert_refused(
            framework(),
            vec![],
            post(vec![debit("6100", 100, "USD"), credit("1000", 100, "EUR")]),
            JournalEntryError::Unbalanced { currency: eur(), debit_total: 0, credit_total: 100 },
            Some("lines"),
            "unbalanced",
        );
    }

    #[test]
    fn posting_an_entry_whose_totals_overflow_is_rejected() {
        assert_refused(
            framework(),
            vec![],
            post(vec![
                debit("6100", i64::MAX, "EUR"),
                debit("6100", 1, "EUR"),
                credit("1000", i64::MAX, "EUR"),
                credit("1000", 1, "EUR"),
            ]),
            JournalEntryError::AmountOverflow { currency: eur(), side: Side::Debit },
            Some("lines"),
            "amount_overflow",
        );
    }

    #[test]
    fn posting_a_single_line_is_rejected() {
        assert_refused(
            framework(),
            vec![],
            post(vec![debit("6100", 1, "EUR")]),
            JournalEntryError::TooFewLines { count: 1, min: 2 },
            Some("lines"),
            "too_few_lines",
        );
    }

    #[test]
    fn posting_no_lines_is_rejected() {
        assert_refused(
            framework(),
            vec![],
            post(vec![]),
            JournalEntryError::TooFewLines { count: 0, min: 2 },
            Some("lines"),
            "too_few_lines",
        );
    }

    fn many_lines(count: usize) -> Vec<JournalLineInput> {
        (0..count).map(|i| if i % 2 == 0 { debit("6100", 1, "EUR") } else { credit("1000", 1, "EUR") }).collect()
    }

    #[test]
    fn posting_exactly_the_maximum_number_of_lines_is_accepted() {
        let events = framework().given_no_previous_events().when(post(many_lines(MAX_LINES))).inspect_result().unwrap();
        let JournalEntryEvent::JournalEntryPosted(posted) = &events[0] else {
            panic!("expected JournalEntryPosted");
        };
        assert_eq!(posted.lines.len(), 500);
        assert_eq!(posted.lines[499].line_no, 500);
    }

    #[test]
    fn posting_more_than_the_maximum_number_of_lines_is_rejected() {
        let mut lines = many_lines(MAX_LINES);
        lines.push(debit("6100", 1, "EUR"));
        assert_refused(
            framework(),
            vec![],
            post(lines),
            JournalEntryError::TooManyLines { count: 501, max: 500 },
            Some("lines"),
            "too_many_lines",
        );
    }

    #[test]
    fn a_line_with_both_debit_and_credit_is_rejected() {
        let both = JournalLineInput { credit: Some(5), ..debit("1000", 5, "EUR") };
        assert_refused(
            framework(),
            vec![],
            post(vec![debit("6100", 5, "EUR"), both]),
            JournalEntryError::DebitAndCredit { line: 1 },
            Some("lines[1]"),
            "debit_and_credit",
        );
    }

    #[test]
    fn a_line_with_neither_debit_nor_credit_is_rejected() {
        let neither = JournalLineInput { debit: None, ..debit("1000", 5, "EUR") };
        assert_refused(
            framework(),
            vec![],
            post(vec![neither, credit("6100", 5, "EUR")]),
            JournalEntryError::MissingAmount { line: 0 },
            Some("lines[0]"),
            "missing_amount",
        );
    }

    #[test]
    fn a_zero_debit_is_rejected() {
        assert_refused(
            framework(),
            vec![],
            post(vec![debit("6100", 5, "EUR"), credit("1000", 5, "EUR"), debit("6100", 0, "EUR")]),
            JournalEntryError::NonPositiveAmount { line: 2, side: Side::Debit, amount: 0 },
            Some("lines[2].debit"),
            "non_positive_amount",
        );
    }

    #[test]
    fn a_negative_credit_is_rejected() {
        assert_refused(
            framework(),
            vec![],
            post(vec![debit("6100", -5, "EUR"), credit("1000", -5, "EUR")]),
            JournalEntryError::NonPositiveAmount { line: 0, side: Side::Debit, amount: -5 },
            Some("lines[0].debit"),
            "non_positive_amount",
        );
        assert_refused(
            framework(),
            vec![],
            post(vec![debit("6100", 5, "EUR"), credit("1000", i64::MIN, "EUR")]),
            JournalEntryError::NonPositiveAmount { line: 1, side: Side::Credit, amount: i64::MIN },
            Some("lines[1].credit"),
            "non_positive_amount",
        );
    }

    #[test]
    fn an_invalid_account_code_is_rejected() {
        assert_refused(
            framework(),
            vec![],
            post(vec![debit("6100", 5, "EUR"), credit("-1000", 5, "EUR")]),
            JournalEntryError::InvalidAccount { line: 1, reason: AccountCodeError::MustStartAlphanumeric },
            Some("lines[1].account"),
            "invalid_account",
        );
        assert_refused(
            framework(),
            vec![],
            post(vec![debit("", 5, "EUR"), credit("1000", 5, "EUR")]),
            JournalEntryError::InvalidAccount { line: 0, reason: AccountCodeError::Empty },
            Some("lines[0].account"),
            "invalid_account",
        );
    }

    #[test]
    fn a_lowercase_currency_is_rejected() {
        assert_refused(
            framework(),
            vec![],
            post(vec![debit("6100", 5, "eur"), credit("1000", 5, "EUR")]),
            JournalEntryError::InvalidCurrency { line: 0, reason: CurrencyError::Malformed { code: "eur".to_owned() } },
            Some("lines[0].currency"),
            "invalid_currency",
        );
    }

    #[test]
    fn an_unknown_currency_is_rejected() {
        assert_refused(
            framework(),
            vec![],
            post(vec![debit("6100", 5, "EUR"), credit("1000", 5, "ABC")]),
            JournalEntryError::InvalidCurrency { line: 1, reason: CurrencyError::Unknown { code: "ABC".to_owned() } },
            Some("lines[1].currency"),
            "invalid_currency",
        );
    }

    #[test]
    fn a_currency_without_minor_unit_is_rejected() {
        assert_refused(
            framework(),
            vec![],
            post(vec![debit("6100", 5, "XAU"), credit("1000", 5, "XAU")]),
            JournalEntryError::InvalidCurrency {
                line: 0,
                reason: CurrencyError::NoMinorUnit { code: "XAU".to_owned() },
            },
            Some("lines[0].currency"),
            "invalid_currency",
        );
    }

    #[test]
    fn a_memo_over_the_limit_is_rejected_and_one_at_the_limit_accepted() {
        let with_memo = |chars: usize| JournalLineInput { memo: Some("m".repeat(chars)), ..credit("1000", 5, "EUR") };
        let accepted = framework()
            .given_no_previous_events()
            .when(post(vec![debit("6100", 5, "EUR"), with_memo(MAX_MEMO_CHARS)]))
            .inspect_result();
        assert!(accepted.is_ok(), "{accepted:?}");
        assert_refused(
            framework(),
            vec![],
            post(vec![debit("6100", 5, "EUR"), with_memo(MAX_MEMO_CHARS + 1)]),
            JournalEntryError::MemoTooLong { line: 1, chars: 501, max: 500 },
            Some("lines[1].memo"),
            "memo_too_long",
        );
    }

    #[test]
    fn the_first_broken_line_rule_is_reported() {
        assert_refused(
            framework(),
            vec![],
            post(vec![debit("6100", 5, "EUR"), credit("bad code", 5, "eur"), credit("1000", 0, "EUR")]),
            JournalEntryError::InvalidAccount {
                line: 1,
                reason: AccountCodeError::InvalidCharacter { found: ' ', position: 3 },
            },
            Some("lines[1].account"),
            "invalid_account",
        );
    }

    #[test]
    fn an_empty_description_is_rejected() {
        for description in ["", "   \t"] {
            assert_refused(
                framework(),
                vec![],
                JournalEntryCommand::Post(PostJournalEntry {
                    description: description.to_owned(),
                    ..post_with(balanced_lines())
                }),
                JournalEntryError::DescriptionBlank,
                Some("description"),
                "description_blank",
            );
        }
    }

    #[test]
    fn a_description_over_the_limit_is_rejected_and_one_at_the_limit_accepted() {
        let with_description = |chars: usize| {
            JournalEntryCommand::Post(PostJournalEntry {
                // multi-byte characters: the limit counts characters, not bytes
                description: "é".repeat(chars),
                ..post_with(balanced_lines())
            })
        };
        let accepted =
            framework().given_no_previous_events().when(with_description(MAX_DESCRIPTION_CHARS)).inspect_result();
        assert!(accepted.is_ok(), "{accepted:?}");
        assert_refused(
            framework(),
            vec![],
            with_description(MAX_DESCRIPTION_CHARS + 1),
            JournalEntryError::DescriptionTooLong { chars: 501, max: 500 },
            Some("description"),
            "description_too_long",
        );
    }

    #[test]
    fn a_blank_source_reference_is_rejected() {
        assert_refused(
            framework(),
            vec![],
            JournalEntryCommand::Post(PostJournalEntry {
                source_reference: Some(" ".to_owned()),
                ..post_with(balanced_lines())
            }),
            JournalEntryError::SourceReferenceBlank,
            Some("source_reference"),
            "source_reference_blank",
        );
    }

    #[test]
    fn a_source_reference_over_the_limit_is_rejected() {
        assert_refused(
            framework(),
            vec![],
            JournalEntryCommand::Post(PostJournalEntry {
                source_reference: Some("R".repeat(MAX_SOURCE_REFERENCE_CHARS + 1)),
                ..post_with(balanced_lines())
            }),
            JournalEntryError::SourceReferenceTooLong { chars: 201, max: 200 },
            Some("source_reference"),
            "source_reference_too_long",
        );
    }

    #[test]
    fn an_invalid_tenant_is_rejected() {
        let with_tenant = |tenant: &str| {
            JournalEntryCommand::Post(PostJournalEntry { tenant: tenant.to_owned(), ..post_with(balanced_lines()) })
        };
        assert_refused(
            framework(),
            vec![],
            with_tenant("Acme"),
            JournalEntryError::InvalidTenant { reason: TenantIdError::MustStartWithLetter },
            Some("tenant"),
            "invalid_tenant",
        );
        assert_refused(
            framework(),
            vec![],
            with_tenant(""),
            JournalEntryError::InvalidTenant { reason: TenantIdError::Empty },
            Some("tenant"),
            "invalid_tenant",
        );
        assert_refused(
            framework(),
            vec![],
            with_tenant("acme-eu"),
            JournalEntryError::InvalidTenant { reason: TenantIdError::InvalidCharacter { found: '-', position: 4 } },
            Some("tenant"),
            "invalid_tenant",
        );
    }

    #[test]
    fn posting_an_already_posted_entry_is_rejected() {
        assert_refused(
            framework(),
            vec![posted()],
            post(balanced_lines()),
            JournalEntryError::AlreadyPosted,
            Some("entry_id"),
            "already_posted",
        );
    }

    #[test]
    fn posting_a_reversed_entry_is_rejected() {
        assert_refused(
            framework(),
            vec![posted(), reversed()],
            post(balanced_lines()),
            JournalEntryError::AlreadyPosted,
            Some("entry_id"),
            "already_posted",
        );
    }
}

mod reversing {
    use super::*;

    #[test]
    fn reversing_a_posted_entry_records_the_mirror_lines_under_a_derived_id() {
        framework()
            .given(vec![posted()])
            .when(reverse(date(2026, 4, 2), "Booked to the wrong period"))
            .then_expect_events(vec![reversed()]);
    }

    #[test]
    fn the_reversal_entry_id_is_the_v5_uuid_of_the_entry_id() {
        let id = entry_id().to_string();
        let expected = Uuid::new_v5(&Uuid::NAMESPACE_OID, format!("{id}/reversal").as_bytes());
        assert_eq!(reversal_entry_id_for(&id), expected);
        assert_ne!(expected, entry_id());
        assert_eq!(expected.get_version_num(), 5);
    }

    #[test]
    fn reversing_on_the_entry_date_is_accepted() {
        let events =
            framework().given(vec![posted()]).when(reverse(date(2026, 3, 31), "Duplicate")).inspect_result().unwrap();
        assert_eq!(events.len(), 1);
    }

    #[test]
    fn reversing_an_entry_that_was_never_posted_is_not_found() {
        assert_refused(
            framework(),
            vec![],
            reverse(date(2026, 4, 2), "Duplicate"),
            JournalEntryError::NotFound,
            None,
            "not_found",
        );
    }

    #[test]
    fn reversing_an_entry_twice_is_rejected() {
        assert_refused(
            framework(),
            vec![posted(), reversed()],
            reverse(date(2026, 4, 3), "Again"),
            JournalEntryError::AlreadyReversed {
                reversal_entry_id: reversal_entry_id_for(&entry_id().to_string()).to_string(),
            },
            None,
            "already_reversed",
        );
    }

    #[test]
    fn reversing_without_a_reason_is_rejected() {
        for reason in ["", "  "] {
            assert_refused(
                framework(),
                vec![posted()],
                reverse(date(2026, 4, 2), reason),
                JournalEntryError::ReasonBlank,
                Some("reason"),
                "reason_blank",
            );
        }
    }

    #[test]
    fn a_reason_over_the_limit_is_rejected() {
        assert_refused(
            framework(),
            vec![posted()],
            reverse(date(2026, 4, 2), &"r".repeat(MAX_REASON_CHARS + 1)),
            JournalEntryError::ReasonTooLong { chars: 501, max: 500 },
            Some("reason"),
            "reason_too_long",
        );
    }

    #[test]
    fn reversing_before_the_entry_date_is_rejected() {
        assert_refused(
            framework(),
            vec![posted()],
            reverse(date(2026, 3, 30), "Wrong period"),
            JournalEntryError::ReversalBeforeEntryDate {
                reversal_date: date(2026, 3, 30),
                entry_date: date(2026, 3, 31),
            },
            Some("reversal_date"),
            "reversal_before_entry_date",
        );
    }
}

mod state_and_wire {
    use super::*;

    #[test]
    fn errors_map_to_one_of_three_kinds() {
        assert_eq!(JournalEntryError::NotFound.kind(), RefusalKind::NotFound);
        assert_eq!(JournalEntryError::AlreadyPosted.kind(), RefusalKind::Conflict);
        let reversed_already = JournalEntryError::AlreadyReversed { reversal_entry_id: String::new() };
        assert_eq!(reversed_already.kind(), RefusalKind::Conflict);
        assert_eq!(JournalEntryError::ReasonBlank.kind(), RefusalKind::Invalid);
    }

    #[test]
    fn error_messages_name_the_input() {
        let error = JournalEntryError::NonPositiveAmount { line: 2, side: Side::Debit, amount: 0 };
        assert_eq!(error.to_string(), "lines[2].debit must be positive, got 0");
        let error = JournalEntryError::Unbalanced { currency: eur(), debit_total: 10, credit_total: 9 };
        assert_eq!(error.to_string(), "entry does not balance in EUR: debits 10 != credits 9 (minor units)");
    }

    #[test]
    fn folding_events_tracks_status_lines_and_dates() {
        let mut entry = JournalEntry::default();
        assert_eq!(entry.status(), JournalEntryStatus::NotPosted);
        entry.apply(posted());
        assert_eq!(entry.status(), JournalEntryStatus::Posted);
        assert_eq!(entry.id(), Some(entry_id().to_string().as_str()));
        assert_eq!(entry.entry_date(), Some(date(2026, 3, 31)));
        assert_eq!(entry.lines(), posted_payload().lines.as_slice());
        entry.apply(reversed());
        assert_eq!(entry.status(), JournalEntryStatus::Reversed);
        assert_eq!(
            entry.reversal_entry_id(),
            Some(reversal_entry_id_for(&entry_id().to_string()).to_string().as_str())
        );
    }

    #[test]
    fn aggregate_state_round_trips_through_serde_for_snapshots() {
        let mut entry = JournalEntry::default();
        entry.apply(posted());
        let json = serde_json::to_string(&entry).unwrap();
        assert_eq!(serde_json::from_str::<JournalEntry>(&json).unwrap(), entry);
    }

    #[test]
    fn a_post_command_deserializes_from_api_json_with_optional_fields_omitted() {
        let json = serde_json::json!({"Post": {
            "entry_id": entry_id(),
            "tenant": "acme",
            "entry_date": "2026-03-31",
            "description": "Office furniture",
            "lines": [
                {"account": "6100", "debit": 100, "currency": "EUR"},
                {"account": "1000", "credit": 100, "currency": "EUR", "memo": "bank"}
            ]
        }});
        let command: JournalEntryCommand = serde_json::from_value(json).unwrap();
        let JournalEntryCommand::Post(post) = command else {
            panic!("expected Post");
        };
        assert_eq!(post.source_reference, None);
        assert_eq!(post.lines[0].credit, None);
        assert_eq!(post.lines[1].memo.as_deref(), Some("bank"));
    }

    #[test]
    fn a_command_with_a_misspelled_field_is_refused_by_serde() {
        let json = serde_json::json!({
            "account": "6100", "debt": 100, "currency": "EUR"
        });
        assert!(serde_json::from_value::<JournalLineInput>(json).is_err());
        let json = serde_json::json!({"reversal_date": "2026-04-01", "reason": "x", "extra": 1});
        assert!(serde_json::from_value::<ReverseJournalEntry>(json).is_err());
    }

    #[test]
    fn events_are_externally_tagged_and_round_trip() {
        for event in [posted(), reversed()] {
            let json = serde_json::to_value(&event).unwrap();
            let object = json.as_object().unwrap();
            assert_eq!(object.len(), 1);
            assert!(object.contains_key(&event.event_type()));
            let back: JournalEntryEvent = serde_json::from_value(json).unwrap();
            assert_eq!(back, event);
        }
        let json = serde_json::to_value(posted()).unwrap();
        assert_eq!(json["JournalEntryPosted"]["entry_date"], "2026-03-31");
        assert_eq!(json["JournalEntryPosted"]["lines"][1]["memo"], serde_json::Value::Null);
    }

    #[test]
    fn event_types_and_versions_are_stable() {
        assert_eq!(posted().event_type(), "JournalEntryPosted");
        assert_eq!(reversed().event_type(), "JournalEntryReversed");
        assert_eq!(posted().event_version(), "1");
        assert_eq!(reversed().event_version(), "1");
        assert_eq!(JournalEntry::TYPE, "finance.journal_entry");
    }
}

mod avro_contract {
    //! The serde JSON of each event must have exactly the fields of its Avro schema,
    //! with compatible types, so the wire contract and the Rust types cannot drift.

    use super::*;
    use crate::avro_contract::{assert_event_matches_schema, field_type};

    const POSTED_AVSC: &str = include_str!("../../../../schemas/avro/finance/JournalEntryPosted.avsc");
    const REVERSED_AVSC: &str = include_str!("../../../../schemas/avro/finance/JournalEntryReversed.avsc");

    #[test]
    fn journal_entry_posted_json_matches_its_avro_schema() {
        assert_event_matches_schema(POSTED_AVSC, &posted());
        let mut without_reference = posted_payload();
        without_reference.source_reference = None;
        assert_event_matches_schema(POSTED_AVSC, &JournalEntryEvent::JournalEntryPosted(without_reference));
    }

    #[test]
    fn journal_entry_reversed_json_matches_its_avro_schema() {
        let events =
            framework().given(vec![posted()]).when(reverse(date(2026, 4, 2), "Wrong period")).inspect_result().unwrap();
        assert_event_matches_schema(REVERSED_AVSC, &events[0]);
    }

    #[test]
    fn draft_events_json_match_their_avro_schemas() {
        const DRAFTED_AVSC: &str = include_str!("../../../../schemas/avro/finance/JournalEntryDrafted.avsc");
        const DISCARDED_AVSC: &str = include_str!("../../../../schemas/avro/finance/JournalEntryDraftDiscarded.avsc");
        assert_event_matches_schema(DRAFTED_AVSC, &JournalEntryEvent::JournalEntryDrafted(posted_payload()));
        for reason in [None, Some("duplicate".to_owned())] {
            let discarded = JournalEntryDraftDiscarded { entry_id: entry_id().to_string(), reason };
            assert_event_matches_schema(DISCARDED_AVSC, &JournalEntryEvent::JournalEntryDraftDiscarded(discarded));
        }
        assert_eq!(field_type(DRAFTED_AVSC, "lines"), field_type(POSTED_AVSC, "lines"));
    }

    #[test]
    fn both_schemas_define_the_same_posted_line_record() {
        let posted_line = field_type(POSTED_AVSC, "lines")["items"].clone();
        assert_eq!(posted_line["name"], "PostedLine");
        assert_eq!(posted_line, field_type(REVERSED_AVSC, "lines")["items"]);
    }
}

mod properties {
    use proptest::prelude::*;
    use std::collections::BTreeMap;

    use super::*;

    fn arb_amount() -> impl Strategy<Value = Option<i64>> {
        proptest::option::weighted(
            0.6,
            prop_oneof![
                6 => 1..=1_000_i64,
                1 => Just(0_i64),
                1 => -1_000..0_i64,
                1 => Just(i64::MAX),
                1 => Just(i64::MIN),
                1 => any::<i64>(),
            ],
        )
    }

    fn arb_raw_line() -> impl Strategy<Value = JournalLineInput> {
        let account = prop_oneof![
            4 => "[0-9]{4}",
            1 => "[A-Za-z0-9. _-]{0,22}",
        ];
        let currency = prop_oneof![
            4 => Just("EUR"),
            3 => Just("USD"),
            2 => Just("JPY"),
            1 => Just("eur"),
            1 => Just("XAU"),
            1 => Just(""),
        ];
        (account, arb_amount(), arb_amount(), currency, proptest::option::of("[a-z ]{0,8}")).prop_map(
            |(account, debit, credit, currency, memo)| JournalLineInput {
                account,
                debit,
                credit,
                currency: currency.to_owned(),
                memo,
            },
        )
    }

    /// Appends, per currency string, a line that nets the raw amounts to zero (when the
    /// difference fits in an i64), so that many generated entries are accepted.
    fn append_balancing_lines(lines: &mut Vec<JournalLineInput>) {
        let mut net: BTreeMap<String, i128> = BTreeMap::new();
        for line in lines.iter() {
            *net.entry(line.currency.clone()).or_default() +=
                i128::from(line.debit.unwrap_or(0)) - i128::from(line.credit.unwrap_or(0));
        }
        for (currency, net) in net {
            match i64::try_from(net) {
                Ok(n) if n > 0 => lines.push(credit("9999", n, &currency)),
                Ok(n) if n < 0 => {
                    if let Some(amount) = n.checked_neg() {
                        lines.push(debit("9999", amount, &currency));
                    }
                }
                _ => {}
            }
        }
    }

    /// A line that passes every per-line rule; amounts are small or near `i64::MAX`.
    fn arb_plausible_line() -> impl Strategy<Value = JournalLineInput> {
        let amount = prop_oneof![
            8 => 1..=1_000_i64,
            1 => (i64::MAX - 1_000)..=i64::MAX,
        ];
        let currency = prop_oneof![Just("EUR"), Just("USD"), Just("JPY")];
        ("[0-9]{4}", amount, any::<bool>(), currency).prop_map(|(account, amount, is_debit, currency)| {
            if is_debit {
                debit(&account, amount, currency)
            } else {
                credit(&account, amount, currency)
            }
        })
    }

    /// Mostly plausible lines with some arbitrary ones mixed in, optionally followed by
    /// balancing lines.
    fn arb_raw_lines() -> impl Strategy<Value = Vec<JournalLineInput>> {
        let line = prop_oneof![
            6 => arb_plausible_line(),
            1 => arb_raw_line(),
        ];
        (proptest::collection::vec(line, 0..8), any::<bool>()).prop_map(|(mut lines, balance)| {
            if balance {
                append_balancing_lines(&mut lines);
            }
            lines
        })
    }

    fn arb_date() -> impl Strategy<Value = NaiveDate> {
        (2000_i32..2100, 1_u32..=12, 1_u32..=28).prop_map(|(y, m, d)| date(y, m, d))
    }

    fn arb_balanced_post() -> impl Strategy<Value = PostJournalEntry> {
        let currencies: Vec<Currency> = Currency::all().collect();
        let line = (
            "[A-Za-z0-9][A-Za-z0-9.-]{0,19}",
            proptest::sample::select(currencies),
            1..=1_000_000_000_000_i64,
            any::<bool>(),
            proptest::option::of("[ -~]{0,20}"),
        );
        (
            proptest::collection::vec(line, 1..40),
            "[a-z][a-z0-9_]{0,39}",
            arb_date(),
            "[A-Za-z0-9][ -~]{0,80}",
            proptest::option::of("[A-Z0-9][A-Z0-9-]{0,30}"),
        )
            .prop_map(|(raw, tenant, entry_date, description, source_reference)| {
                let mut lines: Vec<JournalLineInput> = raw
                    .into_iter()
                    .map(|(account, currency, amount, is_debit, memo)| {
                        let line = if is_debit {
                            debit(&account, amount, currency.as_str())
                        } else {
                            credit(&account, amount, currency.as_str())
                        };
                        JournalLineInput { memo, ..line }
                    })
                    .collect();
                append_balancing_lines(&mut lines);
                PostJournalEntry { entry_id: entry_id(), tenant, entry_date, description, source_reference, lines }
            })
    }

    /// Books in which every valid account of `lines` is open, through years 2000 to 2102.
    fn books_accepting(lines: &[JournalLineInput]) -> TestFramework<JournalEntry> {
        let accounts = lines.iter().map(|line| line.account.as_str()).filter(|code| AccountCode::parse(code).is_ok());
        framework_with(open_books(accounts, date(2000, 1, 1), date(2102, 12, 31)))
    }

    fn assert_well_formed(lines: &[PostedLine]) {
        assert!(lines_balance(lines), "unbalanced: {lines:?}");
        for (i, line) in lines.iter().enumerate() {
            assert_eq!(usize::try_from(line.line_no).unwrap(), i + 1);
            let one_positive =
                (line.debit_minor > 0 && line.credit_minor == 0) || (line.credit_minor > 0 && line.debit_minor == 0);
            assert!(one_positive, "line {line:?}");
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]

        #[test]
        fn whenever_a_post_is_accepted_its_lines_balance_and_are_positive(
            lines in arb_raw_lines(),
        ) {
            let input_count = lines.len();
            let result = books_accepting(&lines)
                .given_no_previous_events()
                .when(post(lines))
                .inspect_result();
            if let Ok(events) = result {
                prop_assert_eq!(events.len(), 1);
                let JournalEntryEvent::JournalEntryPosted(posted) = &events[0] else {
                    panic!("expected JournalEntryPosted, got {events:?}");
                };
                prop_assert_eq!(posted.lines.len(), input_count);
                assert_well_formed(&posted.lines);
            }
        }

        #[test]
        fn a_generated_balanced_entry_is_always_accepted(post in arb_balanced_post()) {
            let inputs = post.lines.clone();
            let events = books_accepting(&inputs)
                .given_no_previous_events()
                .when(JournalEntryCommand::Post(post))
                .inspect_result();
            let events = match events {
                Ok(events) => events,
                Err(error) => panic!("balanced entry refused: {error}"),
            };
            let JournalEntryEvent::JournalEntryPosted(posted) = &events[0] else {
                panic!("expected JournalEntryPosted");
            };
            assert_well_formed(&posted.lines);
            for (input, line) in inputs.iter().zip(&posted.lines) {
                prop_assert_eq!(input.debit.unwrap_or(0), line.debit_minor);
                prop_assert_eq!(input.credit.unwrap_or(0), line.credit_minor);
                prop_assert_eq!(&input.account, &line.account);
                prop_assert_eq!(&input.currency, &line.currency);
            }
        }

        #[test]
        fn reversing_any_accepted_entry_mirrors_every_line(
            post in arb_balanced_post(),
            days_later in 0_u64..400,
        ) {
            let entry_date = post.entry_date;
            let lines = post.lines.clone();
            let posted = books_accepting(&lines)
                .given_no_previous_events()
                .when(JournalEntryCommand::Post(post))
                .inspect_result()
                .unwrap();
            let reversal_date = entry_date + chrono::Days::new(days_later);
            let events = books_accepting(&lines)
                .given(posted.clone())
                .when(reverse(reversal_date, "Generated"))
                .inspect_result()
                .unwrap();
            let (
                JournalEntryEvent::JournalEntryPosted(original),
                JournalEntryEvent::JournalEntryReversed(reversal),
            ) = (&posted[0], &events[0]) else {
                panic!("unexpected events {posted:?} {events:?}");
            };
            assert_well_formed(&reversal.lines);
            prop_assert_eq!(reversal.lines.len(), original.lines.len());
            for (o, r) in original.lines.iter().zip(&reversal.lines) {
                prop_assert_eq!(o.debit_minor, r.credit_minor);
                prop_assert_eq!(o.credit_minor, r.debit_minor);
                prop_assert_eq!(o.line_no, r.line_no);
            }
        }
    }
}

mod books_checks {
    use super::*;
    use crate::test_support::{account, archive_account, close_period, lock_period, open_account, usd, Unreachable};

    fn books_with(change: impl FnOnce(&mut Books)) -> TestFramework<JournalEntry> {
        let mut books = test_books();
        change(&mut books);
        framework_with(books)
    }

    fn unreachable_books() -> TestFramework<JournalEntry> {
        TestFramework::with(Arc::new(Unreachable) as Arc<dyn BooksSource>)
    }

    #[test]
    fn posting_to_an_account_not_in_the_chart_is_refused() {
        let lines = vec![debit("6100", 5, "EUR"), credit("7777", 5, "EUR")];
        let expected = JournalEntryError::UnknownAccount { line: 1, code: "7777".to_owned() };
        assert_refused(framework(), vec![], post(lines), expected, Some("lines[1].account"), "unknown_account");
    }

    #[test]
    fn posting_to_a_header_account_is_refused() {
        let books = books_with(|books| open_account(books, AccountOpened { header: true, ..account("61", "asset") }));
        let lines = vec![debit("61", 5, "EUR"), credit("1000", 5, "EUR")];
        let expected = JournalEntryError::HeaderAccount { line: 0, code: "61".to_owned() };
        assert_refused(books, vec![], post(lines), expected, Some("lines[0].account"), "header_account");
    }

    #[test]
    fn posting_to_an_archived_account_is_refused() {
        let books = books_with(|books| {
            archive_account(books, "1000");
        });
        let expected = JournalEntryError::ArchivedAccount { line: 1, code: "1000".to_owned() };
        let command = post(balanced_lines());
        assert_refused(books, vec![], command, expected, Some("lines[1].account"), "archived_account");
    }

    #[test]
    fn posting_another_currency_to_a_single_currency_account_is_refused() {
        let usd_account = AccountOpened { currency: Some("USD".to_owned()), ..account("1020", "asset") };
        let books = books_with(|books| open_account(books, usd_account));
        let lines = vec![debit("1020", 5, "EUR"), credit("1000", 5, "EUR")];
        let expected = JournalEntryError::AccountCurrencyMismatch {
            line: 0,
            code: "1020".to_owned(),
            account_currency: usd(),
            currency: eur(),
        };
        assert_refused(books, vec![], post(lines), expected, Some("lines[0].currency"), "account_currency_mismatch");
    }

    #[test]
    fn posting_its_own_currency_to_a_single_currency_account_is_accepted() {
        let eur_account = AccountOpened { currency: Some("EUR".to_owned()), ..account("1020", "asset") };
        let books = books_with(|books| open_account(books, eur_account));
        let lines = vec![debit("1020", 5, "EUR"), credit("1000", 5, "EUR")];
        assert!(books.given_no_previous_events().when(post(lines)).inspect_result().is_ok());
    }

    #[test]
    fn posting_dated_outside_every_fiscal_year_is_refused() {
        let command =
            JournalEntryCommand::Post(PostJournalEntry { entry_date: date(2027, 1, 1), ..post_with(balanced_lines()) });
        let expected = JournalEntryError::NoFiscalYear { field: "entry_date", date: date(2027, 1, 1) };
        assert_refused(framework(), vec![], command, expected, Some("entry_date"), "no_fiscal_year");
    }

    #[test]
    fn posting_on_the_last_day_of_the_fiscal_year_is_accepted() {
        let command = JournalEntryCommand::Post(PostJournalEntry {
            entry_date: date(2026, 12, 31),
            ..post_with(balanced_lines())
        });
        assert!(framework().given_no_previous_events().when(command).inspect_result().is_ok());
    }

    #[test]
    fn posting_into_a_closed_period_is_refused_naming_the_period() {
        let expected = JournalEntryError::PeriodNotOpen {
            field: "entry_date",
            date: date(2026, 3, 31),
            period: "T-01".to_owned(),
            status: "closed",
        };
        assert_eq!(expected.to_string(), "2026-03-31 falls in fiscal period T-01, which is closed");
        let books = books_with(|books| close_period(books, "T-01"));
        assert_refused(books, vec![], post(balanced_lines()), expected, Some("entry_date"), "period_not_open");
    }

    #[test]
    fn posting_into_a_locked_period_is_refused() {
        let books = books_with(|books| {
            close_period(books, "T-01");
            lock_period(books, "T-01");
        });
        let expected = JournalEntryError::PeriodNotOpen {
            field: "entry_date",
            date: date(2026, 3, 31),
            period: "T-01".to_owned(),
            status: "locked",
        };
        assert_refused(books, vec![], post(balanced_lines()), expected, Some("entry_date"), "period_not_open");
    }

    #[test]
    fn reversing_into_a_closed_period_is_refused() {
        let expected = JournalEntryError::PeriodNotOpen {
            field: "reversal_date",
            date: date(2026, 4, 2),
            period: "T-01".to_owned(),
            status: "closed",
        };
        let books = books_with(|books| close_period(books, "T-01"));
        let command = reverse(date(2026, 4, 2), "Wrong period");
        assert_refused(books, vec![posted()], command, expected, Some("reversal_date"), "period_not_open");
    }

    #[test]
    fn unreadable_books_refuse_the_command_as_unavailable() {
        let expected = JournalEntryError::BooksUnavailable { reason: "connection refused".to_owned() };
        assert_eq!(expected.kind(), RefusalKind::Unavailable);
        assert_refused(unreachable_books(), vec![], post(balanced_lines()), expected, None, "books_unavailable");
    }

    #[test]
    fn the_entry_itself_is_checked_before_the_books_are_read() {
        let lines = vec![debit("6100", 5, "EUR"), credit("1000", 4, "EUR")];
        let expected = JournalEntryError::Unbalanced { currency: eur(), debit_total: 5, credit_total: 4 };
        assert_refused(unreachable_books(), vec![], post(lines), expected, Some("lines"), "unbalanced");
    }

    #[test]
    fn the_date_is_checked_before_the_accounts() {
        let lines = vec![debit("7777", 5, "EUR"), credit("1000", 5, "EUR")];
        let command = JournalEntryCommand::Post(PostJournalEntry { entry_date: date(2030, 1, 1), ..post_with(lines) });
        let expected = JournalEntryError::NoFiscalYear { field: "entry_date", date: date(2030, 1, 1) };
        assert_refused(framework(), vec![], command, expected, Some("entry_date"), "no_fiscal_year");
    }
}

mod drafts {
    use super::*;
    use crate::finance::calendar::{CalendarEvent, FiscalPeriodClosed};
    use crate::test_support::Unreachable;

    fn drafted() -> JournalEntryEvent {
        JournalEntryEvent::JournalEntryDrafted(posted_payload())
    }

    fn save_draft(lines: Vec<JournalLineInput>) -> JournalEntryCommand {
        JournalEntryCommand::SaveDraft(post_with(lines))
    }

    fn discard(reason: Option<&str>) -> JournalEntryCommand {
        JournalEntryCommand::DiscardDraft { reason: reason.map(str::to_owned) }
    }

    #[test]
    fn saving_a_draft_records_the_entry_without_posting_it() {
        framework().given_no_previous_events().when(save_draft(balanced_lines())).then_expect_events(vec![drafted()]);
    }

    #[test]
    fn a_draft_is_checked_like_a_posting_but_not_against_the_books() {
        let unbalanced = vec![debit("6100", 5, "EUR"), credit("1000", 4, "EUR")];
        let expected = JournalEntryError::Unbalanced { currency: eur(), debit_total: 5, credit_total: 4 };
        framework().given_no_previous_events().when(save_draft(unbalanced)).then_expect_error(expected);
        let unknown_account = vec![debit("7777", 5, "EUR"), credit("1000", 5, "EUR")];
        let unreachable = TestFramework::<JournalEntry>::with(Arc::new(Unreachable) as Arc<dyn BooksSource>);
        let events = unreachable.given_no_previous_events().when(save_draft(unknown_account)).inspect_result();
        assert!(events.is_ok(), "drafting reads no books: {events:?}");
    }

    #[test]
    fn saving_again_replaces_the_draft() {
        let events = framework().given(vec![drafted()]).when(save_draft(balanced_lines())).inspect_result().unwrap();
        assert_eq!(events, vec![drafted()]);
    }

    #[test]
    fn posting_the_draft_records_it_as_posted_after_checking_the_books() {
        framework().given(vec![drafted()]).when(JournalEntryCommand::PostDraft).then_expect_events(vec![posted()]);
        let closed = {
            let mut books = test_books();
            books.apply_calendar(CalendarEvent::FiscalPeriodClosed(FiscalPeriodClosed { period: "T-01".to_owned() }));
            books
        };
        let expected = JournalEntryError::PeriodNotOpen {
            field: "entry_date",
            date: date(2026, 3, 31),
            period: "T-01".to_owned(),
            status: "closed",
        };
        framework_with(closed).given(vec![drafted()]).when(JournalEntryCommand::PostDraft).then_expect_error(expected);
    }

    #[test]
    fn a_draft_cannot_be_posted_directly_nor_reversed() {
        assert_refused(
            framework(),
            vec![drafted()],
            post(balanced_lines()),
            JournalEntryError::IsDraft,
            None,
            "is_draft",
        );
        let reversal = reverse(date(2026, 4, 2), "x");
        assert_refused(framework(), vec![drafted()], reversal, JournalEntryError::NotFound, None, "not_found");
    }

    #[test]
    fn without_a_draft_there_is_nothing_to_post_or_discard() {
        assert_refused(
            framework(),
            vec![],
            JournalEntryCommand::PostDraft,
            JournalEntryError::NoDraft,
            None,
            "no_draft",
        );
        assert_refused(
            framework(),
            vec![posted()],
            discard(None),
            JournalEntryError::AlreadyPosted,
            Some("entry_id"),
            "already_posted",
        );
        assert_eq!(JournalEntryError::NoDraft.kind(), RefusalKind::NotFound);
    }

    #[test]
    fn discarding_the_draft_ends_the_entry() {
        let discarded = JournalEntryEvent::JournalEntryDraftDiscarded(JournalEntryDraftDiscarded {
            entry_id: entry_id().to_string(),
            reason: Some("duplicate".to_owned()),
        });
        framework().given(vec![drafted()]).when(discard(Some("duplicate"))).then_expect_events(vec![discarded.clone()]);
        let ended = vec![drafted(), discarded];
        let expected = JournalEntryError::DraftDiscarded;
        assert_eq!(expected.kind(), RefusalKind::Conflict);
        assert_refused(
            framework(),
            ended.clone(),
            JournalEntryCommand::PostDraft,
            expected.clone(),
            None,
            "draft_discarded",
        );
        assert_refused(framework(), ended, save_draft(balanced_lines()), expected, None, "draft_discarded");
        assert_refused(
            framework(),
            vec![drafted()],
            discard(Some(" ")),
            JournalEntryError::ReasonBlank,
            Some("reason"),
            "reason_blank",
        );
    }
}

mod functional_currency {
    use super::*;
    use crate::finance::exchange_rates::RateRefusal;
    use crate::test_support::{set_exchange_rates, set_rates, usd};

    /// The test books with EUR as functional currency and 1 USD = 0.9 EUR from March 2026.
    fn books_in_eur() -> Books {
        let mut books = test_books();
        set_exchange_rates(&mut books, "EUR", &[("USD", date(2026, 3, 1), "0.9")]);
        books
    }

    fn functional(debit_minor: i64, credit_minor: i64) -> Option<FunctionalAmount> {
        Some(FunctionalAmount { currency: "EUR".to_owned(), debit_minor, credit_minor })
    }

    fn recorded_lines(books: Books, given: Vec<JournalEntryEvent>, command: JournalEntryCommand) -> Vec<PostedLine> {
        let events = framework_with(books).given(given).when(command).inspect_result().unwrap();
        match events.as_slice() {
            [JournalEntryEvent::JournalEntryPosted(posted)] => posted.lines.clone(),
            [JournalEntryEvent::JournalEntryReversed(reversed)] => reversed.lines.clone(),
            other => panic!("expected one posting event, got {other:?}"),
        }
    }

    #[test]
    fn foreign_lines_are_converted_at_the_rate_of_the_entry_date_and_still_balance() {
        let lines = vec![debit("6100", 10_001, "USD"), credit("1000", 3_334, "USD"), credit("1000", 6_667, "USD")];
        let recorded = recorded_lines(books_in_eur(), vec![], post(lines));
        let amounts: Vec<_> = recorded.iter().map(|line| line.functional.clone()).collect();
        // 100.01 USD × 0.9 = 90.009 → 90.01; the credits are converted cumulatively:
        // 33.34 × 0.9 = 30.006 → 30.01, then 100.01 × 0.9 → 90.01 less 30.01 = 60.00.
        assert_eq!(amounts, vec![functional(9_001, 0), functional(0, 3_001), functional(0, 6_000)]);
        assert!(lines_balance(&recorded));
        let event = JournalEntryEvent::JournalEntryPosted(JournalEntryPosted { lines: recorded, ..posted_payload() });
        let avsc = include_str!("../../../../schemas/avro/finance/JournalEntryPosted.avsc");
        crate::avro_contract::assert_event_matches_schema(avsc, &event);
    }

    #[test]
    fn lines_in_the_functional_currency_keep_their_amounts() {
        let recorded = recorded_lines(books_in_eur(), vec![], post(balanced_lines()));
        let amounts: Vec<_> = recorded.iter().map(|line| line.functional.clone()).collect();
        assert_eq!(amounts, vec![functional(10_000, 0), functional(0, 10_000)]);
    }

    #[test]
    fn without_a_functional_currency_lines_have_no_functional_amounts() {
        let recorded = recorded_lines(test_books(), vec![], post(balanced_lines()));
        assert!(recorded.iter().all(|line| line.functional.is_none()));
    }

    #[test]
    fn a_foreign_line_without_a_rate_on_the_entry_date_is_refused() {
        let lines =
            vec![debit("6100", 5, "EUR"), credit("1000", 5, "EUR"), debit("6100", 7, "USD"), credit("1000", 7, "USD")];
        let command = JournalEntryCommand::Post(PostJournalEntry { entry_date: date(2026, 2, 28), ..post_with(lines) });
        let expected = JournalEntryError::NoExchangeRate {
            line: 2,
            refusal: RateRefusal::MissingRate { currency: usd(), date: date(2026, 2, 28) },
        };
        assert_eq!(
            expected.to_string(),
            "lines[2].currency cannot be converted into the functional currency: no USD exchange rate on or before 2026-02-28"
        );
        assert_refused(
            framework_with(books_in_eur()),
            vec![],
            command,
            expected,
            Some("lines[2].currency"),
            "missing_exchange_rate",
        );
    }

    #[test]
    fn a_reversal_keeps_the_functional_amounts_of_the_original_whatever_the_rate_now() {
        let lines = vec![debit("6100", 10_000, "USD"), credit("1000", 10_000, "USD")];
        let original = recorded_lines(books_in_eur(), vec![], post(lines.clone()));
        let posted =
            JournalEntryEvent::JournalEntryPosted(JournalEntryPosted { lines: original.clone(), ..posted_payload() });
        let mut books = books_in_eur();
        set_rates(&mut books, &[("USD", date(2026, 4, 1), "0.95")]);
        let reversal = recorded_lines(books, vec![posted], reverse(date(2026, 4, 2), "Wrong supplier"));
        let expected: Vec<PostedLine> = original.iter().map(PostedLine::mirrored).collect();
        assert_eq!(reversal, expected);
        assert_eq!(reversal[0].functional, functional(0, 9_000));
    }
}

mod command_sequence_properties {
    use proptest::prelude::*;

    use super::*;
    use crate::test_support::{check_command_sequence, check_status_move, command_sequences, SEQUENCE_CASES};

    use JournalEntryStatus as S;

    /// The status changes each command may make.
    fn allowed_moves(command: &JournalEntryCommand) -> &'static [(JournalEntryStatus, JournalEntryStatus)] {
        match command {
            JournalEntryCommand::Post(_) => &[(S::NotPosted, S::Posted)],
            JournalEntryCommand::SaveDraft(_) => &[(S::NotPosted, S::Draft), (S::Draft, S::Draft)],
            JournalEntryCommand::PostDraft => &[(S::Draft, S::Posted)],
            JournalEntryCommand::DiscardDraft { .. } => &[(S::Draft, S::Discarded)],
            JournalEntryCommand::Reverse(_) => &[(S::Posted, S::Reversed)],
        }
    }

    /// Entries on open (`6100`, `1000`) and unknown (`7777`) accounts, balanced or not, dated
    /// inside 2026 (the open year) or after it.
    fn arb_entry() -> impl Strategy<Value = PostJournalEntry> {
        let account = || prop::sample::select(vec!["6100", "1000", "7777"]);
        (
            account(),
            account(),
            prop::sample::select(vec![1_i64, 250]),
            prop::sample::select(vec![0_i64, 1]),
            any::<bool>(),
        )
            .prop_map(|(debited, credited, amount, off_by, this_year)| PostJournalEntry {
                entry_date: if this_year { date(2026, 3, 31) } else { date(2027, 1, 1) },
                ..post_with(vec![debit(debited, amount, "EUR"), credit(credited, amount + off_by, "EUR")])
            })
    }

    fn arb_command() -> impl Strategy<Value = JournalEntryCommand> {
        prop_oneof![
            arb_entry().prop_map(JournalEntryCommand::Post),
            arb_entry().prop_map(JournalEntryCommand::SaveDraft),
            Just(JournalEntryCommand::PostDraft),
            Just(JournalEntryCommand::DiscardDraft { reason: None }),
            (
                prop::sample::select(vec![date(2026, 12, 31), date(2027, 1, 1)]),
                prop::sample::select(vec!["Wrong", " "])
            )
                .prop_map(|(reversal_date, reason)| reverse(reversal_date, reason)),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(SEQUENCE_CASES))]

        /// Whatever is attempted, an entry only moves along draft → posted | discarded,
        /// posted → reversed; once posted its date and lines never change and balance, and a
        /// reversal mirrors every posted line; only a reversed entry names its reversal.
        #[test]
        fn a_posted_entry_balances_and_changes_only_by_reversal(commands in command_sequences(arb_command())) {
            let services: Arc<dyn BooksSource> = Arc::new(test_books());
            check_command_sequence::<JournalEntry>(&services, commands, |step| {
                let (before, after) = (step.before.status(), step.after.status());
                check_status_move(Some(before), Some(after), S::NotPosted, allowed_moves(step.command))?;
                if matches!(before, S::Posted | S::Reversed) {
                    prop_assert_eq!(step.after.entry_date(), step.before.entry_date());
                    prop_assert_eq!(step.after.lines(), step.before.lines());
                }
                if matches!(after, S::Posted | S::Reversed) {
                    prop_assert!(!step.after.lines().is_empty() && lines_balance(step.after.lines()));
                }
                prop_assert_eq!(step.after.reversal_entry_id().is_some(), after == S::Reversed);
                for event in step.events() {
                    if let JournalEntryEvent::JournalEntryReversed(reversal) = event {
                        let mirrored = step.before.lines().iter().zip(&reversal.lines).all(|(posted, reversed)| {
                            (posted.debit_minor, posted.credit_minor) == (reversed.credit_minor, reversed.debit_minor)
                        });
                        prop_assert!(mirrored && reversal.lines.len() == step.before.lines().len(), "{:?}", reversal);
                    }
                }
                Ok(())
            })?;
        }
    }
}
