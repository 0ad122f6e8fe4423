//! Value objects: built only through fallible parsing, so a command never carries an invalid value.

mod capabilities;
mod channel;
mod e164;
mod ids;
mod message_sid;
mod number_type;
mod organization_name;
mod plan;

pub use capabilities::Capabilities;
pub use channel::{Channel, ChannelAddress};
pub use e164::{InvalidE164, E164};
pub use ids::{InvalidOrganizationId, OrganizationId, RequestId};
pub use message_sid::{InvalidMessageSid, MessageSid};
pub use number_type::{NumberType, UnknownNumberType};
pub use organization_name::{InvalidOrganizationName, OrganizationName};
pub use plan::{Plan, UnknownPlan};
