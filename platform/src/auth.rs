//! Who is calling. Every request but the public ones (health, metrics, the OpenAPI document,
//! login and refresh) carries `Authorization: Bearer <token>`:
//!
//! - an **access token**: a JWT signed HS256 with the deployment's secret
//!   (`PRISM_JWT_SECRET`), naming the tenant, the user, the user's roles (built-in and custom)
//!   and the permissions they add up to as of sign-in, valid for
//!   `PRISM_ACCESS_TOKEN_TTL_SECONDS`. Only HS256 is accepted — `alg: none` or any other
//!   algorithm, a wrong signature, another issuer or an expired token is 401;
//! - or the **operator key** (`PRISM_OPERATOR_KEY`), which only the platform routes accept
//!   (provisioning tenants).
//!
//! A token's permissions are fixed when it is issued ([`Grants`]): a custom role changed or
//! retired since takes effect at the user's next sign-in or refresh. A token issued before
//! tokens carried permissions has only `roles`; its permissions are those of the built-in roles
//! among them, until it expires.
//!
//! [`authenticate`] verifies the token and puts the [`Caller`] in the request's extensions;
//! handlers take the tenant from it ([`crate::http::Tenant`]), never from a header or a body,
//! and each API checks the route's permission against it.

use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use prism_aggregates::identity::permissions::{permissions_of, Permission, Role};
use prism_aggregates::tenant::TenantId;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::problem::Problem;

/// Issuer of every Prism access token.
pub const ISSUER: &str = "prism";

/// Token settings shared by both APIs.
#[derive(Debug, Clone, clap::Args)]
pub struct AuthArgs {
    /// Secret the access tokens are signed with (HS256); at least 32 bytes. The default is for
    /// local development only.
    #[arg(long = "jwt-secret", env = "PRISM_JWT_SECRET", default_value = DEV_SECRET, hide_env_values = true)]
    pub jwt_secret: String,
    /// Lifetime of an access token, seconds.
    #[arg(long = "access-token-ttl-seconds", env = "PRISM_ACCESS_TOKEN_TTL_SECONDS", default_value_t = 900)]
    pub access_token_ttl_seconds: u64,
    /// Key of the platform operator, who provisions tenants. The default is for local
    /// development only.
    #[arg(long = "operator-key", env = "PRISM_OPERATOR_KEY", default_value = DEV_OPERATOR_KEY, hide_env_values = true)]
    pub operator_key: String,
}

impl AuthArgs {
    /// Whether the settings are usable: a signing secret of at least [`MIN_SECRET_BYTES`] and a
    /// non-empty operator key. The APIs refuse to start otherwise.
    ///
    /// # Errors
    /// What is wrong.
    pub fn check(&self) -> Result<(), String> {
        if self.jwt_secret.len() < MIN_SECRET_BYTES {
            return Err(format!("PRISM_JWT_SECRET must be at least {MIN_SECRET_BYTES} bytes"));
        }
        if self.operator_key.is_empty() {
            return Err("PRISM_OPERATOR_KEY must not be empty".to_owned());
        }
        Ok(())
    }
}

/// Shortest signing secret accepted, in bytes (HS256's key is as strong as its secret).
pub const MIN_SECRET_BYTES: usize = 32;

/// The development signing secret (`scripts/prism up`, tests).
pub const DEV_SECRET: &str = "prism-local-development-secret-change-me-0123456789";
/// The development operator key.
pub const DEV_OPERATOR_KEY: &str = "prism-local-operator-key";

/// The claims of an access token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Claims {
    /// Issuer, [`ISSUER`].
    pub iss: String,
    /// The user id.
    pub sub: String,
    /// The tenant slug.
    pub tenant: String,
    /// The user's role names, built-in and custom.
    pub roles: Vec<String>,
    /// Names of the permissions the user's roles granted when the token was issued; absent in
    /// tokens issued before tokens carried them, whose permissions are then those of the
    /// built-in roles among `roles`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub permissions: Option<Vec<String>>,
    /// Issued at, Unix seconds.
    pub iat: i64,
    /// Expires at, Unix seconds.
    pub exp: i64,
    /// Token id.
    pub jti: String,
}

