//! Postgres pools and the schema migrator. Migrations are SQL files under `migrations/`,
//! grouped in sets: `shared` (platform tables in schema `shared`), `tenant` (event store and
//! Postgres read models, run in each `tenant_<slug>` schema) and `timeseries` (the postings
//! table, run in each tenant schema of the time-series database). Each schema records what
//! it has applied in `_prism_migrations`; applying is idempotent and serialised by an
//! advisory lock, so every process may call it at start.

use std::time::Duration;

use sqlx::postgres::PgPoolOptions;
use sqlx::{Executor, PgPool};

use crate::config::DatabaseArgs;

/// One named, ordered set of SQL migrations.
#[derive(Debug, Clone, Copy)]
pub struct MigrationSet {
    /// Name of the set, recorded with each applied version.
    pub name: &'static str,
    /// `(version, sql)` pairs in the order they apply.
    pub steps: &'static [(&'static str, &'static str)],
}

/// Platform tables in schema `shared`.
pub const SHARED: MigrationSet = MigrationSet {
    name: "shared",
    steps: &[
        ("0001_platform_tables", include_str!("../../migrations/shared/0001_platform_tables.sql")),
        ("0002_idempotency_keys", include_str!("../../migrations/shared/0002_idempotency_keys.sql")),
    ],
};

/// Event store and Postgres read models of one tenant.
pub const TENANT: MigrationSet = MigrationSet {
    name: "tenant",
    steps: &[
        ("0001_event_store", include_str!("../../migrations/tenant/0001_event_store.sql")),
        ("0002_ledger_read_model", include_str!("../../migrations/tenant/0002_ledger_read_model.sql")),
        ("0003_chart_and_calendar", include_str!("../../migrations/tenant/0003_chart_and_calendar.sql")),
        ("0004_invoices_and_payments", include_str!("../../migrations/tenant/0004_invoices_and_payments.sql")),
        ("0005_budgets", include_str!("../../migrations/tenant/0005_budgets.sql")),
        ("0006_fiscal_year_close", include_str!("../../migrations/tenant/0006_fiscal_year_close.sql")),
        ("0007_journal_entry_drafts", include_str!("../../migrations/tenant/0007_journal_entry_drafts.sql")),
        ("0008_exchange_rates", include_str!("../../migrations/tenant/0008_exchange_rates.sql")),
        ("0009_functional_amounts", include_str!("../../migrations/tenant/0009_functional_amounts.sql")),
        ("0010_supply", include_str!("../../migrations/tenant/0010_supply.sql")),
        ("0011_orders", include_str!("../../migrations/tenant/0011_orders.sql")),
        ("0012_audit_trail", include_str!("../../migrations/tenant/0012_audit_trail.sql")),
        ("0013_user_credentials", include_str!("../../migrations/tenant/0013_user_credentials.sql")),
        ("0014_user_mfa", include_str!("../../migrations/tenant/0014_user_mfa.sql")),
        ("0015_identity_read_model", include_str!("../../migrations/tenant/0015_identity_read_model.sql")),
        ("0016_roles", include_str!("../../migrations/tenant/0016_roles.sql")),
        ("0017_crm_customers", include_str!("../../migrations/tenant/0017_crm_customers.sql")),
        ("0018_crm_pipeline", include_str!("../../migrations/tenant/0018_crm_pipeline.sql")),
        ("0019_production", include_str!("../../migrations/tenant/0019_production.sql")),
        ("0020_hr", include_str!("../../migrations/tenant/0020_hr.sql")),
        ("0021_opportunity_sales_orders", include_str!("../../migrations/tenant/0021_opportunity_sales_orders.sql")),
        ("0022_assets", include_str!("../../migrations/tenant/0022_assets.sql")),
        ("0023_leave", include_str!("../../migrations/tenant/0023_leave.sql")),
        ("0024_performance_reviews", include_str!("../../migrations/tenant/0024_performance_reviews.sql")),
        ("0025_recruitment", include_str!("../../migrations/tenant/0025_recruitment.sql")),
        ("0026_notifications", include_str!("../../migrations/tenant/0026_notifications.sql")),
        ("0027_webhooks", include_str!("../../migrations/tenant/0027_webhooks.sql")),
    ],
};

