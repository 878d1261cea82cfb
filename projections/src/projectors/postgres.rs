//! The Postgres ledger projection: journal entries with their lines and running balances
//! per account and currency, each with its functional-currency amounts, in the tenant's
//! schema — every entry [`ledger_posting`] finds, typed in or posted by an invoice, payment,
//! year-end close or revaluation — plus the books they are read with (chart of
//! accounts and fiscal calendar, see [`super::books`]) and the documents behind receivables
//! and payables (see [`super::documents`]), the tenant's users and organisation units (see
//! [`super::identity`]), its custom roles (see [`super::roles`]), its customers (see
//! [`super::customers`]), its sales pipeline and support tickets (see [`super::crm`]) and its
//! employee directory and payroll runs (see [`super::hr`]), its employees' leave (see
//! [`super::leave`]), performance reviews (see [`super::performance_reviews`]) and recruitment
//! (see [`super::recruitment`]), its bills of
//! materials, work orders and quality checks (see [`super::production`]) and its plant
//! equipment (see [`super::assets`]). A batch of postings becomes three set-based
//! statements (entries, lines, balance changes); a reversal is applied in order with an update
//! guarded by the original's status. Offsets and applied positions share the transaction (see
//! [`SqlProjection`]).

use std::collections::{BTreeMap, HashSet};

use chrono::{DateTime, NaiveDate, Utc};
use cqrs_es::Aggregate;
use prism_aggregates::crm::customer::Customer;
use prism_aggregates::crm::opportunity::Opportunity;
use prism_aggregates::crm::support_ticket::SupportTicket;
use prism_aggregates::finance::budget::Budgets;
use prism_aggregates::finance::calendar::FiscalCalendar;
use prism_aggregates::finance::chart::ChartOfAccounts;
use prism_aggregates::finance::exchange_rates::ExchangeRates;
use prism_aggregates::finance::invoice::Invoice;
use prism_aggregates::finance::journal_entry::{FunctionalAmount, JournalEntry, PostedLine};
use prism_aggregates::finance::payment::Payment;
use prism_aggregates::finance::tax::TaxRates;
use prism_aggregates::hr::employee::Employee;
use prism_aggregates::hr::job_opening::JobOpening;
use prism_aggregates::hr::leave_account::LeaveAccount;
use prism_aggregates::hr::payroll_run::PayrollRun;
use prism_aggregates::hr::performance_review::PerformanceReview;
use prism_aggregates::identity::organization::Organization;
use prism_aggregates::identity::roles::Roles;
use prism_aggregates::identity::user::User;
use prism_aggregates::production::asset::Asset;
use prism_aggregates::production::bill_of_materials::BillOfMaterials;
use prism_aggregates::production::quality_check::QualityCheck;
use prism_aggregates::production::work_order::WorkOrder;
use prism_aggregates::supply::item::Item;
use prism_aggregates::supply::locations::Locations;
use prism_aggregates::supply::purchase_order::PurchaseOrder;
use prism_aggregates::supply::sales_order::SalesOrder;
use prism_aggregates::supply::settings::SupplySettings;
use prism_aggregates::supply::stock::Stock;
use prism_platform::db::{self, MigrationSet};
use sqlx::PgConnection;
use uuid::Uuid;

use super::checkpoint::{SqlProjection, SqlWriter};
use super::{
    assets, books, budgets, crm, customers, documents, drafts, exchange_rates, hr, identity, leave, orders,
    performance_reviews, production, recruitment, roles, supply,
};
use crate::decode::{DomainEvent, ProjectedEvent};
use crate::posting::{ledger_posting, LedgerPosting};
use crate::projection::ProjectionError;

/// Name of this projector (checkpoints, applied positions).
pub const NAME: &str = "postgres";

/// Writes every finance event into the Postgres ledger tables, every supply event into the
/// supply tables ([`supply`], orders in [`orders`]), and every identity event into the users
/// and organisation units ([`identity`]), the custom roles ([`roles`]), every customer event
/// into the customers ([`customers`]), and every pipeline and ticket event into their tables
/// ([`crm`]).
pub struct LedgerWriter;

/// The projection built on [`LedgerWriter`].
pub type LedgerProjection = SqlProjection<LedgerWriter>;

