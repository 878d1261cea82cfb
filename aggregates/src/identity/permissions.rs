//! The permission catalogue and the built-in roles.
//!
//! A [`Permission`] allows one kind of command: every `POST` route of the command API needs
//! exactly one, named on its variant, and reading the audit trail needs [`Permission::AuditRead`].
//! Permissions are named `<module>.<subject>.<action>` (`finance.journal.post`); the names are
//! a contract — tokens, read models and administrators' scripts spell them — so a name is never
//! changed or reused: a new command gets a new permission or joins an existing one.
//!
//! A [`Role`] is a fixed set of permissions. Users hold roles, not permissions; what a user may
//! do is the union of its roles' permissions ([`permissions_of`]). Besides these built-in
//! roles a tenant may define its own ([`crate::identity::roles`]), each a set of permissions
//! from this same catalogue.

use std::collections::BTreeSet;
use std::fmt;

use serde::{Deserialize, Serialize};

/// What a user may do: one kind of command of the command API, or reading the audit trail.
///
/// The doc of each variant lists the routes that need it. Ordered as [`Permission::ALL`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Permission {
    /// `finance.journal.post`: `POST /v1/journal-entries` (post or draft an entry),
    /// `/v1/journal-entries/{id}/post` (post a draft), `/v1/journal-entries/{id}/discard`.
    JournalPost,
    /// `finance.journal.reverse`: `POST /v1/journal-entries/{id}/reverse`.
    JournalReverse,
    /// `finance.chart.manage`: `POST /v1/accounts`, `/v1/chart-of-accounts/default`,
    /// `/v1/accounts/{code}/rename`, `/v1/accounts/{code}/archive`,
    /// `/v1/accounts/{code}/reactivate`.
    ChartManage,
    /// `finance.calendar.manage`: `POST /v1/fiscal-years`, `/v1/fiscal-years/{year}/close`,
    /// `/v1/fiscal-periods/{period}/close`, `/v1/fiscal-periods/{period}/reopen`,
    /// `/v1/fiscal-periods/{period}/lock`.
    CalendarManage,
    /// `finance.tax.manage`: `POST /v1/tax-rates`, `/v1/tax-rates/{code}/change`,
    /// `/v1/tax-rates/{code}/retire`.
    TaxManage,
    /// `finance.budget.manage`: `POST /v1/budgets/{budget}/amounts`.
    BudgetManage,
    /// `finance.fx.manage`: `POST /v1/exchange-rates`, `/v1/exchange-rates/functional-currency`,
    /// `/v1/revaluations`.
    FxManage,
    /// `finance.invoice.manage`: `POST /v1/invoices` (draft), `/v1/invoices/{id}/issue`.
    InvoiceManage,
    /// `finance.invoice.void`: `POST /v1/invoices/{id}/void`.
    InvoiceVoid,
    /// `finance.payment.process`: `POST /v1/payments`.
    PaymentProcess,
    /// `supply.item.manage`: `POST /v1/items`, `/v1/items/{sku}/reorder-policy`,
    /// `/v1/items/{sku}/rename`, `/v1/items/{sku}/discontinue`.
    ItemManage,
    /// `supply.location.manage`: `POST /v1/locations`, `/v1/locations/{code}/rename`,
    /// `/v1/locations/{code}/close`.
    LocationManage,
    /// `supply.settings.manage`: `POST /v1/supply-settings`.
    SupplySettingsManage,
    /// `supply.stock.move`: `POST /v1/stock/receipts`, `/v1/stock/issues`,
    /// `/v1/stock/transfers`, `/v1/stock/adjustments`.
    StockMove,
    /// `supply.stock.reserve`: `POST /v1/stock/reservations`, `/v1/stock/releases`.
    StockReserve,
    /// `supply.so.manage`: `POST /v1/sales-orders` (place), `/v1/sales-orders/{id}/confirm`,
    /// `/v1/sales-orders/{id}/pick`, `/v1/sales-orders/{id}/shipments`,
    /// `/v1/sales-orders/{id}/deliver`, `/v1/sales-orders/{id}/cancel`,
    /// `/v1/sales-orders/{id}/returns`.
    SalesOrderManage,
    /// `supply.po.manage`: `POST /v1/purchase-orders` (draft), `/v1/purchase-orders/{id}/submit`,
    /// `/v1/purchase-orders/{id}/receipts`, `/v1/purchase-orders/{id}/bills`,
    /// `/v1/purchase-orders/{id}/close`, `/v1/purchase-orders/{id}/cancel`.
    PurchaseOrderManage,
    /// `supply.po.approve`: `POST /v1/purchase-orders/{id}/approve`. Kept apart from
    /// [`Permission::PurchaseOrderManage`] so that who orders need not be who approves.
    PurchaseOrderApprove,
    /// `crm.opportunity.manage`: the sales pipeline — `POST /v1/opportunities` (open a lead),
    /// `/v1/opportunities/{id}/stage`, `/v1/opportunities/{id}/win`, `/v1/opportunities/{id}/lose`.
    OpportunityManage,
    /// `crm.ticket.manage`: support tickets — `POST /v1/support-tickets` (open),
    /// `/v1/support-tickets/{id}/assign`, `/responses`, `/resolve`, `/close`, `/reopen`.
    TicketManage,
    /// `crm.customer.manage`: `POST /v1/customers` (register), `/v1/customers/{id}/rename`,
    /// `/v1/customers/{id}/contacts`, `/v1/customers/{id}/contacts/{contact_id}/remove`,
    /// `/v1/customers/{id}/addresses`, `/v1/customers/{id}/addresses/{address_id}/remove`,
    /// `/v1/customers/{id}/credit-limit`, `/v1/customers/{id}/custom-fields`,
    /// `/v1/customers/{id}/deactivate`.
    CustomerManage,
    /// `hr.employee.manage`: `POST /v1/employees` (hire), `/v1/employees/{id}/transfer`,
    /// `/v1/employees/{id}/salary`, `/v1/employees/{id}/terminate`, `/v1/employees/{id}/erase`
    /// (honour an erasure request), `/v1/employees/{id}/leave-entitlements` (grant leave). Only
    /// `admin` holds it among the built-in roles.
    EmployeeManage,
    /// `hr.payroll.manage`: `POST /v1/payroll-runs` (draft), `/v1/payroll-runs/{id}/approve`
    /// (whose approval posts the salary journal entry). Only `admin` holds it among the
    /// built-in roles.
    PayrollManage,
    /// `hr.review.manage`: performance reviews — `POST /v1/performance-reviews` (open),
    /// `/v1/performance-reviews/{id}/complete`, `/acknowledge`, `/cancel`, and reading them
    /// (their summaries are personal data). Only `admin` holds it among the built-in roles.
    ReviewManage,
    /// `hr.recruitment.manage`: recruitment — `POST /v1/job-openings` (post),
    /// `/v1/job-openings/{id}/close`, `/v1/job-openings/{id}/applicants` (apply),
    /// `/v1/job-openings/{id}/applicants/{applicant_id}/advance`, `/reject`, `/hire` (which
    /// makes the applicant an employee), `/erase`, and reading the openings and their applicants
    /// (whose personal data they show). Only `admin` holds it among the built-in roles.
    RecruitmentManage,
    /// `hr.leave.request`: request leave — `POST /v1/employees/{id}/leave-requests` — and cancel a
    /// request, `/v1/leave-accounts/{id}/requests/{request_id}/cancel`, for the employee linked to
    /// the caller's user (or for anyone, with `hr.leave.approve` or `hr.employee.manage` too).
    /// The staff roles `warehouse`, `sales` and `purchasing` hold it.
    LeaveRequest,
    /// `hr.leave.approve`: approve or reject a leave request,
    /// `/v1/leave-accounts/{id}/requests/{request_id}/approve` and `/reject`, and read the leave
    /// requests and balances. The `approver` role holds it, not the staff roles that request.
    LeaveApprove,
    /// `production.bom.manage`: bills of materials — `POST /v1/boms/{sku}/revisions`.
    BomManage,
    /// `production.wo.manage`: work orders — `POST /v1/work-orders` (plan),
    /// `/v1/work-orders/{id}/release`, `/start`, `/complete`, `/scrap`, and their quality checks,
    /// `POST /v1/quality-checks`.
    WorkOrderManage,
    /// `production.asset.manage`: plant equipment — `POST /v1/assets` (register),
    /// `/v1/assets/{id}/maintenance-schedule`, `/maintenance`, `/downtime/start`,
    /// `/downtime/end`, `/retire`.
    AssetManage,
    /// `nexus.notification.manage`: the tenant's own notification templates —
    /// `POST /v1/notification-templates/{event_type}/{channel}`. Only `admin` holds it.
    NotificationManage,
    /// `nexus.webhook.manage`: the tenant's webhook subscriptions — `POST /v1/webhook-subscriptions`,
    /// `/{id}/disable`, `/enable`, `/redeliver`, and reading them and their deliveries. Only
    /// `admin` holds it.
    WebhookManage,
    /// `optics.report.manage`: the tenant's saved reports — `POST /v1/report-definitions`,
    /// `/v1/report-definitions/{id}/revise`, `/v1/report-definitions/{id}/remove` (their
    /// schedules included). Only `admin` holds it; every user of the tenant may run them.
    ReportManage,
    /// `identity.user.manage`: the user commands — create a user, change its roles,
    /// deactivate and reactivate it.
    UserManage,
    /// `identity.org.manage`: the organisation chart — `POST /v1/organization-units`,
    /// `/v1/organization-units/{unit_id}/rename`, `/v1/organization-units/{unit_id}/move`,
    /// `/v1/organization-units/{unit_id}/close`.
    OrgManage,
    /// `identity.role.manage`: the tenant's custom roles — `POST /v1/roles`,
    /// `/v1/roles/{name}/permissions`, `/v1/roles/{name}/retire`. Only `admin` holds it.
    RoleManage,
    /// `audit.read`: reading the audit trail — an aggregate's history, its state as of a
    /// version or time, a correlation trace, and verifying the hash chain.
    AuditRead,
}

