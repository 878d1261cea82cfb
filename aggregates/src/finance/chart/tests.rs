//! Given–when–then tests for every chart-of-accounts rule, fold tests for the queries the
//! journal entry relies on, the default chart, a property test of the hierarchy invariants,
//! and the contract test that keeps events and Avro schemas in step.

use cqrs_es::test::TestFramework;
use cqrs_es::{Aggregate, DomainEvent};

use super::*;
use crate::finance::account::AccountCodeError;
use crate::finance::journal_entry::Side;
use crate::money::CurrencyError;
use crate::refusal::RefusalKind;
use crate::test_support::{assert_accepted, assert_error_table, assert_refused_as, eur, fold, invalid_currencies, usd};

fn framework() -> TestFramework<ChartOfAccounts> {
    TestFramework::with(())
}

/// The `AccountOpened` of a posting account without parent, currency or cash flag.
fn opened_payload(code: &str, name: &str, account_type: AccountType) -> AccountOpened {
    AccountOpened {
        code: code.to_owned(),
        name: name.to_owned(),
        account_type: account_type.as_str().to_owned(),
        normal_balance: account_type.normal_balance().as_str().to_owned(),
        parent: None,
        header: false,
        currency: None,
        cash: false,
    }
}

fn opened(code: &str, name: &str, account_type: AccountType) -> ChartEvent {
    ChartEvent::AccountOpened(opened_payload(code, name, account_type))
}

fn header(code: &str, name: &str, account_type: AccountType, parent: Option<&str>) -> ChartEvent {
    ChartEvent::AccountOpened(AccountOpened {
        parent: parent.map(str::to_owned),
        header: true,
        ..opened_payload(code, name, account_type)
    })
}

fn child(code: &str, name: &str, account_type: AccountType, parent: &str) -> ChartEvent {
    ChartEvent::AccountOpened(AccountOpened {
        parent: Some(parent.to_owned()),
        ..opened_payload(code, name, account_type)
    })
}

fn archived(code: &str) -> ChartEvent {
    ChartEvent::AccountArchived(AccountArchived { code: code.to_owned() })
}

fn reactivated(code: &str) -> ChartEvent {
    ChartEvent::AccountReactivated(AccountReactivated { code: code.to_owned() })
}

fn renamed(code: &str, name: &str) -> ChartEvent {
    ChartEvent::AccountRenamed(AccountRenamed { code: code.to_owned(), name: name.to_owned() })
}

/// A small hierarchy: `1` Assets → `11` Current assets → `1000` Bank, `1010` Petty cash;
/// `2` Liabilities (header, no children); `2000` Accounts payable (top-level posting account).
fn small_chart() -> Vec<ChartEvent> {
    vec![
        header("1", "Assets", AccountType::Asset, None),
        header("11", "Current assets", AccountType::Asset, Some("1")),
        child("1000", "Bank account", AccountType::Asset, "11"),
        child("1010", "Petty cash", AccountType::Asset, "11"),
        header("2", "Liabilities", AccountType::Liability, None),
        opened("2000", "Accounts payable", AccountType::Liability),
    ]
}

fn open_input(code: &str, name: &str, account_type: &str) -> OpenAccount {
    OpenAccount {
        code: code.to_owned(),
        name: name.to_owned(),
        account_type: account_type.to_owned(),
        parent: None,
        header: false,
        currency: None,
        cash: false,
    }
}

fn open(input: OpenAccount) -> ChartCommand {
    ChartCommand::OpenAccount(input)
}

fn rename(code: &str, name: &str) -> ChartCommand {
    ChartCommand::RenameAccount { code: code.to_owned(), name: name.to_owned() }
}

fn archive(code: &str) -> ChartCommand {
    ChartCommand::ArchiveAccount { code: code.to_owned() }
}

fn reactivate(code: &str) -> ChartCommand {
    ChartCommand::ReactivateAccount { code: code.to_owned() }
}

mod opening {
    use super::*;

    #[test]
    fn opening_a_posting_account_records_account_opened() {
        framework()
            .given_no_previous_events()
            .when(open(open_input("6100", "Rent", "expense")))
            .then_expect_events(vec![opened("6100", "Rent", AccountType::Expense)]);
    }

    #[test]
    fn opening_records_the_normal_balance_of_each_type() {
        let expected = [
            ("asset", "debit"),
            ("liability", "credit"),
            ("equity", "credit"),
            ("income", "credit"),
            ("expense", "debit"),
        ];
        for (account_type, normal_balance) in expected {
            let events = assert_accepted(framework(), vec![], open(open_input("9000", "Some account", account_type)));
            let [ChartEvent::AccountOpened(opened)] = events.as_slice() else {
                panic!("expected one AccountOpened, got {events:?}");
            };
            assert_eq!(opened.account_type, account_type);
            assert_eq!(opened.normal_balance, normal_balance, "{account_type}");
        }
    }

    #[test]
    fn opening_a_child_under_a_header_with_currency_and_cash_records_them_all() {
        let command = open(OpenAccount {
            parent: Some("11".to_owned()),
            currency: Some("USD".to_owned()),
            cash: true,
            ..open_input("1020", "Bank account USD", "asset")
        });
        let expected = ChartEvent::AccountOpened(AccountOpened {
            parent: Some("11".to_owned()),
            currency: Some("USD".to_owned()),
            cash: true,
            ..opened_payload("1020", "Bank account USD", AccountType::Asset)
        });
        framework().given(small_chart()).when(command).then_expect_events(vec![expected]);
    }

    #[test]
    fn opening_a_header_under_a_header_is_accepted() {
        let command = open(OpenAccount {
            parent: Some("1".to_owned()),
            header: true,
            ..open_input("15", "Non-current assets", "asset")
        });
        framework().given(small_chart()).when(command).then_expect_events(vec![header(
            "15",
            "Non-current assets",
            AccountType::Asset,
            Some("1"),
        )]);
    }

    #[test]
    fn an_invalid_code_is_rejected() {
        let cases = [
            ("", AccountCodeError::Empty),
            ("-100", AccountCodeError::MustStartAlphanumeric),
            ("10 00", AccountCodeError::InvalidCharacter { found: ' ', position: 2 }),
            ("123456789012345678901", AccountCodeError::TooLong { chars: 21, max: 20 }),
        ];
        for (code, reason) in cases {
            assert_refused_as(
                framework(),
                vec![],
                open(open_input(code, "Bank", "asset")),
                ChartError::InvalidCode { reason },
                Some("code"),
                "invalid_code",
                RefusalKind::Invalid,
            );
        }
    }

