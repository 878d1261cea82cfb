//! Request rate limiting for both APIs, counted in Redis. Every request counts against its
//! tenant (the one its access token names — so the limiter runs after
//! [`crate::auth::authenticate`]) and its client IP (the peer address;
//! `X-Forwarded-For` only behind a configured number of trusted proxies). A subject's window
//! starts with its first request and lasts `window_secs` (one Lua script increments the
//! counters and sets their expiry, in one round trip). Over either limit the answer is 429
//! problem+json (`urn:prism:problem:rate-limited`) naming the limit, with `Retry-After` until
//! that window ends; under both, `RateLimit-Limit`, `RateLimit-Remaining` and `RateLimit-Reset`
//! of the tighter one. When Redis does not answer in time the request passes unchecked (fail
//! open): a warning is logged when that starts, `prism_rate_limit_unchecked_total` counts such
//! requests, and Redis is not asked again for [`PAUSE_AFTER_FAILURE`]. The health and metrics
//! routes are never limited.

use std::fmt::Display;
use std::net::{IpAddr, SocketAddr};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::extract::{ConnectInfo, Request, State};
use axum::http::{header, HeaderMap, HeaderName, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use prism_aggregates::tenant::TenantId;
use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use redis::Script;
use serde_json::json;

use crate::auth::Caller;
use crate::config::RateLimitArgs;
use crate::http::OPERATIONAL_PATHS;
use crate::problem::Problem;

/// How long requests pass unchecked after Redis failed to answer, before it is asked again.
pub const PAUSE_AFTER_FAILURE: Duration = Duration::from_secs(1);

/// Header: the request quota of the tighter limit in the current window.
const RATELIMIT_LIMIT: HeaderName = HeaderName::from_static("ratelimit-limit");
/// Header: requests left in the current window of the tighter limit.
const RATELIMIT_REMAINING: HeaderName = HeaderName::from_static("ratelimit-remaining");
/// Header: seconds until the current window of the tighter limit ends.
const RATELIMIT_RESET: HeaderName = HeaderName::from_static("ratelimit-reset");
/// Header a reverse proxy appends the address it got the request from to.
const X_FORWARDED_FOR: &str = "x-forwarded-for";

/// Increments every key of KEYS and answers, per key, its count and the milliseconds left in
/// its window. A key without expiry (just created, or having lost it) gets ARGV[1] ms, so a
/// window starts with a subject's first request and no counter can live forever.
const COUNT_SCRIPT: &str = r"
local answer = {}
for _, key in ipairs(KEYS) do
  local count = redis.call('INCR', key)
  local ttl = redis.call('PTTL', key)
  if ttl < 0 then
    redis.call('PEXPIRE', key, ARGV[1])
    ttl = tonumber(ARGV[1])
  end
  answer[#answer + 1] = count
  answer[#answer + 1] = ttl
end
return answer
";

/// Which limit a counter belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Requests of one tenant (`X-Tenant-ID`).
    Tenant,
    /// Requests from one client IP.
    Ip,
}

impl Scope {
    /// The name in keys, problem bodies and metrics: `tenant` or `ip`.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Self::Tenant => "tenant",
            Self::Ip => "ip",
        }
    }
}

/// One counter a request increments.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Counter {
    scope: Scope,
    key: String,
    limit: u64,
}

/// A counter after this request's increment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Count {
    scope: Scope,
    limit: u64,
    count: u64,
    /// Milliseconds until the window ends.
    reset_ms: u64,
}

impl Count {
    fn remaining(&self) -> u64 {
        self.limit.saturating_sub(self.count)
    }

    /// Whole seconds until the window ends, rounded up and at least 1 (what `Retry-After` says).
    fn reset_secs(&self) -> u64 {
        self.reset_ms.div_ceil(1_000).max(1)
    }
}

/// What a request's counts decide.
#[derive(Debug, PartialEq, Eq)]
enum Decision {
    /// Under every limit; the count is the one with the fewest requests left.
    Allow(Count),
    /// Over a limit; the count is the exceeded one whose window ends last.
    Refuse(Count),
}

