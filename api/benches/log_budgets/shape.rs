//! The benchmark's log: organizations, their numbers, then inbound and outbound messages.

use chrono::{DateTime, Utc};
use switchboard_domain::message::{
    InboundMessage, InboundOutcome, MessageEvent, OutboundMessage, Routing,
};
use switchboard_domain::organization::OrganizationEvent;
use switchboard_domain::phone_number::{PhoneNumberEvent, WebhookUrls};
use switchboard_domain::{
    Capabilities, Channel, ChannelAddress, JoinCode, MessageSid, MessageStatus, OrganizationId,
    OrganizationName, Plan, RequestId, E164,
};

/// One event row: aggregate type and id, sequence, event type and version, payload.
pub type Row = (&'static str, String, i64, String, &'static str, String);

pub const ORGANIZATIONS: usize = 1000;
const CUSTOMERS_PER_ORGANIZATION: usize = 50;

fn number_of(org: usize) -> String {
    format!("+1415555{:04}", org % 10_000)
}

/// The `i`-th event of a log of `total`: first each organization's two events and its number,
/// then inbound messages (received, outcome) and outbound ones (sent, delivered), 2 to 1.
pub struct LogShape {
    pub organizations: Vec<OrganizationId>,
    pub total: usize,
    pub start: DateTime<Utc>,
}

impl LogShape {
    fn at(&self, i: usize) -> DateTime<Utc> {
        let span_ms = 60 * 24 * 3600 * 1000_i64;
        self.start + chrono::Duration::milliseconds(span_ms * i as i64 / self.total.max(1) as i64)
    }

    pub fn rows(&self, from: usize, to: usize) -> Vec<Row> {
        let setup = ORGANIZATIONS * 3;
        let mut rows = Vec::with_capacity(to - from);
        let mut i = from;
        while i < to {
            if i < setup {
                rows.push(self.setup_row(i));
                i += 1;
                continue;
            }
            // Messages come in pairs of events.
            let pair = (i - setup) / 2;
            let second = (i - setup) % 2 == 1;
            rows.push(self.message_row(pair, second, i));
            i += 1;
        }
        rows
    }

    fn setup_row(&self, i: usize) -> Row {
        let org = i / 3;
        let id = self.organizations[org];
        let at = self.at(i);
        let json = |e: &dyn erased::Json| e.json();
        match i % 3 {
            0 => (
                "Organization",
                id.to_string(),
                1,
                "OrganizationCreated".into(),
                "1.0",
                json(&OrganizationEvent::OrganizationCreated {
                    organization_id: id,
                    name: OrganizationName::parse(&format!("Org {org}")).unwrap(),
                    description: None,
                    industry: None,
                    plan: Plan::Business,
                    created_at: at,
                }),
            ),
            1 => (
                "Organization",
                id.to_string(),
                2,
                "JoinCodeAssigned".into(),
                "1.0",
                json(&OrganizationEvent::JoinCodeAssigned {
                    join_code: JoinCode::generate(uuid::Uuid::from_u128(org as u128)),
                }),
            ),
            _ => (
                "PhoneNumber",
                number_of(org),
                1,
                "NumberProvisioned".into(),
                "1.0",
                json(&PhoneNumberEvent::NumberProvisioned {
                    phone_number: E164::parse(&number_of(org)).unwrap(),
                    organization_id: id,
                    request_id: RequestId::from_uuid(uuid::Uuid::from_u128(org as u128)),
                    provider: "sandbox".into(),
                    provider_sid: format!("PN{org:032x}"),
                    capabilities: Capabilities {
                        sms: true,
                        mms: true,
                        voice: false,
                    },
                    webhooks: WebhookUrls {
                        sms_url: "https://bench.example/webhooks/twilio/messages".into(),
                        status_callback: "https://bench.example/webhooks/twilio/status".into(),
                    },
                    provisioned_at: at,
                }),
            ),
        }
    }

    fn message_row(&self, pair: usize, second: bool, i: usize) -> Row {
        let org = pair % ORGANIZATIONS;
        let id = self.organizations[org];
        let customer = format!(
            "+1555{:07}",
            (pair / ORGANIZATIONS) % CUSTOMERS_PER_ORGANIZATION + org * 100
        );
        let sid = format!("SM{pair:032x}");
        let at = self.at(i);
        let inbound = pair % 3 != 2;
        let event = match (inbound, second) {
            (true, false) => MessageEvent::MessageReceived {
                message: InboundMessage {
                    message_sid: MessageSid::parse(&sid).unwrap(),
                    account_sid: "ACbench".into(),
                    channel: Channel::Sms,
                    from: customer.clone(),
                    to: ChannelAddress::parse(&number_of(org)).unwrap().into(),
                    body: "Is my order ready?".into(),
                    media: Vec::new(),
                    profile_name: None,
                    wa_id: None,
                    routing: Routing::Routed {
                        organization_id: id,
                    },
                },
                received_at: at,
                segments: 1,
            },
            (true, true) => MessageEvent::InboundOutcomeDecided {
                outcome: InboundOutcome::Accepted,
                replies: Vec::new(),
                decided_at: at,
                auto_reply_suppressed: false,
            },
            (false, false) => MessageEvent::MessageSent {
                message: OutboundMessage {
                    organization_id: id,
                    channel: Channel::Sms,
                    from: number_of(org),
                    to: customer.clone(),
                    body: Some("Yes, it is.".into()),
                    media_urls: Vec::new(),
                    content_sid: None,
                    content_variables: None,
                },
                status: MessageStatus::Queued,
                sent_at: at,
            },
            (false, true) => MessageEvent::MessageStatusChanged {
                status: MessageStatus::Delivered,
                error_code: None,
                changed_at: at,
            },
        };
        let version = if matches!(event, MessageEvent::MessageReceived { .. }) {
            "3.0"
        } else {
            "1.0"
        };
        (
            "Message",
            sid,
            1 + i64::from(second),
            cqrs_es::DomainEvent::event_type(&event),
            version,
            serde_json::to_string(&event).unwrap(),
        )
    }
}

/// Serializing any event to its stored JSON.
mod erased {
    pub trait Json {
        fn json(&self) -> String;
    }
    impl<T: serde::Serialize> Json for T {
        fn json(&self) -> String {
            serde_json::to_string(self).unwrap()
        }
    }
}
