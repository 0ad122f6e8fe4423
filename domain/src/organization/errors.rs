use crate::{OrganizationId, Plan, RequestId, E164};

/// The rules of the `Organization` aggregate, one variant per rule, carrying the offending values.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum OrganizationError {
    /// `CreateOrganization` on an id that exists.
    #[error("organization {organization_id} already exists")]
    AlreadyExists {
        /// The id.
        organization_id: OrganizationId,
    },
    /// Any other command on an organization that was never created.
    #[error("organization not found")]
    NotFound,
    /// Any command on a deleted organization.
    #[error("organization {organization_id} is deleted")]
    Deleted {
        /// The id.
        organization_id: OrganizationId,
    },
    /// The plan allows no more numbers (held plus in flight).
    #[error("plan {plan} allows {limit} number(s); {held} held and {in_flight} being provisioned")]
    NumberLimitReached {
        /// Current plan.
        plan: Plan,
        /// The plan's limit.
        limit: u32,
        /// Numbers held.
        held: u32,
        /// Requests in flight.
        in_flight: u32,
    },
    /// A plan change to a plan that allows fewer numbers than are held.
    #[error("plan {plan} allows {limit} number(s) but {held} are held")]
    PlanTooSmall {
        /// Requested plan.
        plan: Plan,
        /// Its limit.
        limit: u32,
        /// Numbers held or in flight.
        held: u32,
    },
    /// Requesting a number the organization already holds.
    #[error("{phone_number} is already held by this organization")]
    NumberAlreadyHeld {
        /// The number.
        phone_number: E164,
    },
    /// Completing or failing a request that is not in flight.
    #[error("no provisioning request {request_id} in flight")]
    UnknownRequest {
        /// The request.
        request_id: RequestId,
    },
    /// Detaching a number the organization does not hold.
    #[error("{phone_number} is not held by this organization")]
    NumberNotHeld {
        /// The number.
        phone_number: E164,
    },
    /// Deleting while numbers are still held or being provisioned.
    #[error("organization still holds {held} number(s) and has {in_flight} request(s) in flight")]
    StillHoldsNumbers {
        /// Numbers held.
        held: u32,
        /// Requests in flight.
        in_flight: u32,
    },
}
