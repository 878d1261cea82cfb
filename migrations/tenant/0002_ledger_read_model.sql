-- The Postgres ledger read model built by the `postgres` projector: journal entries with
-- their lines and running balances per account and currency, plus the ledger of applied
-- global positions the query API consults for consistency tokens.

CREATE TABLE journal_entries (
    entry_id             uuid PRIMARY KEY,
    entry_date           date NOT NULL,
    description          text NOT NULL,
    source_reference     text,
    status               text NOT NULL CONSTRAINT journal_entry_status_known CHECK (status IN ('posted', 'reversed')),
    reverses_entry_id    uuid,
    reversed_by_entry_id uuid,
    reversal_reason      text,
    last_sequence        bigint NOT NULL,
    last_position        bigint NOT NULL,
    recorded_at          timestamptz NOT NULL
);

CREATE INDEX journal_entries_by_date ON journal_entries (entry_date, entry_id);

CREATE TABLE journal_lines (
    entry_id     uuid NOT NULL REFERENCES journal_entries (entry_id),
    line_no      integer NOT NULL,
    account      text NOT NULL,
    currency     char(3) NOT NULL,
    debit_minor  bigint NOT NULL CONSTRAINT journal_line_debit_not_negative CHECK (debit_minor >= 0),
    credit_minor bigint NOT NULL CONSTRAINT journal_line_credit_not_negative CHECK (credit_minor >= 0),
    memo         text,
    PRIMARY KEY (entry_id, line_no)
);

CREATE INDEX journal_lines_by_account ON journal_lines (account, entry_id);

CREATE TABLE account_balances (
    account            text NOT NULL,
    currency           char(3) NOT NULL,
    debit_total_minor  bigint NOT NULL,
    credit_total_minor bigint NOT NULL,
    last_position      bigint NOT NULL,
    PRIMARY KEY (account, currency)
);

CREATE TABLE IF NOT EXISTS projection_applied (
    projector       text NOT NULL,
    global_position bigint NOT NULL,
    applied_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (projector, global_position)
);
