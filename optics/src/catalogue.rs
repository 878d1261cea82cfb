//! The sources a report reads and the fields each offers: a [`Source`] is one read model of the
//! tenant's Postgres schema (the ledger lines, invoices, sales and purchase orders, stock
//! levels), joined with its reference data; its [`Field`]s are dimensions (what rows are grouped
//! by and filtered on) and measures (what is summed or counted per group). Definitions name
//! fields, never SQL: every expression spliced into a report's query comes from this table, and
//! every value a filter compares with is bound as a parameter.
//!
//! An amount measure (`money`) is summed in minor units per currency, so a report showing one
//! must group by the source's `currency` dimension ([`crate::definition`] checks it).

use crate::table::ColumnKind;

/// What a field is to a report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// A value rows are grouped by, filtered on and sorted by.
    Dimension,
    /// An aggregate over a group's rows; `money` when it is an amount in minor units.
    Measure {
        /// Whether it is an amount, meaningful only per currency.
        money: bool,
    },
}

/// One field of a source.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Field {
    /// Its name in definitions and the report's column.
    pub name: &'static str,
    /// What it means.
    pub description: &'static str,
    /// What its values are.
    pub kind: ColumnKind,
    /// Dimension or measure.
    pub role: Role,
    /// The SQL expression (a dimension) or aggregate (a measure) over the source's tables.
    pub sql: &'static str,
}

/// One read model a report may read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Source {
    /// Its name in definitions.
    pub name: &'static str,
    /// What one row of it is.
    pub description: &'static str,
    /// The `FROM` clause, `{schema}` standing for the tenant's quoted schema.
    pub from: &'static str,
    /// Its dimensions and measures.
    pub fields: &'static [Field],
}

impl Source {
    /// The field named `name`.
    #[must_use]
    pub fn field(&self, name: &str) -> Option<&'static Field> {
        self.fields.iter().find(|field| field.name == name)
    }

    /// The names of the fields of `role` kind (dimensions when `measures` is false).
    pub fn names(&self, measures: bool) -> impl Iterator<Item = &'static str> {
        self.fields.iter().filter(move |field| field.is_measure() == measures).map(|field| field.name)
    }
}

impl Field {
    /// Whether it is a measure.
    #[must_use]
    pub fn is_measure(&self) -> bool {
        matches!(self.role, Role::Measure { .. })
    }

    /// Whether it is an amount in minor units.
    #[must_use]
    pub fn is_money(&self) -> bool {
        matches!(self.role, Role::Measure { money: true })
    }
}

/// The dimension every source with amounts has.
pub const CURRENCY: &str = "currency";

const fn dimension(name: &'static str, kind: ColumnKind, sql: &'static str, description: &'static str) -> Field {
    Field { name, description, kind, role: Role::Dimension, sql }
}

const fn text(name: &'static str, sql: &'static str, description: &'static str) -> Field {
    dimension(name, ColumnKind::Text, sql, description)
}

const fn date(name: &'static str, sql: &'static str, description: &'static str) -> Field {
    dimension(name, ColumnKind::Date, sql, description)
}

const fn amount(name: &'static str, sql: &'static str, description: &'static str) -> Field {
    Field { name, description, kind: ColumnKind::Integer, role: Role::Measure { money: true }, sql }
}

const fn number(name: &'static str, sql: &'static str, description: &'static str) -> Field {
    Field { name, description, kind: ColumnKind::Integer, role: Role::Measure { money: false }, sql }
}

