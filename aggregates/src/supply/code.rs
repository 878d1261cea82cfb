//! The rule every supply code follows — an item's SKU and a location's code: 1–[`MAX_CODE_CHARS`]
//! characters of uppercase ASCII letters, digits, `-`, `.` and `_`, starting with a letter or
//! digit (`WIDGET-10`, `WH1.A.03`). Uppercase only, so that `abc` and `ABC` never name two things.

/// Longest SKU or location code, in characters.
pub const MAX_CODE_CHARS: usize = 40;

/// Why a string is not a valid SKU or location code.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CodeError {
    /// The code is empty.
    #[error("code is empty")]
    Empty,
    /// The code is longer than [`MAX_CODE_CHARS`].
    #[error("code has {chars} characters; at most {max} are allowed")]
    TooLong {
        /// Length of the input in characters.
        chars: usize,
        /// The limit.
        max: usize,
    },
    /// A character other than `A`–`Z`, `0`–`9`, `-`, `.` and `_` (lowercase letters included).
    #[error("code contains {found:?} at position {position}; only A-Z, 0-9, -, . and _ are allowed (uppercase only)")]
    InvalidCharacter {
        /// The offending character.
        found: char,
        /// Its 0-based character position.
        position: usize,
    },
    /// The first character is `-`, `.` or `_`.
    #[error("code must start with a letter A-Z or a digit")]
    MustStartAlphanumeric,
}

/// Checks `code` against the [module](self)'s rule; the first rule broken is reported, in the
/// order of [`CodeError`]'s variants.
///
/// # Errors
/// [`CodeError`] naming the first rule `code` breaks.
pub(crate) fn check_code(code: &str) -> Result<(), CodeError> {
    let chars = code.chars().count();
    if chars == 0 {
        return Err(CodeError::Empty);
    }
    if chars > MAX_CODE_CHARS {
        return Err(CodeError::TooLong { chars, max: MAX_CODE_CHARS });
    }
    let allowed = |c: char| c.is_ascii_uppercase() || c.is_ascii_digit() || matches!(c, '-' | '.' | '_');
    if let Some((position, found)) = code.chars().enumerate().find(|&(_, c)| !allowed(c)) {
        return Err(CodeError::InvalidCharacter { found, position });
    }
    if !code.starts_with(|c: char| c.is_ascii_alphanumeric()) {
        return Err(CodeError::MustStartAlphanumeric);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_of_uppercase_letters_digits_and_separators_up_to_the_limit_are_accepted() {
        for code in ["A", "7", "WIDGET-10", "WH1.A.03", "BOLT_M8", "9-.", &"Z".repeat(MAX_CODE_CHARS)] {
            assert_eq!(check_code(code), Ok(()), "{code}");
        }
    }

    #[test]
    fn each_broken_rule_is_named() {
        let too_long = "Z".repeat(MAX_CODE_CHARS + 1);
        let cases = [
            ("", CodeError::Empty),
            (too_long.as_str(), CodeError::TooLong { chars: 41, max: 40 }),
            ("widget", CodeError::InvalidCharacter { found: 'w', position: 0 }),
            ("WIDGEt", CodeError::InvalidCharacter { found: 't', position: 5 }),
            ("A B", CodeError::InvalidCharacter { found: ' ', position: 1 }),
            ("ÄPFEL", CodeError::InvalidCharacter { found: 'Ä', position: 0 }),
            ("A/B", CodeError::InvalidCharacter { found: '/', position: 1 }),
            ("-A", CodeError::MustStartAlphanumeric),
            (".A", CodeError::MustStartAlphanumeric),
            ("_A", CodeError::MustStartAlphanumeric),
        ];
        for (code, expected) in cases {
            assert_eq!(check_code(code), Err(expected), "{code:?}");
        }
    }

    #[test]
    fn length_counts_characters_not_bytes() {
        let code = format!("{}Ä", "A".repeat(MAX_CODE_CHARS));
        assert_eq!(check_code(&code), Err(CodeError::TooLong { chars: 41, max: 40 }));
    }
}