impl Permission {
    /// Every permission, in catalogue order.
    pub const ALL: [Permission; 37] = [
        Permission::JournalPost,
        Permission::JournalReverse,
        Permission::ChartManage,
        Permission::CalendarManage,
        Permission::TaxManage,
        Permission::BudgetManage,
        Permission::FxManage,
        Permission::InvoiceManage,
        Permission::InvoiceVoid,
        Permission::PaymentProcess,
        Permission::ItemManage,
        Permission::LocationManage,
        Permission::SupplySettingsManage,
        Permission::StockMove,
        Permission::StockReserve,
        Permission::SalesOrderManage,
        Permission::PurchaseOrderManage,
        Permission::PurchaseOrderApprove,
        Permission::OpportunityManage,
        Permission::TicketManage,
        Permission::CustomerManage,
        Permission::EmployeeManage,
        Permission::PayrollManage,
        Permission::ReviewManage,
        Permission::RecruitmentManage,
        Permission::LeaveRequest,
        Permission::LeaveApprove,
        Permission::BomManage,
        Permission::WorkOrderManage,
        Permission::AssetManage,
        Permission::NotificationManage,
        Permission::WebhookManage,
        Permission::ReportManage,
        Permission::UserManage,
        Permission::OrgManage,
        Permission::RoleManage,
        Permission::AuditRead,
    ];

