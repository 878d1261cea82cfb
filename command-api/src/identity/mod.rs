//! Users and signing in on the command side: the users' routes ([`users`]), their
//! credentials kept out of the events ([`credentials`]), passwords checked and hashed with
//! Argon2id ([`passwords`]), login, refresh and logout ([`login`]) and the refresh tokens'
//! sessions in Redis ([`sessions`]).

pub mod credentials;
pub mod login;
pub mod passwords;
pub mod sessions;
pub mod users;