#[async_trait::async_trait]
impl SqlWriter for LedgerWriter {
    const NAME: &'static str = NAME;
    const SETS: &'static [MigrationSet] = &[db::TENANT];
    const AGGREGATE_TYPES: &'static [&'static str] = &[
        JournalEntry::TYPE,
        ChartOfAccounts::TYPE,
        FiscalCalendar::TYPE,
        TaxRates::TYPE,
        Budgets::TYPE,
        ExchangeRates::TYPE,
        Invoice::TYPE,
        Payment::TYPE,
        Item::TYPE,
        Locations::TYPE,
        SupplySettings::TYPE,
        Stock::TYPE,
        SalesOrder::TYPE,
        PurchaseOrder::TYPE,
        User::TYPE,
        Organization::TYPE,
        Roles::TYPE,
        Opportunity::TYPE,
        SupportTicket::TYPE,
        Customer::TYPE,
        Employee::TYPE,
        PayrollRun::TYPE,
        PerformanceReview::TYPE,
        JobOpening::TYPE,
        LeaveAccount::TYPE,
        BillOfMaterials::TYPE,
        WorkOrder::TYPE,
        QualityCheck::TYPE,
        Asset::TYPE,
    ];

    async fn write_batch(
        tx: &mut PgConnection,
        schema: &str,
        events: &[&ProjectedEvent],
    ) -> Result<(), ProjectionError> {
        let mut postings = Vec::new();
        for event in events {
            let position = event.envelope.global_position;
            match &event.event {
                DomainEvent::JournalEntry(entry) => {
                    drafts::apply(tx, schema, entry, event.envelope.sequence, position).await?;
                }
                DomainEvent::Chart(chart) => books::apply_chart(tx, schema, chart, position).await?,
                DomainEvent::Calendar(calendar) => books::apply_calendar(tx, schema, calendar, position).await?,
                DomainEvent::TaxRates(rates) => documents::apply_tax_rates(tx, schema, rates, position).await?,
                DomainEvent::Budgets(budgets) => budgets::apply_budgets(tx, schema, budgets, position).await?,
                DomainEvent::ExchangeRates(rates) => {
                    exchange_rates::apply_exchange_rates(tx, schema, rates, position).await?;
                }
                DomainEvent::Invoice(invoice) => documents::apply_invoice(tx, schema, invoice, position).await?,
                DomainEvent::Payment(payment) => documents::apply_payment(tx, schema, payment, position).await?,
                DomainEvent::Item(item) => supply::apply_item(tx, schema, item, position).await?,
                DomainEvent::Locations(locations) => supply::apply_locations(tx, schema, locations, position).await?,
                DomainEvent::SupplySettings(settings) => supply::apply_settings(tx, schema, settings, position).await?,
                DomainEvent::Stock(stock) => supply::apply_stock(tx, schema, stock, position).await?,
                DomainEvent::SalesOrder(order) => orders::apply_sales_order(tx, schema, order, &event.envelope).await?,
                DomainEvent::PurchaseOrder(order) => {
                    orders::apply_purchase_order(tx, schema, order, &event.envelope).await?;
                }
                DomainEvent::User(user) => identity::apply_user(tx, schema, user, &event.envelope).await?,
                DomainEvent::Organization(organization) => {
                    identity::apply_organization(tx, schema, organization, position).await?;
                }
                DomainEvent::Roles(custom) => roles::apply_roles(tx, schema, custom, &event.envelope).await?,
                DomainEvent::Opportunity(opportunity) => {
                    crm::apply_opportunity(tx, schema, opportunity, &event.envelope).await?;
                }
                DomainEvent::SupportTicket(ticket) => crm::apply_ticket(tx, schema, ticket, &event.envelope).await?,
                DomainEvent::Customer(customer) => {
                    customers::apply_customer(tx, schema, customer, &event.envelope).await?;
                }
                DomainEvent::Employee(employee) => hr::apply_employee(tx, schema, employee, &event.envelope).await?,
                DomainEvent::PayrollRun(run) => hr::apply_payroll_run(tx, schema, run, &event.envelope).await?,
                DomainEvent::PerformanceReview(review) => {
                    performance_reviews::apply_review(tx, schema, review, &event.envelope).await?;
                }
                DomainEvent::JobOpening(opening) => {
                    recruitment::apply_job_opening(tx, schema, opening, &event.envelope).await?;
                }
                DomainEvent::LeaveAccount(account) => {
                    leave::apply_leave_account(tx, schema, account, &event.envelope).await?;
                }
                DomainEvent::BillOfMaterials(bom) => production::apply_bom(tx, schema, bom, &event.envelope).await?,
                DomainEvent::WorkOrder(order) => {
                    production::apply_work_order(tx, schema, order, &event.envelope).await?;
                }
                DomainEvent::QualityCheck(check) => {
                    production::apply_quality_check(tx, schema, check, &event.envelope).await?;
                }
                DomainEvent::Asset(asset) => {
                    assets::apply_asset(tx, schema, asset, &event.envelope).await?;
                }
                // The tenant registry is kept by the command API; this projector does not follow it.
                DomainEvent::Tenant(_) => {}
            }
            let Some(posting) = ledger_posting(&event.event) else { continue };
            let entry = NewEntry::from_posting(&posting, event)?;
            match posting.reverses_entry_id {
                None => postings.push(entry),
                Some(original) => {
                    insert_entries(tx, schema, &postings).await?;
                    postings.clear();
                    let original = Uuid::parse_str(&original)?;
                    apply_reversal(tx, schema, original, entry, posting.reversal_reason).await?;
                }
            }
        }
        insert_entries(tx, schema, &postings).await
    }
}

