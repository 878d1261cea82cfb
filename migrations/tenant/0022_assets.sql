-- Plant equipment (Forge assets) in the Postgres read model, built by the `postgres`
-- projector from topic prism.production.asset.v1:
--   * `assets`: one row per asset with its status (running, down, retired), maintenance
--     schedule (interval, next due date, last done) and the downtime under way;
--   * `asset_maintenance`: every maintenance performed;
--   * `asset_downtimes`: every downtime, open (`ended_at` null) until the asset runs again.
-- Later events update `assets` only past its `last_position`; log rows are inserted once.

CREATE TABLE assets (
    asset_id                  uuid PRIMARY KEY,
    name                      text NOT NULL,
    location                  text NOT NULL,
    status                    text NOT NULL CONSTRAINT asset_status_known CHECK (status IN ('running', 'down', 'retired')),
    maintenance_interval_days integer,
    next_maintenance_due      date,
    last_maintenance_on       date,
    down_since                timestamptz,
    retired_on                date,
    registered_at             timestamptz NOT NULL,
    updated_at                timestamptz NOT NULL,
    last_position             bigint NOT NULL
);

CREATE INDEX assets_by_maintenance_due ON assets (next_maintenance_due) WHERE status <> 'retired';

CREATE TABLE asset_maintenance (
    asset_id        uuid NOT NULL REFERENCES assets (asset_id),
    global_position bigint NOT NULL,
    performed_on    date NOT NULL,
    notes           text,
    PRIMARY KEY (asset_id, global_position)
);

CREATE TABLE asset_downtimes (
    asset_id         uuid NOT NULL REFERENCES assets (asset_id),
    started_at       timestamptz NOT NULL,
    ended_at         timestamptz,
    reason           text NOT NULL,
    planned          boolean NOT NULL,
    duration_seconds bigint,
    PRIMARY KEY (asset_id, started_at),
    CONSTRAINT asset_downtime_ends_after_start CHECK (ended_at IS NULL OR ended_at > started_at)
);

CREATE INDEX asset_downtimes_by_time ON asset_downtimes (started_at);
