//! Given–when–then tests for every fiscal-calendar rule, fold tests for the queries the
//! journal entry relies on, property tests that periods tile their year, and the contract
//! test that keeps events and Avro schemas in step.

use std::sync::Arc;

use chrono::NaiveDate;
use cqrs_es::test::TestFramework;
use cqrs_es::{Aggregate, DomainEvent};

use super::aggregate::split_year;
use super::*;
use crate::finance::books::Books;
use crate::finance::chart::AccountRefusal;
use crate::finance::chart::{ChartCommand, ChartOfAccounts};
use crate::finance::exchange_rates::RateRefusal;
use crate::finance::journal_entry::{lines_balance, FunctionalAmount, PostedLine};
use crate::money::Currency;
use crate::refusal::{Refusal, RefusalKind};
use crate::test_support::{
    assert_accepted, assert_error_table, assert_refused_as, calendar_year_opened, date, fold, months_of, posted_line,
};

/// A ledger with fixed books and totals, as the year-end close sees it.
struct FixedLedger {
    books: Books,
    totals: Vec<AccountTotal>,
}

#[async_trait::async_trait]
impl LedgerTotals for FixedLedger {
    async fn books(&self) -> Result<Arc<Books>, String> {
        Ok(Arc::new(self.books.clone()))
    }

    async fn totals(&self, _from: NaiveDate, _to: NaiveDate) -> Result<Vec<AccountTotal>, String> {
        Ok(self.totals.clone())
    }
}

fn framework_with(books: Books, totals: Vec<AccountTotal>) -> TestFramework<FiscalCalendar> {
    TestFramework::with(Arc::new(FixedLedger { books, totals }) as Arc<dyn LedgerTotals>)
}

fn framework() -> TestFramework<FiscalCalendar> {
    framework_with(Books::default(), vec![])
}

fn span(period: &str, number: i32, start_date: NaiveDate, end_date: NaiveDate) -> PeriodSpan {
    PeriodSpan { period: period.to_owned(), number, start_date, end_date }
}

/// The event `open_year(start_date: <y>-01-01)` records: a calendar year of months.
fn year_opened(y: i32) -> CalendarEvent {
    CalendarEvent::FiscalYearOpened(calendar_year_opened(y))
}

fn closed(period: &str) -> CalendarEvent {
    CalendarEvent::FiscalPeriodClosed(FiscalPeriodClosed { period: period.to_owned() })
}

fn reopened(period: &str, reason: &str) -> CalendarEvent {
    CalendarEvent::FiscalPeriodReopened(FiscalPeriodReopened { period: period.to_owned(), reason: reason.to_owned() })
}

/// A closing of 2026 with one income line to retained earnings.
fn year_closed() -> CalendarEvent {
    let line = |line_no, account: &str, debit_minor, credit_minor| PostedLine {
        memo: Some("Year-end close".to_owned()),
        ..posted_line(line_no, account, debit_minor, credit_minor)
    };
    CalendarEvent::FiscalYearClosed(FiscalYearClosed {
        year: "2026".to_owned(),
        closing_date: date(2026, 12, 31),
        retained_earnings_account: "3200".to_owned(),
        entry_id: closing_entry_id_for("2026").to_string(),
        lines: vec![line(1, "4000", 500, 0), line(2, "3200", 0, 500)],
    })
}

fn locked(period: &str) -> CalendarEvent {
    CalendarEvent::FiscalPeriodLocked(FiscalPeriodLocked { period: period.to_owned() })
}

fn open_input(start_date: NaiveDate) -> OpenFiscalYear {
    OpenFiscalYear { year: None, start_date, end_date: None, period_length: None }
}

fn open_year(input: OpenFiscalYear) -> CalendarCommand {
    CalendarCommand::OpenFiscalYear(input)
}

fn close(period: &str) -> CalendarCommand {
    CalendarCommand::ClosePeriod { period: period.to_owned() }
}

fn reopen(period: &str, reason: &str) -> CalendarCommand {
    CalendarCommand::ReopenPeriod { period: period.to_owned(), reason: reason.to_owned() }
}

fn lock(period: &str) -> CalendarCommand {
    CalendarCommand::LockPeriod { period: period.to_owned() }
}

/// The one `FiscalYearOpened` that `command` records given `given`.
fn opened_year(given: Vec<CalendarEvent>, command: CalendarCommand) -> FiscalYearOpened {
    match assert_accepted(framework(), given, command).as_slice() {
        [CalendarEvent::FiscalYearOpened(opened)] => opened.clone(),
        other => panic!("expected one FiscalYearOpened, got {other:?}"),
    }
}

fn bounds(opened: &FiscalYearOpened) -> Vec<(NaiveDate, NaiveDate)> {
    opened.periods.iter().map(|p| (p.start_date, p.end_date)).collect()
}

mod opening_a_year {
    use super::*;

    #[test]
    fn a_year_from_its_start_date_alone_is_twelve_calendar_months_labelled_by_its_year() {
        framework()
            .given_no_previous_events()
            .when(open_year(open_input(date(2026, 1, 1))))
            .then_expect_events(vec![year_opened(2026)]);
    }

    #[test]
    fn a_july_to_june_year_ends_the_next_june_and_numbers_periods_from_july() {
        let opened = opened_year(
            vec![],
            open_year(OpenFiscalYear { year: Some("FY2026-27".to_owned()), ..open_input(date(2026, 7, 1)) }),
        );
        assert_eq!(opened.year, "FY2026-27");
        assert_eq!((opened.start_date, opened.end_date), (date(2026, 7, 1), date(2027, 6, 30)));
        assert_eq!(opened.periods.len(), 12);
        assert_eq!(opened.periods[0], span("FY2026-27-01", 1, date(2026, 7, 1), date(2026, 7, 31)));
        assert_eq!(opened.periods[6], span("FY2026-27-07", 7, date(2027, 1, 1), date(2027, 1, 31)));
        assert_eq!(opened.periods[7], span("FY2026-27-08", 8, date(2027, 2, 1), date(2027, 2, 28)));
        assert_eq!(opened.periods[11], span("FY2026-27-12", 12, date(2027, 6, 1), date(2027, 6, 30)));
    }

    #[test]
    fn the_default_label_is_the_start_dates_year() {
        let opened = opened_year(vec![], open_year(open_input(date(2025, 4, 1))));
        assert_eq!(opened.year, "2025");
        assert_eq!(opened.end_date, date(2026, 3, 31));
        assert_eq!(opened.periods[11].period, "2025-12");
        let opened = opened_year(vec![], open_year(open_input(date(987, 1, 1))));
        assert_eq!(opened.year, "0987");
    }

    #[test]
    fn a_quarterly_year_has_four_periods() {
        let opened = opened_year(
            vec![],
            open_year(OpenFiscalYear { period_length: Some("quarter".to_owned()), ..open_input(date(2026, 1, 1)) }),
        );
        assert_eq!(
            opened.periods,
            vec![
                span("2026-01", 1, date(2026, 1, 1), date(2026, 3, 31)),
                span("2026-02", 2, date(2026, 4, 1), date(2026, 6, 30)),
                span("2026-03", 3, date(2026, 7, 1), date(2026, 9, 30)),
                span("2026-04", 4, date(2026, 10, 1), date(2026, 12, 31)),
            ]
        );
    }

    #[test]
    fn an_explicit_month_period_length_is_the_default() {
        let explicit = opened_year(
            vec![],
            open_year(OpenFiscalYear { period_length: Some("month".to_owned()), ..open_input(date(2026, 1, 1)) }),
        );
        assert_eq!(CalendarEvent::FiscalYearOpened(explicit), year_opened(2026));
    }

    #[test]
    fn a_short_year_clips_its_last_period_to_the_end_date() {
        let opened = opened_year(
            vec![],
            open_year(OpenFiscalYear { end_date: Some(date(2026, 3, 15)), ..open_input(date(2026, 1, 1)) }),
        );
        assert_eq!(
            bounds(&opened),
            [
                (date(2026, 1, 1), date(2026, 1, 31)),
                (date(2026, 2, 1), date(2026, 2, 28)),
                (date(2026, 3, 1), date(2026, 3, 15)),
            ]
        );
        let quarterly = opened_year(
            vec![],
            open_year(OpenFiscalYear {
                end_date: Some(date(2026, 8, 31)),
                period_length: Some("quarter".to_owned()),
                ..open_input(date(2026, 1, 1))
            }),
        );
        assert_eq!(
            bounds(&quarterly),
            [
                (date(2026, 1, 1), date(2026, 3, 31)),
                (date(2026, 4, 1), date(2026, 6, 30)),
                (date(2026, 7, 1), date(2026, 8, 31)),
            ]
        );
    }

