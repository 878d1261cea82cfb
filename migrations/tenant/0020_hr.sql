-- Talent (HR). Two kinds of table:
--
-- `hr_personal_data_keys` is NOT a read model: it holds each employee's data key, the only way
-- to open the personal data sealed in the employee's events (see `prism_platform::personal_data`).
-- It is written by the command API (a key per hire, deleted on an erasure request), read by the
-- query API, and never rebuilt, replayed or published: a deleted key is gone for good, which is
-- what makes an erasure final.
--
-- `employees` is the employee directory as the `postgres` projector keeps it: one row per
-- employee with its unit, salary and dates, and its personal data still sealed (NULL once erased);
-- the query API opens it with the key. A hire inserts the row (a second insert does nothing); a
-- later event updates it only when its global position is past the row's `last_position`, so a
-- redelivered event changes nothing.

CREATE TABLE hr_personal_data_keys (
    subject_id uuid PRIMARY KEY,
    data_key   bytea NOT NULL CONSTRAINT personal_data_key_is_256_bits CHECK (octet_length(data_key) = 32),
    created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE employees (
    employee_id          uuid PRIMARY KEY,
    personal_data        text,
    personal_data_erased boolean NOT NULL DEFAULT false,
    erased_on            date,
    org_unit_id          text NOT NULL,
    user_id              text,
    salary_minor         bigint NOT NULL CONSTRAINT employee_salary_positive CHECK (salary_minor > 0),
    currency             char(3) NOT NULL,
    hired_on             date NOT NULL,
    terminated_on        date,
    status               text NOT NULL CONSTRAINT employee_status_known CHECK (status IN ('active', 'terminated')),
    updated_at           timestamptz NOT NULL,
    last_position        bigint NOT NULL,
    CONSTRAINT employee_erased_has_no_personal_data CHECK (NOT personal_data_erased OR personal_data IS NULL)
);

CREATE INDEX employees_by_unit ON employees (org_unit_id, employee_id);

-- The payroll runs as the `postgres` projector keeps them: one row per run with its total and
-- status, and one row per line. The salary journal entry posted for an approved run is
-- `journal_entry_id`; the query API reports the run as posted once that entry is in the ledger
-- read model. A redelivered event changes nothing (inserts do nothing on conflict, the approval
-- updates only a row whose `last_position` it is past).
CREATE TABLE payroll_runs (
    payroll_run_id   uuid PRIMARY KEY,
    period           text NOT NULL,
    pay_date         date NOT NULL,
    currency         char(3) NOT NULL,
    total_minor      bigint NOT NULL CONSTRAINT payroll_total_positive CHECK (total_minor > 0),
    line_count       integer NOT NULL,
    status           text NOT NULL CONSTRAINT payroll_status_known CHECK (status IN ('drafted', 'approved')),
    journal_entry_id uuid,
    approved_on      date,
    drafted_at       timestamptz NOT NULL,
    last_position    bigint NOT NULL
);

CREATE INDEX payroll_runs_by_period ON payroll_runs (period, payroll_run_id);

CREATE TABLE payroll_run_lines (
    payroll_run_id uuid NOT NULL REFERENCES payroll_runs (payroll_run_id),
    employee_id    uuid NOT NULL,
    gross_minor    bigint NOT NULL,
    PRIMARY KEY (payroll_run_id, employee_id)
);
