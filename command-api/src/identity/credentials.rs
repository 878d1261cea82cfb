//! The `user_credentials` table of a tenant: the email a user signs in with and the Argon2id
//! hash of the password, kept out of the (published) events.

use prism_aggregates::tenant::TenantId;
use prism_platform::db::quote_ident;
use prism_platform::tenancy::schema_of;
use sqlx::PgPool;
use uuid::Uuid;

/// A user's credential as stored.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Credential {
    /// The user.
    pub user_id: Uuid,
    /// The password's PHC string.
    pub password_hash: String,
}

/// Why a credential was not stored.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// Another user of the tenant signs in with the email.
    #[error("the email is taken")]
    EmailTaken,
    /// The database failed.
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

fn table(tenant: &TenantId) -> String {
    format!("{}.user_credentials", quote_ident(&schema_of(tenant)))
}

/// Stores the credential of `user_id`: `email` (normalised) and `password_hash`.
///
/// # Errors
/// [`StoreError::EmailTaken`], or the database's failure.
pub async fn insert(
    pool: &PgPool,
    tenant: &TenantId,
    user_id: Uuid,
    email: &str,
    password_hash: &str,
) -> Result<(), StoreError> {
    let sql = format!("INSERT INTO {} (user_id, email, password_hash) VALUES ($1, $2, $3)", table(tenant));
    match sqlx::query(&sql).bind(user_id).bind(email).bind(password_hash).execute(pool).await {
        Ok(_) => Ok(()),
        Err(sqlx::Error::Database(e)) if e.is_unique_violation() => Err(StoreError::EmailTaken),
        Err(e) => Err(e.into()),
    }
}

/// Removes the credential of `user_id` (a user whose creation was refused after it).
///
/// # Errors
/// The database's failure.
pub async fn remove(pool: &PgPool, tenant: &TenantId, user_id: Uuid) -> Result<(), sqlx::Error> {
    sqlx::query(&format!("DELETE FROM {} WHERE user_id = $1", table(tenant))).bind(user_id).execute(pool).await?;
    Ok(())
}

/// The credential signing in with `email` (normalised), if any.
///
/// # Errors
/// The database's failure.
pub async fn by_email(pool: &PgPool, tenant: &TenantId, email: &str) -> Result<Option<Credential>, sqlx::Error> {
    let sql = format!("SELECT user_id, password_hash FROM {} WHERE email = $1", table(tenant));
    sqlx::query_as(&sql).bind(email).fetch_optional(pool).await
}