/// What an access token grants: the user's role names and the permissions they add up to.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Grants {
    /// Names of the roles, built-in and custom.
    pub roles: Vec<String>,
    /// The union of the roles' permissions.
    pub permissions: BTreeSet<Permission>,
}

impl Grants {
    /// The grants of the built-in `roles`: their names and their permissions.
    #[must_use]
    pub fn of_builtin(roles: &[Role]) -> Self {
        Self {
            roles: roles.iter().map(|role| role.as_str().to_owned()).collect(),
            permissions: permissions_of(roles.iter().copied()),
        }
    }
}

/// A signed access token and when it expires.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AccessToken {
    /// The JWT.
    pub token: String,
    /// Seconds it is valid for.
    pub expires_in: u64,
}

/// Signs and verifies access tokens, and recognises the operator key.
pub struct Tokens {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
    ttl: Duration,
    operator_key: String,
}

impl Tokens {
    /// Tokens as `args` configure them.
    #[must_use]
    pub fn new(args: &AuthArgs) -> Self {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_issuer(&[ISSUER]);
        validation.set_required_spec_claims(&["exp", "iss", "sub"]);
        validation.leeway = 0;
        Self {
            encoding: EncodingKey::from_secret(args.jwt_secret.as_bytes()),
            decoding: DecodingKey::from_secret(args.jwt_secret.as_bytes()),
            validation,
            ttl: Duration::from_secs(args.access_token_ttl_seconds),
            operator_key: args.operator_key.clone(),
        }
    }

    /// An access token for `user_id` of `tenant` with `grants`.
    ///
    /// # Errors
    /// When signing fails (it does not with an HMAC key).
    pub fn issue(
        &self,
        tenant: &TenantId,
        user_id: &str,
        grants: &Grants,
    ) -> Result<AccessToken, jsonwebtoken::errors::Error> {
        let now = Utc::now().timestamp();
        let ttl = i64::try_from(self.ttl.as_secs()).unwrap_or(i64::MAX);
        let claims = Claims {
            iss: ISSUER.to_owned(),
            sub: user_id.to_owned(),
            tenant: tenant.as_str().to_owned(),
            roles: grants.roles.clone(),
            permissions: Some(grants.permissions.iter().map(|permission| permission.as_str().to_owned()).collect()),
            iat: now,
            exp: now.saturating_add(ttl),
            jti: Uuid::now_v7().to_string(),
        };
        let token = jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)?;
        Ok(AccessToken { token, expires_in: self.ttl.as_secs() })
    }

    /// Who `token` says is calling.
    ///
    /// # Errors
    /// A 401 problem: a malformed, forged, foreign, expired token, or one naming an invalid
    /// tenant or an unknown permission.
    pub fn caller(&self, token: &str) -> Result<Caller, Problem> {
        if constant_time_eq(token.as_bytes(), self.operator_key.as_bytes()) {
            return Ok(Caller::Operator);
        }
        let claims = jsonwebtoken::decode::<Claims>(token, &self.decoding, &self.validation)
            .map_err(|error| invalid_token(&error.to_string()))?
            .claims;
        let tenant = TenantId::parse(&claims.tenant).map_err(|_| invalid_token("the token names no valid tenant"))?;
        let permissions = match &claims.permissions {
            Some(names) => names
                .iter()
                .map(|name| {
                    Permission::parse(name).ok_or_else(|| invalid_token("the token names an unknown permission"))
                })
                .collect::<Result<BTreeSet<_>, _>>()?,
            None => permissions_of(claims.roles.iter().filter_map(|name| Role::parse(name))),
        };
        Ok(Caller::User(Identity::new(tenant, claims.sub, Grants { roles: claims.roles, permissions })))
    }
}

