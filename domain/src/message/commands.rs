use chrono::{DateTime, Utc};

use super::{InboundMessage, InboundOutcome, OutboundMessage, ResponderReply};
use crate::{EndpointId, MessageStatus};

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
    /// Record what the rules decided for a received message and the replies (once).
    DecideOutcome {
        /// The outcome.
        outcome: InboundOutcome,
        /// The replies, in order (rendered as TwiML `<Message>`s).
        replies: Vec<String>,
        /// When.
        decided_at: DateTime<Utc>,
        /// Whether an automatic reply was suppressed by the auto-reply window.
        auto_reply_suppressed: bool,
    },
    /// Record a message the provider accepted for sending.
    RecordSent {
        /// What was sent.
        message: OutboundMessage,
        /// The provider's initial status (usually `queued`).
        status: MessageStatus,
        /// When.
        sent_at: DateTime<Utc>,
    },
    /// A status callback: move the status forward (late or repeated ones change nothing).
    ChangeStatus {
        /// The reported status.
        status: MessageStatus,
        /// Twilio's `ErrorCode`, on `failed`/`undelivered`.
        error_code: Option<u32>,
        /// When we received it.
        changed_at: DateTime<Utc>,
    },
    /// Record the reply the organization's responder endpoint gave to an accepted inbound
    /// message, sent in the same TwiML answer (once; a second reply changes nothing).
    RecordResponderReply {
        /// The responder endpoint.
        endpoint_id: EndpointId,
        /// The reply.
        reply: ResponderReply,
        /// When it answered.
        replied_at: DateTime<Utc>,
    },
}