/// Every source, by name.
pub const SOURCES: &[Source] = &[
    Source {
        name: "journal_lines",
        description: "one line of a posted journal entry, with its entry and its account in the chart",
        from: "{schema}.journal_lines l JOIN {schema}.journal_entries e ON e.entry_id = l.entry_id \
               LEFT JOIN {schema}.accounts a ON a.code = l.account",
        fields: &[
            text("account", "l.account", "account code"),
            text("account_name", "a.name", "account name in the chart (empty when not in it)"),
            text("account_type", "a.account_type", "asset, liability, equity, income or expense"),
            text(CURRENCY, "l.currency::text", "ISO 4217 currency of the line"),
            date("entry_date", "e.entry_date", "the entry's date"),
            date("entry_month", "date_trunc('month', e.entry_date)::date", "first day of the entry's month"),
            text("entry_status", "e.status", "posted or reversed"),
            amount("debit_minor", "sum(l.debit_minor)::bigint", "debits, in minor units"),
            amount("credit_minor", "sum(l.credit_minor)::bigint", "credits, in minor units"),
            amount("net_minor", "sum(l.debit_minor - l.credit_minor)::bigint", "debits minus credits"),
            number("line_count", "count(*)", "number of lines"),
        ],
    },
    Source {
        name: "invoices",
        description: "one customer invoice, vendor bill or credit note (drafts included)",
        from: "{schema}.invoices i",
        fields: &[
            text("kind", "i.kind", "customer_invoice, vendor_bill, customer_credit_note or vendor_credit_note"),
            text("status", "i.status", "draft, issued, partially_paid, paid or void"),
            text("number", "i.number", "the document number"),
            text("counterparty_id", "i.counterparty_id", "the customer or vendor"),
            text("counterparty_name", "i.counterparty_name", "the customer's or vendor's name"),
            text(CURRENCY, "i.currency::text", "ISO 4217 currency of the document"),
            date("issue_date", "i.issue_date", "date of issue (empty for a draft)"),
            date("issue_month", "date_trunc('month', i.issue_date)::date", "first day of the month of issue"),
            date("due_date", "i.due_date", "date payment is due"),
            amount("net_total_minor", "coalesce(sum(i.net_total_minor), 0)::bigint", "totals before tax"),
            amount("tax_total_minor", "coalesce(sum(i.tax_total_minor), 0)::bigint", "tax"),
            amount("gross_total_minor", "coalesce(sum(i.gross_total_minor), 0)::bigint", "totals with tax"),
            amount("paid_minor", "sum(i.paid_minor)::bigint", "paid so far"),
            amount("open_minor", "sum(i.open_minor)::bigint", "still open"),
            number("invoice_count", "count(*)", "number of documents"),
        ],
    },
    Source {
        name: "sales_orders",
        description: "one sales order",
        from: "{schema}.sales_orders o",
        fields: &[
            text("customer_id", "o.customer_id", "the customer"),
            text("customer_name", "o.customer_name", "the customer's name"),
            text(
                "status",
                "o.status",
                "placed, confirmed, allocated, picked, (partially_)shipped, delivered, cancelled",
            ),
            text(CURRENCY, "o.currency::text", "ISO 4217 currency of the order"),
            text("ship_from", "o.ship_from", "the location it ships from"),
            date("placed_date", "(o.placed_at AT TIME ZONE 'UTC')::date", "the day it was placed (UTC)"),
            date(
                "placed_month",
                "date_trunc('month', o.placed_at AT TIME ZONE 'UTC')::date",
                "first day of that month",
            ),
            amount("total_minor", "sum(o.total_minor)::bigint", "order totals"),
            amount("paid_minor", "sum(o.paid_minor)::bigint", "paid so far"),
            number("order_count", "count(*)", "number of orders"),
        ],
    },
    Source {
        name: "purchase_orders",
        description: "one purchase order",
        from: "{schema}.purchase_orders o",
        fields: &[
            text("vendor_id", "o.vendor_id", "the vendor"),
            text("vendor_name", "o.vendor_name", "the vendor's name"),
            text("status", "o.status", "draft, submitted, approved, (partially_)received, billed, closed, cancelled"),
            text(CURRENCY, "o.currency::text", "ISO 4217 currency of the order"),
            text("requested_by", "o.requested_by", "who drafted it"),
            date("drafted_date", "(o.drafted_at AT TIME ZONE 'UTC')::date", "the day it was drafted (UTC)"),
            date(
                "drafted_month",
                "date_trunc('month', o.drafted_at AT TIME ZONE 'UTC')::date",
                "first day of that month",
            ),
            amount("total_minor", "sum(o.total_minor)::bigint", "order totals"),
            amount("billed_minor", "sum(o.billed_minor)::bigint", "billed so far"),
            number("order_count", "count(*)", "number of orders"),
        ],
    },
    Source {
        name: "stock_levels",
        description: "the stock of one item at one location",
        from: "{schema}.stock_levels s LEFT JOIN {schema}.items it ON it.sku = s.sku",
        fields: &[
            text("sku", "s.sku", "the item"),
            text("item_name", "it.name", "the item's name"),
            text("location", "s.location", "the location"),
            text(CURRENCY, "s.currency::text", "ISO 4217 currency of the stock's value"),
            number("on_hand_milli", "sum(s.on_hand_milli)::bigint", "quantity on hand, in thousandths"),
            number("reserved_milli", "sum(s.reserved_milli)::bigint", "quantity reserved, in thousandths"),
            number("available_milli", "sum(s.on_hand_milli - s.reserved_milli)::bigint", "on hand minus reserved"),
            amount("value_minor", "sum(s.value_minor)::bigint", "stock value, in minor units"),
        ],
    },
];

/// The source named `name`.
#[must_use]
pub fn source(name: &str) -> Option<&'static Source> {
    SOURCES.iter().find(|source| source.name == name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_source_has_distinct_field_names_and_a_currency_dimension_when_it_has_amounts() {
        for source in SOURCES {
            let mut names: Vec<&str> = source.fields.iter().map(|field| field.name).collect();
            names.sort_unstable();
            names.dedup();
            assert_eq!(names.len(), source.fields.len(), "{}", source.name);
            if source.fields.iter().any(Field::is_money) {
                let currency = source.field(CURRENCY).map(|field| field.role);
                assert_eq!(currency, Some(Role::Dimension), "{}", source.name);
            }
        }
    }
}
