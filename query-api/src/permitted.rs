//! Reads that need a permission beyond a token of the tenant (the HR data, the webhook
//! subscriptions): [`PermittedReader`] answers the caller's tenant only when their roles grant
//! the read's [`PermittedRead::PERMISSION`].

use axum::extract::{FromRef, FromRequestParts};
use axum::http::request::Parts;
use prism_aggregates::identity::permissions::Permission;
use prism_aggregates::tenant::TenantId;
use prism_platform::auth::{caller_of, permitted};
use prism_platform::problem::Problem;

use crate::tenants::{KnownTenant, KnownTenants};

/// What a guarded read needs of its caller.
pub trait PermittedRead {
    /// The permission the caller's roles must grant.
    const PERMISSION: Permission;
}

/// The tenant of a caller whose roles grant `R::PERMISSION`: else 403 `forbidden` naming it (the
/// operator key too), 401 without a caller, 404 `unknown-tenant` for a tenant not registered.
#[derive(Debug)]
pub struct PermittedReader<R>(pub TenantId, pub std::marker::PhantomData<R>);

impl<S, R> FromRequestParts<S> for PermittedReader<R>
where
    S: Send + Sync,
    KnownTenants: FromRef<S>,
    R: PermittedRead + Send,
{
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        permitted(caller_of(&parts.extensions)?, R::PERMISSION)?;
        let KnownTenant(tenant) = KnownTenant::from_request_parts(parts, state).await?;
        Ok(Self(tenant, std::marker::PhantomData))
    }
}
