//! When a saved report is emailed: a [`Schedule`] runs daily, weekly (on a weekday) or monthly
//! (on a day 1–28) at a time of day in UTC, and sends the file in one format to up to 20
//! recipients. [`Schedule::due`] says which occurrence, if any, is owed: the latest one not
//! after now, provided it is not before the schedule was set (to the minute) — a schedule set
//! at 07:00:30 with time 07:00 runs at once; one set at 07:01 waits for the next day. A sender
//! that was away for several occurrences owes only the latest: a report is a picture of now.

use chrono::{DateTime, Datelike, Days, Months, NaiveDate, NaiveTime, Timelike, Utc, Weekday};
use serde::{Deserialize, Serialize};

use crate::definition::Invalid;
use crate::export::ExportFormat;

/// Most recipients of a scheduled report.
const MAX_RECIPIENTS: usize = 20;
/// Longest email address (RFC 5321).
const MAX_ADDRESS_CHARS: usize = 254;

/// How often a report is sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Frequency {
    /// Every day.
    Daily,
    /// Every week, on `weekday`.
    Weekly,
    /// Every month, on `day_of_month`.
    Monthly,
}

/// When and to whom a report is emailed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Schedule {
    /// `daily`, `weekly` or `monthly`.
    pub frequency: Frequency,
    /// Time of day, UTC, `HH:MM`.
    pub time: String,
    /// For `weekly` (and only then): `monday` … `sunday`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weekday: Option<String>,
    /// For `monthly` (and only then): 1–28.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub day_of_month: Option<u32>,
    /// The file sent: `csv`, `xlsx` or `pdf`.
    pub format: String,
    /// Email addresses, 1–20, distinct.
    pub recipients: Vec<String>,
}

impl Schedule {
    /// The schedule's own fault, if any, with the field at fault relative to the schedule.
    ///
    /// # Errors
    /// The first field at fault.
    pub fn check(&self) -> Result<(), Invalid> {
        self.time_of_day()?;
        match (self.frequency, &self.weekday, self.day_of_month) {
            (Frequency::Weekly, Some(_), None) => {
                self.weekday_number()?;
            }
            (Frequency::Weekly, None, _) => return Err(Invalid::new("weekday", "a weekly schedule names its weekday")),
            (Frequency::Monthly, None, Some(1..=28)) => {}
            (Frequency::Monthly, None, _) => {
                return Err(Invalid::new("day_of_month", "a monthly schedule names its day, 1 to 28"));
            }
            (Frequency::Daily, None, None) => {}
            (_, Some(_), _) => return Err(Invalid::new("weekday", "only a weekly schedule has a weekday")),
            (_, None, Some(_)) => return Err(Invalid::new("day_of_month", "only a monthly schedule has a day")),
        }
        self.export_format()?;
        if self.recipients.is_empty() || self.recipients.len() > MAX_RECIPIENTS {
            return Err(Invalid::new("recipients", format!("1 to {MAX_RECIPIENTS} email addresses")));
        }
        for (index, address) in self.recipients.iter().enumerate() {
            if !plausible_address(address) {
                return Err(Invalid::new(format!("recipients[{index}]"), "an email address"));
            }
            if self.recipients[..index].contains(address) {
                return Err(Invalid::new(format!("recipients[{index}]"), "listed twice"));
            }
        }
        Ok(())
    }

    /// The file format sent.
    ///
    /// # Errors
    /// When `format` is not one of them.
    pub fn export_format(&self) -> Result<ExportFormat, Invalid> {
        ExportFormat::parse(&self.format).ok_or_else(|| Invalid::new("format", "csv, xlsx or pdf"))
    }

    /// The occurrence owed at `now` by a schedule set at `since`, if any.
    #[must_use]
    pub fn due(&self, since: DateTime<Utc>, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        let latest = self.latest_occurrence(now)?;
        let since_minute = since.with_second(0)?.with_nanosecond(0)?;
        (latest >= since_minute).then_some(latest)
    }

    /// The latest occurrence not after `now`.
    fn latest_occurrence(&self, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        let time = self.time_of_day().ok()?;
        let today = now.date_naive();
        let candidate = match self.frequency {
            Frequency::Daily => today,
            Frequency::Weekly => {
                let back = (7 + today.weekday().num_days_from_monday() - self.weekday_number().ok()?) % 7;
                today.checked_sub_days(Days::new(u64::from(back)))?
            }
            Frequency::Monthly => NaiveDate::from_ymd_opt(today.year(), today.month(), self.day_of_month?)?,
        };
        let at = candidate.and_time(time).and_utc();
        if at <= now {
            return Some(at);
        }
        let earlier = match self.frequency {
            Frequency::Daily => candidate.checked_sub_days(Days::new(1))?,
            Frequency::Weekly => candidate.checked_sub_days(Days::new(7))?,
            Frequency::Monthly => candidate.checked_sub_months(Months::new(1))?,
        };
        Some(earlier.and_time(time).and_utc())
    }

    fn time_of_day(&self) -> Result<NaiveTime, Invalid> {
        NaiveTime::parse_from_str(&self.time, "%H:%M")
            .ok()
            .filter(|_| self.time.len() == 5)
            .ok_or_else(|| Invalid::new("time", "a time of day in UTC, HH:MM"))
    }