/// Who is calling.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Caller {
    /// The platform operator (the operator key).
    Operator,
    /// A user of a tenant (an access token).
    User(Identity),
}

/// A user of a tenant, as an access token names them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identity {
    /// The tenant, from the token.
    pub tenant: TenantId,
    /// The user id.
    pub user_id: String,
    /// The names of the user's roles, built-in and custom.
    pub roles: Vec<String>,
    permissions: BTreeSet<Permission>,
}

impl Identity {
    /// The identity of `user_id` of `tenant` with `grants`.
    #[must_use]
    pub fn new(tenant: TenantId, user_id: String, grants: Grants) -> Self {
        let Grants { roles, permissions } = grants;
        Self { tenant, user_id, roles, permissions }
    }

    /// Whether the token grants `permission`.
    #[must_use]
    pub fn may(&self, permission: Permission) -> bool {
        self.permissions.contains(&permission)
    }

    /// The names of the permissions the token grants (`supply.po.approve`, …).
    #[must_use]
    pub fn permission_names(&self) -> Vec<&'static str> {
        self.permissions.iter().map(|permission| permission.as_str()).collect()
    }
}

/// State of [`authenticate`]: the token settings and the paths anyone may call.
#[derive(Clone)]
pub struct Authenticator {
    tokens: Arc<Tokens>,
    public_paths: &'static [&'static str],
    page_paths: &'static [&'static str],
}

impl Authenticator {
    /// Checks tokens with `tokens`; `public_paths` (exact paths) need none.
    #[must_use]
    pub fn new(tokens: Arc<Tokens>, public_paths: &'static [&'static str]) -> Self {
        Self { tokens, public_paths, page_paths: &[] }
    }

    /// Also takes the token from the `access_token` query parameter (RFC 6750 §2.3) on
    /// `page_paths` (exact paths): pages a browser opens from a link, which cannot send a header.
    /// Such a link carries a short-lived access token; share it like the token itself.
    #[must_use]
    pub fn with_page_paths(mut self, page_paths: &'static [&'static str]) -> Self {
        self.page_paths = page_paths;
        self
    }

    /// The token `request` carries: its `Authorization: Bearer` header, or on a page path its
    /// `access_token` query parameter.
    fn token_of<'r>(&self, request: &'r Request) -> Option<&'r str> {
        let header = request
            .headers()
            .get(header::AUTHORIZATION)
            .and_then(|value| value.to_str().ok())
            .and_then(|value| value.strip_prefix("Bearer "))
            .map(str::trim);
        header.or_else(|| {
            let uri = request.uri();
            self.page_paths.contains(&uri.path()).then_some(())?;
            uri.query()?.split('&').find_map(|pair| pair.strip_prefix("access_token="))
        })
    }
}

/// The middleware: a request to a public path passes as it is; any other needs a valid bearer
/// token, whose [`Caller`] goes into the request's extensions. Without one: 401
/// `unauthenticated` with `WWW-Authenticate: Bearer`.
pub async fn authenticate(State(auth): State<Authenticator>, mut request: Request, next: Next) -> Response {
    if auth.public_paths.contains(&request.uri().path()) {
        return next.run(request).await;
    }
    let Some(token) = auth.token_of(&request).map(str::to_owned) else {
        return unauthorized(
            Problem::new(StatusCode::UNAUTHORIZED, "unauthenticated", "Authentication required")
                .with_detail("send Authorization: Bearer <access token> (POST /v1/auth/login gives one)"),
        );
    };
    match auth.tokens.caller(&token) {
        Ok(caller) => {
            if let Caller::User(identity) = &caller {
                crate::request_span::record_tenant(identity.tenant.as_str());
            }
            request.extensions_mut().insert(caller);
            next.run(request).await
        }
        Err(problem) => unauthorized(problem),
    }
}

