//! The `Conversation` aggregate: one organization and one customer address (id
//! `{organization_id}/{customer}`, e.g. `…/whatsapp:+15551230000`). It knows whether the
//! customer wrote before (the welcome goes once), whether they opted out, and when they last
//! wrote (the WhatsApp 24-hour customer-service window, Twilio error 63016), and when it last
//! got an automatic reply (at most one per [`AutoReplyWindow`]).

mod commands;
mod errors;
mod events;
#[cfg(test)]
mod tests;

use chrono::{DateTime, Duration, Utc};
use cqrs_es::event_sink::EventSink;
use cqrs_es::Aggregate;
use serde::{Deserialize, Serialize};

pub use commands::ConversationCommand;
pub use errors::ConversationError;
pub use events::ConversationEvent;

use crate::{AutoReplyWindow, Channel, Keyword, OrganizationId};

/// The WhatsApp customer-service window: free-form messages are allowed for 24 hours after the
/// customer's last message (Twilio error 63016 page).
pub const WHATSAPP_WINDOW_HOURS: i64 = 24;

/// The stream id of a conversation.
pub fn conversation_id(organization_id: OrganizationId, customer: &str) -> String {
    format!("{organization_id}/{customer}")
}

/// State of one conversation.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Conversation {
    organization_id: Option<OrganizationId>,
    first_message_sid: Option<String>,
    last_message_sid: Option<String>,
    last_inbound_at: Option<DateTime<Utc>>,
    opted_out: bool,
    #[serde(default)]
    last_auto_reply_at: Option<DateTime<Utc>>,
}

impl Conversation {
    /// Whether `message_sid` is the message that started the conversation.
    pub fn is_first_message(&self, message_sid: &str) -> bool {
        self.first_message_sid.as_deref() == Some(message_sid)
    }

    /// Whether the customer opted out.
    pub fn is_opted_out(&self) -> bool {
        self.opted_out
    }

    /// Whether an automatic reply may go to the customer at `at`: none went within `window`.
    pub fn may_auto_reply(&self, at: DateTime<Utc>, window: AutoReplyWindow) -> bool {
        window.allows(self.last_auto_reply_at, at)
    }

    /// When the customer last wrote.
    pub fn last_inbound_at(&self) -> Option<DateTime<Utc>> {
        self.last_inbound_at
    }

    /// Whether a message may be sent to the customer now: not to one who opted out, and on
    /// WhatsApp free-form text only within 24 hours of their last message (a template,
    /// `ContentSid`, is allowed any time).
    ///
    /// # Errors
    /// [`ConversationError::RecipientOptedOut`], [`ConversationError::WhatsappWindowClosed`].
    pub fn authorize_outbound(
        &self,
        channel: Channel,
        template: bool,
        at: DateTime<Utc>,
    ) -> Result<(), ConversationError> {
        if self.opted_out {
            return Err(ConversationError::RecipientOptedOut);
        }
        if channel == Channel::Whatsapp && !template {
            let open = self
                .last_inbound_at
                .is_some_and(|last| at - last < Duration::hours(WHATSAPP_WINDOW_HOURS));
            if !open {
                return Err(ConversationError::WhatsappWindowClosed {
                    last_inbound_at: self.last_inbound_at,
                });
            }
        }
        Ok(())
    }
}

impl Aggregate for Conversation {
    const TYPE: &'static str = "Conversation";
    type Command = ConversationCommand;
    type Event = ConversationEvent;
    type Error = ConversationError;
    type Services = ();

    async fn handle(
        &mut self,
        command: Self::Command,
        _services: &Self::Services,
        sink: &EventSink<Self>,
    ) -> Result<(), Self::Error> {
        use ConversationEvent as E;
        let events = match command {
            ConversationCommand::RecordInbound {
                organization_id,
                customer,
                message_sid,
                keyword,
                at,
            } => {
                if self.last_message_sid.as_deref() == Some(message_sid.as_str())
                    || self.first_message_sid.as_deref() == Some(message_sid.as_str())
                {
                    // A retry of the same message: everything was recorded already.
                    return Ok(());
                }
                let mut events = Vec::new();
                if self.organization_id.is_none() {
                    events.push(E::ConversationStarted {
                        organization_id,
                        customer,
                        message_sid: message_sid.clone(),
                        at,
                    });
                }
                match keyword {
                    Some(Keyword::OptOut) if !self.opted_out => {
                        events.push(E::CustomerOptedOut {
                            reason: "keyword".into(),
                            at,
                        });
                    }
                    Some(Keyword::OptIn) if self.opted_out => {
                        events.push(E::CustomerOptedIn { at });
                    }
                    _ => {}
                }
                events.push(E::InboundRecorded { message_sid, at });
                events
            }
            ConversationCommand::AuthorizeOutbound {
                channel,
                template,
                at,
            } => {
                self.authorize_outbound(channel, template, at)?;
                vec![]
            }
            ConversationCommand::RecordAutoReply {
                message_sid,
                at,
                window,
            } => {
                if self.may_auto_reply(at, window) {
                    vec![E::AutoReplied { message_sid, at }]
                } else {
                    vec![]
                }
            }
            ConversationCommand::RecordProviderOptOut {
                organization_id,
                customer,
                at,
            } => {
                let mut events = Vec::new();
                if self.organization_id.is_none() {
                    events.push(E::ConversationStarted {
                        organization_id,
                        customer,
                        message_sid: String::new(),
                        at,
                    });
                }
                if !self.opted_out {
                    events.push(E::CustomerOptedOut {
                        reason: "provider".into(),
                        at,
                    });
                }
                events
            }
        };
        for event in events {
            sink.write(event, self).await;
        }
        Ok(())
    }

    fn apply(&mut self, event: Self::Event) {
        match event {
            ConversationEvent::ConversationStarted {
                organization_id,
                message_sid,
                ..
            } => {
                self.organization_id = Some(organization_id);
                if !message_sid.is_empty() {
                    self.first_message_sid = Some(message_sid);
                }
            }
            ConversationEvent::InboundRecorded { message_sid, at } => {
                self.last_message_sid = Some(message_sid);
                self.last_inbound_at = Some(at);
            }
            ConversationEvent::CustomerOptedOut { .. } => self.opted_out = true,
            ConversationEvent::CustomerOptedIn { .. } => self.opted_out = false,
            ConversationEvent::AutoReplied { at, .. } => self.last_auto_reply_at = Some(at),
        }
    }
}
