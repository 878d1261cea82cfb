//! The one query behind every report: `journal_lines` of entries dated in a range, summed
//! per account and currency and joined with the chart (`accounts`) for name and type — on a
//! [`Basis`]: the lines' transaction amounts per transaction currency, or their functional
//! amounts under the functional currency. The sums are `numeric` in Postgres and read back as
//! text into `i64`, so an account whose net leaves `i64` is refused as [`ReadError::Overflow`]
//! rather than wrapped or rounded.

use chrono::NaiveDate;
use prism_aggregates::money::Currency;
use prism_aggregates::tenant::TenantId;
use serde::Serialize;
use sqlx::{FromRow, PgPool, Postgres, QueryBuilder};

use crate::error::{absent_if_unprovisioned, ReadError};
use crate::params::{self, InputError};
use crate::stores::tenant_table;

/// Which amounts of a line a report sums, and under which currency.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Basis {
    /// The amount in the line's transaction currency.
    Transaction,
    /// The amount in the tenant's functional currency, under that currency; lines without a
    /// functional amount (posted before the tenant had a functional currency) are left out.
    Functional,
}

impl Basis {
    /// Reads query parameter `basis`: `transaction` (the default) or `functional`.
    ///
    /// # Errors
    /// 422 naming `basis` for any other value.
    pub fn parse(value: Option<&str>) -> Result<Self, InputError> {
        match params::one_of("basis", value, &["transaction", "functional"])? {
            Some("functional") => Ok(Self::Functional),
            _ => Ok(Self::Transaction),
        }
    }

    /// The `journal_lines` columns summed: `(currency, debit, credit)`.
    fn columns(self) -> (&'static str, &'static str, &'static str) {
        match self {
            Self::Transaction => ("currency", "debit_minor", "credit_minor"),
            Self::Functional => ("functional_currency", "functional_debit_minor", "functional_credit_minor"),
        }
    }
}

/// Which lines a report sums.
#[derive(Debug, Clone, Copy)]
pub struct LedgerScope {
    /// First entry date, inclusive; from the first entry when `None`.
    pub from: Option<NaiveDate>,
    /// Last entry date, inclusive.
    pub to: NaiveDate,
    /// Which amounts are summed.
    pub basis: Basis,
    /// Only this currency, as reported (the functional currency on a functional basis);
    /// every currency when `None`.
    pub currency: Option<Currency>,
    /// Only accounts of these chart types (dropping accounts not in the chart); every
    /// account, charted or not, when `None`.
    pub account_types: Option<&'static [&'static str]>,
    /// Whether year-end closing entries count (not for the result of a period, which they close).
    pub closing_entries: bool,
}

/// One account's net movement in one currency over a scope.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountNet {
    /// ISO 4217 currency code.
    pub currency: String,
    /// Account code.
    pub code: String,
    /// Name from the chart; `None` when the account is not in the chart.
    pub name: Option<String>,
    /// Type from the chart (`asset` … `expense`); `None` when the account is not in the chart.
    pub account_type: Option<String>,
    /// Debits minus credits, in minor units.
    pub net_debit_minor: i64,
}

/// Every account with lines in `scope`, by currency then code (byte order).
///
/// # Errors
/// When the database refuses, or [`ReadError::Overflow`] when a net leaves `i64`.
pub async fn account_nets(pool: &PgPool, tenant: &TenantId, scope: LedgerScope) -> Result<Vec<AccountNet>, ReadError> {
    let (currency, debit, credit) = scope.basis.columns();
    let mut query = QueryBuilder::<Postgres>::new(format!(
        "SELECT l.{currency} AS currency, l.account AS code, a.name, a.account_type, \
                (sum(l.{debit}) - sum(l.{credit}))::text AS net_debit_minor \
         FROM {lines} l JOIN {entries} e ON e.entry_id = l.entry_id \
         LEFT JOIN {accounts} a ON a.code = l.account \
         WHERE l.{currency} IS NOT NULL AND e.entry_date <= ",
        lines = tenant_table(tenant, "journal_lines"),
        entries = tenant_table(tenant, "journal_entries"),
        accounts = tenant_table(tenant, "accounts"),
    ));
    query.push_bind(scope.to);
    if let Some(from) = scope.from {
        query.push(" AND e.entry_date >= ").push_bind(from);
    }
    if let Some(requested) = scope.currency {
        query.push(format!(" AND l.{currency} = ")).push_bind(requested.as_str());
    }
    if let Some(types) = scope.account_types {
        query.push(" AND a.account_type = ANY(").push_bind(types).push(")");
    }
    if !scope.closing_entries {
        query.push(" AND NOT e.closing");
    }
    query.push(format!(
        " GROUP BY l.{currency}, l.account, a.name, a.account_type \
          ORDER BY l.{currency} COLLATE \"C\", l.account COLLATE \"C\""
    ));
    let rows = query.build_query_as::<NetRow>().fetch_all(pool).await;
    absent_if_unprovisioned(rows, Vec::new())?.into_iter().map(NetRow::into_net).collect()
}

