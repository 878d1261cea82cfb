//! Test support: a fresh tenant per test in the real Postgres, read-model rows (ledger,
//! chart of accounts, fiscal calendar, invoices, payments, tax codes) and documents seeded
//! directly (the projectors are not under test here), and the query API built in-process on
//! port 0. Requests carry an access token for their tenant, signed with the API's secret as
//! the command API's login would sign it (the query API only verifies tokens).

#![allow(dead_code, missing_docs)]

use std::time::Duration;

use chrono::{NaiveDate, TimeZone, Utc};
use mongodb::bson::{doc, Document};
use prism_aggregates::identity::permissions::Role;
use prism_aggregates::tenant::TenantId;
use prism_platform::auth::{AuthArgs, Grants, Tokens, DEV_OPERATOR_KEY, DEV_SECRET};
use prism_platform::db;
use prism_platform::tenancy::mongo_database_of;
use prism_platform::tenancy::TenantProvisioner;
use prism_query_api::app::QueryApi;
use prism_query_api::config::QueryApiConfig;
use prism_query_api::stores::tenant_table;
use reqwest::StatusCode;
use serde_json::Value;
use sqlx::PgPool;
use tokio_util::sync::CancellationToken;
use uuid::Uuid;

pub const DATABASE_URL: &str = "postgres://prism:prism@127.0.0.1:25432/prism";
pub const MONGODB_URL: &str = "mongodb://127.0.0.1:27117/";

/// The query API running in this process, stopped when dropped.
pub struct TestApi {
    pub base: String,
    pub client: reqwest::Client,
    pub pool: PgPool,
    /// Signs access tokens with the API's secret.
    tokens: Tokens,
    shutdown: CancellationToken,
}

impl Drop for TestApi {
    fn drop(&mut self) {
        self.shutdown.cancel();
    }
}

/// A response's status and JSON body.
#[derive(Debug)]
pub struct Answer {
    pub status: StatusCode,
    pub content_type: String,
    pub body: Value,
}

impl TestApi {
    /// Starts the API with a consistency wait of `min_position_wait_ms` and default limits.
    pub async fn start(min_position_wait_ms: u64) -> Self {
        Self::start_with(&["--min-position-wait-ms", &min_position_wait_ms.to_string()]).await
    }

    /// Starts the API with extra command-line flags.
    pub async fn start_with(flags: &[&str]) -> Self {
        let mut args = vec!["prism-query-api", "--http-addr", "127.0.0.1:0", "--database-url"];
        let database_url = database_url();
        let mongodb_url = mongodb_url();
        args.extend([database_url.as_str(), "--mongodb-url", mongodb_url.as_str()]);
        // Rate-limit counters of this API's own, limits no test reaches.
        let key_prefix = format!("prism:rl:q{}", Uuid::new_v4().simple());
        args.extend(["--rate-limit-key-prefix", key_prefix.as_str()]);
        args.extend(["--rate-limit-tenant-per-window", "1000000", "--rate-limit-ip-per-window", "1000000"]);
        // The secret the tests sign tokens with, whatever PRISM_JWT_SECRET says.
        args.extend(["--jwt-secret", DEV_SECRET, "--operator-key", DEV_OPERATOR_KEY]);
        args.extend(flags);
        let config = QueryApiConfig::load_from(args).expect("test config");
        let api = QueryApi::build(&config).await.expect("query API builds");
        let base = format!("http://{}", api.local_addr().expect("bound"));
        let shutdown = CancellationToken::new();
        tokio::spawn(api.run(shutdown.clone()));
        let tokens = Tokens::new(&AuthArgs {
            jwt_secret: DEV_SECRET.to_owned(),
            access_token_ttl_seconds: 900,
            operator_key: DEV_OPERATOR_KEY.to_owned(),
        });
        Self { base, client: reqwest::Client::new(), pool: pool().await, tokens, shutdown }
    }