/// Decides on a request's counts; `None` when nothing was counted.
fn decide(counts: &[Count]) -> Option<Decision> {
    if let Some(over) = counts.iter().filter(|c| c.count > c.limit).max_by_key(|c| c.reset_ms) {
        return Some(Decision::Refuse(*over));
    }
    counts.iter().min_by_key(|c| c.remaining()).map(|c| Decision::Allow(*c))
}

/// The client's address: the peer's, or with `trusted_hops` proxies in front the entry that
/// many places from the right of `X-Forwarded-For` (the address the outermost trusted proxy
/// saw). A list too short or an entry that is no address falls back to the peer. IPv4-mapped
/// IPv6 addresses count as their IPv4 address.
fn client_ip(peer: Option<IpAddr>, forwarded_for: Option<&str>, trusted_hops: usize) -> Option<IpAddr> {
    let forwarded = trusted_hops
        .checked_sub(1)
        .and_then(|skip| forwarded_for?.rsplit(',').nth(skip))
        .and_then(|entry| entry.trim().parse::<IpAddr>().ok());
    forwarded.or(peer).map(|ip| ip.to_canonical())
}

/// `X-Forwarded-For` as one list (a request may carry the header more than once).
fn forwarded_for(headers: &HeaderMap) -> Option<String> {
    let values: Vec<&str> = headers.get_all(X_FORWARDED_FOR).iter().filter_map(|v| v.to_str().ok()).collect();
    (!values.is_empty()).then(|| values.join(","))
}

/// Counts requests per tenant and per client IP in Redis; cheap to clone (one shared state).
#[derive(Clone)]
pub struct RateLimiter {
    inner: Arc<Inner>,
}

struct Inner {
    redis: ConnectionManager,
    script: Script,
    settings: RateLimitArgs,
    timeout: Duration,
    /// Origin of the `*_ms` instants below.
    started: Instant,
    /// Until when (ms after `started`) requests pass without asking Redis.
    paused_until_ms: AtomicU64,
    /// Whether the last attempt to reach Redis failed (to log the change only once).
    failing: AtomicBool,
}

impl RateLimiter {
    /// A limiter with `settings`. Redis is connected to on first use, not here, so an API
    /// starts (and serves, unlimited) while Redis is down. Must run inside a Tokio runtime.
    ///
    /// # Errors
    /// When the Redis URL is malformed.
    pub fn new(settings: &RateLimitArgs) -> Result<Self, redis::RedisError> {
        let client = redis::Client::open(settings.redis_url.as_str())?;
        let timeout = Duration::from_millis(settings.redis_timeout_ms);
        let connection = ConnectionManagerConfig::new()
            .set_connection_timeout(Some(timeout))
            .set_response_timeout(Some(timeout))
            .set_number_of_retries(1)
            .set_max_delay(PAUSE_AFTER_FAILURE);
        let redis = ConnectionManager::new_lazy_with_config(client, connection)?;
        let inner = Inner {
            redis,
            script: Script::new(COUNT_SCRIPT),
            settings: settings.clone(),
            timeout,
            started: Instant::now(),
            paused_until_ms: AtomicU64::new(0),
            failing: AtomicBool::new(false),
        };
        Ok(Self { inner: Arc::new(inner) })
    }

    /// The counters of a request of `tenant` (the caller's, when a user's) from `peer` with
    /// `headers`, with their limits (limits of 0 are off).
    fn counters(&self, headers: &HeaderMap, tenant: Option<&TenantId>, peer: Option<IpAddr>) -> Vec<Counter> {
        let settings = &self.inner.settings;
        let mut counters = Vec::with_capacity(2);
        if settings.tenant_per_window > 0 {
            if let Some(tenant) = tenant {
                let key = format!("{}:tenant:{tenant}", settings.key_prefix);
                counters.push(Counter { scope: Scope::Tenant, key, limit: settings.tenant_per_window });
            }
        }
        if settings.ip_per_window > 0 {
            let forwarded = forwarded_for(headers);
            if let Some(ip) = client_ip(peer, forwarded.as_deref(), settings.trusted_proxy_hops) {
                let key = format!("{}:ip:{ip}", settings.key_prefix);
                counters.push(Counter { scope: Scope::Ip, key, limit: settings.ip_per_window });
            }
        }
        counters
    }