    #[test]
    fn a_code_at_the_length_limit_is_accepted() {
        let code = "A".repeat(crate::finance::account::ACCOUNT_CODE_MAX_CHARS);
        assert_accepted(framework(), vec![], open(open_input(&code, "Long code", "asset")));
    }

    #[test]
    fn a_code_already_in_the_chart_is_a_conflict_even_when_archived() {
        assert_refused_as(
            framework(),
            small_chart(),
            open(open_input("1000", "Another bank", "asset")),
            ChartError::AccountExists { code: "1000".to_owned() },
            Some("code"),
            "account_exists",
            RefusalKind::Conflict,
        );
        let mut given = small_chart();
        given.push(archived("2000"));
        assert_refused_as(
            framework(),
            given,
            open(open_input("2000", "Trade payables", "liability")),
            ChartError::AccountExists { code: "2000".to_owned() },
            Some("code"),
            "account_exists",
            RefusalKind::Conflict,
        );
    }

    #[test]
    fn codes_are_case_sensitive() {
        assert_accepted(
            framework(),
            vec![opened("cash", "Cash", AccountType::Asset)],
            open(open_input("CASH", "Cash", "asset")),
        );
    }

    #[test]
    fn a_blank_name_is_rejected() {
        for name in ["", "  \t"] {
            assert_refused_as(
                framework(),
                vec![],
                open(open_input("1000", name, "asset")),
                ChartError::NameBlank,
                Some("name"),
                "name_blank",
                RefusalKind::Invalid,
            );
        }
    }

    #[test]
    fn a_name_over_the_limit_is_rejected_and_one_at_the_limit_accepted() {
        // multi-byte characters: the limit counts characters, not bytes
        assert_accepted(framework(), vec![], open(open_input("1000", &"é".repeat(MAX_NAME_CHARS), "asset")));
        assert_refused_as(
            framework(),
            vec![],
            open(open_input("1000", &"é".repeat(MAX_NAME_CHARS + 1), "asset")),
            ChartError::NameTooLong { chars: 201, max: 200 },
            Some("name"),
            "name_too_long",
            RefusalKind::Invalid,
        );
    }

    #[test]
    fn an_unknown_account_type_is_rejected() {
        for account_type in ["", "Asset", "ASSET", "revenue", "assets", " asset"] {
            assert_refused_as(
                framework(),
                vec![],
                open(open_input("1000", "Bank", account_type)),
                ChartError::InvalidAccountType { account_type: account_type.to_owned() },
                Some("account_type"),
                "invalid_account_type",
                RefusalKind::Invalid,
            );
        }
    }

    fn under(parent: &str, code: &str, account_type: &str) -> ChartCommand {
        open(OpenAccount { parent: Some(parent.to_owned()), ..open_input(code, "Child", account_type) })
    }

    #[test]
    fn a_parent_not_in_the_chart_is_rejected() {
        assert_refused_as(
            framework(),
            small_chart(),
            under("12", "1200", "asset"),
            ChartError::ParentNotFound { parent: "12".to_owned() },
            Some("parent"),
            "parent_not_found",
            RefusalKind::Invalid,
        );
    }

    #[test]
    fn a_posting_account_as_parent_is_rejected() {
        assert_refused_as(
            framework(),
            small_chart(),
            under("1000", "1001", "asset"),
            ChartError::ParentNotHeader { parent: "1000".to_owned() },
            Some("parent"),
            "parent_not_header",
            RefusalKind::Invalid,
        );
    }

    #[test]
    fn a_parent_of_another_type_is_rejected() {
        assert_refused_as(
            framework(),
            small_chart(),
            under("11", "2100", "liability"),
            ChartError::ParentTypeMismatch {
                parent: "11".to_owned(),
                parent_type: AccountType::Asset,
                account_type: AccountType::Liability,
            },
            Some("parent"),
            "parent_type_mismatch",
            RefusalKind::Invalid,
        );
    }

    #[test]
    fn an_archived_parent_is_rejected() {
        let mut given = small_chart();
        given.push(archived("2"));
        assert_refused_as(
            framework(),
            given,
            under("2", "2100", "liability"),
            ChartError::ParentArchived { parent: "2".to_owned() },
            Some("parent"),
            "parent_archived",
            RefusalKind::Invalid,
        );
    }

    #[test]
    fn parent_rules_are_checked_in_order_exists_header_type_active() {
        let mut given = small_chart();
        given.push(archived("1000"));
        // 1000 is archived, not a header and an asset: "not a header" comes first.
        assert_refused_as(
            framework(),
            given.clone(),
            under("1000", "2100", "liability"),
            ChartError::ParentNotHeader { parent: "1000".to_owned() },
            Some("parent"),
            "parent_not_header",
            RefusalKind::Invalid,
        );
        given.extend([archived("1010"), archived("11")]);
        // 11 is an archived asset header: the type mismatch comes before archived.
        assert_refused_as(
            framework(),
            given,
            under("11", "2100", "liability"),
            ChartError::ParentTypeMismatch {
                parent: "11".to_owned(),
                parent_type: AccountType::Asset,
                account_type: AccountType::Liability,
            },
            Some("parent"),
            "parent_type_mismatch",
            RefusalKind::Invalid,
        );
    }

    #[test]
    fn an_invalid_currency_is_rejected() {
        let blank = ("", CurrencyError::Malformed { code: String::new() });
        let cases = invalid_currencies().into_iter().chain([blank]);
        for (currency, reason) in cases {
            assert_refused_as(
                framework(),
                vec![],
                open(OpenAccount { currency: Some(currency.to_owned()), ..open_input("1000", "Bank", "asset") }),
                ChartError::InvalidCurrency { reason },
                Some("currency"),
                "invalid_currency",
                RefusalKind::Invalid,
            );
        }
    }

    #[test]
    fn cash_on_an_account_that_is_not_an_asset_is_rejected() {
        for (account_type, parsed) in [
            ("liability", AccountType::Liability),
            ("equity", AccountType::Equity),
            ("income", AccountType::Income),
            ("expense", AccountType::Expense),
        ] {
            assert_refused_as(
                framework(),
                vec![],
                open(OpenAccount { cash: true, ..open_input("9000", "Cash?", account_type) }),
                ChartError::CashNotAsset { account_type: parsed },
                Some("cash"),
                "cash_not_asset",
                RefusalKind::Invalid,
            );
        }
    }

