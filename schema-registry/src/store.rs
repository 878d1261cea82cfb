//! Postgres persistence: the DDL run at start and every query the registry makes.
//!
//! All tables live in one Postgres schema (the connection's `search_path` is set to it, so the
//! SQL below is unqualified). Reads take any executor, the pool or a transaction, so the same
//! query serves a plain read and a read inside a registration. Writes that depend on what is
//! already stored for a subject run in a [`SubjectTx`], which holds a transaction-scoped
//! advisory lock on that subject: two registrations of one subject, from one process or many,
//! are serialised, and the unique keys below catch anything that slips past.

use std::{str::FromStr, time::Duration};

use sqlx::{
    postgres::{PgConnectOptions, PgPoolOptions},
    PgConnection, PgExecutor, PgPool, Postgres, Transaction,
};

use crate::{compatibility::CompatibilityLevel, config::Config};

/// Tables, indexes and constraints; every statement is idempotent.
const DDL: &str = r"
CREATE TABLE IF NOT EXISTS schemas (
    id              integer     GENERATED ALWAYS AS IDENTITY,
    schema_type     text        NOT NULL DEFAULT 'AVRO',
    schema_text     text        NOT NULL,
    canonical_form  text        NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT schemas_pkey PRIMARY KEY (id),
    CONSTRAINT schemas_schema_type_is_avro CHECK (schema_type = 'AVRO')
);
-- One global id per canonical form; md5 keeps index entries small for large schemas.
CREATE UNIQUE INDEX IF NOT EXISTS schemas_canonical_form_md5_key
    ON schemas (md5(canonical_form));

CREATE TABLE IF NOT EXISTS subject_versions (
    subject         text        NOT NULL,
    version         integer     NOT NULL,
    schema_id       integer     NOT NULL,
    deleted         boolean     NOT NULL DEFAULT false,
    registered_at   timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT subject_versions_pkey PRIMARY KEY (subject, version),
    CONSTRAINT subject_versions_version_is_positive CHECK (version > 0),
    CONSTRAINT subject_versions_schema_id_fkey FOREIGN KEY (schema_id) REFERENCES schemas (id)
);
CREATE INDEX IF NOT EXISTS subject_versions_schema_id_idx ON subject_versions (schema_id);

CREATE TABLE IF NOT EXISTS global_config (
    singleton       boolean     NOT NULL DEFAULT true,
    compatibility   text        NOT NULL,
    CONSTRAINT global_config_pkey PRIMARY KEY (singleton),
    CONSTRAINT global_config_has_one_row CHECK (singleton),
    CONSTRAINT global_config_compatibility_is_known CHECK (compatibility IN (
        'NONE', 'BACKWARD', 'BACKWARD_TRANSITIVE', 'FORWARD', 'FORWARD_TRANSITIVE',
        'FULL', 'FULL_TRANSITIVE'))
);

CREATE TABLE IF NOT EXISTS subject_config (
    subject         text        NOT NULL,
    compatibility   text        NOT NULL,
    CONSTRAINT subject_config_pkey PRIMARY KEY (subject),
    CONSTRAINT subject_config_compatibility_is_known CHECK (compatibility IN (
        'NONE', 'BACKWARD', 'BACKWARD_TRANSITIVE', 'FORWARD', 'FORWARD_TRANSITIVE',
        'FULL', 'FULL_TRANSITIVE'))
);
";

/// Columns selected for a [`SubjectVersion`], in tuple order.
const VERSION_COLUMNS: &str = "sv.subject, sv.version, sv.schema_id, s.schema_text, sv.deleted";

type VersionRow = (String, i32, i32, String, bool);

/// One version of a subject together with its schema.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubjectVersion {
    /// The subject name.
    pub subject: String,
    /// The version number within the subject, from 1.
    pub version: i32,
    /// The global schema id.
    pub schema_id: i32,
    /// The schema text as first registered.
    pub schema_text: String,
    /// Whether the version was soft-deleted.
    pub deleted: bool,
}

impl From<VersionRow> for SubjectVersion {
    fn from((subject, version, schema_id, schema_text, deleted): VersionRow) -> Self {
        Self { subject, version, schema_id, schema_text, deleted }
    }
}

/// Which version of a subject a request means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VersionSelector {
    /// The highest version (that is not deleted, unless deleted ones are included).
    Latest,
    /// One version number.
    Number(i32),
}

/// Whether soft-deleted rows take part in a read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Deleted {
    /// Only live rows.
    Exclude,
    /// Live and soft-deleted rows.
    Include,
}

impl Deleted {
    fn included(self) -> bool {
        self == Self::Include
    }
}