    #[test]
    fn a_one_day_year_has_one_period() {
        let opened = opened_year(
            vec![],
            open_year(OpenFiscalYear { end_date: Some(date(2026, 1, 1)), ..open_input(date(2026, 1, 1)) }),
        );
        assert_eq!(opened.periods, [span("2026-01", 1, date(2026, 1, 1), date(2026, 1, 1))]);
    }

    #[test]
    fn a_year_starting_mid_month_has_periods_from_that_day_of_each_month() {
        let opened = opened_year(vec![], open_year(open_input(date(2026, 4, 6))));
        assert_eq!(opened.end_date, date(2027, 4, 5));
        assert_eq!(opened.periods[0], span("2026-01", 1, date(2026, 4, 6), date(2026, 5, 5)));
        assert_eq!(opened.periods[11], span("2026-12", 12, date(2027, 3, 6), date(2027, 4, 5)));
    }

    #[test]
    fn a_year_starting_on_the_31st_clamps_period_starts_to_month_ends() {
        let opened = opened_year(vec![], open_year(open_input(date(2024, 1, 31))));
        assert_eq!(opened.end_date, date(2025, 1, 30));
        assert_eq!(
            bounds(&opened)[..3],
            [
                (date(2024, 1, 31), date(2024, 2, 28)),
                (date(2024, 2, 29), date(2024, 3, 30)),
                (date(2024, 3, 31), date(2024, 4, 29)),
            ]
        );
        assert_eq!(opened.periods.len(), 12);
    }

    #[test]
    fn a_twenty_four_month_year_is_accepted_with_twenty_four_periods() {
        let opened = opened_year(
            vec![],
            open_year(OpenFiscalYear { end_date: Some(date(2027, 12, 31)), ..open_input(date(2026, 1, 1)) }),
        );
        assert_eq!(opened.periods.len(), MAX_PERIODS);
        assert_eq!(opened.periods[23], span("2026-24", 24, date(2027, 12, 1), date(2027, 12, 31)));
        let quarterly = opened_year(
            vec![],
            open_year(OpenFiscalYear {
                end_date: Some(date(2027, 12, 31)),
                period_length: Some("quarter".to_owned()),
                ..open_input(date(2026, 1, 1))
            }),
        );
        assert_eq!(quarterly.periods.len(), 8);
    }

    #[test]
    fn a_year_one_day_longer_than_twenty_four_months_is_rejected() {
        assert_refused_as(
            framework(),
            vec![],
            open_year(OpenFiscalYear { end_date: Some(date(2028, 1, 1)), ..open_input(date(2026, 1, 1)) }),
            CalendarError::YearTooLong {
                start_date: date(2026, 1, 1),
                end_date: date(2028, 1, 1),
                latest: date(2027, 12, 31),
            },
            Some("end_date"),
            "year_too_long",
            RefusalKind::Invalid,
        );
    }

    #[test]
    fn an_end_date_before_the_start_date_is_rejected() {
        assert_refused_as(
            framework(),
            vec![],
            open_year(OpenFiscalYear { end_date: Some(date(2025, 12, 31)), ..open_input(date(2026, 1, 1)) }),
            CalendarError::EndBeforeStart { start_date: date(2026, 1, 1), end_date: date(2025, 12, 31) },
            Some("end_date"),
            "end_before_start",
            RefusalKind::Invalid,
        );
    }

    #[test]
    fn the_period_limit_is_never_reached_through_the_year_length_limit() {
        // 25 monthly periods need a year longer than 24 months, which is refused first; the
        // period limit is a second line of defence, checked on the split itself.
        let spans = split_year(date(2026, 1, 1), date(2028, 1, 31), PeriodLength::Month);
        assert_eq!(spans.len(), 25);
        assert_eq!(split_year(date(2026, 1, 1), date(2027, 12, 31), PeriodLength::Month).len(), MAX_PERIODS);
        let error = CalendarError::TooManyPeriods { count: 25, max: MAX_PERIODS };
        assert_eq!(error.to_string(), "the year would have 25 periods; at most 24 are allowed");
        assert_eq!((error.field().as_deref(), error.code()), (Some("period_length"), "too_many_periods"));
        assert_refused_as(
            framework(),
            vec![],
            open_year(OpenFiscalYear { end_date: Some(date(2028, 1, 31)), ..open_input(date(2026, 1, 1)) }),
            CalendarError::YearTooLong {
                start_date: date(2026, 1, 1),
                end_date: date(2028, 1, 31),
                latest: date(2027, 12, 31),
            },
            Some("end_date"),
            "year_too_long",
            RefusalKind::Invalid,
        );
    }

    #[test]
    fn an_unknown_period_length_is_rejected() {
        for length in ["", "Month", "week", "quarterly", "year"] {
            assert_refused_as(
                framework(),
                vec![],
                open_year(OpenFiscalYear { period_length: Some(length.to_owned()), ..open_input(date(2026, 1, 1)) }),
                CalendarError::InvalidPeriodLength { period_length: length.to_owned() },
                Some("period_length"),
                "invalid_period_length",
                RefusalKind::Invalid,
            );
        }
    }

    #[test]
    fn an_invalid_year_label_is_rejected() {
        let too_long = "Y".repeat(MAX_YEAR_LABEL_CHARS + 1);
        let cases = [
            ("", YearLabelError::Empty),
            ("-2026", YearLabelError::MustStartAlphanumeric),
            ("FY 2026", YearLabelError::InvalidCharacter { found: ' ', position: 2 }),
            ("2026/27", YearLabelError::InvalidCharacter { found: '/', position: 4 }),
            ("2026.1", YearLabelError::InvalidCharacter { found: '.', position: 4 }),
            ("FY2026é", YearLabelError::InvalidCharacter { found: 'é', position: 6 }),
            (too_long.as_str(), YearLabelError::TooLong { chars: 21, max: 20 }),
        ];
        for (year, reason) in cases {
            assert_refused_as(
                framework(),
                vec![],
                open_year(OpenFiscalYear { year: Some(year.to_owned()), ..open_input(date(2026, 1, 1)) }),
                CalendarError::InvalidYear { year: year.to_owned(), reason },
                Some("year"),
                "invalid_year",
                RefusalKind::Invalid,
            );
        }
    }

    #[test]
    fn a_label_at_the_length_limit_is_accepted() {
        let year = "FY-2026-a".to_owned() + &"9".repeat(MAX_YEAR_LABEL_CHARS - 9);
        let opened =
            opened_year(vec![], open_year(OpenFiscalYear { year: Some(year.clone()), ..open_input(date(2026, 1, 1)) }));
        assert_eq!(opened.periods[0].period, format!("{year}-01"));
    }

    #[test]
    fn a_label_already_in_the_calendar_is_a_conflict() {
        assert_refused_as(
            framework(),
            vec![year_opened(2026)],
            open_year(OpenFiscalYear { year: Some("2026".to_owned()), ..open_input(date(2030, 1, 1)) }),
            CalendarError::YearExists { year: "2026".to_owned() },
            Some("year"),
            "year_exists",
            RefusalKind::Conflict,
        );
    }

    #[test]
    fn a_year_overlapping_another_is_rejected_naming_it() {
        let expected = CalendarError::OverlapsYear {
            year: "2026".to_owned(),
            start_date: date(2026, 1, 1),
            end_date: date(2026, 12, 31),
        };
        assert_eq!(expected.to_string(), "the year overlaps fiscal year 2026 (2026-01-01 to 2026-12-31)");
        // starts inside
        assert_refused_as(
            framework(),
            vec![year_opened(2026)],
            open_year(OpenFiscalYear { year: Some("FY26-27".to_owned()), ..open_input(date(2026, 7, 1)) }),
            expected.clone(),
            Some("start_date"),
            "overlaps_year",
            RefusalKind::Invalid,
        );
        // ends on its first day
        assert_refused_as(
            framework(),
            vec![year_opened(2026)],
            open_year(open_input(date(2025, 1, 2))),
            expected.clone(),
            Some("start_date"),
            "overlaps_year",
            RefusalKind::Invalid,
        );
        // contains it
        assert_refused_as(
            framework(),
            vec![year_opened(2026)],
            open_year(OpenFiscalYear { end_date: Some(date(2026, 12, 31)), ..open_input(date(2025, 1, 1)) }),
            expected,
            Some("start_date"),
            "overlaps_year",
            RefusalKind::Invalid,
        );
    }

    #[test]
    fn an_overlap_with_several_years_names_the_earliest() {
        assert_refused_as(
            framework(),
            vec![year_opened(2027), year_opened(2026)],
            open_year(OpenFiscalYear {
                year: Some("LONG".to_owned()),
                end_date: Some(date(2027, 6, 30)),
                ..open_input(date(2026, 7, 1))
            }),
            CalendarError::OverlapsYear {
                year: "2026".to_owned(),
                start_date: date(2026, 1, 1),
                end_date: date(2026, 12, 31),
            },
            Some("start_date"),
            "overlaps_year",
            RefusalKind::Invalid,
        );
    }

