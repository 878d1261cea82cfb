//! A posting priced in the functional currency: every line without a functional amount gets
//! one, converted at the rate in force on the posting date ([`ExchangeRates::to_functional`]).
//!
//! Lines are converted cumulatively per currency and side: a line gets the conversion of the
//! running total including it less the conversion of the running total before it. So a posting
//! that balances in every currency balances in the functional currency too, and no line is
//! more than one minor unit away from its own conversion.

use std::collections::HashMap;

use chrono::NaiveDate;

use super::aggregate::ExchangeRates;
use super::errors::RateRefusal;
use crate::finance::journal_entry::{FunctionalAmount, PostedLine};
use crate::money::Currency;

impl ExchangeRates {
    /// `lines`, dated `date`, each with its functional amount: lines that have one keep it (a
    /// reversal keeps the original's); the others are converted. Unchanged when no functional
    /// currency is set.
    ///
    /// # Errors
    /// The 0-based index of the first line that cannot be converted, and why:
    /// [`RateRefusal::MissingRate`] or [`RateRefusal::Overflow`].
    pub fn price_lines(&self, date: NaiveDate, lines: &[PostedLine]) -> Result<Vec<PostedLine>, (usize, RateRefusal)> {
        let Some(functional) = self.functional_currency() else { return Ok(lines.to_vec()) };
        // Per currency and side (debit = true): the running total and its conversion.
        let mut running: HashMap<(Currency, bool), (i64, i64)> = HashMap::new();
        let mut priced = Vec::with_capacity(lines.len());
        for (index, line) in lines.iter().enumerate() {
            let mut line = line.clone();
            // A line's currency was validated when the line was decided.
            if let (None, Ok(currency)) = (&line.functional, Currency::parse(&line.currency)) {
                let debit = line.debit_minor > 0;
                let amount = line.debit_minor.max(line.credit_minor);
                let (total, converted) = running.entry((currency, debit)).or_default();
                let new_total = total
                    .checked_add(amount)
                    .ok_or((index, RateRefusal::Overflow { amount_minor: amount, currency }))?;
                let new_converted =
                    self.to_functional(new_total, currency, date).map_err(|refusal| (index, refusal))?;
                let share = new_converted - *converted;
                (*total, *converted) = (new_total, new_converted);
                line.functional =
                    Some(FunctionalAmount::from_net(functional.as_str(), if debit { share } else { -share }));
            }
            priced.push(line);
        }
        Ok(priced)
    }
}
