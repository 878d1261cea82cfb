//! What the sales and purchase orders share: their priced lines (SKU, quantity, unit price,
//! with each line's net and the order total), the line quantities of a shipment, return or
//! receipt (`line_no` and quantity, at most what is still open on the line), the text rule of
//! their ids, names and reasons — each refused with one [`OrderInputError`] that names the
//! JSON path at fault — and, for their state, adding line quantities up and the status with
//! its history.
//!
//! Lines are numbered from 1 in the order given; refusals name a line by its 0-based index in
//! the command's `lines` (`lines[2].quantity`).

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::finance::invoice::net_amount_minor;
use crate::quantity::{Quantity, QuantityError};
use crate::refusal::{Refusal, RefusalKind};
use crate::text::check_text;

/// Fewest lines an order, or a shipment, return, receipt, allocation or bill of it, may have.
pub const MIN_LINES: usize = 1;
/// Most lines an order may have.
pub const MAX_LINES: usize = 200;
/// Longest SKU, in characters.
pub const MAX_SKU_CHARS: usize = 100;
/// Longest id (customer, vendor, user, location, shipment, receipt, return, payment), in
/// characters.
pub const MAX_ID_CHARS: usize = 100;
/// Longest customer or vendor name, in characters.
pub const MAX_NAME_CHARS: usize = 200;
/// Longest cancellation reason, in characters.
pub const MAX_REASON_CHARS: usize = 500;

/// One priced line of an order as the client sent it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OrderLineInput {
    /// The item's SKU; non-blank, at most [`MAX_SKU_CHARS`] characters, on one line of the
    /// order only.
    pub sku: String,
    /// How many units: a positive [`Quantity`] (`2.5`, `"0.125"`).
    pub quantity: Quantity,
    /// Price of one unit in minor units of the order's currency; not negative.
    pub unit_price_minor: i64,
}

/// A quantity of one order line, as the client sent it (a shipment, return or receipt line).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LineQuantityInput {
    /// The order line, by its 1-based `line_no`; each line at most once per command.
    pub line_no: i64,
    /// How many units: a positive [`Quantity`], at most what is still open on the line.
    pub quantity: Quantity,
}

/// One priced line of an order, as recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderLine {
    /// 1-based position of the line.
    pub line_no: i32,
    /// The item's SKU.
    pub sku: String,
    /// Quantity ordered, thousandths of the item's unit.
    pub quantity_milli: i64,
    /// Price of one unit, minor units of the order's currency.
    pub unit_price_minor: i64,
    /// Quantity × unit price, rounded half away from zero to minor units.
    pub net_minor: i64,
}

/// A quantity of one order line, as recorded (shipped, returned or received).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LineQuantity {
    /// The order line's 1-based `line_no`.
    pub line_no: i32,
    /// The line's SKU.
    pub sku: String,
    /// The quantity, thousandths of the item's unit.
    pub quantity_milli: i64,
}

