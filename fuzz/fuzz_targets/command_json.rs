//! Fuzzes the reading of command bodies as the command API does it: `parse_json` (what the
//! `JsonBody` extractor calls) and `parse_optional_json`, into the body type each route of
//! `command-api/src/app.rs` reads.
//!
//! An input is a route's path, as `app.rs` routes it, on the first line, then the body. A body
//! is read or refused with 400 (malformed) or 422 (wrong shape); a panic, a hang or any other
//! status is the bug. The seeds (`fuzz/seeds/command_json`) are the README's requests, a body
//! built from each route's schema in the OpenAPI document, and the hostile-input tests' kinds.
#![no_main]

use libfuzzer_sys::fuzz_target;
use prism_aggregates::crm::{customer, opportunity};
use prism_aggregates::finance::{calendar, chart, invoice, tax};
use prism_aggregates::hr::employee;
use prism_aggregates::production::work_order;
use prism_aggregates::supply::{item, locations, purchase_order, sales_order, stock};
use prism_command_api::crm::{customers, opportunities, tickets};
use prism_command_api::hr::{employees, leave, payroll_runs, performance_reviews, recruitment};
use prism_command_api::identity::{login, mfa, organization, roles, users};
use prism_command_api::nexus::{notifications, webhooks};
use prism_command_api::production::{assets, boms, quality_checks, work_orders};
use prism_command_api::supply::{items, purchase_orders, sales_orders, settings};
use prism_command_api::tenants::{feature_flags, lifecycle, provisioning};
use prism_command_api::{budgets, calendar as fiscal, chart as accounts, exchange_rates, invoices, journal_entries};
use prism_command_api::{payments, revaluations, tax_rates};
use prism_platform::http::{parse_json, parse_optional_json};
use prism_platform::problem::Problem;
use serde::de::DeserializeOwned;

/// Reads a body for one route.
type Read = fn(&[u8]) -> Result<(), Problem>;

/// A body every route must have.
fn required<T: DeserializeOwned>(body: &[u8]) -> Result<(), Problem> {
    parse_json::<T>(body).map(drop)
}

/// A body a route may go without.
fn optional<T: DeserializeOwned + Default>(body: &[u8]) -> Result<(), Problem> {
    parse_optional_json::<T>(body).map(drop)
}