    fn full_chart(accounts: usize) -> Vec<ChartEvent> {
        (0..accounts).map(|i| opened(&format!("A{i:05}"), "Generated", AccountType::Asset)).collect()
    }

    #[test]
    fn the_last_account_the_chart_may_hold_is_accepted() {
        let events =
            assert_accepted(framework(), full_chart(MAX_ACCOUNTS - 1), open(open_input("B1", "Last one", "asset")));
        assert_eq!(events.len(), 1);
    }

    #[test]
    fn an_account_beyond_the_limit_is_rejected() {
        assert_refused_as(
            framework(),
            full_chart(MAX_ACCOUNTS),
            open(open_input("B1", "One too many", "asset")),
            ChartError::ChartFull { max: 10_000 },
            None,
            "chart_full",
            RefusalKind::Invalid,
        );
    }

    #[test]
    fn the_first_broken_rule_is_reported() {
        // code before everything
        assert_refused_as(
            framework(),
            small_chart(),
            open(OpenAccount { parent: Some("zz".to_owned()), ..open_input("", "", "nope") }),
            ChartError::InvalidCode { reason: AccountCodeError::Empty },
            Some("code"),
            "invalid_code",
            RefusalKind::Invalid,
        );
        // code already in the chart before the name
        assert_refused_as(
            framework(),
            small_chart(),
            open(open_input("1000", "", "asset")),
            ChartError::AccountExists { code: "1000".to_owned() },
            Some("code"),
            "account_exists",
            RefusalKind::Conflict,
        );
        // name before the account type
        assert_refused_as(
            framework(),
            vec![],
            open(open_input("1000", " ", "nope")),
            ChartError::NameBlank,
            Some("name"),
            "name_blank",
            RefusalKind::Invalid,
        );
        // account type before the parent
        assert_refused_as(
            framework(),
            small_chart(),
            open(OpenAccount { parent: Some("zz".to_owned()), ..open_input("9000", "X", "nope") }),
            ChartError::InvalidAccountType { account_type: "nope".to_owned() },
            Some("account_type"),
            "invalid_account_type",
            RefusalKind::Invalid,
        );
        // parent before the currency
        assert_refused_as(
            framework(),
            small_chart(),
            open(OpenAccount {
                parent: Some("zz".to_owned()),
                currency: Some("eur".to_owned()),
                ..open_input("9000", "X", "asset")
            }),
            ChartError::ParentNotFound { parent: "zz".to_owned() },
            Some("parent"),
            "parent_not_found",
            RefusalKind::Invalid,
        );
        // currency before cash
        assert_refused_as(
            framework(),
            vec![],
            open(OpenAccount { currency: Some("eur".to_owned()), cash: true, ..open_input("9000", "X", "expense") }),
            ChartError::InvalidCurrency { reason: CurrencyError::Malformed { code: "eur".to_owned() } },
            Some("currency"),
            "invalid_currency",
            RefusalKind::Invalid,
        );
        // cash before the size of the chart
        assert_refused_as(
            framework(),
            full_chart(MAX_ACCOUNTS),
            open(OpenAccount { cash: true, ..open_input("9000", "X", "expense") }),
            ChartError::CashNotAsset { account_type: AccountType::Expense },
            Some("cash"),
            "cash_not_asset",
            RefusalKind::Invalid,
        );
    }
}

mod renaming {
    use super::*;

    #[test]
    fn renaming_an_account_records_account_renamed() {
        framework()
            .given(small_chart())
            .when(rename("1000", "Main bank account"))
            .then_expect_events(vec![renamed("1000", "Main bank account")]);
    }

    #[test]
    fn renaming_an_archived_account_or_a_header_is_accepted() {
        let mut given = small_chart();
        given.push(archived("2000"));
        assert_accepted(framework(), given.clone(), rename("2000", "Trade payables"));
        assert_accepted(framework(), given, rename("11", "Short-term assets"));
    }

    #[test]
    fn renaming_an_unknown_account_is_not_found() {
        assert_refused_as(
            framework(),
            small_chart(),
            rename("9999", ""),
            ChartError::AccountNotFound { code: "9999".to_owned() },
            Some("code"),
            "account_not_found",
            RefusalKind::NotFound,
        );
    }

    #[test]
    fn renaming_to_a_blank_name_is_rejected() {
        assert_refused_as(
            framework(),
            small_chart(),
            rename("1000", "   "),
            ChartError::NameBlank,
            Some("name"),
            "name_blank",
            RefusalKind::Invalid,
        );
    }

    #[test]
    fn renaming_to_a_name_over_the_limit_is_rejected_and_one_at_the_limit_accepted() {
        assert_accepted(framework(), small_chart(), rename("1000", &"n".repeat(MAX_NAME_CHARS)));
        assert_refused_as(
            framework(),
            small_chart(),
            rename("1000", &"n".repeat(MAX_NAME_CHARS + 1)),
            ChartError::NameTooLong { chars: 201, max: 200 },
            Some("name"),
            "name_too_long",
            RefusalKind::Invalid,
        );
    }

    #[test]
    fn renaming_to_the_current_name_is_rejected() {
        assert_refused_as(
            framework(),
            small_chart(),
            rename("1000", "Bank account"),
            ChartError::NameUnchanged { code: "1000".to_owned(), name: "Bank account".to_owned() },
            Some("name"),
            "name_unchanged",
            RefusalKind::Invalid,
        );
        let mut given = small_chart();
        given.push(renamed("1000", "Main bank"));
        assert_refused_as(
            framework(),
            given.clone(),
            rename("1000", "Main bank"),
            ChartError::NameUnchanged { code: "1000".to_owned(), name: "Main bank".to_owned() },
            Some("name"),
            "name_unchanged",
            RefusalKind::Invalid,
        );
        assert_accepted(framework(), given, rename("1000", "Bank account"));
    }
}

mod archiving {
    use super::*;

    #[test]
    fn archiving_a_posting_account_records_account_archived() {
        framework().given(small_chart()).when(archive("1000")).then_expect_events(vec![archived("1000")]);
    }

    #[test]
    fn archiving_a_header_without_children_is_accepted() {
        framework().given(small_chart()).when(archive("2")).then_expect_events(vec![archived("2")]);
    }

    #[test]
    fn archiving_an_unknown_account_is_not_found() {
        assert_refused_as(
            framework(),
            small_chart(),
            archive("12"),
            ChartError::AccountNotFound { code: "12".to_owned() },
            Some("code"),
            "account_not_found",
            RefusalKind::NotFound,
        );
    }

