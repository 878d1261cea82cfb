-- The identity read model as the `postgres` projector keeps it: one row per user (profile,
-- roles, active or deactivated) and one per organisation unit (company, department, team,
-- with its parent). No credential lives here: passwords and MFA secrets are in
-- `user_credentials`, which the projector never touches. Every row carries the global
-- position of the last event applied to it and is only changed by a later one, so a
-- redelivered event changes nothing.

CREATE TABLE users (
    user_id           uuid PRIMARY KEY,
    email             text NOT NULL,
    name              text NOT NULL,
    organization_unit text,
    roles             text[] NOT NULL,
    status            text NOT NULL CONSTRAINT user_status_known CHECK (status IN ('active', 'deactivated')),
    created_at        timestamptz NOT NULL,
    updated_at        timestamptz NOT NULL,
    last_position     bigint NOT NULL
);

-- The user list pages by email, then id; it filters by status and by unit.
CREATE INDEX users_by_email ON users (email, user_id);
CREATE INDEX users_by_unit ON users (organization_unit, email, user_id);

CREATE TABLE organization_units (
    unit_id       text PRIMARY KEY,
    name          text NOT NULL,
    kind          text NOT NULL CONSTRAINT organization_unit_kind_known CHECK (kind IN ('company', 'department', 'team')),
    parent        text,
    status        text NOT NULL CONSTRAINT organization_unit_status_known CHECK (status IN ('open', 'closed')),
    last_position bigint NOT NULL
);
