//! Settings DTOs of `PATCH /v1/organizations/{id}`: reply texts, time zone, weekly business
//! hours, billing day, voice (greeting, language, voice name, `forward_to`, voicemail);
//! validated into `SettingsChanges` with problems naming the field.
//!
//! The texts' length and the billing day's range are spec validators (refused by the framework,
//! mapped to 422 `invalid_message` / `invalid_billing_day` naming the field); a time zone outside
//! the spec enum and a business-hours schedule that is malformed, backwards or overlapping are
//! refused here, naming the field (`business_hours.monday`).

use poem_openapi::types::MaybeUndefined;
use poem_openapi::Object;
use switchboard_application::SettingsChanges;
use switchboard_domain::{
    format_time_of_day, parse_time_of_day, BusinessHours, Settings, TimeRange, TimeZone, DAY_NAMES,
    E164,
};

use super::types::{
    not_null, Choice, Described, Nullable, PhoneNumber, Text, TimeOfDay, TimeZoneName,
};
use crate::problem::ApiError;

/// One opening range, local time, `HH:MM` 24-hour; `end` after `start`, `24:00` allowed.
#[derive(Clone, Debug, Object)]
pub struct OpeningRange {
    /// Opens, e.g. `09:00`.
    pub start: TimeOfDay,
    /// Closes, e.g. `17:30`.
    pub end: TimeOfDay,
}

/// A weekly schedule: each day's opening ranges (several allowed, in any order, not
/// overlapping); an absent or empty day is closed.
#[derive(Clone, Debug, Default, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct WeeklyHours {
    /// Monday.
    #[oai(deserialize_with = "not_null")]
    pub monday: Option<Vec<OpeningRange>>,
    /// Tuesday.
    #[oai(deserialize_with = "not_null")]
    pub tuesday: Option<Vec<OpeningRange>>,
    /// Wednesday.
    #[oai(deserialize_with = "not_null")]
    pub wednesday: Option<Vec<OpeningRange>>,
    /// Thursday.
    #[oai(deserialize_with = "not_null")]
    pub thursday: Option<Vec<OpeningRange>>,
    /// Friday.
    #[oai(deserialize_with = "not_null")]
    pub friday: Option<Vec<OpeningRange>>,
    /// Saturday.
    #[oai(deserialize_with = "not_null")]
    pub saturday: Option<Vec<OpeningRange>>,
    /// Sunday.
    #[oai(deserialize_with = "not_null")]
    pub sunday: Option<Vec<OpeningRange>>,
}

impl WeeklyHours {
    fn days(&self) -> [&Option<Vec<OpeningRange>>; 7] {
        [
            &self.monday,
            &self.tuesday,
            &self.wednesday,
            &self.thursday,
            &self.friday,
            &self.saturday,
            &self.sunday,
        ]
    }

    fn from_days(days: &[Vec<TimeRange>; 7]) -> Self {
        let day = |d: usize| {
            Some(
                days[d]
                    .iter()
                    .map(|r| OpeningRange {
                        start: TimeOfDay(format_time_of_day(r.start)),
                        end: TimeOfDay(format_time_of_day(r.end)),
                    })
                    .collect(),
            )
        };
        Self {
            monday: day(0),
            tuesday: day(1),
            wednesday: day(2),
            thursday: day(3),
            friday: day(4),
            saturday: day(5),
            sunday: day(6),
        }
    }

    fn parse(&self) -> Result<[Vec<TimeRange>; 7], ApiError> {
        let mut days: [Vec<TimeRange>; 7] = Default::default();
        for (d, ranges) in self.days().into_iter().enumerate() {
            let field = format!("business_hours.{}", DAY_NAMES[d]);
            for range in ranges.iter().flatten() {
                let time = |t: &TimeOfDay| {
                    let malformed = || {
                        ApiError::invalid_field(
                            &field,
                            "invalid_business_hours",
                            format!("`{}` is not a time of day HH:MM (00:00 to 24:00)", t.0),
                        )
                    };
                    if !t.is_well_formed() {
                        return Err(malformed());
                    }
                    parse_time_of_day(&t.0).map_err(|_| malformed())
                };
                days[d].push(TimeRange {
                    start: time(&range.start)?,
                    end: time(&range.end)?,
                });
            }
        }
        BusinessHours::new(TimeZone::UTC, days.clone()).map_err(|e| {
            let field = e
                .day()
                .map(|day| format!("business_hours.{day}"))
                .unwrap_or_else(|| "business_hours".into());
            ApiError::invalid_field(&field, "invalid_business_hours", e.to_string())
        })?;
        Ok(days)
    }
}

