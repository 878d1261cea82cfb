//! The command API's contract: one OpenAPI 3.1 document, generated from the code and served at
//! `GET /openapi.json`. Each handler carries its own `#[utoipa::path]`: path, parameters,
//! request body, success answer and the errors only it gives. What every command shares
//! because a layer or an extractor gives it to all of them — the token it needs (security
//! scheme `bearer`, an access token, or `operatorKey` on the platform routes, as
//! [`crate::authorization::need`] says) with its 401 and 403 and the permission it needs
//! (`x-prism-permission`), the `X-Correlation-ID` header, the `Idempotency-Key` layer, the
//! body limit, the `Location`, `ETag` and `X-Prism-Position` of an accepted command, and the
//! problems those give — is added here once, by [`Shared`]. Every error is
//! `application/problem+json` with the one `Problem` schema. The request bodies
//! `prism-aggregates` defines are described in [`bodies`]. A test checks that the document
//! lists exactly the routes `app.rs` registers.

pub mod bodies;

use std::sync::LazyLock;

use axum::Json;
use clap::CommandFactory;
use prism_platform::openapi::{access_token_scheme, name_operation, BEARER, UNAUTHORIZED};
use prism_platform::problem::ProblemSchema;
use utoipa::openapi::extensions::Extensions;
use utoipa::openapi::path::Operation;
use utoipa::openapi::schema::{ObjectBuilder, Type};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityRequirement, SecurityScheme};
use utoipa::openapi::{Header, OpenApi, RefOr};
use utoipa::{IntoParams, IntoResponses, Modify, OpenApi as _};

use crate::authorization::{need, Need};
use crate::config::CommandApiConfig;
use crate::idempotency::UNSTORED_PATHS;
use crate::{
    budgets, calendar, chart, crm, exchange_rates, hr, identity, invoices, journal_entries, nexus, payments,
    production, report_definitions, revaluations, supply, tax_rates, tenants,
};

/// Routes that run no command on an aggregate of the caller's tenant, so take no
/// `X-Correlation-ID` and answer no `Location`, `ETag` or `X-Prism-Position`.
const TENANT_FREE_PATHS: &[&str] = &[
    "/v1/tenants",
    "/v1/tenants/{tenant}/feature-flags",
    "/v1/auth/login",
    "/v1/auth/refresh",
    "/v1/auth/logout",
    "/v1/auth/mfa/enrol",
    "/v1/auth/mfa/confirm",
    "/v1/auth/mfa/disable",
    "/v1/notification-templates/{event_type}/{channel}",
    "/v1/notifications/{id}/read",
    "/v1/webhook-subscriptions",
    "/v1/webhook-subscriptions/{id}/disable",
    "/v1/webhook-subscriptions/{id}/enable",
    "/v1/webhook-subscriptions/{id}/redeliver",
    "/v1/report-definitions",
    "/v1/report-definitions/{id}/revise",
    "/v1/report-definitions/{id}/remove",
];

/// The security scheme of the operator key.
const OPERATOR_KEY: &str = "operatorKey";

/// The operation extension naming the permission a command needs.
const PERMISSION: &str = "x-prism-permission";

/// The document, built once.
static DOCUMENT: LazyLock<OpenApi> = LazyLock::new(document);

/// The command API's OpenAPI document.
#[must_use]
pub fn document() -> OpenApi {
    CommandApiDocument::openapi()
}

/// `GET /openapi.json`: this API's OpenAPI 3.1 document.
#[utoipa::path(get, path = "/openapi.json",
    responses((status = 200, description = "The OpenAPI 3.1 document of this API", body = Object)))]
pub async fn serve() -> Json<&'static OpenApi> {
    Json(&DOCUMENT)
}

