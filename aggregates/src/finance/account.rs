//! Ledger account codes: the identifier a journal line posts to (`1000`, `4000-EU.01`).

use std::fmt;

use serde::{Deserialize, Serialize};

/// Longest accepted account code, in characters.
pub const ACCOUNT_CODE_MAX_CHARS: usize = 20;

/// Why a string is not a valid [`AccountCode`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AccountCodeError {
    /// The code is empty.
    #[error("account code is empty")]
    Empty,
    /// The code is longer than [`ACCOUNT_CODE_MAX_CHARS`].
    #[error("account code has {chars} characters; at most {max} are allowed")]
    TooLong {
        /// Length of the input in characters.
        chars: usize,
        /// The limit.
        max: usize,
    },
    /// The first character is not an ASCII letter or digit.
    #[error("account code must start with an ASCII letter or digit")]
    MustStartAlphanumeric,
    /// A character other than ASCII letters, digits, `-` and `.`.
    #[error("account code contains {found:?} at position {position}; only A-Z, a-z, 0-9, - and . are allowed")]
    InvalidCharacter {
        /// The offending character.
        found: char,
        /// Its 0-based character position.
        position: usize,
    },
}

/// A chart-of-accounts code: 1–20 characters of ASCII letters, digits, `-` and `.`,
/// starting with a letter or digit. Only constructible through [`AccountCode::parse`].
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct AccountCode(String);

impl AccountCode {
    /// Validates an account code; case is kept as given.
    ///
    /// # Errors
    /// [`AccountCodeError`] naming the first rule the input breaks.
    pub fn parse(code: &str) -> Result<Self, AccountCodeError> {
        let chars = code.chars().count();
        if chars == 0 {
            return Err(AccountCodeError::Empty);
        }
        if chars > ACCOUNT_CODE_MAX_CHARS {
            return Err(AccountCodeError::TooLong { chars, max: ACCOUNT_CODE_MAX_CHARS });
        }
        if !code.starts_with(|c: char| c.is_ascii_alphanumeric()) {
            return Err(AccountCodeError::MustStartAlphanumeric);
        }
        let allowed = |c: char| c.is_ascii_alphanumeric() || c == '-' || c == '.';
        if let Some((position, found)) = code.chars().enumerate().find(|&(_, c)| !allowed(c)) {
            return Err(AccountCodeError::InvalidCharacter { found, position });
        }
        Ok(Self(code.to_owned()))
    }

    /// The code as given, e.g. `"4000-EU.01"`.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for AccountCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::str::FromStr for AccountCode {
    type Err = AccountCodeError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl TryFrom<String> for AccountCode {
    type Error = AccountCodeError;

    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<AccountCode> for String {
    fn from(value: AccountCode) -> Self {
        value.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn valid_codes_are_accepted_as_given() {
        for code in ["1", "1000", "4000-EU.01", "A", "cash.eur", &"9".repeat(ACCOUNT_CODE_MAX_CHARS)] {
            assert_eq!(AccountCode::parse(code).unwrap().as_str(), code);
        }
    }

    #[test]
    fn an_empty_code_is_rejected() {
        assert_eq!(AccountCode::parse(""), Err(AccountCodeError::Empty));
    }

    #[test]
    fn a_code_one_over_the_limit_is_rejected() {
        assert_eq!(AccountCode::parse(&"1".repeat(21)), Err(AccountCodeError::TooLong { chars: 21, max: 20 }));
    }

    #[test]
    fn a_code_must_start_alphanumeric() {
        for code in ["-100", ".100", " 100"] {
            assert_eq!(AccountCode::parse(code), Err(AccountCodeError::MustStartAlphanumeric));
        }
    }

    #[test]
    fn a_code_with_other_characters_is_rejected() {
        assert_eq!(AccountCode::parse("10 00"), Err(AccountCodeError::InvalidCharacter { found: ' ', position: 2 }));
        assert!(AccountCode::parse("1000_a").is_err());
        assert!(AccountCode::parse("10ä0").is_err());
    }

    #[test]
    fn serde_round_trips_and_validates() {
        let code = AccountCode::parse("1000").unwrap();
        assert_eq!(serde_json::to_string(&code).unwrap(), "\"1000\"");
        assert_eq!(serde_json::from_str::<AccountCode>("\"1000\"").unwrap(), code);
        assert!(serde_json::from_str::<AccountCode>("\"-1\"").is_err());
    }
}