/// An order command's input breaks a rule both orders share. Every one is a 422.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OrderInputError {
    /// A text input (id, name, reason, SKU) is empty or only whitespace.
    #[error("{field} must not be blank")]
    Blank {
        /// JSON path of the input.
        field: String,
    },
    /// A text input is too long.
    #[error("{field} has {chars} characters; at most {max} are allowed")]
    TooLong {
        /// JSON path of the input.
        field: String,
        /// Length in characters.
        chars: usize,
        /// The limit.
        max: usize,
    },
    /// No lines.
    #[error("at least {min} line is needed")]
    TooFewLines {
        /// Lines given.
        count: usize,
        /// The minimum.
        min: usize,
    },
    /// Too many lines.
    #[error("at most {max} lines are allowed, got {count}")]
    TooManyLines {
        /// Lines given.
        count: usize,
        /// The limit.
        max: usize,
    },
    /// A SKU already on an earlier line of the order.
    #[error("lines[{line}].sku {sku} is already on lines[{first_line}]")]
    DuplicateSku {
        /// 0-based line index.
        line: usize,
        /// The SKU.
        sku: String,
        /// 0-based index of the line that has it first.
        first_line: usize,
    },
    /// A quantity is not a usable quantity.
    #[error("{field} is invalid: {reason}")]
    InvalidQuantity {
        /// JSON path of the quantity (`lines[0].quantity`).
        field: String,
        /// Which quantity rule failed.
        reason: QuantityError,
    },
    /// A unit price is negative.
    #[error("{field} must not be negative, got {unit_price_minor}")]
    NegativeUnitPrice {
        /// JSON path of the price (`lines[0].unit_price_minor`).
        field: String,
        /// The price given.
        unit_price_minor: i64,
    },
    /// A line's net amount does not fit in 64-bit minor units.
    #[error("lines[{line}]: quantity × unit_price_minor overflows 64-bit minor units")]
    LineAmountOverflow {
        /// 0-based line index.
        line: usize,
    },
    /// The order total does not fit in 64-bit minor units.
    #[error("the order total overflows 64-bit minor units")]
    TotalOverflow,
    /// A `line_no` the order does not have.
    #[error("lines[{line}].line_no {line_no} is not a line of the order")]
    UnknownLine {
        /// 0-based index in the command's lines.
        line: usize,
        /// The line number given.
        line_no: i64,
    },
    /// A `line_no` given twice in one command.
    #[error("lines[{line}].line_no {line_no} is given more than once")]
    RepeatedLine {
        /// 0-based index in the command's lines.
        line: usize,
        /// The line number given.
        line_no: i64,
    },
    /// More than is still open on the line (to ship, to return, to receive).
    #[error(
        "lines[{line}].quantity is {quantity_milli} thousandths; only {open_milli} are still open on line {line_no}"
    )]
    ExceedsOpen {
        /// 0-based index in the command's lines.
        line: usize,
        /// The order line.
        line_no: i32,
        /// The quantity given, thousandths.
        quantity_milli: i64,
        /// What is still open on the line, thousandths.
        open_milli: i64,
    },
}

impl Refusal for OrderInputError {
    fn field(&self) -> Option<String> {
        use OrderInputError as E;
        Some(match self {
            E::Blank { field }
            | E::TooLong { field, .. }
            | E::InvalidQuantity { field, .. }
            | E::NegativeUnitPrice { field, .. } => field.clone(),
            E::TooFewLines { .. } | E::TooManyLines { .. } | E::TotalOverflow => "lines".to_owned(),
            E::DuplicateSku { line, .. } => format!("lines[{line}].sku"),
            E::LineAmountOverflow { line } => format!("lines[{line}]"),
            E::UnknownLine { line, .. } | E::RepeatedLine { line, .. } => format!("lines[{line}].line_no"),
            E::ExceedsOpen { line, .. } => format!("lines[{line}].quantity"),
        })
    }

    fn code(&self) -> &'static str {
        use OrderInputError as E;
        match self {
            E::Blank { .. } => "blank",
            E::TooLong { .. } => "too_long",
            E::TooFewLines { .. } => "too_few_lines",
            E::TooManyLines { .. } => "too_many_lines",
            E::DuplicateSku { .. } => "duplicate_sku",
            E::InvalidQuantity { .. } => "invalid_quantity",
            E::NegativeUnitPrice { .. } => "negative_unit_price",
            E::LineAmountOverflow { .. } => "amount_overflow",
            E::TotalOverflow => "total_overflow",
            E::UnknownLine { .. } => "unknown_line",
            E::RepeatedLine { .. } => "repeated_line",
            E::ExceedsOpen { .. } => "exceeds_open_quantity",
        }
    }

    fn kind(&self) -> RefusalKind {
        RefusalKind::Invalid
    }
}

/// Refuses the text input at `field` when it is blank or longer than `max` characters.
///
/// # Errors
/// [`OrderInputError::Blank`] or [`OrderInputError::TooLong`].
pub(crate) fn check_field(text: &str, max: usize, field: &str) -> Result<(), OrderInputError> {
    check_text(text, max, OrderInputError::Blank { field: field.to_owned() }, |chars, max| OrderInputError::TooLong {
        field: field.to_owned(),
        chars,
        max,
    })
}

/// The positive quantity at `field`, in thousandths.
///
/// # Errors
/// [`OrderInputError::InvalidQuantity`].
fn positive_milli(quantity: &Quantity, field: impl FnOnce() -> String) -> Result<i64, OrderInputError> {
    quantity.milli().map_err(|reason| OrderInputError::InvalidQuantity { field: field(), reason })
}

