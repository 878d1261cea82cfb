//! What each command route needs of its caller, in one table ([`need`]): nobody for signing
//! in and the operational routes, the platform operator for provisioning tenants, any signed-in
//! user for managing their own sign-in (MFA), and one [`Permission`] for every other route. [`authorize`] checks the caller that
//! [`prism_platform::auth::authenticate`] found against it; a route missing from the table is
//! refused (deny by default), and a test keeps the table complete.

use axum::extract::{MatchedPath, Request};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use prism_aggregates::identity::permissions::Permission;
use prism_platform::auth::{caller_of, forbidden, permitted, Caller};
use prism_platform::http::{HEALTH_PATH, LIVE_PATH, METRICS_PATH, READY_PATH};
use prism_platform::problem::Problem;

/// Paths anyone may call, without a token.
pub const PUBLIC_PATHS: &[&str] = &[
    LIVE_PATH,
    HEALTH_PATH,
    READY_PATH,
    METRICS_PATH,
    "/openapi.json",
    "/v1/auth/login",
    "/v1/auth/refresh",
    "/v1/auth/logout",
];

/// What a route needs of its caller.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Need {
    /// Nothing: anyone may call it.
    Public,
    /// The platform operator key.
    Operator,
    /// Any user of a tenant, acting on their own account: an access token, no permission.
    SignedIn,
    /// A user of the tenant holding this permission.
    Permission(Permission),
}

