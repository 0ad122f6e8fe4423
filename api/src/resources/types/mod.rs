//! Wire types of the `/v1` API that carry their constraints into the spec: typed identifiers,
//! enums, time zones and times of day, nullable PATCH members, enum inputs refused by the
//! handler with the field's own code, and presence rules across members.

mod choice;
mod columns;
mod described;
mod enums;
mod ids;
mod not_null;
mod nullable;
mod presence;
mod text;
mod time;

pub use choice::Choice;
pub use columns::{
    enum_column, json_column, millis_column, phone_column, time_column, uuid_column,
};
pub use described::{wrapped, Described};
pub use enums::{
    Channel, Direction, KeyRole, MessageStatus, NumberStatus, NumberType, Outcome, Plan, Provider,
};
pub use ids::{OrganizationIdParam, PhoneNumber};
pub use not_null::not_null;
pub use nullable::Nullable;
pub use presence::{PresenceRule, Requiring};
pub use text::Text;
pub use time::{TimeOfDay, TimeZoneName};
