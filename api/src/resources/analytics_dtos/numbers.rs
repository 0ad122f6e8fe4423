//! The wire shapes of a number's ownership history.

use chrono::{DateTime, Utc};
use poem_openapi::{Enum, Object};
use switchboard_projections::analytics::Ownership;

use super::at;
use crate::resources::types::Described;

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
    /// When it was released (or found lost); absent while held.
    pub released_at: Option<DateTime<Utc>>,
    /// How the ownership ended: `released`, or `lost` when the provider no longer had the
    /// number; absent while held.
    pub ended_as: Option<Described<OwnershipEnd>>,
}

/// How an ownership of a number ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Enum)]
#[oai(rename_all = "lowercase")]
pub enum OwnershipEnd {
    /// Given up at the provider.
    Released,
    /// The provider no longer had it although it was not released.
    Lost,
}

impl From<Ownership> for OwnershipView {
    fn from(o: Ownership) -> Self {
        Self {
            organization_id: o.organization_id.parse().unwrap_or_default(),
            provider: o.provider,
            provider_sid: o.provider_sid,
            provisioned_at: at(o.provisioned_ms),
            released_at: o.released_ms.map(at),
            ended_as: o.ended_as.as_deref().map(|e| {
                Described(match e {
                    "lost" => OwnershipEnd::Lost,
                    _ => OwnershipEnd::Released,
                })
            }),
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
