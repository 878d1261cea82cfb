//! Refresh tokens, kept in Redis: a login opens a session *family* and gets its first refresh
//! token; each refresh consumes the token it presents and gets the family's next one
//! (rotation). A refresh token presented a second time — stolen and used by two parties — is
//! reuse: the whole family is revoked, so neither party can refresh again. Logout revokes the
//! family of the token it presents.
//!
//! Only SHA-256 digests of tokens are stored (`<prefix>:rt:<digest>` → `family`, `tenant`,
//! `user` while unused; `<prefix>:rt-used:<digest>` once consumed), so the store's contents
//! sign nobody in. A family is revoked by `<prefix>:family:<id>:revoked`. Every key expires
//! with [`REFRESH_TOKEN_TTL`]. Consuming is one Lua script, so two refreshes racing with one
//! token cannot both succeed.
//!
//! The connection ([`connect`]) and its time limit ([`within`]) are shared with the other
//! sign-in state in the same Redis, the failed sign-ins of [`super::login_attempts`].

use std::time::Duration;

use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use redis::{AsyncCommands, Script};
use sha2::{Digest, Sha256};
use uuid::Uuid;

/// How long a refresh token (and its family's revocation) lives.
pub const REFRESH_TOKEN_TTL: Duration = Duration::from_secs(30 * 24 * 60 * 60);
/// Longest wait for Redis per operation.
const TIMEOUT: Duration = Duration::from_secs(1);

/// Consumes a refresh token: KEYS[1] its unused key, KEYS[2] its used marker, ARGV[1] the TTL
/// in seconds. Answers `{"fresh", session}` the first time, `{"reused", session}` after, and
/// `{"unknown", ""}` for a token never issued or expired.
const CONSUME_SCRIPT: &str = r"
local session = redis.call('GET', KEYS[1])
if session then
  redis.call('DEL', KEYS[1])
  redis.call('SET', KEYS[2], session, 'EX', ARGV[1])
  return {'fresh', session}
end
local used = redis.call('GET', KEYS[2])
if used then return {'reused', used} end
return {'unknown', ''}
";

/// Whom a refresh token belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    /// The family of tokens it belongs to (one per login).
    pub family: String,
    /// The tenant slug.
    pub tenant: String,
    /// The user id.
    pub user_id: String,
}

impl Session {
    fn encode(&self) -> String {
        format!("{}\n{}\n{}", self.family, self.tenant, self.user_id)
    }

    fn decode(text: &str) -> Option<Self> {
        let mut parts = text.splitn(3, '\n');
        Some(Self {
            family: parts.next()?.to_owned(),
            tenant: parts.next()?.to_owned(),
            user_id: parts.next()?.to_owned(),
        })
    }
}

/// What presenting a refresh token found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Presented {
    /// Its first use, in a family not revoked: the session it continues.
    Fresh(Session),
    /// Used before: its family is now revoked.
    Reused,
    /// Never issued, expired, or of a revoked family.
    Invalid,
}

/// Why the session store (Redis) failed.
#[derive(Debug, thiserror::Error)]
pub enum SessionError {
    /// Redis refused or failed.
    #[error("session store: {0}")]
    Redis(#[from] redis::RedisError),
    /// Redis did not answer in time.
    #[error("session store: no answer within {} ms", TIMEOUT.as_millis())]
    Timeout,
}

/// The refresh tokens of every tenant, in Redis.
#[derive(Clone)]
pub struct Sessions {
    redis: ConnectionManager,
    prefix: String,
    consume: Script,
}

/// A connection to the Redis at `url` holding the sign-in state, made on first use; each
/// operation waits for it at most [`TIMEOUT`].
///
/// # Errors
/// When the URL is malformed.
pub fn connect(url: &str) -> Result<ConnectionManager, redis::RedisError> {
    let client = redis::Client::open(url)?;
    let config = ConnectionManagerConfig::new()
        .set_connection_timeout(Some(TIMEOUT))
        .set_response_timeout(Some(TIMEOUT))
        .set_number_of_retries(1);
    ConnectionManager::new_lazy_with_config(client, config)
}

impl Sessions {
    /// Sessions in `redis` (see [`connect`]) under keys starting with `prefix`.
    #[must_use]
    pub fn new(redis: ConnectionManager, prefix: &str) -> Self {
        Self { redis, prefix: prefix.to_owned(), consume: Script::new(CONSUME_SCRIPT) }
    }