/// The connection pool and the name of the registry's Postgres schema.
#[derive(Debug, Clone)]
pub struct Store {
    pool: PgPool,
    db_schema: String,
}

impl Store {
    /// Opens a pool whose connections use `config.db_schema` as their only search path.
    ///
    /// The schema name must already be validated ([`Config::validate`]).
    ///
    /// # Errors
    /// The database URL does not parse or Postgres cannot be reached.
    pub async fn connect(config: &Config) -> Result<Self, sqlx::Error> {
        let options =
            PgConnectOptions::from_str(&config.database_url)?.options([("search_path", config.db_schema.as_str())]);
        let pool = PgPoolOptions::new()
            .max_connections(config.db_max_connections)
            .acquire_timeout(Duration::from_millis(config.db_acquire_timeout_ms))
            .connect_with(options)
            .await?;
        Ok(Self { pool, db_schema: config.db_schema.clone() })
    }

    /// Creates the schema and tables if missing; safe to run from several processes at once.
    ///
    /// # Errors
    /// Any database error.
    pub async fn migrate(&self) -> Result<(), sqlx::Error> {
        let mut tx = self.pool.begin().await?;
        sqlx::query("SELECT pg_advisory_xact_lock(hashtext('prism-schema-registry'), hashtext($1))")
            .bind(&self.db_schema)
            .execute(&mut *tx)
            .await?;
        // The name passed Config::validate: [a-z_][a-z0-9_]*, so quoting it is enough.
        sqlx::raw_sql(&format!("CREATE SCHEMA IF NOT EXISTS \"{}\"", self.db_schema)).execute(&mut *tx).await?;
        sqlx::raw_sql(DDL).execute(&mut *tx).await?;
        tx.commit().await
    }

    /// The pool, for reads.
    #[must_use]
    pub fn pool(&self) -> &PgPool {
        &self.pool
    }

    /// Starts a transaction holding the advisory lock of `subject` until commit or drop.
    ///
    /// # Errors
    /// Any database error.
    pub async fn lock_subject(&self, subject: &str) -> Result<SubjectTx, sqlx::Error> {
        let mut tx = self.pool.begin().await?;
        sqlx::query("SELECT pg_advisory_xact_lock(hashtext($1), hashtext($2))")
            .bind(&self.db_schema)
            .bind(subject)
            .execute(&mut *tx)
            .await?;
        Ok(SubjectTx { tx })
    }
}

/// A transaction that holds one subject's advisory lock; dropping it rolls back.
#[derive(Debug)]
pub struct SubjectTx {
    tx: Transaction<'static, Postgres>,
}

impl SubjectTx {
    /// The transaction's connection, to pass to the query functions.
    pub fn conn(&mut self) -> &mut PgConnection {
        &mut self.tx
    }

    /// Commits, which also releases the lock.
    ///
    /// # Errors
    /// Any database error.
    pub async fn commit(self) -> Result<(), sqlx::Error> {
        self.tx.commit().await
    }
}

/// Names of subjects with at least one version, sorted.
///
/// # Errors
/// Any database error.
pub async fn subjects(ex: impl PgExecutor<'_>, deleted: Deleted) -> Result<Vec<String>, sqlx::Error> {
    sqlx::query_scalar("SELECT DISTINCT subject FROM subject_versions WHERE ($1 OR NOT deleted) ORDER BY subject")
        .bind(deleted.included())
        .fetch_all(ex)
        .await
}

/// Version numbers of a subject, ascending.
///
/// # Errors
/// Any database error.
pub async fn version_numbers(
    ex: impl PgExecutor<'_>,
    subject: &str,
    deleted: Deleted,
) -> Result<Vec<i32>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT version FROM subject_versions WHERE subject = $1 AND ($2 OR NOT deleted) \
         ORDER BY version",
    )
    .bind(subject)
    .bind(deleted.included())
    .fetch_all(ex)
    .await
}

/// One version of a subject.
///
/// # Errors
/// Any database error.
pub async fn version(
    ex: impl PgExecutor<'_>,
    subject: &str,
    selector: VersionSelector,
    deleted: Deleted,
) -> Result<Option<SubjectVersion>, sqlx::Error> {
    let number = match selector {
        VersionSelector::Latest => None,
        VersionSelector::Number(n) => Some(n),
    };
    let row: Option<VersionRow> = sqlx::query_as(&format!(
        "SELECT {VERSION_COLUMNS} FROM subject_versions sv JOIN schemas s ON s.id = sv.schema_id \
         WHERE sv.subject = $1 AND ($2 OR NOT sv.deleted) AND ($3::integer IS NULL OR sv.version = $3) \
         ORDER BY sv.version DESC LIMIT 1"
    ))
    .bind(subject)
    .bind(deleted.included())
    .bind(number)
    .fetch_optional(ex)
    .await?;
    Ok(row.map(SubjectVersion::from))
}