    #[test]
    fn archiving_an_archived_account_is_a_conflict() {
        let mut given = small_chart();
        given.push(archived("1000"));
        assert_refused_as(
            framework(),
            given,
            archive("1000"),
            ChartError::AlreadyArchived { code: "1000".to_owned() },
            None,
            "already_archived",
            RefusalKind::Conflict,
        );
    }

    #[test]
    fn archiving_a_header_with_active_children_lists_them() {
        let mut given = small_chart();
        given.push(child("1005", "Savings", AccountType::Asset, "11"));
        given.push(archived("1005"));
        let expected = ChartError::HasActiveChildren {
            code: "11".to_owned(),
            children: vec!["1000".to_owned(), "1010".to_owned()],
        };
        assert_eq!(expected.to_string(), "account 11 has active children 1000, 1010; archive them first");
        assert_refused_as(
            framework(),
            given,
            archive("11"),
            expected,
            None,
            "has_active_children",
            RefusalKind::Conflict,
        );
        // Only direct children count: 1's active child is 11.
        assert_refused_as(
            framework(),
            small_chart(),
            archive("1"),
            ChartError::HasActiveChildren { code: "1".to_owned(), children: vec!["11".to_owned()] },
            None,
            "has_active_children",
            RefusalKind::Conflict,
        );
    }

    #[test]
    fn archiving_a_header_once_every_child_is_archived_is_accepted() {
        let mut given = small_chart();
        given.extend([archived("1000"), archived("1010")]);
        framework().given(given).when(archive("11")).then_expect_events(vec![archived("11")]);
    }
}

mod reactivating {
    use super::*;

    #[test]
    fn reactivating_an_archived_account_records_account_reactivated() {
        let mut given = small_chart();
        given.push(archived("1000"));
        framework().given(given).when(reactivate("1000")).then_expect_events(vec![reactivated("1000")]);
    }

    #[test]
    fn reactivating_an_unknown_account_is_not_found() {
        assert_refused_as(
            framework(),
            small_chart(),
            reactivate("12"),
            ChartError::AccountNotFound { code: "12".to_owned() },
            Some("code"),
            "account_not_found",
            RefusalKind::NotFound,
        );
    }

    #[test]
    fn reactivating_an_active_account_is_a_conflict() {
        assert_refused_as(
            framework(),
            small_chart(),
            reactivate("1000"),
            ChartError::NotArchived { code: "1000".to_owned() },
            None,
            "not_archived",
            RefusalKind::Conflict,
        );
        let mut given = small_chart();
        given.extend([archived("1000"), reactivated("1000")]);
        assert_refused_as(
            framework(),
            given,
            reactivate("1000"),
            ChartError::NotArchived { code: "1000".to_owned() },
            None,
            "not_archived",
            RefusalKind::Conflict,
        );
    }

    #[test]
    fn reactivating_under_an_archived_parent_is_a_conflict_until_the_parent_is_reactivated() {
        let mut given = small_chart();
        given.extend([archived("1000"), archived("1010"), archived("11")]);
        let expected = ChartError::ParentStillArchived { code: "1000".to_owned(), parent: "11".to_owned() };
        assert_eq!(expected.to_string(), "account 1000 rolls up into 11, which is archived; reactivate 11 first");
        assert_refused_as(
            framework(),
            given.clone(),
            reactivate("1000"),
            expected,
            None,
            "parent_still_archived",
            RefusalKind::Conflict,
        );
        given.push(reactivated("11"));
        framework().given(given).when(reactivate("1000")).then_expect_events(vec![reactivated("1000")]);
    }
}

mod default_chart {
    use super::*;

