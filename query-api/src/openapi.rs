//! The query API's contract: one OpenAPI 3.1 document, generated from the code and served at
//! `GET /openapi.json`. Each handler carries its own `#[utoipa::path]`: path, query and path
//! parameters, the answer, and [`Csv`] where it also answers CSV. What every read shares
//! because a layer or an extractor gives it to all of them — the access token (security
//! scheme `bearer`; none is 401, the operator key 403, a token of an unknown tenant 404), the
//! `X-Prism-Min-Position` wait (504 on timeout), query strings refused with 400 or 422 — is
//! added here once, by [`Shared`], as are the page and range limits in the description.
//! Every error is `application/problem+json` with the one `Problem` schema. The audit routes
//! read the event store, not a read model: they take no `X-Prism-Min-Position` and never
//! wait. A test checks that the document lists exactly the routes `app.rs` registers.

use std::sync::LazyLock;

use axum::Json;
use prism_platform::openapi::{access_token_scheme, name_operation, BEARER, UNAUTHORIZED};
use prism_platform::problem::ProblemSchema;
use utoipa::openapi::security::SecurityRequirement;
use utoipa::openapi::{ContentBuilder, OpenApi, RefOr};
use utoipa::{IntoParams, Modify, OpenApi as _, PartialSchema, ToSchema};

use crate::config::QueryApiConfig;
use crate::state::DEFAULT_PAGE_SIZE;
use crate::{
    accounts, audit, budgets, crm, documents, exchange_rates, fiscal_years, invoices, journal_entries, payments,
    reports, supply, tax_rates,
};

/// The document, built once.
static DOCUMENT: LazyLock<OpenApi> = LazyLock::new(document);

/// The query API's OpenAPI document.
#[must_use]
pub fn document() -> OpenApi {
    QueryApiDocument::openapi()
}

/// `GET /openapi.json`: this API's OpenAPI 3.1 document.
#[utoipa::path(get, path = "/openapi.json",
    responses((status = 200, description = "The OpenAPI 3.1 document of this API", body = Object)))]
pub async fn serve() -> Json<&'static OpenApi> {
    Json(&DOCUMENT)
}

#[derive(utoipa::OpenApi)]
#[openapi(
    info(title = "Prism query API"),
    paths(
        serve,
        journal_entries::list,
        journal_entries::drafts::list,
        journal_entries::get,
        documents::get,
        accounts::chart::list,
        accounts::balance::get,
        accounts::postings::get,
        fiscal_years::list,
        reports::trial_balance::get,
        reports::income_statement::get,
        reports::balance_sheet::get,
        reports::aging::get,
        reports::cash_flow::get,
        reports::budget_vs_actual::get,
        reports::revenue_expense::get,
        crate::kpis::get,
        crate::dashboard::get,
        crate::optics::sources,
        crate::optics::list,
        crate::optics::get,
        crate::optics::run::run,
        invoices::list,
        invoices::get,
        payments::get,
        tax_rates::list,
        crate::identity::list_users,
        crate::identity::get_user,
        crate::identity::list_units,
        crate::roles::list_roles,
        crate::feature_flags::get,
        budgets::list,
        exchange_rates::list,
        supply::catalog::list_items,
        supply::catalog::get_item,
        supply::catalog::list_locations,
        supply::stock::levels,
        supply::stock::reorder_suggestions,
        supply::movements::list,
        supply::movements::as_of,
        supply::movements::daily,
        supply::orders::list_sales_orders,
        supply::order_documents::get_sales_order,
        supply::orders::list_purchase_orders,
        supply::order_documents::get_purchase_order,
        crate::crm::pipeline::pipeline,
        crate::crm::pipeline::list,
        crate::crm::pipeline::get,
        crate::crm::tickets::list,
        crate::crm::tickets::breaches,
        crate::crm::tickets::get,
        crate::hr::employees::list,
        crate::hr::employees::get,
        crate::hr::payroll_runs::list,
        crate::hr::payroll_runs::get,
        crate::hr::performance_reviews::list,
        crate::hr::performance_reviews::get,
        crate::hr::recruitment::list,
        crate::hr::recruitment::get,
        crate::notifications::list,
        crate::webhooks::list,
        crate::webhooks::get,
        crate::webhooks::deliveries,
        crate::hr::leave::list,
        crate::hr::leave::employee_balances,
        crate::hr::leave::get,
        crm::customers::list,
        crm::customers::get_360,
        crm::customers::get_document,
        crate::production::boms::get,
        crate::production::boms::explosion,
        crate::production::work_orders::list,
        crate::production::work_orders::board,
        crate::production::work_orders::get,
        crate::production::work_orders::get_document,
        crate::production::work_orders::requirements,
        crate::production::quality_checks::list,
        crate::production::yield_rates::get,
        crate::production::assets::list,
        crate::production::assets::get,
        crate::production::assets::downtime,
        audit::history::get,
        audit::state::get,
        audit::trace::get,
    ),
    components(schemas(ProblemSchema)),
    modifiers(&Shared)
)]
struct QueryApiDocument;

