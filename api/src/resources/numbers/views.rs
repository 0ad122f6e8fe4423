//! What the number operations answer: a number an organization holds, its list, and a routing
//! table entry.

use chrono::{DateTime, Utc};
use poem_openapi::Object;
use switchboard_application::NumberDetails;
use switchboard_projections::RoutingEntry;
use uuid::Uuid;

use super::super::available_numbers::CapabilitiesView;
use super::super::types::{
    enum_column, phone_column, time_column, uuid_column, Described, NumberStatus, PhoneNumber,
    Provider,
};
use crate::problem::ApiError;

/// A number an organization holds.
#[derive(Debug, Object)]
pub struct NumberView {
    /// The number.
    pub phone_number: PhoneNumber,
    /// The owner's id.
    pub organization_id: Uuid,
    /// The provider it was bought from.
    pub provider: Described<Provider>,
    /// The provider's SID (`PN…`).
    pub provider_sid: String,
    /// Always `active`: the number routes to its owner.
    pub status: Described<NumberStatus>,
    /// What it can do.
    pub capabilities: Described<CapabilitiesView>,
    /// The `SmsUrl` set at the provider.
    pub sms_url: String,
    /// The `StatusCallback` set at the provider.
    pub status_callback: String,
    /// When provisioned.
    pub provisioned_at: DateTime<Utc>,
}

impl TryFrom<NumberDetails> for NumberView {
    type Error = ApiError;

    fn try_from(d: NumberDetails) -> Result<Self, ApiError> {
        Ok(Self {
            provider: enum_column::<Provider>("provider", &d.provider)?.into(),
            phone_number: d.phone_number.into(),
            organization_id: d.organization_id.as_uuid(),
            provider_sid: d.provider_sid,
            status: NumberStatus::Active.into(),
            capabilities: CapabilitiesView::from(d.capabilities).into(),
            sms_url: d.webhooks.sms_url,
            status_callback: d.webhooks.status_callback,
            provisioned_at: d.provisioned_at,
        })
    }
}

/// The numbers an organization holds.
#[derive(Debug, Object)]
pub struct NumberList {
    /// The numbers.
    pub items: Vec<NumberView>,
}

/// A routing table entry: where messages to a number go.
#[derive(Debug, Object)]
pub struct RoutingEntryView {
    /// The number.
    pub phone_number: PhoneNumber,
    /// The (last) owner's id.
    pub organization_id: Uuid,
    /// `active` (routes to the owner) or `released` (routes nowhere).
    pub status: Described<NumberStatus>,
    /// The provider.
    pub provider: Described<Provider>,
    /// The provider's SID.
    pub provider_sid: String,
    /// `SmsUrl` as last applied.
    pub sms_url: String,
    /// `StatusCallback` as last applied.
    pub status_callback: String,
    /// Last change.
    pub updated_at: DateTime<Utc>,
}

impl TryFrom<RoutingEntry> for RoutingEntryView {
    type Error = ApiError;

    fn try_from(entry: RoutingEntry) -> Result<Self, ApiError> {
        Ok(Self {
            phone_number: phone_column("phone_number", &entry.phone_number)?,
            organization_id: uuid_column("organization_id", &entry.organization_id)?,
            status: enum_column::<NumberStatus>("status", &entry.status)?.into(),
            provider: enum_column::<Provider>("provider", &entry.provider)?.into(),
            updated_at: time_column("updated_at", &entry.updated_at)?,
            provider_sid: entry.provider_sid,
            sms_url: entry.sms_url,
            status_callback: entry.status_callback,
        })
    }
}