    /// An access token of an admin of `tenant`, signed with the API's secret.
    pub fn token(&self, tenant: &TenantId) -> String {
        self.tokens
            .issue(tenant, "query-api-test-user", &Grants::of_builtin(&[Role::Admin]))
            .expect("HMAC signing works")
            .token
    }

    /// `GET path` as `tenant`, with extra headers.
    pub async fn get(&self, tenant: &TenantId, path: &str, headers: &[(&str, &str)]) -> Answer {
        self.get_with_token(Some(&self.token(tenant)), path, headers).await
    }

    /// `GET path` with `Authorization: Bearer <token>` (none when `None`) and extra headers.
    pub async fn get_with_token(&self, token: Option<&str>, path: &str, headers: &[(&str, &str)]) -> Answer {
        let mut request = self.client.get(format!("{}{path}", self.base));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        answer(request.send().await.expect("request sent")).await
    }

    /// `GET path` without an access token.
    pub async fn get_anonymous(&self, path: &str) -> Answer {
        self.get_with_token(None, path, &[]).await
    }
}

async fn answer(response: reqwest::Response) -> Answer {
    let status = response.status();
    let content_type =
        response.headers().get("content-type").and_then(|value| value.to_str().ok()).unwrap_or_default().to_owned();
    let text = response.text().await.expect("body read");
    let body = serde_json::from_str(&text).unwrap_or(Value::String(text));
    Answer { status, content_type, body }
}

pub fn database_url() -> String {
    std::env::var("PRISM_DATABASE_URL").unwrap_or_else(|_| DATABASE_URL.to_owned())
}

pub fn mongodb_url() -> String {
    std::env::var("PRISM_MONGODB_URL").unwrap_or_else(|_| MONGODB_URL.to_owned())
}

pub async fn pool() -> PgPool {
    db::connect_url(&database_url(), 4).await.expect("Postgres reachable at PRISM_DATABASE_URL")
}

/// Registers and migrates a tenant with a unique slug.
pub async fn new_tenant(pool: &PgPool) -> TenantId {
    let tenant = TenantId::parse(&format!("qa_{}", Uuid::new_v4().simple())).expect("valid slug");
    db::migrate(pool, "shared", db::SHARED).await.expect("shared schema");
    TenantProvisioner::new(pool.clone(), &[db::TENANT, db::TIMESERIES])
        .provision(&tenant, "query API test")
        .await
        .expect("tenant provisioned");
    tenant
}

/// One journal line: account, currency, debit, credit (minor units).
pub type Line = (&'static str, &'static str, i64, i64);