    #[test]
    fn adjacent_years_and_a_gap_between_years_are_accepted() {
        assert_eq!(opened_year(vec![year_opened(2026)], open_year(open_input(date(2027, 1, 1)))).year, "2027");
        assert_eq!(opened_year(vec![year_opened(2026)], open_year(open_input(date(2025, 1, 1)))).year, "2025");
        assert_eq!(opened_year(vec![year_opened(2026)], open_year(open_input(date(2028, 3, 1)))).year, "2028");
    }

    #[test]
    fn the_first_broken_rule_is_reported() {
        // label before end date
        assert_refused_as(
            framework(),
            vec![],
            open_year(OpenFiscalYear {
                year: Some("bad label".to_owned()),
                end_date: Some(date(2000, 1, 1)),
                ..open_input(date(2026, 1, 1))
            }),
            CalendarError::InvalidYear {
                year: "bad label".to_owned(),
                reason: YearLabelError::InvalidCharacter { found: ' ', position: 3 },
            },
            Some("year"),
            "invalid_year",
            RefusalKind::Invalid,
        );
        // label unused before overlap and dates
        assert_refused_as(
            framework(),
            vec![year_opened(2026)],
            open_year(OpenFiscalYear { end_date: Some(date(2000, 1, 1)), ..open_input(date(2026, 1, 1)) }),
            CalendarError::YearExists { year: "2026".to_owned() },
            Some("year"),
            "year_exists",
            RefusalKind::Conflict,
        );
        // end date before period length
        assert_refused_as(
            framework(),
            vec![],
            open_year(OpenFiscalYear {
                end_date: Some(date(2025, 1, 1)),
                period_length: Some("week".to_owned()),
                ..open_input(date(2026, 1, 1))
            }),
            CalendarError::EndBeforeStart { start_date: date(2026, 1, 1), end_date: date(2025, 1, 1) },
            Some("end_date"),
            "end_before_start",
            RefusalKind::Invalid,
        );
        // period length before overlap
        assert_refused_as(
            framework(),
            vec![year_opened(2026)],
            open_year(OpenFiscalYear {
                year: Some("X".to_owned()),
                period_length: Some("week".to_owned()),
                ..open_input(date(2026, 1, 1))
            }),
            CalendarError::InvalidPeriodLength { period_length: "week".to_owned() },
            Some("period_length"),
            "invalid_period_length",
            RefusalKind::Invalid,
        );
    }

    #[test]
    fn years_at_the_end_of_the_calendar_clip_rather_than_overflow() {
        let start = NaiveDate::MAX.checked_sub_months(chrono::Months::new(3)).unwrap();
        let opened = opened_year(vec![], open_year(open_input(start)));
        assert_eq!(opened.end_date, NaiveDate::MAX);
        assert_eq!(opened.periods.last().unwrap().end_date, NaiveDate::MAX);
        assert!(opened.periods.len() <= 4);
    }
}

mod period_lifecycle {
    use super::*;

    #[test]
    fn closing_an_open_period_records_fiscal_period_closed() {
        framework().given(vec![year_opened(2026)]).when(close("2026-03")).then_expect_events(vec![closed("2026-03")]);
    }

    #[test]
    fn closing_an_unknown_period_is_not_found() {
        assert_refused_as(
            framework(),
            vec![year_opened(2026)],
            close("2026-13"),
            CalendarError::PeriodNotFound { period: "2026-13".to_owned() },
            Some("period"),
            "period_not_found",
            RefusalKind::NotFound,
        );
    }

    #[test]
    fn closing_a_closed_period_is_a_conflict() {
        assert_refused_as(
            framework(),
            vec![year_opened(2026), closed("2026-03")],
            close("2026-03"),
            CalendarError::AlreadyClosed { period: "2026-03".to_owned() },
            None,
            "already_closed",
            RefusalKind::Conflict,
        );
    }

    #[test]
    fn closing_a_locked_period_is_a_conflict() {
        assert_refused_as(
            framework(),
            vec![year_opened(2026), closed("2026-03"), locked("2026-03")],
            close("2026-03"),
            CalendarError::PeriodLocked { period: "2026-03".to_owned() },
            None,
            "period_locked",
            RefusalKind::Conflict,
        );
    }

    #[test]
    fn reopening_a_closed_period_records_the_reason() {
        framework()
            .given(vec![year_opened(2026), closed("2026-03")])
            .when(reopen("2026-03", "Late supplier invoice"))
            .then_expect_events(vec![reopened("2026-03", "Late supplier invoice")]);
    }

    #[test]
    fn a_period_can_be_closed_and_reopened_again_and_again() {
        let given = vec![year_opened(2026), closed("2026-03"), reopened("2026-03", "Late invoice")];
        framework().given(given.clone()).when(close("2026-03")).then_expect_events(vec![closed("2026-03")]);
        let mut given = given;
        given.push(closed("2026-03"));
        framework()
            .given(given)
            .when(reopen("2026-03", "Again"))
            .then_expect_events(vec![reopened("2026-03", "Again")]);
    }

    #[test]
    fn reopening_an_unknown_period_is_not_found_before_the_reason_is_checked() {
        assert_refused_as(
            framework(),
            vec![year_opened(2026)],
            reopen("2025-03", ""),
            CalendarError::PeriodNotFound { period: "2025-03".to_owned() },
            Some("period"),
            "period_not_found",
            RefusalKind::NotFound,
        );
    }

    #[test]
    fn reopening_without_a_reason_is_rejected_before_the_status_is_checked() {
        for reason in ["", " \n "] {
            assert_refused_as(
                framework(),
                vec![year_opened(2026), closed("2026-03")],
                reopen("2026-03", reason),
                CalendarError::ReasonBlank,
                Some("reason"),
                "reason_blank",
                RefusalKind::Invalid,
            );
        }
        assert_refused_as(
            framework(),
            vec![year_opened(2026)],
            reopen("2026-03", " "),
            CalendarError::ReasonBlank,
            Some("reason"),
            "reason_blank",
            RefusalKind::Invalid,
        );
    }

    #[test]
    fn a_reason_over_the_limit_is_rejected_and_one_at_the_limit_accepted() {
        let given = vec![year_opened(2026), closed("2026-03")];
        let reason = "r".repeat(MAX_REASON_CHARS);
        framework()
            .given(given.clone())
            .when(reopen("2026-03", &reason))
            .then_expect_events(vec![reopened("2026-03", &reason)]);
        assert_refused_as(
            framework(),
            given,
            reopen("2026-03", &"ü".repeat(MAX_REASON_CHARS + 1)),
            CalendarError::ReasonTooLong { chars: 501, max: 500 },
            Some("reason"),
            "reason_too_long",
            RefusalKind::Invalid,
        );
    }

    #[test]
    fn reopening_an_open_period_is_a_conflict() {
        assert_refused_as(
            framework(),
            vec![year_opened(2026)],
            reopen("2026-03", "Why not"),
            CalendarError::NotClosed { period: "2026-03".to_owned() },
            None,
            "not_closed",
            RefusalKind::Conflict,
        );
    }

    #[test]
    fn a_locked_period_never_reopens() {
        let expected = CalendarError::PeriodLocked { period: "2026-03".to_owned() };
        assert_eq!(expected.to_string(), "period 2026-03 is locked; a locked period never reopens or changes");
        assert_refused_as(
            framework(),
            vec![year_opened(2026), closed("2026-03"), locked("2026-03")],
            reopen("2026-03", "Auditor asked"),
            expected,
            None,
            "period_locked",
            RefusalKind::Conflict,
        );
    }

    #[test]
    fn locking_a_closed_period_records_fiscal_period_locked() {
        framework()
            .given(vec![year_opened(2026), closed("2026-03")])
            .when(lock("2026-03"))
            .then_expect_events(vec![locked("2026-03")]);
    }

    #[test]
    fn locking_an_unknown_period_is_not_found() {
        assert_refused_as(
            framework(),
            vec![],
            lock("2026-03"),
            CalendarError::PeriodNotFound { period: "2026-03".to_owned() },
            Some("period"),
            "period_not_found",
            RefusalKind::NotFound,
        );
    }

    #[test]
    fn locking_an_open_period_is_a_conflict() {
        assert_refused_as(
            framework(),
            vec![year_opened(2026), closed("2026-03"), reopened("2026-03", "Late invoice")],
            lock("2026-03"),
            CalendarError::StillOpen { period: "2026-03".to_owned() },
            None,
            "still_open",
            RefusalKind::Conflict,
        );
    }

    #[test]
    fn locking_a_locked_period_is_a_conflict() {
        assert_refused_as(
            framework(),
            vec![year_opened(2026), closed("2026-03"), locked("2026-03")],
            lock("2026-03"),
            CalendarError::AlreadyLocked { period: "2026-03".to_owned() },
            None,
            "already_locked",
            RefusalKind::Conflict,
        );
    }
}

mod queries {
    use super::*;

