//! What the two APIs' OpenAPI documents share: operation ids and tags from the paths, the
//! `bearer` security scheme of a user's access token and its 401, the configured defaults the
//! descriptions quote, and the check that a document lists exactly the routes its router
//! registers.

use std::collections::BTreeSet;

use serde_json::Value;
use utoipa::openapi::path::Operation;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};

/// The name of the security scheme of a user's access token.
pub const BEARER: &str = "bearer";

/// 401 on every route that needs a token, as [`crate::auth::authenticate`] answers it.
pub const UNAUTHORIZED: &str = "Not authenticated: no `Authorization: Bearer` token (`unauthenticated`), or one \
     that is malformed, forged, expired, of another issuer or not signed HS256 (`invalid-token`)";

/// Gives `operation` an id unique by its method and path (`post_v1_accounts_code_rename`) and
/// the tag of its resource (`accounts`).
pub fn name_operation(method: &str, path: &str, operation: &mut Operation) {
    operation.operation_id = Some(format!("{method}{}", path.replace(['/', '-', '.'], "_").replace(['{', '}'], "")));
    operation.tags = Some(vec![path.split('/').nth(2).unwrap_or("contract").to_owned()]);
}

/// The [`BEARER`] scheme: a user's access token, valid `ttl` seconds by default; `scope` says
/// what the API answers for with it (`Every read answers for the token's tenant.`).
#[must_use]
pub fn access_token_scheme(ttl: &str, scope: &str) -> SecurityScheme {
    let description = format!(
        "A user's access token: the `access_token` of the command API's `POST /v1/auth/login`, a JWT signed \
         HS256 with the claims `iss` (`prism`), `sub` (the user id), `tenant`, `roles`, `iat`, `exp` and `jti`, \
         valid for `PRISM_ACCESS_TOKEN_TTL_SECONDS` seconds ({ttl} by default). {scope}"
    );
    let http = HttpBuilder::new().scheme(HttpAuthScheme::Bearer).bearer_format("JWT").description(Some(description));
    SecurityScheme::Http(http.build())
}

/// The default of the flag `--{flag}` of `command`, as the command line shows it; empty when
/// it has none.
#[must_use]
pub fn default_of(command: &clap::Command, flag: &str) -> String {
    let argument = command.get_arguments().find(|argument| argument.get_long() == Some(flag));
    let value = argument.and_then(|argument| argument.get_default_values().first()?.to_str().map(str::to_owned));
    value.unwrap_or_default()
}

/// How a document and its router compare, for each API's test that its contract lists exactly
/// its routes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RouteCheck {
    /// How many `(method, path)` pairs the router registers.
    pub routed: usize,
    /// Registered but not in the document.
    pub undocumented: Vec<(String, String)>,
    /// In the document but not registered.
    pub unrouted: Vec<(String, String)>,
}

/// Compares the `(method, path)` pairs registered by the `.route("…", method(…))` calls of
/// `router_source` with the operations of `document` (serialised).
///
/// # Panics
/// When a route call cannot be read (the test then fails loudly rather than passing).
#[must_use]
pub fn check_routes(router_source: &str, document: &Value) -> RouteCheck {
    let mut routed = BTreeSet::new();
    for call in router_source.split(".route(\"").skip(1) {
        let (path, rest) = call.split_once('"').expect("a quoted path");
        let handler = rest.trim_start_matches([',', ' ', '\n']);
        let method = handler.split('(').next().unwrap_or_default().rsplit("::").next().unwrap_or_default();
        assert!(matches!(method, "get" | "post" | "put" | "patch" | "delete"), "{path}: unread method {method}");
        routed.insert((method.to_owned(), path.to_owned()));
    }
    let mut documented = BTreeSet::new();
    for (path, item) in document["paths"].as_object().into_iter().flatten() {
        documented.extend(item.as_object().into_iter().flatten().map(|(method, _)| (method.clone(), path.clone())));
    }
    RouteCheck {
        routed: routed.len(),
        undocumented: routed.difference(&documented).cloned().collect(),
        unrouted: documented.difference(&routed).cloned().collect(),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn routes_and_documented_paths_are_compared_both_ways() {
        let source = r#"Router::new()
            .route("/v1/items", post(items::define))
            .route("/v1/items/{sku}", axum::routing::get(items::get))"#;
        let document = json!({"paths": {"/v1/items": {"post": {}}, "/v1/locations": {"post": {}}}});
        let check = check_routes(source, &document);
        assert_eq!(check.routed, 2);
        assert_eq!(check.undocumented, [("get".to_owned(), "/v1/items/{sku}".to_owned())]);
        assert_eq!(check.unrouted, [("post".to_owned(), "/v1/locations".to_owned())]);
    }

    #[test]
    fn operations_are_named_after_method_and_path() {
        let mut operation = Operation::default();
        name_operation("post", "/v1/accounts/{code}/rename", &mut operation);
        assert_eq!(operation.operation_id.as_deref(), Some("post_v1_accounts_code_rename"));
        assert_eq!(operation.tags, Some(vec!["accounts".to_owned()]));
    }
}
