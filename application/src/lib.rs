//! Switchboard's application layer: use cases over the aggregates, the ports they need (as
//! traits), and the process managers that span aggregates (number provisioning and release).

mod api_keys;
mod call_lifecycle;
mod context;
mod endpoints;
mod errors;
mod execute;
mod group_commit;
mod inbound;
mod inbound_join;
mod inbound_rules;
mod numbers;
mod organizations;
mod outbound;
mod point_in_time;
pub mod ports;
mod privacy;
mod provisioning_tag;
mod quota;
mod quota_cache;
mod read_cache;
mod reconcile;
mod release;
mod settings;
mod switchboard;
mod turns;
mod unit;
mod voice;

pub use api_keys::{key_sha256, CreatedApiKey, KeyCheck, KeyHolder};
pub use context::{Clock, RequestContext, SystemClock};
pub use endpoints::{NewEndpoint, SECRET_OVERLAP_HOURS};
pub use errors::AppError;
pub use execute::execute;
pub use inbound::{InboundWebhook, ReceivedMessage};
pub use numbers::{NumberDetails, ProvisionTarget};
pub use organizations::{NewOrganization, OrganizationChanges, OrganizationDetails};
pub use outbound::{SendMessage, SentMessage};
pub use point_in_time::NumberAsOf;
pub use privacy::{CustomerState, Erasure};
pub use quota::Usage;
pub use reconcile::{ReconcileFailure, ReconcilePolicy, Reconciliation};
pub use settings::SettingsChanges;
pub use switchboard::{Dependencies, Switchboard, SNAPSHOT_EVERY};
pub use voice::{AnsweredCall, InboundCallWebhook};
