use chrono::{DateTime, Utc};
use cqrs_es::DomainEvent;
use serde::{Deserialize, Serialize};

use super::commands::NumberTarget;
use crate::{JoinCode, OrganizationId, OrganizationName, Plan, RequestId, Settings, E164};

/// Facts about an organization. A persisted contract: never rename a variant or field in place;
/// add a version and an upcaster instead.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum OrganizationEvent {
    /// The organization exists.
    OrganizationCreated {
        /// Its id.
        organization_id: OrganizationId,
        /// Display name.
        name: OrganizationName,
        /// Free text.
        description: Option<String>,
        /// Free text.
        industry: Option<String>,
        /// Plan at creation.
        plan: Plan,
        /// When.
        created_at: DateTime<Utc>,
    },
    /// Some profile fields or the plan changed; absent fields did not.
    OrganizationUpdated {
        /// New name.
        name: Option<OrganizationName>,
        /// New description.
        description: Option<String>,
        /// New industry.
        industry: Option<String>,
        /// New plan.
        plan: Option<Plan>,
        /// When.
        updated_at: DateTime<Utc>,
    },
    /// The organization's code for the shared number.
    JoinCodeAssigned {
        /// The code.
        join_code: JoinCode,
    },
    /// The messaging settings changed (the event carries them all, as they are now).
    SettingsUpdated {
        /// The settings (boxed: they are large; serialized as the settings themselves).
        settings: Box<Settings>,
        /// When.
        updated_at: DateTime<Utc>,
    },
    /// The organization is gone; it held no number any more.
    OrganizationDeleted {
        /// When.
        deleted_at: DateTime<Utc>,
    },
    /// A number slot is reserved while the provider purchase runs. Version 2.0 (1.0 stored an
    /// area code as a number, losing leading zeros; see `upcasters::number_requested_v2`).
    NumberRequested {
        /// Correlation id.
        request_id: RequestId,
        /// What is being bought.
        target: NumberTarget,
        /// When.
        requested_at: DateTime<Utc>,
    },
    /// The number bought for a request is now held.
    NumberAttached {
        /// Correlation id.
        request_id: RequestId,
        /// The number.
        phone_number: E164,
        /// When.
        attached_at: DateTime<Utc>,
    },
    /// The purchase for a request failed; its slot is free again.
    NumberRequestFailed {
        /// Correlation id.
        request_id: RequestId,
        /// Why.
        reason: String,
        /// When.
        failed_at: DateTime<Utc>,
    },
    /// A held number was released.
    NumberDetached {
        /// The number.
        phone_number: E164,
        /// When.
        detached_at: DateTime<Utc>,
    },
}

impl DomainEvent for OrganizationEvent {
    fn event_type(&self) -> String {
        match self {
            OrganizationEvent::OrganizationCreated { .. } => "OrganizationCreated",
            OrganizationEvent::OrganizationUpdated { .. } => "OrganizationUpdated",
            OrganizationEvent::JoinCodeAssigned { .. } => "JoinCodeAssigned",
            OrganizationEvent::SettingsUpdated { .. } => "SettingsUpdated",
            OrganizationEvent::OrganizationDeleted { .. } => "OrganizationDeleted",
            OrganizationEvent::NumberRequested { .. } => "NumberRequested",
            OrganizationEvent::NumberAttached { .. } => "NumberAttached",
            OrganizationEvent::NumberRequestFailed { .. } => "NumberRequestFailed",
            OrganizationEvent::NumberDetached { .. } => "NumberDetached",
        }
        .to_string()
    }

    fn event_version(&self) -> String {
        match self {
            OrganizationEvent::NumberRequested { .. } => "2.0",
            _ => "1.0",
        }
        .to_string()
    }
}
