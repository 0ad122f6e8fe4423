use chrono::{DateTime, Utc};
use cqrs_es::DomainEvent;
use serde::{Deserialize, Serialize};

use super::{InboundMessage, InboundOutcome, OutboundMessage, ResponderReply, Routing};
use crate::{EndpointId, MessageStatus};

/// Facts about one message. A persisted contract: never rename in place; version and upcast.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum MessageEvent {
    /// An inbound message reached us, routed to an organization or (no owner for `To`) unrouted.
    /// Version 3.0, which changed two things at once: `message.to` may be `{"raw": …}`, a `To` we
    /// do not route (a short code, `messenger:`, `rcs:`), where 2.0 always held a channel
    /// address; and the event store may hold `body`, `media`, `profile_name` and `wa_id` sealed
    /// with the customer's key (blank beside a `sealed` member), opening them when read (once the
    /// customer is erased they read blank). Every 2.0 payload is a valid 3.0 one
    /// (`upcasters::message_received_v3`); 1.0 had no `segments`
    /// (`upcasters::message_received_v2`).
    MessageReceived {
        /// What arrived and where it was routed.
        message: InboundMessage,
        /// When we received it.
        received_at: DateTime<Utc>,
        /// The SMS segments its body took (what the provider bills); 1 on WhatsApp.
        segments: u32,
    },
    /// The rules decided what to do with an inbound message.
    InboundOutcomeDecided {
        /// The outcome.
        outcome: InboundOutcome,
        /// The replies sent in the TwiML answer, in order.
        replies: Vec<String>,
        /// When.
        decided_at: DateTime<Utc>,
        /// Whether an automatic reply was called for but left out, one having gone to the
        /// customer within the auto-reply window (absent in events recorded before the bound:
        /// `false`).
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        auto_reply_suppressed: bool,
    },
    /// The provider accepted an outbound message. Version 2.0: as 1.0, with `body`,
    /// `media_urls` and `content_variables` possibly stored sealed (as `MessageReceived` 3.0).
    MessageSent {
        /// What was sent.
        message: OutboundMessage,
        /// Its status when recorded (the provider's initial one, or a later one a status
        /// callback already reported).
        status: MessageStatus,
        /// When.
        sent_at: DateTime<Utc>,
    },
    /// A status callback moved the message forward.
    MessageStatusChanged {
        /// The new status.
        status: MessageStatus,
        /// Twilio's `ErrorCode`, if any.
        error_code: Option<u32>,
        /// When.
        changed_at: DateTime<Utc>,
    },
    /// The organization's responder answered an accepted inbound message; the reply went out in
    /// the same TwiML answer and counted against the quota. Version 2.0 adds whose it is
    /// (`customer`, `routing`, copied from the received message) so the event store can seal
    /// `reply.body` and `reply.media_urls` with the customer's key; 1.0 events read with both
    /// absent (`upcasters::responder_replied_v2`) and were stored unsealed.
    ResponderReplied {
        /// The responder endpoint.
        endpoint_id: EndpointId,
        /// The reply.
        reply: ResponderReply,
        /// When it answered.
        replied_at: DateTime<Utc>,
        /// The customer's address: the received message's `from` (absent before 2.0).
        #[serde(default)]
        customer: Option<String>,
        /// Where the received message was routed (absent before 2.0).
        #[serde(default)]
        routing: Option<Routing>,
    },
}

impl DomainEvent for MessageEvent {
    fn event_type(&self) -> String {
        match self {
            MessageEvent::MessageReceived { .. } => "MessageReceived",
            MessageEvent::InboundOutcomeDecided { .. } => "InboundOutcomeDecided",
            MessageEvent::MessageSent { .. } => "MessageSent",
            MessageEvent::MessageStatusChanged { .. } => "MessageStatusChanged",
            MessageEvent::ResponderReplied { .. } => "ResponderReplied",
        }
        .to_string()
    }

    fn event_version(&self) -> String {
        match self {
            MessageEvent::MessageReceived { .. } => "3.0",
            MessageEvent::MessageSent { .. } | MessageEvent::ResponderReplied { .. } => "2.0",
            _ => "1.0",
        }
        .to_string()
    }
}