    /// One default account as specified: (code, name, type, parent, header, cash).
    type Row = (&'static str, &'static str, AccountType, Option<&'static str>, bool, bool);

    /// The default chart as specified.
    const EXPECTED: &[Row] = {
        use AccountType::{Asset as A, Equity as Q, Expense as X, Income as I, Liability as L};
        &[
            ("1", "Assets", A, None, true, false),
            ("11", "Current assets", A, Some("1"), true, false),
            ("1000", "Bank account", A, Some("11"), false, true),
            ("1010", "Petty cash", A, Some("11"), false, true),
            ("1100", "Accounts receivable", A, Some("11"), false, false),
            ("1200", "Inventory", A, Some("11"), false, false),
            ("1210", "Work in progress", A, Some("11"), false, false),
            ("1300", "Prepaid expenses", A, Some("11"), false, false),
            ("1400", "VAT receivable", A, Some("11"), false, false),
            ("15", "Non-current assets", A, Some("1"), true, false),
            ("1500", "Equipment", A, Some("15"), false, false),
            ("1510", "Accumulated depreciation", A, Some("15"), false, false),
            ("2", "Liabilities", L, None, true, false),
            ("2000", "Accounts payable", L, Some("2"), false, false),
            ("2050", "Goods received not invoiced", L, Some("2"), false, false),
            ("2100", "VAT payable", L, Some("2"), false, false),
            ("2200", "Accrued liabilities", L, Some("2"), false, false),
            ("2500", "Loans payable", L, Some("2"), false, false),
            ("3", "Equity", Q, None, true, false),
            ("3000", "Owner's capital", Q, Some("3"), false, false),
            ("3100", "Owner's drawings", Q, Some("3"), false, false),
            ("3200", "Retained earnings", Q, Some("3"), false, false),
            ("4", "Income", I, None, true, false),
            ("4000", "Sales revenue", I, Some("4"), false, false),
            ("4100", "Service revenue", I, Some("4"), false, false),
            ("4900", "Other income", I, Some("4"), false, false),
            ("4920", "Exchange gains", I, Some("4"), false, false),
            ("5", "Cost of sales", X, None, true, false),
            ("5000", "Cost of goods sold", X, Some("5"), false, false),
            ("6", "Operating expenses", X, None, true, false),
            ("6000", "Salaries and wages", X, Some("6"), false, false),
            ("6100", "Rent", X, Some("6"), false, false),
            ("6200", "Utilities", X, Some("6"), false, false),
            ("6300", "Office supplies", X, Some("6"), false, false),
            ("6400", "Depreciation expense", X, Some("6"), false, false),
            ("6900", "Bank charges", X, Some("6"), false, false),
            ("6920", "Exchange losses", X, Some("6"), false, false),
        ]
    };

    fn default_events() -> Vec<ChartEvent> {
        assert_accepted(framework(), vec![], ChartCommand::LoadDefaultChart)
    }

    #[test]
    fn the_default_chart_is_exactly_the_specified_table() {
        let table: Vec<_> =
            DEFAULT_CHART.iter().map(|a| (a.code, a.name, a.account_type, a.parent, a.header, a.cash)).collect();
        assert_eq!(table, EXPECTED);
    }

    #[test]
    fn loading_the_default_chart_opens_every_account_in_table_order() {
        let expected: Vec<ChartEvent> = EXPECTED
            .iter()
            .map(|&(code, name, account_type, parent, header, cash)| {
                ChartEvent::AccountOpened(AccountOpened {
                    parent: parent.map(str::to_owned),
                    header,
                    cash,
                    ..opened_payload(code, name, account_type)
                })
            })
            .collect();
        assert_eq!(expected.len(), 37);
        framework().given_no_previous_events().when(ChartCommand::LoadDefaultChart).then_expect_events(expected);
    }

    #[test]
    fn the_default_chart_opens_parents_before_children_under_headers_of_the_same_type() {
        let mut chart = ChartOfAccounts::default();
        for event in default_events() {
            let ChartEvent::AccountOpened(opened) = &event else { panic!("expected AccountOpened, got {event:?}") };
            if let Some(parent) = &opened.parent {
                let parent =
                    chart.account(parent).unwrap_or_else(|| panic!("{} opened before its parent", opened.code));
                assert!(parent.is_header(), "{}'s parent is not a header", opened.code);
                assert_eq!(parent.account_type().as_str(), opened.account_type, "{}", opened.code);
            }
            assert_eq!(opened.currency, None, "{} has a fixed currency", opened.code);
            assert!(!opened.cash || opened.account_type == "asset");
            let code_len = opened.code.len();
            assert!(if opened.header { code_len <= 2 } else { code_len == 4 }, "{}", opened.code);
            chart.apply(event);
        }
        assert_eq!(chart.len(), DEFAULT_CHART.len());
    }

    #[test]
    fn the_default_accounts_take_postings_as_the_rest_of_the_system_expects() {
        use default_accounts as a;
        let chart: ChartOfAccounts = fold(default_events());
        let expected = [
            (a::BANK, AccountType::Asset, true),
            (a::PETTY_CASH, AccountType::Asset, true),
            (a::ACCOUNTS_RECEIVABLE, AccountType::Asset, false),
            (a::INVENTORY, AccountType::Asset, false),
            (a::WORK_IN_PROGRESS, AccountType::Asset, false),
            (a::PREPAID_EXPENSES, AccountType::Asset, false),
            (a::VAT_RECEIVABLE, AccountType::Asset, false),
            (a::EQUIPMENT, AccountType::Asset, false),
            (a::ACCUMULATED_DEPRECIATION, AccountType::Asset, false),
            (a::ACCOUNTS_PAYABLE, AccountType::Liability, false),
            (a::GOODS_RECEIVED_NOT_INVOICED, AccountType::Liability, false),
            (a::VAT_PAYABLE, AccountType::Liability, false),
            (a::ACCRUED_LIABILITIES, AccountType::Liability, false),
            (a::LOANS_PAYABLE, AccountType::Liability, false),
            (a::OWNERS_CAPITAL, AccountType::Equity, false),
            (a::OWNERS_DRAWINGS, AccountType::Equity, false),
            (a::RETAINED_EARNINGS, AccountType::Equity, false),
            (a::SALES_REVENUE, AccountType::Income, false),
            (a::SERVICE_REVENUE, AccountType::Income, false),
            (a::OTHER_INCOME, AccountType::Income, false),
            (a::EXCHANGE_GAINS, AccountType::Income, false),
            (a::COST_OF_GOODS_SOLD, AccountType::Expense, false),
            (a::SALARIES_AND_WAGES, AccountType::Expense, false),
            (a::RENT, AccountType::Expense, false),
            (a::UTILITIES, AccountType::Expense, false),
            (a::OFFICE_SUPPLIES, AccountType::Expense, false),
            (a::DEPRECIATION_EXPENSE, AccountType::Expense, false),
            (a::BANK_CHARGES, AccountType::Expense, false),
            (a::EXCHANGE_LOSSES, AccountType::Expense, false),
        ];
        // every posting account of the default chart has a constant
        assert_eq!(expected.len(), DEFAULT_CHART.iter().filter(|a| !a.header).count());
        for (code, account_type, cash) in expected {
            let account = chart.account(code).unwrap_or_else(|| panic!("{code} missing"));
            assert_eq!(account.account_type(), account_type, "{code}");
            assert_eq!(account.is_cash(), cash, "{code}");
            assert_eq!(chart.check_postable(code, eur()), Ok(()), "{code}");
            assert_eq!(chart.check_postable(code, usd()), Ok(()), "{code}");
        }
        assert_eq!(
            (a::BANK, a::ACCOUNTS_RECEIVABLE, a::ACCOUNTS_PAYABLE, a::VAT_RECEIVABLE, a::VAT_PAYABLE),
            ("1000", "1100", "2000", "1400", "2100")
        );
        assert_eq!((a::RETAINED_EARNINGS, a::EXCHANGE_GAINS, a::EXCHANGE_LOSSES), ("3200", "4920", "6920"));
        for header in ["1", "11", "15", "2", "3", "4", "5", "6"] {
            assert_eq!(chart.check_postable(header, eur()), Err(AccountRefusal::Header), "{header}");
        }
    }

    #[test]
    fn loading_the_default_chart_into_a_chart_with_accounts_is_a_conflict() {
        assert_refused_as(
            framework(),
            vec![opened("1000", "Bank", AccountType::Asset)],
            ChartCommand::LoadDefaultChart,
            ChartError::ChartNotEmpty { accounts: 1 },
            None,
            "chart_not_empty",
            RefusalKind::Conflict,
        );
        assert_refused_as(
            framework(),
            default_events(),
            ChartCommand::LoadDefaultChart,
            ChartError::ChartNotEmpty { accounts: 37 },
            None,
            "chart_not_empty",
            RefusalKind::Conflict,
        );
    }

    #[test]
    fn a_chart_with_only_archived_accounts_is_not_empty() {
        assert_refused_as(
            framework(),
            vec![opened("1000", "Bank", AccountType::Asset), archived("1000")],
            ChartCommand::LoadDefaultChart,
            ChartError::ChartNotEmpty { accounts: 1 },
            None,
            "chart_not_empty",
            RefusalKind::Conflict,
        );
    }

    #[test]
    fn the_default_chart_can_be_extended_afterwards() {
        let command = open(OpenAccount {
            parent: Some("11".to_owned()),
            currency: Some("USD".to_owned()),
            cash: true,
            ..open_input("1020", "Bank account USD", "asset")
        });
        assert_accepted(framework(), default_events(), command);
    }
}

mod queries {
    use super::*;

