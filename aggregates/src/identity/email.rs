//! A user's email address, parsed once: trimmed, lower-cased, at most
//! [`MAX_EMAIL_CHARS`] characters and of the form `local@domain.tld`.
//!
//! The check is deliberately the common subset of RFC 5321/5322 that sign-in forms accept —
//! a dot-atom local part, a domain of at least two labels and a top-level domain of two or more
//! characters that is not all digits — not the whole grammar (no quoted local parts, no IP
//! literals). Whether the mailbox exists is not its business.

use std::fmt;

/// Longest email address, in characters (RFC 5321's path limit less its angle brackets).
pub const MAX_EMAIL_CHARS: usize = 254;
/// Longest part before the `@`, in characters (RFC 5321).
pub const MAX_LOCAL_PART_CHARS: usize = 64;
/// Longest label of the domain, in characters (RFC 1035).
const MAX_LABEL_CHARS: usize = 63;
/// The characters a local part may have besides letters, digits and dots (RFC 5322 `atext`).
const LOCAL_PART_SPECIALS: &str = "!#$%&'*+/=?^_`{|}~-";

/// A valid, normalised email address.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Email(String);

/// Why a text is not an email address.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EmailError {
    /// Empty or only whitespace.
    #[error("email must not be blank")]
    Blank,
    /// More than [`MAX_EMAIL_CHARS`] characters once trimmed.
    #[error("email has {chars} characters; at most {max} are allowed")]
    TooLong {
        /// Length in characters, trimmed.
        chars: usize,
        /// The limit.
        max: usize,
    },
    /// Not of the form `local@domain.tld`.
    #[error("email {email:?} is not of the form name@domain.tld: {problem}")]
    Malformed {
        /// The address, trimmed and lower-cased.
        email: String,
        /// What is wrong with it.
        problem: &'static str,
    },
}

impl Email {
    /// `text` trimmed and lower-cased, if it is a valid address.
    ///
    /// # Errors
    /// The first rule the address breaks, as an [`EmailError`].
    pub fn parse(text: &str) -> Result<Self, EmailError> {
        let email = text.trim().to_lowercase();
        if email.is_empty() {
            return Err(EmailError::Blank);
        }
        let chars = email.chars().count();
        if chars > MAX_EMAIL_CHARS {
            return Err(EmailError::TooLong { chars, max: MAX_EMAIL_CHARS });
        }
        match malformation(&email) {
            Some(problem) => Err(EmailError::Malformed { email, problem }),
            None => Ok(Self(email)),
        }
    }

    /// The address, trimmed and lower-cased.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The address as an owned string.
    #[must_use]
    pub fn into_string(self) -> String {
        self.0
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// What is wrong with the trimmed, lower-cased, non-empty `email`; `None` when nothing is.
fn malformation(email: &str) -> Option<&'static str> {
    let Some((local, domain)) = email.split_once('@') else {
        return Some("it has no @");
    };
    if domain.contains('@') {
        return Some("it has more than one @");
    }
    local_part_malformation(local).or_else(|| domain_malformation(domain))
}

/// What is wrong with the part before the `@`; `None` when nothing is.
fn local_part_malformation(local: &str) -> Option<&'static str> {
    if local.is_empty() {
        return Some("nothing comes before the @");
    }
    if local.chars().count() > MAX_LOCAL_PART_CHARS {
        return Some("the part before the @ has more than 64 characters");
    }
    if !local.chars().all(|c| c.is_alphanumeric() || c == '.' || LOCAL_PART_SPECIALS.contains(c)) {
        return Some("the part before the @ has a character other than letters, digits, '.' and !#$%&'*+/=?^_`{|}~-");
    }
    if local.split('.').any(str::is_empty) {
        return Some("the part before the @ starts or ends with '.' or has '..'");
    }
    None
}

