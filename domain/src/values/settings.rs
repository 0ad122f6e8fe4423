use serde::{Deserialize, Serialize};

use super::{BusinessHours, TimeZone};

/// Default reply to a customer's first message.
pub const DEFAULT_WELCOME: &str = "Thanks for contacting {organization}! We'll reply shortly.";
/// Default reply outside business hours.
pub const DEFAULT_AWAY: &str =
    "Thanks for your message. {organization} is closed right now; we'll reply when we reopen.";
/// Default reply to HELP or INFO.
pub const DEFAULT_HELP: &str =
    "{organization}: reply STOP to unsubscribe, START to resubscribe. Msg&data rates may apply.";
/// Default reply when the plan's monthly messages are used up.
pub const DEFAULT_QUOTA_EXHAUSTED: &str =
    "{organization} can't take more messages this month. Please try again later.";

/// An organization's messaging settings. Texts may use `{organization}` for its name; an unset
/// text uses the default above (welcome, help and quota texts always reply; away only when
/// business hours are set).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Settings {
    /// Sent once, on a customer's first message.
    pub welcome_message: Option<String>,
    /// Sent outside business hours.
    pub away_message: Option<String>,
    /// Sent in answer to HELP or INFO.
    pub help_message: Option<String>,
    /// Sent when a message is refused for the quota.
    pub quota_exhausted_message: Option<String>,
    /// The organization's IANA time zone (business hours are in it; `None`: UTC).
    pub time_zone: Option<TimeZone>,
    /// Opening hours, in `time_zone`; `None` means always open.
    pub business_hours: Option<BusinessHours>,
    /// Day of the month (1 to 28) the billing period starts; `None`: the 1st (calendar month).
    pub billing_day: Option<u32>,
}

impl Settings {
    fn text(custom: &Option<String>, default: &str, organization: &str) -> String {
        custom
            .as_deref()
            .unwrap_or(default)
            .replace("{organization}", organization)
    }

    /// Whether the organization is open at `at` (always, without business hours).
    pub fn is_open(&self, at: chrono::DateTime<chrono::Utc>) -> bool {
        self.business_hours
            .as_ref()
            .is_none_or(|hours| hours.is_open(at))
    }

    /// The welcome text for `organization`.
    pub fn welcome(&self, organization: &str) -> String {
        Self::text(&self.welcome_message, DEFAULT_WELCOME, organization)
    }

    /// The away text.
    pub fn away(&self, organization: &str) -> String {
        Self::text(&self.away_message, DEFAULT_AWAY, organization)
    }

    /// The help text.
    pub fn help(&self, organization: &str) -> String {
        Self::text(&self.help_message, DEFAULT_HELP, organization)
    }

    /// The quota-exhausted text.
    pub fn quota_exhausted(&self, organization: &str) -> String {
        Self::text(
            &self.quota_exhausted_message,
            DEFAULT_QUOTA_EXHAUSTED,
            organization,
        )
    }
}
