//! An invoice's amounts and its ledger postings: each line's net and tax, rounded half away
//! from zero to minor units ([`net_amount_minor`], [`tax_amount_minor`]), the tax summed per
//! tax account ([`TaxPosting`]), the balanced posting of an issue ([`issue_posting`]) and the
//! deterministic ids of the journal entries an issue and a void post ([`issue_entry_id_for`],
//! [`void_entry_id_for`]).

use uuid::Uuid;

use super::aggregate::Document;
use super::errors::InvoiceError;
use super::events::InvoiceLine;
use super::kind::InvoiceKind;
use crate::finance::journal_entry::{PostedLine, Side};
use crate::finance::tax::AppliedTaxRate;

/// The id of the journal entry an invoice's issue posts: UUID v5 in the OID namespace of
/// `"<invoice_id>/issue"`, so deciding needs no randomness.
#[must_use]
pub fn issue_entry_id_for(invoice_id: &str) -> Uuid {
    Uuid::new_v5(&Uuid::NAMESPACE_OID, format!("{invoice_id}/issue").as_bytes())
}

/// The id of the journal entry an invoice's void posts: UUID v5 in the OID namespace of
/// `"<invoice_id>/void"`.
#[must_use]
pub fn void_entry_id_for(invoice_id: &str) -> Uuid {
    Uuid::new_v5(&Uuid::NAMESPACE_OID, format!("{invoice_id}/void").as_bytes())
}

/// A line's net amount: `quantity_milli` thousandths × `unit_price_minor`, rounded half away
/// from zero to minor units (2.5 × 1999 = 4997.5 → 4998); `None` when it does not fit in an
/// `i64`.
#[must_use]
pub fn net_amount_minor(quantity_milli: i64, unit_price_minor: i64) -> Option<i64> {
    let product = i128::from(quantity_milli).checked_mul(i128::from(unit_price_minor))?;
    i64::try_from(div_round_half_away(product, 1_000)).ok()
}

/// Tax on `net_minor` at `rate_bp` basis points, rounded half away from zero to minor units;
/// `None` when it does not fit in an `i64`.
#[must_use]
pub fn tax_amount_minor(net_minor: i64, rate_bp: i32) -> Option<i64> {
    let product = i128::from(net_minor).checked_mul(i128::from(rate_bp))?;
    i64::try_from(div_round_half_away(product, 10_000)).ok()
}

/// `numerator / denominator` rounded half away from zero; `denominator` is positive and small.
fn div_round_half_away(numerator: i128, denominator: i128) -> i128 {
    let quotient = numerator / denominator;
    let remainder = numerator % denominator;
    if remainder.abs() * 2 >= denominator {
        quotient + numerator.signum()
    } else {
        quotient
    }
}

/// The tax posted to one tax account, summed over the lines whose tax goes there.
pub(super) struct TaxPosting {
    pub(super) account: String,
    /// The tax codes that post here, in order of first use.
    pub(super) codes: Vec<String>,
    pub(super) amount: i64,
    /// 0-based index of the first line whose tax posts here.
    pub(super) first_line: usize,
}

/// Adds a line's tax to the posting of its tax account: the sales account for customer
/// documents, the purchase account for vendor documents.
pub(super) fn add_tax(
    taxes: &mut Vec<TaxPosting>,
    kind: InvoiceKind,
    applied: &AppliedTaxRate,
    line: usize,
    tax: i64,
) -> Result<(), InvoiceError> {
    let account = if kind.is_customer() { &applied.sales_account } else { &applied.purchase_account };
    match taxes.iter_mut().find(|posting| &posting.account == account) {
        Some(posting) => {
            posting.amount = posting.amount.checked_add(tax).ok_or(InvoiceError::TotalOverflow)?;
            if !posting.codes.contains(&applied.code) {
                posting.codes.push(applied.code.clone());
            }
        }
        None => taxes.push(TaxPosting {
            account: account.clone(),
            codes: vec![applied.code.clone()],
            amount: tax,
            first_line: line,
        }),
    }
    Ok(())
}

/// The balanced posting of an issue: the control account takes the gross total on the kind's
/// control side, every line's account its net and every tax account its tax on the other.
/// Customer documents list the control line first, vendor documents last; zero amounts are
/// left out; lines are numbered from 1.
pub(super) fn issue_posting(
    document: &Document,
    lines: &[InvoiceLine],
    taxes: &[TaxPosting],
    gross: i64,
) -> Vec<PostedLine> {
    let control_side = document.kind.control_side();
    let other_side = match control_side {
        Side::Debit => Side::Credit,
        Side::Credit => Side::Debit,
    };
    let control = (control_side, document.control_account.clone(), gross, Some(document.number.clone()));
    let mut entries = Vec::with_capacity(lines.len() + taxes.len() + 1);
    if document.kind.is_customer() {
        entries.push(control.clone());
    }
    for line in lines {
        entries.push((other_side, line.account.clone(), line.net_minor, Some(line.description.clone())));
    }
    for tax in taxes {
        entries.push((other_side, tax.account.clone(), tax.amount, Some(tax.codes.join(", "))));
    }
    if !document.kind.is_customer() {
        entries.push(control);
    }
    let mut line_no: i32 = 0;
    entries
        .into_iter()
        .filter(|(_, _, amount, _)| *amount != 0)
        .map(|(side, account, amount, memo)| {
            line_no += 1;
            let (debit_minor, credit_minor) = match side {
                Side::Debit => (amount, 0),
                Side::Credit => (0, amount),
            };
            PostedLine {
                line_no,
                account,
                debit_minor,
                credit_minor,
                currency: document.currency.as_str().to_owned(),
                memo,
                functional: None,
            }
        })
        .collect()
}
