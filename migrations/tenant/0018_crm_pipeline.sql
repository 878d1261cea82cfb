-- The sales pipeline and support tickets as the `postgres` projector keeps them. One row per
-- opportunity (leads included: a lead is an opportunity in stage `lead`) with its stage,
-- amount and probability, from which the query API sums the pipeline by stage and currency;
-- one row per support ticket with its service-level due times and the moments they are
-- measured against, and one row per status it entered (its history). Every opportunity and
-- ticket row carries the global position of the last event applied to it and is only changed
-- by a later one; a history row is keyed by the position of its event. So a redelivered event
-- changes nothing.

CREATE TABLE opportunities (
    opportunity_id      uuid PRIMARY KEY,
    customer_id         text NOT NULL,
    title               text NOT NULL,
    owner               text NOT NULL,
    currency            char(3) NOT NULL,
    amount_minor        bigint NOT NULL CONSTRAINT opportunity_amount_not_negative CHECK (amount_minor >= 0),
    probability         integer NOT NULL CONSTRAINT opportunity_probability_percent CHECK (probability BETWEEN 0 AND 100),
    stage               text NOT NULL CONSTRAINT opportunity_stage_known CHECK (stage IN
                            ('lead', 'qualification', 'proposal', 'negotiation', 'won', 'lost')),
    expected_close_date date NOT NULL,
    won_on              date,
    lost_reason         text,
    opened_at           timestamptz NOT NULL,
    updated_at          timestamptz NOT NULL,
    last_position       bigint NOT NULL
);

CREATE INDEX opportunities_by_stage ON opportunities (stage, currency);
CREATE INDEX opportunities_by_close_date ON opportunities (expected_close_date, opportunity_id);

CREATE TABLE support_tickets (
    ticket_id             uuid PRIMARY KEY,
    customer_id           text NOT NULL,
    subject               text NOT NULL,
    priority              text NOT NULL CONSTRAINT ticket_priority_known CHECK (priority IN
                              ('low', 'normal', 'high', 'urgent')),
    status                text NOT NULL CONSTRAINT ticket_status_known CHECK (status IN
                              ('open', 'in_progress', 'resolved', 'closed')),
    assignee              text,
    opened_at             timestamptz NOT NULL,
    first_response_due_at timestamptz NOT NULL,
    resolution_due_at     timestamptz NOT NULL,
    -- The first response, or the resolution when that came first.
    first_responded_at    timestamptz,
    -- The last resolution; cleared when the ticket is reopened.
    resolved_at           timestamptz,
    closed_at             timestamptz,
    last_position         bigint NOT NULL
);

CREATE INDEX support_tickets_by_status ON support_tickets (status, opened_at, ticket_id);
CREATE INDEX support_tickets_by_response_due ON support_tickets (first_response_due_at);
CREATE INDEX support_tickets_by_resolution_due ON support_tickets (resolution_due_at);

CREATE TABLE support_ticket_status_history (
    ticket_id  uuid NOT NULL REFERENCES support_tickets (ticket_id),
    position   bigint NOT NULL,
    status     text NOT NULL,
    changed_at timestamptz NOT NULL,
    PRIMARY KEY (ticket_id, position)
);