    #[test]
    fn period_for_finds_the_period_on_its_first_and_last_day() {
        let calendar: FiscalCalendar = fold([year_opened(2026)]);
        for expected in months_of(2026) {
            for day in [expected.start_date, expected.end_date] {
                let period = calendar.period_for(day).unwrap_or_else(|| panic!("no period for {day}"));
                assert_eq!(period.period(), expected.period, "{day}");
            }
        }
        assert_eq!(calendar.period_for(date(2026, 2, 28)).unwrap().period(), "2026-02");
        assert_eq!(calendar.period_for(date(2026, 3, 1)).unwrap().period(), "2026-03");
        assert!(calendar.period_for(date(2025, 12, 31)).is_none());
        assert!(calendar.period_for(date(2027, 1, 1)).is_none());
    }

    #[test]
    fn period_for_in_a_july_to_june_year() {
        let opened = opened_year(
            vec![],
            open_year(OpenFiscalYear { year: Some("FY27".to_owned()), ..open_input(date(2026, 7, 1)) }),
        );
        let calendar: FiscalCalendar = fold([CalendarEvent::FiscalYearOpened(opened)]);
        let label = |d| calendar.period_for(d).map(|p| p.period().to_owned());
        assert_eq!(label(date(2026, 6, 30)), None);
        assert_eq!(label(date(2026, 7, 1)).as_deref(), Some("FY27-01"));
        assert_eq!(label(date(2026, 12, 31)).as_deref(), Some("FY27-06"));
        assert_eq!(label(date(2027, 1, 1)).as_deref(), Some("FY27-07"));
        assert_eq!(label(date(2027, 6, 30)).as_deref(), Some("FY27-12"));
        assert_eq!(label(date(2027, 7, 1)), None);
        assert_eq!(calendar.year_of(date(2027, 3, 15)).unwrap().year(), "FY27");
    }

    #[test]
    fn period_for_in_a_quarterly_year() {
        let opened = opened_year(
            vec![],
            open_year(OpenFiscalYear { period_length: Some("quarter".to_owned()), ..open_input(date(2026, 1, 1)) }),
        );
        let calendar: FiscalCalendar = fold([CalendarEvent::FiscalYearOpened(opened)]);
        let number = |d| calendar.period_for(d).unwrap().number();
        assert_eq!(number(date(2026, 3, 31)), 1);
        assert_eq!(number(date(2026, 4, 1)), 2);
        assert_eq!(number(date(2026, 12, 31)), 4);
        assert_eq!(calendar.periods().count(), 4);
    }

    #[test]
    fn check_open_accepts_a_date_in_an_open_period_and_returns_it() {
        let calendar: FiscalCalendar = fold([year_opened(2026)]);
        let period = calendar.check_open(date(2026, 5, 17)).unwrap();
        assert_eq!(period.period(), "2026-05");
        assert_eq!(period.year(), "2026");
        assert_eq!(period.number(), 5);
        assert_eq!((period.start_date(), period.end_date()), (date(2026, 5, 1), date(2026, 5, 31)));
        assert_eq!(period.status(), PeriodStatus::Open);
    }

    #[test]
    fn check_open_refuses_a_date_outside_every_year() {
        assert_eq!(FiscalCalendar::default().check_open(date(2026, 1, 1)).unwrap_err(), PeriodRefusal::NoFiscalYear);
        let calendar: FiscalCalendar = fold([year_opened(2024), year_opened(2026)]);
        for day in [date(2023, 12, 31), date(2025, 1, 1), date(2025, 7, 1), date(2025, 12, 31), date(2027, 1, 1)] {
            assert_eq!(calendar.check_open(day).unwrap_err(), PeriodRefusal::NoFiscalYear, "{day}");
        }
    }

    #[test]
    fn check_open_refuses_a_date_in_a_closed_or_locked_period() {
        let calendar: FiscalCalendar =
            fold([year_opened(2026), closed("2026-03"), closed("2026-04"), locked("2026-04")]);
        assert_eq!(
            calendar.check_open(date(2026, 3, 31)).unwrap_err(),
            PeriodRefusal::NotOpen { period: "2026-03".to_owned(), status: PeriodStatus::Closed }
        );
        assert_eq!(
            calendar.check_open(date(2026, 4, 1)).unwrap_err(),
            PeriodRefusal::NotOpen { period: "2026-04".to_owned(), status: PeriodStatus::Locked }
        );
        assert!(calendar.check_open(date(2026, 2, 28)).is_ok());
        assert!(calendar.check_open(date(2026, 5, 1)).is_ok());
    }

    #[test]
    fn check_open_accepts_a_reopened_period() {
        let calendar: FiscalCalendar =
            fold([year_opened(2026), closed("2026-03"), reopened("2026-03", "Late invoice")]);
        assert!(calendar.check_open(date(2026, 3, 10)).is_ok());
    }

    #[test]
    fn period_refusals_have_messages_and_stable_codes() {
        assert_eq!(PeriodRefusal::NoFiscalYear.to_string(), "no fiscal year covers the date");
        assert_eq!(PeriodRefusal::NoFiscalYear.code(), "no_fiscal_year");
        let not_open = PeriodRefusal::NotOpen { period: "2026-03".to_owned(), status: PeriodStatus::Locked };
        assert_eq!(not_open.to_string(), "period 2026-03 is locked");
        assert_eq!(not_open.code(), "period_not_open");
    }

    #[test]
    fn years_and_periods_are_listed_in_date_order_whatever_the_order_they_were_opened_in() {
        let calendar: FiscalCalendar = fold([year_opened(2027), year_opened(2025), year_opened(2026)]);
        let years: Vec<&str> = calendar.years().map(FiscalYear::year).collect();
        assert_eq!(years, ["2025", "2026", "2027"]);
        let periods: Vec<&str> = calendar.periods().map(Period::period).collect();
        assert_eq!(periods.len(), 36);
        assert_eq!((periods[0], periods[12], periods[35]), ("2025-01", "2026-01", "2027-12"));
        assert!(calendar.periods().zip(calendar.periods().skip(1)).all(|(a, b)| a.end_date() < b.start_date()));
        assert_eq!(calendar.period_for(date(2026, 1, 1)).unwrap().period(), "2026-01");
        assert_eq!(calendar.period_for(date(2025, 12, 31)).unwrap().period(), "2025-12");
    }

    #[test]
    fn year_of_and_lookups_by_label() {
        let calendar: FiscalCalendar = fold([year_opened(2026)]);
        let year = calendar.year_of(date(2026, 12, 31)).unwrap();
        assert_eq!((year.year(), year.start_date(), year.end_date()), ("2026", date(2026, 1, 1), date(2026, 12, 31)));
        assert!(year.contains(date(2026, 6, 1)));
        assert!(calendar.year_of(date(2027, 1, 1)).is_none());
        assert_eq!(calendar.year("2026"), Some(year));
        assert!(calendar.year("2027").is_none());
        assert_eq!(calendar.period("2026-12").unwrap().start_date(), date(2026, 12, 1));
        assert!(calendar.period("2026-13").is_none());
    }

    #[test]
    fn folding_tracks_each_periods_status() {
        let mut calendar: FiscalCalendar = fold([year_opened(2026)]);
        let status = |c: &FiscalCalendar| c.period("2026-03").unwrap().status();
        assert_eq!(status(&calendar), PeriodStatus::Open);
        calendar.apply(closed("2026-03"));
        assert_eq!(status(&calendar), PeriodStatus::Closed);
        calendar.apply(reopened("2026-03", "Late invoice"));
        assert_eq!(status(&calendar), PeriodStatus::Open);
        calendar.apply(closed("2026-03"));
        calendar.apply(locked("2026-03"));
        assert_eq!(status(&calendar), PeriodStatus::Locked);
        assert_eq!(calendar.period("2026-04").unwrap().status(), PeriodStatus::Open);
    }

    #[test]
    fn aggregate_state_round_trips_through_serde_for_snapshots() {
        let calendar: FiscalCalendar =
            fold([year_opened(2026), year_opened(2025), closed("2025-12"), locked("2025-12")]);
        let json = serde_json::to_string(&calendar).unwrap();
        assert_eq!(serde_json::from_str::<FiscalCalendar>(&json).unwrap(), calendar);
    }

    #[test]
    fn statuses_and_lengths_have_stable_names() {
        let names = [PeriodStatus::Open, PeriodStatus::Closed, PeriodStatus::Locked].map(PeriodStatus::as_str);
        assert_eq!(names, ["open", "closed", "locked"]);
        assert_eq!(PeriodStatus::Locked.to_string(), "locked");
        assert_eq!(serde_json::to_value(PeriodStatus::Closed).unwrap(), "closed");
        assert_eq!(PeriodLength::parse("month"), Some(PeriodLength::Month));
        assert_eq!(PeriodLength::parse("quarter"), Some(PeriodLength::Quarter));
        assert_eq!(PeriodLength::parse("Quarter"), None);
        assert_eq!((PeriodLength::Month.months(), PeriodLength::Quarter.months()), (1, 3));
        assert_eq!((PeriodLength::Month.as_str(), PeriodLength::Quarter.as_str()), ("month", "quarter"));
        assert_eq!(PeriodLength::default(), PeriodLength::Month);
    }
}

