//! The layer refusing a suspended tenant's commands: a request of a user whose tenant is
//! suspended gets 403 `tenant-suspended` and changes nothing. Signing in, refreshing and
//! signing out still work, and the query API still answers, so the tenant's people can read
//! and export their data while the operator sorts things out. The status is read through
//! [`TenantStatuses`], so a suspension or reactivation takes effect within
//! [`STATUS_TTL`](prism_platform::tenancy::STATUS_TTL).

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use prism_platform::auth::Caller;
use prism_platform::problem::Problem;
use prism_platform::tenancy::TenantStatuses;

/// The middleware: passes every request but a suspended tenant's user's.
pub async fn refuse_suspended(State(statuses): State<Arc<TenantStatuses>>, request: Request, next: Next) -> Response {
    let Some(Caller::User(identity)) = request.extensions().get::<Caller>() else {
        return next.run(request).await;
    };
    match statuses.is_suspended(&identity.tenant).await {
        Ok(false) => next.run(request).await,
        Ok(true) => Problem::new(StatusCode::FORBIDDEN, "tenant-suspended", "Tenant suspended")
            .with_detail(format!(
                "tenant {} is suspended: its commands are refused until the platform operator reactivates it",
                identity.tenant
            ))
            .into_response(),
        Err(error) => Problem::from_failure(&error).into_response(),
    }
}