    #[test]
    fn check_postable_accepts_an_active_posting_account_in_any_currency() {
        let chart: ChartOfAccounts = fold(small_chart());
        assert_eq!(chart.check_postable("1000", eur()), Ok(()));
        assert_eq!(chart.check_postable("2000", usd()), Ok(()));
    }

    #[test]
    fn check_postable_refuses_an_unknown_account() {
        let chart: ChartOfAccounts = fold(small_chart());
        assert_eq!(chart.check_postable("9999", eur()), Err(AccountRefusal::Unknown));
        assert_eq!(ChartOfAccounts::default().check_postable("1000", eur()), Err(AccountRefusal::Unknown));
    }

    #[test]
    fn check_postable_refuses_a_header() {
        let chart: ChartOfAccounts = fold(small_chart());
        assert_eq!(chart.check_postable("11", eur()), Err(AccountRefusal::Header));
        assert_eq!(chart.check_postable("2", eur()), Err(AccountRefusal::Header));
    }

    #[test]
    fn check_postable_refuses_an_archived_account_until_reactivated() {
        let mut chart: ChartOfAccounts = fold(small_chart());
        chart.apply(archived("1000"));
        assert_eq!(chart.check_postable("1000", eur()), Err(AccountRefusal::Archived));
        chart.apply(reactivated("1000"));
        assert_eq!(chart.check_postable("1000", eur()), Ok(()));
    }

    #[test]
    fn check_postable_refuses_another_currency_on_a_fixed_currency_account() {
        let usd_bank = ChartEvent::AccountOpened(AccountOpened {
            currency: Some("USD".to_owned()),
            ..opened_payload("1020", "Bank USD", AccountType::Asset)
        });
        let chart: ChartOfAccounts = fold([usd_bank]);
        assert_eq!(chart.check_postable("1020", usd()), Ok(()));
        assert_eq!(
            chart.check_postable("1020", eur()),
            Err(AccountRefusal::CurrencyMismatch { account_currency: usd() })
        );
    }

    #[test]
    fn check_postable_reports_header_before_archived_before_currency() {
        let usd_header = ChartEvent::AccountOpened(AccountOpened {
            currency: Some("USD".to_owned()),
            header: true,
            ..opened_payload("1", "Assets", AccountType::Asset)
        });
        let usd_account = ChartEvent::AccountOpened(AccountOpened {
            currency: Some("USD".to_owned()),
            ..opened_payload("1020", "Bank USD", AccountType::Asset)
        });
        let chart: ChartOfAccounts = fold([usd_header, archived("1"), usd_account, archived("1020")]);
        assert_eq!(chart.check_postable("1", eur()), Err(AccountRefusal::Header));
        assert_eq!(chart.check_postable("1020", eur()), Err(AccountRefusal::Archived));
    }

    #[test]
    fn account_refusals_have_messages_and_stable_codes() {
        let cases = [
            (AccountRefusal::Unknown, "unknown_account", "account is not in the chart of accounts"),
            (AccountRefusal::Header, "header_account", "account is a header account and takes no postings"),
            (AccountRefusal::Archived, "archived_account", "account is archived and takes no postings"),
            (
                AccountRefusal::CurrencyMismatch { account_currency: usd() },
                "currency_mismatch",
                "account takes only USD",
            ),
        ];
        for (refusal, code, message) in cases {
            assert_eq!(refusal.code(), code);
            assert_eq!(refusal.to_string(), message);
        }
    }

    #[test]
    fn folding_tracks_every_field_of_an_account() {
        let usd_bank = ChartEvent::AccountOpened(AccountOpened {
            parent: Some("11".to_owned()),
            currency: Some("USD".to_owned()),
            cash: true,
            ..opened_payload("1020", "Bank USD", AccountType::Asset)
        });
        let mut events = small_chart();
        events.extend([usd_bank, renamed("1020", "US dollar account"), archived("1020")]);
        let chart: ChartOfAccounts = fold(events);
        let account = chart.account("1020").unwrap();
        assert_eq!(account.code().as_str(), "1020");
        assert_eq!(account.name(), "US dollar account");
        assert_eq!(account.account_type(), AccountType::Asset);
        assert_eq!(account.normal_balance(), Side::Debit);
        assert_eq!(account.parent(), Some("11"));
        assert!(!account.is_header());
        assert_eq!(account.currency(), Some(usd()));
        assert!(account.is_cash());
        assert!(account.is_archived());
        let header = chart.account("11").unwrap();
        assert!(header.is_header());
        assert_eq!(header.parent(), Some("1"));
        assert_eq!(header.currency(), None);
        assert!(!header.is_archived());
        assert!(chart.account("9999").is_none());
    }

    #[test]
    fn accounts_children_len_and_is_empty_reflect_the_chart() {
        let empty = ChartOfAccounts::default();
        assert!(empty.is_empty());
        assert_eq!(empty.len(), 0);
        assert_eq!(empty.accounts().count(), 0);
        let chart: ChartOfAccounts = fold(small_chart());
        assert!(!chart.is_empty());
        assert_eq!(chart.len(), 6);
        let codes: Vec<&str> = chart.accounts().map(|a| a.code().as_str()).collect();
        assert_eq!(codes, ["1", "1000", "1010", "11", "2", "2000"], "byte-wise code order");
        let children: Vec<&str> = chart.children("11").map(|a| a.code().as_str()).collect();
        assert_eq!(children, ["1000", "1010"]);
        assert_eq!(chart.children("2").count(), 0);
        assert_eq!(chart.children("1000").count(), 0);
    }

    #[test]
    fn a_fold_keeps_the_last_of_two_openings_of_one_code() {
        // `decide` never opens a code twice; hand-built books may.
        let chart: ChartOfAccounts =
            fold([opened("1000", "First", AccountType::Asset), opened("1000", "Second", AccountType::Expense)]);
        assert_eq!(chart.len(), 1);
        assert_eq!(chart.account("1000").unwrap().name(), "Second");
    }

