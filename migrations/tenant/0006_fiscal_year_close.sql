-- Year-end close in the read model: whether a fiscal year was closed, and by which entry.

ALTER TABLE fiscal_years ADD COLUMN closed boolean NOT NULL DEFAULT false;
ALTER TABLE fiscal_years ADD COLUMN closing_entry_id uuid;

-- Closing entries are part of the ledger (trial balance, balance sheet) but not of the result
-- they close: the income statement leaves them out.
ALTER TABLE journal_entries ADD COLUMN closing boolean NOT NULL DEFAULT false;