/// A journal entry to insert, with its lines and the event it comes from.
struct NewEntry<'a> {
    entry_id: Uuid,
    entry_date: NaiveDate,
    description: String,
    source_reference: Option<&'a str>,
    reverses_entry_id: Option<Uuid>,
    closing: bool,
    lines: &'a [PostedLine],
    event: &'a ProjectedEvent,
}

impl<'a> NewEntry<'a> {
    fn from_posting(posting: &LedgerPosting<'a>, event: &'a ProjectedEvent) -> Result<Self, ProjectionError> {
        let reverses_entry_id = posting.reverses_entry_id.as_deref().map(Uuid::parse_str).transpose()?;
        Ok(Self {
            entry_id: Uuid::parse_str(posting.entry_id)?,
            entry_date: posting.entry_date,
            description: posting.description.to_string(),
            source_reference: posting.source_reference,
            reverses_entry_id,
            closing: posting.closing,
            lines: posting.lines,
            event,
        })
    }
}

/// Marks `original` reversed by `reversal` and inserts the reversal. Guarded by status, so a
/// redelivered reversal changes nothing and one whose original is missing is an error.
async fn apply_reversal(
    tx: &mut PgConnection,
    schema: &str,
    original: Uuid,
    reversal: NewEntry<'_>,
    reason: Option<&str>,
) -> Result<(), ProjectionError> {
    let updated = sqlx::query(&format!(
        "UPDATE {schema}.journal_entries
            SET status = 'reversed', reversed_by_entry_id = $2, reversal_reason = $3, last_position = $4,
                last_sequence = $5
          WHERE entry_id = $1 AND status = 'posted'"
    ))
    .bind(original)
    .bind(reversal.entry_id)
    .bind(reason)
    .bind(reversal.event.envelope.global_position)
    .bind(reversal.event.envelope.sequence)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if updated == 0 {
        return ensure_already_reversed(tx, schema, original, reversal.entry_id).await;
    }
    insert_entries(tx, schema, std::slice::from_ref(&reversal)).await
}

/// A guarded reversal matched nothing: fine if this reversal was applied before, a defect if
/// the original entry is missing (its posting has not been applied).
async fn ensure_already_reversed(
    tx: &mut PgConnection,
    schema: &str,
    original: Uuid,
    reversal: Uuid,
) -> Result<(), ProjectionError> {
    let reversed_by: Option<Option<Uuid>> =
        sqlx::query_scalar(&format!("SELECT reversed_by_entry_id FROM {schema}.journal_entries WHERE entry_id = $1"))
            .bind(original)
            .fetch_optional(tx)
            .await?;
    match reversed_by {
        Some(Some(by)) if by == reversal => Ok(()),
        Some(_) => Err(format!("entry {original} cannot be reversed by {reversal}: it is not posted").into()),
        None => Err(format!("entry {original}: its reversal {reversal} arrived before it").into()),
    }
}