#[derive(utoipa::OpenApi)]
#[openapi(
    info(title = "Prism command API"),
    paths(
        serve,
        tenants::provisioning::provision,
        tenants::lifecycle::suspend,
        tenants::lifecycle::reactivate,
        tenants::feature_flags::set,
        identity::login::login,
        identity::login::refresh,
        identity::login::logout,
        identity::mfa::enrol,
        identity::mfa::confirm,
        identity::mfa::disable,
        identity::users::create,
        identity::users::change_roles,
        identity::users::deactivate,
        identity::users::reactivate,
        identity::organization::add,
        identity::organization::rename,
        identity::organization::move_unit,
        identity::organization::close,
        identity::roles::define,
        identity::roles::change_permissions,
        identity::roles::retire,
        journal_entries::post,
        journal_entries::reverse,
        journal_entries::post_draft,
        journal_entries::discard_draft,
        chart::open,
        chart::load_default,
        chart::rename,
        chart::archive,
        chart::reactivate,
        calendar::open_year,
        calendar::close_year,
        calendar::close,
        calendar::reopen,
        calendar::lock,
        tax_rates::define,
        tax_rates::change,
        tax_rates::retire,
        budgets::set_amounts,
        exchange_rates::set_rates,
        revaluations::revalue,
        exchange_rates::set_functional_currency,
        invoices::draft,
        invoices::issue,
        invoices::void,
        payments::process,
        supply::items::define,
        supply::items::change_reorder_policy,
        supply::items::rename,
        supply::items::discontinue,
        supply::locations::open,
        supply::locations::rename,
        supply::locations::close,
        supply::settings::configure,
        supply::stock::receive,
        supply::stock::issue,
        supply::stock::transfer,
        supply::stock::adjust,
        supply::stock::reserve,
        supply::stock::release,
        supply::sales_orders::place,
        supply::sales_orders::confirm,
        supply::sales_orders::pick,
        supply::sales_orders::ship,
        supply::sales_orders::deliver,
        supply::sales_orders::cancel,
        supply::sales_orders::record_return,
        supply::purchase_orders::draft,
        supply::purchase_orders::submit,
        supply::purchase_orders::approve,
        supply::purchase_orders::receive,
        supply::purchase_orders::bill,
        supply::purchase_orders::close,
        supply::purchase_orders::cancel,
        crm::opportunities::open,
        crm::opportunities::move_stage,
        crm::opportunities::win,
        crm::opportunities::lose,
        crm::tickets::open,
        crm::tickets::assign,
        crm::tickets::respond,
        crm::tickets::resolve,
        crm::tickets::close,
        crm::tickets::reopen,
        crm::customers::register,
        crm::customers::rename,
        crm::customers::add_contact,
        crm::customers::remove_contact,
        crm::customers::add_address,
        crm::customers::remove_address,
        crm::customers::change_credit_limit,
        crm::customers::set_custom_fields,
        crm::customers::deactivate,
        hr::employees::hire,
        hr::employees::transfer,
        hr::employees::change_salary,
        hr::employees::terminate,
        hr::employees::erase,
        hr::payroll_runs::draft,
        hr::payroll_runs::approve,
        hr::performance_reviews::open,
        hr::performance_reviews::complete,
        hr::performance_reviews::acknowledge,
        hr::performance_reviews::cancel,
        hr::recruitment::post_opening,
        hr::recruitment::close,
        hr::recruitment::apply,
        hr::recruitment::advance,
        hr::recruitment::reject,
        hr::recruitment::hire,
        hr::recruitment::erase,
        nexus::notifications::set_template,
        nexus::notifications::mark_read,
        nexus::webhooks::subscribe,
        nexus::webhooks::disable,
        nexus::webhooks::enable,
        nexus::webhooks::redeliver,
        report_definitions::create,
        report_definitions::revise,
        report_definitions::remove,
        hr::leave::set_entitlement,
        hr::leave::request,
        hr::leave::approve,
        hr::leave::reject,
        hr::leave::cancel,
        production::boms::revise,
        production::work_orders::plan,
        production::work_orders::release,
        production::work_orders::start,
        production::work_orders::complete,
        production::work_orders::scrap,
        production::quality_checks::record,
        production::assets::register,
        production::assets::schedule_maintenance,
        production::assets::record_maintenance,
        production::assets::start_downtime,
        production::assets::end_downtime,
        production::assets::retire,
    ),
    components(schemas(ProblemSchema)),
    modifiers(&Shared)
)]
struct CommandApiDocument;

