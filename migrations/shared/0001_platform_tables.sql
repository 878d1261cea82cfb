-- Platform tables shared by every tenant: tenant registry, configuration, feature flags,
-- the transactional outbox the relay drains, and projector Kafka checkpoints.

CREATE TABLE IF NOT EXISTS tenant_metadata (
    tenant       text PRIMARY KEY,
    schema_name  text NOT NULL CONSTRAINT tenant_metadata_schema_unique UNIQUE,
    display_name text NOT NULL,
    status       text NOT NULL DEFAULT 'active' CONSTRAINT tenant_status_known CHECK (status IN ('active', 'suspended')),
    created_at   timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE IF NOT EXISTS system_configurations (
    key        text PRIMARY KEY,
    value      jsonb NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE IF NOT EXISTS feature_flags (
    tenant     text NOT NULL REFERENCES tenant_metadata (tenant),
    flag       text NOT NULL,
    enabled    boolean NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant, flag)
);

-- One row per stored event not yet acknowledged by Kafka; filled by a trigger on each
-- tenant's events table in the same transaction as the event, deleted by the relay.
CREATE TABLE IF NOT EXISTS outbox (
    outbox_id       bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tenant          text NOT NULL,
    event_id        uuid NOT NULL,
    global_position bigint NOT NULL,
    aggregate_type  text NOT NULL,
    aggregate_id    text NOT NULL,
    sequence        bigint NOT NULL,
    event_type      text NOT NULL,
    event_version   text NOT NULL,
    payload         json NOT NULL,
    metadata        json NOT NULL,
    recorded_at     timestamptz NOT NULL
);

-- Where each projector resumes in each topic partition; written in the same transaction
-- as the read-model rows it produced.
CREATE TABLE IF NOT EXISTS projector_offsets (
    projector   text NOT NULL,
    topic       text NOT NULL,
    partition   integer NOT NULL,
    next_offset bigint NOT NULL,
    updated_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (projector, topic, partition)
);