    #[test]
    fn aggregate_state_round_trips_through_serde_for_snapshots() {
        let mut events = small_chart();
        events.push(ChartEvent::AccountOpened(AccountOpened {
            currency: Some("JPY".to_owned()),
            ..opened_payload("1030", "Yen", AccountType::Asset)
        }));
        events.push(archived("1010"));
        let chart: ChartOfAccounts = fold(events);
        let json = serde_json::to_string(&chart).unwrap();
        assert_eq!(serde_json::from_str::<ChartOfAccounts>(&json).unwrap(), chart);
    }
}

mod account_type {
    use super::*;

    #[test]
    fn parse_accepts_exactly_the_five_lowercase_names() {
        for account_type in AccountType::ALL {
            assert_eq!(AccountType::parse(account_type.as_str()), Some(account_type));
            assert_eq!(account_type.to_string(), account_type.as_str());
        }
        for name in ["", "Asset", "assets", "revenue", "cost"] {
            assert_eq!(AccountType::parse(name), None, "{name}");
        }
    }

    #[test]
    fn normal_balance_is_debit_for_assets_and_expenses_and_credit_otherwise() {
        assert_eq!(AccountType::Asset.normal_balance(), Side::Debit);
        assert_eq!(AccountType::Expense.normal_balance(), Side::Debit);
        assert_eq!(AccountType::Liability.normal_balance(), Side::Credit);
        assert_eq!(AccountType::Equity.normal_balance(), Side::Credit);
        assert_eq!(AccountType::Income.normal_balance(), Side::Credit);
    }

    #[test]
    fn account_type_serializes_as_its_name() {
        assert_eq!(serde_json::to_value(AccountType::Liability).unwrap(), "liability");
        assert_eq!(serde_json::from_str::<AccountType>("\"income\"").unwrap(), AccountType::Income);
        assert!(serde_json::from_str::<AccountType>("\"Income\"").is_err());
    }
}

mod state_and_wire {
    use super::*;

    /// One of every error, with its field and kind.
    fn every_error() -> Vec<(ChartError, Option<&'static str>, RefusalKind)> {
        use RefusalKind::{Conflict, Invalid, NotFound};
        let code = || "1000".to_owned();
        vec![
            (ChartError::InvalidCode { reason: AccountCodeError::Empty }, Some("code"), Invalid),
            (ChartError::AccountExists { code: code() }, Some("code"), Conflict),
            (ChartError::NameBlank, Some("name"), Invalid),
            (ChartError::NameTooLong { chars: 201, max: 200 }, Some("name"), Invalid),
            (ChartError::NameUnchanged { code: code(), name: "Bank".to_owned() }, Some("name"), Invalid),
            (ChartError::InvalidAccountType { account_type: "x".to_owned() }, Some("account_type"), Invalid),
            (ChartError::ParentNotFound { parent: "1".to_owned() }, Some("parent"), Invalid),
            (ChartError::ParentNotHeader { parent: "1".to_owned() }, Some("parent"), Invalid),
            (
                ChartError::ParentTypeMismatch {
                    parent: "1".to_owned(),
                    parent_type: AccountType::Asset,
                    account_type: AccountType::Income,
                },
                Some("parent"),
                Invalid,
            ),
            (ChartError::ParentArchived { parent: "1".to_owned() }, Some("parent"), Invalid),
            (
                ChartError::InvalidCurrency { reason: CurrencyError::Unknown { code: "ABC".to_owned() } },
                Some("currency"),
                Invalid,
            ),
            (ChartError::CashNotAsset { account_type: AccountType::Income }, Some("cash"), Invalid),
            (ChartError::ChartFull { max: MAX_ACCOUNTS }, None, Invalid),
            (ChartError::AccountNotFound { code: code() }, Some("code"), NotFound),
            (ChartError::AlreadyArchived { code: code() }, None, Conflict),
            (ChartError::HasActiveChildren { code: code(), children: vec!["1".to_owned()] }, None, Conflict),
            (ChartError::NotArchived { code: code() }, None, Conflict),
            (ChartError::ParentStillArchived { code: code(), parent: "1".to_owned() }, None, Conflict),
            (ChartError::ChartNotEmpty { accounts: 3 }, None, Conflict),
        ]
    }

    #[test]
    fn every_error_has_a_unique_snake_case_code_a_field_and_a_kind() {
        assert_error_table(&every_error());
    }

    #[test]
    fn error_messages_name_the_values() {
        let message = |error: ChartError| error.to_string();
        assert_eq!(
            message(ChartError::ParentNotHeader { parent: "11".to_owned() }),
            "parent 11 is not a header account"
        );
        assert_eq!(
            message(ChartError::ParentTypeMismatch {
                parent: "2".to_owned(),
                parent_type: AccountType::Liability,
                account_type: AccountType::Asset,
            }),
            "parent 2 has account type liability, not asset"
        );
        assert_eq!(
            message(ChartError::CashNotAsset { account_type: AccountType::Income }),
            "only asset accounts can be cash, not income accounts"
        );
        assert_eq!(message(ChartError::AccountExists { code: "1000".to_owned() }), "account 1000 already exists");
        assert_eq!(
            message(ChartError::InvalidAccountType { account_type: "revenue".to_owned() }),
            "account_type \"revenue\" is not one of asset, liability, equity, income, expense"
        );
        assert_eq!(
            message(ChartError::InvalidCurrency { reason: CurrencyError::Unknown { code: "ABC".to_owned() } }),
            "currency is invalid: \"ABC\" is not an active ISO-4217 currency code"
        );
        assert_eq!(
            message(ChartError::ChartNotEmpty { accounts: 36 }),
            "the chart already has 36 accounts; the default chart loads only into an empty chart"
        );
    }

    #[test]
    fn commands_deserialize_from_api_json_with_optional_fields_omitted() {
        let json = serde_json::json!({"OpenAccount": {"code": "1000", "name": "Bank", "account_type": "asset"}});
        let command: ChartCommand = serde_json::from_value(json).unwrap();
        assert_eq!(command, open(open_input("1000", "Bank", "asset")));
        let json = serde_json::json!({"RenameAccount": {"code": "1000", "name": "Main bank"}});
        assert_eq!(serde_json::from_value::<ChartCommand>(json).unwrap(), rename("1000", "Main bank"));
        let json = serde_json::json!("LoadDefaultChart");
        assert_eq!(serde_json::from_value::<ChartCommand>(json).unwrap(), ChartCommand::LoadDefaultChart);
    }