    fn weekday_number(&self) -> Result<u32, Invalid> {
        let name = self.weekday.as_deref().unwrap_or_default();
        WEEKDAYS
            .iter()
            .find(|(weekday, _)| *weekday == name)
            .map(|(_, day)| day.num_days_from_monday())
            .ok_or_else(|| Invalid::new("weekday", "monday, tuesday, wednesday, thursday, friday, saturday or sunday"))
    }
}

/// Weekday names as schedules spell them.
const WEEKDAYS: [(&str, Weekday); 7] = [
    ("monday", Weekday::Mon),
    ("tuesday", Weekday::Tue),
    ("wednesday", Weekday::Wed),
    ("thursday", Weekday::Thu),
    ("friday", Weekday::Fri),
    ("saturday", Weekday::Sat),
    ("sunday", Weekday::Sun),
];

/// Whether `address` looks like `local@domain.tld`: the mail server has the last word.
fn plausible_address(address: &str) -> bool {
    let Some((local, domain)) = address.rsplit_once('@') else { return false };
    address.len() <= MAX_ADDRESS_CHARS
        && !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !address.chars().any(|c| c.is_whitespace() || c.is_control() || matches!(c, '<' | '>' | ',' | ';'))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn schedule(frequency: Frequency, time: &str, weekday: Option<&str>, day: Option<u32>) -> Schedule {
        Schedule {
            frequency,
            time: time.into(),
            weekday: weekday.map(Into::into),
            day_of_month: day,
            format: "xlsx".into(),
            recipients: vec!["cfo@example.com".into()],
        }
    }

    fn at(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text).expect("a time").with_timezone(&Utc)
    }

    #[test]
    fn the_latest_occurrence_is_owed_only_when_it_is_not_before_the_schedule_was_set() {
        let daily = schedule(Frequency::Daily, "07:00", None, None);
        // Set during the 07:00 minute: owed at once.
        assert_eq!(daily.due(at("2026-11-27T07:00:30Z"), at("2026-11-27T07:00:31Z")), Some(at("2026-11-27T07:00:00Z")));
        // Set at 07:01: nothing until the next day, then that day's.
        assert_eq!(daily.due(at("2026-11-27T07:01:00Z"), at("2026-11-27T23:59:00Z")), None);
        assert_eq!(daily.due(at("2026-11-27T07:01:00Z"), at("2026-11-28T07:00:00Z")), Some(at("2026-11-28T07:00:00Z")));
        // Away for days: only the latest.
        assert_eq!(daily.due(at("2026-11-20T00:00:00Z"), at("2026-11-27T06:00:00Z")), Some(at("2026-11-26T07:00:00Z")));
    }

    #[test]
    fn weekly_and_monthly_occurrences_fall_on_their_day() {
        // 2026-11-27 is a Friday.
        let monday = schedule(Frequency::Weekly, "08:30", Some("monday"), None);
        assert_eq!(
            monday.due(at("2026-11-01T00:00:00Z"), at("2026-11-27T12:00:00Z")),
            Some(at("2026-11-23T08:30:00Z"))
        );
        let friday = schedule(Frequency::Weekly, "13:00", Some("friday"), None);
        assert_eq!(
            friday.due(at("2026-11-01T00:00:00Z"), at("2026-11-27T12:00:00Z")),
            Some(at("2026-11-20T13:00:00Z"))
        );
        let monthly = schedule(Frequency::Monthly, "06:00", None, Some(28));
        assert_eq!(
            monthly.due(at("2026-10-01T00:00:00Z"), at("2026-11-27T12:00:00Z")),
            Some(at("2026-10-28T06:00:00Z"))
        );
        assert_eq!(
            monthly.due(at("2026-10-01T00:00:00Z"), at("2026-11-28T06:00:00Z")),
            Some(at("2026-11-28T06:00:00Z"))
        );
    }

    #[test]
    fn each_fault_names_its_field() {
        let mut cases = vec![
            (schedule(Frequency::Daily, "7:00", None, None), "time"),
            (schedule(Frequency::Daily, "24:00", None, None), "time"),
            (schedule(Frequency::Weekly, "07:00", None, None), "weekday"),
            (schedule(Frequency::Weekly, "07:00", Some("someday"), None), "weekday"),
            (schedule(Frequency::Monthly, "07:00", None, Some(31)), "day_of_month"),
            (schedule(Frequency::Daily, "07:00", Some("monday"), None), "weekday"),
            (schedule(Frequency::Daily, "07:00", None, Some(1)), "day_of_month"),
        ];
        let mut bad_format = schedule(Frequency::Daily, "07:00", None, None);
        bad_format.format = "docx".into();
        cases.push((bad_format, "format"));
        let mut bad_address = schedule(Frequency::Daily, "07:00", None, None);
        bad_address.recipients.push("Boss <boss@example.com>".into());
        cases.push((bad_address, "recipients[1]"));
        let mut nobody = schedule(Frequency::Daily, "07:00", None, None);
        nobody.recipients.clear();
        cases.push((nobody, "recipients"));
        for (schedule, field) in cases {
            assert_eq!(schedule.check().map_err(|invalid| invalid.field), Err(field.to_owned()), "{schedule:?}");
        }
        assert_eq!(schedule(Frequency::Monthly, "23:59", None, Some(28)).check(), Ok(()));
    }
}
