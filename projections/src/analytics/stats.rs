//! An organization's figures per day (in its time zone) or per billing period, cut at read time
//! from the `message_analytics` and `number_history` rows, so a change of time zone or billing
//! day needs no replay.

use std::collections::HashSet;

use chrono::{DateTime, Days, NaiveDate, TimeZone, Utc};
use chrono_tz::Tz;
use sqlx::{AnyPool, Row};
use switchboard_domain::BillingPeriod;

use super::numbers::{NumberHistory, Ownership};
use super::prices::{PriceTable, NUMBER_MONTH_MS};

/// How figures are cut.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Granularity {
    /// Calendar days in the organization's time zone.
    Day,
    /// Billing periods (from the billing day, as the quota counts them).
    Month,
}

/// What to count.
#[derive(Clone, Debug)]
pub struct StatsQuery {
    /// The organization.
    pub organization_id: String,
    /// First day, in `time_zone`.
    pub from: NaiveDate,
    /// Last day (included), in `time_zone`.
    pub to: NaiveDate,
    /// Days or billing periods.
    pub granularity: Granularity,
    /// The organization's time zone.
    pub time_zone: Tz,
    /// Its billing day (1 to 28; `None`: the 1st).
    pub billing_day: Option<u32>,
    /// Prices of the cost estimate.
    pub prices: PriceTable,
}

/// The figures of one bucket (or of the whole range).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Figures {
    /// Inbound messages routed to the organization.
    pub inbound: u64,
    /// Outbound messages (sent, and responder replies).
    pub outbound: u64,
    /// Inbound messages refused for the quota.
    pub refused: u64,
    /// Opt-outs (STOP and its synonyms).
    pub opt_outs: u64,
    /// Distinct customers who wrote or were written to.
    pub unique_customers: u64,
    /// Customers seen for the first time.
    pub new_customers: u64,
    /// Conversations started (after 24 h of silence, or the first).
    pub conversations: u64,
    /// Median time to the business's first reply in conversations the customer started, in
    /// seconds; `None` when none was answered.
    pub median_first_reply_seconds: Option<f64>,
    /// Outbound messages delivered (and not read).
    pub delivered: u64,
    /// Outbound messages failed or undelivered.
    pub failed: u64,
    /// Outbound messages read.
    pub read: u64,
    /// Business-initiated WhatsApp templates sent.
    pub whatsapp_templates: u64,
    /// Numbers held, in number-months (30 days).
    pub number_months: f64,
    /// Estimated provider cost, USD.
    pub estimated_cost_usd: f64,
}

/// One bucket.
#[derive(Clone, Debug, PartialEq)]
pub struct Bucket {
    /// The day (`YYYY-MM-DD`, local) or the billing period's key (its first day).
    pub label: String,
    /// Its start (included).
    pub start: DateTime<Utc>,
    /// Its end (excluded).
    pub end: DateTime<Utc>,
    /// Its figures.
    pub figures: Figures,
}

/// The answer.
#[derive(Clone, Debug, PartialEq)]
pub struct Stats {
    /// The buckets, in order.
    pub buckets: Vec<Bucket>,
    /// The whole range.
    pub totals: Figures,
}

struct MessageFact {
    inbound: bool,
    customer: String,
    at_ms: i64,
    refused: bool,
    opt_out: bool,
    status: Option<String>,
    template: bool,
}

struct Data {
    facts: Vec<MessageFact>,
    first_seen: Vec<i64>,
    conversations: Vec<(i64, Option<i64>)>,
    ownerships: Vec<Ownership>,
}

fn local_midnight(tz: Tz, day: NaiveDate) -> DateTime<Utc> {
    let midnight = day.and_hms_opt(0, 0, 0).unwrap_or_default();
    tz.from_local_datetime(&midnight)
        .earliest()
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or_else(|| Utc.from_utc_datetime(&midnight))
}

/// The buckets of `query`, without figures.
fn cut(query: &StatsQuery) -> Vec<(String, DateTime<Utc>, DateTime<Utc>)> {
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

fn median(mut values: Vec<f64>) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    values.sort_by(|a, b| a.total_cmp(b));
    let mid = values.len() / 2;
    Some(if values.len() % 2 == 0 {
        (values[mid - 1] + values[mid]) / 2.0
    } else {
        values[mid]
    })
}

fn figures(data: &Data, from_ms: i64, to_ms: i64, prices: &PriceTable) -> Figures {
    let within = |at: i64| from_ms <= at && at < to_ms;
    let mut f = Figures::default();
    let mut customers = HashSet::new();
    for fact in data.facts.iter().filter(|fact| within(fact.at_ms)) {
        customers.insert(fact.customer.as_str());
        if fact.inbound {
            f.inbound += 1;
            f.refused += u64::from(fact.refused);
            f.opt_outs += u64::from(fact.opt_out);
        } else {
            f.outbound += 1;
            f.whatsapp_templates += u64::from(fact.template);
            match fact.status.as_deref() {
                Some("delivered") => f.delivered += 1,
                Some("read") => f.read += 1,
                Some("failed" | "undelivered") => f.failed += 1,
                _ => {}
            }
        }
    }
    f.unique_customers = customers.len() as u64;
    f.new_customers = data.first_seen.iter().filter(|at| within(**at)).count() as u64;
    let started: Vec<&(i64, Option<i64>)> = data
        .conversations
        .iter()
        .filter(|(at, _)| within(*at))
        .collect();
    f.conversations = started.len() as u64;
    f.median_first_reply_seconds = median(
        started
            .iter()
            .filter_map(|(at, reply)| reply.map(|reply| (reply - at) as f64 / 1000.0))
            .collect(),
    );
    let held_ms: i64 = data
        .ownerships
        .iter()
        .map(|o| {
            let end = o.released_ms.unwrap_or(i64::MAX).min(to_ms);
            (end - o.provisioned_ms.max(from_ms)).max(0)
        })
        .sum();
    f.number_months = held_ms as f64 / NUMBER_MONTH_MS;
    f.estimated_cost_usd = (f.inbound + f.outbound) as f64 * prices.message
        + f.whatsapp_templates as f64 * prices.whatsapp_template
        + f.number_months * prices.number_month;
    f
}

