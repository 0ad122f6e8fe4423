use chrono::{DateTime, Utc};
use cqrs_es::DomainEvent;
use serde::{Deserialize, Serialize};

use super::WebhookUrls;
use crate::{Capabilities, OrganizationId, RequestId, E164};

/// Facts about a number. A persisted contract: never rename in place; version and upcast.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum PhoneNumberEvent {
    /// The number was bought for an organization, which now owns it.
    NumberProvisioned {
        /// The number.
        phone_number: E164,
        /// The owner.
        organization_id: OrganizationId,
        /// The provisioning request.
        request_id: RequestId,
        /// `twilio`, `signalwire` or `sandbox`.
        provider: String,
        /// The provider's SID.
        provider_sid: String,
        /// What it can do.
        capabilities: Capabilities,
        /// Webhooks set at purchase.
        webhooks: WebhookUrls,
        /// When.
        provisioned_at: DateTime<Utc>,
    },
    /// The webhooks were (re-)applied at the provider.
    WebhooksConfigured {
        /// The owner.
        organization_id: OrganizationId,
        /// The URLs now set.
        webhooks: WebhookUrls,
        /// When.
        configured_at: DateTime<Utc>,
    },
    /// The number was released at the provider; it has no owner any more.
    NumberReleased {
        /// The former owner.
        organization_id: OrganizationId,
        /// The provider's SID it had.
        provider_sid: String,
        /// When.
        released_at: DateTime<Utc>,
    },
    /// The owner asked for the number to be released at the provider; [`NumberReleased`]
    /// follows once the provider has let it go (the reconciler finishes a release a crash
    /// interrupted). The number routes to its owner until then.
    ///
    /// [`NumberReleased`]: PhoneNumberEvent::NumberReleased
    NumberReleaseRequested {
        /// The owner.
        organization_id: OrganizationId,
        /// The provider's SID to release.
        provider_sid: String,
        /// Why.
        reason: String,
        /// When.
        requested_at: DateTime<Utc>,
    },
    /// The provider no longer has the number (missing from its complete `IncomingPhoneNumbers`
    /// list), although we had not released it: it has no owner any more and routes nowhere.
    NumberLost {
        /// The former owner.
        organization_id: OrganizationId,
        /// The provider's SID it had.
        provider_sid: String,
        /// When it was found missing.
        lost_at: DateTime<Utc>,
    },
}

impl DomainEvent for PhoneNumberEvent {
    fn event_type(&self) -> String {
        match self {
            PhoneNumberEvent::NumberProvisioned { .. } => "NumberProvisioned",
            PhoneNumberEvent::WebhooksConfigured { .. } => "WebhooksConfigured",
            PhoneNumberEvent::NumberReleased { .. } => "NumberReleased",
            PhoneNumberEvent::NumberReleaseRequested { .. } => "NumberReleaseRequested",
            PhoneNumberEvent::NumberLost { .. } => "NumberLost",
        }
        .to_string()
    }

    fn event_version(&self) -> String {
        "1.0".to_string()
    }
}
