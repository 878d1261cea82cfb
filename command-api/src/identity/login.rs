//! `POST /v1/auth/login`: a user of a tenant signs in with email and password and gets an
//! access token (see [`prism_platform::auth`]). Every failure — unknown tenant, unknown email,
//! wrong password, deactivated user — is the same 401 `invalid-credentials`, and an unknown
//! email costs the same hashing time as a wrong password, so the answer tells an attacker
//! nothing about which accounts exist.

use std::sync::{Arc, LazyLock};

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use prism_aggregates::identity::email::Email;
use prism_aggregates::tenant::TenantId;
use prism_platform::auth::Tokens;
use prism_platform::http::JsonBody;
use prism_platform::problem::Problem;
use prism_platform::tenancy;
use serde::{Deserialize, Serialize};
use sqlx::PgPool;

use super::credentials;
use super::passwords;
use super::users::Stores;

/// Body of `POST /v1/auth/login`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    /// The tenant slug.
    pub tenant: String,
    /// The user's email.
    pub email: String,
    /// The user's password.
    pub password: String,
}

/// Answer to a successful sign-in.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct LoginAnswer {
    /// The access token: send as `Authorization: Bearer <access_token>`.
    pub access_token: String,
    /// Always `Bearer`.
    pub token_type: &'static str,
    /// Seconds the token is valid for.
    pub expires_in: u64,
    /// The user signed in.
    pub user_id: String,
    /// The user's roles (the token carries them).
    pub roles: Vec<String>,
}

/// A hash no password matches, verified when the email is unknown so that the answer takes as
/// long as for a wrong password.
static DECOY_HASH: LazyLock<String> =
    LazyLock::new(|| passwords::hash("no password matches this decoy").unwrap_or_default());

/// `POST /v1/auth/login`: 200 with an access token, or 401 `invalid-credentials`.
#[utoipa::path(post, path = "/v1/auth/login", request_body = LoginRequest,
    responses((status = 200, description = "Signed in", body = LoginAnswer),
              (status = 401, description = "Unknown tenant or email, wrong password, or deactivated user",
               body = prism_platform::problem::ProblemSchema, content_type = "application/problem+json")))]
#[tracing::instrument(skip_all)]
pub async fn login(
    State(tokens): State<Arc<Tokens>>,
    State(pool): State<PgPool>,
    State(users): State<Stores>,
    JsonBody(request): JsonBody<LoginRequest>,
) -> Result<Json<LoginAnswer>, Problem> {
    let refused = || {
        Problem::new(StatusCode::UNAUTHORIZED, "invalid-credentials", "Invalid credentials")
            .with_detail("the tenant, email and password do not name an active user")
    };
    let tenant = TenantId::parse(&request.tenant).map_err(|_| refused())?;
    let email = Email::parse(&request.email).map_err(|_| refused())?;
    let known = tenancy::exists(&pool, &tenant).await.map_err(|e| Problem::internal(&e))?;
    let credential = if known {
        credentials::by_email(&pool, &tenant, email.as_str()).await.map_err(|e| Problem::internal(&e))?
    } else {
        None
    };
    let stored = credential.as_ref().map_or_else(|| DECOY_HASH.clone(), |c| c.password_hash.clone());
    let password = request.password;
    let matches = tokio::task::spawn_blocking(move || passwords::matches(&password, &stored))
        .await
        .map_err(|e| Problem::internal(&e))?;
    let Some(credential) = credential.filter(|_| matches) else { return Err(refused()) };
    let user_id = credential.user_id.to_string();
    let user = users.load(&tenant, &user_id).await.map_err(|e| Problem::internal(&e))?;
    if !user.is_active() {
        return Err(refused());
    }
    let issued = tokens.issue(&tenant, &user_id, user.roles()).map_err(|e| Problem::internal(&e))?;
    metrics::counter!("prism_logins_total").increment(1);
    Ok(Json(LoginAnswer {
        access_token: issued.token,
        token_type: "Bearer",
        expires_in: issued.expires_in,
        user_id,
        roles: user.roles().iter().map(|role| role.as_str().to_owned()).collect(),
    }))
}