    #[test]
    fn a_command_with_a_misspelled_field_is_refused_by_serde() {
        let json = serde_json::json!({"code": "1000", "name": "Bank", "account_type": "asset", "parnet": "1"});
        assert!(serde_json::from_value::<OpenAccount>(json).is_err());
        let json = serde_json::json!({"ArchiveAccount": {"code": "1000", "force": true}});
        assert!(serde_json::from_value::<ChartCommand>(json).is_err());
    }

    fn one_of_each_event() -> Vec<ChartEvent> {
        vec![
            opened("1000", "Bank", AccountType::Asset),
            renamed("1000", "Main bank"),
            archived("1000"),
            reactivated("1000"),
        ]
    }

    #[test]
    fn events_are_externally_tagged_and_round_trip() {
        for event in one_of_each_event() {
            let json = serde_json::to_value(&event).unwrap();
            let object = json.as_object().unwrap();
            assert_eq!(object.len(), 1);
            assert!(object.contains_key(&event.event_type()));
            let back: ChartEvent = serde_json::from_value(json).unwrap();
            assert_eq!(back, event);
        }
    }

    #[test]
    fn event_types_versions_and_aggregate_type_are_stable() {
        let types: Vec<String> = one_of_each_event().iter().map(DomainEvent::event_type).collect();
        assert_eq!(types, ["AccountOpened", "AccountRenamed", "AccountArchived", "AccountReactivated"]);
        assert!(one_of_each_event().iter().all(|e| e.event_version() == "1"));
        assert_eq!(ChartOfAccounts::TYPE, "finance.chart_of_accounts");
        assert_eq!(CHART_ID, "chart");
    }
}

mod avro_contract {
    //! The serde JSON of each event must have exactly the fields of its Avro schema,
    //! with compatible types, so the wire contract and the Rust types cannot drift.

    use super::*;
    use crate::avro_contract::assert_event_matches_schema;

    const OPENED_AVSC: &str = include_str!("../../../../schemas/avro/finance/AccountOpened.avsc");
    const RENAMED_AVSC: &str = include_str!("../../../../schemas/avro/finance/AccountRenamed.avsc");
    const ARCHIVED_AVSC: &str = include_str!("../../../../schemas/avro/finance/AccountArchived.avsc");
    const REACTIVATED_AVSC: &str = include_str!("../../../../schemas/avro/finance/AccountReactivated.avsc");

    #[test]
    fn account_opened_json_matches_its_avro_schema() {
        assert_event_matches_schema(OPENED_AVSC, &opened("1000", "Bank", AccountType::Asset));
        let full = AccountOpened {
            parent: Some("11".to_owned()),
            header: false,
            currency: Some("USD".to_owned()),
            cash: true,
            ..opened_payload("1020", "Bank USD", AccountType::Asset)
        };
        assert_event_matches_schema(OPENED_AVSC, &ChartEvent::AccountOpened(full));
    }

    #[test]
    fn account_renamed_archived_and_reactivated_json_match_their_avro_schemas() {
        assert_event_matches_schema(RENAMED_AVSC, &renamed("1000", "Main bank"));
        assert_event_matches_schema(ARCHIVED_AVSC, &archived("1000"));
        assert_event_matches_schema(REACTIVATED_AVSC, &reactivated("1000"));
    }

    #[test]
    fn every_event_decide_records_matches_its_schema() {
        let mut given = small_chart();
        given.push(archived("2000"));
        let commands = [
            (OPENED_AVSC, open(open_input("2100", "VAT payable", "liability"))),
            (RENAMED_AVSC, rename("2000", "Trade payables")),
            (ARCHIVED_AVSC, archive("1000")),
            (REACTIVATED_AVSC, reactivate("2000")),
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

    const CODES: &[&str] = &["1", "11", "12", "1000", "1010", "2", "2000", "4000"];

    fn arb_command() -> impl Strategy<Value = ChartCommand> {
        let code = proptest::sample::select(CODES);
        let account_type = proptest::sample::select(&["asset", "liability", "income", "bogus"][..]);
        let open = (
            code.clone(),
            account_type,
            proptest::option::of(proptest::sample::select(CODES)),
            any::<bool>(),
            proptest::option::of(proptest::sample::select(&["EUR", "USD", "eur"][..])),
            any::<bool>(),
        )
            .prop_map(|(code, account_type, parent, header, currency, cash)| {
                super::open(OpenAccount {
                    parent: parent.map(str::to_owned),
                    header,
                    currency: currency.map(str::to_owned),
                    cash,
                    ..open_input(code, "Generated", account_type)
                })
            });
        prop_oneof![
            4 => open,
            1 => (code.clone(), prop_oneof![Just("Generated"), Just("Other"), Just(" ")])
                .prop_map(|(code, name)| rename(code, name)),
            2 => code.clone().prop_map(archive),
            2 => code.prop_map(reactivate),
            1 => Just(ChartCommand::LoadDefaultChart),
        ]
    }

    /// The hierarchy invariants every chart `decide` can produce keeps.
    fn assert_invariants(chart: &ChartOfAccounts) {
        for account in chart.accounts() {
            let code = account.code();
            if let Some(parent_code) = account.parent() {
                let parent = chart.account(parent_code).unwrap_or_else(|| panic!("{code}: parent missing"));
                assert!(parent.is_header(), "{code}: parent {parent_code} is not a header");
                assert_eq!(parent.account_type(), account.account_type(), "{code}: parent type");
                assert!(account.is_archived() || !parent.is_archived(), "{code} active under archived {parent_code}");
            }
            assert!(!account.is_cash() || account.account_type() == AccountType::Asset, "{code}: cash");
            assert!(!account.name().trim().is_empty(), "{code}: blank name");
        }
        assert!(chart.len() <= MAX_ACCOUNTS);
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        /// Whatever is attempted, the hierarchy invariants hold, an accepted command records
        /// something, and no account is ever removed or changes type.
        #[test]
        fn any_sequence_of_commands_keeps_the_hierarchy_consistent(
            commands in proptest::collection::vec(arb_command(), 0..40),
        ) {
            check_command_sequence::<ChartOfAccounts>(&(), commands, |step| {
                prop_assert!(step.outcome.as_ref().map_or(true, |events| !events.is_empty()));
                for old in step.before.accounts() {
                    let new = step.after.account(old.code().as_str());
                    prop_assert_eq!(new.map(Account::account_type), Some(old.account_type()), "{}", old.code());
                }
                assert_invariants(step.after);
                Ok(())
            })?;
        }
    }
}