/// The priced line at 0-based `line` of a command: its quantity (positive, thousandths), unit
/// price (not negative) and net (quantity × unit price, rounded half away from zero), checked
/// in that order.
///
/// # Errors
/// The first rule broken, as an [`OrderInputError`].
pub(crate) fn priced(
    line: usize,
    quantity: &Quantity,
    unit_price_minor: i64,
) -> Result<(i64, i64, i64), OrderInputError> {
    let quantity_milli = positive_milli(quantity, || format!("lines[{line}].quantity"))?;
    if unit_price_minor < 0 {
        return Err(OrderInputError::NegativeUnitPrice {
            field: format!("lines[{line}].unit_price_minor"),
            unit_price_minor,
        });
    }
    let net_minor =
        net_amount_minor(quantity_milli, unit_price_minor).ok_or(OrderInputError::LineAmountOverflow { line })?;
    Ok((quantity_milli, unit_price_minor, net_minor))
}

/// The sum of `nets`, minor units.
///
/// # Errors
/// [`OrderInputError::TotalOverflow`] when it does not fit in an `i64`.
pub(crate) fn total_minor(nets: impl IntoIterator<Item = i64>) -> Result<i64, OrderInputError> {
    nets.into_iter().try_fold(0_i64, i64::checked_add).ok_or(OrderInputError::TotalOverflow)
}

/// Refuses a command's lines when there are fewer than [`MIN_LINES`] or more than `max`.
///
/// # Errors
/// [`OrderInputError::TooFewLines`] or [`OrderInputError::TooManyLines`].
pub(crate) fn check_line_count(count: usize, max: usize) -> Result<(), OrderInputError> {
    if count < MIN_LINES {
        return Err(OrderInputError::TooFewLines { count, min: MIN_LINES });
    }
    if count > max {
        return Err(OrderInputError::TooManyLines { count, max });
    }
    Ok(())
}

/// An order's lines checked in order (count, then each line's SKU, quantity, unit price and
/// net) and numbered from 1, with the order total.
///
/// # Errors
/// The first rule broken, as an [`OrderInputError`].
pub(crate) fn order_lines(inputs: Vec<OrderLineInput>) -> Result<(Vec<OrderLine>, i64), OrderInputError> {
    check_line_count(inputs.len(), MAX_LINES)?;
    let mut first_line_of: HashMap<String, usize> = HashMap::new();
    let mut lines = Vec::with_capacity(inputs.len());
    for (line, input) in inputs.into_iter().enumerate() {
        check_field(&input.sku, MAX_SKU_CHARS, &format!("lines[{line}].sku"))?;
        if let Some(&first_line) = first_line_of.get(&input.sku) {
            return Err(OrderInputError::DuplicateSku { line, sku: input.sku, first_line });
        }
        let (quantity_milli, unit_price_minor, net_minor) = priced(line, &input.quantity, input.unit_price_minor)?;
        first_line_of.insert(input.sku.clone(), line);
        lines.push(OrderLine {
            line_no: line_no_of(line),
            sku: input.sku,
            quantity_milli,
            unit_price_minor,
            net_minor,
        });
    }
    let total = total_minor(lines.iter().map(|line| line.net_minor))?;
    Ok((lines, total))
}

/// The 1-based `line_no` of the line at 0-based `index`.
fn line_no_of(index: usize) -> i32 {
    i32::try_from(index + 1).unwrap_or(i32::MAX)
}

/// The 0-based indexes, into an order of `line_count` lines, of the `line_no`s a command
/// names, in the command's order: at least one, each a line of the order, none twice.
///
/// # Errors
/// The first rule broken, as an [`OrderInputError`].
pub(crate) fn line_indexes(
    line_nos: impl ExactSizeIterator<Item = i64>,
    line_count: usize,
) -> Result<Vec<usize>, OrderInputError> {
    check_line_count(line_nos.len(), MAX_LINES)?;
    let mut indexes = Vec::with_capacity(line_nos.len());
    for (line, line_no) in line_nos.enumerate() {
        let index = usize::try_from(line_no)
            .ok()
            .and_then(|n| n.checked_sub(1))
            .filter(|&index| index < line_count)
            .ok_or(OrderInputError::UnknownLine { line, line_no })?;
        if indexes.contains(&index) {
            return Err(OrderInputError::RepeatedLine { line, line_no });
        }
        indexes.push(index);
    }
    Ok(indexes)
}

