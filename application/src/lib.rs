//! Switchboard's application layer: use cases over the aggregates, the ports they need (as
//! traits), and the process managers that span aggregates (number provisioning and release).

mod context;
mod errors;
mod execute;
mod inbound;
mod numbers;
mod organizations;
pub mod ports;
mod switchboard;

pub use context::{Clock, RequestContext, SystemClock};
pub use errors::AppError;
pub use execute::execute;
pub use inbound::{InboundWebhook, ReceivedMessage};
pub use numbers::{NumberDetails, ProvisionTarget};
pub use organizations::{NewOrganization, OrganizationChanges, OrganizationDetails};
pub use switchboard::Switchboard;
