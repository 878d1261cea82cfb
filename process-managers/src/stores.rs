//! The event stores the process managers issue commands to, built once over one pool the way
//! the command API builds its own: each aggregate with the services its commands are decided
//! against (the tenant's books; the catalog of the stock and the sales and purchase orders,
//! with the stock's negative-stock setting and the purchase orders' approval threshold; the
//! work orders with the bills of materials; the employees and customers), all read from the event store,
//! never from a read model.

use std::sync::Arc;

use cqrs_es::Aggregate;
use prism_aggregates::crm::customer::Customer;
use prism_aggregates::finance::books::BooksSource;
use prism_aggregates::finance::invoice::Invoice;
use prism_aggregates::finance::journal_entry::JournalEntry;
use prism_aggregates::hr::employee::Employee;
use prism_aggregates::production::work_order::WorkOrder;
use prism_aggregates::supply::purchase_order::PurchaseOrder;
use prism_aggregates::supply::sales_order::SalesOrder;
use prism_aggregates::supply::stock::Stock;
use prism_command_api::books::BooksCache;
use prism_command_api::event_store::{ServicesFactory, TenantEventStores, TENANT_SETS};
use prism_command_api::production::lookups::ProductionStores;
use prism_command_api::supply::catalog_lookups::SupplyServices;
use prism_platform::tenancy::TenantProvisioner;
use sqlx::PgPool;

/// Every event store a process manager writes to or reads an aggregate from.
pub struct EventStores {
    /// The pool they share (for the few direct reads of the event store).
    pub pool: PgPool,
    /// Journal entries, checked against the tenant's books.
    pub journal_entries: TenantEventStores<JournalEntry>,
    /// Invoices and vendor bills, checked against the tenant's books.
    pub invoices: TenantEventStores<Invoice>,
    /// Stock per item, checked against items, locations and supply settings.
    pub stock: TenantEventStores<Stock>,
    /// Sales orders, checked against items and locations.
    pub sales_orders: TenantEventStores<SalesOrder>,
    /// Purchase orders, checked against items and locations, submitted against the approval
    /// threshold.
    pub purchase_orders: TenantEventStores<PurchaseOrder>,
    /// Work orders, read by the production saga.
    pub work_orders: Arc<TenantEventStores<WorkOrder>>,
    /// Employees, hired by the hiring saga.
    pub employees: TenantEventStores<Employee>,
    /// Customers, whose contacts the notifications email.
    pub customers: TenantEventStores<Customer>,
    /// Brings a tenant's schema up to date on its first use (for the tables beside the event
    /// stores, such as the notifications').
    pub provisioner: Arc<TenantProvisioner>,
}

impl EventStores {
    /// The stores over `pool`, provisioning tenants on first use.
    #[must_use]
    pub fn new(pool: PgPool) -> Self {
        let factory = Factory { pool: pool.clone(), provisioner: Arc::new(TenantProvisioner::new(pool, TENANT_SETS)) };
        let books = Arc::new(BooksCache::new(factory.pool.clone()));
        let items = Arc::new(factory.build(Box::new(|_| ())));
        let locations = Arc::new(factory.build(Box::new(|_| ())));
        let settings = Arc::new(factory.build(Box::new(|_| ())));
        let supply = SupplyServices::new(&items, &locations, &settings);
        let production = ProductionStores::new(&factory.pool, &factory.provisioner, &items, &locations);
        Self {
            journal_entries: factory.build(books_source::<JournalEntry>(&books)),
            invoices: factory.build(books_source::<Invoice>(&books)),
            stock: factory.build(supply.stock).snapshotted(),
            sales_orders: factory.build(supply.sales_orders),
            purchase_orders: factory.build(supply.purchase_orders),
            work_orders: production.work_orders,
            employees: factory.build(Box::new(|_| ())),
            customers: factory.build(Box::new(|_| ())),
            provisioner: factory.provisioner.clone(),
            pool: factory.pool,
        }
    }
}

/// Builds event stores over one pool and provisioner.
struct Factory {
    pool: PgPool,
    provisioner: Arc<TenantProvisioner>,
}

impl Factory {
    fn build<A: Aggregate + 'static>(&self, services: ServicesFactory<A>) -> TenantEventStores<A> {
        TenantEventStores::new(self.pool.clone(), self.provisioner.clone(), services)
    }
}

/// Services that are a tenant's books.
fn books_source<A>(books: &Arc<BooksCache>) -> ServicesFactory<A>
where
    A: Aggregate<Services = Arc<dyn BooksSource>>,
{
    let books = books.clone();
    Box::new(move |tenant| books.source_for(tenant))
}