/// What the route `path` (as registered, e.g. `/v1/invoices/{id}/void`) needs; `None` for a
/// route the table does not know.
#[must_use]
pub fn need(path: &str) -> Option<Need> {
    use Permission as P;
    let permission = match path {
        p if PUBLIC_PATHS.contains(&p) => return Some(Need::Public),
        "/v1/tenants"
        | "/v1/tenants/{tenant}/suspend"
        | "/v1/tenants/{tenant}/reactivate"
        | "/v1/tenants/{tenant}/feature-flags" => return Some(Need::Operator),
        "/v1/auth/mfa/enrol" | "/v1/auth/mfa/confirm" | "/v1/auth/mfa/disable" | "/v1/notifications/{id}/read" => {
            return Some(Need::SignedIn)
        }
        "/v1/users" | "/v1/users/{id}/roles" | "/v1/users/{id}/deactivate" | "/v1/users/{id}/reactivate" => {
            P::UserManage
        }
        "/v1/organization-units"
        | "/v1/organization-units/{unit_id}/rename"
        | "/v1/organization-units/{unit_id}/move"
        | "/v1/organization-units/{unit_id}/close" => P::OrgManage,
        "/v1/roles" | "/v1/roles/{name}/permissions" | "/v1/roles/{name}/retire" => P::RoleManage,
        "/v1/journal-entries" | "/v1/journal-entries/{id}/post" | "/v1/journal-entries/{id}/discard" => P::JournalPost,
        "/v1/journal-entries/{id}/reverse" => P::JournalReverse,
        "/v1/accounts"
        | "/v1/chart-of-accounts/default"
        | "/v1/accounts/{code}/rename"
        | "/v1/accounts/{code}/archive"
        | "/v1/accounts/{code}/reactivate" => P::ChartManage,
        "/v1/fiscal-years"
        | "/v1/fiscal-years/{year}/close"
        | "/v1/fiscal-periods/{period}/close"
        | "/v1/fiscal-periods/{period}/reopen"
        | "/v1/fiscal-periods/{period}/lock" => P::CalendarManage,
        "/v1/tax-rates" | "/v1/tax-rates/{code}/change" | "/v1/tax-rates/{code}/retire" => P::TaxManage,
        "/v1/budgets/{budget}/amounts" => P::BudgetManage,
        "/v1/exchange-rates" | "/v1/exchange-rates/functional-currency" | "/v1/revaluations" => P::FxManage,
        "/v1/invoices" | "/v1/invoices/{id}/issue" => P::InvoiceManage,
        "/v1/invoices/{id}/void" => P::InvoiceVoid,
        "/v1/payments" => P::PaymentProcess,
        "/v1/items" | "/v1/items/{sku}/reorder-policy" | "/v1/items/{sku}/rename" | "/v1/items/{sku}/discontinue" => {
            P::ItemManage
        }
        "/v1/locations" | "/v1/locations/{code}/rename" | "/v1/locations/{code}/close" => P::LocationManage,
        "/v1/supply-settings" => P::SupplySettingsManage,
        "/v1/stock/receipts" | "/v1/stock/issues" | "/v1/stock/transfers" | "/v1/stock/adjustments" => P::StockMove,
        "/v1/stock/reservations" | "/v1/stock/releases" => P::StockReserve,
        "/v1/sales-orders"
        | "/v1/sales-orders/{id}/confirm"
        | "/v1/sales-orders/{id}/pick"
        | "/v1/sales-orders/{id}/shipments"
        | "/v1/sales-orders/{id}/deliver"
        | "/v1/sales-orders/{id}/cancel"
        | "/v1/sales-orders/{id}/returns" => P::SalesOrderManage,
        "/v1/purchase-orders"
        | "/v1/purchase-orders/{id}/submit"
        | "/v1/purchase-orders/{id}/receipts"
        | "/v1/purchase-orders/{id}/bills"
        | "/v1/purchase-orders/{id}/close"
        | "/v1/purchase-orders/{id}/cancel" => P::PurchaseOrderManage,
        "/v1/purchase-orders/{id}/approve" => P::PurchaseOrderApprove,
        "/v1/opportunities"
        | "/v1/opportunities/{id}/stage"
        | "/v1/opportunities/{id}/win"
        | "/v1/opportunities/{id}/lose" => P::OpportunityManage,
        "/v1/support-tickets"
        | "/v1/support-tickets/{id}/assign"
        | "/v1/support-tickets/{id}/responses"
        | "/v1/support-tickets/{id}/resolve"
        | "/v1/support-tickets/{id}/close"
        | "/v1/support-tickets/{id}/reopen" => P::TicketManage,
        "/v1/customers"
        | "/v1/customers/{id}/rename"
        | "/v1/customers/{id}/contacts"
        | "/v1/customers/{id}/contacts/{contact_id}/remove"
        | "/v1/customers/{id}/addresses"
        | "/v1/customers/{id}/addresses/{address_id}/remove"
        | "/v1/customers/{id}/credit-limit"
        | "/v1/customers/{id}/custom-fields"
        | "/v1/customers/{id}/deactivate" => P::CustomerManage,
        "/v1/employees"
        | "/v1/employees/{id}/transfer"
        | "/v1/employees/{id}/salary"
        | "/v1/employees/{id}/terminate"
        | "/v1/employees/{id}/erase" => P::EmployeeManage,
        "/v1/payroll-runs" | "/v1/payroll-runs/{id}/approve" => P::PayrollManage,
        "/v1/performance-reviews"
        | "/v1/performance-reviews/{id}/complete"
        | "/v1/performance-reviews/{id}/acknowledge"
        | "/v1/performance-reviews/{id}/cancel" => P::ReviewManage,
        "/v1/notification-templates/{event_type}/{channel}" => P::NotificationManage,
        "/v1/webhook-subscriptions"
        | "/v1/webhook-subscriptions/{id}/disable"
        | "/v1/webhook-subscriptions/{id}/enable"
        | "/v1/webhook-subscriptions/{id}/redeliver" => P::WebhookManage,
        "/v1/report-definitions" | "/v1/report-definitions/{id}/revise" | "/v1/report-definitions/{id}/remove" => {
            P::ReportManage
        }
        "/v1/job-openings"
        | "/v1/job-openings/{id}/close"
        | "/v1/job-openings/{id}/applicants"
        | "/v1/job-openings/{id}/applicants/{applicant_id}/advance"
        | "/v1/job-openings/{id}/applicants/{applicant_id}/reject"
        | "/v1/job-openings/{id}/applicants/{applicant_id}/hire"
        | "/v1/job-openings/{id}/applicants/{applicant_id}/erase" => P::RecruitmentManage,
        "/v1/employees/{id}/leave-entitlements" => P::EmployeeManage,
        "/v1/employees/{id}/leave-requests" | "/v1/leave-accounts/{id}/requests/{request_id}/cancel" => P::LeaveRequest,
        "/v1/leave-accounts/{id}/requests/{request_id}/approve"
        | "/v1/leave-accounts/{id}/requests/{request_id}/reject" => P::LeaveApprove,
        "/v1/boms/{sku}/revisions" => P::BomManage,
        "/v1/work-orders"
        | "/v1/work-orders/{id}/release"
        | "/v1/work-orders/{id}/start"
        | "/v1/work-orders/{id}/complete"
        | "/v1/work-orders/{id}/scrap"
        | "/v1/quality-checks" => P::WorkOrderManage,
        "/v1/assets"
        | "/v1/assets/{id}/maintenance-schedule"
        | "/v1/assets/{id}/maintenance"
        | "/v1/assets/{id}/downtime/start"
        | "/v1/assets/{id}/downtime/end"
        | "/v1/assets/{id}/retire" => P::AssetManage,
        _ => return None,
    };
    Some(Need::Permission(permission))
}

