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
    /// Record that the owner's number is to be released at the provider, before the provider
    /// is called, so a crash between the call and [`ReleaseNumber`](Self::ReleaseNumber) leaves
    /// a request that the reconciler resumes. Asking again changes nothing.
    RequestRelease {
        /// Who asks; must be the owner.
        organization_id: OrganizationId,
        /// Why, for the history: e.g. `released by the organization`, `orphaned purchase`.
        reason: String,
        /// When.
        requested_at: DateTime<Utc>,
    },
    /// Record that the provider no longer has the number although we hold it (it is missing
    /// from a complete `IncomingPhoneNumbers` list): it stops routing and has no owner.
    MarkLost {
        /// The SID the number had; must be the current ownership's (a re-purchase under
        /// another SID is not lost).
        provider_sid: String,
        /// When it was found missing.
        lost_at: DateTime<Utc>,
    },
}