/// Every account with lines in `scope` (see [`account_nets`]), shaped by `section` into one
/// report section per currency (see [`by_currency`]).
///
/// # Errors
/// As [`account_nets`], or the first error `section` returns.
pub async fn currency_sections<T>(
    pool: &PgPool,
    tenant: &TenantId,
    scope: LedgerScope,
    section: impl Fn(String, Vec<AccountNet>) -> Result<T, ReadError>,
) -> Result<Vec<T>, ReadError> {
    let nets = account_nets(pool, tenant, scope).await?;
    by_currency(nets, scope.currency).into_iter().map(|(currency, nets)| section(currency, nets)).collect()
}

/// Splits nets ordered by currency into one `(currency, nets)` group per currency; when
/// `requested` is given, exactly that currency's group, empty when it has no nets.
#[must_use]
pub fn by_currency(nets: Vec<AccountNet>, requested: Option<Currency>) -> Vec<(String, Vec<AccountNet>)> {
    let mut groups: Vec<(String, Vec<AccountNet>)> = Vec::new();
    for net in nets {
        match groups.last_mut() {
            Some((currency, group)) if *currency == net.currency => group.push(net),
            _ => groups.push((net.currency.clone(), vec![net])),
        }
    }
    if let (Some(requested), true) = (requested, groups.is_empty()) {
        groups.push((requested.as_str().to_owned(), Vec::new()));
    }
    groups
}

/// A grouped row, the net still as Postgres' `numeric` text.
#[derive(FromRow)]
struct NetRow {
    currency: String,
    code: String,
    name: Option<String>,
    account_type: Option<String>,
    net_debit_minor: String,
}

impl NetRow {
    fn into_net(self) -> Result<AccountNet, ReadError> {
        let net_debit_minor =
            self.net_debit_minor.parse::<i64>().map_err(|_| ReadError::Overflow("an account's net balance"))?;
        Ok(AccountNet {
            currency: self.currency,
            code: self.code,
            name: self.name,
            account_type: self.account_type,
            net_debit_minor,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn net(currency: &str, code: &str) -> AccountNet {
        AccountNet {
            currency: currency.to_owned(),
            code: code.to_owned(),
            name: None,
            account_type: None,
            net_debit_minor: 1,
        }
    }

    #[test]
    fn nets_are_grouped_per_currency_in_order() {
        let groups = by_currency(vec![net("EUR", "1000"), net("EUR", "4000"), net("USD", "1000")], None);
        let shape: Vec<(&str, usize)> = groups.iter().map(|(c, nets)| (c.as_str(), nets.len())).collect();
        assert_eq!(shape, [("EUR", 2), ("USD", 1)]);
    }

    #[test]
    fn the_basis_is_transaction_by_default_functional_on_request_and_nothing_else() {
        assert_eq!(Basis::parse(None), Ok(Basis::Transaction));
        assert_eq!(Basis::parse(Some("transaction")), Ok(Basis::Transaction));
        assert_eq!(Basis::parse(Some("functional")), Ok(Basis::Functional));
        assert!(matches!(Basis::parse(Some("Functional")), Err(InputError::Invalid { field: "basis", .. })));
    }

    #[test]
    fn a_requested_currency_without_lines_is_an_empty_group() {
        let chf = Currency::parse("CHF").unwrap();
        assert_eq!(by_currency(Vec::new(), Some(chf)), [("CHF".to_owned(), Vec::new())]);
        assert!(by_currency(Vec::new(), None).is_empty());
    }
}
