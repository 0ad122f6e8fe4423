//! The `CustomerPrivacy` aggregate: one customer of one organization (id
//! `{organization_id}/{customer}`, as a conversation's), recording the customer's erasures. An
//! erasure is a fact without personal data: the event store deletes the customer's data key
//! (crypto-shredding) and every read model blanks what it held about them, on replay too.

#[cfg(test)]
mod tests;

use chrono::{DateTime, Utc};
use cqrs_es::event_sink::EventSink;
use cqrs_es::{Aggregate, DomainEvent};
use serde::{Deserialize, Serialize};

use crate::OrganizationId;

/// Orders to the `CustomerPrivacy` aggregate.
#[derive(Clone, Debug, PartialEq)]
pub enum PrivacyCommand {
    /// Erase the customer's personal data (bodies, media, profile name) held so far.
    Erase {
        /// The organization.
        organization_id: OrganizationId,
        /// The customer's address (`+E164` or `whatsapp:+E164`).
        customer: String,
        /// When.
        at: DateTime<Utc>,
    },
}

/// Facts about a customer's data. A persisted contract: never rename in place; version and
/// upcast.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum PrivacyEvent {
    /// The customer's personal data held until `at` was erased (each erasure is recorded, so a
    /// customer who wrote again can be erased again).
    CustomerErased {
        /// The organization.
        organization_id: OrganizationId,
        /// The customer's address (the key of what was erased, not personal content).
        customer: String,
        /// When.
        at: DateTime<Utc>,
    },
}

impl DomainEvent for PrivacyEvent {
    fn event_type(&self) -> String {
        match self {
            PrivacyEvent::CustomerErased { .. } => "CustomerErased".to_string(),
        }
    }

    fn event_version(&self) -> String {
        "1.0".to_string()
    }
}

/// The privacy aggregate has no refusals: an erasure is always allowed.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("unreachable")]
pub enum PrivacyError {}

/// A customer's erasures.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct CustomerPrivacy {
    last_erased_at: Option<DateTime<Utc>>,
    erasures: u32,
}

impl CustomerPrivacy {
    /// When the customer was last erased, if ever.
    pub fn last_erased_at(&self) -> Option<DateTime<Utc>> {
        self.last_erased_at
    }

    /// How many times the customer was erased.
    pub fn erasures(&self) -> u32 {
        self.erasures
    }
}

impl Aggregate for CustomerPrivacy {
    const TYPE: &'static str = "CustomerPrivacy";
    type Command = PrivacyCommand;
    type Event = PrivacyEvent;
    type Error = PrivacyError;
    type Services = ();

    async fn handle(
        &mut self,
        command: Self::Command,
        _services: &Self::Services,
        sink: &EventSink<Self>,
    ) -> Result<(), Self::Error> {
        match command {
            PrivacyCommand::Erase {
                organization_id,
                customer,
                at,
            } => {
                let event = PrivacyEvent::CustomerErased {
                    organization_id,
                    customer,
                    at,
                };
                sink.write(event, self).await;
                Ok(())
            }
        }
    }

    fn apply(&mut self, event: Self::Event) {
        match event {
            PrivacyEvent::CustomerErased { at, .. } => {
                self.last_erased_at = Some(at);
                self.erasures += 1;
            }
        }
    }
}
