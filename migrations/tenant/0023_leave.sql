-- Talent leave: each employee's leave entitlements and requests per year as the `postgres`
-- projector keeps them from the leave account events (`hr.leave_account`), and the balances
-- derived from both. An entitlement row is upserted only by an event past its `last_position`;
-- a request row is inserted once (a second insert does nothing) and its decision updates it
-- only when the event is past the row's `last_position`, so a redelivered event changes nothing.
CREATE TABLE leave_entitlements (
    employee_id      uuid NOT NULL,
    year             integer NOT NULL,
    leave_type       text NOT NULL,
    leave_account_id uuid NOT NULL,
    days             integer NOT NULL CONSTRAINT leave_entitlement_days CHECK (days >= 0),
    updated_at       timestamptz NOT NULL,
    last_position    bigint NOT NULL,
    PRIMARY KEY (employee_id, year, leave_type)
);

CREATE TABLE leave_requests (
    leave_account_id uuid NOT NULL,
    request_id       uuid NOT NULL,
    employee_id      uuid NOT NULL,
    year             integer NOT NULL,
    leave_type       text NOT NULL,
    start_date       date NOT NULL,
    end_date         date NOT NULL,
    working_days     integer NOT NULL,
    note             text,
    status           text NOT NULL
        CONSTRAINT leave_request_status_known CHECK (status IN ('pending', 'approved', 'rejected', 'cancelled')),
    reason           text,
    decided_on       date,
    requested_at     timestamptz NOT NULL,
    last_position    bigint NOT NULL,
    PRIMARY KEY (leave_account_id, request_id)
);

CREATE INDEX leave_requests_by_employee ON leave_requests (employee_id, start_date);
CREATE INDEX leave_requests_by_status ON leave_requests (status, start_date);

-- The balance of each employee, year and leave type that has an entitlement or a request:
-- entitled (null when none is set: the type is not limited), pending and approved working
-- days, and what remains of the entitlement.
CREATE VIEW leave_balances AS
SELECT k.employee_id, k.year, k.leave_type,
       e.days AS entitled_days,
       coalesce(sum(r.working_days) FILTER (WHERE r.status = 'pending'), 0)::integer AS pending_days,
       coalesce(sum(r.working_days) FILTER (WHERE r.status = 'approved'), 0)::integer AS approved_days,
       (e.days - coalesce(sum(r.working_days) FILTER (WHERE r.status IN ('pending', 'approved')), 0))::integer
           AS remaining_days
  FROM (SELECT employee_id, year, leave_type FROM leave_entitlements
        UNION
        SELECT employee_id, year, leave_type FROM leave_requests) AS k
  LEFT JOIN leave_entitlements AS e
         ON e.employee_id = k.employee_id AND e.year = k.year AND e.leave_type = k.leave_type
  LEFT JOIN leave_requests AS r
         ON r.employee_id = k.employee_id AND r.year = k.year AND r.leave_type = k.leave_type
 GROUP BY k.employee_id, k.year, k.leave_type, e.days;
