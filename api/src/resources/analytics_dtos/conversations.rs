//! The wire shapes of conversations.

use chrono::{DateTime, Utc};
use poem_openapi::{Enum, Object};
use switchboard_projections::analytics::ConversationRow;

use super::at;
use crate::resources::types::Described;

/// Who wrote first in a conversation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Enum)]
#[oai(rename_all = "lowercase")]
pub enum StartedBy {
    /// The customer.
    Customer,
    /// The organization.
    Business,
}

/// A channel.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Enum)]
#[oai(rename_all = "lowercase")]
pub enum ChannelView {
    /// SMS/MMS.
    Sms,
    /// WhatsApp.
    Whatsapp,
}

/// A conversation: a customer's messages with no 24 h silence between them.
#[derive(Debug, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct ConversationView {
    /// The customer's address (`whatsapp:`-prefixed on WhatsApp).
    pub customer: String,
    /// The channel of its first message.
    pub channel: Described<ChannelView>,
    /// Who wrote first.
    pub started_by: Described<StartedBy>,
    /// Its first message.
    pub started_at: DateTime<Utc>,
    /// Its last message so far.
    pub last_message_at: DateTime<Utc>,
    /// Messages in it, both directions.
    pub messages: u64,
    /// When the organization first replied (conversations the customer started).
    pub first_reply_at: Option<DateTime<Utc>>,
    /// Seconds from the customer's first message to that reply.
    pub first_reply_seconds: Option<f64>,
}

impl From<ConversationRow> for ConversationView {
    fn from(c: ConversationRow) -> Self {
        Self {
            channel: Described(if c.channel == "whatsapp" {
                ChannelView::Whatsapp
            } else {
                ChannelView::Sms
            }),
            started_by: Described(if c.started_by == "business" {
                StartedBy::Business
            } else {
                StartedBy::Customer
            }),
            started_at: at(c.started_ms),
            last_message_at: at(c.last_ms),
            messages: u64::try_from(c.messages).unwrap_or(0),
            first_reply_at: c.first_reply_ms.map(at),
            first_reply_seconds: c
                .first_reply_ms
                .map(|reply| (reply - c.started_ms) as f64 / 1000.0),
            customer: c.customer,
        }
    }
}

/// A page of conversations, newest first.
#[derive(Debug, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct ConversationPage {
    /// The conversations.
    pub items: Vec<ConversationView>,
    /// Pass as `cursor` for the next (older) page; absent on the last page.
    pub next_cursor: Option<String>,
}
