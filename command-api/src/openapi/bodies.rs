//! Schemas of the request bodies (and body parts) that `prism-aggregates` defines: the
//! aggregates' command structs are read straight from the request, and that crate knows
//! nothing of OpenAPI, so each is described here under the same name. The test at the end
//! keeps the two in step: a body built from each schema, every documented member filled in,
//! must be accepted by the real type, which refuses unknown members and requires its own.

use chrono::NaiveDate;
use utoipa::openapi::schema::{ObjectBuilder, OneOfBuilder, Schema, Type};
use utoipa::openapi::RefOr;
use utoipa::{PartialSchema, ToSchema};

/// A decimal quantity as a JSON number or string (`2.5`, `"0.125"`): at most three fraction
/// digits; send a string for more than 15 significant digits.
pub struct Quantity;

impl PartialSchema for Quantity {
    fn schema() -> RefOr<Schema> {
        let text = ObjectBuilder::new().schema_type(Type::String).pattern(Some(r"^-?[0-9]+(\.[0-9]+)?$"));
        OneOfBuilder::new()
            .item(text)
            .item(ObjectBuilder::new().schema_type(Type::Number))
            .description(Some("A decimal quantity as a JSON number or string (`2.5`, `\"0.125\"`)."))
            .into()
    }
}

impl ToSchema for Quantity {}

/// One journal line: exactly one of `debit` and `credit`, positive, in minor units.
#[derive(ToSchema)]
pub struct JournalLineInput {
    /// Account code.
    pub account: String,
    /// Debit in minor units.
    pub debit: Option<i64>,
    /// Credit in minor units.
    pub credit: Option<i64>,
    /// ISO 4217 currency code.
    pub currency: String,
    /// Free text for the line.
    pub memo: Option<String>,
}

/// Open a new account in the chart.
#[derive(ToSchema)]
pub struct OpenAccount {
    /// Account code, not yet in the chart (`1000`).
    pub code: String,
    /// Display name.
    pub name: String,
    /// `asset`, `liability`, `equity`, `income` or `expense`.
    pub account_type: String,
    /// Code of an active header account of the same type to roll up into.
    pub parent: Option<String>,
    /// Whether the account only groups others (and takes no postings).
    #[schema(required = false, default = false)]
    pub header: bool,
    /// ISO 4217 code when the account takes only that currency; absent: any currency.
    pub currency: Option<String>,
    /// Whether the account is cash or a cash equivalent (asset accounts only).
    #[schema(required = false, default = false)]
    pub cash: bool,
}

/// Open a fiscal year split into periods.
#[derive(ToSchema)]
pub struct OpenFiscalYear {
    /// Year label, unique in the calendar; the start date's year when absent.
    pub year: Option<String>,
    /// First day of the year.
    pub start_date: NaiveDate,
    /// Last day (inclusive); twelve months after `start_date`, less a day, when absent.
    pub end_date: Option<NaiveDate>,
    /// `month` (the default) or `quarter`.
    pub period_length: Option<String>,
}

/// Define a tax code.
#[derive(ToSchema)]
pub struct DefineTaxRate {
    /// Tax code, not yet defined (`VAT20`).
    pub code: String,
    /// Display name.
    pub name: String,
    /// The rate in basis points (2000 = 20 %).
    pub rate_bp: i64,
    /// Account that collects tax charged on sales.
    pub sales_account: String,
    /// Account that collects tax paid on purchases.
    pub purchase_account: String,
}

/// One budget amount to set.
#[derive(ToSchema)]
pub struct BudgetAmountInput {
    /// Account code; an account of the chart that is not a header.
    pub account: String,
    /// Fiscal period label (`2026-03`).
    pub period: String,
    /// The planned amount in minor units, in the account's normal direction; 0 clears it.
    pub amount_minor: i64,
}

