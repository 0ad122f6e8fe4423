use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Datelike, Timelike, Utc, Weekday};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

/// An IANA time zone name such as `Europe/Madrid`, checked against the tz database (`chrono-tz`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct TimeZone(Tz);

/// The name is not in the IANA tz database.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("`{input}` is not an IANA time zone (e.g. Europe/Madrid, America/New_York)")]
pub struct UnknownTimeZone {
    /// What was given.
    pub input: String,
}

impl TimeZone {
    /// UTC.
    pub const UTC: TimeZone = TimeZone(Tz::UTC);

    /// Parses an IANA name.
    ///
    /// # Errors
    /// [`UnknownTimeZone`].
    pub fn parse(input: &str) -> Result<Self, UnknownTimeZone> {
        Tz::from_str(input.trim())
            .map(Self)
            .map_err(|_| UnknownTimeZone {
                input: input.to_string(),
            })
    }

    /// Every name [`TimeZone::parse`] accepts (the tz database's zones and links), in the
    /// database's order.
    pub fn names() -> impl Iterator<Item = &'static str> {
        chrono_tz::TZ_VARIANTS.iter().map(|tz| tz.name())
    }

    /// The zone.
    pub fn tz(self) -> Tz {
        self.0
    }
}

impl TryFrom<String> for TimeZone {
    type Error = UnknownTimeZone;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<TimeZone> for String {
    fn from(value: TimeZone) -> Self {
        value.0.name().to_string()
    }
}

impl fmt::Display for TimeZone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0.name())
    }
}

/// Opening time within one day, in minutes after local midnight: `start` inclusive, `end`
/// exclusive; `end` may be 1440 (midnight at the end of the day).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct TimeRange {
    /// Minutes after midnight, 0..1440.
    pub start: u16,
    /// Minutes after midnight, start+1..=1440.
    pub end: u16,
}

/// Why a weekly schedule is invalid.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum InvalidSchedule {
    /// A time is not `HH:MM` (00:00 to 24:00).
    #[error("`{input}` is not a time of day (HH:MM, 00:00 to 24:00)")]
    BadTime {
        /// What was given.
        input: String,
    },
    /// A range ends before it starts.
    #[error("{day} range {index} ends before it starts")]
    Empty {
        /// Day name.
        day: &'static str,
        /// Index of the range in that day.
        index: usize,
    },
    /// Two ranges of a day overlap.
    #[error("{day} range {index} overlaps the one before it")]
    Overlap {
        /// Day name.
        day: &'static str,
        /// Index of the later range (after sorting by start).
        index: usize,
    },
}

impl InvalidSchedule {
    /// The day the problem is on, when it is on one.
    pub fn day(&self) -> Option<&'static str> {
        match self {
            InvalidSchedule::BadTime { .. } => None,
            InvalidSchedule::Empty { day, .. } | InvalidSchedule::Overlap { day, .. } => Some(day),
        }
    }
}

/// Parses `HH:MM` (24-hour; `24:00` allowed as an end) into minutes after midnight.
///
/// # Errors
/// [`InvalidSchedule::BadTime`].
pub fn parse_time_of_day(input: &str) -> Result<u16, InvalidSchedule> {
    let bad = || InvalidSchedule::BadTime {
        input: input.to_string(),
    };
    let (h, m) = input.trim().split_once(':').ok_or_else(bad)?;
    if h.len() != 2 || m.len() != 2 {
        return Err(bad());
    }
    let (h, m): (u16, u16) = (h.parse().map_err(|_| bad())?, m.parse().map_err(|_| bad())?);
    if m >= 60 || h > 24 || (h == 24 && m != 0) {
        return Err(bad());
    }
    Ok(h * 60 + m)
}

/// Formats minutes after midnight as `HH:MM`.
pub fn format_time_of_day(minutes: u16) -> String {
    format!("{:02}:{:02}", minutes / 60, minutes % 60)
}

/// Day names, Monday first, as the API spells them.
pub const DAY_NAMES: [&str; 7] = [
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
];

/// A weekly schedule in a time zone: for each day (Monday first) the open ranges in local time;
/// a day with none is closed. Daylight-saving shifts are the tz database's (`chrono-tz`): a UTC
/// instant always maps to exactly one local time, so "is it open now" is never ambiguous.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BusinessHours {
    /// The zone the ranges are in.
    pub time_zone: TimeZone,
    /// Open ranges per day, Monday first, sorted and non-overlapping.
    pub days: [Vec<TimeRange>; 7],
}

impl BusinessHours {
    /// Builds a schedule, sorting each day's ranges.
    ///
    /// # Errors
    /// [`InvalidSchedule::Empty`] for a range with `end <= start`, [`InvalidSchedule::Overlap`]
    /// for overlapping ranges.
    pub fn new(
        time_zone: TimeZone,
        mut days: [Vec<TimeRange>; 7],
    ) -> Result<Self, InvalidSchedule> {
        for (d, ranges) in days.iter_mut().enumerate() {
            let day = DAY_NAMES[d];
            for (index, range) in ranges.iter().enumerate() {
                if range.end <= range.start || range.end > 1440 {
                    return Err(InvalidSchedule::Empty { day, index });
                }
            }
            ranges.sort();
            for index in 1..ranges.len() {
                if ranges[index].start < ranges[index - 1].end {
                    return Err(InvalidSchedule::Overlap { day, index });
                }
            }
        }
        Ok(Self { time_zone, days })
    }

