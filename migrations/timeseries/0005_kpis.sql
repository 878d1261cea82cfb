-- The facts behind Spectrum's KPIs that the earlier series lack, built by the `timescale`
-- projector:
--   * `posting_accounts.cash`: whether the account is a cash account (its `AccountOpened`),
--     for the cash position;
--   * `receivable_accounts`: the control accounts of customer invoices and credit notes (from
--     `InvoiceDrafted`), for the receivables behind days sales outstanding;
--   * `orders_placed`: one row per sales order placed (`OrderPlaced`), at the time it was
--     recorded, with its currency and total, for orders and average order value.
-- And two daily sums: `daily_orders` (day, currency, orders, total_minor) and
-- `daily_inventory_values` (day, currency, movement, value_change_minor) — continuous aggregates
-- where the timescaledb extension exists, the same columns as plain views with date_bin where
-- it does not (see 0002 for the pattern).

ALTER TABLE posting_accounts ADD COLUMN IF NOT EXISTS cash boolean NOT NULL DEFAULT false;

-- Only the codes: a row says the account is a receivable, whichever event said so first (the
-- projector or the backfill below), so a replay ends with the same rows.
CREATE TABLE IF NOT EXISTS receivable_accounts (
    code text PRIMARY KEY
);

-- Where the time series share the schema with the Postgres read models (the local default), the
-- facts of accounts and invoices already projected are taken from there; orders placed before
-- this migration are not counted.
DO $$
BEGIN
    IF to_regclass('accounts') IS NOT NULL THEN
        UPDATE posting_accounts p SET cash = a.cash FROM accounts a WHERE a.code = p.code AND a.cash;
    END IF;
    IF to_regclass('invoices') IS NOT NULL THEN
        INSERT INTO receivable_accounts (code)
        SELECT DISTINCT control_account FROM invoices
         WHERE kind IN ('customer_invoice', 'customer_credit_note')
        ON CONFLICT (code) DO NOTHING;
    END IF;
END
$$;

CREATE TABLE orders_placed (
    placed_at       timestamptz NOT NULL,
    order_id        text NOT NULL,
    currency        char(3) NOT NULL,
    total_minor     bigint NOT NULL,
    global_position bigint NOT NULL,
    PRIMARY KEY (order_id, placed_at)
);

DO $$
DECLARE
    timescale_schema name;
    view_name text;
BEGIN
    SELECT n.nspname INTO timescale_schema
      FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
     WHERE e.extname = 'timescaledb';
    IF FOUND THEN
        PERFORM create_hypertable('orders_placed', 'placed_at', if_not_exists => true);
        EXECUTE format(
            $cagg$
            CREATE MATERIALIZED VIEW IF NOT EXISTS daily_orders
            WITH (timescaledb.continuous, timescaledb.materialized_only = false) AS
            SELECT %I.time_bucket(INTERVAL '1 day', placed_at) AS day, currency,
                   count(*) AS orders, sum(total_minor) AS total_minor
              FROM orders_placed
             GROUP BY day, currency
            WITH NO DATA
            $cagg$,
            timescale_schema);
        EXECUTE format(
            $cagg$
            CREATE MATERIALIZED VIEW IF NOT EXISTS daily_inventory_values
            WITH (timescaledb.continuous, timescaledb.materialized_only = false) AS
            SELECT %I.time_bucket(INTERVAL '1 day', recorded_at) AS day, currency, movement,
                   sum(value_change_minor) AS value_change_minor
              FROM stock_movements
             GROUP BY day, currency, movement
            WITH NO DATA
            $cagg$,
            timescale_schema);
        FOREACH view_name IN ARRAY ARRAY['daily_orders', 'daily_inventory_values'] LOOP
            EXECUTE format(
                'SELECT %I.add_continuous_aggregate_policy(%L::regclass, start_offset => NULL::interval,
                        end_offset => INTERVAL ''1 hour'', schedule_interval => INTERVAL ''1 minute'',
                        if_not_exists => true)',
                timescale_schema, format('%I.%I', current_schema(), view_name));
        END LOOP;
    ELSE
        CREATE OR REPLACE VIEW daily_orders AS
        SELECT date_bin(INTERVAL '1 day', placed_at, TIMESTAMPTZ '2000-01-03 00:00:00+00') AS day, currency,
               count(*) AS orders, sum(total_minor) AS total_minor
          FROM orders_placed
         GROUP BY day, currency;
        CREATE OR REPLACE VIEW daily_inventory_values AS
        SELECT date_bin(INTERVAL '1 day', recorded_at, TIMESTAMPTZ '2000-01-03 00:00:00+00') AS day, currency,
               movement, sum(value_change_minor) AS value_change_minor
          FROM stock_movements
         GROUP BY day, currency, movement;
    END IF;
END
$$;
