//! Cutting a stats range into buckets: calendar days at local midnight in the organization's
//! time zone, or billing periods clipped to the range.

use chrono::{DateTime, Days, NaiveDate, TimeZone, Utc};
use chrono_tz::Tz;
use switchboard_domain::BillingPeriod;

use super::{Granularity, StatsQuery};

/// One bucket before it is counted: its label, start (included) and end (excluded).
pub(super) type Cut = (String, DateTime<Utc>, DateTime<Utc>);

fn local_midnight(tz: Tz, day: NaiveDate) -> DateTime<Utc> {
    let midnight = day.and_hms_opt(0, 0, 0).unwrap_or_default();
    tz.from_local_datetime(&midnight)
        .earliest()
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or_else(|| Utc.from_utc_datetime(&midnight))
}

/// The buckets of `query`, without figures, in order.
pub(super) fn cut(query: &StatsQuery) -> Vec<Cut> {
    let start = local_midnight(query.time_zone, query.from);
    let end = local_midnight(
        query.time_zone,
        query.to.checked_add_days(Days::new(1)).unwrap_or(query.to),
    );
    let mut buckets = Vec::new();
    match query.granularity {
        Granularity::Day => {
            let mut day = query.from;
            while day <= query.to {
                let next = day.checked_add_days(Days::new(1)).unwrap_or(day);
                buckets.push((
                    day.format("%Y-%m-%d").to_string(),
                    local_midnight(query.time_zone, day),
                    local_midnight(query.time_zone, next),
                ));
                if next == day {
                    break;
                }
                day = next;
            }
        }
        Granularity::Month => {
            let mut at = start;
            while at < end {
                let period = BillingPeriod::containing(at, query.billing_day);
                buckets.push((period.key(), at.max(period.start), end.min(period.end)));
                at = period.end;
            }
        }
    }
    buckets
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analytics::PriceTable;

    fn query(granularity: Granularity, from: &str, to: &str, tz: &str) -> StatsQuery {
        StatsQuery {
            organization_id: "o".into(),
            from: from.parse().unwrap(),
            to: to.parse().unwrap(),
            granularity,
            time_zone: tz.parse().unwrap(),
            billing_day: Some(15),
            prices: PriceTable::default(),
        }
    }

    #[test]
    fn days_are_cut_at_local_midnight() {
        let buckets = cut(&query(
            Granularity::Day,
            "2026-03-01",
            "2026-03-02",
            "Europe/Madrid",
        ));
        assert_eq!(buckets.len(), 2);
        assert_eq!(buckets[0].0, "2026-03-01");
        assert_eq!(buckets[0].1.to_rfc3339(), "2026-02-28T23:00:00+00:00");
        assert_eq!(buckets[1].2.to_rfc3339(), "2026-03-02T23:00:00+00:00");
    }

    #[test]
    fn months_are_billing_periods_clipped_to_the_range() {
        let buckets = cut(&query(
            Granularity::Month,
            "2026-03-01",
            "2026-04-30",
            "UTC",
        ));
        let labels: Vec<&str> = buckets.iter().map(|b| b.0.as_str()).collect();
        assert_eq!(labels, vec!["2026-02-15", "2026-03-15", "2026-04-15"]);
        assert_eq!(buckets[0].1.to_rfc3339(), "2026-03-01T00:00:00+00:00");
        assert_eq!(buckets[2].2.to_rfc3339(), "2026-05-01T00:00:00+00:00");
    }
}
