//! The wire shapes of a number's ownership history.

use chrono::{DateTime, Utc};
use poem_openapi::Object;
use switchboard_projections::analytics::Ownership;

use super::at;

/// One ownership of a number.
#[derive(Debug, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct OwnershipView {
    /// The owner.
    pub organization_id: uuid::Uuid,
    /// `twilio`, `signalwire` or `sandbox`.
    pub provider: String,
    /// The provider's SID then.
    pub provider_sid: String,
    /// When it was provisioned for the owner.
    pub provisioned_at: DateTime<Utc>,
    /// When it was released; absent while held.
    pub released_at: Option<DateTime<Utc>>,
}

impl From<Ownership> for OwnershipView {
    fn from(o: Ownership) -> Self {
        Self {
            organization_id: o.organization_id.parse().unwrap_or_default(),
            provider: o.provider,
            provider_sid: o.provider_sid,
            provisioned_at: at(o.provisioned_ms),
            released_at: o.released_ms.map(at),
        }
    }
}

/// A number's ownership history.
#[derive(Debug, Object)]
pub struct NumberHistoryView {
    /// E.164.
    pub phone_number: String,
    /// Every ownership, oldest first.
    pub ownerships: Vec<OwnershipView>,
}
