//! An organization's figures per day (in its time zone) or per billing period, cut at read time
//! from the `message_analytics` and `number_history` rows, so a change of time zone or billing
//! day needs no replay. The database counts each bucket (`counts`); this process holds one row
//! per bucket, whatever the range's traffic.

mod buckets;
mod cost;
mod counts;

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use sqlx::AnyPool;

use super::numbers::NumberHistory;
use super::prices::PriceTable;

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

/// The organization's figures over `query`'s range, per bucket and in total. Numbers still held
/// count up to now at most.
///
/// # Errors
/// The database error.
pub async fn organization_stats(pool: &AnyPool, query: &StatsQuery) -> Result<Stats, sqlx::Error> {
    let cuts = buckets::cut(query);
    let (Some(first), Some(last)) = (cuts.first(), cuts.last()) else {
        return Ok(Stats {
            buckets: Vec::new(),
            totals: Figures::default(),
        });
    };
    let (from_ms, to_ms) = (first.1.timestamp_millis(), last.2.timestamp_millis());
    // Every range ends now at the latest; the last range is the whole one (the totals).
    let now_ms = Utc::now().timestamp_millis();
    let up_to_now = |start: i64, end: i64| (start, end.min(now_ms.max(start)));
    let mut ranges: Vec<counts::Range> = cuts
        .iter()
        .map(|(_, start, end)| up_to_now(start.timestamp_millis(), end.timestamp_millis()))
        .collect();
    ranges.push(up_to_now(from_ms, to_ms));
    let counted = counts::count(pool, &query.organization_id, &ranges).await?;
    let ownerships =
        NumberHistory::of_organization(pool, &query.organization_id, from_ms, to_ms).await?;
    let mut figures: Vec<Figures> = counted
        .into_iter()
        .zip(&ranges)
        .map(|(f, &(from, to))| cost::priced(f, &ownerships, from, to, &query.prices))
        .collect();
    let totals = figures.pop().unwrap_or_default();
    let buckets = cuts
        .into_iter()
        .zip(figures)
        .map(|((label, start, end), figures)| Bucket {
            label,
            start,
            end,
            figures,
        })
        .collect();
    Ok(Stats { buckets, totals })
}