mod state_and_wire {
    use super::*;

    /// One of every error, with its field and kind.
    fn every_error() -> Vec<(CalendarError, Option<&'static str>, RefusalKind)> {
        use RefusalKind::{Conflict, Invalid, NotFound};
        let period = || "2026-03".to_owned();
        let d = date(2026, 1, 1);
        vec![
            (CalendarError::InvalidYear { year: String::new(), reason: YearLabelError::Empty }, Some("year"), Invalid),
            (CalendarError::YearExists { year: "2026".to_owned() }, Some("year"), Conflict),
            (CalendarError::EndBeforeStart { start_date: d, end_date: d }, Some("end_date"), Invalid),
            (CalendarError::YearTooLong { start_date: d, end_date: d, latest: d }, Some("end_date"), Invalid),
            (CalendarError::InvalidPeriodLength { period_length: "week".to_owned() }, Some("period_length"), Invalid),
            (CalendarError::TooManyPeriods { count: 25, max: 24 }, Some("period_length"), Invalid),
            (
                CalendarError::OverlapsYear { year: "2026".to_owned(), start_date: d, end_date: d },
                Some("start_date"),
                Invalid,
            ),
            (CalendarError::PeriodNotFound { period: period() }, Some("period"), NotFound),
            (CalendarError::AlreadyClosed { period: period() }, None, Conflict),
            (CalendarError::PeriodLocked { period: period() }, None, Conflict),
            (CalendarError::ReasonBlank, Some("reason"), Invalid),
            (CalendarError::ReasonTooLong { chars: 501, max: 500 }, Some("reason"), Invalid),
            (CalendarError::NotClosed { period: period() }, None, Conflict),
            (CalendarError::StillOpen { period: period() }, None, Conflict),
            (CalendarError::AlreadyLocked { period: period() }, None, Conflict),
            (CalendarError::NoFunctionalCurrency, None, Conflict),
            (
                CalendarError::RevaluationDateNotOpen { date: d, refusal: PeriodRefusal::NoFiscalYear },
                Some("date"),
                Invalid,
            ),
            (CalendarError::RevaluationNotAfterLast { date: d, last: d }, Some("date"), Conflict),
            (
                CalendarError::RevaluationRate {
                    date: d,
                    refusal: RateRefusal::MissingRate { currency: Currency::parse("USD").unwrap(), date: d },
                },
                Some("date"),
                Invalid,
            ),
            (
                CalendarError::ExchangeAccountNotPostable {
                    purpose: "gains",
                    code: "4920",
                    currency: Currency::parse("EUR").unwrap(),
                    refusal: AccountRefusal::Archived,
                },
                None,
                Invalid,
            ),
        ]
    }

    #[test]
    fn every_error_has_a_unique_snake_case_code_a_field_and_a_kind() {
        assert_error_table(&every_error());
    }

    #[test]
    fn error_messages_name_the_values() {
        let error = CalendarError::YearTooLong {
            start_date: date(2026, 1, 1),
            end_date: date(2028, 1, 1),
            latest: date(2027, 12, 31),
        };
        assert_eq!(
            error.to_string(),
            "end_date 2028-01-01 is too late: a fiscal year starting 2026-01-01 ends 2027-12-31 at the latest"
        );
        let error = CalendarError::InvalidYear {
            year: "FY 26".to_owned(),
            reason: YearLabelError::InvalidCharacter { found: ' ', position: 2 },
        };
        assert_eq!(
            error.to_string(),
            "year \"FY 26\" is invalid: year label contains ' ' at position 2; only A-Z, a-z, 0-9 and - are allowed"
        );
        assert_eq!(
            CalendarError::StillOpen { period: "2026-03".to_owned() }.to_string(),
            "period 2026-03 is still open; close it before locking it"
        );
    }

    #[test]
    fn commands_deserialize_from_api_json_with_optional_fields_omitted() {
        let json = serde_json::json!({"OpenFiscalYear": {"start_date": "2026-07-01"}});
        assert_eq!(serde_json::from_value::<CalendarCommand>(json).unwrap(), open_year(open_input(date(2026, 7, 1))));
        let json = serde_json::json!({"ReopenPeriod": {"period": "2026-03", "reason": "Late invoice"}});
        assert_eq!(serde_json::from_value::<CalendarCommand>(json).unwrap(), reopen("2026-03", "Late invoice"));
    }

    #[test]
    fn a_command_with_a_misspelled_field_is_refused_by_serde() {
        let json = serde_json::json!({"start_date": "2026-07-01", "period": "month"});
        assert!(serde_json::from_value::<OpenFiscalYear>(json).is_err());
        let json = serde_json::json!({"LockPeriod": {"period": "2026-03", "force": true}});
        assert!(serde_json::from_value::<CalendarCommand>(json).is_err());
    }

    fn one_of_each_event() -> Vec<CalendarEvent> {
        vec![
            year_opened(2026),
            closed("2026-03"),
            reopened("2026-03", "Late invoice"),
            locked("2026-03"),
            year_closed(),
        ]
    }

    #[test]
    fn events_are_externally_tagged_and_round_trip() {
        for event in one_of_each_event() {
            let json = serde_json::to_value(&event).unwrap();
            let object = json.as_object().unwrap();
            assert_eq!(object.len(), 1);
            assert!(object.contains_key(&event.event_type()));
            let back: CalendarEvent = serde_json::from_value(json).unwrap();
            assert_eq!(back, event);
        }
        let json = serde_json::to_value(year_opened(2026)).unwrap();
        assert_eq!(json["FiscalYearOpened"]["periods"][1]["end_date"], "2026-02-28");
    }

    #[test]
    fn event_types_versions_and_aggregate_type_are_stable() {
        let types: Vec<String> = one_of_each_event().iter().map(DomainEvent::event_type).collect();
        assert_eq!(
            types,
            [
                "FiscalYearOpened",
                "FiscalPeriodClosed",
                "FiscalPeriodReopened",
                "FiscalPeriodLocked",
                "FiscalYearClosed"
            ]
        );
        assert!(one_of_each_event().iter().all(|e| e.event_version() == "1"));
        assert_eq!(FiscalCalendar::TYPE, "finance.fiscal_calendar");
        assert_eq!(CALENDAR_ID, "calendar");
    }
}

mod avro_contract {
    //! The serde JSON of each event must have exactly the fields of its Avro schema,
    //! with compatible types, so the wire contract and the Rust types cannot drift.

    use super::*;
    use crate::avro_contract::{assert_event_matches_schema, field_type};

    const YEAR_OPENED_AVSC: &str = include_str!("../../../../schemas/avro/finance/FiscalYearOpened.avsc");
    const CLOSED_AVSC: &str = include_str!("../../../../schemas/avro/finance/FiscalPeriodClosed.avsc");
    const REOPENED_AVSC: &str = include_str!("../../../../schemas/avro/finance/FiscalPeriodReopened.avsc");
    const LOCKED_AVSC: &str = include_str!("../../../../schemas/avro/finance/FiscalPeriodLocked.avsc");
    const YEAR_CLOSED_AVSC: &str = include_str!("../../../../schemas/avro/finance/FiscalYearClosed.avsc");

    #[test]
    fn fiscal_year_opened_json_matches_its_avro_schema_with_a_nested_period_span_record() {
        assert_event_matches_schema(YEAR_OPENED_AVSC, &year_opened(2026));
        assert_eq!(field_type(YEAR_OPENED_AVSC, "periods")["items"]["name"], "PeriodSpan");
    }

    #[test]
    fn period_events_json_match_their_avro_schemas() {
        assert_event_matches_schema(CLOSED_AVSC, &closed("2026-03"));
        assert_event_matches_schema(REOPENED_AVSC, &reopened("2026-03", "Late invoice"));
        assert_event_matches_schema(LOCKED_AVSC, &locked("2026-03"));
        assert_event_matches_schema(YEAR_CLOSED_AVSC, &year_closed());
    }

    #[test]
    fn every_event_decide_records_matches_its_schema() {
        let quarterly = open_year(OpenFiscalYear {
            year: Some("FY27".to_owned()),
            period_length: Some("quarter".to_owned()),
            ..open_input(date(2027, 1, 1))
        });
        let given = vec![year_opened(2026), closed("2026-03"), closed("2026-04")];
        let commands = [
            (YEAR_OPENED_AVSC, quarterly),
            (CLOSED_AVSC, close("2026-05")),
            (REOPENED_AVSC, reopen("2026-03", "Late invoice")),
            (LOCKED_AVSC, lock("2026-04")),
        ];
        for (avsc, command) in commands {
            for event in framework().given(given.clone()).when(command).inspect_result().unwrap() {
                assert_event_matches_schema(avsc, &event);
            }
        }
    }
}

