//! The default chart of accounts: a small company's chart, loaded on request
//! ([`super::ChartCommand::LoadDefaultChart`]) into an empty chart.
//!
//! Headers have short codes (`1`, `11`, `15`, `2`…`6`), posting accounts four digits. No
//! account has a fixed currency, so every account takes postings in any currency. The codes
//! the rest of the system posts to by default are the constants in [`default_accounts`];
//! they are part of the contract and do not change.

use super::AccountType;
use default_accounts as a;
use AccountType::{Asset, Equity, Expense, Income, Liability};

/// Codes of the default chart's posting accounts that other modules post to (sales and
/// purchase invoices, payments, VAT, year-end close, revaluation, stock and production postings).
pub mod default_accounts {
    /// `1000` Bank account (cash).
    pub const BANK: &str = "1000";
    /// `1010` Petty cash (cash).
    pub const PETTY_CASH: &str = "1010";
    /// `1100` Accounts receivable.
    pub const ACCOUNTS_RECEIVABLE: &str = "1100";
    /// `1200` Inventory.
    pub const INVENTORY: &str = "1200";
    /// `1210` Work in progress: the value of components consumed by work orders not yet
    /// completed.
    pub const WORK_IN_PROGRESS: &str = "1210";
    /// `1300` Prepaid expenses.
    pub const PREPAID_EXPENSES: &str = "1300";
    /// `1400` VAT receivable (input VAT).
    pub const VAT_RECEIVABLE: &str = "1400";
    /// `1500` Equipment.
    pub const EQUIPMENT: &str = "1500";
    /// `1510` Accumulated depreciation.
    pub const ACCUMULATED_DEPRECIATION: &str = "1510";
    /// `2000` Accounts payable.
    pub const ACCOUNTS_PAYABLE: &str = "2000";
    /// `2050` Goods received not invoiced (GR/IR): credited when purchased goods come into
    /// stock, debited by the vendor's bill for them.
    pub const GOODS_RECEIVED_NOT_INVOICED: &str = "2050";
    /// `2100` VAT payable (output VAT).
    pub const VAT_PAYABLE: &str = "2100";
    /// `2200` Accrued liabilities.
    pub const ACCRUED_LIABILITIES: &str = "2200";
    /// `2500` Loans payable.
    pub const LOANS_PAYABLE: &str = "2500";
    /// `3000` Owner's capital.
    pub const OWNERS_CAPITAL: &str = "3000";
    /// `3100` Owner's drawings.
    pub const OWNERS_DRAWINGS: &str = "3100";
    /// `3200` Retained earnings (the year-end close posts the result here).
    pub const RETAINED_EARNINGS: &str = "3200";
    /// `4000` Sales revenue.
    pub const SALES_REVENUE: &str = "4000";
    /// `4100` Service revenue.
    pub const SERVICE_REVENUE: &str = "4100";
    /// `4900` Other income.
    pub const OTHER_INCOME: &str = "4900";
    /// `4920` Exchange gains (realised and unrealised).
    pub const EXCHANGE_GAINS: &str = "4920";
    /// `5000` Cost of goods sold.
    pub const COST_OF_GOODS_SOLD: &str = "5000";
    /// `6000` Salaries and wages.
    pub const SALARIES_AND_WAGES: &str = "6000";
    /// `6100` Rent.
    pub const RENT: &str = "6100";
    /// `6200` Utilities.
    pub const UTILITIES: &str = "6200";
    /// `6300` Office supplies.
    pub const OFFICE_SUPPLIES: &str = "6300";
    /// `6400` Depreciation expense.
    pub const DEPRECIATION_EXPENSE: &str = "6400";
    /// `6900` Bank charges.
    pub const BANK_CHARGES: &str = "6900";
    /// `6920` Exchange losses (realised and unrealised).
    pub const EXCHANGE_LOSSES: &str = "6920";
}

