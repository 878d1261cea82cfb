//! Finance (Clarity): the general ledger's building blocks — account codes, the chart of
//! accounts that says which accounts exist and take postings, the fiscal calendar that says
//! which periods are open, the tax rates, the books (chart, calendar and tax rates together)
//! every posting is checked against, the journal entry aggregate, and the business documents
//! that post to the ledger themselves: invoices (with credit notes) and payments.

pub mod account;
pub mod books;
pub mod budget;
pub mod calendar;
pub mod chart;
pub mod exchange_rates;
pub mod invoice;
pub mod journal_entry;
pub mod payment;
pub mod tax;
