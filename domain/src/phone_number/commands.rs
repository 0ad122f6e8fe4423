use chrono::{DateTime, Utc};

use super::WebhookUrls;
use crate::{Capabilities, OrganizationId, RequestId, E164};

/// Orders to the `PhoneNumber` aggregate (id: the E.164 number itself).
#[derive(Clone, Debug, PartialEq)]
pub enum PhoneNumberCommand {
    /// Record that the number was bought at the provider for an organization.
    ProvisionNumber {
        /// The number (must equal the aggregate id).
        phone_number: E164,
        /// The owner.
        organization_id: OrganizationId,
        /// The organization's provisioning request.
        request_id: RequestId,
        /// `twilio`, `signalwire` or `sandbox`.
        provider: String,
        /// The provider's SID (`PN…`).
        provider_sid: String,
        /// What the number can do.
        capabilities: Capabilities,
        /// The webhooks set at purchase.
        webhooks: WebhookUrls,
        /// When.
        provisioned_at: DateTime<Utc>,
    },
    /// Record that the webhooks were (re-)applied at the provider.
    ConfigureWebhooks {
        /// Who asks; must be the owner.
        organization_id: OrganizationId,
        /// The URLs now set.
        webhooks: WebhookUrls,
        /// When.
        configured_at: DateTime<Utc>,
    },
    /// Record that the number was released at the provider.
    ReleaseNumber {
        /// Who asks; must be the owner.
        organization_id: OrganizationId,
        /// When.
        released_at: DateTime<Utc>,
    },
}
