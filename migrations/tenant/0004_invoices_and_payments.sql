-- Invoices, payments and tax rates as the `postgres` projector keeps them: the documents behind
-- receivables and payables, with what is open on each, for invoice lists and aging reports.
-- Their ledger postings land in journal_entries / journal_lines like any other entry.

CREATE TABLE tax_rates (
    code             text PRIMARY KEY,
    name             text NOT NULL,
    rate_bp          integer NOT NULL,
    effective_from   date,
    sales_account    text NOT NULL,
    purchase_account text NOT NULL,
    status           text NOT NULL CONSTRAINT tax_rate_status_known CHECK (status IN ('active', 'retired')),
    last_position    bigint NOT NULL
);

CREATE TABLE invoices (
    invoice_id         uuid PRIMARY KEY,
    kind               text NOT NULL CONSTRAINT invoice_kind_known CHECK (kind IN
                           ('customer_invoice', 'vendor_bill', 'customer_credit_note', 'vendor_credit_note')),
    number             text NOT NULL,
    counterparty_id    text NOT NULL,
    counterparty_name  text NOT NULL,
    currency           char(3) NOT NULL,
    control_account    text NOT NULL,
    credits_invoice_id uuid,
    status             text NOT NULL CONSTRAINT invoice_status_known CHECK (status IN
                           ('draft', 'issued', 'partially_paid', 'paid', 'void')),
    issue_date         date,
    due_date           date,
    net_total_minor    bigint,
    tax_total_minor    bigint,
    gross_total_minor  bigint,
    paid_minor         bigint NOT NULL DEFAULT 0,
    open_minor         bigint NOT NULL DEFAULT 0,
    void_date          date,
    void_reason        text,
    last_position      bigint NOT NULL
);

CREATE INDEX invoices_by_counterparty ON invoices (counterparty_id, issue_date);
CREATE INDEX invoices_by_kind_due ON invoices (kind, due_date) WHERE status IN ('issued', 'partially_paid');

CREATE TABLE invoice_lines (
    invoice_id       uuid NOT NULL REFERENCES invoices (invoice_id),
    line_no          integer NOT NULL,
    description      text NOT NULL,
    quantity_milli   bigint NOT NULL,
    unit_price_minor bigint NOT NULL,
    net_minor        bigint,
    account          text NOT NULL,
    tax_code         text,
    tax_rate_bp      integer,
    tax_minor        bigint,
    PRIMARY KEY (invoice_id, line_no)
);

CREATE TABLE invoice_payments (
    invoice_id   uuid NOT NULL REFERENCES invoices (invoice_id),
    payment_id   uuid NOT NULL,
    amount_minor bigint NOT NULL,
    payment_date date NOT NULL,
    PRIMARY KEY (invoice_id, payment_id)
);

CREATE TABLE payments (
    payment_id        uuid PRIMARY KEY,
    direction         text NOT NULL CONSTRAINT payment_direction_known CHECK (direction IN ('received', 'made')),
    counterparty_id   text NOT NULL,
    payment_date      date NOT NULL,
    amount_minor      bigint NOT NULL,
    currency          char(3) NOT NULL,
    bank_account      text NOT NULL,
    control_account   text NOT NULL,
    reference         text,
    unallocated_minor bigint NOT NULL,
    last_position     bigint NOT NULL
);

CREATE TABLE payment_allocations (
    payment_id   uuid NOT NULL REFERENCES payments (payment_id),
    invoice_id   uuid NOT NULL,
    amount_minor bigint NOT NULL,
    PRIMARY KEY (payment_id, invoice_id)
);