/// One exchange rate: 1 `currency` = `rate` functional units from `date` on.
#[derive(ToSchema)]
pub struct RateInput {
    /// ISO 4217 code; not the functional currency.
    pub currency: String,
    /// First date the rate applies to.
    pub date: NaiveDate,
    /// Positive decimal text (`0.92`).
    pub rate: String,
}

/// One invoice line.
#[derive(ToSchema)]
pub struct InvoiceLineInput {
    /// What is sold or bought.
    pub description: String,
    /// How many units.
    pub quantity: Quantity,
    /// Price of one unit in minor units of the invoice currency.
    pub unit_price: i64,
    /// Income account (customer documents) or expense or asset account (vendor documents).
    pub account: String,
    /// Tax code applied to the line.
    pub tax_code: Option<String>,
}

/// Issue a draft invoice, posting it.
#[derive(ToSchema)]
pub struct IssueInvoice {
    /// Date of issue: the posting date and the date tax rates apply on.
    pub issue_date: NaiveDate,
    /// Date payment is due; the payment terms after `issue_date` when absent.
    pub due_date: Option<NaiveDate>,
}

/// Void an issued invoice that has no payment applied.
#[derive(ToSchema)]
pub struct VoidInvoice {
    /// Why.
    pub reason: String,
    /// Accounting date of the reversal; not before the issue date.
    pub void_date: NaiveDate,
}

/// Part of a payment applied to one invoice.
#[derive(ToSchema)]
pub struct AllocationInput {
    /// Id (UUID) of the invoice; each invoice at most once per payment.
    pub invoice_id: String,
    /// Amount applied, positive minor units, at most the invoice's open amount.
    pub amount_minor: i64,
}

/// Define an item of the catalog.
#[derive(ToSchema)]
pub struct DefineItem {
    /// The SKU (`A`–`Z`, `0`–`9`, `-`, `.`, `_`).
    pub sku: String,
    /// Display name.
    pub name: String,
    /// The unit stock is counted in (`each`, `kg`).
    pub unit_of_measure: String,
    /// `fifo` or `moving_average`; never changes.
    pub valuation_method: String,
    /// ISO 4217 code of the currency the stock is valued in; never changes.
    pub currency: String,
    /// Stock level at or below which to reorder.
    pub reorder_point: Option<Quantity>,
    /// How much to order then; only with a `reorder_point`.
    pub reorder_quantity: Option<Quantity>,
}

/// Open a warehouse, a zone in a warehouse or a bin in a zone.
#[derive(ToSchema)]
pub struct OpenLocation {
    /// Location code, never used before.
    pub code: String,
    /// Display name.
    pub name: String,
    /// `warehouse`, `zone` or `bin`.
    pub kind: String,
    /// The open location it sits in; absent for a warehouse.
    pub parent: Option<String>,
}

/// Receive `quantity` at `location` at `unit_cost_minor` per unit.
#[derive(ToSchema)]
pub struct ReceiveStock {
    /// The item's SKU.
    pub sku: String,
    /// Code of an open location.
    pub location: String,
    /// Positive quantity received.
    pub quantity: Quantity,
    /// Cost of one unit, minor units of the item's currency.
    pub unit_cost_minor: i64,
    /// Purchase order, delivery note…
    pub reference: Option<String>,
    /// Client-chosen id that makes a retry record nothing.
    pub movement_id: Option<String>,
}

/// Issue `quantity` from `location`, valued by the item's method.
#[derive(ToSchema)]
pub struct IssueStock {
    /// The item's SKU.
    pub sku: String,
    /// Code of an open location.
    pub location: String,
    /// Positive quantity issued.
    pub quantity: Quantity,
    /// An open reservation at `location` the issue fulfils.
    pub reservation_id: Option<String>,
    /// Sales order, delivery…
    pub reference: Option<String>,
    /// Client-chosen id that makes a retry record nothing.
    pub movement_id: Option<String>,
}

