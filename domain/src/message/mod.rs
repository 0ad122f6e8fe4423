//! The `Message` aggregate, one short stream per MessageSid: the event store's uniqueness on
//! `(aggregate_type, aggregate_id, sequence)` makes "recorded at most once" hold however often
//! and however concurrently Twilio delivers the same message.

mod commands;
mod errors;
mod events;
#[cfg(test)]
mod tests;

use chrono::{DateTime, Utc};
use cqrs_es::event_sink::EventSink;
use cqrs_es::Aggregate;
use serde::{Deserialize, Serialize};

pub use commands::MessageCommand;
pub use errors::MessageError;
pub use events::MessageEvent;

use crate::{Channel, ChannelAddress, MessageSid, OrganizationId};

/// One media attachment (Twilio's `MediaUrl{N}` and `MediaContentType{N}`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Media {
    /// Where the provider serves it.
    pub url: String,
    /// Its MIME type, when given.
    pub content_type: Option<String>,
}

/// Where an inbound message went.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Routing {
    /// The `To` number is held by this organization.
    Routed {
        /// The owner at the time of receipt.
        organization_id: OrganizationId,
    },
    /// No organization holds the `To` number.
    Unrouted,
}

/// An inbound message as Twilio described it ("Twilio's request to your incoming message Webhook
/// URL" doc page), plus our routing decision.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InboundMessage {
    /// Twilio's `MessageSid`.
    pub message_sid: MessageSid,
    /// Twilio's `AccountSid`.
    pub account_sid: String,
    /// SMS or WhatsApp (from the `whatsapp:` prefix of `To`).
    pub channel: Channel,
    /// Twilio's `From` as sent (E.164 when Twilio could normalise it, else raw caller id).
    pub from: String,
    /// Twilio's `To`, parsed.
    pub to: ChannelAddress,
    /// Twilio's `Body` (≤ 1600 characters).
    pub body: String,
    /// Attachments.
    pub media: Vec<Media>,
    /// WhatsApp `ProfileName`.
    pub profile_name: Option<String>,
    /// WhatsApp `WaId`.
    pub wa_id: Option<String>,
    /// Where it went.
    pub routing: Routing,
}

/// State of one message: what was received.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Message {
    received: Option<InboundMessage>,
    received_at: Option<DateTime<Utc>>,
}

impl Message {
    /// The inbound message, once recorded.
    pub fn received(&self) -> Option<&InboundMessage> {
        self.received.as_ref()
    }

    /// When it was recorded.
    pub fn received_at(&self) -> Option<DateTime<Utc>> {
        self.received_at
    }
}

impl Aggregate for Message {
    const TYPE: &'static str = "Message";
    type Command = MessageCommand;
    type Event = MessageEvent;
    type Error = MessageError;
    type Services = ();

    async fn handle(
        &mut self,
        command: Self::Command,
        _services: &Self::Services,
        sink: &EventSink<Self>,
    ) -> Result<(), Self::Error> {
        match command {
            MessageCommand::ReceiveMessage {
                message,
                received_at,
            } => {
                if let Some(existing) = &self.received {
                    if existing.message_sid != message.message_sid {
                        return Err(MessageError::WrongMessage {
                            command: message.message_sid,
                            stream: existing.message_sid.clone(),
                        });
                    }
                    return Ok(());
                }
                sink.write(
                    MessageEvent::MessageReceived {
                        message,
                        received_at,
                    },
                    self,
                )
                .await;
                Ok(())
            }
        }
    }

    fn apply(&mut self, event: Self::Event) {
        match event {
            MessageEvent::MessageReceived {
                message,
                received_at,
            } => {
                self.received = Some(message);
                self.received_at = Some(received_at);
            }
        }
    }
}
