use serde::{Deserialize, Serialize};

use super::{BusinessHours, TimeZone, E164};

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
/// Default greeting spoken to a caller.
pub const DEFAULT_VOICE_GREETING: &str = "Thank you for calling {organization}.";
/// Default language of spoken texts (Twilio's `<Say language>`).
pub const DEFAULT_VOICE_LANGUAGE: &str = "en-US";

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
    /// Spoken to callers before anything else; `None`: [`DEFAULT_VOICE_GREETING`].
    #[serde(default)]
    pub voice_greeting: Option<String>,
    /// Language of spoken texts, a `<Say language>` tag such as `en-US` or `es-MX`; `None`:
    /// [`DEFAULT_VOICE_LANGUAGE`].
    #[serde(default)]
    pub voice_language: Option<String>,
    /// Twilio's `<Say voice>` name (e.g. `Polly.Joanna`); `None`: the provider's default.
    #[serde(default)]
    pub voice: Option<String>,
    /// Where calls are put through during business hours; `None`: straight to voicemail.
    #[serde(default)]
    pub forward_to: Option<E164>,
    /// Whether callers who are not put through may leave a voicemail; `None`: on.
    #[serde(default)]
    pub voicemail: Option<bool>,
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

    /// The greeting spoken to callers.
    pub fn voice_greeting(&self, organization: &str) -> String {
        Self::text(&self.voice_greeting, DEFAULT_VOICE_GREETING, organization)
    }

    /// The language of spoken texts (`en-US` unless set).
    pub fn voice_language(&self) -> &str {
        self.voice_language
            .as_deref()
            .unwrap_or(DEFAULT_VOICE_LANGUAGE)
    }

    /// Whether callers may leave a voicemail (on unless turned off).
    pub fn voicemail_on(&self) -> bool {
        self.voicemail.unwrap_or(true)
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
