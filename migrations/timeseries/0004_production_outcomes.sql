-- Production yield in the time series, built by the `timescale` projector from the work-order
-- topic: one row in `production_outcomes` per work order that ended after its production
-- started, at the time it ended —
--   * `completed`: its good and scrapped quantities as reported;
--   * `scrapped` while in progress: its whole planned quantity scrapped, nothing good.
-- An order scrapped before it started produced nothing and has no row. A scrapped order's
-- planned quantity comes from its `WorkOrderPlanned`, kept in `production_planned_quantities`
-- (same topic and key, so the plan always arrives first). Yield = good / (good + scrapped),
-- per bucket, item or both, computed by the query API over this table with the same bucket
-- expressions as the postings series. A hypertable where the timescaledb extension is
-- available, a plain table where it is not.

CREATE TABLE production_planned_quantities (
    work_order_id          uuid PRIMARY KEY,
    planned_quantity_milli bigint NOT NULL,
    last_position          bigint NOT NULL
);

CREATE TABLE production_outcomes (
    ended_at                timestamptz NOT NULL,
    work_order_id           uuid NOT NULL,
    sku                     text NOT NULL,
    outcome                 text NOT NULL CHECK (outcome IN ('completed', 'scrapped')),
    good_quantity_milli     bigint NOT NULL,
    scrapped_quantity_milli bigint NOT NULL,
    global_position         bigint NOT NULL,
    PRIMARY KEY (work_order_id, ended_at)
);

CREATE INDEX production_outcomes_by_item_time ON production_outcomes (sku, ended_at);

DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'timescaledb') THEN
        PERFORM create_hypertable('production_outcomes', 'ended_at', if_not_exists => true);
    END IF;
END
$$;
