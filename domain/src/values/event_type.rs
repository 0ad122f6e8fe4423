use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// The kinds of envelope delivered to an organization's endpoints and live stream, named in the
/// Standard Webhooks style (hierarchical, full-stop delimited; `standard-webhooks.md` "Event
/// types").
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum EventType {
    /// `message.received`: an inbound message routed to the organization, with its outcome and
    /// the replies we sent.
    #[serde(rename = "message.received")]
    MessageReceived,
    /// `message.sent`: the provider accepted an outbound message.
    #[serde(rename = "message.sent")]
    MessageSent,
    /// `message.status`: an outbound message's status moved forward.
    #[serde(rename = "message.status")]
    MessageStatus,
    /// `number.provisioned`: the organization got a number.
    #[serde(rename = "number.provisioned")]
    NumberProvisioned,
    /// `number.released`: the organization gave a number up.
    #[serde(rename = "number.released")]
    NumberReleased,
    /// `call.received`: an inbound call routed to the organization, with what the caller heard.
    #[serde(rename = "call.received")]
    CallReceived,
    /// `call.completed`: a call ended, with its duration.
    #[serde(rename = "call.completed")]
    CallCompleted,
    /// `call.voicemail`: a caller left a voicemail.
    #[serde(rename = "call.voicemail")]
    CallVoicemail,
}

/// The text names no event type.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("`{input}` is not an event type (one of {})", EventType::ALL.map(|t| t.as_str()).join(", "))]
pub struct UnknownEventType {
    /// What was given.
    pub input: String,
}

impl EventType {
    /// Every type, in documentation order.
    pub const ALL: [EventType; 8] = [
        EventType::MessageReceived,
        EventType::MessageSent,
        EventType::MessageStatus,
        EventType::NumberProvisioned,
        EventType::NumberReleased,
        EventType::CallReceived,
        EventType::CallCompleted,
        EventType::CallVoicemail,
    ];

    /// The wire name, e.g. `message.received`.
    pub fn as_str(self) -> &'static str {
        match self {
            EventType::MessageReceived => "message.received",
            EventType::MessageSent => "message.sent",
            EventType::MessageStatus => "message.status",
            EventType::NumberProvisioned => "number.provisioned",
            EventType::NumberReleased => "number.released",
            EventType::CallReceived => "call.received",
            EventType::CallCompleted => "call.completed",
            EventType::CallVoicemail => "call.voicemail",
        }
    }
}

impl FromStr for EventType {
    type Err = UnknownEventType;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        EventType::ALL
            .into_iter()
            .find(|t| t.as_str() == s)
            .ok_or_else(|| UnknownEventType {
                input: s.to_string(),
            })
    }
}

impl fmt::Display for EventType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
