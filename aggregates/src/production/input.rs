//! The input rules the production aggregates share: free text that is non-blank and bounded,
//! quantities that are positive thousandths, and the refusal naming the JSON path that breaks
//! one ([`InputError`]). Each aggregate wraps it in its own error.

use crate::quantity::{Quantity, QuantityError};
use crate::refusal::{Refusal, RefusalKind};
use crate::text::check_text;

/// Most characters of a SKU or location code.
pub const MAX_CODE_CHARS: usize = 100;
/// Most characters of a note or reason.
pub const MAX_NOTE_CHARS: usize = 2_000;

/// An input broke its rule.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InputError {
    /// Empty or only whitespace.
    #[error("{field} is blank")]
    Blank {
        /// The JSON path of the input.
        field: String,
    },
    /// Longer than allowed.
    #[error("{field} has {chars} characters; at most {max} are allowed")]
    TooLong {
        /// The JSON path of the input.
        field: String,
        /// Characters given.
        chars: usize,
        /// Characters allowed.
        max: usize,
    },
    /// Not a positive quantity of at most three decimals.
    #[error("{field} is invalid: {reason}")]
    InvalidQuantity {
        /// The JSON path of the input.
        field: String,
        /// Which quantity rule failed.
        reason: QuantityError,
    },
}

impl Refusal for InputError {
    fn field(&self) -> Option<String> {
        match self {
            InputError::Blank { field }
            | InputError::TooLong { field, .. }
            | InputError::InvalidQuantity { field, .. } => Some(field.clone()),
        }
    }

    fn code(&self) -> &'static str {
        match self {
            InputError::Blank { .. } => "blank",
            InputError::TooLong { .. } => "too_long",
            InputError::InvalidQuantity { .. } => "invalid_quantity",
        }
    }

    fn kind(&self) -> RefusalKind {
        RefusalKind::Invalid
    }
}

/// Refuses `text`, the input at `field`, when it is blank or has more than `max` characters.
///
/// # Errors
/// [`InputError::Blank`] or [`InputError::TooLong`] naming `field`.
pub fn check_field(field: impl Into<String>, text: &str, max: usize) -> Result<(), InputError> {
    let field = field.into();
    check_text(text, max, InputError::Blank { field: field.clone() }, |chars, max| InputError::TooLong {
        field,
        chars,
        max,
    })
}

/// The positive `quantity` at `field`, in thousandths of the unit.
///
/// # Errors
/// [`InputError::InvalidQuantity`] naming `field`.
pub fn positive_milli(field: impl Into<String>, quantity: &Quantity) -> Result<i64, InputError> {
    quantity.milli().map_err(|reason| InputError::InvalidQuantity { field: field.into(), reason })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_input_is_refused_naming_its_path() {
        assert_eq!(check_field("sku", "W", 4), Ok(()));
        let blank = check_field("lines[1].component_sku", " ", 4).unwrap_err();
        assert_eq!((blank.field().as_deref(), blank.code()), (Some("lines[1].component_sku"), "blank"));
        let long = check_field("sku", "abcde", 4).unwrap_err();
        assert_eq!(
            (long.field().as_deref(), long.code(), long.kind()),
            (Some("sku"), "too_long", RefusalKind::Invalid)
        );
        assert_eq!(positive_milli("quantity", &Quantity::new("2.5")), Ok(2_500));
        let zero = positive_milli("lines[0].quantity", &Quantity::new("0")).unwrap_err();
        assert_eq!((zero.field().as_deref(), zero.code()), (Some("lines[0].quantity"), "invalid_quantity"));
    }
}
