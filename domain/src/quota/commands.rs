use chrono::{DateTime, Utc};

use crate::{BillingPeriod, OrganizationId};

/// Orders to the `Quota` aggregate.
#[derive(Clone, Debug, PartialEq)]
pub enum QuotaCommand {
    /// Start the period (idempotent: a period is reset once).
    ResetQuota {
        /// The organization.
        organization_id: OrganizationId,
        /// The period this stream counts.
        period: BillingPeriod,
        /// When.
        at: DateTime<Utc>,
    },
    /// Count one message, if the plan's limit allows it (resetting the period first if needed).
    ConsumeQuota {
        /// The organization.
        organization_id: OrganizationId,
        /// The period this stream counts.
        period: BillingPeriod,
        /// The plan's limit now (a plan change takes effect at once).
        limit: u32,
        /// What is counted: the MessageSid, or the id of an outbound send.
        reference: String,
        /// When.
        at: DateTime<Utc>,
    },
    /// Give back a message counted for a send the provider then refused.
    ReleaseQuota {
        /// The reference it was counted under.
        reference: String,
        /// When.
        at: DateTime<Utc>,
    },
}
