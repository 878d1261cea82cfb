-- The time-series postings table built by the `timescale` projector: one row per journal
-- line, by the entry's date. A hypertable where the timescaledb extension is available;
-- a plain table (queried with date_bin) where it is not. Same answers either way.

DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'timescaledb') THEN
        CREATE EXTENSION IF NOT EXISTS timescaledb;
    END IF;
END
$$;

CREATE TABLE postings (
    posted_on       timestamptz NOT NULL,
    entry_id        uuid NOT NULL,
    line_no         integer NOT NULL,
    account         text NOT NULL,
    currency        char(3) NOT NULL,
    debit_minor     bigint NOT NULL,
    credit_minor    bigint NOT NULL,
    global_position bigint NOT NULL,
    PRIMARY KEY (entry_id, line_no, posted_on)
);

CREATE INDEX postings_by_account_time ON postings (account, posted_on);

DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'timescaledb') THEN
        PERFORM create_hypertable('postings', 'posted_on', if_not_exists => true);
    END IF;
END
$$;

CREATE TABLE IF NOT EXISTS projection_applied (
    projector       text NOT NULL,
    global_position bigint NOT NULL,
    applied_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (projector, global_position)
);