/// Time-series read models of one tenant.
pub const TIMESERIES: MigrationSet = MigrationSet {
    name: "timeseries",
    steps: &[
        ("0001_postings", include_str!("../../migrations/timeseries/0001_postings.sql")),
        ("0002_daily_account_totals", include_str!("../../migrations/timeseries/0002_daily_account_totals.sql")),
        ("0003_stock_movements", include_str!("../../migrations/timeseries/0003_stock_movements.sql")),
        ("0004_production_outcomes", include_str!("../../migrations/timeseries/0004_production_outcomes.sql")),
        ("0005_kpis", include_str!("../../migrations/timeseries/0005_kpis.sql")),
    ],
};

/// Opens a pool to the configured database.
///
/// # Errors
/// When the database cannot be reached.
pub async fn connect(args: &DatabaseArgs) -> Result<PgPool, sqlx::Error> {
    connect_url(&args.url, args.max_connections).await
}

/// Opens a pool of at most `max_connections` to `url`.
///
/// # Errors
/// When the database cannot be reached.
pub async fn connect_url(url: &str, max_connections: u32) -> Result<PgPool, sqlx::Error> {
    PgPoolOptions::new().max_connections(max_connections).acquire_timeout(Duration::from_secs(10)).connect(url).await
}

/// Whether `error`, or an error in its chain of causes, says the database could not be reached
/// (see [`connection_failed`]): a failure that passes once the database is back, unlike a
/// statement the database refused.
#[must_use]
pub fn is_unreachable(error: &(dyn std::error::Error + 'static)) -> bool {
    std::iter::successors(Some(error), |error| error.source())
        .filter_map(|error| error.downcast_ref::<sqlx::Error>())
        .any(connection_failed)
}

/// Whether `error` is a failure to reach the database: a connection refused, lost or not
/// obtained in time, or the server shutting down or starting up (SQLSTATE class 08,
/// connection exception, and 57P01-57P05, e.g. `terminating connection due to administrator
/// command`).
#[must_use]
pub fn connection_failed(error: &sqlx::Error) -> bool {
    match error {
        sqlx::Error::Io(_)
        | sqlx::Error::Tls(_)
        | sqlx::Error::PoolTimedOut
        | sqlx::Error::PoolClosed
        | sqlx::Error::WorkerCrashed => true,
        sqlx::Error::Database(database) => {
            database.code().is_some_and(|code| code.starts_with("08") || code.starts_with("57P"))
        }
        _ => false,
    }
}

/// Which schemas of a database must have applied every step of a migration set.
#[derive(Debug, Clone, Copy)]
pub struct ExpectedMigrations {
    /// The schema's name or, unless `required`, an SQL `LIKE` pattern of names (`tenant\_%`).
    pub schemas: &'static str,
    /// The set each of them must have applied.
    pub set: MigrationSet,
    /// Whether the schema must exist: `shared` must; a tenant schema gets a set when the first
    /// process serving that tenant needs it, so one without any step of the set is not behind.
    pub required: bool,
}

/// What the main database must carry: the platform tables, and each tenant's event store and
/// read models.
pub const MAIN_DATABASE: &[ExpectedMigrations] = &[
    ExpectedMigrations { schemas: "shared", set: SHARED, required: true },
    ExpectedMigrations { schemas: "tenant\\_%", set: TENANT, required: false },
];

/// What the time-series database must carry: the platform tables (its projector's checkpoints)
/// and each tenant's time-series read models.
pub const TIMESERIES_DATABASE: &[ExpectedMigrations] = &[
    ExpectedMigrations { schemas: "shared", set: SHARED, required: true },
    ExpectedMigrations { schemas: "tenant\\_%", set: TIMESERIES, required: false },
];

/// A schema that has not applied every step of its migration set.
#[derive(Debug, Clone)]
pub struct SchemaBehind {
    /// The schema.
    pub schema: String,
    /// Its migration set.
    pub set: MigrationSet,
    /// How many of the set's steps it has applied.
    pub applied: usize,
}

impl std::fmt::Display for SchemaBehind {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            formatter,
            "{}: {} of {} {} migrations applied",
            self.schema,
            self.applied,
            self.set.steps.len(),
            self.set.name
        )
    }
}