/// A line of an order's state, as the helpers below need it.
pub(crate) trait NumberedLine {
    /// 1-based position of the line.
    fn line_no(&self) -> i32;
    /// The item's SKU.
    fn sku(&self) -> &str;
    /// Quantity ordered, thousandths.
    fn ordered_milli(&self) -> i64;
}

/// Whether every one of `lines` is complete once `more` is added to it: `done(line)` plus
/// what `more` has for it reaches the ordered quantity (all shipped, all received).
pub(crate) fn complete_after<L: NumberedLine>(lines: &[L], done: impl Fn(&L) -> i64, more: &[LineQuantity]) -> bool {
    lines.iter().all(|line| {
        let adding: i64 = more.iter().filter(|q| q.line_no == line.line_no()).map(|q| q.quantity_milli).sum();
        done(line) + adding >= line.ordered_milli()
    })
}

/// Adds each `(line_no, quantity_milli)` of `quantities` to the counter `counter` picks of
/// its line in `lines`.
pub(crate) fn add_quantities<L: NumberedLine>(
    lines: &mut [L],
    quantities: impl IntoIterator<Item = (i32, i64)>,
    counter: impl Fn(&mut L) -> &mut i64,
) {
    for (line_no, quantity_milli) in quantities {
        if let Some(line) = lines.iter_mut().find(|line| line.line_no() == line_no) {
            *counter(line) += quantity_milli;
        }
    }
}

/// An order's status with every status it has been in, oldest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct StatusTrail<S> {
    current: S,
    history: Vec<S>,
}

impl<S: Copy + PartialEq> StatusTrail<S> {
    /// A trail that starts in `initial`.
    pub(crate) fn new(initial: S) -> Self {
        Self { current: initial, history: vec![initial] }
    }

    /// The status now.
    pub(crate) fn current(&self) -> S {
        self.current
    }

    /// Every status, oldest first; a move to the status already current adds nothing.
    pub(crate) fn history(&self) -> &[S] {
        &self.history
    }

    /// Moves to `status`, recording it when it changes.
    pub(crate) fn set(&mut self, status: S) {
        if self.current != status {
            self.current = status;
            self.history.push(status);
        }
    }
}

/// A shipment's, return's or receipt's lines checked against the order's `lines` (line
/// numbers, then each quantity: positive and at most `open(line)`, what is still open on it).
///
/// # Errors
/// The first rule broken, as an [`OrderInputError`].
pub(crate) fn line_quantities<L: NumberedLine>(
    inputs: &[LineQuantityInput],
    lines: &[L],
    open: impl Fn(&L) -> i64,
) -> Result<Vec<LineQuantity>, OrderInputError> {
    let indexes = line_indexes(inputs.iter().map(|input| input.line_no), lines.len())?;
    let mut quantities = Vec::with_capacity(inputs.len());
    for (line, (input, index)) in inputs.iter().zip(indexes).enumerate() {
        let quantity_milli = positive_milli(&input.quantity, || format!("lines[{line}].quantity"))?;
        let order_line = &lines[index];
        let open_milli = open(order_line);
        if quantity_milli > open_milli {
            return Err(OrderInputError::ExceedsOpen {
                line,
                line_no: order_line.line_no(),
                quantity_milli,
                open_milli,
            });
        }
        quantities.push(LineQuantity {
            line_no: order_line.line_no(),
            sku: order_line.sku().to_owned(),
            quantity_milli,
        });
    }
    Ok(quantities)
}

#[cfg(test)]
mod tests {
    //! The shared rules at their limits; each order's tests show them refusing its commands.

    use super::*;
    use crate::test_support::assert_error_table;

    fn input(sku: &str, quantity: &str, unit_price_minor: i64) -> OrderLineInput {
        OrderLineInput { sku: sku.to_owned(), quantity: Quantity::new(quantity), unit_price_minor }
    }

    fn quantity(line_no: i64, quantity: &str) -> LineQuantityInput {
        LineQuantityInput { line_no, quantity: Quantity::new(quantity) }
    }

