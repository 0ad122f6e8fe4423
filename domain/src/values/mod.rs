//! Value objects: built only through fallible parsing, so a command never carries an invalid value.

mod api_key;
mod area_code;
mod auto_reply_window;
mod billing_period;
mod business_hours;
mod capabilities;
mod channel;
mod e164;
mod endpoint_url;
mod event_type;
mod ids;
mod inbound_address;
mod join_code;
mod keyword;
mod message_sid;
mod message_status;
mod number_type;
mod organization_name;
mod plan;
mod settings;

pub use api_key::{
    compose_api_key, parse_api_key, ApiKeyId, InvalidApiKeyId, KeyRole, UnknownKeyRole,
    API_KEY_PREFIX, API_KEY_SECRET_HEX,
};
pub use area_code::{AreaCode, InvalidAreaCode};
pub use auto_reply_window::AutoReplyWindow;
pub use billing_period::{validate_billing_day, BillingPeriod, InvalidBillingDay};
pub use business_hours::{
    format_time_of_day, parse_time_of_day, BusinessHours, InvalidSchedule, TimeRange, TimeZone,
    UnknownTimeZone, DAY_NAMES,
};
pub use capabilities::Capabilities;
pub use channel::{Channel, ChannelAddress};
pub use e164::{InvalidE164, E164};
pub use endpoint_url::{EndpointUrl, InvalidEndpointUrl};
pub use event_type::{EventType, UnknownEventType};
pub use ids::{EndpointId, InvalidEndpointId, InvalidOrganizationId, OrganizationId, RequestId};
pub use inbound_address::InboundAddress;
pub use join_code::{InvalidJoinCode, JoinCode};
pub use keyword::Keyword;
pub use message_sid::{InvalidMessageSid, MessageSid};
pub use message_status::{MessageStatus, UnknownMessageStatus};
pub use number_type::{NumberType, UnknownNumberType};
pub use organization_name::{InvalidOrganizationName, OrganizationName};
pub use plan::{Plan, UnknownPlan};
pub use settings::{Settings, DEFAULT_VOICE_GREETING, DEFAULT_VOICE_LANGUAGE};
