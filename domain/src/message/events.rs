use chrono::{DateTime, Utc};
use cqrs_es::DomainEvent;
use serde::{Deserialize, Serialize};

use super::InboundMessage;

/// Facts about one message. A persisted contract: never rename in place; version and upcast.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum MessageEvent {
    /// An inbound message reached us, routed to an organization or (no owner for `To`) unrouted.
    MessageReceived {
        /// What arrived and where it was routed.
        message: InboundMessage,
        /// When we received it.
        received_at: DateTime<Utc>,
    },
}

impl DomainEvent for MessageEvent {
    fn event_type(&self) -> String {
        match self {
            MessageEvent::MessageReceived { .. } => "MessageReceived",
        }
        .to_string()
    }

    fn event_version(&self) -> String {
        "1.0".to_string()
    }
}
