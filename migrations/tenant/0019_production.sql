-- Production (Forge) as the `postgres` projector keeps it. Every version of every bill of
-- materials (`bom_versions`, its lines in `bom_lines`), from which the query API explodes a
-- bill through its levels; one row per work order (`work_orders`: the status board) with the
-- components it needs (`work_order_components`), from which the query API sets the material
-- requirements of open orders against `stock_levels`; one row per quality check
-- (`quality_checks`) with its result. A bill version and its lines are keyed by
-- version and inserted once; a work order row carries the global position of the last event
-- applied to it and is only changed by a later one. So a redelivered event changes nothing.

CREATE TABLE bom_versions (
    sku           text NOT NULL,
    version       integer NOT NULL CONSTRAINT bom_version_positive CHECK (version > 0),
    note          text,
    revised_at    timestamptz NOT NULL,
    last_position bigint NOT NULL,
    PRIMARY KEY (sku, version)
);

CREATE TABLE bom_lines (
    sku            text NOT NULL,
    version        integer NOT NULL,
    line_no        integer NOT NULL,
    component_sku  text NOT NULL,
    quantity_milli bigint NOT NULL CONSTRAINT bom_line_quantity_positive CHECK (quantity_milli > 0),
    PRIMARY KEY (sku, version, line_no),
    CONSTRAINT bom_line_of_version FOREIGN KEY (sku, version) REFERENCES bom_versions (sku, version)
);

CREATE INDEX bom_lines_by_component ON bom_lines (component_sku);

CREATE TABLE work_orders (
    work_order_id           uuid PRIMARY KEY,
    sku                     text NOT NULL,
    quantity_milli          bigint NOT NULL CONSTRAINT work_order_quantity_positive CHECK (quantity_milli > 0),
    bom_version             integer NOT NULL,
    location                text NOT NULL,
    due_date                date,
    status                  text NOT NULL CONSTRAINT work_order_status_known CHECK (status IN
                                ('planned', 'released', 'in_progress', 'completed', 'scrapped')),
    good_quantity_milli     bigint,
    scrapped_quantity_milli bigint,
    scrap_reason            text,
    planned_at              timestamptz NOT NULL,
    released_at             timestamptz,
    started_at              timestamptz,
    finished_at             timestamptz,
    updated_at              timestamptz NOT NULL,
    last_position           bigint NOT NULL
);

CREATE INDEX work_orders_by_status ON work_orders (status, due_date, work_order_id);

CREATE TABLE work_order_components (
    work_order_id  uuid NOT NULL REFERENCES work_orders (work_order_id),
    line_no        integer NOT NULL,
    component_sku  text NOT NULL,
    quantity_milli bigint NOT NULL CONSTRAINT work_order_component_positive CHECK (quantity_milli > 0),
    PRIMARY KEY (work_order_id, line_no)
);

CREATE INDEX work_order_components_by_component ON work_order_components (component_sku);

CREATE TABLE quality_checks (
    quality_check_id    uuid PRIMARY KEY,
    work_order_id       uuid,
    receipt_reference   text,
    sku                 text NOT NULL,
    location            text NOT NULL,
    quantity_milli      bigint NOT NULL CONSTRAINT quality_check_quantity_positive CHECK (quantity_milli > 0),
    result              text NOT NULL CONSTRAINT quality_check_result_known CHECK (result IN ('pass', 'fail')),
    quarantine_location text,
    notes               text,
    completed_at        timestamptz NOT NULL,
    last_position       bigint NOT NULL
);

CREATE INDEX quality_checks_by_work_order ON quality_checks (work_order_id);
CREATE INDEX quality_checks_by_sku ON quality_checks (sku, completed_at);
