-- Customers (CRM, Lens) as the `postgres` projector keeps them: one row per customer with its
-- name, currency, credit limit and status, for the customer list and search and the customer
-- 360. Contacts, addresses and custom fields are in the MongoDB customer documents. Every row
-- carries the global position of the last event applied to it and is only changed by a later
-- one, so a redelivered event changes nothing.

CREATE TABLE customers (
    customer_id        text PRIMARY KEY,
    name               text NOT NULL,
    currency           char(3) NOT NULL,
    credit_limit_minor bigint CONSTRAINT customer_credit_limit_not_negative CHECK (credit_limit_minor >= 0),
    status             text NOT NULL CONSTRAINT customer_status_known CHECK (status IN ('active', 'deactivated')),
    registered_at      timestamptz NOT NULL,
    updated_at         timestamptz NOT NULL,
    last_position      bigint NOT NULL
);

-- The list pages by customer id; a search matches names case-insensitively.
CREATE INDEX customers_by_name ON customers (lower(name), customer_id);

-- A sales order for a registered customer is checked against its credit limit, summing the
-- customer's orders that have shipped nothing yet straight from the event store (so an order
-- placed a moment ago counts even before any projector saw it): this index finds a customer's
-- OrderPlaced events.
CREATE INDEX events_order_placed_by_customer ON events ((payload -> 'OrderPlaced' ->> 'customer_id'))
    WHERE aggregate_type = 'supply.sales_order' AND event_type = 'OrderPlaced';

-- The customer 360 lists a customer's sales orders.
CREATE INDEX sales_orders_by_customer ON sales_orders (customer_id, placed_at, order_id);
