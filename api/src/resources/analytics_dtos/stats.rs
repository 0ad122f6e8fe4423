//! The wire shapes of an organization's figures: buckets, totals and the price table.

use chrono::{DateTime, NaiveDate, Utc};
use poem_openapi::{Enum, Object};
use switchboard_projections::analytics::{Bucket, Figures, PriceTable};

use crate::resources::types::Described;

/// How figures are cut.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Enum)]
#[oai(rename_all = "lowercase")]
pub enum Granularity {
    /// Calendar days in the organization's time zone.
    #[default]
    Day,
    /// Billing periods, from the organization's billing day (as the quota counts them).
    Month,
}

/// An organization's figures over one bucket (or the whole range).
#[derive(Debug, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct FiguresView {
    /// Inbound messages routed to the organization.
    pub inbound: u64,
    /// Outbound messages (sent through the API, and responder replies).
    pub outbound: u64,
    /// Inbound messages refused for the quota.
    pub refused: u64,
    /// Opt-outs (STOP and its synonyms).
    pub opt_outs: u64,
    /// Distinct customers who wrote or were written to.
    pub unique_customers: u64,
    /// Customers seen for the first time.
    pub new_customers: u64,
    /// Conversations started (a conversation starts after 24 h of silence).
    pub conversations: u64,
    /// Median seconds to the organization's first reply in conversations the customer started;
    /// absent when none was answered.
    pub median_first_reply_seconds: Option<f64>,
    /// Outbound messages delivered (not read).
    pub delivered: u64,
    /// Outbound messages failed or undelivered.
    pub failed: u64,
    /// Outbound messages read.
    pub read: u64,
    /// Business-initiated WhatsApp templates sent.
    pub whatsapp_templates: u64,
    /// Numbers held, in number-months (30 days).
    pub number_months: f64,
    /// Estimated provider cost in US dollars (see `prices`).
    pub estimated_cost_usd: f64,
}

impl From<Figures> for FiguresView {
    fn from(f: Figures) -> Self {
        Self {
            inbound: f.inbound,
            outbound: f.outbound,
            refused: f.refused,
            opt_outs: f.opt_outs,
            unique_customers: f.unique_customers,
            new_customers: f.new_customers,
            conversations: f.conversations,
            median_first_reply_seconds: f.median_first_reply_seconds,
            delivered: f.delivered,
            failed: f.failed,
            read: f.read,
            whatsapp_templates: f.whatsapp_templates,
            number_months: f.number_months,
            estimated_cost_usd: f.estimated_cost_usd,
        }
    }
}

/// One bucket of figures.
#[derive(Debug, Object)]
pub struct StatsBucketView {
    /// The day (`YYYY-MM-DD`, in the organization's time zone) or the billing period (its first
    /// day).
    pub label: String,
    /// Its start (included).
    pub start: DateTime<Utc>,
    /// Its end (excluded).
    pub end: DateTime<Utc>,
    /// Its figures.
    pub figures: Described<FiguresView>,
}

impl From<Bucket> for StatsBucketView {
    fn from(b: Bucket) -> Self {
        Self {
            label: b.label,
            start: b.start,
            end: b.end,
            figures: Described(b.figures.into()),
        }
    }
}

/// The prices of the cost estimate, in US dollars.
#[derive(Debug, Object)]
pub struct PricesView {
    /// A number held for a month (30 days).
    pub number_month_usd: f64,
    /// A message, either direction.
    pub message_usd: f64,
    /// Meta's fee for a business-initiated WhatsApp template.
    pub whatsapp_template_usd: f64,
}

impl From<PriceTable> for PricesView {
    fn from(p: PriceTable) -> Self {
        Self {
            number_month_usd: p.number_month,
            message_usd: p.message,
            whatsapp_template_usd: p.whatsapp_template,
        }
    }
}

/// An organization's figures.
#[derive(Debug, Object)]
pub struct OrganizationStatsView {
    /// The organization.
    pub organization_id: uuid::Uuid,
    /// First day counted (in `time_zone`).
    pub from: NaiveDate,
    /// Last day counted (included).
    pub to: NaiveDate,
    /// How the buckets are cut.
    pub granularity: Described<Granularity>,
    /// The IANA time zone days are counted in (the organization's; `UTC` when unset).
    pub time_zone: String,
    /// The buckets, oldest first.
    pub buckets: Vec<StatsBucketView>,
    /// The whole range.
    pub totals: Described<FiguresView>,
    /// The prices of the cost estimate.
    pub prices: Described<PricesView>,
}
