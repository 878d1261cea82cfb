//! Customers over REST: register a customer, rename it, add and remove contacts and
//! addresses, change its credit limit, set custom fields, deactivate it. Each customer is its
//! own aggregate, addressed by its id; `If-Match` carries its version.

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use prism_aggregates::crm::customer::{AddressInput, ContactInput, Customer, CustomerCommand, RegisterCustomer};
use prism_aggregates::tenant::TenantId;
use prism_platform::http::{parse_optional_json, JsonBody, Tenant};
use prism_platform::problem::Problem;
use serde::{Deserialize, Serialize};

use crate::dispatch::{accepted, check_if_match, execute};
use crate::request_context::RequestContext;

/// State shared by the customer routes.
pub type Stores = Arc<crate::event_store::TenantEventStores<Customer>>;

/// Where customers are read.
const LOCATION: &str = "/v1/customers";

/// Answer to an accepted customer command.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct CustomerChanged {
    /// The customer.
    pub customer_id: String,
    /// The customer's version after the command.
    pub version: i64,
    /// Global position of its last event: send as `X-Prism-Min-Position` to read your write.
    pub position: i64,
}

/// Body of `POST /v1/customers/{id}/rename`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RenameRequest {
    /// The new name.
    pub name: String,
}

/// Body of `POST /v1/customers/{id}/credit-limit`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreditLimitRequest {
    /// The new limit in minor units of the customer's currency (0 or more); `null` lifts it.
    pub credit_limit_minor: Option<i64>,
}

/// Body of `POST /v1/customers/{id}/custom-fields`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CustomFieldsRequest {
    /// Field name (`a`–`z`, `0`–`9`, `_`) → any JSON value; `null` removes the field.
    #[schema(value_type = Object)]
    pub fields: BTreeMap<String, serde_json::Value>,
}

/// Body of `POST /v1/customers/{id}/deactivate` (optional).
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DeactivateRequest {
    /// Why.
    #[serde(default)]
    pub reason: Option<String>,
}

/// `POST /v1/customers` with a [`RegisterCustomer`] body: 201.
#[utoipa::path(post, path = "/v1/customers", params(crate::openapi::IfMatch),
    request_body = crate::openapi::bodies::RegisterCustomer,
    responses((status = 201, description = "Registered", body = CustomerChanged)))]
#[tracing::instrument(skip_all, fields(tenant = %tenant))]
pub async fn register(
    State(stores): State<Stores>,
    Tenant(tenant): Tenant,
    headers: HeaderMap,
    context: RequestContext,
    JsonBody(request): JsonBody<RegisterCustomer>,
) -> Result<Response, Problem> {
    let id = request.customer_id.clone();
    let command = CustomerCommand::RegisterCustomer(request);
    run(&stores, &tenant, &id, &headers, command, &context, StatusCode::CREATED).await
}

/// `POST /v1/customers/{id}/rename`.
#[utoipa::path(post, path = "/v1/customers/{id}/rename",
    params(("id" = String, Path, description = "The customer"), crate::openapi::IfMatch), request_body = RenameRequest,
    responses((status = 200, description = "Renamed", body = CustomerChanged), crate::openapi::NotFound))]
#[tracing::instrument(skip_all, fields(tenant = %tenant, customer_id = %id))]
pub async fn rename(
    State(stores): State<Stores>,
    Tenant(tenant): Tenant,
    Path(id): Path<String>,
    headers: HeaderMap,
    context: RequestContext,
    JsonBody(request): JsonBody<RenameRequest>,
) -> Result<Response, Problem> {
    let command = CustomerCommand::RenameCustomer { name: request.name };
    run(&stores, &tenant, &id, &headers, command, &context, StatusCode::OK).await
}

/// `POST /v1/customers/{id}/contacts` with a [`ContactInput`] body.
#[utoipa::path(post, path = "/v1/customers/{id}/contacts",
    params(("id" = String, Path, description = "The customer"), crate::openapi::IfMatch),
    request_body = crate::openapi::bodies::ContactInput,
    responses((status = 200, description = "Contact added", body = CustomerChanged), crate::openapi::NotFound))]
#[tracing::instrument(skip_all, fields(tenant = %tenant, customer_id = %id))]
pub async fn add_contact(
    State(stores): State<Stores>,
    Tenant(tenant): Tenant,
    Path(id): Path<String>,
    headers: HeaderMap,
    context: RequestContext,
    JsonBody(request): JsonBody<ContactInput>,
) -> Result<Response, Problem> {
    run(&stores, &tenant, &id, &headers, CustomerCommand::AddContact(request), &context, StatusCode::OK).await
}

/// `POST /v1/customers/{id}/contacts/{contact_id}/remove`.
#[utoipa::path(post, path = "/v1/customers/{id}/contacts/{contact_id}/remove",
    params(("id" = String, Path, description = "The customer"), ("contact_id" = String, Path, description = "The contact"),
        crate::openapi::IfMatch),
    responses((status = 200, description = "Contact removed", body = CustomerChanged), crate::openapi::NotFound))]
#[tracing::instrument(skip_all, fields(tenant = %tenant, customer_id = %id))]
pub async fn remove_contact(
    State(stores): State<Stores>,
    Tenant(tenant): Tenant,
    Path((id, contact_id)): Path<(String, String)>,
    headers: HeaderMap,
    context: RequestContext,
) -> Result<Response, Problem> {
    let command = CustomerCommand::RemoveContact { contact_id };
    run(&stores, &tenant, &id, &headers, command, &context, StatusCode::OK).await
}