/// What is wrong with the part after the `@`; `None` when nothing is.
fn domain_malformation(domain: &str) -> Option<&'static str> {
    let labels: Vec<&str> = domain.split('.').collect();
    let tld = labels.last().copied().unwrap_or_default();
    if labels.len() < 2 {
        return Some("the domain has no '.', as in example.com");
    }
    let label_ok = |label: &&str| {
        !label.is_empty()
            && label.chars().count() <= MAX_LABEL_CHARS
            && label.chars().all(|c| c.is_alphanumeric() || c == '-')
            && !label.starts_with('-')
            && !label.ends_with('-')
    };
    if !labels.iter().all(label_ok) {
        return Some(
            "a part of the domain is empty, longer than 63 characters, starts or ends with '-', or has a character other than letters, digits and '-'",
        );
    }
    if tld.chars().count() < 2 || tld.chars().all(|c| c.is_ascii_digit()) {
        return Some("the top-level domain has fewer than two characters or only digits");
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problem(text: &str) -> &'static str {
        match Email::parse(text) {
            Err(EmailError::Malformed { problem, .. }) => problem,
            other => panic!("{text:?}: expected malformed, got {other:?}"),
        }
    }

    #[test]
    fn an_address_is_trimmed_and_lower_cased() {
        let email = Email::parse("  Ada.Lovelace+ERP@Example.CO.uk \n").unwrap();
        assert_eq!(email.as_str(), "ada.lovelace+erp@example.co.uk");
        assert_eq!(email.to_string(), "ada.lovelace+erp@example.co.uk");
        assert_eq!(email.into_string(), "ada.lovelace+erp@example.co.uk");
    }

    #[test]
    fn common_addresses_are_accepted() {
        for text in [
            "a@b.co",
            "first.last@example.com",
            "o'brien@example.ie",
            "x_y-z@sub-domain.example.org",
            "jörg@müller.de",
            "user@xn--mller-kva.de",
            "1@2.example",
        ] {
            assert!(Email::parse(text).is_ok(), "{text}");
        }
    }

    #[test]
    fn a_blank_address_is_refused() {
        for text in ["", "   ", "\t\n"] {
            assert_eq!(Email::parse(text), Err(EmailError::Blank), "{text:?}");
        }
    }

    #[test]
    fn an_address_of_254_characters_is_accepted_and_one_of_255_refused() {
        let local = "l".repeat(MAX_LOCAL_PART_CHARS);
        let filler = MAX_EMAIL_CHARS - MAX_LOCAL_PART_CHARS - "@..".len() - 2 * 63 - ".com".len();
        let at_limit = format!("{local}@{}.{}.{}.com", "d".repeat(63), "e".repeat(63), "f".repeat(filler));
        assert_eq!(at_limit.chars().count(), MAX_EMAIL_CHARS);
        assert!(Email::parse(&at_limit).is_ok());
        assert!(Email::parse(&format!("  {at_limit}  ")).is_ok(), "whitespace around does not count");
        let over = format!("x{at_limit}");
        assert_eq!(Email::parse(&over), Err(EmailError::TooLong { chars: 255, max: MAX_EMAIL_CHARS }));
    }

    #[test]
    fn the_part_before_the_at_must_be_a_dot_atom_of_at_most_64_characters() {
        assert!(Email::parse(&format!("{}@example.com", "a".repeat(64))).is_ok());
        assert_eq!(
            problem(&format!("{}@example.com", "a".repeat(65))),
            "the part before the @ has more than 64 characters"
        );
        assert_eq!(problem("@example.com"), "nothing comes before the @");
        for text in ["a b@example.com", "a\"b@example.com", "a(b)@example.com", "a,b@example.com"] {
            assert!(problem(text).contains("a character other than"), "{text}");
        }
        for text in [".a@example.com", "a.@example.com", "a..b@example.com"] {
            assert_eq!(problem(text), "the part before the @ starts or ends with '.' or has '..'", "{text}");
        }
    }

    #[test]
    fn exactly_one_at_is_needed() {
        assert_eq!(problem("ada.example.com"), "it has no @");
        assert_eq!(problem("ada@lovelace@example.com"), "it has more than one @");
    }

    #[test]
    fn the_domain_needs_two_or_more_well_formed_labels_and_a_real_top_level_domain() {
        assert_eq!(problem("ada@localhost"), "the domain has no '.', as in example.com");
        assert_eq!(problem("ada@"), "the domain has no '.', as in example.com");
        for text in [
            "ada@.com",
            "ada@example.",
            "ada@example..com",
            "ada@-example.com",
            "ada@example-.com",
            "ada@exa_mple.com",
            "ada@exa mple.com",
            &format!("ada@{}.com", "d".repeat(64)),
        ] {
            assert!(problem(text).starts_with("a part of the domain"), "{text}");
        }
        assert!(Email::parse(&format!("ada@{}.com", "d".repeat(63))).is_ok());
        for text in ["ada@example.c", "ada@10.0.0.1", "ada@example.123"] {
            assert_eq!(problem(text), "the top-level domain has fewer than two characters or only digits", "{text}");
        }
    }

    #[test]
    fn the_error_messages_name_the_address_and_the_problem() {
        assert_eq!(
            Email::parse(" Ada@Localhost ").unwrap_err().to_string(),
            "email \"ada@localhost\" is not of the form name@domain.tld: the domain has no '.', as in example.com"
        );
        assert_eq!(
            Email::parse(&"a".repeat(300)).unwrap_err().to_string(),
            "email has 300 characters; at most 254 are allowed"
        );
    }
}
