//! Switchboard's read models and the checkpointed projector that tails the global log.
//!
//! The projector reads each batch of the log once and feeds it to every projection, keeping the
//! rows and each projection's checkpoint in one transaction (a compare-and-set, so two projector
//! processes never both apply a batch); every apply is an idempotent upsert, so a rebuild from
//! position 0 yields the same rows. `replay` rebuilds projections into fresh tables and swaps
//! them in, or verifies the live ones against a rebuild; `audit` keeps and checks the hash chain
//! over the log.

pub mod analytics;
pub mod audit;
mod batch;
mod bulk;
mod calls;
mod checkpoint;
mod customer_data;
pub mod delivery;
mod erasure;
mod log_window;
mod messages;
mod messages_batch;
mod organizations;
mod projection;
mod projector;
mod provisioning;
pub mod replay;
mod routing_table;

pub use batch::BATCH as PROJECTOR_BATCH;
pub use calls::{CallRow, CallUsage, CallsPage, CallsView};
pub use customer_data::{ConversationRow, CustomerData, DeliveryRow};
pub use log_window::{LogReads, LogWindow};
pub use messages::{reply_sid, MessageRow, MessagesPage, MessagesView};
pub use organizations::{
    OrganizationDirectoryView, OrganizationRow, OrganizationsPage, OrganizationsView,
};
pub use projection::Projection;
pub use projector::{
    all_projections, projections_reading, ProjectionLag, Projector, ProjectorError,
};
pub use provisioning::ProvisioningRequests;
pub use routing_table::{RoutingEntry, RoutingTable};
