//! The `Message` aggregate, one short stream per MessageSid: the event store's uniqueness on
//! `(aggregate_type, aggregate_id, sequence)` makes "recorded at most once" hold however often
//! and however concurrently Twilio delivers the same message.

mod commands;
mod errors;
mod events;
mod outcome;
mod segments;
#[cfg(test)]
mod tests;
pub mod upcasters;

use chrono::{DateTime, Utc};
use cqrs_es::event_sink::EventSink;
use cqrs_es::Aggregate;
use serde::{Deserialize, Serialize};

pub use commands::MessageCommand;
pub use errors::MessageError;
pub use events::MessageEvent;
pub use outcome::{decide, AutoReply, Handling, InboundDecision, InboundFacts, InboundOutcome};
pub use segments::sms_segments;

use crate::{Channel, InboundAddress, MessageSid, MessageStatus, OrganizationId};

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
    /// Twilio's `To`: parsed when it is an address we route, else as sent (always unrouted).
    pub to: InboundAddress,
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

/// An outbound message as sent through the provider.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutboundMessage {
    /// The sending organization.
    pub organization_id: OrganizationId,
    /// SMS or WhatsApp.
    pub channel: Channel,
    /// Our number (`whatsapp:`-prefixed on WhatsApp).
    pub from: String,
    /// The customer (`whatsapp:`-prefixed on WhatsApp).
    pub to: String,
    /// Free-form text, if any.
    pub body: Option<String>,
    /// Media URLs.
    pub media_urls: Vec<String>,
    /// The WhatsApp template (`HX…`), if one was used.
    pub content_sid: Option<String>,
    /// The template's variables (a JSON object as text).
    pub content_variables: Option<String>,
}

/// What an organization's responder endpoint answered to an accepted inbound message.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResponderReply {
    /// The text (Twilio's `Body` limit: 1600 characters).
    pub body: String,
    /// Media URLs (at most 10).
    pub media_urls: Vec<String>,
}

/// State of one message: what was received or sent, what was decided, its status.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Message {
    received: Option<InboundMessage>,
    received_at: Option<DateTime<Utc>>,
    outcome: Option<InboundOutcome>,
    replies: Vec<String>,
    sent: Option<OutboundMessage>,
    status: Option<MessageStatus>,
    #[serde(default)]
    responder_reply: Option<ResponderReply>,
    #[serde(default)]
    auto_reply_suppressed: bool,
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

    /// The decided outcome of an inbound message, once decided.
    pub fn outcome(&self) -> Option<&InboundOutcome> {
        self.outcome.as_ref()
    }

    /// The replies decided with the outcome.
    pub fn replies(&self) -> &[String] {
        &self.replies
    }

    /// Whether the auto-reply window suppressed an automatic reply to this message.
    pub fn auto_reply_suppressed(&self) -> bool {
        self.auto_reply_suppressed
    }

    /// The responder's reply, once recorded.
    pub fn responder_reply(&self) -> Option<&ResponderReply> {
        self.responder_reply.as_ref()
    }

    /// The outbound message, once sent.
    pub fn sent(&self) -> Option<&OutboundMessage> {
        self.sent.as_ref()
    }

    /// The current status.
    pub fn status(&self) -> Option<MessageStatus> {
        self.status
    }

    fn advances_to(&self, status: MessageStatus) -> bool {
        self.status
            .is_none_or(|current| current.can_advance_to(status))
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
                let segments = match message.channel {
                    Channel::Sms => sms_segments(&message.body),
                    Channel::Whatsapp => 1,
                };
                sink.write(
                    MessageEvent::MessageReceived {
                        message,
                        received_at,
                        segments,
                    },
                    self,
                )
                .await;
                Ok(())
            }
            MessageCommand::DecideOutcome {
                outcome,
                replies,
                decided_at,
                auto_reply_suppressed,
            } => {
                if self.received.is_none() {
                    return Err(MessageError::NotReceived);
                }
                if self.outcome.is_none() {
                    let event = MessageEvent::InboundOutcomeDecided {
                        outcome,
                        replies,
                        decided_at,
                        auto_reply_suppressed,
                    };
                    sink.write(event, self).await;
                }
                Ok(())
            }
            MessageCommand::RecordSent {
                message,
                status,
                sent_at,
            } => {
                if self.sent.is_none() {
                    // A status callback may have overtaken the provider's answer.
                    let status = match self.status {
                        Some(current) if !status.can_advance_to(current) => status,
                        Some(current) => current,
                        None => status,
                    };
                    let event = MessageEvent::MessageSent {
                        message,
                        status,
                        sent_at,
                    };
                    sink.write(event, self).await;
                }
                Ok(())
            }
            MessageCommand::RecordResponderReply {
                endpoint_id,
                reply,
                replied_at,
            } => {
                match &self.outcome {
                    None if self.received.is_none() => return Err(MessageError::NotReceived),
                    Some(InboundOutcome::Accepted) => {}
                    _ => return Err(MessageError::NotAccepted),
                }
                if self.responder_reply.is_none() {
                    let received = self.received.as_ref();
                    let event = MessageEvent::ResponderReplied {
                        endpoint_id,
                        reply,
                        replied_at,
                        customer: received.map(|m| m.from.clone()),
                        routing: received.map(|m| m.routing.clone()),
                    };
                    sink.write(event, self).await;
                }
                Ok(())
            }
            MessageCommand::ChangeStatus {
                status,
                error_code,
                changed_at,
            } => {
                if self.advances_to(status) {
                    let event = MessageEvent::MessageStatusChanged {
                        status,
                        error_code,
                        changed_at,
                    };
                    sink.write(event, self).await;
                }
                Ok(())
            }
        }
    }

    fn apply(&mut self, event: Self::Event) {
        match event {
            MessageEvent::MessageReceived {
                message,
                received_at,
                ..
            } => {
                self.received = Some(message);
                self.received_at = Some(received_at);
                self.status = Some(MessageStatus::Received);
            }
            MessageEvent::InboundOutcomeDecided {
                outcome,
                replies,
                auto_reply_suppressed,
                ..
            } => {
                self.outcome = Some(outcome);
                self.replies = replies;
                self.auto_reply_suppressed = auto_reply_suppressed;
            }
            MessageEvent::MessageSent {
                message, status, ..
            } => {
                self.sent = Some(message);
                self.status = Some(status);
            }
            MessageEvent::MessageStatusChanged { status, .. } => self.status = Some(status),
            MessageEvent::ResponderReplied { reply, .. } => self.responder_reply = Some(reply),
        }
    }
}