    #[test]
    fn lines_are_numbered_priced_half_away_from_zero_and_totalled() {
        let (lines, total) = order_lines(vec![input("A", "2.5", 1_999), input("B", "0.001", 500)]).unwrap();
        assert_eq!(
            lines[0],
            OrderLine { line_no: 1, sku: "A".into(), quantity_milli: 2_500, unit_price_minor: 1_999, net_minor: 4_998 }
        );
        assert_eq!((lines[1].line_no, lines[1].net_minor), (2, 1), "0.5 minor rounds away from zero");
        assert_eq!(total, 4_999);
    }

    #[test]
    fn line_count_is_one_to_two_hundred() {
        assert_eq!(order_lines(vec![]), Err(OrderInputError::TooFewLines { count: 0, min: 1 }));
        let many = |n: usize| (0..n).map(|i| input(&format!("S{i}"), "1", 1)).collect::<Vec<_>>();
        assert_eq!(order_lines(many(200)).map(|(lines, total)| (lines.len(), total)), Ok((200, 200)));
        assert_eq!(order_lines(many(201)), Err(OrderInputError::TooManyLines { count: 201, max: 200 }));
    }

    #[test]
    fn each_line_is_checked_in_order() {
        assert_eq!(
            order_lines(vec![input("A", "1", 1), input(" ", "1", 1)]),
            Err(OrderInputError::Blank { field: "lines[1].sku".into() })
        );
        let long = "S".repeat(MAX_SKU_CHARS + 1);
        assert_eq!(
            order_lines(vec![input(&long, "1", 1)]),
            Err(OrderInputError::TooLong { field: "lines[0].sku".into(), chars: 101, max: 100 })
        );
        assert!(order_lines(vec![input(&"S".repeat(MAX_SKU_CHARS), "1", 1)]).is_ok());
        assert_eq!(
            order_lines(vec![input("A", "1", 1), input("B", "1", 1), input("A", "2", 1)]),
            Err(OrderInputError::DuplicateSku { line: 2, sku: "A".into(), first_line: 0 })
        );
        for (text, reason) in [
            ("0", QuantityError::NotPositive { text: "0".into() }),
            ("-1", QuantityError::NotPositive { text: "-1".into() }),
            ("1.0001", QuantityError::TooManyDecimals { text: "1.0001".into(), max: 3 }),
        ] {
            assert_eq!(
                order_lines(vec![input("A", text, 1)]),
                Err(OrderInputError::InvalidQuantity { field: "lines[0].quantity".into(), reason })
            );
        }
        assert_eq!(
            order_lines(vec![input("A", "1", -1)]),
            Err(OrderInputError::NegativeUnitPrice { field: "lines[0].unit_price_minor".into(), unit_price_minor: -1 })
        );
        assert!(order_lines(vec![input("A", "1", 0)]).is_ok(), "a free line is allowed");
        assert_eq!(
            order_lines(vec![input("A", "1000000000", i64::MAX)]),
            Err(OrderInputError::LineAmountOverflow { line: 0 })
        );
        assert_eq!(
            order_lines(vec![input("A", "1", i64::MAX), input("B", "1", 1)]),
            Err(OrderInputError::TotalOverflow)
        );
    }

