//! Signing in and out. `POST /v1/auth/login`: a user of a tenant signs in with email and
//! password — and, with MFA on ([`super::mfa`]), a TOTP code — and gets an access token (see
//! [`prism_platform::auth`]) and a refresh token (see [`super::sessions`]). Every failure of the
//! first factor — unknown tenant, unknown email, wrong password, deactivated user — is the same
//! 401 `invalid-credentials`, and an unknown email costs the same hashing time as a wrong
//! password, so the answer tells an attacker nothing about which accounts exist. Only once the
//! password was right does a user with MFA on hear 401 `mfa-required` (no code sent) or
//! `invalid-mfa-code` (a wrong or used one). Each account may fail a few times per window
//! ([`super::login_attempts`]); then it is 429 `too-many-login-attempts` until the window ends.
//! `POST /v1/auth/refresh` trades a refresh token for new tokens (the user still active, its
//! roles read afresh; no second factor again: the session was verified at sign-in);
//! at both, the token gets the permissions the user's roles grant then — the built-in roles'
//! and those of its custom roles as they stand ([`super::roles`]), none for one retired;
//! `POST /v1/auth/logout` revokes the token's family.

use std::sync::{Arc, LazyLock};

use axum::extract::State;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use prism_aggregates::identity::email::Email;
use prism_aggregates::identity::user::User;
use prism_aggregates::tenant::TenantId;
use prism_platform::auth::{Grants, Tokens};
use prism_platform::http::JsonBody;
use prism_platform::problem::Problem;
use prism_platform::tenancy;
use serde::{Deserialize, Serialize};
use serde_json::json;
use sqlx::PgPool;

use super::credentials;
use super::login_attempts::{Locked, LoginAttempts};
use super::mfa;
use super::passwords;
use super::roles::{self, Stores as RoleStores};
use super::sessions::{Presented, SessionError, Sessions, REFRESH_TOKEN_TTL};
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
    /// The code the user's authenticator app shows now; needed when the user turned MFA on.
    #[serde(default)]
    pub mfa_code: Option<String>,
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
    /// The user's roles, built-in and custom (the token carries them).
    pub roles: Vec<String>,
    /// The permissions the roles grant as of now (the token carries them too).
    pub permissions: Vec<String>,
    /// Trade it at `POST /v1/auth/refresh` for new tokens; once only. Absent when the session
    /// store could not be reached at sign-in: the access token works, and the user signs in
    /// again when it expires.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub refresh_token: Option<String>,
    /// Seconds the refresh token is valid for; absent with it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub refresh_expires_in: Option<u64>,
}

/// Body of `POST /v1/auth/refresh` and `POST /v1/auth/logout`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RefreshRequest {
    /// A refresh token from a login or an earlier refresh.
    pub refresh_token: String,
}

/// A hash no password matches, verified when the email is unknown so that the answer takes as
/// long as for a wrong password.
static DECOY_HASH: LazyLock<String> =
    LazyLock::new(|| passwords::hash("no password matches this decoy").unwrap_or_default());

/// `POST /v1/auth/login`: 200 with an access token; 401 `invalid-credentials`, `mfa-required`
/// or `invalid-mfa-code`; 429 `too-many-login-attempts`.
#[utoipa::path(post, path = "/v1/auth/login", request_body = LoginRequest,
    responses((status = 200, description = "Signed in", body = LoginAnswer),
              (status = 401, description = "Unknown tenant or email, wrong password, or deactivated user \
               (`invalid-credentials`); or the password right, MFA on and `mfa_code` missing (`mfa-required`) \
               or wrong or used already (`invalid-mfa-code`)",
               body = prism_platform::problem::ProblemSchema, content_type = "application/problem+json"),
              (status = 429, description = "The account failed to sign in too often in the window \
               (`too-many-login-attempts`): every sign-in is refused until it ends, the right password included; \
               or the client IP is over its request limit (`rate-limited`)",
               body = prism_platform::problem::ProblemSchema, content_type = "application/problem+json",
               headers(("Retry-After" = u64, description = "Seconds until the account may sign in again")))))]
