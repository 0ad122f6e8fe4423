//! The organization directory port: look-ups the write side needs from a read model.

use async_trait::async_trait;
use switchboard_domain::{JoinCode, OrganizationId};

use super::StoreError;

/// Finds organizations by their join code and lists the active ones. Eventually consistent (a
/// projection), which is fine for both uses: a join code is used by customers long after the
/// organization exists, and the quota-reset scheduler runs every minute.
#[async_trait]
pub trait OrganizationDirectory: Send + Sync {
    /// The active organization with this join code.
    async fn by_join_code(&self, code: &JoinCode) -> Result<Option<OrganizationId>, StoreError>;

    /// Every organization that is not deleted.
    async fn active_organizations(&self) -> Result<Vec<OrganizationId>, StoreError>;
}