/// Every live version of a subject, oldest first.
///
/// # Errors
/// Any database error.
pub async fn live_versions(ex: impl PgExecutor<'_>, subject: &str) -> Result<Vec<SubjectVersion>, sqlx::Error> {
    let rows: Vec<VersionRow> = sqlx::query_as(&format!(
        "SELECT {VERSION_COLUMNS} FROM subject_versions sv JOIN schemas s ON s.id = sv.schema_id \
         WHERE sv.subject = $1 AND NOT sv.deleted ORDER BY sv.version"
    ))
    .bind(subject)
    .fetch_all(ex)
    .await?;
    Ok(rows.into_iter().map(SubjectVersion::from).collect())
}

/// The earliest live version of a subject whose schema has this canonical form.
///
/// # Errors
/// Any database error.
pub async fn find_in_subject(
    ex: impl PgExecutor<'_>,
    subject: &str,
    canonical: &str,
) -> Result<Option<SubjectVersion>, sqlx::Error> {
    let row: Option<VersionRow> = sqlx::query_as(&format!(
        "SELECT {VERSION_COLUMNS} FROM subject_versions sv JOIN schemas s ON s.id = sv.schema_id \
         WHERE sv.subject = $1 AND NOT sv.deleted \
           AND md5(s.canonical_form) = md5($2) AND s.canonical_form = $2 \
         ORDER BY sv.version LIMIT 1"
    ))
    .bind(subject)
    .bind(canonical)
    .fetch_optional(ex)
    .await?;
    Ok(row.map(SubjectVersion::from))
}

/// The text of the schema with this global id.
///
/// # Errors
/// Any database error.
pub async fn schema_text(ex: impl PgExecutor<'_>, id: i32) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar("SELECT schema_text FROM schemas WHERE id = $1").bind(id).fetch_optional(ex).await
}

/// The `(subject, version)` pairs that use a schema id, ordered.
///
/// # Errors
/// Any database error.
pub async fn schema_usages(
    ex: impl PgExecutor<'_>,
    id: i32,
    deleted: Deleted,
) -> Result<Vec<(String, i32)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT subject, version FROM subject_versions WHERE schema_id = $1 AND ($2 OR NOT deleted) \
         ORDER BY subject, version",
    )
    .bind(id)
    .bind(deleted.included())
    .fetch_all(ex)
    .await
}

/// The id of the schema with this canonical form, inserting it (with `text`) if new.
///
/// Concurrent inserts of one new schema from different subjects meet at the unique index; the
/// loser reads the winner's row.
///
/// # Errors
/// Any database error.
pub async fn get_or_insert_schema(conn: &mut PgConnection, text: &str, canonical: &str) -> Result<i32, sqlx::Error> {
    let find = "SELECT id FROM schemas WHERE md5(canonical_form) = md5($1) AND canonical_form = $1";
    if let Some(id) = sqlx::query_scalar(find).bind(canonical).fetch_optional(&mut *conn).await? {
        return Ok(id);
    }
    let inserted: Option<i32> = sqlx::query_scalar(
        "INSERT INTO schemas (schema_text, canonical_form) VALUES ($1, $2) \
         ON CONFLICT ((md5(canonical_form))) DO NOTHING RETURNING id",
    )
    .bind(text)
    .bind(canonical)
    .fetch_optional(&mut *conn)
    .await?;
    match inserted {
        Some(id) => Ok(id),
        None => sqlx::query_scalar(find).bind(canonical).fetch_one(conn).await,
    }
}

/// Appends a version to a subject (numbered after every version, deleted ones too).
///
/// Call with the subject locked ([`Store::lock_subject`]).
///
/// # Errors
/// Any database error, including a primary-key violation if the lock was not held.
pub async fn append_version(conn: &mut PgConnection, subject: &str, schema_id: i32) -> Result<i32, sqlx::Error> {
    sqlx::query_scalar(
        "INSERT INTO subject_versions (subject, version, schema_id) \
         SELECT $1, coalesce(max(version), 0) + 1, $2 FROM subject_versions WHERE subject = $1 \
         RETURNING version",
    )
    .bind(subject)
    .bind(schema_id)
    .fetch_one(conn)
    .await
}