/// The caller of a request that passed [`authenticate`].
///
/// # Errors
/// 401 when there is none (a public path).
pub fn caller_of(extensions: &axum::http::Extensions) -> Result<&Caller, Problem> {
    extensions.get::<Caller>().ok_or_else(|| {
        Problem::new(StatusCode::UNAUTHORIZED, "unauthenticated", "Authentication required")
            .with_detail("this route needs an access token")
    })
}

/// The user calling, allowed `permission`.
///
/// # Errors
/// 401 without a user, 403 `forbidden` naming the permission when the user's roles lack it
/// (the operator is not a tenant user).
pub fn permitted(caller: &Caller, permission: Permission) -> Result<&Identity, Problem> {
    match caller {
        Caller::User(identity) if identity.may(permission) => Ok(identity),
        Caller::User(_) => Err(forbidden(&format!("this needs the permission {}", permission.as_str()))
            .with_extension("permission", serde_json::Value::String(permission.as_str().to_owned()))),
        Caller::Operator => Err(forbidden("the operator key only provisions tenants; use a user's access token")),
    }
}

/// 403 `forbidden` with `detail`.
#[must_use]
pub fn forbidden(detail: &str) -> Problem {
    Problem::new(StatusCode::FORBIDDEN, "forbidden", "Forbidden").with_detail(detail)
}

fn invalid_token(detail: &str) -> Problem {
    Problem::new(StatusCode::UNAUTHORIZED, "invalid-token", "Invalid access token").with_detail(detail)
}

fn unauthorized(problem: Problem) -> Response {
    let mut response = problem.into_response();
    response.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
    response
}

