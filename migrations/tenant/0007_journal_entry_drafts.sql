-- Draft journal entries as the `postgres` projector keeps them: checked entries that post
-- nothing until posted, listed for review. Their lines stay here (as JSON), out of the ledger.

CREATE TABLE journal_entry_drafts (
    entry_id         uuid PRIMARY KEY,
    entry_date       date NOT NULL,
    description      text NOT NULL,
    source_reference text,
    lines            jsonb NOT NULL,
    status           text NOT NULL CONSTRAINT journal_entry_draft_status_known
                         CHECK (status IN ('draft', 'posted', 'discarded')),
    discard_reason   text,
    last_position    bigint NOT NULL
);

CREATE INDEX journal_entry_drafts_open ON journal_entry_drafts (entry_date, entry_id) WHERE status = 'draft';