/// Marks live versions deleted: one (`Some`) or all (`None`). Returns those marked, ascending.
///
/// # Errors
/// Any database error.
pub async fn soft_delete(
    ex: impl PgExecutor<'_>,
    subject: &str,
    version: Option<i32>,
) -> Result<Vec<i32>, sqlx::Error> {
    let mut versions: Vec<i32> = sqlx::query_scalar(
        "UPDATE subject_versions SET deleted = true \
         WHERE subject = $1 AND NOT deleted AND ($2::integer IS NULL OR version = $2) \
         RETURNING version",
    )
    .bind(subject)
    .bind(version)
    .fetch_all(ex)
    .await?;
    versions.sort_unstable();
    Ok(versions)
}

/// Removes soft-deleted versions: one (`Some`) or all (`None`). Returns those removed, ascending.
///
/// Schema rows stay, so ids in old messages still resolve.
///
/// # Errors
/// Any database error.
pub async fn hard_delete(
    ex: impl PgExecutor<'_>,
    subject: &str,
    version: Option<i32>,
) -> Result<Vec<i32>, sqlx::Error> {
    let mut versions: Vec<i32> = sqlx::query_scalar(
        "DELETE FROM subject_versions \
         WHERE subject = $1 AND deleted AND ($2::integer IS NULL OR version = $2) \
         RETURNING version",
    )
    .bind(subject)
    .bind(version)
    .fetch_all(ex)
    .await?;
    versions.sort_unstable();
    Ok(versions)
}

/// The global compatibility level, if one was set.
///
/// # Errors
/// Any database error, or a stored level that is not a known name.
pub async fn global_level(ex: impl PgExecutor<'_>) -> Result<Option<CompatibilityLevel>, sqlx::Error> {
    let name: Option<String> = sqlx::query_scalar("SELECT compatibility FROM global_config").fetch_optional(ex).await?;
    name.as_deref().map(decode_level).transpose()
}

/// Sets the global compatibility level.
///
/// # Errors
/// Any database error.
pub async fn set_global_level(ex: impl PgExecutor<'_>, level: CompatibilityLevel) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO global_config (singleton, compatibility) VALUES (true, $1) \
         ON CONFLICT (singleton) DO UPDATE SET compatibility = EXCLUDED.compatibility",
    )
    .bind(level.as_str())
    .execute(ex)
    .await?;
    Ok(())
}

/// The compatibility level set for one subject, if any.
///
/// # Errors
/// Any database error, or a stored level that is not a known name.
pub async fn subject_level(ex: impl PgExecutor<'_>, subject: &str) -> Result<Option<CompatibilityLevel>, sqlx::Error> {
    let name: Option<String> = sqlx::query_scalar("SELECT compatibility FROM subject_config WHERE subject = $1")
        .bind(subject)
        .fetch_optional(ex)
        .await?;
    name.as_deref().map(decode_level).transpose()
}

/// The level that applies to a subject: its own, else the global one, if either was set.
///
/// # Errors
/// Any database error, or a stored level that is not a known name.
pub async fn configured_level(
    ex: impl PgExecutor<'_>,
    subject: &str,
) -> Result<Option<CompatibilityLevel>, sqlx::Error> {
    let name: Option<String> = sqlx::query_scalar(
        "SELECT coalesce((SELECT compatibility FROM subject_config WHERE subject = $1), \
                         (SELECT compatibility FROM global_config))",
    )
    .bind(subject)
    .fetch_one(ex)
    .await?;
    name.as_deref().map(decode_level).transpose()
}

/// Sets one subject's compatibility level.
///
/// # Errors
/// Any database error.
pub async fn set_subject_level(
    ex: impl PgExecutor<'_>,
    subject: &str,
    level: CompatibilityLevel,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO subject_config (subject, compatibility) VALUES ($1, $2) \
         ON CONFLICT (subject) DO UPDATE SET compatibility = EXCLUDED.compatibility",
    )
    .bind(subject)
    .bind(level.as_str())
    .execute(ex)
    .await?;
    Ok(())
}

/// Removes one subject's compatibility level, returning the one it had.
///
/// # Errors
/// Any database error, or a stored level that is not a known name.
pub async fn delete_subject_level(
    ex: impl PgExecutor<'_>,
    subject: &str,
) -> Result<Option<CompatibilityLevel>, sqlx::Error> {
    let name: Option<String> =
        sqlx::query_scalar("DELETE FROM subject_config WHERE subject = $1 RETURNING compatibility")
            .bind(subject)
            .fetch_optional(ex)
            .await?;
    name.as_deref().map(decode_level).transpose()
}

fn decode_level(name: &str) -> Result<CompatibilityLevel, sqlx::Error> {
    CompatibilityLevel::parse(name)
        .ok_or_else(|| sqlx::Error::Decode(format!("unknown compatibility level '{name}'").into()))
}