/// Each route that reads a body, and how.
const ROUTES: &[(&str, Read)] = &[
    ("/v1/tenants", required::<provisioning::ProvisionTenantRequest>),
    ("/v1/tenants/{tenant}/suspend", required::<lifecycle::SuspendRequest>),
    ("/v1/tenants/{tenant}/feature-flags", required::<feature_flags::SetFeatureFlag>),
    ("/v1/auth/login", required::<login::LoginRequest>),
    ("/v1/auth/refresh", required::<login::RefreshRequest>),
    ("/v1/auth/logout", required::<login::RefreshRequest>),
    ("/v1/auth/mfa/confirm", required::<mfa::MfaCodeRequest>),
    ("/v1/auth/mfa/disable", required::<mfa::MfaCodeRequest>),
    ("/v1/users", required::<users::CreateUserRequest>),
    ("/v1/users/{id}/roles", required::<users::RolesRequest>),
    ("/v1/users/{id}/deactivate", required::<users::DeactivateRequest>),
    ("/v1/organization-units", required::<organization::AddUnitRequest>),
    ("/v1/organization-units/{unit_id}/rename", required::<items::RenameRequest>),
    ("/v1/organization-units/{unit_id}/move", required::<organization::MoveUnitRequest>),
    ("/v1/roles", required::<roles::DefineRoleRequest>),
    ("/v1/roles/{name}/permissions", required::<roles::RolePermissionsRequest>),
    ("/v1/journal-entries", required::<journal_entries::PostJournalEntryRequest>),
    ("/v1/journal-entries/{id}/reverse", required::<journal_entries::ReverseJournalEntryRequest>),
    ("/v1/journal-entries/{id}/discard", optional::<journal_entries::DiscardDraftRequest>),
    ("/v1/accounts", required::<chart::OpenAccount>),
    ("/v1/accounts/{code}/rename", required::<accounts::RenameAccountRequest>),
    ("/v1/fiscal-years", required::<calendar::OpenFiscalYear>),
    ("/v1/fiscal-years/{year}/close", optional::<fiscal::CloseYearRequest>),
    ("/v1/fiscal-periods/{period}/reopen", required::<fiscal::ReopenPeriodRequest>),
    ("/v1/tax-rates", required::<tax::DefineTaxRate>),
    ("/v1/tax-rates/{code}/change", required::<tax_rates::ChangeTaxRateRequest>),
    ("/v1/budgets/{budget}/amounts", required::<budgets::SetBudgetAmountsRequest>),
    ("/v1/exchange-rates", required::<exchange_rates::SetExchangeRatesRequest>),
    ("/v1/revaluations", required::<revaluations::RevaluationRequest>),
    ("/v1/exchange-rates/functional-currency", required::<exchange_rates::SetFunctionalCurrencyRequest>),
    ("/v1/invoices", required::<invoices::DraftInvoiceRequest>),
    ("/v1/invoices/{id}/issue", required::<invoice::IssueInvoice>),
    ("/v1/invoices/{id}/void", required::<invoice::VoidInvoice>),
    ("/v1/payments", required::<payments::ProcessPaymentRequest>),
    ("/v1/items", required::<item::DefineItem>),
    ("/v1/items/{sku}/reorder-policy", required::<items::ReorderPolicyRequest>),
    ("/v1/items/{sku}/rename", required::<items::RenameRequest>),
    ("/v1/items/{sku}/discontinue", optional::<items::DiscontinueRequest>),
    ("/v1/locations", required::<locations::OpenLocation>),
    ("/v1/locations/{code}/rename", required::<items::RenameRequest>),
    ("/v1/supply-settings", required::<settings::ConfigureRequest>),
    ("/v1/stock/receipts", required::<stock::ReceiveStock>),
    ("/v1/stock/issues", required::<stock::IssueStock>),
    ("/v1/stock/transfers", required::<stock::TransferStock>),
    ("/v1/stock/adjustments", required::<stock::AdjustStock>),
    ("/v1/stock/reservations", required::<stock::ReserveStock>),
    ("/v1/stock/releases", required::<stock::ReleaseReservation>),
    ("/v1/sales-orders", required::<sales_orders::PlaceOrderRequest>),
    ("/v1/sales-orders/{id}/shipments", required::<sales_orders::ShipmentRequest>),
    ("/v1/sales-orders/{id}/cancel", required::<sales_order::CancelOrder>),
    ("/v1/sales-orders/{id}/returns", required::<sales_orders::ReturnRequest>),
    ("/v1/purchase-orders", required::<purchase_orders::DraftRequest>),
    ("/v1/purchase-orders/{id}/receipts", required::<purchase_orders::ReceiptRequest>),
    ("/v1/purchase-orders/{id}/bills", required::<purchase_order::RecordBill>),
    ("/v1/purchase-orders/{id}/cancel", required::<purchase_order::CancelPurchaseOrder>),
    ("/v1/opportunities", required::<opportunities::OpenRequest>),
    ("/v1/opportunities/{id}/stage", required::<opportunity::MoveOpportunity>),
    ("/v1/opportunities/{id}/win", optional::<opportunities::WinRequest>),
    ("/v1/opportunities/{id}/lose", required::<opportunity::LoseOpportunity>),
    ("/v1/support-tickets", required::<tickets::OpenRequest>),
    ("/v1/support-tickets/{id}/assign", required::<tickets::AssignRequest>),
    ("/v1/support-tickets/{id}/responses", required::<tickets::RespondRequest>),
    ("/v1/support-tickets/{id}/resolve", required::<tickets::ResolveRequest>),
    ("/v1/support-tickets/{id}/reopen", required::<tickets::ReopenRequest>),
    ("/v1/customers", required::<customer::RegisterCustomer>),
    ("/v1/customers/{id}/rename", required::<customers::RenameRequest>),
    ("/v1/customers/{id}/contacts", required::<customer::ContactInput>),
    ("/v1/customers/{id}/addresses", required::<customer::AddressInput>),
    ("/v1/customers/{id}/credit-limit", required::<customers::CreditLimitRequest>),
    ("/v1/customers/{id}/custom-fields", required::<customers::CustomFieldsRequest>),
    ("/v1/customers/{id}/deactivate", optional::<customers::DeactivateRequest>),
    ("/v1/employees", required::<employees::HireRequest>),
    ("/v1/employees/{id}/transfer", required::<employee::TransferEmployee>),
    ("/v1/employees/{id}/salary", required::<employee::ChangeSalary>),
    ("/v1/employees/{id}/terminate", required::<employee::TerminateEmployee>),
    ("/v1/employees/{id}/erase", optional::<employees::EraseRequest>),
    ("/v1/payroll-runs", required::<payroll_runs::DraftRequest>),
    ("/v1/payroll-runs/{id}/approve", optional::<payroll_runs::ApproveRequest>),
    ("/v1/performance-reviews", required::<performance_reviews::OpenRequest>),
    ("/v1/performance-reviews/{id}/complete", required::<performance_reviews::CompleteRequest>),
    ("/v1/performance-reviews/{id}/acknowledge", optional::<performance_reviews::AcknowledgeRequest>),
    ("/v1/performance-reviews/{id}/cancel", required::<performance_reviews::CancelRequest>),
    ("/v1/notification-templates/{event_type}/{channel}", required::<notifications::TemplateRequest>),
    ("/v1/webhook-subscriptions", required::<webhooks::SubscribeRequest>),
    ("/v1/webhook-subscriptions/{id}/redeliver", required::<webhooks::RedeliverRequest>),
    ("/v1/job-openings", required::<recruitment::PostRequest>),
    ("/v1/job-openings/{id}/close", required::<recruitment::ReasonRequest>),
    ("/v1/job-openings/{id}/applicants", required::<recruitment::ApplyRequest>),
    ("/v1/job-openings/{id}/applicants/{applicant_id}/advance", required::<recruitment::AdvanceRequest>),
    ("/v1/job-openings/{id}/applicants/{applicant_id}/reject", required::<recruitment::ReasonRequest>),
    ("/v1/job-openings/{id}/applicants/{applicant_id}/hire", required::<recruitment::HireRequest>),
    ("/v1/job-openings/{id}/applicants/{applicant_id}/erase", optional::<employees::EraseRequest>),
    ("/v1/employees/{id}/leave-entitlements", required::<leave::EntitlementRequest>),
    ("/v1/employees/{id}/leave-requests", required::<leave::LeaveRequestBody>),
    ("/v1/leave-accounts/{id}/requests/{request_id}/approve", optional::<leave::ApproveBody>),
    ("/v1/leave-accounts/{id}/requests/{request_id}/reject", required::<leave::RejectBody>),
    ("/v1/leave-accounts/{id}/requests/{request_id}/cancel", optional::<leave::CancelBody>),
    ("/v1/boms/{sku}/revisions", required::<boms::ReviseRequest>),
    ("/v1/work-orders", required::<work_orders::PlanRequest>),
    ("/v1/work-orders/{id}/complete", required::<work_order::CompleteWorkOrder>),
    ("/v1/work-orders/{id}/scrap", required::<work_order::ScrapWorkOrder>),
    ("/v1/quality-checks", required::<quality_checks::RecordRequest>),
    ("/v1/assets", required::<assets::RegisterRequest>),
    ("/v1/assets/{id}/maintenance-schedule", required::<assets::ScheduleRequest>),
    ("/v1/assets/{id}/maintenance", required::<assets::MaintenanceRequest>),
    ("/v1/assets/{id}/downtime/start", required::<assets::DowntimeStartRequest>),
    ("/v1/assets/{id}/downtime/end", optional::<assets::DowntimeEndRequest>),
    ("/v1/assets/{id}/retire", required::<assets::RetireRequest>),
];

fuzz_target!(|input: &[u8]| {
    let Some(newline) = input.iter().position(|&byte| byte == b'\n') else { return };
    let (route, body) = (&input[..newline], &input[newline + 1..]);
    let Some((_, read)) = ROUTES.iter().find(|(path, _)| path.as_bytes() == route) else { return };
    if let Err(problem) = read(body) {
        let status = problem.status().as_u16();
        assert!(status == 400 || status == 422, "{status}: {problem:?}");
    }
});