mod properties {
    use chrono::{Datelike, Months};
    use proptest::prelude::*;

    use super::*;

    fn arb_date() -> impl Strategy<Value = NaiveDate> {
        (1990_i32..2110, 1_u32..=12, 1_u32..=31).prop_map(|(y, m, d)| {
            // clamp to the month's last day so 29–31 are exercised
            (0..4).find_map(|back| NaiveDate::from_ymd_opt(y, m, d - back)).unwrap()
        })
    }

    fn arb_length() -> impl Strategy<Value = PeriodLength> {
        prop_oneof![Just(PeriodLength::Month), Just(PeriodLength::Quarter)]
    }

    /// A year from `start`: the default 12 months, or an end date anywhere up to the limit.
    fn arb_open() -> impl Strategy<Value = (NaiveDate, Option<u32>, PeriodLength)> {
        (arb_date(), proptest::option::of(0_u32..=730), arb_length())
    }

    fn command(start: NaiveDate, extra_days: Option<u32>, length: PeriodLength) -> (OpenFiscalYear, NaiveDate) {
        let latest = start.checked_add_months(Months::new(MAX_YEAR_MONTHS)).unwrap().pred_opt().unwrap();
        let end = match extra_days {
            None => start.checked_add_months(Months::new(DEFAULT_YEAR_MONTHS)).unwrap().pred_opt().unwrap(),
            Some(days) => (start + chrono::Days::new(u64::from(days))).min(latest),
        };
        let input = OpenFiscalYear {
            year: None,
            start_date: start,
            end_date: extra_days.map(|_| end),
            period_length: Some(length.as_str().to_owned()),
        };
        (input, end)
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]

        #[test]
        fn periods_tile_the_year_exactly_in_order_without_gaps_or_overlaps(
            (start, extra_days, length) in arb_open(),
        ) {
            let (input, end) = command(start, extra_days, length);
            let opened = opened_year(vec![], open_year(input));
            prop_assert_eq!(opened.start_date, start);
            prop_assert_eq!(opened.end_date, end);
            prop_assert_eq!(opened.year.clone(), format!("{:04}", start.year()));
            let periods = &opened.periods;
            prop_assert!(!periods.is_empty() && periods.len() <= MAX_PERIODS);
            prop_assert_eq!(periods[0].start_date, start);
            prop_assert_eq!(periods[periods.len() - 1].end_date, end);
            for (i, period) in periods.iter().enumerate() {
                let number = i32::try_from(i + 1).unwrap();
                prop_assert_eq!(period.number, number);
                prop_assert_eq!(&period.period, &format!("{}-{number:02}", opened.year));
                prop_assert!(period.start_date <= period.end_date);
                let k = u32::try_from(i).unwrap() * length.months();
                prop_assert_eq!(period.start_date, start.checked_add_months(Months::new(k)).unwrap());
            }
            for pair in periods.windows(2) {
                prop_assert_eq!(pair[0].end_date.succ_opt().unwrap(), pair[1].start_date);
            }
            if extra_days.is_none() {
                prop_assert_eq!(periods.len(), 12 / usize::try_from(length.months()).unwrap());
            }
        }

        #[test]
        fn every_day_of_an_opened_year_falls_in_exactly_its_one_period(
            (start, extra_days, length) in arb_open(),
            offset in 0_u64..800,
        ) {
            let (input, end) = command(start, extra_days, length);
            let opened = opened_year(vec![], open_year(input));
            let calendar: FiscalCalendar = fold([CalendarEvent::FiscalYearOpened(opened)]);
            let day = start + chrono::Days::new(offset);
            let containing: Vec<&Period> = calendar.periods().filter(|p| p.contains(day)).collect();
            if day <= end {
                prop_assert_eq!(containing.len(), 1);
                prop_assert_eq!(calendar.period_for(day), Some(containing[0]));
                prop_assert!(calendar.check_open(day).is_ok());
                prop_assert!(calendar.year_of(day).is_some());
            } else {
                prop_assert!(containing.is_empty());
                prop_assert_eq!(calendar.period_for(day), None);
                prop_assert_eq!(calendar.check_open(day).unwrap_err(), PeriodRefusal::NoFiscalYear);
            }
        }

        #[test]
        fn years_opened_in_any_order_never_overlap(
            opens in proptest::collection::vec(arb_open(), 1..8),
        ) {
            let mut calendar = FiscalCalendar::default();
            for (n, (start, extra_days, length)) in opens.into_iter().enumerate() {
                let (mut input, _) = command(start, extra_days, length);
                input.year = Some(format!("Y{n}"));
                if let Ok(events) = calendar.decide(open_year(input)) {
                    for event in events {
                        calendar.apply(event);
                    }
                }
            }
            let years: Vec<&FiscalYear> = calendar.years().collect();
            for pair in years.windows(2) {
                prop_assert!(pair[0].end_date() < pair[1].start_date(), "{:?}", pair);
            }
            let periods: Vec<&Period> = calendar.periods().collect();
            for pair in periods.windows(2) {
                prop_assert!(pair[0].end_date() < pair[1].start_date(), "{:?}", pair);
            }
            for period in periods {
                prop_assert_eq!(calendar.period_for(period.start_date()), Some(period));
                prop_assert_eq!(calendar.period_for(period.end_date()), Some(period));
            }
        }
    }
}

mod year_end_close {
    use super::*;

    /// Books with the default chart (3200 Retained earnings, 4000 Sales, 6100 Rent, …).
    pub(super) fn default_books() -> Books {
        let mut books = Books::default();
        for event in ChartOfAccounts::default().decide(ChartCommand::LoadDefaultChart).unwrap() {
            books.apply_chart(event);
        }
        books
    }

    pub(super) fn total(account: &str, currency: &str, debit_minor: i64, credit_minor: i64) -> AccountTotal {
        AccountTotal {
            account: account.to_owned(),
            currency: currency.to_owned(),
            debit_minor,
            credit_minor,
            functional_debit_minor: 0,
            functional_credit_minor: 0,
        }
    }

    pub(super) fn all_closed(y: i32) -> Vec<CalendarEvent> {
        let mut events = vec![year_opened(y)];
        events.extend((1..=12).map(|m| closed(&format!("{y}-{m:02}"))));
        events
    }

    fn close_year(year: &str) -> CalendarCommand {
        CalendarCommand::CloseFiscalYear { year: year.to_owned(), retained_earnings_account: None }
    }

    fn posted(line_no: i32, account: &str, currency: &str, debit_minor: i64, credit_minor: i64) -> PostedLine {
        PostedLine {
            currency: currency.to_owned(),
            memo: Some("Year-end close".to_owned()),
            ..posted_line(line_no, account, debit_minor, credit_minor)
        }
    }

    #[test]
    fn closing_moves_income_and_expense_to_retained_earnings_per_currency() {
        let totals = vec![
            total("1000", "EUR", 900_000, 100_000), // balance sheet: not closed
            total("4000", "EUR", 10_000, 510_000),  // income 500,000 credit balance
            total("6100", "EUR", 120_000, 0),       // expense
            total("6900", "EUR", 5_000, 5_000),     // nets to zero: no line
            total("4000", "USD", 0, 7_000),
        ];
        let expected = FiscalYearClosed {
            year: "2026".to_owned(),
            closing_date: date(2026, 12, 31),
            retained_earnings_account: "3200".to_owned(),
            entry_id: closing_entry_id_for("2026").to_string(),
            lines: vec![
                posted(1, "4000", "EUR", 500_000, 0),
                posted(2, "6100", "EUR", 0, 120_000),
                posted(3, "4000", "USD", 7_000, 0),
                posted(4, "3200", "EUR", 0, 380_000),
                posted(5, "3200", "USD", 0, 7_000),
            ],
        };
        assert!(lines_balance(&expected.lines));
        framework_with(default_books(), totals)
            .given(all_closed(2026))
            .when(close_year("2026"))
            .then_expect_events(vec![CalendarEvent::FiscalYearClosed(expected)]);
    }

    #[test]
    fn a_loss_is_debited_to_retained_earnings() {
        let totals = vec![total("4000", "EUR", 0, 100), total("6100", "EUR", 250, 0)];
        let events = framework_with(default_books(), totals)
            .given(all_closed(2026))
            .when(close_year("2026"))
            .inspect_result()
            .unwrap();
        let [CalendarEvent::FiscalYearClosed(closed)] = events.as_slice() else { panic!("{events:?}") };
        assert_eq!(closed.lines.last().unwrap(), &posted(3, "3200", "EUR", 150, 0));
    }