/// The settings members of `PATCH /v1/organizations/{id}`: absent leaves a setting as it is,
/// `null` resets it to its default.
#[derive(Clone, Debug, Default, Object)]
pub struct SettingsPatch {
    /// Sent once, on a customer's first message; `{organization}` is replaced by the name. 1 to
    /// 1600 characters, not only blanks (surrounding blanks are trimmed); `null`: the default.
    #[oai(validator(
        max_length = 1600,
        pattern = "[^\\t\\n\\x0B\\f\\r \\u0085\\u00A0\\u1680\\u2000-\\u200A\\u2028\\u2029\\u202F\\u205F\\u3000]"
    ))]
    pub welcome_message: Nullable<Text>,
    /// Sent outside business hours; as `welcome_message`.
    #[oai(validator(
        max_length = 1600,
        pattern = "[^\\t\\n\\x0B\\f\\r \\u0085\\u00A0\\u1680\\u2000-\\u200A\\u2028\\u2029\\u202F\\u205F\\u3000]"
    ))]
    pub away_message: Nullable<Text>,
    /// Sent in answer to HELP or INFO; as `welcome_message`.
    #[oai(validator(
        max_length = 1600,
        pattern = "[^\\t\\n\\x0B\\f\\r \\u0085\\u00A0\\u1680\\u2000-\\u200A\\u2028\\u2029\\u202F\\u205F\\u3000]"
    ))]
    pub help_message: Nullable<Text>,
    /// Sent when a message is refused because the period's quota is used up; as
    /// `welcome_message`.
    #[oai(validator(
        max_length = 1600,
        pattern = "[^\\t\\n\\x0B\\f\\r \\u0085\\u00A0\\u1680\\u2000-\\u200A\\u2028\\u2029\\u202F\\u205F\\u3000]"
    ))]
    pub quota_exhausted_message: Nullable<Text>,
    /// IANA time zone of the business hours, e.g. `Europe/Madrid` (`null`: UTC).
    pub time_zone: Nullable<Choice<TimeZoneName>>,
    /// Weekly opening hours (`null`: always open).
    pub business_hours: Nullable<WeeklyHours>,
    /// Day of the month the billing period starts, 1 to 28 (`null`: the 1st).
    #[oai(validator(minimum(value = "1"), maximum(value = "28")))]
    pub billing_day: Nullable<u32>,
    /// Spoken to callers first (`<Say>`); `{organization}` is replaced by the name; as
    /// `welcome_message` (`null`: "Thank you for calling {organization}.").
    #[oai(validator(
        max_length = 1600,
        pattern = "[^\\t\\n\\x0B\\f\\r \\u0085\\u00A0\\u1680\\u2000-\\u200A\\u2028\\u2029\\u202F\\u205F\\u3000]"
    ))]
    pub voice_greeting: Nullable<Text>,
    /// Language of spoken texts, `<Say language>`, e.g. `en-US` or `es-MX` (`null`: `en-US`).
    #[oai(validator(pattern = "^[a-z]{2,3}(-[A-Z][A-Za-z]{1,3})?$"))]
    pub voice_language: Nullable<Text>,
    /// `<Say voice>` name, e.g. `Polly.Joanna` (`null`: the provider's default).
    #[oai(validator(pattern = "^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$"))]
    pub voice: Nullable<Text>,
    /// Where calls are put through during business hours, E.164 (`null`: nobody; callers go
    /// to voicemail).
    #[oai(validator(pattern = "^\\+[1-9][0-9]{7,14}$"))]
    pub forward_to: Nullable<Text>,
    /// Whether callers who are not put through may leave a voicemail (`null`: on).
    pub voicemail: Nullable<bool>,
}

