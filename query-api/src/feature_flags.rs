//! `GET /v1/feature-flags`: the feature flags of the caller's tenant, as the platform operator
//! set them (`POST /v1/tenants/{tenant}/feature-flags` of the command API). A flag not listed
//! is off.

use axum::extract::State;
use axum::Json;
use prism_platform::feature_flags::FeatureFlags;
use prism_platform::problem::Problem;

use crate::error::ReadError;
use crate::state::AppState;
use crate::tenants::KnownTenant;

/// `GET /v1/feature-flags`.
#[utoipa::path(get, path = "/v1/feature-flags",
    responses((status = 200, description = "The tenant's feature flags", body = FeatureFlags)))]
#[tracing::instrument(skip_all, fields(tenant = %tenant))]
pub async fn get(
    State(state): State<AppState>,
    KnownTenant(tenant): KnownTenant,
) -> Result<Json<FeatureFlags>, Problem> {
    let flags = FeatureFlags::of(&state.stores.postgres, &tenant).await.map_err(ReadError::from)?;
    Ok(Json(flags))
}
