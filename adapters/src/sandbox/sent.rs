//! The log of messages the sandbox account sent (`POST …/Messages.json`), oldest first: what
//! reached the customer's phone, and the status Twilio would report for each.

use chrono::{DateTime, Utc};
use serde_json::{json, Value};
use switchboard_domain::{Channel, ChannelAddress};

use crate::twilio::Flavor;

/// A send that passed validation, ready to be logged (see `outbound.rs`).
#[derive(Clone, Debug)]
pub(crate) struct OutboundDraft {
    pub from: ChannelAddress,
    pub to: ChannelAddress,
    /// `Body` as sent (untrimmed); `None` when absent or empty.
    pub body: Option<String>,
    pub media_urls: Vec<String>,
    pub content_sid: Option<String>,
    pub content_variables: Option<String>,
    /// `StatusCallback`; `None` when absent or empty.
    pub status_callback: Option<String>,
}

/// One sent message.
#[derive(Clone, Debug)]
pub(crate) struct SentRecord {
    /// `SM` + 32 hex (OAI pattern `^(SM|MM)[0-9a-fA-F]{32}$`); a UUID for the SignalWire flavor.
    pub sid: String,
    pub draft: OutboundDraft,
    /// The last status Twilio would have reported: `queued` at first, then whatever the status
    /// callbacks said (`sent`, `delivered`, or a pushed one).
    pub status: String,
    /// The `ErrorCode` of the last pushed status, if it had one.
    pub error_code: Option<u32>,
    pub date_created: DateTime<Utc>,
    pub date_updated: DateTime<Utc>,
}

impl SentRecord {
    /// A freshly accepted message, `queued`, with a new SID in `flavor`'s shape.
    pub fn new(draft: OutboundDraft, flavor: Flavor, now: DateTime<Utc>) -> Self {
        Self {
            sid: flavor.new_sid("SM"),
            draft,
            status: "queued".into(),
            error_code: None,
            date_created: now,
            date_updated: now,
        }
    }

    /// Whether it travels on WhatsApp (`From` and `To` are then both `whatsapp:`-prefixed).
    pub fn is_whatsapp(&self) -> bool {
        self.draft.from.channel == Channel::Whatsapp
    }

    /// The sandbox's own view (`GET {mount}/messages/outbound` items): `{message_sid, from, to,
    /// body, media_urls, content_sid, content_variables, status, error_code, status_callback}`,
    /// addresses with their `whatsapp:` prefix, absent values `null`.
    pub fn outbound_view(&self) -> Value {
        let d = &self.draft;
        json!({
            "message_sid": self.sid,
            "from": d.from.to_string(),
            "to": d.to.to_string(),
            "body": d.body,
            "media_urls": d.media_urls,
            "content_sid": d.content_sid,
            "content_variables": d.content_variables,
            "status": self.status,
            "error_code": self.error_code,
            "status_callback": d.status_callback,
        })
    }
}

/// The sent messages, oldest first.
#[derive(Debug, Default)]
pub(crate) struct SentMessages {
    records: Vec<SentRecord>,
}

impl SentMessages {
    pub fn push(&mut self, record: SentRecord) -> &SentRecord {
        self.records.push(record);
        self.records.last().expect("just pushed")
    }

    pub fn get(&self, sid: &str) -> Option<&SentRecord> {
        self.records.iter().find(|r| r.sid == sid)
    }

    /// Records `status` (and `error_code`) as the message's latest; `false` for an unknown sid.
    pub fn set_status(
        &mut self,
        sid: &str,
        status: &str,
        error_code: Option<u32>,
        now: DateTime<Utc>,
    ) -> bool {
        match self.records.iter_mut().find(|r| r.sid == sid) {
            Some(record) => {
                record.status = status.to_string();
                record.error_code = error_code;
                record.date_updated = now;
                true
            }
            None => false,
        }
    }

    pub fn iter(&self) -> impl Iterator<Item = &SentRecord> {
        self.records.iter()
    }
}
