use chrono::{DateTime, Utc};

use crate::{EndpointId, EndpointUrl, EventType, OrganizationId};

/// Orders to the `Endpoint` aggregate (id: the endpoint's UUID). Every command names the
/// organization asking, which must be the endpoint's.
#[derive(Clone, Debug, PartialEq)]
pub enum EndpointCommand {
    /// Register the endpoint.
    CreateEndpoint {
        /// The new endpoint's id (the aggregate id).
        endpoint_id: EndpointId,
        /// Its organization.
        organization_id: OrganizationId,
        /// Where deliveries go.
        url: EndpointUrl,
        /// Free text.
        description: Option<String>,
        /// The types delivered; `None` for all.
        event_types: Option<Vec<EventType>>,
        /// Whether it answers `message.received` synchronously.
        responder: bool,
        /// A fresh signing secret (`whsec_…`).
        secret: String,
        /// When.
        at: DateTime<Utc>,
    },
    /// Change what is given; `enabled: Some(true)` re-enables a disabled endpoint.
    UpdateEndpoint {
        /// Who asks.
        organization_id: OrganizationId,
        /// What changes.
        changes: EndpointChanges,
        /// When.
        at: DateTime<Utc>,
    },
    /// Replace the signing secret; the old one keeps signing until `previous_valid_until`.
    RotateSecret {
        /// Who asks.
        organization_id: OrganizationId,
        /// The new secret.
        secret: String,
        /// Until when the old secret also signs.
        previous_valid_until: DateTime<Utc>,
        /// When.
        at: DateTime<Utc>,
    },
    /// Stop deliveries (the dispatcher, after 24 h of failures).
    DisableEndpoint {
        /// The endpoint's organization.
        organization_id: OrganizationId,
        /// Why.
        reason: String,
        /// When.
        at: DateTime<Utc>,
    },
    /// Remove the endpoint.
    DeleteEndpoint {
        /// Who asks.
        organization_id: OrganizationId,
        /// When.
        at: DateTime<Utc>,
    },
}

/// The fields of an endpoint update; `None` leaves a field as it is.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct EndpointChanges {
    /// New URL.
    pub url: Option<EndpointUrl>,
    /// New description (`Some(None)` clears it).
    pub description: Option<Option<String>>,
    /// New type filter (`Some(None)` delivers all types).
    pub event_types: Option<Option<Vec<EventType>>>,
    /// New responder flag.
    pub responder: Option<bool>,
    /// Enable or disable deliveries.
    pub enabled: Option<bool>,
}