/// The organization's figures over `query`'s range, per bucket and in total. Numbers still held
/// count up to now at most.
///
/// # Errors
/// The database error.
pub async fn organization_stats(pool: &AnyPool, query: &StatsQuery) -> Result<Stats, sqlx::Error> {
    let buckets = cut(query);
    let (Some(first), Some(last)) = (buckets.first(), buckets.last()) else {
        return Ok(Stats {
            buckets: Vec::new(),
            totals: Figures::default(),
        });
    };
    let (from_ms, to_ms) = (first.1.timestamp_millis(), last.2.timestamp_millis());
    let data = load(pool, &query.organization_id, from_ms, to_ms).await?;
    let now_ms = Utc::now().timestamp_millis();
    let buckets = buckets
        .into_iter()
        .map(|(label, start, end)| Bucket {
            figures: figures(
                &data,
                start.timestamp_millis(),
                end.timestamp_millis()
                    .min(now_ms.max(start.timestamp_millis())),
                &query.prices,
            ),
            label,
            start,
            end,
        })
        .collect();
    let totals = figures(
        &data,
        from_ms,
        to_ms.min(now_ms.max(from_ms)),
        &query.prices,
    );
    Ok(Stats { buckets, totals })
}

async fn load(
    pool: &AnyPool,
    organization_id: &str,
    from_ms: i64,
    to_ms: i64,
) -> Result<Data, sqlx::Error> {
    let facts = sqlx::query(
        "SELECT direction, customer, at_ms, outcome, opt_out, status, template FROM message_facts
          WHERE organization_id = $1 AND at_ms >= $2 AND at_ms < $3",
    )
    .bind(organization_id)
    .bind(from_ms)
    .bind(to_ms)
    .fetch_all(pool)
    .await?
    .iter()
    .map(|row| {
        let outcome: Option<String> = row.try_get("outcome")?;
        Ok(MessageFact {
            inbound: row.try_get::<String, _>("direction")? == "inbound",
            customer: row.try_get("customer")?,
            at_ms: row.try_get("at_ms")?,
            refused: outcome.as_deref() == Some("refused_quota"),
            opt_out: row.try_get::<i64, _>("opt_out")? == 1,
            status: row.try_get("status")?,
            template: row.try_get::<i64, _>("template")? == 1,
        })
    })
    .collect::<Result<Vec<_>, sqlx::Error>>()?;
    let first_seen = sqlx::query(
        "SELECT first_ms FROM customers
          WHERE organization_id = $1 AND first_ms >= $2 AND first_ms < $3",
    )
    .bind(organization_id)
    .bind(from_ms)
    .bind(to_ms)
    .fetch_all(pool)
    .await?
    .iter()
    .map(|row| row.try_get("first_ms"))
    .collect::<Result<Vec<i64>, _>>()?;
    let conversations = sqlx::query(
        "SELECT started_ms, first_reply_ms FROM conversations
          WHERE organization_id = $1 AND started_ms >= $2 AND started_ms < $3",
    )
    .bind(organization_id)
    .bind(from_ms)
    .bind(to_ms)
    .fetch_all(pool)
    .await?
    .iter()
    .map(|row| Ok((row.try_get("started_ms")?, row.try_get("first_reply_ms")?)))
    .collect::<Result<Vec<_>, sqlx::Error>>()?;
    let ownerships = NumberHistory::of_organization(pool, organization_id, from_ms, to_ms).await?;
    Ok(Data {
        facts,
        first_seen,
        conversations,
        ownerships,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

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

    #[test]
    fn the_cost_counts_messages_templates_and_number_months() {
        let data = Data {
            facts: vec![
                MessageFact {
                    inbound: true,
                    customer: "a".into(),
                    at_ms: 10,
                    refused: false,
                    opt_out: false,
                    status: None,
                    template: false,
                },
                MessageFact {
                    inbound: false,
                    customer: "a".into(),
                    at_ms: 20,
                    refused: false,
                    opt_out: false,
                    status: Some("read".into()),
                    template: true,
                },
            ],
            first_seen: vec![10],
            conversations: vec![(10, Some(70_010)), (15, None), (16, Some(30_016))],
            ownerships: vec![Ownership {
                phone_number: "+1".into(),
                organization_id: "o".into(),
                provider: "sandbox".into(),
                provider_sid: "PN".into(),
                provisioned_ms: 0,
                released_ms: None,
            }],
        };
        let month = NUMBER_MONTH_MS as i64;
        let f = figures(&data, 0, month, &PriceTable::default());
        assert_eq!(
            (f.inbound, f.outbound, f.read, f.unique_customers),
            (1, 1, 1, 1)
        );
        assert_eq!(f.conversations, 3);
        assert_eq!(f.median_first_reply_seconds, Some(50.0));
        assert!((f.number_months - 1.0).abs() < 1e-9);
        assert!((f.estimated_cost_usd - (2.0 * 0.005 + 0.0034 + 1.0)).abs() < 1e-9);
    }
}