    #[test]
    fn a_year_with_nothing_to_close_closes_without_lines() {
        let events =
            framework_with(default_books(), vec![]).given(all_closed(2026)).when(close_year("2026")).inspect_result();
        let events = events.unwrap();
        let [CalendarEvent::FiscalYearClosed(closed)] = events.as_slice() else { panic!("{events:?}") };
        assert!(closed.lines.is_empty());
    }

    #[test]
    fn a_year_with_open_periods_cannot_be_closed() {
        let mut given = all_closed(2026);
        given.push(reopened("2026-12", "late invoice"));
        let expected = CalendarError::PeriodsStillOpen { year: "2026".to_owned(), periods: vec!["2026-12".to_owned()] };
        assert_eq!(expected.code(), "periods_still_open");
        assert_eq!(expected.kind(), RefusalKind::Conflict);
        framework_with(default_books(), vec![]).given(given).when(close_year("2026")).then_expect_error(expected);
    }

    #[test]
    fn an_unknown_or_closed_year_is_refused() {
        framework()
            .given(all_closed(2026))
            .when(close_year("2030"))
            .then_expect_error(CalendarError::YearNotFound { year: "2030".to_owned() });
        let mut given = all_closed(2026);
        given.push(CalendarEvent::FiscalYearClosed(FiscalYearClosed {
            year: "2026".to_owned(),
            closing_date: date(2026, 12, 31),
            retained_earnings_account: "3200".to_owned(),
            entry_id: closing_entry_id_for("2026").to_string(),
            lines: vec![],
        }));
        framework()
            .given(given.clone())
            .when(close_year("2026"))
            .then_expect_error(CalendarError::YearClosed { year: "2026".to_owned() });
        let expected = CalendarError::YearClosed { year: "2026".to_owned() };
        framework().given(given).when(reopen("2026-03", "fix")).then_expect_error(expected);
    }

    #[test]
    fn retained_earnings_must_be_an_active_equity_account() {
        let command = CalendarCommand::CloseFiscalYear {
            year: "2026".to_owned(),
            retained_earnings_account: Some("4000".to_owned()),
        };
        let expected = CalendarError::RetainedEarningsNotEquity { code: "4000".to_owned() };
        assert_eq!(expected.field().as_deref(), Some("retained_earnings_account"));
        framework_with(default_books(), vec![]).given(all_closed(2026)).when(command).then_expect_error(expected);
    }

    #[test]
    fn an_unreadable_ledger_refuses_as_unavailable() {
        struct Down;
        #[async_trait::async_trait]
        impl LedgerTotals for Down {
            async fn books(&self) -> Result<Arc<Books>, String> {
                Err("down".to_owned())
            }
            async fn totals(&self, _: NaiveDate, _: NaiveDate) -> Result<Vec<AccountTotal>, String> {
                Err("down".to_owned())
            }
        }
        let expected = CalendarError::LedgerUnavailable { reason: "down".to_owned() };
        assert_eq!(expected.kind(), RefusalKind::Unavailable);
        TestFramework::<FiscalCalendar>::with(Arc::new(Down) as Arc<dyn LedgerTotals>)
            .given(all_closed(2026))
            .when(close_year("2026"))
            .then_expect_error(expected);
    }
}

mod functional_currency {
    use super::year_end_close::{default_books, total};
    use super::*;
    use crate::avro_contract::{assert_event_matches_schema, field_type};
    use crate::test_support::{archive_account, set_exchange_rates};

    const REVALUED_AVSC: &str = include_str!("../../../../schemas/avro/finance/ForeignCurrencyRevalued.avsc");

    /// The default chart in EUR with 1 USD = 0.95 EUR and 1 GBP = 1.2 EUR from 31 March 2026.
    fn books_in_eur() -> Books {
        let mut books = default_books();
        set_exchange_rates(&mut books, "EUR", &[("USD", date(2026, 3, 31), "0.95"), ("GBP", date(2026, 3, 31), "1.2")]);
        books
    }

    /// `total`, with functional debits and credits.
    fn priced(account: &str, currency: &str, amounts: (i64, i64), functional: (i64, i64)) -> AccountTotal {
        AccountTotal {
            functional_debit_minor: functional.0,
            functional_credit_minor: functional.1,
            ..total(account, currency, amounts.0, amounts.1)
        }
    }

    fn eur(debit_minor: i64, credit_minor: i64) -> Option<FunctionalAmount> {
        Some(FunctionalAmount { currency: "EUR".to_owned(), debit_minor, credit_minor })
    }

    /// A revaluation line on `account`: no transaction amount, `functional` of functional value.
    fn revaluation_line(
        line_no: i32,
        account: &str,
        currency: &str,
        functional: Option<FunctionalAmount>,
    ) -> PostedLine {
        PostedLine {
            currency: currency.to_owned(),
            memo: Some("Unrealised exchange difference".to_owned()),
            functional,
            ..posted_line(line_no, account, 0, 0)
        }
    }

    fn revalue(y: i32, m: u32, d: u32) -> CalendarCommand {
        CalendarCommand::RevalueForeignCurrency { date: date(y, m, d) }
    }

    fn revalued_on(revaluation_date: NaiveDate) -> CalendarEvent {
        CalendarEvent::ForeignCurrencyRevalued(ForeignCurrencyRevalued {
            revaluation_date,
            entry_id: revaluation_entry_id_for(revaluation_date).to_string(),
            functional_currency: "EUR".to_owned(),
            revaluations: vec![],
            lines: vec![],
        })
    }

    #[test]
    fn foreign_balances_of_asset_and_liability_accounts_are_brought_to_the_closing_rate() {
        let totals = vec![
            // 1,000.00 USD receivable booked at 0.90: worth 950.00 now, a gain of 50.00.
            priced("1100", "USD", (100_000, 0), (90_000, 0)),
            // 500.00 USD payable booked at 0.90: owes 475.00 now, a loss of 25.00.
            priced("2000", "USD", (0, 50_000), (0, 45_000)),
            // A GBP receivable settled at another rate than booked: 3.00 realised loss.
            priced("1100", "GBP", (10_000, 10_000), (11_800, 11_500)),
            // Already at the closing rate: revalued, no line.
            priced("1000", "USD", (20_000, 0), (19_000, 0)),
            // Income, and balances in the functional currency, are never revalued.
            priced("4000", "USD", (0, 100_000), (0, 90_000)),
            priced("1000", "EUR", (70_000, 0), (70_000, 0)),
        ];
        let events = framework_with(books_in_eur(), totals)
            .given(vec![year_opened(2026)])
            .when(revalue(2026, 3, 31))
            .inspect_result()
            .unwrap();
        let [CalendarEvent::ForeignCurrencyRevalued(revalued)] = events.as_slice() else { panic!("{events:?}") };
        let found: Vec<_> = revalued
            .revaluations
            .iter()
            .map(|r| {
                (
                    r.account.as_str(),
                    r.currency.as_str(),
                    r.balance_minor,
                    r.rate.as_str(),
                    r.carried_minor,
                    r.revalued_minor,
                )
            })
            .collect();
        assert_eq!(
            found,
            vec![
                ("1100", "USD", 100_000, "0.95", 90_000, 95_000),
                ("2000", "USD", -50_000, "0.95", -45_000, -47_500),
                ("1100", "GBP", 0, "1.2", 300, 0),
                ("1000", "USD", 20_000, "0.95", 19_000, 19_000),
            ]
        );
        let expected_lines = vec![
            revaluation_line(1, "1100", "USD", eur(5_000, 0)),
            revaluation_line(2, "2000", "USD", eur(0, 2_500)),
            revaluation_line(3, "1100", "GBP", eur(0, 300)),
            revaluation_line(4, "4920", "EUR", eur(0, 5_000)),
            revaluation_line(5, "6920", "EUR", eur(2_800, 0)),
        ];
        assert_eq!(revalued.lines, expected_lines);
        assert!(lines_balance(&revalued.lines));
        assert_eq!(revalued.entry_id, revaluation_entry_id_for(date(2026, 3, 31)).to_string());
        assert_event_matches_schema(REVALUED_AVSC, &events[0]);
        let posted_avsc = include_str!("../../../../schemas/avro/finance/JournalEntryPosted.avsc");
        assert_eq!(field_type(REVALUED_AVSC, "lines")["items"], field_type(posted_avsc, "lines")["items"]);
    }

    #[test]
    fn the_last_revaluation_is_folded_and_a_later_one_must_come_after_it() {
        let calendar: FiscalCalendar = fold([year_opened(2026), revalued_on(date(2026, 3, 31))]);
        let last = calendar.last_revaluation().unwrap();
        assert_eq!((last.date, last.entry_id.as_deref()), (date(2026, 3, 31), None));
        let expected = CalendarError::RevaluationNotAfterLast { date: date(2026, 3, 31), last: date(2026, 3, 31) };
        assert_eq!(expected.to_string(), "date 2026-03-31 is not after the last revaluation, on 2026-03-31");
        framework_with(books_in_eur(), vec![])
            .given(vec![year_opened(2026), revalued_on(date(2026, 3, 31))])
            .when(revalue(2026, 3, 31))
            .then_expect_error(expected);
        framework_with(books_in_eur(), vec![])
            .given(vec![year_opened(2026), revalued_on(date(2026, 3, 31))])
            .when(revalue(2026, 4, 30))
            .then_expect_events(vec![revalued_on(date(2026, 4, 30))]);
    }

