//! The bounds on abuse read from the environment: automatic replies, `/v1` request rates and
//! slow connections.

use std::time::Duration;

use switchboard_domain::AutoReplyWindow;

use super::{checks, ConfigError};
use crate::server::ConnectionTimeouts;

/// The default `RATE_LIMIT_PER_KEY`, requests per second.
pub const DEFAULT_RATE_PER_KEY: u32 = 50;
/// The default `RATE_LIMIT_PER_SOURCE`, requests per second.
pub const DEFAULT_RATE_PER_SOURCE: u32 = 100;

/// The bounds on abuse.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// `AUTO_REPLY_WINDOW_SECS` (default 3600; 0 answers every message): at most one automatic
    /// reply (welcome, away, quota-exhausted, join help) per customer per organization within it.
    pub auto_reply_window: AutoReplyWindow,
    /// `RATE_LIMIT_PER_KEY` (default 50; 0: no limit): `/v1` requests per second per API key
    /// (an organization key, or the platform key), with bursts of twice as many.
    pub rate_per_key: u32,
    /// `RATE_LIMIT_PER_SOURCE` (default 100; 0: no limit): `/v1` requests per second per client
    /// IP address (the connection's peer, an IPv6 one by its /64; no proxy header is trusted),
    /// bursts of twice as many.
    pub rate_per_source: u32,
    /// `HTTP_HEADER_TIMEOUT_SECS` (default 10, at least 1): the time a connection has to deliver
    /// a complete request head, new or kept alive.
    pub header_timeout: Duration,
    /// `HTTP_IDLE_TIMEOUT_SECS` (default 60, at least 1): a connection on which no byte moves
    /// either way for this long is closed.
    pub idle_timeout: Duration,
}

impl Limits {
    /// Reads the limits through `get`.
    ///
    /// # Errors
    /// [`ConfigError::Invalid`] naming the first variable at fault.
    pub fn from_lookup(get: &impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let number = |key: &'static str, default: u64, min: u64| {
            get(key)
                .map(|v| {
                    checks::seconds(&v, min).map_err(|reason| ConfigError::Invalid { key, reason })
                })
                .transpose()
                .map(|value| value.unwrap_or(default))
        };
        let rate = |key: &'static str, default: u32| {
            get(key)
                .map(|v| {
                    v.trim().parse::<u32>().map_err(|_| ConfigError::Invalid {
                        key,
                        reason: format!("`{v}` is not a whole number of requests per second"),
                    })
                })
                .transpose()
                .map(|value| value.unwrap_or(default))
        };
        Ok(Self {
            auto_reply_window: AutoReplyWindow::from_secs(number(
                "AUTO_REPLY_WINDOW_SECS",
                AutoReplyWindow::DEFAULT_SECS,
                0,
            )?),
            rate_per_key: rate("RATE_LIMIT_PER_KEY", DEFAULT_RATE_PER_KEY)?,
            rate_per_source: rate("RATE_LIMIT_PER_SOURCE", DEFAULT_RATE_PER_SOURCE)?,
            header_timeout: Duration::from_secs(number("HTTP_HEADER_TIMEOUT_SECS", 10, 1)?),
            idle_timeout: Duration::from_secs(number("HTTP_IDLE_TIMEOUT_SECS", 60, 1)?),
        })
    }

    /// The server's connection timeouts.
    pub fn connection_timeouts(&self) -> ConnectionTimeouts {
        ConnectionTimeouts {
            header: self.header_timeout,
            idle: self.idle_timeout,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limits(vars: &[(&str, &str)]) -> Result<Limits, ConfigError> {
        Limits::from_lookup(&|key: &str| {
            vars.iter()
                .find(|(k, _)| *k == key)
                .map(|(_, v)| (*v).to_string())
        })
    }

    #[test]
    fn unset_limits_take_their_defaults() {
        let limits = limits(&[]).unwrap();
        assert_eq!(limits.auto_reply_window, AutoReplyWindow::from_secs(3600));
        assert_eq!((limits.rate_per_key, limits.rate_per_source), (50, 100));
        assert_eq!(limits.header_timeout, Duration::from_secs(10));
        assert_eq!(limits.idle_timeout, Duration::from_secs(60));
    }

    #[test]
    fn zero_turns_a_rate_limit_and_the_auto_reply_window_off() {
        let limits = limits(&[
            ("RATE_LIMIT_PER_KEY", "0"),
            ("RATE_LIMIT_PER_SOURCE", "0"),
            ("AUTO_REPLY_WINDOW_SECS", "0"),
        ])
        .unwrap();
        assert_eq!((limits.rate_per_key, limits.rate_per_source), (0, 0));
        assert_eq!(limits.auto_reply_window, AutoReplyWindow::from_secs(0));
    }

    #[test]
    fn bad_values_name_their_variable() {
        for (key, value) in [
            ("RATE_LIMIT_PER_KEY", "fast"),
            ("RATE_LIMIT_PER_SOURCE", "-1"),
            ("AUTO_REPLY_WINDOW_SECS", "1h"),
            ("HTTP_HEADER_TIMEOUT_SECS", "0"),
            ("HTTP_IDLE_TIMEOUT_SECS", "0"),
        ] {
            let error = limits(&[(key, value)]).unwrap_err().to_string();
            assert!(error.starts_with(key), "{error}");
        }
    }
}
