//! The analytics' wire shapes.

use super::types::Described;
use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use poem_openapi::{Enum, Object};
use switchboard_projections::analytics::{
    Bucket, ConversationRow, Figures, Ownership, PlatformFigures, PriceTable,
};

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

/// Who wrote first in a conversation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Enum)]
#[oai(rename_all = "lowercase")]
pub enum StartedBy {
    /// The customer.
    Customer,
    /// The organization.
    Business,
}

/// A channel.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Enum)]
#[oai(rename_all = "lowercase")]
pub enum ChannelView {
    /// SMS/MMS.
    Sms,
    /// WhatsApp.
    Whatsapp,
}

pub(crate) fn at(ms: i64) -> DateTime<Utc> {
    Utc.timestamp_millis_opt(ms).single().unwrap_or_default()
}

/// A conversation: a customer's messages with no 24 h silence between them.
#[derive(Debug, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct ConversationView {
    /// The customer's address (`whatsapp:`-prefixed on WhatsApp).
    pub customer: String,
    /// The channel of its first message.
    pub channel: Described<ChannelView>,
    /// Who wrote first.
    pub started_by: Described<StartedBy>,
    /// Its first message.
    pub started_at: DateTime<Utc>,
    /// Its last message so far.
    pub last_message_at: DateTime<Utc>,
    /// Messages in it, both directions.
    pub messages: u64,
    /// When the organization first replied (conversations the customer started).
    pub first_reply_at: Option<DateTime<Utc>>,
    /// Seconds from the customer's first message to that reply.
    pub first_reply_seconds: Option<f64>,
}

impl From<ConversationRow> for ConversationView {
    fn from(c: ConversationRow) -> Self {
        Self {
            channel: Described(if c.channel == "whatsapp" {
                ChannelView::Whatsapp
            } else {
                ChannelView::Sms
            }),
            started_by: Described(if c.started_by == "business" {
                StartedBy::Business
            } else {
                StartedBy::Customer
            }),
            started_at: at(c.started_ms),
            last_message_at: at(c.last_ms),
            messages: u64::try_from(c.messages).unwrap_or(0),
            first_reply_at: c.first_reply_ms.map(at),
            first_reply_seconds: c
                .first_reply_ms
                .map(|reply| (reply - c.started_ms) as f64 / 1000.0),
            customer: c.customer,
        }
    }
}

/// A page of conversations, newest first.
#[derive(Debug, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct ConversationPage {
    /// The conversations.
    pub items: Vec<ConversationView>,
    /// Pass as `cursor` for the next (older) page; absent on the last page.
    pub next_cursor: Option<String>,
}

/// Live organizations on one plan.
#[derive(Debug, Object)]
pub struct PlanCount {
    /// The plan.
    pub plan: String,
    /// Organizations on it.
    pub organizations: u64,
}

/// Numbers in one routing status.
#[derive(Debug, Object)]
pub struct NumberStatusCount {
    /// `active` or `released`.
    pub status: String,
    /// Numbers in it.
    pub numbers: u64,
}

/// Provisioning requests by outcome.
#[derive(Debug, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct ProvisioningFiguresView {
    /// Ended with a number attached.
    pub attached: u64,
    /// Failed.
    pub failed: u64,
    /// Still in flight.
    pub in_flight: u64,
    /// `attached / (attached + failed)`; absent before any finished.
    pub success_rate: Option<f64>,
}

/// Platform-wide figures.
#[derive(Debug, Object)]
pub struct PlatformAnalyticsView {
    /// Live organizations by plan.
    pub organizations_by_plan: Vec<PlanCount>,
    /// Numbers by routing status.
    pub numbers_by_status: Vec<NumberStatusCount>,
    /// Provisioning outcomes.
    pub provisioning: Described<ProvisioningFiguresView>,
    /// Inbound messages to numbers no organization held.
    pub unrouted_messages: u64,
}

impl From<PlatformFigures> for PlatformAnalyticsView {
    fn from(p: PlatformFigures) -> Self {
        Self {
            provisioning: Described(ProvisioningFiguresView {
                attached: p.provisioning_attached,
                failed: p.provisioning_failed,
                in_flight: p.provisioning_in_flight,
                success_rate: p.provisioning_success_rate(),
            }),
            organizations_by_plan: p
                .organizations_by_plan
                .into_iter()
                .map(|(plan, organizations)| PlanCount {
                    plan,
                    organizations,
                })
                .collect(),
            numbers_by_status: p
                .numbers_by_status
                .into_iter()
                .map(|(status, numbers)| NumberStatusCount { status, numbers })
                .collect(),
            unrouted_messages: p.unrouted_messages,
        }
    }
}

/// One ownership of a number.
#[derive(Debug, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct OwnershipView {
    /// The owner.
    pub organization_id: uuid::Uuid,
    /// `twilio`, `signalwire` or `sandbox`.
    pub provider: String,
    /// The provider's SID then.
    pub provider_sid: String,
    /// When it was provisioned for the owner.
    pub provisioned_at: DateTime<Utc>,
    /// When it was released; absent while held.
    pub released_at: Option<DateTime<Utc>>,
}

impl From<Ownership> for OwnershipView {
    fn from(o: Ownership) -> Self {
        Self {
            organization_id: o.organization_id.parse().unwrap_or_default(),
            provider: o.provider,
            provider_sid: o.provider_sid,
            provisioned_at: at(o.provisioned_ms),
            released_at: o.released_ms.map(at),
        }
    }
}

/// A number's ownership history.
#[derive(Debug, Object)]
pub struct NumberHistoryView {
    /// E.164.
    pub phone_number: String,
    /// Every ownership, oldest first.
    pub ownerships: Vec<OwnershipView>,
}
