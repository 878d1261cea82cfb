-- The chart of accounts and the fiscal calendar as the `postgres` projector keeps them:
-- the reference data every financial statement joins the ledger lines with.

CREATE TABLE accounts (
    code           text PRIMARY KEY,
    name           text NOT NULL,
    account_type   text NOT NULL CONSTRAINT account_type_known
                       CHECK (account_type IN ('asset', 'liability', 'equity', 'income', 'expense')),
    normal_balance text NOT NULL CONSTRAINT account_normal_balance_known CHECK (normal_balance IN ('debit', 'credit')),
    parent         text,
    header         boolean NOT NULL,
    currency       char(3),
    cash           boolean NOT NULL,
    status         text NOT NULL CONSTRAINT account_status_known CHECK (status IN ('active', 'archived')),
    last_position  bigint NOT NULL
);

CREATE INDEX accounts_by_parent ON accounts (parent, code);

CREATE TABLE fiscal_years (
    year          text PRIMARY KEY,
    start_date    date NOT NULL,
    end_date      date NOT NULL,
    last_position bigint NOT NULL
);

CREATE TABLE fiscal_periods (
    period        text PRIMARY KEY,
    year          text NOT NULL REFERENCES fiscal_years (year),
    number        integer NOT NULL,
    start_date    date NOT NULL,
    end_date      date NOT NULL,
    status        text NOT NULL CONSTRAINT fiscal_period_status_known CHECK (status IN ('open', 'closed', 'locked')),
    status_reason text,
    last_position bigint NOT NULL,
    UNIQUE (year, number)
);

CREATE INDEX fiscal_periods_by_date ON fiscal_periods (start_date, end_date);
