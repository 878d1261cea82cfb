-- The sales order a won opportunity created, if any (`OpportunityWon.sales_order`), so the
-- pipeline links each win to the order the order-fulfilment process places for it. Null for
-- open and lost opportunities and for wins that created no order.

ALTER TABLE opportunities ADD COLUMN sales_order_id uuid;
