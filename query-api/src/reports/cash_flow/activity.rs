//! Which activity of the cash-flow statement a cash movement belongs to, decided by the
//! account on the other side of the cash line (the counter-account).
//!
//! The chart does not yet say which accounts are investments or financing, so the rule is
//! read from the account type and, for assets and liabilities, the code — the default chart
//! groups non-current assets under header `15` ([`INVESTING_ASSET_PREFIX`]) and loans under
//! `25xx` ([`FINANCING_LIABILITY_PREFIX`]). [`Activity::of`] is the one place to change when
//! accounts get a cash-flow attribute of their own.

use serde::Serialize;

/// Code prefix of the asset accounts whose cash movements are investing: non-current assets.
pub const INVESTING_ASSET_PREFIX: &str = "15";

/// Code prefix of the liability accounts whose cash movements are financing: loans.
pub const FINANCING_LIABILITY_PREFIX: &str = "25";

/// A section of the cash-flow statement.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Activity {
    /// Cash from running the business: income and expense accounts, and every asset or
    /// liability account not classed as investing or financing (receivables, payables,
    /// tax, prepayments…), as well as accounts not in the chart.
    Operating,
    /// Cash spent on or received for non-current assets.
    Investing,
    /// Cash from or returned to owners and lenders: equity and loan accounts.
    Financing,
}

impl Activity {
    /// The activity of a cash movement whose counter-account is `code`, of chart type
    /// `account_type` (`None` when the account is not in the chart).
    #[must_use]
    pub fn of(account_type: Option<&str>, code: &str) -> Self {
        match account_type {
            Some("asset") if code.starts_with(INVESTING_ASSET_PREFIX) => Self::Investing,
            Some("liability") if code.starts_with(FINANCING_LIABILITY_PREFIX) => Self::Financing,
            Some("equity") => Self::Financing,
            _ => Self::Operating,
        }
    }

    /// The section's name, as in JSON and CSV.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Operating => "operating",
            Self::Investing => "investing",
            Self::Financing => "financing",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counter_accounts_are_classed_by_type_and_code() {
        let cases = [
            (Some("income"), "4000", Activity::Operating),
            (Some("expense"), "6100", Activity::Operating),
            (Some("asset"), "1100", Activity::Operating),
            (Some("asset"), "1500", Activity::Investing),
            (Some("asset"), "1510", Activity::Investing),
            (Some("liability"), "2000", Activity::Operating),
            (Some("liability"), "2100", Activity::Operating),
            (Some("liability"), "2500", Activity::Financing),
            (Some("equity"), "3000", Activity::Financing),
            (Some("equity"), "3100", Activity::Financing),
            (Some("income"), "1500", Activity::Operating),
            (Some("expense"), "2500", Activity::Operating),
            (None, "1500", Activity::Operating),
        ];
        for (account_type, code, activity) in cases {
            assert_eq!(Activity::of(account_type, code), activity, "{account_type:?} {code}");
        }
    }

    #[test]
    fn activity_names_are_the_json_names() {
        for activity in [Activity::Operating, Activity::Investing, Activity::Financing] {
            assert_eq!(serde_json::to_value(activity).unwrap(), activity.as_str());
        }
    }
}
