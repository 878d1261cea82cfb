-- Recruitment (Talent) in the Postgres read model, built by the `postgres` projector from topic
-- prism.hr.job-opening.v1: one row per job opening with its positions, hires and status, and
-- one row per applicant of an opening with their stage and their personal data as the events
-- carry it — sealed under the applicant's data key, opened by the query API, unreadable once
-- erased. Later events update a row only past its `last_position`.

CREATE TABLE job_openings (
    job_opening_id uuid PRIMARY KEY,
    title          text NOT NULL,
    org_unit_id    text NOT NULL,
    positions      integer NOT NULL CONSTRAINT job_opening_positions_positive CHECK (positions > 0),
    hired          integer NOT NULL DEFAULT 0 CONSTRAINT job_opening_hires_within_positions
                       CHECK (hired BETWEEN 0 AND positions),
    status         text NOT NULL CONSTRAINT job_opening_status_known CHECK (status IN ('open', 'filled', 'closed')),
    opened_on      date NOT NULL,
    close_reason   text,
    posted_at      timestamptz NOT NULL,
    updated_at     timestamptz NOT NULL,
    last_position  bigint NOT NULL
);

CREATE INDEX job_openings_by_status ON job_openings (status, opened_on);

CREATE TABLE job_applicants (
    job_opening_id       uuid NOT NULL REFERENCES job_openings (job_opening_id),
    applicant_id         uuid NOT NULL,
    personal_data_sealed text NOT NULL,
    stage                text NOT NULL CONSTRAINT job_applicant_stage_known CHECK (stage IN
                             ('applied', 'screening', 'interview', 'offered', 'hired', 'rejected')),
    applied_on           date NOT NULL,
    rejection_reason     text,
    hired_on             date,
    erased_on            date,
    updated_at           timestamptz NOT NULL,
    last_position        bigint NOT NULL,
    PRIMARY KEY (job_opening_id, applicant_id)
);

CREATE INDEX job_applicants_by_applicant ON job_applicants (applicant_id);
