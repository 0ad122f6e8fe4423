//! Switchboard's read models and the checkpointed projector that tails the global log.
//!
//! Each projection keeps its rows and the log position it has applied in the same transaction,
//! advancing its checkpoint with a compare-and-set so two projector processes never both apply a
//! batch; every apply is an idempotent upsert, so a rebuild from position 0 yields the same rows.

mod calls;
mod checkpoint;
pub mod delivery;
mod messages;
mod organizations;
mod projection;
mod projector;
mod provisioning;
mod routing_table;

pub use calls::{CallRow, CallUsage, CallsPage, CallsView};
pub use messages::{reply_sid, MessageRow, MessagesPage, MessagesView};
pub use organizations::{
    OrganizationDirectoryView, OrganizationRow, OrganizationsPage, OrganizationsView,
};
pub use projection::Projection;
pub use projector::{ProjectionLag, Projector, ProjectorError};
pub use provisioning::ProvisioningRequests;
pub use routing_table::{RoutingEntry, RoutingTable};