    #[test]
    fn revaluing_needs_an_open_period_a_functional_currency_rates_and_exchange_accounts() {
        let closed_march = vec![year_opened(2026), closed("2026-03")];
        let not_open = CalendarError::RevaluationDateNotOpen {
            date: date(2026, 3, 31),
            refusal: PeriodRefusal::NotOpen { period: "2026-03".to_owned(), status: PeriodStatus::Closed },
        };
        framework_with(books_in_eur(), vec![])
            .given(closed_march)
            .when(revalue(2026, 3, 31))
            .then_expect_error(not_open);

        framework_with(default_books(), vec![])
            .given(vec![year_opened(2026)])
            .when(revalue(2026, 3, 31))
            .then_expect_error(CalendarError::NoFunctionalCurrency);

        let missing = CalendarError::RevaluationRate {
            date: date(2026, 3, 30),
            refusal: RateRefusal::MissingRate { currency: Currency::parse("USD").unwrap(), date: date(2026, 3, 30) },
        };
        assert_eq!(missing.code(), "missing_exchange_rate");
        framework_with(books_in_eur(), vec![priced("1100", "USD", (100, 0), (90, 0))])
            .given(vec![year_opened(2026)])
            .when(revalue(2026, 3, 30))
            .then_expect_error(missing);

        let mut books = books_in_eur();
        archive_account(&mut books, "6920");
        let archived = CalendarError::ExchangeAccountNotPostable {
            purpose: "losses",
            code: "6920",
            currency: Currency::parse("EUR").unwrap(),
            refusal: AccountRefusal::Archived,
        };
        framework_with(books, vec![])
            .given(vec![year_opened(2026)])
            .when(revalue(2026, 3, 31))
            .then_expect_error(archived);
    }

    #[test]
    fn the_year_end_close_zeroes_functional_values_too() {
        let totals = vec![
            priced("4000", "USD", (0, 100_000), (0, 90_000)),
            // Exchange gains hold only a functional value (from revaluations).
            priced("4920", "EUR", (0, 0), (0, 5_000)),
        ];
        let events = framework_with(books_in_eur(), totals)
            .given(year_end_close::all_closed(2026))
            .when(CalendarCommand::CloseFiscalYear { year: "2026".to_owned(), retained_earnings_account: None })
            .inspect_result()
            .unwrap();
        let [CalendarEvent::FiscalYearClosed(closed)] = events.as_slice() else { panic!("{events:?}") };
        let found: Vec<_> = closed
            .lines
            .iter()
            .map(|l| (l.account.as_str(), l.currency.as_str(), l.debit_minor, l.credit_minor, l.functional.clone()))
            .collect();
        assert_eq!(
            found,
            vec![
                ("4000", "USD", 100_000, 0, eur(90_000, 0)),
                ("4920", "EUR", 0, 0, eur(5_000, 0)),
                ("3200", "EUR", 0, 0, eur(0, 5_000)),
                ("3200", "USD", 0, 100_000, eur(0, 90_000)),
            ]
        );
        assert!(lines_balance(&closed.lines));
    }
}

mod command_sequence_properties {
    use proptest::prelude::*;

    use super::*;
    use crate::test_support::{check_command_sequence, check_status_move, command_sequences, SEQUENCE_CASES};

    use PeriodStatus as P;

    /// The period status changes each command may make.
    fn allowed_moves(command: &CalendarCommand) -> &'static [(PeriodStatus, PeriodStatus)] {
        match command {
            CalendarCommand::ClosePeriod { .. } => &[(P::Open, P::Closed)],
            CalendarCommand::ReopenPeriod { .. } => &[(P::Closed, P::Open)],
            CalendarCommand::LockPeriod { .. } => &[(P::Closed, P::Locked)],
            CalendarCommand::OpenFiscalYear(_)
            | CalendarCommand::CloseFiscalYear { .. }
            | CalendarCommand::RevalueForeignCurrency { .. } => &[],
        }
    }

    /// Years of two periods: 2026 in months to February, 2027 in quarters to June, and one
    /// overlapping 2026; closing, reopening and locking their periods (and one that never
    /// exists); closing either year; revaluing without a functional currency.
    fn arb_command() -> impl Strategy<Value = CalendarCommand> {
        let period = || {
            prop::sample::select(vec!["2026-01", "2026-02", "2027-01", "2027-02", "2026-03"]).prop_map(str::to_owned)
        };
        let year = || prop::sample::select(vec!["2026", "2027"]).prop_map(str::to_owned);
        prop_oneof![
            prop::sample::select(vec![
                OpenFiscalYear { end_date: Some(date(2026, 2, 28)), ..open_input(date(2026, 1, 1)) },
                OpenFiscalYear {
                    end_date: Some(date(2027, 6, 30)),
                    period_length: Some("quarter".to_owned()),
                    ..open_input(date(2027, 1, 1))
                },
                OpenFiscalYear {
                    year: Some("FY-X".to_owned()),
                    end_date: Some(date(2026, 3, 31)),
                    ..open_input(date(2026, 2, 1))
                },
            ])
            .prop_map(open_year),
            period().prop_map(|period| CalendarCommand::ClosePeriod { period }),
            (period(), prop::sample::select(vec!["Late invoice", " "]))
                .prop_map(|(period, reason)| CalendarCommand::ReopenPeriod { period, reason: reason.to_owned() }),
            period().prop_map(|period| CalendarCommand::LockPeriod { period }),
            year().prop_map(|year| CalendarCommand::CloseFiscalYear { year, retained_earnings_account: None }),
            Just(CalendarCommand::RevalueForeignCurrency { date: date(2026, 2, 28) }),
        ]
    }

    /// The periods of `year`, in order, tile it exactly: numbered from 1, from its first day
    /// to its last, each starting the day after the one before ends. Once closed, it has no
    /// open period and a closing entry.
    fn check_year(calendar: &FiscalCalendar, year: &FiscalYear) -> Result<(), TestCaseError> {
        let mut periods: Vec<&Period> = calendar.periods().filter(|period| period.year() == year.year()).collect();
        periods.sort_by_key(|period| period.number());
        prop_assert!(!periods.is_empty(), "{} has no periods", year.year());
        let mut next_start = Some(year.start_date());
        for (period, number) in periods.iter().zip(1..) {
            prop_assert_eq!(period.number(), number);
            prop_assert_eq!(Some(period.start_date()), next_start, "{}", period.period());
            prop_assert!(period.start_date() <= period.end_date());
            next_start = period.end_date().succ_opt();
        }
        prop_assert_eq!(periods.last().map(|period| period.end_date()), Some(year.end_date()));
        if year.is_closed() {
            prop_assert!(
                periods.iter().all(|period| period.status() != P::Open),
                "closed {} has an open period",
                year.year()
            );
        }
        // Every year has a result to close (see the ledger of the property), so a closing entry.
        prop_assert_eq!(year.is_closed(), year.closing_entry_id().is_some());
        Ok(())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(SEQUENCE_CASES))]

        /// Whatever is attempted, years never overlap and their periods tile them exactly; a
        /// period only moves open → closed → locked or back from closed to open, a locked
        /// one never changes; a closed year has no open period and stays closed; nothing
        /// opened is ever removed.
        #[test]
        fn years_never_overlap_and_periods_only_move_open_closed_locked(commands in command_sequences(arb_command())) {
            let services: Arc<dyn LedgerTotals> = Arc::new(FixedLedger {
                books: year_end_close::default_books(),
                totals: vec![year_end_close::total("4000", "EUR", 0, 500)],
            });
            check_command_sequence::<FiscalCalendar>(&services, commands, |step| {
                let calendar = step.after;
                let years: Vec<&FiscalYear> = calendar.years().collect();
                for (i, year) in years.iter().enumerate() {
                    check_year(calendar, year)?;
                    for other in &years[i + 1..] {
                        prop_assert!(year.end_date() < other.start_date() || other.end_date() < year.start_date(), "{} overlaps {}", year.year(), other.year());
                    }
                }
                for old in step.before.periods() {
                    let new = calendar.period(old.period());
                    let (before, after) = (old.status(), new.map(Period::status));
                    check_status_move(Some(before), after, P::Open, allowed_moves(step.command))?;
                }
                for old in step.before.years() {
                    let new = calendar.year(old.year());
                    prop_assert!(new.is_some_and(|new| new.is_closed() || !old.is_closed()), "{} was removed or reopened", old.year());
                }
                Ok(())
            })?;
        }
    }
}
