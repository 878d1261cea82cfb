//! Exchange rates in the Postgres read model, in the tenant's schema: `functional_currency`,
//! one row once the functional currency is set, and `exchange_rates`, one row per currency and
//! date. Each is upserted guarded by position: an upsert only replaces an older row and never
//! writes from an event this projector already applied (`projection_applied`) — so applying an
//! event twice changes nothing, whatever was applied in between.

use prism_aggregates::finance::exchange_rates::{ExchangeRateSet, ExchangeRatesEvent};
use sqlx::PgConnection;

use super::postgres::NAME;
use crate::projection::ProjectionError;

/// Applies one exchange-rates event recorded at global `position`.
///
/// # Errors
/// When the database refuses.
pub async fn apply_exchange_rates(
    tx: &mut PgConnection,
    schema: &str,
    event: &ExchangeRatesEvent,
    position: i64,
) -> Result<(), ProjectionError> {
    match event {
        ExchangeRatesEvent::FunctionalCurrencySet(set) => {
            sqlx::query(&format!(
                "INSERT INTO {schema}.functional_currency (currency, last_position)
                 SELECT $1, $2
                  WHERE NOT EXISTS (SELECT 1 FROM {schema}.projection_applied WHERE projector = $3 AND global_position = $2)
                 ON CONFLICT (singleton) DO UPDATE
                    SET currency = excluded.currency, last_position = excluded.last_position
                  WHERE functional_currency.last_position < excluded.last_position"
            ))
            .bind(&set.currency)
            .bind(position)
            .bind(NAME)
            .execute(tx)
            .await?;
            Ok(())
        }
        ExchangeRatesEvent::ExchangeRateSet(set) => upsert_rate(tx, schema, set, position).await,
    }
}

async fn upsert_rate(
    tx: &mut PgConnection,
    schema: &str,
    set: &ExchangeRateSet,
    position: i64,
) -> Result<(), ProjectionError> {
    sqlx::query(&format!(
        "INSERT INTO {schema}.exchange_rates (currency, date, rate, rate_e9, functional_currency, last_position)
         SELECT $1, $2, $3, $4, $5, $6
          WHERE NOT EXISTS (SELECT 1 FROM {schema}.projection_applied WHERE projector = $7 AND global_position = $6)
         ON CONFLICT (currency, date) DO UPDATE
            SET rate = excluded.rate, rate_e9 = excluded.rate_e9,
                functional_currency = excluded.functional_currency, last_position = excluded.last_position
          WHERE exchange_rates.last_position < excluded.last_position"
    ))
    .bind(&set.currency)
    .bind(set.date)
    .bind(&set.rate)
    .bind(set.rate_e9)
    .bind(&set.functional_currency)
    .bind(position)
    .bind(NAME)
    .execute(tx)
    .await?;
    Ok(())
}