/// A line's amount in the functional currency: currency, debit, credit (minor units).
pub type Functional = (&'static str, i64, i64);

/// A journal entry to seed.
#[derive(Debug, Clone)]
pub struct SeedEntry {
    pub entry_id: Uuid,
    pub date: NaiveDate,
    pub hour: u32,
    pub description: String,
    pub lines: Vec<Line>,
    /// The lines' functional amounts, in line order; empty when they have none.
    pub functional: Vec<Functional>,
    pub position: i64,
}

impl SeedEntry {
    pub fn new(date: &str, position: i64, lines: &[Line]) -> Self {
        Self {
            entry_id: Uuid::new_v4(),
            date: NaiveDate::parse_from_str(date, "%Y-%m-%d").expect("date"),
            hour: 9,
            description: format!("entry at position {position}"),
            lines: lines.to_vec(),
            functional: Vec::new(),
            position,
        }
    }

    /// With these functional amounts, one per line in order.
    pub fn with_functional(self, functional: &[Functional]) -> Self {
        assert_eq!(functional.len(), self.lines.len(), "one functional amount per line");
        Self { functional: functional.to_vec(), ..self }
    }
}

/// Writes what the `postgres` and `timescale` projectors would for a posted entry: the
/// entry, its lines (with their functional amounts), the balances it moves and one posting
/// per line. Positions are not
/// marked applied; see [`mark_applied`].
pub async fn seed_entry(pool: &PgPool, tenant: &TenantId, entry: &SeedEntry) {
    let mut tx = pool.begin().await.expect("transaction");
    sqlx::query(&format!(
        "INSERT INTO {} (entry_id, entry_date, description, source_reference, status, last_sequence, last_position, recorded_at)
         VALUES ($1, $2, $3, 'INV-1', 'posted', 1, $4, now())",
        tenant_table(tenant, "journal_entries")
    ))
    .bind(entry.entry_id)
    .bind(entry.date)
    .bind(&entry.description)
    .bind(entry.position)
    .execute(&mut *tx)
    .await
    .expect("entry inserted");
    let posted_on = Utc.from_utc_datetime(&entry.date.and_hms_opt(entry.hour, 0, 0).expect("time"));
    for (index, (account, currency, debit, credit)) in entry.lines.iter().enumerate() {
        let line_no = i32::try_from(index + 1).expect("few lines");
        let functional = entry.functional.get(index);
        sqlx::query(&format!(
            "INSERT INTO {} (entry_id, line_no, account, currency, debit_minor, credit_minor, memo,
                             functional_currency, functional_debit_minor, functional_credit_minor)
             VALUES ($1, $2, $3, $4, $5, $6, NULL, $7, $8, $9)",
            tenant_table(tenant, "journal_lines")
        ))
        .bind(entry.entry_id)
        .bind(line_no)
        .bind(account)
        .bind(currency)
        .bind(debit)
        .bind(credit)
        .bind(functional.map(|(currency, _, _)| *currency))
        .bind(functional.map(|(_, debit, _)| *debit))
        .bind(functional.map(|(_, _, credit)| *credit))
        .execute(&mut *tx)
        .await
        .expect("line inserted");
        sqlx::query(&format!(
            "INSERT INTO {} AS b (account, currency, debit_total_minor, credit_total_minor, last_position,
                                  functional_currency, functional_debit_total_minor, functional_credit_total_minor)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
             ON CONFLICT (account, currency) DO UPDATE SET
                 debit_total_minor = b.debit_total_minor + EXCLUDED.debit_total_minor,
                 credit_total_minor = b.credit_total_minor + EXCLUDED.credit_total_minor,
                 functional_currency = coalesce(b.functional_currency, EXCLUDED.functional_currency),
                 functional_debit_total_minor = b.functional_debit_total_minor + EXCLUDED.functional_debit_total_minor,
                 functional_credit_total_minor = b.functional_credit_total_minor + EXCLUDED.functional_credit_total_minor,
                 last_position = EXCLUDED.last_position",
            tenant_table(tenant, "account_balances")
        ))
        .bind(account)
        .bind(currency)
        .bind(debit)
        .bind(credit)
        .bind(entry.position)
        .bind(functional.map(|(currency, _, _)| *currency))
        .bind(functional.map_or(0, |(_, debit, _)| *debit))
        .bind(functional.map_or(0, |(_, _, credit)| *credit))
        .execute(&mut *tx)
        .await
        .expect("balance upserted");
        sqlx::query(&format!(
            "INSERT INTO {} (posted_on, entry_id, line_no, account, currency, debit_minor, credit_minor, global_position)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            tenant_table(tenant, "postings")
        ))
        .bind(posted_on)
        .bind(entry.entry_id)
        .bind(line_no)
        .bind(account)
        .bind(currency)
        .bind(debit)
        .bind(credit)
        .bind(entry.position)
        .execute(&mut *tx)
        .await
        .expect("posting inserted");
    }
    tx.commit().await.expect("committed");
}

/// Marks `original` reversed by `reversal` in `journal_entries`, as the `postgres` projector
/// does; both must be seeded already (the reversal with the mirror lines).
pub async fn mark_reversed(pool: &PgPool, tenant: &TenantId, original: &SeedEntry, reversal: &SeedEntry) {
    let entries = tenant_table(tenant, "journal_entries");
    sqlx::query(&format!(
        "UPDATE {entries} SET status = 'reversed', reversed_by_entry_id = $2, reversal_reason = 'entered twice'
         WHERE entry_id = $1"
    ))
    .bind(original.entry_id)
    .bind(reversal.entry_id)
    .execute(pool)
    .await
    .expect("original marked reversed");
    sqlx::query(&format!("UPDATE {entries} SET reverses_entry_id = $2 WHERE entry_id = $1"))
        .bind(reversal.entry_id)
        .bind(original.entry_id)
        .execute(pool)
        .await
        .expect("reversal linked");
}

