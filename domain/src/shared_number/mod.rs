//! The `SharedNumberMember` aggregate: which organization a customer reaches through the
//! platform's shared number (id: the customer's address). `join <code>` binds the customer to an
//! organization until they join another. A customer who joined none gets the join help at most
//! once per [`AutoReplyWindow`].

#[cfg(test)]
mod tests;

use chrono::{DateTime, Utc};
use cqrs_es::event_sink::EventSink;
use cqrs_es::{Aggregate, DomainEvent};
use serde::{Deserialize, Serialize};

use crate::{AutoReplyWindow, OrganizationId};

/// Orders to the `SharedNumberMember` aggregate.
#[derive(Clone, Debug, PartialEq)]
pub enum SharedNumberCommand {
    /// Bind the customer to an organization (re-joining the same one changes nothing).
    Join {
        /// The organization the code named.
        organization_id: OrganizationId,
        /// The MessageSid of the `join` message.
        message_sid: String,
        /// When.
        at: DateTime<Utc>,
    },
    /// Record that the join help ("send: join <code>", or "that code doesn't match") goes to
    /// the customer in answer to `message_sid`, unless it went within `window`: then nothing is
    /// recorded and the help is suppressed (see [`SharedNumberMember::may_auto_reply`]).
    RecordAutoReply {
        /// The message answered.
        message_sid: String,
        /// When.
        at: DateTime<Utc>,
        /// The bound in force.
        window: AutoReplyWindow,
    },
}

/// Facts about a shared-number customer. A persisted contract.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum SharedNumberEvent {
    /// The customer's messages to the shared number now route to this organization.
    CustomerJoined {
        /// The organization.
        organization_id: OrganizationId,
        /// The `join` message.
        message_sid: String,
        /// When.
        at: DateTime<Utc>,
    },
    /// The join help went to the customer in answer to `message_sid`.
    JoinHelpSent {
        /// The message answered.
        message_sid: String,
        /// When.
        at: DateTime<Utc>,
    },
}

impl DomainEvent for SharedNumberEvent {
    fn event_type(&self) -> String {
        match self {
            SharedNumberEvent::CustomerJoined { .. } => "CustomerJoined".to_string(),
            SharedNumberEvent::JoinHelpSent { .. } => "JoinHelpSent".to_string(),
        }
    }

    fn event_version(&self) -> String {
        "1.0".to_string()
    }
}

/// The shared-number aggregate has no refusals; joining is always allowed.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("unreachable")]
pub enum SharedNumberError {}

/// Which organization a customer reaches through the shared number.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct SharedNumberMember {
    organization_id: Option<OrganizationId>,
    #[serde(default)]
    last_auto_reply_at: Option<DateTime<Utc>>,
}

impl SharedNumberMember {
    /// The organization the customer joined last, if any.
    pub fn organization_id(&self) -> Option<OrganizationId> {
        self.organization_id
    }

    /// Whether the join help may go to the customer at `at`: it did not within `window`.
    pub fn may_auto_reply(&self, at: DateTime<Utc>, window: AutoReplyWindow) -> bool {
        window.allows(self.last_auto_reply_at, at)
    }
}

impl Aggregate for SharedNumberMember {
    const TYPE: &'static str = "SharedNumberMember";
    type Command = SharedNumberCommand;
    type Event = SharedNumberEvent;
    type Error = SharedNumberError;
    type Services = ();

    async fn handle(
        &mut self,
        command: Self::Command,
        _services: &Self::Services,
        sink: &EventSink<Self>,
    ) -> Result<(), Self::Error> {
        match command {
            SharedNumberCommand::Join {
                organization_id,
                message_sid,
                at,
            } => {
                if self.organization_id != Some(organization_id) {
                    let event = SharedNumberEvent::CustomerJoined {
                        organization_id,
                        message_sid,
                        at,
                    };
                    sink.write(event, self).await;
                }
                Ok(())
            }
            SharedNumberCommand::RecordAutoReply {
                message_sid,
                at,
                window,
            } => {
                if self.may_auto_reply(at, window) {
                    let event = SharedNumberEvent::JoinHelpSent { message_sid, at };
                    sink.write(event, self).await;
                }
                Ok(())
            }
        }
    }

    fn apply(&mut self, event: Self::Event) {
        match event {
            SharedNumberEvent::CustomerJoined {
                organization_id, ..
            } => self.organization_id = Some(organization_id),
            SharedNumberEvent::JoinHelpSent { at, .. } => self.last_auto_reply_at = Some(at),
        }
    }
}