/// One account of the default chart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DefaultAccount {
    /// Account code.
    pub code: &'static str,
    /// Display name.
    pub name: &'static str,
    /// Account type; a child has its parent's.
    pub account_type: AccountType,
    /// Code of the header it rolls up into; `None` for the top-level headers.
    pub parent: Option<&'static str>,
    /// Whether it only groups others.
    pub header: bool,
    /// Whether it is cash or a cash equivalent.
    pub cash: bool,
}

const fn header(
    code: &'static str,
    name: &'static str,
    account_type: AccountType,
    parent: Option<&'static str>,
) -> DefaultAccount {
    DefaultAccount { code, name, account_type, parent, header: true, cash: false }
}

const fn posting(
    code: &'static str,
    name: &'static str,
    account_type: AccountType,
    parent: &'static str,
) -> DefaultAccount {
    DefaultAccount { code, name, account_type, parent: Some(parent), header: false, cash: false }
}

const fn cash(code: &'static str, name: &'static str, parent: &'static str) -> DefaultAccount {
    DefaultAccount { cash: true, ..posting(code, name, AccountType::Asset, parent) }
}

/// The default chart, every parent before its children (the order the accounts are opened in).
pub const DEFAULT_CHART: &[DefaultAccount] = &[
    header("1", "Assets", Asset, None),
    header("11", "Current assets", Asset, Some("1")),
    cash(a::BANK, "Bank account", "11"),
    cash(a::PETTY_CASH, "Petty cash", "11"),
    posting(a::ACCOUNTS_RECEIVABLE, "Accounts receivable", Asset, "11"),
    posting(a::INVENTORY, "Inventory", Asset, "11"),
    posting(a::WORK_IN_PROGRESS, "Work in progress", Asset, "11"),
    posting(a::PREPAID_EXPENSES, "Prepaid expenses", Asset, "11"),
    posting(a::VAT_RECEIVABLE, "VAT receivable", Asset, "11"),
    header("15", "Non-current assets", Asset, Some("1")),
    posting(a::EQUIPMENT, "Equipment", Asset, "15"),
    posting(a::ACCUMULATED_DEPRECIATION, "Accumulated depreciation", Asset, "15"),
    header("2", "Liabilities", Liability, None),
    posting(a::ACCOUNTS_PAYABLE, "Accounts payable", Liability, "2"),
    posting(a::GOODS_RECEIVED_NOT_INVOICED, "Goods received not invoiced", Liability, "2"),
    posting(a::VAT_PAYABLE, "VAT payable", Liability, "2"),
    posting(a::ACCRUED_LIABILITIES, "Accrued liabilities", Liability, "2"),
    posting(a::LOANS_PAYABLE, "Loans payable", Liability, "2"),
    header("3", "Equity", Equity, None),
    posting(a::OWNERS_CAPITAL, "Owner's capital", Equity, "3"),
    posting(a::OWNERS_DRAWINGS, "Owner's drawings", Equity, "3"),
    posting(a::RETAINED_EARNINGS, "Retained earnings", Equity, "3"),
    header("4", "Income", Income, None),
    posting(a::SALES_REVENUE, "Sales revenue", Income, "4"),
    posting(a::SERVICE_REVENUE, "Service revenue", Income, "4"),
    posting(a::OTHER_INCOME, "Other income", Income, "4"),
    posting(a::EXCHANGE_GAINS, "Exchange gains", Income, "4"),
    header("5", "Cost of sales", Expense, None),
    posting(a::COST_OF_GOODS_SOLD, "Cost of goods sold", Expense, "5"),
    header("6", "Operating expenses", Expense, None),
    posting(a::SALARIES_AND_WAGES, "Salaries and wages", Expense, "6"),
    posting(a::RENT, "Rent", Expense, "6"),
    posting(a::UTILITIES, "Utilities", Expense, "6"),
    posting(a::OFFICE_SUPPLIES, "Office supplies", Expense, "6"),
    posting(a::DEPRECIATION_EXPENSE, "Depreciation expense", Expense, "6"),
    posting(a::BANK_CHARGES, "Bank charges", Expense, "6"),
    posting(a::EXCHANGE_LOSSES, "Exchange losses", Expense, "6"),
];