/// An account of the chart to seed; the normal balance follows the type.
#[derive(Debug, Clone)]
pub struct SeedAccount {
    pub code: &'static str,
    pub name: &'static str,
    pub account_type: &'static str,
    pub parent: Option<&'static str>,
    pub header: bool,
    pub currency: Option<&'static str>,
    pub cash: bool,
    pub status: &'static str,
}

impl SeedAccount {
    /// An active, non-header, non-cash account taking any currency, without parent.
    pub fn new(code: &'static str, name: &'static str, account_type: &'static str) -> Self {
        Self { code, name, account_type, parent: None, header: false, currency: None, cash: false, status: "active" }
    }
}

/// Writes `accounts` into the chart read model.
pub async fn seed_accounts(pool: &PgPool, tenant: &TenantId, accounts: &[SeedAccount]) {
    for account in accounts {
        let normal_balance = if matches!(account.account_type, "asset" | "expense") { "debit" } else { "credit" };
        sqlx::query(&format!(
            "INSERT INTO {} (code, name, account_type, normal_balance, parent, header, currency, cash, status, last_position)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 1)",
            tenant_table(tenant, "accounts")
        ))
        .bind(account.code)
        .bind(account.name)
        .bind(account.account_type)
        .bind(normal_balance)
        .bind(account.parent)
        .bind(account.header)
        .bind(account.currency)
        .bind(account.cash)
        .bind(account.status)
        .execute(pool)
        .await
        .expect("account inserted");
    }
}

