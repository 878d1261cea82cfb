//! Multi-factor sign-in with TOTP codes ([`super::totp`]), which each signed-in user manages
//! for themself: the routes need an access token of the user and no permission.
//!
//! - `POST /v1/auth/mfa/enrol`: a new secret, pending — 201 with it in base32 and as the
//!   `otpauth://` URI an authenticator app enrols from. Enrolling again replaces a pending
//!   secret; with MFA on it is 409 `mfa-already-enabled` (disable it first).
//! - `POST /v1/auth/mfa/confirm` `{"code"}`: a code of the pending secret turns MFA on (204);
//!   from then on signing in takes a code too ([`super::login`]).
//! - `POST /v1/auth/mfa/disable` `{"code"}`: a code of the secret turns MFA off and forgets the
//!   secret (204).
//!
//! A wrong code is 422 `invalid-mfa-code` on `code`. Each code is accepted once only
//! ([`accept_code`]): the time step of the last code accepted is stored, and a code of that step
//! or an earlier one is refused, so a code seen over someone's shoulder is of no use. The secret
//! lives in the tenant's `user_credentials`, never in an event.

use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use axum::extract::{FromRef, FromRequestParts};
use axum::http::request::Parts;
use axum::http::StatusCode;
use axum::Json;
use prism_aggregates::tenant::TenantId;
use prism_platform::auth::{caller_of, forbidden, Caller};
use prism_platform::http::JsonBody;
use prism_platform::problem::{Problem, ProblemSchema};
use prism_platform::tenancy::TenantProvisioner;
use serde::{Deserialize, Serialize};
use sqlx::PgPool;
use utoipa::IntoResponses;
use uuid::Uuid;

use super::credentials::{self, Credential};
use super::totp::Secret;

/// The issuer an authenticator app shows the codes under.
pub const ISSUER: &str = "Prism";

/// Body of `POST /v1/auth/mfa/confirm` and `POST /v1/auth/mfa/disable`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MfaCodeRequest {
    /// The 6-digit code the authenticator app shows now.
    #[schema(example = "123456")]
    pub code: String,
}

/// Answer to `POST /v1/auth/mfa/enrol`: the new secret, to put in an authenticator app.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct MfaEnrolment {
    /// The secret in base32, for typing into the app.
    pub secret: String,
    /// `otpauth://totp/Prism:<email>?secret=…&issuer=Prism`, for the app (as a QR code).
    pub otpauth_uri: String,
}

/// 422: the code is wrong or used already.
#[derive(IntoResponses)]
#[response(
    status = 422,
    content_type = "application/problem+json",
    description = "The code is wrong or used already (`invalid-mfa-code`, field `code`)"
)]
pub struct InvalidMfaCode(pub ProblemSchema);

/// The signed-in user, acting on their own account, with their credential as it stands.
pub struct Me {
    pool: PgPool,
    tenant: TenantId,
    user_id: Uuid,
    credential: Credential,
}

impl<S> FromRequestParts<S> for Me
where
    S: Send + Sync,
    PgPool: FromRef<S>,
    Arc<TenantProvisioner>: FromRef<S>,
{
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let no_credential = || Problem::not_found("the signed-in user has no credentials in this tenant");
        let (tenant, user_id) = match caller_of(&parts.extensions)? {
            Caller::User(identity) => {
                (identity.tenant.clone(), Uuid::parse_str(&identity.user_id).map_err(|_| no_credential())?)
            }
            Caller::Operator => {
                return Err(forbidden("the operator key names no user; use the user's own access token"))
            }
        };
        // a tenant provisioned before MFA existed gets its columns on first use
        Arc::<TenantProvisioner>::from_ref(state).ensure(&tenant).await.map_err(|e| Problem::internal(&e))?;
        let pool = PgPool::from_ref(state);
        let credential = credentials::by_user(&pool, &tenant, user_id)
            .await
            .map_err(|e| Problem::internal(&e))?
            .ok_or_else(no_credential)?;
        Ok(Self { pool, tenant, user_id, credential })
    }
}

impl Me {
    /// `code` accepted for this user's `secret` ([`accept_code`]), else 422 `invalid-mfa-code`
    /// on `code`.
    async fn check_code(&self, secret: &str, code: &str) -> Result<(), Problem> {
        if accept_code(&self.pool, &self.tenant, self.user_id, secret, code).await? {
            Ok(())
        } else {
            Err(Problem::unprocessable(
                "invalid-mfa-code",
                "code",
                "not the code the authenticator app shows now, or one used already",
            ))
        }
    }
}

/// `POST /v1/auth/mfa/enrol`: 201 with a new secret, pending until confirmed.
#[utoipa::path(post, path = "/v1/auth/mfa/enrol",
    responses((status = 201, description = "A new secret, pending until confirmed", body = MfaEnrolment),
              (status = 409, description = "MFA is on already (`mfa-already-enabled`): disable it first",
               body = ProblemSchema, content_type = "application/problem+json")))]
