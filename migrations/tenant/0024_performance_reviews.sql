-- Performance reviews (Talent) in the Postgres read model, built by the `postgres` projector
-- from topic prism.hr.performance-review.v1: one row per review with its period, due day,
-- status, rating and the summary as the events carry it — sealed under the employee's data
-- key, opened by the query API, unreadable once the employee's personal data is erased.
-- Later events update a row only past its `last_position`.

CREATE TABLE performance_reviews (
    review_id        uuid PRIMARY KEY,
    employee_id      uuid NOT NULL,
    reviewer_user_id uuid,
    period_start     date NOT NULL,
    period_end       date NOT NULL,
    due_on           date NOT NULL,
    status           text NOT NULL CONSTRAINT review_status_known CHECK (status IN
                         ('open', 'completed', 'acknowledged', 'cancelled')),
    rating           integer CONSTRAINT review_rating_in_range CHECK (rating BETWEEN 1 AND 5),
    summary_sealed   text,
    completed_on     date,
    acknowledged_on  date,
    cancel_reason    text,
    opened_at        timestamptz NOT NULL,
    updated_at       timestamptz NOT NULL,
    last_position    bigint NOT NULL
);

CREATE INDEX performance_reviews_by_employee ON performance_reviews (employee_id, period_end);
CREATE INDEX performance_reviews_by_status ON performance_reviews (status, due_on);
