-- Supply chain read models as the `postgres` projector keeps them: the item catalog, the
-- warehouse locations, the tenant's supply settings, and stock levels per item and location
-- (on hand, reserved and value; available = on hand − reserved). Every row carries the global
-- position of the last event applied to it, so a redelivered event changes nothing. Reorder
-- suggestions are a view: items whose stock available over all locations is below their
-- reorder point, with the quantity to order.

CREATE TABLE items (
    sku                    text PRIMARY KEY,
    name                   text NOT NULL,
    unit_of_measure        text NOT NULL,
    valuation_method       text NOT NULL CONSTRAINT item_valuation_known CHECK (valuation_method IN ('fifo', 'moving_average')),
    currency               char(3) NOT NULL,
    reorder_point_milli    bigint NOT NULL DEFAULT 0,
    reorder_quantity_milli bigint NOT NULL DEFAULT 0,
    status                 text NOT NULL CONSTRAINT item_status_known CHECK (status IN ('active', 'discontinued')),
    last_position          bigint NOT NULL
);

CREATE TABLE locations (
    code          text PRIMARY KEY,
    name          text NOT NULL,
    kind          text NOT NULL CONSTRAINT location_kind_known CHECK (kind IN ('warehouse', 'zone', 'bin')),
    parent        text,
    warehouse     text NOT NULL,
    status        text NOT NULL CONSTRAINT location_status_known CHECK (status IN ('open', 'closed')),
    last_position bigint NOT NULL
);

CREATE TABLE supply_settings (
    singleton                   boolean PRIMARY KEY DEFAULT true CONSTRAINT supply_settings_one_row CHECK (singleton),
    allow_negative_stock        boolean NOT NULL,
    po_approval_threshold_minor bigint,
    po_approval_currency        char(3),
    last_position               bigint NOT NULL
);

CREATE TABLE stock_levels (
    sku            text NOT NULL,
    location       text NOT NULL,
    on_hand_milli  bigint NOT NULL,
    reserved_milli bigint NOT NULL,
    value_minor    bigint NOT NULL,
    currency       char(3) NOT NULL,
    last_position  bigint NOT NULL,
    PRIMARY KEY (sku, location)
);

CREATE INDEX stock_levels_by_location ON stock_levels (location, sku);

CREATE VIEW reorder_suggestions AS
SELECT i.sku,
       i.name,
       i.unit_of_measure,
       coalesce(sum(s.on_hand_milli - s.reserved_milli), 0)::bigint AS available_milli,
       i.reorder_point_milli,
       greatest(i.reorder_quantity_milli,
                i.reorder_point_milli - coalesce(sum(s.on_hand_milli - s.reserved_milli), 0))::bigint AS suggested_quantity_milli
  FROM items i
  LEFT JOIN stock_levels s ON s.sku = i.sku
 WHERE i.status = 'active' AND i.reorder_point_milli > 0
 GROUP BY i.sku, i.name, i.unit_of_measure, i.reorder_point_milli, i.reorder_quantity_milli
HAVING coalesce(sum(s.on_hand_milli - s.reserved_milli), 0) < i.reorder_point_milli;
