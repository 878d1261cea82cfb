//! Identity in the Postgres read model, in the tenant's schema: `users`, one row per user with
//! its profile, roles and status (`active` or `deactivated`), created and updated at the times
//! its events occurred; and `organization_units`, one row per company, department and team
//! with its parent and status (`open` or `closed`). A first event inserts the row (a repeat
//! changes nothing); every later one changes it only if it is later than the last one applied
//! to the row (`last_position`), so a redelivered event changes nothing. No identity event
//! carries a credential, so none reaches these tables.

use prism_aggregates::identity::organization::{OrganizationEvent, OrganizationUnitAdded};
use prism_aggregates::identity::user::{UserCreated, UserEvent};
use prism_platform::envelope::EventEnvelope;
use sqlx::{Encode, PgConnection, Postgres, Type};
use uuid::Uuid;

use crate::projection::ProjectionError;

/// Applies one user event, described by `envelope`.
///
/// # Errors
/// When the database refuses.
pub async fn apply_user(
    tx: &mut PgConnection,
    schema: &str,
    event: &UserEvent,
    envelope: &EventEnvelope,
) -> Result<(), ProjectionError> {
    match event {
        UserEvent::UserCreated(created) => insert_user(tx, schema, created, envelope).await,
        UserEvent::UserRolesChanged(changed) => {
            update_user(tx, schema, changed.user_id, "roles", &changed.roles, envelope).await
        }
        UserEvent::UserDeactivated(deactivated) => {
            update_user(tx, schema, deactivated.user_id, "status", "deactivated", envelope).await
        }
        UserEvent::UserReactivated(reactivated) => {
            update_user(tx, schema, reactivated.user_id, "status", "active", envelope).await
        }
    }
}

async fn insert_user(
    tx: &mut PgConnection,
    schema: &str,
    created: &UserCreated,
    envelope: &EventEnvelope,
) -> Result<(), ProjectionError> {
    sqlx::query(&format!(
        "INSERT INTO {schema}.users
             (user_id, email, name, organization_unit, roles, status, created_at, updated_at, last_position)
         VALUES ($1, $2, $3, $4, $5, 'active', $6, $6, $7)
         ON CONFLICT (user_id) DO NOTHING"
    ))
    .bind(created.user_id)
    .bind(&created.email)
    .bind(&created.name)
    .bind(&created.organization_unit)
    .bind(&created.roles)
    .bind(envelope.occurred_at)
    .bind(envelope.global_position)
    .execute(tx)
    .await?;
    Ok(())
}

/// Sets `column` of user `user_id` to `value`, and its `updated_at`, unless a later event
/// already changed the row.
async fn update_user<T>(
    tx: &mut PgConnection,
    schema: &str,
    user_id: Uuid,
    column: &'static str,
    value: T,
    envelope: &EventEnvelope,
) -> Result<(), ProjectionError>
where
    T: for<'q> Encode<'q, Postgres> + Type<Postgres> + Send,
{
    update_dated(tx, schema, ("users", "user_id"), user_id, (column, value), envelope).await
}

/// Sets `column` to `value`, and `updated_at`, in the row of `table` whose `key_column` is
/// `key` — a table whose rows carry `updated_at` and `last_position` — unless a later event
/// already changed the row.
///
/// # Errors
/// When the database refuses.
pub(super) async fn update_dated<K, T>(
    tx: &mut PgConnection,
    schema: &str,
    (table, key_column): (&'static str, &'static str),
    key: K,
    (column, value): (&'static str, T),
    envelope: &EventEnvelope,
) -> Result<(), ProjectionError>
where
    K: for<'q> Encode<'q, Postgres> + Type<Postgres> + Send,
    T: for<'q> Encode<'q, Postgres> + Type<Postgres> + Send,
{
    let sql = format!(
        "UPDATE {schema}.{table} SET {column} = $2, updated_at = $3, last_position = $4
          WHERE {key_column} = $1 AND last_position < $4"
    );
    sqlx::query(&sql)
        .bind(key)
        .bind(value)
        .bind(envelope.occurred_at)
        .bind(envelope.global_position)
        .execute(tx)
        .await?;
    Ok(())
}

/// Applies one organisation event recorded at global `position`.
///
/// # Errors
/// When the database refuses.
pub async fn apply_organization(
    tx: &mut PgConnection,
    schema: &str,
    event: &OrganizationEvent,
    position: i64,
) -> Result<(), ProjectionError> {
    match event {
        OrganizationEvent::OrganizationUnitAdded(added) => insert_unit(tx, schema, added, position).await,
        OrganizationEvent::OrganizationUnitRenamed(renamed) => {
            update_unit(tx, schema, &renamed.unit_id, "name", &renamed.name, position).await
        }
        OrganizationEvent::OrganizationUnitMoved(moved) => {
            update_unit(tx, schema, &moved.unit_id, "parent", &moved.parent, position).await
        }
        OrganizationEvent::OrganizationUnitClosed(closed) => {
            update_unit(tx, schema, &closed.unit_id, "status", "closed", position).await
        }
    }
}

async fn insert_unit(
    tx: &mut PgConnection,
    schema: &str,
    added: &OrganizationUnitAdded,
    position: i64,
) -> Result<(), ProjectionError> {
    sqlx::query(&format!(
        "INSERT INTO {schema}.organization_units (unit_id, name, kind, parent, status, last_position)
         VALUES ($1, $2, $3, $4, 'open', $5)
         ON CONFLICT (unit_id) DO NOTHING"
    ))
    .bind(&added.unit_id)
    .bind(&added.name)
    .bind(&added.kind)
    .bind(&added.parent)
    .bind(position)
    .execute(tx)
    .await?;
    Ok(())
}

/// Sets `column` of unit `unit_id` to `value` unless a later event already changed the row.
async fn update_unit(
    tx: &mut PgConnection,
    schema: &str,
    unit_id: &str,
    column: &'static str,
    value: &str,
    position: i64,
) -> Result<(), ProjectionError> {
    let sql = format!(
        "UPDATE {schema}.organization_units SET {column} = $2, last_position = $3
          WHERE unit_id = $1 AND last_position < $3"
    );
    sqlx::query(&sql).bind(unit_id).bind(value).bind(position).execute(tx).await?;
    Ok(())
}
