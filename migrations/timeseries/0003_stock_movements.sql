-- The time-series stock movements built by the `timescale` projector: one row per
-- InventoryUpdated, at the time it was recorded, with its quantity, reservation and value
-- changes. The stock of an item at any past time is the sum of its changes up to then; daily
-- movements per item, location and kind are `daily_stock_movements`. A hypertable where the
-- timescaledb extension is available, a plain table where it is not.

CREATE TABLE stock_movements (
    recorded_at           timestamptz NOT NULL,
    movement_id           text NOT NULL,
    sku                   text NOT NULL,
    location              text NOT NULL,
    movement              text NOT NULL,
    quantity_change_milli bigint NOT NULL,
    reserved_change_milli bigint NOT NULL,
    value_change_minor    bigint NOT NULL,
    currency              char(3) NOT NULL,
    reference             text,
    global_position       bigint NOT NULL,
    PRIMARY KEY (global_position, recorded_at)
);

CREATE INDEX stock_movements_by_item_time ON stock_movements (sku, recorded_at);

DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'timescaledb') THEN
        PERFORM create_hypertable('stock_movements', 'recorded_at', if_not_exists => true);
    END IF;
END
$$;

-- `daily_stock_movements` (day, sku, location, movement, movements, quantity_change_milli,
-- value_change_minor): a continuous aggregate where the timescaledb extension exists, the same
-- columns as a plain view with date_bin where it does not (see 0002 for the pattern).
DO $$
DECLARE
    timescale_schema name;
BEGIN
    SELECT n.nspname INTO timescale_schema
      FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
     WHERE e.extname = 'timescaledb';
    IF FOUND THEN
        EXECUTE format(
            $cagg$
            CREATE MATERIALIZED VIEW IF NOT EXISTS daily_stock_movements
            WITH (timescaledb.continuous, timescaledb.materialized_only = false) AS
            SELECT %I.time_bucket(INTERVAL '1 day', recorded_at) AS day, sku, location, movement,
                   count(*) AS movements, sum(quantity_change_milli) AS quantity_change_milli,
                   sum(value_change_minor) AS value_change_minor
              FROM stock_movements
             GROUP BY day, sku, location, movement
            WITH NO DATA
            $cagg$,
            timescale_schema);
        EXECUTE format(
            'SELECT %I.add_continuous_aggregate_policy(%L::regclass, start_offset => NULL::interval,
                    end_offset => INTERVAL ''1 hour'', schedule_interval => INTERVAL ''1 minute'',
                    if_not_exists => true)',
            timescale_schema, format('%I.daily_stock_movements', current_schema()));
    ELSE
        CREATE OR REPLACE VIEW daily_stock_movements AS
        SELECT date_bin(INTERVAL '1 day', recorded_at, TIMESTAMPTZ '2000-01-03 00:00:00+00') AS day,
               sku, location, movement,
               count(*) AS movements, sum(quantity_change_milli) AS quantity_change_milli,
               sum(value_change_minor) AS value_change_minor
          FROM stock_movements
         GROUP BY day, sku, location, movement;
    END IF;
END
$$;