/// 404: what the path or the body names does not exist.
#[derive(IntoResponses)]
#[response(
    status = 404,
    content_type = "application/problem+json",
    description = "Not found: what the path or the body names does not exist (`type` says which)"
)]
pub struct NotFound(pub ProblemSchema);

/// 503: a dependency the command needs (the books, the invoices) could not be read; retry.
#[derive(IntoResponses)]
#[response(
    status = 503,
    content_type = "application/problem+json",
    description = "A dependency the command reads (the books, the invoices) is unavailable; retry"
)]
pub struct Unavailable(pub ProblemSchema);

/// The optional `If-Match` header of the routes that honour it.
#[derive(IntoParams)]
#[into_params(parameter_in = Header)]
pub struct IfMatch {
    /// The aggregate version the command expects (`"3"`, the `ETag` of the last answer);
    /// another version is 409 `version-conflict` with `current_version`, an unreadable one 400.
    #[param(rename = "If-Match")]
    pub if_match: Option<String>,
}

/// The headers of every command: it passes through the `Idempotency-Key` layer.
#[derive(IntoParams)]
#[into_params(parameter_in = Header)]
pub struct CommandHeaders {
    /// 1 to 255 visible ASCII characters, scoped to the tenant. The first answer to a key is
    /// stored for 24 hours and replayed (with `Idempotent-Replayed: true`) to a retry with the
    /// same key; the same key with another request is 422 `idempotency-key-reused`, and while
    /// the first request runs a retry is 409 `idempotency-key-in-progress`.
    #[param(rename = "Idempotency-Key")]
    pub idempotency_key: Option<String>,
}

/// The headers of every command on a tenant's aggregates (the tenant is the access token's).
#[derive(IntoParams)]
#[into_params(parameter_in = Header)]
pub struct TenantHeaders {
    /// Correlates the events the command records with the caller's request; the command id
    /// when absent.
    #[param(rename = "X-Correlation-ID")]
    pub correlation_id: Option<String>,
}

/// The problems every command can give: reading the request, the `Idempotency-Key` layer,
/// the body limit, an optimistic-lock race and the aggregate's rules.
const COMMAND_PROBLEMS: [(&str, &str); 4] = [
    ("400", "Malformed request: unreadable JSON, an unreadable `If-Match`"),
    (
        "409",
        "Conflicts with the current state: a stale `If-Match` or a lost race (`current_version`), a state \
         that forbids the command, or the same `Idempotency-Key` still running (`Retry-After`)",
    ),
    ("413", "The request body is over the limit (`PRISM_HTTP_BODY_LIMIT_BYTES`)"),
    (
        "422",
        "The request breaks a rule; `field` names the input at fault: a body member, `Idempotency-Key` \
         (malformed, or reused with another request)",
    ),
];

/// The headers of an accepted command on a tenant's aggregate (see [`crate::dispatch::accepted`]).
const ACCEPTED_HEADERS: [(&str, &str); 3] = [
    ("Location", "Where the aggregate is read in the query API"),
    ("ETag", "The aggregate's version after the command, quoted: send it as `If-Match`"),
    ("X-Prism-Position", "Global position of the command's last event: send it as `X-Prism-Min-Position`"),
];

/// 403 on the routes that take the operator key.
const OPERATOR_FORBIDDEN: &str =
    "Forbidden (`forbidden`): a user's access token; only the operator key (`PRISM_OPERATOR_KEY`) may do this";

/// 403 on the routes any signed-in user may call for themself.
const SIGNED_IN_FORBIDDEN: &str = "Forbidden (`forbidden`): the operator key, which names no user";

