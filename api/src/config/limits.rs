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
    /// IP address (the connection's peer; no proxy header is trusted), bursts of twice as many.
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
                .map(|v| checks::seconds(&v, min).map_err(|reason| ConfigError::Invalid { key, reason }))
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

impl Default for Limits {
    fn default() -> Self {
        Self::from_lookup(&|_| None).unwrap_or(Self {
            auto_reply_window: AutoReplyWindow::default(),
            rate_per_key: DEFAULT_RATE_PER_KEY,
            rate_per_source: DEFAULT_RATE_PER_SOURCE,
            header_timeout: Duration::from_secs(10),
            idle_timeout: Duration::from_secs(60),
        })
    }
}
