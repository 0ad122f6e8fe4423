use chrono::{DateTime, Utc};

/// The rules of the `Conversation` aggregate.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ConversationError {
    /// The customer opted out; nothing may be sent to them.
    #[error("the recipient opted out")]
    RecipientOptedOut,
    /// WhatsApp free-form text outside the 24-hour window; a template (`content_sid`) is needed.
    #[error("the WhatsApp 24-hour window is closed (last customer message: {last_inbound_at:?})")]
    WhatsappWindowClosed {
        /// When the customer last wrote, if ever.
        last_inbound_at: Option<DateTime<Utc>>,
    },
}