/// Move `quantity` and its value from `from_location` to `to_location`.
#[derive(ToSchema)]
pub struct TransferStock {
    /// The item's SKU.
    pub sku: String,
    /// Code of the open location the goods leave.
    pub from_location: String,
    /// Code of the open location the goods reach.
    pub to_location: String,
    /// Positive quantity moved.
    pub quantity: Quantity,
    /// Transfer order…
    pub reference: Option<String>,
    /// Client-chosen id that makes a retry record nothing.
    pub movement_id: Option<String>,
}

/// Set the on-hand quantity at `location` to what a count found.
#[derive(ToSchema)]
pub struct AdjustStock {
    /// The item's SKU.
    pub sku: String,
    /// Code of an open location.
    pub location: String,
    /// The quantity counted, 0 or more.
    pub counted_quantity: Quantity,
    /// Why.
    pub reason: String,
}

/// Reserve `quantity` at `location` under `reservation_id`.
#[derive(ToSchema)]
pub struct ReserveStock {
    /// The item's SKU.
    pub sku: String,
    /// Code of an open location.
    pub location: String,
    /// Positive quantity reserved.
    pub quantity: Quantity,
    /// Id of the reservation, chosen by the client.
    pub reservation_id: String,
    /// Sales order…
    pub reference: Option<String>,
}

/// Release the open reservation `reservation_id`.
#[derive(ToSchema)]
pub struct ReleaseReservation {
    /// The item's SKU.
    pub sku: String,
    /// Id of the reservation.
    pub reservation_id: String,
}

/// One priced line of an order.
#[derive(ToSchema)]
pub struct OrderLineInput {
    /// The item's SKU, on one line of the order only.
    pub sku: String,
    /// How many units.
    pub quantity: Quantity,
    /// Price of one unit in minor units of the order's currency.
    pub unit_price_minor: i64,
}

/// A quantity of one order line (a shipment, return or receipt line).
#[derive(ToSchema)]
pub struct LineQuantityInput {
    /// The order line, by its 1-based `line_no`.
    pub line_no: i64,
    /// How many units, at most what is still open on the line.
    pub quantity: Quantity,
}

/// Cancel an order (sales or purchase).
#[derive(ToSchema)]
pub struct CancelOrder {
    /// Why.
    pub reason: String,
}

/// One billed line of a purchase order.
#[derive(ToSchema)]
pub struct BillLineInput {
    /// The order line billed, by its 1-based `line_no`.
    pub line_no: i64,
    /// Quantity billed.
    pub quantity: Quantity,
    /// Price billed for one unit, minor units of the order's currency.
    pub unit_price_minor: i64,
}

/// Record the vendor's bill for a purchase order.
#[derive(ToSchema)]
pub struct RecordBill {
    /// Id (UUID) of the vendor bill (an invoice of kind `vendor_bill`).
    pub invoice_id: String,
    /// The lines billed.
    pub lines: Vec<BillLineInput>,
}

/// Move an opportunity to another open stage.
#[derive(ToSchema)]
pub struct MoveOpportunity {
    /// `lead`, `qualification`, `proposal` or `negotiation`.
    pub stage: String,
    /// Probability in percent, 0–100; the stage's default (lead 10, qualification 25, proposal
    /// 50, negotiation 75) when absent.
    pub probability: Option<i64>,
}

/// Lose an opportunity.
#[derive(ToSchema)]
pub struct LoseOpportunity {
    /// Why.
    pub reason: String,
}

/// Register a customer.
#[derive(ToSchema)]
pub struct RegisterCustomer {
    /// The customer id (`A`–`Z`, `0`–`9`, `-`, `.`, `_`, at most 40), also its aggregate id.
    pub customer_id: String,
    /// Display name.
    pub name: String,
    /// ISO 4217 code of the currency the customer trades in and its credit limit is kept in.
    pub currency: String,
    /// Credit limit in minor units of `currency` (0 or more); absent or `null`: no limit.
    pub credit_limit_minor: Option<i64>,
    /// The first contacts, at most 50.
    pub contacts: Option<Vec<ContactInput>>,
    /// The first addresses, at most 20.
    pub addresses: Option<Vec<AddressInput>>,
}

