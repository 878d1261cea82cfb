//! The tenant's custom roles in the Postgres read model, in the tenant's schema: `roles`, one
//! row per role defined with its description, the permissions it grants and its status
//! (`active` or `retired`), defined and updated at the times its events occurred. A first
//! event inserts the row (a repeat changes nothing); every later one changes it only if it is
//! later than the last one applied to the row (`last_position`), so a redelivered event
//! changes nothing.

use prism_aggregates::identity::roles::{RoleDefined, RolesEvent};
use prism_platform::envelope::EventEnvelope;
use sqlx::{Encode, PgConnection, Postgres, Type};

use super::identity::update_dated;
use crate::projection::ProjectionError;

/// Applies one custom-roles event, described by `envelope`.
///
/// # Errors
/// When the database refuses.
pub async fn apply_roles(
    tx: &mut PgConnection,
    schema: &str,
    event: &RolesEvent,
    envelope: &EventEnvelope,
) -> Result<(), ProjectionError> {
    match event {
        RolesEvent::RoleDefined(defined) => insert_role(tx, schema, defined, envelope).await,
        RolesEvent::RolePermissionsChanged(changed) => {
            update_role(tx, schema, &changed.name, ("permissions", &changed.permissions), envelope).await
        }
        RolesEvent::RoleRetired(retired) => {
            update_role(tx, schema, &retired.name, ("status", "retired"), envelope).await
        }
    }
}

async fn insert_role(
    tx: &mut PgConnection,
    schema: &str,
    defined: &RoleDefined,
    envelope: &EventEnvelope,
) -> Result<(), ProjectionError> {
    sqlx::query(&format!(
        "INSERT INTO {schema}.roles (name, description, permissions, status, defined_at, updated_at, last_position)
         VALUES ($1, $2, $3, 'active', $4, $4, $5)
         ON CONFLICT (name) DO NOTHING"
    ))
    .bind(&defined.name)
    .bind(&defined.description)
    .bind(&defined.permissions)
    .bind(envelope.occurred_at)
    .bind(envelope.global_position)
    .execute(tx)
    .await?;
    Ok(())
}

/// Sets a column of role `name` (see [`update_dated`]).
async fn update_role<T>(
    tx: &mut PgConnection,
    schema: &str,
    name: &str,
    set: (&'static str, T),
    envelope: &EventEnvelope,
) -> Result<(), ProjectionError>
where
    T: for<'q> Encode<'q, Postgres> + Type<Postgres> + Send,
{
    update_dated(tx, schema, ("roles", "name"), name, set, envelope).await
}
