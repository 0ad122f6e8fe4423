use chrono::{DateTime, Utc};

use crate::{AutoReplyWindow, Channel, Keyword, OrganizationId};

/// Orders to the `Conversation` aggregate.
#[derive(Clone, Debug, PartialEq)]
pub enum ConversationCommand {
    /// Record an inbound message from the customer (idempotent per MessageSid).
    RecordInbound {
        /// The organization.
        organization_id: OrganizationId,
        /// The customer's address (`+E164` or `whatsapp:+E164`).
        customer: String,
        /// The message.
        message_sid: String,
        /// Its compliance keyword, if it is one.
        keyword: Option<Keyword>,
        /// When it arrived.
        at: DateTime<Utc>,
    },
    /// Check that a message may be sent now (records nothing).
    AuthorizeOutbound {
        /// SMS or WhatsApp.
        channel: Channel,
        /// Whether it is an approved template (`ContentSid`).
        template: bool,
        /// When.
        at: DateTime<Utc>,
    },
    /// The provider refused a send because the customer unsubscribed (Twilio error 21610).
    RecordProviderOptOut {
        /// The organization.
        organization_id: OrganizationId,
        /// The customer's address.
        customer: String,
        /// When.
        at: DateTime<Utc>,
    },
    /// Record that an automatic reply (welcome, away, quota-exhausted, join confirmation) goes
    /// to the customer in answer to `message_sid`, unless one went within `window`: then
    /// nothing is recorded and the reply is suppressed (see [`super::Conversation::may_auto_reply`]).
    RecordAutoReply {
        /// The message answered.
        message_sid: String,
        /// When.
        at: DateTime<Utc>,
        /// The bound in force.
        window: AutoReplyWindow,
    },
}
