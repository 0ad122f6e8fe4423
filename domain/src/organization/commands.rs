use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::{
    AreaCode, JoinCode, NumberType, OrganizationId, OrganizationName, Plan, RequestId, Settings,
    E164,
};

/// What a provisioning request asks the provider for.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum NumberTarget {
    /// One given number.
    Number {
        /// The number to buy.
        phone_number: E164,
    },
    /// The first available number of a type in an area code.
    AreaCode {
        /// ISO 3166-1 alpha-2 country.
        country: String,
        /// The area code as written, leading zeros kept (a string since `NumberRequested` 2.0;
        /// 1.0 stored a number, see `upcasters::number_requested_v2`).
        area_code: AreaCode,
        /// Local, toll-free or mobile.
        number_type: NumberType,
    },
}

/// Orders to the `Organization` aggregate. Ids and timestamps come in the command, so `handle` is
/// deterministic.
#[derive(Clone, Debug, PartialEq)]
pub enum OrganizationCommand {
    /// Create the organization.
    CreateOrganization {
        /// The new id.
        organization_id: OrganizationId,
        /// Display name.
        name: OrganizationName,
        /// Free text.
        description: Option<String>,
        /// Free text, e.g. `retail`.
        industry: Option<String>,
        /// The plan (default trial).
        plan: Plan,
        /// The code for the shared number (`join <code>`).
        join_code: JoinCode,
        /// When.
        created_at: DateTime<Utc>,
    },
    /// Change profile fields or the plan; `None` leaves a field as it is.
    UpdateOrganization {
        /// New name.
        name: Option<OrganizationName>,
        /// New description.
        description: Option<String>,
        /// New industry.
        industry: Option<String>,
        /// New plan; refused if the organization holds more numbers than it allows.
        plan: Option<Plan>,
        /// When.
        updated_at: DateTime<Utc>,
    },
    /// Replace the messaging settings (texts, business hours, billing day).
    UpdateSettings {
        /// The settings after the change (boxed: they are large).
        settings: Box<Settings>,
        /// When.
        updated_at: DateTime<Utc>,
    },
    /// Delete the organization. Its numbers must have been released (detached) first.
    DeleteOrganization {
        /// When.
        deleted_at: DateTime<Utc>,
    },
    /// Reserve a number slot under the plan's limit before buying at the provider.
    RequestNumber {
        /// Correlation id of this provisioning process.
        request_id: RequestId,
        /// What to buy.
        target: NumberTarget,
        /// When.
        requested_at: DateTime<Utc>,
    },
    /// The purchase succeeded and the number is ours: hold it.
    AttachNumber {
        /// The request this completes.
        request_id: RequestId,
        /// The number bought.
        phone_number: E164,
        /// When.
        attached_at: DateTime<Utc>,
    },
    /// The purchase failed: free the reserved slot.
    FailNumberRequest {
        /// The request this ends.
        request_id: RequestId,
        /// Why, for the record (e.g. the provider's message).
        reason: String,
        /// When.
        failed_at: DateTime<Utc>,
    },
    /// The number was released: stop holding it.
    DetachNumber {
        /// The number.
        phone_number: E164,
        /// When.
        detached_at: DateTime<Utc>,
    },
}