/// Adds to the document what routes share: the API description, the security schemes,
/// operation ids and tags from the paths, for every route but the public ones the token it
/// needs and the 401 and 403 it gives, and for every command the headers and problems of the
/// layers and extractors it passes through.
struct Shared;

impl Modify for Shared {
    fn modify(&self, openapi: &mut OpenApi) {
        openapi.info.description = Some(description());
        let components = openapi.components.get_or_insert_with(Default::default);
        let ttl = default_of("access-token-ttl-seconds");
        components
            .add_security_scheme(BEARER, access_token_scheme(&ttl, "The tenant of every command is the token's."));
        components.add_security_scheme(OPERATOR_KEY, operator_key_scheme());
        for (path, item) in &mut openapi.paths.paths {
            if let Some(operation) = item.get.as_mut() {
                name_operation("get", path, operation);
                secure(path, operation);
            }
            let Some(operation) = item.post.as_mut() else { continue };
            name_operation("post", path, operation);
            secure(path, operation);
            if !UNSTORED_PATHS.contains(&path.as_str()) {
                operation.parameters.get_or_insert_with(Vec::new).extend(CommandHeaders::into_params(|| None));
                let replayed = [("Idempotent-Replayed", "`true` when the answer is replayed for an `Idempotency-Key`")];
                success_headers(operation, &replayed);
            }
            if !TENANT_FREE_PATHS.contains(&path.as_str()) {
                operation.parameters.get_or_insert_with(Vec::new).extend(TenantHeaders::into_params(|| None));
                success_headers(operation, &ACCEPTED_HEADERS);
            }
            for (status, description) in COMMAND_PROBLEMS {
                let problem = || ProblemSchema::response(description).into();
                operation.responses.responses.entry(status.to_owned()).or_insert_with(problem);
            }
        }
    }
}

/// The `operatorKey` scheme: the platform operator's key, which only provisions tenants.
fn operator_key_scheme() -> SecurityScheme {
    let description = "The platform operator's key (`PRISM_OPERATOR_KEY`), sent as `Authorization: Bearer <key>`; \
         only provisioning tenants takes it";
    SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).description(Some(description)).build())
}

/// Names the token the route at `path` needs as [`need`] says (none on a public route), the
/// permission it needs (as `x-prism-permission`), and adds the 401 and 403 it gives — and
/// the rate limiter's 429, which every route may give.
fn secure(path: &str, operation: &mut Operation) {
    let rate_limited = || ProblemSchema::rate_limited_response().into();
    operation.responses.responses.entry("429".to_owned()).or_insert_with(rate_limited);
    let (scheme, forbidden) = match need(path) {
        Some(Need::Public) => return,
        Some(Need::Operator) => (OPERATOR_KEY, OPERATOR_FORBIDDEN.to_owned()),
        Some(Need::SignedIn) => (BEARER, SIGNED_IN_FORBIDDEN.to_owned()),
        Some(Need::Permission(permission)) => {
            let name = permission.as_str();
            operation.extensions.get_or_insert_with(Extensions::default).insert(PERMISSION.to_owned(), name.into());
            let forbidden = format!(
                "Forbidden (`forbidden`): the user's roles do not grant `{name}` (the `permission` member names \
                 it); or the operator key, which names no tenant. Or the user's tenant is suspended \
                 (`tenant-suspended`)"
            );
            (BEARER, forbidden)
        }
        // Refused whoever calls (deny by default); `authorization`'s tests keep this from happening.
        None => (BEARER, "Forbidden (`forbidden`): the route has no permission assigned".to_owned()),
    };
    operation.security = Some(vec![SecurityRequirement::new(scheme, Vec::<String>::new())]);
    let responses = &mut operation.responses.responses;
    responses.entry("401".to_owned()).or_insert_with(|| ProblemSchema::unauthorized_response(UNAUTHORIZED).into());
    responses.entry("403".to_owned()).or_insert_with(|| ProblemSchema::response(&forbidden).into());
}