    /// Increments `counters` in Redis; `None` when Redis did not answer (or is paused after
    /// failing), and the request must pass unchecked.
    async fn count(&self, counters: &[Counter]) -> Option<Vec<Count>> {
        if counters.is_empty() {
            return Some(Vec::new());
        }
        let inner = &self.inner;
        if self.elapsed_ms() < inner.paused_until_ms.load(Ordering::Relaxed) {
            metrics::counter!("prism_rate_limit_unchecked_total").increment(1);
            return None;
        }
        let window_ms = inner.settings.window_secs.saturating_mul(1_000);
        let mut invocation = inner.script.prepare_invoke();
        for counter in counters {
            invocation.key(&counter.key);
        }
        invocation.arg(window_ms);
        let mut redis = inner.redis.clone();
        let answer = tokio::time::timeout(inner.timeout, invocation.invoke_async::<Vec<i64>>(&mut redis)).await;
        match answer {
            Ok(Ok(values)) if values.len() == counters.len() * 2 => {
                self.reachable();
                Some(counters.iter().zip(values.chunks_exact(2)).map(|(c, v)| count_of(c, v[0], v[1])).collect())
            }
            Ok(Ok(values)) => self.unreachable(&format!("the count script answered {} values", values.len())),
            Ok(Err(error)) => self.unreachable(&error),
            Err(_) => self.unreachable(&format!("no answer within {} ms", inner.timeout.as_millis())),
        }
    }

    fn elapsed_ms(&self) -> u64 {
        u64::try_from(self.inner.started.elapsed().as_millis()).unwrap_or(u64::MAX)
    }

    /// Redis answered: if it had failed, say that limiting is back.
    fn reachable(&self) {
        if self.inner.failing.swap(false, Ordering::Relaxed) {
            tracing::info!("Redis answers again: rate limiting resumed");
        }
    }

    /// Redis failed: let this request and those of the next [`PAUSE_AFTER_FAILURE`] through.
    fn unreachable<T>(&self, error: &dyn Display) -> Option<T> {
        metrics::counter!("prism_rate_limit_unchecked_total").increment(1);
        let pause_ms = u64::try_from(PAUSE_AFTER_FAILURE.as_millis()).unwrap_or(u64::MAX);
        self.inner.paused_until_ms.store(self.elapsed_ms().saturating_add(pause_ms), Ordering::Relaxed);
        if !self.inner.failing.swap(true, Ordering::Relaxed) {
            tracing::warn!(%error, "Redis unreachable: requests pass without rate limiting until it answers");
        }
        None
    }

    /// The 429 for a request over the limit of `count`.
    fn refusal(&self, count: &Count) -> Response {
        let scope = count.scope.name();
        let window_secs = self.inner.settings.window_secs;
        let retry_after_secs = count.reset_secs();
        metrics::counter!("prism_rate_limit_rejected_total", "limit" => scope).increment(1);
        tracing::debug!(limit = scope, retry_after_secs, "request over a rate limit");
        let detail = format!(
            "over the {scope} limit of {} requests per {window_secs} s; retry in {retry_after_secs} s",
            count.limit
        );
        let problem = Problem::new(StatusCode::TOO_MANY_REQUESTS, "rate-limited", "Too many requests")
            .with_detail(detail)
            .with_extension("limit", json!(scope))
            .with_extension("limit_per_window", json!(count.limit))
            .with_extension("window_secs", json!(window_secs))
            .with_extension("retry_after_secs", json!(retry_after_secs));
        let mut response = problem.into_response();
        write_quota_headers(response.headers_mut(), count);
        response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(retry_after_secs));
        response
    }
}

/// The count of `counter` from the script's answer (count, milliseconds left).
fn count_of(counter: &Counter, count: i64, ttl_ms: i64) -> Count {
    Count {
        scope: counter.scope,
        limit: counter.limit,
        count: u64::try_from(count).unwrap_or(0),
        reset_ms: u64::try_from(ttl_ms).unwrap_or(0),
    }
}

