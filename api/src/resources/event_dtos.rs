//! The audit log's wire shapes: events exactly as stored, with their chain hash.

use super::types::Described;
use chrono::{DateTime, TimeZone, Utc};
use poem_openapi::Object;
use switchboard_projections::audit::AuditEntry;

/// The request context recorded with an event.
#[derive(Debug, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct EventMetadataView {
    /// The id of the HTTP request that caused it (`X-Request-Id`).
    pub request_id: Option<String>,
    /// Who acted: `admin` (the operator's API key), `twilio` (a webhook), `system` (a
    /// background process).
    pub actor: Option<String>,
}

/// One event of the global log, as stored.
#[derive(Debug, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct AuditEventView {
    /// Global position (pass as `after` to read what follows it).
    pub position: i64,
    /// When it was recorded (millisecond precision).
    pub recorded_at: DateTime<Utc>,
    /// The stream's aggregate type: `Organization`, `PhoneNumber`, `Message`, `Quota`,
    /// `Conversation`, `SharedNumberMember` or `Endpoint`.
    pub aggregate_type: String,
    /// The stream's id (an organization UUID, an E.164 number, a MessageSid, …).
    pub aggregate_id: String,
    /// Its sequence within the stream, from 1.
    pub sequence: i64,
    /// The event type, e.g. `NumberProvisioned`.
    pub event_type: String,
    /// The event's schema version, e.g. `1.0`.
    pub event_version: String,
    /// The payload exactly as stored: `{"<event type>": {...}}` (older versions are not upcast
    /// here).
    pub payload: serde_json::Value,
    /// The request context recorded with it.
    pub metadata: Described<EventMetadataView>,
    /// The audit chain hash at this event (SHA-256, hex); absent until the projector has
    /// chained it. `switchboard audit verify` documents how it is computed.
    pub hash: Option<String>,
}

impl From<AuditEntry> for AuditEventView {
    fn from(entry: AuditEntry) -> Self {
        let event = entry.event;
        let text = |key: &str| event.metadata[key].as_str().map(str::to_string);
        Self {
            position: event.log_position.position,
            recorded_at: Utc
                .timestamp_millis_opt(event.recorded_at_ms)
                .single()
                .unwrap_or_default(),
            metadata: Described(EventMetadataView {
                request_id: text("request_id"),
                actor: text("actor"),
            }),
            aggregate_type: event.aggregate_type,
            aggregate_id: event.aggregate_id,
            sequence: event.sequence,
            event_type: event.event_type,
            event_version: event.event_version,
            payload: event.payload,
            hash: entry.hash,
        }
    }
}

/// A page of the audit log.
#[derive(Debug, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct AuditEventPage {
    /// The events, in order.
    pub items: Vec<AuditEventView>,
    /// For `GET /v1/events`: the position to pass as `after` for the next page; for a stream:
    /// the value to pass as `cursor`. Absent on the last page.
    pub next_cursor: Option<String>,
}
