//! `GET /v1/audit/aggregates/{aggregate_type}/{id}/state?as_of=`: the aggregate rebuilt from
//! its events up to a version or a time, as the aggregate itself folds them, with the version
//! it reflects (`prism-audit state`).

use axum::extract::{Path, State};
use axum::Json;
use prism_audit::cli::AsOf;
use prism_audit::state::{rebuild, AggregateState};
use prism_audit::store::quoted_schema;
use prism_platform::problem::Problem;
use serde::Deserialize;

use super::{problem, Auditor, NeedsAuditRead, NoSuchAggregate};
use crate::params::{invalid, InputError, QueryParams};
use crate::state::AppState;

/// Query parameters of the state route; unknown ones are refused.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct StateParams {
    /// A version (`3`: the aggregate after its third event) or an RFC 3339 time
    /// (`2026-11-25T12:00:00Z`: after the events recorded until then); every event when absent.
    pub as_of: Option<String>,
}

impl StateParams {
    /// How far to replay.
    ///
    /// # Errors
    /// 422 naming `as_of` when it is neither a version (0 or more) nor an RFC 3339 time.
    pub fn as_of(&self) -> Result<Option<AsOf>, InputError> {
        self.as_of.as_deref().map(|text| AsOf::parse(text).map_err(|detail| invalid("as_of", detail))).transpose()
    }
}

/// `GET /v1/audit/aggregates/{aggregate_type}/{id}/state?as_of=`.
#[utoipa::path(get, path = "/v1/audit/aggregates/{aggregate_type}/{id}/state",
    params(
        ("aggregate_type" = String, Path, description = "Aggregate type, e.g. `finance.invoice`"),
        ("id" = String, Path, description = "Aggregate id"),
        StateParams),
    responses((status = 200, description = "The aggregate after its events up to `as_of`, and the version that is",
        body = AggregateState), NeedsAuditRead, NoSuchAggregate))]
#[tracing::instrument(skip_all, fields(tenant = %tenant, aggregate_type = %aggregate_type, aggregate_id = %id))]
pub async fn get(
    State(state): State<AppState>,
    Auditor(tenant): Auditor,
    Path((aggregate_type, id)): Path<(String, String)>,
    QueryParams(params): QueryParams<StateParams>,
) -> Result<Json<AggregateState>, Problem> {
    let as_of = params.as_of()?;
    let rebuilt =
        rebuild(&state.stores.postgres, &quoted_schema(&tenant), &aggregate_type, &id, as_of).await.map_err(problem)?;
    Ok(Json(rebuilt))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn as_of_is_a_version_or_a_time_and_anything_else_names_as_of() {
        let params = |as_of: Option<&str>| StateParams { as_of: as_of.map(str::to_owned) }.as_of();
        assert_eq!(params(None), Ok(None));
        assert_eq!(params(Some("1")), Ok(Some(AsOf::Version(1))));
        assert!(matches!(params(Some("2026-11-25T12:00:00Z")), Ok(Some(AsOf::Time(_)))));
        for bad in ["-1", "yesterday", "2026-11-25"] {
            assert!(matches!(params(Some(bad)), Err(InputError::Invalid { field: "as_of", .. })), "{bad}");
        }
    }
}
