-- The tenant's event store, in the shape postgres-es reads and writes, extended with a
-- global position, an event id and the time it was recorded. Every insert also enqueues
-- an outbox row (same transaction) and wakes the relay. Events are never edited.

CREATE TABLE events (
    aggregate_type  text NOT NULL,
    aggregate_id    text NOT NULL,
    sequence        bigint NOT NULL CONSTRAINT events_sequence_positive CHECK (sequence >= 0),
    event_type      text NOT NULL,
    event_version   text NOT NULL,
    payload         json NOT NULL,
    metadata        json NOT NULL,
    global_position bigint GENERATED ALWAYS AS IDENTITY CONSTRAINT events_global_position_unique UNIQUE,
    event_id        uuid NOT NULL DEFAULT gen_random_uuid() CONSTRAINT events_event_id_unique UNIQUE,
    recorded_at     timestamptz NOT NULL DEFAULT clock_timestamp(),
    PRIMARY KEY (aggregate_type, aggregate_id, sequence)
);

CREATE TABLE snapshots (
    aggregate_type   text NOT NULL,
    aggregate_id     text NOT NULL,
    last_sequence    bigint NOT NULL CHECK (last_sequence >= 0),
    current_snapshot bigint NOT NULL CHECK (current_snapshot >= 0),
    payload          json NOT NULL,
    PRIMARY KEY (aggregate_type, aggregate_id, last_sequence)
);

CREATE FUNCTION enqueue_event_in_outbox() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO shared.outbox (tenant, event_id, global_position, aggregate_type, aggregate_id, sequence,
                               event_type, event_version, payload, metadata, recorded_at)
    VALUES (substr(TG_TABLE_SCHEMA, length('tenant_') + 1), NEW.event_id, NEW.global_position,
            NEW.aggregate_type, NEW.aggregate_id, NEW.sequence, NEW.event_type, NEW.event_version,
            NEW.payload, NEW.metadata, NEW.recorded_at);
    PERFORM pg_notify('prism_outbox', '');
    RETURN NULL;
END
$$;

CREATE TRIGGER events_enqueue_in_outbox
    AFTER INSERT ON events FOR EACH ROW EXECUTE FUNCTION enqueue_event_in_outbox();

CREATE FUNCTION refuse_event_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'events are immutable: % on %.events refused', TG_OP, TG_TABLE_SCHEMA
        USING ERRCODE = 'P0001';
END
$$;

CREATE TRIGGER events_are_immutable
    BEFORE UPDATE OR DELETE ON events FOR EACH ROW EXECUTE FUNCTION refuse_event_change();