    /// The dotted name (`finance.journal.post`), as tokens and read models spell it.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Permission::JournalPost => "finance.journal.post",
            Permission::JournalReverse => "finance.journal.reverse",
            Permission::ChartManage => "finance.chart.manage",
            Permission::CalendarManage => "finance.calendar.manage",
            Permission::TaxManage => "finance.tax.manage",
            Permission::BudgetManage => "finance.budget.manage",
            Permission::FxManage => "finance.fx.manage",
            Permission::InvoiceManage => "finance.invoice.manage",
            Permission::InvoiceVoid => "finance.invoice.void",
            Permission::PaymentProcess => "finance.payment.process",
            Permission::ItemManage => "supply.item.manage",
            Permission::LocationManage => "supply.location.manage",
            Permission::SupplySettingsManage => "supply.settings.manage",
            Permission::StockMove => "supply.stock.move",
            Permission::StockReserve => "supply.stock.reserve",
            Permission::SalesOrderManage => "supply.so.manage",
            Permission::PurchaseOrderManage => "supply.po.manage",
            Permission::PurchaseOrderApprove => "supply.po.approve",
            Permission::OpportunityManage => "crm.opportunity.manage",
            Permission::TicketManage => "crm.ticket.manage",
            Permission::CustomerManage => "crm.customer.manage",
            Permission::EmployeeManage => "hr.employee.manage",
            Permission::PayrollManage => "hr.payroll.manage",
            Permission::ReviewManage => "hr.review.manage",
            Permission::RecruitmentManage => "hr.recruitment.manage",
            Permission::LeaveRequest => "hr.leave.request",
            Permission::LeaveApprove => "hr.leave.approve",
            Permission::BomManage => "production.bom.manage",
            Permission::WorkOrderManage => "production.wo.manage",
            Permission::AssetManage => "production.asset.manage",
            Permission::NotificationManage => "nexus.notification.manage",
            Permission::WebhookManage => "nexus.webhook.manage",
            Permission::ReportManage => "optics.report.manage",
            Permission::UserManage => "identity.user.manage",
            Permission::OrgManage => "identity.org.manage",
            Permission::RoleManage => "identity.role.manage",
            Permission::AuditRead => "audit.read",
        }
    }

    /// The permission named `name` (exactly, as [`Permission::as_str`] spells it); `None`
    /// otherwise.
    #[must_use]
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|permission| permission.as_str() == name)
    }

    /// The module the permission belongs to: the first part of its name (`finance`, `supply`,
    /// `crm`, `hr`, `production`, `nexus`, `optics`, `identity`, `platform`, `audit`).
    #[must_use]
    pub fn module(self) -> &'static str {
        let name = self.as_str();
        name.split_once('.').map_or(name, |(module, _)| module)
    }
}

