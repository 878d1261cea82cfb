//! Users and signing in on the command side: the users' routes ([`users`]), the organisation
//! chart they belong to ([`organization`]), the tenant's custom roles they may hold
//! ([`roles`]), their credentials kept out of the events
//! ([`credentials`]), passwords checked and hashed with Argon2id ([`passwords`]), login,
//! refresh and logout ([`login`]), the refresh tokens' sessions in Redis ([`sessions`]), the
//! sign-in attempts per account limited there too ([`login_attempts`]), and multi-factor
//! sign-in ([`mfa`]) with TOTP codes ([`totp`]).

pub mod credentials;
pub mod login;
pub mod login_attempts;
pub mod mfa;
pub mod organization;
pub mod passwords;
pub mod roles;
pub mod sessions;
pub mod totp;
pub mod users;
