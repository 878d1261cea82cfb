//! `GET /v1/accounts/{code}/balance`: the account's debit and credit totals and balance per
//! currency, from `account_balances` (the `postgres` projector's read model).

use axum::extract::{Path, State};
use axum::Json;
use prism_aggregates::finance::account::AccountCode;
use prism_aggregates::tenant::TenantId;
use prism_platform::problem::Problem;
use serde::Serialize;
use sqlx::PgPool;

use crate::consistency::MinPosition;
use crate::error::{absent_if_unprovisioned, ReadError};
use crate::params;
use crate::state::AppState;
use crate::stores::tenant_table;
use crate::tenants::KnownTenant;

/// An account's balances, one per currency it has postings in.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct AccountBalanceView {
    /// The account code.
    pub account: String,
    /// One entry per currency, by currency code; empty when the account has no postings.
    pub balances: Vec<CurrencyBalance>,
}

/// Totals of one account in one currency, in minor units.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct CurrencyBalance {
    /// ISO 4217 currency code.
    pub currency: String,
    /// Sum of debits.
    pub debit_total_minor: i64,
    /// Sum of credits.
    pub credit_total_minor: i64,
    /// Debits minus credits (negative for a credit balance).
    pub balance_minor: i64,
}

/// `GET /v1/accounts/{code}/balance`.
#[utoipa::path(get, path = "/v1/accounts/{code}/balance", params(("code" = String, Path, description = "Account code")),
    responses((status = 200, description = "The account's balance per currency", body = AccountBalanceView)))]
#[tracing::instrument(skip_all, fields(tenant = %tenant, account = %code))]
pub async fn get(
    State(state): State<AppState>,
    KnownTenant(tenant): KnownTenant,
    token: MinPosition,
    Path(code): Path<String>,
) -> Result<Json<AccountBalanceView>, Problem> {
    let account = params::path_account(&code)?;
    state.await_postgres(&tenant, token).await?;
    let balances = read_balances(&state.stores.postgres, &tenant, &account).await?;
    Ok(Json(AccountBalanceView { account: account.as_str().to_owned(), balances }))
}

async fn read_balances(
    pool: &PgPool,
    tenant: &TenantId,
    account: &AccountCode,
) -> Result<Vec<CurrencyBalance>, ReadError> {
    let sql = format!(
        "SELECT currency, debit_total_minor, credit_total_minor FROM {} WHERE account = $1 ORDER BY currency",
        tenant_table(tenant, "account_balances")
    );
    let rows = sqlx::query_as::<_, (String, i64, i64)>(&sql).bind(account.as_str()).fetch_all(pool).await;
    absent_if_unprovisioned(rows, Vec::new())?
        .into_iter()
        .map(|(currency, debit_total_minor, credit_total_minor)| {
            let balance_minor =
                debit_total_minor.checked_sub(credit_total_minor).ok_or(ReadError::Overflow("balance_minor"))?;
            Ok(CurrencyBalance { currency, debit_total_minor, credit_total_minor, balance_minor })
        })
        .collect()
}
