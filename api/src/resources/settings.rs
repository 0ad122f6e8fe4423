//! Settings DTOs of `PATCH /v1/organizations/{id}`: reply texts, time zone, weekly business
//! hours, billing day; validated into `SettingsChanges` with problems naming the field.

use poem_openapi::types::MaybeUndefined;
use poem_openapi::Object;
use switchboard_application::SettingsChanges;
use switchboard_domain::{
    format_time_of_day, parse_time_of_day, validate_billing_day, BusinessHours, Settings,
    TimeRange, TimeZone, DAY_NAMES,
};

use crate::problem::ApiError;

/// The longest reply text (Twilio's `Body` limit, 1600 characters).
const MAX_TEXT: usize = 1600;

/// One opening range, local time, `HH:MM` 24-hour; `end` after `start`, `24:00` allowed.
#[derive(Clone, Debug, Object)]
pub struct OpeningRange {
    /// Opens, e.g. `09:00`.
    pub start: String,
    /// Closes, e.g. `17:30`.
    pub end: String,
}

/// A weekly schedule: each day's opening ranges (several allowed, not overlapping); an absent
/// or empty day is closed.
#[derive(Clone, Debug, Default, Object)]
pub struct WeeklyHours {
    /// Monday.
    pub monday: Option<Vec<OpeningRange>>,
    /// Tuesday.
    pub tuesday: Option<Vec<OpeningRange>>,
    /// Wednesday.
    pub wednesday: Option<Vec<OpeningRange>>,
    /// Thursday.
    pub thursday: Option<Vec<OpeningRange>>,
    /// Friday.
    pub friday: Option<Vec<OpeningRange>>,
    /// Saturday.
    pub saturday: Option<Vec<OpeningRange>>,
    /// Sunday.
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
                        start: format_time_of_day(r.start),
                        end: format_time_of_day(r.end),
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
                let time = |t: &str| {
                    parse_time_of_day(t).map_err(|e| {
                        ApiError::invalid_field(&field, "invalid_business_hours", e.to_string())
                    })
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

/// The settings fields of `PATCH /v1/organizations/{id}`: absent leaves a field as it is, `null`
/// resets it to the default.
#[derive(Clone, Debug, Default, Object)]
pub struct SettingsPatch {
    /// Sent once, on a customer's first message; `{organization}` is replaced by the name.
    pub welcome_message: MaybeUndefined<String>,
    /// Sent outside business hours.
    pub away_message: MaybeUndefined<String>,
    /// Sent in answer to HELP or INFO.
    pub help_message: MaybeUndefined<String>,
    /// Sent when a message is refused because the month's quota is used up.
    pub quota_exhausted_message: MaybeUndefined<String>,
    /// IANA time zone of the business hours, e.g. `Europe/Madrid` (default UTC).
    pub time_zone: MaybeUndefined<String>,
    /// Weekly opening hours (`null`: always open).
    pub business_hours: MaybeUndefined<WeeklyHours>,
    /// Day of the month the billing period starts, 1 to 28 (`null`: the 1st).
    pub billing_day: MaybeUndefined<u32>,
}

fn text(field: &str, value: &MaybeUndefined<String>) -> Result<Option<Option<String>>, ApiError> {
    match value {
        MaybeUndefined::Undefined => Ok(None),
        MaybeUndefined::Null => Ok(Some(None)),
        MaybeUndefined::Value(text) => {
            let count = text.trim().chars().count();
            if count == 0 || count > MAX_TEXT {
                return Err(ApiError::invalid_field(
                    field,
                    "invalid_message",
                    format!("a reply text has 1 to {MAX_TEXT} characters"),
                ));
            }
            Ok(Some(Some(text.trim().to_string())))
        }
    }
}

fn change<T, U>(
    value: &MaybeUndefined<T>,
    parse: impl FnOnce(&T) -> Result<U, ApiError>,
) -> Result<Option<Option<U>>, ApiError> {
    match value {
        MaybeUndefined::Undefined => Ok(None),
        MaybeUndefined::Null => Ok(Some(None)),
        MaybeUndefined::Value(v) => parse(v).map(|u| Some(Some(u))),
    }
}

impl SettingsPatch {
    /// Validates into changes.
    ///
    /// # Errors
    /// 422 `invalid_message`, `invalid_time_zone`, `invalid_business_hours` or
    /// `invalid_billing_day`, naming the field.
    pub fn changes(&self) -> Result<SettingsChanges, ApiError> {
        Ok(SettingsChanges {
            welcome_message: text("welcome_message", &self.welcome_message)?,
            away_message: text("away_message", &self.away_message)?,
            help_message: text("help_message", &self.help_message)?,
            quota_exhausted_message: text(
                "quota_exhausted_message",
                &self.quota_exhausted_message,
            )?,
            time_zone: change(&self.time_zone, |tz| {
                TimeZone::parse(tz).map_err(|e| {
                    ApiError::invalid_field("time_zone", "invalid_time_zone", e.to_string())
                })
            })?,
            business_hours: change(&self.business_hours, WeeklyHours::parse)?,
            billing_day: change(&self.billing_day, |day| {
                validate_billing_day(*day).map_err(|e| {
                    ApiError::invalid_field("billing_day", "invalid_billing_day", e.to_string())
                })
            })?,
        })
    }
}

/// An organization's settings, as configured (absent texts use the defaults).
#[derive(Clone, Debug, Object)]
pub struct SettingsView {
    /// Welcome text, if customised.
    pub welcome_message: Option<String>,
    /// Away text, if customised.
    pub away_message: Option<String>,
    /// Help text, if customised.
    pub help_message: Option<String>,
    /// Quota-exhausted text, if customised.
    pub quota_exhausted_message: Option<String>,
    /// IANA time zone (UTC when absent).
    pub time_zone: Option<String>,
    /// Weekly opening hours (always open when absent).
    pub business_hours: Option<WeeklyHours>,
    /// Billing day (the 1st when absent).
    pub billing_day: Option<u32>,
}

impl From<&Settings> for SettingsView {
    fn from(s: &Settings) -> Self {
        Self {
            welcome_message: s.welcome_message.clone(),
            away_message: s.away_message.clone(),
            help_message: s.help_message.clone(),
            quota_exhausted_message: s.quota_exhausted_message.clone(),
            time_zone: s.time_zone.map(|tz| tz.to_string()),
            business_hours: s
                .business_hours
                .as_ref()
                .map(|h| WeeklyHours::from_days(&h.days)),
            billing_day: s.billing_day,
        }
    }
}