/// The middleware: lets the request through when its caller meets its route's [`need`]; else
/// 401 (no caller), 403 `forbidden` (naming the permission, or the operator's), or 403 for a
/// route the table does not know. An unmatched request (the 404 fallback) passes.
pub async fn authorize(matched: Option<MatchedPath>, request: Request, next: Next) -> Response {
    let Some(matched) = matched else { return next.run(request).await };
    match check(matched.as_str(), request.extensions()) {
        Ok(()) => next.run(request).await,
        Err(problem) => problem.into_response(),
    }
}

/// Whether the caller in `extensions` meets what `path` needs.
fn check(path: &str, extensions: &axum::http::Extensions) -> Result<(), Problem> {
    match need(path) {
        Some(Need::Public) => Ok(()),
        Some(Need::Operator) => match caller_of(extensions)? {
            Caller::Operator => Ok(()),
            Caller::User(_) => Err(forbidden("only the platform operator provisions tenants")),
        },
        Some(Need::SignedIn) => match caller_of(extensions)? {
            Caller::User(_) => Ok(()),
            Caller::Operator => Err(forbidden("the operator key names no user; use the user's own access token")),
        },
        Some(Need::Permission(permission)) => permitted(caller_of(extensions)?, permission).map(drop),
        None => Err(forbidden(&format!("{path} has no permission assigned; refused"))),
    }
}

#[cfg(test)]
mod tests {
    use prism_aggregates::identity::permissions::Role;
    use prism_aggregates::tenant::TenantId;
    use prism_platform::auth::{Grants, Identity};

    use super::*;

    fn user(roles: &[Role]) -> axum::http::Extensions {
        let mut extensions = axum::http::Extensions::new();
        let grants = Grants::of_builtin(roles);
        extensions.insert(Caller::User(Identity::new(TenantId::parse("acme").unwrap(), "u-1".to_owned(), grants)));
        extensions
    }

    #[test]
    fn every_documented_route_has_a_need() {
        let document = crate::openapi::document();
        let missing: Vec<&String> = document.paths.paths.keys().filter(|path| need(path).is_none()).collect();
        assert!(missing.is_empty(), "routes without a need: {missing:?}");
    }

    #[test]
    fn every_permission_is_needed_by_some_route_but_audit_read() {
        let document = crate::openapi::document();
        let needed: Vec<Permission> = document
            .paths
            .paths
            .keys()
            .filter_map(|path| match need(path) {
                Some(Need::Permission(permission)) => Some(permission),
                _ => None,
            })
            .collect();
        for permission in Permission::ALL {
            assert_eq!(needed.contains(&permission), permission != Permission::AuditRead, "{permission}");
        }
    }

    #[test]
    fn a_role_without_the_permission_is_forbidden() {
        assert!(check("/v1/journal-entries", &user(&[Role::Accountant])).is_ok());
        let refused = check("/v1/journal-entries", &user(&[Role::Warehouse])).unwrap_err();
        assert_eq!(refused.status().as_u16(), 403);
        assert_eq!(check("/v1/purchase-orders/{id}/approve", &user(&[Role::Purchasing])).unwrap_err().status(), 403);
        assert!(check("/v1/purchase-orders/{id}/approve", &user(&[Role::Approver])).is_ok());
        assert!(check("/v1/roles", &user(&[Role::Admin])).is_ok());
        assert_eq!(check("/v1/roles/{name}/retire", &user(&[Role::Warehouse])).unwrap_err().status(), 403);
    }

    #[test]
    fn only_the_operator_provisions_and_the_operator_is_no_user() {
        let mut operator = axum::http::Extensions::new();
        operator.insert(Caller::Operator);
        assert!(check("/v1/tenants", &operator).is_ok());
        assert_eq!(check("/v1/tenants", &user(&[Role::Admin])).unwrap_err().status(), 403);
        assert_eq!(check("/v1/items", &operator).unwrap_err().status(), 403);
        assert_eq!(check("/v1/items", &axum::http::Extensions::new()).unwrap_err().status(), 401);
        assert!(check("/v1/auth/login", &axum::http::Extensions::new()).is_ok());
        assert_eq!(check("/v1/unknown", &user(&[Role::Admin])).unwrap_err().status(), 403);
    }

    #[test]
    fn any_signed_in_user_manages_their_own_mfa_but_the_operator_does_not() {
        assert!(check("/v1/auth/mfa/enrol", &user(&[Role::Warehouse])).is_ok());
        assert_eq!(check("/v1/auth/mfa/enrol", &axum::http::Extensions::new()).unwrap_err().status(), 401);
        let mut operator = axum::http::Extensions::new();
        operator.insert(Caller::Operator);
        assert_eq!(check("/v1/auth/mfa/confirm", &operator).unwrap_err().status(), 403);
    }
}