/// The `Accept` header of the routes that also answer CSV; [`Shared`] adds `text/csv` to
/// their answer.
#[derive(IntoParams)]
#[into_params(parameter_in = Header)]
pub struct Csv {
    /// `text/csv` for CSV (a header row, one record per line, no totals) when it weighs more
    /// than `application/json`; JSON otherwise. Both answers carry `Vary: Accept`.
    #[param(rename = "Accept")]
    pub accept: Option<String>,
}

/// The headers of every read (the tenant is the access token's).
#[derive(IntoParams)]
#[into_params(parameter_in = Header)]
pub struct ReadHeaders {
    /// Read your write: the `X-Prism-Position` of a command. The answer waits, at most
    /// `PRISM_MIN_POSITION_WAIT_MS`, until the read model behind the route has applied that
    /// event; then 504 `consistency-timeout`.
    #[param(rename = "X-Prism-Min-Position", minimum = 1)]
    pub min_position: Option<i64>,
}

/// The problems every read can give.
const READ_PROBLEMS: [(&str, &str); 5] = [
    ("400", "Malformed request: an unknown or unreadable query parameter, a bad `X-Prism-Min-Position`"),
    ("403", "Forbidden (`forbidden`): the operator key, which names no tenant; reads take a user's access token"),
    ("404", "Not found: the token's tenant is not provisioned (`unknown-tenant`), or nothing under the path's id"),
    ("422", "A parameter breaks a rule (a bad date, currency, limit or range); `field` names it"),
    ("504", "The read model did not reach `X-Prism-Min-Position` in time (`min_position`, `waited_ms`); retry"),
];

/// Adds to the document what every read shares: the API description with its limits, the
/// `bearer` security scheme, operation ids and tags from the paths, the access token every
/// read needs, the shared headers and problems (but the wait for a read model, on the audit
/// routes), and `text/csv` on the routes that take [`Csv`].
struct Shared;

impl Modify for Shared {
    fn modify(&self, openapi: &mut OpenApi) {
        openapi.info.description = Some(description());
        let scheme =
            access_token_scheme(&default_of("access-token-ttl-seconds"), "Every read answers for the token's tenant.");
        openapi.components.get_or_insert_with(Default::default).add_security_scheme(BEARER, scheme);
        for (path, item) in &mut openapi.paths.paths {
            let Some(operation) = item.get.as_mut() else { continue };
            name_operation("get", path, operation);
            if !path.starts_with("/v1/") {
                continue;
            }
            operation.security = Some(vec![SecurityRequirement::new(BEARER, Vec::<String>::new())]);
            let parameters = operation.parameters.get_or_insert_with(Vec::new);
            let csv = parameters.iter().any(|parameter| parameter.name == "Accept");
            let waits = !path.starts_with(audit::PATH_PREFIX);
            if waits {
                parameters.extend(ReadHeaders::into_params(|| None));
            }
            operation
                .responses
                .responses
                .entry("401".to_owned())
                .or_insert_with(|| ProblemSchema::unauthorized_response(UNAUTHORIZED).into());
            let rate_limited = || ProblemSchema::rate_limited_response().into();
            operation.responses.responses.entry("429".to_owned()).or_insert_with(rate_limited);
            for (status, description) in READ_PROBLEMS.into_iter().filter(|(status, _)| waits || *status != "504") {
                let problem = || ProblemSchema::response(description).into();
                operation.responses.responses.entry(status.to_owned()).or_insert_with(problem);
            }
            if let Some(RefOr::T(answer)) = operation.responses.responses.get_mut("200").filter(|_| csv) {
                let text = ContentBuilder::new().schema(Some(String::schema())).build();
                let media_type = crate::csv::TEXT_CSV.split(';').next().unwrap_or_default();
                answer.content.insert(media_type.to_owned(), text);
            }
        }
    }
}

