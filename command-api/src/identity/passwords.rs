//! Passwords: the length rule, and Argon2id hashing (the crate's defaults: 19 MiB, 2 passes,
//! one lane, a random 16-byte salt) in the PHC string format stored in `user_credentials`.

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use prism_platform::problem::Problem;

/// Shortest password accepted, in characters.
pub const MIN_CHARS: usize = 12;
/// Longest password accepted, in characters.
pub const MAX_CHARS: usize = 128;

/// `password` (the request's `field`) if it is [`MIN_CHARS`] to [`MAX_CHARS`] characters.
///
/// # Errors
/// 422 `weak-password` naming `field`.
pub fn check(password: &str, field: &str) -> Result<(), Problem> {
    let chars = password.chars().count();
    if (MIN_CHARS..=MAX_CHARS).contains(&chars) {
        Ok(())
    } else {
        Err(Problem::unprocessable(
            "weak-password",
            field,
            format!("a password is {MIN_CHARS} to {MAX_CHARS} characters; this one has {chars}"),
        ))
    }
}

/// The Argon2id PHC string of `password` under a fresh salt.
///
/// # Errors
/// When hashing fails (it does not for passwords within [`MAX_CHARS`]).
pub fn hash(password: &str) -> Result<String, Problem> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .map_err(|e| Problem::internal(&e))
}

/// Whether `password` is the one `stored` (a PHC string) was made from; a malformed `stored`
/// matches nothing.
#[must_use]
pub fn matches(password: &str, stored: &str) -> bool {
    PasswordHash::new(stored).is_ok_and(|hash| Argon2::default().verify_password(password.as_bytes(), &hash).is_ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hash_matches_its_password_only_and_is_salted() {
        let stored = hash("correct horse battery").unwrap();
        assert!(stored.starts_with("$argon2id$"), "{stored}");
        assert!(matches("correct horse battery", &stored));
        assert!(!matches("correct horse batterY", &stored));
        assert_ne!(stored, hash("correct horse battery").unwrap(), "a fresh salt each time");
        assert!(!matches("anything", "not a phc string"));
    }

    #[test]
    fn passwords_are_12_to_128_characters() {
        assert!(check(&"x".repeat(12), "password").is_ok());
        assert!(check(&"é".repeat(128), "password").is_ok());
        for bad in ["x".repeat(11), "x".repeat(129), String::new()] {
            let refused = check(&bad, "admin.password").unwrap_err();
            assert_eq!(refused.status().as_u16(), 422);
        }
    }
}
