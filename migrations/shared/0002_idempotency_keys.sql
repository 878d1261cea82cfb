-- The first answer to each Idempotency-Key of a tenant, replayed to retries within 24 hours
-- (command-api/src/idempotency.rs). A row is claimed before the command runs (completed_at
-- null) and completed with the answer after; a claim whose command failed with a server error
-- is deleted, so a retry runs the command again.

CREATE TABLE IF NOT EXISTS idempotency_keys (
    tenant          text NOT NULL,
    idempotency_key text NOT NULL,
    -- SHA-256 of method, path and body: the same key with another request is refused.
    request_hash    bytea NOT NULL,
    claimed_at      timestamptz NOT NULL DEFAULT now(),
    completed_at    timestamptz,
    status          smallint,
    -- The answer's headers as [[name, value], ...], in order.
    headers         jsonb,
    body            bytea,
    PRIMARY KEY (tenant, idempotency_key),
    CONSTRAINT idempotency_answer_complete CHECK ((completed_at IS NULL) = (status IS NULL))
);

CREATE INDEX IF NOT EXISTS idempotency_keys_claimed_at ON idempotency_keys (claimed_at);
