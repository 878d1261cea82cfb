-- Sales and purchase orders as the `postgres` projector keeps them: one row per order with
-- its counterparty, currency, status and totals, for the open-order lists. Every row carries
-- the global position of the last event applied to it and is only changed by a later one, so
-- a redelivered event changes nothing. Lines, shipments, receipts and bills are in the
-- MongoDB order documents.

CREATE TABLE sales_orders (
    order_id      uuid PRIMARY KEY,
    customer_id   text NOT NULL,
    customer_name text NOT NULL,
    currency      char(3) NOT NULL,
    ship_from     text NOT NULL,
    status        text NOT NULL CONSTRAINT sales_order_status_known CHECK (status IN
                      ('placed', 'confirmed', 'allocated', 'picked', 'partially_shipped', 'shipped', 'delivered',
                       'cancelled')),
    total_minor   bigint NOT NULL,
    paid_minor    bigint NOT NULL DEFAULT 0,
    placed_at     timestamptz NOT NULL,
    last_position bigint NOT NULL
);

CREATE INDEX sales_orders_by_status ON sales_orders (status, placed_at, order_id);

CREATE TABLE purchase_orders (
    order_id      uuid PRIMARY KEY,
    vendor_id     text NOT NULL,
    vendor_name   text NOT NULL,
    currency      char(3) NOT NULL,
    status        text NOT NULL CONSTRAINT purchase_order_status_known CHECK (status IN
                      ('draft', 'submitted', 'approved', 'partially_received', 'received', 'billed', 'closed',
                       'cancelled')),
    total_minor   bigint NOT NULL,
    billed_minor  bigint NOT NULL DEFAULT 0,
    matched       boolean,
    requested_by  text NOT NULL,
    approved_by   text,
    drafted_at    timestamptz NOT NULL,
    last_position bigint NOT NULL
);

CREATE INDEX purchase_orders_by_status ON purchase_orders (status, drafted_at, order_id);
