//! The input rules the CRM aggregates share: free text that is non-blank and bounded, and the
//! refusal naming the field that breaks one ([`InputError`]). Each aggregate wraps it in its own
//! error, so one mapping turns any of them into a 422 problem.

use crate::refusal::{Refusal, RefusalKind};
use crate::text::check_text;

/// Most characters of an id (customer, owner, assignee).
pub const MAX_ID_CHARS: usize = 100;
/// Most characters of a title or subject.
pub const MAX_TITLE_CHARS: usize = 200;
/// Most characters of a reason, a resolution or a response note.
pub const MAX_REASON_CHARS: usize = 2_000;

/// A free-text input broke its rule.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InputError {
    /// Empty or only whitespace.
    #[error("{field} is blank")]
    Blank {
        /// The JSON path of the input.
        field: &'static str,
    },
    /// Longer than allowed.
    #[error("{field} has {chars} characters; at most {max} are allowed")]
    TooLong {
        /// The JSON path of the input.
        field: &'static str,
        /// Characters given.
        chars: usize,
        /// Characters allowed.
        max: usize,
    },
}

impl Refusal for InputError {
    fn field(&self) -> Option<String> {
        match self {
            InputError::Blank { field } | InputError::TooLong { field, .. } => Some((*field).to_owned()),
        }
    }

    fn code(&self) -> &'static str {
        match self {
            InputError::Blank { .. } => "blank",
            InputError::TooLong { .. } => "too_long",
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
pub fn check_field(field: &'static str, text: &str, max: usize) -> Result<(), InputError> {
    check_text(text, max, InputError::Blank { field }, |chars, max| InputError::TooLong { field, chars, max })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_text_input_is_refused_naming_its_field() {
        assert_eq!(check_field("title", "Deal", 4), Ok(()));
        let blank = check_field("title", "  ", 4).unwrap_err();
        assert_eq!(
            (blank.field().as_deref(), blank.code(), blank.kind()),
            (Some("title"), "blank", RefusalKind::Invalid)
        );
        let long = check_field("owner", "abcde", 4).unwrap_err();
        assert_eq!(long, InputError::TooLong { field: "owner", chars: 5, max: 4 });
        assert_eq!((long.field().as_deref(), long.code()), (Some("owner"), "too_long"));
    }
}
