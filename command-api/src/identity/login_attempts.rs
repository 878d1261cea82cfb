//! Sign-in attempts per account, counted in Redis, against password guessing. Every sign-in to
//! an account (tenant and email) counts when it starts, and one that ends in tokens clears the
//! count, so what is counted are the attempts since the last success: wrong passwords, unknown
//! emails, deactivated users, missing and wrong TOTP codes. Once an account has used up
//! [`LoginLimitArgs::failures_max`] in a window of [`LoginLimitArgs::window_secs`] (it starts
//! with the first), each further sign-in is refused ([`Locked`]), the right password included,
//! until the window ends. Counting before checking (one `MULTI`: create with its expiry if
//! absent, increment, read the time left) means guesses sent in parallel cannot slip past the
//! limit. Unknown accounts count like known ones, so a refusal tells nothing about which exist.
//!
//! Keys name the tenant and a SHA-256 digest of the email (`<prefix>:<tenant>:<digest>`). When
//! Redis does not answer, sign-in goes on unlimited (fail open, as it goes on without a refresh
//! token): a warning is logged and `prism_login_attempts_unchecked_total` counts such sign-ins.

use redis::aio::ConnectionManager;
use redis::{AsyncCommands, ExistenceCheck, SetExpiry, SetOptions};

use super::sessions::{digest, within};

/// Attempts an account may fail per window unless configured otherwise.
pub const DEFAULT_FAILURES_MAX: u64 = 5;
/// Length of the window unless configured otherwise, seconds (15 minutes).
pub const DEFAULT_WINDOW_SECS: u64 = 900;

/// Limits on failed sign-ins per account.
#[derive(Debug, Clone, clap::Args)]
pub struct LoginLimitArgs {
    /// Sign-ins that may fail per account (tenant and email) in a window before every further
    /// one is refused until the window ends; 0 turns the limit off.
    #[arg(
        id = "login_failures_max",
        long = "login-failures-max",
        env = "PRISM_LOGIN_FAILURES_MAX",
        default_value_t = DEFAULT_FAILURES_MAX
    )]
    pub failures_max: u64,
    /// Length of the window in seconds; it starts with the account's first failed sign-in.
    #[arg(
        id = "login_window_secs",
        long = "login-window-secs",
        env = "PRISM_LOGIN_WINDOW_SECS",
        default_value_t = DEFAULT_WINDOW_SECS,
        value_parser = clap::value_parser!(u64).range(1..)
    )]
    pub window_secs: u64,
}

impl Default for LoginLimitArgs {
    fn default() -> Self {
        Self { failures_max: DEFAULT_FAILURES_MAX, window_secs: DEFAULT_WINDOW_SECS }
    }
}

/// A sign-in refused because its account failed too often.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Locked {
    /// The limit, [`LoginLimitArgs::failures_max`].
    pub failures_max: u64,
    /// The window, [`LoginLimitArgs::window_secs`].
    pub window_secs: u64,
    /// Seconds until the window ends, at least 1.
    pub retry_after_secs: u64,
}

/// The sign-in attempts of every account, in Redis; cheap to clone.
#[derive(Clone)]
pub struct LoginAttempts {
    redis: ConnectionManager,
    prefix: String,
    limits: LoginLimitArgs,
}

impl LoginAttempts {
    /// Attempts counted in `redis` (see [`super::sessions::connect`]) under keys starting with
    /// `prefix`, limited by `limits`.
    #[must_use]
    pub fn new(redis: ConnectionManager, prefix: &str, limits: &LoginLimitArgs) -> Self {
        Self { redis, prefix: prefix.to_owned(), limits: limits.clone() }
    }

    /// Counts a sign-in to `email` of `tenant` as it starts.
    ///
    /// # Errors
    /// [`Locked`] when the account has failed [`LoginLimitArgs::failures_max`] times in the
    /// current window.
    pub async fn begin(&self, tenant: &str, email: &str) -> Result<(), Locked> {
        if self.limits.failures_max == 0 {
            return Ok(());
        }
        let key = self.key(tenant, email);
        let window_ms = self.limits.window_secs.saturating_mul(1_000);
        let mut count = redis::pipe();
        count
            .atomic()
            .set_options(
                &key,
                0,
                SetOptions::default().conditional_set(ExistenceCheck::NX).with_expiration(SetExpiry::PX(window_ms)),
            )
            .ignore()
            .incr(&key, 1)
            .pttl(&key);
        let mut redis = self.redis.clone();
        match within(count.query_async::<(u64, i64)>(&mut redis)).await {
            Ok((attempts, left_ms)) if attempts > self.limits.failures_max => Err(Locked {
                failures_max: self.limits.failures_max,
                window_secs: self.limits.window_secs,
                retry_after_secs: u64::try_from(left_ms).unwrap_or(0).div_ceil(1_000).max(1),
            }),
            Ok(_) => Ok(()),
            Err(error) => {
                tracing::warn!(%error, "sign-in attempts not counted: the account is not limited");
                metrics::counter!("prism_login_attempts_unchecked_total").increment(1);
                Ok(())
            }
        }
    }

    /// Clears the count of `email` of `tenant`: it signed in.
    pub async fn succeeded(&self, tenant: &str, email: &str) {
        let mut redis = self.redis.clone();
        if let Err(error) = within(redis.del::<_, ()>(self.key(tenant, email))).await {
            tracing::warn!(%error, "sign-in attempts not cleared after a successful sign-in");
        }
    }

    fn key(&self, tenant: &str, email: &str) -> String {
        format!("{}:{tenant}:{}", self.prefix, digest(email))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Debug, Parser)]
    struct Settings {
        #[command(flatten)]
        limits: LoginLimitArgs,
    }

    fn attempts(url: &str, limits: &LoginLimitArgs) -> LoginAttempts {
        LoginAttempts::new(super::super::sessions::connect(url).unwrap(), "p:login", limits)
    }

    #[test]
    fn five_failures_in_fifteen_minutes_by_default_and_an_empty_window_is_refused() {
        let defaults = Settings::parse_from(["test"]).limits;
        assert_eq!((defaults.failures_max, defaults.window_secs), (5, 900));
        assert_eq!(
            (LoginLimitArgs::default().failures_max, LoginLimitArgs::default().window_secs),
            (defaults.failures_max, defaults.window_secs)
        );
        assert!(Settings::try_parse_from(["test", "--login-window-secs", "0"]).is_err());
    }

    #[test]
    fn the_limits_compose_into_the_command_apis_command_line() {
        use clap::CommandFactory;
        crate::config::CommandApiConfig::command().debug_assert();
        let parsed = crate::config::CommandApiConfig::parse_from(["test", "--login-window-secs", "120"]);
        assert_eq!((parsed.login_limit.window_secs, parsed.http.rate_limit.window_secs), (120, 60));
    }

    #[tokio::test]
    async fn keys_name_the_tenant_and_a_digest_of_the_email_only() {
        let attempts = attempts("redis://127.0.0.1:1", &LoginLimitArgs::default());
        assert_eq!(attempts.key("acme", "ada@acme.example"), format!("p:login:acme:{}", digest("ada@acme.example")));
    }

    #[tokio::test]
    async fn without_redis_every_sign_in_may_go_on() {
        let limits = LoginLimitArgs { failures_max: 1, window_secs: 60 };
        let attempts = attempts("redis://127.0.0.1:1", &limits);
        for _ in 0..3 {
            assert_eq!(attempts.begin("acme", "ada@acme.example").await, Ok(()));
        }
        attempts.succeeded("acme", "ada@acme.example").await;
    }
}
