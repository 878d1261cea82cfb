//! `POST /v1/tenants/{tenant}/feature-flags` (the platform operator only): turns one feature
//! flag of a tenant on or off and answers every flag of the tenant. Users of the tenant read
//! them at `GET /v1/feature-flags` of the query API; services through
//! [`prism_platform::feature_flags`].

use axum::extract::{Path, State};
use axum::Json;
use prism_platform::feature_flags::{self, FeatureFlags};
use prism_platform::http::JsonBody;
use prism_platform::problem::Problem;
use serde::Deserialize;
use sqlx::PgPool;

use super::lifecycle::registered;

/// Body of `POST /v1/tenants/{tenant}/feature-flags`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SetFeatureFlag {
    /// The flag: 1–64 characters `a-z`, `0-9`, `_` and `.`, starting with a letter.
    pub flag: String,
    /// On or off.
    pub enabled: bool,
}

/// `POST /v1/tenants/{tenant}/feature-flags`: 200 with all the tenant's flags.
#[utoipa::path(post, path = "/v1/tenants/{tenant}/feature-flags",
    params(("tenant" = String, Path, description = "The tenant slug")), request_body = SetFeatureFlag,
    responses((status = 200, description = "Set", body = FeatureFlags), crate::openapi::NotFound))]
#[tracing::instrument(skip_all, fields(tenant = %tenant, flag = %request.flag))]
pub async fn set(
    State(pool): State<PgPool>,
    Path(tenant): Path<String>,
    JsonBody(request): JsonBody<SetFeatureFlag>,
) -> Result<Json<FeatureFlags>, Problem> {
    let tenant = registered(&pool, &tenant).await?;
    feature_flags::check_name(&request.flag)
        .map_err(|e| Problem::unprocessable("invalid-flag", "flag", e.to_string()))?;
    feature_flags::set(&pool, &tenant, &request.flag, request.enabled).await.map_err(|e| Problem::internal(&e))?;
    let flags = FeatureFlags::of(&pool, &tenant).await.map_err(|e| Problem::internal(&e))?;
    Ok(Json(flags))
}