/// `POST /v1/customers/{id}/addresses` with an [`AddressInput`] body.
#[utoipa::path(post, path = "/v1/customers/{id}/addresses",
    params(("id" = String, Path, description = "The customer"), crate::openapi::IfMatch),
    request_body = crate::openapi::bodies::AddressInput,
    responses((status = 200, description = "Address added", body = CustomerChanged), crate::openapi::NotFound))]
#[tracing::instrument(skip_all, fields(tenant = %tenant, customer_id = %id))]
pub async fn add_address(
    State(stores): State<Stores>,
    Tenant(tenant): Tenant,
    Path(id): Path<String>,
    headers: HeaderMap,
    context: RequestContext,
    JsonBody(request): JsonBody<AddressInput>,
) -> Result<Response, Problem> {
    run(&stores, &tenant, &id, &headers, CustomerCommand::AddAddress(request), &context, StatusCode::OK).await
}

/// `POST /v1/customers/{id}/addresses/{address_id}/remove`.
#[utoipa::path(post, path = "/v1/customers/{id}/addresses/{address_id}/remove",
    params(("id" = String, Path, description = "The customer"), ("address_id" = String, Path, description = "The address"),
        crate::openapi::IfMatch),
    responses((status = 200, description = "Address removed", body = CustomerChanged), crate::openapi::NotFound))]
#[tracing::instrument(skip_all, fields(tenant = %tenant, customer_id = %id))]
pub async fn remove_address(
    State(stores): State<Stores>,
    Tenant(tenant): Tenant,
    Path((id, address_id)): Path<(String, String)>,
    headers: HeaderMap,
    context: RequestContext,
) -> Result<Response, Problem> {
    let command = CustomerCommand::RemoveAddress { address_id };
    run(&stores, &tenant, &id, &headers, command, &context, StatusCode::OK).await
}

/// `POST /v1/customers/{id}/credit-limit` with a [`CreditLimitRequest`] body.
#[utoipa::path(post, path = "/v1/customers/{id}/credit-limit",
    params(("id" = String, Path, description = "The customer"), crate::openapi::IfMatch), request_body = CreditLimitRequest,
    responses((status = 200, description = "Credit limit set", body = CustomerChanged), crate::openapi::NotFound))]
#[tracing::instrument(skip_all, fields(tenant = %tenant, customer_id = %id))]
pub async fn change_credit_limit(
    State(stores): State<Stores>,
    Tenant(tenant): Tenant,
    Path(id): Path<String>,
    headers: HeaderMap,
    context: RequestContext,
    JsonBody(request): JsonBody<CreditLimitRequest>,
) -> Result<Response, Problem> {
    let command = CustomerCommand::ChangeCreditLimit { credit_limit_minor: request.credit_limit_minor };
    run(&stores, &tenant, &id, &headers, command, &context, StatusCode::OK).await
}

/// `POST /v1/customers/{id}/custom-fields` with a [`CustomFieldsRequest`] body.
#[utoipa::path(post, path = "/v1/customers/{id}/custom-fields",
    params(("id" = String, Path, description = "The customer"), crate::openapi::IfMatch), request_body = CustomFieldsRequest,
    responses((status = 200, description = "Custom fields set", body = CustomerChanged), crate::openapi::NotFound))]
#[tracing::instrument(skip_all, fields(tenant = %tenant, customer_id = %id))]
pub async fn set_custom_fields(
    State(stores): State<Stores>,
    Tenant(tenant): Tenant,
    Path(id): Path<String>,
    headers: HeaderMap,
    context: RequestContext,
    JsonBody(request): JsonBody<CustomFieldsRequest>,
) -> Result<Response, Problem> {
    let command = CustomerCommand::SetCustomFields { fields: request.fields };
    run(&stores, &tenant, &id, &headers, command, &context, StatusCode::OK).await
}

/// `POST /v1/customers/{id}/deactivate`, with an optional [`DeactivateRequest`] body.
#[utoipa::path(post, path = "/v1/customers/{id}/deactivate",
    params(("id" = String, Path, description = "The customer"), crate::openapi::IfMatch),
    request_body(content = Option<DeactivateRequest>, description = "Optional: absent, empty or null for no reason"),
    responses((status = 200, description = "Deactivated", body = CustomerChanged), crate::openapi::NotFound))]
#[tracing::instrument(skip_all, fields(tenant = %tenant, customer_id = %id))]
pub async fn deactivate(
    State(stores): State<Stores>,
    Tenant(tenant): Tenant,
    Path(id): Path<String>,
    headers: HeaderMap,
    context: RequestContext,
    body: Bytes,
) -> Result<Response, Problem> {
    let request: DeactivateRequest = parse_optional_json(&body)?;
    let command = CustomerCommand::DeactivateCustomer { reason: request.reason };
    run(&stores, &tenant, &id, &headers, command, &context, StatusCode::OK).await
}

async fn run(
    stores: &Stores,
    tenant: &TenantId,
    id: &str,
    headers: &HeaderMap,
    command: CustomerCommand,
    context: &RequestContext,
    status: StatusCode,
) -> Result<Response, Problem> {
    check_if_match(stores, tenant, id, headers).await?;
    let committed = execute(stores, tenant, id, command, context).await?;
    tracing::info!(position = committed.position, "customer changed");
    let body = CustomerChanged { customer_id: id.to_owned(), version: committed.version, position: committed.position };
    Ok(accepted(status, body, &format!("{LOCATION}/{id}"), committed))
}
