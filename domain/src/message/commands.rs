use chrono::{DateTime, Utc};

use super::InboundMessage;

/// Orders to the `Message` aggregate (id: the provider's MessageSid).
#[derive(Clone, Debug, PartialEq)]
pub enum MessageCommand {
    /// Record an inbound message. Recording the same MessageSid again changes nothing.
    ReceiveMessage {
        /// What arrived and where it was routed.
        message: InboundMessage,
        /// When we received it.
        received_at: DateTime<Utc>,
    },
}
