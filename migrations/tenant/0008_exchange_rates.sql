-- Exchange rates as the `postgres` projector keeps them: one row per currency and date,
-- 1 unit of `currency` = `rate` units of `functional_currency` from `date` on. `rate` is the
-- normalized decimal text of the event, `rate_e9` the same rate × 10^9, exact. The functional
-- currency has a one-row table of its own, so it is known before any rate is set.

CREATE TABLE functional_currency (
    singleton     boolean PRIMARY KEY DEFAULT true CONSTRAINT functional_currency_one_row CHECK (singleton),
    currency      char(3) NOT NULL,
    last_position bigint NOT NULL
);

CREATE TABLE exchange_rates (
    currency            char(3) NOT NULL,
    date                date NOT NULL,
    rate                text NOT NULL,
    rate_e9             bigint NOT NULL CONSTRAINT exchange_rate_positive CHECK (rate_e9 > 0),
    functional_currency char(3) NOT NULL,
    last_position       bigint NOT NULL,
    PRIMARY KEY (currency, date)
);