/// Inserts `entries` (skipping ids already there: redelivered events), then the lines and
/// balance changes of those actually inserted.
async fn insert_entries(tx: &mut PgConnection, schema: &str, entries: &[NewEntry<'_>]) -> Result<(), ProjectionError> {
    if entries.is_empty() {
        return Ok(());
    }
    let inserted: HashSet<Uuid> = sqlx::query_scalar(&format!(
        "INSERT INTO {schema}.journal_entries
             (entry_id, entry_date, description, source_reference, status, reverses_entry_id, last_sequence, last_position, recorded_at, closing)
         SELECT entry_id, entry_date, description, source_reference, 'posted', reverses_entry_id, last_sequence, last_position, recorded_at, closing
           FROM UNNEST($1::uuid[], $2::date[], $3::text[], $4::text[], $5::uuid[], $6::int8[], $7::int8[], $8::timestamptz[], $9::bool[])
                AS t (entry_id, entry_date, description, source_reference, reverses_entry_id, last_sequence, last_position, recorded_at, closing)
         ON CONFLICT (entry_id) DO NOTHING
         RETURNING entry_id"
    ))
    .bind(entries.iter().map(|e| e.entry_id).collect::<Vec<_>>())
    .bind(entries.iter().map(|e| e.entry_date).collect::<Vec<_>>())
    .bind(entries.iter().map(|e| e.description.as_str()).collect::<Vec<_>>())
    .bind(entries.iter().map(|e| e.source_reference).collect::<Vec<_>>())
    .bind(entries.iter().map(|e| e.reverses_entry_id).collect::<Vec<_>>())
    .bind(entries.iter().map(|e| e.event.envelope.sequence).collect::<Vec<_>>())
    .bind(entries.iter().map(|e| e.event.envelope.global_position).collect::<Vec<_>>())
    .bind(entries.iter().map(|e| e.event.envelope.occurred_at).collect::<Vec<DateTime<Utc>>>())
    .bind(entries.iter().map(|e| e.closing).collect::<Vec<_>>())
    .fetch_all(&mut *tx)
    .await?
    .into_iter()
    .collect();
    let new: Vec<&NewEntry<'_>> = entries.iter().filter(|e| inserted.contains(&e.entry_id)).collect();
    if new.is_empty() {
        return Ok(());
    }
    insert_lines(tx, schema, &new).await?;
    add_to_balances(tx, schema, &new).await
}

/// Inserts the lines of `entries` in one statement, with their functional amounts.
async fn insert_lines(tx: &mut PgConnection, schema: &str, entries: &[&NewEntry<'_>]) -> Result<(), sqlx::Error> {
    let lines: Vec<(Uuid, &PostedLine)> =
        entries.iter().flat_map(|e| e.lines.iter().map(move |line| (e.entry_id, line))).collect();
    let functional: Vec<Option<&FunctionalAmount>> = lines.iter().map(|(_, l)| l.functional.as_ref()).collect();
    sqlx::query(&format!(
        "INSERT INTO {schema}.journal_lines
             (entry_id, line_no, account, currency, debit_minor, credit_minor, memo,
              functional_currency, functional_debit_minor, functional_credit_minor)
         SELECT * FROM UNNEST($1::uuid[], $2::int4[], $3::text[], $4::text[], $5::int8[], $6::int8[], $7::text[],
                              $8::text[], $9::int8[], $10::int8[])"
    ))
    .bind(lines.iter().map(|(entry_id, _)| *entry_id).collect::<Vec<_>>())
    .bind(lines.iter().map(|(_, l)| l.line_no).collect::<Vec<_>>())
    .bind(lines.iter().map(|(_, l)| l.account.as_str()).collect::<Vec<_>>())
    .bind(lines.iter().map(|(_, l)| l.currency.as_str()).collect::<Vec<_>>())
    .bind(lines.iter().map(|(_, l)| l.debit_minor).collect::<Vec<_>>())
    .bind(lines.iter().map(|(_, l)| l.credit_minor).collect::<Vec<_>>())
    .bind(lines.iter().map(|(_, l)| l.memo.as_deref()).collect::<Vec<_>>())
    .bind(functional.iter().map(|f| f.map(|f| f.currency.as_str())).collect::<Vec<_>>())
    .bind(functional.iter().map(|f| f.map(|f| f.debit_minor)).collect::<Vec<_>>())
    .bind(functional.iter().map(|f| f.map(|f| f.credit_minor)).collect::<Vec<_>>())
    .execute(tx)
    .await?;
    Ok(())
}

/// Running totals added by a batch for one account and currency, functional amounts too.
#[derive(Default)]
struct BalanceChange<'a> {
    debit_minor: i64,
    credit_minor: i64,
    /// The functional currency of the lines with a functional amount; `None` when none has.
    functional_currency: Option<&'a str>,
    functional_debit_minor: i64,
    functional_credit_minor: i64,
    last_position: i64,
}

impl<'a> BalanceChange<'a> {
    /// Adds `line`, posted at `position`.
    fn add(&mut self, line: &'a PostedLine, position: i64) -> Result<(), ProjectionError> {
        self.debit_minor = self.debit_minor.checked_add(line.debit_minor).ok_or("debit total overflows")?;
        self.credit_minor = self.credit_minor.checked_add(line.credit_minor).ok_or("credit total overflows")?;
        if let Some(functional) = &line.functional {
            if self.functional_currency.is_some_and(|currency| currency != functional.currency) {
                return Err(TWO_FUNCTIONAL_CURRENCIES.into());
            }
            self.functional_currency = Some(&functional.currency);
            self.functional_debit_minor = self
                .functional_debit_minor
                .checked_add(functional.debit_minor)
                .ok_or("functional debit total overflows")?;
            self.functional_credit_minor = self
                .functional_credit_minor
                .checked_add(functional.credit_minor)
                .ok_or("functional credit total overflows")?;
        }
        self.last_position = self.last_position.max(position);
        Ok(())
    }
}

/// Why functional amounts cannot be totalled: a tenant sets its functional currency once, so
/// one balance with amounts in two of them is a defect, not a sum.
const TWO_FUNCTIONAL_CURRENCIES: &str = "a balance's functional amounts are in two functional currencies";

/// Adds the lines of `entries` to the running balances in one statement, totalled per account
/// and currency first (one upsert may not touch a row twice). A row whose functional currency
/// differs from the change's is left alone by the upsert, and refused.
async fn add_to_balances(
    tx: &mut PgConnection,
    schema: &str,
    entries: &[&NewEntry<'_>],
) -> Result<(), ProjectionError> {
    let mut changes: BTreeMap<(&str, &str), BalanceChange<'_>> = BTreeMap::new();
    for entry in entries {
        for line in entry.lines {
            changes
                .entry((&line.account, &line.currency))
                .or_default()
                .add(line, entry.event.envelope.global_position)?;
        }
    }
    let applied = sqlx::query(&format!(
        "INSERT INTO {schema}.account_balances
             (account, currency, debit_total_minor, credit_total_minor, functional_currency,
              functional_debit_total_minor, functional_credit_total_minor, last_position)
         SELECT * FROM UNNEST($1::text[], $2::text[], $3::int8[], $4::int8[], $5::text[], $6::int8[], $7::int8[], $8::int8[])
         ON CONFLICT (account, currency) DO UPDATE
            SET debit_total_minor = account_balances.debit_total_minor + excluded.debit_total_minor,
                credit_total_minor = account_balances.credit_total_minor + excluded.credit_total_minor,
                functional_currency = coalesce(account_balances.functional_currency, excluded.functional_currency),
                functional_debit_total_minor =
                    account_balances.functional_debit_total_minor + excluded.functional_debit_total_minor,
                functional_credit_total_minor =
                    account_balances.functional_credit_total_minor + excluded.functional_credit_total_minor,
                last_position = GREATEST(account_balances.last_position, excluded.last_position)
          WHERE excluded.functional_currency IS NULL
             OR account_balances.functional_currency IS NULL
             OR account_balances.functional_currency = excluded.functional_currency"
    ))
    .bind(changes.keys().map(|(account, _)| *account).collect::<Vec<_>>())
    .bind(changes.keys().map(|(_, currency)| *currency).collect::<Vec<_>>())
    .bind(changes.values().map(|c| c.debit_minor).collect::<Vec<_>>())
    .bind(changes.values().map(|c| c.credit_minor).collect::<Vec<_>>())
    .bind(changes.values().map(|c| c.functional_currency).collect::<Vec<_>>())
    .bind(changes.values().map(|c| c.functional_debit_minor).collect::<Vec<_>>())
    .bind(changes.values().map(|c| c.functional_credit_minor).collect::<Vec<_>>())
    .bind(changes.values().map(|c| c.last_position).collect::<Vec<_>>())
    .execute(tx)
    .await?
    .rows_affected();
    if applied < changes.len() as u64 {
        return Err(TWO_FUNCTIONAL_CURRENCIES.into());
    }
    Ok(())
}
