use chrono::{DateTime, Utc};
use cqrs_es::DomainEvent;
use serde::{Deserialize, Serialize};

use crate::OrganizationId;

/// Facts about a conversation. A persisted contract: never rename in place; version and upcast.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum ConversationEvent {
    /// The customer wrote to the organization for the first time (or, with an empty
    /// `message_sid`, the conversation began with a provider opt-out).
    ConversationStarted {
        /// The organization.
        organization_id: OrganizationId,
        /// The customer's address.
        customer: String,
        /// The first message.
        message_sid: String,
        /// When.
        at: DateTime<Utc>,
    },
    /// The customer wrote (opens the WhatsApp window for 24 hours).
    InboundRecorded {
        /// The message.
        message_sid: String,
        /// When.
        at: DateTime<Utc>,
    },
    /// The customer opted out (`keyword`, or `provider` for a 21610 refusal).
    CustomerOptedOut {
        /// Why.
        reason: String,
        /// When.
        at: DateTime<Utc>,
    },
    /// The customer opted back in.
    CustomerOptedIn {
        /// When.
        at: DateTime<Utc>,
    },
    /// An automatic reply went to the customer in answer to `message_sid`; the next one waits
    /// for the auto-reply window to pass.
    AutoReplied {
        /// The message answered.
        message_sid: String,
        /// When.
        at: DateTime<Utc>,
    },
}

impl DomainEvent for ConversationEvent {
    fn event_type(&self) -> String {
        match self {
            ConversationEvent::ConversationStarted { .. } => "ConversationStarted",
            ConversationEvent::InboundRecorded { .. } => "InboundRecorded",
            ConversationEvent::CustomerOptedOut { .. } => "CustomerOptedOut",
            ConversationEvent::CustomerOptedIn { .. } => "CustomerOptedIn",
            ConversationEvent::AutoReplied { .. } => "AutoReplied",
        }
        .to_string()
    }

    fn event_version(&self) -> String {
        "1.0".to_string()
    }
}