impl fmt::Display for Permission {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Permission {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Permission {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let name = String::deserialize(deserializer)?;
        Self::parse(&name).ok_or_else(|| serde::de::Error::custom(format!("unknown permission {name:?}")))
    }
}

/// A built-in role: a fixed set of permissions a user may hold. Ordered as [`Role::ALL`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// `admin`: every permission.
    Admin,
    /// `accountant`: every `finance.*` permission.
    Accountant,
    /// `warehouse`: items, locations, moving and reserving stock, bills of materials, work
    /// orders and assets; requesting leave.
    Warehouse,
    /// `sales`: sales orders, reserving stock for them, the customers they are for, the sales
    /// pipeline and support tickets; requesting leave.
    Sales,
    /// `purchasing`: purchase orders, but not approving them; requesting leave.
    Purchasing,
    /// `approver`: approving purchase orders and leave requests.
    Approver,
    /// `auditor`: reading the audit trail, nothing else.
    Auditor,
}

/// How many permissions, from the first of [`Permission::ALL`], are the `finance.*` ones.
const FINANCE_PERMISSIONS: usize = 10;

/// The permissions of [`Role::Accountant`]: every `finance.*` one, which [`Permission::ALL`]
/// lists first.
const ACCOUNTANT: &[Permission] = Permission::ALL.split_at(FINANCE_PERMISSIONS).0;

/// The permissions of [`Role::Warehouse`].
const WAREHOUSE: &[Permission] = &[
    Permission::ItemManage,
    Permission::LocationManage,
    Permission::StockMove,
    Permission::StockReserve,
    Permission::LeaveRequest,
    Permission::BomManage,
    Permission::WorkOrderManage,
    Permission::AssetManage,
];

/// The permissions of [`Role::Sales`].
const SALES: &[Permission] = &[
    Permission::StockReserve,
    Permission::SalesOrderManage,
    Permission::OpportunityManage,
    Permission::TicketManage,
    Permission::CustomerManage,
    Permission::LeaveRequest,
];

impl Role {
    /// Every built-in role, in catalogue order.
    pub const ALL: [Role; 7] =
        [Role::Admin, Role::Accountant, Role::Warehouse, Role::Sales, Role::Purchasing, Role::Approver, Role::Auditor];