/// `RateLimit-Limit`, `-Remaining` and `-Reset` of `count`.
fn write_quota_headers(headers: &mut HeaderMap, count: &Count) {
    headers.insert(RATELIMIT_LIMIT, HeaderValue::from(count.limit));
    headers.insert(RATELIMIT_REMAINING, HeaderValue::from(count.remaining()));
    headers.insert(RATELIMIT_RESET, HeaderValue::from(count.reset_secs()));
}

/// The middleware: counts the request and refuses it with 429 when it is over a limit. Wire
/// it with `axum::middleware::from_fn_with_state(limiter, rate_limit::layer)`; it needs the
/// router served by [`crate::http::serve`] (for the peer address).
pub async fn layer(State(limiter): State<RateLimiter>, request: Request, next: Next) -> Response {
    let path = request.uri().path();
    if OPERATIONAL_PATHS.contains(&path) {
        return next.run(request).await;
    }
    let peer = request.extensions().get::<ConnectInfo<SocketAddr>>().map(|info| info.0.ip());
    let tenant = match request.extensions().get::<Caller>() {
        Some(Caller::User(identity)) => Some(&identity.tenant),
        _ => None,
    };
    let counters = limiter.counters(request.headers(), tenant, peer);
    let decision = limiter.count(&counters).await.as_deref().and_then(decide);
    match decision {
        Some(Decision::Refuse(count)) => limiter.refusal(&count),
        Some(Decision::Allow(count)) => {
            let mut response = next.run(request).await;
            write_quota_headers(response.headers_mut(), &count);
            response
        }
        None => next.run(request).await,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Debug, Parser)]
    struct Settings {
        #[command(flatten)]
        rate_limit: RateLimitArgs,
    }

    fn settings(args: &[&str]) -> RateLimitArgs {
        Settings::parse_from(std::iter::once("test").chain(args.iter().copied())).rate_limit
    }

    fn ip(text: &str) -> IpAddr {
        text.parse().expect("an address")
    }

    fn count(scope: Scope, limit: u64, count: u64, reset_ms: u64) -> Count {
        Count { scope, limit, count, reset_ms }
    }

    #[tokio::test]
    async fn a_request_counts_against_its_tenant_and_its_peer_address_under_the_key_prefix() {
        let limiter = RateLimiter::new(&settings(&["--rate-limit-key-prefix", "p:rl"])).expect("limiter");
        let acme = TenantId::parse("acme").unwrap();
        let counters = limiter.counters(&HeaderMap::new(), Some(&acme), Some(ip("10.0.0.7")));
        assert_eq!(
            counters,
            [
                Counter { scope: Scope::Tenant, key: "p:rl:tenant:acme".to_owned(), limit: 6_000 },
                Counter { scope: Scope::Ip, key: "p:rl:ip:10.0.0.7".to_owned(), limit: 3_000 },
            ]
        );
    }

    #[tokio::test]
    async fn a_request_of_no_tenant_and_a_limit_of_zero_count_nothing() {
        let limiter = RateLimiter::new(&settings(&["--rate-limit-ip-per-window", "0"])).expect("limiter");
        assert!(limiter.counters(&HeaderMap::new(), None, Some(ip("10.0.0.7"))).is_empty());
    }

    #[test]
    fn the_peer_address_is_the_client_unless_proxies_are_trusted() {
        let peer = Some(ip("10.0.0.1"));
        assert_eq!(client_ip(peer, Some("1.2.3.4"), 0), peer);
        assert_eq!(client_ip(peer, Some("6.6.6.6, 1.2.3.4"), 1), Some(ip("1.2.3.4")));
        assert_eq!(client_ip(peer, Some("6.6.6.6, 1.2.3.4, 10.0.0.9"), 2), Some(ip("1.2.3.4")));
        assert_eq!(client_ip(peer, Some("1.2.3.4"), 2), peer, "a list shorter than the hops");
        assert_eq!(client_ip(peer, Some("unknown"), 1), peer, "an entry that is no address");
        assert_eq!(client_ip(peer, None, 1), peer);
        assert_eq!(client_ip(Some(ip("::ffff:1.2.3.4")), None, 0), Some(ip("1.2.3.4")));
        assert_eq!(client_ip(None, None, 0), None);
    }

    #[test]
    fn repeated_forwarded_for_headers_read_as_one_list() {
        let mut headers = HeaderMap::new();
        headers.append(X_FORWARDED_FOR, HeaderValue::from_static("6.6.6.6"));
        headers.append(X_FORWARDED_FOR, HeaderValue::from_static("1.2.3.4"));
        assert_eq!(forwarded_for(&headers).as_deref(), Some("6.6.6.6,1.2.3.4"));
        assert_eq!(forwarded_for(&HeaderMap::new()), None);
    }

    #[test]
    fn under_every_limit_the_one_with_fewest_requests_left_is_reported() {
        let tenant = count(Scope::Tenant, 10, 9, 30_000);
        let ip = count(Scope::Ip, 100, 3, 59_000);
        assert_eq!(decide(&[tenant, ip]), Some(Decision::Allow(tenant)));
        assert_eq!(decide(&[count(Scope::Ip, 5, 5, 1)]), Some(Decision::Allow(count(Scope::Ip, 5, 5, 1))));
        assert_eq!(decide(&[]), None);
    }

    #[test]
    fn over_a_limit_the_request_is_refused_naming_the_limit_whose_window_ends_last() {
        let tenant = count(Scope::Tenant, 10, 11, 30_000);
        let ip = count(Scope::Ip, 100, 3, 59_000);
        assert_eq!(decide(&[tenant, ip]), Some(Decision::Refuse(tenant)));
        let ip_over = count(Scope::Ip, 2, 3, 59_000);
        assert_eq!(decide(&[tenant, ip_over]), Some(Decision::Refuse(ip_over)));
    }

    #[test]
    fn seconds_until_the_window_ends_round_up_and_are_at_least_one() {
        let reset = |ms| count(Scope::Ip, 1, 1, ms).reset_secs();
        assert_eq!([reset(0), reset(1), reset(1_000), reset(1_001), reset(59_999)], [1, 1, 1, 2, 60]);
    }

    #[tokio::test]
    async fn over_the_limit_the_answer_is_429_problem_json_with_retry_after() {
        let limiter = RateLimiter::new(&settings(&[])).expect("limiter");
        let response = limiter.refusal(&count(Scope::Tenant, 6_000, 6_001, 41_500));
        assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
        let header = |name: &str| response.headers().get(name).and_then(|v| v.to_str().ok()).map(str::to_owned);
        assert_eq!(header("retry-after").as_deref(), Some("42"));
        assert_eq!(header("ratelimit-remaining").as_deref(), Some("0"));
        assert_eq!(header("content-type").as_deref(), Some(crate::problem::PROBLEM_JSON));
        let body = axum::body::to_bytes(response.into_body(), 4_096).await.expect("body");
        let body: serde_json::Value = serde_json::from_slice(&body).expect("json");
        assert_eq!(body["type"], "urn:prism:problem:rate-limited");
        assert_eq!(body["limit"], "tenant");
        assert_eq!(body["retry_after_secs"], 42);
    }

    #[tokio::test]
    async fn an_unreachable_redis_lets_requests_through_and_is_not_asked_again_at_once() {
        let limiter = RateLimiter::new(&settings(&["--redis-url", "redis://127.0.0.1:1"])).expect("limiter");
        let counters = limiter.counters(&HeaderMap::new(), None, Some(ip("10.0.0.7")));
        let first = Instant::now();
        assert_eq!(limiter.count(&counters).await, None);
        assert!(first.elapsed() < Duration::from_secs(2), "bounded by the Redis timeout");
        let second = Instant::now();
        assert_eq!(limiter.count(&counters).await, None);
        assert!(second.elapsed() < Duration::from_millis(50), "paused after the failure");
    }

    #[test]
    fn a_malformed_redis_url_is_refused_at_start() {
        let runtime = tokio::runtime::Runtime::new().expect("runtime");
        let _guard = runtime.enter();
        assert!(RateLimiter::new(&settings(&["--redis-url", "not a url"])).is_err());
    }
}