/// The default of the flag `--{flag}` of this API's command line.
fn default_of(flag: &str) -> String {
    prism_platform::openapi::default_of(&QueryApiConfig::cli(), flag)
}

/// The API description, with the limits' and the token lifetime's configured defaults.
fn description() -> String {
    format!(
        "Prism's read side: answers for the caller's tenant (the one its access token names) from the \
         read models the projectors build (Postgres, the time-series database, MongoDB). Amounts are \
         integers in minor units per currency; dates are `YYYY-MM-DD` and inclusive.\n\n\
         Every route but `GET /openapi.json` needs `Authorization: Bearer <access token>` (security scheme \
         `bearer`), any user's of the tenant: the command API's `POST /v1/auth/login` gives one, valid \
         {ttl} seconds by default. Without a token the answer is 401 `unauthenticated`, with a bad or \
         expired one 401 `invalid-token`, with the operator key 403 `forbidden`. The audit routes \
         (`/v1/audit/…`: an aggregate's history and state as of a version or time, a request's trace, \
         straight from the event store) need a user whose roles grant `audit.read` (`auditor`, \
         `admin`); others get 403 `forbidden`.\n\n\
         Limits: a list pages `limit` items ({DEFAULT_PAGE_SIZE} when absent, at most \
         `PRISM_PAGE_SIZE_MAX`, {page} by default) with keyset cursors (`cursor` = the previous page's \
         `next_cursor`); a bucketed range spans at most `PRISM_BUCKET_COUNT_MAX` buckets ({buckets} by \
         default); an `X-Prism-Min-Position` wait lasts at most `PRISM_MIN_POSITION_WAIT_MS` ms ({wait} by \
         default). Every error is `application/problem+json` (RFC 9457, schema `Problem`). \
         `GET /health/live`, `GET /health/ready` and `GET /metrics` (Prometheus) are served too, outside \
         this contract (docs/observability.md).",
        page = default_of("page-size-max"),
        buckets = default_of("bucket-count-max"),
        wait = default_of("min-position-wait-ms"),
        ttl = default_of("access-token-ttl-seconds"),
    )
}

/// A journal line's amount in the tenant's functional currency (described here because
/// `prism-aggregates` defines it).
#[derive(ToSchema)]
pub struct FunctionalAmount {
    /// ISO 4217 code of the functional currency.
    pub currency: String,
    /// Debit in minor units of the functional currency, or 0.
    pub debit_minor: i64,
    /// Credit in minor units of the functional currency, or 0.
    pub credit_minor: i64,
}

