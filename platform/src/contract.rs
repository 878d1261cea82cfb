//! The Kafka contract: which topic carries each event type and the Avro schema (from
//! `schemas/avro/`) its records are written with. External subscribers rely on this table,
//! so it changes only additively.

use std::collections::HashMap;
use std::sync::LazyLock;

use apache_avro::Schema;

/// One event type on the wire.
#[derive(Debug, Clone, Copy)]
pub struct EventContract {
    /// Event type as stored in the event store (`JournalEntryPosted`).
    pub event_type: &'static str,
    /// Aggregate type that emits it (`finance.journal_entry`).
    pub aggregate_type: &'static str,
    /// Topic name without the configurable prefix (`finance.journal-entry.v1`).
    pub topic_suffix: &'static str,
    /// Fully qualified Avro record name (`prism.finance.JournalEntryPosted`).
    pub record_name: &'static str,
    /// The Avro schema text.
    pub schema: &'static str,
}

/// Every event type Prism publishes.
pub const EVENTS: &[EventContract] = &[
    EventContract {
        event_type: "JournalEntryPosted",
        aggregate_type: "finance.journal_entry",
        topic_suffix: "finance.journal-entry.v1",
        record_name: "prism.finance.JournalEntryPosted",
        schema: include_str!("../../schemas/avro/finance/JournalEntryPosted.avsc"),
    },
    EventContract {
        event_type: "JournalEntryReversed",
        aggregate_type: "finance.journal_entry",
        topic_suffix: "finance.journal-entry.v1",
        record_name: "prism.finance.JournalEntryReversed",
        schema: include_str!("../../schemas/avro/finance/JournalEntryReversed.avsc"),
    },
    EventContract {
        event_type: "JournalEntryDrafted",
        aggregate_type: "finance.journal_entry",
        topic_suffix: "finance.journal-entry.v1",
        record_name: "prism.finance.JournalEntryDrafted",
        schema: include_str!("../../schemas/avro/finance/JournalEntryDrafted.avsc"),
    },
    EventContract {
        event_type: "JournalEntryDraftDiscarded",
        aggregate_type: "finance.journal_entry",
        topic_suffix: "finance.journal-entry.v1",
        record_name: "prism.finance.JournalEntryDraftDiscarded",
        schema: include_str!("../../schemas/avro/finance/JournalEntryDraftDiscarded.avsc"),
    },
    EventContract {
        event_type: "AccountOpened",
        aggregate_type: "finance.chart_of_accounts",
        topic_suffix: "finance.chart-of-accounts.v1",
        record_name: "prism.finance.AccountOpened",
        schema: include_str!("../../schemas/avro/finance/AccountOpened.avsc"),
    },
    EventContract {
        event_type: "AccountRenamed",
        aggregate_type: "finance.chart_of_accounts",
        topic_suffix: "finance.chart-of-accounts.v1",
        record_name: "prism.finance.AccountRenamed",
        schema: include_str!("../../schemas/avro/finance/AccountRenamed.avsc"),
    },
    EventContract {
        event_type: "AccountArchived",
        aggregate_type: "finance.chart_of_accounts",
        topic_suffix: "finance.chart-of-accounts.v1",
        record_name: "prism.finance.AccountArchived",
        schema: include_str!("../../schemas/avro/finance/AccountArchived.avsc"),
    },
    EventContract {
        event_type: "AccountReactivated",
        aggregate_type: "finance.chart_of_accounts",
        topic_suffix: "finance.chart-of-accounts.v1",
        record_name: "prism.finance.AccountReactivated",
        schema: include_str!("../../schemas/avro/finance/AccountReactivated.avsc"),
    },
    EventContract {
        event_type: "FiscalYearOpened",
        aggregate_type: "finance.fiscal_calendar",
        topic_suffix: "finance.fiscal-calendar.v1",
        record_name: "prism.finance.FiscalYearOpened",
        schema: include_str!("../../schemas/avro/finance/FiscalYearOpened.avsc"),
    },
    EventContract {
        event_type: "FiscalPeriodClosed",
        aggregate_type: "finance.fiscal_calendar",
        topic_suffix: "finance.fiscal-calendar.v1",
        record_name: "prism.finance.FiscalPeriodClosed",
        schema: include_str!("../../schemas/avro/finance/FiscalPeriodClosed.avsc"),
    },
    EventContract {
        event_type: "FiscalPeriodReopened",
        aggregate_type: "finance.fiscal_calendar",
        topic_suffix: "finance.fiscal-calendar.v1",
        record_name: "prism.finance.FiscalPeriodReopened",
        schema: include_str!("../../schemas/avro/finance/FiscalPeriodReopened.avsc"),
    },
    EventContract {
        event_type: "FiscalPeriodLocked",
        aggregate_type: "finance.fiscal_calendar",
        topic_suffix: "finance.fiscal-calendar.v1",
        record_name: "prism.finance.FiscalPeriodLocked",
        schema: include_str!("../../schemas/avro/finance/FiscalPeriodLocked.avsc"),
    },
    EventContract {
        event_type: "FiscalYearClosed",
        aggregate_type: "finance.fiscal_calendar",
        topic_suffix: "finance.fiscal-calendar.v1",
        record_name: "prism.finance.FiscalYearClosed",
        schema: include_str!("../../schemas/avro/finance/FiscalYearClosed.avsc"),
    },
    EventContract {
        event_type: "ForeignCurrencyRevalued",
        aggregate_type: "finance.fiscal_calendar",
        topic_suffix: "finance.fiscal-calendar.v1",
        record_name: "prism.finance.ForeignCurrencyRevalued",
        schema: include_str!("../../schemas/avro/finance/ForeignCurrencyRevalued.avsc"),
    },
    EventContract {
        event_type: "PaymentProcessed",
        aggregate_type: "finance.payment",
        topic_suffix: "finance.payment.v1",
        record_name: "prism.finance.PaymentProcessed",
        schema: include_str!("../../schemas/avro/finance/PaymentProcessed.avsc"),
    },
    EventContract {
        event_type: "TaxRateDefined",
        aggregate_type: "finance.tax_rates",
        topic_suffix: "finance.tax-rates.v1",
        record_name: "prism.finance.TaxRateDefined",
        schema: include_str!("../../schemas/avro/finance/TaxRateDefined.avsc"),
    },
    EventContract {
        event_type: "TaxRateChanged",
        aggregate_type: "finance.tax_rates",
        topic_suffix: "finance.tax-rates.v1",
        record_name: "prism.finance.TaxRateChanged",
        schema: include_str!("../../schemas/avro/finance/TaxRateChanged.avsc"),
    },
    EventContract {
        event_type: "TaxRateRetired",
        aggregate_type: "finance.tax_rates",
        topic_suffix: "finance.tax-rates.v1",
        record_name: "prism.finance.TaxRateRetired",
        schema: include_str!("../../schemas/avro/finance/TaxRateRetired.avsc"),
    },
    EventContract {
        event_type: "InvoiceDrafted",
        aggregate_type: "finance.invoice",
        topic_suffix: "finance.invoice.v1",
        record_name: "prism.finance.InvoiceDrafted",
        schema: include_str!("../../schemas/avro/finance/InvoiceDrafted.avsc"),
    },
    EventContract {
        event_type: "InvoiceGenerated",
        aggregate_type: "finance.invoice",
        topic_suffix: "finance.invoice.v1",
        record_name: "prism.finance.InvoiceGenerated",
        schema: include_str!("../../schemas/avro/finance/InvoiceGenerated.avsc"),
    },
    EventContract {
        event_type: "InvoicePaymentApplied",
        aggregate_type: "finance.invoice",
        topic_suffix: "finance.invoice.v1",
        record_name: "prism.finance.InvoicePaymentApplied",
        schema: include_str!("../../schemas/avro/finance/InvoicePaymentApplied.avsc"),
    },
    EventContract {
        event_type: "InvoiceVoided",
        aggregate_type: "finance.invoice",
        topic_suffix: "finance.invoice.v1",
        record_name: "prism.finance.InvoiceVoided",
        schema: include_str!("../../schemas/avro/finance/InvoiceVoided.avsc"),
    },
    EventContract {
        event_type: "BudgetAmountSet",
        aggregate_type: "finance.budgets",
        topic_suffix: "finance.budgets.v1",
        record_name: "prism.finance.BudgetAmountSet",
        schema: include_str!("../../schemas/avro/finance/BudgetAmountSet.avsc"),
    },
    EventContract {
        event_type: "FunctionalCurrencySet",
        aggregate_type: "finance.exchange_rates",
        topic_suffix: "finance.exchange-rates.v1",
        record_name: "prism.finance.FunctionalCurrencySet",
        schema: include_str!("../../schemas/avro/finance/FunctionalCurrencySet.avsc"),
    },
    EventContract {
        event_type: "ExchangeRateSet",
        aggregate_type: "finance.exchange_rates",
        topic_suffix: "finance.exchange-rates.v1",
        record_name: "prism.finance.ExchangeRateSet",
        schema: include_str!("../../schemas/avro/finance/ExchangeRateSet.avsc"),
    },
    EventContract {
        event_type: "ItemDefined",
        aggregate_type: "supply.item",
        topic_suffix: "supply.item.v1",
        record_name: "prism.supply.ItemDefined",
        schema: include_str!("../../schemas/avro/supply/ItemDefined.avsc"),
    },
    EventContract {
        event_type: "ItemReorderPolicyChanged",
        aggregate_type: "supply.item",
        topic_suffix: "supply.item.v1",
        record_name: "prism.supply.ItemReorderPolicyChanged",
        schema: include_str!("../../schemas/avro/supply/ItemReorderPolicyChanged.avsc"),
    },
    EventContract {
        event_type: "ItemRenamed",
        aggregate_type: "supply.item",
        topic_suffix: "supply.item.v1",
        record_name: "prism.supply.ItemRenamed",
        schema: include_str!("../../schemas/avro/supply/ItemRenamed.avsc"),
    },
    EventContract {
        event_type: "ItemDiscontinued",
        aggregate_type: "supply.item",
        topic_suffix: "supply.item.v1",
        record_name: "prism.supply.ItemDiscontinued",
        schema: include_str!("../../schemas/avro/supply/ItemDiscontinued.avsc"),
    },
    EventContract {
        event_type: "LocationOpened",
        aggregate_type: "supply.locations",
        topic_suffix: "supply.locations.v1",
        record_name: "prism.supply.LocationOpened",
        schema: include_str!("../../schemas/avro/supply/LocationOpened.avsc"),
    },
    EventContract {
        event_type: "LocationRenamed",
        aggregate_type: "supply.locations",
        topic_suffix: "supply.locations.v1",
        record_name: "prism.supply.LocationRenamed",
        schema: include_str!("../../schemas/avro/supply/LocationRenamed.avsc"),
    },
    EventContract {
        event_type: "LocationClosed",
        aggregate_type: "supply.locations",
        topic_suffix: "supply.locations.v1",
        record_name: "prism.supply.LocationClosed",
        schema: include_str!("../../schemas/avro/supply/LocationClosed.avsc"),
    },
    EventContract {
        event_type: "SupplySettingsChanged",
        aggregate_type: "supply.settings",
        topic_suffix: "supply.settings.v1",
        record_name: "prism.supply.SupplySettingsChanged",
        schema: include_str!("../../schemas/avro/supply/SupplySettingsChanged.avsc"),
    },
    EventContract {
        event_type: "InventoryUpdated",
        aggregate_type: "supply.stock",
        topic_suffix: "supply.stock.v1",
        record_name: "prism.supply.InventoryUpdated",
        schema: include_str!("../../schemas/avro/supply/InventoryUpdated.avsc"),
    },
    EventContract {
        event_type: "OrderPlaced",
        aggregate_type: "supply.sales_order",
        topic_suffix: "supply.sales-order.v1",
        record_name: "prism.supply.OrderPlaced",
        schema: include_str!("../../schemas/avro/supply/OrderPlaced.avsc"),
    },
    EventContract {
        event_type: "OrderConfirmed",
        aggregate_type: "supply.sales_order",
        topic_suffix: "supply.sales-order.v1",
        record_name: "prism.supply.OrderConfirmed",
        schema: include_str!("../../schemas/avro/supply/OrderConfirmed.avsc"),
    },
    EventContract {
        event_type: "OrderAllocated",
        aggregate_type: "supply.sales_order",
        topic_suffix: "supply.sales-order.v1",
        record_name: "prism.supply.OrderAllocated",
        schema: include_str!("../../schemas/avro/supply/OrderAllocated.avsc"),
    },
    EventContract {
        event_type: "OrderPicked",
        aggregate_type: "supply.sales_order",
        topic_suffix: "supply.sales-order.v1",
        record_name: "prism.supply.OrderPicked",
        schema: include_str!("../../schemas/avro/supply/OrderPicked.avsc"),
    },
    EventContract {
        event_type: "OrderShipped",
        aggregate_type: "supply.sales_order",
        topic_suffix: "supply.sales-order.v1",
        record_name: "prism.supply.OrderShipped",
        schema: include_str!("../../schemas/avro/supply/OrderShipped.avsc"),
    },
    EventContract {
        event_type: "OrderDelivered",
        aggregate_type: "supply.sales_order",
        topic_suffix: "supply.sales-order.v1",
        record_name: "prism.supply.OrderDelivered",
        schema: include_str!("../../schemas/avro/supply/OrderDelivered.avsc"),
    },
    EventContract {
        event_type: "OrderCancelled",
        aggregate_type: "supply.sales_order",
        topic_suffix: "supply.sales-order.v1",
        record_name: "prism.supply.OrderCancelled",
        schema: include_str!("../../schemas/avro/supply/OrderCancelled.avsc"),
    },
    EventContract {
        event_type: "OrderReturned",
        aggregate_type: "supply.sales_order",
        topic_suffix: "supply.sales-order.v1",
        record_name: "prism.supply.OrderReturned",
        schema: include_str!("../../schemas/avro/supply/OrderReturned.avsc"),
    },
    EventContract {
        event_type: "OrderInvoiced",
        aggregate_type: "supply.sales_order",
        topic_suffix: "supply.sales-order.v1",
        record_name: "prism.supply.OrderInvoiced",
        schema: include_str!("../../schemas/avro/supply/OrderInvoiced.avsc"),
    },
    EventContract {
        event_type: "OrderPaid",
        aggregate_type: "supply.sales_order",
        topic_suffix: "supply.sales-order.v1",
        record_name: "prism.supply.OrderPaid",
        schema: include_str!("../../schemas/avro/supply/OrderPaid.avsc"),
    },
    EventContract {
        event_type: "PurchaseOrderDrafted",
        aggregate_type: "supply.purchase_order",
        topic_suffix: "supply.purchase-order.v1",
        record_name: "prism.supply.PurchaseOrderDrafted",
        schema: include_str!("../../schemas/avro/supply/PurchaseOrderDrafted.avsc"),
    },
    EventContract {
        event_type: "PurchaseOrderSubmitted",
        aggregate_type: "supply.purchase_order",
        topic_suffix: "supply.purchase-order.v1",
        record_name: "prism.supply.PurchaseOrderSubmitted",
        schema: include_str!("../../schemas/avro/supply/PurchaseOrderSubmitted.avsc"),
    },
    EventContract {
        event_type: "PurchaseOrderApproved",
        aggregate_type: "supply.purchase_order",
        topic_suffix: "supply.purchase-order.v1",
        record_name: "prism.supply.PurchaseOrderApproved",
        schema: include_str!("../../schemas/avro/supply/PurchaseOrderApproved.avsc"),
    },
    EventContract {
        event_type: "GoodsReceived",
        aggregate_type: "supply.purchase_order",
        topic_suffix: "supply.purchase-order.v1",
        record_name: "prism.supply.GoodsReceived",
        schema: include_str!("../../schemas/avro/supply/GoodsReceived.avsc"),
    },
    EventContract {
        event_type: "PurchaseOrderBilled",
        aggregate_type: "supply.purchase_order",
        topic_suffix: "supply.purchase-order.v1",
        record_name: "prism.supply.PurchaseOrderBilled",
        schema: include_str!("../../schemas/avro/supply/PurchaseOrderBilled.avsc"),
    },
    EventContract {
        event_type: "PurchaseOrderClosed",
        aggregate_type: "supply.purchase_order",
        topic_suffix: "supply.purchase-order.v1",
        record_name: "prism.supply.PurchaseOrderClosed",
        schema: include_str!("../../schemas/avro/supply/PurchaseOrderClosed.avsc"),
    },
    EventContract {
        event_type: "PurchaseOrderCancelled",
        aggregate_type: "supply.purchase_order",
        topic_suffix: "supply.purchase-order.v1",
        record_name: "prism.supply.PurchaseOrderCancelled",
        schema: include_str!("../../schemas/avro/supply/PurchaseOrderCancelled.avsc"),
    },
    EventContract {
        event_type: "CustomerRegistered",
        aggregate_type: "crm.customer",
        topic_suffix: "crm.customer.v1",
        record_name: "prism.crm.CustomerRegistered",
        schema: include_str!("../../schemas/avro/crm/CustomerRegistered.avsc"),
    },
    EventContract {
        event_type: "CustomerRenamed",
        aggregate_type: "crm.customer",
        topic_suffix: "crm.customer.v1",
        record_name: "prism.crm.CustomerRenamed",
        schema: include_str!("../../schemas/avro/crm/CustomerRenamed.avsc"),
    },
    EventContract {
        event_type: "CustomerContactAdded",
        aggregate_type: "crm.customer",
        topic_suffix: "crm.customer.v1",
        record_name: "prism.crm.CustomerContactAdded",
        schema: include_str!("../../schemas/avro/crm/CustomerContactAdded.avsc"),
    },
    EventContract {
        event_type: "CustomerContactRemoved",
        aggregate_type: "crm.customer",
        topic_suffix: "crm.customer.v1",
        record_name: "prism.crm.CustomerContactRemoved",
        schema: include_str!("../../schemas/avro/crm/CustomerContactRemoved.avsc"),
    },
    EventContract {
        event_type: "CustomerAddressAdded",
        aggregate_type: "crm.customer",
        topic_suffix: "crm.customer.v1",
        record_name: "prism.crm.CustomerAddressAdded",
        schema: include_str!("../../schemas/avro/crm/CustomerAddressAdded.avsc"),
    },
    EventContract {
        event_type: "CustomerAddressRemoved",
        aggregate_type: "crm.customer",
        topic_suffix: "crm.customer.v1",
        record_name: "prism.crm.CustomerAddressRemoved",
        schema: include_str!("../../schemas/avro/crm/CustomerAddressRemoved.avsc"),
    },
    EventContract {
        event_type: "CustomerCreditLimitChanged",
        aggregate_type: "crm.customer",
        topic_suffix: "crm.customer.v1",
        record_name: "prism.crm.CustomerCreditLimitChanged",
        schema: include_str!("../../schemas/avro/crm/CustomerCreditLimitChanged.avsc"),
    },
    EventContract {
        event_type: "CustomerCustomFieldsSet",
        aggregate_type: "crm.customer",
        topic_suffix: "crm.customer.v1",
        record_name: "prism.crm.CustomerCustomFieldsSet",
        schema: include_str!("../../schemas/avro/crm/CustomerCustomFieldsSet.avsc"),
    },
    EventContract {
        event_type: "CustomerDeactivated",
        aggregate_type: "crm.customer",
        topic_suffix: "crm.customer.v1",
        record_name: "prism.crm.CustomerDeactivated",
        schema: include_str!("../../schemas/avro/crm/CustomerDeactivated.avsc"),
    },
    EventContract {
        event_type: "UserCreated",
        aggregate_type: "identity.user",
        topic_suffix: "identity.user.v1",
        record_name: "prism.identity.UserCreated",
        schema: include_str!("../../schemas/avro/identity/UserCreated.avsc"),
    },
    EventContract {
        event_type: "UserRolesChanged",
        aggregate_type: "identity.user",
        topic_suffix: "identity.user.v1",
        record_name: "prism.identity.UserRolesChanged",
        schema: include_str!("../../schemas/avro/identity/UserRolesChanged.avsc"),
    },
    EventContract {
        event_type: "UserDeactivated",
        aggregate_type: "identity.user",
        topic_suffix: "identity.user.v1",
        record_name: "prism.identity.UserDeactivated",
        schema: include_str!("../../schemas/avro/identity/UserDeactivated.avsc"),
    },
    EventContract {
        event_type: "UserReactivated",
        aggregate_type: "identity.user",
        topic_suffix: "identity.user.v1",
        record_name: "prism.identity.UserReactivated",
        schema: include_str!("../../schemas/avro/identity/UserReactivated.avsc"),
    },
    EventContract {
        event_type: "OrganizationUnitAdded",
        aggregate_type: "identity.organization",
        topic_suffix: "identity.organization.v1",
        record_name: "prism.identity.OrganizationUnitAdded",
        schema: include_str!("../../schemas/avro/identity/OrganizationUnitAdded.avsc"),
    },
    EventContract {
        event_type: "OrganizationUnitRenamed",
        aggregate_type: "identity.organization",
        topic_suffix: "identity.organization.v1",
        record_name: "prism.identity.OrganizationUnitRenamed",
        schema: include_str!("../../schemas/avro/identity/OrganizationUnitRenamed.avsc"),
    },
    EventContract {
        event_type: "OrganizationUnitMoved",
        aggregate_type: "identity.organization",
        topic_suffix: "identity.organization.v1",
        record_name: "prism.identity.OrganizationUnitMoved",
        schema: include_str!("../../schemas/avro/identity/OrganizationUnitMoved.avsc"),
    },
    EventContract {
        event_type: "OrganizationUnitClosed",
        aggregate_type: "identity.organization",
        topic_suffix: "identity.organization.v1",
        record_name: "prism.identity.OrganizationUnitClosed",
        schema: include_str!("../../schemas/avro/identity/OrganizationUnitClosed.avsc"),
    },
    EventContract {
        event_type: "RoleDefined",
        aggregate_type: "identity.roles",
        topic_suffix: "identity.roles.v1",
        record_name: "prism.identity.RoleDefined",
        schema: include_str!("../../schemas/avro/identity/RoleDefined.avsc"),
    },
    EventContract {
        event_type: "RolePermissionsChanged",
        aggregate_type: "identity.roles",
        topic_suffix: "identity.roles.v1",
        record_name: "prism.identity.RolePermissionsChanged",
        schema: include_str!("../../schemas/avro/identity/RolePermissionsChanged.avsc"),
    },
    EventContract {
        event_type: "RoleRetired",
        aggregate_type: "identity.roles",
        topic_suffix: "identity.roles.v1",
        record_name: "prism.identity.RoleRetired",
        schema: include_str!("../../schemas/avro/identity/RoleRetired.avsc"),
    },
    EventContract {
        event_type: "TenantProvisioned",
        aggregate_type: "platform.tenant",
        topic_suffix: "platform.tenant.v1",
        record_name: "prism.platform.TenantProvisioned",
        schema: include_str!("../../schemas/avro/platform/TenantProvisioned.avsc"),
    },
    EventContract {
        event_type: "TenantSuspended",
        aggregate_type: "platform.tenant",
        topic_suffix: "platform.tenant.v1",
        record_name: "prism.platform.TenantSuspended",
        schema: include_str!("../../schemas/avro/platform/TenantSuspended.avsc"),
    },
    EventContract {
        event_type: "TenantReactivated",
        aggregate_type: "platform.tenant",
        topic_suffix: "platform.tenant.v1",
        record_name: "prism.platform.TenantReactivated",
        schema: include_str!("../../schemas/avro/platform/TenantReactivated.avsc"),
    },
    EventContract {
        event_type: "OpportunityOpened",
        aggregate_type: "crm.opportunity",
        topic_suffix: "crm.opportunity.v1",
        record_name: "prism.crm.OpportunityOpened",
        schema: include_str!("../../schemas/avro/crm/OpportunityOpened.avsc"),
    },
    EventContract {
        event_type: "OpportunityStageChanged",
        aggregate_type: "crm.opportunity",
        topic_suffix: "crm.opportunity.v1",
        record_name: "prism.crm.OpportunityStageChanged",
        schema: include_str!("../../schemas/avro/crm/OpportunityStageChanged.avsc"),
    },
    EventContract {
        event_type: "OpportunityWon",
        aggregate_type: "crm.opportunity",
        topic_suffix: "crm.opportunity.v1",
        record_name: "prism.crm.OpportunityWon",
        schema: include_str!("../../schemas/avro/crm/OpportunityWon.avsc"),
    },
    EventContract {
        event_type: "OpportunityLost",
        aggregate_type: "crm.opportunity",
        topic_suffix: "crm.opportunity.v1",
        record_name: "prism.crm.OpportunityLost",
        schema: include_str!("../../schemas/avro/crm/OpportunityLost.avsc"),
    },
    EventContract {
        event_type: "TicketOpened",
        aggregate_type: "crm.support_ticket",
        topic_suffix: "crm.support-ticket.v1",
        record_name: "prism.crm.TicketOpened",
        schema: include_str!("../../schemas/avro/crm/TicketOpened.avsc"),
    },
    EventContract {
        event_type: "TicketAssigned",
        aggregate_type: "crm.support_ticket",
        topic_suffix: "crm.support-ticket.v1",
        record_name: "prism.crm.TicketAssigned",
        schema: include_str!("../../schemas/avro/crm/TicketAssigned.avsc"),
    },
    EventContract {
        event_type: "TicketResponded",
        aggregate_type: "crm.support_ticket",
        topic_suffix: "crm.support-ticket.v1",
        record_name: "prism.crm.TicketResponded",
        schema: include_str!("../../schemas/avro/crm/TicketResponded.avsc"),
    },
    EventContract {
        event_type: "TicketResolved",
        aggregate_type: "crm.support_ticket",
        topic_suffix: "crm.support-ticket.v1",
        record_name: "prism.crm.TicketResolved",
        schema: include_str!("../../schemas/avro/crm/TicketResolved.avsc"),
    },
    EventContract {
        event_type: "TicketClosed",
        aggregate_type: "crm.support_ticket",
        topic_suffix: "crm.support-ticket.v1",
        record_name: "prism.crm.TicketClosed",
        schema: include_str!("../../schemas/avro/crm/TicketClosed.avsc"),
    },
    EventContract {
        event_type: "TicketReopened",
        aggregate_type: "crm.support_ticket",
        topic_suffix: "crm.support-ticket.v1",
        record_name: "prism.crm.TicketReopened",
        schema: include_str!("../../schemas/avro/crm/TicketReopened.avsc"),
    },
    EventContract {
        event_type: "EmployeeHired",
        aggregate_type: "hr.employee",
        topic_suffix: "hr.employee.v1",
        record_name: "prism.hr.EmployeeHired",
        schema: include_str!("../../schemas/avro/hr/EmployeeHired.avsc"),
    },
    EventContract {
        event_type: "EmployeeTransferred",
        aggregate_type: "hr.employee",
        topic_suffix: "hr.employee.v1",
        record_name: "prism.hr.EmployeeTransferred",
        schema: include_str!("../../schemas/avro/hr/EmployeeTransferred.avsc"),
    },
    EventContract {
        event_type: "EmployeeSalaryChanged",
        aggregate_type: "hr.employee",
        topic_suffix: "hr.employee.v1",
        record_name: "prism.hr.EmployeeSalaryChanged",
        schema: include_str!("../../schemas/avro/hr/EmployeeSalaryChanged.avsc"),
    },
    EventContract {
        event_type: "EmployeeTerminated",
        aggregate_type: "hr.employee",
        topic_suffix: "hr.employee.v1",
        record_name: "prism.hr.EmployeeTerminated",
        schema: include_str!("../../schemas/avro/hr/EmployeeTerminated.avsc"),
    },
    EventContract {
        event_type: "EmployeePersonalDataErased",
        aggregate_type: "hr.employee",
        topic_suffix: "hr.employee.v1",
        record_name: "prism.hr.EmployeePersonalDataErased",
        schema: include_str!("../../schemas/avro/hr/EmployeePersonalDataErased.avsc"),
    },
    EventContract {
        event_type: "PayrollRunDrafted",
        aggregate_type: "hr.payroll_run",
        topic_suffix: "hr.payroll-run.v1",
        record_name: "prism.hr.PayrollRunDrafted",
        schema: include_str!("../../schemas/avro/hr/PayrollRunDrafted.avsc"),
    },
    EventContract {
        event_type: "PayrollRunApproved",
        aggregate_type: "hr.payroll_run",
        topic_suffix: "hr.payroll-run.v1",
        record_name: "prism.hr.PayrollRunApproved",
        schema: include_str!("../../schemas/avro/hr/PayrollRunApproved.avsc"),
    },
    EventContract {
        event_type: "ReviewOpened",
        aggregate_type: "hr.performance_review",
        topic_suffix: "hr.performance-review.v1",
        record_name: "prism.hr.ReviewOpened",
        schema: include_str!("../../schemas/avro/hr/ReviewOpened.avsc"),
    },
    EventContract {
        event_type: "ReviewCompleted",
        aggregate_type: "hr.performance_review",
        topic_suffix: "hr.performance-review.v1",
        record_name: "prism.hr.ReviewCompleted",
        schema: include_str!("../../schemas/avro/hr/ReviewCompleted.avsc"),
    },
    EventContract {
        event_type: "ReviewAcknowledged",
        aggregate_type: "hr.performance_review",
        topic_suffix: "hr.performance-review.v1",
        record_name: "prism.hr.ReviewAcknowledged",
        schema: include_str!("../../schemas/avro/hr/ReviewAcknowledged.avsc"),
    },
    EventContract {
        event_type: "ReviewCancelled",
        aggregate_type: "hr.performance_review",
        topic_suffix: "hr.performance-review.v1",
        record_name: "prism.hr.ReviewCancelled",
        schema: include_str!("../../schemas/avro/hr/ReviewCancelled.avsc"),
    },
    EventContract {
        event_type: "JobOpeningPosted",
        aggregate_type: "hr.job_opening",
        topic_suffix: "hr.job-opening.v1",
        record_name: "prism.hr.JobOpeningPosted",
        schema: include_str!("../../schemas/avro/hr/JobOpeningPosted.avsc"),
    },
    EventContract {
        event_type: "ApplicationReceived",
        aggregate_type: "hr.job_opening",
        topic_suffix: "hr.job-opening.v1",
        record_name: "prism.hr.ApplicationReceived",
        schema: include_str!("../../schemas/avro/hr/ApplicationReceived.avsc"),
    },
    EventContract {
        event_type: "ApplicantAdvanced",
        aggregate_type: "hr.job_opening",
        topic_suffix: "hr.job-opening.v1",
        record_name: "prism.hr.ApplicantAdvanced",
        schema: include_str!("../../schemas/avro/hr/ApplicantAdvanced.avsc"),
    },
    EventContract {
        event_type: "ApplicantRejected",
        aggregate_type: "hr.job_opening",
        topic_suffix: "hr.job-opening.v1",
        record_name: "prism.hr.ApplicantRejected",
        schema: include_str!("../../schemas/avro/hr/ApplicantRejected.avsc"),
    },
    EventContract {
        event_type: "ApplicantHired",
        aggregate_type: "hr.job_opening",
        topic_suffix: "hr.job-opening.v1",
        record_name: "prism.hr.ApplicantHired",
        schema: include_str!("../../schemas/avro/hr/ApplicantHired.avsc"),
    },
    EventContract {
        event_type: "ApplicantPersonalDataErased",
        aggregate_type: "hr.job_opening",
        topic_suffix: "hr.job-opening.v1",
        record_name: "prism.hr.ApplicantPersonalDataErased",
        schema: include_str!("../../schemas/avro/hr/ApplicantPersonalDataErased.avsc"),
    },
    EventContract {
        event_type: "JobOpeningClosed",
        aggregate_type: "hr.job_opening",
        topic_suffix: "hr.job-opening.v1",
        record_name: "prism.hr.JobOpeningClosed",
        schema: include_str!("../../schemas/avro/hr/JobOpeningClosed.avsc"),
    },
    EventContract {
        event_type: "BillOfMaterialsRevised",
        aggregate_type: "production.bom",
        topic_suffix: "production.bom.v1",
        record_name: "prism.production.BillOfMaterialsRevised",
        schema: include_str!("../../schemas/avro/production/BillOfMaterialsRevised.avsc"),
    },
    EventContract {
        event_type: "WorkOrderPlanned",
        aggregate_type: "production.work_order",
        topic_suffix: "production.work-order.v1",
        record_name: "prism.production.WorkOrderPlanned",
        schema: include_str!("../../schemas/avro/production/WorkOrderPlanned.avsc"),
    },
    EventContract {
        event_type: "WorkOrderReleased",
        aggregate_type: "production.work_order",
        topic_suffix: "production.work-order.v1",
        record_name: "prism.production.WorkOrderReleased",
        schema: include_str!("../../schemas/avro/production/WorkOrderReleased.avsc"),
    },
    EventContract {
        event_type: "ProductionStarted",
        aggregate_type: "production.work_order",
        topic_suffix: "production.work-order.v1",
        record_name: "prism.production.ProductionStarted",
        schema: include_str!("../../schemas/avro/production/ProductionStarted.avsc"),
    },
    EventContract {
        event_type: "WorkOrderCompleted",
        aggregate_type: "production.work_order",
        topic_suffix: "production.work-order.v1",
        record_name: "prism.production.WorkOrderCompleted",
        schema: include_str!("../../schemas/avro/production/WorkOrderCompleted.avsc"),
    },
    EventContract {
        event_type: "WorkOrderScrapped",
        aggregate_type: "production.work_order",
        topic_suffix: "production.work-order.v1",
        record_name: "prism.production.WorkOrderScrapped",
        schema: include_str!("../../schemas/avro/production/WorkOrderScrapped.avsc"),
    },
    EventContract {
        event_type: "QualityCheckCompleted",
        aggregate_type: "production.quality_check",
        topic_suffix: "production.quality-check.v1",
        record_name: "prism.production.QualityCheckCompleted",
        schema: include_str!("../../schemas/avro/production/QualityCheckCompleted.avsc"),
    },
    EventContract {
        event_type: "AssetRegistered",
        aggregate_type: "production.asset",
        topic_suffix: "production.asset.v1",
        record_name: "prism.production.AssetRegistered",
        schema: include_str!("../../schemas/avro/production/AssetRegistered.avsc"),
    },
    EventContract {
        event_type: "MaintenanceScheduled",
        aggregate_type: "production.asset",
        topic_suffix: "production.asset.v1",
        record_name: "prism.production.MaintenanceScheduled",
        schema: include_str!("../../schemas/avro/production/MaintenanceScheduled.avsc"),
    },
    EventContract {
        event_type: "MaintenancePerformed",
        aggregate_type: "production.asset",
        topic_suffix: "production.asset.v1",
        record_name: "prism.production.MaintenancePerformed",
        schema: include_str!("../../schemas/avro/production/MaintenancePerformed.avsc"),
    },
    EventContract {
        event_type: "DowntimeStarted",
        aggregate_type: "production.asset",
        topic_suffix: "production.asset.v1",
        record_name: "prism.production.DowntimeStarted",
        schema: include_str!("../../schemas/avro/production/DowntimeStarted.avsc"),
    },
    EventContract {
        event_type: "DowntimeEnded",
        aggregate_type: "production.asset",
        topic_suffix: "production.asset.v1",
        record_name: "prism.production.DowntimeEnded",
        schema: include_str!("../../schemas/avro/production/DowntimeEnded.avsc"),
    },
    EventContract {
        event_type: "AssetRetired",
        aggregate_type: "production.asset",
        topic_suffix: "production.asset.v1",
        record_name: "prism.production.AssetRetired",
        schema: include_str!("../../schemas/avro/production/AssetRetired.avsc"),
    },
    EventContract {
        event_type: "LeaveEntitlementSet",
        aggregate_type: "hr.leave_account",
        topic_suffix: "hr.leave-account.v1",
        record_name: "prism.hr.LeaveEntitlementSet",
        schema: include_str!("../../schemas/avro/hr/LeaveEntitlementSet.avsc"),
    },
    EventContract {
        event_type: "LeaveRequested",
        aggregate_type: "hr.leave_account",
        topic_suffix: "hr.leave-account.v1",
        record_name: "prism.hr.LeaveRequested",
        schema: include_str!("../../schemas/avro/hr/LeaveRequested.avsc"),
    },
    EventContract {
        event_type: "LeaveApproved",
        aggregate_type: "hr.leave_account",
        topic_suffix: "hr.leave-account.v1",
        record_name: "prism.hr.LeaveApproved",
        schema: include_str!("../../schemas/avro/hr/LeaveApproved.avsc"),
    },
    EventContract {
        event_type: "LeaveRejected",
        aggregate_type: "hr.leave_account",
        topic_suffix: "hr.leave-account.v1",
        record_name: "prism.hr.LeaveRejected",
        schema: include_str!("../../schemas/avro/hr/LeaveRejected.avsc"),
    },
    EventContract {
        event_type: "LeaveCancelled",
        aggregate_type: "hr.leave_account",
        topic_suffix: "hr.leave-account.v1",
        record_name: "prism.hr.LeaveCancelled",
        schema: include_str!("../../schemas/avro/hr/LeaveCancelled.avsc"),
    },
];