/// One fiscal period to seed: label, number, first day, last day, status, status reason.
pub type SeedPeriod = (&'static str, i32, &'static str, &'static str, &'static str, Option<&'static str>);

/// Writes a fiscal year and its periods into the calendar read model.
pub async fn seed_fiscal_year(
    pool: &PgPool,
    tenant: &TenantId,
    year: &str,
    start: &str,
    end: &str,
    periods: &[SeedPeriod],
) {
    let day = |text: &str| NaiveDate::parse_from_str(text, "%Y-%m-%d").expect("date");
    sqlx::query(&format!(
        "INSERT INTO {} (year, start_date, end_date, last_position) VALUES ($1, $2, $3, 1)",
        tenant_table(tenant, "fiscal_years")
    ))
    .bind(year)
    .bind(day(start))
    .bind(day(end))
    .execute(pool)
    .await
    .expect("fiscal year inserted");
    for (period, number, start, end, status, reason) in periods {
        sqlx::query(&format!(
            "INSERT INTO {} (period, year, number, start_date, end_date, status, status_reason, last_position)
             VALUES ($1, $2, $3, $4, $5, $6, $7, 1)",
            tenant_table(tenant, "fiscal_periods")
        ))
        .bind(period)
        .bind(year)
        .bind(number)
        .bind(day(start))
        .bind(day(end))
        .bind(status)
        .bind(reason)
        .execute(pool)
        .await
        .expect("fiscal period inserted");
    }
}

/// Records that `projector` has applied `position` for `tenant` (Postgres `projection_applied`).
pub async fn mark_applied(pool: &PgPool, tenant: &TenantId, projector: &str, position: i64) {
    sqlx::query(&format!(
        "INSERT INTO {} (projector, global_position) VALUES ($1, $2) ON CONFLICT DO NOTHING",
        tenant_table(tenant, "projection_applied")
    ))
    .bind(projector)
    .bind(position)
    .execute(pool)
    .await
    .expect("position recorded");
}

/// A MongoDB client, waiting (bounded) for the server: FerretDB may still be starting.
pub async fn mongo() -> mongodb::Client {
    let client = mongodb::Client::with_uri_str(mongodb_url()).await.expect("MongoDB URL parses");
    for _ in 0..120 {
        if client.database("admin").run_command(doc! { "ping": 1 }).await.is_ok() {
            return client;
        }
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
    panic!("no MongoDB-wire server answered at {} within two minutes", mongodb_url());
}

/// Stores `document` in `tenant`'s `journal_entries` collection.
pub async fn seed_document(client: &mongodb::Client, tenant: &TenantId, document: Document) {
    client
        .database(&mongo_database_of(tenant))
        .collection::<Document>("journal_entries")
        .insert_one(document)
        .await
        .expect("document inserted");
}

/// Records that the `mongo` projector has applied `position` for `tenant`.
pub async fn mark_applied_in_mongo(client: &mongodb::Client, tenant: &TenantId, position: i64) {
    client
        .database(&mongo_database_of(tenant))
        .collection::<Document>("projection_applied")
        .insert_one(doc! { "_id": position, "projector": "mongo" })
        .await
        .expect("position recorded");
}

/// Asserts `answer` is a problem+json with `status` and `type` `urn:prism:problem:<code>`.
pub fn assert_problem(answer: &Answer, status: u16, code: &str) {
    assert_eq!(answer.status.as_u16(), status, "{answer:?}");
    assert_eq!(answer.content_type, "application/problem+json", "{answer:?}");
    assert_eq!(answer.body["type"], format!("urn:prism:problem:{code}"), "{answer:?}");
}

fn day(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").expect("date")
}

/// One invoice line to seed: description, quantity in thousandths, unit price, account, tax
/// code, tax rate in basis points. An issued invoice's line gets net = quantity × price and
/// tax = net × rate (both exact in the tests); a draft's stay `NULL`.
pub type SeedInvoiceLine = (&'static str, i64, i64, &'static str, Option<&'static str>, i32);

/// An invoice to seed as the `postgres` projector keeps it; build with [`SeedInvoice::draft`]
/// and the `issued` / `voided` / `in_currency` / `with_line` steps.
#[derive(Debug, Clone)]
pub struct SeedInvoice {
    pub invoice_id: Uuid,
    pub kind: &'static str,
    pub number: &'static str,
    pub counterparty_id: &'static str,
    pub counterparty_name: &'static str,
    pub currency: &'static str,
    pub control_account: &'static str,
    pub credits_invoice_id: Option<Uuid>,
    pub issue_date: Option<NaiveDate>,
    pub due_date: Option<NaiveDate>,
    pub net_total_minor: Option<i64>,
    pub tax_total_minor: Option<i64>,
    pub void_date: Option<NaiveDate>,
    pub lines: Vec<SeedInvoiceLine>,
}

impl SeedInvoice {
    /// A EUR draft without lines; the control account is 1100 for customer documents and
    /// 2000 for vendor documents.
    pub fn draft(
        kind: &'static str,
        number: &'static str,
        counterparty_id: &'static str,
        counterparty_name: &'static str,
    ) -> Self {
        Self {
            invoice_id: Uuid::new_v4(),
            kind,
            number,
            counterparty_id,
            counterparty_name,
            currency: "EUR",
            control_account: if kind.starts_with("customer") { "1100" } else { "2000" },
            credits_invoice_id: None,
            issue_date: None,
            due_date: None,
            net_total_minor: None,
            tax_total_minor: None,
            void_date: None,
            lines: Vec::new(),
        }
    }

    /// Issued on `issue_date`, due on `due_date`, with these totals (gross = net + tax).
    pub fn issued(self, issue_date: &str, due_date: &str, net_minor: i64, tax_minor: i64) -> Self {
        Self {
            issue_date: Some(day(issue_date)),
            due_date: Some(day(due_date)),
            net_total_minor: Some(net_minor),
            tax_total_minor: Some(tax_minor),
            ..self
        }
    }

    /// Voided on `void_date`.
    pub fn voided(self, void_date: &str) -> Self {
        Self { void_date: Some(day(void_date)), ..self }
    }

    /// In `currency` instead of EUR.
    pub fn in_currency(self, currency: &'static str) -> Self {
        Self { currency, ..self }
    }

    /// With one more line.
    pub fn with_line(mut self, line: SeedInvoiceLine) -> Self {
        self.lines.push(line);
        self
    }

    pub fn gross_total_minor(&self) -> Option<i64> {
        Some(self.net_total_minor? + self.tax_total_minor?)
    }
}

/// Writes `invoice` with its lines: status `draft` without an issue date, `void` with a void
/// date, else `issued` with everything open (see [`seed_payment`] for payments).
pub async fn seed_invoice(pool: &PgPool, tenant: &TenantId, invoice: &SeedInvoice) {
    let status = match (invoice.issue_date, invoice.void_date) {
        (None, _) => "draft",
        (Some(_), Some(_)) => "void",
        (Some(_), None) => "issued",
    };
    let gross = invoice.gross_total_minor();
    let open = if status == "issued" { gross.unwrap_or(0) } else { 0 };
    sqlx::query(&format!(
        "INSERT INTO {} (invoice_id, kind, number, counterparty_id, counterparty_name, currency, control_account,
                         credits_invoice_id, status, issue_date, due_date, net_total_minor, tax_total_minor,
                         gross_total_minor, paid_minor, open_minor, void_date, void_reason, last_position)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, 0, $15, $16, $17, 1)",
        tenant_table(tenant, "invoices")
    ))
    .bind(invoice.invoice_id)
    .bind(invoice.kind)
    .bind(invoice.number)
    .bind(invoice.counterparty_id)
    .bind(invoice.counterparty_name)
    .bind(invoice.currency)
    .bind(invoice.control_account)
    .bind(invoice.credits_invoice_id)
    .bind(status)
    .bind(invoice.issue_date)
    .bind(invoice.due_date)
    .bind(invoice.net_total_minor)
    .bind(invoice.tax_total_minor)
    .bind(gross)
    .bind(open)
    .bind(invoice.void_date)
    .bind(invoice.void_date.map(|_| "issued in error"))
    .execute(pool)
    .await
    .expect("invoice inserted");
    let issued = invoice.issue_date.is_some();
    for (index, (description, quantity_milli, unit_price_minor, account, tax_code, rate_bp)) in
        invoice.lines.iter().enumerate()
    {
        let net = quantity_milli * unit_price_minor / 1000;
        let tax = net * i64::from(*rate_bp) / 10_000;
        sqlx::query(&format!(
            "INSERT INTO {} (invoice_id, line_no, description, quantity_milli, unit_price_minor, net_minor, account,
                             tax_code, tax_rate_bp, tax_minor)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
            tenant_table(tenant, "invoice_lines")
        ))
        .bind(invoice.invoice_id)
        .bind(i32::try_from(index + 1).expect("few lines"))
        .bind(description)
        .bind(quantity_milli)
        .bind(unit_price_minor)
        .bind(issued.then_some(net))
        .bind(account)
        .bind(tax_code)
        .bind(issued.then_some(*rate_bp))
        .bind(issued.then_some(tax))
        .execute(pool)
        .await
        .expect("invoice line inserted");
    }
}

