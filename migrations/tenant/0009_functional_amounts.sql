-- Functional-currency amounts in the ledger read model, as the `postgres` projector keeps
-- them: each journal line's amount in the tenant's functional currency (all three columns
-- null when the tenant had no functional currency when the line was posted; a revaluation
-- line has debit_minor = credit_minor = 0 and only a functional amount), and per account and
-- transaction currency the running totals of those amounts. A tenant sets its functional
-- currency once, so one balance row never mixes two.

ALTER TABLE journal_lines
    ADD COLUMN functional_currency     char(3),
    ADD COLUMN functional_debit_minor  bigint CONSTRAINT journal_line_functional_debit_not_negative
                                           CHECK (functional_debit_minor >= 0),
    ADD COLUMN functional_credit_minor bigint CONSTRAINT journal_line_functional_credit_not_negative
                                           CHECK (functional_credit_minor >= 0),
    ADD CONSTRAINT journal_line_functional_complete CHECK (
        (functional_currency IS NULL) = (functional_debit_minor IS NULL)
        AND (functional_currency IS NULL) = (functional_credit_minor IS NULL)
    );

ALTER TABLE account_balances
    ADD COLUMN functional_currency           char(3),
    ADD COLUMN functional_debit_total_minor  bigint NOT NULL DEFAULT 0,
    ADD COLUMN functional_credit_total_minor bigint NOT NULL DEFAULT 0,
    ADD CONSTRAINT account_balance_functional_totals_have_currency CHECK (
        functional_currency IS NOT NULL OR (functional_debit_total_minor = 0 AND functional_credit_total_minor = 0)
    );
