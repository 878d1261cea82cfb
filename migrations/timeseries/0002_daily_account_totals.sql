-- Daily revenue and expense per account. The time-series database has no chart of accounts
-- (the chart lives in the main database, possibly on another server), so the `timescale`
-- projector keeps the one fact it needs of each account, its type, in `posting_accounts`,
-- followed from the chart-of-accounts topic, and stamps it on each posting row:
--   * at insert, from `posting_accounts` when the account is already known;
--   * afterwards, when the account's `AccountOpened` arrives later (topics are not ordered
--     with each other), by one UPDATE of that account's unstamped rows.
-- An account's type never changes, so the stamp never goes stale. Readers classify with
-- `COALESCE(posting_accounts.account_type, <stamped type>)`, so a continuous aggregate still
-- holding a bucket materialized before the stamp classifies correctly too.
--
-- `daily_account_totals` (day, account, account_type, currency, closing, debit_minor,
-- credit_minor, postings) sums postings per UTC day: a continuous aggregate with a refresh
-- policy where the timescaledb extension exists, a plain view computed with date_bin where it
-- does not. Same columns, types and rows either way. `posting_accounts` is not called `accounts`: when
-- the time-series database is the main one (the local default), this migration runs in the
-- same tenant schema as the chart read model, which already has an `accounts` table.

ALTER TABLE postings ADD COLUMN IF NOT EXISTS account_type text;
-- Lines of a fiscal year's closing entry (income and expense zeroed into retained earnings):
-- real postings, but no revenue or expense of their day.
ALTER TABLE postings ADD COLUMN IF NOT EXISTS closing boolean NOT NULL DEFAULT false;

CREATE TABLE IF NOT EXISTS posting_accounts (
    code          text PRIMARY KEY,
    account_type  text NOT NULL,
    last_position bigint NOT NULL
);

DO $$
DECLARE
    timescale_schema name;
BEGIN
    SELECT n.nspname INTO timescale_schema
      FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
     WHERE e.extname = 'timescaledb';
    IF FOUND THEN
        -- WITH NO DATA: a continuous aggregate created WITH DATA cannot be created inside
        -- the migration's transaction. The policy materializes it; until then (and always
        -- for the newest buckets) real-time aggregation reads the hypertable itself.
        EXECUTE format(
            $cagg$
            CREATE MATERIALIZED VIEW IF NOT EXISTS daily_account_totals
            WITH (timescaledb.continuous, timescaledb.materialized_only = false) AS
            SELECT %I.time_bucket(INTERVAL '1 day', posted_on) AS day,
                   account, account_type, currency, closing,
                   sum(debit_minor) AS debit_minor, sum(credit_minor) AS credit_minor,
                   count(*) AS postings
              FROM postings
             GROUP BY day, account, account_type, currency, closing
            WITH NO DATA
            $cagg$,
            timescale_schema);
        -- Refresh everything but the newest hour every minute: a refresh only recomputes
        -- the buckets invalidated since the last one (back-dated postings, late stamps).
        EXECUTE format(
            'SELECT %I.add_continuous_aggregate_policy(%L::regclass, start_offset => NULL::interval,
                    end_offset => INTERVAL ''1 hour'', schedule_interval => INTERVAL ''1 minute'',
                    if_not_exists => true)',
            timescale_schema, format('%I.daily_account_totals', current_schema()));
    ELSE
        -- 2000-01-03 00:00 UTC is time_bucket's default origin: same days as the aggregate.
        CREATE OR REPLACE VIEW daily_account_totals AS
        SELECT date_bin(INTERVAL '1 day', posted_on, TIMESTAMPTZ '2000-01-03 00:00:00+00') AS day,
               account, account_type, currency, closing,
               sum(debit_minor) AS debit_minor, sum(credit_minor) AS credit_minor,
               count(*) AS postings
          FROM postings
         GROUP BY day, account, account_type, currency, closing;
        -- A range on `day` is a range on this expression: the index serves it.
        CREATE INDEX IF NOT EXISTS postings_by_day
            ON postings (date_bin(INTERVAL '1 day', posted_on, TIMESTAMPTZ '2000-01-03 00:00:00+00'));
    END IF;
END
$$;