/// The schemas of the database behind `pool` that `expected` says must carry a set they have
/// not fully applied, in one round trip per expectation; empty when the database is current.
///
/// # Errors
/// When the database cannot be read.
pub async fn schemas_behind(pool: &PgPool, expected: &[ExpectedMigrations]) -> Result<Vec<SchemaBehind>, sqlx::Error> {
    let mut behind = Vec::new();
    for expectation in expected {
        behind.extend(behind_one(pool, expectation).await?);
    }
    Ok(behind)
}

/// Applies what [`schemas_behind`] finds missing: the first start of a process of a newer
/// version migrates every schema it will use, rather than each when first used.
///
/// # Errors
/// When a migration fails.
pub async fn bring_up_to_date(pool: &PgPool, expected: &[ExpectedMigrations]) -> Result<(), sqlx::Error> {
    for behind in schemas_behind(pool, expected).await? {
        migrate(pool, &behind.schema, behind.set).await?;
    }
    Ok(())
}

/// [`schemas_behind`] for one expectation: one statement, however many schemas (each schema's
/// count is a query of its own, run by `query_to_xml` inside it, so the plan stays small).
async fn behind_one(pool: &PgPool, expected: &ExpectedMigrations) -> Result<Vec<SchemaBehind>, sqlx::Error> {
    let versions: Vec<&str> = expected.set.steps.iter().map(|(version, _)| *version).collect();
    let applied: Vec<(String, i64)> = sqlx::query_as(
        "SELECT n.nspname::text,
                (xpath('/row/applied/text()', query_to_xml(format(
                    'SELECT count(*) AS applied FROM %I._prism_migrations
                      WHERE migration_set = %L AND version = ANY(%L)',
                    n.nspname, $2::text, $3::text[]), false, true, '')))[1]::text::bigint
           FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
          WHERE c.relname = '_prism_migrations' AND c.relkind = 'r' AND n.nspname LIKE $1
          ORDER BY 1",
    )
    .bind(expected.schemas)
    .bind(expected.set.name)
    .bind(&versions)
    .fetch_all(pool)
    .await?;
    if applied.is_empty() && expected.required {
        return Ok(vec![SchemaBehind { schema: expected.schemas.to_owned(), set: expected.set, applied: 0 }]);
    }
    let wanted = expected.set.steps.len();
    Ok(applied
        .into_iter()
        .map(|(schema, count)| (schema, usize::try_from(count).unwrap_or(0)))
        .filter(|(_, applied)| (*applied > 0 || expected.required) && *applied < wanted)
        .map(|(schema, applied)| SchemaBehind { schema, set: expected.set, applied })
        .collect())
}

/// Quotes an SQL identifier.
#[must_use]
pub fn quote_ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// Creates `schema` if needed and applies the steps of `set` it has not applied yet, all in
/// one transaction.
///
/// # Errors
/// When a migration fails; nothing of the failed call stays applied.
pub async fn migrate(pool: &PgPool, schema: &str, set: MigrationSet) -> Result<(), sqlx::Error> {
    let quoted = quote_ident(schema);
    let mut tx = pool.begin().await?;
    sqlx::query("SELECT pg_advisory_xact_lock(hashtext('prism-migrate'), hashtext($1))")
        .bind(schema)
        .execute(&mut *tx)
        .await?;
    tx.execute(format!("CREATE SCHEMA IF NOT EXISTS {quoted}").as_str()).await?;
    tx.execute(format!("SET LOCAL search_path TO {quoted}, public").as_str()).await?;
    tx.execute(
        "CREATE TABLE IF NOT EXISTS _prism_migrations (
             migration_set text NOT NULL, version text NOT NULL,
             applied_at timestamptz NOT NULL DEFAULT now(), PRIMARY KEY (migration_set, version))",
    )
    .await?;
    for (version, sql) in set.steps {
        let applied: Option<i32> =
            sqlx::query_scalar("SELECT 1 FROM _prism_migrations WHERE migration_set = $1 AND version = $2")
                .bind(set.name)
                .bind(version)
                .fetch_optional(&mut *tx)
                .await?;
        if applied.is_none() {
            tracing::info!(schema, set = set.name, version, "applying migration");
            tx.execute(*sql).await?;
            sqlx::query("INSERT INTO _prism_migrations (migration_set, version) VALUES ($1, $2)")
                .bind(set.name)
                .bind(version)
                .execute(&mut *tx)
                .await?;
        }
    }
    tx.commit().await
}