#[tracing::instrument(skip_all, fields(tenant = %me.tenant))]
pub async fn enrol(me: Me) -> Result<(StatusCode, Json<MfaEnrolment>), Problem> {
    let secret = Secret::generate();
    let encoded = secret.to_base32();
    let enrolled = credentials::enrol_totp(&me.pool, &me.tenant, me.user_id, &encoded).await;
    if !enrolled.map_err(|e| Problem::internal(&e))? {
        return Err(already_enabled());
    }
    let otpauth_uri = secret.key_uri(ISSUER, &me.credential.email);
    Ok((StatusCode::CREATED, Json(MfaEnrolment { secret: encoded, otpauth_uri })))
}

/// `POST /v1/auth/mfa/confirm`: 204, MFA on, when `code` is a code of the pending secret.
#[utoipa::path(post, path = "/v1/auth/mfa/confirm", request_body = MfaCodeRequest,
    responses((status = 204, description = "MFA is on: signing in takes a code"),
              (status = 409, description = "MFA is on already (`mfa-already-enabled`), or nothing is enrolled (`mfa-not-enrolled`)",
               body = ProblemSchema, content_type = "application/problem+json"),
              InvalidMfaCode))]
#[tracing::instrument(skip_all, fields(tenant = %me.tenant))]
pub async fn confirm(me: Me, JsonBody(request): JsonBody<MfaCodeRequest>) -> Result<StatusCode, Problem> {
    if me.credential.mfa_enabled {
        return Err(already_enabled());
    }
    let pending = me.credential.totp_secret.as_deref().ok_or_else(not_enrolled)?;
    me.check_code(pending, &request.code).await?;
    // refused when the user enrolled again meanwhile: the code confirmed the secret replaced
    let enabled = credentials::enable_mfa(&me.pool, &me.tenant, me.user_id, pending).await;
    if !enabled.map_err(|e| Problem::internal(&e))? {
        return Err(not_enrolled());
    }
    Ok(StatusCode::NO_CONTENT)
}

/// `POST /v1/auth/mfa/disable`: 204, MFA off and the secret forgotten, when `code` is a code of
/// the secret.
#[utoipa::path(post, path = "/v1/auth/mfa/disable", request_body = MfaCodeRequest,
    responses((status = 204, description = "MFA is off: signing in takes the password only"),
              (status = 409, description = "MFA is not on (`mfa-not-enabled`)",
               body = ProblemSchema, content_type = "application/problem+json"),
              InvalidMfaCode))]
#[tracing::instrument(skip_all, fields(tenant = %me.tenant))]
pub async fn disable(me: Me, JsonBody(request): JsonBody<MfaCodeRequest>) -> Result<StatusCode, Problem> {
    let secret = me.credential.totp_secret.as_deref().filter(|_| me.credential.mfa_enabled).ok_or_else(|| {
        Problem::new(StatusCode::CONFLICT, "mfa-not-enabled", "MFA not enabled")
            .with_detail("MFA is not on for this user")
    })?;
    me.check_code(secret, &request.code).await?;
    credentials::disable_mfa(&me.pool, &me.tenant, me.user_id).await.map_err(|e| Problem::internal(&e))?;
    Ok(StatusCode::NO_CONTENT)
}

/// Whether `code` is a code of `secret` (base32) for now, give or take the drift, and newer
/// than any code accepted for `user_id` before; if it is, its step is recorded as used.
///
/// # Errors
/// 500 when `secret` is not base32 or the database fails.
pub async fn accept_code(
    pool: &PgPool,
    tenant: &TenantId,
    user_id: Uuid,
    secret: &str,
    code: &str,
) -> Result<bool, Problem> {
    let secret = Secret::from_base32(secret).ok_or_else(|| Problem::internal(&"a stored TOTP secret is not base32"))?;
    let now = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |since| since.as_secs());
    let Some(step) = secret.step_matching(code, now) else { return Ok(false) };
    let step = i64::try_from(step).map_err(|e| Problem::internal(&e))?;
    credentials::use_totp_step(pool, tenant, user_id, step).await.map_err(|e| Problem::internal(&e))
}

/// 409 `mfa-already-enabled`.
fn already_enabled() -> Problem {
    Problem::new(StatusCode::CONFLICT, "mfa-already-enabled", "MFA already enabled")
        .with_detail("MFA is on for this user; disable it (POST /v1/auth/mfa/disable) before enrolling again")
}

/// 409 `mfa-not-enrolled`.
fn not_enrolled() -> Problem {
    Problem::new(StatusCode::CONFLICT, "mfa-not-enrolled", "MFA not enrolled")
        .with_detail("no secret is pending confirmation; enrol first (POST /v1/auth/mfa/enrol)")
}