    /// Opens a new family for `user_id` of `tenant`: its first refresh token.
    ///
    /// # Errors
    /// When Redis fails.
    pub async fn open(&self, tenant: &str, user_id: &str) -> Result<String, SessionError> {
        let session = Session {
            family: Uuid::new_v4().simple().to_string(),
            tenant: tenant.to_owned(),
            user_id: user_id.to_owned(),
        };
        self.issue(&session).await
    }

    /// The next refresh token of `session`'s family.
    ///
    /// # Errors
    /// When Redis fails.
    pub async fn issue(&self, session: &Session) -> Result<String, SessionError> {
        let token = format!("{}{}", Uuid::new_v4().simple(), Uuid::new_v4().simple());
        let mut redis = self.redis.clone();
        let set = redis.set_ex::<_, _, ()>(self.unused_key(&token), session.encode(), ttl_secs());
        within(set).await?;
        Ok(token)
    }

    /// Consumes `token`: its session when fresh; on reuse, its family is revoked.
    ///
    /// # Errors
    /// When Redis fails.
    pub async fn present(&self, token: &str) -> Result<Presented, SessionError> {
        let mut redis = self.redis.clone();
        let mut invocation = self.consume.prepare_invoke();
        invocation.key(self.unused_key(token)).key(self.used_key(token)).arg(ttl_secs());
        let (state, session): (String, String) = within(invocation.invoke_async(&mut redis)).await?;
        let session = Session::decode(&session);
        match (state.as_str(), session) {
            ("fresh", Some(session)) if !self.revoked(&session.family).await? => Ok(Presented::Fresh(session)),
            ("reused", Some(session)) => {
                self.revoke(&session.family).await?;
                Ok(Presented::Reused)
            }
            _ => Ok(Presented::Invalid),
        }
    }

    /// Revokes the family of `token`, if it is known (logout).
    ///
    /// # Errors
    /// When Redis fails.
    pub async fn close(&self, token: &str) -> Result<(), SessionError> {
        let mut redis = self.redis.clone();
        let unused: Option<String> = within(redis.get(self.unused_key(token))).await?;
        let used: Option<String> = within(redis.get(self.used_key(token))).await?;
        if let Some(session) = unused.or(used).as_deref().and_then(Session::decode) {
            self.revoke(&session.family).await?;
        }
        Ok(())
    }

    async fn revoke(&self, family: &str) -> Result<(), SessionError> {
        let mut redis = self.redis.clone();
        within(redis.set_ex::<_, _, ()>(self.revoked_key(family), 1, ttl_secs())).await
    }

    async fn revoked(&self, family: &str) -> Result<bool, SessionError> {
        let mut redis = self.redis.clone();
        within(redis.exists(self.revoked_key(family))).await
    }

    fn unused_key(&self, token: &str) -> String {
        format!("{}:rt:{}", self.prefix, digest(token))
    }

    fn used_key(&self, token: &str) -> String {
        format!("{}:rt-used:{}", self.prefix, digest(token))
    }

    fn revoked_key(&self, family: &str) -> String {
        format!("{}:family:{family}:revoked", self.prefix)
    }
}

/// The hex SHA-256 digest of `token`.
pub(super) fn digest(token: &str) -> String {
    Sha256::digest(token.as_bytes()).iter().map(|byte| format!("{byte:02x}")).collect()
}

fn ttl_secs() -> u64 {
    REFRESH_TOKEN_TTL.as_secs()
}

/// What `operation` on Redis answers, if it does within [`TIMEOUT`].
pub(super) async fn within<T>(
    operation: impl std::future::Future<Output = redis::RedisResult<T>>,
) -> Result<T, SessionError> {
    Ok(tokio::time::timeout(TIMEOUT, operation).await.map_err(|_| SessionError::Timeout)??)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_session_survives_its_encoding() {
        let session = Session { family: "f1".to_owned(), tenant: "acme".to_owned(), user_id: "u-1".to_owned() };
        assert_eq!(Session::decode(&session.encode()), Some(session));
        assert_eq!(Session::decode("only-one-part"), None);
    }

    #[tokio::test]
    async fn tokens_are_stored_by_digest_only() {
        assert_eq!(digest("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        let sessions = Sessions::new(connect("redis://127.0.0.1:1").unwrap(), "p");
        assert_eq!(sessions.unused_key("abc"), format!("p:rt:{}", digest("abc")));
        assert!(!sessions.used_key("abc").contains("abc:"));
    }
}
