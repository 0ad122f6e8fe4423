//! The provisioning ledger port: provisioning requests and held numbers as read models, for the
//! reconciler.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use switchboard_domain::{OrganizationId, RequestId, E164};

use super::StoreError;

/// Where a provisioning request stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RequestState {
    /// Requested; the purchase has not been recorded as attached or failed.
    InFlight,
    /// The number was attached to the organization.
    Attached,
    /// The purchase failed (or the request expired).
    Failed,
}

/// One provisioning request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProvisioningRequest {
    /// The request.
    pub request_id: RequestId,
    /// Whose.
    pub organization_id: OrganizationId,
    /// When it was made.
    pub requested_at: DateTime<Utc>,
    /// Where it stands.
    pub state: RequestState,
}

/// Provisioning requests, from `NumberRequested`, `NumberAttached` and `NumberRequestFailed`.
#[async_trait]
pub trait ProvisioningLedger: Send + Sync {
    /// One request, if known.
    async fn request(
        &self,
        request_id: RequestId,
    ) -> Result<Option<ProvisioningRequest>, StoreError>;

    /// The requests still in flight that were made before `before`.
    async fn in_flight_before(
        &self,
        before: DateTime<Utc>,
    ) -> Result<Vec<ProvisioningRequest>, StoreError>;

    /// The numbers the routing table routes to an owner (status `active`), by number: the
    /// candidates the reconciler checks against the provider. Lags behind the event store;
    /// each candidate's own stream decides.
    async fn held_numbers(&self) -> Result<Vec<E164>, StoreError>;
}