    /// An order line with what is open on it.
    struct Open(i32, &'static str, i64);

    impl NumberedLine for Open {
        fn line_no(&self) -> i32 {
            self.0
        }

        fn sku(&self) -> &str {
            self.1
        }

        fn ordered_milli(&self) -> i64 {
            self.2
        }
    }

    #[test]
    fn line_quantities_name_known_lines_once_and_stay_within_what_is_open() {
        let lines = [Open(1, "A", 5_000), Open(2, "B", 1_000)];
        let open = |line: &Open| line.2;
        assert_eq!(
            line_quantities(&[quantity(2, "1"), quantity(1, "5")], &lines, open),
            Ok(vec![
                LineQuantity { line_no: 2, sku: "B".into(), quantity_milli: 1_000 },
                LineQuantity { line_no: 1, sku: "A".into(), quantity_milli: 5_000 },
            ])
        );
        assert_eq!(line_quantities(&[], &lines, open), Err(OrderInputError::TooFewLines { count: 0, min: 1 }));
        for line_no in [0, 3, -1, i64::MAX] {
            assert_eq!(
                line_quantities(&[quantity(line_no, "1")], &lines, open),
                Err(OrderInputError::UnknownLine { line: 0, line_no })
            );
        }
        assert_eq!(
            line_quantities(&[quantity(1, "1"), quantity(1, "1")], &lines, open),
            Err(OrderInputError::RepeatedLine { line: 1, line_no: 1 })
        );
        assert_eq!(
            line_quantities(&[quantity(2, "1.001")], &lines, open),
            Err(OrderInputError::ExceedsOpen { line: 0, line_no: 2, quantity_milli: 1_001, open_milli: 1_000 })
        );
        assert_eq!(
            line_quantities(&[quantity(1, "0")], &lines, open),
            Err(OrderInputError::InvalidQuantity {
                field: "lines[0].quantity".into(),
                reason: QuantityError::NotPositive { text: "0".into() }
            })
        );
    }

    #[test]
    fn quantities_add_up_to_complete_lines() {
        let mut lines = [Open(1, "A", 5_000), Open(2, "B", 1_000)];
        let more = [LineQuantity { line_no: 2, sku: "B".into(), quantity_milli: 1_000 }];
        assert!(!complete_after(&lines, |_| 0, &more));
        assert!(complete_after(&lines, |line| if line.0 == 1 { 5_000 } else { 0 }, &more));
        add_quantities(&mut lines, [(2, 250), (9, 1)], |line| &mut line.2);
        assert_eq!((lines[0].2, lines[1].2), (5_000, 1_250));
    }

    #[test]
    fn a_status_trail_records_each_change_once() {
        let mut trail = StatusTrail::new('a');
        trail.set('a');
        trail.set('b');
        trail.set('b');
        trail.set('c');
        assert_eq!((trail.current(), trail.history()), ('c', ['a', 'b', 'c'].as_slice()));
    }

    #[test]
    fn text_fields_are_non_blank_and_bounded() {
        assert_eq!(check_field("C-1", MAX_ID_CHARS, "customer_id"), Ok(()));
        assert_eq!(
            check_field("", MAX_ID_CHARS, "customer_id"),
            Err(OrderInputError::Blank { field: "customer_id".into() })
        );
        assert_eq!(
            check_field(&"x".repeat(101), MAX_ID_CHARS, "shipment_id"),
            Err(OrderInputError::TooLong { field: "shipment_id".into(), chars: 101, max: 100 })
        );
    }

    #[test]
    fn error_table() {
        use RefusalKind::Invalid;
        let reason = QuantityError::NotPositive { text: "0".into() };
        assert_error_table(&[
            (OrderInputError::Blank { field: "vendor_id".into() }, Some("vendor_id"), Invalid),
            (OrderInputError::TooLong { field: "reason".into(), chars: 501, max: 500 }, Some("reason"), Invalid),
            (OrderInputError::TooFewLines { count: 0, min: 1 }, Some("lines"), Invalid),
            (OrderInputError::TooManyLines { count: 201, max: 200 }, Some("lines"), Invalid),
            (OrderInputError::DuplicateSku { line: 2, sku: "A".into(), first_line: 0 }, Some("lines[2].sku"), Invalid),
            (
                OrderInputError::InvalidQuantity { field: "lines[1].quantity".into(), reason },
                Some("lines[1].quantity"),
                Invalid,
            ),
            (
                OrderInputError::NegativeUnitPrice { field: "lines[0].unit_price_minor".into(), unit_price_minor: -1 },
                Some("lines[0].unit_price_minor"),
                Invalid,
            ),
            (OrderInputError::LineAmountOverflow { line: 3 }, Some("lines[3]"), Invalid),
            (OrderInputError::TotalOverflow, Some("lines"), Invalid),
            (OrderInputError::UnknownLine { line: 0, line_no: 9 }, Some("lines[0].line_no"), Invalid),
            (OrderInputError::RepeatedLine { line: 1, line_no: 1 }, Some("lines[1].line_no"), Invalid),
            (
                OrderInputError::ExceedsOpen { line: 0, line_no: 1, quantity_milli: 2, open_milli: 1 },
                Some("lines[0].quantity"),
                Invalid,
            ),
        ]);
    }
}