/// Equality of two byte strings in time independent of where they differ.
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0_u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tokens() -> Tokens {
        Tokens::new(&AuthArgs {
            jwt_secret: DEV_SECRET.to_owned(),
            access_token_ttl_seconds: 60,
            operator_key: DEV_OPERATOR_KEY.to_owned(),
        })
    }

    fn acme() -> TenantId {
        TenantId::parse("acme").unwrap()
    }

    #[test]
    fn an_issued_token_names_the_tenant_user_and_roles() {
        let tokens = tokens();
        let issued = tokens.issue(&acme(), "u-1", &Grants::of_builtin(&[Role::Accountant])).unwrap();
        let Caller::User(identity) = tokens.caller(&issued.token).unwrap() else { panic!("a user") };
        assert_eq!(
            (&identity.tenant, identity.user_id.as_str(), identity.roles.as_slice()),
            (&acme(), "u-1", &["accountant".to_owned()][..])
        );
        assert!(identity.may(Permission::JournalPost));
        assert_eq!(issued.expires_in, 60);
    }

    #[test]
    fn the_token_grants_the_permissions_it_was_issued_with_whatever_its_roles() {
        let tokens = tokens();
        let grants = Grants {
            roles: vec!["ap_clerk".to_owned()],
            permissions: [Permission::InvoiceManage, Permission::PaymentProcess].into(),
        };
        let issued = tokens.issue(&acme(), "u-1", &grants).unwrap();
        let Caller::User(identity) = tokens.caller(&issued.token).unwrap() else { panic!("a user") };
        assert_eq!(identity.roles, ["ap_clerk"]);
        assert!(identity.may(Permission::InvoiceManage) && identity.may(Permission::PaymentProcess));
        assert!(!identity.may(Permission::JournalPost));
    }

    #[test]
    fn the_operator_key_is_the_operator() {
        assert_eq!(tokens().caller(DEV_OPERATOR_KEY).ok(), Some(Caller::Operator));
    }

    fn refused(token: &str) -> String {
        tokens().caller(token).unwrap_err().into_response().status().to_string()
    }

    #[test]
    fn forged_unsigned_foreign_and_expired_tokens_are_refused() {
        let claims = Claims {
            iss: ISSUER.to_owned(),
            sub: "u-1".to_owned(),
            tenant: "acme".to_owned(),
            roles: vec!["admin".to_owned()],
            permissions: None,
            iat: Utc::now().timestamp(),
            exp: Utc::now().timestamp() + 600,
            jti: "j".to_owned(),
        };
        let sign = |claims: &Claims, secret: &str, alg: Algorithm| {
            jsonwebtoken::encode(&Header::new(alg), claims, &EncodingKey::from_secret(secret.as_bytes())).unwrap()
        };
        let forged = sign(&claims, "another-secret-of-enough-length-0123456789", Algorithm::HS256);
        let other_alg = sign(&claims, DEV_SECRET, Algorithm::HS512);
        let expired = sign(&Claims { exp: Utc::now().timestamp() - 1, ..claims.clone() }, DEV_SECRET, Algorithm::HS256);
        let foreign = sign(&Claims { iss: "elsewhere".to_owned(), ..claims.clone() }, DEV_SECRET, Algorithm::HS256);
        let bad_permission = sign(
            &Claims { permissions: Some(vec!["audit.write".to_owned()]), ..claims.clone() },
            DEV_SECRET,
            Algorithm::HS256,
        );
        // alg none: header {"alg":"none"}, the claims, no signature
        let b64 = |json: &str| {
            use base64::Engine;
            base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(json)
        };
        let unsigned =
            format!("{}.{}.", b64(r#"{"alg":"none","typ":"JWT"}"#), b64(&serde_json::to_string(&claims).unwrap()));
        for token in [forged, other_alg, expired, foreign, bad_permission, unsigned, "garbage".to_owned()] {
            assert_eq!(refused(&token), "401 Unauthorized", "{token}");
        }
        assert!(tokens().caller(&sign(&claims, DEV_SECRET, Algorithm::HS256)).is_ok(), "the genuine one passes");
    }

    #[test]
    fn a_token_without_permissions_grants_those_of_its_built_in_roles_and_nothing_for_other_names() {
        let claims = Claims {
            iss: ISSUER.to_owned(),
            sub: "u-1".to_owned(),
            tenant: "acme".to_owned(),
            roles: vec!["auditor".to_owned(), "ap_clerk".to_owned()],
            permissions: None,
            iat: Utc::now().timestamp(),
            exp: Utc::now().timestamp() + 600,
            jti: "j".to_owned(),
        };
        let token = jsonwebtoken::encode(
            &Header::new(Algorithm::HS256),
            &claims,
            &EncodingKey::from_secret(DEV_SECRET.as_bytes()),
        )
        .unwrap();
        let Caller::User(identity) = tokens().caller(&token).unwrap() else { panic!("a user") };
        assert!(identity.may(Permission::AuditRead));
        assert!(Permission::ALL.into_iter().filter(|p| *p != Permission::AuditRead).all(|p| !identity.may(p)));
    }

    #[test]
    fn permissions_come_from_the_grants() {
        let auditor = Caller::User(Identity::new(acme(), "u".to_owned(), Grants::of_builtin(&[Role::Auditor])));
        assert!(permitted(&auditor, Permission::AuditRead).is_ok());
        let denied = permitted(&auditor, Permission::JournalPost).unwrap_err();
        assert_eq!(denied.status(), StatusCode::FORBIDDEN);
        assert!(permitted(&Caller::Operator, Permission::AuditRead).is_err());
    }

    #[test]
    fn a_short_secret_or_an_empty_operator_key_is_refused() {
        let args = AuthArgs {
            jwt_secret: DEV_SECRET.to_owned(),
            access_token_ttl_seconds: 60,
            operator_key: DEV_OPERATOR_KEY.to_owned(),
        };
        assert!(args.check().is_ok());
        assert!(AuthArgs { jwt_secret: "x".repeat(MIN_SECRET_BYTES - 1), ..args.clone() }.check().is_err());
        assert!(AuthArgs { operator_key: String::new(), ..args }.check().is_err());
    }

    #[test]
    fn keys_compare_whole() {
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(!constant_time_eq(b"abc", b"abd"));
        assert!(!constant_time_eq(b"abc", b"abcd"));
    }
}