fn text(value: &Nullable<Text>) -> Option<Option<String>> {
    match &value.0 {
        MaybeUndefined::Undefined => None,
        MaybeUndefined::Null => Some(None),
        MaybeUndefined::Value(text) => Some(Some(text.as_ref().trim().to_string())),
    }
}

fn change<T, U>(
    value: &Nullable<T>,
    parse: impl FnOnce(&T) -> Result<U, ApiError>,
) -> Result<Option<Option<U>>, ApiError> {
    match &value.0 {
        MaybeUndefined::Undefined => Ok(None),
        MaybeUndefined::Null => Ok(Some(None)),
        MaybeUndefined::Value(v) => parse(v).map(|u| Some(Some(u))),
    }
}

impl SettingsPatch {
    /// Validates into changes.
    ///
    /// # Errors
    /// 422 `invalid_time_zone`, `invalid_business_hours` or `invalid_phone_number`, naming the
    /// field.
    pub fn changes(&self) -> Result<SettingsChanges, ApiError> {
        Ok(SettingsChanges {
            welcome_message: text(&self.welcome_message),
            away_message: text(&self.away_message),
            help_message: text(&self.help_message),
            quota_exhausted_message: text(&self.quota_exhausted_message),
            time_zone: change(&self.time_zone, |tz| {
                tz.clone().known(|name| {
                    ApiError::invalid_field(
                        "time_zone",
                        "invalid_time_zone",
                        format!("`{name}` is not an IANA time zone (e.g. Europe/Madrid)"),
                    )
                })
            })?
            .map(|tz| tz.map(|TimeZoneName(tz)| tz)),
            business_hours: change(&self.business_hours, WeeklyHours::parse)?,
            billing_day: change(&self.billing_day, |day| Ok(*day))?,
            voice_greeting: text(&self.voice_greeting),
            voice_language: change(&self.voice_language, |l| Ok(l.0.clone()))?,
            voice: change(&self.voice, |v| Ok(v.0.clone()))?,
            forward_to: change(&self.forward_to, |n| {
                E164::parse_canonical(&n.0).map_err(|e| {
                    ApiError::invalid_field("forward_to", "invalid_phone_number", e.to_string())
                })
            })?,
            voicemail: change(&self.voicemail, |on| Ok(*on))?,
        })
    }
}

/// An organization's settings, as configured: a setting left at its default is omitted.
#[derive(Clone, Debug, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct SettingsView {
    /// Welcome text, if customised.
    pub welcome_message: Option<String>,
    /// Away text, if customised.
    pub away_message: Option<String>,
    /// Help text, if customised.
    pub help_message: Option<String>,
    /// Quota-exhausted text, if customised.
    pub quota_exhausted_message: Option<String>,
    /// IANA time zone (UTC when omitted).
    pub time_zone: Option<Described<TimeZoneName>>,
    /// Weekly opening hours (always open when omitted).
    pub business_hours: Option<Described<WeeklyHours>>,
    /// Billing day, 1 to 28 (the 1st when omitted).
    pub billing_day: Option<u32>,
    /// Greeting spoken to callers, if customised.
    pub voice_greeting: Option<String>,
    /// Language of spoken texts (`en-US` when omitted).
    pub voice_language: Option<String>,
    /// `<Say voice>` name (the provider's default when omitted).
    pub voice: Option<String>,
    /// Where calls are put through during business hours (voicemail only when omitted).
    pub forward_to: Option<PhoneNumber>,
    /// Whether callers may leave a voicemail (on when omitted).
    pub voicemail: Option<bool>,
}

impl From<&Settings> for SettingsView {
    fn from(s: &Settings) -> Self {
        Self {
            welcome_message: s.welcome_message.clone(),
            away_message: s.away_message.clone(),
            help_message: s.help_message.clone(),
            quota_exhausted_message: s.quota_exhausted_message.clone(),
            time_zone: s.time_zone.map(|tz| TimeZoneName(tz).into()),
            business_hours: s
                .business_hours
                .as_ref()
                .map(|h| WeeklyHours::from_days(&h.days).into()),
            billing_day: s.billing_day,
            voice_greeting: s.voice_greeting.clone(),
            voice_language: s.voice_language.clone(),
            voice: s.voice.clone(),
            forward_to: s.forward_to.clone().map(PhoneNumber),
            voicemail: s.voicemail,
        }
    }
}
