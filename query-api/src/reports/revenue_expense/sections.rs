//! The rows of the revenue and expense query shaped into the report: one section per
//! currency, its buckets with their accounts (expense signed as debits minus credits), the
//! bucket and section totals in checked `i64` arithmetic, and the accounts not yet classified.

use std::collections::BTreeSet;

use chrono::NaiveDate;
use prism_aggregates::money::Currency;

use super::queries::BucketRow;
use super::{BucketAccount, RevenueExpenseBucket, RevenueExpenseCurrency};
use crate::error::ReadError;
use crate::reports::{checked_neg, checked_sum};

/// Shapes rows ordered by currency, bucket and code into one section per currency; when
/// `requested` is given, exactly that currency's section, empty when it has no rows.
pub(super) fn sections(
    rows: Vec<BucketRow>,
    requested: Option<Currency>,
) -> Result<Vec<RevenueExpenseCurrency>, ReadError> {
    let mut groups: Vec<(String, Vec<BucketRow>)> = Vec::new();
    for row in rows {
        match groups.last_mut() {
            Some((currency, group)) if *currency == row.currency => group.push(row),
            _ => groups.push((row.currency.clone(), vec![row])),
        }
    }
    if let (Some(requested), true) = (requested, groups.is_empty()) {
        groups.push((requested.as_str().to_owned(), Vec::new()));
    }
    groups.into_iter().map(|(currency, rows)| section(currency, rows)).collect()
}

/// One currency's buckets, totals and unclassified accounts from its rows.
fn section(currency: String, rows: Vec<BucketRow>) -> Result<RevenueExpenseCurrency, ReadError> {
    let mut buckets: Vec<(NaiveDate, Vec<BucketAccount>)> = Vec::new();
    let mut unclassified_accounts = BTreeSet::new();
    for row in rows {
        let net_credit_minor =
            row.net_credit_minor.parse::<i64>().map_err(|_| ReadError::Overflow("an account's bucket amount"))?;
        let (account_type, amount_minor) = match row.account_type.as_deref() {
            Some("income") => ("income", net_credit_minor),
            Some("expense") => ("expense", checked_neg(net_credit_minor, "an expense amount")?),
            _ => {
                unclassified_accounts.insert(row.code);
                continue;
            }
        };
        let account = BucketAccount { code: row.code, account_type: account_type.to_owned(), amount_minor };
        match buckets.last_mut() {
            Some((start, accounts)) if *start == row.bucket_start => accounts.push(account),
            _ => buckets.push((row.bucket_start, vec![account])),
        }
    }
    let buckets = buckets
        .into_iter()
        .map(|(bucket_start, accounts)| bucket_totals(bucket_start, accounts))
        .collect::<Result<Vec<_>, _>>()?;
    let total_revenue_minor = checked_sum(buckets.iter().map(|b| b.revenue_minor), "total_revenue_minor")?;
    let total_expense_minor = checked_sum(buckets.iter().map(|b| b.expense_minor), "total_expense_minor")?;
    Ok(RevenueExpenseCurrency {
        currency,
        buckets,
        total_revenue_minor,
        total_expense_minor,
        net_minor: total_revenue_minor.checked_sub(total_expense_minor).ok_or(ReadError::Overflow("net_minor"))?,
        unclassified_accounts: unclassified_accounts.into_iter().collect(),
    })
}

/// A bucket with its accounts' totals.
fn bucket_totals(bucket_start: NaiveDate, accounts: Vec<BucketAccount>) -> Result<RevenueExpenseBucket, ReadError> {
    let of_type =
        |wanted: &'static str| accounts.iter().filter(move |a| a.account_type == wanted).map(|a| a.amount_minor);
    let revenue_minor = checked_sum(of_type("income"), "a bucket's revenue_minor")?;
    let expense_minor = checked_sum(of_type("expense"), "a bucket's expense_minor")?;
    let net_minor = revenue_minor.checked_sub(expense_minor).ok_or(ReadError::Overflow("a bucket's net_minor"))?;
    Ok(RevenueExpenseBucket { bucket_start, revenue_minor, expense_minor, net_minor, accounts })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(bucket_start: &str, code: &str, account_type: Option<&str>, net_credit_minor: &str) -> BucketRow {
        BucketRow {
            currency: "EUR".to_owned(),
            bucket_start: NaiveDate::parse_from_str(bucket_start, "%Y-%m-%d").unwrap(),
            code: code.to_owned(),
            account_type: account_type.map(str::to_owned),
            net_credit_minor: net_credit_minor.to_owned(),
        }
    }

    #[test]
    fn expense_is_debits_minus_credits_and_unknown_accounts_are_only_listed() {
        let rows = vec![
            row("2026-03-02", "4000", Some("income"), "900"),
            row("2026-03-02", "4999", None, "5"),
            row("2026-03-02", "6100", Some("expense"), "-300"),
            row("2026-03-09", "6100", Some("expense"), "50"),
        ];

        let section = section("EUR".to_owned(), rows).unwrap();

        let shape: Vec<(i64, i64, i64)> =
            section.buckets.iter().map(|b| (b.revenue_minor, b.expense_minor, b.net_minor)).collect();
        assert_eq!(shape, [(900, 300, 600), (0, -50, 50)]);
        assert_eq!((section.total_revenue_minor, section.total_expense_minor, section.net_minor), (900, 250, 650));
        assert_eq!(section.unclassified_accounts, ["4999"]);
    }

    #[test]
    fn amounts_that_leave_i64_are_refused() {
        let huge = row("2026-03-02", "4000", Some("income"), "9223372036854775808");
        assert!(matches!(section("EUR".to_owned(), vec![huge]), Err(ReadError::Overflow(_))));
        let max = [i64::MAX.to_string(), "1".to_owned()];
        let rows = max.iter().map(|amount| row("2026-03-02", "4000", Some("income"), amount)).collect();
        assert!(matches!(section("EUR".to_owned(), rows), Err(ReadError::Overflow(_))));
    }
}