#[tracing::instrument(skip_all)]
pub async fn login(
    State(tokens): State<Arc<Tokens>>,
    State(pool): State<PgPool>,
    State(users): State<Stores>,
    State(defined): State<RoleStores>,
    State(sessions): State<Sessions>,
    State(attempts): State<LoginAttempts>,
    JsonBody(request): JsonBody<LoginRequest>,
) -> Result<Json<LoginAnswer>, Response> {
    let (Ok(tenant), Ok(email)) = (TenantId::parse(&request.tenant), Email::parse(&request.email)) else {
        return Err(refused().into_response());
    };
    attempts.begin(tenant.as_str(), email.as_str()).await.map_err(too_many_attempts)?;
    let (user_id, user) = sign_in(&pool, &users, &tenant, &email, request.password, request.mfa_code)
        .await
        .map_err(IntoResponse::into_response)?;
    attempts.succeeded(tenant.as_str(), email.as_str()).await;
    let refresh_token = match sessions.open(tenant.as_str(), &user_id).await {
        Ok(token) => Some(token),
        Err(error) => {
            // Signing in does not depend on the session store; refreshing does.
            tracing::warn!(%error, "session store unavailable: signed in without a refresh token");
            metrics::counter!("prism_logins_without_refresh_total").increment(1);
            None
        }
    };
    metrics::counter!("prism_logins_total").increment(1);
    answer(&tokens, &defined, &tenant, &user_id, &user, refresh_token).await.map_err(IntoResponse::into_response)
}

/// The id and state of the active user `email` of `tenant` names, if `password` is theirs and,
/// when they turned MFA on, `mfa_code` is a fresh code of theirs.
async fn sign_in(
    pool: &PgPool,
    users: &Stores,
    tenant: &TenantId,
    email: &Email,
    password: String,
    mfa_code: Option<String>,
) -> Result<(String, User), Problem> {
    let known = tenancy::exists(pool, tenant).await.map_err(|e| Problem::internal(&e))?;
    let credential = if known {
        credentials::by_email(pool, tenant, email.as_str()).await.map_err(|e| Problem::internal(&e))?
    } else {
        None
    };
    let stored = credential.as_ref().map_or_else(|| DECOY_HASH.clone(), |c| c.password_hash.clone());
    let matches = tokio::task::spawn_blocking(move || passwords::matches(&password, &stored))
        .await
        .map_err(|e| Problem::internal(&e))?;
    let Some(credential) = credential.filter(|_| matches) else { return Err(refused()) };
    let user_id = credential.user_id.to_string();
    let user = active_user(users, tenant, &user_id).await?.ok_or_else(refused)?;
    if credential.mfa_enabled {
        let code = mfa_code.ok_or_else(|| {
            Problem::new(StatusCode::UNAUTHORIZED, "mfa-required", "MFA code required")
                .with_detail("the user signs in with a code of their authenticator app too: send it as mfa_code")
        })?;
        let secret = credential.totp_secret.as_deref().unwrap_or_default();
        if !mfa::accept_code(pool, tenant, credential.user_id, secret, &code).await? {
            return Err(Problem::new(StatusCode::UNAUTHORIZED, "invalid-mfa-code", "Invalid MFA code")
                .with_detail("not the code the authenticator app shows now, or one used already")
                .with_field("mfa_code"));
        }
    }
    Ok((user_id, user))
}

/// 401 `invalid-credentials`, whatever of the tenant, email and password was wrong.
fn refused() -> Problem {
    Problem::new(StatusCode::UNAUTHORIZED, "invalid-credentials", "Invalid credentials")
        .with_detail("the tenant, email and password do not name an active user")
}

/// 429 `too-many-login-attempts` with `Retry-After`: the account is `locked`.
fn too_many_attempts(locked: Locked) -> Response {
    let Locked { failures_max, window_secs, retry_after_secs } = locked;
    metrics::counter!("prism_logins_locked_total").increment(1);
    let detail = format!(
        "this account failed to sign in {failures_max} times within {window_secs} s; retry in {retry_after_secs} s"
    );
    let mut response =
        Problem::new(StatusCode::TOO_MANY_REQUESTS, "too-many-login-attempts", "Too many sign-in attempts")
            .with_detail(detail)
            .with_extension("retry_after_secs", json!(retry_after_secs))
            .into_response();
    response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(retry_after_secs));
    response
}

