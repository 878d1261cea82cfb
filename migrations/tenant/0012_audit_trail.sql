-- Tamper evidence: every event is chained to the tenant's previous one. In the write
-- transaction, a trigger numbers the event in chain order (chain_seq, gap-free, 1-based) and
-- stores chain_hash = SHA-256(previous event's chain_hash || the event's canonical bytes), the
-- first event chaining to 32 zero bytes. The chain head row serialises the tenant's writers
-- from their insert to their commit, so the chain has one order even when global positions
-- (assigned earlier) commit out of order. `prism-audit verify` recomputes every link.

ALTER TABLE events ADD COLUMN chain_seq bigint, ADD COLUMN chain_hash bytea;

CREATE TABLE event_chain_head (
    only_row  boolean PRIMARY KEY DEFAULT true CONSTRAINT event_chain_head_single_row CHECK (only_row),
    last_seq  bigint NOT NULL,
    last_hash bytea NOT NULL
);

-- The bytes an event's hash covers: its identity, place, type, payload and metadata exactly as
-- stored (json keeps its text), and its recording time in UTC to the microsecond, joined by the
-- unit separator U+001F.
CREATE FUNCTION event_canonical_bytes(
    event_id uuid, aggregate_type text, aggregate_id text, sequence bigint, event_type text,
    event_version text, payload json, metadata json, recorded_at timestamptz
) RETURNS bytea LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT convert_to(concat_ws(chr(31), event_id::text, aggregate_type, aggregate_id, sequence::text, event_type,
                                event_version, payload::text, metadata::text,
                                to_char(recorded_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')),
                      'UTF8')
$$;

CREATE FUNCTION chain_event() RETURNS trigger LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
DECLARE
    head event_chain_head%ROWTYPE;
BEGIN
    SELECT * INTO STRICT head FROM event_chain_head FOR UPDATE;
    NEW.chain_seq := head.last_seq + 1;
    NEW.chain_hash := sha256(head.last_hash || event_canonical_bytes(
        NEW.event_id, NEW.aggregate_type, NEW.aggregate_id, NEW.sequence, NEW.event_type, NEW.event_version,
        NEW.payload, NEW.metadata, NEW.recorded_at));
    UPDATE event_chain_head SET last_seq = NEW.chain_seq, last_hash = NEW.chain_hash;
    RETURN NEW;
END
$$;

-- Chain the events stored before this migration, in global-position order.
INSERT INTO event_chain_head (last_seq, last_hash) VALUES (0, decode(repeat('00', 32), 'hex'));
ALTER TABLE events DISABLE TRIGGER events_are_immutable;
DO $$
DECLARE
    event record;
    head event_chain_head%ROWTYPE;
BEGIN
    SELECT * INTO STRICT head FROM event_chain_head;
    FOR event IN SELECT * FROM events ORDER BY global_position LOOP
        head.last_seq := head.last_seq + 1;
        head.last_hash := sha256(head.last_hash || event_canonical_bytes(
            event.event_id, event.aggregate_type, event.aggregate_id, event.sequence, event.event_type,
            event.event_version, event.payload, event.metadata, event.recorded_at));
        UPDATE events SET chain_seq = head.last_seq, chain_hash = head.last_hash
         WHERE global_position = event.global_position;
    END LOOP;
    UPDATE event_chain_head SET last_seq = head.last_seq, last_hash = head.last_hash;
END
$$;
ALTER TABLE events ENABLE TRIGGER events_are_immutable;

ALTER TABLE events
    ALTER COLUMN chain_seq SET NOT NULL,
    ALTER COLUMN chain_hash SET NOT NULL,
    ADD CONSTRAINT events_chain_seq_unique UNIQUE (chain_seq);

CREATE TRIGGER events_chain BEFORE INSERT ON events FOR EACH ROW EXECUTE FUNCTION chain_event();

-- `prism-audit trace`: every event of one request.
CREATE INDEX events_by_correlation ON events ((metadata ->> 'correlation_id'));
