//! Users and their credentials on the command side: passwords checked and hashed with
//! Argon2id ([`passwords`]).

pub mod passwords;