/// A payment to seed; build with [`SeedPayment::received`] or [`SeedPayment::made`].
#[derive(Debug, Clone)]
pub struct SeedPayment {
    pub payment_id: Uuid,
    pub direction: &'static str,
    pub counterparty_id: &'static str,
    pub payment_date: NaiveDate,
    pub amount_minor: i64,
    pub currency: &'static str,
    pub reference: Option<&'static str>,
    /// Invoice and amount allocated to it.
    pub allocations: Vec<(Uuid, i64)>,
}

impl SeedPayment {
    /// A EUR payment received from a customer on `date`.
    pub fn received(counterparty_id: &'static str, date: &str, amount_minor: i64, allocations: &[(Uuid, i64)]) -> Self {
        Self {
            payment_id: Uuid::new_v4(),
            direction: "received",
            counterparty_id,
            payment_date: day(date),
            amount_minor,
            currency: "EUR",
            reference: None,
            allocations: allocations.to_vec(),
        }
    }

    /// A EUR payment made to a vendor on `date`.
    pub fn made(counterparty_id: &'static str, date: &str, amount_minor: i64, allocations: &[(Uuid, i64)]) -> Self {
        Self { direction: "made", ..Self::received(counterparty_id, date, amount_minor, allocations) }
    }
}

/// Writes what the `postgres` projector would for a processed payment and the invoice
/// payments it applies: the payment with its allocations, one `invoice_payments` row per
/// allocation, and each invoice's paid and open amounts and status moved.
pub async fn seed_payment(pool: &PgPool, tenant: &TenantId, payment: &SeedPayment) {
    let allocated: i64 = payment.allocations.iter().map(|(_, amount)| amount).sum();
    let (bank_account, control_account) =
        if payment.direction == "received" { ("1000", "1100") } else { ("1000", "2000") };
    sqlx::query(&format!(
        "INSERT INTO {} (payment_id, direction, counterparty_id, payment_date, amount_minor, currency, bank_account,
                         control_account, reference, unallocated_minor, last_position)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 1)",
        tenant_table(tenant, "payments")
    ))
    .bind(payment.payment_id)
    .bind(payment.direction)
    .bind(payment.counterparty_id)
    .bind(payment.payment_date)
    .bind(payment.amount_minor)
    .bind(payment.currency)
    .bind(bank_account)
    .bind(control_account)
    .bind(payment.reference)
    .bind(payment.amount_minor - allocated)
    .execute(pool)
    .await
    .expect("payment inserted");
    for (invoice_id, amount) in &payment.allocations {
        sqlx::query(&format!(
            "INSERT INTO {} (payment_id, invoice_id, amount_minor) VALUES ($1, $2, $3)",
            tenant_table(tenant, "payment_allocations")
        ))
        .bind(payment.payment_id)
        .bind(invoice_id)
        .bind(amount)
        .execute(pool)
        .await
        .expect("allocation inserted");
        sqlx::query(&format!(
            "INSERT INTO {} (invoice_id, payment_id, amount_minor, payment_date) VALUES ($1, $2, $3, $4)",
            tenant_table(tenant, "invoice_payments")
        ))
        .bind(invoice_id)
        .bind(payment.payment_id)
        .bind(amount)
        .bind(payment.payment_date)
        .execute(pool)
        .await
        .expect("invoice payment inserted");
        sqlx::query(&format!(
            "UPDATE {} SET paid_minor = paid_minor + $2, open_minor = open_minor - $2,
                    status = CASE WHEN open_minor - $2 = 0 THEN 'paid' ELSE 'partially_paid' END
              WHERE invoice_id = $1",
            tenant_table(tenant, "invoices")
        ))
        .bind(invoice_id)
        .bind(amount)
        .execute(pool)
        .await
        .expect("invoice paid");
    }
}

/// One tax code to seed: code, name, rate in basis points, effective from, status.
pub type SeedTaxRate = (&'static str, &'static str, i32, Option<&'static str>, &'static str);

/// Writes tax codes into the `tax_rates` read model (sales tax to 2100, purchase tax to 1400).
pub async fn seed_tax_rates(pool: &PgPool, tenant: &TenantId, rates: &[SeedTaxRate]) {
    for (code, name, rate_bp, effective_from, status) in rates {
        sqlx::query(&format!(
            "INSERT INTO {} (code, name, rate_bp, effective_from, sales_account, purchase_account, status, last_position)
             VALUES ($1, $2, $3, $4, '2100', '1400', $5, 1)",
            tenant_table(tenant, "tax_rates")
        ))
        .bind(code)
        .bind(name)
        .bind(rate_bp)
        .bind(effective_from.map(day))
        .bind(status)
        .execute(pool)
        .await
        .expect("tax rate inserted");
    }
}