/// Every aggregate type that publishes events, each once, in the order of [`EVENTS`].
#[must_use]
pub fn aggregate_types() -> &'static [&'static str] {
    static TYPES: LazyLock<Vec<&'static str>> = LazyLock::new(|| {
        let mut types: Vec<&'static str> = Vec::new();
        for contract in EVENTS {
            if !types.contains(&contract.aggregate_type) {
                types.push(contract.aggregate_type);
            }
        }
        types
    });
    &TYPES
}

/// The full topic name for `suffix` under `prefix` (`prism.finance.journal-entry.v1`).
#[must_use]
pub fn topic_name(prefix: &str, suffix: &str) -> String {
    format!("{prefix}.{suffix}")
}

/// The contract with each schema parsed once.
#[derive(Debug)]
pub struct Catalogue {
    by_event_type: HashMap<&'static str, (EventContract, Schema)>,
    by_record_name: HashMap<&'static str, &'static str>,
}

impl Catalogue {
    /// Parses every schema in [`EVENTS`].
    ///
    /// # Errors
    /// When a schema file is not valid Avro (a build defect caught by the tests).
    pub fn load() -> Result<Self, apache_avro::Error> {
        let mut by_event_type = HashMap::new();
        let mut by_record_name = HashMap::new();
        for contract in EVENTS {
            let schema = Schema::parse_str(contract.schema)?;
            by_event_type.insert(contract.event_type, (*contract, schema));
            by_record_name.insert(contract.record_name, contract.event_type);
        }
        Ok(Self { by_event_type, by_record_name })
    }