/// A contact of a customer.
#[derive(ToSchema)]
pub struct ContactInput {
    /// Id, unique within the customer; `contact-<n>` when absent.
    pub contact_id: Option<String>,
    /// Name of the person.
    pub name: String,
    /// Email address.
    pub email: Option<String>,
    /// Phone number.
    pub phone: Option<String>,
    /// What the person does for the customer.
    pub role: Option<String>,
}

/// An address of a customer.
#[derive(ToSchema)]
pub struct AddressInput {
    /// Id, unique within the customer; `address-<n>` when absent.
    pub address_id: Option<String>,
    /// `billing`, `shipping` or `other`.
    pub kind: String,
    /// First line.
    pub line1: String,
    /// Second line.
    pub line2: Option<String>,
    /// City.
    pub city: String,
    /// Postal code.
    pub postal_code: Option<String>,
    /// Region or state.
    pub region: Option<String>,
    /// ISO 3166-1 alpha-2 country code (`DE`).
    pub country: String,
}

/// Transfer an employee to another organisation unit.
#[derive(ToSchema)]
pub struct TransferEmployee {
    /// Id of the unit; not the current one.
    pub org_unit_id: String,
    /// The first day in the new unit; not before the hire day.
    pub effective_on: NaiveDate,
}

/// Change an employee's salary.
#[derive(ToSchema)]
pub struct ChangeSalary {
    /// The new salary per pay period, minor units of the employee's currency; positive.
    pub salary_minor: i64,
    /// The first day it is paid; not before the hire day.
    pub effective_on: NaiveDate,
}

/// Terminate an employee.
#[derive(ToSchema)]
pub struct TerminateEmployee {
    /// The last day of employment; not before the hire day.
    pub terminated_on: NaiveDate,
}

/// One line of a bill-of-materials revision.
#[derive(ToSchema)]
pub struct BomLineInput {
    /// SKU of the component, a catalog item other than the finished item.
    pub component_sku: String,
    /// Quantity of the component per unit of the finished item.
    pub quantity: Quantity,
}

/// Complete a work order in progress.
#[derive(ToSchema)]
pub struct CompleteWorkOrder {
    /// Good quantity made (positive).
    pub good_quantity: Quantity,
    /// Quantity scrapped in the run; none when absent.
    pub scrapped_quantity: Option<Quantity>,
}

