-- Budgets as the `postgres` projector keeps them: the planned amount per budget, account,
-- fiscal period and currency, in the account's normal direction (debit for expenses, credit
-- for income). A cleared amount (set to 0) has no row. The budget-vs-actual report joins it
-- with fiscal_periods for the dates and with journal_lines for the actual amounts.

CREATE TABLE budget_amounts (
    budget        text NOT NULL,
    account       text NOT NULL,
    period        text NOT NULL,
    currency      char(3) NOT NULL,
    amount_minor  bigint NOT NULL CONSTRAINT budget_amount_positive CHECK (amount_minor > 0),
    last_position bigint NOT NULL,
    PRIMARY KEY (budget, account, period, currency)
);
