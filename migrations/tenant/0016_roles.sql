-- The tenant's custom roles as the `postgres` projector keeps them: one row per role defined
-- (retired ones included, `status` saying which), with the names of the permissions it grants
-- in catalogue order. The built-in roles are not here: they are listed from code. Every row
-- carries the global position of the last event applied to it and is only changed by a later
-- one, so a redelivered event changes nothing.

CREATE TABLE roles (
    name          text PRIMARY KEY,
    description   text NOT NULL,
    permissions   text[] NOT NULL,
    status        text NOT NULL CONSTRAINT role_status_known CHECK (status IN ('active', 'retired')),
    defined_at    timestamptz NOT NULL,
    updated_at    timestamptz NOT NULL,
    last_position bigint NOT NULL
);
