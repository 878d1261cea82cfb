//! Tenant identity: the slug that names a tenant's Postgres schema (`tenant_<slug>`),
//! scopes every command, event and header, and is shared by the HTTP layer.

use std::fmt;

use serde::{Deserialize, Serialize};

/// Longest accepted tenant slug, in characters (keeps `tenant_<slug>` a valid Postgres identifier).
pub const TENANT_ID_MAX_CHARS: usize = 40;

/// Why a string is not a valid [`TenantId`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TenantIdError {
    /// The slug is empty.
    #[error("tenant id is empty")]
    Empty,
    /// The slug is longer than [`TENANT_ID_MAX_CHARS`].
    #[error("tenant id has {chars} characters; at most {max} are allowed")]
    TooLong {
        /// Length of the input in characters.
        chars: usize,
        /// The limit.
        max: usize,
    },
    /// The first character is not a lowercase ASCII letter.
    #[error("tenant id must start with a lowercase letter a-z")]
    MustStartWithLetter,
    /// A character other than `a-z`, `0-9` or `_`.
    #[error("tenant id contains {found:?} at position {position}; only a-z, 0-9 and _ are allowed")]
    InvalidCharacter {
        /// The offending character.
        found: char,
        /// Its 0-based character position.
        position: usize,
    },
}

/// A tenant slug: 1–40 characters of lowercase ASCII letters, digits and `_`, starting
/// with a letter. Only constructible through [`TenantId::parse`].
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct TenantId(String);

impl TenantId {
    /// Validates a tenant slug.
    ///
    /// # Errors
    /// [`TenantIdError`] naming the first rule the input breaks.
    pub fn parse(slug: &str) -> Result<Self, TenantIdError> {
        let chars = slug.chars().count();
        if chars == 0 {
            return Err(TenantIdError::Empty);
        }
        if chars > TENANT_ID_MAX_CHARS {
            return Err(TenantIdError::TooLong { chars, max: TENANT_ID_MAX_CHARS });
        }
        if !slug.starts_with(|c: char| c.is_ascii_lowercase()) {
            return Err(TenantIdError::MustStartWithLetter);
        }
        let allowed = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_';
        if let Some((position, found)) = slug.chars().enumerate().find(|&(_, c)| !allowed(c)) {
            return Err(TenantIdError::InvalidCharacter { found, position });
        }
        Ok(Self(slug.to_owned()))
    }

    /// The slug, e.g. `"acme_eu"`.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for TenantId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::str::FromStr for TenantId {
    type Err = TenantIdError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl TryFrom<String> for TenantId {
    type Error = TenantIdError;

    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<TenantId> for String {
    fn from(value: TenantId) -> Self {
        value.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn valid_slugs_are_accepted() {
        for slug in ["a", "acme", "acme_eu_2", "a1", &"a".repeat(TENANT_ID_MAX_CHARS)] {
            assert_eq!(TenantId::parse(slug).unwrap().as_str(), slug);
        }
    }

    #[test]
    fn an_empty_slug_is_rejected() {
        assert_eq!(TenantId::parse(""), Err(TenantIdError::Empty));
    }

    #[test]
    fn a_slug_one_over_the_limit_is_rejected() {
        let slug = "a".repeat(TENANT_ID_MAX_CHARS + 1);
        assert_eq!(TenantId::parse(&slug), Err(TenantIdError::TooLong { chars: 41, max: 40 }));
    }

    #[test]
    fn a_slug_must_start_with_a_lowercase_letter() {
        for slug in ["1acme", "_acme", "Acme", "éacme"] {
            assert_eq!(TenantId::parse(slug), Err(TenantIdError::MustStartWithLetter));
        }
    }

    #[test]
    fn a_slug_with_other_characters_is_rejected() {
        assert_eq!(TenantId::parse("acme-eu"), Err(TenantIdError::InvalidCharacter { found: '-', position: 4 }));
        assert!(TenantId::parse("acmE").is_err());
        assert!(TenantId::parse("ac me").is_err());
    }

    #[test]
    fn serde_round_trips_and_validates() {
        let id = TenantId::parse("acme").unwrap();
        assert_eq!(serde_json::to_string(&id).unwrap(), "\"acme\"");
        assert_eq!(serde_json::from_str::<TenantId>("\"acme\"").unwrap(), id);
        assert!(serde_json::from_str::<TenantId>("\"Acme\"").is_err());
    }
}