    /// The contract and parsed schema of `event_type`.
    #[must_use]
    pub fn get(&self, event_type: &str) -> Option<&(EventContract, Schema)> {
        self.by_event_type.get(event_type)
    }

    /// The event type written with the Avro record `record_name`.
    #[must_use]
    pub fn event_type_of_record(&self, record_name: &str) -> Option<&'static str> {
        self.by_record_name.get(record_name).copied()
    }

    /// Distinct topic suffixes carrying events of `aggregate_type`.
    #[must_use]
    pub fn topic_suffixes(aggregate_type: &str) -> Vec<&'static str> {
        let mut suffixes: Vec<_> =
            EVENTS.iter().filter(|c| c.aggregate_type == aggregate_type).map(|c| c.topic_suffix).collect();
        suffixes.sort_unstable();
        suffixes.dedup();
        suffixes
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_contract_schema_parses_and_names_its_record() {
        let catalogue = Catalogue::load().expect("schemas parse");
        for contract in EVENTS {
            let (_, schema) = catalogue.get(contract.event_type).expect("listed");
            let Schema::Record(record) = schema else { panic!("{} is not a record", contract.event_type) };
            assert_eq!(record.name.fullname(None), contract.record_name);
            assert_eq!(catalogue.event_type_of_record(contract.record_name), Some(contract.event_type));
        }
    }

    #[test]
    fn journal_entry_events_share_one_topic() {
        assert_eq!(Catalogue::topic_suffixes("finance.journal_entry"), vec!["finance.journal-entry.v1"]);
        assert_eq!(topic_name("prism", "finance.journal-entry.v1"), "prism.finance.journal-entry.v1");
    }

    #[test]
    fn chart_and_calendar_events_each_share_one_topic() {
        assert_eq!(Catalogue::topic_suffixes("finance.chart_of_accounts"), vec!["finance.chart-of-accounts.v1"]);
        assert_eq!(Catalogue::topic_suffixes("finance.fiscal_calendar"), vec!["finance.fiscal-calendar.v1"]);
        let count = |aggregate_type: &str| EVENTS.iter().filter(|c| c.aggregate_type == aggregate_type).count();
        assert_eq!(count("finance.chart_of_accounts"), 4);
        assert_eq!(count("finance.fiscal_calendar"), 6);
        assert_eq!(topic_name("prism", "finance.chart-of-accounts.v1"), "prism.finance.chart-of-accounts.v1");
    }

    #[test]
    fn budget_events_have_a_topic_of_their_own() {
        assert_eq!(Catalogue::topic_suffixes("finance.budgets"), vec!["finance.budgets.v1"]);
        let budgets: Vec<&str> =
            EVENTS.iter().filter(|c| c.aggregate_type == "finance.budgets").map(|c| c.event_type).collect();
        assert_eq!(budgets, ["BudgetAmountSet"]);
    }

    #[test]
    fn exchange_rate_events_share_a_topic_of_their_own() {
        assert_eq!(Catalogue::topic_suffixes("finance.exchange_rates"), vec!["finance.exchange-rates.v1"]);
        let events: Vec<&str> =
            EVENTS.iter().filter(|c| c.aggregate_type == "finance.exchange_rates").map(|c| c.event_type).collect();
        assert_eq!(events, ["FunctionalCurrencySet", "ExchangeRateSet"]);
        assert_eq!(topic_name("prism", "finance.exchange-rates.v1"), "prism.finance.exchange-rates.v1");
    }

    #[test]
    fn user_events_share_an_identity_topic_of_their_own() {
        assert_eq!(Catalogue::topic_suffixes("identity.user"), vec!["identity.user.v1"]);
        let events: Vec<&str> =
            EVENTS.iter().filter(|c| c.aggregate_type == "identity.user").map(|c| c.event_type).collect();
        assert_eq!(events, ["UserCreated", "UserRolesChanged", "UserDeactivated", "UserReactivated"]);
        assert!(EVENTS
            .iter()
            .filter(|c| c.topic_suffix == "identity.user.v1")
            .all(|c| c.aggregate_type == "identity.user"));
        let catalogue = Catalogue::load().expect("schemas parse");
        assert_eq!(catalogue.event_type_of_record("prism.identity.UserCreated"), Some("UserCreated"));
        assert_eq!(topic_name("prism", "identity.user.v1"), "prism.identity.user.v1");
    }

    #[test]
    fn organization_events_share_an_identity_topic_of_their_own() {
        assert_eq!(Catalogue::topic_suffixes("identity.organization"), vec!["identity.organization.v1"]);
        let events: Vec<&str> =
            EVENTS.iter().filter(|c| c.aggregate_type == "identity.organization").map(|c| c.event_type).collect();
        assert_eq!(
            events,
            ["OrganizationUnitAdded", "OrganizationUnitRenamed", "OrganizationUnitMoved", "OrganizationUnitClosed"]
        );
        let on_topic = EVENTS.iter().filter(|c| c.topic_suffix == "identity.organization.v1");
        assert_eq!(on_topic.count(), events.len(), "no other aggregate's events on it");
    }

    #[test]
    fn crm_pipeline_events_have_a_topic_per_aggregate() {
        assert_eq!(Catalogue::topic_suffixes("crm.opportunity"), vec!["crm.opportunity.v1"]);
        assert_eq!(Catalogue::topic_suffixes("crm.support_ticket"), vec!["crm.support-ticket.v1"]);
        let count = |aggregate_type: &str| EVENTS.iter().filter(|c| c.aggregate_type == aggregate_type).count();
        assert_eq!((count("crm.opportunity"), count("crm.support_ticket")), (4, 6));
        assert_eq!(topic_name("prism", "crm.support-ticket.v1"), "prism.crm.support-ticket.v1");
    }

    #[test]
    fn employee_events_share_an_hr_topic_of_their_own() {
        assert_eq!(Catalogue::topic_suffixes("hr.employee"), vec!["hr.employee.v1"]);
        let events: Vec<&str> =
            EVENTS.iter().filter(|c| c.aggregate_type == "hr.employee").map(|c| c.event_type).collect();
        assert_eq!(events.first(), Some(&"EmployeeHired"));
        assert_eq!(events.len(), 5);
        assert_eq!(topic_name("prism", "hr.employee.v1"), "prism.hr.employee.v1");
        assert_eq!(Catalogue::topic_suffixes("hr.payroll_run"), vec!["hr.payroll-run.v1"]);
        assert_eq!(Catalogue::topic_suffixes("hr.performance_review"), vec!["hr.performance-review.v1"]);
    }

    #[test]
    fn job_opening_events_share_an_hr_topic_of_their_own() {
        assert_eq!(Catalogue::topic_suffixes("hr.job_opening"), vec!["hr.job-opening.v1"]);
        let events: Vec<&str> =
            EVENTS.iter().filter(|c| c.aggregate_type == "hr.job_opening").map(|c| c.event_type).collect();
        assert_eq!(events.first(), Some(&"JobOpeningPosted"));
        assert_eq!(events.len(), 7);
        let on_topic = EVENTS.iter().filter(|c| c.topic_suffix == "hr.job-opening.v1");
        assert_eq!(on_topic.count(), events.len(), "no other aggregate's events on it");
    }

    #[test]
    fn leave_account_events_share_an_hr_topic_of_their_own() {
        assert_eq!(Catalogue::topic_suffixes("hr.leave_account"), vec!["hr.leave-account.v1"]);
        let events: Vec<&str> =
            EVENTS.iter().filter(|c| c.aggregate_type == "hr.leave_account").map(|c| c.event_type).collect();
        assert_eq!(events.len(), 5);
        let on_topic = EVENTS.iter().filter(|c| c.topic_suffix == "hr.leave-account.v1");
        assert_eq!(on_topic.count(), events.len(), "no other aggregate's events on it");
    }

    #[test]
    fn customer_events_share_a_crm_topic_of_their_own() {
        assert_eq!(Catalogue::topic_suffixes("crm.customer"), vec!["crm.customer.v1"]);
        let events: Vec<&str> =
            EVENTS.iter().filter(|c| c.aggregate_type == "crm.customer").map(|c| c.event_type).collect();
        assert_eq!(events.first(), Some(&"CustomerRegistered"), "the seed event keeps its name");
        assert_eq!(events.len(), 9);
        let on_topic = EVENTS.iter().filter(|c| c.topic_suffix == "crm.customer.v1");
        assert_eq!(on_topic.count(), events.len(), "no other aggregate's events on it");
        assert_eq!(topic_name("prism", "crm.customer.v1"), "prism.crm.customer.v1");
    }

    #[test]
    fn production_events_have_a_topic_per_aggregate() {
        assert_eq!(Catalogue::topic_suffixes("production.bom"), vec!["production.bom.v1"]);
        assert_eq!(Catalogue::topic_suffixes("production.work_order"), vec!["production.work-order.v1"]);
        let count = |aggregate_type: &str| EVENTS.iter().filter(|c| c.aggregate_type == aggregate_type).count();
        assert_eq!((count("production.bom"), count("production.work_order")), (1, 5));
        assert_eq!(Catalogue::topic_suffixes("production.quality_check"), vec!["production.quality-check.v1"]);
        assert_eq!(Catalogue::topic_suffixes("production.asset"), vec!["production.asset.v1"]);
        assert_eq!(count("production.asset"), 6);
    }
}
