//! Feature flags per tenant (`shared.feature_flags`): named switches the platform operator
//! turns on or off for one tenant, which any service reads to decide whether a capability is
//! open to it. A flag never set is off. Names are `lowercase`, digits, `_` and `.`, starting
//! with a letter, at most [`MAX_FLAG_CHARS`] characters (`supply.backorders`).

use std::collections::BTreeMap;

use prism_aggregates::tenant::TenantId;
use serde::Serialize;
use sqlx::PgPool;

/// Longest flag name, in characters.
pub const MAX_FLAG_CHARS: usize = 64;

/// Why a flag name is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("flag names are 1-{MAX_FLAG_CHARS} characters a-z, 0-9, _ and ., starting with a letter; got {0:?}")]
pub struct InvalidFlagName(pub String);

/// Checks `name` as a flag name.
///
/// # Errors
/// When it breaks the naming rule.
pub fn check_name(name: &str) -> Result<(), InvalidFlagName> {
    let well_formed = name.len() <= MAX_FLAG_CHARS
        && name.starts_with(|c: char| c.is_ascii_lowercase())
        && name.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '.');
    if well_formed {
        Ok(())
    } else {
        Err(InvalidFlagName(name.to_owned()))
    }
}

/// A tenant's feature flags, as both APIs answer them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct FeatureFlags {
    /// The tenant slug.
    pub tenant: String,
    /// Every flag set for the tenant, by name; a flag not listed is off.
    pub flags: BTreeMap<String, bool>,
}

impl FeatureFlags {
    /// Every flag set for `tenant`.
    ///
    /// # Errors
    /// When the database refuses.
    pub async fn of(pool: &PgPool, tenant: &TenantId) -> Result<Self, sqlx::Error> {
        let rows: Vec<(String, bool)> =
            sqlx::query_as("SELECT flag, enabled FROM shared.feature_flags WHERE tenant = $1 ORDER BY flag")
                .bind(tenant.as_str())
                .fetch_all(pool)
                .await?;
        Ok(Self { tenant: tenant.as_str().to_owned(), flags: rows.into_iter().collect() })
    }
}

/// Whether `flag` is on for `tenant` (off when never set).
///
/// # Errors
/// When the database refuses.
pub async fn is_enabled(pool: &PgPool, tenant: &TenantId, flag: &str) -> Result<bool, sqlx::Error> {
    let enabled: Option<bool> =
        sqlx::query_scalar("SELECT enabled FROM shared.feature_flags WHERE tenant = $1 AND flag = $2")
            .bind(tenant.as_str())
            .bind(flag)
            .fetch_optional(pool)
            .await?;
    Ok(enabled.unwrap_or(false))
}

/// Turns `flag` on or off for `tenant`, which must be registered.
///
/// # Errors
/// When the database refuses (a tenant not registered breaks the foreign key).
pub async fn set(pool: &PgPool, tenant: &TenantId, flag: &str, enabled: bool) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO shared.feature_flags (tenant, flag, enabled) VALUES ($1, $2, $3)
         ON CONFLICT (tenant, flag) DO UPDATE SET enabled = EXCLUDED.enabled, updated_at = now()",
    )
    .bind(tenant.as_str())
    .bind(flag)
    .bind(enabled)
    .execute(pool)
    .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flag_names_are_dotted_lowercase_words() {
        for good in ["a", "supply.backorders", "finance.multi_currency2", &"x".repeat(MAX_FLAG_CHARS)] {
            assert_eq!(check_name(good), Ok(()), "{good}");
        }
        for bad in ["", "1abc", "Supply", "a-b", "a b", ".a", &"x".repeat(MAX_FLAG_CHARS + 1)] {
            assert!(check_name(bad).is_err(), "{bad:?}");
        }
    }
}
