//! What the message operations answer: a message as listed, a page, a message just sent.
//! Members that do not apply are omitted, never `null`.

use chrono::{DateTime, Utc};
use poem_openapi::Object;
use switchboard_application::SentMessage;
use switchboard_projections::MessageRow;

use super::super::types::{
    enum_column, time_column, Channel, Described, Direction, MessageStatus, Outcome,
};
use crate::problem::ApiError;

/// A message.
#[derive(Debug, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct MessageView {
    /// The provider's MessageSid.
    pub message_sid: String,
    /// Which way it went.
    pub direction: Described<Direction>,
    /// The channel.
    pub channel: Described<Channel>,
    /// Sender, as the provider wrote it (`whatsapp:+…` on WhatsApp).
    pub from: String,
    /// Recipient, likewise.
    pub to: String,
    /// Text (empty for a media-only or template message).
    pub body: String,
    /// Attached media URLs.
    pub media_urls: Vec<String>,
    /// WhatsApp profile name of the sender.
    pub profile_name: Option<String>,
    /// Current status.
    pub status: Described<MessageStatus>,
    /// Inbound: what the rules decided.
    pub outcome: Option<Described<Outcome>>,
    /// The provider's `ErrorCode` of a failed delivery.
    pub error_code: Option<i64>,
    /// When it reached us (inbound) or was sent (outbound).
    pub created_at: DateTime<Utc>,
}

impl TryFrom<MessageRow> for MessageView {
    type Error = ApiError;

    fn try_from(m: MessageRow) -> Result<Self, ApiError> {
        Ok(Self {
            direction: enum_column::<Direction>("direction", &m.direction)?.into(),
            channel: enum_column::<Channel>("channel", &m.channel)?.into(),
            status: enum_column::<MessageStatus>("status", &m.status)?.into(),
            outcome: m
                .outcome
                .as_deref()
                .map(|o| enum_column::<Outcome>("outcome", o).map(Described))
                .transpose()?,
            created_at: time_column("created_at", &m.created_at)?,
            message_sid: m.message_sid,
            from: m.from,
            to: m.to,
            body: m.body,
            media_urls: m.media_urls,
            profile_name: m.profile_name,
            error_code: m.error_code,
        })
    }
}

/// A page of messages, newest first.
#[derive(Debug, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct MessagePage {
    /// The messages.
    pub items: Vec<MessageView>,
    /// Pass as `cursor` for the next (older) page; omitted on the last page.
    pub next_cursor: Option<String>,
}

/// A message accepted by the provider.
#[derive(Debug, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct SentMessageView {
    /// The provider's MessageSid.
    pub message_sid: String,
    /// Always `outbound`.
    pub direction: Described<Direction>,
    /// The channel.
    pub channel: Described<Channel>,
    /// Our number (`whatsapp:`-prefixed on WhatsApp).
    pub from: String,
    /// The customer, likewise.
    pub to: String,
    /// Text.
    pub body: Option<String>,
    /// The template used.
    pub content_sid: Option<String>,
    /// Media URLs.
    pub media_urls: Vec<String>,
    /// The status now (usually `queued`).
    pub status: Described<MessageStatus>,
}

impl From<SentMessage> for SentMessageView {
    fn from(sent: SentMessage) -> Self {
        Self {
            message_sid: sent.message_sid.to_string(),
            direction: Direction::Outbound.into(),
            channel: Channel::from(sent.message.channel).into(),
            from: sent.message.from,
            to: sent.message.to,
            body: sent.message.body,
            content_sid: sent.message.content_sid,
            media_urls: sent.message.media_urls,
            status: MessageStatus::from(sent.status).into(),
        }
    }
}