/// Adds `headers` to every 2xx answer of `operation`.
fn success_headers(operation: &mut Operation, headers: &[(&str, &str)]) {
    let successes = operation.responses.responses.iter_mut().filter(|(status, _)| status.starts_with('2'));
    for (_, response) in successes {
        let RefOr::T(response) = response else { continue };
        for (name, description) in headers {
            let mut value = Header::new(ObjectBuilder::new().schema_type(Type::String));
            value.description = Some((*description).to_owned());
            response.headers.insert((*name).to_owned(), value);
        }
    }
}

/// The default of the flag `--{flag}` of this API's command line.
fn default_of(flag: &str) -> String {
    prism_platform::openapi::default_of(&CommandApiConfig::command(), flag)
}

/// The API description, with the body limit's and the token lifetime's configured defaults.
fn description() -> String {
    let body_limit = default_of("http-body-limit-bytes");
    let ttl = default_of("access-token-ttl-seconds");
    format!(
        "Prism's write side: every route runs one command on an aggregate of the caller's tenant (the one \
         its access token names) and answers with the aggregate's version (`ETag`) and the global position \
         of its last event (`X-Prism-Position`; send it to the query API as `X-Prism-Min-Position` to read \
         your write). Amounts are integers in minor units with an ISO 4217 currency.\n\n\
         Every route but `POST /v1/auth/login` and `GET /openapi.json` needs `Authorization: Bearer <token>`: \
         a user's access token (security scheme `bearer`; `POST /v1/auth/login` gives one, valid {ttl} seconds \
         by default), or on `POST /v1/tenants` the platform operator's key (`operatorKey`). Without a token the \
         answer is 401 `unauthenticated`, with a bad or expired one 401 `invalid-token`. Each command needs \
         one permission, which one of the user's roles must grant, else 403 `forbidden` naming it in \
         `permission`. The acting user is recorded in each event's metadata (`user_id`).\n\n\
         Request bodies are JSON of at most `PRISM_HTTP_BODY_LIMIT_BYTES` bytes ({body_limit} by default, \
         256 KiB); a larger one is 413. Every error is `application/problem+json` (RFC 9457, schema \
         `Problem`). `GET /health/live`, `GET /health/ready` and `GET /metrics` (Prometheus) are served \
         too, outside this contract (docs/observability.md)."
    )
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)] // test code: a panic is a failed test

    use std::collections::BTreeSet;

    use serde_json::Value;

    use crate::authorization::{need, Need};
    use crate::idempotency::{MAX_KEY_CHARS, RETENTION};

    /// The document as JSON, and each of its operations as `(method, path, operation)`.
    fn operations() -> (Value, Vec<(String, String, Value)>) {
        let document = serde_json::to_value(super::document()).unwrap();
        let paths = document["paths"].as_object().unwrap();
        let operations = paths.iter().flat_map(|(path, item)| {
            let methods = item.as_object().unwrap().iter();
            methods.map(move |(method, operation)| (method.clone(), path.clone(), operation.clone()))
        });
        let operations = operations.collect();
        (document, operations)
    }

    #[test]
    fn the_document_lists_every_route_the_router_registers_and_no_other() {
        let check = prism_platform::openapi::check_routes(include_str!("app.rs"), &operations().0);
        assert!(check.routed > 50, "the router's routes were not read: {check:?}");
        assert!(check.undocumented.is_empty(), "routed but not in the document: {:?}", check.undocumented);
        assert!(check.unrouted.is_empty(), "in the document but not routed: {:?}", check.unrouted);
    }

    #[test]
    fn every_error_is_problem_json_and_every_command_takes_an_idempotency_key() {
        let (document, operations) = operations();
        assert_eq!(document["openapi"], "3.1.0");
        assert_eq!(document["info"]["version"], env!("CARGO_PKG_VERSION"));
        let mut ids = BTreeSet::new();
        for (method, path, operation) in operations {
            assert!(ids.insert(operation["operationId"].to_string()), "{method} {path}: operation id taken");
            for (status, response) in operation["responses"].as_object().unwrap() {
                if status.starts_with(['4', '5']) {
                    let schema = &response["content"]["application/problem+json"]["schema"]["$ref"];
                    assert_eq!(schema, "#/components/schemas/Problem", "{method} {path} {status}");
                }
            }
            let headers: Vec<_> =
                operation["parameters"].as_array().into_iter().flatten().map(|p| &p["name"]).collect();
            let keyed = method == "post" && !crate::idempotency::UNSTORED_PATHS.contains(&path.as_str());
            assert_eq!(keyed, headers.contains(&&"Idempotency-Key".into()), "{method} {path}");
        }
    }

    #[test]
    fn every_route_but_the_public_ones_needs_a_token_and_answers_401_and_403() {
        let (document, operations) = operations();
        let schemes = &document["components"]["securitySchemes"];
        assert_eq!(schemes["bearer"]["type"], "http");
        assert_eq!(schemes["bearer"]["scheme"], "bearer");
        assert_eq!(schemes["bearer"]["bearerFormat"], "JWT");
        assert_eq!(schemes["operatorKey"]["type"], "http");
        assert_eq!(schemes["operatorKey"]["scheme"], "bearer");
        let mut schemes_used = BTreeSet::new();
        for (method, path, operation) in operations {
            let names: Vec<_> = operation["parameters"].as_array().into_iter().flatten().map(|p| &p["name"]).collect();
            assert!(!names.contains(&&"X-Tenant-ID".into()), "{method} {path}: the tenant is the token's");
            let responses = &operation["responses"];
            assert!(responses["429"]["headers"]["Retry-After"].is_object(), "{method} {path} may be rate limited");
            let (scheme, permission) = match need(&path).unwrap() {
                Need::Public => {
                    assert!(operation["security"].is_null(), "{method} {path} is public");
                    assert!(responses["403"].is_null(), "{method} {path} is public");
                    continue;
                }
                Need::Operator => ("operatorKey", Value::Null),
                Need::SignedIn => ("bearer", Value::Null),
                Need::Permission(permission) => ("bearer", permission.as_str().into()),
            };
            assert_eq!(operation["security"], serde_json::json!([{ scheme: [] }]), "{method} {path}");
            assert_eq!(operation["x-prism-permission"], permission, "{method} {path}");
            schemes_used.insert(scheme);
            assert!(responses["401"]["headers"]["WWW-Authenticate"].is_object(), "{method} {path}");
            let forbidden = responses["403"]["description"].as_str().unwrap();
            assert!(forbidden.contains("forbidden") && forbidden.contains(permission.as_str().unwrap_or("operator")));
        }
        assert_eq!(schemes_used, BTreeSet::from(["bearer", "operatorKey"]));
        for public in ["/openapi.json", "/v1/auth/login"] {
            let item = document["paths"][public].as_object().unwrap();
            assert!(item.values().all(|operation| operation["security"].is_null()), "{public} is public");
        }
        let payments = &document["paths"]["/v1/payments"]["post"];
        assert_eq!(payments["security"][0]["bearer"], serde_json::json!([]));
        assert_eq!(payments["x-prism-permission"], "finance.payment.process");
        assert_eq!(document["paths"]["/v1/tenants"]["post"]["security"][0]["operatorKey"], serde_json::json!([]));
    }

    #[test]
    fn the_documented_idempotency_limits_are_the_layers() {
        let (document, _) = operations();
        let parameters = &document["paths"]["/v1/payments"]["post"]["parameters"];
        let key = parameters.as_array().unwrap().iter().find(|p| p["name"] == "Idempotency-Key").unwrap();
        let description = key["description"].as_str().unwrap();
        assert!(description.contains(&format!("1 to {MAX_KEY_CHARS} ")), "{description}");
        assert!(description.contains(&format!("stored for {} hours", RETENTION.as_secs() / 3600)), "{description}");
    }
}
