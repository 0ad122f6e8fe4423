//! The analytics' wire shapes: an organization's figures, its conversations, the platform's
//! figures and a number's ownership history.

mod conversations;
mod numbers;
mod platform;
mod stats;

use chrono::{DateTime, TimeZone, Utc};

pub use conversations::ConversationPage;
pub use numbers::NumberHistoryView;
pub use platform::PlatformAnalyticsView;
pub use stats::{Granularity, OrganizationStatsView};

/// A time in ms since the epoch (the read models' unit), as a date-time.
pub(crate) fn at(ms: i64) -> DateTime<Utc> {
    Utc.timestamp_millis_opt(ms).single().unwrap_or_default()
}