    /// The role's name (`admin`, `accountant`, …), as commands, events and tokens spell it.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Accountant => "accountant",
            Role::Warehouse => "warehouse",
            Role::Sales => "sales",
            Role::Purchasing => "purchasing",
            Role::Approver => "approver",
            Role::Auditor => "auditor",
        }
    }

    /// The role named `name` (exactly, lowercase, as [`Role::as_str`] spells it); `None`
    /// otherwise.
    #[must_use]
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|role| role.as_str() == name)
    }

    /// What the role is for, in a phrase (as `GET /v1/roles` lists it).
    #[must_use]
    pub fn description(self) -> &'static str {
        match self {
            Role::Admin => "Every permission",
            Role::Accountant => "Every finance permission",
            Role::Warehouse => {
                "Items, locations, moving and reserving stock, bills of materials, work orders and assets; requesting leave"
            }
            Role::Sales => {
                "Sales orders, reserving stock for them, customers, the sales pipeline and support tickets; requesting \
                 leave"
            }
            Role::Purchasing => "Purchase orders, but not approving them; requesting leave",
            Role::Approver => "Approving purchase orders and leave requests",
            Role::Auditor => "Reading the audit trail, nothing else",
        }
    }

    /// The permissions the role grants, in catalogue order.
    #[must_use]
    pub fn permissions(self) -> &'static [Permission] {
        match self {
            Role::Admin => &Permission::ALL,
            Role::Accountant => ACCOUNTANT,
            Role::Warehouse => WAREHOUSE,
            Role::Sales => SALES,
            Role::Purchasing => &[Permission::PurchaseOrderManage, Permission::LeaveRequest],
            Role::Approver => &[Permission::PurchaseOrderApprove, Permission::LeaveApprove],
            Role::Auditor => &[Permission::AuditRead],
        }
    }

    /// Whether the role grants `permission`.
    #[must_use]
    pub fn grants(self, permission: Permission) -> bool {
        self.permissions().contains(&permission)
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What holding `roles` allows: the union of their permissions.
#[must_use]
pub fn permissions_of(roles: impl IntoIterator<Item = Role>) -> BTreeSet<Permission> {
    roles.into_iter().flat_map(|role| role.permissions().iter().copied()).collect()
}

#[cfg(test)]
mod tests {
    use std::fmt::{Debug, Display};

    use serde::de::DeserializeOwned;

    use super::*;

    /// Each of `all` is displayed and serialised as its name and read back from it by `parse`
    /// and by serde.
    fn assert_names_round_trip<T>(all: &[T], as_str: fn(T) -> &'static str, parse: fn(&str) -> Option<T>)
    where
        T: Copy + PartialEq + Debug + Display + Serialize + DeserializeOwned,
    {
        for &value in all {
            let name = as_str(value);
            assert_eq!(parse(name), Some(value));
            assert_eq!(value.to_string(), name);
            let json = serde_json::to_value(value).unwrap();
            assert_eq!(json, name);
            assert_eq!(serde_json::from_value::<T>(json).unwrap(), value);
        }
    }

    #[test]
    fn permission_names_round_trip_through_parse_and_serde() {
        assert_names_round_trip(&Permission::ALL, Permission::as_str, Permission::parse);
        for name in ["", "finance", "Finance.journal.post", "finance.journal.post ", "finance.journal.*"] {
            assert_eq!(Permission::parse(name), None, "{name:?}");
        }
        assert!(serde_json::from_value::<Permission>(serde_json::json!("audit.write")).is_err());
    }

    #[test]
    fn permission_names_are_unique_dotted_lowercase_and_in_catalogue_order() {
        let names: BTreeSet<&str> = Permission::ALL.iter().map(|p| p.as_str()).collect();
        assert_eq!(names.len(), Permission::ALL.len(), "no two permissions share a name");
        for name in &names {
            let parts: Vec<&str> = name.split('.').collect();
            assert!((2..=3).contains(&parts.len()), "{name}");
            assert!(
                parts.iter().all(|part| !part.is_empty() && part.chars().all(|c| c.is_ascii_lowercase())),
                "{name}"
            );
        }
        let mut sorted = Permission::ALL;
        sorted.sort_unstable();
        assert_eq!(sorted, Permission::ALL, "Ord follows ALL");
        assert_eq!(Permission::JournalPost.module(), "finance");
        assert_eq!(Permission::AuditRead.module(), "audit");
        assert_eq!(Permission::parse("identity.role.manage"), Some(Permission::RoleManage));
    }

    #[test]
    fn role_names_round_trip_through_parse_and_serde() {
        assert_names_round_trip(&Role::ALL, Role::as_str, Role::parse);
        for name in ["", "Admin", "ADMIN", " admin", "root", "finance"] {
            assert_eq!(Role::parse(name), None, "{name:?}");
        }
        let names: BTreeSet<&str> = Role::ALL.iter().map(|r| r.as_str()).collect();
        assert_eq!(names.len(), Role::ALL.len());
        let descriptions: BTreeSet<&str> = Role::ALL.iter().map(|r| r.description()).collect();
        assert_eq!(descriptions.len(), Role::ALL.len(), "each role says what it is for");
    }

    #[test]
    fn admin_holds_every_permission_and_every_permission_is_held_by_admin() {
        assert_eq!(Role::Admin.permissions(), Permission::ALL.as_slice());
        for permission in Permission::ALL {
            assert!(Role::Admin.grants(permission), "{permission}");
        }
    }

    #[test]
    fn no_role_lists_a_permission_twice_and_each_lists_in_catalogue_order() {
        for role in Role::ALL {
            let permissions = role.permissions();
            assert!(!permissions.is_empty(), "{role} grants something");
            assert!(permissions.windows(2).all(|pair| pair[0] < pair[1]), "{role}: sorted, no duplicates");
        }
    }

    #[test]
    fn the_accountant_holds_exactly_the_finance_permissions() {
        let finance: Vec<Permission> = Permission::ALL.into_iter().filter(|p| p.module() == "finance").collect();
        assert_eq!(Role::Accountant.permissions(), finance.as_slice());
    }

    #[test]
    fn the_role_matrix_is_as_documented() {
        let names = |role: Role| role.permissions().iter().map(|p| p.as_str()).collect::<Vec<_>>();
        assert_eq!(
            names(Role::Warehouse),
            [
                "supply.item.manage",
                "supply.location.manage",
                "supply.stock.move",
                "supply.stock.reserve",
                "hr.leave.request",
                "production.bom.manage",
                "production.wo.manage",
                "production.asset.manage"
            ]
        );
        assert_eq!(
            names(Role::Sales),
            [
                "supply.stock.reserve",
                "supply.so.manage",
                "crm.opportunity.manage",
                "crm.ticket.manage",
                "crm.customer.manage",
                "hr.leave.request"
            ]
        );
        assert_eq!(names(Role::Purchasing), ["supply.po.manage", "hr.leave.request"]);
        assert_eq!(names(Role::Approver), ["supply.po.approve", "hr.leave.approve"]);
        assert_eq!(names(Role::Auditor), ["audit.read"]);
    }

    #[test]
    fn the_auditor_can_read_the_audit_trail_but_not_post_or_change_anything() {
        assert!(Role::Auditor.grants(Permission::AuditRead));
        assert!(!Role::Auditor.grants(Permission::JournalPost));
        assert!(Permission::ALL.into_iter().filter(|p| *p != Permission::AuditRead).all(|p| !Role::Auditor.grants(p)));
    }

    #[test]
    fn ordering_and_approving_purchases_are_separate_duties() {
        assert!(Role::Purchasing.grants(Permission::PurchaseOrderManage));
        assert!(!Role::Purchasing.grants(Permission::PurchaseOrderApprove));
        assert!(!Role::Approver.grants(Permission::PurchaseOrderManage));
    }

    #[test]
    fn only_the_admin_manages_users_the_organisation_roles_and_settings() {
        let admin_only =
            [Permission::UserManage, Permission::OrgManage, Permission::RoleManage, Permission::SupplySettingsManage];
        for permission in admin_only {
            let holders: Vec<Role> = Role::ALL.into_iter().filter(|r| r.grants(permission)).collect();
            assert_eq!(holders, [Role::Admin], "{permission}");
        }
    }

    #[test]
    fn holding_several_roles_grants_the_union_of_their_permissions() {
        let union = permissions_of([Role::Sales, Role::Warehouse]);
        let expected: BTreeSet<Permission> = [
            Permission::ItemManage,
            Permission::LocationManage,
            Permission::StockMove,
            Permission::StockReserve,
            Permission::SalesOrderManage,
            Permission::OpportunityManage,
            Permission::TicketManage,
            Permission::CustomerManage,
            Permission::LeaveRequest,
            Permission::BomManage,
            Permission::WorkOrderManage,
            Permission::AssetManage,
        ]
        .into();
        assert_eq!(union, expected);
        assert!(permissions_of([]).is_empty());
        assert_eq!(permissions_of(Role::ALL).len(), Permission::ALL.len());
    }
}
