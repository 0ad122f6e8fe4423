use std::fmt;

use chrono::{DateTime, Datelike, Months, NaiveDate, TimeZone, Utc};
use serde::{Deserialize, Serialize};

/// A billing period: from `start` (inclusive) to `end` (exclusive), both at 00:00 UTC. A calendar
/// month by default; with a billing day `d` (1 to 28) it runs from day `d` of one month to day
/// `d` of the next.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct BillingPeriod {
    /// First instant of the period.
    pub start: DateTime<Utc>,
    /// First instant after it.
    pub end: DateTime<Utc>,
}

/// A billing day outside 1..=28 (so every month has it).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("a billing day is 1 to 28 (got {day})")]
pub struct InvalidBillingDay {
    /// What was given.
    pub day: u32,
}

/// Checks a billing day.
///
/// # Errors
/// [`InvalidBillingDay`] outside 1..=28.
pub fn validate_billing_day(day: u32) -> Result<u32, InvalidBillingDay> {
    if (1..=28).contains(&day) {
        Ok(day)
    } else {
        Err(InvalidBillingDay { day })
    }
}

fn midnight(date: NaiveDate) -> DateTime<Utc> {
    Utc.from_utc_datetime(&date.and_hms_opt(0, 0, 0).expect("midnight exists"))
}

impl BillingPeriod {
    /// The period containing `at` for `billing_day` (`None`: calendar month). Days outside
    /// 1..=28 are clamped into it.
    pub fn containing(at: DateTime<Utc>, billing_day: Option<u32>) -> Self {
        let day = billing_day.unwrap_or(1).clamp(1, 28);
        let date = at.date_naive();
        let this_month = NaiveDate::from_ymd_opt(date.year(), date.month(), day)
            .expect("days 1 to 28 exist in every month");
        let start = if date >= this_month {
            this_month
        } else {
            this_month - Months::new(1)
        };
        Self {
            start: midnight(start),
            end: midnight(start + Months::new(1)),
        }
    }

    /// A stable key for the period: its first day, `YYYY-MM-DD`.
    pub fn key(&self) -> String {
        self.start.format("%Y-%m-%d").to_string()
    }

    /// Whether `at` falls in it.
    pub fn contains(&self, at: DateTime<Utc>) -> bool {
        self.start <= at && at < self.end
    }
}

impl fmt::Display for BillingPeriod {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.key())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    #[test]
    fn the_default_period_is_the_calendar_month_in_utc() {
        let period = BillingPeriod::containing(at("2026-11-21T12:00:00Z"), None);
        assert_eq!(period.start, at("2026-11-01T00:00:00Z"));
        assert_eq!(period.end, at("2026-12-01T00:00:00Z"));
        assert_eq!(period.key(), "2026-11-01");
    }

    #[test]
    fn the_last_instant_of_a_month_and_the_first_of_the_next_are_in_different_periods() {
        let before = BillingPeriod::containing(at("2026-12-31T23:59:59.999Z"), None);
        let after = BillingPeriod::containing(at("2027-01-01T00:00:00Z"), None);
        assert_eq!(before.key(), "2026-12-01");
        assert_eq!(after.key(), "2027-01-01");
        assert_eq!(before.end, after.start);
    }

    #[test]
    fn a_billing_day_starts_the_period_on_that_day() {
        let early = BillingPeriod::containing(at("2026-11-10T08:00:00Z"), Some(15));
        assert_eq!(early.start, at("2026-10-15T00:00:00Z"));
        assert_eq!(early.end, at("2026-11-15T00:00:00Z"));
        let on_the_day = BillingPeriod::containing(at("2026-11-15T00:00:00Z"), Some(15));
        assert_eq!(on_the_day.start, at("2026-11-15T00:00:00Z"));
    }

    #[test]
    fn billing_days_past_28_are_refused() {
        assert!(validate_billing_day(29).is_err());
        assert!(validate_billing_day(0).is_err());
        assert_eq!(validate_billing_day(28), Ok(28));
    }
}
