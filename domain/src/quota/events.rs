use chrono::{DateTime, Utc};
use cqrs_es::DomainEvent;
use serde::{Deserialize, Serialize};

use crate::{BillingPeriod, OrganizationId};

/// Facts about a quota. A persisted contract: never rename in place; version and upcast.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum QuotaEvent {
    /// A billing period started with nothing used.
    QuotaReset {
        /// The organization.
        organization_id: OrganizationId,
        /// The period.
        period: BillingPeriod,
        /// When the reset was recorded.
        reset_at: DateTime<Utc>,
    },
    /// One message was counted.
    QuotaConsumed {
        /// The MessageSid or outbound send id counted.
        reference: String,
        /// When.
        at: DateTime<Utc>,
    },
    /// A counted message was given back (the provider refused the send it was counted for).
    QuotaReleased {
        /// The reference it was counted under.
        reference: String,
        /// When.
        at: DateTime<Utc>,
    },
}

impl DomainEvent for QuotaEvent {
    fn event_type(&self) -> String {
        match self {
            QuotaEvent::QuotaReset { .. } => "QuotaReset",
            QuotaEvent::QuotaConsumed { .. } => "QuotaConsumed",
            QuotaEvent::QuotaReleased { .. } => "QuotaReleased",
        }
        .to_string()
    }

    fn event_version(&self) -> String {
        "1.0".to_string()
    }
}
