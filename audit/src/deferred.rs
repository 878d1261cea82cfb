//! Secondary indexes and foreign keys of a replay's schema, set aside while the replay writes
//! and built again once it is done: Postgres then checks each foreign key with one join and
//! sorts each index once, instead of doing both row by row for a million events. The unique
//! indexes and primary keys stay, since the projector's upserts need them.
//!
//! What was set aside is kept in the schema's own `_prism_deferred` table, in the transaction
//! that drops it, so an interrupted replay that resumes still knows what to put back;
//! [`restore`] rebuilds everything in one transaction and drops that table.

use prism_platform::db::quote_ident;
use sqlx::{Executor, PgConnection, PgPool};

use crate::replay::NOT_READ_MODELS;
use crate::AuditError;

/// The bookkeeping table, in the replay's schema.
pub const TABLE: &str = "_prism_deferred";

/// Memory each index build may sort in before it spills to disk (Postgres's default is 64 MB;
/// the account index of a million entries' lines needs about twice that).
const SORT_MEMORY: &str = "256MB";

/// Sets aside the foreign keys and the non-unique indexes of the read-model tables of the
/// (unquoted) `schema`, unless that was done already. The foreign keys are listed first, so
/// that [`restore`], going backwards, checks them once every index is back.
///
/// # Errors
/// A database failure (nothing is then set aside).
pub async fn set_aside(pool: &PgPool, schema: &str) -> Result<(), AuditError> {
    let quoted = quote_ident(schema);
    let mut tx = pool.begin().await?;
    if bookkept(&mut tx, &quoted).await? {
        return Ok(());
    }
    tx.execute(
        format!("CREATE TABLE {quoted}.{TABLE} (step int GENERATED ALWAYS AS IDENTITY, create_sql text)").as_str(),
    )
    .await?;
    let deferred: Vec<(String, String)> = sqlx::query_as(
        "SELECT format('ALTER TABLE %I.%I DROP CONSTRAINT %I', n.nspname, c.relname, k.conname),
                format('ALTER TABLE %I.%I ADD CONSTRAINT %I %s', n.nspname, c.relname, k.conname,
                       pg_get_constraintdef(k.oid))
           FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace
          WHERE n.nspname = $1 AND k.contype = 'f' AND NOT c.relname = ANY($2)
         UNION ALL
         SELECT format('DROP INDEX %I.%I', n.nspname, ix.relname), pg_get_indexdef(i.indexrelid)
           FROM pg_index i JOIN pg_class ix ON ix.oid = i.indexrelid JOIN pg_class c ON c.oid = i.indrelid
           JOIN pg_namespace n ON n.oid = c.relnamespace
          WHERE n.nspname = $1 AND NOT i.indisunique AND NOT c.relname = ANY($2)",
    )
    .bind(schema)
    .bind(NOT_READ_MODELS)
    .fetch_all(&mut *tx)
    .await?;
    for (drop_sql, create_sql) in &deferred {
        tx.execute(drop_sql.as_str()).await?;
        sqlx::query(&format!("INSERT INTO {quoted}.{TABLE} (create_sql) VALUES ($1)"))
            .bind(create_sql)
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    Ok(())
}

/// Builds again, in one transaction, what [`set_aside`] set aside in the (unquoted) `schema`,
/// and drops its bookkeeping; nothing when nothing is set aside.
///
/// # Errors
/// A database failure, or a foreign key the replayed rows break (nothing is then restored).
pub async fn restore(pool: &PgPool, schema: &str) -> Result<(), AuditError> {
    let quoted = quote_ident(schema);
    let mut tx = pool.begin().await?;
    if !bookkept(&mut tx, &quoted).await? {
        return Ok(());
    }
    tx.execute(format!("SET LOCAL maintenance_work_mem = '{SORT_MEMORY}'").as_str()).await?;
    let statements: Vec<String> =
        sqlx::query_scalar(&format!("SELECT create_sql FROM {quoted}.{TABLE} ORDER BY step DESC"))
            .fetch_all(&mut *tx)
            .await?;
    for statement in &statements {
        tx.execute(statement.as_str()).await?;
    }
    tx.execute(format!("DROP TABLE {quoted}.{TABLE}").as_str()).await?;
    tx.commit().await?;
    Ok(())
}

/// Whether the `quoted` schema holds the bookkeeping table: something is set aside.
async fn bookkept(conn: &mut PgConnection, quoted: &str) -> Result<bool, AuditError> {
    Ok(sqlx::query_scalar("SELECT to_regclass($1) IS NOT NULL")
        .bind(format!("{quoted}.{TABLE}"))
        .fetch_one(conn)
        .await?)
}