/// One line of a draft journal entry (described here because `prism-aggregates` defines it).
#[derive(ToSchema)]
pub struct PostedLine {
    /// 1-based position of the line in its entry.
    pub line_no: i32,
    /// Account code.
    pub account: String,
    /// Debit in minor units of `currency`, or 0.
    pub debit_minor: i64,
    /// Credit in minor units of `currency`, or 0.
    pub credit_minor: i64,
    /// ISO 4217 currency code.
    pub currency: String,
    /// Free text for the line.
    pub memo: Option<String>,
    /// The line in the functional currency; `null` on drafts, which are priced when posted.
    pub functional: Option<FunctionalAmount>,
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)] // test code: a panic is a failed test

    use std::collections::BTreeSet;

    use prism_aggregates::finance::journal_entry;
    use serde::Serialize;
    use serde_json::Value;

    fn document() -> Value {
        serde_json::to_value(super::document()).unwrap()
    }

    #[test]
    fn the_document_lists_every_route_the_router_registers_and_no_other() {
        let check = prism_platform::openapi::check_routes(include_str!("app.rs"), &document());
        assert!(check.routed > 30, "the router's routes were not read: {check:?}");
        assert!(check.undocumented.is_empty(), "routed but not in the document: {:?}", check.undocumented);
        assert!(check.unrouted.is_empty(), "in the document but not routed: {:?}", check.unrouted);
    }

    #[test]
    fn every_read_needs_an_access_token_and_answers_its_errors_as_problem_json() {
        let document = document();
        assert_eq!(document["openapi"], "3.1.0");
        assert_eq!(document["info"]["version"], env!("CARGO_PKG_VERSION"));
        let bearer = &document["components"]["securitySchemes"]["bearer"];
        assert_eq!(
            (&bearer["type"], &bearer["scheme"], &bearer["bearerFormat"]),
            (&"http".into(), &"bearer".into(), &"JWT".into())
        );
        for (path, item) in document["paths"].as_object().unwrap().iter().filter(|(path, _)| path.starts_with("/v1/")) {
            let operation = &item["get"];
            assert_eq!(operation["security"], serde_json::json!([{ "bearer": [] }]), "{path}");
            let names: Vec<_> = operation["parameters"].as_array().unwrap().iter().map(|p| &p["name"]).collect();
            assert!(!names.contains(&&"X-Tenant-ID".into()), "{path}: the tenant is the token's");
            let waits = !path.starts_with(crate::audit::PATH_PREFIX);
            assert_eq!(names.contains(&&"X-Prism-Min-Position".into()), waits, "{path}: {names:?}");
            assert_eq!(operation["responses"]["504"].is_object(), waits, "{path}");
            for status in ["400", "401", "403", "404", "422"] {
                let schema = &operation["responses"][status]["content"]["application/problem+json"]["schema"];
                assert_eq!(schema["$ref"], "#/components/schemas/Problem", "{path} {status}");
            }
            assert!(operation["responses"]["401"]["headers"]["WWW-Authenticate"].is_object(), "{path}");
            assert!(operation["responses"]["429"]["headers"]["Retry-After"].is_object(), "{path}");
        }
        assert!(document["paths"]["/openapi.json"]["get"]["security"].is_null(), "the document is public");
        let chart = &document["paths"]["/v1/accounts"]["get"]["responses"]["200"]["content"];
        assert!(chart["text/csv"].is_object() && chart["application/json"].is_object(), "{chart}");
    }

    #[test]
    fn the_audit_routes_say_they_need_audit_read_and_what_they_answer() {
        let document = document();
        let audit: Vec<_> =
            document["paths"].as_object().unwrap().iter().filter(|(path, _)| path.starts_with("/v1/audit/")).collect();
        assert_eq!(audit.len(), 3, "history, state and trace");
        for (path, item) in audit {
            let forbidden = item["get"]["responses"]["403"]["description"].as_str().unwrap();
            assert!(forbidden.contains("audit.read"), "{path}: {forbidden}");
        }
        let schemas = &document["components"]["schemas"];
        for field in ["version", "position", "event_type", "event_version", "user_id", "correlation_id", "changes"] {
            assert!(schemas["RecordedEvent"]["properties"][field].is_object(), "RecordedEvent.{field}");
        }
        assert!(schemas["AggregateState"]["properties"]["state"].is_object());
    }

    /// Fails unless `value` serialises to exactly the properties of component `name`.
    fn documented_as(value: impl Serialize, name: &str) {
        let document = document();
        let properties = document["components"]["schemas"][name]["properties"].as_object().unwrap();
        let value = serde_json::to_value(value).unwrap();
        let documented: BTreeSet<_> = properties.keys().collect();
        let sent: BTreeSet<_> = value.as_object().unwrap().keys().collect();
        assert_eq!(documented, sent, "the documented {name} is not what is sent");
    }

    #[test]
    fn the_documented_aggregate_types_are_what_is_sent() {
        let functional =
            journal_entry::FunctionalAmount { currency: "EUR".to_owned(), debit_minor: 1, credit_minor: 0 };
        let line = journal_entry::PostedLine {
            line_no: 1,
            account: "1000".to_owned(),
            debit_minor: 1,
            credit_minor: 0,
            currency: "EUR".to_owned(),
            memo: None,
            functional: Some(functional.clone()),
        };
        documented_as(functional, "FunctionalAmount");
        documented_as(line, "PostedLine");
    }
}