/// `POST /v1/auth/refresh`: new tokens for a refresh token used once only. A token used a
/// second time revokes its whole family (401 `refresh-token-reused`); an unknown, expired or
/// revoked one, or one of a user deactivated since, is 401 `invalid-refresh-token`.
#[utoipa::path(post, path = "/v1/auth/refresh", request_body = RefreshRequest,
    responses((status = 200, description = "New tokens", body = LoginAnswer),
              (status = 401, description = "Unknown, expired, revoked or reused refresh token",
               body = prism_platform::problem::ProblemSchema, content_type = "application/problem+json")))]
#[tracing::instrument(skip_all)]
pub async fn refresh(
    State(tokens): State<Arc<Tokens>>,
    State(users): State<Stores>,
    State(defined): State<RoleStores>,
    State(sessions): State<Sessions>,
    JsonBody(request): JsonBody<RefreshRequest>,
) -> Result<Json<LoginAnswer>, Problem> {
    let invalid = || {
        Problem::new(StatusCode::UNAUTHORIZED, "invalid-refresh-token", "Invalid refresh token")
            .with_detail("the refresh token is unknown, expired or revoked; sign in again")
    };
    let session = match sessions.present(&request.refresh_token).await.map_err(|e| unavailable(&e))? {
        Presented::Fresh(session) => session,
        Presented::Reused => {
            return Err(Problem::new(StatusCode::UNAUTHORIZED, "refresh-token-reused", "Refresh token reused")
                .with_detail(
                    "this refresh token was used before: every token of its session is revoked; sign in again",
                ))
        }
        Presented::Invalid => return Err(invalid()),
    };
    let tenant = TenantId::parse(&session.tenant).map_err(|_| invalid())?;
    let user = active_user(&users, &tenant, &session.user_id).await?.ok_or_else(invalid)?;
    let next = sessions.issue(&session).await.map_err(|e| unavailable(&e))?;
    answer(&tokens, &defined, &tenant, &session.user_id, &user, Some(next)).await
}

/// `POST /v1/auth/logout`: the refresh token's family is revoked; 204 whether or not it was
/// known. Access tokens already issued stay valid until they expire (minutes).
#[utoipa::path(post, path = "/v1/auth/logout", request_body = RefreshRequest,
    responses((status = 204, description = "Signed out")))]
#[tracing::instrument(skip_all)]
pub async fn logout(
    State(sessions): State<Sessions>,
    JsonBody(request): JsonBody<RefreshRequest>,
) -> Result<StatusCode, Problem> {
    sessions.close(&request.refresh_token).await.map_err(|e| unavailable(&e))?;
    Ok(StatusCode::NO_CONTENT)
}

/// User `user_id` of `tenant` as it stands, if active: only an active user gets tokens (and
/// a session is opened or continued only for one).
async fn active_user(users: &Stores, tenant: &TenantId, user_id: &str) -> Result<Option<User>, Problem> {
    let user = users.load(tenant, user_id).await.map_err(|e| Problem::internal(&e))?;
    Ok(user.is_active().then_some(user))
}

/// Tokens for active `user` (`user_id` of `tenant`) with `refresh_token`, granting what its
/// roles grant as `tenant`'s custom roles in `defined` stand now.
async fn answer(
    tokens: &Tokens,
    defined: &RoleStores,
    tenant: &TenantId,
    user_id: &str,
    user: &User,
    refresh_token: Option<String>,
) -> Result<Json<LoginAnswer>, Problem> {
    let custom = roles::current(defined, tenant).await?;
    let grants = Grants { roles: user.roles().to_vec(), permissions: user.permissions(&custom) };
    let issued = tokens.issue(tenant, user_id, &grants).map_err(|e| Problem::internal(&e))?;
    Ok(Json(LoginAnswer {
        access_token: issued.token,
        token_type: "Bearer",
        expires_in: issued.expires_in,
        user_id: user_id.to_owned(),
        permissions: grants.permissions.iter().map(|permission| permission.as_str().to_owned()).collect(),
        roles: grants.roles,
        refresh_expires_in: refresh_token.as_ref().map(|_| REFRESH_TOKEN_TTL.as_secs()),
        refresh_token,
    }))
}

/// 503 `sessions-unavailable`: the session store could not be reached; nothing was issued.
fn unavailable(error: &SessionError) -> Problem {
    tracing::warn!(%error, "session store unavailable");
    Problem::new(StatusCode::SERVICE_UNAVAILABLE, "sessions-unavailable", "Sessions unavailable")
        .with_detail("the session store could not be reached; retry shortly")
}
