use chrono::{DateTime, Utc};
use cqrs_es::DomainEvent;
use serde::{Deserialize, Serialize};

use crate::{EndpointId, EndpointUrl, EventType, OrganizationId};

/// Facts about an organization's endpoint. A persisted contract: never rename in place; version
/// and upcast.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum EndpointEvent {
    /// The organization registered an endpoint.
    EndpointCreated {
        /// The endpoint.
        endpoint_id: EndpointId,
        /// Its organization.
        organization_id: OrganizationId,
        /// Where deliveries go.
        url: EndpointUrl,
        /// Free text.
        description: Option<String>,
        /// The types delivered; `None` for all.
        event_types: Option<Vec<EventType>>,
        /// Whether it answers `message.received` synchronously with a reply.
        responder: bool,
        /// The Standard Webhooks signing secret, `whsec_` + base64 of its key bytes.
        secret: String,
        /// When.
        created_at: DateTime<Utc>,
    },
    /// The endpoint's configuration changed; carries the whole new configuration.
    EndpointUpdated {
        /// Where deliveries go.
        url: EndpointUrl,
        /// Free text.
        description: Option<String>,
        /// The types delivered; `None` for all.
        event_types: Option<Vec<EventType>>,
        /// Whether it is the organization's responder.
        responder: bool,
        /// When.
        updated_at: DateTime<Utc>,
    },
    /// A new signing secret; the previous one keeps signing alongside it until
    /// `previous_valid_until` (Standard Webhooks: several signatures for zero-downtime rotation).
    EndpointSecretRotated {
        /// The new secret.
        secret: String,
        /// The secret it replaces.
        previous_secret: String,
        /// Until when the previous secret also signs.
        previous_valid_until: DateTime<Utc>,
        /// When.
        rotated_at: DateTime<Utc>,
    },
    /// Deliveries stopped: after 24 h of failures, or by the organization.
    EndpointDisabled {
        /// Why, for the endpoint's `disabled_reason`.
        reason: String,
        /// When.
        disabled_at: DateTime<Utc>,
    },
    /// Deliveries resumed.
    EndpointEnabled {
        /// When.
        enabled_at: DateTime<Utc>,
    },
    /// The organization removed the endpoint.
    EndpointDeleted {
        /// When.
        deleted_at: DateTime<Utc>,
    },
}

impl DomainEvent for EndpointEvent {
    fn event_type(&self) -> String {
        match self {
            EndpointEvent::EndpointCreated { .. } => "EndpointCreated",
            EndpointEvent::EndpointUpdated { .. } => "EndpointUpdated",
            EndpointEvent::EndpointSecretRotated { .. } => "EndpointSecretRotated",
            EndpointEvent::EndpointDisabled { .. } => "EndpointDisabled",
            EndpointEvent::EndpointEnabled { .. } => "EndpointEnabled",
            EndpointEvent::EndpointDeleted { .. } => "EndpointDeleted",
        }
        .to_string()
    }

    fn event_version(&self) -> String {
        "1.0".to_string()
    }
}
