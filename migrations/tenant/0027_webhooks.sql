-- Webhooks (Nexus): the tenant's subscriptions (an endpoint, the event types it wants, the
-- secret its deliveries are signed with, and its delivery state: active or disabled after
-- failing deliveries in a row), one delivery per event and subscription (pending until the
-- endpoint answers 2xx or the retry window ends; a re-delivery from a position adds new ones),
-- and the log of every attempt. Kept by the webhook process manager and the command API; read
-- through the query API. None of it is an event: it is the state of sending events out.

CREATE TABLE webhook_subscriptions (
    subscription_id      uuid PRIMARY KEY,
    url                  text NOT NULL,
    description          text NOT NULL,
    event_types          text[] NOT NULL,
    secret               text NOT NULL,
    status               text NOT NULL CONSTRAINT webhook_subscription_status_known CHECK (status IN ('active', 'disabled')),
    consecutive_failures integer NOT NULL DEFAULT 0,
    last_delivered_at    timestamptz,
    last_failed_at       timestamptz,
    disabled_at          timestamptz,
    disabled_reason      text,
    created_by           text NOT NULL,
    created_at           timestamptz NOT NULL
);

CREATE TABLE webhook_deliveries (
    delivery_id      uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    subscription_id  uuid NOT NULL REFERENCES webhook_subscriptions (subscription_id),
    event_id         uuid NOT NULL,
    event_type       text NOT NULL,
    global_position  bigint NOT NULL,
    redelivery       boolean NOT NULL,
    status           text NOT NULL DEFAULT 'pending' CONSTRAINT webhook_delivery_status_known CHECK (status IN
                         ('pending', 'delivered', 'failed')),
    attempts         integer NOT NULL DEFAULT 0,
    next_attempt_at  timestamptz NOT NULL DEFAULT now(),
    last_status_code integer,
    last_error       text,
    created_at       timestamptz NOT NULL DEFAULT now(),
    finished_at      timestamptz
);

-- An event reaches a subscription once as it happens, however often Kafka redelivers it.
CREATE UNIQUE INDEX webhook_deliveries_once_per_event ON webhook_deliveries (subscription_id, event_id)
    WHERE NOT redelivery;
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at) WHERE status = 'pending';
CREATE INDEX webhook_deliveries_by_subscription ON webhook_deliveries (subscription_id, created_at);

CREATE TABLE webhook_attempts (
    delivery_id  uuid NOT NULL REFERENCES webhook_deliveries (delivery_id),
    attempt      integer NOT NULL,
    attempted_at timestamptz NOT NULL,
    status_code  integer,
    error        text,
    duration_ms  integer NOT NULL,
    PRIMARY KEY (delivery_id, attempt)
);
