//! Per-key and per-source rate limits on `/v1` (governor's GCRA keyed limiters): beyond its rate
//! a request is answered 429 `rate_limited` with `Retry-After` (whole seconds) before any
//! handler runs. The source is the connection's peer address (an IPv6 one by its /64; no proxy
//! header is trusted); the key is the authenticated API key (an organization key, or the platform
//! key). Webhooks are not limited here: they have their in-flight bound. Keys idle long enough to
//! be back at full burst are forgotten every [`FORGET_EVERY`] checks, so memory follows the
//! callers of the moment.

use std::hash::Hash;
use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use poem::http::StatusCode;
use poem::{Endpoint, IntoResponse, Request, Response};
use poem_openapi::payload::Json;

use crate::auth::Principal;
use crate::metrics::Metrics;
use crate::problem::{ApiError, Problem};

/// How many checks of one limiter pass between two sweeps of its idle keys.
pub const FORGET_EVERY: u64 = 4096;

/// One keyed limiter (absent when its rate is 0) and its sweep counter.
struct Limiter<K: Hash + Eq + Clone> {
    limiter: Option<DefaultKeyedRateLimiter<K>>,
    checks: AtomicU64,
}

impl<K: Hash + Eq + Clone> Limiter<K> {
    /// `per_second` requests a second, bursts of twice as many; 0: no limit.
    fn new(per_second: u32) -> Self {
        let limiter = NonZeroU32::new(per_second).map(|rate| {
            let burst = rate.saturating_mul(NonZeroU32::MIN.saturating_add(1));
            RateLimiter::keyed(Quota::per_second(rate).allow_burst(burst))
        });
        Self {
            limiter,
            checks: AtomicU64::new(0),
        }
    }

    /// `Err(wait)` when `key` is over its rate.
    fn check(&self, key: &K) -> Result<(), Duration> {
        let Some(limiter) = &self.limiter else {
            return Ok(());
        };
        if self.checks.fetch_add(1, Ordering::Relaxed) % FORGET_EVERY == FORGET_EVERY - 1 {
            limiter.retain_recent();
            limiter.shrink_to_fit();
        }
        limiter
            .check_key(key)
            .map_err(|not_until| not_until.wait_time_from(DefaultClock::default().now()))
    }
}

/// The `/v1` rate limits of one server.
pub struct RateLimits {
    per_key: Limiter<String>,
    per_source: Limiter<IpAddr>,
    metrics: Arc<Metrics>,
}

impl RateLimits {
    /// Limits of `per_key` and `per_source` requests a second (0: none), counting refusals in
    /// `metrics`.
    pub fn new(per_key: u32, per_source: u32, metrics: Arc<Metrics>) -> Self {
        Self {
            per_key: Limiter::new(per_key),
            per_source: Limiter::new(per_source),
            metrics,
        }
    }

    fn refuse(&self, limit: &str, wait: Duration) -> Response {
        self.metrics.rate_limited.with_label_values(&[limit]).inc();
        let secs = u32::try_from(wait.as_millis().div_ceil(1000))
            .unwrap_or(u32::MAX)
            .max(1);
        let detail = match limit {
            "key" => "too many requests with this API key; retry after the given seconds",
            _ => "too many requests from this address; retry after the given seconds",
        };
        let problem = Problem::new(StatusCode::TOO_MANY_REQUESTS, "rate_limited", detail);
        ApiError::TooManyRequests(Json(problem), secs).into_response()
    }
}

/// The source a peer address counts as: the IPv4 address, or the IPv6 /64 (what one
/// subscriber is usually given, so a client cannot dodge the limit by rotating addresses in it).
fn source(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V4(_) => ip,
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => IpAddr::V6((u128::from(v6) & !0u128 << 64).into()),
        },
    }
}

/// Refuses a `/v1` request whose peer address is over its rate; others pass.
pub async fn limit_source<E: Endpoint>(
    next: E,
    req: Request,
    limits: Arc<RateLimits>,
) -> poem::Result<Response> {
    if req.uri().path().starts_with("/v1/") {
        if let Some(ip) = req
            .remote_addr()
            .as_socket_addr()
            .map(|addr| source(addr.ip()))
        {
            if let Err(wait) = limits.per_source.check(&ip) {
                return Ok(limits.refuse("source", wait));
            }
        }
    }
    next.call(req).await.map(IntoResponse::into_response)
}

/// Refuses a request whose API key (the [`Principal`] left by the authorization policy) is over
/// its rate; requests without one pass.
pub async fn limit_key<E: Endpoint>(
    next: E,
    req: Request,
    limits: Arc<RateLimits>,
) -> poem::Result<Response> {
    if let Some(principal) = req.data::<Principal>() {
        if let Err(wait) = limits.per_key.check(&principal.actor()) {
            return Ok(limits.refuse("key", wait));
        }
    }
    next.call(req).await.map(IntoResponse::into_response)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_gets_its_burst_then_waits_and_other_keys_are_unaffected() {
        let limiter = Limiter::new(2);
        let a = "a".to_string();
        for _ in 0..4 {
            assert!(limiter.check(&a).is_ok(), "a burst of twice the rate");
        }
        let wait = limiter.check(&a).unwrap_err();
        assert!(wait > Duration::ZERO && wait <= Duration::from_millis(500));
        assert!(limiter.check(&"b".to_string()).is_ok());
    }

    #[test]
    fn an_ipv6_source_is_its_64_prefix_and_a_mapped_ipv4_its_address() {
        let a: IpAddr = "2001:db8:1:2:aaaa::1".parse().unwrap();
        let b: IpAddr = "2001:db8:1:2:bbbb::2".parse().unwrap();
        let other: IpAddr = "2001:db8:1:3::1".parse().unwrap();
        assert_eq!(source(a), source(b));
        assert_ne!(source(a), source(other));
        let mapped: IpAddr = "::ffff:192.0.2.7".parse().unwrap();
        assert_eq!(source(mapped), "192.0.2.7".parse::<IpAddr>().unwrap());
    }

    #[test]
    fn a_zero_rate_limits_nothing() {
        let limiter = Limiter::new(0);
        for _ in 0..1000 {
            assert!(limiter.check(&1u8).is_ok());
        }
    }
}
