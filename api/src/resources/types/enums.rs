//! The closed sets of the wire, as spec enums, with their conversions to and from the domain and
//! the read models' text columns.

use poem_openapi::Enum;
use switchboard_domain as domain;

/// A plan: `trial` (50 messages a month, 1 number), `starter` (500, 1), `business` (2000, 1) or
/// `enterprise` (10000, 5).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Enum)]
#[oai(rename_all = "lowercase")]
pub enum Plan {
    /// 50 messages a month, 1 number.
    Trial,
    /// 500 messages a month, 1 number.
    Starter,
    /// 2000 messages a month, 1 number.
    Business,
    /// 10000 messages a month, 5 numbers.
    Enterprise,
}

impl From<Plan> for domain::Plan {
    fn from(plan: Plan) -> Self {
        match plan {
            Plan::Trial => domain::Plan::Trial,
            Plan::Starter => domain::Plan::Starter,
            Plan::Business => domain::Plan::Business,
            Plan::Enterprise => domain::Plan::Enterprise,
        }
    }
}

impl From<domain::Plan> for Plan {
    fn from(plan: domain::Plan) -> Self {
        match plan {
            domain::Plan::Trial => Plan::Trial,
            domain::Plan::Starter => Plan::Starter,
            domain::Plan::Business => Plan::Business,
            domain::Plan::Enterprise => Plan::Enterprise,
        }
    }
}

/// The kind of number: `local`, `toll-free` or `mobile`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Enum)]
pub enum NumberType {
    /// A geographic number.
    #[oai(rename = "local")]
    Local,
    /// A toll-free number.
    #[oai(rename = "toll-free")]
    TollFree,
    /// A mobile number.
    #[oai(rename = "mobile")]
    Mobile,
}

impl From<NumberType> for domain::NumberType {
    fn from(number_type: NumberType) -> Self {
        match number_type {
            NumberType::Local => domain::NumberType::Local,
            NumberType::TollFree => domain::NumberType::TollFree,
            NumberType::Mobile => domain::NumberType::Mobile,
        }
    }
}

/// The channel a message travels on: `sms` (SMS/MMS) or `whatsapp`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Enum)]
#[oai(rename_all = "lowercase")]
pub enum Channel {
    /// SMS or MMS.
    Sms,
    /// WhatsApp.
    Whatsapp,
}

impl From<Channel> for domain::Channel {
    fn from(channel: Channel) -> Self {
        match channel {
            Channel::Sms => domain::Channel::Sms,
            Channel::Whatsapp => domain::Channel::Whatsapp,
        }
    }
}

impl From<domain::Channel> for Channel {
    fn from(channel: domain::Channel) -> Self {
        match channel {
            domain::Channel::Sms => Channel::Sms,
            domain::Channel::Whatsapp => Channel::Whatsapp,
        }
    }
}

/// Which way a message went: `inbound` (from a customer) or `outbound` (to one).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Enum)]
#[oai(rename_all = "lowercase")]
pub enum Direction {
    /// From a customer to the organization.
    Inbound,
    /// From the organization to a customer.
    Outbound,
}

/// A message's status: `received` for inbound; for outbound it only moves forward (`queued` <
/// `sending` < `sent` < `delivered` < `read`; `failed`, `undelivered`, `canceled` end it).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Enum)]
#[oai(rename_all = "lowercase")]
pub enum MessageStatus {
    /// Accepted by a Messaging Service.
    Accepted,
    /// Scheduled for later.
    Scheduled,
    /// Queued at the provider.
    Queued,
    /// Being sent.
    Sending,
    /// Handed to the carrier.
    Sent,
    /// Delivered to the handset.
    Delivered,
    /// Read (WhatsApp).
    Read,
    /// Failed before leaving the provider.
    Failed,
    /// The carrier could not deliver it.
    Undelivered,
    /// A scheduled message was canceled.
    Canceled,
    /// Inbound: received.
    Received,
}

impl From<domain::MessageStatus> for MessageStatus {
    fn from(status: domain::MessageStatus) -> Self {
        use domain::MessageStatus as S;
        match status {
            S::Accepted => MessageStatus::Accepted,
            S::Scheduled => MessageStatus::Scheduled,
            S::Queued => MessageStatus::Queued,
            S::Sending => MessageStatus::Sending,
            S::Sent => MessageStatus::Sent,
            S::Delivered => MessageStatus::Delivered,
            S::Read => MessageStatus::Read,
            S::Failed => MessageStatus::Failed,
            S::Undelivered => MessageStatus::Undelivered,
            S::Canceled => MessageStatus::Canceled,
            S::Received => MessageStatus::Received,
        }
    }
}

/// What the rules decided for an inbound message.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Enum)]
#[oai(rename_all = "snake_case")]
pub enum Outcome {
    /// Counted and delivered to the organization.
    Accepted,
    /// Recorded but refused: the period's quota is used up.
    RefusedQuota,
    /// From a customer who opted out: recorded only.
    OptedOut,
    /// A compliance keyword (STOP, START, HELP, …), handled.
    Keyword,
    /// `join <code>` on the shared number bound the customer to an organization.
    Joined,
    /// `join <code>` with a code no organization has.
    UnknownJoinCode,
    /// No organization holds the number written to.
    Unrouted,
}

/// The telephony provider behind a number.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Enum)]
#[oai(rename_all = "lowercase")]
pub enum Provider {
    /// Twilio.
    Twilio,
    /// SignalWire (Twilio-compatible API).
    Signalwire,
    /// The built-in local Twilio sandbox.
    Sandbox,
}

/// Where messages to a number go: `active` (to its owner), `released` or `lost` (nowhere).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Enum)]
#[oai(rename_all = "lowercase")]
pub enum NumberStatus {
    /// Held by its owner; messages route to it.
    Active,
    /// Released at the provider; messages route nowhere.
    Released,
    /// The provider no longer has it although it was not released (missing from the provider's
    /// complete number list); messages route nowhere.
    Lost,
}

/// What an organization API key may do: `admin` reads and changes its organization, `viewer`
/// only reads it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Enum)]
#[oai(rename_all = "lowercase")]
pub enum KeyRole {
    /// Reads and changes its organization.
    Admin,
    /// Reads its organization.
    Viewer,
}

impl From<KeyRole> for domain::KeyRole {
    fn from(role: KeyRole) -> Self {
        match role {
            KeyRole::Admin => domain::KeyRole::Admin,
            KeyRole::Viewer => domain::KeyRole::Viewer,
        }
    }
}

impl From<domain::KeyRole> for KeyRole {
    fn from(role: domain::KeyRole) -> Self {
        match role {
            domain::KeyRole::Admin => KeyRole::Admin,
            domain::KeyRole::Viewer => KeyRole::Viewer,
        }
    }
}
