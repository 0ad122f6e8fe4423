//! Analytics: per-organization figures (messages by direction and outcome, customers,
//! conversations, first-reply times, delivery outcomes, opt-outs, estimated provider cost),
//! platform-wide figures, and every number's ownership history.

mod conversation_writes;
mod conversations;
mod fact_events;
mod fact_rows;
mod facts;
mod numbers;
mod platform;
mod prices;
mod stats;

pub use conversations::{
    ConversationRow, ConversationsPage, ConversationsView, CONVERSATION_GAP_MS,
};
pub use facts::MessageAnalytics;
pub use numbers::{NumberHistory, Ownership};
pub use platform::{platform_figures, PlatformFigures};
pub use prices::{PriceTable, NUMBER_MONTH_MS};
pub use stats::{organization_stats, Bucket, Figures, Granularity, Stats, StatsQuery};
