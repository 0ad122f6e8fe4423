//! Ports: what the application needs from the outside, as traits the adapters implement.

pub mod directory;
pub mod global_log;
pub mod idempotency;
pub mod messaging;
pub mod provisioning;
pub mod store_error;
pub mod telephony;
pub mod unit_of_work;

pub use directory::OrganizationDirectory;
pub use global_log::*;
pub use idempotency::{Claim, IdempotencyStore, KeyUse, StoredResponse};
pub use messaging::*;
pub use provisioning::{ProvisioningLedger, ProvisioningRequest, RequestState};
pub use store_error::StoreError;
pub use telephony::*;
pub use unit_of_work::{CommitError, SnapshotWrite, StreamAppend, StreamGuard, UnitOfWork};