    /// Whether `at` falls in an open range, in the schedule's local time.
    pub fn is_open(&self, at: DateTime<Utc>) -> bool {
        let local = at.with_timezone(&self.time_zone.tz());
        let day = local.weekday().num_days_from_monday() as usize;
        let minute = (local.hour() * 60 + local.minute()) as u16;
        self.days[day]
            .iter()
            .any(|r| r.start <= minute && minute < r.end)
    }

    /// The weekday index (Monday = 0) of a chrono weekday.
    pub fn day_index(weekday: Weekday) -> usize {
        weekday.num_days_from_monday() as usize
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    fn nine_to_five_weekdays(zone: &str) -> BusinessHours {
        let day = vec![TimeRange {
            start: 9 * 60,
            end: 17 * 60,
        }];
        let mut days: [Vec<TimeRange>; 7] = Default::default();
        for d in days.iter_mut().take(5) {
            *d = day.clone();
        }
        BusinessHours::new(TimeZone::parse(zone).unwrap(), days).unwrap()
    }

    #[test]
    fn opening_hours_follow_the_local_clock_across_the_spring_dst_edge() {
        // New York springs forward on Sunday 2026-03-08: 09:00 local is 14:00 UTC on Friday
        // 2026-03-06 (EST) but 13:00 UTC on Monday 2026-03-09 (EDT).
        let hours = nine_to_five_weekdays("America/New_York");
        assert!(
            !hours.is_open(at("2026-03-06T13:30:00Z")),
            "08:30 EST: closed"
        );
        assert!(hours.is_open(at("2026-03-06T14:30:00Z")), "09:30 EST: open");
        assert!(hours.is_open(at("2026-03-09T13:30:00Z")), "09:30 EDT: open");
        assert!(
            !hours.is_open(at("2026-03-09T21:30:00Z")),
            "17:30 EDT: closed"
        );
    }

    #[test]
    fn opening_hours_follow_the_local_clock_across_the_autumn_dst_edge() {
        // New York falls back on Sunday 2026-11-01: 16:30 local is 20:30 UTC on Friday 10-30
        // (EDT) but 21:30 UTC on Monday 11-02 (EST).
        let hours = nine_to_five_weekdays("America/New_York");
        assert!(hours.is_open(at("2026-10-30T20:30:00Z")), "16:30 EDT: open");
        assert!(
            !hours.is_open(at("2026-10-30T21:30:00Z")),
            "17:30 EDT: closed"
        );
        assert!(hours.is_open(at("2026-11-02T21:30:00Z")), "16:30 EST: open");
        assert!(
            !hours.is_open(at("2026-11-02T22:30:00Z")),
            "17:30 EST: closed"
        );
    }

    #[test]
    fn the_repeated_hour_of_the_autumn_edge_is_read_in_local_time() {
        // Madrid falls back on 2026-10-25 at 03:00 CEST -> 02:00 CET; 02:30 local happens twice.
        let mut days: [Vec<TimeRange>; 7] = Default::default();
        days[6] = vec![TimeRange {
            start: 2 * 60,
            end: 3 * 60,
        }];
        let hours = BusinessHours::new(TimeZone::parse("Europe/Madrid").unwrap(), days).unwrap();
        assert!(hours.is_open(at("2026-10-25T00:30:00Z")), "02:30 CEST");
        assert!(hours.is_open(at("2026-10-25T01:30:00Z")), "02:30 CET");
        assert!(!hours.is_open(at("2026-10-25T02:30:00Z")), "03:30 CET");
    }

    #[test]
    fn days_without_ranges_are_closed_and_several_ranges_a_day_work() {
        let mut days: [Vec<TimeRange>; 7] = Default::default();
        days[0] = vec![
            TimeRange {
                start: 14 * 60,
                end: 18 * 60,
            },
            TimeRange {
                start: 9 * 60,
                end: 13 * 60,
            },
        ];
        let hours = BusinessHours::new(TimeZone::UTC, days).unwrap();
        assert!(hours.is_open(at("2026-11-23T10:00:00Z")), "Monday morning");
        assert!(!hours.is_open(at("2026-11-23T13:30:00Z")), "Monday lunch");
        assert!(
            hours.is_open(at("2026-11-23T15:00:00Z")),
            "Monday afternoon"
        );
        assert!(
            !hours.is_open(at("2026-11-24T10:00:00Z")),
            "Tuesday is closed"
        );
    }

    #[test]
    fn overlapping_or_empty_ranges_and_unknown_zones_are_refused() {
        let mut days: [Vec<TimeRange>; 7] = Default::default();
        days[2] = vec![
            TimeRange {
                start: 9 * 60,
                end: 12 * 60,
            },
            TimeRange {
                start: 11 * 60,
                end: 13 * 60,
            },
        ];
        assert_eq!(
            BusinessHours::new(TimeZone::UTC, days).unwrap_err(),
            InvalidSchedule::Overlap {
                day: "wednesday",
                index: 1
            }
        );
        let mut days: [Vec<TimeRange>; 7] = Default::default();
        days[0] = vec![TimeRange {
            start: 600,
            end: 600,
        }];
        assert!(BusinessHours::new(TimeZone::UTC, days).is_err());
        assert!(TimeZone::parse("Mars/Olympus_Mons").is_err());
        assert_eq!(parse_time_of_day("24:00"), Ok(1440));
        assert!(parse_time_of_day("9:00").is_err());
        assert!(parse_time_of_day("12:60").is_err());
        assert_eq!(format_time_of_day(545), "09:05");
    }
}
