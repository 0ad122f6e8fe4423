//! The bound on automatic replies (welcome, away, quota-exhausted, join help): at most one per
//! customer per organization within a window, so two auto-responders (or an attacker) cannot
//! make us spend on replies without end.

use chrono::{DateTime, Duration, Utc};

/// How long after an automatic reply to a customer the next one is suppressed
/// (`AUTO_REPLY_WINDOW_SECS`, default one hour).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AutoReplyWindow(Duration);

impl AutoReplyWindow {
    /// The default window: 3600 seconds.
    pub const DEFAULT_SECS: u64 = 3600;

    /// A window of `secs` seconds (0: every message may be answered).
    pub fn from_secs(secs: u64) -> Self {
        Self(Duration::seconds(
            i64::try_from(secs).unwrap_or(i64::MAX / 1000),
        ))
    }

    /// The window's length.
    pub fn duration(&self) -> Duration {
        self.0
    }

    /// Whether an automatic reply may go at `at` when the last one went at `last`: never
    /// before, or at least the window ago. A `last` after `at` (another process's clock ahead)
    /// counts as within the window.
    pub fn allows(&self, last: Option<DateTime<Utc>>, at: DateTime<Utc>) -> bool {
        last.is_none_or(|last| at - last >= self.0)
    }
}

impl Default for AutoReplyWindow {
    fn default() -> Self {
        Self::from_secs(Self::DEFAULT_SECS)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(time: &str) -> DateTime<Utc> {
        format!("2026-11-21T{time}Z").parse().unwrap()
    }

    #[test]
    fn the_first_automatic_reply_is_allowed() {
        assert!(AutoReplyWindow::default().allows(None, at("12:00:00")));
    }

    #[test]
    fn a_reply_within_the_window_is_not_and_one_after_it_is() {
        let window = AutoReplyWindow::default();
        let last = Some(at("12:00:00"));
        assert!(!window.allows(last, at("12:59:59")));
        assert!(window.allows(last, at("13:00:00")));
    }

    #[test]
    fn a_last_reply_in_the_future_counts_as_within_the_window() {
        let window = AutoReplyWindow::from_secs(60);
        assert!(!window.allows(Some(at("12:00:10")), at("12:00:00")));
    }

    #[test]
    fn a_zero_window_allows_every_reply() {
        let window = AutoReplyWindow::from_secs(0);
        assert!(window.allows(Some(at("12:00:00")), at("12:00:00")));
    }
}
