//! The `user_credentials` table of a tenant: the email a user signs in with, the Argon2id
//! hash of the password and the TOTP secret of multi-factor sign-in (see [`super::mfa`]), kept
//! out of the (published) events.

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
    /// The email the user signs in with (normalised).
    pub email: String,
    /// The password's PHC string.
    pub password_hash: String,
    /// The TOTP secret in base32: enrolled, and confirmed when `mfa_enabled`.
    pub totp_secret: Option<String>,
    /// Whether signing in takes a TOTP code.
    pub mfa_enabled: bool,
}

/// The columns of a [`Credential`].
const COLUMNS: &str = "user_id, email, password_hash, totp_secret, mfa_enabled";

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
    let sql = format!("SELECT {COLUMNS} FROM {} WHERE email = $1", table(tenant));
    sqlx::query_as(&sql).bind(email).fetch_optional(pool).await
}

/// The credential of `user_id`, if any.
///
/// # Errors
/// The database's failure.
pub async fn by_user(pool: &PgPool, tenant: &TenantId, user_id: Uuid) -> Result<Option<Credential>, sqlx::Error> {
    let sql = format!("SELECT {COLUMNS} FROM {} WHERE user_id = $1", table(tenant));
    sqlx::query_as(&sql).bind(user_id).fetch_optional(pool).await
}

/// Gives `user_id` the TOTP secret `secret` (base32), pending confirmation, unless MFA is on
/// for the user; whether it did.
///
/// # Errors
/// The database's failure.
pub async fn enrol_totp(pool: &PgPool, tenant: &TenantId, user_id: Uuid, secret: &str) -> Result<bool, sqlx::Error> {
    let sql = format!(
        "UPDATE {} SET totp_secret = $2, totp_last_step = NULL, updated_at = now() \
         WHERE user_id = $1 AND NOT mfa_enabled",
        table(tenant)
    );
    Ok(sqlx::query(&sql).bind(user_id).bind(secret).execute(pool).await?.rows_affected() == 1)
}

/// Turns MFA on for `user_id` if its pending secret is still `secret`; whether it did.
///
/// # Errors
/// The database's failure.
pub async fn enable_mfa(pool: &PgPool, tenant: &TenantId, user_id: Uuid, secret: &str) -> Result<bool, sqlx::Error> {
    let sql = format!(
        "UPDATE {} SET mfa_enabled = true, updated_at = now() \
         WHERE user_id = $1 AND totp_secret = $2 AND NOT mfa_enabled",
        table(tenant)
    );
    Ok(sqlx::query(&sql).bind(user_id).bind(secret).execute(pool).await?.rows_affected() == 1)
}

/// Turns MFA off for `user_id` and forgets its secret; whether MFA was on.
///
/// # Errors
/// The database's failure.
pub async fn disable_mfa(pool: &PgPool, tenant: &TenantId, user_id: Uuid) -> Result<bool, sqlx::Error> {
    let sql = format!(
        "UPDATE {} SET mfa_enabled = false, totp_secret = NULL, totp_last_step = NULL, updated_at = now() \
         WHERE user_id = $1 AND mfa_enabled",
        table(tenant)
    );
    Ok(sqlx::query(&sql).bind(user_id).execute(pool).await?.rows_affected() == 1)
}

/// Records that the TOTP code of time step `step` was used by `user_id`, unless a code of that
/// step or a later one was: whether it was the first (a code is accepted once only).
///
/// # Errors
/// The database's failure.
pub async fn use_totp_step(pool: &PgPool, tenant: &TenantId, user_id: Uuid, step: i64) -> Result<bool, sqlx::Error> {
    let sql = format!(
        "UPDATE {} SET totp_last_step = $2 WHERE user_id = $1 AND (totp_last_step IS NULL OR totp_last_step < $2)",
        table(tenant)
    );
    Ok(sqlx::query(&sql).bind(user_id).bind(step).execute(pool).await?.rows_affected() == 1)
}