/// Scrap an open work order.
#[derive(ToSchema)]
pub struct ScrapWorkOrder {
    /// Why.
    pub reason: String,
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)] // test code: a panic is a failed test

    use prism_aggregates::crm::customer;
    use prism_aggregates::crm::opportunity;
    use prism_aggregates::finance::{budget, calendar, chart, exchange_rates, invoice, journal_entry, payment, tax};
    use prism_aggregates::hr::employee;
    use prism_aggregates::production::{bill_of_materials, work_order};
    use prism_aggregates::supply::{item, locations, order_lines, purchase_order, sales_order, stock};
    use serde::de::DeserializeOwned;
    use serde_json::{json, Map, Value};

    /// A value for `schema`, resolving references in `schemas`, with every property filled in.
    fn sample(schema: &Value, schemas: &Value) -> Value {
        if let Some(reference) = schema["$ref"].as_str() {
            let name = reference.trim_start_matches("#/components/schemas/");
            return sample(&schemas[name], schemas);
        }
        if let Some(choices) = schema["oneOf"].as_array() {
            let choice = choices.iter().find(|choice| choice["type"] != "null").unwrap();
            return sample(choice, schemas);
        }
        let kind = match &schema["type"] {
            Value::Array(kinds) => kinds.iter().find(|kind| *kind != "null").cloned().unwrap_or(Value::Null),
            kind => kind.clone(),
        };
        match (kind.as_str().unwrap_or_default(), schema["format"].as_str()) {
            ("object", _) => {
                let properties = schema["properties"].as_object().cloned().unwrap_or_default();
                let members = properties.iter().map(|(name, property)| (name.clone(), sample(property, schemas)));
                Value::Object(members.collect::<Map<_, _>>())
            }
            ("array", _) => json!([sample(&schema["items"], schemas)]),
            ("string", Some("date")) => json!("2026-01-31"),
            ("string", _) => json!("1"),
            ("integer" | "number", _) => json!(1),
            ("boolean", _) => json!(true),
            (other, _) => panic!("no sample for a schema of type {other:?}: {schema}"),
        }
    }

    /// Fails unless the sample of component `name` is accepted by `T`.
    fn accepted_by<T: DeserializeOwned>(name: &str, schemas: &Value) {
        let body = sample(&schemas[name], schemas);
        if let Err(error) = serde_json::from_value::<T>(body.clone()) {
            panic!("the documented {name} does not match the real one: {error}\nsample: {body}");
        }
    }

    #[test]
    fn every_documented_aggregate_body_is_accepted_by_the_type_the_route_reads() {
        let document = serde_json::to_value(crate::openapi::document()).unwrap();
        let schemas = &document["components"]["schemas"];
        accepted_by::<journal_entry::JournalLineInput>("JournalLineInput", schemas);
        accepted_by::<chart::OpenAccount>("OpenAccount", schemas);
        accepted_by::<calendar::OpenFiscalYear>("OpenFiscalYear", schemas);
        accepted_by::<tax::DefineTaxRate>("DefineTaxRate", schemas);
        accepted_by::<budget::BudgetAmountInput>("BudgetAmountInput", schemas);
        accepted_by::<exchange_rates::RateInput>("RateInput", schemas);
        accepted_by::<invoice::InvoiceLineInput>("InvoiceLineInput", schemas);
        accepted_by::<invoice::IssueInvoice>("IssueInvoice", schemas);
        accepted_by::<invoice::VoidInvoice>("VoidInvoice", schemas);
        accepted_by::<payment::AllocationInput>("AllocationInput", schemas);
        accepted_by::<item::DefineItem>("DefineItem", schemas);
        accepted_by::<locations::OpenLocation>("OpenLocation", schemas);
        accepted_by::<stock::ReceiveStock>("ReceiveStock", schemas);
        accepted_by::<stock::IssueStock>("IssueStock", schemas);
        accepted_by::<stock::TransferStock>("TransferStock", schemas);
        accepted_by::<stock::AdjustStock>("AdjustStock", schemas);
        accepted_by::<stock::ReserveStock>("ReserveStock", schemas);
        accepted_by::<stock::ReleaseReservation>("ReleaseReservation", schemas);
        accepted_by::<order_lines::OrderLineInput>("OrderLineInput", schemas);
        accepted_by::<order_lines::LineQuantityInput>("LineQuantityInput", schemas);
        accepted_by::<sales_order::CancelOrder>("CancelOrder", schemas);
        accepted_by::<purchase_order::CancelPurchaseOrder>("CancelOrder", schemas);
        accepted_by::<purchase_order::RecordBill>("RecordBill", schemas);
        accepted_by::<opportunity::MoveOpportunity>("MoveOpportunity", schemas);
        accepted_by::<opportunity::LoseOpportunity>("LoseOpportunity", schemas);
        accepted_by::<customer::RegisterCustomer>("RegisterCustomer", schemas);
        accepted_by::<customer::ContactInput>("ContactInput", schemas);
        accepted_by::<customer::AddressInput>("AddressInput", schemas);
        accepted_by::<employee::TransferEmployee>("TransferEmployee", schemas);
        accepted_by::<employee::ChangeSalary>("ChangeSalary", schemas);
        accepted_by::<employee::TerminateEmployee>("TerminateEmployee", schemas);
        accepted_by::<bill_of_materials::BomLineInput>("BomLineInput", schemas);
        accepted_by::<work_order::CompleteWorkOrder>("CompleteWorkOrder", schemas);
        accepted_by::<work_order::ScrapWorkOrder>("ScrapWorkOrder", schemas);
    }
}
